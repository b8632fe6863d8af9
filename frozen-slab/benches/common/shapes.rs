//! The benchmark's shapes (what each thread of a run does) and the subjects
//! set up for them, type-erased once as [`Bench`]: a slab of [`LIVE`] values
//! whose slots were used before, so that the first keys are stale.

use super::{churn_local, hot, random, seed, Floor, Subject, LIVE};
use bench_harness::{Job, Ring};
use std::sync::Arc;

/// What every thread of a run does, `iters` times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// get + drop on one live key, the same for every thread.
    Hot,
    /// get + drop on a key drawn by xorshift from the [`LIVE`] live keys.
    Random,
    /// get on a key drawn from [`LIVE`] stale keys (their slots reused): a miss.
    Stale,
    /// get on one stale key, the same for every thread: a miss.
    StaleHot,
    /// insert + remove by the same thread, in batches.
    ChurnLocal,
    /// insert by thread 0, remove by thread 1 (handed over by a ring):
    /// exactly 2 threads.
    ChurnRemote,
}

impl Shape {
    /// The table's name of the shape.
    pub fn name(self) -> &'static str {
        match self {
            Shape::Hot => "get+drop, hot key",
            Shape::Random => "get+drop, random of 4096 keys",
            Shape::Stale => "get, stale key (random of 4096)",
            Shape::StaleHot => "get, stale key (one, shared)",
            Shape::ChurnLocal => "insert+remove, local",
            Shape::ChurnRemote => "insert+remove, remote",
        }
    }
    /// A file-name-safe id (criterion's group names).
    pub fn id(self) -> &'static str {
        match self {
            Shape::Hot => "get_hot",
            Shape::Random => "get_random",
            Shape::Stale => "get_stale",
            Shape::StaleHot => "get_stale_hot",
            Shape::ChurnLocal => "churn_local",
            Shape::ChurnRemote => "churn_remote",
        }
    }
    /// Whether the floor has a row: the shapes that get and drop a reference.
    pub fn has_floor(self) -> bool {
        matches!(self, Shape::Hot | Shape::Random)
    }
}

/// Every (shape, threads) measured, in the report's order.
pub const SHAPES: &[(Shape, usize)] = &[
    (Shape::Hot, 1),
    (Shape::Hot, 2),
    (Shape::Random, 1),
    (Shape::Random, 2),
    (Shape::Stale, 1),
    (Shape::StaleHot, 2),
    (Shape::ChurnLocal, 1),
    (Shape::ChurnLocal, 2),
    (Shape::ChurnRemote, 2),
];

#[inline(never)]
fn produce<S: Subject>(s: &S, ring: &Ring, iters: u64) {
    for i in 0..iters {
        ring.send(i, s.insert(i).expect("room in the slab"));
    }
}

#[inline(never)]
fn consume<S: Subject>(s: &S, ring: &Ring, iters: u64) {
    for i in 0..iters {
        assert!(s.remove(ring.recv(i)));
    }
}

/// A subject with its keys: live (one of them hot), and stale.
pub struct Fixture<S> {
    s: S,
    live: Box<[usize; LIVE]>,
    stale: Box<[usize; LIVE]>,
    ring: Ring,
}

fn keys<S: Subject>(s: &S) -> Box<[usize; LIVE]> {
    let v: Vec<usize> = (0..LIVE as u64)
        .map(|i| s.insert(i).expect("room"))
        .collect();
    v.into_boxed_slice().try_into().expect("LIVE keys")
}

impl<S: Subject> Fixture<S> {
    /// Inserts [`LIVE`] values and removes them (their keys are the stale
    /// ones), then inserts [`LIVE`] values again into the same slots.
    fn new(s: S) -> Self {
        let stale = keys(&s);
        if S::SLAB {
            stale.iter().for_each(|&k| assert!(s.remove(k)));
        }
        let live = keys(&s);
        if S::SLAB {
            assert!(stale.iter().all(|&k| !s.get_drop(k)), "a stale key hit");
            assert!(live.iter().all(|&k| s.get_drop(k)), "a live key missed");
        }
        Fixture {
            s,
            live,
            stale,
            ring: Ring::default(),
        }
    }
}

/// One subject set up, type-erased once: the loops inside stay monomorphic.
pub trait Bench: Send + Sync {
    /// The subject's name (its column).
    fn name(&self) -> &'static str;
    /// Whether this subject has a row for `shape`.
    fn measures(&self, shape: Shape) -> bool;
    /// The job of one run: `iters` operations of `shape` for each thread.
    fn job(self: Arc<Self>, shape: Shape, iters: u64) -> Job;
}

impl<S: Subject> Bench for Fixture<S> {
    fn name(&self) -> &'static str {
        S::NAME
    }
    fn measures(&self, shape: Shape) -> bool {
        S::SLAB || shape.has_floor()
    }
    fn job(self: Arc<Self>, shape: Shape, iters: u64) -> Job {
        let f = self;
        match shape {
            Shape::Hot => Arc::new(move |_| assert_eq!(hot(&f.s, f.live[0], iters), iters)),
            Shape::Random => {
                Arc::new(move |t| assert_eq!(random(&f.s, &f.live, seed(t), iters), iters))
            }
            Shape::Stale => {
                Arc::new(move |t| assert_eq!(random(&f.s, &f.stale, seed(t), iters), 0))
            }
            Shape::StaleHot => Arc::new(move |_| assert_eq!(hot(&f.s, f.stale[0], iters), 0)),
            Shape::ChurnLocal => Arc::new(move |_| churn_local(&f.s, iters)),
            Shape::ChurnRemote => Arc::new(move |t| match t {
                0 => produce(&f.s, &f.ring, iters),
                1 => consume(&f.s, &f.ring, iters),
                _ => unreachable!("the remote churn runs on 2 threads"),
            }),
        }
    }
}

/// frozen-slab, sharded-slab 0.1.7 (default `Config`) and the floor, each
/// set up once.
pub fn subjects() -> Vec<Arc<dyn Bench>> {
    vec![
        Arc::new(Fixture::new(frozen_slab::Slab::<u64>::new())),
        Arc::new(Fixture::new(sharded_slab::Slab::<u64>::new())),
        Arc::new(Fixture::new(Floor::new())),
    ]
}
