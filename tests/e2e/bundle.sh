#!/usr/bin/env bash
# paxta bundle and GET /v1/lots/{id}/bundle: a lot's proof bundle from a
# ledger folder and from the node, the same bytes for the same checkpoint;
# an older checkpoint; unknown lots and sizes refused with their codes.
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/node.bash"

expect_status 0 -- "$PAXTA" bundle --help
expect_in out "--node URL"
expect_status 2 -- "$PAXTA" bundle --data ledger LOT
expect_in err "give --out FILE"
expect_status 2 -- "$PAXTA" bundle --data ledger --node http://127.0.0.1:1 --out f LOT

make_ledger
{
	register uz.farm.a farm UZ-SA UZ-SA-KTK
	register uz.gin.1 gin UZ-SA UZ-SA-KTK
	register monitor.tpm monitor UZ UZ
} >actors.jsonl
expect_status 0 -- "$PAXTA" submit --data ledger --keys keys actors.jsonl
cat >season.jsonl <<'JSON'
{"kind":"harvest","actor":"uz.farm.a","lot":"A-1","kg":1000,"season":2026,"district":"UZ-SA-KTK","method":"hand","harvested_at":"2026-09-21T08:00:00Z"}
{"kind":"transfer","actor":"uz.farm.a","to":"uz.gin.1","shipment":"WB-A","lots":[{"lot":"A-1","kg":1000}]}
{"kind":"receive","actor":"uz.gin.1","shipment":"WB-A","lots":[{"lot":"A-1","kg":1000}]}
{"kind":"transform","actor":"uz.gin.1","process":"ginning","inputs":[{"lot":"A-1","kg":1000}],"outputs":[{"lot":"BALE-1","kg":400,"product":"lint"}]}
{"kind":"attest","actor":"monitor.tpm","subject":"district:UZ-SA-KTK","season":2026,"status":"certified","report_uri":"https://example.org/tpm.pdf","report_sha256":"00000000000000000000000000000000000000000000000000000000000000aa"}
JSON
expect_status 0 -- "$PAXTA" submit --data ledger --keys keys season.jsonl
expect_status 0 -- "$PAXTA" checkpoint --data ledger
size=$(sed -n 2p out)
expect_eq "$size" 10 "the checkpoint's size"

# From the folder: every entry but none (the genesis, 3 registrations, 5
# of the season, and the index root the node logged before the checkpoint
# since the statement is indexed) and a line people can read.
expect_status 0 -- "$PAXTA" bundle --data ledger --out bale.bundle BALE-1
expect_in out "bundle of lot 'BALE-1': 10 entries, checkpoint 10 of e2e.example/cotton"
expect_in out "sha256 $(sha256sum bale.bundle | cut -d' ' -f1)"
expect_status 2 -- "$PAXTA" bundle --data ledger --out x.bundle NOPE
expect_in err "lot 'NOPE' is not in the ledger"
expect_status 2 -- "$PAXTA" bundle --data ledger --out x.bundle --at 5 BALE-1
expect_in err "at a signed checkpoint of 5 entries"
[ ! -e x.bundle ] && ok || bad "a refused bundle leaves no file"

# An older checkpoint: the season's first entries, before the bale.
expect_status 0 -- "$PAXTA" submit --data ledger --keys keys - <<'JSON'
{"kind":"attest","actor":"monitor.tpm","subject":"farm:uz.farm.a","season":2026,"status":"certified","report_uri":"https://example.org/tpm.pdf","report_sha256":"00000000000000000000000000000000000000000000000000000000000000aa"}
JSON
expect_status 0 -- "$PAXTA" checkpoint --data ledger
expect_status 0 -- "$PAXTA" bundle --data ledger --out late.bundle BALE-1
# The new statement and its index root in, the old root out.
expect_in out "11 entries, checkpoint 12 of"
expect_status 0 -- "$PAXTA" bundle --data ledger --out early.bundle --at 10 BALE-1
cmp -s early.bundle bale.bundle && ok || bad "--at 10 is the bundle made at 10"

# ---- verify-bundle: no ledger, no network ----
expect_status 0 -- "$PAXTA" checkpoint --data ledger --json
trust=$(jq -r .verifier_key out)
mkdir away
cp bale.bundle late.bundle away/
cd away
expect_status 0 -- "$PAXTA" verify-bundle bale.bundle --trust "$trust"
expect_in "$WORK/out" "checked offline against checkpoint 10 of e2e.example/cotton"
expect_in "$WORK/out" "complete: every statement, lab result and void on its 8 keys"
head -n -4 "$WORK/out" >offline.txt
cd ..
expect_status 0 -- "$PAXTA" verify --data ledger --at 10 BALE-1
cmp -s out away/offline.txt && ok || bad "verify-bundle prints the verdict as paxta verify: $(diff out away/offline.txt)"
expect_status 0 -- "$PAXTA" verify-bundle away/late.bundle --trust "$trust" --json
expect_eq "$(jq -c '[.verdict, .checkpoint.size, .checkpoint.origin]' out)" '["free",12,"e2e.example/cotton"]' "--json"

# A byte changed anywhere: refused, naming what.
flip() { # FILE OFFSET
	local b
	b=$(od -An -tu1 -j"$2" -N1 "$1" | tr -d ' ')
	printf "$(printf '\\%03o' $((b ^ 1)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
len=$(stat -c %s bale.bundle)
for off in 3 40 200 $((len / 2)) $((len - 40)) $((len - 1)); do
	cp bale.bundle t.bundle
	flip t.bundle "$off"
	expect_status 1 -- "$PAXTA" verify-bundle t.bundle --trust "$trust"
	expect_in err "'t.bundle' does not verify: "
done
# Another node's key; a file that is no bundle; one that cannot be read.
"$PAXTA" keygen --out keys/other.key >/dev/null
"$PAXTA" init --data other --origin e2e.example/cotton \
	--registrar "uz.registrar=$("$PAXTA" keygen --show keys/other.key)" >/dev/null
expect_status 0 -- "$PAXTA" checkpoint --data other --json
expect_status 1 -- "$PAXTA" verify-bundle bale.bundle --trust "$(jq -r .verifier_key out)"
expect_in err "the checkpoint is not signed by 'e2e.example/cotton'"
echo "not a bundle" >text.bundle
expect_status 1 -- "$PAXTA" verify-bundle text.bundle --trust "$trust"
expect_in err "it is not a paxta bundle"
expect_status 2 -- "$PAXTA" verify-bundle nowhere.bundle --trust "$trust"
expect_status 2 -- "$PAXTA" verify-bundle bale.bundle --trust nonsense
expect_status 2 -- "$PAXTA" verify-bundle bale.bundle

# A flagged lot: exit 1, the same verdict as the ledger's.
{
	register uz.farm.b farm UZ-QA UZ-QA-NKS
} >farm-b.jsonl
expect_status 0 -- "$PAXTA" submit --data ledger --keys keys farm-b.jsonl
expect_status 0 -- "$PAXTA" submit --data ledger --keys keys - <<'JSON'
{"kind":"harvest","actor":"uz.farm.b","lot":"B-1","kg":500,"season":2026,"district":"UZ-QA-NKS","method":"hand","harvested_at":"2026-09-21T08:00:00Z"}
{"kind":"attest","actor":"monitor.tpm","subject":"district:UZ-QA-NKS","season":2026,"status":"forced_labour","indicators":["abuse_of_vulnerability"]}
JSON
expect_status 0 -- "$PAXTA" checkpoint --data ledger
expect_status 0 -- "$PAXTA" bundle --data ledger --out b.bundle B-1
expect_status 1 -- "$PAXTA" verify-bundle b.bundle --trust "$trust" --json
expect_eq "$(jq -r .verdict out)" flagged "a flagged lot's bundle"
jq -S 'del(.checkpoint)' out >offline.json
expect_status 1 -- "$PAXTA" verify --data ledger --json B-1
jq -S . out >online.json
cmp -s offline.json online.json && ok || bad "the flagged verdict offline is the ledger's: $(diff online.json offline.json)"

# From the node: the same bytes.
expect_status 0 -- "$PAXTA" bundle --data ledger --out latest.bundle BALE-1
start_node --checkpoint-interval 0
expect_status 0 -- "$PAXTA" bundle --node "$URL" --out node.bundle BALE-1
cmp -s node.bundle latest.bundle && ok || bad "the node's bundle is the folder's"
expect_status 0 -- "$PAXTA" bundle --node "$URL" --out node10.bundle --at 10 BALE-1
cmp -s node10.bundle bale.bundle && ok || bad "the node's ?size=10 is the folder's --at 10"
expect_eq "$(curl -s -o /dev/null -w '%{http_code} %{content_type}' "$URL/v1/lots/BALE-1/bundle")" \
	"200 application/vnd.paxta.bundle+protobuf" "the bundle's type"
expect_eq "$(curl -s "$URL/v1/lots/NOPE/bundle" | jq -r .error)" not_found "an unknown lot"
expect_eq "$(curl -s "$URL/v1/lots/BALE-1/bundle?size=5" | jq -r .error)" not_found "a size never signed"
expect_eq "$(curl -s "$URL/v1/lots/BALE-1/bundle?size=x" | jq -r .error)" malformed "a size that is no number"
expect_status 2 -- "$PAXTA" bundle --node "$URL" --out x.bundle NOPE
expect_in err "lot 'NOPE' is not in the ledger"
stop_node

finish
