#!/usr/bin/env bash
# Witnessed history on 127.0.0.1: a log and two witnesses (C2SP
# tlog-witness), the first also keeping a mirror of the log. A simulated season is loaded; every checkpoint is cosigned
# by both, checked here by a verifier written from the C2SP text (python3
# and openssl, not paxta's code). Then the log's folder is restored from a
# copy and grows differently: both witnesses refuse (409, then 422 for the
# proof), keep the evidence, 'paxta evidence' proves the fork from the notes
# alone, the mirror stops with evidence of its own, and a note saved before
# the restore is reported by 'proof --from-note' and 'audit --checkpoint'.
. "$(dirname "$0")/lib.bash"

PAXTAD="$PX_BIN/paxtad"
SIM="$PX_BIN/paxta-sim"
declare -A PIDS=()
trap 'for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT

# serve NAME DIR FLAGS...: paxtad on DIR, any free port; sets URL_NAME.
serve() {
	local name=$1 dir=$2 port="" i
	shift 2
	: >"$name.log"
	"$PAXTAD" --data "$dir" --listen 127.0.0.1:0 "$@" 2>>"$name.log" &
	PIDS[$name]=$!
	for i in $(seq 1 400); do
		port=$(sed -n 's|.* on http://127\.0\.0\.1:\([0-9]*\) .*|\1|p' "$name.log")
		[ -n "$port" ] && break
		kill -0 "${PIDS[$name]}" 2>/dev/null || { echo "paxtad $name: $(cat "$name.log")" >&2; return 1; }
		sleep 0.025
	done
	printf -v "URL_$name" 'http://127.0.0.1:%s' "$port"
}

halt() {
	kill -TERM "${PIDS[$1]}"
	wait "${PIDS[$1]}" || true
	unset "PIDS[$1]"
}

# The cosignature check, from C2SP tlog-cosignature alone: key id
# SHA-256(name || "\n" || 0x04 || key)[:4]; the line's base64 is key id ||
# u64 BE time || Ed25519 signature over "cosignature/v1\ntime T\n" || body.
cat >cosig_check.py <<'PY'
import base64, hashlib, struct, subprocess, sys, tempfile, os
note = open(sys.argv[1], 'rb').read().decode()
body, sigs = note.rsplit('\n\n', 1)
body += '\n'
for vkey in sys.argv[2:]:
    name, keyid_hex, key_b64 = vkey.split('+', 2)
    raw = base64.b64decode(key_b64)
    assert raw[0] == 4 and len(raw) == 33, 'not an Ed25519 cosigner key'
    pub = raw[1:]
    keyid = hashlib.sha256(name.encode() + b'\n' + b'\x04' + pub).digest()[:4]
    assert keyid.hex() == keyid_hex, 'key id'
    found = False
    for line in sigs.splitlines():
        dash, lname, blob_b64 = line.split(' ')
        assert dash == '\u2014'
        blob = base64.b64decode(blob_b64)
        if lname != name or blob[:4] != keyid:
            continue
        assert len(blob) == 76, 'a timestamped signature is 4 + 8 + 64 bytes'
        (ts,) = struct.unpack('>Q', blob[4:12])
        msg = ('cosignature/v1\ntime %d\n' % ts).encode() + body.encode()
        d = tempfile.mkdtemp()
        der = bytes.fromhex('302a300506032b6570032100') + pub
        pem = b'-----BEGIN PUBLIC KEY-----\n' + base64.encodebytes(der) + b'-----END PUBLIC KEY-----\n'
        for f, data in (('pub.pem', pem), ('msg', msg), ('sig', blob[12:])):
            open(os.path.join(d, f), 'wb').write(data)
        r = subprocess.run(['openssl', 'pkeyutl', '-verify', '-pubin', '-inkey', d + '/pub.pem',
                            '-rawin', '-in', d + '/msg', '-sigfile', d + '/sig'], capture_output=True)
        assert r.returncode == 0, 'signature of %s does not verify' % name
        found = True
    assert found, 'no cosignature by %s' % name
print('cosigned by', len(sys.argv) - 2)
PY

# A season, simulated, and its log.
"$SIM" --out sim --seed 3 --farms 8 --seasons 1 --quiet
"$PAXTA" init --data log --origin e2e.example/log \
	--genesis-time "$(jq -r '.seasons[0]' sim/expect.json)-01-01T00:00:00Z" \
	--registrar "uz.registrar=$(cat sim/registrar.pub)" >/dev/null
log_key=$("$PAXTA" checkpoint --data log --json | jq -r .verifier_key)

# Two witnesses of it, each a node of its own.
for w in w1 w2; do
	"$PAXTA" keygen --out "$w.witness.key" >/dev/null
	"$PAXTA" init --data "$w" --origin "e2e.example/$w" \
		--registrar "x=$("$PAXTA" keygen --show "$w.witness.key")" >/dev/null
	serve "$w" "$w" --witness-for "$log_key"
done
k1=$(curl -sf "$URL_w1/v1/witness" | jq -r .verifier_key)
k2=$(curl -sf "$URL_w2/v1/witness" | jq -r .verifier_key)
expect_eq "${k1%%+*}" e2e.example/w1/witness "the witness's name"
expect_in w1.log "witness of 1 log as $k1"

serve log log --witness "$URL_w1=$k1" --witness "$URL_w2=$k2" --quorum 2 --checkpoint-interval 1
expect_status 0 -- "$PAXTA" submit --node "$URL_log" --keys sim/keys sim/events/*.jsonl
size=$(curl -sf "$URL_log/v1/log" | jq .size)
# The genesis and every event, and the index roots the node logged with
# its checkpoints (each after statements: docs/bundle.md), the last one
# the log's last leaf.
roots=0
for s in $(curl -sf "$URL_log/v1/checkpoints?count=1000" | jq '.sizes[]'); do
	[ "$s" -le "$size" ] &&
		[ "$(curl -sf "$URL_log/v1/entries/$((s - 1))" | jq -r .entry.kind)" = index_root ] &&
		roots=$((roots + 1))
done
expect_eq "$((size - roots))" $(($(jq .totals.entries sim/expect.json) + 1)) "the season is logged"
expect_eq "$(curl -sf "$URL_log/v1/entries/$((size - 1))" | jq -r .entry.kind)" index_root "the last leaf is an index root"

# Every checkpoint is cosigned by both, quickly.
cosigned() {
	local i
	for i in $(seq 1 200); do
		if "$PAXTA" checkpoint --node "$URL_log" --witness "$k1" --witness "$k2" --quorum 2 >cp.note 2>/dev/null &&
			[ "$(sed -n 2p cp.note)" = "$1" ]; then
			return 0
		fi
		sleep 0.05
	done
	return 1
}
cosigned "$size" && ok || bad "the checkpoint of $size was not cosigned by both: $(cat cp.note log.log)"
expect_status 0 -- python3 cosig_check.py cp.note "$k1" "$k2"
expect_in out "cosigned by 2"
expect_status 0 -- "$PAXTA" checkpoint --node "$URL_log" --witness "$k1" --witness "$k2" --quorum 2 --json
expect_eq "$(jq -c .cosigned_by out)" '["e2e.example/w1/witness","e2e.example/w2/witness"]' "cosigned by"
# A lot's bundle carries the note with both cosignatures, and verifies
# offline against the log's key alone (docs/bundle.md).
lot=$(jq -r '[.lots[] | select(.role == "free")][0].lot' sim/expect.json)
expect_status 0 -- "$PAXTA" bundle --node "$URL_log" --out free.bundle --at "$size" "$lot"
grep -qaF "— e2e.example/w1/witness " free.bundle && grep -qaF "— e2e.example/w2/witness " free.bundle &&
	ok || bad "the bundle's note lacks the cosignatures"
expect_status 0 -- "$PAXTA" verify-bundle free.bundle --trust "$log_key" --json
expect_eq "$(jq -r '[.verdict, .checkpoint.size] | @tsv' out)" "free	$size" "the cosigned bundle verifies offline"
# A tampered cosignature is no cosignature; an unknown witness counts for
# nothing.
sed '$ s/[A-Za-z0-9]\([A-Za-z0-9]\)=*$/A\1=/' cp.note >tampered.note
cmp -s cp.note tampered.note && bad "tampering changed nothing" || ok
expect_status 1 -- python3 cosig_check.py tampered.note "$k1" "$k2"
"$PAXTA" keygen --out stranger.key >/dev/null
w3_key=$(python3 -c '
import base64, hashlib, sys
pub = base64.b64decode(sys.argv[1]); name = "e2e.example/w3"
kid = hashlib.sha256(name.encode() + b"\n\x04" + pub).digest()[:4].hex()
print("%s+%s+%s" % (name, kid, base64.b64encode(b"\x04" + pub).decode()))' "$("$PAXTA" keygen --show stranger.key)")
expect_status 1 -- "$PAXTA" checkpoint --node "$URL_log" --witness "$k1" --witness "$w3_key" --quorum 2
expect_in out "NOT COSIGNED: 1 of the 2"
expect_status 0 -- "$PAXTA" checkpoint --node "$URL_log" --witness "$k1" --witness "$w3_key" --quorum 1
expect_status 2 -- "$PAXTA" checkpoint --node "$URL_log" --witness "$k1" --quorum 2
expect_status 2 -- "$PAXTA" checkpoint --node "$URL_log" --witness "$log_key" --quorum 1

# The first witness keeps a mirror: every entry, signature and proof
# checked; it answers reads as the node does.
# Stepping through the signed sizes, 300 entries at most at a time.
signed=$(curl -sf "$URL_log/v1/checkpoints" | jq '.sizes | length')
expect_status 0 -- "$PAXTA" mirror --from "$URL_log" --data w1-mirror --trust "$log_key" --once --step 300
expect_in err "'w1-mirror' holds $size entries"
[ "$signed" -gt 2 ] && [ "$(grep -c holds err)" -gt 1 ] && ok || bad "the mirror took one step ($signed sizes signed): $(cat err)"
for lot in $(jq -r '.lots[].lot' sim/expect.json); do
	"$PAXTA" verify --node "$URL_log" "$lot" --json >from-node.json || true
	"$PAXTA" verify --data w1-mirror "$lot" --json >from-mirror.json || true
	expect_eq "$(jq -r .verdict from-mirror.json)" "$(jq -r --arg l "$lot" '.lots[] | select(.lot == $l) | .verdict' sim/expect.json)" "the mirror's verdict on $lot"
	expect_eq "$(jq -S -c . from-mirror.json)" "$(jq -S -c . from-node.json)" "the mirror answers $lot as the node"
done
expect_status 0 -- "$PAXTA" audit --data w1-mirror
expect_in out "size $size, root $(sed -n 3p cp.note)"
# The mirror served by a read-only paxtad answers reads as the node does,
# takes no entries, and serves its source's checkpoint; the mirror still
# appends while it serves.
serve replica w1-mirror --replica
for lot in $(jq -r '.lots[].lot' sim/expect.json); do
	expect_eq "$(curl -sf "$URL_replica/v1/lots/$lot/verdict" | jq -S -c .)" \
		"$(curl -sf "$URL_log/v1/lots/$lot/verdict" | jq -S -c .)" "the replica node answers $lot as the node"
done
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/x-protobuf' \
	--data-binary @cp.note "$URL_replica/v1/entries")" 403 "a replica takes no entries"
expect_eq "$(curl -s -X POST "$URL_replica/v1/checkpoint" | jq -r .error)" read_only "a replica signs no checkpoint"
expect_eq "$(curl -sf "$URL_replica/v1/checkpoint" | sed -n 1,3p)" "$(sed -n 1,3p cp.note)" "the replica serves its source's checkpoint"
expect_status 2 -- "$PAXTAD" --data w1-mirror --replica --witness "http://127.0.0.1:1=$k1"
expect_status 0 -- "$PAXTA" mirror --from "$URL_log" --data w1-mirror --once
expect_status 2 -- "$PAXTA" mirror --from "$URL_log" --data w1-mirror --once --trust "$k1"

# The witness protocol by hand: add-checkpoint with a stale size is 409
# with the size it holds, as text/x.tlog.size; an unknown log is 404.
printf 'old 0\n\n' >req && curl -sf "$URL_log/v1/checkpoint?size=$size" >>req
code=$(curl -s -o ans -D hdr -w '%{http_code}' --data-binary @req "$URL_w1/add-checkpoint")
expect_eq "$code" 409 "a stale old size"
expect_eq "$(cat ans)" "$size" "409 names the size it holds"
expect_in hdr "text/x.tlog.size"
printf 'old 0\n\n' >req && "$PAXTA" checkpoint --data w2 >>req
expect_eq "$(curl -s -o /dev/null -w '%{http_code}' --data-binary @req "$URL_w1/add-checkpoint")" 404 "an unknown log"

# A note a brand saves; then the operator copies the folder.
halt log
cp -r log log.copy
cp log.key log.copy.key
# The honest log goes on: more registrations, cosigned, one note saved.
register_farm() {
	printf '{"kind":"register_actor","actor":"uz.registrar","subject":{"id":"%s","name":"%s","roles":["farm"],"region":"UZ-SA","district":"UZ-SA-KTK","public_key":"%s"}}\n' \
		"$1" "$1" "$("$PAXTA" keygen --show sim/keys/uz.registrar.key)"
}
for i in 1 2 3; do register_farm "uz.farm.honest-$i"; done >honest.jsonl
serve log log --witness "$URL_w1=$k1" --witness "$URL_w2=$k2" --quorum 2 --checkpoint-interval 1
"$PAXTA" submit --node "$URL_log" --key sim/keys/uz.registrar.key honest.jsonl >/dev/null
# Three registrations and the index root the checkpoint logs after them.
honest=$((size + 4))
# A power of two has no root of its own in a consistency proof: one more.
if [ $((honest & (honest - 1))) -eq 0 ]; then
	register_farm uz.farm.honest-4 >h4.jsonl
	"$PAXTA" submit --node "$URL_log" --key sim/keys/uz.registrar.key h4.jsonl >/dev/null
	honest=$((honest + 2))
fi
cosigned "$honest" && ok || bad "the honest checkpoint of $honest was not cosigned"
cp cp.note saved.note
expect_status 0 -- "$PAXTA" mirror --from "$URL_log" --data w1-mirror --once
expect_in err "'w1-mirror' holds $honest entries"
halt log

# The fork: the copy restored, other entries, more of them, signed.
rm -rf log log.key
mv log.copy log
mv log.copy.key log.key
for i in 1 2 3 4 5 6; do register_farm "uz.farm.forked-$i"; done >forked.jsonl
"$PAXTA" submit --data log --key sim/keys/uz.registrar.key forked.jsonl >/dev/null
forked=$((size + 7)) # six registrations and an index root
expect_status 0 -- "$PAXTA" audit --data log
serve log log --witness "$URL_w1=$k1" --witness "$URL_w2=$k2" --quorum 2 --checkpoint-interval 1
for i in $(seq 1 200); do
	[ "$(curl -sf "$URL_w1/v1/evidence" | jq '.evidence | length')" -ge 1 ] &&
		[ "$(curl -sf "$URL_w2/v1/evidence" | jq '.evidence | length')" -ge 1 ] && break
	sleep 0.05
done
# Both refused: 409 for the size the log did not know, then 422 for its
# proof; neither cosigned the fork.
expect_in log.log "did not cosign the checkpoint of $forked entries (HTTP 422"
expect_status 1 -- "$PAXTA" checkpoint --node "$URL_log" --witness "$k1" --witness "$k2" --quorum 1
expect_in out "NOT COSIGNED: 0 of the 1"
curl -sf "$URL_log/v1/checkpoint" >forked.note
printf 'old %s\n\n' "$size" >req && cat forked.note >>req
code=$(curl -s -o ans -w '%{http_code}' --data-binary @req "$URL_w2/add-checkpoint")
expect_eq "$code" 409 "the fork from the old size"
expect_eq "$(cat ans)" "$honest" "the witness holds the honest size"

# The evidence each kept proves the fork from the notes alone.
for w in w1 w2; do
	var="URL_$w"
	curl -sf "${!var}/v1/evidence" >"$w.evidence.json"
	expect_status 0 -- "$PAXTA" evidence "$w.evidence.json" --trust "$log_key"
	expect_in out "proven: log 'e2e.example/log' signed a tree of $honest entries and one of $forked"
done
jq '.evidence[0]' w1.evidence.json >one.json
expect_status 0 -- "$PAXTA" evidence one.json --json
expect_eq "$(jq -c '[.proven, .results[0].older_size, .results[0].newer_size]' out)" "[true,$honest,$forked]" "evidence as JSON"
# Evidence is only what the log signed: another key, or a changed note,
# proves nothing.
expect_status 1 -- "$PAXTA" evidence one.json --trust "$("$PAXTA" checkpoint --data w1 --json | jq -r .verifier_key)"
jq '.newer |= sub("\n[0-9]+\n"; "\n999\n")' one.json >bent.json
expect_status 1 -- "$PAXTA" evidence bent.json

# The mirror meets the fork: it stops, with evidence of its own.
expect_status 1 -- "$PAXTA" mirror --from "$URL_log" --data w1-mirror --once
expect_in err "FORK"
cp out mirror.evidence.json
expect_status 0 -- "$PAXTA" evidence mirror.evidence.json --trust "$log_key"
expect_in out "signed a tree of $honest entries and one of $forked"
expect_status 0 -- "$PAXTA" audit --data w1-mirror
expect_in out "size $honest,"
# The replica node serves the evidence its mirror kept.
curl -sf "$URL_replica/v1/evidence" >replica.evidence.json
[ "$(jq '.evidence | length' replica.evidence.json)" -ge 1 ] && ok ||
	bad "the replica serves no evidence: $(cat replica.evidence.json)"

# The note saved before the restore: the log does not extend it.
expect_status 1 -- "$PAXTA" proof --node "$URL_log" --from-note saved.note --trust "$log_key"
expect_in out "NOT VERIFIED: the log does not extend the saved note"
expect_in out "saved note: $honest entries, root $(sed -n 3p saved.note)"
expect_in out "the log:    $forked entries, root $(sed -n 3p forked.note)"
expect_status 1 -- "$PAXTA" audit --data log --checkpoint saved.note
expect_in out "saved checkpoint 'saved.note': NOT EXTENDED"

halt log
halt w1
halt w2
halt replica
expect_in w1.log "the evidence is kept"
finish
