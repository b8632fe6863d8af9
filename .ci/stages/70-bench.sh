#!/usr/bin/env bash
# Benchmarks: the criterion suites compile (the root's and frozen-slab's), and
# the comparisons run: the README's (`compare`) and frozen-slab against
# sharded-slab (`compare_slab`, docs/slab-results.md): smoke tests of their
# `--quick` runs, whose figures are printed, not checked, since CI machines
# are shared and noisy. Same profile as the benches, so
# the example reuses their build.
source "$(dirname "$0")/../lib.sh"
cargo bench --workspace --no-run
timeout 300 cargo run --profile bench -p frozen-refcount --example compare -- --quick
out="${CARGO_TARGET_DIR:-target}"
test -s "$out/compare.md"
grep -q "<svg" "$out/compare.svg"
# The rows docs/thread.md quotes: the optimistic cmpxchg at every thread
# count, and the free path (own objects from 1 thread, one raced-on object
# from 2) for every k.
grep -q "^| optimistic cmpxchg | - | 1 |" "$out/compare.md"
grep -q "^The three shapes of get" "$out/compare.md"
grep -q "^free path, k = 0, one object per thread:" "$out/compare.md"
own=$(grep -c "^free path, k = [0-9]*, one object per thread:" "$out/compare.md")
racing=$(grep -c "^free path, k = [0-9]*, one object, all threads racing" "$out/compare.md")
test "$own" -ge 2
[ "$(nproc)" -lt 2 ] || test "$racing" -eq "$own"
grep -q "^The free path: HighBit's time per life" "$out/compare.md"
# The criterion free-path suite, each benchmark run once (`--test`).
timeout 300 cargo bench -p frozen-refcount --bench free_path -- --test
# The hit-rate sweep (docs/results.md#hit-rate-sweep): a few seconds.
timeout 120 cargo run --profile bench -p frozen-refcount --example hit_rate
test -s "$out/hit_rate.md"
grep -q "<svg" "$out/hit_rate.svg"
# frozen-slab against sharded-slab (docs/slab-results.md): a few seconds.
timeout 120 cargo run --profile bench -p frozen-slab --example compare_slab -- --quick
test -s "$out/compare_slab.md"
grep -q "<svg" "$out/compare_slab.svg"
# frozen-slab's Pool against sharded-slab's (create+clear, get; a few
# seconds), and tracing-subscriber's Registry built on each
# (`cargo xtask registry-bench --quick`: two release builds of
# xtask/tracing/registry-bench/, then three interleaved rounds of a few
# seconds; docs/slab-results.md#tracing-subscribers-registry).
timeout 120 cargo run --profile bench -p frozen-slab --example compare_pool -- --quick
test -s "$out/compare_pool.md"
grep -q "<svg" "$out/compare_pool.svg"
timeout 600 cargo xtask registry-bench --quick
grep -q "^| span lifecycle" "$out/registry_bench.md"
grep -q "^| lookup-heavy layer" "$out/registry_bench.md"
# The per-operation figures the docs state, counted, not timed: frozen-slab's
# atomic RMWs per get + drop, insert + remove and create + clear, and no more
# instructions than sharded-slab on each (callgrind and objdump; a few seconds).
ensure_apt valgrind binutils
timeout 300 cargo xtask callgrind-slab --check 20000
