#!/usr/bin/env bash
# The asm dumps (asm-dumps/) are up to date with the code and the pinned
# compiler, and the hot-path assertions hold: one RMW and no loop in try_get,
# get and put, the cold paths out of line, one LSE instruction on aarch64+lse,
# Classic's CAS loop kept; frozen-slab's get + drop two RMWs, no loop, no
# inline CAS. Only `--emit asm` of the probe: no linker needed.
# First the checker's own tests (xtask/src/asm/tests.rs): it must still catch
# a load before the RMW, a second locked instruction and a stale dump.
source "$(dirname "$0")/../lib.sh"
ensure_target aarch64-unknown-linux-gnu riscv64gc-unknown-linux-gnu
cargo clippy -p xtask -p asm-probe --all-targets -- -D warnings
cargo test -p xtask
cargo xtask asm --check
