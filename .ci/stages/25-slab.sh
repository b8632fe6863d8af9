#!/usr/bin/env bash
# frozen-slab (frozen-slab/, docs/slab.md): lint and docs, its tests in release
# (stage 20 ran them in debug with the workspace), its tests without `std`
# (one shared shard, no local lists, on real threads), and a build for a
# bare-metal target (no_std + alloc). Its loom models run in stage 50, Miri
# in stage 51.
source "$(dirname "$0")/../lib.sh"
ensure_target x86_64-unknown-none
cargo clippy -p frozen-slab --all-targets --all-features -- -D warnings
RUSTDOCFLAGS=-Dwarnings cargo doc --no-deps -p frozen-slab
cargo test -p frozen-slab --release
cargo test -p frozen-slab --release --no-default-features
cargo build -p frozen-slab --no-default-features --target x86_64-unknown-none
