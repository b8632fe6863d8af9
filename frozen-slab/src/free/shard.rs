//! The calling thread's shard, and whether the thread owns it.
//!
//! **The index is a policy.** It picks the stacks a thread tries first and
//! the stack a freed slot goes back to; any index would be sound.
//!
//! **Ownership is not.** Each shard of every slab has a *local* list, plain
//! memory with no atomics, which only the thread that owns the shard's
//! index touches: an insert and a remove by the same thread then cost no
//! atomic step on the free list (sharded-slab's per-thread local free
//! lists, without its thread limit). Ownership is process-wide: a thread
//! claims a free index (one of [`SHARDS`]) when it first asks, with an
//! Acquire CAS on that index's flag, and gives it up when it exits, with a
//! Release store from a thread-local destructor. So at most one thread at a
//! time owns an index, and whatever the last owner left in a local list
//! happens-before the next owner's first look at it. Threads beyond
//! [`SHARDS`] own none: they are dealt an index round-robin and use only
//! its atomic stacks, as every thread did before local lists existed.
//!
//! A steal may hold an index for a moment ([`borrow`]) when no thread owns
//! it, to take the slots an exited thread left in its local lists.
//!
//! Without `std` there is no thread identity: every thread uses index 0
//! and owns nothing. Under loom the model's threads share one OS thread,
//! and so std's thread-locals: each model thread uses index 0 and owns
//! nothing unless the model gives it a shard (`use_shard`, through the
//! hidden `frozen_slab::__loom_use_shard`).

#[cfg(any(feature = "std", frozen_refcount_loom))]
use super::SHARDS;

/// The calling thread's shard index, and whether the thread owns it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Current {
    pub(super) index: usize,
    pub(super) owner: bool,
}

pub(super) use imp::{borrow, current};

#[cfg(all(feature = "std", not(frozen_refcount_loom)))]
mod imp {
    use super::{Current, SHARDS};
    use core::cell::Cell;
    use core::sync::atomic::Ordering::{Acquire, Relaxed, Release};
    use core::sync::atomic::{AtomicBool, AtomicUsize};

    /// Whether index `i` is owned (by a live thread, or borrowed by a steal).
    static OWNED: [AtomicBool; SHARDS] = [const { AtomicBool::new(false) }; SHARDS];
    /// Threads that found every index owned, process-wide.
    static STRANGERS: AtomicUsize = AtomicUsize::new(0);

    /// A thread's claim: not made yet, or an index and the owner bit.
    struct Claim(Cell<usize>);

    const UNSET: usize = usize::MAX;
    const OWNER: usize = 1 << 16;

    impl Drop for Claim {
        /// The thread exits: its index is free for the next thread.
        fn drop(&mut self) {
            let claim = self.0.get();
            if claim != UNSET && claim & OWNER != 0 {
                // Release: this thread's writes to the index's local lists
                // (in every slab) happen-before the next owner's Acquire.
                OWNED[claim & !OWNER].store(false, Release);
            }
        }
    }

    std::thread_local! {
        static CLAIM: Claim = const { Claim(Cell::new(UNSET)) };
    }

    /// This thread's shard, fixed for its life.
    #[inline]
    pub(in crate::free) fn current() -> Current {
        CLAIM
            .try_with(|c| {
                let mut claim = c.0.get();
                if claim == UNSET {
                    claim = claim_one();
                    c.0.set(claim);
                }
                Current {
                    index: claim & !OWNER,
                    owner: claim & OWNER != 0,
                }
            })
            // The thread is exiting and its claim is gone (a slab used from
            // another thread-local's destructor): a stranger.
            .unwrap_or(Current {
                index: 0,
                owner: false,
            })
    }

    /// The lowest free index, owned; or, if none is free, one dealt
    /// round-robin, not owned.
    #[cold]
    fn claim_one() -> usize {
        for (i, owned) in OWNED.iter().enumerate() {
            // Acquire: pairs with the last owner's Release (see `Claim`).
            // The Relaxed load first skips owned indices without a write.
            if !owned.load(Relaxed)
                && owned
                    .compare_exchange(false, true, Acquire, Relaxed)
                    .is_ok()
            {
                return i | OWNER;
            }
        }
        // Relaxed: any distinct-enough number will do.
        STRANGERS.fetch_add(1, Relaxed) % SHARDS
    }

    /// Index `i` held by a steal; given back when dropped.
    pub(in crate::free) struct Borrowed(usize);

    impl Drop for Borrowed {
        fn drop(&mut self) {
            // Release: as a `Claim`'s, for what the steal took.
            OWNED[self.0].store(false, Release);
        }
    }

    /// Holds index `i` if no thread owns it, so that its local lists can be
    /// read.
    pub(in crate::free) fn borrow(i: usize) -> Option<Borrowed> {
        // Acquire: as in `claim_one`.
        OWNED[i]
            .compare_exchange(false, true, Acquire, Relaxed)
            .ok()
            .map(|_| Borrowed(i))
    }
}

/// Under loom: the shard each model thread was given ([`use_shard`]),
/// index 0 and no owner by default. A loom thread-local, so each of the
/// model's threads has its own.
#[cfg(frozen_refcount_loom)]
mod imp {
    use super::{Current, SHARDS};
    use core::cell::Cell;

    loom::thread_local! {
        static CURRENT: Cell<Current> = Cell::new(Current {
            index: 0,
            owner: false,
        });
    }

    /// This model thread's shard.
    pub(in crate::free) fn current() -> Current {
        CURRENT.with(Cell::get)
    }

    /// Makes this model thread use shard `index` (modulo the shard count),
    /// as its owner if `owner`. The model must not make two threads owners
    /// of one index.
    pub(crate) fn use_shard(index: usize, owner: bool) {
        CURRENT.with(|c| {
            c.set(Current {
                index: index % SHARDS,
                owner,
            })
        });
    }

    /// Never made: the models give indices to threads for good.
    pub(in crate::free) enum Borrowed {}

    /// Nothing to borrow (see `Borrowed`).
    pub(in crate::free) fn borrow(_: usize) -> Option<Borrowed> {
        None
    }
}

#[cfg(frozen_refcount_loom)]
pub(crate) use imp::use_shard;

#[cfg(all(not(feature = "std"), not(frozen_refcount_loom)))]
mod imp {
    use super::Current;

    /// Index 0, owned by no thread (see the module docs).
    #[inline]
    pub(in crate::free) fn current() -> Current {
        Current {
            index: 0,
            owner: false,
        }
    }

    /// Never made: nothing is owned, so no local list holds a slot.
    pub(in crate::free) enum Borrowed {}

    /// Nothing to borrow: no local list holds a slot.
    pub(in crate::free) fn borrow(_: usize) -> Option<Borrowed> {
        None
    }
}
