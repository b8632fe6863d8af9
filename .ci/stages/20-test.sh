#!/usr/bin/env bash
# The README's test command (every crate of the workspace: the refcount,
# frozen-slab, the allocator demo, the tooling), then the refcount in release
# (the release-mode misuse tests) and with the portable-atomic backend.
source "$(dirname "$0")/../lib.sh"
cargo test --workspace
cargo test --release -p frozen-refcount
cargo test -p frozen-refcount --features portable-atomic
