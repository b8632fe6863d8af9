//! The guards: `Entry` (borrows the slab), `OwnedEntry` (holds an `Arc` of
//! it), `VacantEntry` (a reserved slot and key, before the value).
//!
//! A guard is one reference on its slot's refcount: dropping it is one `put`.

use crate::cfg::{Config, DefaultConfig};
use crate::key::Key;
use crate::slab::Slab;
use crate::slot::{RawSlot, Slot};
use alloc::sync::Arc;
use core::fmt;
use core::mem::ManuallyDrop;
use core::ops::Deref;

/// A reference to a value in a [`Slab`], from [`Slab::get`]. The value is
/// not dropped while an `Entry` for it exists, even if it is removed.
///
/// Dropping the last guard of a removed value drops the value; if its
/// `Drop` panics, the panic propagates from the guard's drop and the slot
/// is still recycled.
///
/// `C` is the slab's [`Config`], as in sharded-slab.
pub struct Entry<'a, T, C: Config = DefaultConfig> {
    slab: &'a Slab<T, C>,
    slot: Slot<'a, T>,
    key: usize,
}

impl<'a, T, C: Config> Entry<'a, T, C> {
    pub(crate) fn new(slab: &'a Slab<T, C>, slot: Slot<'a, T>, key: usize) -> Self {
        Entry { slab, slot, key }
    }

    /// The value's key: the one it was looked up with, reserved bits
    /// included ([`Config::RESERVED_BITS`]), as in sharded-slab.
    #[must_use]
    pub fn key(&self) -> usize {
        self.key
    }
}

impl<T, C: Config> Deref for Entry<'_, T, C> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: this guard holds a reference of the value's life.
        unsafe { self.slot.value() }
    }
}

impl<T, C: Config> Drop for Entry<'_, T, C> {
    #[inline]
    fn drop(&mut self) {
        self.slab.put(Key::unpack::<C>(self.key).index, self.slot);
    }
}

impl<T: fmt::Debug, C: Config> fmt::Debug for Entry<'_, T, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: PartialEq, C: Config> PartialEq<T> for Entry<'_, T, C> {
    fn eq(&self, other: &T) -> bool {
        **self == *other
    }
}

/// A reference to a value in a [`Slab`] held through an `Arc`, from
/// [`Slab::get_owned`]: `'static` if `T` is, so it can be stored or sent.
/// `C` is the slab's [`Config`], as in sharded-slab.
pub struct OwnedEntry<T, C = DefaultConfig>
where
    C: Config,
{
    slab: Arc<Slab<T, C>>,
    slot: RawSlot<T>,
    key: usize,
}

// SAFETY: like `&T` plus the right to drop the value (the last put may run
// on the thread that holds the guard). `C` is only a type (`Slab` holds it
// as `PhantomData<fn() -> C>`).
unsafe impl<T: Send + Sync, C: Config> Send for OwnedEntry<T, C> {}
// SAFETY: shared access is `&T`.
unsafe impl<T: Send + Sync, C: Config> Sync for OwnedEntry<T, C> {}

impl<T, C: Config> OwnedEntry<T, C> {
    pub(crate) fn new(slab: Arc<Slab<T, C>>, slot: RawSlot<T>, key: usize) -> Self {
        OwnedEntry { slab, slot, key }
    }

    /// The value's key: the one it was looked up with, reserved bits
    /// included, as in sharded-slab.
    #[must_use]
    pub fn key(&self) -> usize {
        self.key
    }

    fn slot(&self) -> Slot<'_, T> {
        // SAFETY: the slot lives in a page of `self.slab`, which the `Arc`
        // keeps alive.
        unsafe { self.slot.get() }
    }
}

impl<T, C: Config> Deref for OwnedEntry<T, C> {
    type Target = T;
    #[inline]
    fn deref(&self) -> &T {
        // SAFETY: this guard holds a reference of the value's life.
        unsafe { self.slot().value() }
    }
}

impl<T, C: Config> Drop for OwnedEntry<T, C> {
    #[inline]
    fn drop(&mut self) {
        self.slab.put(Key::unpack::<C>(self.key).index, self.slot());
    }
}

impl<T: fmt::Debug, C: Config> fmt::Debug for OwnedEntry<T, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: PartialEq, C: Config> PartialEq<T> for OwnedEntry<T, C> {
    fn eq(&self, other: &T) -> bool {
        **self == *other
    }
}

/// A reserved slot and its key, from [`Slab::vacant_entry`]: the key is known
/// before the value is made. Dropped without [`insert`](Self::insert), the
/// slot goes back to the free list and the key is spent: it never names a
/// value, not even the next one put in that slot. `C` is the slab's
/// [`Config`], as in sharded-slab.
pub struct VacantEntry<'a, T, C: Config = DefaultConfig> {
    slab: &'a Slab<T, C>,
    slot: Slot<'a, T>,
    key: Key,
}

impl<'a, T, C: Config> VacantEntry<'a, T, C> {
    pub(crate) fn new(slab: &'a Slab<T, C>, slot: Slot<'a, T>, key: Key) -> Self {
        VacantEntry { slab, slot, key }
    }

    /// The key the value will have.
    #[must_use]
    pub fn key(&self) -> usize {
        self.key.pack()
    }

    /// Puts the value in the slot and makes it visible under [`key`](Self::key).
    pub fn insert(self, value: T) {
        let this = ManuallyDrop::new(self);
        // SAFETY: the slot is ours (popped, frozen) and empty.
        unsafe { this.slot.write(value) };
        // Release (inside `unfreeze`): the value's initialisation
        // happens-before every `try_get` that succeeds on this life.
        this.slot.refs.unfreeze(1);
        debug_assert_eq!(
            Key::of_life::<C>(this.key.index, this.slot.refs.generation()),
            this.key
        );
        this.slot.mark_present(this.key.generation);
    }
}

impl<T, C: Config> Drop for VacantEntry<'_, T, C> {
    /// Frees the slot, spending the life its key named: that key never
    /// reaches a value (a later insert into the slot gets another).
    fn drop(&mut self) {
        self.slab.retire_unused(self.key.index, self.slot);
    }
}

impl<T, C: Config> fmt::Debug for VacantEntry<'_, T, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VacantEntry")
            .field("key", &self.key())
            .finish()
    }
}
