#!/usr/bin/env bash
# RISC-V 64 (RV64GC: AMOs and LR/SC, no Zacas) under qemu-user: every test
# suite of frozen-refcount (frozen-refcount/tests/*: model, semantics, misuse, windows, stress,
# backends, page_alloc, ...; docs/verification.md). The backends of this
# target are CoreAtomics and PortableAtomics (`--features portable-atomic`
# adds the second to every each_counter! test).
#
# Release with debug assertions, --tests, as stage 40 does for aarch64 (and
# for the same reasons: qemu speed, live misuse panics, no cross rustdoc).
source "$(dirname "$0")/../lib.sh"
ensure_apt qemu-user gcc-riscv64-linux-gnu libc6-dev-riscv64-cross
ensure_target riscv64gc-unknown-linux-gnu

export CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS=true
log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "--- riscv64gc [qemu-riscv64, --features portable-atomic]"
cargo test -p frozen-refcount -p page-alloc --release --target riscv64gc-unknown-linux-gnu \
  --target-dir target/riscv64 --features frozen-refcount/portable-atomic --tests 2>&1 | tee "$log" \
  | grep -E '^(test result|error|failures)|Running|panicked' || true
if grep -qE '^test result: FAILED|^error' "$log" || ! grep -q '^test result' "$log"; then
  tail -n 60 "$log"; exit 1
fi
n=$(grep -E '^test result: ok' "$log" | sed -E 's/.* ([0-9]+) passed.*/\1/' | awk '{s += $1} END {print s + 0}')
echo "riscv64 total: $n tests passed"
