//! Speculative readers piling garbage on a frozen word that nobody ever
//! unfreezes, through the `interleave` harness: thread 0 owns the frozen
//! word and does nothing; four readers each `try_get_many(MAX_MANY)` three
//! times, under many schedules, so that their adds land while the others'
//! resets wait. Every encoding the harness knows must refuse them all.
//! (With a drift limit of a quarter of the word and `MAX_MANY = 2^(B-4)`,
//! an earlier choice of constants, a few hundred schedules handed a reader
//! the allocator's word on `HighBit<u8>` and `Biased<u8>`.)

use frozen_refcount_fuzz::interleave::{run, Scenario, TOp, ENCODINGS, MAX_THREADS};

/// The scenario: frozen start, an idle owner, `MAX_THREADS - 1` readers.
fn readers(encoding: usize, schedule: Vec<u8>) -> Scenario {
    let mut programs = vec![vec![]];
    programs.extend((1..MAX_THREADS).map(|_| vec![TOp::TryGetMany; 3]));
    Scenario {
        encoding,
        start: 0,
        programs,
        schedule,
    }
}

/// A deterministic stream of schedule bytes (xorshift), one per seed.
fn schedule(seed: u64) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..96)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

#[test]
fn readers_never_win_a_word_nobody_unfroze() {
    for (e, name) in ENCODINGS.iter().enumerate() {
        for seed in 0..300 {
            let sc = readers(e, schedule(seed));
            if let Err(v) = run(&sc) {
                panic!("{name}, schedule seed {seed}: {v}\n{:?}", sc.encode());
            }
        }
    }
}

/// The scenario survives its byte encoding (the corpus seed below is it).
#[test]
fn five_threads_round_trip() {
    let sc = readers(1, schedule(7));
    assert_eq!(Scenario::decode(&sc.encode()), sc);
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/corpus/interleave/readers-many-frozen-u8"
    ))
    .unwrap();
    assert_eq!(Scenario::decode(&bytes), sc);
}
