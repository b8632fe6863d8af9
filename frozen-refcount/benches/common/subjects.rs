//! WHAT is measured: the encodings on every backend (the crate's one list), the [`Subject`]
//! trait (take/release as a speculative reader does, and for the free path
//! a life: revive, the last release), the counters of this crate as
//! subjects, and the baselines (the floors, `Arc`, `Weak`, the optimistic
//! cmpxchg).

use frozen_refcount::{Backend, Encoding, FrozenRefcount, Put};
use std::mem;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use std::sync::atomic::{fence, AtomicU32};
use std::sync::{Arc, Weak};

/// Receives every thing the suites measure.
pub trait Visit {
    /// A counter of this crate: encoding `E` on backend `B`.
    fn counter<E: Encoding, B: Backend>(&mut self);
    /// A baseline that is not a counter of this crate ([`Floor`],
    /// [`ArcClone`], [`WeakUpgrade`], [`OptimisticCas`], ...).
    fn baseline<S: Subject>(&mut self);
}

/// The encodings measured on backend `B`: `u32` words, and `Tagged`.
/// `Classic` (today's CAS loop) is one of them, so every group has it.
pub fn encodings<B: Backend, V: Visit>(v: &mut V) {
    // The crate's one list of encodings, each at `u32` (`Tagged`: its `u64`).
    use frozen_refcount::*;
    macro_rules! each {
        (@generic $e:ident,) => {
            v.counter::<$e<u32>, B>();
        };
        (@fixed $e:ident,) => {
            v.counter::<$e, B>();
        };
    }
    frozen_refcount::for_each_encoding!(each!());
}

/// Visits every encoding on every backend, then the baselines.
pub fn each_subject<V: Visit>(v: &mut V) {
    // The crate's one list of backends: `encodings::<B, _>(v)` for each.
    macro_rules! each {
        (@backend $b:ty, $short:ident,) => {
            encodings::<$b, _>(v);
        };
    }
    frozen_refcount::for_each_backend!(each!());
    v.baseline::<Floor>();
    v.baseline::<FloorTested>();
    v.baseline::<ArcClone>();
    v.baseline::<WeakUpgrade>();
    v.baseline::<OptimisticCas>();
}

/// What the free path measures: every subject, then those only it measures
/// ([`ExpectingLast`]: the same `take` and `release` as `HighBit`'s, so the
/// other sections would only repeat that row).
pub fn each_free_path_subject<V: Visit>(v: &mut V) {
    each_subject(v);
    v.baseline::<ExpectingLast>();
}

/// How many try_get + put pairs a life has between `unfreeze(1)` and its
/// last `put`, on the free path: 0 is the single-reference object
/// (anonymous memory mapped once), then a few readers.
pub const FREE_PATH_K: [u32; 4] = [0, 1, 4, 16];

/// Whether `S` is measured on the free path: the subjects that have lives
/// ([`Subject::LIVES`]), of this crate's encodings the series' `HighBit`,
/// `Tagged` (whose `unfreeze` also loads the generation) and `Classic`.
pub fn on_free_path<S: Subject>() -> bool {
    S::LIVES && (S::backend() == "-" || matches!(S::encoding(), "HighBit" | "Tagged" | "Classic"))
}

/// Something that hands out references: a counter of this crate or a
/// baseline. The benchmark itself holds one reference for the subject's whole
/// life, so `release` is never the last one.
pub trait Subject: Send + Sync + 'static {
    /// Encoding column (`HighBit`, ..., or the baseline's name).
    fn encoding() -> &'static str;
    /// Backend column (`core`, ...; `-`, the default, for the baselines).
    fn backend() -> &'static str {
        "-"
    }
    /// Live, with the benchmark's one reference.
    fn new() -> Self;
    /// Takes one reference as a speculative reader does.
    fn take(&self) -> bool;
    /// Drops one reference taken by `take`.
    fn release(&self);
    /// Whether the subject has lives for the free path: a count that
    /// [`release_last`](Self::release_last) ends and [`revive`](Self::revive)
    /// starts again (not `Arc`/`Weak`, whose last drop frees the allocation).
    const LIVES: bool = false;
    /// Starts a new life with `refs` references, all the caller's, after the
    /// last release ended the previous one (`unfreeze(refs)`).
    fn revive(&self, _refs: u32) {
        unreachable!("{} has no lives", Self::label())
    }
    /// Drops a reference that may be the last; `true` if it was (and the
    /// life is over: `Put::Last`).
    fn release_last(&self) -> bool {
        unreachable!("{} has no lives", Self::label())
    }
    /// `encoding/backend`, the benchmark id.
    fn label() -> String {
        if Self::backend() == "-" {
            Self::encoding().to_string()
        } else {
            format!("{}/{}", Self::encoding(), Self::backend())
        }
    }
}

/// A counter of this crate: `take` is `try_get`, `release` is `put`.
pub struct Counter<E: Encoding, B: Backend>(pub FrozenRefcount<E, B>);

impl<E: Encoding, B: Backend> Subject for Counter<E, B> {
    fn encoding() -> &'static str {
        E::NAME
    }
    fn backend() -> &'static str {
        B::NAME
    }
    fn new() -> Self {
        Counter(FrozenRefcount::new(1))
    }
    #[inline(always)]
    fn take(&self) -> bool {
        self.0.try_get()
    }
    #[inline(always)]
    fn release(&self) {
        // Never `Last`: the benchmark holds a reference.
        let _ = self.0.put();
    }
    const LIVES: bool = true;
    #[inline(always)]
    fn revive(&self, refs: u32) {
        self.0.unfreeze(refs);
    }
    #[inline(always)]
    fn release_last(&self) -> bool {
        self.0.put() == Put::Last
    }
}

/// `HighBit` (on core atomics) whose last release is the owner's
/// `put_expecting_last`: one CAS from one reference to frozen instead of
/// the subtract and the CAS from zero, when no reader holds a reference.
pub struct ExpectingLast(Counter<frozen_refcount::HighBit, frozen_refcount::CoreAtomics>);

impl Subject for ExpectingLast {
    fn encoding() -> &'static str {
        "HighBit, put_expecting_last"
    }
    fn new() -> Self {
        ExpectingLast(Counter::new())
    }
    #[inline(always)]
    fn take(&self) -> bool {
        self.0.take()
    }
    #[inline(always)]
    fn release(&self) {
        self.0.release()
    }
    const LIVES: bool = true;
    #[inline(always)]
    fn revive(&self, refs: u32) {
        self.0.revive(refs)
    }
    #[inline(always)]
    fn release_last(&self) -> bool {
        self.0 .0.put_expecting_last() == Put::Last
    }
}

/// The floor: a bare `fetch_add` and `fetch_sub` on an `AtomicU32`, one RMW
/// each and no test of the result. No reference count can do less.
pub struct Floor(AtomicU32);

impl Subject for Floor {
    fn encoding() -> &'static str {
        "floor"
    }
    fn new() -> Self {
        Floor(AtomicU32::new(1))
    }
    #[inline(always)]
    fn take(&self) -> bool {
        // Acquire/Release: the orderings of try_get and put, so that the
        // floor is the same instruction the counters need (on x86 every
        // ordering is the same `lock` instruction anyway).
        self.0.fetch_add(1, Acquire);
        true
    }
    #[inline(always)]
    fn release(&self) {
        self.0.fetch_sub(1, Release);
    }
    const LIVES: bool = true;
    #[inline(always)]
    fn revive(&self, refs: u32) {
        self.0.store(refs, Release);
    }
    #[inline(always)]
    fn release_last(&self) -> bool {
        // The least a last put can be: the subtract, and a look at what it
        // returned (no fence, no freeze).
        self.0.fetch_sub(1, Release) == 1
    }
}

/// The floor for a counter that must look at what its RMWs return (every
/// refcount does: `try_get` whether it may read, `put` whether it was last):
/// the same `fetch_add`/`fetch_sub`, each result tested for one bit that the
/// flags do not show, so that x86 needs `lock xadd` where [`Floor`] gets
/// `lock add`/`lock sub`. What separates `Floor` from this is the cost of
/// reading the result; what separates this from `HighBit` is the protocol.
pub struct FloorTested(AtomicU32);

#[cold]
#[inline(never)]
fn never() {
    panic!("a benchmark's count cannot reach 2^30");
}

impl Subject for FloorTested {
    fn encoding() -> &'static str {
        "floor+test"
    }
    fn new() -> Self {
        FloorTested(AtomicU32::new(1))
    }
    #[inline(always)]
    fn take(&self) -> bool {
        // Orderings as in `Floor`.
        if self.0.fetch_add(1, Acquire) & (1 << 30) != 0 {
            never();
        }
        true
    }
    #[inline(always)]
    fn release(&self) {
        if self.0.fetch_sub(1, Release) & (1 << 30) != 0 {
            never();
        }
    }
}

/// `Arc::clone` + drop: std's unconditional get and put (no test for zero on
/// the get: an `Arc` cannot be reached once its count is zero).
pub struct ArcClone(Arc<u64>);

impl Subject for ArcClone {
    fn encoding() -> &'static str {
        "Arc::clone+drop"
    }
    fn new() -> Self {
        ArcClone(Arc::new(0))
    }
    #[inline(always)]
    fn take(&self) -> bool {
        mem::forget(Arc::clone(&self.0));
        true
    }
    #[inline(always)]
    fn release(&self) {
        // SAFETY: the pointer is the live `Arc`'s own, and `take` leaked one
        // strong reference for this call to drop (the body of `Arc::drop`).
        unsafe { Arc::decrement_strong_count(Arc::as_ptr(&self.0)) }
    }
}

/// `Weak::upgrade` + drop: std's speculative get, a CAS loop that refuses
/// zero, the same shape as `Classic`.
pub struct WeakUpgrade {
    _keep: Arc<u64>,
    weak: Weak<u64>,
}

impl Subject for WeakUpgrade {
    fn encoding() -> &'static str {
        "Weak::upgrade+drop"
    }
    fn new() -> Self {
        let keep = Arc::new(0);
        WeakUpgrade {
            weak: Arc::downgrade(&keep),
            _keep: keep,
        }
    }
    #[inline(always)]
    fn take(&self) -> bool {
        match self.weak.upgrade() {
            Some(a) => {
                mem::forget(a);
                true
            }
            None => false,
        }
    }
    #[inline(always)]
    fn release(&self) {
        // SAFETY: `_keep` keeps the allocation alive, and `take` leaked one
        // strong reference for this call to drop.
        unsafe { Arc::decrement_strong_count(self.weak.as_ptr()) }
    }
}

/// The optimistic cmpxchg proposed on the thread: `Classic`'s get, but the
/// first CAS assumes the count is 1 (one reference, the common case) instead
/// of loading it first, and falls back to the load + CAS loop when the guess
/// is wrong. Its put is `Classic`'s: a decrement, and an acquire fence on
/// the last. With `Floor` (`lock add`) and `Classic` (load + `cmpxchg`
/// loop) it makes the three shapes of get that were benchmarked there.
pub struct OptimisticCas(AtomicU32);

impl Subject for OptimisticCas {
    fn encoding() -> &'static str {
        "optimistic cmpxchg"
    }
    fn new() -> Self {
        OptimisticCas(AtomicU32::new(1))
    }
    #[inline(always)]
    fn take(&self) -> bool {
        // Orderings as in `Classic`: Acquire on success, Relaxed on failure
        // (we only retry with the value we were given).
        let mut cur = match self.0.compare_exchange(1, 2, Acquire, Relaxed) {
            Ok(_) => return true,
            Err(actual) => actual,
        };
        loop {
            if cur == 0 {
                return false; // dead: zero is final
            }
            if cur & (1 << 30) != 0 {
                never();
            }
            match self.0.compare_exchange_weak(cur, cur + 1, Acquire, Relaxed) {
                Ok(_) => return true,
                Err(actual) => cur = actual,
            }
        }
    }
    #[inline(always)]
    fn release(&self) {
        let _ = self.release_last();
    }
    const LIVES: bool = true;
    #[inline(always)]
    fn revive(&self, refs: u32) {
        self.0.store(refs, Release);
    }
    #[inline(always)]
    fn release_last(&self) -> bool {
        if self.0.fetch_sub(1, Release) != 1 {
            return false;
        }
        // As `Arc::drop` and `Classic`: the other holders' accesses
        // happen-before whatever the last one does next.
        fence(Acquire);
        true
    }
}
