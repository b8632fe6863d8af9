//! `UniqueIter`: the values of a slab borrowed `&mut`.

use crate::pages::Slots;
use core::fmt;

/// An iterator over the values of a [`Slab`](crate::Slab), from
/// [`Slab::unique_iter`](crate::Slab::unique_iter). Yields the values that
/// are present (inserted and not removed), in slot order.
pub struct UniqueIter<'a, T> {
    slots: Slots<'a, T>,
}

impl<'a, T> UniqueIter<'a, T> {
    pub(crate) fn new(slots: Slots<'a, T>) -> Self {
        UniqueIter { slots }
    }
}

impl<'a, T> Iterator for UniqueIter<'a, T> {
    type Item = &'a T;
    fn next(&mut self) -> Option<&'a T> {
        let slot = self.slots.find(|s| s.is_present_any())?;
        // SAFETY: the slab is borrowed `&mut` for 'a: no remove or drop can
        // run, and a present slot holds its value.
        Some(unsafe { slot.value() })
    }
}

impl<T> fmt::Debug for UniqueIter<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UniqueIter").finish_non_exhaustive()
    }
}
