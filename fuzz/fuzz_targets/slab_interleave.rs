//! 2-4 real threads run fuzzer-chosen programs on one small frozen-slab; see
//! `frozen_refcount_fuzz::slab_interleave`.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(input) = frozen_refcount_fuzz::slab_interleave::decode(data) {
        frozen_refcount_fuzz::slab_interleave::run(&input);
    }
});
