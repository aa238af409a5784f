#!/usr/bin/env bash
# The core's layers (docs/design.md, "Shape"): every file of node/core belongs
# to a module named in the table there, and includes no header of a module of
# a layer above its own. Exit 1, naming each file and header, otherwise.
set -euo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
declare -A layer_of
bad=0

# Rows "| N | `mod`, `mod` | what they do |" of the table after the line
# "| layer | modules | ...".
while read -r n mods; do
	for m in $(grep -o '`[a-z_]*`' <<<"$mods" | tr -d '`'); do
		layer_of[$m]=$n
	done
done < <(awk -F'|' '
	/^\| layer \| modules/ { t = 1; next }
	t && /^\|---/ { next }
	t && /^\| [0-9]+ \|/ { print $2, $3; next }
	t { exit }' "$root/docs/design.md")
if [ ${#layer_of[@]} -eq 0 ]; then
	echo "layers: no layer table found in docs/design.md" >&2
	exit 1
fi

for f in "$root"/node/core/*.[ch] "$root"/node/core/include/paxta/*.h; do
	name=$(basename "$f")
	m=${name%.*}
	mine=${layer_of[$m]:-}
	if [ -z "$mine" ]; then
		echo "layers: ${f#"$root"/}: module '$m' is in no layer of docs/design.md" >&2
		bad=1
		continue
	fi
	# Our headers only: "paxta/x.h" or a local "x.h" (not the generated
	# protobuf header).
	for h in $(sed -n 's/^#include "\(paxta\/\)\{0,1\}\([a-z_0-9]*\)\.h".*/\2/p' "$f"); do
		theirs=${layer_of[$h]:-}
		if [ -z "$theirs" ]; then
			echo "layers: ${f#"$root"/} includes '$h.h', in no layer of docs/design.md" >&2
			bad=1
		elif [ "$theirs" -gt "$mine" ]; then
			echo "layers: ${f#"$root"/} (layer $mine) includes $h.h (layer $theirs)" >&2
			bad=1
		fi
	done
done
exit $bad
