#!/usr/bin/env bash
# Checkpoints kept elsewhere are evidence: GET /v1/checkpoints lists the
# signed sizes; 'proof --from-note' and 'audit --checkpoint' check a saved
# note against the log, and a log restored from a copy and grown
# differently is reported with both roots.
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/node.bash"

make_ledger
{
	register uz.farm.a farm UZ-SA UZ-SA-KTK
	register monitor.tpm monitor UZ UZ
} >actors.jsonl
"$PAXTA" submit --data ledger --keys keys actors.jsonl >/dev/null
"$PAXTA" checkpoint --data ledger >at3.note
key=$("$PAXTA" checkpoint --data ledger --json | jq -r .verifier_key)
expect_eq "$(sed -n 2p at3.note)" 3 "a note of 3 entries"

# The attacker's copy, taken now.
cp -r ledger copy
cp ledger.key copy.key
cp -r ledger early

attest() {
	printf '{"kind":"attest","actor":"monitor.tpm","subject":"district:UZ-SA-KTK","season":2026,"status":"%s","indicators":[],"report_uri":"https://example.org/r.pdf","report_sha256":"%064d"}\n' "$1" 0
}
attest forced_labour >fl.json
"$PAXTA" submit --data ledger --key keys/monitor.tpm.key fl.json >/dev/null
"$PAXTA" checkpoint --data ledger >at4.note

# Saved notes the log extends.
expect_status 0 -- "$PAXTA" proof --data ledger --from-note at3.note --trust "$key"
expect_in out "verified: the log extends the saved note"
expect_status 0 -- "$PAXTA" proof --data ledger --from-note at4.note --trust "$key" --json
# The statement and the index root logged before the checkpoint: 5.
expect_eq "$(jq -r .log_size out)" 5 "log size"
expect_status 0 -- "$PAXTA" audit --data ledger --checkpoint at3.note --checkpoint at4.note
expect_in out "size 5, root $(sed -n 3p at4.note)"
expect_in out "saved checkpoint 'at3.note': extended"
# A note of another key, and garbage, are not evidence of anything.
"$PAXTA" keygen --out other-registrar.key >/dev/null
mkdir -p o && "$PAXTA" init --data o/other --origin e2e.example/cotton \
	--registrar "x=$("$PAXTA" keygen --show other-registrar.key)" >/dev/null
"$PAXTA" checkpoint --data o/other >other.note
expect_status 1 -- "$PAXTA" proof --data ledger --from-note other.note --trust "$key"
expect_in out "is not signed by e2e.example/cotton+"
expect_status 1 -- "$PAXTA" audit --data ledger --checkpoint other.note
expect_in out "not signed by this ledger's node key"
printf 'e2e.example/cotton\n4\nAAAA\n\n' >junk.note
expect_status 1 -- "$PAXTA" proof --data ledger --from-note junk.note --trust "$key"
head -c 20000 /dev/zero | tr '\0' a >huge.note
expect_status 2 -- "$PAXTA" proof --data ledger --from-note huge.note --trust "$key"
expect_in err "over 16384 bytes"

# The folder restored from the copy, another statement logged, signed
# with the same key: a checkpoint of 5 entries with another root.
rm -rf ledger ledger.key
mv copy ledger
mv copy.key ledger.key
attest certified >ok.json
"$PAXTA" submit --data ledger --key keys/monitor.tpm.key ok.json >/dev/null
"$PAXTA" checkpoint --data ledger >forked4.note
expect_eq "$(sed -n 2p forked4.note)" 5 "the fork's size"
[ "$(sed -n 3p forked4.note)" != "$(sed -n 3p at4.note)" ] && ok || bad "the fork has the same root"

# Audit alone says intact: nothing inside the folder shows the fork.
expect_status 0 -- "$PAXTA" audit --data ledger
# The saved note does.
expect_status 1 -- "$PAXTA" proof --data ledger --from-note at4.note --trust "$key"
expect_in out "NOT VERIFIED: the log does not extend the saved note"
expect_in out "saved note: 5 entries, root $(sed -n 3p at4.note)"
expect_in out "the log:    5 entries, root $(sed -n 3p forked4.note)"
expect_status 1 -- "$PAXTA" audit --data ledger --checkpoint at3.note --checkpoint at4.note --json
expect_eq "$(jq -r .intact out)" false "audit with the saved note"
expect_eq "$(jq -r '.saved_checkpoints[0].extended' out)" true "the older note is extended"
expect_eq "$(jq -r '.saved_checkpoints[1].extended' out)" false "the forked note is not"
expect_eq "$(jq -r '.saved_checkpoints[1].note_root' out)" "$(sed -n 3p at4.note)" "the note's root"
expect_eq "$(jq -r '.saved_checkpoints[1].log_root' out)" "$(sed -n 3p forked4.note)" "the ledger's root"

# Over HTTP: the signed sizes, and the same answers.
"$PAXTA" submit --data ledger --key keys/monitor.tpm.key fl.json >/dev/null
start_node --checkpoint-interval 0
curl -sf -X POST "$URL/v1/checkpoint" >at5.note
curl -sf "$URL/v1/checkpoints" >sizes.json
expect_eq "$(jq -c .sizes sizes.json)" "[1,3,5,7]" "signed sizes"
expect_eq "$(jq -r .next sizes.json)" null "one page"
curl -sf "$URL/v1/checkpoints?start=2&count=2" >sizes.json
expect_eq "$(jq -c '[.sizes, .next]' sizes.json)" "[[3,5],7]" "a page of signed sizes"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/checkpoints?count=0")" 400 "count 0"
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/checkpoints?start=x")" 400 "start x"
expect_status 0 -- "$PAXTA" proof --node "$URL" --from-note at3.note --trust "$key"
expect_status 1 -- "$PAXTA" proof --node "$URL" --from-note at4.note --trust "$key" --json
expect_eq "$(jq -r .note_root out)" "$(sed -n 3p at4.note)" "the saved root"
expect_eq "$(jq -r .log_root out)" "$(sed -n 3p at5.note)" "the log's root"
expect_eq "$(jq -r .log_root_at_note_size out)" "$(sed -n 3p forked4.note)" "the log's own checkpoint of 4"
stop_node
# A note of a size the log does not reach: it went back.
expect_status 1 -- "$PAXTA" proof --data early --from-note at5.note --trust "$key"
expect_in out "the log went back: its latest signed tree has 3 entries, the saved note 7"
expect_status 1 -- "$PAXTA" audit --data early --checkpoint at5.note
expect_in out "the ledger holds 3 entries, the note 7: it went back"
finish
