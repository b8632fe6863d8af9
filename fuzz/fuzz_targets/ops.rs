//! One counter of a fuzzer-chosen encoding and width against the sequential
//! model; see `frozen_refcount_fuzz::ops`.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: frozen_refcount_fuzz::ops::Input| {
    frozen_refcount_fuzz::ops::run(&input);
});
