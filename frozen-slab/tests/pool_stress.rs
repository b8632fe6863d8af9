//! Real threads on one pool, used the way tracing-subscriber's registry
//! uses it: spans with parents, a span refcount inside the value, a close
//! that clears the key when that count reaches zero, and a `Clear::clear`
//! that closes the parent (re-entering the pool on another key, on
//! whichever thread let the span go). Readers with keys from a racy table
//! check that a key reaches its own span or nothing. Then the same with
//! some `Clear::clear`s panicking: each panic reaches the thread that ran
//! the clear and retires one slot, and nothing else is lost. Miri runs a
//! smaller version (its race detector and weak-memory emulation).

mod common;

use common::Rng;
use frozen_slab::{Clear, Pool};
use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{fence, AtomicU8, AtomicUsize, Ordering::*};
use std::sync::{Once, OnceLock};

const THREADS: usize = 4;
const STEPS: usize = if cfg!(miri) { 60 } else { 20_000 };
const CELLS: usize = 16;
/// Room for every span open at once (at most one per step).
const SLOTS: usize = THREADS * STEPS;

/// A span's data, as the registry keeps it, plus its own key (so that a
/// reader can tell which span a key reached).
#[derive(Default)]
struct Span {
    id: usize,
    key: usize,
    parent: Option<usize>,
    refs: AtomicUsize,
    fields: Vec<u64>,
    /// Its `Clear::clear` panics (after closing the parent).
    panics: bool,
}

/// One test's pool, and per span id how many times its clear began and
/// how many times it ran to the end.
struct World {
    pool: Pool<Span>,
    cleared: Vec<AtomicU8>,
    finished: Vec<AtomicU8>,
}

impl World {
    fn new() -> Self {
        let counters = || (0..SLOTS).map(|_| AtomicU8::new(0)).collect();
        World {
            pool: Pool::with_max_slots(SLOTS),
            cleared: counters(),
            finished: counters(),
        }
    }
}

thread_local! {
    /// The world this thread works in (as the registry is reached through
    /// the thread's dispatcher).
    static WORLD: Cell<Option<&'static World>> = const { Cell::new(None) };
}

fn world() -> &'static World {
    WORLD.with(Cell::get).expect("set by the test's threads")
}

impl Clear for Span {
    fn clear(&mut self) {
        world().cleared[self.id].fetch_add(1, SeqCst);
        if let Some(parent) = self.parent.take() {
            close(parent);
        }
        self.fields.clear();
        if std::mem::take(&mut self.panics) {
            panic!("a span's clear panics");
        }
        world().finished[self.id].fetch_add(1, SeqCst);
    }
}

/// `Registry::clone_span`: one more reference to a span the caller holds.
fn clone_span(key: usize) {
    let span = world().pool.get(key).expect("a held span is in the pool");
    span.refs.fetch_add(1, Relaxed);
}

/// `Registry::try_close` and its close guard: drops a reference; the last
/// one clears the key (and the span's clear closes its parent).
fn close(key: usize) {
    let span = world().pool.get(key).expect("a held span is in the pool");
    // Release, and Acquire on the last: std `Arc`'s drop, as the registry.
    let last = span.refs.fetch_sub(1, Release) == 1;
    drop(span);
    if last {
        fence(Acquire);
        assert!(world().pool.clear(key), "one close clears");
    }
}

/// `Registry::new_span` (through `create`, so that the span knows its key).
fn new_span(id: usize, parent: Option<usize>, panics: bool) -> usize {
    if let Some(p) = parent {
        clone_span(p);
    }
    let mut span = world().pool.create().expect("room for every open span");
    assert!(
        span.parent.is_none() && span.fields.is_empty(),
        "reused uncleared"
    );
    span.id = id;
    span.key = span.key();
    span.parent = parent;
    *span.refs.get_mut() = 1;
    span.fields.push(id as u64);
    span.panics = panics;
    span.key
}

/// Runs the threads; returns how many spans were made and how many panics
/// the threads caught.
fn run(world: &'static World, panic_one_in: u64) -> (usize, usize) {
    let next_id = AtomicUsize::new(0);
    let caught = AtomicUsize::new(0);
    let table: Vec<AtomicUsize> = (0..CELLS).map(|_| AtomicUsize::new(usize::MAX)).collect();
    let catch = |f: &dyn Fn()| {
        if catch_unwind(AssertUnwindSafe(f)).is_err() {
            caught.fetch_add(1, Relaxed);
        }
    };
    std::thread::scope(|s| {
        let threads: Vec<_> = (0..THREADS)
            .map(|t| {
                let (next_id, table, catch) = (&next_id, &table, &catch);
                s.spawn(move || {
                    WORLD.with(|w| w.set(Some(world)));
                    let mut rng = Rng::new(t as u64 + 1);
                    // This thread's open spans (it holds a reference to each).
                    let mut open: Vec<usize> = Vec::new();
                    for _ in 0..STEPS {
                        match rng.below(5) {
                            0 | 1 => {
                                let id = next_id.fetch_add(1, Relaxed);
                                let parent = (!open.is_empty() && rng.below(4) != 0)
                                    .then(|| open[rng.below(open.len() as u64) as usize]);
                                let panics = panic_one_in != 0 && rng.below(panic_one_in) == 0;
                                let key = new_span(id, parent, panics);
                                table[rng.below(CELLS as u64) as usize].store(key, Relaxed);
                                open.push(key);
                            }
                            2 if !open.is_empty() => {
                                let key = open.swap_remove(rng.below(open.len() as u64) as usize);
                                catch(&|| close(key));
                            }
                            _ => {
                                let key = table[rng.below(CELLS as u64) as usize].load(Relaxed);
                                // A miss's put-back may run a (panicking) clear.
                                catch(&|| {
                                    if let Some(span) = world.pool.get(key) {
                                        assert_eq!(span.key, key, "a key reached another span");
                                    }
                                });
                            }
                        }
                    }
                    for key in open.into_iter().rev() {
                        catch(&|| close(key));
                    }
                })
            })
            .collect();
        // `join`, not the scope's end, which can come before a thread's
        // thread-local destructors have run: until then, the slots it
        // freed to its local lists are kept for it.
        threads.into_iter().for_each(|t| t.join().unwrap());
    });
    (next_id.load(SeqCst), caught.load(SeqCst))
}

/// Every span's clear began exactly once; returns how many did not finish
/// (their slots are retired).
fn check_cleared(world: &World, spans: usize) -> usize {
    for id in 0..spans {
        assert_eq!(world.cleared[id].load(SeqCst), 1, "span {id}: clears");
    }
    (0..spans)
        .filter(|&id| world.finished[id].load(SeqCst) == 0)
        .count()
}

/// How many values the pool can still hand out at once.
fn room(pool: &Pool<Span>) -> usize {
    let guards: Vec<_> = std::iter::from_fn(|| pool.create()).collect();
    guards.len()
}

#[test]
fn spans_close_their_parents_across_threads() {
    static W: OnceLock<World> = OnceLock::new();
    let world = W.get_or_init(World::new);
    let (spans, caught) = run(world, 0);
    assert_eq!(caught, 0);
    assert_eq!(check_cleared(world, spans), 0);
    assert_eq!(room(&world.pool), SLOTS, "every slot came back");
}

#[test]
fn panicking_clears_retire_their_slots_and_nothing_else() {
    static W: OnceLock<World> = OnceLock::new();
    static QUIET: Once = Once::new();
    QUIET.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info.payload().downcast_ref::<&str>() != Some(&"a span's clear panics") {
                default(info);
            }
        }));
    });
    let world = W.get_or_init(World::new);
    let (spans, caught) = run(world, 8);
    let retired = check_cleared(world, spans);
    // A panic retires the slot of the span whose clear panicked and of each
    // child whose clear it unwound through; one catch per panic.
    assert!(
        caught > 0 && retired >= caught,
        "{caught} caught, {retired} retired"
    );
    assert_eq!(
        room(&world.pool),
        SLOTS - retired,
        "only the retired slots are lost"
    );
}
