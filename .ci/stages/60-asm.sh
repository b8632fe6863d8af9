#!/usr/bin/env bash
# The asm dumps (asm-dumps/) are up to date with the code and the pinned
# compiler, and the hot-path assertions hold: one RMW and no loop in try_get,
# get and put, the cold paths out of line, one LSE instruction on aarch64+lse,
# Classic's CAS loop kept. Only `--emit asm` of the probe: no linker needed.
source "$(dirname "$0")/../lib.sh"
ensure_target aarch64-unknown-linux-gnu
command -v python3 >/dev/null 2>&1 || ensure_apt python3
cargo clippy -p asm-probe -- -D warnings
scripts/asm-dumps.sh --self-test
scripts/asm-dumps.sh --check
