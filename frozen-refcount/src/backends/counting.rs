//! `Counting<B>`: counts the atomic steps of the backend it wraps (feature
//! `std`: the counts are per thread).

use super::Backend;
use crate::word::Word;
use core::marker::PhantomData;
use core::sync::atomic::Ordering;
use std::cell::Cell;

/// How many atomic steps one thread made through [`Counting`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Atomic loads.
    pub loads: u64,
    /// Atomic stores.
    pub stores: u64,
    /// Read-modify-writes: `fetch_add`, `fetch_sub` and every CAS attempt.
    pub rmws: u64,
    /// CAS attempts that failed (included in `rmws`).
    pub cas_failures: u64,
}

impl core::ops::Sub for Counts {
    type Output = Counts;
    fn sub(self, o: Counts) -> Counts {
        Counts {
            loads: self.loads - o.loads,
            stores: self.stores - o.stores,
            rmws: self.rmws - o.rmws,
            cas_failures: self.cas_failures - o.cas_failures,
        }
    }
}

std::thread_local! {
    static COUNTS: Cell<Counts> = const { Cell::new(Counts { loads: 0, stores: 0, rmws: 0, cas_failures: 0 }) };
}

fn bump(f: impl FnOnce(&mut Counts)) {
    COUNTS.with(|c| {
        let mut v = c.get();
        f(&mut v);
        c.set(v);
    });
}

/// Wraps backend `B` and counts, per thread, every atomic step it makes, so
/// that "one RMW" is a number a test can assert.
///
/// ```
/// use frozen_refcount::{Counting, CoreAtomics, FrozenRefcount, HighBit};
/// let c = FrozenRefcount::<HighBit, Counting<CoreAtomics>>::new(1);
/// let (ok, n) = Counting::<CoreAtomics>::measure(|| c.try_get());
/// assert!(ok);
/// assert_eq!((n.rmws, n.loads), (1, 0));
/// # let _ = (c.put(), c.put());
/// ```
pub struct Counting<B>(PhantomData<fn() -> B>);
crate::marker::zero_sized_marker!(Counting<B>);

impl<B> Counting<B> {
    /// This thread's counts so far (all `Counting` backends share them).
    pub fn snapshot() -> Counts {
        COUNTS.with(|c| c.get())
    }
    /// Runs `f` and returns its result with the steps it made on this thread.
    pub fn measure<R>(f: impl FnOnce() -> R) -> (R, Counts) {
        let before = Self::snapshot();
        let r = f();
        (r, Self::snapshot() - before)
    }
}

// SAFETY: every step is forwarded to `B`, which upholds the contract.
unsafe impl<B: Backend> Backend for Counting<B> {
    const NAME: &'static str = B::NAME;
    #[inline]
    fn load<W: Word>(a: &W::Atomic, order: Ordering) -> W {
        bump(|c| c.loads += 1);
        B::load(a, order)
    }
    #[inline]
    fn store<W: Word>(a: &W::Atomic, v: W, order: Ordering) {
        bump(|c| c.stores += 1);
        B::store(a, v, order)
    }
    #[inline]
    fn fetch_add<W: Word>(a: &W::Atomic, v: W, order: Ordering) -> W {
        bump(|c| c.rmws += 1);
        B::fetch_add(a, v, order)
    }
    #[inline]
    fn fetch_sub<W: Word>(a: &W::Atomic, v: W, order: Ordering) -> W {
        bump(|c| c.rmws += 1);
        B::fetch_sub(a, v, order)
    }
    #[inline]
    fn add_is_negative<W: Word>(a: &W::Atomic, v: W, order: Ordering) -> bool {
        bump(|c| c.rmws += 1);
        B::add_is_negative(a, v, order)
    }
    #[inline]
    fn compare_exchange<W: Word>(
        a: &W::Atomic,
        current: W,
        new: W,
        success: Ordering,
        failure: Ordering,
    ) -> Result<W, W> {
        let r = B::compare_exchange(a, current, new, success, failure);
        bump(|c| {
            c.rmws += 1;
            c.cas_failures += r.is_err() as u64;
        });
        r
    }
    #[inline]
    fn compare_exchange_weak<W: Word>(
        a: &W::Atomic,
        current: W,
        new: W,
        success: Ordering,
        failure: Ordering,
    ) -> Result<W, W> {
        let r = B::compare_exchange_weak(a, current, new, success, failure);
        bump(|c| {
            c.rmws += 1;
            c.cas_failures += r.is_err() as u64;
        });
        r
    }
    #[inline]
    fn acquire_fence<W: Word>(a: &W::Atomic) {
        B::acquire_fence::<W>(a)
    }
}
