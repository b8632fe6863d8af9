//! The backends on their own, below the protocol: every step of every backend
//! the target has, at every width, with every ordering; plus which AArch64
//! path the run-time detection chose (strict when the CI stage says what the
//! emulated CPU has, through `FROZEN_REFCOUNT_EXPECT_LSE=1|0`; that part is
//! `aarch64.rs`).

#[path = "../common/mod.rs"]
mod common;

#[cfg(all(target_arch = "aarch64", not(miri)))]
mod aarch64;

use common::*;
use core::sync::atomic::Ordering::{self, AcqRel, Acquire, Relaxed, Release, SeqCst};
use std::hint::black_box;

const LOADS: [Ordering; 3] = [Relaxed, Acquire, SeqCst];
const STORES: [Ordering; 3] = [Relaxed, Release, SeqCst];
const RMWS: [Ordering; 5] = [Relaxed, Acquire, Release, AcqRel, SeqCst];
/// Every valid (success, failure) pair of a compare-exchange.
const CAS_PAIRS: [(Ordering, Ordering); 15] = [
    (Relaxed, Relaxed),
    (Relaxed, Acquire),
    (Relaxed, SeqCst),
    (Acquire, Relaxed),
    (Acquire, Acquire),
    (Acquire, SeqCst),
    (Release, Relaxed),
    (Release, Acquire),
    (Release, SeqCst),
    (AcqRel, Relaxed),
    (AcqRel, Acquire),
    (AcqRel, SeqCst),
    (SeqCst, Relaxed),
    (SeqCst, Acquire),
    (SeqCst, SeqCst),
];

/// Calls `$f::<W, B>()` for every width, on every backend of the target.
macro_rules! each_word {
    ($f:ident) => {{
        for_each_backend!(each_word!($f));
    }};
    (@backend $b:ty, $short:ident, $f:ident) => {{
        $f::<u8, $b>();
        $f::<u16, $b>();
        $f::<u32, $b>();
        #[cfg(target_has_atomic = "64")]
        $f::<u64, $b>();
    }};
}

fn w<W: Word>(v: u64) -> W {
    W::from_u64(v)
}
fn max<W: Word>() -> W {
    w(u64::MAX)
}
fn top<W: Word>() -> W {
    w(1 << (W::BITS - 1))
}
fn name<W: Word, B: Backend>() -> String {
    format!("{}/u{}", B::NAME, W::BITS)
}

/// Values that exercise the edges of a width: 0, 1, the top bit, all ones,
/// and bit patterns that differ in every byte.
fn samples<W: Word>() -> [W; 7] {
    [
        w(0),
        w(1),
        top(),
        max(),
        top::<W>().wrapping_sub(w(1)),
        w(0xA5C3_9F17_6B2D_E481),
        w(0x5A3C_60E8_94D2_1B7E),
    ]
}

fn load_store<W: Word, B: Backend>() {
    let a = W::new_atomic(w(0));
    for &v in &samples::<W>() {
        for st in STORES {
            B::store::<W>(&a, v, st);
            for ld in LOADS {
                assert_eq!(
                    B::load::<W>(&a, ld),
                    v,
                    "{} store {st:?} load {ld:?}",
                    name::<W, B>()
                );
            }
        }
    }
}

fn fetch_add_wraps<W: Word, B: Backend>() {
    for order in RMWS {
        let a = W::new_atomic(max());
        assert_eq!(
            B::fetch_add::<W>(&a, w(1), order),
            max::<W>(),
            "{}",
            name::<W, B>()
        );
        assert_eq!(
            B::load::<W>(&a, Relaxed),
            w(0),
            "{}: MAX + 1 wraps to 0",
            name::<W, B>()
        );
        for &x in &samples::<W>() {
            for &y in &samples::<W>() {
                B::store::<W>(&a, x, Relaxed);
                assert_eq!(B::fetch_add::<W>(&a, y, order), x, "{}", name::<W, B>());
                assert_eq!(
                    B::load::<W>(&a, Relaxed),
                    x.wrapping_add(y),
                    "{} {x:?}+{y:?}",
                    name::<W, B>()
                );
            }
        }
    }
}

fn fetch_sub_wraps<W: Word, B: Backend>() {
    for order in RMWS {
        let a = W::new_atomic(w(0));
        assert_eq!(
            B::fetch_sub::<W>(&a, w(1), order),
            w(0),
            "{}",
            name::<W, B>()
        );
        assert_eq!(
            B::load::<W>(&a, Relaxed),
            max::<W>(),
            "{}: 0 - 1 wraps to MAX",
            name::<W, B>()
        );
        // The top bit alone is its own negation: a backend that subtracts by
        // adding the negation must still get it right.
        for &x in &samples::<W>() {
            for &y in &samples::<W>() {
                B::store::<W>(&a, x, Relaxed);
                assert_eq!(B::fetch_sub::<W>(&a, y, order), x, "{}", name::<W, B>());
                assert_eq!(
                    B::load::<W>(&a, Relaxed),
                    x.wrapping_sub(y),
                    "{} {x:?}-{y:?}",
                    name::<W, B>()
                );
            }
        }
    }
}

fn cas_returns_actual<W: Word, B: Backend>() {
    for (s, f) in CAS_PAIRS {
        for &x in &samples::<W>() {
            for &y in &samples::<W>() {
                let n = name::<W, B>();
                let a = W::new_atomic(x);
                let r = B::compare_exchange::<W>(&a, y, x.wrapping_add(w(3)), s, f);
                if x == y {
                    assert_eq!(r, Ok(x), "{n} {s:?}/{f:?}");
                    assert_eq!(B::load::<W>(&a, Relaxed), x.wrapping_add(w(3)), "{n}");
                } else {
                    assert_eq!(
                        r,
                        Err(x),
                        "{n} {s:?}/{f:?}: failure returns the actual value"
                    );
                    assert_eq!(
                        B::load::<W>(&a, Relaxed),
                        x,
                        "{n}: failure leaves the word alone"
                    );
                }
                // Weak: may fail spuriously, but then with the current value;
                // a retry loop succeeds.
                let a = W::new_atomic(x);
                if x == y {
                    loop {
                        match B::compare_exchange_weak::<W>(&a, y, w(7), s, f) {
                            Ok(prev) => break assert_eq!(prev, x, "{n}"),
                            Err(prev) => assert_eq!(prev, x, "{n}: spurious failure"),
                        }
                    }
                    assert_eq!(B::load::<W>(&a, Relaxed), w(7), "{n}");
                } else {
                    assert_eq!(
                        B::compare_exchange_weak::<W>(&a, y, w(7), s, f),
                        Err(x),
                        "{n}"
                    );
                    assert_eq!(B::load::<W>(&a, Relaxed), x, "{n}");
                }
            }
        }
    }
}

/// The expected value arrives from a wider computation, so that the register
/// holding it may carry garbage above the width: an asm CAS must compare only
/// the low `W::BITS` bits (AArch64 LL/SC: `cmp …, uxtb`).
fn cas_ignores_upper_register_bits<W: Word, B: Backend>() {
    for &x in &samples::<W>() {
        let a = W::new_atomic(x);
        // Bits above the width (none for u64).
        let garbage = black_box(0xDEAD_BEEF_CAFE_F00Du64.checked_shl(W::BITS).unwrap_or(0));
        let expected = W::from_u64(black_box(x.to_u64() | garbage));
        let new = W::from_u64(black_box(x.to_u64() ^ 1 | garbage));
        assert_eq!(
            B::compare_exchange::<W>(&a, expected, new, AcqRel, Acquire),
            Ok(x),
            "{}",
            name::<W, B>()
        );
        assert_eq!(B::load::<W>(&a, Relaxed), new, "{}", name::<W, B>());
        let wrong = W::from_u64(black_box(x.to_u64() ^ 2 | garbage));
        assert_eq!(
            B::compare_exchange::<W>(&a, wrong, x, AcqRel, Acquire),
            Err(new),
            "{}",
            name::<W, B>()
        );
    }
}

/// Every step touches its own width and nothing beside it: a carry out of the
/// word (MAX + 1) or a wide store would change a neighbour.
fn neighbours_untouched<W: Word, B: Backend>() {
    let fill = max::<W>();
    let words: [W::Atomic; 3] = core::array::from_fn(|_| W::new_atomic(fill));
    let mid = &words[1];
    let check = |what: &str| {
        assert_eq!(
            B::load::<W>(&words[0], Relaxed),
            fill,
            "{} {what}: left neighbour",
            name::<W, B>()
        );
        assert_eq!(
            B::load::<W>(&words[2], Relaxed),
            fill,
            "{} {what}: right neighbour",
            name::<W, B>()
        );
    };
    B::store::<W>(mid, max(), SeqCst);
    B::fetch_add::<W>(mid, w(1), SeqCst);
    check("fetch_add carry");
    assert_eq!(B::load::<W>(mid, Relaxed), w(0));
    B::fetch_sub::<W>(mid, w(1), SeqCst);
    check("fetch_sub borrow");
    assert_eq!(B::load::<W>(mid, Relaxed), max::<W>());
    B::store::<W>(mid, w(0), Relaxed);
    check("store");
    assert_eq!(
        B::compare_exchange::<W>(mid, w(0), max(), SeqCst, SeqCst),
        Ok(w(0))
    );
    check("cas");
    assert_eq!(B::load::<W>(mid, Relaxed), max::<W>());
}

/// Four threads, two with `fetch_add`/`fetch_sub` and two with CAS loops, on
/// one word: no update is lost, whatever the width (the total wraps).
fn no_lost_updates<W: Word, B: Backend>() {
    const PER_THREAD: u64 = 20_000;
    let a = W::new_atomic(w(0));
    std::thread::scope(|s| {
        for t in 0..4 {
            let a = &a;
            s.spawn(move || {
                for i in 0..PER_THREAD {
                    match t {
                        0 => {
                            let _ = B::fetch_add::<W>(a, w(3), AcqRel);
                        }
                        1 => {
                            let _ = B::fetch_sub::<W>(a, w(1), Release);
                        }
                        _ => {
                            let mut cur = B::load::<W>(a, Relaxed);
                            loop {
                                let weak = i % 2 == 0;
                                let new = cur.wrapping_add(w(2));
                                let r = if weak {
                                    B::compare_exchange_weak::<W>(a, cur, new, AcqRel, Relaxed)
                                } else {
                                    B::compare_exchange::<W>(a, cur, new, AcqRel, Relaxed)
                                };
                                match r {
                                    Ok(_) => break,
                                    Err(actual) => cur = actual,
                                }
                            }
                        }
                    }
                }
            });
        }
    });
    // 3 - 1 + 2 + 2 per round.
    assert_eq!(
        B::load::<W>(&a, SeqCst),
        w(6 * PER_THREAD),
        "{}",
        name::<W, B>()
    );
}

#[test]
fn every_backend_load_store() {
    each_word!(load_store);
}
#[test]
fn every_backend_fetch_add_wraps() {
    each_word!(fetch_add_wraps);
}
#[test]
fn every_backend_fetch_sub_wraps() {
    each_word!(fetch_sub_wraps);
}
#[test]
fn every_backend_cas_returns_actual() {
    each_word!(cas_returns_actual);
}
#[test]
fn every_backend_cas_ignores_upper_register_bits() {
    each_word!(cas_ignores_upper_register_bits);
}
#[test]
fn every_backend_neighbours_untouched() {
    each_word!(neighbours_untouched);
}
#[test]
fn every_backend_no_lost_updates() {
    each_word!(no_lost_updates);
}

/// Names the backends this test binary runs, so that the CI log shows them.
#[test]
fn list_backends() {
    let mut names: Vec<&str> = Vec::new();
    macro_rules! collect {
        (@backend $b:ty, $short:ident,) => {
            names.push(<$b as Backend>::NAME);
        };
    }
    for_each_backend!(collect!());
    println!(
        "backends: {names:?}; DefaultBackend = {}",
        <DefaultBackend as Backend>::NAME
    );
    assert!(names.contains(&"core"));
    #[cfg(all(any(target_arch = "x86", target_arch = "x86_64"), not(miri)))]
    assert!(names.contains(&"x86-asm"));
    #[cfg(all(target_arch = "aarch64", not(miri)))]
    assert!(names.contains(&"arm-llsc") && names.contains(&"arm-detect"));
    #[cfg(all(target_arch = "aarch64", target_feature = "lse", not(miri)))]
    assert!(names.contains(&"arm-lse"));
}

/// `each_counter!`, which every semantic test runs on, reaches every
/// encoding at every width on every backend, each once: the crate's lists of
/// encodings and backends, crossed.
#[test]
fn each_counter_covers_the_lists() {
    use std::sync::Mutex;
    static SEEN: Mutex<Vec<String>> = Mutex::new(Vec::new());
    fn visit<E: Encoding, B: Backend>() {
        SEEN.lock().unwrap().push(label::<E, B>());
    }
    each_counter!(visit);
    let mut seen = SEEN.lock().unwrap().clone();
    let mut backends = 0;
    macro_rules! count {
        (@backend $b:ty, $short:ident,) => {
            backends += 1;
        };
    }
    for_each_backend!(count!());
    let widths = if cfg!(target_has_atomic = "64") { 4 } else { 3 };
    let tagged = usize::from(cfg!(target_has_atomic = "64"));
    // HighBit, LowBit, ZeroLockedHigh, ZeroLockedLow, Biased, Classic.
    assert_eq!(seen.len(), backends * (6 * widths + tagged), "{seen:?}");
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), backends * (6 * widths + tagged), "a pair twice");
    assert!(
        seen.iter().any(|s| s.starts_with("Tagged<u64>/core")),
        "{seen:?}"
    );
    assert!(
        seen.iter().any(|s| s.starts_with("Classic<u8>/core")),
        "{seen:?}"
    );
}
