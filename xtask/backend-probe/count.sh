#!/usr/bin/env bash
# Deterministic instruction counts of an uncontended try_get + put round
# (HighBit<u32>) per backend. Needs valgrind (x86_64) and qemu-user +
# gcc-aarch64-linux-gnu (aarch64). Timing under qemu is meaningless; these
# are executed-instruction counts, not times.
#
#   bash tools/backend-probe/count.sh            # both
#   bash tools/backend-probe/count.sh x86_64     # callgrind only
#   bash tools/backend-probe/count.sh aarch64    # qemu only
set -euo pipefail
cd "$(dirname "$0")"
what=${1:-all}

if [ "$what" != aarch64 ]; then
  cargo build -q --release
  for b in core x86asm; do
    ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null --toggle-collect="loop_$b" \
      target/release/backend-probe "$b" 1000000 2>&1 | sed -n 's/.*Collected : //p')
    echo "x86_64 $b: $ir instructions for 1,000,000 rounds"
  done
fi

if [ "$what" != x86_64 ]; then
  export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc
  T=aarch64-unknown-linux-gnu
  build() { RUSTFLAGS="$2" cargo build -q --release --target $T --target-dir "target/$1" 2>/dev/null; }
  build lse "-C target-feature=+lse"
  build outline ""
  build nolse "-C target-feature=-outline-atomics"
  # One instruction per translation block (-singlestep) and every block
  # logged (-d exec,nochain): the number of Trace lines is the number of
  # instructions executed. The difference between 2000 and 1000 rounds,
  # over 1000, is the per-round count, with start-up cancelled out.
  count() {
    local log; log=$(mktemp)
    qemu-aarch64 -L /usr/aarch64-linux-gnu -cpu "$2" -singlestep -d exec,nochain -D "$log" \
      "target/$1/$T/release/backend-probe" "$3" "$4"
    grep -c '^Trace' "$log"; rm -f "$log"
  }
  for combo in "lse max core" "lse max lse" "lse max detect" "lse max llsc" \
      "outline max core" "outline max detect" "outline max llsc" \
      "outline cortex-a53 core" "outline cortex-a53 detect" "outline cortex-a53 llsc" \
      "nolse max core" "nolse max detect" "nolse cortex-a53 core" "nolse cortex-a53 detect"; do
    set -- $combo
    a=$(count "$1" "$2" "$3" 1000); b=$(count "$1" "$2" "$3" 2000)
    echo "aarch64 build=$1 -cpu $2 $3: $(( (b - a) / 1000 )) instructions per round"
  done
fi
