/* paxta — the names of roles, products, processes, methods and statuses
 * as events spell them (DESIGN.md §6.1). */
#include <string.h>

#include "paxta/error.h"
#include "paxta/names.h"

static const char *const roles[] = {
	[PAXTA__ROLE__ROLE_REGISTRAR] = "registrar",
	[PAXTA__ROLE__ROLE_FARM] = "farm",
	[PAXTA__ROLE__ROLE_GIN] = "gin",
	[PAXTA__ROLE__ROLE_WAREHOUSE] = "warehouse",
	[PAXTA__ROLE__ROLE_SPINNER] = "spinner",
	[PAXTA__ROLE__ROLE_WEAVER] = "weaver",
	[PAXTA__ROLE__ROLE_MANUFACTURER] = "manufacturer",
	[PAXTA__ROLE__ROLE_EXPORTER] = "exporter",
	[PAXTA__ROLE__ROLE_IMPORTER] = "importer",
	[PAXTA__ROLE__ROLE_BRAND] = "brand",
	[PAXTA__ROLE__ROLE_MONITOR] = "monitor",
	[PAXTA__ROLE__ROLE_LAB] = "lab",
};

static const char *const products[] = {
	[PAXTA__PRODUCT__PRODUCT_SEED_COTTON] = "seed_cotton",
	[PAXTA__PRODUCT__PRODUCT_LINT] = "lint",
	[PAXTA__PRODUCT__PRODUCT_COTTONSEED] = "cottonseed",
	[PAXTA__PRODUCT__PRODUCT_WASTE] = "waste",
	[PAXTA__PRODUCT__PRODUCT_YARN] = "yarn",
	[PAXTA__PRODUCT__PRODUCT_FABRIC] = "fabric",
	[PAXTA__PRODUCT__PRODUCT_GARMENT] = "garment",
};

static const char *const processes[] = {
	[PAXTA__PROCESS__PROCESS_GINNING] = "ginning",
	[PAXTA__PROCESS__PROCESS_SPINNING] = "spinning",
	[PAXTA__PROCESS__PROCESS_WEAVING] = "weaving",
	[PAXTA__PROCESS__PROCESS_KNITTING] = "knitting",
	[PAXTA__PROCESS__PROCESS_MAKING] = "making",
};

static const char *const methods[] = {
	[PAXTA__METHOD__METHOD_HAND] = "hand",
	[PAXTA__METHOD__METHOD_MACHINE] = "machine",
};

static const char *const statuses[] = {
	[PAXTA__STATUS__STATUS_UNSPECIFIED] = "uncertified",
	[PAXTA__STATUS__STATUS_CERTIFIED] = "certified",
	[PAXTA__STATUS__STATUS_UNDER_REVIEW] = "under_review",
	[PAXTA__STATUS__STATUS_WITHDRAWN] = "withdrawn",
	[PAXTA__STATUS__STATUS_CHILD_LABOUR] = "child_labour",
	[PAXTA__STATUS__STATUS_FORCED_LABOUR] = "forced_labour",
	[PAXTA__STATUS__STATUS_REMEDIATED] = "remediated",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *
name_of(const char *const *names, size_t n, int v)
{
	return v >= 0 && (size_t)v < n ? names[v] : NULL;
}

/* Index of name in names[first..n), or -1. */
static int
value_of(const char *const *names, size_t n, size_t first, const char *name)
{
	for (size_t i = first; name && i < n; i++)
		if (names[i] && strcmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

const char *
px_role_name(Paxta__Role role)
{
	return name_of(roles, COUNT(roles), (int)role);
}

const char *
px_product_name(Paxta__Product product)
{
	return name_of(products, COUNT(products), (int)product);
}

const char *
px_process_name(Paxta__Process process)
{
	return name_of(processes, COUNT(processes), (int)process);
}

const char *
px_method_name(Paxta__Method method)
{
	return name_of(methods, COUNT(methods), (int)method);
}

const char *
px_status_name(Paxta__Status status)
{
	return name_of(statuses, COUNT(statuses), (int)status);
}

int
px_role_from_name(Paxta__Role *out, const char *name)
{
	int v = value_of(roles, COUNT(roles), 1, name);

	if (v < 0)
		return PX_EMALFORMED;
	*out = (Paxta__Role)v;
	return PX_OK;
}

int
px_product_from_name(Paxta__Product *out, const char *name)
{
	int v = value_of(products, COUNT(products), 1, name);

	if (v < 0)
		return PX_EMALFORMED;
	*out = (Paxta__Product)v;
	return PX_OK;
}

int
px_process_from_name(Paxta__Process *out, const char *name)
{
	int v = value_of(processes, COUNT(processes), 1, name);

	if (v < 0)
		return PX_EMALFORMED;
	*out = (Paxta__Process)v;
	return PX_OK;
}

int
px_status_from_name(Paxta__Status *out, const char *name)
{
	/* "uncertified" is the absence of a statement, not a statement. */
	int v = value_of(statuses, COUNT(statuses), 1, name);

	if (v < 0)
		return PX_EMALFORMED;
	*out = (Paxta__Status)v;
	return PX_OK;
}
