#!/usr/bin/env bash
# Benchmarks: the criterion suites compile, and the README's comparison runs
# (a smoke test of `compare --quick`: its figures are printed, not checked,
# since CI machines are shared and noisy). Same profile as the benches, so
# the example reuses their build.
source "$(dirname "$0")/../lib.sh"
cargo bench --no-run
timeout 300 cargo run --profile bench --example compare -- --quick
out="${CARGO_TARGET_DIR:-target}"
test -s "$out/compare.md"
grep -q "<svg" "$out/compare.svg"
# The hit-rate sweep (docs/results.md#hit-rate-sweep): a few seconds.
timeout 120 cargo run --profile bench --example hit_rate
test -s "$out/hit_rate.md"
grep -q "<svg" "$out/hit_rate.svg"
