#!/usr/bin/env bash
# The paxta CLI on a local ledger: a season from harvest to yarn, the
# verdicts, a recall, refusals, audit, tampering. The real binary, real files.
. "$(dirname "$0")/lib.bash"

# keygen: PEM, 0600, readable by openssl, never overwritten.
expect_status 0 -- "$PAXTA" keygen --out k.pem
expect_eq "$(stat -c %a k.pem)" 600 "key file mode"
pub=$(cat out)
expect_eq "$(openssl pkey -in k.pem -pubout -outform DER | tail -c 32 | base64)" "$pub" "openssl reads the key"
expect_status 2 -- "$PAXTA" keygen --out k.pem
expect_in err "never overwrites"

# A missing or foreign ledger folder is explained.
expect_status 2 -- "$PAXTA" audit --data nowhere
expect_in err "does not exist"
mkdir foreign
expect_status 2 -- "$PAXTA" audit --data foreign
expect_in err "not a paxta ledger"

make_ledger
expect_status 2 -- "$PAXTA" init --data ledger --origin x --registrar "a=$pub"
expect_in err "holds a ledger already"
expect_status 2 -- "$PAXTA" init --data other --origin "has space" --registrar "a=$pub"
# The harvest calendar and the yield cap are the genesis's policy.
expect_status 2 -- "$PAXTA" init --data other --origin x --registrar "a=$pub" --harvest 1301-0331
expect_in err "MMDD-MMDD"
expect_status 2 -- "$PAXTA" init --data other --origin x --registrar "a=$pub" --max-yield 0
expect_status 0 -- "$PAXTA" init --data wrap --origin x --registrar "a=$pub" --harvest 1001-0331 --max-yield 4000
expect_status 0 -- "$PAXTA" entry --data wrap 0 --json
expect_in out '"harvest_from": 1001'
expect_in out '"max_yield_kg_ha": 4000'
# The transit tolerance and the recording-delay caps are the genesis's too.
expect_status 2 -- "$PAXTA" init --data other --origin x --registrar "a=$pub" --transit-loss 200%
expect_in err "--transit-loss takes a percentage"
expect_status 2 -- "$PAXTA" init --data other --origin x --registrar "a=$pub" --max-delay harvset=30d
expect_in err "--max-delay takes KIND=SPAN"
expect_status 2 -- "$PAXTA" init --data other --origin x --registrar "a=$pub" --max-delay harvest=30y
expect_status 0 -- "$PAXTA" init --data tol --origin x --registrar "a=$pub" --transit-loss 1% --transit-gain 0 --max-delay harvest=30d,receive=12h
expect_in out "transit tolerance: 1 % loss, 0 % gain"
expect_in out "recording delay: a harvest at most 2592000 s after it happened"
expect_status 0 -- "$PAXTA" entry --data tol 0 --json
expect_in out '"transit_loss": 0.01'
expect_in out '"harvest": 2592000'
expect_in out '"receive": 43200'
expect_status 0 -- "$PAXTA" init --help
expect_in out "--max-delay"

{
	register uz.farm.a farm UZ-SA UZ-SA-KTK
	register uz.farm.b farm UZ-QA UZ-QA-NKS
	register uz.farm.c farm UZ-BU UZ-BU-GJD
	register uz.gin.1 gin UZ-SA UZ-SA-KTK
	register uz.spin.1 spinner UZ-SA UZ-SA-KTK
	register monitor.tpm monitor UZ UZ
	register lab.iso lab UZ UZ
} >actors.jsonl
expect_status 0 -- "$PAXTA" submit --data ledger --keys keys actors.jsonl
expect_in out "7 logged"

cat >season.json <<'JSON'
[
 {"kind":"harvest","actor":"uz.farm.a","lot":"A-1","kg":12000,"season":2026,"district":"UZ-SA-KTK","method":"hand","harvested_at":"2026-09-21T08:00:00Z"},
 {"kind":"harvest","actor":"uz.farm.b","lot":"B-1","kg":8000,"season":2026,"district":"UZ-QA-NKS","method":"machine","harvested_at":"2026-09-22T08:00:00Z"},
 {"kind":"harvest","actor":"uz.farm.c","lot":"C-1","kg":5000,"season":2026,"district":"UZ-BU-GJD","field":"FIELD-C-77","method":"hand","harvested_at":"2026-09-23T08:00:00Z"},
 {"kind":"transfer","actor":"uz.farm.a","to":"uz.gin.1","shipment":"WB-A","lots":[{"lot":"A-1","kg":12000}]},
 {"kind":"transfer","actor":"uz.farm.b","to":"uz.gin.1","shipment":"WB-B","lots":[{"lot":"B-1","kg":8000}]},
 {"kind":"transfer","actor":"uz.farm.c","to":"uz.gin.1","shipment":"WB-C","lots":[{"lot":"C-1","kg":5000}]},
 {"kind":"receive","actor":"uz.gin.1","shipment":"WB-A","lots":[{"lot":"A-1","kg":11980}]},
 {"kind":"receive","actor":"uz.gin.1","shipment":"WB-B","lots":[{"lot":"B-1","kg":8000}]},
 {"kind":"receive","actor":"uz.gin.1","shipment":"WB-C","lots":[{"lot":"C-1","kg":5000}]},
 {"kind":"transform","actor":"uz.gin.1","process":"ginning","inputs":[{"lot":"A-1","kg":6000}],
  "outputs":[{"lot":"BALE-A","kg":2200,"product":"lint"},{"lot":"SEED-A","kg":3300,"product":"cottonseed"}]},
 {"kind":"transform","actor":"uz.gin.1","process":"ginning","inputs":[{"lot":"A-1","kg":5980},{"lot":"B-1","kg":8000}],
  "outputs":[{"lot":"BALE-AB","kg":5000,"product":"lint"}]},
 {"kind":"transform","actor":"uz.gin.1","process":"ginning","inputs":[{"lot":"C-1","kg":5000}],
  "outputs":[{"lot":"BALE-C","kg":1800,"product":"lint"}]},
 {"kind":"attest","actor":"monitor.tpm","subject":"district:UZ-SA-KTK","season":2026,"status":"certified","report_uri":"https://example.org/tpm.pdf","report_sha256":"00000000000000000000000000000000000000000000000000000000000000aa"},
 {"kind":"attest","actor":"monitor.tpm","subject":"district:UZ-QA-NKS","season":2026,"status":"forced_labour","indicators":["abuse_of_vulnerability"]}
]
JSON
expect_status 0 -- "$PAXTA" submit --data ledger --keys keys --json season.json
expect_eq "$(jq length out)" 14 "one result per event"
expect_eq "$(jq '[.[] | select(.error)] | length' out)" 0 "no refusals"

# Verdicts: free (all certified), flagged (share named), unverified.
expect_status 0 -- "$PAXTA" verify --data ledger BALE-A
expect_in out "free"
expect_status 1 -- "$PAXTA" verify --data ledger BALE-AB --json
expect_eq "$(jq -r .verdict out)" flagged "BALE-AB verdict"
share=$(jq -r '.by_status.forced_labour.share' out)
# 8000 of 13980 kg consumed came from farm B.
expect_eq "$(awk -v s="$share" 'BEGIN { d = s - 8000/13980; print (d < 1e-5 && d > -1e-5) ? "ok" : s }')" ok "forced-labour share"
expect_in out "UZ-QA-NKS"
expect_status 1 -- "$PAXTA" verify --data ledger BALE-C
expect_in out "unverified"
expect_status 2 -- "$PAXTA" verify --data ledger NO-SUCH-LOT
expect_in err "not in the ledger"

# Recall of the district with the finding.
expect_status 0 -- "$PAXTA" recall --data ledger --district UZ-QA-NKS --season 2026 --json
expect_eq "$(jq -r '.lots[] | select(.lot == "BALE-AB") | .holders[0].holder' out)" uz.gin.1 "recall holder"
expect_eq "$(jq -r '.lots[] | select(.lot == "BALE-AB") | .held_kg' out)" 5000 "recall kg"

# Refusals carry their code and leave the ledger unchanged.
before=$("$PAXTA" checkpoint --data ledger | sed -n 2,3p)
echo '{"kind":"transfer","actor":"uz.gin.1","to":"uz.spin.1","shipment":"S-1","lots":[{"lot":"BALE-A","kg":9999}]}' >over.json
expect_status 1 -- "$PAXTA" submit --data ledger --keys keys --json over.json
expect_eq "$(jq -r '.[0].error' out)" overspend "overspend code"
echo '{"kind":"transform","actor":"uz.gin.1","process":"ginning","inputs":[{"lot":"A-1","kg":1}],"outputs":[{"lot":"X","kg":1,"product":"lint"}]}' >mass.json
expect_status 1 -- "$PAXTA" submit --data ledger --keys keys --json mass.json
expect_eq "$(jq -r '.[0].error' out)" not_holder "consumed lot"
echo '{"kind":"harvest","actor":"uz.farm.a","lot":"A-1","kg":1,"season":2026,"district":"UZ-SA-KTK","method":"hand","harvested_at":"2026-09-21T08:00:00Z"}' >dup.json
expect_status 1 -- "$PAXTA" submit --data ledger --keys keys --json dup.json
expect_eq "$(jq -r '.[0].error' out)" duplicate_lot "duplicate lot"
echo '{"kind":"harvest","actor":"uz.farm.a","lot":"Z","kg":1.0005,"season":2026,"district":"UZ-SA-KTK","method":"hand","harvested_at":"2026-09-21T08:00:00Z"}' >dec.json
expect_status 1 -- "$PAXTA" submit --data ledger --keys keys --json dec.json
expect_eq "$(jq -r '.[0].error' out)" malformed "4 decimals"
after=$("$PAXTA" checkpoint --data ledger | sed -n 2,3p)
expect_eq "$after" "$before" "size and root after refusals"

# The checkpoint: a C2SP note, stable while the log does not grow.
expect_status 0 -- "$PAXTA" checkpoint --data ledger
cp out cp1
expect_eq "$(sed -n 1p cp1)" e2e.example/cotton "checkpoint origin line"
expect_eq "$(sed -n 4p cp1)" "" "blank line before signatures"
expect_in cp1 "— e2e.example/cotton "
"$PAXTA" checkpoint --data ledger >cp2
expect_eq "$(cmp -s cp1 cp2 && echo same)" same "same checkpoint twice"

# sign writes a SignedEntry without appending it.
echo '{"kind":"attest","actor":"monitor.tpm","subject":"district:UZ-BU-GJD","season":2026,"status":"under_review"}' >att.json
expect_status 0 -- "$PAXTA" sign --data ledger --key keys/monitor.tpm.key att.json
expect_eq "$( [ -s out ] && echo yes)" yes "signed entry bytes"

# lot and entry show what the ledger holds.
expect_status 0 -- "$PAXTA" lot --data ledger BALE-AB --json
expect_eq "$(jq -r '.holders[0].holder' out)" uz.gin.1 "lot holder"
expect_eq "$(jq '.inputs | length' out)" 2 "lot inputs"
expect_status 0 -- "$PAXTA" entry --data ledger 8 --json
expect_eq "$(jq -r .entry.kind out)" harvest "entry 8 kind"
expect_eq "$(jq -r .signature_valid out)" true "entry 8 signature"
# An index or a size is digits only: no sign, no space, nothing past 2^64-1.
for n in " 8" "+8" "8 " "18446744073709551616" "0x8" ""; do
	expect_status 2 -- "$PAXTA" entry --data ledger "$n"
	expect_in err "give one entry index"
done
expect_status 2 -- "$PAXTA" entry --data ledger 18446744073709551615
expect_in err "no entry 18446744073709551615"
expect_status 2 -- "$PAXTA" verify --data ledger BALE-AB --at " 3"
expect_in err "--at takes a tree size"

# A ledger in use by another writer is refused with a clear message (the
# writer's lock is a flock on the ledger folder itself).
flock ledger -c "\"$PAXTA\" submit --data ledger --keys keys att.json" >lock.out 2>lock.err && bad "submit ran while locked" || ok
expect_in lock.err "in use by another process"

# Audit: intact, then one flipped byte inside a leaf is named.
expect_status 0 -- "$PAXTA" audit --data ledger --json
expect_eq "$(jq -r .intact out)" true "audit intact"
size=$(jq -r .entries out)
index=$("$PAXTA" lot --data ledger C-1 --json | jq -r .created_at)
offset=$(grep -obaF 'FIELD-C-77' ledger/data.mdb | head -1 | cut -d: -f1)
printf 'X' | dd of=ledger/data.mdb bs=1 seek="$offset" conv=notrunc status=none
expect_status 1 -- "$PAXTA" audit --data ledger --json
expect_eq "$(jq -r .intact out)" false "audit after tampering"
expect_eq "$(jq -r .bad_index out)" "$index" "audit names the tampered entry"
expect_in out "altered"

finish
