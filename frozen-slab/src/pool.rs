//! A lock-free concurrent object pool: [`Pool`], and its guards.
//!
//! A pool is a [`Slab`](crate::Slab) whose values outlive their keys: each
//! slot's value is made once (`Default`) and then reused, cleared in place
//! ([`Clear`]) between lives, so that the memory it owns is allocated once.
//! It shares the slab's storage, free lists, keys and `get`. The API is
//! sharded-slab's `Pool` (with its guards in this module, and
//! [`Clear`] at the crate root), so switching is a change of
//! import.
//!
//! # Where it differs from sharded-slab
//!
//! As for the slab (see the crate docs): keys carry a 32-bit generation,
//! there is no thread limit, of a [`Config`]'s constants only
//! [`RESERVED_BITS`](Config::RESERVED_BITS) has an effect (the capacity is
//! [`Pool::with_max_slots`]), guards never fail for being too many, and a
//! `get` that misses can be the one that clears a value. Besides:
//!
//! - **`Pool<T>: Sync` needs `T: Send + Sync`**, and so do the owned
//!   guards' `Send` and `Sync` (sharded-slab: `T: Sync`), since whichever
//!   thread drops the last guard clears the value.
//! - **Keys name lives 2 to 2^32 - 1 of a slot** (generation 0 marks a
//!   slot that never held a value): a stale key is refused until its slot
//!   has been reused 2^32 - 2 times. With `RESERVED_BITS = R` the key
//!   carries the life's number modulo 2^(32 - R): a stale key is refused
//!   until its slot has been reused 2^(32 - R) times, or 2^(32 - R) - 2
//!   times when those lives span the wrap of the slot's 32-bit count (once
//!   every 2^32 - 2 lives), where the numbers 0 and 1 are skipped.
//! - **`clear` of a key still held by its [`RefMut`] returns `false`**: the
//!   key is not in the pool until the guard is dropped or downgraded, as
//!   for `get`. (sharded-slab returns `false` on a slot never used before;
//!   on a reused slot it returns `true` and clears the value under the
//!   guard.)
//! - **A panic in [`Pool::create_with`]'s `init` retires the slot**: the
//!   key, which the caller never saw, names no value (sharded-slab puts the
//!   half-made value in the pool under it).
//! - **A poisoned `Mutex` or `RwLock` is cleared**, and unpoisoned, where
//!   sharded-slab's `Clear` panics on it.
//! - **Values are made when a slot is first used**, not for a whole page
//!   of slots at once.
//! - **`no_std` + `alloc`**: the pool needs no `std`; the `Clear`
//!   implementations for `HashMap`, `HashSet`, `Mutex` and `RwLock` come
//!   with the `std` feature.
//!
//! What is the same: `create` and the guards, `clear` never blocks and the
//! last guard clears the value on its own thread, `Clear::clear` may use
//! the pool again, and a panicking `Clear::clear` propagates to the thread
//! that ran it and costs the pool that slot (never reused; its value is
//! dropped with the pool). A key is never `usize::MAX` (its low 32 bits
//! are a slot index below [`Pool::MAX_SLOTS`]), so `key + 1` never
//! overflows.

mod guards;

pub use guards::{OwnedRef, OwnedRefMut, Ref, RefMut};

use crate::cfg::{CfgPrivate, Config, DefaultConfig};
use crate::clear::Clear;
use crate::free::FreeList;
use crate::key::Key;
use crate::pages::{Pages, Slots, MAX_SLOTS};
use crate::slot::Slot;
use alloc::sync::Arc;
use core::fmt;
use core::marker::PhantomData;
use core::mem;
use frozen_refcount::Put;

/// A lock-free concurrent object pool: values behind `usize` keys that are
/// cleared and reused rather than dropped, with [`get`](Self::get) as one
/// atomic add on the slot's refcount, as in [`Slab`](crate::Slab).
///
/// Where a `Slab` drops a removed value, a pool keeps it: the first value
/// of a slot is `T::default()`, and when a key is [cleared](Self::clear)
/// and its last guard is gone, its value is reset with [`Clear::clear`]
/// and handed out again by a later [`create`](Self::create), with the
/// allocations it had (a `String`'s buffer, a `HashMap`'s table).
///
/// The API is sharded-slab's `Pool`, so switching is a change of import;
/// where the semantics differ is listed in the [module docs](self).
///
/// # Example
///
/// ```
/// use frozen_slab::Pool;
///
/// let pool: Pool<String> = Pool::new();
///
/// // Make a value in place; the key names it.
/// let key = pool.create_with(|s| s.push_str("hello")).unwrap();
/// assert_eq!(*pool.get(key).unwrap(), "hello");
///
/// // Or hold it mutably first: nobody else can reach it meanwhile.
/// let mut guard = pool.create().unwrap();
/// let other = guard.key();
/// assert!(pool.get(other).is_none());
/// guard.push_str("world");
/// drop(guard); // now it is in the pool
/// assert_eq!(*pool.get(other).unwrap(), "world");
///
/// // Clearing never blocks: a held guard keeps the value until it is
/// // dropped, and the last guard clears it in place.
/// let held = pool.get(key).unwrap();
/// assert!(pool.clear(key));
/// assert!(pool.get(key).is_none());
/// assert_eq!(*held, "hello");
/// drop(held); // cleared here, its buffer kept
///
/// // The slot is reused under a new key, with the same allocation.
/// let again = pool.create().unwrap();
/// assert_ne!(again.key(), key);
/// assert!(again.is_empty() && again.capacity() >= 5);
/// ```
///
/// `C` is the [`Config`], as in sharded-slab; of its constants frozen-slab
/// uses only [`RESERVED_BITS`](Config::RESERVED_BITS). It is a type only:
/// it changes neither the pool's size nor its `Send` and `Sync`.
pub struct Pool<T, C = DefaultConfig>
where
    T: Clear + Default,
    C: Config,
{
    pages: Pages<T>,
    free: FreeList,
    /// As in `Slab`: never stored, so no effect on auto traits.
    _cfg: PhantomData<fn() -> C>,
}

// SAFETY: values are made and cleared by whichever thread creates them or
// drops their last reference (`T: Send`), and shared through `Ref` by every
// thread that gets one (`T: Sync`).
unsafe impl<T: Clear + Default + Send + Sync, C: Config> Sync for Pool<T, C> {}
// SAFETY: sending the pool sends the values it owns.
unsafe impl<T: Clear + Default + Send, C: Config> Send for Pool<T, C> {}

/// The constructors of a pool with [`DefaultConfig`], as in sharded-slab:
/// a call without a type annotation needs the configuration fixed.
impl<T: Clear + Default> Pool<T> {
    const_fn_unless_loom! {
        /// An empty pool. Allocates nothing until the first create. A
        /// `const fn`, as [`Slab::new`](crate::Slab::new) is.
        #[must_use]
        pub fn new() -> Self {
            Self::with_max_slots(MAX_SLOTS)
        }
    }

    const_fn_unless_loom! {
        /// An empty pool with configuration `C`, as sharded-slab's
        /// `new_with_config`: of `C`'s constants, only
        /// [`RESERVED_BITS`](Config::RESERVED_BITS) has an effect. A `C`
        /// that reserves more than 30 bits does not compile.
        #[must_use]
        pub fn new_with_config<C: Config>() -> Pool<T, C> {
            Self::with_max_slots_and_config::<C>(MAX_SLOTS)
        }
    }

    const_fn_unless_loom! {
        /// An empty pool that holds at most `max` values at once (at most
        /// [`MAX_SLOTS`](Self::MAX_SLOTS)): `create` returns `None` past it,
        /// and may before it by the freed slots that other live threads
        /// keep for their own next `create`s, at most 16 each (see
        /// [`implementation`](crate::implementation#free-lists-and-shards)).
        /// (sharded-slab sets its limits by a [`Config`] type, whose page
        /// geometry frozen-slab ignores.)
        #[must_use]
        pub fn with_max_slots(max: usize) -> Self {
            Self::with_max_slots_and_config::<DefaultConfig>(max)
        }
    }

    const_fn_unless_loom! {
        /// [`with_max_slots`](Self::with_max_slots) with configuration `C`,
        /// as [`Slab::with_max_slots_and_config`](crate::Slab::with_max_slots_and_config).
        #[must_use]
        pub fn with_max_slots_and_config<C: Config>(max: usize) -> Pool<T, C> {
            // As for the slab: a bad `C` does not compile.
            const { C::GENERATION_MASK };
            Pool {
                pages: Pages::new(),
                free: FreeList::new(max),
                _cfg: PhantomData,
            }
        }
    }
}

impl<T: Clear + Default, C: Config> Pool<T, C> {
    /// The most values a pool can hold at once: `32 * (2^27 - 1)`, just
    /// under 2^32, as for [`Slab`](crate::Slab::MAX_SLOTS).
    pub const MAX_SLOTS: usize = MAX_SLOTS;

    /// The low bits of a key that the pool uses, as sharded-slab's
    /// `Pool::USED_BITS`: `64 - C::RESERVED_BITS` (see
    /// [`Slab::USED_BITS`](crate::Slab::USED_BITS)).
    pub const USED_BITS: usize = usize::BITS as usize - C::RESERVED_BITS;

    /// Takes a value from the pool for a new key and returns a guard with
    /// exclusive access to it; `None` when the pool is full.
    ///
    /// The value is a cleared one from an earlier life of the slot, or
    /// `T::default()` for a slot never used. While the `RefMut` exists the
    /// key is not in the pool yet: [`get`](Self::get) misses it and
    /// [`clear`](Self::clear) returns `false`. Dropping the guard puts the
    /// value in the pool; [`RefMut::downgrade`] does so and keeps a shared
    /// guard.
    pub fn create(&self) -> Option<RefMut<'_, T, C>> {
        let (slot, key) = self.reserve()?;
        Some(RefMut::new(self, slot, key))
    }

    /// [`create`](Self::create) for an `Arc<Pool>`: the guard keeps the
    /// pool alive and has no lifetime, so it can be stored or sent.
    pub fn create_owned(self: Arc<Self>) -> Option<OwnedRefMut<T, C>> {
        let (slot, key) = self.reserve()?;
        let slot = slot.into_raw();
        Some(OwnedRefMut::new(self, slot, key))
    }

    /// Takes a value from the pool, lets `init` fill it in, puts it in the
    /// pool and returns its key; `None` when the pool is full (`init` is
    /// then not called).
    ///
    /// If `init` panics, the panic propagates and the slot is retired: its
    /// key never names a value, the slot is not handed out again, and its
    /// value is dropped with the pool.
    pub fn create_with(&self, init: impl FnOnce(&mut T)) -> Option<usize> {
        let (slot, key) = self.reserve()?;
        // SAFETY: reserved: the slot is ours and holds a value.
        init(unsafe { slot.value_mut() });
        self.publish(slot, key, 1);
        Some(key.pack())
    }

    /// A guard for the value under `key`, or `None` if the key is not in
    /// the pool (cleared, never created, still held by its `RefMut`, or
    /// from an earlier life of its slot).
    ///
    /// As [`Slab::get`](crate::Slab::get): a miss on a key that is not
    /// present is one load and no write; a hit is that load, one atomic add
    /// (`try_get`) and the load again.
    ///
    /// **A `get` that returns `None` can clear a value.** Its reference is
    /// taken before the re-check; if the key was cleared in between and
    /// every other guard let go meanwhile, putting that reference back is
    /// the last put, and this call runs the value's [`Clear::clear`] (a
    /// panic from it propagates out of `get`). The same holds for
    /// [`get_owned`](Self::get_owned).
    #[inline]
    pub fn get(&self, key: usize) -> Option<Ref<'_, T, C>> {
        let slot = self.acquire(Key::unpack::<C>(key))?;
        Some(Ref::new(self, slot, key))
    }

    /// [`get`](Self::get) for an `Arc<Pool>`: the guard keeps the pool
    /// alive and has no lifetime, so it can be stored or sent.
    pub fn get_owned(self: Arc<Self>, key: usize) -> Option<OwnedRef<T, C>> {
        let slot = self.acquire(Key::unpack::<C>(key))?.into_raw();
        Some(OwnedRef::new(self, slot, key))
    }

    /// Takes `key` out of the pool; `true` if this call did (of two
    /// concurrent `clear`s of a key, one returns `true`).
    ///
    /// Never blocks. From now on `get` misses the key. The value is cleared
    /// in place ([`Clear::clear`]) now if no guard for it exists, else by
    /// the thread that drops the last one (or by a `get` that misses: see
    /// [`get`](Self::get)), and its slot is then reused by a later
    /// `create`. `Clear::clear` may use the pool, on other keys.
    ///
    /// If `Clear::clear` panics, the panic propagates to the thread that
    /// ran it and the slot is retired: never handed out again, its value
    /// (as the panic left it) dropped with the pool. A panic there while
    /// that thread is already unwinding (a guard dropped by a panic)
    /// aborts, as any panic in a destructor during unwinding does.
    pub fn clear(&self, key: usize) -> bool {
        let key = Key::unpack::<C>(key);
        // `unmark` succeeds once per life, and its winner owns the pool's
        // reference to the life (`Body::unmark`: its Acquire pairs with
        // `publish`'s Release, so the `put` lands on the live word).
        match self
            .pages
            .get(key.index)
            .filter(|s| s.unmark(key.generation))
        {
            Some(slot) => {
                // Most often the last reference: one CAS, not `put`'s two
                // RMWs, with `Put::Last`'s ordering (`put_expecting_last`).
                if slot.refs.put_expecting_last() == Put::Last {
                    self.release(key.index, slot);
                }
                true
            }
            None => false,
        }
    }

    /// A slot for a new life, owned by the caller (frozen, off the free
    /// list), holding a value, and the key the life will have.
    ///
    /// **Generation 0 means "no value".** A slot's refcount starts frozen at
    /// generation 0, and only a slot that never held a value is there: the
    /// first value is written, then the generation skipped to 1, before
    /// anyone else can see the slot; a life is never numbered 0 (the wrap
    /// skips from `u32::MAX` over 0 to 1). So lives are numbered from 2 to
    /// `u32::MAX`, the slot's value exists iff its generation is not 0, and
    /// `Drop` needs no other record.
    ///
    /// These are the refcount's generations, all 32 bits, whatever the
    /// config: the key carries the life's number cut to `32 - R` bits
    /// (`Key::of_life`, R the config's `RESERVED_BITS`), and the mark the
    /// same. A key's generation may then be 0 or 1 (life `2^(32 - R)`,
    /// say): harmless, since "no value" is read from the refcount, never
    /// from a key or a mark. What the skip costs a narrow field: lives go
    /// round every `2^32 - 2`, which is not a multiple of `2^(32 - R)`, so
    /// across the wrap the key's generation jumps from `2^(32 - R) - 1`
    /// (life `u32::MAX`) to 2 (the next life, 2), skipping 0 and 1: a key
    /// whose `2^(32 - R)` following lives span the wrap aliases after
    /// `2^(32 - R) - 2` of them. (With no reserved bits that is the
    /// `2^32 - 2` of a full field.) Skipping whole turns of the narrow
    /// field instead would take up to 2^31 `skip_generation`s.
    fn reserve(&self) -> Option<(Slot<'_, T>, Key)> {
        // The pop's Acquire (on the free stack's head) orders everything the
        // slot's last owner did (the clear, the freeze) before us.
        let (index, slot) = self.free.pop(&self.pages)?;
        if slot.refs.generation() == 0 {
            // Never held a value. If `T::default()` panics, the slot goes
            // back as it came (frozen at 0, no value).
            let give_back = GiveBack { pool: self, index };
            let value = T::default();
            mem::forget(give_back);
            // SAFETY: the slot is ours and holds no value (generation 0).
            unsafe { slot.write(value) };
        }
        // Relaxed loads and `skip_generation`'s Relaxed CAS: the generation
        // bits are written only by the slot's owners (us now), and we were
        // handed the slot with Acquire; failed `try_get`s of stale readers
        // touch only the count bits. The next `unfreeze` is the Release.
        while matches!(slot.refs.generation(), 0 | u32::MAX) {
            slot.refs.skip_generation();
        }
        let generation = slot.refs.generation().wrapping_add(1);
        Some((slot, Key::of_life::<C>(index, generation)))
    }

    /// Begins the life `reserve` prepared: the slot goes live with `refs`
    /// references (the pool's own, plus one for a downgraded guard), then
    /// the life is marked present for `get` and `clear`.
    pub(crate) fn publish(&self, slot: Slot<'_, T>, key: Key, refs: u32) {
        // Release (inside `unfreeze`): the value's writes (its `Default`,
        // `Clear`, `init` or `RefMut`) happen-before every `try_get` that
        // succeeds on this life (Acquire), and so before every `Ref` of it.
        slot.refs.unfreeze(refs);
        debug_assert_eq!(Key::of_life::<C>(key.index, slot.refs.generation()), key);
        // Release: after the `unfreeze`, so a `clear` whose `unmark` reads
        // this (Acquire) puts its reference into the live word.
        slot.mark_present(key.generation);
    }

    /// `Slab::acquire`: a reference to life `key.generation` of slot
    /// `key.index`, or `None`. The same protocol (`slot::acquire!`), and the
    /// same argument for why the Relaxed re-check cannot accept an earlier
    /// life: each life's mark is cleared before its last `put` (Release),
    /// which happens-before the slot's push (Release), pop (Acquire) and the
    /// next `unfreeze` (Release) that our `try_get` acquires.
    #[inline(always)]
    fn acquire(&self, key: Key) -> Option<Slot<'_, T>> {
        crate::slot::acquire!(self, self.pages, key)
    }

    /// `acquire`'s miss after its `try_get`: gives the reference back, and
    /// clears the value if it was the last. Out of line: rare.
    #[cold]
    #[inline(never)]
    fn put_back(&self, index: u32, slot: Slot<'_, T>) {
        self.put(index, slot);
    }

    /// Drops one reference to slot `index`'s current life.
    #[inline(always)]
    pub(crate) fn put(&self, index: u32, slot: Slot<'_, T>) {
        // Release (inside `put`): this holder's reads of the value
        // happen-before the `Last` put's Acquire, and so before the clear.
        if slot.refs.put() == Put::Last {
            self.release(index, slot);
        }
    }

    /// The last reference is gone: clear the value in place, recycle the slot.
    ///
    /// `Put::Last` froze the word (with Acquire: every guard's accesses
    /// happen-before), so the slot is ours alone until we push it: no lock
    /// is held, and `Clear::clear` may re-enter the pool. On this slot a
    /// re-entrant call finds nothing (its mark is cleared and its word
    /// frozen: `get` misses, `clear` returns `false`, and the slot is on no
    /// free list for `create` to take); on other slots it does what it
    /// would anywhere. If `clear` panics, the push is skipped: the slot is
    /// retired, and its value is dropped with the pool.
    #[cold]
    fn release(&self, index: u32, slot: Slot<'_, T>) {
        // SAFETY: we own the slot (frozen by our `Last`), and it holds a
        // value (a live slot's generation is not 0, see `reserve`).
        unsafe { slot.value_mut() }.clear();
        // Release (the push's CAS): the clear happens-before the next
        // owner's pop (Acquire).
        self.free.push(&self.pages, index);
    }
}

/// `reserve`'s undo when `T::default()` panics: the slot, still empty, goes
/// back to the free list.
struct GiveBack<'a, T: Clear + Default, C: Config> {
    pool: &'a Pool<T, C>,
    index: u32,
}

impl<T: Clear + Default, C: Config> Drop for GiveBack<'_, T, C> {
    fn drop(&mut self) {
        // The push's Release publishes nothing here (nothing was written);
        // the next owner pops the slot as we popped it, at generation 0.
        self.pool.free.push(&self.pool.pages, self.index);
    }
}

impl<T: Clear + Default> Default for Pool<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Clear + Default, C: Config> fmt::Debug for Pool<T, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool").finish_non_exhaustive()
    }
}

impl<T: Clear + Default, C: Config> Drop for Pool<T, C> {
    /// Drops every value the pool made (in the pool, held by a guard that
    /// was leaked, or in a retired slot). When one value's `Drop` panics the
    /// rest are still dropped, then the panic goes on, as for a `Vec`.
    fn drop(&mut self) {
        DropRest(self.pages.slots()).drop_each();
    }
}

/// The slots of a pool being dropped, from the next one on.
struct DropRest<'a, T>(Slots<'a, T>);

impl<T> DropRest<'_, T> {
    fn drop_each(&mut self) {
        for slot in &mut self.0 {
            if slot.refs.generation() != 0 {
                // SAFETY: `&mut` pool: no other access. Generation not 0:
                // the slot holds a value (`Pool::reserve`). The iterator is
                // past the slot, so a panic does not drop it twice.
                unsafe { slot.drop_value() };
            }
        }
    }
}

impl<T> Drop for DropRest<'_, T> {
    /// Runs with slots left only while a value's `Drop` unwinds out of
    /// `drop_each`: drops the rest.
    fn drop(&mut self) {
        self.drop_each();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 8 generation bits: the narrow field comes round every 256 lives.
    struct Reserve24;
    impl Config for Reserve24 {
        const RESERVED_BITS: usize = 24;
    }

    /// The refcount's generations skip 0 and 1 at their wrap (`reserve`),
    /// so a narrow key whose following lives span the wrap aliases after
    /// `2^(32 - R) - 2` of them: the bound the `pool` module documents.
    #[test]
    fn across_the_wrap_a_narrow_key_aliases_two_lives_early() {
        let mut pool = Pool::<Option<u32>>::with_max_slots_and_config::<Reserve24>(1);
        let key = pool.create_with(|v| *v = Some(0)).unwrap();
        assert!(pool.clear(key));
        let slot = pool.pages.slots().next().unwrap();
        // SAFETY: `&mut pool`; the slot is frozen and holds its value, as
        // after `u32::MAX - 10` lives.
        unsafe { crate::slot::fast_forward(slot.refs, u32::MAX - 10) };

        let first = pool.create_with(|v| *v = Some(1)).unwrap();
        assert_eq!(first >> 32, ((u32::MAX - 9) & 0xFF) as usize);
        assert!(pool.clear(first));
        let mut lives = 0;
        loop {
            lives += 1;
            let key = pool.create_with(|v| *v = Some(lives)).unwrap();
            if key == first {
                assert_eq!(*pool.get(first).unwrap(), Some(lives));
                break;
            }
            assert!(pool.get(first).is_none() && !pool.clear(first));
            assert!(pool.clear(key));
        }
        assert_eq!(lives, (1 << 8) - 2);
    }
}
