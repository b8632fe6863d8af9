#!/usr/bin/env bash
# The README's test command, then release (the release-mode misuse tests) and
# the portable-atomic backend.
source "$(dirname "$0")/../lib.sh"
cargo test
cargo test --release
cargo test --features portable-atomic
