//! The models, one per race of the protocol (numbered as in
//! docs/verification.md), each generic over the [`Counter`] it runs on;
//! `main.rs` instantiates them. Model (5), a wrong protocol, is in
//! `or_freeze.rs`.

use crate::harness::{expect_violation, model, reader, spawn, Counter, Obj, ALIVE};
use frozen_refcount::{CoreAtomics, Encoding, FrozenRefcount, Put, State, Word};
use loom::sync::Arc;
use loom::thread;
use std::sync::atomic::Ordering::SeqCst;

/// Model (1), increment vs free: `readers` (1 or 2) `try_get`s race the last
/// `put`. Exactly one `Last`; a successful `try_get` never sees the object
/// freed; after `Last` no `try_get` succeeds until `unfreeze`.
pub(crate) fn increment_vs_free<C: Counter>() {
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
/// Run twice: every holder `put`s; and this thread, the owner, gives its
/// reference up with `put_expecting_last` (its `freeze(1)`'s Acquire).
pub(crate) fn free_vs_free<C: Counter>() {
    fn holder<C: Counter>(o: &Obj<C>) {
        o.read("a holder before its put");
        o.put();
    }
    for holders in 2..=3 {
        for owner_expects_last in [false, true] {
            model(0, move || {
                let o = Obj::new(C::live(holders as u32), ALIVE);
                let threads = spawn(&o, holders - 1, holder);
                o.read("the owner before its put");
                if owner_expects_last {
                    o.put_expecting_last();
                } else {
                    o.put();
                }
                threads.into_iter().for_each(|t| t.join().unwrap());
                assert_eq!(o.lasts(), 1, "exactly one Last per life");
                assert!(!o.rc.try_get(), "a try_get succeeded after Last");
            });
        }
    }
}

/// Model (3), increment vs freeze: `try_get`s race `freeze(1)` by the holder
/// of the only reference. (a) Readers that keep their reference: `freeze`
/// and a `try_get` never both succeed. (b) Readers that drop it again:
/// `freeze` still sees their accesses (Acquire), and exactly one of
/// `freeze`/`put` ends the life: the holder gives its reference up with
/// `put_expecting_last`, whose `freeze(1)` fails while a reader holds one.
pub(crate) fn increment_vs_freeze<C: Counter>() {
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
            o.put_expecting_last();
            threads.into_iter().for_each(|t| t.join().unwrap());
            assert_eq!(o.lasts(), 1, "exactly one Last or freeze per life");
        });
    }
}

/// Model (4), increment vs unfreeze: the owner initialises the object and
/// unfreezes it while `readers` (1 or 2) try to get it. A reader that
/// succeeds sees the initialisation (unfreeze's Release, try_get's Acquire:
/// loom flags the read as a data race otherwise).
pub(crate) fn increment_vs_unfreeze<C: Counter>() {
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

/// Model (6), the put/put ABA. T1 (this thread) holds
/// the one reference of life 1 and puts it. T2 speculatively gets and puts;
/// if it gets `Last` it owns the slot, starts life 2 (advances `life`,
/// `unfreeze(1)`) and puts that reference (the third thread of the ABA). With
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
            // (the third thread of the ABA), which T2 holds and drops.
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
pub(crate) fn put_put_aba<C: Counter>() {
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

/// Model (6) on an encoding without a generation: loom must find the ABA,
/// with two threads and with three.
pub(crate) fn put_put_aba_found<C: Counter>() {
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
pub(crate) fn reset_vs_unfreeze<E: Encoding>() {
    type Rc<E> = FrozenRefcount<E, CoreAtomics>;
    assert!(
        E::DRIFT_LIMIT != E::Word::ZERO,
        "{}: no garbage reset",
        E::NAME
    );
    for readers in 1..=2 {
        model(0, move || {
            // DRIFT_LIMIT of failed increments: right at the limit, not past it.
            let rc = Arc::new(Rc::<E>::from_raw(at_drift_limit::<E>()));
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

/// A frozen word with `DRIFT_LIMIT` of garbage: the most a frozen word holds
/// while no failed `try_get` is in flight.
fn at_drift_limit<E: Encoding>() -> E::Word {
    E::FROZEN.wrapping_add(E::DRIFT_LIMIT)
}

/// Model (8), readers on a word nobody unfroze: three `try_get_many(MAX_MANY)`
/// race on a frozen word that already holds `DRIFT_LIMIT` of garbage, each
/// adding, then resetting if its add went past the limit. None succeeds, and
/// the word ends frozen. (Before the reader bound, two readers in flight
/// carried a `u8` or `u32` word past the top of the frozen half.)
pub(crate) fn readers_on_frozen<E: Encoding>() {
    type Rc<E> = FrozenRefcount<E, CoreAtomics>;
    assert!(Rc::<E>::READER_BOUND >= 3, "{}: bound below 3", E::NAME);
    model(0, || {
        let rc = Arc::new(Rc::<E>::from_raw(at_drift_limit::<E>()));
        let threads: Vec<_> = (0..3)
            .map(|_| {
                let rc = rc.clone();
                thread::spawn(move || rc.try_get_many(Rc::<E>::MAX_MANY))
            })
            .collect();
        for t in threads {
            assert!(!t.join().unwrap(), "a reader got a word nobody unfroze");
        }
        assert!(rc.is_frozen(), "the readers thawed it: {rc:?}");
        assert!(!rc.try_get(), "a try_get after the readers succeeded");
    });
}

/// Model (9), `ZeroLockedHigh`'s all-zero word (zeroed memory, never
/// unfrozen) under misused puts: `put` ‖ `put`, and `put_many(2)` ‖
/// `try_get`. A put on it wraps to the top of the word; however the steps
/// interleave, no `try_get` succeeds and, once every put has returned, the
/// word is frozen. (A debug build panics at the misuse, after the repair:
/// the panic is caught and read as the `Kept` a release build returns.)
pub(crate) fn misused_puts_on_zeroed<E: Encoding>() {
    type Rc<E> = FrozenRefcount<E, CoreAtomics>;
    fn put_many<E: Encoding>(rc: &Rc<E>, n: u32) -> Put {
        let put = std::panic::AssertUnwindSafe(|| rc.put_many(n));
        std::panic::catch_unwind(put).unwrap_or(Put::Kept)
    }
    let zero = <E::Word as Word>::ZERO;
    model(0, move || {
        let rc = Arc::new(Rc::<E>::from_raw(zero));
        assert!(rc.is_frozen());
        let other = {
            let rc = rc.clone();
            thread::spawn(move || put_many(&rc, 1))
        };
        assert_eq!(put_many(&rc, 1), Put::Kept);
        assert_eq!(other.join().unwrap(), Put::Kept);
        assert!(rc.is_frozen(), "put ‖ put left {rc:?}");
        assert!(!rc.try_get(), "put ‖ put: a try_get succeeded");
    });
    model(0, move || {
        let rc = Arc::new(Rc::<E>::from_raw(zero));
        let reader = {
            let rc = rc.clone();
            thread::spawn(move || rc.try_get())
        };
        assert_eq!(put_many(&rc, 2), Put::Kept);
        assert!(
            !reader.join().unwrap(),
            "put_many(2) ‖ try_get: it succeeded"
        );
        assert!(rc.is_frozen(), "put_many(2) ‖ try_get left {rc:?}");
        assert!(!rc.try_get());
    });
}
