#!/usr/bin/env bash
# The library builds for a no_std target without 64-bit atomics.
source "$(dirname "$0")/../lib.sh"
ensure_target thumbv7em-none-eabihf
cargo build --lib --target thumbv7em-none-eabihf
cargo build --lib --target thumbv7em-none-eabihf --features portable-atomic
