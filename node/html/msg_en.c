/* paxta — the pages' messages in English (msg.h). */
#include "msg.h"

const char *const px_msg_en[PX_MSG_COUNT] = {
	[PX_M_AS_OF] = "As of",
	[PX_M_BUNDLE] = "Proof bundle",
	[PX_M_BY] = "By",
	[PX_M_CANNOT_READ] = "The node cannot read this lot.",
	[PX_M_CHART_HELP] =
		"From the farms at the top to the lot at the bottom: one row "
		"per stage, each box a lot with its product, mass and maker. "
		"Shipments move lots unchanged. Origins are coloured by their "
		"status; the path of flagged cotton is red.",
	[PX_M_CHART_TITLE] = "Flow chart from the farms",
	[PX_M_CHART_TOO_LARGE] =
		"Too many lots in the lineage to draw (the lineage graph as "
		"JSON lists them all); at most:",
	[PX_M_CHECKPOINT_OF] = "signed checkpoint, log size",
	[PX_M_CHECK_EXIT] =
		"verify-bundle needs no ledger and no network: it checks every "
		"signature, every inclusion proof against the checkpoint, "
		"custody and mass balance, and recomputes the verdict. It "
		"exits 0 only when everything verifies and the lot is free.",
	[PX_M_CHECK_PAGE_TEXT] =
		"This page is a view. The records behind it are signed entries "
		"in an append-only log; take the proof bundle away and check "
		"it offline.",
	[PX_M_CHECK_REPORT_TEXT] =
		"This report is a view of signed entries in an append-only "
		"log. The proof bundle of the lot at the same checkpoint holds "
		"every entry it rests on, each with an inclusion proof; anyone "
		"can make it again and check it offline.",
	[PX_M_CHECK_TITLE] = "How to check it",
	[PX_M_CLAIMED_REGION] = "Claimed region",
	[PX_M_DATE] = "Date",
	[PX_M_DISPATCHED] = "Dispatched",
	[PX_M_DISTRICT] = "District",
	[PX_M_DOC_ISSUER] = "Issuer",
	[PX_M_DOC_NUMBER] = "Number",
	[PX_M_DOC_TYPE] = "Document",
	[PX_M_ENTRIES] = "entries:",
	[PX_M_ENTRY] = "entry",
	[PX_M_FACILITY_FINDING] = "facility finding",
	[PX_M_FARM] = "Farm",
	[PX_M_FIND_LOT] = "Find a lot",
	[PX_M_FLAGGED_LOTS] = "flagged:",
	[PX_M_FROM] = "From",
	[PX_M_GENERATED] = "Generated",
	[PX_M_HARVESTED_BY] = "harvested by",
	[PX_M_HARVEST_LOT] = "Harvest lot",
	[PX_M_HOLDER] = "Holder",
	[PX_M_HOLDERS_TITLE] = "Who holds it now",
	[PX_M_INDICATORS] = "ILO indicators",
	[PX_M_INPUTS] = "Inputs",
	[PX_M_LABS_TITLE] = "Lab results",
	[PX_M_LAB_DOES_NOT_MATCH] = "does not match",
	[PX_M_LAB_MATCHES] = "matches",
	[PX_M_LAB_MISMATCH] = "lab mismatch",
	[PX_M_LANDING_TEXT] =
		"A ledger of cotton from the farm to the garment: every lot, "
		"shipment and monitor's statement is a signed entry in an "
		"append-only log. Enter a lot id to see where its cotton came "
		"from and whether it is free of forced labour.",
	[PX_M_LATEST_CHECKPOINT] = "latest signed checkpoint",
	[PX_M_LINEAGE_JSON] = "Lineage graph (JSON)",
	[PX_M_LOCATION] = "Location",
	[PX_M_LOT] = "Lot",
	[PX_M_LOTS] = "lots:",
	[PX_M_LOTS_IN_LINEAGE] = "lots in the lineage:",
	[PX_M_LOTS_SENT] = "Lots sent",
	[PX_M_LOT_ID] = "Lot id",
	[PX_M_LOT_ID_EXAMPLE] = "e.g. PBI-000100000001",
	[PX_M_HAPPENED] = "happened",
	[PX_M_MADE_BY] = "made by",
	[PX_M_RECORDED] = "recorded",
	[PX_M_METHOD] = "Method",
	[PX_M_MORE_LOTS] = "more lots:",
	[PX_M_MORE_ROWS] = "more rows (the JSON lists them all):",
	[PX_M_NAME] = "Name",
	[PX_M_NONE] = "none",
	[PX_M_NOT_A_LOT_ID] = "This is not a lot id.",
	[PX_M_NOT_CHECKPOINTED] = "no signed checkpoint yet, log size",
	[PX_M_NOT_REGISTERED] = "not registered",
	[PX_M_NOT_YET] = "not yet",
	[PX_M_NO_BUNDLE] = "The proof bundle of this lot cannot be made.",
	[PX_M_NO_CHECKPOINT_YET] =
		"No signed checkpoint covers this lot yet: its bundle can be "
		"made once the node signs the next one.",
	[PX_M_NO_DOCUMENTS] = "No documents given.",
	[PX_M_NO_HOLDERS] = "Nobody holds any of it now: it was used or "
			    "shipped on in full.",
	[PX_M_NO_LABS] = "No lab has tested a lot of this lineage.",
	[PX_M_NO_SHIPMENTS] = "No shipment carried a lot of this lineage.",
	[PX_M_NO_STATEMENTS] = "No monitor has made a statement on these "
			       "origins or facilities: they are uncertified.",
	[PX_M_NO_SUCH_LOT] = "No lot of this id is in the ledger.",
	[PX_M_NO_TRANSFORMS] =
		"This lot is a harvest: nothing was processed to make it.",
	[PX_M_ON_THE_ROAD] = "On the road",
	[PX_M_ORIGINS_N] = "origins:",
	[PX_M_ORIGINS_TITLE] = "Origins of the raw cotton",
	[PX_M_OUTPUTS] = "Outputs",
	[PX_M_PAGE] = "page",
	[PX_M_PARTIES_TITLE] = "Parties in the supply chain",
	[PX_M_PART_HERE] = "Part in this lot",
	[PX_M_PERIOD] = "Period",
	[PX_M_PICKED] = "Picked",
	[PX_M_REASONS] = "Reasons",
	[PX_M_RECEIVED] = "Received",
	[PX_M_REGISTERED] = "Registered",
	[PX_M_REPORT] = "Report",
	[PX_M_REPORT_LINK] = "Evidence report",
	[PX_M_REPORT_TITLE] = "Evidence report",
	[PX_M_REVOKED_AT] = "revoked at entry",
	[PX_M_ROLES] = "Roles",
	[PX_M_SEASON] = "season",
	[PX_M_SHARE] = "Share",
	[PX_M_SHIPMENT] = "Shipment",
	[PX_M_SHIPMENTS_TITLE] = "Shipments and their documents",
	[PX_M_SHOW] = "Show",
	[PX_M_SIGNED_BY] = "Checkpoints signed by",
	[PX_M_STATEMENTS_TITLE] = "Monitors' statements",
	[PX_M_STATUS] = "Status",
	[PX_M_TESTED] = "Tested",
	[PX_M_TO] = "To",
	[PX_M_TOO_LARGE] =
		"The lineage of this lot is too large to trace in one answer.",
	[PX_M_TRANSFORMS_TITLE] = "Processing and yields",
	[PX_M_TRANSPORT_HASHES] = "Transport documents (SHA-256)",
	[PX_M_UFLPA_NOTE] =
		"Sections follow the document groups of an applicability "
		"review under the Uyghur Forced Labor Prevention Act (U.S. "
		"Customs and Border Protection, Operational Guidance for "
		"Importers, June 2022): supply chain tracing with every party "
		"and a flow chart, transaction and transport records, evidence "
		"of origin for each input, and the monitoring behind it.",
	[PX_M_VERDICT] = "Verdict",
	[PX_M_VERDICT_JSON] = "Verdict (JSON)",
	[PX_M_VOIDED] = "Voided",
	[PX_M_VOIDED_TEXT] = "Its maker withdrew this lot's record; nothing "
			     "was made from it.",
	[PX_M_YIELD] = "yield",
	[PX_M_LANG] = "English",
	[PX_M_PRODUCT_0] = "unknown product",
	[PX_M_PRODUCT_1] = "seed cotton",
	[PX_M_PRODUCT_2] = "lint",
	[PX_M_PRODUCT_3] = "cottonseed",
	[PX_M_PRODUCT_4] = "waste",
	[PX_M_PRODUCT_5] = "yarn",
	[PX_M_PRODUCT_6] = "fabric",
	[PX_M_PRODUCT_7] = "garments",
	[PX_M_PROCESS_0] = "unknown process",
	[PX_M_PROCESS_1] = "ginning",
	[PX_M_PROCESS_2] = "spinning",
	[PX_M_PROCESS_3] = "weaving",
	[PX_M_PROCESS_4] = "knitting",
	[PX_M_PROCESS_5] = "making",
	[PX_M_METHOD_0] = "method not given",
	[PX_M_METHOD_1] = "hand-picked",
	[PX_M_METHOD_2] = "machine-picked",
	[PX_M_ROLE_0] = "no role",
	[PX_M_ROLE_1] = "registrar",
	[PX_M_ROLE_2] = "farm",
	[PX_M_ROLE_3] = "gin",
	[PX_M_ROLE_4] = "warehouse",
	[PX_M_ROLE_5] = "spinner",
	[PX_M_ROLE_6] = "weaver",
	[PX_M_ROLE_7] = "manufacturer",
	[PX_M_ROLE_8] = "exporter",
	[PX_M_ROLE_9] = "importer",
	[PX_M_ROLE_10] = "brand",
	[PX_M_ROLE_11] = "monitor",
	[PX_M_ROLE_12] = "laboratory",
	[PX_M_STATUS_0] = "uncertified",
	[PX_M_STATUS_1] = "certified",
	[PX_M_STATUS_2] = "under review",
	[PX_M_STATUS_3] = "withdrawn",
	[PX_M_STATUS_4] = "child labour",
	[PX_M_STATUS_5] = "forced labour",
	[PX_M_STATUS_6] = "remediated",
	[PX_M_VERDICT_0] =
		"Every kg traces to origins certified free of forced labour, "
		"and every record on the way is intact.",
	[PX_M_VERDICT_1] = "Some kg traces to forced or child labour, or a lab "
			   "test contradicts the claimed origin.",
	[PX_M_VERDICT_2] = "Some kg traces to origins that are uncertified, "
			   "under review or withdrawn.",
	[PX_M_VERDICT_3] = "A record on the way fails a signature, the hash "
			   "chain or a rule.",
	[PX_M_PART_0] = "harvested",
	[PX_M_PART_1] = "processed",
	[PX_M_PART_2] = "shipped",
	[PX_M_PART_3] = "received",
	[PX_M_PART_4] = "holds it now",
	[PX_M_PART_5] = "monitor's statements",
	[PX_M_PART_6] = "lab tests",
};
