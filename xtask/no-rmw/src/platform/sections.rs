//! Counting the critical sections portable-atomic takes: one per atomic
//! operation (load, store or RMW) on a core without atomic RMW.

use core::cell::Cell;

/// A `Cell` in a static: touched only inside a critical section (M0: with
/// interrupts masked) or by the one thread of the process (RV32 Linux).
struct Shared<T>(T);
// SAFETY: see above: never two accesses at once on these single-core,
// single-thread programs.
unsafe impl<T> Sync for Shared<T> {}

static SECTIONS: Shared<Cell<u64>> = Shared(Cell::new(0));
static INSIDE: Shared<Cell<bool>> = Shared(Cell::new(false));

/// Entering a section: counted; nesting fails (the protocol never nests).
pub fn enter() {
    assert!(!INSIDE.0.replace(true), "nested critical section");
    SECTIONS.0.set(SECTIONS.0.get() + 1);
}

/// Leaving it.
pub fn leave() {
    INSIDE.0.set(false);
}

/// The critical sections `f` took.
pub fn count<R>(f: impl FnOnce() -> R) -> (R, u64) {
    let before = SECTIONS.0.get();
    let r = f();
    (r, SECTIONS.0.get() - before)
}
