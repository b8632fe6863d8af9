//! What `cargo xtask callgrind` (and `callgrind-slab`) counts: callgrind
//! collects only inside [`callgrind_counted`] (`--toggle-collect=*callgrind_counted*`),
//! whatever module or crate calls it. A comparison's `--callgrind N` runs
//! its loop once through [`run_counted`]; the instructions of the loop and
//! of what it calls are counted, plus a few of the call itself, the same
//! for every row.

use crate::pool::Job;

/// Calls `f`: the one function whose instructions (and its callees') the
/// callgrind commands count, found by this name. Not inlined, so that it
/// stays a function callgrind can see; nothing else may have this name in
/// its own.
#[inline(never)]
pub fn callgrind_counted<R>(f: impl FnOnce() -> R) -> R {
    f()
}

/// Runs thread 0's part of `job` on this thread, counted
/// ([`callgrind_counted`]).
pub fn run_counted(job: &Job) {
    callgrind_counted(|| job(0))
}
