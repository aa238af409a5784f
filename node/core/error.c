/* paxta — words for result codes and refusals. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "paxta/error.h"

const char *
px_strerror(int err)
{
	switch (err) {
	case PX_OK:
		return "success";
	case PX_ENOMEM:
		return "out of memory";
	case PX_EINVAL:
		return "invalid argument";
	case PX_EVERIFY:
		return "verification failed";
	case PX_ECRYPTO:
		return "cryptographic library failure";
	case PX_ESTORE:
		return "ledger storage failure";
	case PX_ESTATE:
		return "the ledger's state disagrees with its log (the "
		       "folder was altered: run paxta audit)";
	case PX_EIO:
		return "input/output error";
	case PX_ENOTFOUND:
		return "not found";
	case PX_EEXIST:
		return "already exists";
	case PX_EMALFORMED:
		return "malformed input";
	case PX_ETOOLARGE:
		return "input too large";
	case PX_EREFUSED:
		return "refused by a ledger rule";
	case PX_ELOCKED:
		return "the ledger is in use by another process";
	case PX_EFULL:
		return "the ledger's map is full";
	case PX_EFOREIGN:
		return "not a paxta ledger of this format";
	}
	return "unknown error";
}

static const char *const code_names[PX_CODE__COUNT] = {
	[PX_CODE_NONE] = "none",
	[PX_CODE_BAD_SIGNATURE] = "bad_signature",
	[PX_CODE_UNKNOWN_ACTOR] = "unknown_actor",
	[PX_CODE_REVOKED] = "revoked",
	[PX_CODE_ROLE_DENIED] = "role_denied",
	[PX_CODE_SEQUENCE] = "sequence",
	[PX_CODE_OVERSPEND] = "overspend",
	[PX_CODE_NOT_HOLDER] = "not_holder",
	[PX_CODE_MASS_BALANCE] = "mass_balance",
	[PX_CODE_UNKNOWN_LOT] = "unknown_lot",
	[PX_CODE_DUPLICATE_LOT] = "duplicate_lot",
	[PX_CODE_PRODUCT] = "product",
	[PX_CODE_TIME] = "time",
	[PX_CODE_UNKNOWN_SHIPMENT] = "unknown_shipment",
	[PX_CODE_DUPLICATE_SHIPMENT] = "duplicate_shipment",
	[PX_CODE_DUPLICATE_ACTOR] = "duplicate_actor",
	[PX_CODE_VOID_DENIED] = "void_denied",
	[PX_CODE_ORIGIN] = "origin",
	[PX_CODE_TOO_LARGE] = "too_large",
	[PX_CODE_MALFORMED] = "malformed",
	[PX_CODE_ENCODING] = "encoding",
	[PX_CODE_SEASON] = "season",
	[PX_CODE_YIELD] = "yield",
	[PX_CODE_WEIGHT] = "weight",
	[PX_CODE_INDEX_ROOT] = "index_root",
};

const char *
px_code_name(enum px_code code)
{
	if ((int)code < 0 || code >= PX_CODE__COUNT || !code_names[code])
		return "unknown";
	return code_names[code];
}

enum px_code
px_code_from_name(const char *name)
{
	for (int i = 1; i < PX_CODE__COUNT; i++)
		if (name && strcmp(name, code_names[i]) == 0)
			return (enum px_code)i;
	return PX_CODE_NONE;
}

int
px_refuse(struct px_refusal *r, enum px_code code, const char *fmt, ...)
{
	va_list ap;

	if (!r)
		return PX_EREFUSED;
	r->code = code;
	va_start(ap, fmt);
	vsnprintf(r->message, sizeof(r->message), fmt, ap);
	va_end(ap);
	return PX_EREFUSED;
}
