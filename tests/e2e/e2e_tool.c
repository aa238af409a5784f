/*
 * px-e2e-tool — what the node's end-to-end tests need beside curl and jq,
 * written without libpaxta so it checks the node rather than agreeing
 * with it:
 *
 *   px-e2e-tool batch FILE...              an EntryBatch of the files'
 *                                          bytes (each a SignedEntry) on
 *                                          stdout
 *   px-e2e-tool leaf-hash FILE             hex SHA-256(0x00 ‖ bytes)
 *   px-e2e-tool inclusion LEAF_FILE INDEX SIZE ROOT [HASH...]
 *   px-e2e-tool consistency FROM TO ROOT_FROM ROOT_TO [HASH...]
 *
 * Hashes and roots are standard base64. The proof checks are RFC 9162
 * §2.1.3.2 and §2.1.4.2 as written there, on OpenSSL's SHA-256. Exit 0 when
 * the proof verifies, 1 when it does not, 2 on usage errors.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#define MAX_PROOF 64

struct hash {
	unsigned char b[32];
};

static void
sha256(struct hash *out, const void *a, size_t alen, const void *b, size_t blen,
       const void *c, size_t clen)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int n = 0;

	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) ||
	    !EVP_DigestUpdate(ctx, a, alen) ||
	    (blen && !EVP_DigestUpdate(ctx, b, blen)) ||
	    (clen && !EVP_DigestUpdate(ctx, c, clen)) ||
	    !EVP_DigestFinal_ex(ctx, out->b, &n)) {
		fprintf(stderr, "px-e2e-tool: sha256 failed\n");
		exit(2);
	}
	EVP_MD_CTX_free(ctx);
}

/* RFC 9162 §2.1.1: HASH(0x01 || l || r). */
static void
node(struct hash *out, const struct hash *l, const struct hash *r)
{
	static const unsigned char one = 1;

	sha256(out, &one, 1, l->b, 32, r->b, 32);
}

static void
b64_hash(struct hash *out, const char *text)
{
	unsigned char buf[48];
	size_t len = strlen(text);
	int n;

	if (len != 44 ||
	    (n = EVP_DecodeBlock(buf, (const unsigned char *)text, (int)len)) !=
		    33 ||
	    text[43] != '=') {
		fprintf(stderr, "px-e2e-tool: '%s' is not a base64 hash\n",
			text);
		exit(2);
	}
	memcpy(out->b, buf, 32);
}

static uint64_t
number(const char *text)
{
	char *end;
	unsigned long long v = strtoull(text, &end, 10);

	if (!*text || *end) {
		fprintf(stderr, "px-e2e-tool: '%s' is not a number\n", text);
		exit(2);
	}
	return v;
}

static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || !(buf = malloc((size_t)n + 1)) ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		fprintf(stderr, "px-e2e-tool: cannot read '%s'\n", path);
		exit(2);
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static int
same(const struct hash *a, const struct hash *b)
{
	return memcmp(a->b, b->b, 32) == 0;
}

/* RFC 9162 §2.1.3.2. */
static int
verify_inclusion(const struct hash *leaf_hash, uint64_t index, uint64_t size,
		 const struct hash *path, size_t n, const struct hash *root)
{
	uint64_t fn = index, sn = size - 1;
	struct hash r = *leaf_hash;

	if (index >= size)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (sn == 0)
			return 0;
		if ((fn & 1) || fn == sn) {
			node(&r, &path[i], &r);
			if (!(fn & 1))
				while (!(fn & 1) && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
		} else {
			node(&r, &r, &path[i]);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && same(&r, root);
}

/* RFC 9162 §2.1.4.2. */
static int
verify_consistency(uint64_t first, uint64_t second,
		   const struct hash *first_hash,
		   const struct hash *second_hash, const struct hash *proof,
		   size_t n)
{
	struct hash path[MAX_PROOF + 1], fr, sr;
	size_t len = 0;
	uint64_t fn, sn;

	if (first == 0 || first > second)
		return 0;
	if (first == second)
		return n == 0 && same(first_hash, second_hash);
	if (n == 0)
		return 0;
	/* 1. a power of two: the first tree's root starts the path. */
	if ((first & (first - 1)) == 0)
		path[len++] = *first_hash;
	memcpy(path + len, proof, n * sizeof(*proof));
	len += n;
	fn = first - 1;
	sn = second - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	fr = sr = path[0];
	for (size_t i = 1; i < len; i++) {
		if (sn == 0)
			return 0;
		if ((fn & 1) || fn == sn) {
			node(&fr, &path[i], &fr);
			node(&sr, &path[i], &sr);
			if (!(fn & 1))
				while (!(fn & 1) && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
		} else {
			node(&sr, &sr, &path[i]);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return same(&fr, first_hash) && same(&sr, second_hash) && sn == 0;
}

static void
put_varint(uint64_t v)
{
	do {
		putchar((int)((v & 0x7f) | (v >= 0x80 ? 0x80 : 0)));
		v >>= 7;
	} while (v);
}

int
main(int argc, char **argv)
{
	struct hash proof[MAX_PROOF];
	size_t n = 0;

	if (argc >= 3 && strcmp(argv[1], "batch") == 0) {
		for (int i = 2; i < argc; i++) {
			size_t len;
			unsigned char *buf = slurp(argv[i], &len);

			putchar(0x0a); /* field 1, length-delimited */
			put_varint(len);
			fwrite(buf, 1, len, stdout);
			free(buf);
		}
		return fflush(stdout) == 0 ? 0 : 2;
	}
	if (argc == 3 && strcmp(argv[1], "leaf-hash") == 0) {
		static const unsigned char zero = 0;
		struct hash h;
		size_t len;
		unsigned char *buf = slurp(argv[2], &len);

		sha256(&h, &zero, 1, buf, len, NULL, 0);
		for (int i = 0; i < 32; i++)
			printf("%02x", h.b[i]);
		putchar('\n');
		free(buf);
		return 0;
	}
	if (argc >= 6 && strcmp(argv[1], "inclusion") == 0) {
		static const unsigned char zero = 0;
		struct hash leaf, root;
		size_t len;
		unsigned char *buf = slurp(argv[2], &len);

		sha256(&leaf, &zero, 1, buf, len, NULL, 0);
		free(buf);
		b64_hash(&root, argv[5]);
		for (int i = 6; i < argc && n < MAX_PROOF; i++)
			b64_hash(&proof[n++], argv[i]);
		if (verify_inclusion(&leaf, number(argv[3]), number(argv[4]),
				     proof, n, &root))
			return 0;
		fprintf(stderr, "px-e2e-tool: the inclusion proof does not "
				"verify\n");
		return 1;
	}
	if (argc >= 6 && strcmp(argv[1], "consistency") == 0) {
		struct hash a, b;

		b64_hash(&a, argv[4]);
		b64_hash(&b, argv[5]);
		for (int i = 6; i < argc && n < MAX_PROOF; i++)
			b64_hash(&proof[n++], argv[i]);
		if (verify_consistency(number(argv[2]), number(argv[3]), &a, &b,
				       proof, n))
			return 0;
		fprintf(stderr, "px-e2e-tool: the consistency proof does not "
				"verify\n");
		return 1;
	}
	fputs("usage: px-e2e-tool batch FILE... | leaf-hash FILE |\n"
	      "       inclusion LEAF_FILE INDEX SIZE ROOT [HASH...] |\n"
	      "       consistency FROM TO ROOT_FROM ROOT_TO [HASH...]\n",
	      stderr);
	return 2;
}
