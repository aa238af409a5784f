#!/usr/bin/env bash
# The node's key lives beside the ledger folder, never inside it (DESIGN.md
# §4): init writes DIR.key or --node-key FILE; the folder alone reads and
# audits, but signs nothing; paxtad and the commands that sign take
# --node-key.
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/node.bash"

make_ledger
expect_eq "$(stat -c %a ledger.key)" 600 "DIR.key beside the folder, mode 0600"
if grep -rlq "PRIVATE KEY" ledger; then bad "a private key inside the folder"; else ok; fi
node_pub=$("$PAXTA" checkpoint --data ledger --json | jq -r .verifier_key | sed 's/.*+[0-9a-f]\{8\}+//' | base64 -d | tail -c 32 | base64)
expect_eq "$(openssl pkey -in ledger.key -pubout -outform DER | tail -c 32 | base64)" "$node_pub" "ledger.key is the checkpoint key"

# An existing key is never replaced; a key inside the folder is refused and
# nothing is made.
pub=$("$PAXTA" keygen --show keys/uz.registrar.key)
expect_status 2 -- "$PAXTA" init --data other --node-key ledger.key --origin x --registrar "a=$pub"
expect_in err "exists already"
[ ! -e other ] && ok || bad "init made 'other' after refusing the key"
mkdir inner
expect_status 2 -- "$PAXTA" init --data inner --node-key inner/node.key --origin x --registrar "a=$pub"
expect_in err "inside the ledger folder"
[ ! -e inner/node.key ] && [ ! -e inner/data.mdb ] && ok || bad "init wrote into 'inner' after refusing"
mkdir here
expect_status 2 -- bash -c "cd here && '$PAXTA' init --data . --origin x --registrar 'a=$pub'"
expect_in err "would be inside '.'"
[ -z "$(ls -A here)" ] && ok || bad "init wrote into the folder it refused"
expect_status 2 -- "$PAXTA" init --data far --node-key no-such-dir/far.key --origin x --registrar "a=$pub"
expect_in err "does not exist"

# A key kept elsewhere: every command that signs is given it.
mkdir vault
expect_status 0 -- "$PAXTA" init --data far --node-key vault/far.key --origin e2e.example/far \
	--registrar "uz.registrar=$pub" --json
expect_eq "$(jq -r .node_key out)" vault/far.key "init names the key file"
[ ! -e far.key ] && ok || bad "init wrote far.key as well"
register uz.farm.a farm UZ-SA UZ-SA-KTK >farm.json
expect_status 2 -- "$PAXTA" submit --data far --keys keys farm.json
expect_in err "no node key at 'far.key'"
expect_status 0 -- "$PAXTA" submit --data far --node-key vault/far.key --keys keys farm.json
expect_status 2 -- "$PAXTA" verify --data far --node-key vault/far.key A-1
expect_in err "node-key"

# Handed the folder alone (a copy, no key): audit, reads and the stored
# checkpoint work; nothing new is signed.
cp -r far copy
expect_status 0 -- "$PAXTA" audit --data copy
expect_status 0 -- "$PAXTA" checkpoint --data copy
expect_in out "e2e.example/far"
expect_status 2 -- "$PAXTAD" --data copy --listen 127.0.0.1:0
expect_in err "no node key at 'copy.key'"

# paxtad with --node-key signs with it.
mv far ledger-far
rm -rf ledger
mv ledger-far ledger
start_node --node-key vault/far.key --checkpoint-interval 0
note=$(curl -sf -X POST "$URL/v1/checkpoint")
expect_eq "$(head -1 <<<"$note")" e2e.example/far "the node's checkpoint"
expect_eq "$(sed -n 2p <<<"$note")" 2 "signed at size 2"
stop_node
expect_eq "$NODE_STATUS" 0 "clean stop"

finish
