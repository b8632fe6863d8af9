//! One slot: a `Tagged` refcount, the mark that says which life holds the
//! slab's own reference, the free-list link, and the value.
//!
//! The refcount and the rest (the [`Body`]) live in two arrays of their page
//! (`pages.rs`), so that the refcount, which every `get` and guard drop
//! writes, shares no cache line with the mark and the value, which a `get`
//! only reads. Under contention on one key, the mark's load and the value's
//! read then hit a line that stays shared in every reader's cache, instead
//! of pulling the refcount's line back (the crate's `implementation` notes,
//! "Type-stable slots").

use core::mem::MaybeUninit;
use core::ops::Deref;
use core::ptr::NonNull;
use core::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use frozen_refcount::__sync::{AtomicU32, AtomicU64, UnsafeCell};
use frozen_refcount::{FrozenRefcount, Tagged};

/// The mark's bit for "this life's value is in the slab" (not yet removed).
const PRESENT: u64 = 1;

/// `get`'s protocol, shared by `Slab::acquire` and `Pool::acquire`: takes
/// a reference to life `key.generation` of slot `key.index` in `$pages`, or
/// returns `None` from the calling function. The mark as a hint (a miss
/// writes nothing), `try_get`, and the mark again, which decides; on a miss
/// after the `try_get`, `$owner.put_back` gets the reference back (it may
/// be the last). The argument for the orderings is at `Slab::acquire`.
///
/// A macro rather than a function: expanded, it is the code `Slab::get`
/// always had, and compiles to the same machine code. (Written as a generic
/// method taking the put-back as a closure, it compiled to the same
/// instructions in another block order and register allocation.)
macro_rules! acquire {
    ($owner:expr, $pages:expr, $key:expr) => {{
        let key = $key;
        let slot = $pages.get(key.index)?;
        if !slot.is_present(key.generation) || !slot.refs.try_get() {
            return None;
        }
        if slot.is_present(key.generation) {
            return Some(slot);
        }
        $owner.put_back(key.index, slot);
        None
    }};
}
pub(crate) use acquire;

/// A slot's refcount.
///
/// Frozen while the slot is free (owned by the allocator, or by whoever
/// froze it); live with one reference held by the slab itself (until
/// `remove`/`take`) plus one per guard. Its generation counts lives (one
/// per `unfreeze`), and a key carries it.
pub(crate) type Refs = FrozenRefcount<Tagged>;

/// A slot of the slab: its refcount and its body, both in a page that lives
/// as long as the slab, through every life of every value put in it, so a
/// reader with a stale key can always touch their atomics (never the value).
pub(crate) struct Slot<'a, T> {
    pub(crate) refs: &'a Refs,
    body: &'a Body<T>,
}

impl<T> Clone for Slot<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Slot<'_, T> {}

impl<'a, T> Slot<'a, T> {
    pub(crate) fn new(refs: &'a Refs, body: &'a Body<T>) -> Self {
        Slot { refs, body }
    }

    /// The slot without its lifetime, for a guard that keeps the slab alive
    /// by other means (`OwnedEntry`'s `Arc`).
    pub(crate) fn into_raw(self) -> RawSlot<T> {
        RawSlot {
            refs: NonNull::from(self.refs),
            body: NonNull::from(self.body),
        }
    }
}

/// A [`Slot`] as two pointers.
pub(crate) struct RawSlot<T> {
    refs: NonNull<Refs>,
    body: NonNull<Body<T>>,
}

impl<T> RawSlot<T> {
    /// # Safety
    /// The slab that holds the slot is alive for `'a`.
    pub(crate) unsafe fn get<'a>(&self) -> Slot<'a, T> {
        // SAFETY: the slot's page lives as long as its slab.
        unsafe {
            Slot {
                refs: self.refs.as_ref(),
                body: self.body.as_ref(),
            }
        }
    }
}

impl<'a, T> Deref for Slot<'a, T> {
    type Target = Body<T>;
    #[inline(always)]
    fn deref(&self) -> &Body<T> {
        self.body
    }
}

/// The part of a slot that a `get` only reads.
///
/// `mark`: `generation << 1 | PRESENT` while life `generation` is in the
/// slab, the generation as the key carries it (cut to the bits the config's
/// `RESERVED_BITS` leave, `Key::of_life`), so that a lookup compares the
/// key's generation field with it as is; the PRESENT bit is cleared once,
/// by the `remove` or `take` that wins, which thereby owns the slab's
/// reference and drops it.
pub(crate) struct Body<T> {
    mark: AtomicU64,
    /// While the slot is on a free stack, the next free slot's index; while
    /// it is taken, the shard whose stack it goes back to (`free.rs`).
    pub(crate) link: AtomicU32,
    value: UnsafeCell<MaybeUninit<T>>,
}

impl<T> Body<T> {
    pub(crate) fn new() -> Self {
        Body {
            mark: AtomicU64::new(0),
            link: AtomicU32::new(u32::MAX),
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

    /// An exclusive reference to the value (a pool's value, reused in place).
    ///
    /// # Safety
    /// The caller owns the slot (froze it, or holds it reserved before its
    /// life is published), it holds a value, and no other borrow of the
    /// value is used while the returned one is.
    #[allow(clippy::mut_from_ref)]
    pub(crate) unsafe fn value_mut<'a>(&self) -> &'a mut T {
        // SAFETY: initialised, and exclusive by the caller's ownership.
        self.value.with_mut(|p| unsafe { &mut *(*p).as_mut_ptr() })
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

/// Sets a frozen refcount's generation: the state its slot reaches after
/// that many lives, without living them (for tests of the generation's wrap).
///
/// # Safety
/// Nobody else accesses the refcount meanwhile (the caller holds the slab
/// or pool `&mut`).
#[cfg(test)]
pub(crate) unsafe fn fast_forward(refs: &Refs, generation: u32) {
    use core::sync::atomic::AtomicU64 as StdAtomicU64;
    assert!(refs.is_frozen());
    let frozen_low = Refs::new_frozen().load_raw() & 0xFFFF_FFFF;
    // SAFETY: `FrozenRefcount<Tagged>` is `repr(transparent)` over an
    // `AtomicU64` (its documented layout); no other access by the caller.
    let word = unsafe { &*(refs as *const Refs).cast::<StdAtomicU64>() };
    word.store((generation as u64) << 32 | frozen_low, Relaxed);
}

#[inline(always)]
fn present(generation: u32) -> u64 {
    (generation as u64) << 1 | PRESENT
}
