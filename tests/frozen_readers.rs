//! Real threads hammering one word that nobody ever unfreezes: the
//! allocator owns it, and every reader's `try_get_many(MAX_MANY)` must fail.
//! This is the crate's central promise under legal use (the reader bound in
//! `FrozenRefcount`'s docs): within `READER_BOUND` readers in flight at once,
//! no `try_get*` on a word nobody unfroze ever succeeds, for every encoding,
//! width and backend.
//!
//! The threads outnumber the cores, so readers are preempted between their
//! add and their garbage reset: the interleaving that let garbage wrap into a
//! live count when the headroom past the drift limit was two `MAX_MANY`s.
//! Bounded by a number of operations, not by time.
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

/// The four cells (8 to 64 bits) of the docs row whose first cell contains
/// `label`, commas dropped.
fn doc_row(label: &str) -> Vec<String> {
    let src = include_str!("../src/frozen.rs");
    let line = src
        .lines()
        .find(|l| l.starts_with("/// | ") && l.contains(label))
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

/// The table in `FrozenRefcount`'s docs ("The reader bound") is the
/// constants': every cell is read back from the source and compared.
#[test]
fn the_docs_table_is_the_constants() {
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
