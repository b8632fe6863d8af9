#!/usr/bin/env bash
# The crate run, not only built, on two cores with no atomic read-modify-write
# (xtask/no-rmw/: one no_std program, its own workspace; docs/verification.md):
#   1. RV32IMC (riscv32imc-unknown-none-elf) as a Linux ELF under
#      `qemu-riscv32 -cpu rv32,a=false`: the A extension off, so an AMO or
#      LR/SC would be SIGILL; the ELF must hold none either;
#   2. Cortex-M0 (thumbv6m-none-eabi) on `qemu-system-arm -machine microbit`
#      (nRF51822), output and exit through semihosting.
# DefaultBackend is PortableAtomics on portable-atomic's critical-section
# feature in both. Prints libtest's summary line and the counts.
source "$(dirname "$0")/../lib.sh"
ensure_apt qemu-user binutils-riscv64-linux-gnu
ensure_target riscv32imc-unknown-none-elf thumbv6m-none-eabi

# qemu-system-arm. Where apt cannot install it without removing a package
# (this image has qemu-utils 10.0 from bookworm-backports, which Breaks the
# qemu-system-common 7.2 that qemu-system-arm needs; ensure_apt never
# removes), the 7.2 binary is taken out of its .deb into target/ with the
# libraries it links, and nothing installed is replaced.
QEMU_ARM=qemu-system-arm
if ! command -v qemu-system-arm >/dev/null && ! ensure_apt qemu-system-arm 2>/dev/null; then
  dir=$PWD/target/qemu-system-arm
  if [ ! -x "$dir/usr/bin/qemu-system-arm" ]; then
    ensure_apt libfdt1 libpmem1 librdmacm1 libibverbs1 libslirp0 libvdeplug2
    rm -rf "$dir" && mkdir -p "$dir"
    (cd "$dir" && apt-get download -qq qemu-system-arm 2>/dev/null && dpkg-deb -x qemu-system-arm_*.deb .)
  fi
  QEMU_ARM=$dir/usr/bin/qemu-system-arm
fi
export CARGO_TARGET_THUMBV6M_NONE_EABI_RUNNER="$QEMU_ARM -machine microbit -nographic -semihosting-config enable=on,target=native -kernel"

cd xtask/no-rmw
cargo fmt --check
log=$(mktemp)
trap 'rm -f "$log"' EXIT
summary=()
for t in riscv32imc-unknown-none-elf thumbv6m-none-eabi; do
  echo "--- $t"
  cargo clippy --release --target $t -- -D warnings
  timeout 300 cargo run --release --target $t | tee "$log" | grep -E '^(test result|FAILED)' || true
  grep -q '^test result: ok' "$log" || { tail -n 20 "$log"; exit 1; }
  summary+=("$t: $(sed -nE 's/^test result: ok\. ([0-9]+) passed.*/\1/p' "$log") checks passed, each at u8, u16 and u32")
done
elf=target/riscv32imc-unknown-none-elf/release/no-rmw
if riscv64-linux-gnu-objdump -d "$elf" | grep -E '[[:space:]](amo[a-z]+|lr|sc)\.[wd]'; then
  echo "$elf holds atomic RMW instructions (above)"; exit 1
fi
printf '%s\n' "${summary[@]}"
