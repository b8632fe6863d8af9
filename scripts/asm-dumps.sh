#!/usr/bin/env bash
# Regenerate asm-dumps/ (the hot paths' assembly) and its tables:
#
#   scripts/asm-dumps.sh           # rewrite asm-dumps/*.s, asm-dumps/README.md tables, README.md rows
#   scripts/asm-dumps.sh --check   # regenerate into a temp dir, diff -u against the checked-in
#                                  # files and run the hot-path assertions; exit 1 if either fails
#
# Needs: the pinned toolchain (rust-toolchain.toml) with the target
# aarch64-unknown-linux-gnu (`rustup target add aarch64-unknown-linux-gnu`) and
# python3. No linker: only `--emit asm` of the probe library. See
# scripts/asm_dumps.py for what is checked.
set -euo pipefail
cd "$(dirname "$0")/.."
exec python3 scripts/asm_dumps.py "$@"
