#!/usr/bin/env bash
# AArch64 under qemu-user, three builds (see frozen-refcount/src/backends/README.md):
#   1. +lse on `-cpu max`: ArmLse inline (and ArmDetect compiles to it);
#   2. the default (outline atomics) on `-cpu max`: ArmDetect must pick LSE;
#   3. -outline-atomics on `-cpu cortex-a53` (no LSE): ArmDetect must pick
#      LL/SC, and CoreAtomics is inline LL/SC too.
# FROZEN_REFCOUNT_EXPECT_LSE makes frozen-refcount/tests/backends/ assert the path.
#
# Release with debug assertions: the semantic suites are ~20x slower in a
# debug build under qemu, and debug assertions keep the misuse panics (and
# `#[should_panic]` tests) live. Doctests are skipped (--tests): they would
# need a cross rustdoc runner and test nothing arch-specific.
source "$(dirname "$0")/../lib.sh"
ensure_apt qemu-user gcc-aarch64-linux-gnu libc6-dev-arm64-cross
ensure_target aarch64-unknown-linux-gnu

export CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS=true
TARGET=aarch64-unknown-linux-gnu
QEMU="qemu-aarch64 -L /usr/aarch64-linux-gnu"
total=0
summary=()

# One target dir for the three builds: cargo keys target artifacts by
# RUSTFLAGS, so they live side by side (switching back does not rebuild), and
# the host-side build scripts and proc macros are built once.
run() { # run <label> <rustflags> <qemu -cpu> <expect lse 1|0>
  local label=$1 flags=$2 cpu=$3 expect=$4 log
  log=$(mktemp)
  echo "--- aarch64 [$label]: RUSTFLAGS='$flags', qemu -cpu $cpu, expect LSE=$expect"
  if ! RUSTFLAGS="$flags" \
      CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="$QEMU -cpu $cpu" \
      FROZEN_REFCOUNT_EXPECT_LSE=$expect \
      cargo test -p frozen-refcount -p page-alloc --release --target $TARGET --target-dir target/aarch64 --tests \
        -- --show-output 2>&1 | tee "$log" | grep -E '^(test result|backends:|ArmDetect::uses_lse|error|failures)|panicked'; then
    :
  fi
  if grep -qE '^test result: FAILED|^error' "$log" || ! grep -q '^test result' "$log"; then
    tail -n 60 "$log"; rm -f "$log"; exit 1
  fi
  local n
  n=$(grep -E '^test result: ok' "$log" | sed -E 's/.* ([0-9]+) passed.*/\1/' | awk '{s += $1} END {print s + 0}')
  rm -f "$log"
  summary+=("aarch64 [$label]: $n tests passed")
  total=$((total + n))
}

run "+lse, -cpu max" "-C target-feature=+lse" max 1
run "outline atomics, -cpu max" "" max 1
run "-outline-atomics, -cpu cortex-a53" "-C target-feature=-outline-atomics" cortex-a53 0

printf '%s\n' "${summary[@]}"
echo "aarch64 total: $total tests passed"
