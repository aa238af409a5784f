#!/usr/bin/env bash
# Crash test (DESIGN.md §7): kill -9 paxtad at random moments while four
# submitters stream entries at it, many times over. After every crash the
# ledger must be intact as the crash left it (paxta audit), and after every
# restart every entry acknowledged with a 201 must be in the log, byte for
# byte, at the index it was acknowledged with.
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/node.bash"

ITERATIONS=${PX_CRASH_ITERATIONS:-30}
FARMS=(uz.farm.w1 uz.farm.w2 uz.farm.w3 uz.farm.w4)

make_ledger
for f in "${FARMS[@]}"; do register "$f" farm UZ-SA UZ-SA-KTK; done >actors.jsonl
"$PAXTA" submit --data ledger --keys keys actors.jsonl >/dev/null
mkdir w

# worker FARM ITERATION: sign and post harvests until the node is gone;
# "INDEX BASE64-LEAF" of each acknowledged one in acked.FARM.
worker() {
	local f=$1 it=$2 k=0 code
	while :; do
		k=$((k + 1))
		printf '{"kind":"harvest","actor":"%s","lot":"%s-%d-%d","kg":10,"season":2026,"district":"UZ-SA-KTK","method":"hand","harvested_at":"2026-09-21T08:00:00Z"}\n' \
			"$f" "$f" "$it" "$k" >"w/$f.json"
		"$PAXTA" sign --data ledger --key "keys/$f.key" "w/$f.json" >"w/$f.pb" 2>"w/$f.err" || return 0
		code=$(curl -s --max-time 20 -o "w/$f.resp" -w '%{http_code}' \
			-H 'Content-Type: application/x-protobuf' \
			--data-binary "@w/$f.pb" "$URL/v1/entries") || return 0
		if [ "$code" != 201 ]; then
			echo "$f: HTTP $code: $(head -c 300 "w/$f.resp")" >>unexpected
			return 0
		fi
		# {"index":N,"duplicate":false,"leaf_hash":"HEX"}, read
		# without a jq per entry to keep the stream quick.
		[[ $(<"w/$f.resp") =~ \"index\":([0-9]+).*\"leaf_hash\":\"([0-9a-f]+)\" ]] ||
			{ echo "$f: 201 without an index" >>unexpected; return 0; }
		echo "${BASH_REMATCH[1]} $(base64 -w0 "w/$f.pb")" >>"acked.$f"
		echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}" >"last.$f"
	done
}

# Entries acknowledged so far.
acked_count() {
	cat acked.* 2>/dev/null | wc -l || true
}

# Every acknowledged entry is in the log the node serves now.
check_acked() {
	local start=0 got size
	cat acked.* 2>/dev/null | sort -u >want || true
	: >have
	size=$(curl -s "$URL/v1/log" | jq .size)
	while [ "$start" -lt "$size" ]; do
		curl -s "$URL/v1/entries?start=$start&count=1000" >range.json
		got=$(jq '.entries | length' range.json)
		[ "$got" -gt 0 ] || { bad "empty range at $start of $size"; return; }
		jq -r '.entries[] | "\(.index) \(.signed_entry)"' range.json >>have
		start=$((start + got))
	done
	sort -u have >have.sorted
	comm -23 want have.sorted >missing
	if [ -s missing ]; then
		bad "iteration $1: $(wc -l <missing) acknowledged entries lost or changed, first: $(head -c 120 missing)"
	else
		ok
	fi
	# The leaf hash acknowledged is the leaf hash served.
	for last in last.*; do
		[ -f "$last" ] || continue
		read -r index hash <"$last"
		expect_eq "$(curl -s "$URL/v1/entries/$index" | jq -r .leaf_hash)" "$hash" \
			"iteration $1: leaf hash of entry $index"
	done
}

for it in $(seq 1 "$ITERATIONS"); do
	start_node --threads 2 --checkpoint-interval 1
	check_acked "$it"
	pids=()
	for f in "${FARMS[@]}"; do
		worker "$f" "$it" &
		pids+=($!)
	done
	# Once the stream runs (an entry acknowledged in this iteration: on a
	# loaded machine signing and posting the first ones takes a while),
	# some time between 0 and 450 ms into it, without warning.
	before=$(acked_count)
	for _ in $(seq 1 600); do
		[ "$(acked_count)" -gt "$before" ] && break
		sleep 0.05
	done
	sleep "$(awk -v r="$RANDOM" 'BEGIN { printf "%.3f", (r % 450) / 1000 }')"
	kill_node
	wait "${pids[@]}" || true
	# The ledger as the crash left it: every signature, link, rule.
	if "$PAXTA" audit --data ledger --json >audit.json 2>audit.err; then
		ok
	else
		bad "iteration $it: audit after kill -9: $(cat audit.json audit.err | head -c 400)"
	fi
done

start_node --threads 2
check_acked final
stop_node
expect_eq "$NODE_STATUS" 0 "clean stop after the crashes"
expect_status 0 -- "$PAXTA" audit --data ledger

total=$(cat acked.* | wc -l)
echo "$total entries acknowledged over $ITERATIONS crashes"
[ "$total" -ge "$ITERATIONS" ] && ok || bad "only $total entries acknowledged: the stream did not run"
if [ -s unexpected ]; then
	bad "answers other than 201: $(head -c 400 unexpected)"
else
	ok
fi

finish
