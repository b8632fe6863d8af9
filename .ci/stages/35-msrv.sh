#!/usr/bin/env bash
# The declared rust-version (Cargo.toml) builds the library with every
# feature. Dev-dependencies (criterion, proptest) are newer; only the library
# is promised.
source "$(dirname "$0")/../lib.sh"
msrv=$(sed -n 's/^rust-version = "\(.*\)"/\1/p' Cargo.toml)
rustup toolchain install "$msrv" --profile minimal >/dev/null 2>&1 || rustup toolchain install "$msrv" --profile minimal
CARGO_TARGET_DIR=target/msrv cargo "+$msrv" build --lib -p frozen-refcount --features std,model,portable-atomic
# frozen-slab declares the same rust-version: its library, with and without std.
CARGO_TARGET_DIR=target/msrv cargo "+$msrv" build --lib -p frozen-slab
CARGO_TARGET_DIR=target/msrv cargo "+$msrv" build --lib -p frozen-slab --no-default-features
