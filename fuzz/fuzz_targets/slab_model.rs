//! frozen-slab against a sequential model, with panicking drops, vacant
//! entries and garbage keys; see `frozen_refcount_fuzz::slab_model`.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(input) = frozen_refcount_fuzz::slab_model::decode(data) {
        frozen_refcount_fuzz::slab_model::run(&input);
    }
});
