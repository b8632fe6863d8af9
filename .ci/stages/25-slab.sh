#!/usr/bin/env bash
# frozen-slab (slab/, docs/slab.md): lint and docs, its tests in debug and
# release (the stress at full size), and a build for a bare-metal target
# (no_std + alloc). Its loom models run in stage 50, Miri in stage 51.
source "$(dirname "$0")/../lib.sh"
ensure_target x86_64-unknown-none
cargo clippy -p frozen-slab --all-targets --all-features -- -D warnings
RUSTDOCFLAGS=-Dwarnings cargo doc --no-deps -p frozen-slab
cargo test -p frozen-slab
cargo test -p frozen-slab --release
cargo build -p frozen-slab --no-default-features --target x86_64-unknown-none
