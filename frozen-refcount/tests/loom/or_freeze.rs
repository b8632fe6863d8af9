//! Model (5)'s wrong protocol: a counter whose last `put` freezes with
//! `fetch_or`. `main.rs` runs model (1) on it, and loom must fail it.

use crate::harness::Counter;
use frozen_refcount::Put;
use loom::sync::atomic::AtomicU32;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};

/// Model (5): the `atomic_or` counterexample, kept here and nowhere else. A
/// `HighBit<u32>` layout whose last `put` freezes with `fetch_or(FROZEN)`
/// instead of a CAS from zero. `BLIND` returns `Last` unconditionally (a
/// `try_get` in the window then holds a freed object); otherwise it returns
/// `Last` only if `fetch_or` saw zero (then the object is frozen under the
/// reader's reference and nobody ever gets `Last`: a leak, and a live
/// reference to a frozen object).
pub(crate) struct OrFreeze<const BLIND: bool>(AtomicU32);

const OR_FROZEN: u32 = 1 << 31;

impl<const BLIND: bool> Counter for OrFreeze<BLIND> {
    fn live(count: u32) -> Self {
        OrFreeze(AtomicU32::new(count))
    }
    fn frozen() -> Self {
        OrFreeze(AtomicU32::new(OR_FROZEN))
    }
    fn try_get(&self) -> bool {
        self.0.fetch_add(1, Acquire) & OR_FROZEN == 0
    }
    fn put(&self) -> Put {
        if self.0.fetch_sub(1, Release) != 1 {
            return Put::Kept;
        }
        // THE BUG: an unconditional RMW cannot tell that a try_get got in.
        let old = self.0.fetch_or(OR_FROZEN, Acquire);
        if BLIND || old == 0 {
            Put::Last
        } else {
            Put::Kept
        }
    }
    fn freeze(&self, expected: u32) -> bool {
        self.0
            .compare_exchange(expected, OR_FROZEN, Acquire, Relaxed)
            .is_ok()
    }
    fn unfreeze(&self, count: u32) {
        self.0.store(count, Release)
    }
}
