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

//! sharded-slab 0.1.7's own test that a `Config` with `RESERVED_BITS`
//! does not leak memory on insert and remove (`tests/reserved_bits_leak.rs`
//! of the published crate, MIT, notice above), run against frozen-slab
//! with only the imports changed: `memory_stats` is the shim's
//! (`common/sharded.rs`), from `/proc/self/status`, for the
//! `memory-stats` crate's.
//!
//! Not under loom, nor under Miri, whose isolation has no `/proc`.
#![cfg(not(any(frozen_refcount_loom, miri)))]

#[path = "common/sharded.rs"]
mod sharded;

use frozen_slab::Config;
use frozen_slab::Slab;
use sharded::memory_stats::memory_stats;

struct CustomConfig;
impl Config for CustomConfig {
    const RESERVED_BITS: usize = 1; // This is the cause.
}

#[test]
fn reserved_bits_doesnt_leak() {
    let slab = Slab::new_with_config::<CustomConfig>();
    for n in 0..1000 {
        let mem_before = memory_stats().unwrap();
        let key = slab.insert(0).unwrap();
        slab.remove(key);
        let usage = memory_stats().unwrap();
        eprintln!(
            "n: {n:<4}\tkey: {key:#08x} rss: {:>16} vs:{:>16}",
            usage.physical_mem, usage.virtual_mem
        );

        assert_eq!(mem_before.virtual_mem, usage.virtual_mem);
    }
}
