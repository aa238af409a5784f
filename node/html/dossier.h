/*
 * paxta — what the lot page and the report say about one lot, gathered
 * from one snapshot as of one checkpoint: private to the html library.
 */
#ifndef PAXTA_HTML_DOSSIER_H
#define PAXTA_HTML_DOSSIER_H
#include "paxta.pb-c.h"
#include "paxta/lot.h"
#include "paxta/provenance.h"
#include "paxta/state.h"
#include "paxta/store.h"
#include <stddef.h>
#include <stdint.h>

/* What a party did for this lot (a mask). */
enum {
	PX_PART_FARM = 1,
	PX_PART_MAKER = 2,
	PX_PART_SENDER = 4,
	PX_PART_CONSIGNEE = 8,
	PX_PART_HOLDER = 16,
	PX_PART_MONITOR = 32,
	PX_PART_LAB = 64,
};

struct px_party {
	char id[PX_ID_MAX + 1];
	unsigned parts;
	Paxta__ActorRecord *rec; /* NULL: not registered (never, in a
				    ledger whose rules held) */
};

/* A holder of the lot now, or kg of it on the road. */
struct px_holding {
	char holder[PX_ID_MAX + 1]; /* the consignee, for the road */
	char shipment[PX_ID_MAX + 1];
	uint64_t grams;
};

/* A shipment that carried the lineage. */
struct px_sent {
	char id[PX_ID_MAX + 1];
	uint64_t sent_at;
};

struct px_dossier {
	struct px_txn *t;
	uint64_t size;    /* as of this many entries */
	int64_t as_of;    /* when the node accepted the last of them */
	int64_t recorded; /* when it accepted the entry that made the lot */
	int checkpointed; /* size is a signed checkpoint's */
	Paxta__LotRecord *lot;
	struct px_verdict *v;   /* NULL when the lot is voided */
	struct px_lineage *g;   /* NULL when too large to draw */
	unsigned char *tainted; /* per lineage lot: flagged cotton in it */
	struct px_party *parties;
	size_t n_parties, cap_parties;
	struct px_sent *shipments; /* carrying lineage lots, in log order */
	size_t n_shipments, cap_shipments;
	uint64_t *statements; /* entry indexes, increasing */
	size_t n_statements, cap_statements;
	uint64_t *labs; /* lab results on lineage lots, entry indexes */
	size_t n_labs, cap_labs;
	uint64_t *transforms; /* entries that made lineage lots */
	size_t n_transforms, cap_transforms;
	struct px_holding *holders, *transit;
	size_t n_holders, cap_holders, n_transit, cap_transit;
};

/* Lineages drawn up to this many lots. */
#define PX_DOSSIER_LOTS 2000

/*
 * Gather it. size 0: the latest checkpoint (or the snapshot's size when
 * none covers the lot). PX_OK; PX_ENOTFOUND no such lot; PX_ETOOLARGE a
 * composition too large to compute; PX_ESTORE, PX_ENOMEM.
 */
int px_dossier_build(struct px_dossier **out, struct px_txn *t, const char *lot,
		     uint64_t size);
void px_dossier_free(struct px_dossier *d);
/* The party of id, NULL when it is not one. */
const struct px_party *px_dossier_party(const struct px_dossier *d,
					const char *id);
/* Its registered name, else id itself. */
const char *px_dossier_name(const struct px_dossier *d, const char *id);
/* Make *items hold need elements of size bytes. 0, or -1. */
int px_grow(void **items, size_t *cap, size_t need, size_t size);
#endif
