//! The hot path to read in assembly: `get` + drop of the guard, out of line.
//!
//! ```sh
//! cargo rustc --release -p frozen-slab --example get_asm -- --emit asm -C debuginfo=0
//! # then read `frozen_slab_get_drop` in target/release/examples/get_asm-*.s
//! ```
//!
//! docs/slab.md quotes it for x86_64.

use frozen_slab::Slab;

/// `get` + drop: one `lock xadd` each way, the page and mark loads between.
#[inline(never)]
#[no_mangle]
pub fn frozen_slab_get_drop(slab: &Slab<u64>, key: usize) -> u64 {
    slab.get(key).map_or(0, |e| *e)
}

fn main() {
    let slab = Slab::new();
    let key = slab.insert(5).unwrap();
    assert_eq!(frozen_slab_get_drop(&slab, std::hint::black_box(key)), 5);
    assert_eq!(
        frozen_slab_get_drop(&slab, std::hint::black_box(key ^ 1 << 32)),
        0
    );
}
