#!/usr/bin/env bash
# Large answers streamed under the answer budget (issue 13), on loopback.
#
# A farm harvests LOTS lots with long ids: a district recall of about 7 MB
# of JSON, and a range of 1000 entries over 1 MiB.
# 1. With --answer-budget 1M, a range larger than the budget is streamed
#    (JSON and protobuf, the same entries), while a recall whose result
#    does not fit the budget is refused with 503 and Retry-After.
# 2. 100 clients ask for the recall and never read. /healthz answers all
#    along (one recall is made at a time on 2 threads, the others refused
#    at once), the bytes held for answers never pass the budget and are
#    all given back once the send deadline cut the clients, and paxtad's
#    resident memory stays under the bound of docs/reliability.md: idle +
#    answer budget + threads x (one recall's working set + a small
#    answer's) + connections x 32K + 8 MiB of slack for the allocator.
# 3. A client reading slowly gets the whole answer, the same as a fast one
#    and as `paxta recall --data`; a client gone mid-answer leaves nothing
#    held.
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/node.bash"

SLOW="$PX_BIN/px-slow-client"
LOTS=30000
BUDGET_MB=32
THREADS=2
CLIENTS=100
RECALL="/v1/recall?district=UZ-SA-KTK&season=2026"

# A sanitizer build pads every allocation and keeps freed memory a while:
# its resident memory says nothing of the node's, so only the release
# build's is held to the bound (the rest of the test runs in both).
asan=$(ldd "$PAXTAD" | awk '/libasan/ { print $3 }')

# kB of a field of /proc/PID/status
status_kb() {
	awk -v f="$1:" '$1 == f { print $2 }' "/proc/$NODE_PID/status"
}

held() {
	curl -s --max-time 5 "$URL/metrics" | sed -n 's/^paxtad_answer_bytes_held //p' || true
}

# wait_unheld SECONDS: until the node holds no byte for answers
wait_unheld() {
	local i
	for i in $(seq 1 $(($1 * 4))); do
		[ "$(held)" = 0 ] && return 0
		sleep 0.25
	done
}

make_ledger
"$PAXTA" keygen --out keys/uz.farm.big.key >/dev/null
register uz.farm.big farm UZ-SA UZ-SA-KTK >events.jsonl
pad=$(printf 'x%.0s' $(seq 1 118))
awk -v n="$LOTS" -v pad="$pad" 'BEGIN {
	for (i = 0; i < n; i++)
		printf "{\"kind\":\"harvest\",\"actor\":\"uz.farm.big\",\"lot\":\"H-%05d-%s\",\"kg\":1000,\"season\":2026,\"district\":\"UZ-SA-KTK\",\"method\":\"hand\",\"harvested_at\":\"2026-09-21T08:00:00Z\"}\n", i, pad
}' >>events.jsonl
"$PAXTA" submit --data ledger --keys keys events.jsonl >/dev/null
"$PAXTA" recall --data ledger --district UZ-SA-KTK --season 2026 --json >cli.json

# 1. a budget of 1M
start_node --answer-budget 1M
code=$(curl -s -o range.json -D range.head -w '%{http_code}' "$URL/v1/entries?start=0&count=1000")
expect_eq "$code" 200 "a range larger than the budget"
expect_eq "$(jq '.entries | length' range.json)" 1000 "its entries"
expect_eq "$(jq -c '[.start, .size]' range.json)" "[0,$((LOTS + 2))]" "its start and size"
if [ "$(stat -c %s range.json)" -gt $((1 << 20)) ]; then ok; else bad "the range is only $(stat -c %s range.json) bytes"; fi
expect_in range.head "Transfer-Encoding: chunked"
code=$(curl -s -o range.pb -D pb.head -w '%{http_code}' -H 'Accept: application/x-protobuf' \
	"$URL/v1/entries?start=0&count=1000")
expect_eq "$code" 200 "the range as an EntryBatch"
expect_in pb.head "X-Paxta-Start: 0"
# the batch is the leaves, each after its key (field 1, length-delimited)
# and its length as a varint (protobuf.dev/programming-guides/encoding)
python3 - <<'PY'
import base64, json
out = bytearray()
for e in json.load(open("range.json"))["entries"]:
    leaf = base64.b64decode(e["leaf"])
    out.append(0x0A)
    n = len(leaf)
    while n >= 0x80:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    out += leaf
open("want.pb", "wb").write(out)
PY
if cmp -s want.pb range.pb; then ok; else bad "the EntryBatch is not the JSON's leaves"; fi
code=$(curl -s -o busy.json -D busy.head -w '%{http_code}' "$URL$RECALL")
expect_eq "$code" 503 "a recall whose result does not fit in 1M"
expect_eq "$(jq -r .error busy.json)" unavailable "its code"
expect_in busy.head "Retry-After: 1"
expect_eq "$(held)" 0 "nothing held afterwards"
stop_node
expect_eq "$NODE_STATUS" 0 "clean stop"

# 2. clients that never read
start_node --answer-budget "${BUDGET_MB}M" --threads "$THREADS" --send-timeout 6 \
	--request-timeout 4 --max-per-ip 0 --max-connections 200
port=${URL##*:}
idle=$(status_kb VmRSS)
curl -s -o fast.json "$URL$RECALL"
work=$(($(status_kb VmHWM) - idle))
bound=$((idle + BUDGET_MB * 1024 + THREADS * (work + 1024) + 200 * 32 + 8 * 1024))
# The greedy clients end once the node closed them all: answers refused
# once their connection idles past --request-timeout, answers streamed
# once --send-timeout passed.
"$SLOW" noread "$port" "$CLIENTS" 120 "$RECALL" 127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.5 >slow.out &
slow_pid=$!
healthy=0 polls=0 max_held=0
while kill -0 "$slow_pid" 2>/dev/null; do
	polls=$((polls + 1))
	if curl -sf --max-time 3 "$URL/healthz" >/dev/null; then healthy=$((healthy + 1)); fi
	h=$(held)
	[ "${h:-0}" -gt "$max_held" ] && max_held=$h
	sleep 0.25
done
wait "$slow_pid"
wait_unheld 30
expect_eq "$healthy" "$polls" "/healthz answered every time under $CLIENTS greedy clients"
read -r _ opened _ closed _ _ _ st200 _ st503 <slow.out
expect_eq "$opened" "$CLIENTS" "greedy connections opened"
# (a connection whose thread is busy making a recall may be cut by the
# request deadline before its request is read: neither status)
echo "greedy clients: $st200 streamed, $st503 refused, of $CLIENTS"
if [ "$st200" -ge 1 ] && [ "$st503" -ge 1 ]; then ok; else
	bad "answers: $st200 streamed, $st503 refused, of $CLIENTS"
fi
expect_eq "$closed" "$opened" "every greedy connection closed by the node"
cuts=$(curl -s "$URL/metrics" | sed -n 's/^paxtad_deadline_cuts_total{phase="answer"} //p')
if [ "${cuts:-0}" -ge "$st200" ]; then ok; else bad "$cuts answers cut by the send deadline, of $st200 streamed"; fi
# established (state 01) connections on the node's port, from the kernel
open=$(awk -v p="$(printf ':%04X' "$port")" 'substr($2, length($2) - 4) == p && $4 == "01"' /proc/net/tcp | wc -l)
expect_eq "$open" 0 "connections the node keeps open"
if [ "$max_held" -gt 0 ] && [ "$max_held" -le $((BUDGET_MB << 20)) ]; then ok; else
	bad "held $max_held bytes for answers (budget ${BUDGET_MB}M)"
fi
expect_eq "$(held)" 0 "every byte held given back once the clients were cut"
peak=$(status_kb VmHWM)
echo "resident: idle $idle kB, one recall $work kB, peak $peak kB, bound $bound kB"
if [ -n "$asan" ]; then
	echo "sanitizer build: the resident bound is checked in the release build"
elif [ "$peak" -le "$bound" ]; then
	ok
else
	bad "paxtad reached $peak kB resident, over the bound of $bound kB"
fi

# 3. a slow reader, a reader gone, and the CLI
# (a recall still being made for a client gone may hold the one slot:
# these clients try again when told to)
curl -s --retry 30 --retry-delay 1 --limit-rate 4M -o slow.json "$URL$RECALL"
if cmp -s slow.json fast.json; then ok; else bad "the slow reader's recall differs"; fi
if [ "$(stat -c %s fast.json)" -gt $((6 << 20)) ]; then ok; else bad "the recall is only $(stat -c %s fast.json) bytes"; fi
expect_eq "$(jq '.lots | length' fast.json)" "$LOTS" "the recall's lots"
expect_eq "$(jq -S . fast.json | sha256sum)" "$(jq -S . cli.json | sha256sum)" "the node's recall is the ledger's"
# a reader that leaves after 100 KB (head closes the pipe)
for i in $(seq 1 30); do
	set +e
	curl -s --limit-rate 1M "$URL$RECALL" | head -c 100000 >part.json
	set -e
	[ "$(head -c 10 part.json)" = '{"recall":' ] && break
	sleep 1
done
if [ "$(head -c 10 part.json)" = '{"recall":' ] &&
	[ "$(stat -c %s part.json)" -lt "$(stat -c %s fast.json)" ]; then ok; else
	bad "the reader gone mid-answer got $(stat -c %s part.json) bytes: $(head -c 100 part.json)"
fi
wait_unheld 10
expect_eq "$(held)" 0 "nothing held after a reader left mid-answer"
for i in $(seq 1 30); do
	"$PAXTA" recall --node "$URL" --district UZ-SA-KTK --season 2026 --json >node.json 2>node.err && break
	grep -q unavailable node.err || break
	sleep 1
done
expect_eq "$(jq -S . node.json | sha256sum)" "$(jq -S . cli.json | sha256sum)" "paxta recall --node reads the stream"
stop_node
expect_eq "$NODE_STATUS" 0 "clean stop"
finish
