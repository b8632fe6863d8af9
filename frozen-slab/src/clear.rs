//! `Clear`: resetting a pooled value in place, keeping its allocations.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;

/// A type that can be cleared in place, keeping the memory it has
/// allocated, so that a [`Pool`](crate::Pool) can hand the same value out
/// again instead of dropping it and allocating a new one.
///
/// The trait and its implementations are sharded-slab's: `clear` empties
/// the collections ([`Vec::clear`], [`String::clear`], `HashMap::clear`),
/// which drop their elements but keep their buffers. A type whose own
/// `clear` frees its memory (`BTreeMap`) gains nothing from pooling and
/// does not implement it. A type that owns no allocation should reset
/// itself to its empty or initial state where it has one, and may do
/// nothing at all if it is plain data (then `Clear` only marks it as fit
/// for reuse).
///
/// A pool calls `clear` on whichever thread drops a value's last
/// reference, with no lock held: it may use the pool again, on other keys
/// (get, clear, drop guards), as tracing-subscriber's span data does when
/// it closes its parent. If it panics, the panic propagates to that caller
/// and the value's slot is retired: never handed out again, its value
/// dropped with the pool (see [`Pool::clear`](crate::Pool::clear)).
pub trait Clear {
    /// Clears all data in `self`, keeping its allocated capacity.
    fn clear(&mut self);
}

impl<T> Clear for Option<T> {
    /// Sets it to `None`, dropping the value it held.
    fn clear(&mut self) {
        let _ = self.take();
    }
}

impl<T: Clear> Clear for Box<T> {
    /// Clears the boxed value in place; the box keeps its allocation.
    #[inline]
    fn clear(&mut self) {
        T::clear(self);
    }
}

impl<T> Clear for Vec<T> {
    /// [`Vec::clear`]: drops the elements, keeps the buffer.
    #[inline]
    fn clear(&mut self) {
        Vec::clear(self);
    }
}

impl Clear for String {
    /// [`String::clear`]: empties it, keeps the buffer.
    #[inline]
    fn clear(&mut self) {
        String::clear(self);
    }
}

#[cfg(feature = "std")]
mod with_std {
    use super::Clear;
    use core::hash::{BuildHasher, Hash};
    use std::collections::{HashMap, HashSet};
    use std::sync::{Mutex, PoisonError, RwLock};

    #[cfg_attr(docsrs, doc(cfg(feature = "std")))]
    impl<K: Hash + Eq, V, S: BuildHasher> Clear for HashMap<K, V, S> {
        /// [`HashMap::clear`]: drops the entries, keeps the table.
        #[inline]
        fn clear(&mut self) {
            HashMap::clear(self);
        }
    }

    #[cfg_attr(docsrs, doc(cfg(feature = "std")))]
    impl<T: Hash + Eq, S: BuildHasher> Clear for HashSet<T, S> {
        /// [`HashSet::clear`]: drops the elements, keeps the table.
        #[inline]
        fn clear(&mut self) {
            HashSet::clear(self);
        }
    }

    /// `Clear` for the std locks: clears the guarded value. A poisoned lock
    /// is cleared too, and its poison with it, so that the value's next
    /// life starts with a sound lock (sharded-slab's `clear` panics on a
    /// poisoned one).
    macro_rules! locks {
        ($($lock:ident),*) => {$(
            #[cfg_attr(docsrs, doc(cfg(feature = "std")))]
            impl<T: Clear> Clear for $lock<T> {
                /// Clears the guarded value, through poison, and unpoisons
                /// the lock.
                #[inline]
                fn clear(&mut self) {
                    self.get_mut()
                        .unwrap_or_else(PoisonError::into_inner)
                        .clear();
                    self.clear_poison();
                }
            }
        )*};
    }

    locks!(Mutex, RwLock);
}
