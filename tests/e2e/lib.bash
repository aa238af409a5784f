# Helpers for the end-to-end tests: sourced, not run.
set -euo pipefail

PAXTA="$PX_BIN/paxta"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/paxta-e2e-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

failures=0
passes=0

ok() {
	passes=$((passes + 1))
}

bad() {
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# expect_status N -- command...: run it, check its exit status.
expect_status() {
	local want=$1
	shift
	[ "$1" = "--" ] && shift
	set +e
	"$@" >"$WORK/out" 2>"$WORK/err"
	local got=$?
	set -e
	if [ "$got" -ne "$want" ]; then
		bad "'$*' exited $got, expected $want; stderr: $(head -c 600 "$WORK/err")"
		return 1
	fi
	ok
}

# expect_in FILE TEXT: FILE contains TEXT.
expect_in() {
	if grep -qF -- "$2" "$1"; then
		ok
	else
		bad "$1 lacks '$2': $(head -c 600 "$1")"
	fi
}

# expect_eq A B WHAT
expect_eq() {
	if [ "$1" = "$2" ]; then
		ok
	else
		bad "$3: got '$1', expected '$2'"
	fi
}

finish() {
	echo "$passes passed, $failures failed"
	[ "$failures" -eq 0 ]
}

# A keys folder with one key per actor, and a ledger with uz.registrar.
make_ledger() {
	mkdir -p keys
	"$PAXTA" keygen --out keys/uz.registrar.key >/dev/null
	"$PAXTA" init --data ledger --origin e2e.example/cotton \
		--registrar "uz.registrar=$("$PAXTA" keygen --show keys/uz.registrar.key)" >/dev/null
}

# register ID ROLE REGION DISTRICT: a register_actor event line.
register() {
	[ -f "keys/$1.key" ] || "$PAXTA" keygen --out "keys/$1.key" >/dev/null
	printf '{"kind":"register_actor","actor":"uz.registrar","subject":{"id":"%s","name":"%s","roles":["%s"],"region":"%s","district":"%s","public_key":"%s"}}\n' \
		"$1" "$1" "$2" "$3" "$4" "$("$PAXTA" keygen --show "keys/$1.key")"
}
