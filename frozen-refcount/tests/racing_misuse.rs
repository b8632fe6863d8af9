//! Misused puts racing other operations, on real threads: two threads walk
//! one array of words in step (a spin barrier every few words, so that they
//! meet on the same word often), each doing its side of a shape on every
//! word. Release builds only: a debug build panics at the misuse.
//!
//! Zeroed memory that nobody unfroze, for the encodings whose all-zero word
//! is frozen (`ZeroLockedHigh`, `ZeroLockedLow`, `Classic`'s dead zero):
//! either both threads `put` (put ‖ put) or one `put_many(2)`s while the
//! other `try_get`s. Afterwards every word must be frozen and refuse a
//! `try_get`, and no racing `try_get` may have succeeded.
//!
//! `ZeroLockedHigh`'s all-zero word sits at the bottom edge of its frozen
//! half, so a put wraps it to the top of the word; when a second put (or a
//! `try_get`) came in before the first put's repair, the word was left
//! saturated and live for good (thousands of words per 200k trials).
#![cfg(all(not(frozen_refcount_loom), not(debug_assertions)))]

mod common;
use common::*;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};

const TRIALS: usize = if cfg!(miri) { 200 } else { 200_000 };

#[derive(Clone, Copy, Debug)]
enum Shape {
    PutPut,
    PutManyTryGet,
}

/// One more `put` than references held, racing the legitimate last `put`
/// (every encoding): `new(1)`, one thread puts its reference, the other
/// puts one it does not hold. The docs promise that the word ends frozen or
/// saturated, never a small live count, and that no second `Last` is handed
/// out (the object may leak instead). Returns how many words broke that.
fn over_put<E: Encoding, B: Backend>() -> usize {
    let words: Vec<FrozenRefcount<E, B>> = (0..TRIALS).map(|_| FrozenRefcount::new(1)).collect();
    let (a, b) = lockstep(&words, |w| w.put().is_last(), |w| w.put().is_last());
    words
        .iter()
        .zip(a.iter().zip(&b))
        .filter(|(w, (&a, &b))| {
            let end_ok = match w.state() {
                State::Frozen => !w.try_get(),
                State::Saturated => w.try_get(),
                _ => false,
            };
            (a && b) || !end_ok
        })
        .count()
}

/// Words per round: both threads start a round together (a spin barrier)
/// and race through its words, so that they meet on the same word often.
const ROUND: usize = 16;

/// Both threads call `wait(r)` to start round `r`: a spin barrier over one
/// counter, cheap enough to run once per `ROUND` words.
struct Rounds(AtomicUsize);
impl Rounds {
    fn wait(&self, round: usize) {
        self.0.fetch_add(1, SeqCst);
        let mut spins = 0u32;
        while self.0.load(SeqCst) < 2 * (round + 1) {
            spins += 1;
            if spins % 1024 == 0 {
                std::thread::yield_now(); // the other thread may be preempted
            }
            std::hint::spin_loop();
        }
    }
}

/// This thread runs `mine` and a second thread `theirs` on every word, in
/// step (`Rounds`); returns what each returned, word by word.
fn lockstep<W: Sync, A, B: Send>(
    words: &[W],
    mine: impl Fn(&W) -> A,
    theirs: impl Fn(&W) -> B + Sync,
) -> (Vec<A>, Vec<B>) {
    fn walk<W, R>(words: &[W], rounds: &Rounds, f: impl Fn(&W) -> R) -> Vec<R> {
        let mut out = Vec::with_capacity(words.len());
        for (r, chunk) in words.chunks(ROUND).enumerate() {
            rounds.wait(r);
            out.extend(chunk.iter().map(&f));
        }
        out
    }
    let rounds = Rounds(AtomicUsize::new(0));
    std::thread::scope(|s| {
        let other = s.spawn(|| walk(words, &rounds, &theirs));
        let mine = walk(words, &rounds, mine);
        (mine, other.join().unwrap())
    })
}

/// Runs one shape over `TRIALS` fresh zeroed words; returns how many words
/// were left not frozen (or accepting a `try_get`) and how many of the
/// racing `try_get`s succeeded.
fn race<E: Encoding, B: Backend>(shape: Shape) -> (usize, usize) {
    let words: Vec<FrozenRefcount<E, B>> = (0..TRIALS)
        .map(|_| FrozenRefcount::from_raw(<E::Word as Word>::ZERO))
        .collect();
    let n = match shape {
        Shape::PutPut => 1,
        Shape::PutManyTryGet => 2,
    };
    let (_, other) = lockstep(
        &words,
        |w| assert_eq!(w.put_many(n), Put::Kept),
        |w| match shape {
            Shape::PutPut => {
                assert_eq!(w.put(), Put::Kept);
                false
            }
            Shape::PutManyTryGet => w.try_get(),
        },
    );
    let wins = other.iter().filter(|&&won| won).count();
    let live = words
        .iter()
        .filter(|w| !w.is_frozen() || w.try_get())
        .count();
    (live, wins)
}

fn zeroed_stays_frozen<E: Encoding, B: Backend>(failures: &mut Vec<String>) {
    if !FrozenRefcount::<E, B>::from_raw(<E::Word as Word>::ZERO).is_frozen() {
        return; // zeroed memory is a live zero here: not this test's subject
    }
    for shape in [Shape::PutPut, Shape::PutManyTryGet] {
        let (live, wins) = race::<E, B>(shape);
        println!(
            "{:<28} {shape:?}: {live} words live, {wins} try_gets won of {TRIALS}",
            label::<E, B>()
        );
        if live + wins != 0 {
            failures.push(format!(
                "{} {shape:?}: {live} live, {wins} won",
                label::<E, B>()
            ));
        }
    }
}

fn over_put_never_frees_twice<E: Encoding, B: Backend>(failures: &mut Vec<String>) {
    let bad = over_put::<E, B>();
    println!(
        "{:<28} over-put: {bad} words with two Lasts or a live end",
        label::<E, B>()
    );
    if bad != 0 {
        failures.push(format!("{} over-put: {bad}", label::<E, B>()));
    }
}

#[test]
fn an_over_put_racing_the_last_put_never_frees_twice() {
    let mut failures = Vec::new();
    each_counter!(over_put_never_frees_twice, &mut failures);
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn misused_puts_on_zeroed_memory_leave_it_frozen() {
    let mut failures = Vec::new();
    each_counter!(zeroed_stays_frozen, &mut failures);
    assert!(failures.is_empty(), "{failures:#?}");
}
