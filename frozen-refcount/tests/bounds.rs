//! The bounds of the contract (`guide::contract`, "The reader bound"), under
//! real threads and to the exact count, for every encoding, width and backend.
//!
//! Frozen words: threads hammer one word that nobody ever unfreezes (the
//! allocator owns it), and every reader's `try_get_many(MAX_MANY)` must
//! fail. This is the crate's central promise under legal use: within
//! `READER_BOUND` readers in flight at once, no `try_get*` on a word nobody
//! unfroze ever succeeds. The threads outnumber the cores, so readers are
//! preempted between their add and their garbage reset: the interleaving
//! that let garbage wrap into a live count when the headroom past the drift
//! limit was two `MAX_MANY`s.
//!
//! Saturated words: threads holding references to a saturated counter take
//! and drop `MAX_MANY` more at a time; within the saturation bound the word
//! never leaves the saturated band (no `Last`, never frozen).
//!
//! Bounded by a number of operations, not by time; the tables in the docs
//! are read back from the source and compared with the constants.
#![cfg(not(frozen_refcount_loom))]

mod common;
use common::*;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Barrier;

/// Operations per thread. Release builds run ~10x more per second.
const OPS: u32 = if cfg!(miri) {
    50
} else if cfg!(debug_assertions) {
    20_000
} else {
    200_000
};

/// `threads` readers, each looping `try_get_many` (`MAX_MANY` most of the
/// time, 1 otherwise) and `try_get_unless_frozen` on a word created frozen.
/// Returns how many calls succeeded, plus one if the word is not frozen at
/// the end; every success is a reader that now "holds" the allocator's
/// object. Nothing is put back (that would be a
/// second bug on top of the first).
fn hammer<E: Encoding, B: Backend>(threads: usize) -> u64 {
    let rc = FrozenRefcount::<E, B>::new_frozen();
    let wins = AtomicU64::new(0);
    let barrier = Barrier::new(threads);
    std::thread::scope(|s| {
        for t in 0..threads {
            let (rc, wins, barrier) = (&rc, &wins, &barrier);
            s.spawn(move || {
                let mut rng = Rng(0x9E37_79B9 ^ (t as u64 + 1));
                let mut mine = 0;
                barrier.wait();
                for _ in 0..OPS {
                    let ok = match rng.below(8) {
                        0 => rc.try_get(),
                        1 => rc.try_get_unless_frozen(),
                        _ => rc.try_get_many(FrozenRefcount::<E, B>::MAX_MANY),
                    };
                    mine += ok as u64;
                }
                wins.fetch_add(mine, Relaxed);
            });
        }
    });
    // Whatever the readers did, the word is still frozen, and still refuses.
    let thawed = !rc.is_frozen() || rc.try_get();
    wins.into_inner() + thawed as u64
}

fn never_thaws<E: Encoding, B: Backend>(failures: &mut Vec<String>) {
    for threads in [3, 8] {
        assert!(threads as u64 <= FrozenRefcount::<E, B>::READER_BOUND);
        let wins = hammer::<E, B>(threads);
        println!(
            "{:<28} {threads} threads: {wins} successes",
            label::<E, B>()
        );
        if wins != 0 {
            failures.push(format!("{} x{threads}: {wins}", label::<E, B>()));
        }
    }
}

#[test]
fn readers_within_the_bound_never_thaw_a_frozen_word() {
    let mut failures = Vec::new();
    each_counter!(never_thaws, &mut failures);
    assert!(
        failures.is_empty(),
        "successful try_gets on a word nobody unfroze: {failures:#?}"
    );
}

/// Threads holding references to a saturated word each take and drop
/// `MAX_MANY` at a time (and speculative readers come and go). Returns how
/// many puts said `Last` plus one if the word is not saturated at the end.
fn churn_saturated<E: Encoding, B: Backend>(threads: usize) -> u64 {
    type C<E, B> = FrozenRefcount<E, B>;
    let rc = C::<E, B>::new(C::<E, B>::MAX_COUNT);
    rc.get(); // one past MAX_COUNT: saturated
    let lasts = AtomicU64::new(0);
    let barrier = Barrier::new(threads);
    let many = C::<E, B>::MAX_MANY;
    std::thread::scope(|s| {
        for t in 0..threads {
            let (rc, lasts, barrier) = (&rc, &lasts, &barrier);
            s.spawn(move || {
                let mut rng = Rng(0xC0FF_EE00 ^ t as u64);
                let mut mine = 0;
                barrier.wait();
                for _ in 0..OPS / 2 {
                    if rng.below(4) == 0 {
                        if rc.try_get_many(many) {
                            mine += rc.put_many(many).is_last() as u64;
                        } else {
                            mine += 1; // refused on a live word
                        }
                    } else {
                        rc.get_many(many);
                        mine += rc.put_many(many).is_last() as u64;
                    }
                }
                lasts.fetch_add(mine, Relaxed);
            });
        }
    });
    lasts.into_inner() + !rc.is_saturated() as u64
}

fn stays_saturated<E: Encoding, B: Backend>(failures: &mut Vec<String>) {
    let threads = 8;
    assert!(threads as u64 <= E::SATURATION_BOUND);
    let bad = churn_saturated::<E, B>(threads);
    if bad != 0 {
        failures.push(format!("{} x{threads}: {bad}", label::<E, B>()));
    }
}

#[test]
fn gets_and_puts_within_the_bound_keep_a_word_saturated() {
    let mut failures = Vec::new();
    each_counter!(stays_saturated, &mut failures);
    assert!(
        failures.is_empty(),
        "a saturated word left the band (Lasts, or not saturated at the end): {failures:#?}"
    );
}

/// The saturation bound, exactly: `SATURATED` moved by `SATURATION_BOUND`
/// adds (or subtracts) of `MAX_MANY` that no re-centring store has undone
/// yet is still saturated.
fn saturation_bound_is_exact<E: Encoding, B: Backend>() {
    type C<E, B> = FrozenRefcount<E, B>;
    let step = (C::<E, B>::MAX_MANY as u64) << E::ONE.to_u64().trailing_zeros();
    let sat = E::SATURATED.to_u64();
    let k = E::SATURATION_BOUND;
    for w in [sat + k * step, sat - k * step] {
        let rc = C::<E, B>::from_raw(E::Word::from_u64(w));
        assert!(rc.is_saturated(), "{}: {w:#x} {rc:?}", label::<E, B>());
    }
    // Wrapping: for the low-bit encodings at 64 bits the band ends at the
    // top of the word, and one step more wraps (to a live count: not
    // saturated, which is the point).
    let over_up = C::<E, B>::from_raw(E::Word::from_u64(sat.wrapping_add((k + 1) * step)));
    let over_down = C::<E, B>::from_raw(E::Word::from_u64(sat.wrapping_sub((k + 1) * step)));
    assert!(
        !over_up.is_saturated() || !over_down.is_saturated(),
        "{}: the bound is one short",
        label::<E, B>()
    );
}

#[test]
fn the_saturation_bound_is_exact() {
    each_counter!(saturation_bound_is_exact);
}

/// The bound, exactly: a frozen word holding the most garbage it can hold
/// with no reader in flight (`DRIFT_LIMIT` past `FROZEN`), plus the adds of
/// `k <= READER_BOUND` readers at `MAX_MANY` that have not yet reset it, is
/// still frozen, and the k-th of those adds was refused; one reader more
/// leaves the frozen region. Words built with `from_raw` stand in for
/// readers preempted between their add and their reset.
fn bound_is_exact<E: Encoding, B: Backend>() {
    type C<E, B> = FrozenRefcount<E, B>;
    let bound = C::<E, B>::READER_BOUND;
    if bound == u64::MAX {
        return;
    }
    let m = (C::<E, B>::MAX_MANY as u64) << E::ONE.to_u64().trailing_zeros();
    let quiet = E::FROZEN.to_u64() + E::DRIFT_LIMIT.to_u64();
    let word = |k: u64| E::Word::from_u64(quiet.wrapping_add(k.wrapping_mul(m)));
    for k in [0, 1, bound / 2, bound] {
        let rc = C::<E, B>::from_raw(word(k));
        assert!(rc.is_frozen(), "{} + {k} readers: {rc:?}", label::<E, B>());
        // The reader whose add made it (the k-th) returns false, and so do
        // the ones still to come as they reset: a try_get on it fails.
        if k >= 1 {
            let prev = C::<E, B>::from_raw(word(k - 1));
            assert!(
                !prev.try_get_many(C::<E, B>::MAX_MANY),
                "{}",
                label::<E, B>()
            );
        }
    }
    // One more reader in flight: the word leaves the frozen region (the
    // bound is not conservative by a whole reader).
    let over = C::<E, B>::from_raw(word(bound));
    assert!(
        over.try_get_many(C::<E, B>::MAX_MANY) || !C::<E, B>::from_raw(word(bound + 1)).is_frozen(),
        "{}: {} readers still leave it frozen",
        label::<E, B>(),
        bound + 1
    );
}

#[test]
fn the_reader_bound_is_exact() {
    each_counter!(bound_is_exact);
}

/// Which number of the table.
#[derive(Clone, Copy)]
enum Col {
    MaxMany,
    Readers,
    Saturated,
}

fn value<E: Encoding>(col: Col) -> String {
    let v = match col {
        Col::MaxMany => E::MAX_MANY as u64,
        Col::Readers => E::READER_BOUND,
        Col::Saturated => E::SATURATION_BOUND,
    };
    if v == u64::MAX {
        "none".into()
    } else {
        v.to_string()
    }
}

/// The guide's table of bounds, as its source holds it.
const CONTRACT: &str = include_str!("../src/guide/contract.rs");

/// The four cells (8 to 64 bits) of the docs row whose first cell contains
/// `label`, commas dropped.
fn doc_row(label: &str) -> Vec<String> {
    let line = CONTRACT
        .lines()
        .find(|l| l.starts_with("//! | ") && l.contains(label))
        .unwrap_or_else(|| panic!("no row {label:?} in the docs"));
    let cells: Vec<String> = line.split('|').map(|c| c.trim().replace(',', "")).collect();
    cells[2..6].to_vec()
}

/// Asserts the row says what the constants of `E` at every width say.
macro_rules! row {
    ($label:expr, $col:expr, $($e:ident),+) => {$(
        assert_eq!(
            doc_row($label),
            [
                value::<$e<u8>>($col),
                value::<$e<u16>>($col),
                value::<$e<u32>>($col),
                value::<$e<u64>>($col),
            ],
            "docs row {:?} for {}",
            $label,
            stringify!($e)
        );
    )+};
}

/// The table in `guide::contract` ("The reader bound") is the constants':
/// every cell is read back from the source and compared.
#[test]
fn the_docs_table_is_the_constants() {
    // The prose says so (its lines joined, as rustdoc renders them).
    let prose: Vec<&str> = CONTRACT
        .lines()
        .map(|l| l.trim_start_matches("//!").trim())
        .collect();
    assert!(prose
        .join(" ")
        .contains("the crate's tests check every row below against the constants"));
    row!(
        "`MAX_MANY` |",
        Col::MaxMany,
        HighBit,
        LowBit,
        ZeroLockedHigh,
        ZeroLockedLow,
        Biased,
        Classic
    );
    row!(
        "`READER_BOUND`: [`HighBit`]",
        Col::Readers,
        HighBit,
        ZeroLockedHigh
    );
    row!("`READER_BOUND`: [`Biased`]", Col::Readers, Biased);
    row!(
        "`READER_BOUND`: [`LowBit`]",
        Col::Readers,
        LowBit,
        ZeroLockedLow,
        Classic
    );
    row!(
        "saturated: all but",
        Col::Saturated,
        HighBit,
        LowBit,
        ZeroLockedLow,
        Biased,
        Classic
    );
    row!(
        "saturated: [`ZeroLockedHigh`]",
        Col::Saturated,
        ZeroLockedHigh
    );
    // Tagged is HighBit<u32> in the low half: the 32-bit cells.
    assert_eq!(
        doc_row("`READER_BOUND`: [`HighBit`]")[2],
        value::<Tagged>(Col::Readers)
    );
    assert_eq!(
        doc_row("saturated: all but")[2],
        value::<Tagged>(Col::Saturated)
    );
    assert_eq!(doc_row("`MAX_MANY` |")[2], value::<Tagged>(Col::MaxMany));
}
