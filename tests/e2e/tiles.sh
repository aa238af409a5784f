#!/usr/bin/env bash
# C2SP tlog-tiles: the log's checkpoint at /checkpoint, entry bundles and
# hash tiles under /tile/. A reader written here from the tlog-tiles text
# (python3's hashlib) rebuilds the tree from the bundles and the tiles and
# must land on the signed root.
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/node.bash"

"$PX_BIN/paxta-sim" --out sim --seed 3 --farms 8 --seasons 1 --quiet
"$PAXTA" init --data ledger --origin e2e.example/tiles \
	--genesis-time "$(jq -r '.seasons[0]' sim/expect.json)-01-01T00:00:00Z" \
	--registrar "uz.registrar=$(cat sim/registrar.pub)" >/dev/null
"$PAXTA" submit --data ledger --keys sim/keys sim/events/*.jsonl >/dev/null
start_node --checkpoint-interval 0
size=$(curl -sf "$URL/v1/log" | jq .size)
curl -sf -D hdr "$URL/checkpoint" >cp.note
expect_eq "$(sed -n 2p cp.note)" "$size" "the checkpoint of the whole log"
expect_in hdr "text/plain; charset=utf-8"
expect_in hdr "max-age=5"

cat >reader.py <<'PY'
import hashlib, sys, urllib.request, base64
url, size = sys.argv[1], int(sys.argv[2])
root_b64 = open(sys.argv[3]).read().split('\n')[2]
def path(n):
    s = '%03d' % (n % 1000); n //= 1000
    while n:
        s = 'x%03d/' % (n % 1000) + s; n //= 1000
    return s
def get(p):
    with urllib.request.urlopen(url + '/tile/' + p) as r:
        assert r.headers['Content-Type'] == 'application/octet-stream'
        assert 'immutable' in r.headers['Cache-Control']
        return r.read()
leaves, tiles0 = [], b''
for n in range((size + 255) // 256):
    w = min(256, size - n * 256)
    suffix = '' if w == 256 else '.p/%d' % w
    b = get('entries/' + path(n) + suffix)
    i = 0
    while i < len(b):
        l = b[i] << 8 | b[i + 1]
        leaves.append(hashlib.sha256(b'\x00' + b[i + 2:i + 2 + l]).digest())
        i += 2 + l
    tiles0 += get('0/' + path(n) + suffix)
assert len(leaves) == size, 'bundles hold every entry'
assert b''.join(leaves) == tiles0, 'level 0 tiles are the leaf hashes'
def mth(h):
    if len(h) == 1: return h[0]
    k = 1
    while k * 2 < len(h): k *= 2
    return hashlib.sha256(b'\x01' + mth(h[:k]) + mth(h[k:])).digest()
assert base64.b64encode(mth(leaves)).decode() == root_b64, 'the signed root'
if size >= 256:
    t1 = get('1/000.p/%d' % (size // 256)) if size < 65536 else get('1/000')
    assert t1[:32] == mth(leaves[:256]), 'a level 1 hash is a full tile root'
print('verified', size)
PY
expect_status 0 -- python3 reader.py "$URL" "$size" cp.note
expect_in out "verified $size"

# Tiles that do not exist, or are not written as tlog-tiles writes them.
full=$((size / 256))
for p in "0/$(printf %03d $((full + 1)))" "0/01" "entries/000.p/256" "0/000.p/0" "9/000" "1/000.p/$((full + 1))" "x/000"; do
	expect_eq "$(curl -s -o /dev/null -w '%{http_code}' "$URL/tile/$p")" 404 "tile/$p"
done
stop_node
finish
