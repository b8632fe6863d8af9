#!/usr/bin/env bash
# ThreadSanitizer over the real-thread stress tests: frozen-refcount/tests/tsan_stress.rs
# (non-atomic data ordered only by the counter) and frozen-refcount/tests/stress.rs. std is
# rebuilt instrumented (-Zbuild-std). --cfg frozen_refcount_tsan swaps
# Classic's acquire fence, which TSan does not model, for an Acquire load
# (std's Arc trick). Own target dir.
source "$(dirname "$0")/../lib.sh"
ensure_nightly_component rust-src
export RUSTFLAGS="-Zsanitizer=thread --cfg frozen_refcount_tsan"
export RUSTDOCFLAGS="$RUSTFLAGS"
export TSAN_OPTIONS="halt_on_error=1 abort_on_error=0 exitcode=66"
cargo +nightly test -Zbuild-std --target x86_64-unknown-linux-gnu \
  --target-dir target/tsan -p frozen-refcount --test tsan_stress --test stress
