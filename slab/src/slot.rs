//! One slot: a `Tagged` refcount, the mark that says which life holds the
//! slab's own reference, the free-list link, and the value.

use core::mem::MaybeUninit;
use core::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use frozen_refcount::__sync::{AtomicU32, AtomicU64, UnsafeCell};
use frozen_refcount::{FrozenRefcount, Tagged};

/// The mark's bit for "this life's value is in the slab" (not yet removed).
const PRESENT: u64 = 1;

/// A slot of the slab. Type-stable: it lives as long as the slab, through
/// every life of every value put in it, so a reader with a stale key can
/// always touch its atomics (never its value) safely.
///
/// - `refs`: frozen while the slot is free (owned by the allocator, or by
///   whoever froze it); live with one reference held by the slab itself
///   (until `remove`/`take`) plus one per `Entry`. Its generation counts
///   lives (one per `unfreeze`), and a key carries it.
/// - `mark`: `generation << 1 | PRESENT` while life `generation` is in the
///   slab; the PRESENT bit is cleared once, by the `remove` or `take` that
///   wins, which thereby owns the slab's reference and drops it.
pub(crate) struct Slot<T> {
    pub(crate) refs: FrozenRefcount<Tagged>,
    mark: AtomicU64,
    /// The next free slot's index while this one is on the free list.
    pub(crate) next_free: AtomicU32,
    value: UnsafeCell<MaybeUninit<T>>,
}

impl<T> Slot<T> {
    pub(crate) fn new() -> Self {
        Slot {
            refs: FrozenRefcount::new_frozen(),
            mark: AtomicU64::new(0),
            next_free: AtomicU32::new(u32::MAX),
            value: UnsafeCell::new(MaybeUninit::uninit()),
        }
    }

    /// Whether life `generation` is in the slab (inserted, not removed).
    ///
    /// Relaxed: the mark only validates; no data is read through it. Why a
    /// Relaxed read by a holder of a reference cannot see an earlier life's
    /// PRESENT is argued at `Slab::acquire`.
    #[inline(always)]
    pub(crate) fn is_present(&self, generation: u32) -> bool {
        self.mark.load(Relaxed) == present(generation)
    }

    /// Whether the slot holds a present value (of any life).
    pub(crate) fn is_present_any(&self) -> bool {
        self.mark.load(Relaxed) & PRESENT != 0
    }

    /// Publishes life `generation` to `remove`, `take` and `contains`.
    ///
    /// Release: after the `unfreeze` of this life, so a remover whose CAS
    /// reads this (Acquire) puts a reference into a live word, never into the
    /// frozen word from before the `unfreeze`.
    pub(crate) fn mark_present(&self, generation: u32) {
        self.mark.store(present(generation), Release);
    }

    /// Clears PRESENT for life `generation`; `true` for the one caller that
    /// does it, which now owns the slab's reference to that life.
    ///
    /// Acquire on success: pairs with `mark_present`'s Release (see there).
    /// Relaxed on failure: nothing is done.
    pub(crate) fn unmark(&self, generation: u32) -> bool {
        self.mark
            .compare_exchange(
                present(generation),
                present(generation) & !PRESENT,
                Acquire,
                Relaxed,
            )
            .is_ok()
    }

    /// Writes the value of a new life.
    ///
    /// # Safety
    /// The caller owns the slot (it is frozen and off the free list) and the
    /// slot holds no value.
    pub(crate) unsafe fn write(&self, value: T) {
        // SAFETY: exclusive by the caller's ownership.
        self.value.with_mut(|p| unsafe { (*p).write(value) });
    }

    /// A shared reference to the value.
    ///
    /// # Safety
    /// The caller holds a reference of the life that wrote the value, and
    /// the returned borrow does not outlive it.
    #[inline(always)]
    pub(crate) unsafe fn value<'a>(&self) -> &'a T {
        // SAFETY: initialised by `write` before the `unfreeze` that the
        // caller's reference acquired; nobody mutates it while a reference
        // is held.
        self.value.with(|p| unsafe { &*(*p).as_ptr() })
    }

    /// Moves the value out.
    ///
    /// # Safety
    /// The caller owns the slot (froze it) and it holds a value.
    pub(crate) unsafe fn read(&self) -> T {
        // SAFETY: exclusive by ownership; the slot is treated as empty after.
        self.value.with_mut(|p| unsafe { (*p).assume_init_read() })
    }

    /// Drops the value in place.
    ///
    /// # Safety
    /// As for [`read`](Self::read).
    pub(crate) unsafe fn drop_value(&self) {
        // SAFETY: as for `read`.
        self.value.with_mut(|p| unsafe { (*p).assume_init_drop() });
    }
}

#[inline(always)]
fn present(generation: u32) -> u64 {
    (generation as u64) << 1 | PRESENT
}
