//! Which slot an insert takes: recycled slots from a thread's local list
//! and from lock-free stacks with tagged heads, and never-used ("fresh")
//! slots handed out by a bump counter in runs of `RUN`; per thread shard,
//! one local list, one stack, one remote stack and one run.
//!
//! **Why a local list.** A thread that owns its shard's index (`shard.rs`:
//! the first `SHARDS` threads alive at once each own one) frees its own
//! slots to a list that only it touches, plain memory, and takes them back
//! from there first: an insert and a remove by one thread cost no atomic
//! step on the free list, as sharded-slab's per-thread local free lists.
//! The list holds at most `LOCAL_MAX` slots, so a live thread keeps at most
//! that many freed slots from the others; more go on its shard's stack,
//! which every thread can take from. A list records its owner's epoch;
//! once that owner has exited, the index's next owner takes the list over
//! if it uses this slab, and a steal may take from it meanwhile (locking it
//! a moment), whether or not the index has a new owner.
//!
//! **Why a tagged head.** A Treiber stack's pop reads `head`, then the head
//! slot's `link`, then CASes `head` from the first to the second. If
//! between the read and the CAS that slot is popped, reused, and pushed back
//! (with another `link`), a plain index CAS would succeed and install a
//! stale link: ABA. The head is `tag << 32 | index`, and every push and pop
//! advances the tag, so that CAS fails unless 2^32 operations ran inside the
//! window. Per-page free lists would need the same tag on each list (a page's
//! head has the same ABA), so they buy nothing against ABA.
//!
//! **Why a stack and a run per thread shard** (with `std`; without it, one
//! of each for every thread, see `shard`). Two threads that each insert and
//! remove their own values must touch no common cache line: not a common
//! stack head, and not neighbouring slots, whose refcounts (8 bytes each,
//! side by side in their page) would share a line that every `get` and
//! guard drop writes. So:
//!
//! - an insert pops from its own shard's stack first, then takes the next
//!   slot of its own shard's run, then claims a new run of `RUN`
//!   consecutive fresh slots from the counter; only when the counter is
//!   spent (the slab's limit reached) does it steal, from the other shards'
//!   stacks and runs. Runs start at multiples of `RUN`, so two shards' fresh
//!   slots are at least a run apart: 16 refcounts, 128 bytes, no line shared
//!   (and whole lines if the page is aligned, which `pages.rs` makes it).
//! - a slot goes back to the shard that took it (recorded in its `link`
//!   while it is in use), whichever thread frees it, as sharded-slab
//!   returns a slot to its page's shard. A thread that frees the values
//!   another thread inserts (a producer and a consumer) thus gives the
//!   producer its slots back, and the slab does not grow, although the
//!   producer takes fresh slots before stealing.
//! - a slot freed by a thread of another shard goes on the shard's
//!   **remote stack**, a word on a line of its own, and the shard takes
//!   that whole stack in one swap when its own stack is empty (sharded-slab's
//!   local and remote free lists, with atomics on both). So a producer and
//!   a consumer do not fight over one stack head for every value: the
//!   consumer's pushes own the remote word's line, the producer's pops its
//!   head's, and the line moves once per batch. The remote stack is only
//!   pushed to and taken whole, never popped one slot at a time, so it
//!   needs no tag (a Treiber push is immune to ABA; the pop is not).
//!
//! **Nothing is stranded.** A run is one atomic word per shard, `end << 32 |
//! next`, taken one slot at a time by a CAS from any thread: its own
//! shard's, or any other once the counter is spent. So the slots of a run
//! whose threads have exited are taken by the next thread dealt that shard,
//! or stolen when the slab is full otherwise; so are the stacks, remote
//! stacks and exited threads' local lists. With `FreeList::new`'s limit
//! `n`, `n` values fit whichever threads insert them, less the freed slots
//! that live threads keep in their local lists (at most `LOCAL_MAX` each,
//! for the other threads). Unbounded, a shard's unused run (at most
//! `RUN - 1` slots) waits for its shard's next thread: at most
//! `SHARDS * (RUN - 1)` never-used slots so held.
//!
//! A slot moves between stacks (popped from one, pushed to another); a
//! stale pop on the first stack then fails its CAS, whose tag has moved.
//! Reading `link` of a slot that another thread has popped is safe: slots
//! are type-stable (see `pages.rs`) and the link is an atomic; what it holds
//! then (the taker's shard) is discarded with that failed CAS.

use crate::pages::{Pages, MAX_SLOTS};
use crate::slot::Slot;
use core::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use frozen_refcount::__sync::{AtomicU32, AtomicU64, AtomicUsize, UnsafeCell};

mod shard;

#[cfg(frozen_refcount_loom)]
pub(crate) use shard::use_shard;

const NIL: u32 = u32::MAX;

/// A local list's epoch while a steal holds it: above every owner's.
const LOCKED: u64 = u64::MAX;

/// Shards per slab: threads beyond this many alive at once share them.
const SHARDS: usize = 16;

/// Fresh slots a shard claims at once: 16 refcounts of 8 bytes, two
/// 64-byte cache lines.
const RUN: usize = 16;

/// The most slots a local list holds; more go on the shard's stack, where
/// other threads can take them.
const LOCAL_MAX: u32 = RUN as u32;

/// A value alone on its cache line pair (adjacent-line prefetch included).
#[repr(align(128))]
struct Padded<T>(T);

/// One shard's free slots. `local`, `head` and `run` share a line: the
/// shard's own inserts touch them, in that order. `remote`, which other
/// shards' threads write, has a line of its own.
struct Shard {
    /// The local list: slots freed by the thread that owns this shard's
    /// index, for it alone (`shard.rs`), at most `LOCAL_MAX`.
    local: UnsafeCell<Local>,
    /// Whose the local list is: the epoch of the owner that used it last
    /// (0: none yet), or `LOCKED` while a steal takes from it.
    epoch: AtomicU64,
    /// `tag << 32 | index` of the top free slot (`NIL`: empty).
    head: AtomicU64,
    /// `end << 32 | next`: fresh slots `next..end`, claimed for this shard
    /// and not yet taken (none if `next >= end`). It only grows: a new run
    /// starts past every earlier one, so a word never repeats (no ABA).
    run: AtomicU64,
    /// The top of the slots freed to this shard by other shards' threads
    /// (`NIL`: none), linked through their `link`s. Taken whole.
    remote: Padded<AtomicU32>,
}

/// A local list: its top slot (`NIL`: empty), linked through the slots'
/// `link`s, and its length.
struct Local {
    top: u32,
    len: u32,
}

pub(crate) struct FreeList {
    shards: [Padded<Shard>; SHARDS],
    /// The first slot index no run has claimed.
    unused: Padded<AtomicUsize>,
    /// One more than the highest shard ever given a slot or a run: how
    /// many shards a steal scans. Written once per new shard.
    used: Padded<AtomicUsize>,
    /// How many slots may be used at all.
    limit: usize,
}

impl FreeList {
    const_fn_unless_loom! {
        /// Every stack and run empty, no slot used yet, at most `limit`
        /// slots, or `MAX_SLOTS` (`< 2^32`) if `limit` is more: the limit
        /// of a slab's or pool's `with_max_slots`.
        pub(crate) fn new(limit: usize) -> Self {
            FreeList {
                shards: array_of!(
                    Padded(Shard {
                        local: UnsafeCell::new(Local { top: NIL, len: 0 }),
                        epoch: AtomicU64::new(0),
                        head: AtomicU64::new(NIL as u64),
                        run: AtomicU64::new(0),
                        remote: Padded(AtomicU32::new(NIL)),
                    });
                    SHARDS
                ),
                unused: Padded(AtomicUsize::new(0)),
                used: Padded(AtomicUsize::new(1)),
                // `Ord::min` is not `const`.
                limit: if limit < MAX_SLOTS { limit } else { MAX_SLOTS },
            }
        }
    }

    /// A free slot and its index, now owned by the caller (its refcount is
    /// frozen), or `None` when every slot up to the limit is in use (or
    /// looked so: a slot freed, or a run installed, on another shard during
    /// the final scan can be missed, and live threads' local lists are
    /// theirs).
    ///
    /// Its own local list (if the thread owns its shard), the shard's stack
    /// and remote stack, its run, a new run, and only then the other
    /// shards' stacks, remote stacks, runs and stale local lists (the module
    /// docs say why).
    pub(crate) fn pop<'a, T>(&self, pages: &'a Pages<T>) -> Option<(u32, Slot<'a, T>)> {
        let current = shard::current();
        let own = current.index;
        // The local list first, on a short path of its own.
        if self.is_mine(own, current.epoch) {
            // SAFETY: the list is this thread's (`is_mine`).
            if let Some((index, slot)) = unsafe { self.pop_local(own, pages) } {
                // Relaxed: as below.
                slot.link.store(own as u32, Relaxed);
                return Some((index, slot));
            }
        }
        self.pop_shared(own, pages)
    }

    /// `pop` past the local list: the shard's stack and remote stack, its
    /// run, a new run, a steal.
    #[inline(never)]
    fn pop_shared<'a, T>(&self, own: usize, pages: &'a Pages<T>) -> Option<(u32, Slot<'a, T>)> {
        let (index, slot) = match self.pop_from(own, pages) {
            Some(popped) => popped,
            None => match self
                .take_from_run(own)
                .or_else(|| self.claim_run(own, pages))
            {
                Some(index) => (index, pages.get_or_alloc(index)),
                None => self.steal(own, pages)?,
            },
        };
        // Relaxed: the slot is ours; whoever frees it reads this after
        // taking the slot over from us (the value's release and the last
        // put's acquire, or the thread that holds it), and any value would
        // be sound: it only picks a stack.
        slot.link.store(own as u32, Relaxed);
        Some((index, slot))
    }

    /// The counter is spent: a slot from any shard's stack or run.
    #[cold]
    fn steal<'a, T>(&self, own: usize, pages: &'a Pages<T>) -> Option<(u32, Slot<'a, T>)> {
        // Relaxed: a policy hint; a shard missed here costs a `None` on a
        // slab that was full a moment ago, never a wrong answer.
        let shards = self.used.0.load(Relaxed);
        for i in 0..shards {
            let shard = (own + i) % shards;
            if let Some(popped) = self.pop_from(shard, pages) {
                return Some(popped);
            }
            if let Some(index) = self.take_from_run(shard) {
                return Some((index, pages.get_or_alloc(index)));
            }
            if let Some(popped) = self.steal_local(shard, pages) {
                return Some(popped);
            }
        }
        None
    }

    /// Whether `shard`'s local list is the caller's, whose epoch as the
    /// owner of index `shard` is `epoch` (0: it owns no index): its epoch
    /// is installed on the list, or the caller installs it now.
    ///
    /// A load that finds the epoch there is enough: only its owner writes
    /// it, and no steal moves it while the owner lives (a steal moves only
    /// an epoch older than the index's current one, and the index's epoch
    /// is the owner's until it exits).
    #[inline]
    fn is_mine(&self, shard: usize, epoch: u64) -> bool {
        if epoch == 0 {
            return false;
        }
        // Relaxed: see above; on a hit, the list's earlier accesses are
        // this thread's own, or ordered before it by the install below.
        let seen = self.shards[shard].0.epoch.load(Relaxed);
        seen == epoch || self.install(shard, epoch, seen)
    }

    /// `is_mine`'s first use of a list by an owner: the list is a former
    /// owner's (or was never used); takes it unless a steal holds it.
    #[cold]
    fn install(&self, shard: usize, epoch: u64, seen: u64) -> bool {
        // Acquire: pairs with the Release unlock of the last steal, and the
        // former owner's accesses come before our claim of the index (its
        // exit's Release, our claim's Acquire). Fails while a steal holds
        // the list (`LOCKED`): we use the atomic stacks this time.
        let installed = seen != LOCKED
            && self.shards[shard]
                .0
                .epoch
                .compare_exchange(seen, epoch, Acquire, Relaxed)
                .is_ok();
        if installed {
            // Before the list holds a slot, so that a steal scans it.
            self.mark_used(shard);
        }
        installed
    }

    /// The top slot of `shard`'s local list, if that list is stale (its
    /// owner has exited; a new owner of the index may exist and not have
    /// used it): locks the list, pops, unlocks.
    fn steal_local<'a, T>(&self, shard: usize, pages: &'a Pages<T>) -> Option<(u32, Slot<'a, T>)> {
        let word = &self.shards[shard].0.epoch;
        // Acquire, inside `shard::epoch`: the exited owner's accesses to
        // the list happen-before our lock.
        let current = shard::epoch(shard);
        // Relaxed: re-checked by the CAS.
        let seen = word.load(Relaxed);
        if seen == 0 || seen == LOCKED || seen >= current {
            return None;
        }
        // Acquire: pairs with the Release unlock of an earlier steal.
        // Against the index's new owner, one CAS from `seen` wins.
        word.compare_exchange(seen, LOCKED, Acquire, Relaxed).ok()?;
        // SAFETY: locked: no owner's `is_mine` passes (the word is not its
        // epoch, and its install fails), no other steal's CAS succeeds.
        let popped = unsafe { self.pop_local(shard, pages) };
        // Release: our accesses happen-before whoever takes the list next
        // (its Acquire CAS from `seen`).
        word.store(seen, Release);
        popped
    }

    /// Pops the top slot of `shard`'s local list.
    ///
    /// # Safety
    ///
    /// The list is the caller's for the whole call: its epoch is installed
    /// on it (`is_mine`), or the caller's steal holds it locked.
    #[inline]
    unsafe fn pop_local<'a, T>(
        &self,
        shard: usize,
        pages: &'a Pages<T>,
    ) -> Option<(u32, Slot<'a, T>)> {
        self.shards[shard].0.local.with_mut(|local| {
            // SAFETY: the list is the caller's, so no other thread touches
            // it; every earlier access happens-before (program order, or
            // the Release and Acquire of a hand-over: `install`,
            // `steal_local`).
            let local = unsafe { &mut *local };
            if local.top == NIL {
                return None;
            }
            let index = local.top;
            let slot = pages.get(index).expect("a freed slot's page exists");
            // Relaxed: written by whoever pushed the slot here, ordered
            // before us as the list is (see above).
            local.top = slot.link.load(Relaxed);
            local.len -= 1;
            Some((index, slot))
        })
    }

    /// Pushes `slot` (number `index`, owned by the caller) on `shard`'s
    /// local list; `false`, doing nothing, if the list is full.
    ///
    /// # Safety
    ///
    /// As for `pop_local`.
    #[inline]
    unsafe fn push_local<T>(&self, shard: usize, slot: Slot<'_, T>, index: u32) -> bool {
        self.shards[shard].0.local.with_mut(|local| {
            // SAFETY: as in `pop_local`.
            let local = unsafe { &mut *local };
            if local.len == LOCAL_MAX {
                return false;
            }
            // Relaxed: read only by whoever has the list next (see
            // `pop_local`).
            slot.link.store(local.top, Relaxed);
            local.top = index;
            local.len += 1;
            true
        })
    }

    fn pop_from<'a, T>(&self, shard: usize, pages: &'a Pages<T>) -> Option<(u32, Slot<'a, T>)> {
        let head_word = &self.shards[shard].0.head;
        // Acquire: pairs with the Release of the push that put the slot
        // there, so the caller sees the slot as its last owner left it (the
        // value dropped, the link written).
        let mut head = head_word.load(Acquire);
        while head as u32 != NIL {
            let index = head as u32;
            // Relaxed: the push that wrote this link happens-before our
            // Acquire of its head; a later write (the slot taken, its shard
            // recorded, pushed again) comes with a new tag, and the CAS
            // below fails.
            let slot = pages.get(index).expect("a pushed slot's page exists");
            let next = slot.link.load(Relaxed);
            let new = (head >> 32).wrapping_add(1) << 32 | next as u64;
            // Acquire on both outcomes: on failure `head` is re-read as by
            // the load above.
            match head_word.compare_exchange_weak(head, new, Acquire, Acquire) {
                Ok(_) => return Some((index, slot)),
                Err(actual) => head = actual,
            }
        }
        self.take_remote(shard, pages)
    }

    /// `shard`'s stack is empty: takes its remote stack whole, keeps the top
    /// slot and puts the rest on the stack. Out of line: the own stack's pop
    /// stays short.
    #[cold]
    #[inline(never)]
    fn take_remote<'a, T>(&self, shard: usize, pages: &'a Pages<T>) -> Option<(u32, Slot<'a, T>)> {
        let remote = &self.shards[shard].0.remote.0;
        // Relaxed: most often there is nothing to take, and a read costs
        // less than a swap that would take the line from the pushers.
        if remote.load(Relaxed) == NIL {
            return None;
        }
        // Acquire: pairs with the Release of every push onto the remote
        // stack (each push's CAS reads the one before it: one release
        // sequence), so we see each slot as its freer left it, links
        // included.
        let top = remote.swap(NIL, Acquire);
        if top == NIL {
            return None;
        }
        let slot = pages.get(top).expect("a pushed slot's page exists");
        // Relaxed: written before the push we acquired; the slot is ours.
        let rest = slot.link.load(Relaxed);
        if rest != NIL {
            self.push_chain(shard, pages, rest);
        }
        Some((top, slot))
    }

    /// The next slot of `shard`'s run, if any.
    fn take_from_run(&self, shard: usize) -> Option<u32> {
        let run = &self.shards[shard].0.run;
        // Relaxed, load and CAS: the run only deals out distinct indices. A
        // fresh slot is as its page was made (frozen, empty), published by
        // `Pages::get_or_alloc`'s Release and Acquire, not by this word.
        let mut word = run.load(Relaxed);
        loop {
            if word as u32 >= (word >> 32) as u32 {
                return None;
            }
            match run.compare_exchange_weak(word, word + 1, Relaxed, Relaxed) {
                Ok(_) => return Some(word as u32),
                Err(actual) => word = actual,
            }
        }
    }

    /// Claims the next run of fresh slots from the counter: returns its
    /// first slot and leaves the rest as `own`'s run. `None` when the
    /// counter has reached the limit.
    #[cold]
    fn claim_run<T>(&self, own: usize, pages: &Pages<T>) -> Option<u32> {
        // Relaxed: the counter only deals out distinct runs (see
        // `take_from_run`). A CAS rather than an add: a full slab's inserts
        // leave it at the limit, and runs start at multiples of `RUN`.
        let mut start = self.unused.0.load(Relaxed);
        let end = loop {
            if start >= self.limit {
                return None;
            }
            let end = (start + RUN).min(self.limit);
            match self
                .unused
                .0
                .compare_exchange_weak(start, end, Relaxed, Relaxed)
            {
                Ok(_) => break end,
                Err(actual) => start = actual,
            }
        };
        let (start, end) = (start as u32, end as u32);
        if start + 1 < end {
            self.mark_used(own);
            let run = &self.shards[own].0.run;
            let rest = (end as u64) << 32 | (start + 1) as u64;
            // Relaxed: as in `take_from_run`. Installed only over an empty
            // run; another thread of this shard can have installed one
            // since we found it empty, and then ours goes on the stack
            // (rare: only threads that share a shard meet here).
            let old = run.load(Relaxed);
            let empty = old as u32 >= (old >> 32) as u32;
            if !(empty && run.compare_exchange(old, rest, Relaxed, Relaxed).is_ok()) {
                for index in (start + 1..end).rev() {
                    self.link_onto(own, index, pages.get_or_alloc(index));
                }
            }
        }
        Some(start)
    }

    /// Counts `shard` in the ones a steal scans.
    #[inline]
    fn mark_used(&self, shard: usize) {
        // Relaxed: the hint of `steal`. The CAS loop keeps it monotonic.
        let mut used = self.used.0.load(Relaxed);
        while used <= shard {
            match self
                .used
                .0
                .compare_exchange_weak(used, shard + 1, Relaxed, Relaxed)
            {
                Ok(_) => break,
                Err(actual) => used = actual,
            }
        }
    }

    /// Returns slot `index`, owned by the caller, to the shard that took
    /// it: to its local list if the caller owns that shard (and the list
    /// has room), to its stack if the caller is another of its threads, else
    /// to its remote stack.
    ///
    /// It looks the slot up again rather than take it from the caller: a
    /// `Slot` argument would be one more register carried across the hot
    /// `get` + drop for its cold last-`put` call (seen in the x86_64
    /// assembly of `get` + drop).
    pub(crate) fn push<T>(&self, pages: &Pages<T>, index: u32) {
        let slot = pages.get(index).expect("a used slot's page exists");
        // Relaxed: written by `pop` for the slot's taker, which
        // happens-before we own it (see there). Any value is sound (it
        // picks a stack); `% SHARDS` keeps it in range.
        let shard = slot.link.load(Relaxed) as usize % SHARDS;
        let current = shard::current();
        if shard != current.index {
            self.mark_used(shard);
            self.push_remote(shard, slot, index);
        // SAFETY: the list is this thread's (`is_mine`).
        } else if !(self.is_mine(shard, current.epoch)
            && unsafe { self.push_local(shard, slot, index) })
        {
            self.mark_used(shard);
            self.link_onto(shard, index, slot);
        }
    }

    /// Pushes `slot` (number `index`, owned by the caller) on `shard`'s
    /// remote stack.
    fn push_remote<T>(&self, shard: usize, slot: Slot<'_, T>, index: u32) {
        let remote = &self.shards[shard].0.remote.0;
        // Relaxed: a guess, re-checked by the CAS.
        let mut top = remote.load(Relaxed);
        loop {
            // Relaxed: published by the Release CAS below.
            slot.link.store(top, Relaxed);
            // Release: everything the caller did to the slot (and this
            // link) happens-before the taker's Acquire swap. No tag: the
            // stack is never popped one slot at a time, and a push whose
            // CAS sees `top` again links to the slot that is on top then.
            match remote.compare_exchange_weak(top, index, Release, Relaxed) {
                Ok(_) => return,
                Err(actual) => top = actual,
            }
        }
    }

    /// Puts the chain of slots from `first` (linked through their `link`s,
    /// ending in `NIL`, all owned by the caller) on `shard`'s stack.
    ///
    /// The stack was empty when the caller looked: the chain becomes the
    /// stack with one CAS. Only if something was pushed since is the chain
    /// walked to its end, to link that end to the stack.
    fn push_chain<T>(&self, shard: usize, pages: &Pages<T>, first: u32) {
        let head_word = &self.shards[shard].0.head;
        // Relaxed: a guess, re-checked by the CAS.
        let head = head_word.load(Relaxed);
        let new = (head >> 32).wrapping_add(1) << 32 | first as u64;
        // Release: as in `link_onto`, for the whole chain (whose slots we
        // acquired from their freers: the popper's Acquire sees their work
        // through us).
        if head as u32 == NIL
            && head_word
                .compare_exchange(head, new, Release, Relaxed)
                .is_ok()
        {
            return;
        }
        self.push_chain_slow(shard, pages, first);
    }

    /// `push_chain` onto a stack that is not empty.
    #[cold]
    fn push_chain_slow<T>(&self, shard: usize, pages: &Pages<T>, first: u32) {
        let slot_of = |index| pages.get(index).expect("a pushed slot's page exists");
        // The chain's last slot. Relaxed: the links were published to us.
        let mut last = slot_of(first);
        loop {
            let next = last.link.load(Relaxed);
            if next == NIL {
                break;
            }
            last = slot_of(next);
        }
        self.link_onto(shard, first, last);
    }

    /// Puts the chain from slot `first` to slot `last` (one slot if they
    /// are the same; owned by the caller) on top of `shard`'s stack.
    fn link_onto<T>(&self, shard: usize, first: u32, last: Slot<'_, T>) {
        let head_word = &self.shards[shard].0.head;
        // Relaxed: a guess, re-checked by the CAS.
        let mut head = head_word.load(Relaxed);
        loop {
            // Relaxed: published by the Release CAS below.
            last.link.store(head as u32, Relaxed);
            let new = (head >> 32).wrapping_add(1) << 32 | first as u64;
            // Release: everything the caller did to the slots (a value
            // dropped or moved out; for a chain, what its freers did, which
            // we acquired) happens-before the next pop's Acquire.
            match head_word.compare_exchange_weak(head, new, Release, Relaxed) {
                Ok(_) => return,
                Err(actual) => head = actual,
            }
        }
    }
}

/// The layout `Shard`'s doc promises (`free/tests.rs`).
#[cfg(all(test, not(frozen_refcount_loom)))]
mod tests;
