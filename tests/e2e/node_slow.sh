#!/usr/bin/env bash
# Slow and greedy clients (issue 13), on loopback only, in bounded loops.
#
# 1. Slowloris: 45 connections from three loopback addresses send one
#    header line a second and never finish their headers. With
#    --request-timeout 2 each is cut within ~2 s, however long it would
#    trickle, and /healthz answers all along (an idle timeout alone let
#    them hold the node for as long as they liked).
# 2. A large answer: a range of entries larger than --answer-budget is
#    streamed (it was refused with 503 while answers were held whole), and
#    the budget is all back once it is sent (tests/e2e/node_stream.sh has
#    the rest: clients that never read, memory measured).
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/node.bash"

SLOW="$PX_BIN/px-slow-client"

make_ledger
for i in $(seq 1 300); do register "uz.farm.s$i" farm UZ-SA UZ-SA-KTK; done >actors.jsonl
"$PAXTA" submit --data ledger --keys keys actors.jsonl >/dev/null

start_node --request-timeout 2 --timeout 60 --max-connections 80 \
	--max-per-ip 20 --answer-budget 256K --send-timeout 5
port=${URL##*:}

# 1. slowloris
"$SLOW" headers "$port" 45 12 1 127.0.0.2 127.0.0.3 127.0.0.4 >slow.out &
slow_pid=$!
sleep 0.5
healthy=0
for i in $(seq 1 16); do
	if curl -sf --max-time 2 "$URL/healthz" >/dev/null; then
		healthy=$((healthy + 1))
	fi
	sleep 0.25
done
wait "$slow_pid"
expect_eq "$healthy" 16 "/healthz answered every time under 45 slow connections"
read -r _ opened _ closed _ max_open _ _ _ _ <slow.out
expect_eq "$opened" 45 "slow connections opened (past 20 per address the node closes them at once)"
expect_eq "$closed" "$opened" "every slow connection cut by the node"
if awk -v m="$max_open" 'BEGIN { exit !(m <= 4.5) }'; then
	ok
else
	bad "a slow connection stayed open $max_open s (deadline 2 s)"
fi
curl -s "$URL/metrics" >metrics
cuts=$(sed -n 's/^paxtad_deadline_cuts_total{phase="request"} //p' metrics)
if [ "${cuts:-0}" -ge "$closed" ]; then ok; else bad "metrics count $cuts request cuts for $closed"; fi

# 2. the answer budget: 301 entries of JSON are over 256K, streamed
code=$(curl -s -o big.json -D big.head -w '%{http_code}' "$URL/v1/entries?start=0&count=301")
expect_eq "$code" 200 "an answer over the budget, streamed"
expect_eq "$(jq ".entries | length" big.json)" 301 "its entries"
expect_eq "$(jq '[.entries[].index] == [range(0; 301)]' big.json)" true "in order"
if [ "$(stat -c %s big.json)" -gt $((256 * 1024)) ]; then ok; else bad "the answer is $(stat -c %s big.json) bytes, not over the budget"; fi
expect_in big.head "Transfer-Encoding: chunked"
held=$(curl -s "$URL/metrics" | sed -n 's/^paxtad_answer_bytes_held //p')
expect_eq "$held" 0 "answer bytes held once it is sent"
code=$(curl -s -o small.json -w '%{http_code}' "$URL/v1/entries?start=0&count=2")
expect_eq "$code" 200 "an answer within the budget"
expect_eq "$(jq '.entries | length' small.json)" 2 "its entries"
curl -sf --max-time 2 "$URL/healthz" >/dev/null && ok || bad "healthz after the budget"

stop_node
expect_eq "$NODE_STATUS" 0 "clean stop"
finish
