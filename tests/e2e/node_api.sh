#!/usr/bin/env bash
# paxtad over HTTP: every route of DESIGN.md §6.3 on a real node, on
# 127.0.0.1 and a free port, against a ledger made by the real paxta;
# entries signed by 'paxta sign' while the node serves; rule refusals with
# their codes; proofs checked by px-e2e-tool (RFC 9162 on OpenSSL alone);
# concurrent submitters; a clean stop.
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/node.bash"

# --help teaches every flag; no --data is a usage error.
expect_status 0 -- "$PAXTAD" --help
for flag in --data --listen --threads --checkpoint-interval --max-body \
	--max-connections --max-per-ip --timeout; do
	expect_in out "$flag"
done
expect_status 2 -- "$PAXTAD"
expect_in err "--data DIR"
expect_status 2 -- "$PAXTAD" --data nowhere
expect_in err "does not exist"

make_ledger
{
	register uz.farm.a farm UZ-SA UZ-SA-KTK
	register uz.farm.b farm UZ-QA UZ-QA-NKS
	register uz.farm.c farm UZ-BU UZ-BU-GJD
	register uz.gin.1 gin UZ-SA UZ-SA-KTK
	register uz.spin.1 spinner UZ-SA UZ-SA-KTK
	register monitor.tpm monitor UZ UZ
	for i in 1 2 3 4 5 6; do register "uz.farm.p$i" farm UZ-SA UZ-SA-KTK; done
} >actors.jsonl
expect_status 0 -- "$PAXTA" submit --data ledger --keys keys actors.jsonl
cp_before=$("$PAXTA" checkpoint --data ledger)

start_node --threads 2 --checkpoint-interval 1
expect_eq "$(curl -s "$URL/healthz")" ok "healthz"

# One writer per ledger folder.
expect_status 2 -- "$PAXTAD" --data ledger --listen 127.0.0.1:0
expect_in err "in use by another process"

# The log and its checkpoint, as the CLI sees them.
curl -s "$URL/v1/log" >log.json
expect_eq "$(jq -r .origin log.json)" e2e.example/cotton "log origin"
expect_eq "$(jq -r .size log.json)" 13 "log size"
expect_eq "$(jq -r .verifier_key log.json)" \
	"$("$PAXTA" checkpoint --data ledger --json | jq -r .verifier_key)" "verifier key"
curl -s -D hdr "$URL/v1/checkpoint" >cp.txt
expect_eq "$(cat cp.txt)" "$("$PAXTA" checkpoint --data ledger)" "checkpoint byte for byte"
expect_in hdr "text/plain"

# ---- entries: one, a batch, the same again ----
ev() { printf '%s\n' "$2" >"$1.json"; }
ev ha '{"kind":"harvest","actor":"uz.farm.a","lot":"A-1","kg":12000,"season":2026,"district":"UZ-SA-KTK","method":"hand","harvested_at":"2026-09-21T08:00:00Z"}'
ev hb '{"kind":"harvest","actor":"uz.farm.b","lot":"B-1","kg":8000,"season":2026,"district":"UZ-QA-NKS","method":"machine","harvested_at":"2026-09-22T08:00:00Z"}'
ev hc '{"kind":"harvest","actor":"uz.farm.c","lot":"C/2026/1","kg":5000,"season":2026,"district":"UZ-BU-GJD","method":"hand","harvested_at":"2026-09-23T08:00:00Z"}'
sign keys/uz.farm.a.key ha.json ha.pb
post ha.pb
expect_http 201 "one entry"
expect_eq "$(jq -r .index resp)" 13 "its index"
expect_eq "$(jq -r .duplicate resp)" false "new entry"
# The entry hash is the hash of what was sent; the leaf hash, of the leaf
# the node made of it (the entry and its acceptance time).
expect_eq "$(jq -r .entry_hash resp)" "$("$TOOL" leaf-hash ha.pb)" "its entry hash"
curl -s "$URL/v1/entries/13" | jq -r .leaf | base64 -d >ha.leaf
expect_eq "$(jq -r .leaf_hash resp)" "$("$TOOL" leaf-hash ha.leaf)" "its leaf hash"
post ha.pb
expect_http 201 "the same entry again"
expect_eq "$(jq -r '.index, .duplicate' resp | tr '\n' ' ')" "13 true " "answered with its first index"

sign keys/uz.farm.b.key hb.json hb.pb
sign keys/uz.farm.c.key hc.json hc.pb
"$TOOL" batch hb.pb hc.pb >batch.pb
post batch.pb "application/x-protobuf; proto=paxta.EntryBatch"
expect_http 201 "a batch"
expect_eq "$(jq -c '[.logged, .refused, [.results[].index]]' resp)" "[2,0,[14,15]]" "batch results"

# The rest of a season, one entry at a time (each author's next entry is
# signed once its previous one is logged).
n=0
submit() { # KEY JSON: sign and post; expect 201
	n=$((n + 1))
	printf '%s\n' "$2" >"s$n.json"
	sign "keys/$1.key" "s$n.json" "s$n.pb"
	post "s$n.pb"
	expect_http 201 "season event $n ($1)"
}
submit uz.farm.a '{"kind":"transfer","actor":"uz.farm.a","to":"uz.gin.1","shipment":"WB-A","lots":[{"lot":"A-1","kg":12000}]}'
submit uz.farm.b '{"kind":"transfer","actor":"uz.farm.b","to":"uz.gin.1","shipment":"WB-B","lots":[{"lot":"B-1","kg":8000}]}'
submit uz.farm.c '{"kind":"transfer","actor":"uz.farm.c","to":"uz.gin.1","shipment":"WB-C","lots":[{"lot":"C/2026/1","kg":5000}]}'
submit uz.gin.1 '{"kind":"receive","actor":"uz.gin.1","shipment":"WB-A","lots":[{"lot":"A-1","kg":11980}]}'
submit uz.gin.1 '{"kind":"receive","actor":"uz.gin.1","shipment":"WB-B","lots":[{"lot":"B-1","kg":8000}]}'
submit uz.gin.1 '{"kind":"receive","actor":"uz.gin.1","shipment":"WB-C","lots":[{"lot":"C/2026/1","kg":5000}]}'
submit uz.gin.1 '{"kind":"transform","actor":"uz.gin.1","process":"ginning","inputs":[{"lot":"A-1","kg":6000}],"outputs":[{"lot":"BALE-A","kg":2200,"product":"lint"},{"lot":"SEED-A","kg":3300,"product":"cottonseed"}]}'
submit uz.gin.1 '{"kind":"transform","actor":"uz.gin.1","process":"ginning","inputs":[{"lot":"A-1","kg":2980},{"lot":"B-1","kg":8000}],"outputs":[{"lot":"BALE-AB","kg":4500,"product":"lint"}]}'
submit uz.gin.1 '{"kind":"transform","actor":"uz.gin.1","process":"ginning","inputs":[{"lot":"C/2026/1","kg":5000}],"outputs":[{"lot":"BALE-C","kg":1800,"product":"lint"}]}'
submit monitor.tpm '{"kind":"attest","actor":"monitor.tpm","subject":"district:UZ-SA-KTK","season":2026,"status":"certified","report_uri":"https://example.org/tpm.pdf","report_sha256":"00000000000000000000000000000000000000000000000000000000000000aa"}'
submit monitor.tpm '{"kind":"attest","actor":"monitor.tpm","subject":"district:UZ-QA-NKS","season":2026,"status":"forced_labour","indicators":["abuse_of_vulnerability"]}'
# 26, or 27 when a checkpoint came between the statements: the node logs an
# index root before it, once something indexed is in the log.
finding=$(jq -r .index resp)
[ "$finding" = 26 ] || { [ "$finding" = 27 ] &&
	[ "$(curl -s "$URL/v1/entries/26" | jq -r .entry.kind)" = index_root ]; } &&
	ok || bad "last season index: $finding"
expect_eq "$(curl -s -o /dev/null -w '%{http_code} %header{location}' -X POST \
	-H 'Content-Type: application/x-protobuf' --data-binary @s11.pb "$URL/v1/entries")" \
	"201 /v1/entries/$finding" "Location of an entry"

# ---- refusals: the code, the status, and nothing stored ----
# A checkpoint first: it logs the index root of the statements before it,
# and no later one is due while nothing is logged.
curl -s -X POST -o /dev/null "$URL/v1/checkpoint"
before=$(curl -s "$URL/v1/log" | jq -c '[.size, .root]')
refuse() { # STATUS CODE FILE [TYPE]
	post "$3" "${4:-application/x-protobuf}"
	expect_http "$1" "refusal $2"
	expect_eq "$(jq -r .error resp)" "$2" "refusal code $2"
	[ -n "$(jq -r '.message // empty' resp)" ] && ok || bad "refusal $2 has no message"
}
ev over '{"kind":"transfer","actor":"uz.gin.1","to":"uz.spin.1","shipment":"S-1","lots":[{"lot":"BALE-A","kg":9999}]}'
sign keys/uz.gin.1.key over.json over.pb
refuse 409 overspend over.pb
ev mass '{"kind":"transform","actor":"uz.gin.1","process":"ginning","inputs":[{"lot":"A-1","kg":1000}],"outputs":[{"lot":"TOO-MUCH","kg":500,"product":"lint"}]}'
sign keys/uz.gin.1.key mass.json mass.pb
refuse 422 mass_balance mass.pb
ev far '{"kind":"harvest","actor":"uz.farm.a","lot":"A-9","kg":10,"season":2026,"district":"UZ-QA-NKS","method":"hand","harvested_at":"2026-09-21T08:00:00Z"}'
sign keys/uz.farm.a.key far.json far.pb
refuse 422 origin far.pb
# Two entries signed for the same place in the monitor's chain: the second
# to arrive is out of sequence.
ev st1 '{"kind":"attest","actor":"monitor.tpm","subject":"district:UZ-BU-GJD","season":2026,"status":"under_review"}'
ev st2 '{"kind":"attest","actor":"monitor.tpm","subject":"district:UZ-BU-GJD","season":2026,"status":"withdrawn"}'
sign keys/monitor.tpm.key st1.json st1.pb
sign keys/monitor.tpm.key st2.json st2.pb
post st1.pb
expect_http 201 "first of two"
# The log grew: a checkpoint now, so that no periodic one logs an index
# root while the refusals below are checked against the log's size.
curl -s -X POST -o /dev/null "$URL/v1/checkpoint"
before=$(curl -s "$URL/v1/log" | jq -c '[.size, .root]')
refuse 409 sequence st2.pb
# A forged signature: the last byte of the envelope is the signature's.
cp over.pb forged.pb
printf '\x5a' | dd of=forged.pb bs=1 seek=$(($(stat -c %s forged.pb) - 1)) conv=notrunc status=none
refuse 403 bad_signature forged.pb
printf 'not a protobuf at all' >junk.bin
refuse 400 malformed junk.bin
refuse 400 malformed junk.bin "application/x-protobuf; proto=paxta.EntryBatch"
: >empty.bin
refuse 400 malformed empty.bin
refuse 415 unsupported_media_type over.pb application/json
refuse 415 unsupported_media_type over.pb "application/x-protobuf; proto=paxta.Nonsense"
# One entry over 64 KiB: too large for the ledger, under the body cap.
head -c 70000 /dev/zero >big.bin
refuse 413 too_large big.bin
# A body over --max-body (8 MiB): refused from its Content-Length, and as
# a chunked body while it is read.
head -c $((9 << 20)) /dev/zero >huge.bin
refuse 413 too_large huge.bin
STATUS=$(curl -s -o resp -w '%{http_code}' -H 'Content-Type: application/x-protobuf' \
	-H 'Transfer-Encoding: chunked' --data-binary @huge.bin "$URL/v1/entries")
expect_http 413 "chunked body over the cap"
expect_eq "$(jq -r .error resp)" too_large "chunked refusal code"
expect_eq "$(curl -s "$URL/v1/log" | jq -c '[.size, .root]')" "$before" "ledger unchanged by refusals"

# A batch with good and bad entries: each gets its answer (207).
ev hp1 '{"kind":"harvest","actor":"uz.farm.p1","lot":"P1-0","kg":100,"season":2026,"district":"UZ-SA-KTK","method":"hand","harvested_at":"2026-09-21T08:00:00Z"}'
sign keys/uz.farm.p1.key hp1.json hp1.pb
"$TOOL" batch hp1.pb over.pb forged.pb junk.bin >mixed.pb
post mixed.pb "application/x-protobuf; proto=paxta.EntryBatch"
expect_http 207 "mixed batch"
expect_eq "$(jq -c '[.logged, .refused, [.results[] | .error // "ok"]]' resp)" \
	'[1,3,["ok","overspend","bad_signature","malformed"]]' "mixed batch results"

# ---- reading entries ----
curl -s "$URL/v1/entries/13" >e.json
expect_eq "$(jq -r .signed_entry e.json)" "$(base64 -w0 ha.pb)" "exact bytes sent"
expect_eq "$(jq -r .leaf e.json)" "$(base64 -w0 ha.leaf)" "the leaf"
expect_eq "$(jq -r '.recorded | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T")' e.json)" true "the node's time"
expect_eq "$(jq -r '.entry.kind + " " + .entry.lot' e.json)" "harvest A-1" "decoded entry"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/entries/99999")" 404 "no such entry"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/entries/x1")" 400 "not an index"
curl -s "$URL/v1/entries?start=13&count=3" >range.json
expect_eq "$(jq -c '[.entries[].index]' range.json)" "[13,14,15]" "range"
for i in 0 1 2; do
	jq -r ".entries[$i].leaf" range.json | base64 -d >"r$i.pb"
	jq -r ".entries[$i].signed_entry" range.json | base64 -d >"s$i.pb"
done
expect_eq "$(cmp -s s1.pb hb.pb && cmp -s s2.pb hc.pb && echo same)" same "range entries"
curl -s -H 'Accept: application/x-protobuf' "$URL/v1/entries?start=13&count=3" >range.pb
"$TOOL" batch r0.pb r1.pb r2.pb >want.pb
expect_eq "$(cmp -s range.pb want.pb && echo same)" same "range as an EntryBatch"
expect_eq "$(curl -s "$URL/v1/entries?start=0&count=5000" | jq '.entries | length')" \
	"$(curl -s "$URL/v1/log" | jq .size)" "a range is capped by the log"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/entries?start=0&count=0")" 400 "count 0"

# ---- proofs, checked against signed checkpoints ----
curl -s -X POST -o cp2.txt -w '%{http_code}' "$URL/v1/checkpoint" >code
[ "$(cat code)" = 201 ] || [ "$(cat code)" = 200 ] && ok || bad "POST /v1/checkpoint: $(cat code)"
curl -s "$URL/v1/checkpoint" >cp3.txt
expect_eq "$(cat cp3.txt)" "$(cat cp2.txt)" "the checkpoint just signed is the latest"
size=$(sed -n 2p cp3.txt)
root=$(sed -n 3p cp3.txt)
expect_eq "$size" "$(curl -s "$URL/v1/log" | jq .size)" "checkpoint covers the log"
curl -s "$URL/v1/proof/inclusion?index=13&size=$size" >incl.json
expect_eq "$(jq -c 'keys' incl.json)" '["hashes","index","size"]' "an inclusion proof's fields"
expect_status 0 -- "$TOOL" inclusion ha.leaf 13 "$size" "$root" $(jq -r '.hashes[]' incl.json)
expect_status 1 -- "$TOOL" inclusion r1.pb 13 "$size" "$root" $(jq -r '.hashes[]' incl.json)
expect_status 1 -- "$TOOL" inclusion ha.pb 13 "$size" "$root" $(jq -r '.hashes[]' incl.json)
old_size=$(sed -n 2p <<<"$cp_before")
old_root=$(sed -n 3p <<<"$cp_before")
curl -s "$URL/v1/proof/consistency?from=$old_size&to=$size" >cons.json
expect_status 0 -- "$TOOL" consistency "$old_size" "$size" "$old_root" "$root" $(jq -r '.hashes[]' cons.json)
expect_status 1 -- "$TOOL" consistency "$old_size" "$size" "$root" "$root" $(jq -r '.hashes[]' cons.json)
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/proof/inclusion?index=5&size=999999")" 404 "proof past the log"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/proof/inclusion?index=9&size=9")" 400 "index outside the tree"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/proof/consistency?from=0&to=3")" 400 "consistency from 0"

# ---- lots, verdicts, lineage, recall: the same answers as the CLI ----
same_json() { # URL CLI... : same JSON, keys sorted
	local got want
	got=$(curl -s "$URL$1" | jq -S .)
	shift
	want=$("$@" | jq -S .) || true
	expect_eq "$got" "$want" "$*"
}
same_json /v1/lots/BALE-AB "$PAXTA" lot --data ledger BALE-AB --json
same_json /v1/lots/C%2F2026%2F1 "$PAXTA" lot --data ledger C/2026/1 --json
same_json /v1/lots/BALE-AB/verdict "$PAXTA" verify --data ledger BALE-AB --json
same_json "/v1/lots/BALE-A/verdict?at=24" "$PAXTA" verify --data ledger BALE-A --at 24 --json
same_json "/v1/recall?district=UZ-QA-NKS&season=2026" "$PAXTA" recall --data ledger --district UZ-QA-NKS --season 2026 --json
same_json "/v1/recall?farm=uz.farm.a" "$PAXTA" recall --data ledger --farm uz.farm.a --json
same_json "/v1/recall?attestation=$finding" "$PAXTA" recall --data ledger --attestation "$finding" --json
same_json /v1/actors/uz.gin.1 "$PAXTA" actor --data ledger uz.gin.1 --json
expect_eq "$(curl -s "$URL/v1/lots/BALE-AB/verdict" | jq -r .verdict)" flagged "verdict"
curl -s "$URL/v1/lots/BALE-AB/provenance" >prov.json
expect_eq "$(jq -c '[.nodes[].lot] | sort' prov.json)" '["A-1","B-1","BALE-AB"]' "lineage nodes"
expect_eq "$(jq -c '[.edges[] | [.from, .to, .kg]] | sort' prov.json)" \
	'[["A-1","BALE-AB",2980],["B-1","BALE-AB",8000]]' "lineage edges with kg"
curl -s "$URL/v1/lots/A-1/recall" >lrecall.json
expect_eq "$(jq -c '[.lots[].lot]' lrecall.json)" '["A-1","BALE-A","SEED-A","BALE-AB"]' "recall of a lot"
expect_eq "$(jq -r '.lots[] | select(.lot == "BALE-AB") | .holders[0].holder' lrecall.json)" uz.gin.1 "who holds it"
curl -s "$URL/v1/attestations?subject=district:UZ-SA-KTK&season=2026" >att.json
expect_eq "$(jq -c '[.attestations[] | [.index, .monitor, .status]]' att.json)" \
	'[[25,"monitor.tpm","certified"]]' "statements on a subject"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/lots/NO-SUCH/verdict")" 404 "unknown lot"
expect_eq "$(curl -s "$URL/v1/lots/NO-SUCH" | jq -r .error)" not_found "unknown lot code"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/lots/BALE-A/verdict?at=abc")" 400 "bad at"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/recall?district=UZ-SA-KTK")" 400 "district without season"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/attestations?subject=nonsense")" 400 "bad subject"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/actors/nobody")" 404 "unknown actor"
# Bytes that are not UTF-8 are quoted back as '?', still a 400.
expect_eq "$(curl -s -o resp -w '%{http_code}' "$URL/v1/recall?district=%ff&season=2026")" 400 "not UTF-8"
expect_eq "$(jq -r .error resp)" malformed "not UTF-8 code"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/lots/%zz")" 400 "bad escape"

# The page for people: self-contained, with the verdict and a flow chart.
curl -s -D hdr "$URL/lots/BALE-AB" >page.html
expect_in hdr "text/html"
expect_in hdr "Content-Security-Policy: default-src 'none'"
expect_in page.html "<svg"
expect_in page.html "flagged"
expect_in page.html "abuse_of_vulnerability"
expect_eq "$(grep -c -e '<script' -e ' src=' page.html || true)" 0 "no scripts, no external assets"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/lots/NO-SUCH")" 404 "page of an unknown lot"

# ---- unknown routes and methods ----
expect_eq "$(curl -s -o resp -w '%{http_code}' "$URL/v1/nothing")" 404 "unknown route"
expect_eq "$(jq -r .error resp)" not_found "unknown route code"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/log/")" 404 "trailing slash"
expect_eq "$(curl -s -D hdr -o resp -w '%{http_code}' -X DELETE "$URL/v1/log")" 405 "wrong method"
expect_in hdr "Allow: GET, HEAD"
expect_eq "$(jq -r .error resp)" method_not_allowed "wrong method code"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -X PUT "$URL/v1/entries")" 405 "PUT entries"

# ---- concurrent submitters: six farms, five harvests each ----
submitter() { # FARM: five harvests in turn, each status on a line
	local f=$1 k
	for k in 1 2 3 4 5; do
		printf '{"kind":"harvest","actor":"%s","lot":"%s-%d","kg":100,"season":2026,"district":"UZ-SA-KTK","method":"hand","harvested_at":"2026-09-21T08:00:00Z"}\n' \
			"$f" "$f" "$k" >"$f.$k.json"
		"$PAXTA" sign --data ledger --key "keys/$f.key" "$f.$k.json" >"$f.$k.pb"
		curl -s -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/x-protobuf' \
			--data-binary "@$f.$k.pb" "$URL/v1/entries"
	done >"$f.codes"
}
size0=$(curl -s "$URL/v1/log" | jq .size)
pids=()
for i in 1 2 3 4 5 6; do
	submitter "uz.farm.p$i" &
	pids+=($!)
done
wait "${pids[@]}"
expect_eq "$(cat uz.farm.p*.codes | sort | uniq -c | tr -s ' ')" " 30 201" "concurrent submitters all logged"
expect_eq "$(entries_since "$size0")" 30 "thirty entries more"
expect_status 0 -- "$PAXTA" audit --data ledger

# ---- metrics ----
curl -s -X POST -o /dev/null "$URL/v1/checkpoint"
size1=$(curl -s "$URL/v1/log" | jq .size)
curl -s "$URL/metrics" >metrics.txt
expect_in metrics.txt "paxtad_log_entries $size1"
expect_in metrics.txt 'paxtad_refusals_total{code="overspend"} 2'
expect_in metrics.txt 'paxtad_refusals_total{code="sequence"} 1'
expect_in metrics.txt 'paxtad_commit_seconds_bucket{le="+Inf"}'
expect_in metrics.txt 'paxtad_commit_entries_count'
expect_in metrics.txt 'paxtad_request_seconds_count{route="POST /v1/entries"}'
expect_in metrics.txt 'paxtad_http_responses_total{status="413"}'
expect_in metrics.txt 'paxtad_verdict_memory_budget_bytes 67108864'
# The verdicts asked above walked their lineages (none is kept: under 64
# lots each).
misses=$(sed -n 's/^paxtad_verdict_memory_total{event="miss"} //p' metrics.txt)
expect_eq "$([ "${misses:-0}" -ge 4 ] && echo yes)" yes "verdicts that walked, counted ($misses)"
expect_in metrics.txt 'paxtad_verdict_memory_lineages 0'
logged=$(sed -n 's/^paxtad_entries_appended_total //p' metrics.txt)
expect_eq "$logged" 46 "entries appended by this node"

# ---- a clean stop: exit 0, a last checkpoint over everything, intact ----
stop_node
expect_eq "$NODE_STATUS" 0 "paxtad exit status after SIGTERM"
expect_in "$NODE_LOG" "stopped"
expect_status 0 -- "$PAXTA" audit --data ledger --json
expect_eq "$(jq -r .intact out)" true "audit after the node"
expect_eq "$("$PAXTA" checkpoint --data ledger | sed -n 2p)" "$(jq .entries out)" "last checkpoint covers the log"

finish
