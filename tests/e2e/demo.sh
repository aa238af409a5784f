#!/usr/bin/env bash
# The README's first command: scripts/demo loads a simulated season and its
# verdicts are the ones it says — free, flagged (with the district at
# fault), unverified, and flagged by a lab — asserted here, not just printed.
. "$(dirname "$0")/lib.bash"

expect_status 0 -- env PX_BIN="$PX_BIN" "$PX_SRC/scripts/demo" "$WORK/demo"
cp out demo.out
expect_in demo.out "0 refused"
expect_in demo.out "intact:"
season="$WORK/demo/season/expect.json"
for role in free flagged unverified lab; do
	lot=$(jq -r --arg r "$role" '.lots[] | select(.role == $r) | .lot' "$season")
	want=$(jq -r --arg r "$role" '.lots[] | select(.role == $r) | .verdict' "$season")
	expect_in demo.out "lot $lot"
	got=$("$PAXTA" verify --data "$WORK/demo/ledger" "$lot" --json | jq -r .verdict || true)
	expect_eq "$got" "$want" "verdict of the $role lot $lot"
done
# The flagged lot names the district at fault, with the share the
# simulator computed.
flagged=$(jq -r '.lots[] | select(.role == "flagged") | .lot' "$season")
district=$(jq -r '.lots[] | select(.role == "flagged") | .district' "$season")
share=$(jq -r '.lots[] | select(.role == "flagged") | .share' "$season")
"$PAXTA" verify --data "$WORK/demo/ledger" "$flagged" --json >v.json || true
expect_eq "$(jq -r '.by_status.forced_labour.share' v.json | awk -v s="$share" '{ d = $1 - s; print (d < 1e-4 && d > -1e-4) ? "ok" : $1 }')" ok "flagged share"
expect_eq "$(jq -r --arg d "$district" '[.districts[] | select(.district == $d) | .status][0]' v.json)" forced_labour "district at fault"
expect_in demo.out "recall of district $district"
finish
