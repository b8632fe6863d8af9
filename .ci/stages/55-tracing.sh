#!/usr/bin/env bash
# frozen-slab as a drop-in for sharded-slab in its main user: tracing-subscriber
# 0.3.23's own tests, every target and every feature but valuable (its
# published package, downloaded by cargo, with tracing-mock from crates.io,
# which the package drops) on
# sharded-slab, then with sharded-slab patched to frozen-slab
# (xtask/tracing/shim/). Prints the table; fails if a test that passes on
# sharded-slab does not on frozen-slab, if the patched graph is not on this
# repository's frozen-slab, or if it resolves loom. Then 5000 threads alive at
# once, each in an entered span on tracing's Registry: sharded-slab refuses
# the 4,097th, frozen-slab must hold all. Builds in target/tracing/: from an
# empty one (xtask already built, crates downloaded), about 130 s on 2 cores.
source "$(dirname "$0")/../lib.sh"
cargo xtask tracing
cargo xtask tracing-threads
