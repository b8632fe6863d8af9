//! A probe for docs/results.md's "uncontended HighBit is 1.2x the floor" finding:
//! the same two `lock xadd` and the same compares as `HighBit`'s try_get+put,
//! written by hand with no library code, in two loop shapes that differ only
//! in whether the cold call returns. If the shapes differ in time, the gap is
//! the core's, not the protocol's.
//!
//! ```sh
//! cargo run --release --example loop_shape
//! ```

use frozen_refcount::{FrozenRefcount, HighBit};
use std::hint::black_box;
use std::sync::atomic::AtomicU32;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use std::time::Instant;

#[cold]
#[inline(never)]
fn never() -> ! {
    panic!("the count cannot leave its range in this probe")
}

#[cold]
#[inline(never)]
fn slow(a: &AtomicU32, seen: u32) -> bool {
    a.load(Relaxed) == seen
}

/// `lock add` + `lock sub`: the floor.
#[inline(never)]
fn floor(a: &AtomicU32, n: u64) {
    for _ in 0..n {
        // Orderings as in the library: Acquire get, Release put.
        a.fetch_add(1, Acquire);
        a.fetch_sub(1, Release);
    }
}

/// HighBit's tests, cold path `noreturn`: a top-tested loop.
#[inline(never)]
fn shape_noreturn(a: &AtomicU32, n: u64) {
    for _ in 0..n {
        if a.fetch_add(1, Acquire).wrapping_add(1) >= 0x4000_0000 {
            never();
        }
        if a.fetch_sub(1, Release).wrapping_sub(2) >= 0x3fff_ffff {
            never();
        }
    }
}

/// HighBit's tests, cold path returning (as `try_get_slow`/`put_slow` do):
/// a bottom-tested loop that saves registers around the calls.
#[inline(never)]
fn shape_returning(a: &AtomicU32, n: u64) {
    for _ in 0..n {
        let v = a.fetch_add(1, Acquire).wrapping_add(1);
        if v < 0x4000_0000 || slow(a, v) {
            let o = a.fetch_sub(1, Release);
            if o.wrapping_sub(2) >= 0x3fff_ffff {
                slow(a, o);
            }
        }
    }
}

/// The library's HighBit pair.
#[inline(never)]
fn highbit(c: &FrozenRefcount<HighBit>, n: u64) {
    for _ in 0..n {
        if c.try_get() {
            let _ = c.put();
        }
    }
}

fn main() {
    let a = Box::new(AtomicU32::new(1));
    let c = Box::new(FrozenRefcount::<HighBit>::new(1));
    let n = 50_000;
    let mut ns: [Vec<f64>; 4] = Default::default();
    // Interleaved rounds of short batches.
    for _ in 0..401 {
        let runs: [&dyn Fn(); 4] = [
            &|| floor(black_box(&a), n),
            &|| shape_noreturn(black_box(&a), n),
            &|| shape_returning(black_box(&a), n),
            &|| highbit(black_box(&c), n),
        ];
        for (v, f) in ns.iter_mut().zip(runs) {
            let t = Instant::now();
            f();
            v.push(t.elapsed().as_nanos() as f64 / n as f64);
        }
    }
    let names = [
        "floor (lock add/sub)",
        "HighBit's tests, noreturn cold",
        "HighBit's tests, returning cold",
        "library HighBit",
    ];
    for (name, mut v) in names.into_iter().zip(ns) {
        v.sort_by(|x, y| x.total_cmp(y));
        // The 10th percentile as well: on a shared machine the median can
        // still include preempted batches; the low percentiles cannot.
        let (p10, med) = (v[v.len() / 10], v[v.len() / 2]);
        println!("{name:32} p10 {p10:6.2}  median {med:6.2} ns/pair");
    }
}
