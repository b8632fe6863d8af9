//! The scheduler: [`Stepped`], the backend that parks a logical thread
//! before each atomic step, and [`run`], which spawns the threads, grants
//! one step at a time in the schedule's order and checks the invariants
//! between steps.

use super::ghost::{check_end, check_step, Ghost, Violation};
use super::scenario::{Scenario, TOp, ENCODINGS, MAX_THREADS};
use frozen_refcount::{Backend, CoreAtomics, Encoding, FrozenRefcount, Word};
use std::cell::RefCell;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

/// A backend that yields to the scheduler before every atomic step, then
/// does it with [`CoreAtomics`]. On a thread that is not a logical thread of
/// a running scenario (the scheduler itself, reading the word), it yields
/// nothing. `compare_exchange_weak` is the trait's default (the strong CAS),
/// so no step fails spuriously and runs stay deterministic.
pub struct Stepped;

thread_local! {
    static CURRENT: RefCell<Option<(Arc<Shared>, usize)>> = const { RefCell::new(None) };
}

fn step_point() {
    let ctx = CURRENT.with(|c| c.borrow().clone());
    if let Some((shared, id)) = ctx {
        shared.wait_turn(id);
    }
}

// SAFETY: every operation is CoreAtomics' (a single atomic operation with the
// requested ordering), after a wait that touches no counter word.
unsafe impl Backend for Stepped {
    const NAME: &'static str = "stepped";
    fn load<W: Word>(a: &W::Atomic, order: Ordering) -> W {
        step_point();
        CoreAtomics::load::<W>(a, order)
    }
    fn store<W: Word>(a: &W::Atomic, v: W, order: Ordering) {
        step_point();
        CoreAtomics::store::<W>(a, v, order)
    }
    fn fetch_add<W: Word>(a: &W::Atomic, v: W, order: Ordering) -> W {
        step_point();
        CoreAtomics::fetch_add::<W>(a, v, order)
    }
    fn fetch_sub<W: Word>(a: &W::Atomic, v: W, order: Ordering) -> W {
        step_point();
        CoreAtomics::fetch_sub::<W>(a, v, order)
    }
    fn compare_exchange<W: Word>(
        a: &W::Atomic,
        current: W,
        new: W,
        s: Ordering,
        f: Ordering,
    ) -> Result<W, W> {
        step_point();
        CoreAtomics::compare_exchange::<W>(a, current, new, s, f)
    }
}

struct Sched {
    parked: [bool; MAX_THREADS],
    done: [bool; MAX_THREADS],
    turn: Option<usize>,
    /// After a violation: nobody waits any more; the threads just finish.
    free_run: bool,
    ghost: Ghost,
}

struct Shared {
    m: Mutex<Sched>,
    cv: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Sched> {
        self.m.lock().unwrap_or_else(|e| e.into_inner())
    }
    fn wait_turn(&self, id: usize) {
        let mut s = self.lock();
        if s.free_run {
            return;
        }
        s.parked[id] = true;
        self.cv.notify_all();
        while s.turn != Some(id) && !s.free_run {
            s = self.cv.wait(s).unwrap_or_else(|e| e.into_inner());
        }
        s.parked[id] = false;
        s.turn = None;
        // This step is the operation's next atomic. A put's first one is its
        // subtract: from here on its reference is being given back.
        s.ghost.steps[id] += 1;
        let ended = s.ghost.ended;
        s.ghost.saw_ended[id] |= ended;
        s.ghost.saw_live[id] |= !ended;
        if s.ghost.steps[id] == 1 {
            let g = &mut s.ghost;
            match g.op[id] {
                Some(TOp::Put) => {
                    let t = g.tokens[id].pop().expect("put with a reference");
                    g.releasing[id].push(t);
                }
                Some(TOp::PutAll) => {
                    // put_many(held.min(MAX_MANY)): the most recent ones.
                    let keep = g.tokens[id].len().saturating_sub(g.many as usize);
                    g.releasing[id] = g.tokens[id].split_off(keep);
                }
                _ => {}
            }
        }
    }
}

struct DoneGuard<'a>(&'a Shared, usize);
impl Drop for DoneGuard<'_> {
    fn drop(&mut self) {
        CURRENT.with(|c| *c.borrow_mut() = None);
        let mut s = self.0.lock();
        s.done[self.1] = true;
        s.parked[self.1] = false;
        self.0.cv.notify_all();
    }
}

/// Runs a scenario; `Err` with the first invariant that failed.
pub fn run(sc: &Scenario) -> Result<(), Violation> {
    use frozen_refcount::*;
    match sc.encoding {
        0 => run_on::<HighBit<u32>>(sc),
        1 => run_on::<HighBit<u8>>(sc),
        2 => run_on::<LowBit<u32>>(sc),
        3 => run_on::<ZeroLockedHigh<u32>>(sc),
        4 => run_on::<ZeroLockedHigh<u8>>(sc),
        5 => run_on::<ZeroLockedLow<u32>>(sc),
        6 => run_on::<Classic<u32>>(sc),
        7 => run_on::<Tagged>(sc),
        8 => run_on::<Biased<u32>>(sc),
        _ => run_on::<Biased<u8>>(sc),
    }
}

fn run_on<E: Encoding>(sc: &Scenario) -> Result<(), Violation> {
    let name = ENCODINGS[sc.encoding];
    let n = sc.programs.len().min(MAX_THREADS);
    let rc = match sc.start {
        0 => FrozenRefcount::<E, Stepped>::new_frozen(),
        s => FrozenRefcount::<E, Stepped>::new(s as u32),
    };
    let mut ghost = Ghost::default();
    ghost.many = E::MAX_MANY;
    ghost.max_count = E::MAX_COUNT;
    match sc.start {
        0 => {
            ghost.ended = true;
            ghost.owner = Some(0);
        }
        1 => ghost.tokens[0].push(0),
        _ => {
            ghost.tokens[0].push(0);
            ghost.tokens[1].push(0);
        }
    }
    let shared = Arc::new(Shared {
        m: Mutex::new(Sched {
            parked: [false; MAX_THREADS],
            done: std::array::from_fn(|i| i >= n),
            turn: None,
            free_run: false,
            ghost,
        }),
        cv: Condvar::new(),
    });
    let rc = &rc;
    std::thread::scope(|scope| {
        for (id, program) in sc.programs.iter().enumerate().take(n) {
            let shared = shared.clone();
            scope.spawn(move || {
                CURRENT.with(|c| *c.borrow_mut() = Some((shared.clone(), id)));
                let _done = DoneGuard(&shared, id);
                for &op in program {
                    {
                        let mut s = shared.lock();
                        if !s.ghost.decide(id, op) {
                            continue;
                        }
                        s.ghost.op[id] = Some(op);
                        s.ghost.steps[id] = 0;
                        s.ghost.saw_ended[id] = false;
                        s.ghost.saw_live[id] = false;
                    }
                    // The real protocol; every atomic step waits for a turn.
                    let held = shared.lock().ghost.tokens[id].len() as u32;
                    let (r, put) = match op {
                        TOp::TryGet => (Some(rc.try_get()), None),
                        TOp::TryGetMany => (Some(rc.try_get_many(E::MAX_MANY)), None),
                        TOp::Get => {
                            rc.get();
                            (None, None)
                        }
                        TOp::Put => (None, Some(rc.put())),
                        TOp::PutAll => (None, Some(rc.put_many(held.min(E::MAX_MANY)))),
                        TOp::Freeze => (Some(rc.freeze(held)), None),
                        TOp::Unfreeze(c) => {
                            rc.unfreeze(c);
                            (None, None)
                        }
                    };
                    let mut s = shared.lock();
                    s.ghost.op[id] = None;
                    s.ghost.steps[id] = 0;
                    s.ghost.complete(id, op, r, put, name);
                }
            });
        }
        // The scheduler.
        let mut choices = sc.schedule.iter().copied();
        let mut s = shared.lock();
        loop {
            while !(0..n).all(|i| s.done[i] || s.parked[i]) {
                s = shared.cv.wait(s).unwrap_or_else(|e| e.into_inner());
            }
            check_step(rc, &mut s.ghost, name);
            if s.ghost.violation.is_some() {
                break;
            }
            let waiting: Vec<usize> = (0..n).filter(|&i| s.parked[i]).collect();
            if waiting.is_empty() {
                break;
            }
            let pick = waiting[choices.next().unwrap_or(0) as usize % waiting.len()];
            s.turn = Some(pick);
            shared.cv.notify_all();
            while s.turn.is_some() {
                s = shared.cv.wait(s).unwrap_or_else(|e| e.into_inner());
            }
        }
        if s.ghost.violation.is_none() {
            check_end(rc, &mut s.ghost, name);
        }
        s.free_run = true;
        shared.cv.notify_all();
    });
    let v = shared.lock().ghost.violation.take();
    v.map_or(Ok(()), Err)
}
