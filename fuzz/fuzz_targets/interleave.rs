//! 2-5 logical threads on the real protocol, one atomic step at a time in an
//! order the fuzzer picks; see `frozen_refcount_fuzz::interleave`.
//! `FROZEN_REFCOUNT_FUZZ_ABA=crash` makes the put/put ABA of the untagged
//! encodings a crash too (the ABA hunt).
#![no_main]
use frozen_refcount_fuzz::interleave::{is_crash, run, Scenario};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let sc = Scenario::decode(data);
    if let Err(v) = run(&sc) {
        if is_crash(&sc, &v) {
            panic!("{v}\n{sc:?}");
        }
    }
});
