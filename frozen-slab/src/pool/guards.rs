//! The pool's guards: `Ref` and `OwnedRef` (shared, one reference on the
//! slot's refcount each), `RefMut` and `OwnedRefMut` (exclusive: the slot
//! reserved by `create`, before its life is published).

use super::Pool;
use crate::cfg::{Config, DefaultConfig};
use crate::clear::Clear;
use crate::key::Key;
use crate::slot::{RawSlot, Slot};
use alloc::sync::Arc;
use core::fmt;
use core::mem::ManuallyDrop;
use core::ops::{Deref, DerefMut};
use core::ptr;

/// A shared guard for a value in a [`Pool`], from [`Pool::get`] or
/// [`RefMut::downgrade`]. While it exists the value is not cleared, even if
/// its key is [cleared](Pool::clear) meanwhile.
///
/// Dropping the last guard of a cleared key clears the value in place (on
/// this thread) and recycles the slot; a panic from [`Clear::clear`]
/// propagates from the drop (see [`Pool::clear`]).
pub struct Ref<'a, T, C = DefaultConfig>
where
    T: Clear + Default,
    C: Config,
{
    pool: &'a Pool<T, C>,
    slot: Slot<'a, T>,
    key: usize,
}

/// An exclusive guard for a value just taken from a [`Pool`], from
/// [`Pool::create`]. Its key is not in the pool until the guard is dropped
/// (the value is then published) or [downgraded](Self::downgrade).
pub struct RefMut<'a, T, C = DefaultConfig>
where
    T: Clear + Default,
    C: Config,
{
    pool: &'a Pool<T, C>,
    slot: Slot<'a, T>,
    key: Key,
}

/// A shared guard for a value in a [`Pool`] held through an `Arc`, from
/// [`Pool::get_owned`] or [`OwnedRefMut::downgrade`]: it keeps the pool
/// alive, is `'static` if `T` is, and can be stored or sent. Otherwise as
/// [`Ref`].
pub struct OwnedRef<T, C = DefaultConfig>
where
    T: Clear + Default,
    C: Config,
{
    pool: Arc<Pool<T, C>>,
    slot: RawSlot<T>,
    key: usize,
}

/// An exclusive guard for a value just taken from a [`Pool`] held through
/// an `Arc`, from [`Pool::create_owned`]: like a `Box<T>` whose memory
/// lives in the pool. It keeps the pool alive, is `'static` if `T` is, and
/// can be stored or sent. Otherwise as [`RefMut`].
pub struct OwnedRefMut<T, C = DefaultConfig>
where
    T: Clear + Default,
    C: Config,
{
    pool: Arc<Pool<T, C>>,
    slot: RawSlot<T>,
    key: Key,
}

// SAFETY: the owned guards share `&T` (`T: Sync`), and whichever thread
// drops one may clear or publish the value (`T: Send`); the `Arc<Pool>`
// they hold needs the same. `C` is only a type (`PhantomData<fn() -> C>`).
unsafe impl<T: Clear + Default + Send + Sync, C: Config> Send for OwnedRef<T, C> {}
// SAFETY: as above; shared access is `&T`.
unsafe impl<T: Clear + Default + Send + Sync, C: Config> Sync for OwnedRef<T, C> {}
// SAFETY: `&mut T` moves with it (`T: Send`), shared access is `&T`
// (`T: Sync`), and the `Arc<Pool>` needs both.
unsafe impl<T: Clear + Default + Send + Sync, C: Config> Send for OwnedRefMut<T, C> {}
// SAFETY: as above.
unsafe impl<T: Clear + Default + Send + Sync, C: Config> Sync for OwnedRefMut<T, C> {}

impl<'a, T: Clear + Default, C: Config> Ref<'a, T, C> {
    pub(crate) fn new(pool: &'a Pool<T, C>, slot: Slot<'a, T>, key: usize) -> Self {
        Ref { pool, slot, key }
    }

    /// The value's key: the one it was looked up with, reserved bits
    /// included ([`Config::RESERVED_BITS`]), as in sharded-slab.
    #[must_use]
    pub fn key(&self) -> usize {
        self.key
    }

    fn value(&self) -> &T {
        // SAFETY: this guard holds a reference of the value's life.
        unsafe { self.slot.value() }
    }
}

impl<T: Clear + Default, C: Config> Drop for Ref<'_, T, C> {
    #[inline]
    fn drop(&mut self) {
        self.pool.put(Key::unpack::<C>(self.key).index, self.slot);
    }
}

impl<'a, T: Clear + Default, C: Config> RefMut<'a, T, C> {
    pub(crate) fn new(pool: &'a Pool<T, C>, slot: Slot<'a, T>, key: Key) -> Self {
        RefMut { pool, slot, key }
    }

    /// The key the value has once the guard is dropped or downgraded.
    #[must_use]
    pub fn key(&self) -> usize {
        self.key.pack()
    }

    /// Puts the value in the pool and keeps a shared guard for it: other
    /// threads can now [`get`](Pool::get) it. (Not `must_use`, as in
    /// sharded-slab: a dropped result is a publish and a put.)
    pub fn downgrade(self) -> Ref<'a, T, C> {
        let this = ManuallyDrop::new(self);
        // Two references: the pool's and the returned guard's.
        this.pool.publish(this.slot, this.key, 2);
        Ref::new(this.pool, this.slot, this.key.pack())
    }

    fn value(&self) -> &T {
        // SAFETY: the slot is reserved by this guard and holds a value.
        unsafe { self.slot.value() }
    }
}

impl<T: Clear + Default, C: Config> DerefMut for RefMut<'_, T, C> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the slot is reserved by this guard, which is borrowed
        // mutably for as long as the result.
        unsafe { self.slot.value_mut() }
    }
}

impl<T: Clear + Default, C: Config> Drop for RefMut<'_, T, C> {
    /// Puts the value in the pool under [`key`](Self::key), also when the
    /// guard is dropped by a panic (as in sharded-slab).
    fn drop(&mut self) {
        self.pool.publish(self.slot, self.key, 1);
    }
}

impl<T: Clear + Default, C: Config> OwnedRef<T, C> {
    pub(crate) fn new(pool: Arc<Pool<T, C>>, slot: RawSlot<T>, key: usize) -> Self {
        OwnedRef { pool, slot, key }
    }

    /// The value's key: the one it was looked up with, reserved bits
    /// included, as in sharded-slab.
    #[must_use]
    pub fn key(&self) -> usize {
        self.key
    }

    fn slot(&self) -> Slot<'_, T> {
        // SAFETY: the slot is in a page of `self.pool`, which the `Arc`
        // keeps alive.
        unsafe { self.slot.get() }
    }

    fn value(&self) -> &T {
        // SAFETY: this guard holds a reference of the value's life.
        unsafe { self.slot().value() }
    }
}

impl<T: Clear + Default, C: Config> Drop for OwnedRef<T, C> {
    #[inline]
    fn drop(&mut self) {
        // The `Arc` is dropped after this body: the pool outlives the clear.
        self.pool.put(Key::unpack::<C>(self.key).index, self.slot());
    }
}

impl<T: Clear + Default, C: Config> OwnedRefMut<T, C> {
    pub(crate) fn new(pool: Arc<Pool<T, C>>, slot: RawSlot<T>, key: Key) -> Self {
        OwnedRefMut { pool, slot, key }
    }

    /// The key the value has once the guard is dropped or downgraded.
    #[must_use]
    pub fn key(&self) -> usize {
        self.key.pack()
    }

    /// Puts the value in the pool and keeps a shared owned guard for it:
    /// other threads can now [`get`](Pool::get) it.
    pub fn downgrade(self) -> OwnedRef<T, C> {
        let this = ManuallyDrop::new(self);
        // Two references: the pool's and the returned guard's.
        this.pool.publish(this.slot(), this.key, 2);
        // SAFETY: `this` is never dropped, so its fields are moved out once.
        let (pool, slot) = unsafe { (ptr::read(&this.pool), ptr::read(&this.slot)) };
        OwnedRef::new(pool, slot, this.key.pack())
    }

    fn slot(&self) -> Slot<'_, T> {
        // SAFETY: as for `OwnedRef::slot`.
        unsafe { self.slot.get() }
    }

    fn value(&self) -> &T {
        // SAFETY: the slot is reserved by this guard and holds a value.
        unsafe { self.slot().value() }
    }
}

impl<T: Clear + Default, C: Config> DerefMut for OwnedRefMut<T, C> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as for `RefMut::deref_mut`.
        unsafe { self.slot().value_mut() }
    }
}

impl<T: Clear + Default, C: Config> Drop for OwnedRefMut<T, C> {
    /// As [`RefMut`]'s: puts the value in the pool.
    fn drop(&mut self) {
        self.pool.publish(self.slot(), self.key, 1);
    }
}

/// `Deref`, `Debug` and `PartialEq<T>` of each guard, through its `value`.
macro_rules! through_value {
    ($($guard:ident $(<$lt:lifetime>)?),*) => {$(
        impl<T: Clear + Default, C: Config> Deref for $guard<$($lt,)? T, C> {
            type Target = T;
            #[inline]
            fn deref(&self) -> &T {
                self.value()
            }
        }

        impl<T: Clear + Default + fmt::Debug, C: Config> fmt::Debug for $guard<$($lt,)? T, C> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(self.value(), f)
            }
        }

        impl<T: Clear + Default + PartialEq, C: Config> PartialEq<T> for $guard<$($lt,)? T, C> {
            fn eq(&self, other: &T) -> bool {
                self.value() == other
            }
        }
    )*};
}

through_value!(Ref<'_>, RefMut<'_>, OwnedRef, OwnedRefMut);
