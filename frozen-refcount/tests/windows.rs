//! The race windows of the thread, replayed deterministically with real
//! threads: a test backend (`Pausing`) stops a chosen thread just before its
//! next CAS, so the test can run other operations in the window and then let
//! it go. The protocol under test is the crate's own; only the backend is
//! instrumented. (The loom models explore the same races exhaustively.)
#![cfg(not(frozen_refcount_loom))]

mod common;
use common::*;
use std::cell::RefCell;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;
use std::thread;

/// `CoreAtomics`, except that a thread that armed a pause stops before its
/// next compare-exchange until released.
struct Pausing;

thread_local! {
    static PAUSE: RefCell<Option<(Sender<()>, Receiver<()>)>> = const { RefCell::new(None) };
}

fn pause_point() {
    if let Some((arrived, go)) = PAUSE.with(|p| p.borrow_mut().take()) {
        arrived.send(()).unwrap();
        go.recv().unwrap();
    }
}

// SAFETY: forwards every step to CoreAtomics.
unsafe impl Backend for Pausing {
    const NAME: &'static str = "pausing";
    fn load<W: Word>(a: &W::Atomic, o: Ordering) -> W {
        CoreAtomics::load(a, o)
    }
    fn store<W: Word>(a: &W::Atomic, v: W, o: Ordering) {
        CoreAtomics::store(a, v, o)
    }
    fn fetch_add<W: Word>(a: &W::Atomic, v: W, o: Ordering) -> W {
        CoreAtomics::fetch_add(a, v, o)
    }
    fn fetch_sub<W: Word>(a: &W::Atomic, v: W, o: Ordering) -> W {
        CoreAtomics::fetch_sub(a, v, o)
    }
    fn compare_exchange<W: Word>(
        a: &W::Atomic,
        c: W,
        n: W,
        s: Ordering,
        f: Ordering,
    ) -> Result<W, W> {
        pause_point();
        CoreAtomics::compare_exchange(a, c, n, s, f)
    }
}

/// A thread that runs `f` with a pause armed before its first CAS.
struct Paused<R> {
    arrived: Receiver<()>,
    go: Sender<()>,
    handle: thread::JoinHandle<R>,
}

impl<R: Send + 'static> Paused<R> {
    fn spawn(f: impl FnOnce() -> R + Send + 'static) -> Self {
        let (arrived_tx, arrived) = channel();
        let (go, go_rx) = channel();
        let handle = thread::spawn(move || {
            PAUSE.with(|p| *p.borrow_mut() = Some((arrived_tx, go_rx)));
            f()
        });
        Paused {
            arrived,
            go,
            handle,
        }
    }
    /// Waits until the thread stands before its CAS.
    fn wait_at_cas(&self) {
        self.arrived.recv().unwrap();
    }
    fn finish(self) -> R {
        let _ = self.go.send(());
        self.handle.join().unwrap()
    }
}

type Rc<E> = Arc<FrozenRefcount<E, Pausing>>;

/// Zero is transient: between the last put's subtract and its CAS the word
/// reads as zero, a try_get there succeeds, and that put reports Kept.
fn zero_is_transient<E: Encoding>() {
    if E::SCHEME.frozen_mark() == FrozenMark::ZeroCount {
        return; // Classic has no window: zero is final
    }
    let c: Rc<E> = Arc::new(FrozenRefcount::new(1));
    let t1 = Paused::spawn({
        let c = c.clone();
        move || c.put()
    });
    t1.wait_at_cas();
    assert_eq!(c.state(), State::Zero, "{}", E::NAME);
    assert_eq!(c.count(), 0);
    assert!(!c.is_frozen());
    assert!(c.try_get(), "{}: try_get in the window resurrects", E::NAME);
    assert_eq!(t1.finish(), Put::Kept, "{}", E::NAME);
    assert_eq!(c.state(), State::Live(1));
    assert_eq!(c.put(), Put::Last, "{}: the resurrector frees", E::NAME);
}

/// The put/put ABA, step by step:
/// T1 put 1->0 (paused before its CAS); T2 try_get 0->1, put 1->0, CAS wins
/// (Last, frees, reuses); T3 unfreeze(1), put 1->0 (paused before its CAS);
/// T1's CAS runs, then T3's. Returns what T1 and T3 were told.
fn put_put_aba<E: Encoding>() -> (Put, Put) {
    let c: Rc<E> = Arc::new(FrozenRefcount::new(1));
    let t1 = Paused::spawn({
        let c = c.clone();
        move || c.put()
    });
    t1.wait_at_cas();
    // T2 (this thread): resurrects, drops, wins the CAS, reuses the slot.
    assert!(c.try_get());
    assert_eq!(c.put(), Put::Last);
    c.unfreeze(1); // T3's life begins
    let t3 = Paused::spawn({
        let c = c.clone();
        move || c.put()
    });
    t3.wait_at_cas();
    let t1_said = t1.finish();
    let t3_said = t3.finish();
    // Exactly one Last for T3's life either way.
    assert_eq!(
        [t1_said, t3_said].iter().filter(|p| p.is_last()).count(),
        1,
        "{}",
        E::NAME
    );
    assert!(c.is_frozen());
    (t1_said, t3_said)
}

/// A failed try_get whose garbage reset CAS races an unfreeze must not undo
/// it: HighBit<u8> resets after 32 failures past the canonical 0xC0.
fn reset_vs_unfreeze<E: Encoding>() {
    let c: Rc<E> = Arc::new(FrozenRefcount::new_frozen());
    // Pile up garbage to just below the reset point.
    let mut n = 0;
    while n < 100_000 {
        let t = Paused::spawn({
            let c = c.clone();
            move || c.try_get()
        });
        // Either the try_get returns without a CAS, or it stops at the reset.
        match t
            .arrived
            .recv_timeout(std::time::Duration::from_millis(200))
        {
            Ok(()) => {
                c.unfreeze(2); // the owner publishes a new life in the window
                assert!(!t.finish(), "{}", E::NAME);
                assert_eq!(
                    c.state(),
                    State::Live(2),
                    "{}: reset undid unfreeze",
                    E::NAME
                );
                assert_eq!(c.put_many(2), Put::Last);
                return;
            }
            Err(_) => assert!(!t.finish()),
        }
        n += 1;
    }
    panic!("{}: no reset within {n} failed try_gets", E::NAME);
}

/// Garbage that keeps moving under a reset: the reset CAS of a failed
/// `try_get` is held while another failed increment lands (a raw add, as
/// from a thread whose own reset is still to come). The reset must retry
/// from the value its CAS returned, not give up: two threads that give up
/// on each other's moves let the garbage climb until it wraps into a live
/// count (found by `tsan_stress` on `Biased<u8>`).
fn reset_retries_when_the_word_moves<E: Encoding<Word = u8>>() {
    let c: Rc<E> = Arc::new(FrozenRefcount::new_frozen());
    // SAFETY: the counter's word is a live `AtomicU8`, accessed atomically.
    let raw = unsafe { std::sync::atomic::AtomicU8::from_ptr(c.as_ptr()) };
    for _ in 0..1000 {
        let t = Paused::spawn({
            let c = c.clone();
            move || c.try_get()
        });
        match t
            .arrived
            .recv_timeout(std::time::Duration::from_millis(200))
        {
            Ok(()) => {
                // Inside the window: the word moves on by one more failure.
                raw.fetch_add(1, Ordering::Relaxed);
                assert!(!t.finish(), "{}", E::NAME);
                assert_eq!(
                    c.load_raw(),
                    E::FROZEN,
                    "{}: the reset gave up when the word moved",
                    E::NAME
                );
                return;
            }
            Err(_) => assert!(!t.finish()),
        }
    }
    panic!("{}: no reset within 1000 failed try_gets", E::NAME);
}

#[test]
fn garbage_reset_retries_when_the_word_moves() {
    reset_retries_when_the_word_moves::<HighBit<u8>>();
    reset_retries_when_the_word_moves::<ZeroLockedHigh<u8>>();
    reset_retries_when_the_word_moves::<Biased<u8>>();
}

macro_rules! each_encoding {
    ($f:ident) => {{
        $f::<HighBit<u8>>();
        $f::<HighBit<u32>>();
        $f::<LowBit<u8>>();
        $f::<ZeroLockedHigh<u8>>();
        $f::<ZeroLockedHigh<u32>>();
        $f::<ZeroLockedLow<u16>>();
        $f::<Biased<u8>>();
        $f::<Biased<u32>>();
        $f::<Classic<u8>>();
        $f::<Tagged>();
    }};
}

#[test]
fn zero_is_transient_all() {
    each_encoding!(zero_is_transient);
}

#[test]
fn put_put_aba_misattributes_last_without_a_generation() {
    // The race the thread found: T1 is told Last for T3's life, which it
    // never held a reference in, and T3 (who did) is told Kept.
    assert_eq!(put_put_aba::<HighBit>(), (Put::Last, Put::Kept));
    assert_eq!(put_put_aba::<HighBit<u8>>(), (Put::Last, Put::Kept));
    assert_eq!(put_put_aba::<LowBit>(), (Put::Last, Put::Kept));
    assert_eq!(put_put_aba::<ZeroLockedHigh>(), (Put::Last, Put::Kept));
    assert_eq!(put_put_aba::<ZeroLockedLow>(), (Put::Last, Put::Kept));
}

#[test]
fn put_put_aba_tagged_gives_last_to_the_right_put() {
    // The generation makes T1's CAS fail; T3 gets its own Last.
    assert_eq!(put_put_aba::<Tagged>(), (Put::Kept, Put::Last));
}

#[test]
fn garbage_reset_never_undoes_unfreeze() {
    reset_vs_unfreeze::<HighBit<u8>>();
    reset_vs_unfreeze::<ZeroLockedHigh<u8>>();
    reset_vs_unfreeze::<Biased<u8>>();
    // 8192 failed try_gets, one thread each: too slow under Miri.
    if !cfg!(miri) {
        reset_vs_unfreeze::<HighBit<u16>>();
    }
}
