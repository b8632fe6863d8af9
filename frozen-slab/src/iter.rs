//! `UniqueIter`: the values of a slab borrowed `&mut`.

use crate::cfg::{Config, DefaultConfig};
use crate::pages::Slots;
use core::fmt;
use core::marker::PhantomData;

/// An iterator over the values of a [`Slab`](crate::Slab), from
/// [`Slab::unique_iter`](crate::Slab::unique_iter). Yields the values that
/// are present (inserted and not removed), in slot order.
///
/// `C` is the slab's [`Config`], as in sharded-slab (which gives it no
/// default; the default here lets `UniqueIter<'_, T>` name the iterator of
/// a `Slab<T>`).
pub struct UniqueIter<'a, T, C: Config = DefaultConfig> {
    slots: Slots<'a, T>,
    /// Only a type, as in `Slab`: no effect on `Send`, `Sync` or drop check.
    _cfg: PhantomData<fn() -> C>,
}

impl<'a, T, C: Config> UniqueIter<'a, T, C> {
    pub(crate) fn new(slots: Slots<'a, T>) -> Self {
        UniqueIter {
            slots,
            _cfg: PhantomData,
        }
    }
}

impl<'a, T, C: Config> Iterator for UniqueIter<'a, T, C> {
    type Item = &'a T;
    fn next(&mut self) -> Option<&'a T> {
        let slot = self.slots.find(|s| s.is_present_any())?;
        // SAFETY: the slab is borrowed `&mut` for 'a: no remove or drop can
        // run, and a present slot holds its value.
        Some(unsafe { slot.value() })
    }
}

impl<T, C: Config> fmt::Debug for UniqueIter<'_, T, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UniqueIter").finish_non_exhaustive()
    }
}
