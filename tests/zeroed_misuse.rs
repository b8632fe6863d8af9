//! Zeroed memory that nobody unfroze, under racing misused puts: for the
//! encodings whose all-zero word is frozen (`ZeroLockedHigh`,
//! `ZeroLockedLow`, `Classic`'s dead zero), two threads walk one array of
//! such words in step, and on each word either both `put` (put ‖ put) or
//! one `put_many(2)`s while the other `try_get`s. Afterwards every word must
//! be frozen and refuse a `try_get`, and no racing `try_get` may have
//! succeeded. Release builds only: a debug build panics at the misuse.
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

/// Runs one shape over `TRIALS` fresh zeroed words; returns how many words
/// were left not frozen (or accepting a `try_get`) and how many of the
/// racing `try_get`s succeeded.
fn race<E: Encoding, B: Backend>(shape: Shape) -> (usize, usize) {
    let words: Vec<FrozenRefcount<E, B>> = (0..TRIALS)
        .map(|_| FrozenRefcount::from_raw(<E::Word as Word>::ZERO))
        .collect();
    let rounds = Rounds(AtomicUsize::new(0));
    let wins = std::thread::scope(|s| {
        let (words, rounds) = (&words, &rounds);
        let other = s.spawn(move || {
            let mut wins = 0;
            for (r, chunk) in words.chunks(ROUND).enumerate() {
                rounds.wait(r);
                for w in chunk {
                    match shape {
                        Shape::PutPut => assert_eq!(w.put(), Put::Kept),
                        Shape::PutManyTryGet => wins += w.try_get() as usize,
                    }
                }
            }
            wins
        });
        let n = match shape {
            Shape::PutPut => 1,
            Shape::PutManyTryGet => 2,
        };
        for (r, chunk) in words.chunks(ROUND).enumerate() {
            rounds.wait(r);
            for w in chunk {
                assert_eq!(w.put_many(n), Put::Kept);
            }
        }
        other.join().unwrap()
    });
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

#[test]
fn misused_puts_on_zeroed_memory_leave_it_frozen() {
    let mut failures = Vec::new();
    each_counter!(zeroed_stays_frozen, &mut failures);
    assert!(failures.is_empty(), "{failures:#?}");
}
