#!/usr/bin/env bash
# Faults on disk (DESIGN.md §7, issue 13): paxtad runs under our own
# LD_PRELOAD shim (tests/faults/diskfault.c), which fails fsync,
# fdatasync, msync and writes to regular files with EIO or ENOSPC on
# demand. For each fault, during ingest:
#   - no entry is acknowledged (201) while the disk fails, and every
#     refusal is a clear 503 with Retry-After;
#   - when the fault clears, writes resume (the node reopens its ledger
#     if the storage layer gave up);
#   - every entry acknowledged at any time is in the log, byte for byte,
#     at its index, and paxta audit finds the ledger intact.
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/node.bash"

SHIM="$PX_BIN/libpx-diskfault.so"
# In a sanitizer build the ASan runtime must come first in the preload list.
asan=$(ldd "$PAXTAD" | awk '/libasan/ { print $3 }')
PRELOAD="${asan:+$asan }$SHIM"
# Only paxtad runs on the faulty disk: curl and paxta do not.
printf '#!/bin/sh\nLD_PRELOAD="%s" exec "%s" "$@"\n' "$PRELOAD" "$PAXTAD" >paxtad-faulty
chmod +x paxtad-faulty
PAXTAD="$WORK/paxtad-faulty"
export PX_FAULT_FILE="$WORK/fault" PX_FAULT_COUNT="$WORK/fault.count"
: >"$PX_FAULT_FILE"

make_ledger
register uz.farm.f1 farm UZ-SA UZ-SA-KTK >actors.jsonl
"$PAXTA" submit --data ledger --keys keys actors.jsonl >/dev/null

k=0
# post_harvest: sign the next harvest and post it; "INDEX FILE" appended
# to acked when it is acknowledged. Sets STATUS.
post_harvest() {
	k=$((k + 1))
	printf '{"kind":"harvest","actor":"uz.farm.f1","lot":"F-%d","kg":10,"season":2026,"district":"UZ-SA-KTK","method":"hand","harvested_at":"2026-09-21T08:00:00Z"}\n' "$k" >"h$k.json"
	"$PAXTA" sign --node "$URL" --key keys/uz.farm.f1.key "h$k.json" >"h$k.pb"
	post "h$k.pb"
	if [ "$STATUS" = 201 ]; then
		echo "$(jq -r .index "$WORK/resp") h$k.pb" >>acked
	fi
}

: >acked
start_node --checkpoint-interval 0
for fault in eio enospc; do
	for i in 1 2 3; do post_harvest; expect_http 201 "before $fault, entry $i"; done
	: >"$PX_FAULT_COUNT"
	echo "$fault" >"$PX_FAULT_FILE"
	for i in 1 2 3; do
		post_harvest
		expect_http 503 "under $fault, entry $i"
		expect_eq "$(jq -r .error "$WORK/resp")" unavailable "under $fault: its code"
	done
	[ -s "$PX_FAULT_COUNT" ] && ok || bad "the $fault fault was never met"
	: >"$PX_FAULT_FILE"
	# writes resume: the same (unlogged) entry again, then new ones
	resumed=""
	for i in $(seq 1 20); do
		post "h$k.pb"
		if [ "$STATUS" = 201 ]; then
			echo "$(jq -r .index "$WORK/resp") h$k.pb" >>acked
			resumed=yes
			break
		fi
		sleep 0.25
	done
	expect_eq "$resumed" yes "writes resume after $fault"
	for i in 1 2; do post_harvest; expect_http 201 "after $fault, entry $i"; done
	curl -sf --max-time 5 "$URL/healthz" >/dev/null && ok || bad "healthz after $fault"
done
stop_node
expect_eq "$NODE_STATUS" 0 "clean stop"

# Every acknowledged entry, at its index, byte for byte; audit intact.
while read -r index file; do
	"$PAXTA" entry --data ledger "$index" --json >entry.json
	expect_eq "$(jq -r .signed_entry entry.json)" "$(base64 -w0 "$file")" "entry $index as acknowledged"
done <acked
expect_eq "$(wc -l <acked)" 12 "entries acknowledged"
expect_status 0 -- "$PAXTA" audit --data ledger
finish
