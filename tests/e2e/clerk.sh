#!/usr/bin/env bash
# A gin clerk's day with the real paxta and paxtad: JSON lines with a
# mistake in the middle (only that event refused, with its line; the same
# author's later events logged), the file run again (nothing twice, no new
# refusal), a load cut by kill -9 of the node and run again, business time
# kept as written, strict fields, a byte order mark; the day's bales and a
# shipment from a spreadsheet saved as CSV, each with a mistake in the
# middle, run twice; a lot's shipments before and after the receive.
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/node.bash"

# Entries in the ledger (the node stopped).
log_size() {
	"$PAXTA" audit --data ledger --json | jq .size
}

make_ledger
{
	register uz.farm.a farm UZ-SA UZ-SA-KTK
	register uz.gin.1 gin UZ-SA UZ-SA-KTK
} >actors.jsonl
expect_status 0 -- "$PAXTA" submit --data ledger --keys keys actors.jsonl

# Line 3 receives a shipment that does not exist (a typo: WB-71 for
# WB-7781); lines 4 and 5 are the gin's later events, numbered after it.
cat >day.jsonl <<'JSON'
{"kind":"harvest","actor":"uz.farm.a","lot":"A-1","kg":12000,"season":2026,"district":"UZ-SA-KTK","method":"hand","event_time":"2026-09-21T13:00:00+05:00"}
{"kind":"transfer","actor":"uz.farm.a","to":"uz.gin.1","shipment":"WB-7781","lots":[{"lot":"A-1","kg":12000}],"event_time":"2026-10-15T08:10:00+05:00","documents":[{"type":"waybill","number":"WB-7781"}]}
{"kind":"receive","actor":"uz.gin.1","shipment":"WB-71","lots":[{"lot":"A-1","kg":12000}],"event_time":"2026-10-16T09:00:00+05:00"}
{"kind":"receive","actor":"uz.gin.1","shipment":"WB-7781","lots":[{"lot":"A-1","kg":12000}],"event_time":"2026-10-16T09:00:00+05:00","documents":[{"type":"weighbridge_ticket","number":"W-0412"}]}
{"kind":"transform","actor":"uz.gin.1","process":"ginning","inputs":[{"lot":"A-1","kg":1000}],"outputs":[{"lot":"PBI-0001","kg":227,"product":"lint"}],"event_time":"2026-10-17T10:00:00+05:00"}
JSON
expect_status 1 -- "$PAXTA" submit --data ledger --keys keys day.jsonl
expect_in out "4 logged"
expect_in out "1 refused"
expect_in err "refused: day.jsonl line 3 (receive by 'uz.gin.1'): unknown_shipment"
if grep -q sequence err; then bad "a later event of the gin was refused: $(cat err)"; else ok; fi
size=$(log_size)

# The same file again: what was logged is already logged, the mistake is
# the only refusal, and nothing is logged twice.
expect_status 1 -- "$PAXTA" submit --data ledger --keys keys --json day.jsonl
expect_eq "$(grep -c '"duplicate": true' out)" 4 "events already logged on the second run"
expect_eq "$(grep -c '"error"' out)" 1 "refusals on the second run"
expect_in out '"line": 3'
expect_eq "$(log_size)" "$size" "log size after the second run"

# Happened as written, recorded now, with its papers.
expect_status 0 -- "$PAXTA" lot --data ledger PBI-0001
expect_in out "happened  2026-10-17T10:00:00+05:00 · recorded"
expect_status 0 -- "$PAXTA" lot --data ledger --json A-1
expect_in out '"event_time": "2026-09-21T13:00:00+05:00"'

# Holdings and shipments waiting: a shipment to the gin not received yet.
printf '%s\n' '{"kind":"harvest","actor":"uz.farm.a","lot":"A-4","kg":5,"season":2026,"district":"UZ-SA-KTK","method":"hand","harvested_at":"2026-10-01T08:00:00Z"}' \
	'{"kind":"transfer","actor":"uz.farm.a","to":"uz.gin.1","shipment":"WB-7790","lots":[{"lot":"A-4","kg":1}],"event_time":"2026-10-18T08:00:00+05:00"}' >more.jsonl
expect_status 0 -- "$PAXTA" submit --data ledger --keys keys more.jsonl
expect_status 0 -- "$PAXTA" actor --data ledger uz.gin.1 --holdings
expect_in out "PBI-0001"
expect_in out "to receive: shipment WB-7790 from uz.farm.a, dispatched 2026-10-18T03:00:00Z"
expect_status 0 -- "$PAXTA" actor --data ledger uz.gin.1 --holdings --json
expect_eq "$(jq -c '[.holdings[] | [.lot, .kg]]' out)" '[["A-1",11000],["PBI-0001",227]]' "the gin's stock"
printf '%s\n' '{"kind":"receive","actor":"uz.gin.1","shipment":"WB-7790","lots":[{"lot":"A-4","kg":1}]}' >more2.jsonl
expect_status 0 -- "$PAXTA" submit --data ledger --keys keys more2.jsonl
expect_status 0 -- "$PAXTA" actor --data ledger uz.gin.1 --holdings --json
expect_eq "$(jq -c '[(.to_receive | length), ([.holdings[] | select(.lot == "A-4")][0].kg)]' out)" '[0,1]' "received"

# Strict input: a misspelled field, a Cyrillic lot id, a wrong role.
printf '%s\n' '{"kind":"harvest","actor":"uz.farm.a","lot":"A-2","kg":1,"season":2026,"district":"UZ-SA-KTK","method":"hand","harvested_at":"2026-09-21T08:00:00Z","feild":"north"}' >typo.jsonl
expect_status 1 -- "$PAXTA" submit --data ledger --keys keys typo.jsonl
expect_in err "unknown field 'feild'; did you mean 'field'?"
printf '%s\n' '{"kind":"harvest","actor":"uz.farm.a","lot":"Лот-1","kg":1,"season":2026,"district":"UZ-SA-KTK","method":"hand","harvested_at":"2026-09-21T08:00:00Z"}' >cyr.jsonl
expect_status 1 -- "$PAXTA" submit --data ledger --keys keys cyr.jsonl
expect_in err "field 'lot' 'Лот-1' is not an id: character 1 'Л' is not ASCII"
register uz.spin.1 spinning UZ-SA UZ-SA-KTK >role.jsonl
expect_status 1 -- "$PAXTA" submit --data ledger --keys keys role.jsonl
expect_in err "roles are registrar, farm, gin"
# A byte order mark, as a spreadsheet saves it.
printf '\xef\xbb\xbf%s\n' '{"kind":"harvest","actor":"uz.farm.a","lot":"A-3","kg":5,"season":2026,"district":"UZ-SA-KTK","method":"hand","harvested_at":"2026-09-21T08:00:00Z"}' >bom.jsonl
expect_status 0 -- "$PAXTA" submit --data ledger --keys keys bom.jsonl
expect_in out "1 logged"

# The day's bales from a spreadsheet saved by Excel as "CSV UTF-8": a byte
# order mark, CRLF, quoted fields with a comma and a line break (the row of
# PBI-0103 takes lines 4 and 5). The row on line 6 has a mistyped kg: only
# it is refused, with its line and column.
register uz.spin.1 spinner UZ-TK UZ-TK-TAS >spin.jsonl
expect_status 0 -- "$PAXTA" submit --data ledger --keys keys spin.jsonl
{
	printf '\xef\xbb\xbf'
	printf '%s\r\n' 'actor,process,inputs,outputs,event_time,documents.0.type,documents.0.number,documents.0.issuer' \
		'uz.gin.1,ginning,A-1:1000,PBI-0101:227:lint,2026-10-18T09:00:00+05:00,hvi_report,HVI-1,"Kattakurgan lab, room 2"' \
		'uz.gin.1,ginning,A-1:1000,PBI-0102:226:lint,2026-10-18T09:10:00+05:00,,,' \
		'uz.gin.1,ginning,A-1:1000,PBI-0103:225.5:lint,2026-10-18T09:20:00+05:00,other,"N-1' \
		'(second line of the number)",' \
		'uz.gin.1,ginning,A-1:1000,PBI-0104:22x:lint,2026-10-18T09:30:00+05:00,,,' \
		'uz.gin.1,ginning,A-1:1000,PBI-0105:224:lint,2026-10-18T09:40:00+05:00,,,' \
		',,,,,,,'
} >bales.csv
size=$(log_size)
expect_status 1 -- "$PAXTA" submit --data ledger --keys keys --csv transform bales.csv
expect_in out "4 logged, 0 already logged, 1 refused"
expect_in err "refused: bales.csv line 6 (transform by 'uz.gin.1'): malformed: column 'outputs': item 1: '22x' is not a number"
expect_eq "$(wc -l <err)" 1 "refusals of bales.csv"
expect_eq "$(log_size)" "$((size + 4))" "log size after bales.csv"
expect_status 0 -- "$PAXTA" lot --data ledger --json PBI-0103
expect_eq "$(jq -c '[.kg, .documents[0].number]' out)" '[225.5,"N-1\r\n(second line of the number)"]' "a quoted line break kept"

# The shipment, one row per truck: line 3 names a bale that does not exist
# (PBI-0199 for PBI-0104): the ledger refuses that row alone, and the gin's
# next row, numbered after it, is signed again and logged.
printf '%s\r\n' 'actor,to,shipment,lots,event_time,documents.0.type,documents.0.number' \
	'uz.gin.1,uz.spin.1,WB-8001,PBI-0101:227;PBI-0102:226,2026-10-19T08:00:00+05:00,waybill,WB-8001' \
	'uz.gin.1,uz.spin.1,WB-8002,PBI-0199:225,2026-10-19T08:05:00+05:00,waybill,WB-8002' \
	'uz.gin.1,uz.spin.1,WB-8003,PBI-0103:225.5;PBI-0105:224,2026-10-19T08:10:00+05:00,,' >shipment.csv
expect_status 1 -- "$PAXTA" submit --data ledger --keys keys --csv transfer shipment.csv
expect_in out "2 logged, 0 already logged, 1 refused"
expect_in err "refused: shipment.csv line 3 (transfer by 'uz.gin.1'): unknown_lot: lot 'PBI-0199' is not in the ledger"
if grep -q sequence err; then bad "a later row of the gin was refused: $(cat err)"; else ok; fi
size=$(log_size)

# Both files again: nothing twice, no new refusal, and the refused row
# refused for what is wrong with it (not `sequence`: the row before it was
# logged before and took no new number).
expect_status 1 -- "$PAXTA" submit --data ledger --keys keys --json --csv transform bales.csv
expect_eq "$(jq -c '[([.[] | select(.duplicate == true)] | length), [.[] | select(.error) | [.line, .error]]]' out)" '[4,[[6,"malformed"]]]' "bales.csv again"
expect_status 1 -- "$PAXTA" submit --data ledger --keys keys --json --csv transfer shipment.csv
expect_eq "$(jq -c '[([.[] | select(.duplicate == true)] | length), [.[] | select(.error) | [.line, .error]]]' out)" '[2,[[3,"unknown_lot"]]]' "shipment.csv again"
expect_eq "$(log_size)" "$size" "log size after both files again"

# A file that is not CSV stops before anything is logged.
printf 'actor,lots\nuz.gin.1,"PBI-0101:1\n' >broken.csv
expect_status 2 -- "$PAXTA" submit --data ledger --keys keys --csv transfer broken.csv
expect_in err "broken.csv: line 3: a quoted field from line 2 never ends"
expect_status 2 -- "$PAXTA" submit --data ledger --keys keys --csv void broken.csv
expect_in err "harvest, transfer, receive or transform, not 'void'"
expect_eq "$(log_size)" "$size" "log size after a broken CSV"

# Where the bales went: on the road to the spinner.
expect_status 0 -- "$PAXTA" lot --data ledger --shipments PBI-0101
expect_in out "WB-8001  uz.gin.1 -> uz.spin.1  227 kg, sent 2026-10-19T08:00:00+05:00"
expect_in out "in transit"

# Scales disagree: 0.3 % light is kept as transit loss, 3 % light is refused.
printf '%s\n' '{"kind":"harvest","actor":"uz.farm.a","lot":"A-5","kg":1000,"season":2026,"district":"UZ-SA-KTK","method":"hand","harvested_at":"2026-10-01T08:00:00Z"}' \
	'{"kind":"transfer","actor":"uz.farm.a","to":"uz.gin.1","shipment":"WB-7800","lots":[{"lot":"A-5","kg":1000}]}' >scale.jsonl
expect_status 0 -- "$PAXTA" submit --data ledger --keys keys scale.jsonl
printf '%s\n' '{"kind":"receive","actor":"uz.gin.1","shipment":"WB-7800","lots":[{"lot":"A-5","kg":970}]}' >light.jsonl
expect_status 1 -- "$PAXTA" submit --data ledger --keys keys light.jsonl
expect_in err "weight: lot 'A-5' weighed 970 kg on arrival, 1000 kg was shipped in 'WB-7800': 3.00 % less, over the ledger's tolerance of 2 % transit loss"
printf '%s\n' '{"kind":"receive","actor":"uz.gin.1","shipment":"WB-7800","lots":[{"lot":"A-5","kg":997}]}' >light.jsonl
expect_status 0 -- "$PAXTA" submit --data ledger --keys keys light.jsonl
expect_status 0 -- "$PAXTA" lot --data ledger A-5
expect_in out "weighed   997 kg of 1000 kg shipped in WB-7800: transit loss 3 kg"
# A typo voided, and the corrected bale keeps its tag.
printf '%s\n' '{"kind":"transform","actor":"uz.gin.1","process":"ginning","inputs":[{"lot":"A-5","kg":600}],"outputs":[{"lot":"PBI-0002","kg":262,"product":"lint"}]}' >bale.jsonl
expect_status 0 -- "$PAXTA" submit --data ledger --keys keys --json bale.jsonl
typo=$(jq -s '[.. | objects | select(has("index"))][0].index' out)
printf '{"kind":"void","actor":"uz.gin.1","entry":%s,"reason":"262 for 226"}\n' "$typo" >void.jsonl
printf '%s\n' '{"kind":"transform","actor":"uz.gin.1","process":"ginning","inputs":[{"lot":"A-5","kg":600}],"outputs":[{"lot":"PBI-0002","kg":226,"product":"lint"}]}' >>void.jsonl
expect_status 0 -- "$PAXTA" submit --data ledger --keys keys void.jsonl
expect_status 0 -- "$PAXTA" lot --data ledger PBI-0002
expect_in out "lot PBI-0002 · lint · 226 kg"
expect_in out "earlier   262 kg lint by uz.gin.1 (entry $typo), voided at entry $((typo + 1))"
expect_status 0 -- "$PAXTA" actor --data ledger uz.gin.1 --holdings --json
expect_eq "$(jq -c '[.holdings[] | select(.lot == "A-5" or .lot == "PBI-0002") | [.lot, .kg]]' out)" '[["A-5",397],["PBI-0002",226]]' "the gin's stock after the correction"

# A long load over --node, the node killed with -9 in the middle, then the
# same file again: it finishes, and every event is logged exactly once.
for i in $(seq 1 3000); do
	printf '{"kind":"harvest","actor":"uz.farm.a","lot":"BALE-%05d","kg":%d,"season":2026,"district":"UZ-SA-KTK","method":"hand","harvested_at":"2026-09-21T08:00:00Z"}\n' "$i" "$((200 + i % 50))"
done >bales.jsonl
before=$(log_size)
start_node
set +e
"$PAXTA" submit --node "$URL" --keys keys bales.jsonl >load1.out 2>load1.err &
load=$!
for _ in $(seq 1 400); do
	n=$(curl -s --max-time 2 "$URL/v1/log" | jq .size)
	[ -n "$n" ] && [ "$n" -gt "$((before + 100))" ] && break
	sleep 0.02
done
kill_node
wait "$load"
set -e
start_node
expect_status 0 -- "$PAXTA" submit --node "$URL" --keys keys bales.jsonl
expect_in out " 0 refused"
expect_eq "$(curl -s "$URL/v1/shipments/WB-7790" | jq -c '[.from, .to, .received]')" '["uz.farm.a","uz.gin.1",true]' "GET /v1/shipments/{id}"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/shipments/WB-404")" 404 "an unknown shipment"
expect_eq "$(curl -s "$URL/v1/shipments/WB-7800" | jq -c '.transit_loss')" '[{"lot":"A-5","kg":3}]' "a shipment's transit loss"
expect_eq "$(curl -s "$URL/v1/lots/PBI-0002" | jq -c '[.kg, (.previous | map(.kg))]')" '[226,[262]]' "a lot's earlier version"
expect_eq "$(curl -s "$URL/v1/actors/uz.farm.a/holdings" | jq '.holdings | length')" 3002 "GET /v1/actors/{id}/holdings"
expect_status 0 -- "$PAXTA" actor --node "$URL" uz.farm.a --holdings --json
expect_eq "$(jq '.holdings | length' out)" 3002 "paxta actor --holdings over --node"

# GET /v1/lots/{id}/shipments before and after the spinner's receive, sent
# as CSV over --node from a sheet with a decimal comma (';'-separated).
expect_eq "$(curl -s "$URL/v1/lots/PBI-0101/shipments" | jq -c '[.shipments[] | [.shipment, .from, .to, .kg, .sent.event_time, .in_transit, .received, .voided]]')" \
	'[["WB-8001","uz.gin.1","uz.spin.1",227,"2026-10-19T08:00:00+05:00",true,null,false]]' "a lot's shipments in transit"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/lots/PBI-0404/shipments")" 404 "the shipments of an unknown lot"
printf '%s\r\n' 'actor;shipment;lots;event_time' \
	'uz.spin.1;WB-8001;"PBI-0101:226,8;PBI-0102:226";2026-10-20T09:00:00+05:00' >receive.csv
expect_status 0 -- "$PAXTA" submit --node "$URL" --keys keys --csv receive receive.csv
expect_in out "1 logged, 0 already logged, 0 refused"
expect_status 0 -- "$PAXTA" submit --node "$URL" --keys keys --csv receive receive.csv
expect_in out "0 logged, 1 already logged, 0 refused"
expect_eq "$(curl -s "$URL/v1/lots/PBI-0101/shipments" | jq -c '[.shipments[] | [.shipment, .in_transit, .received.kg, (.received.index > .sent.index)]]')" \
	'[["WB-8001",false,226.8,true]]' "a lot's shipments once received"
expect_status 0 -- "$PAXTA" lot --node "$URL" --shipments PBI-0101
expect_in out "received 226.8 kg"
# Every event once: the node's index roots (one before each checkpoint it
# signed) are not events.
expect_eq "$(entries_since "$before")" 3001 "entries after the load, cut and run again"
stop_node
expect_status 0 -- "$PAXTA" audit --data ledger

finish
