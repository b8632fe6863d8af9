#!/usr/bin/env bash
# Formatting, clippy, docs.
source "$(dirname "$0")/../lib.sh"
cargo fmt --all --check
cargo clippy --all-targets --all-features -- -D warnings
RUSTDOCFLAGS=-Dwarnings cargo doc --no-deps --all-features
