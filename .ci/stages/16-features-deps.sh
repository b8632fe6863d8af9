#!/usr/bin/env bash
# The two published crates under every combination of their features
# (cargo-hack), built against the oldest versions of their dependencies that
# their Cargo.toml allows (-Z minimal-versions), and the workspace's
# dependency tree checked for licences, banned or duplicate crates and
# sources (cargo-deny, deny.toml). cargo-deny's advisories are not checked:
# they need the advisory database from GitHub, and this machine reaches only
# the package registries.
source "$(dirname "$0")/../lib.sh"
ensure_cargo_tool cargo-hack cargo-hack
ensure_cargo_tool cargo-deny cargo-deny
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal

# `loom` is left out: without --cfg frozen_refcount_loom it compiles nothing.
cargo hack check --feature-powerset --exclude-features loom --no-dev-deps -p frozen-refcount -p frozen-slab \
  --target-dir target/hack

# The oldest allowed versions: a lockfile resolved by nightly's
# -Z minimal-versions, the libraries built by the pinned toolchain with every
# feature. The repository's lockfile is put back afterwards.
cp Cargo.lock target/Cargo.lock.saved
trap 'cp target/Cargo.lock.saved Cargo.lock' EXIT
cargo +nightly update -Z minimal-versions --quiet
cargo check --lib -p frozen-refcount -p frozen-slab --all-features --target-dir target/minimal
cargo check --lib -p frozen-refcount -p frozen-slab --target-dir target/minimal
cp target/Cargo.lock.saved Cargo.lock
trap - EXIT

cargo deny --all-features check licenses bans sources
