/*
 * paxta — result codes and refusals.
 *
 * Every core function returns an int: PX_OK (0) or a negative enum px_err.
 * PX_EVERIFY and PX_EREFUSED mean "checked, and it is wrong" (a bad
 * signature, a broken rule); PX_ECRYPTO, PX_ESTORE and PX_EIO mean "could not
 * check". A refused entry also carries a stable machine code (enum px_code)
 * and a sentence for people in a struct px_refusal.
 */
#ifndef PAXTA_ERROR_H
#define PAXTA_ERROR_H

#include <stddef.h>

enum px_err {
	PX_OK = 0,
	PX_ENOMEM = -1,     /* out of memory */
	PX_EINVAL = -2,     /* a caller passed something impossible */
	PX_EVERIFY = -3,    /* a signature, hash or proof does not verify */
	PX_ECRYPTO = -4,    /* the crypto library failed */
	PX_ESTORE = -5,     /* LMDB failed */
	PX_EIO = -6,        /* a file could not be read or written */
	PX_ENOTFOUND = -7,  /* no such index, lot, actor, file */
	PX_EEXIST = -8,     /* already there (a ledger folder, a key file) */
	PX_EMALFORMED = -9, /* bytes that do not decode */
	PX_ETOOLARGE = -10, /* input over a size cap */
	PX_EREFUSED = -11,  /* an entry breaks a rule (see struct px_refusal) */
	PX_ELOCKED = -12,   /* another process holds the ledger */
	PX_EFULL = -13,     /* the map is full and could not grow */
	PX_EFOREIGN = -14, /* the folder is not a paxta ledger of this format */
	PX_ESTATE = -15,   /* a state record disagrees with the log it was
			      derived from (run paxta audit) */
};

/* Stable machine codes of refusals: DESIGN.md §6.3. */
enum px_code {
	PX_CODE_NONE = 0,
	PX_CODE_BAD_SIGNATURE,
	PX_CODE_UNKNOWN_ACTOR,
	PX_CODE_REVOKED,
	PX_CODE_ROLE_DENIED,
	PX_CODE_SEQUENCE,
	PX_CODE_OVERSPEND,
	PX_CODE_NOT_HOLDER,
	PX_CODE_MASS_BALANCE,
	PX_CODE_UNKNOWN_LOT,
	PX_CODE_DUPLICATE_LOT,
	PX_CODE_PRODUCT,
	PX_CODE_TIME,
	PX_CODE_UNKNOWN_SHIPMENT,
	PX_CODE_DUPLICATE_SHIPMENT,
	PX_CODE_DUPLICATE_ACTOR,
	PX_CODE_VOID_DENIED,
	PX_CODE_ORIGIN,
	PX_CODE_TOO_LARGE,
	PX_CODE_MALFORMED,
	PX_CODE_ENCODING, /* a string that is not UTF-8, or holds NUL */
	PX_CODE_SEASON,   /* a harvest's season is not its calendar's */
	PX_CODE_YIELD,    /* more seed cotton than the farm's area can give */
	PX_CODE_WEIGHT,   /* a receive's weight outside the transit tolerance */
	PX_CODE_INDEX_ROOT, /* a logged index root that is not the log's */
	PX_CODE__COUNT
};

#define PX_REFUSAL_MESSAGE_MAX 256

/* Why an entry was refused: the stable code and a sentence for people. */
struct px_refusal {
	enum px_code code;
	char message[PX_REFUSAL_MESSAGE_MAX];
};

/* A short lowercase sentence for err; never NULL, static storage. */
const char *px_strerror(int err);

/* The stable name of code ("overspend", "mass_balance", ...); never NULL. */
const char *px_code_name(enum px_code code);

/* The code whose name is name, or PX_CODE_NONE. */
enum px_code px_code_from_name(const char *name);

/*
 * Fill r (which may be NULL) with code and a printf-formatted message.
 * Returns PX_EREFUSED, so a rule can `return px_refuse(r, ...)`.
 */
int px_refuse(struct px_refusal *r, enum px_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
