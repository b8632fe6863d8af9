#!/usr/bin/env bash
# The library builds for no_std targets: one without 64-bit atomics
# (thumbv7em), and two cores with no atomic read-modify-write at all,
# Cortex-M0/M0+ (thumbv6m, e.g. RP2040) and RV32IMC (riscv32imc, e.g.
# ESP32-C3), where DefaultBackend is PortableAtomics and CoreAtomics does not
# exist (guide::backends in the API docs). Stage 31 runs the crate on the second.
source "$(dirname "$0")/../lib.sh"
ensure_target thumbv7em-none-eabihf thumbv6m-none-eabi riscv32imc-unknown-none-elf
cargo build -p frozen-refcount --lib --target thumbv7em-none-eabihf
cargo build -p frozen-refcount --lib --target thumbv7em-none-eabihf --features portable-atomic

err=$(mktemp)
trap 'rm -f "$err"' EXIT
for t in thumbv6m-none-eabi riscv32imc-unknown-none-elf; do
  echo "--- $t"
  # Without portable-atomic: a compile error that names the feature.
  if cargo build -p frozen-refcount --lib --target "$t" 2>"$err"; then
    echo "$t built without an atomic RMW backend"; exit 1
  fi
  grep -q 'enable the `portable-atomic` feature' "$err" || { cat "$err"; exit 1; }
  # portable-atomic without a way to do an RMW: its own error names both ways.
  if cargo build -p frozen-refcount --lib --target "$t" --features portable-atomic 2>"$err"; then
    echo "$t built with portable-atomic but no critical-section or single-core"; exit 1
  fi
  grep -q 'critical-section' "$err" || { cat "$err"; exit 1; }
  # The two ways a user picks (guide::backends in the API docs).
  cargo build -p frozen-refcount --lib --target "$t" --features portable-atomic,portable-atomic/critical-section
  cargo build -p frozen-refcount --lib --target "$t" --features portable-atomic,portable-atomic/unsafe-assume-single-core
done
