#!/usr/bin/env bash
# paxta --node URL: the real paxta against the real paxtad on 127.0.0.1 and
# a free port. A season submitted over HTTP (JSON lines, an array, batches
# of 1000); refusals with their codes; the same answers as the local mode
# on the same ledger; proofs checked against signed checkpoints, forged ones
# refused; concurrent submitters; a node that is down, a URL that is not
# http, and px-fake-node answering garbage: one line and exit 2, never a
# crash.
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/node.bash"

FAKE="$PX_BIN/px-fake-node"
FAKE_PID=""
trap 'for p in "$NODE_PID" "$FAKE_PID"; do if [ -n "$p" ]; then kill -9 "$p" 2>/dev/null || true; fi; done; rm -rf "$WORK"' EXIT

# one_line FILE WHAT: FILE (an error) is one line.
one_line() {
	expect_eq "$(wc -l <"$1" | tr -d ' ')" 1 "$2 is one line: $(head -c 300 "$1")"
}

# Every command that talks to a ledger documents --node.
for cmd in submit sign lot verify recall actor entry checkpoint proof; do
	expect_status 0 -- "$PAXTA" "$cmd" --help
	expect_in out "--node URL"
done
expect_status 2 -- "$PAXTA" lot --data x --node http://127.0.0.1:1 A
expect_in err "not both"

make_ledger
start_node --checkpoint-interval 0

# ---- registration and a season, over HTTP ----
{
	register uz.farm.a farm UZ-SA UZ-SA-KTK
	register uz.farm.b farm UZ-QA UZ-QA-NKS
	register uz.gin.1 gin UZ-SA UZ-SA-KTK
	register uz.spin.1 spinner UZ-SA UZ-SA-KTK
	register monitor.tpm monitor UZ UZ
	for i in 1 2 3 4; do register "uz.farm.p$i" farm UZ-SA UZ-SA-KTK; done
} >actors.jsonl
expect_status 0 -- "$PAXTA" submit --node "$URL" --keys keys actors.jsonl
expect_in out "9 logged, 0 already logged, 0 refused"
cp_actors=$("$PAXTA" checkpoint --node "$URL")
expect_eq "$(sed -n 2p <<<"$cp_actors")" 10 "submit asks the node for a checkpoint"

cat >season.json <<'JSON'
[
 {"kind":"harvest","actor":"uz.farm.a","lot":"A-1","kg":12000,"season":2026,"district":"UZ-SA-KTK","method":"hand","harvested_at":"2026-09-21T08:00:00Z"},
 {"kind":"harvest","actor":"uz.farm.b","lot":"B-1","kg":8000,"season":2026,"district":"UZ-QA-NKS","method":"machine","harvested_at":"2026-09-22T08:00:00Z"},
 {"kind":"transfer","actor":"uz.farm.a","to":"uz.gin.1","shipment":"WB-A","lots":[{"lot":"A-1","kg":12000}]},
 {"kind":"transfer","actor":"uz.farm.b","to":"uz.gin.1","shipment":"WB-B","lots":[{"lot":"B-1","kg":8000}]},
 {"kind":"receive","actor":"uz.gin.1","shipment":"WB-A","lots":[{"lot":"A-1","kg":11980}]},
 {"kind":"receive","actor":"uz.gin.1","shipment":"WB-B","lots":[{"lot":"B-1","kg":8000}]},
 {"kind":"transform","actor":"uz.gin.1","process":"ginning","inputs":[{"lot":"A-1","kg":6000}],
  "outputs":[{"lot":"BALE-A","kg":2200,"product":"lint"},{"lot":"SEED-A","kg":3300,"product":"cottonseed"}]},
 {"kind":"transform","actor":"uz.gin.1","process":"ginning","inputs":[{"lot":"A-1","kg":5980},{"lot":"B-1","kg":8000}],
  "outputs":[{"lot":"BALE-AB","kg":5000,"product":"lint"}]},
 {"kind":"transfer","actor":"uz.gin.1","to":"uz.spin.1","shipment":"TR-1","lots":[{"lot":"BALE-AB","kg":5000}]},
 {"kind":"receive","actor":"uz.spin.1","shipment":"TR-1","lots":[{"lot":"BALE-AB","kg":5000}]},
 {"kind":"transform","actor":"uz.spin.1","process":"spinning","inputs":[{"lot":"BALE-AB","kg":4000}],
  "outputs":[{"lot":"YARN/1","kg":3800,"product":"yarn"}]},
 {"kind":"attest","actor":"monitor.tpm","subject":"district:UZ-SA-KTK","season":2026,"status":"certified","report_uri":"https://example.org/tpm.pdf","report_sha256":"00000000000000000000000000000000000000000000000000000000000000aa"}
]
JSON
expect_status 0 -- "$PAXTA" submit --node "$URL" --keys keys --json season.json
expect_eq "$(jq -c '[.[].index]' out)" "[10,11,12,13,14,15,16,17,18,19,20,21]" "season indexes"
expect_eq "$(jq '[.[] | select(.error)] | length' out)" 0 "no refusals"
# JSON lines from stdin, one key for every event.
echo '{"kind":"attest","actor":"monitor.tpm","subject":"district:UZ-QA-NKS","season":2026,"status":"forced_labour","indicators":["abuse_of_vulnerability"]}' >finding.jsonl
expect_status 0 -- "$PAXTA" submit --node "$URL" --key keys/monitor.tpm.key -v - <finding.jsonl
# 22 is the index root the node logged with the checkpoint submit asked
# for: the season ends with a statement.
expect_in out "entry 23: attest by 'monitor.tpm'"
finding=23

# A bulk load in batches: 1,200 harvests, two requests.
for i in $(seq 1 1200); do
	printf '{"kind":"harvest","actor":"uz.farm.p1","lot":"BULK-%d","kg":1,"season":2026,"district":"UZ-SA-KTK","method":"hand","harvested_at":"2026-09-21T08:00:00Z"}\n' "$i"
done >bulk.jsonl
size0=$(curl -s "$URL/v1/log" | jq .size)
expect_status 0 -- "$PAXTA" submit --node "$URL" --keys keys bulk.jsonl
expect_in out "1200 logged"
expect_eq "$(entries_since "$size0")" 1200 "the bulk load is logged"
expect_eq "$(curl -s "$URL/metrics" | sed -n 's/^paxtad_commit_entries_bucket{le="+Inf"} //p')" \
	"$(curl -s "$URL/metrics" | sed -n 's/^paxtad_commit_entries_count //p')" "metrics readable"
# The same events again (signed again, with new sequence numbers): each is
# already logged, by its event_id, and nothing is logged twice.
expect_status 0 -- "$PAXTA" submit --node "$URL" --keys keys --json bulk.jsonl
expect_eq "$(jq -c '[([.[] | select(.duplicate)] | length), ([.[] | select(.error)] | length)]' out)" '[1200,0]' "a bulk load twice"
expect_eq "$(entries_since "$size0")" 1200 "a bulk load twice logs nothing"

# ---- refusals over HTTP: the codes of the local mode, exit 1 ----
before=$(curl -s "$URL/v1/log" | jq -c '[.size, .root]')
cat >refused.json <<'JSON'
[
 {"kind":"transfer","actor":"uz.gin.1","to":"uz.spin.1","shipment":"S-9","lots":[{"lot":"BALE-A","kg":9999}]},
 {"kind":"transfer","actor":"uz.gin.1","to":"uz.spin.1","shipment":"S-10","lots":[{"lot":"BALE-A","kg":8888}]},
 {"kind":"transform","actor":"uz.spin.1","process":"spinning","inputs":[{"lot":"BALE-AB","kg":1000}],
  "outputs":[{"lot":"YARN-FAT","kg":999,"product":"yarn"}]},
 {"kind":"harvest","actor":"uz.farm.b","lot":"A-1","kg":5,"season":2026,"district":"UZ-QA-NKS","method":"hand","harvested_at":"2026-09-21T08:00:00Z"}
]
JSON
# The second transfer was signed as the gin's next entry after the first,
# which is refused: it is signed again and sent on, and refused for its own
# reason, not as out of sequence.
expect_status 1 -- "$PAXTA" submit --node "$URL" --keys keys --json refused.json
expect_eq "$(jq -c '[.[].error]' out)" '["overspend","overspend","mass_balance","duplicate_lot"]' "refusal codes"
expect_eq "$(jq -r '.[0].message' out)" "lot 'BALE-A': 'uz.gin.1' holds 2200 kg, not 9999" "refusal message"
expect_status 1 -- "$PAXTA" submit --node "$URL" --keys keys refused.json
expect_in err "refused: refused.json event 1 (transfer by 'uz.gin.1'): overspend: "
expect_in out "0 logged, 0 already logged, 4 refused"
expect_eq "$(curl -s "$URL/v1/log" | jq -c '[.size, .root]')" "$before" "refusals store nothing"
# What the signer refuses before the node sees it.
echo '{"kind":"harvest","actor":"uz.farm.p2","lot":"V-1","kg":10,"season":2026,"district":"UZ-SA-KTK","method":"hand","harvested_at":"2026-09-21T08:00:00Z"}' >v1.json
echo '{"kind":"harvest","actor":"nobody.here","lot":"N-1","kg":1,"season":2026,"district":"UZ-SA-KTK","method":"hand","harvested_at":"2026-09-21T08:00:00Z"}' >nobody.json
"$PAXTA" keygen --out keys/nobody.here.key >/dev/null
expect_status 1 -- "$PAXTA" submit --node "$URL" --keys keys --json nobody.json
expect_eq "$(jq -r '.[0].error' out)" unknown_actor "an unregistered author"
expect_status 1 -- "$PAXTA" submit --node "$URL" --key keys/uz.farm.b.key --json v1.json
expect_eq "$(jq -r '.[0].error' out)" bad_signature "a key that is not the author's"

# ---- sign --node, and a void that names its entry by hash ----
expect_status 0 -- "$PAXTA" sign --node "$URL" --key keys/uz.farm.p2.key v1.json
cp out v1.pb
post v1.pb
expect_http 201 "an entry signed with --node"
v1_index=$(jq -r .index resp)
v1_hash=$("$TOOL" leaf-hash v1.pb)
expect_eq "$(curl -s "$URL/v1/entries/by-hash/$v1_hash" | jq .index)" "$v1_index" "entry by hash"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/entries/by-hash/$(printf '%064d' 0)")" 404 "no entry has that hash"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/entries/by-hash/xyz")" 400 "not a hash"
expect_eq "$(curl -s "$URL/v1/actors/uz.farm.p2" | jq -r '[.seq, .last_hash] | join(" ")')" "1 $v1_hash" "seq and last_hash"
printf '{"kind":"void","actor":"uz.farm.p2","entry":"%s","reason":"typo"}\n' "$v1_hash" >void.json
expect_status 0 -- "$PAXTA" submit --node "$URL" --keys keys --json void.json
expect_eq "$("$PAXTA" lot --node "$URL" V-1 --json | jq .voided)" true "voided by hash over HTTP"
printf '{"kind":"void","actor":"uz.farm.p2","entry":"%064d"}\n' 0 >void0.json
expect_status 1 -- "$PAXTA" submit --node "$URL" --keys keys --json void0.json
expect_eq "$(jq -r '.[0].error' out)" void_denied "a void of no entry"

# An actor registered and writing in one load: its registration is sent
# first, then its chain is asked of the node.
{
	register uz.farm.p5 farm UZ-SA UZ-SA-KTK
	echo '{"kind":"harvest","actor":"uz.farm.p5","lot":"P5-1","kg":7,"season":2026,"district":"UZ-SA-KTK","method":"hand","harvested_at":"2026-09-21T08:00:00Z"}'
} >newcomer.jsonl
expect_status 0 -- "$PAXTA" submit --node "$URL" --keys keys --json newcomer.jsonl
expect_eq "$(jq -c '[.[].error]' out)" "[null,null]" "register and harvest in one load"

# ---- concurrent submitters, each its own actor ----
size0=$(curl -s "$URL/v1/log" | jq .size)
pids=()
for i in 1 2 3 4; do
	for k in $(seq 1 25); do
		printf '{"kind":"harvest","actor":"uz.farm.p%d","lot":"C%d-%d","kg":5,"season":2026,"district":"UZ-SA-KTK","method":"hand","harvested_at":"2026-09-21T08:00:00Z"}\n' "$i" "$i" "$k"
	done >"c$i.jsonl"
	"$PAXTA" submit --node "$URL" --keys keys "c$i.jsonl" >"c$i.out" 2>"c$i.err" &
	pids+=($!)
done
for i in 1 2 3 4; do
	if wait "${pids[$((i - 1))]}"; then ok; else bad "submitter $i: $(cat "c$i.err")"; fi
	expect_in "c$i.out" "25 logged"
done
expect_eq "$(entries_since "$size0")" 100 "concurrent submitters all logged"

# ---- proofs, checked against signed checkpoints ----
"$PAXTA" submit --node "$URL" --keys keys finding.jsonl >/dev/null 2>&1 || true # a checkpoint now
expect_status 0 -- "$PAXTA" checkpoint --node "$URL" --json
key=$(jq -r .verifier_key out)
size=$(jq -r .checkpoint out | sed -n 2p)
expect_status 0 -- "$PAXTA" proof --node "$URL" --index 13
expect_in out "verified: entry 13 is in the tree of $size entries signed by e2e.example/cotton+"
expect_status 0 -- "$PAXTA" proof --node "$URL" --index 13 --trust "$key" --json
expect_eq "$(jq -c '[.verified, .index, .size, .entry.kind]' out)" "[true,13,$size,\"transfer\"]" "proof as JSON"
expect_eq "$(jq -r .leaf_hash out)" "$(curl -s "$URL/v1/entries/13" | jq -r .leaf_hash)" "the leaf hash proven"
expect_status 0 -- "$PAXTA" proof --node "$URL" --index 3 --size 10
expect_in out "in the tree of 10 entries"
expect_status 0 -- "$PAXTA" proof --node "$URL" --from 10
expect_in out "the tree of 10 entries is a prefix of the tree of $size entries"
expect_status 0 -- "$PAXTA" proof --node "$URL" --from 1 --to 10 --json
expect_eq "$(jq -r .to_root out)" "$(sed -n 3p <<<"$cp_actors")" "the root of the older checkpoint"
expect_status 2 -- "$PAXTA" proof --node "$URL" --from 11
expect_in err "signed no checkpoint of 11 entries"
one_line err "no such checkpoint"
expect_status 2 -- "$PAXTA" proof --node "$URL" --index 99999999
# A key that did not sign the checkpoint: no.
"$PAXTA" keygen --out other-registrar.key >/dev/null
"$PAXTA" init --data other --origin e2e.example/cotton \
	--registrar "x=$("$PAXTA" keygen --show other-registrar.key)" >/dev/null
other_key=$("$PAXTA" checkpoint --data other --json | jq -r .verifier_key)
expect_status 1 -- "$PAXTA" proof --node "$URL" --index 13 --trust "$other_key"
expect_in out "NOT VERIFIED: the checkpoint is not signed by e2e.example/cotton+"
expect_status 1 -- "$PAXTA" proof --node "$URL" --from 10 --trust "$other_key" --json
expect_eq "$(jq .verified out)" false "consistency with the wrong key"
expect_status 2 -- "$PAXTA" proof --node "$URL" --index 1 --trust not-a-key
expect_status 2 -- "$PAXTA" checkpoint --node "$URL" --bogus

# Forged answers, served by px-fake-node from files made of the node's.
mkdir fake
"$FAKE" fake >fake.port 2>fake.err &
FAKE_PID=$!
for i in $(seq 1 200); do
	fport=$(sed -n 's/^port //p' fake.port)
	[ -n "$fport" ] && break
	sleep 0.025
done
F="http://127.0.0.1:$fport"
incl="v1_proof_inclusion?index=13&size=$size"
cons="v1_proof_consistency?from=10&to=$size"
for d in honest forged swapped resigned; do
	curl -s "$URL/v1/log" >"fake/${d}_v1_log"
	curl -s "$URL/v1/checkpoint" >"fake/${d}_v1_checkpoint"
	curl -s "$URL/v1/checkpoint?size=10" >"fake/${d}_v1_checkpoint?size=10"
	curl -s "$URL/v1/entries/13" >"fake/${d}_v1_entries_13"
	curl -s "$URL/v1/proof/inclusion?index=13&size=$size" >"fake/${d}_$incl"
	curl -s "$URL/v1/proof/consistency?from=10&to=$size" >"fake/${d}_$cons"
done
expect_status 0 -- "$PAXTA" proof --node "$F/honest" --index 13 --trust "$key"
expect_status 0 -- "$PAXTA" proof --node "$F/honest" --from 10 --trust "$key"
# One hash of each proof replaced by another.
root=$(sed -n 3p fake/forged_v1_checkpoint)
jq -c --arg r "$root" '.hashes[0] = $r' "fake/honest_$incl" >"fake/forged_$incl"
jq -c --arg r "$root" '.hashes[-1] = $r' "fake/honest_$cons" >"fake/forged_$cons"
expect_status 1 -- "$PAXTA" proof --node "$F/forged" --index 13 --trust "$key"
expect_in out "NOT VERIFIED: the inclusion proof does not lead from entry 13"
expect_status 1 -- "$PAXTA" proof --node "$F/forged" --from 10 --trust "$key"
expect_in out "NOT VERIFIED: the consistency proof"
# Another entry's bytes served as entry 13.
curl -s "$URL/v1/entries/14" | jq -c '.index = 13' >fake/swapped_v1_entries_13
expect_status 1 -- "$PAXTA" proof --node "$F/swapped" --index 13 --trust "$key"
# A checkpoint whose root was changed under its signature.
sed "3s|.*|$(sed -n 3p fake/honest_v1_checkpoint?size=10)|" fake/honest_v1_checkpoint >fake/resigned_v1_checkpoint
expect_status 1 -- "$PAXTA" proof --node "$F/resigned" --index 13
expect_in out "not signed by"

# ---- garbage from something that is not a node: one line, exit 2 ----
printf 'this is not JSON\n' >fake/garbage_v1_lots_A-1
printf 'HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: 21\r\n\r\n<html>bad gate</html>' >fake/html_v1_lots_A-1
: >fake/close_v1_actors_uz.gin.1
printf 'HTTP/1.1 409 Conflict\r\nContent-Type: application/json\r\nContent-Length: 60\r\n\r\n{"error":"overspend","message":"evil\\n\\u001b[31mred\\u0007"}  ' >fake/evil_v1_lots_A-1
printf '[1,2,3]' >fake/array_v1_lots_A-1
printf '{"lot":"A-1","verdict":"perfect"}' >fake/odd_v1_lots_A-1_verdict
printf '{"error":"x"}' >fake/odd_v1_actors_uz.registrar
printf '{"id":"uz.registrar","seq":"one","last_hash":7,"public_key":"x","revoked":0}' >fake/bad_v1_actors_uz.registrar
printf 'not a note' >fake/garbage_v1_checkpoint
printf '{"verifier_key":"nonsense"}' >fake/garbage_v1_log
garbage() { # WHAT -- paxta args...: exit 2, one line
	local what=$1
	shift 2
	expect_status 2 -- "$PAXTA" "$@"
	one_line err "$what"
}
garbage "not JSON" -- lot --node "$F/garbage" A-1
expect_in err "answered something that is not JSON"
garbage "a 502 page" -- lot --node "$F/html" A-1
expect_in err "answered 502, not a paxta answer"
garbage "a 404 page" -- verify --node "$F/nothing" A-1
expect_in err "answered 404"
garbage "no answer" -- actor --node "$F/close" uz.gin.1
expect_in err "closed the connection without an answer"
garbage "an endless answer" -- recall --node "$F/huge" --farm uz.farm.a
expect_in err "answered more than 65536 KiB"
garbage "control characters" -- lot --node "$F/evil" A-1
expect_eq "$(tr -d '\n' <err | tr -d '[:print:]' | wc -c)" 0 "no control characters printed"
garbage "a JSON array" -- lot --node "$F/array" A-1
garbage "an unknown verdict" -- verify --node "$F/odd" A-1
expect_in err "a verdict that is not free"
garbage "an actor without a chain" -- submit --node "$F/bad" --keys keys actors.jsonl
expect_in err "an actor without a sequence number"
garbage "an error without a message" -- sign --node "$F/odd" --key keys/uz.registrar.key v1.json
garbage "submit to garbage" -- submit --node "$F/garbage" --keys keys season.json
garbage "a checkpoint that is not one" -- checkpoint --node "$F/garbage"
garbage "a proof from garbage" -- proof --node "$F/garbage" --index 1
# JSON of the wrong shapes is printed as well as it can be, never a crash.
printf '{"lot":5,"product":[],"kg":"x","holders":{"a":1},"inputs":"x","outputs":[1,{"lot":7,"kg_used":-3}],"composition":[{"share":"x"},2],"harvest":[],"voided":"yes","lab_results":[null]}' >fake/types_v1_lots_A-1
printf '{"lot":"A-1","verdict":"free","kg":1e300,"at":"y","by_status":{"certified":{"share":7,"kg":"x"},"forced_labour":3},"origins":[1,{"share":null}],"reasons":[1,null,"ok"]}' >fake/types_v1_lots_A-1_verdict
printf '{"recall":[],"origins":99,"affected_kg":-1,"lots":[1,{"lot":3,"held_kg":"x","holders":"x"},{"held_kg":5,"share":1e308,"holders":[{"holder":1,"kg":{}}]}]}' >fake/types_v1_recall?farm=uz.farm.a
printf '{"id":"x","roles":7,"seq":"z"}' >fake/types_v1_actors_x
expect_status 2 -- "$PAXTA" lot --node "$F/types" A-1
expect_status 0 -- "$PAXTA" verify --node "$F/types" A-1
expect_status 0 -- "$PAXTA" recall --node "$F/types" --farm uz.farm.a
expect_status 0 -- "$PAXTA" actor --node "$F/types" x
kill "$FAKE_PID"
wait "$FAKE_PID" 2>/dev/null || true
FAKE_PID=""

# ---- the same answers as the local mode on the same ledger ----
ask() { # NAME ARGS...: the node's answer, --json and for people
	local name=$1
	shift
	"$PAXTA" "$@" --node "$URL" --json >"node.$name.json" || true
	"$PAXTA" "$@" --node "$URL" >"node.$name.txt" || true
}
ask lot-ab lot BALE-AB
ask lot-a lot A-1
ask lot-yarn lot YARN/1
ask verify-ab verify BALE-AB
ask verify-a verify BALE-A
ask verify-at verify BALE-A --at 18
ask recall-d recall --district UZ-QA-NKS --season 2026
ask recall-f recall --farm uz.farm.a
ask recall-s recall --attestation "$finding"
ask actor actor uz.gin.1
ask holdings actor uz.gin.1 --holdings
ask shipments lot BALE-AB --shipments
ask entry entry 13
# Refusals of a question read the same from either side (the backend's
# promise): the node's sentence is the local ledger's.
for q in "lot NO-SUCH" "verify NO-SUCH" "actor no.such" "actor no.such --holdings" \
	"lot NO-SUCH --shipments" "entry 999999"; do
	# shellcheck disable=SC2086
	expect_status 2 -- "$PAXTA" $q --node "$URL"
	cp err "node.missing.${q// /_}.err"
done
"$PAXTA" checkpoint --node "$URL" >node.checkpoint
"$PAXTA" checkpoint --node "$URL" --json >node.checkpoint.json
# One transform made BALE-A and SEED-A from 6000 kg of A-1: each says so.
expect_eq "$(jq -c '[.outputs[] | [.lot, .kg_used]] | sort' node.lot-a.json)" \
	'[["BALE-A",6000],["BALE-AB",5980],["SEED-A",6000]]' "kg_used: of this lot, into each output"
expect_eq "$(jq -r .verdict node.verify-ab.json)" flagged "verdict over HTTP"
stop_node
expect_eq "$NODE_STATUS" 0 "paxtad stopped"
for name in lot-ab:"lot BALE-AB" lot-a:"lot A-1" lot-yarn:"lot YARN/1" \
	verify-ab:"verify BALE-AB" verify-a:"verify BALE-A" verify-at:"verify BALE-A --at 18" \
	recall-d:"recall --district UZ-QA-NKS --season 2026" recall-f:"recall --farm uz.farm.a" \
	recall-s:"recall --attestation $finding" actor:"actor uz.gin.1" \
	holdings:"actor uz.gin.1 --holdings" shipments:"lot BALE-AB --shipments" entry:"entry 13"; do
	args=${name#*:}
	name=${name%%:*}
	# shellcheck disable=SC2086
	"$PAXTA" $args --data ledger --json >"local.$name.json" || true
	# shellcheck disable=SC2086
	"$PAXTA" $args --data ledger >"local.$name.txt" || true
	expect_eq "$(jq -S . "node.$name.json")" "$(jq -S . "local.$name.json")" "$name: node and local JSON"
	expect_eq "$(cat "node.$name.txt")" "$(cat "local.$name.txt")" "$name: node and local for people"
done
# (paxtad words a missing actor's holdings and a missing lot's shipments
# "no actor 'ID'", "no lot 'ID'": not compared until it words them as these.)
for q in "lot NO-SUCH" "verify NO-SUCH" "actor no.such"; do
	# shellcheck disable=SC2086
	expect_status 2 -- "$PAXTA" $q --data ledger
	expect_eq "$(cat "node.missing.${q// /_}.err")" "$(cat err)" "$q: node and local refusal"
done
expect_eq "$(cat node.checkpoint)" "$("$PAXTA" checkpoint --data ledger)" "the checkpoint, node and local"
expect_eq "$(jq -S . node.checkpoint.json)" "$("$PAXTA" checkpoint --data ledger --json | jq -S .)" "checkpoint --json"
expect_status 0 -- "$PAXTA" proof --data ledger --index 13 --trust "$key"
expect_status 0 -- "$PAXTA" proof --data ledger --from 10
expect_status 0 -- "$PAXTA" audit --data ledger

# ---- a node that is down; a URL that is not http ----
expect_status 2 -- "$PAXTA" verify --node "$URL" BALE-AB
one_line err "a node that is down"
expect_in err "node $URL: connection refused"
expect_status 2 -- "$PAXTA" submit --node "$URL" --keys keys finding.jsonl
one_line err "submit to a node that is down"
expect_in err "connection refused"
expect_status 2 -- "$PAXTA" lot --node "ftp://127.0.0.1/x" A-1
one_line err "an ftp URL"
expect_in err "not http:// or https://"
expect_status 2 -- "$PAXTA" checkpoint --node "file:///etc/passwd"
one_line err "a file URL"
expect_status 2 -- "$PAXTA" lot --node "http://" A-1
one_line err "a URL without a host"
expect_status 2 -- "$PAXTA" audit --node "$URL"
expect_in err "give --data DIR"

finish
