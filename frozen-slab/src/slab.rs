//! `Slab`: the protocol of a slot's life, on top of the refcount's.
//!
//! A life: `insert` pops a free (frozen) slot, writes the value, `unfreeze(1)`
//! (the slab's own reference; the generation advances), then marks the life
//! present. `get` is a look at the mark (a hint), `try_get`, and the mark
//! again, which decides; an `Entry`'s drop is one `put`. `remove` or `take` clears the mark once and so owns the slab's
//! reference: `remove` puts it, `take` waits to `freeze(1)`. Whoever gets
//! `Put::Last` (or freezes) owns the slot: drops the value and pushes the slot.

use crate::cfg::{CfgPrivate, Config, DefaultConfig};
use crate::entry::{Entry, OwnedEntry, VacantEntry};
use crate::free::FreeList;
use crate::iter::UniqueIter;
use crate::key::Key;
use crate::pages::{Pages, Slots, MAX_SLOTS};
use crate::slot::Slot;
use alloc::sync::Arc;
use core::fmt;
use core::marker::PhantomData;
use frozen_refcount::Put;

/// A lock-free concurrent slab: values behind `usize` keys, with `get` as one
/// atomic add on the slot's refcount.
///
/// The API is sharded-slab's `Slab`; where the semantics differ is listed in
/// [`implementation`](crate::implementation#differences-from-sharded-slab).
/// See the crate root for examples.
///
/// `C` is the [`Config`], as in sharded-slab; of its constants frozen-slab
/// uses only [`RESERVED_BITS`](Config::RESERVED_BITS). It is a type only:
/// it changes neither the slab's size nor its `Send` and `Sync`.
pub struct Slab<T, C: Config = DefaultConfig> {
    pages: Pages<T>,
    free: FreeList,
    /// `fn() -> C`: the configuration is never stored, so it must not make
    /// the slab `!Send`, `!Sync` or drop-checked as if it owned a `C`.
    _cfg: PhantomData<fn() -> C>,
}

// SAFETY: values are moved in by `insert` and dropped or moved out by
// whichever thread releases the last reference (`T: Send`), and shared
// through `Entry` by every thread that gets one (`T: Sync`).
unsafe impl<T: Send + Sync, C: Config> Sync for Slab<T, C> {}
// SAFETY: sending the slab sends the values it owns.
unsafe impl<T: Send, C: Config> Send for Slab<T, C> {}

/// The constructors of a slab with [`DefaultConfig`], as in sharded-slab
/// (where `new` and `new_with_config` are on `Slab<T>` too): a call without
/// a type annotation needs the configuration fixed.
impl<T> Slab<T> {
    const_fn_unless_loom! {
        /// An empty slab. Allocates nothing until the first insert: it is an
        /// array of null page pointers and the free lists' empty heads, so
        /// it is a `const fn` and a slab can be a `static` (whose values are
        /// then never dropped, as statics are not).
        ///
        /// ```
        /// use frozen_slab::Slab;
        ///
        /// static NAMES: Slab<&str> = Slab::new();
        ///
        /// let key = NAMES.insert("hello").unwrap();
        /// assert_eq!(*NAMES.get(key).unwrap(), "hello");
        /// ```
        #[must_use]
        pub fn new() -> Self {
            Self::with_max_slots(MAX_SLOTS)
        }
    }

    const_fn_unless_loom! {
        /// An empty slab with configuration `C`, as sharded-slab's
        /// `new_with_config`: of `C`'s constants, only
        /// [`RESERVED_BITS`](Config::RESERVED_BITS) has an effect. A
        /// `const fn`, as [`new`](Self::new) is. A `C` that reserves more
        /// than 30 bits does not compile.
        ///
        /// ```
        /// use frozen_slab::{Config, Slab};
        ///
        /// struct Reserve4;
        /// impl Config for Reserve4 {
        ///     const RESERVED_BITS: usize = 4;
        /// }
        ///
        /// static TAGGED: Slab<u32, Reserve4> = Slab::new_with_config::<Reserve4>();
        ///
        /// let key = TAGGED.insert(7).unwrap();
        /// assert_eq!(key >> 60, 0);
        /// assert!(TAGGED.contains(key | 0b1010 << 60));
        /// ```
        #[must_use]
        pub fn new_with_config<C: Config>() -> Slab<T, C> {
            Self::with_max_slots_and_config::<C>(MAX_SLOTS)
        }
    }

    const_fn_unless_loom! {
        /// [`with_max_slots`](Self::with_max_slots) with configuration `C`
        /// (see [`new_with_config`](Self::new_with_config)). A separate
        /// constructor rather than a generic `with_max_slots`, so that
        /// `Slab::with_max_slots(n)` keeps its configuration without a type
        /// annotation.
        #[must_use]
        pub fn with_max_slots_and_config<C: Config>(max: usize) -> Slab<T, C> {
            // Evaluates (so checks) `C::RESERVED_BITS` for every slab built
            // with `C`: a bad config is an error at compile time.
            const { C::GENERATION_MASK };
            Slab {
                pages: Pages::new(),
                free: FreeList::new(max),
                _cfg: PhantomData,
            }
        }
    }

    const_fn_unless_loom! {
        /// An empty slab that holds at most `max` values at once (at most
        /// [`MAX_SLOTS`](Self::MAX_SLOTS)): `insert` returns `None` past it,
        /// and may before it by the freed slots that other live threads
        /// keep for their own next `insert`s, at most 16 each (see
        /// [`implementation`](crate::implementation#free-lists-and-shards)).
        /// (sharded-slab sets its limits by a [`Config`] type, whose page
        /// geometry frozen-slab ignores.) A `const fn`, as [`new`](Self::new)
        /// is. With another configuration:
        /// [`with_max_slots_and_config`](Self::with_max_slots_and_config).
        #[must_use]
        pub fn with_max_slots(max: usize) -> Self {
            Self::with_max_slots_and_config::<DefaultConfig>(max)
        }
    }
}

impl<T, C: Config> Slab<T, C> {
    /// The most values a slab can hold: `32 * (2^27 - 1)`, just under 2^32.
    pub const MAX_SLOTS: usize = MAX_SLOTS;

    /// The low bits of a key that the slab uses, as sharded-slab's
    /// `USED_BITS`: `64 - C::RESERVED_BITS`. The bits above are never set
    /// in a key and are ignored by every lookup, so the user may put other
    /// data there ([`Config::RESERVED_BITS`]).
    pub const USED_BITS: usize = usize::BITS as usize - C::RESERVED_BITS;

    /// Inserts a value; its key, or `None` when the slab is full (the value
    /// is then dropped, as in sharded-slab).
    ///
    /// Lock-free: a pop from this thread's free stack (a CAS; or else the
    /// next never-used slot of this thread's run, a new run, or, once the
    /// slab's never-used slots are spent, a steal from another thread's),
    /// the value's write, one store to make the slot live, one to mark it
    /// present.
    pub fn insert(&self, value: T) -> Option<usize> {
        let entry = self.vacant_entry()?;
        let key = entry.key();
        entry.insert(value);
        Some(key)
    }

    /// Reserves a slot and its key before the value exists (a value that
    /// holds its own key). Dropping the `VacantEntry` unused frees the slot
    /// and spends the key: it never names a value, as in sharded-slab.
    pub fn vacant_entry(&self) -> Option<VacantEntry<'_, T, C>> {
        let (index, slot) = self.free.pop(&self.pages)?;
        // The life about to begin: `unfreeze` advances the generation by one.
        let generation = slot.refs.generation().wrapping_add(1);
        Some(VacantEntry::new(
            self,
            slot,
            Key::of_life::<C>(index, generation),
        ))
    }

    /// A guard for the value under `key`, or `None` if the key is not in
    /// the slab (removed, never inserted, or from an earlier life of its slot).
    ///
    /// A key that is not present misses with one load of the slot's mark
    /// and no write. A hit is that load, one `try_get` (one atomic add) and
    /// the mark again; a miss that races a remove or a reuse of the slot
    /// puts the reference back (one more atomic add).
    ///
    /// **A `get` that returns `None` can drop a value.** Its reference is
    /// taken before the re-check; if the value was removed in between and
    /// every other guard let go meanwhile, putting that reference back is
    /// the last put, and this call runs the value's `Drop` (and the slot is
    /// recycled). A panic from that `Drop` propagates out of `get`. Inherent
    /// to a speculative get (the crate's loom models show it happen;
    /// [`implementation`](crate::implementation#what-a-get-that-misses-can-do)
    /// says why). The same holds for [`get_owned`](Self::get_owned).
    #[inline]
    pub fn get(&self, key: usize) -> Option<Entry<'_, T, C>> {
        let slot = self.acquire(Key::unpack::<C>(key))?;
        Some(Entry::new(self, slot, key))
    }

    /// [`get`](Self::get) for an `Arc<Slab>`: the guard keeps the slab alive
    /// and has no lifetime. Like `get`, a call that returns `None` can run
    /// (and propagate a panic from) a removed value's `Drop`.
    pub fn get_owned(self: Arc<Self>, key: usize) -> Option<OwnedEntry<T, C>> {
        let slot = self.acquire(Key::unpack::<C>(key))?.into_raw();
        Some(OwnedEntry::new(self, slot, key))
    }

    /// Whether `key` is in the slab (a snapshot: one Relaxed load, no write).
    pub fn contains(&self, key: usize) -> bool {
        let key = Key::unpack::<C>(key);
        self.pages
            .get(key.index)
            .is_some_and(|slot| slot.is_present(key.generation))
    }

    /// Removes `key`'s value from the slab; `true` if this call removed it.
    ///
    /// Never blocks. The value is dropped now if no `Entry` for it exists,
    /// else by the thread that drops the last one (or by a concurrent `get`
    /// that misses: see [`get`](Self::get)). If the value's `Drop` panics,
    /// the panic propagates to that caller and the slot is still recycled. From now on `get` and
    /// `contains` miss it, and of two concurrent `remove`s one returns `true`.
    pub fn remove(&self, key: usize) -> bool {
        let key = Key::unpack::<C>(key);
        let Some(slot) = self.pages.get(key.index) else {
            return false;
        };
        if !slot.unmark(key.generation) {
            return false;
        }
        // We own the slab's reference to this life (see `Slot::unmark`).
        self.put_own(key.index, slot);
        true
    }

    /// Removes `key`'s value and returns it, waiting (spinning, then
    /// yielding with `std`) until every `Entry` for it is dropped, as
    /// sharded-slab's `take` does. `None` if the key is not in the slab.
    ///
    /// Do not call it while this thread holds an `Entry` for the key: it
    /// would wait forever.
    pub fn take(&self, key: usize) -> Option<T> {
        let key = Key::unpack::<C>(key);
        let slot = self.pages.get(key.index)?;
        if !slot.unmark(key.generation) {
            return None;
        }
        // We hold the slab's reference; the slot is ours once it is the only
        // one. `freeze(1)` is a load of the generation and one CAS (Acquire:
        // every `Entry`'s accesses happen-before, through their Release puts).
        let mut spins = 0u32;
        while !slot.refs.freeze(1) {
            backoff(&mut spins);
        }
        // SAFETY: frozen by us: we own the slot and it holds the value.
        let value = unsafe { slot.read() };
        self.free.push(&self.pages, key.index);
        Some(value)
    }

    /// Iterates over the values, with `&mut` access to the slab (no
    /// concurrent change is possible).
    pub fn unique_iter(&mut self) -> UniqueIter<'_, T, C> {
        UniqueIter::new(self.pages.slots())
    }

    /// Takes a reference to life `key.generation` of slot `key.index`.
    ///
    /// First a Relaxed load of the mark, a hint: a key that is not present
    /// now (removed, stale, never inserted) misses with no write, which
    /// leaves the slot's lines shared in every reader's cache. That answer
    /// is the one `contains` would give at the load, so it is linearizable
    /// there. Then `try_get`, and the mark again, which decides: the life
    /// can have changed between the hint and the `try_get`.
    ///
    /// Why the second load, Relaxed, cannot accept an earlier life: our
    /// `try_get` succeeded in the slot's current life L, and no later life
    /// can begin while we hold the reference. Life L-1's mark was cleared
    /// (by its `remove`/`take`) before its last reference was put (Release),
    /// the slot pushed (Release) and popped (Acquire) and L's `unfreeze`
    /// stored (Release), which our `try_get` acquired: that clearing
    /// happens-before our load, so by coherence we read it or a later value,
    /// all of which belong to life L. Life L's mark is `present(L)` with L
    /// cut to the key's generation field (`Key::of_life`), so a key of
    /// generation `g` matches it only for `g == L` modulo 2^(32 - R), R
    /// the config's `RESERVED_BITS`: an older key that matches is one that
    /// has aliased (the documented bound), never a reference of another life.
    ///
    /// The mark lives in the slot's body, apart from the refcount
    /// (`slot.rs`), so on a hit both loads are reads of a line that only
    /// inserts and removes write.
    #[inline(always)]
    fn acquire(&self, key: Key) -> Option<Slot<'_, T>> {
        crate::slot::acquire!(self, self.pages, key)
    }

    /// `acquire`'s miss after its `try_get`: another life, or removed since
    /// the hint. Gives the reference back; it may be the last (the life
    /// ended while we held it), and then the slot is ours. Out of line:
    /// rare, and it keeps `get`'s hit path short.
    #[cold]
    #[inline(never)]
    fn put_back(&self, index: u32, slot: Slot<'_, T>) {
        self.put(index, slot);
    }

    /// Drops one reference to slot `index`'s current life.
    #[inline(always)]
    pub(crate) fn put(&self, index: u32, slot: Slot<'_, T>) {
        if slot.refs.put() == Put::Last {
            self.release(index, slot);
        }
    }

    /// Drops the slab's own reference to slot `index`'s current life (after
    /// the `unmark` that won it), most often the last one: `put_expecting_last`
    /// makes that last one CAS instead of `put`'s two RMWs, and orders every
    /// guard's accesses before ours as `Put::Last` does.
    #[inline(always)]
    fn put_own(&self, index: u32, slot: Slot<'_, T>) {
        if slot.refs.put_expecting_last() == Put::Last {
            self.release(index, slot);
        }
    }

    /// The last reference is gone: drop the value, recycle the slot.
    ///
    /// The slot is pushed by a guard's drop, so it is recycled even when the
    /// value's `Drop` panics: the panic goes on to the caller (the guard's
    /// drop, `remove`, or a `get` whose put-back was the last), and the value
    /// counts as dropped, as after any panicking `drop_in_place`.
    #[cold]
    fn release(&self, index: u32, slot: Slot<'_, T>) {
        let _recycle = Recycle { slab: self, index };
        // SAFETY: `Put::Last` froze the word: we own the slot and its value.
        unsafe { slot.drop_value() };
    }

    /// Returns a slot whose `VacantEntry` was dropped unused (frozen, owned
    /// by the caller, no value) to the free list, one life later: the life
    /// the entry's key named is spent, so that key never names a value.
    ///
    /// `skip_generation` advances the generation of the frozen word without
    /// a live moment: every `get` with the spent key (or an older one) fails
    /// its `try_get`, nothing waits for anyone, and the next `vacant_entry`
    /// names the life after. Its CAS is Relaxed: no value was written and
    /// none is read; the next owner's `unfreeze` is the Release that
    /// publishes a value, and the free list's push and pop order the
    /// generation bits like every other owner's write.
    pub(crate) fn retire_unused(&self, index: u32, slot: Slot<'_, T>) {
        slot.refs.skip_generation();
        self.free.push(&self.pages, index);
    }
}

/// Pushes slot `index` onto the free list when dropped: `release`'s recycling,
/// which must happen also when the value's `Drop` unwinds.
struct Recycle<'a, T, C: Config> {
    slab: &'a Slab<T, C>,
    index: u32,
}

impl<T, C: Config> Drop for Recycle<'_, T, C> {
    fn drop(&mut self) {
        self.slab.free.push(&self.slab.pages, self.index);
    }
}

/// One turn of `take`'s wait: spin with a growing pause, then yield.
fn backoff(spins: &mut u32) {
    if *spins < 6 {
        for _ in 0..1u32 << *spins {
            frozen_refcount::__sync::spin_hint();
        }
        *spins += 1;
    } else {
        // Under loom the hint is the yield its scheduler needs.
        frozen_refcount::__sync::spin_hint();
        #[cfg(feature = "std")]
        std::thread::yield_now();
    }
}

impl<T> Default for Slab<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T, C: Config> fmt::Debug for Slab<T, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Slab").finish_non_exhaustive()
    }
}

impl<T, C: Config> Drop for Slab<T, C> {
    /// Drops every value, as a `Vec` does: when one value's `Drop` panics,
    /// the rest are still dropped (by a guard, during the unwinding),
    /// then the panic goes on. A second panic during that unwinding aborts
    /// the process (Rust's rule for a panic in a destructor during cleanup),
    /// as for a `Vec`.
    fn drop(&mut self) {
        DropRest(self.pages.slots()).drop_each();
    }
}

/// The slots of a slab being dropped, from the next one on.
struct DropRest<'a, T>(Slots<'a, T>);

impl<T> DropRest<'_, T> {
    /// Drops the value of each slot left that holds one.
    fn drop_each(&mut self) {
        for slot in &mut self.0 {
            // A slot whose word is not frozen holds a value: present, or
            // removed while an `Entry` leaked by `mem::forget` still counts.
            if !slot.refs.is_frozen() {
                // SAFETY: the slab is borrowed `&mut` for its drop: no other
                // access; the value is there, and the iterator has moved past
                // its slot, so it is dropped at most once even if it panics.
                unsafe { slot.drop_value() };
            }
        }
    }
}

impl<T> Drop for DropRest<'_, T> {
    /// Runs only with slots left, i.e. while a value's `Drop` unwinds out of
    /// `drop_each`: drops the rest.
    fn drop(&mut self) {
        self.drop_each();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sets slot 0's refcount to frozen at `generation`: the state the slot
    /// reaches after that many lives, without living them.
    fn fast_forward(slab: &mut Slab<u32>, generation: u32) {
        let slot = slab.pages.slots().next().unwrap();
        // SAFETY: `&mut slab`: no other access.
        unsafe { crate::slot::fast_forward(slot.refs, generation) };
    }

    /// `new` and `with_max_slots` are `const fn`: a slab can be a `static`
    /// and works as one built at run time.
    #[test]
    #[cfg(not(frozen_refcount_loom))]
    fn a_static_slab() {
        static SLAB: Slab<u32> = Slab::new();
        static ONE: Slab<u32> = Slab::with_max_slots(1);
        let key = SLAB.insert(1).unwrap();
        assert_eq!(*SLAB.get(key).unwrap(), 1);
        assert!(SLAB.remove(key) && SLAB.get(key).is_none());
        let key = ONE.insert(2).unwrap();
        assert_eq!(ONE.insert(3), None, "one slot: full");
        assert_eq!(ONE.take(key), Some(2));
        assert!(ONE.insert(4).is_some());
    }

    #[test]
    fn keys_stay_apart_across_the_generation_wrap() {
        let mut slab = Slab::<u32>::with_max_slots(1);
        let first = slab.insert(1).unwrap();
        assert_eq!(first >> 32, 1, "the first life is generation 1");
        assert_eq!(slab.take(first), Some(1));

        fast_forward(&mut slab, u32::MAX - 1);
        let last = slab.insert(2).unwrap();
        assert_eq!(last >> 32, u32::MAX as usize);
        assert!(
            slab.get(first).is_none(),
            "2^32 - 2 lives later, the first key is still stale"
        );
        assert!(slab.remove(last));

        let wrapped = slab.insert(3).unwrap();
        assert_eq!(wrapped >> 32, 0, "the generation wraps to 0");
        for stale in [first, last] {
            assert!(slab.get(stale).is_none() && !slab.contains(stale) && !slab.remove(stale));
        }
        assert_eq!(*slab.get(wrapped).unwrap(), 3);

        // 2^32 lives after the first, its key names the slot again: the
        // documented limit of a 32-bit generation.
        assert!(slab.remove(wrapped));
        let aliased = slab.insert(4).unwrap();
        assert_eq!(aliased, first);
    }
}
