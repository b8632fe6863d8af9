#!/usr/bin/env bash
# Miri: the library, its unit and integration tests and doctests on the
# portable backends (the inline-asm backends compile out under Miri), with the
# model tests scaled down by cfg(miri). Own target dir.
source "$(dirname "$0")/../lib.sh"
ensure_nightly_component miri rust-src
cargo +nightly miri setup
export MIRIFLAGS="${MIRIFLAGS:-}"
cargo +nightly miri test --target-dir target/miri
