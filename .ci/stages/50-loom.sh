#!/usr/bin/env bash
# Loom models of every race (frozen-refcount/tests/loom/), on the crate's own protocol with
# loom's atomics swapped in by --cfg frozen_refcount_loom (frozen-refcount/src/primitive.rs).
# LOOM_MAX_PREEMPTIONS=3 here; unset it for the exhaustive run (docs/verification.md,
# "Verification"). Own target dir: the cfg changes every crate's build.
source "$(dirname "$0")/../lib.sh"
export RUSTFLAGS="--cfg frozen_refcount_loom"
export LOOM_MAX_PREEMPTIONS=${LOOM_MAX_PREEMPTIONS:-3}
# The code only the loom switch compiles (the models, cfg'd-out tests) is
# linted too; the examples are left out (they use what loom has not).
cargo clippy -p frozen-refcount -p frozen-slab --features frozen-refcount/loom,frozen-slab/loom \
  --lib --tests --target-dir target/loom -- -D warnings
cargo test --release -p frozen-refcount --features loom --test loom --target-dir target/loom
# The slab's models (frozen-slab/tests/loom.rs), on the same switch.
cargo test --release -p frozen-slab --features loom --test loom --target-dir target/loom
# sharded-slab 0.1.7's own loom tests of its Slab and Pool, run against frozen-slab
# (frozen-slab/tests/sharded_loom_{slab,pool}.rs; stage 20 runs them on real threads).
cargo test --release -p frozen-slab --features loom --test sharded_loom_slab --test sharded_loom_pool \
  --target-dir target/loom
