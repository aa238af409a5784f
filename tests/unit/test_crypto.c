/* Unit tests for node/core/crypto.c. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <openssl/err.h>
#include <sodium.h>

#include "paxta/crypto.h"
#include "paxta/error.h"
#include "support.h"

#define VECTOR_MSG_MAX 1024

struct ed25519_vector {
	char name[32];
	uint8_t seed[PX_SEED_LEN];
	struct px_pubkey pub;
	uint8_t msg[VECTOR_MSG_MAX];
	size_t msg_len;
	struct px_sig sig;
};

/* Decode a hex field of the vector file into exactly len bytes. */
static void
decode_field(uint8_t *out, size_t len, const char *hex)
{
	assert_int_equal(strlen(hex), 2 * len);
	assert_int_equal(px_hex_decode(out, len, hex), PX_OK);
}

/* Read tests/vectors/rfc8032-ed25519.txt; returns the vector count. */
static size_t
load_vectors(struct ed25519_vector *v, size_t cap)
{
	char *path = pxt_vector_path("rfc8032-ed25519.txt");
	char *text = pxt_read_file(path, NULL);
	char *line, *save = NULL;
	size_t n = 0;

	assert_non_null(text);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *field[5], *fsave = NULL;
		int i;

		if (line[0] == '#' || line[0] == '\0')
			continue;
		assert_true(n < cap);
		field[0] = strtok_r(line, " ", &fsave);
		for (i = 1; i < 5; i++)
			field[i] = strtok_r(NULL, " ", &fsave);
		for (i = 0; i < 5; i++)
			assert_non_null(field[i]);
		assert_null(strtok_r(NULL, " ", &fsave));
		assert_true(strlen(field[0]) < sizeof(v[n].name));
		strcpy(v[n].name, field[0]);
		decode_field(v[n].seed, PX_SEED_LEN, field[1]);
		decode_field(v[n].pub.b, PX_PUBKEY_LEN, field[2]);
		if (strcmp(field[3], "-") == 0) {
			v[n].msg_len = 0;
		} else {
			v[n].msg_len = strlen(field[3]) / 2;
			assert_true(v[n].msg_len <= VECTOR_MSG_MAX);
			decode_field(v[n].msg, v[n].msg_len, field[3]);
		}
		decode_field(v[n].sig.b, PX_SIG_LEN, field[4]);
		n++;
	}
	free(text);
	free(path);
	return n;
}

static void
test_rfc8032_vectors(void **state)
{
	static struct ed25519_vector v[8];
	size_t n, i;

	(void)state;
	n = load_vectors(v, 8);
	/* TEST 1, 2, 3, 1024 and SHA(abc) */
	assert_int_equal(n, 5);
	assert_int_equal(v[3].msg_len, 1023);
	for (i = 0; i < n; i++) {
		struct px_seckey key;
		struct px_sig sig, bad_sig;
		struct px_pubkey bad_pub;
		uint8_t msg[VECTOR_MSG_MAX + 1];

		assert_int_equal(px_key_from_seed(&key, v[i].seed), PX_OK);
		assert_memory_equal(key.seed, v[i].seed, PX_SEED_LEN);
		assert_memory_equal(key.pub.b, v[i].pub.b, PX_PUBKEY_LEN);
		assert_int_equal(px_sign(&sig, &key, v[i].msg, v[i].msg_len),
				 PX_OK);
		assert_memory_equal(sig.b, v[i].sig.b, PX_SIG_LEN);
		assert_int_equal(
			px_verify(&v[i].pub, &v[i].sig, v[i].msg, v[i].msg_len),
			PX_OK);

		/* one flipped bit in the message, signature or key */
		memcpy(msg, v[i].msg, v[i].msg_len);
		if (v[i].msg_len > 0) {
			msg[v[i].msg_len / 2] ^= 0x01;
			assert_int_equal(px_verify(&v[i].pub, &v[i].sig, msg,
						   v[i].msg_len),
					 PX_EVERIFY);
		} else {
			msg[0] = 0x00;
			assert_int_equal(
				px_verify(&v[i].pub, &v[i].sig, msg, 1),
				PX_EVERIFY);
		}
		bad_sig = v[i].sig;
		bad_sig.b[5] ^= 0x20;
		assert_int_equal(
			px_verify(&v[i].pub, &bad_sig, v[i].msg, v[i].msg_len),
			PX_EVERIFY);
		bad_sig = v[i].sig;
		bad_sig.b[40] ^= 0x01; /* in S */
		assert_int_equal(
			px_verify(&v[i].pub, &bad_sig, v[i].msg, v[i].msg_len),
			PX_EVERIFY);
		bad_pub = v[i].pub;
		bad_pub.b[0] ^= 0x01;
		assert_int_equal(
			px_verify(&bad_pub, &v[i].sig, v[i].msg, v[i].msg_len),
			PX_EVERIFY);
		px_key_wipe(&key);
	}
}

static void
test_key_generate(void **state)
{
	struct px_seckey a, b, c;
	struct px_sig sig;
	const char msg[] = "lot UZ-2026-F0042-001";

	(void)state;
	assert_int_equal(px_key_generate(&a), PX_OK);
	assert_int_equal(px_key_generate(&b), PX_OK);
	assert_memory_not_equal(a.seed, b.seed, PX_SEED_LEN);
	assert_memory_not_equal(a.pub.b, b.pub.b, PX_PUBKEY_LEN);
	/* the same key again from its seed, also when seed aliases out */
	assert_int_equal(px_key_from_seed(&c, a.seed), PX_OK);
	assert_memory_equal(&c, &a, sizeof(a));
	assert_int_equal(px_key_from_seed(&c, c.seed), PX_OK);
	assert_memory_equal(&c, &a, sizeof(a));

	assert_int_equal(px_sign(&sig, &a, msg, strlen(msg)), PX_OK);
	assert_int_equal(px_verify(&a.pub, &sig, msg, strlen(msg)), PX_OK);
	assert_int_equal(px_verify(&b.pub, &sig, msg, strlen(msg)), PX_EVERIFY);
	assert_int_equal(px_sign(&sig, &a, NULL, 0), PX_OK);
	assert_int_equal(px_verify(&a.pub, &sig, NULL, 0), PX_OK);

	px_key_wipe(&a);
	px_key_wipe(NULL);
	assert_int_equal(sodium_is_zero((const unsigned char *)&a, sizeof(a)),
			 1);
	px_key_wipe(&b);
	px_key_wipe(&c);
}

static void
assert_hash_hex(const struct px_hash *h, const char *hex)
{
	char got[2 * PX_HASH_LEN + 1];

	px_hex_encode(got, h->b, PX_HASH_LEN);
	assert_string_equal(got, hex);
}

static void
test_sha256_known(void **state)
{
	/* FIPS 180-2 appendix B.2 */
	const char two_block[] =
		"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	struct px_hash h;

	(void)state;
	assert_int_equal(px_sha256(&h, "", 0), PX_OK);
	assert_hash_hex(&h, "e3b0c44298fc1c149afbf4c8996fb924"
			    "27ae41e4649b934ca495991b7852b855");
	assert_int_equal(px_sha256(&h, NULL, 0), PX_OK);
	assert_hash_hex(&h, "e3b0c44298fc1c149afbf4c8996fb924"
			    "27ae41e4649b934ca495991b7852b855");
	assert_int_equal(px_sha256(&h, "abc", 3), PX_OK);
	assert_hash_hex(&h, "ba7816bf8f01cfea414140de5dae2223"
			    "b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(px_sha256(&h, two_block, strlen(two_block)), PX_OK);
	assert_hash_hex(&h, "248d6a61d20638b8e5c026930c3e6039"
			    "a33ce45964ff2167f6ecedd419db06c1");
}

/* SHA-256(prefix ‖ a ‖ b) by libsodium, an implementation apart. */
static void
reference_hash(struct px_hash *out, uint8_t prefix, const void *a, size_t alen,
	       const void *b, size_t blen)
{
	uint8_t *buf = malloc(1 + alen + blen);

	assert_non_null(buf);
	buf[0] = prefix;
	if (alen)
		memcpy(buf + 1, a, alen);
	if (blen)
		memcpy(buf + 1 + alen, b, blen);
	assert_int_equal(crypto_hash_sha256(out->b, buf, 1 + alen + blen), 0);
	free(buf);
}

static void
test_domain_hashes(void **state)
{
	uint8_t leaf[300];
	struct px_hash left, right, got, want;

	(void)state;
	randombytes_buf(leaf, sizeof(leaf));
	randombytes_buf(left.b, sizeof(left.b));
	randombytes_buf(right.b, sizeof(right.b));

	assert_int_equal(px_hash_leaf(&got, leaf, sizeof(leaf)), PX_OK);
	reference_hash(&want, 0x00, leaf, sizeof(leaf), NULL, 0);
	assert_memory_equal(got.b, want.b, PX_HASH_LEN);

	assert_int_equal(px_hash_leaf(&got, NULL, 0), PX_OK);
	reference_hash(&want, 0x00, NULL, 0, NULL, 0);
	assert_memory_equal(got.b, want.b, PX_HASH_LEN);
	/* RFC 9162: the empty leaf hashes to SHA-256(0x00) */
	assert_hash_hex(&got, "6e340b9cffb37a989ca544e6bb780a2c"
			      "78901d3fb33738768511a30617afa01d");

	assert_int_equal(px_hash_node(&got, &left, &right), PX_OK);
	reference_hash(&want, 0x01, left.b, PX_HASH_LEN, right.b, PX_HASH_LEN);
	assert_memory_equal(got.b, want.b, PX_HASH_LEN);

	assert_int_equal(px_hash_chain(&got, &left, &right), PX_OK);
	reference_hash(&want, 0x02, left.b, PX_HASH_LEN, right.b, PX_HASH_LEN);
	assert_memory_equal(got.b, want.b, PX_HASH_LEN);

	/* order matters */
	assert_int_equal(px_hash_node(&want, &right, &left), PX_OK);
	assert_int_equal(px_hash_node(&got, &left, &right), PX_OK);
	assert_memory_not_equal(got.b, want.b, PX_HASH_LEN);

	assert_int_equal(
		px_sha256_prefixed(&got, 0x7f, leaf, 17, leaf + 17, 100),
		PX_OK);
	reference_hash(&want, 0x7f, leaf, 17, leaf + 17, 100);
	assert_memory_equal(got.b, want.b, PX_HASH_LEN);
}

#define HASH_THREADS 4
#define HASH_ROUNDS  2000

/* Each thread hashes with its own context; results must not mix. */
static void *
hash_thread(void *arg)
{
	uintptr_t id = (uintptr_t)arg;
	uint8_t data[64];
	struct px_hash got, want;
	int i;

	memset(data, (int)id, sizeof(data));
	reference_hash(&want, (uint8_t)id, data, sizeof(data), NULL, 0);
	for (i = 0; i < HASH_ROUNDS; i++) {
		if (px_sha256_prefixed(&got, (uint8_t)id, data, sizeof(data),
				       NULL, 0) != PX_OK ||
		    memcmp(got.b, want.b, PX_HASH_LEN) != 0)
			return (void *)1;
	}
	return NULL;
}

static void
test_sha256_threads(void **state)
{
	pthread_t t[HASH_THREADS];
	uintptr_t i;

	(void)state;
	for (i = 0; i < HASH_THREADS; i++)
		assert_int_equal(
			pthread_create(&t[i], NULL, hash_thread, (void *)i), 0);
	for (i = 0; i < HASH_THREADS; i++) {
		void *res = (void *)1;

		assert_int_equal(pthread_join(t[i], &res), 0);
		assert_null(res);
	}
}

static void
test_dsse_pae(void **state)
{
	const char want[] = "DSSEv1 29 http://example.com/HelloWorld 11 "
			    "hello world";
	uint8_t *pae = NULL;
	size_t len = 0;

	(void)state;
	assert_int_equal(px_dsse_pae(&pae, &len,
				     "http://example.com/HelloWorld",
				     (const uint8_t *)"hello world", 11),
			 PX_OK);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(pae, want, len);
	free(pae);

	assert_int_equal(px_dsse_pae(&pae, &len, "", NULL, 0), PX_OK);
	assert_int_equal(len, 12);
	assert_memory_equal(pae, "DSSEv1 0  0 ", 12);
	free(pae);

	/* the body is taken as bytes: a NUL inside is signed too */
	assert_int_equal(
		px_dsse_pae(&pae, &len, "t", (const uint8_t *)"a\0b", 3),
		PX_OK);
	assert_int_equal(len, 16);
	assert_memory_equal(pae, "DSSEv1 1 t 3 a\0b", 16);
	free(pae);
}

/* Sign a body with px_sign_dsse and check it against the PAE bytes. */
static void
check_dsse_round_trip(const struct px_seckey *key, const uint8_t *body,
		      size_t len)
{
	struct px_sig sig, direct;
	uint8_t *pae = NULL;
	size_t pae_len = 0;

	assert_int_equal(
		px_sign_dsse(&sig, key, PX_ENTRY_PAYLOAD_TYPE, body, len),
		PX_OK);
	assert_int_equal(
		px_dsse_pae(&pae, &pae_len, PX_ENTRY_PAYLOAD_TYPE, body, len),
		PX_OK);
	/* Ed25519 is deterministic: same bytes, same signature */
	assert_int_equal(px_sign(&direct, key, pae, pae_len), PX_OK);
	assert_memory_equal(sig.b, direct.b, PX_SIG_LEN);
	assert_int_equal(px_verify(&key->pub, &sig, pae, pae_len), PX_OK);
	free(pae);

	assert_int_equal(px_verify_dsse(&key->pub, &sig, PX_ENTRY_PAYLOAD_TYPE,
					body, len),
			 PX_OK);
	assert_int_equal(px_verify_dsse(&key->pub, &sig,
					"application/vnd.paxta.entry+json",
					body, len),
			 PX_EVERIFY);
	/* the bare body is not what was signed */
	assert_int_equal(px_verify(&key->pub, &sig, body, len), PX_EVERIFY);
	if (len > 0) {
		uint8_t *copy = malloc(len);

		assert_non_null(copy);
		memcpy(copy, body, len);
		copy[len - 1] ^= 0x80;
		assert_int_equal(px_verify_dsse(&key->pub, &sig,
						PX_ENTRY_PAYLOAD_TYPE, copy,
						len),
				 PX_EVERIFY);
		assert_int_equal(px_verify_dsse(&key->pub, &sig,
						PX_ENTRY_PAYLOAD_TYPE, body,
						len - 1),
				 PX_EVERIFY);
		free(copy);
	}
}

static void
test_dsse_sign_verify(void **state)
{
	static uint8_t big[100000];
	struct px_seckey key;

	(void)state;
	assert_int_equal(px_key_generate(&key), PX_OK);
	randombytes_buf(big, sizeof(big));
	check_dsse_round_trip(&key, NULL, 0);
	check_dsse_round_trip(&key, big, 200);
	/* around the on-stack PAE size, and well over it */
	check_dsse_round_trip(&key, big, 1990);
	check_dsse_round_trip(&key, big, 2000);
	check_dsse_round_trip(&key, big, 2010);
	check_dsse_round_trip(&key, big, sizeof(big));
	px_key_wipe(&key);
}

/* Run cmd and read up to cap bytes of its standard output. */
static size_t
run_capture(uint8_t *out, size_t cap, const char *cmd)
{
	FILE *p = popen(cmd, "r");
	size_t n;

	assert_non_null(p);
	n = fread(out, 1, cap, p);
	assert_int_equal(pclose(p), 0);
	return n;
}

/* The raw public key `openssl pkey -pubout` prints for a PEM key file. */
static void
openssl_pubkey(struct px_pubkey *out, const char *path)
{
	uint8_t der[256];
	char *cmd;
	size_t n;

	assert_true(asprintf(&cmd,
			     "openssl pkey -in '%s' -pubout -outform DER "
			     "2>/dev/null",
			     path) > 0);
	n = run_capture(der, sizeof(der), cmd);
	free(cmd);
	/* RFC 8410 SubjectPublicKeyInfo: 12 bytes of header, then the key */
	assert_int_equal(n, 44);
	memcpy(out->b, der + n - PX_PUBKEY_LEN, PX_PUBKEY_LEN);
}

static void run_ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Run a shell command built from fmt; it must exit 0. */
static void
run_ok(const char *fmt, ...)
{
	va_list ap;
	char *cmd;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&cmd, fmt, ap);
	va_end(ap);
	assert_true(n > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static char *
path_in(const char *dir, const char *name)
{
	char *path;

	assert_true(asprintf(&path, "%s/%s", dir, name) > 0);
	return path;
}

static void
test_pem_round_trip(void **state)
{
	char *dir = pxt_tempdir();
	char *path = path_in(dir, "node.key");
	char *before, *after;
	struct px_seckey key, back, other;
	struct px_pubkey theirs;
	struct stat st;

	(void)state;
	assert_int_equal(px_key_generate(&key), PX_OK);
	assert_int_equal(px_key_write_pem(path, &key), PX_OK);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	before = pxt_read_file(path, NULL);
	assert_non_null(before);
	assert_non_null(strstr(before, "-----BEGIN PRIVATE KEY-----\n"));

	assert_int_equal(px_key_read_pem(&back, path), PX_OK);
	assert_memory_equal(&back, &key, sizeof(key));

	/* never overwrite a key */
	assert_int_equal(px_key_generate(&other), PX_OK);
	assert_int_equal(px_key_write_pem(path, &other), PX_EEXIST);
	after = pxt_read_file(path, NULL);
	assert_non_null(after);
	assert_string_equal(before, after);

	/* `openssl pkey` reads what we wrote and finds the same key */
	openssl_pubkey(&theirs, path);
	assert_memory_equal(theirs.b, key.pub.b, PX_PUBKEY_LEN);

	free(before);
	free(after);
	free(path);
	px_key_wipe(&key);
	px_key_wipe(&back);
	px_key_wipe(&other);
	pxt_rmtree(dir);
}

static void
test_pem_from_openssl(void **state)
{
	char *dir = pxt_tempdir();
	char *path = path_in(dir, "genpkey.pem");
	struct px_seckey key;
	struct px_pubkey theirs;
	struct px_sig sig;

	(void)state;
	run_ok("openssl genpkey -algorithm ed25519 -out '%s' 2>/dev/null",
	       path);
	assert_int_equal(px_key_read_pem(&key, path), PX_OK);
	openssl_pubkey(&theirs, path);
	assert_memory_equal(key.pub.b, theirs.b, PX_PUBKEY_LEN);
	assert_int_equal(px_sign(&sig, &key, "x", 1), PX_OK);
	assert_int_equal(px_verify(&theirs, &sig, "x", 1), PX_OK);
	px_key_wipe(&key);
	free(path);
	pxt_rmtree(dir);
}

static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* px_key_read_pem refuses path with want and leaves no OpenSSL errors. */
static void
assert_read_fails(const char *path, int want)
{
	struct px_seckey key;

	assert_int_equal(px_key_read_pem(&key, path), want);
	assert_int_equal(ERR_peek_error(), 0);
}

static void
test_pem_rejects(void **state)
{
	char *dir = pxt_tempdir();
	char *ec = path_in(dir, "ec.pem");
	char *rsa = path_in(dir, "rsa.pem");
	char *x25519 = path_in(dir, "x25519.pem");
	char *enc = path_in(dir, "encrypted.pem");
	char *pub = path_in(dir, "public.pem");
	char *garbage = path_in(dir, "garbage.pem");
	char *empty = path_in(dir, "empty.pem");
	char *missing = path_in(dir, "missing.pem");
	char *nodir = path_in(dir, "no/such/folder/key.pem");
	struct px_seckey key;

	(void)state;
	run_ok("openssl genpkey -algorithm EC -pkeyopt "
	       "ec_paramgen_curve:P-256 -out '%s' 2>/dev/null",
	       ec);
	run_ok("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 "
	       "-out '%s' 2>/dev/null",
	       rsa);
	/* 32 raw private bytes too, but a key for X25519, not Ed25519 */
	run_ok("openssl genpkey -algorithm X25519 -out '%s' 2>/dev/null",
	       x25519);
	/* encrypted: refused, and no password prompt on the terminal */
	run_ok("openssl genpkey -algorithm ed25519 -aes-256-cbc -pass pass:x "
	       "-out '%s' 2>/dev/null",
	       enc);
	write_text(garbage, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n"
			    "-----END PRIVATE KEY-----\n");
	write_text(empty, "");

	assert_read_fails(ec, PX_EMALFORMED);
	assert_read_fails(rsa, PX_EMALFORMED);
	assert_read_fails(x25519, PX_EMALFORMED);
	assert_read_fails(enc, PX_EMALFORMED);
	assert_read_fails(garbage, PX_EMALFORMED);
	assert_read_fails(empty, PX_EMALFORMED);
	assert_read_fails(missing, PX_ENOTFOUND);

	/* a public key file is not a private key */
	assert_int_equal(px_key_generate(&key), PX_OK);
	run_ok("openssl genpkey -algorithm ed25519 2>/dev/null | "
	       "openssl pkey -pubout -out '%s' 2>/dev/null",
	       pub);
	assert_read_fails(pub, PX_EMALFORMED);

	/* a folder that is not there */
	assert_int_equal(px_key_generate(&key), PX_OK);
	assert_int_equal(px_key_write_pem(nodir, &key), PX_EIO);
	px_key_wipe(&key);

	free(ec);
	free(rsa);
	free(x25519);
	free(enc);
	free(pub);
	free(garbage);
	free(empty);
	free(missing);
	free(nodir);
	pxt_rmtree(dir);
}

/* RFC 4648 §10 */
static const char *const rfc4648[][2] = {
	{ "", "" },
	{ "f", "Zg==" },
	{ "fo", "Zm8=" },
	{ "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" },
	{ "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" },
};

static void
test_base64_rfc4648(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++) {
		const char *plain = rfc4648[i][0], *coded = rfc4648[i][1];
		size_t plen = strlen(plain), n = 99;
		char *text = NULL;
		uint8_t *buf;

		assert_int_equal(
			px_base64_encode(&text, (const uint8_t *)plain, plen),
			PX_OK);
		assert_string_equal(text, coded);
		free(text);

		/* exactly plen bytes of room: ASan catches any overrun */
		buf = malloc(plen ? plen : 1);
		assert_non_null(buf);
		assert_int_equal(
			px_base64_decode(buf, plen, &n, coded, strlen(coded)),
			PX_OK);
		assert_int_equal(n, plen);
		assert_memory_equal(buf, plain, plen);
		if (plen > 0)
			assert_int_equal(px_base64_decode(buf, plen - 1, &n,
							  coded, strlen(coded)),
					 PX_ETOOLARGE);
		free(buf);
	}
}

static void
test_base64_random(void **state)
{
	static uint8_t data[4099], back[4099];
	size_t len, n;

	(void)state;
	randombytes_buf(data, sizeof(data));
	for (len = 0; len < sizeof(data); len += 1 + len / 3) {
		char *text = NULL;

		assert_int_equal(px_base64_encode(&text, data, len), PX_OK);
		assert_int_equal(strlen(text), (len + 2) / 3 * 4);
		assert_int_equal(
			px_base64_decode(back, len, &n, text, strlen(text)),
			PX_OK);
		assert_int_equal(n, len);
		assert_memory_equal(back, data, len);
		free(text);
	}
}

static void
test_base64_rejects(void **state)
{
	static const char *const bad[] = {
		"Zg=",        /* not a whole group */
		"Zm9vY",      /* not a whole group */
		"Zg===",      /* not a whole group */
		"Zm9v====",   /* a group of padding */
		"====",       /* nothing but padding */
		"Z===",       /* three '=' */
		"Z=g=",       /* '=' inside */
		"Zm=v",       /* '=' inside */
		"=m9v",       /* '=' first */
		"Zg==Zm9v",   /* padding before the end */
		"Zm9v\n",     /* newline */
		"Zm9v\nZm9v", /* newline inside */
		"Zm 9v",      /* space */
		" Zm9v",      /* space */
		"Zm9v\t",     /* tab */
		"Zm-v",       /* base64url */
		"Zm_v",       /* base64url */
		"Zm9.",       /* not in the alphabet */
		"Zh==",       /* non-zero bits under the padding */
		"Zm9=",       /* non-zero bits under the padding */
		"Zm\xc3\xa9", /* not ASCII */
	};
	uint8_t buf[16];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = px_base64_decode(buf, sizeof(buf), &n, bad[i],
					  strlen(bad[i]));

		if (rc != PX_EMALFORMED)
			fail_msg("'%s' gave %d, not PX_EMALFORMED", bad[i], rc);
	}
	/* a NUL inside the given length */
	assert_int_equal(px_base64_decode(buf, sizeof(buf), &n, "Zm\0v", 4),
			 PX_EMALFORMED);
	/* too little room: checked before anything is written */
	assert_int_equal(
		px_base64_decode(buf, 5, &n, "Zm9vYmFy", strlen("Zm9vYmFy")),
		PX_ETOOLARGE);
	assert_int_equal(
		px_base64_decode(buf, 6, &n, "Zm9vYmFy", strlen("Zm9vYmFy")),
		PX_OK);
	assert_int_equal(n, 6);
	assert_int_equal(px_base64_decode(buf, 0, &n, "", 0), PX_OK);
	assert_int_equal(n, 0);
}

static void
test_hex(void **state)
{
	const uint8_t bytes[] = {
		0x00, 0x01, 0x7f, 0x80, 0xab, 0xcd, 0xef, 0xff
	};
	char text[2 * sizeof(bytes) + 1];
	uint8_t back[sizeof(bytes)];

	(void)state;
	px_hex_encode(text, bytes, sizeof(bytes));
	assert_string_equal(text, "00017f80abcdefff");
	px_hex_encode(text, bytes, 0);
	assert_string_equal(text, "");

	assert_int_equal(px_hex_decode(back, sizeof(back), "00017f80abcdefff"),
			 PX_OK);
	assert_memory_equal(back, bytes, sizeof(bytes));
	assert_int_equal(px_hex_decode(back, sizeof(back), "00017F80ABCDEFFF"),
			 PX_OK);
	assert_memory_equal(back, bytes, sizeof(bytes));
	assert_int_equal(px_hex_decode(back, sizeof(back), "00017f80AbCdEfFf"),
			 PX_OK);
	assert_memory_equal(back, bytes, sizeof(bytes));

	/* exactly len bytes are read; what follows is the caller's */
	assert_int_equal(px_hex_decode(back, 2, "abcd+rest"), PX_OK);
	assert_int_equal(back[0], 0xab);
	assert_int_equal(back[1], 0xcd);

	assert_int_equal(px_hex_decode(back, 2, "abc"), PX_EMALFORMED);
	assert_int_equal(px_hex_decode(back, 2, "ab"), PX_EMALFORMED);
	assert_int_equal(px_hex_decode(back, 2, "abcg"), PX_EMALFORMED);
	assert_int_equal(px_hex_decode(back, 2, "0xab"), PX_EMALFORMED);
	assert_int_equal(px_hex_decode(back, 2, "ab d"), PX_EMALFORMED);
	assert_int_equal(px_hex_decode(back, 2, "-1ab"), PX_EMALFORMED);
	assert_int_equal(px_hex_decode(back, 0, ""), PX_OK);
}

static void
test_pubkey_base64(void **state)
{
	/* RFC 8032 §7.1 TEST 1 public key */
	static const uint8_t rfc_pub[PX_PUBKEY_LEN] = {
		0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7,
		0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
		0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25,
		0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a,
	};
	struct px_pubkey pub, back;
	char text[45];
	struct px_seckey key;

	(void)state;
	memcpy(pub.b, rfc_pub, sizeof(rfc_pub));
	assert_int_equal(px_pubkey_to_base64(text, &pub), PX_OK);
	assert_string_equal(text,
			    "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
	assert_int_equal(px_pubkey_from_base64(&back, text), PX_OK);
	assert_memory_equal(back.b, pub.b, PX_PUBKEY_LEN);

	assert_int_equal(px_key_generate(&key), PX_OK);
	assert_int_equal(px_pubkey_to_base64(text, &key.pub), PX_OK);
	assert_int_equal(strlen(text), 44);
	assert_int_equal(px_pubkey_from_base64(&back, text), PX_OK);
	assert_memory_equal(back.b, key.pub.b, PX_PUBKEY_LEN);
	px_key_wipe(&key);

	/* 31 and 33 bytes, wrong lengths, bad characters */
	assert_int_equal(
		px_pubkey_from_base64(
			&back, "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHUQ=="),
		PX_EMALFORMED);
	assert_int_equal(
		px_pubkey_from_base64(
			&back, "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURoA"),
		PX_EMALFORMED);
	assert_int_equal(
		px_pubkey_from_base64(
			&back, "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo"),
		PX_EMALFORMED);
	assert_int_equal(
		px_pubkey_from_base64(
			&back,
			"11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"),
		PX_EMALFORMED);
	assert_int_equal(
		px_pubkey_from_base64(
			&back, "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo="),
		PX_EMALFORMED);
	assert_int_equal(px_pubkey_from_base64(&back, ""), PX_EMALFORMED);
	assert_int_equal(px_pubkey_from_base64(&back, "Zm9vYmFy"),
			 PX_EMALFORMED);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc8032_vectors),
		cmocka_unit_test(test_key_generate),
		cmocka_unit_test(test_sha256_known),
		cmocka_unit_test(test_domain_hashes),
		cmocka_unit_test(test_sha256_threads),
		cmocka_unit_test(test_dsse_pae),
		cmocka_unit_test(test_dsse_sign_verify),
		cmocka_unit_test(test_pem_round_trip),
		cmocka_unit_test(test_pem_from_openssl),
		cmocka_unit_test(test_pem_rejects),
		cmocka_unit_test(test_base64_rfc4648),
		cmocka_unit_test(test_base64_random),
		cmocka_unit_test(test_base64_rejects),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_pubkey_base64),
	};

	if (px_crypto_init() != PX_OK) {
		fprintf(stderr, "px_crypto_init failed\n");
		return 1;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
