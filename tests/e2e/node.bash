# Helpers for the end-to-end tests of paxtad: sourced after lib.bash.
#
# start_node [FLAGS...]  start paxtad on ./ledger, on 127.0.0.1 and a port
#                        the kernel picks; sets NODE_PID and URL
# stop_node              SIGTERM, and the node's exit status in NODE_STATUS
# kill_node              SIGKILL
# post FILE [TYPE]       POST FILE to /v1/entries; status in $STATUS, body
#                        in ./resp
# sign KEY EVENT OUT     'paxta sign' on the ledger the node serves

PAXTAD="$PX_BIN/paxtad"
TOOL="$PX_BIN/px-e2e-tool"
NODE_PID=""
NODE_RUNS=0
URL=""

# The node never outlives the test, whatever happens.
trap 'if [ -n "$NODE_PID" ]; then kill -9 "$NODE_PID" 2>/dev/null || true; fi; rm -rf "$WORK"' EXIT

start_node() {
	NODE_RUNS=$((NODE_RUNS + 1))
	NODE_LOG="$WORK/node.$NODE_RUNS.log"
	# Made here: the node's shell may open it after the first look below.
	: >"$NODE_LOG"
	"$PAXTAD" --data ledger --listen 127.0.0.1:0 "$@" 2>>"$NODE_LOG" &
	NODE_PID=$!
	local port="" i
	for i in $(seq 1 400); do
		port=$(sed -n 's|.* on http://127\.0\.0\.1:\([0-9]*\) .*|\1|p' "$NODE_LOG")
		[ -n "$port" ] && break
		if ! kill -0 "$NODE_PID" 2>/dev/null; then
			echo "paxtad did not start: $(cat "$NODE_LOG")" >&2
			NODE_PID=""
			return 1
		fi
		sleep 0.025
	done
	[ -n "$port" ] || { echo "paxtad printed no port" >&2; return 1; }
	URL="http://127.0.0.1:$port"
	curl -sf --max-time 5 "$URL/healthz" >/dev/null
}

stop_node() {
	kill -TERM "$NODE_PID"
	set +e
	wait "$NODE_PID"
	NODE_STATUS=$?
	set -e
	NODE_PID=""
}

kill_node() {
	kill -9 "$NODE_PID" 2>/dev/null || true
	wait "$NODE_PID" 2>/dev/null || true
	NODE_PID=""
}

post() {
	STATUS=$(curl -s --max-time 30 -o "$WORK/resp" -w '%{http_code}' \
		-H "Content-Type: ${2:-application/x-protobuf}" \
		--data-binary "@$1" "$URL/v1/entries")
}

sign() {
	"$PAXTA" sign --data ledger --key "$1" "$2" >"$3"
}

# expect_status_http WANT WHAT: the last post's status.
expect_http() {
	expect_eq "$STATUS" "$1" "$2 (HTTP status; body $(head -c 300 "$WORK/resp"))"
}

# Entries logged from index $1 to the end of the node's log, its index roots
# left out: a checkpoint logs one as its last leaf when something indexed (a
# statement, a lab result, a void) came before it (docs/bundle.md).
entries_since() {
	local start=$1 size n s
	size=$(curl -s "$URL/v1/log" | jq .size)
	n=$((size - start))
	# Checkpoints signed after the size was read (a root logged since)
	# are past it.
	for s in $(curl -s "$URL/v1/checkpoints?start=$((start + 1))&count=1000" | jq '.sizes[]'); do
		[ "$s" -le "$size" ] &&
			[ "$(curl -s "$URL/v1/entries/$((s - 1))" | jq -r .entry.kind)" = index_root ] &&
			n=$((n - 1))
	done
	echo "$n"
}
