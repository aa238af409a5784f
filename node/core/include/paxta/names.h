/*
 * paxta — the names of roles, products, processes, methods and statuses as
 * events spell them (DESIGN.md §6.1): a contract with every script that
 * reads or writes events.
 */
#ifndef PAXTA_NAMES_H
#define PAXTA_NAMES_H

#include "paxta.pb-c.h"

/* The name of a value: NULL when unknown. */
const char *px_role_name(Paxta__Role role);
const char *px_product_name(Paxta__Product product);
const char *px_process_name(Paxta__Process process);
const char *px_method_name(Paxta__Method method);
const char *px_status_name(Paxta__Status status); /* 0: "uncertified" */
/* The value of a name: PX_OK, or PX_EMALFORMED when unknown. */
int px_role_from_name(Paxta__Role *out, const char *name);
int px_product_from_name(Paxta__Product *out, const char *name);
int px_process_from_name(Paxta__Process *out, const char *name);
int px_status_from_name(Paxta__Status *out, const char *name);

#endif
