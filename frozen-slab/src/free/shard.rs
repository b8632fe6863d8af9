//! The calling thread's shard, and whether the thread owns it.
//!
//! **The index is a policy.** It picks the stacks a thread tries first and
//! the stack a freed slot goes back to; any index would be sound.
//!
//! **Ownership is not.** Each shard of every slab has a *local* list, plain
//! memory with no atomics, which one thread at a time uses: an insert and
//! a remove by the same thread then cost no atomic step on the free list
//! (sharded-slab's per-thread local free lists, without its thread limit).
//!
//! A thread claims a free index (one of [`SHARDS`]) when it first asks, and
//! gives it up when it exits, from a thread-local's destructor. Each index
//! has an **epoch**, process-wide: even while the index is free, odd while
//! a thread owns it, advanced by one at each claim (an Acquire CAS) and at
//! each exit (a Release store). An owner's epoch names it alone, for good.
//! Threads beyond [`SHARDS`] alive at once own none: they are dealt an
//! index round-robin and use only its atomic stacks.
//!
//! A local list records the epoch of the owner that uses it (`free.rs`):
//! the owner installs its epoch by a CAS on first use, and then needs only
//! a load that finds it there. A list whose epoch is older than its index's
//! current one was left by an exited thread: a steal may lock it (a CAS to
//! a marker), take from it, and unlock it, whether or not a new thread owns
//! the index now (that thread may never use this slab). So the slots in a
//! local list are kept only for a live thread that used the list.
//!
//! Without `std` there is no thread identity: every thread uses index 0
//! and owns nothing. Under loom the model's threads share one OS thread,
//! and so std's thread-locals: each model thread uses index 0 and owns
//! nothing unless the model gives it a shard (`use_shard`, through the
//! hidden `frozen_slab::__loom_use_shard`).

#[cfg(any(feature = "std", frozen_refcount_loom))]
use super::SHARDS;

/// The calling thread's shard index, and its epoch as the index's owner
/// (0: it owns no index).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Current {
    pub(super) index: usize,
    pub(super) epoch: u64,
}

pub(super) use imp::{current, epoch};

#[cfg(all(feature = "std", not(frozen_refcount_loom)))]
mod imp {
    use super::{Current, SHARDS};
    use core::cell::Cell;
    use core::sync::atomic::Ordering::{Acquire, Relaxed, Release};
    use core::sync::atomic::{AtomicU64, AtomicUsize};

    /// Each index's epoch (see the module docs).
    static EPOCHS: [AtomicU64; SHARDS] = [const { AtomicU64::new(0) }; SHARDS];
    /// Threads that found every index owned, process-wide.
    static STRANGERS: AtomicUsize = AtomicUsize::new(0);

    /// `CURRENT` before the thread's first claim.
    const UNSET: Current = Current {
        index: usize::MAX,
        epoch: 0,
    };

    std::thread_local! {
        /// The thread's shard. No destructor, so it stays readable while
        /// the thread's thread-locals are destroyed, and reading it is one
        /// thread-relative load (no state check).
        static CURRENT: Cell<Current> = const { Cell::new(UNSET) };
        /// Ends the claim at thread exit (its destructor). Touched once,
        /// by the claim, which registers the destructor.
        static CLAIM: Claim = const { Claim };
    }

    /// The owner of an index ends its claim when dropped.
    struct Claim;

    impl Drop for Claim {
        /// The thread exits: it becomes a stranger for whatever it still
        /// does (other thread-locals' destructors), its index is free for
        /// the next thread, and its local lists are stale.
        fn drop(&mut self) {
            let Current { index, epoch } = CURRENT.get();
            if epoch != 0 {
                CURRENT.set(Current { index, epoch: 0 });
                // Release: this thread's writes to its local lists (in every
                // slab) happen-before the Acquire of whoever next claims
                // the index or reads its epoch to steal.
                EPOCHS[index].store(epoch + 1, Release);
            }
        }
    }

    /// This thread's shard, fixed for its life.
    #[inline]
    pub(in crate::free) fn current() -> Current {
        let current = CURRENT.get();
        if current.index != usize::MAX {
            return current;
        }
        first()
    }

    /// The thread's first ask: claims an index.
    #[cold]
    fn first() -> Current {
        let mut current = claim_one();
        if current.epoch != 0 && CLAIM.try_with(|_| ()).is_err() {
            // The thread's thread-locals are being destroyed: no destructor
            // would end the claim. Give it back, and be a stranger.
            EPOCHS[current.index].store(current.epoch + 1, Release);
            current.epoch = 0;
        }
        CURRENT.set(current);
        current
    }

    /// The lowest free index, owned; or, if none is free, one dealt
    /// round-robin, not owned.
    #[cold]
    fn claim_one() -> Current {
        for (index, word) in EPOCHS.iter().enumerate() {
            // Relaxed: a guess, skipping owned indices without a write.
            let epoch = word.load(Relaxed);
            // Acquire: pairs with the last owner's Release (see `Claim`).
            if epoch % 2 == 0
                && word
                    .compare_exchange(epoch, epoch + 1, Acquire, Relaxed)
                    .is_ok()
            {
                return Current {
                    index,
                    epoch: epoch + 1,
                };
            }
        }
        // Relaxed: any distinct-enough number will do.
        let index = STRANGERS.fetch_add(1, Relaxed) % SHARDS;
        Current { index, epoch: 0 }
    }

    /// Index `index`'s epoch now: a local list with an older one is stale.
    pub(in crate::free) fn epoch(index: usize) -> u64 {
        // Acquire: pairs with the Release of the exit that made the list
        // stale (or of a later exit, whose claim read it), so its owner's
        // writes to the list happen-before a steal that goes on to lock it.
        EPOCHS[index].load(Acquire)
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
        static CURRENT: Cell<Current> = Cell::new(Current { index: 0, epoch: 0 });
    }

    /// This model thread's shard.
    pub(in crate::free) fn current() -> Current {
        CURRENT.with(Cell::get)
    }

    /// Makes this model thread use shard `index` (modulo the shard count),
    /// as its owner if `owner`. The model must not make two threads owners
    /// of one index.
    pub(crate) fn use_shard(index: usize, owner: bool) {
        let index = index % SHARDS;
        // Odd and distinct per index, as a real owner's.
        let epoch = if owner { 2 * index as u64 + 1 } else { 0 };
        CURRENT.with(|c| c.set(Current { index, epoch }));
    }

    /// The models give indices to threads for good: no list goes stale.
    pub(in crate::free) fn epoch(_: usize) -> u64 {
        0
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
        Current { index: 0, epoch: 0 }
    }

    /// No thread owns an index: no local list holds a slot.
    pub(in crate::free) fn epoch(_: usize) -> u64 {
        0
    }
}
