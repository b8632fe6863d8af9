#!/usr/bin/env bash
# Fuzz smoke run: the fuzz crate's own tests (the put/put ABA replay),
# then each cargo-fuzz target for 60 s on nightly, from its checked-in
# corpus: the refcount's three and frozen-slab's two (slab_model,
# slab_interleave). Any crash fails the stage (cargo fuzz exits non-zero; the
# input is left in fuzz/artifacts/<target>/). Budget: about 7 min once
# cargo-fuzz and nightly are installed.
#
# Build flags: -O is a release build WITHOUT debug assertions (cargo fuzz's
# default turns them on), so the `lifecycle` target's misuse inputs take the
# release-mode paths. `-s none`: the crate is safe code on atomics; the targets
# check logical invariants, and without ASan they run ~5x faster (docs/verification.md).
source "$(dirname "$0")/../lib.sh"

rustup run nightly rustc --version >/dev/null 2>&1 || rustup toolchain install nightly --profile minimal
ensure_cargo_tool cargo-fuzz cargo-fuzz

(cd fuzz && cargo fmt --check)
flags=(-O -s none)
cargo +nightly fuzz build "${flags[@]}"
cargo +nightly test --manifest-path fuzz/Cargo.toml --release

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for t in ops lifecycle interleave slab_model slab_interleave; do
  extra=(-max_len=4096)
  # 2 bytes + 3 programs + a schedule of ~100 steps; the dictionary holds
  # program and schedule fragments (docs/verification.md: it finds the ABA sooner).
  [ "$t" = interleave ] && extra=(-max_len=128 -dict=fuzz/interleave.dict)
  # Up to 4 programs of 48 steps (a few bytes each); real threads per input.
  [ "$t" = slab_interleave ] && extra=(-max_len=512)
  mkdir -p "$work/$t"
  echo "--- fuzz $t (60 s)"
  # New inputs go to the scratch corpus; the checked-in seeds are read only.
  if ! cargo +nightly fuzz run "${flags[@]}" "$t" "$work/$t" "fuzz/corpus/$t" -- \
    -max_total_time=60 -timeout=10 "${extra[@]}" -print_final_stats=1 >"$work/$t.log" 2>&1; then
    tail -n 80 "$work/$t.log"
    echo "fuzz target $t crashed (input in fuzz/artifacts/$t/)"
    exit 1
  fi
  grep -E '^(Done|stat::(number_of_executed_units|average_exec_per_sec|new_units_added))' "$work/$t.log" || true
  grep -E '^#[0-9]+[[:space:]]+DONE' "$work/$t.log" | tail -n 1 || true
done
