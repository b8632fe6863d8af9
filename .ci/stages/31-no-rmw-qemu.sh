#!/usr/bin/env bash
# The crate run, not only built, on a core with no atomic read-modify-write:
# xtask/no-rmw/ (a no_std ELF for riscv32imc-unknown-none-elf, its own
# workspace) under qemu-riscv32 with the A extension off (`-cpu rv32,a=false`:
# an AMO or LR/SC would be SIGILL). DefaultBackend is PortableAtomics on
# portable-atomic's critical-section feature. Prints libtest's summary line
# and the count; the ELF must hold no AMO or LR/SC instruction at all.
#
# Why not qemu-system-arm -machine microbit (Cortex-M0): see
# docs/verification.md ("No-RMW cores").
source "$(dirname "$0")/../lib.sh"
ensure_apt qemu-user binutils-riscv64-linux-gnu
ensure_target riscv32imc-unknown-none-elf
cd xtask/no-rmw
cargo fmt --check
cargo clippy --release -- -D warnings
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo run --release | tee "$log" | grep -E '^(test result|FAILED)' || true
grep -q '^test result: ok' "$log" || { tail -n 20 "$log"; exit 1; }
elf=target/riscv32imc-unknown-none-elf/release/no-rmw
if riscv64-linux-gnu-objdump -d "$elf" | grep -E '[[:space:]](amo[a-z]+|lr|sc)\.[wd]'; then
  echo "$elf holds atomic RMW instructions (above)"; exit 1
fi
n=$(sed -nE 's/^test result: ok\. ([0-9]+) passed.*/\1/p' "$log")
echo "riscv32imc (qemu-riscv32 -cpu rv32,a=false): $n checks passed, each at u8, u16 and u32"
