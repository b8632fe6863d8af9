#!/usr/bin/env bash
# Instructions per uncontended try_get+put pair, for every row of `compare`,
# counted by callgrind: deterministic, unlike the timings. Only the pair loop
# (`common::pairs`) is counted, so the figure is the loop body per pair.
#
#   bash benches/callgrind.sh            # N = 100000 pairs per row
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-100000}
cargo build --profile bench --example compare >&2
bin=target/release/examples/compare
out=target/callgrind
rm -rf "$out" && mkdir -p "$out"
echo "| row | instructions per pair |"
echo "|---|--:|"
k=0
"$bin" --callgrind "$N" | while read -r row; do
  valgrind --tool=callgrind --toggle-collect='compare::common::pairs*' \
    --callgrind-out-file="$out/row$k.out" "$bin" --callgrind "$N" --row "$k" </dev/null 2>/dev/null
  ir=$(sed -n 's/^summary: //p' "$out/row$k.out")
  awk -v r="$row" -v ir="$ir" -v n="$N" 'BEGIN { printf "| %s | %.2f |\n", r, ir / n }'
  k=$((k + 1))
done
