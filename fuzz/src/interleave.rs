//! The `interleave` target: 2-3 logical threads run the real protocol
//! (`src/frozen.rs`, unchanged) on one shared counter, and the fuzzer decides
//! which of them takes its next atomic step.
//!
//! Nothing of the protocol is written here. The counter is a
//! `FrozenRefcount<E, Stepped>`: [`Stepped`] is a [`Backend`] that performs
//! each atomic operation with `CoreAtomics`, but first parks the calling
//! thread until the scheduler grants it a turn. Each logical thread is a real
//! OS thread; exactly one runs at a time, from one atomic step to the next, so
//! a run is a deterministic function of the input. Between steps the
//! scheduler checks the invariants against a ghost state kept by the threads
//! (which references each holds, and of which life).
//!
//! Checked:
//! - `Last` (or a successful `freeze`) at most once per life, and only to a
//!   thread whose references all belong to the current life ([`Kind::Aba`]
//!   otherwise: the put/put ABA of SPEC.md), and only when no other thread
//!   still holds a reference of that life;
//! - `try_get`/`get` succeed iff the life has not ended (no get on a frozen
//!   counter, no spurious failure);
//! - after every step: an ended life's word is frozen; with no operation in
//!   flight, the word's count is the number of references held; the `Tagged`
//!   generation is the number of lives; at the end, a life whose references
//!   are all gone has ended (no lost `Last`).
//!
//! `Tagged` and `Classic` must pass everything. `HighBit`, `LowBit` and the
//! `ZeroLocked*` encodings have the put/put ABA by design; for them a
//! [`Kind::Aba`] ends the run and is not a crash unless the environment
//! variable `FROZEN_REFCOUNT_FUZZ_ABA=crash` is set, which turns the target
//! into an ABA hunt (`tests/windows.rs` and docs/verification.md show both).

use frozen_refcount::{Backend, CoreAtomics, Encoding, FrozenRefcount, Put, State, Word};
use std::cell::RefCell;
use std::fmt;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};

/// The most logical threads a scenario has.
pub const MAX_THREADS: usize = 3;

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

/// An operation of a logical thread's program. Operations that would be
/// misuse for that thread at that point (a `put` with no reference held, an
/// `unfreeze` by a non-owner) are skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TOp {
    /// `try_get()`: a speculative reader.
    TryGet,
    /// `get()`, holding a reference.
    Get,
    /// `put()` of one held reference.
    Put,
    /// `put_many(n)` of every held reference.
    PutAll,
    /// `freeze(n)` with the `n` references held.
    Freeze,
    /// `unfreeze(c)` by the owner (who got `Last` or froze it).
    Unfreeze(u32),
}

/// The encodings the scenario runs on (first input byte, modulo 10).
pub const ENCODINGS: [&str; 10] = [
    "HighBit<u32>",
    "HighBit<u8>",
    "LowBit<u32>",
    "ZeroLockedHigh<u32>",
    "ZeroLockedHigh<u8>",
    "ZeroLockedLow<u32>",
    "Classic<u32>",
    "Tagged",
    "Biased<u32>",
    "Biased<u8>",
];

/// A decoded input:
/// byte 0: encoding ([`ENCODINGS`], mod 10);
/// byte 1: bit 0: 2 or 3 threads; `(b >> 1) % 3`: the start (0: frozen,
/// owned by thread 0; 1: `new(1)` held by thread 0; 2: `new(2)`, one each
/// held by threads 0 and 1);
/// then per thread a length byte (mod 7) and that many op bytes (`b % 6`:
/// TryGet, Get, Put, PutAll, Freeze, Unfreeze(1 + b / 6 % 2));
/// the rest: the schedule, one byte per step, choosing among the threads
/// waiting for a turn (`b % waiting`, in thread order). When it runs out,
/// the lowest waiting thread goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// Index into [`ENCODINGS`].
    pub encoding: usize,
    /// `start`: 0 frozen, 1 or 2 live references.
    pub start: u8,
    /// One program per thread.
    pub programs: Vec<Vec<TOp>>,
    /// The schedule bytes.
    pub schedule: Vec<u8>,
}

impl Scenario {
    /// Decodes fuzzer bytes (any input decodes).
    pub fn decode(data: &[u8]) -> Scenario {
        let mut it = data.iter().copied();
        let encoding = it.next().unwrap_or(0) as usize % ENCODINGS.len();
        let b = it.next().unwrap_or(0);
        let threads = 2 + (b & 1) as usize;
        let start = (b >> 1) % 3;
        let programs = (0..threads)
            .map(|_| {
                let len = it.next().unwrap_or(0) % 7;
                (0..len)
                    .map_while(|_| it.next())
                    .map(|b| match b % 6 {
                        0 => TOp::TryGet,
                        1 => TOp::Get,
                        2 => TOp::Put,
                        3 => TOp::PutAll,
                        4 => TOp::Freeze,
                        _ => TOp::Unfreeze(1 + (b as u32 / 6) % 2),
                    })
                    .collect()
            })
            .collect();
        Scenario {
            encoding,
            start,
            programs,
            schedule: it.collect(),
        }
    }

    /// Encodes back to bytes (for checked-in seeds and tests).
    pub fn encode(&self) -> Vec<u8> {
        let mut v = vec![
            self.encoding as u8,
            ((self.start % 3) << 1) | (self.programs.len() == 3) as u8,
        ];
        for p in &self.programs {
            v.push(p.len() as u8);
            v.extend(p.iter().map(|op| match op {
                TOp::TryGet => 0u8,
                TOp::Get => 1,
                TOp::Put => 2,
                TOp::PutAll => 3,
                TOp::Freeze => 4,
                TOp::Unfreeze(c) => 5 + 6 * ((c - 1) % 2) as u8,
            }));
        }
        v.extend(&self.schedule);
        v
    }

    /// Whether the encoding has the put/put ABA by design (all but `Tagged`
    /// and `Classic`).
    pub fn aba_by_design(&self) -> bool {
        !matches!(ENCODINGS[self.encoding], "Tagged" | "Classic<u32>")
    }
}

/// What went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `Last` to a `put` whose reference belongs to an earlier life: the
    /// put/put ABA.
    Aba,
    /// Any other invariant.
    Bug,
}

/// An invariant that failed, with the step at which the scheduler saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Which kind.
    pub kind: Kind,
    /// What and where.
    pub what: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.kind, self.what)
    }
}

/// The ghost state: what the threads hold, per life.
#[derive(Default)]
struct Ghost {
    /// The current life (lives begun by `unfreeze`; the `Tagged` generation).
    life: u64,
    /// The current life has ended (`Last` or `freeze`): the word is frozen
    /// and `owner` owns it.
    ended: bool,
    owner: Option<usize>,
    /// Per thread: the life of each reference held.
    tokens: [Vec<u64>; MAX_THREADS],
    /// Per thread: references handed to a `put` that has done its subtract.
    releasing: [Vec<u64>; MAX_THREADS],
    /// Per thread: the operation in flight and how many atomic steps it took.
    op: [Option<TOp>; MAX_THREADS],
    steps: [u32; MAX_THREADS],
    /// Per thread: whether any atomic step of the operation in flight ran
    /// while the life had ended (or had not). An operation may take effect
    /// at any of its steps: `Biased`'s failed `try_get` is its add and then
    /// a re-read, and an `unfreeze` may land between them.
    saw_ended: [bool; MAX_THREADS],
    saw_live: [bool; MAX_THREADS],
    violation: Option<Violation>,
}

impl Ghost {
    fn held(&self, life: u64) -> usize {
        self.tokens.iter().flatten().filter(|&&l| l == life).count()
    }
    fn fail(&mut self, kind: Kind, what: String) {
        if self.violation.is_none() {
            self.violation = Some(Violation { kind, what });
        }
    }
    /// Whether thread `id` may do `op` now; also what `put_many`/`freeze` take.
    fn decide(&self, id: usize, op: TOp) -> bool {
        let held = self.tokens[id].len();
        match op {
            TOp::TryGet => true,
            TOp::Get | TOp::Put | TOp::Freeze => held >= 1,
            TOp::PutAll => held >= 1,
            TOp::Unfreeze(_) => self.ended && self.owner == Some(id),
        }
    }
    /// Thread `id`'s operation `op` returned `r` (`None`: no result).
    fn complete(&mut self, id: usize, op: TOp, r: Option<bool>, put: Option<Put>, name: &str) {
        let life = self.life;
        let who = format!("{name}: thread {id} {op:?}");
        match op {
            TOp::TryGet | TOp::Get => {
                let ok = r.unwrap_or(true);
                let (saw_ended, saw_live) = (self.saw_ended[id], self.saw_live[id]);
                if ok && self.ended && !saw_live {
                    self.fail(
                        Kind::Bug,
                        format!("{who} succeeded on a frozen counter (life {life})"),
                    );
                } else if !ok && !self.ended && !saw_ended {
                    self.fail(
                        Kind::Bug,
                        format!("{who} failed on a live counter (life {life})"),
                    );
                }
                if ok {
                    self.tokens[id].push(life);
                }
            }
            TOp::Put | TOp::PutAll => {
                let released = std::mem::take(&mut self.releasing[id]);
                if put == Some(Put::Last) {
                    if let Some(old) = released.iter().find(|&&l| l != life) {
                        self.fail(
                            Kind::Aba,
                            format!(
                                "{who} got Last for life {life}, holding a reference of life {old}"
                            ),
                        );
                    } else {
                        self.end_life(&who);
                        self.owner = Some(id);
                    }
                }
            }
            TOp::Freeze => {
                if r == Some(true) {
                    let mine = std::mem::take(&mut self.tokens[id]);
                    if mine.iter().any(|&l| l != life) {
                        self.fail(
                            Kind::Bug,
                            format!("{who} froze life {life} with stale references"),
                        );
                    }
                    self.end_life(&who);
                    self.owner = Some(id);
                }
            }
            TOp::Unfreeze(c) => {
                self.life += 1;
                self.ended = false;
                self.owner = None;
                self.tokens[id].extend(std::iter::repeat_n(self.life, c as usize));
            }
        }
    }
    fn end_life(&mut self, who: &str) {
        let life = self.life;
        if self.ended {
            self.fail(
                Kind::Bug,
                format!("{who}: a second Last/freeze for life {life}"),
            );
        } else if self.held(life) != 0 {
            self.fail(
                Kind::Bug,
                format!(
                    "{who}: life {life} ended while {} of its references are held",
                    self.held(life)
                ),
            );
        }
        self.ended = true;
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
                Some(TOp::PutAll) => g.releasing[id] = std::mem::take(&mut g.tokens[id]),
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
            check_step::<E>(rc, &mut s.ghost, name);
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
            check_end::<E>(rc, &mut s.ghost, name);
        }
        s.free_run = true;
        shared.cv.notify_all();
    });
    let v = shared.lock().ghost.violation.take();
    v.map_or(Ok(()), Err)
}

/// The invariants between two steps.
fn check_step<E: Encoding>(rc: &FrozenRefcount<E, Stepped>, g: &mut Ghost, name: &str) {
    let raw = rc.load_raw().to_u64();
    if g.ended && !rc.is_frozen() {
        g.fail(
            Kind::Bug,
            format!(
                "{name}: life {} ended but the word {raw:#x} is live",
                g.life
            ),
        );
        return;
    }
    let in_flight =
        g.op.iter()
            .zip(&g.steps)
            .any(|(op, &s)| op.is_some() && s > 0);
    if !g.ended && !in_flight {
        let held = g.held(g.life) as u32;
        if rc.state() != State::Live(held) {
            g.fail(
                Kind::Bug,
                format!(
                    "{name}: {held} references held, word {raw:#x} is {:?}",
                    rc.state()
                ),
            );
            return;
        }
    }
    let unfreezing =
        g.op.iter()
            .zip(&g.steps)
            .any(|(op, &s)| matches!(op, Some(TOp::Unfreeze(_))) && s > 0);
    if E::LAYOUT.tagged && !unfreezing && raw >> 32 != g.life & 0xFFFF_FFFF {
        g.fail(
            Kind::Bug,
            format!("{name}: generation {} after {} lives", raw >> 32, g.life),
        );
    }
}

/// The invariants once every thread has finished.
fn check_end<E: Encoding>(rc: &FrozenRefcount<E, Stepped>, g: &mut Ghost, name: &str) {
    check_step(rc, g, name);
    if g.violation.is_none() && !g.ended && g.held(g.life) == 0 {
        g.fail(
            Kind::Bug,
            format!(
                "{name}: every reference of life {} is gone but nobody got Last",
                g.life
            ),
        );
    }
}

/// Whether a violation is a crash: always, except the ABA on an encoding that
/// has it by design, unless `FROZEN_REFCOUNT_FUZZ_ABA=crash` (the ABA hunt).
pub fn is_crash(sc: &Scenario, v: &Violation) -> bool {
    v.kind == Kind::Bug || !sc.aba_by_design() || aba_hunt()
}

fn aba_hunt() -> bool {
    static HUNT: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *HUNT.get_or_init(|| std::env::var("FROZEN_REFCOUNT_FUZZ_ABA").is_ok_and(|v| v == "crash"))
}
