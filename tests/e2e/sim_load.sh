#!/usr/bin/env bash
# paxta-sim: a simulated season loads without one refusal, its totals obey
# mass balance, the verdicts expect.json names are the ledger's (asserted),
# and the same seed writes the same bytes, keys included.
. "$(dirname "$0")/lib.bash"

SIM="$PX_BIN/paxta-sim"
SEED=7
ARGS=(--seed "$SEED" --farms 30 --seasons 2 --quiet)

# approx A B TOL: |A - B| <= TOL.
approx() {
	awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; exit !(d <= t && -d <= t) }'
}

# --help teaches; bad knobs are refused with a reason.
expect_status 0 -- "$SIM" --help
expect_in out "paxta submit"
expect_in out "expect.json"
expect_status 2 -- "$SIM"
expect_in err "--out"
expect_status 2 -- "$SIM" --out x --farms 3
expect_in err "--farms"
expect_status 2 -- "$SIM" --out x --first-season 2025 --seasons 2
expect_in err "2025 at the latest"
mkdir full && touch full/something
expect_status 2 -- "$SIM" --out full
expect_in err "not empty"

expect_status 0 -- "$SIM" --out sim "${ARGS[@]}"
expect_eq "$(stat -c %a sim/keys/uz.registrar.key)" 600 "key file mode"
expect_eq "$(openssl pkey -in sim/keys/uz.registrar.key -pubout -outform DER | tail -c 32 | base64)" \
	"$(cat sim/registrar.pub)" "registrar.pub is the registrar key's"
expect_eq "$(jq -r '.seasons | join(",")' sim/expect.json)" 2024,2025 "default seasons end in 2025"
expect_eq "$(jq '.lots | length' sim/expect.json)" 8 "four lots per season"

# The same seed and knobs: the same bytes. Another seed: other bytes.
digest() { (cd "$1" && find . -type f | sort | xargs sha256sum); }
expect_status 0 -- "$SIM" --out again "${ARGS[@]}"
expect_eq "$(digest again | sha256sum)" "$(digest sim | sha256sum)" "same seed, same files"
expect_status 0 -- "$SIM" --out other --seed $((SEED + 1)) --farms 30 --seasons 2 --quiet
expect_eq "$(cmp -s sim/events/01-season-2024.jsonl other/events/01-season-2024.jsonl && echo same)" "" \
	"another seed, other events"
expect_eq "$(cmp -s sim/keys/uz.registrar.key other/keys/uz.registrar.key && echo same)" "" \
	"another seed, other keys"

# Every event carries its time, in order, in the past.
for f in sim/events/*.jsonl; do
	expect_eq "$(jq -r 'select(.time == null) | .kind' "$f" | head -1)" "" "$f: every event has a time"
	expect_eq "$(jq -r .time "$f" | sort -c 2>&1 | head -1)" "" "$f: in time order"
	expect_eq "$(jq -r .time "$f" | awk '$0 >= "2026-11-29" { print; exit }')" "" "$f: in the past"
done

# Load: zero refusals.
# The seasons are in the past: the genesis is dated before them.
"$PAXTA" init --data ledger --origin e2e.example/sim \
	--genesis-time "$(jq -r '.seasons[0]' sim/expect.json)-01-01T00:00:00Z" \
	--registrar "uz.registrar=$(cat sim/registrar.pub)" >/dev/null
entries=$(jq .totals.entries sim/expect.json)
expect_status 0 -- "$PAXTA" submit --data ledger --keys sim/keys sim/events/*.jsonl
expect_in out "$entries logged, 0 already logged, 0 refused"
expect_status 0 -- "$PAXTA" checkpoint --data ledger
# The genesis, every event, and the index root logged before the
# checkpoint (the season holds statements).
expect_eq "$(sed -n 2p out)" $((entries + 2)) "tree size: the genesis, every event, the index root"
expect_status 0 -- "$PAXTA" audit --data ledger
expect_in out "intact"

# Totals: every kg of seed cotton ends as cottonseed, waste or garments
# (or invisible loss), and each stage's yield is the realistic one.
t() { jq ".totals.kg.$1" sim/expect.json; }
expect_status 0 -- awk -v s="$(t seed_cotton)" -v l="$(t lint)" -v c="$(t cottonseed)" \
	-v w="$(t waste)" -v y="$(t yarn)" -v f="$(t fabric)" -v g="$(t garment)" 'BEGIN {
	exit !(c + w + g <= s && l / s >= 0.33 && l / s <= 0.42 && c / s >= 0.53 &&
	       c / s <= 0.57 && y / l >= 0.85 && y / l <= 0.90 && f / y <= 0.98 &&
	       g / f <= 0.95 && l / s <= 0.45) }'
expect_eq "$(jq '[.totals.by_kind[]] | add' sim/expect.json)" "$entries" "entries by kind add up"

# Each lot expect.json names: its verdict, shares, district at fault,
# holders and kg, as the ledger computes them.
for i in $(seq 0 $(($(jq '.lots | length' sim/expect.json) - 1))); do
	lot=$(jq -r ".lots[$i].lot" sim/expect.json)
	role=$(jq -r ".lots[$i].role" sim/expect.json)
	want=$(jq -r ".lots[$i].verdict" sim/expect.json)
	[ "$want" = free ] && code=0 || code=1
	expect_status "$code" -- "$PAXTA" verify --data ledger "$lot" --json || continue
	mv out verdict.json
	expect_eq "$(jq -r .verdict verdict.json)" "$want" "$lot ($role) verdict"
	expect_eq "$(jq -r '.by_status | keys | sort | join(",")' verdict.json)" \
		"$(jq -r ".lots[$i].by_status | keys | sort | join(\",\")" sim/expect.json)" \
		"$lot statuses"
	for status in $(jq -r ".lots[$i].by_status | keys[]" sim/expect.json); do
		approx "$(jq ".by_status.$status.share" verdict.json)" \
			"$(jq ".lots[$i].by_status.$status" sim/expect.json)" 0.001 &&
			ok || bad "$lot: share of $status"
	done
	case $role in
	flagged)
		district=$(jq -r ".lots[$i].district" sim/expect.json)
		expect_eq "$(jq -r --arg d "$district" '.districts[] | select(.district == $d) | .status' verdict.json)" \
			forced_labour "$lot: district at fault"
		approx "$(jq --arg d "$district" '.districts[] | select(.district == $d) | .share' verdict.json)" \
			"$(jq ".lots[$i].share" sim/expect.json)" 0.001 && ok || bad "$lot: share of $district"
		expect_in verdict.json "$district"
		;;
	lab)
		expect_in verdict.json "$(jq -r ".lots[$i].lab_lot" sim/expect.json)"
		expect_in verdict.json "does not match"
		;;
	free)
		expect_eq "$(jq '.by_status.certified.share' verdict.json)" 1 "$lot: all certified"
		;;
	esac
	expect_status 0 -- "$PAXTA" lot --data ledger "$lot" --json
	mv out lot.json
	expect_eq "$(jq .kg lot.json)" "$(jq ".lots[$i].kg" sim/expect.json)" "$lot kg"
	expect_eq "$(jq -c '[.holders[] | [.holder, .kg]] | sort' lot.json)" \
		"$(jq -c "[.lots[$i].holders[] | [.holder, .kg]] | sort" sim/expect.json)" "$lot holders"
done

# One lot's path, step by step, against the ledger: garments from fabric,
# fabric from yarn, yarn from bales, a bale from seed cotton; each yield in
# its range (the ledger only caps them).
lotj() { "$PAXTA" lot --data ledger "$1" --json; }
# yield LOT PRODUCT [PREFIX]: kg of PRODUCT made with LOT by its transform
# (only outputs whose id starts with PREFIX: a gin makes ~100 bales), over
# the transform's input kg (LOT's outputs share its transform's inputs).
yield_of() {
	local made=0 input o
	input=$(lotj "$(lotj "$1" | jq -r '.outputs[0].lot')" | jq '[.inputs[].kg] | add')
	for o in $(lotj "$1" | jq -r --arg p "${3:-}" '.outputs[].lot | select(startswith($p))'); do
		made=$(lotj "$o" | jq --arg p "$2" --argjson m "$made" 'if .product == $p then $m + .kg else $m end')
	done
	awk -v m="$made" -v i="$input" 'BEGIN { printf "%.4f\n", m / i }'
}
in_range() { awk -v v="$1" -v lo="$2" -v hi="$3" 'BEGIN { exit !(v >= lo && v <= hi) }'; }
garment=$(jq -r '.lots[0].lot' sim/expect.json)
fabric=$(lotj "$garment" | jq -r '.inputs[0].lot')
yarn=$(lotj "$fabric" | jq -r '.inputs[0].lot')
bale=$(lotj "$yarn" | jq -r '.inputs[0].lot')
seed=$(lotj "$bale" | jq -r '.inputs[0].lot')
expect_eq "$(lotj "$garment" | jq -r .process)/$(lotj "$fabric" | jq -r .process)/$(lotj "$yarn" | jq -r .process)/$(lotj "$bale" | jq -r .process)" \
	making/knitting/spinning/ginning "$garment's path"
expect_eq "$(lotj "$seed" | jq -r '.product + " " + .harvest.method')" "seed_cotton $(lotj "$seed" | jq -r .harvest.method)" "$seed is a harvest"
in_range "$(yield_of "$fabric" garment)" 0.80 0.88 && ok || bad "making yield $(yield_of "$fabric" garment)"
in_range "$(yield_of "$yarn" fabric)" 0.94 0.97 && ok || bad "knitting yield $(yield_of "$yarn" fabric)"
in_range "$(yield_of "$bale" yarn)" 0.85 0.90 && ok || bad "spinning yield $(yield_of "$bale" yarn)"
in_range "$(yield_of "$seed" cottonseed SEED-)" 0.53 0.57 && ok || bad "cottonseed share $(yield_of "$seed" cottonseed SEED-)"
in_range "$(lotj "$bale" | jq .kg)" 100 240 && ok || bad "bale $bale weighs $(lotj "$bale" | jq .kg) kg"
expect_eq "$(echo "$bale" | grep -cE '^PBI-[0-9]{12}$')" 1 "PBI bale id"

# The recall of the district with the finding: every origin, and the
# flagged lot among what it reaches.
for i in $(seq 0 $(($(jq '.recall | length' sim/expect.json) - 1))); do
	district=$(jq -r ".recall[$i].district" sim/expect.json)
	season=$(jq -r ".recall[$i].season" sim/expect.json)
	expect_status 0 -- "$PAXTA" recall --data ledger --district "$district" --season "$season" --json
	expect_eq "$(jq .origins out)" "$(jq ".recall[$i].origins" sim/expect.json)" "recall origins"
	flagged=$(jq -r --argjson s "$season" '.lots[] | select(.role == "flagged" and .season == $s) | .lot' sim/expect.json)
	expect_eq "$(jq -r --arg l "$flagged" '.lots[] | select(.lot == $l) | .lot' out)" "$flagged" "recall reaches $flagged"
done

finish
