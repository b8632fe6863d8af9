#!/usr/bin/env bash
# Miri: the library, doctests and the integration tests that fit the budget,
# on the portable backends (the inline-asm backends compile out under Miri).
# Miri's race detector and weak-memory emulation run on the real-thread tests
# (tsan_stress: non-atomic data ordered only by the counter; stress). The
# model and semantics tests are scaled down by cfg(miri).
# Own target dir.
source "$(dirname "$0")/../lib.sh"
ensure_nightly_component miri rust-src
cargo +nightly miri setup
export MIRIFLAGS="${MIRIFLAGS:-}"
cargo +nightly miri test -p frozen-refcount --target-dir target/miri --lib \
  --test model --test tsan_stress --test stress --test misuse \
  --test semantics --test windows
cargo +nightly miri test -p frozen-refcount --target-dir target/miri --doc
# frozen-slab: every test (the stress and the model scaled down by cfg(miri)).
cargo +nightly miri test --target-dir target/miri -p frozen-slab
