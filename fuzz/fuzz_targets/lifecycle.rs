//! Many counters and lives, every reference a token, misuse through the
//! release-mode paths; see `frozen_refcount_fuzz::lifecycle`. Build with
//! `cargo fuzz build -O` (no debug assertions), as `.ci/stages/80-fuzz.sh` does.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: frozen_refcount_fuzz::lifecycle::Input| {
    frozen_refcount_fuzz::lifecycle::run(&input);
});
