//! Loom models of every race in the protocol, run against the crate's own
//! code (`src/frozen.rs`) on loom's atomics.
//!
//! ```sh
//! RUSTFLAGS="--cfg frozen_refcount_loom" LOOM_MAX_PREEMPTIONS=3 \
//!     cargo test --test loom --release
//! ```
//!
//! Each model is a generic function, instantiated below for every encoding
//! it applies to, at 8 and 32 bits (and `Tagged`). The objects the counter
//! protects are `loom::cell::UnsafeCell`s: loom reports a causality
//! violation (a data race) whenever an access is not ordered after the
//! accesses it must follow, so a missing Acquire or Release fails a model
//! even when no value is wrong.
//!
//! Two models must *fail*: the `fetch_or` counterexample (5) and the put/put
//! ABA on the untagged encodings (6). Those tests run the model under
//! `catch_unwind` and assert that loom reported the violation they expect.
#![cfg(frozen_refcount_loom)]

use frozen_refcount::{
    Biased, Classic, CoreAtomics, Encoding, FrozenRefcount, HighBit, LowBit, Put, State, Tagged,
    Word, ZeroLockedHigh, ZeroLockedLow,
};
use loom::cell::UnsafeCell;
use loom::sync::atomic::{AtomicU32, AtomicUsize};
use loom::sync::Arc;
use loom::thread;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release, SeqCst};

/// The value of a live object's data.
const ALIVE: u32 = 0xA11E;
/// What the owner writes when it frees the object.
const FREED: u32 = 0xDEAD;

/// What the models need of a refcount: implemented by the crate's counter on
/// the loom backend, and by the deliberately wrong protocols of model (5).
trait Counter: Send + Sync + 'static {
    fn live(count: u32) -> Self;
    fn frozen() -> Self;
    fn try_get(&self) -> bool;
    fn put(&self) -> Put;
    fn freeze(&self, expected: u32) -> bool;
    fn unfreeze(&self, count: u32);
}

impl<E: Encoding> Counter for FrozenRefcount<E, CoreAtomics> {
    fn live(count: u32) -> Self {
        Self::new(count)
    }
    fn frozen() -> Self {
        Self::new_frozen()
    }
    fn try_get(&self) -> bool {
        FrozenRefcount::try_get(self)
    }
    fn put(&self) -> Put {
        FrozenRefcount::put(self)
    }
    fn freeze(&self, expected: u32) -> bool {
        FrozenRefcount::freeze(self, expected)
    }
    fn unfreeze(&self, count: u32) {
        FrozenRefcount::unfreeze(self, count)
    }
}

/// A refcounted object: the counter, the data it protects, and bookkeeping
/// for the assertions.
struct Obj<C> {
    rc: C,
    /// The object's contents: `ALIVE` while live, `FREED` once its owner freed it.
    data: UnsafeCell<u32>,
    /// How many callers were told `Last` (or won `freeze`).
    lasts: AtomicUsize,
    /// Which life of the slot this is (model 6): each owner advances it
    /// before it unfreezes.
    life: AtomicUsize,
}

impl<C: Counter> Obj<C> {
    fn new(rc: C, data: u32) -> Arc<Self> {
        Arc::new(Obj {
            rc,
            data: UnsafeCell::new(data),
            lasts: AtomicUsize::new(0),
            life: AtomicUsize::new(1),
        })
    }

    /// Reads the data through a reference the caller holds.
    fn read(&self, what: &str) {
        let v = self.data.with(|p| unsafe { *p });
        assert_eq!(
            v, ALIVE,
            "{what}: a reference holder saw freed or unpublished data"
        );
    }

    /// Frees the object: the caller got `Last` or won `freeze`.
    fn free(&self) {
        self.lasts.fetch_add(1, Relaxed);
        self.data.with_mut(|p| unsafe { *p = FREED });
    }

    /// Drops the caller's reference; frees the object on `Last`.
    fn put(&self) {
        if self.rc.put() == Put::Last {
            self.free();
        }
    }

    fn lasts(&self) -> usize {
        self.lasts.load(Relaxed)
    }
}

/// Runs `f` under loom, with at least `min_preemptions` (for the models that
/// must find a bug: loom's bound must not hide it) and otherwise loom's
/// settings from the environment (`LOOM_MAX_PREEMPTIONS`, ...).
fn model<F: Fn() + Sync + Send + 'static>(min_preemptions: usize, f: F) {
    let mut builder = loom::model::Builder::new();
    if let Some(bound) = builder.preemption_bound {
        builder.preemption_bound = Some(bound.max(min_preemptions));
    }
    builder.check(f);
}

/// Spawns `n` threads running `f` on a clone of `o`.
fn spawn<C: Counter, R: 'static>(
    o: &Arc<Obj<C>>,
    n: usize,
    f: fn(&Obj<C>) -> R,
) -> Vec<thread::JoinHandle<R>> {
    (0..n)
        .map(|_| {
            let o = o.clone();
            thread::spawn(move || f(&o))
        })
        .collect()
}

/// A speculative reader: gets, reads, puts (and frees on `Last`).
fn reader<C: Counter>(o: &Obj<C>) {
    if o.rc.try_get() {
        o.read("a reader that got a reference");
        o.put();
    }
}

/// Model (1), increment vs free: `readers` (1 or 2) `try_get`s race the last
/// `put`. Exactly one `Last`; a successful `try_get` never sees the object
/// freed; after `Last` no `try_get` succeeds until `unfreeze`.
fn increment_vs_free<C: Counter>() {
    for readers in 1..=2 {
        model(0, move || {
            let o = Obj::new(C::live(1), ALIVE);
            let threads = spawn(&o, readers, reader);
            o.put(); // the owner's last reference
            threads.into_iter().for_each(|t| t.join().unwrap());
            assert_eq!(o.lasts(), 1, "exactly one Last per life");
            assert!(!o.rc.try_get(), "a try_get succeeded after Last");
            // The new owner reuses the slot: only now does try_get succeed.
            o.data.with_mut(|p| unsafe { *p = ALIVE });
            o.rc.unfreeze(1);
            assert!(o.rc.try_get(), "try_get failed after unfreeze");
        });
    }
}

/// Model (2), free vs free: `holders` (2 or 3) `put`s from a count of
/// `holders`. Exactly one `Last`, and each holder's accesses happen-before
/// the free (loom checks the data accesses: put's Release, Last's Acquire).
fn free_vs_free<C: Counter>() {
    fn holder<C: Counter>(o: &Obj<C>) {
        o.read("a holder before its put");
        o.put();
    }
    for holders in 2..=3 {
        model(0, move || {
            let o = Obj::new(C::live(holders as u32), ALIVE);
            let threads = spawn(&o, holders - 1, holder);
            holder(&o);
            threads.into_iter().for_each(|t| t.join().unwrap());
            assert_eq!(o.lasts(), 1, "exactly one Last per life");
            assert!(!o.rc.try_get(), "a try_get succeeded after Last");
        });
    }
}

/// Model (3), increment vs freeze: `try_get`s race `freeze(1)` by the holder
/// of the only reference. (a) Readers that keep their reference: `freeze`
/// and a `try_get` never both succeed. (b) Readers that drop it again:
/// `freeze` still sees their accesses (Acquire), and exactly one of
/// `freeze`/`put` ends the life.
fn increment_vs_freeze<C: Counter>() {
    fn keeper<C: Counter>(o: &Obj<C>) -> bool {
        let got = o.rc.try_get();
        if got {
            o.read("a try_get racing freeze");
        }
        got
    }
    for readers in 1..=2 {
        model(0, move || {
            let o = Obj::new(C::live(1), ALIVE);
            let threads = spawn(&o, readers, keeper);
            let froze = o.rc.freeze(1);
            if froze {
                o.free();
            }
            for t in threads {
                let got = t.join().unwrap();
                assert!(!(froze && got), "freeze(1) and a try_get both succeeded");
            }
        });
        model(0, move || {
            let o = Obj::new(C::live(1), ALIVE);
            let threads = spawn(&o, readers, reader);
            if o.rc.freeze(1) {
                o.free();
            } else {
                o.put();
            }
            threads.into_iter().for_each(|t| t.join().unwrap());
            assert_eq!(o.lasts(), 1, "exactly one Last or freeze per life");
        });
    }
}

/// Model (4), increment vs unfreeze: the owner initialises the object and
/// unfreezes it while `readers` (1 or 2) try to get it. A reader that
/// succeeds sees the initialisation (unfreeze's Release, try_get's Acquire:
/// loom flags the read as a data race otherwise).
fn increment_vs_unfreeze<C: Counter>() {
    for readers in 1..=2 {
        model(0, move || {
            let o = Obj::new(C::frozen(), 0);
            let threads = spawn(&o, readers, reader);
            o.data.with_mut(|p| unsafe { *p = ALIVE });
            o.rc.unfreeze(1);
            o.put();
            threads.into_iter().for_each(|t| t.join().unwrap());
            assert_eq!(o.lasts(), 1, "exactly one Last per life");
        });
    }
}

/// Model (6), the put/put ABA of SPEC.md (seed 002). T1 (this thread) holds
/// the one reference of life 1 and puts it. T2 speculatively gets and puts;
/// if it gets `Last` it owns the slot, starts life 2 (advances `life`,
/// `unfreeze(1)`) and puts that reference (as the SPEC's T3). With
/// `readers = 1`, a third thread is a plain speculative reader of whichever
/// life it finds. Whoever gets `Last` checks that it is told so for a life it
/// held a reference in, and in the end every life has ended in one `Last`.
///
/// The violation: T1 subtracts 1 -> 0 and is preempted; T2 resurrects,
/// frees, reuses, and subtracts 1 -> 0; T1's CAS 0 -> FROZEN succeeds: T1 is
/// told `Last` for life 2, and T2's CAS fails. Two preemptions.
fn put_put_aba_with<C: Counter>(readers: usize) {
    fn t2<C: Counter>(o: &Obj<C>) {
        if !o.rc.try_get() {
            return;
        }
        let held = o.life.load(SeqCst);
        if o.rc.put() == Put::Last {
            check_life(o, held, "T2");
            // T2 is now the allocator: the slot becomes a new object
            // (T3 of the SPEC), which T2 holds and drops.
            o.life.store(held + 1, SeqCst);
            o.rc.unfreeze(1);
            if o.rc.put() == Put::Last {
                check_life(o, held + 1, "T2 as T3");
            }
        }
    }
    fn speculative<C: Counter>(o: &Obj<C>) {
        if o.rc.try_get() {
            let held = o.life.load(SeqCst);
            if o.rc.put() == Put::Last {
                check_life(o, held, "a reader");
            }
        }
    }
    model(2, move || {
        let o = Obj::new(C::live(1), ALIVE);
        let mut threads = spawn(&o, 1, t2);
        threads.extend(spawn(&o, readers, speculative));
        if o.rc.put() == Put::Last {
            check_life(&o, 1, "T1");
        }
        threads.into_iter().for_each(|t| t.join().unwrap());
        // Every reference was dropped: every life ended in exactly one Last.
        assert_eq!(
            o.lasts(),
            o.life.load(SeqCst),
            "a life ended without a Last"
        );
    });
}

/// Model (6) where it must pass: `Tagged`, and `Classic` (no transient zero).
fn put_put_aba<C: Counter>() {
    put_put_aba_with::<C>(0);
    put_put_aba_with::<C>(1);
}

const ABA: &str = "ABA: Last for a life";

/// The caller got `Last`: it must be for the life it held a reference in.
fn check_life<C: Counter>(o: &Obj<C>, held: usize, who: &str) {
    o.lasts.fetch_add(1, SeqCst);
    let now = o.life.load(SeqCst);
    assert_eq!(
        now, held,
        "{ABA} this thread never held a reference in: {who} held life {held}, got Last in life {now}"
    );
}

/// Runs `model`, which must fail, and returns loom's panic message.
fn expect_violation(model: impl FnOnce()) -> String {
    let result = panic::catch_unwind(AssertUnwindSafe(model));
    let payload = result.expect_err("loom found no violation in a model that must have one");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

/// Model (6) on an encoding without a generation: loom must find the ABA,
/// with two threads and with three.
fn put_put_aba_found<C: Counter>() {
    for readers in 0..=1 {
        let msg = expect_violation(move || put_put_aba_with::<C>(readers));
        assert!(msg.contains(ABA), "loom failed for another reason: {msg}");
    }
}

/// Model (7), a garbage reset racing unfreeze. The frozen word is preloaded
/// with `DRIFT_LIMIT` of failed increments, so the racing `try_get`s
/// (1 or 2) push it past the limit and do their one reset CAS, while the
/// owner unfreezes. A reset must never undo the unfreeze: afterwards the
/// counter is live with the owner's reference plus the readers' that
/// succeeded.
fn reset_vs_unfreeze<E: Encoding>() {
    type Rc<E> = FrozenRefcount<E, CoreAtomics>;
    assert!(
        E::DRIFT_LIMIT != E::Word::ZERO,
        "{}: no garbage reset",
        E::NAME
    );
    for readers in 1..=2 {
        model(0, move || {
            let rc = Arc::new(Rc::<E>::new_frozen());
            // DRIFT_LIMIT failed increments, MAX_MANY at a time (two steps):
            // right at the limit, not past it.
            let mut left = (E::DRIFT_LIMIT.to_u64() / E::ONE.to_u64()) as u32;
            while left > 0 {
                let n = left.min(Rc::<E>::MAX_MANY);
                assert!(!rc.try_get_many(n));
                left -= n;
            }
            assert_eq!(
                rc.load_raw(),
                E::FROZEN.wrapping_add(E::DRIFT_LIMIT),
                "preload reset early"
            );
            let threads: Vec<_> = (0..readers)
                .map(|_| {
                    let rc = rc.clone();
                    thread::spawn(move || rc.try_get() as u32)
                })
                .collect();
            rc.unfreeze(1);
            let got: u32 = threads.into_iter().map(|t| t.join().unwrap()).sum();
            assert_eq!(
                rc.state(),
                State::Live(1 + got),
                "a garbage reset undid unfreeze"
            );
        });
    }
}

/// Model (5): the `atomic_or` counterexample, kept here and nowhere else. A
/// `HighBit<u32>` layout whose last `put` freezes with `fetch_or(FROZEN)`
/// instead of a CAS from zero. `BLIND` returns `Last` unconditionally (a
/// `try_get` in the window then holds a freed object); otherwise it returns
/// `Last` only if `fetch_or` saw zero (then the object is frozen under the
/// reader's reference and nobody ever gets `Last`: a leak, and a live
/// reference to a frozen object).
struct OrFreeze<const BLIND: bool>(AtomicU32);

const OR_FROZEN: u32 = 1 << 31;

impl<const BLIND: bool> Counter for OrFreeze<BLIND> {
    fn live(count: u32) -> Self {
        OrFreeze(AtomicU32::new(count))
    }
    fn frozen() -> Self {
        OrFreeze(AtomicU32::new(OR_FROZEN))
    }
    fn try_get(&self) -> bool {
        self.0.fetch_add(1, Acquire) & OR_FROZEN == 0
    }
    fn put(&self) -> Put {
        if self.0.fetch_sub(1, Release) != 1 {
            return Put::Kept;
        }
        // THE BUG: an unconditional RMW cannot tell that a try_get got in.
        let old = self.0.fetch_or(OR_FROZEN, Acquire);
        if BLIND || old == 0 {
            Put::Last
        } else {
            Put::Kept
        }
    }
    fn freeze(&self, expected: u32) -> bool {
        self.0
            .compare_exchange(expected, OR_FROZEN, Acquire, Relaxed)
            .is_ok()
    }
    fn unfreeze(&self, count: u32) {
        self.0.store(count, Release)
    }
}

#[test]
fn or_freeze_blind_is_caught() {
    // Loom reports the reader's access to the freed object: as a data race
    // with the free, or as the freed value.
    let msg = expect_violation(increment_vs_free::<OrFreeze<true>>);
    assert!(
        msg.contains("Causality violation") || msg.contains("freed"),
        "loom failed for another reason: {msg}"
    );
}

#[test]
fn or_freeze_checked_is_caught() {
    let msg = expect_violation(increment_vs_free::<OrFreeze<false>>);
    assert!(
        msg.contains("exactly one Last"),
        "loom failed for another reason: {msg}"
    );
}

/// Instantiates the models: one module per counter, one `#[test]` per model.
macro_rules! models {
    ($($module:ident: $e:ty => [$($model:ident),* $(,)?] $(+ [$($raw:ident),*])?;)*) => {$(
        mod $module {
            #[allow(unused_imports)]
            use super::*;
            $(
                #[test]
                fn $model() {
                    super::$model::<FrozenRefcount<$e, CoreAtomics>>();
                }
            )*
            $($(
                #[test]
                fn $raw() {
                    super::$raw::<$e>();
                }
            )*)?
        }
    )*};
}

models! {
    high_bit_u8: HighBit<u8> => [increment_vs_free, free_vs_free, increment_vs_freeze,
        increment_vs_unfreeze, put_put_aba_found] + [reset_vs_unfreeze];
    high_bit_u32: HighBit<u32> => [increment_vs_free, free_vs_free, increment_vs_freeze,
        increment_vs_unfreeze, put_put_aba_found] + [reset_vs_unfreeze];
    low_bit_u8: LowBit<u8> => [increment_vs_free, free_vs_free, increment_vs_freeze,
        increment_vs_unfreeze, put_put_aba_found];
    low_bit_u32: LowBit<u32> => [increment_vs_free, free_vs_free, increment_vs_freeze,
        increment_vs_unfreeze, put_put_aba_found];
    zero_locked_high_u8: ZeroLockedHigh<u8> => [increment_vs_free, free_vs_free,
        increment_vs_freeze, increment_vs_unfreeze, put_put_aba_found] + [reset_vs_unfreeze];
    zero_locked_high_u32: ZeroLockedHigh<u32> => [increment_vs_free, free_vs_free,
        increment_vs_freeze, increment_vs_unfreeze, put_put_aba_found] + [reset_vs_unfreeze];
    zero_locked_low_u8: ZeroLockedLow<u8> => [increment_vs_free, free_vs_free,
        increment_vs_freeze, increment_vs_unfreeze, put_put_aba_found];
    zero_locked_low_u32: ZeroLockedLow<u32> => [increment_vs_free, free_vs_free,
        increment_vs_freeze, increment_vs_unfreeze, put_put_aba_found];
    // The sign-test slow path re-reads the word: increment_vs_unfreeze is the
    // race that argument must survive.
    biased_u8: Biased<u8> => [increment_vs_free, free_vs_free, increment_vs_freeze,
        increment_vs_unfreeze, put_put_aba_found] + [reset_vs_unfreeze];
    biased_u32: Biased<u32> => [increment_vs_free, free_vs_free, increment_vs_freeze,
        increment_vs_unfreeze, put_put_aba_found] + [reset_vs_unfreeze];
    // (No reset_vs_unfreeze at 64 bits: the preload would be 2^59 steps.)
    biased_u64: Biased<u64> => [increment_vs_free, free_vs_free, increment_vs_freeze,
        increment_vs_unfreeze, put_put_aba_found];
    // Zero is dead: no try_get resurrects it, so there is no window to race
    // and the ABA cannot happen.
    classic_u8: Classic<u8> => [increment_vs_free, free_vs_free, increment_vs_freeze,
        increment_vs_unfreeze, put_put_aba];
    classic_u32: Classic<u32> => [increment_vs_free, free_vs_free, increment_vs_freeze,
        increment_vs_unfreeze, put_put_aba];
    // The generation closes the ABA: the model passes.
    tagged: Tagged => [increment_vs_free, free_vs_free, increment_vs_freeze,
        increment_vs_unfreeze, put_put_aba] + [reset_vs_unfreeze];
}
