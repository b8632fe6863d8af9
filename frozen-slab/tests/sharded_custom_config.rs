// Copyright (c) 2019 Eliza Weisman
//
// Permission is hereby granted, free of charge, to any person obtaining a copy
// of this software and associated documentation files (the "Software"), to deal
// in the Software without restriction, including without limitation the rights
// to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
// copies of the Software, and to permit persons to whom the Software is
// furnished to do so, subject to the following conditions:
//
// The above copyright notice and this permission notice shall be included in
// all copies or substantial portions of the Software.
//
// THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
// IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
// FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
// AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
// LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
// OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
// THE SOFTWARE.

//! sharded-slab 0.1.7's own test of a custom `Config`
//! (`src/tests/custom_config.rs` of the published crate, MIT, notice above),
//! run against frozen-slab with only the imports changed (`CfgPrivate`,
//! which it prints a config with, from the shim `common/sharded.rs`). Its
//! own description follows.
//!
//! Ensures that a custom config behaves as the default config, until limits are reached.
//! (It guards against a regression in sharded-slab.)
//!
//! Not under loom, as in sharded-slab.
#![cfg(not(frozen_refcount_loom))]

#[path = "common/sharded.rs"]
mod sharded;

use frozen_slab::{Config, Slab};
use sharded::cfg::CfgPrivate;

struct CustomConfig;

#[cfg(target_pointer_width = "64")]
impl Config for CustomConfig {
    const INITIAL_PAGE_SIZE: usize = 32;
    const MAX_PAGES: usize = 15;
    const MAX_THREADS: usize = 256;
    const RESERVED_BITS: usize = 24;
}

#[cfg(not(target_pointer_width = "64"))]
impl Config for CustomConfig {
    const INITIAL_PAGE_SIZE: usize = 16;
    const MAX_PAGES: usize = 6;
    const MAX_THREADS: usize = 128;
    const RESERVED_BITS: usize = 12;
}

// We should repeat actions several times to detect invalid lifecycle changes.
const ITERS: u64 = 5;

#[track_caller]
fn slab_eq(mut lhs: Slab<u64, impl Config>, mut rhs: Slab<u64, impl Config>) {
    let mut lhs_vec = lhs.unique_iter().collect::<Vec<_>>();
    lhs_vec.sort_unstable();
    let mut rhs_vec = rhs.unique_iter().collect::<Vec<_>>();
    rhs_vec.sort_unstable();
    assert_eq!(lhs_vec, rhs_vec);
}

/// Calls `insert(); remove()` multiple times to detect invalid releasing.
/// Initially, it revealed bugs in the `Slot::release_with()` implementation.
#[test]
fn insert_remove() {
    eprintln!("bits={}; config={:#?}", usize::BITS, CustomConfig::debug());

    let default_slab = Slab::<u64, _>::new();
    let custom_slab = Slab::<u64, _>::new_with_config::<CustomConfig>();

    for i in 0..=ITERS {
        let idx = default_slab.insert(i).unwrap();
        assert!(default_slab.remove(idx));

        let idx = custom_slab.insert(i).unwrap();
        assert!(custom_slab.remove(idx));
    }

    slab_eq(custom_slab, default_slab);
}

/// Calls `get()` multiple times to detect invalid ref counting.
/// Initially, it revealed bugs in the `Slot::get()` implementation.
#[test]
fn double_get() {
    eprintln!("bits={}; config={:#?}", usize::BITS, CustomConfig::debug());

    let default_slab = Slab::<u64, _>::new();
    let custom_slab = Slab::<u64, _>::new_with_config::<CustomConfig>();

    for i in 0..=ITERS {
        let idx = default_slab.insert(i).unwrap();
        assert!(default_slab.get(idx).is_some());
        assert!(default_slab.get(idx).is_some());
        assert!(default_slab.remove(idx));

        let idx = custom_slab.insert(i).unwrap();
        assert!(custom_slab.get(idx).is_some());
        assert!(custom_slab.get(idx).is_some());
        assert!(custom_slab.remove(idx));
    }

    slab_eq(custom_slab, default_slab);
}
