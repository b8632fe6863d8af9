//! The sequential reference model (feature `model`): what a counter must
//! return, and which state it must be in, when operations come one at a
//! time.
//!
//! [`Model`] is the contract of [`FrozenRefcount`] (its
//! [single-threaded part](crate::guide::contract)) as a small state machine
//! over [`State`]: `Live(n)`, `Saturated`, `Frozen`, and a generation.
//! [`Checker`] drives a real counter and a model with the same [`Op`]s and
//! compares every result, state, count and generation after each one.
//! Arguments are brought into range and misuse is skipped
//! ([`Model::allows`]), so any sequence of operations, such as one decoded
//! from a fuzzer's bytes, is a valid input.
//!
//! # What it is for in your code
//!
//! - **Testing a [`Backend`] you wrote.** `Backend` is an `unsafe trait`:
//!   the counter's guarantees rest on each step being the atomic operation
//!   it names. A `Checker<E, YourBackend>` run over long random sequences,
//!   at every width, catches a step that returns the new value instead of
//!   the old, a width that truncates, a compare-exchange that reports the
//!   wrong outcome: the counter then crosses a boundary (saturation, the
//!   last reference, frozen) at another moment than the model. This is how
//!   the crate tests its own backends.
//! - **An oracle in property tests and fuzzers of code built on the
//!   counter.** A pool, a slab or a page allocator keeps bookkeeping of its
//!   own next to each counter: free lists, "in use" flags, a generation in
//!   its keys. Keep a [`Model`] per slot beside the structure under test,
//!   apply to it each operation your test makes on the slot's counter, and
//!   assert that your bookkeeping agrees with it (a slot on the free list
//!   is `Frozen` in the model, a key's generation is the model's, a
//!   `Put::Last` is the model's), without spelling the counter's rules
//!   out again in the test.
//!
//! The model is sequential: it says what one thread sees when it is alone
//! on the counter, and nothing about interleavings. Under concurrency the
//! guarantees are the ones in [`guide::contract`](crate::guide::contract)
//! (one `Last` per life, frozen is sticky, the bounds), which a model of one
//! thread cannot check.
//!
//! # Example
//!
//! A backend with a classic bug, `fetch_add` returning the new value
//! instead of the old one, is told apart from a correct one:
//!
//! ```
//! use core::sync::atomic::Ordering;
//! use frozen_refcount::model::{Checker, Mismatch, Op};
//! use frozen_refcount::{Backend, CoreAtomics, Encoding, HighBit, State, Word, ZeroLockedLow};
//!
//! /// The backend under test: core's atomics, but `fetch_add` is an
//! /// add-and-fetch.
//! struct AddFetch;
//! // SAFETY: every step is one of core's atomic operations, with the
//! // requested ordering; only the value `fetch_add` returns is wrong.
//! unsafe impl Backend for AddFetch {
//!     const NAME: &'static str = "add-fetch";
//!     fn load<W: Word>(a: &W::Atomic, o: Ordering) -> W { CoreAtomics::load(a, o) }
//!     fn store<W: Word>(a: &W::Atomic, v: W, o: Ordering) { CoreAtomics::store(a, v, o) }
//!     fn fetch_add<W: Word>(a: &W::Atomic, v: W, o: Ordering) -> W {
//!         CoreAtomics::fetch_add(a, v, o).wrapping_add(v) // the bug
//!     }
//!     fn fetch_sub<W: Word>(a: &W::Atomic, v: W, o: Ordering) -> W {
//!         CoreAtomics::fetch_sub(a, v, o)
//!     }
//!     fn compare_exchange<W: Word>(
//!         a: &W::Atomic, current: W, new: W, s: Ordering, f: Ordering,
//!     ) -> Result<W, W> {
//!         CoreAtomics::compare_exchange(a, current, new, s, f)
//!     }
//! }
//!
//! /// `steps` pseudo-random operations on a counter and its model, from a
//! /// live count of one; the first disagreement, if any.
//! fn run<E: Encoding, B: Backend>(start: u64, steps: u32) -> Result<(), Mismatch> {
//!     let mut checker = Checker::<E, B>::new(1);
//!     let mut x = start;
//!     for _ in 0..steps {
//!         x ^= x << 13;
//!         x ^= x >> 7;
//!         x ^= x << 17;
//!         let n = (x >> 32) as u32; // any value: `step` brings it into range
//!         let op = match x % 5 {
//!             0 => Op::TryGet(n),
//!             1 => Op::Get(n),
//!             2 => Op::Put(n),
//!             3 => Op::Freeze(n),
//!             _ => Op::Unfreeze(n),
//!         };
//!         checker.step(op)?;
//!     }
//!     Ok(())
//! }
//!
//! for start in 1..=4 {
//!     run::<HighBit<u8>, CoreAtomics>(start, 5_000).unwrap();
//!     run::<ZeroLockedLow<u16>, CoreAtomics>(start, 5_000).unwrap();
//! }
//! // Near MAX_COUNT, an add that believes it crossed into saturation
//! // saturates a counter that the model still counts exactly.
//! let m = run::<HighBit<u8>, AddFetch>(1, 5_000).unwrap_err();
//! assert_eq!(m.real_state, State::Saturated);
//! assert!(matches!(m.model_state, State::Live(_)));
//! ```
//!
//! As an oracle, the model alone says what the counter must answer next:
//!
//! ```
//! use frozen_refcount::model::{Model, Op, Outcome};
//! use frozen_refcount::{Put, State, Tagged};
//!
//! let mut slot = Model::new_frozen::<Tagged>(); // a free slot of a pool
//! assert_eq!(slot.apply(Op::TryGet(1)), Outcome::Bool(false));
//! slot.apply(Op::Unfreeze(1)); // allocated: a new life
//! assert_eq!(slot.apply(Op::TryGet(1)), Outcome::Bool(true));
//! assert_eq!(slot.apply(Op::Put(1)), Outcome::Put(Put::Kept));
//! assert_eq!(slot.apply(Op::Put(1)), Outcome::Put(Put::Last));
//! assert_eq!((slot.state, slot.generation), (State::Frozen, 1));
//! // Misuse is not applied: a put on a frozen slot.
//! assert_eq!(slot.apply(Op::Put(1)), Outcome::Skipped);
//! ```

use crate::backends::Backend;
use crate::encoding::Encoding;
use crate::frozen::FrozenRefcount;
use crate::state::{Put, State};
use crate::word::Word;

/// One operation on a counter; `n` and counts are taken modulo the encoding's
/// limits by [`Checker::step`], so any value is usable (fuzzers).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `try_get_many(n)` (`try_get` for n = 1).
    TryGet(u32),
    /// `get_many(n)`: only applied while the model holds at least one reference.
    Get(u32),
    /// `put_many(n)`: only applied while the model holds at least `n`.
    Put(u32),
    /// `freeze(expected)`.
    Freeze(u32),
    /// `unfreeze(count)`: only applied while frozen.
    Unfreeze(u32),
}

/// The abstract state of a counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Model {
    /// What the counter is: `Live(n)`, `Frozen` or `Saturated`. The transient
    /// `Zero` never shows sequentially: the last put freezes at once.
    pub state: State,
    /// How many times it was unfrozen (the `Tagged` generation).
    pub generation: u32,
    max_count: u32,
    max_many: u32,
}

/// What an operation returned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// From `try_get_many` and `freeze`.
    Bool(bool),
    /// From `put_many`.
    Put(Put),
    /// From `get_many` and `unfreeze`.
    Unit,
    /// The operation is misuse in this state and was not applied.
    Skipped,
}

impl Model {
    /// A model of `FrozenRefcount::<E, _>::new(count)`.
    pub fn new<E: Encoding>(count: u32) -> Self {
        Model {
            state: State::Live(count),
            generation: 0,
            max_count: E::MAX_COUNT,
            max_many: E::MAX_MANY,
        }
    }

    /// A model of `new_frozen()`.
    pub fn new_frozen<E: Encoding>() -> Self {
        Model {
            state: State::Frozen,
            ..Self::new::<E>(1)
        }
    }

    /// Brings the arguments of `op` into range (1..=MAX_MANY for `n`,
    /// 1..=MAX_COUNT for counts).
    pub fn normalize(&self, op: Op) -> Op {
        let many = |n: u32| n % self.max_many + 1;
        let count = |n: u32| n % self.max_count + 1;
        match op {
            Op::TryGet(n) => Op::TryGet(many(n)),
            Op::Get(n) => Op::Get(many(n)),
            Op::Put(n) => Op::Put(many(n)),
            Op::Freeze(n) => Op::Freeze(count(n)),
            Op::Unfreeze(n) => Op::Unfreeze(count(n)),
        }
    }

    /// Whether `op` (normalised) is a correct use in this state.
    pub fn allows(&self, op: Op) -> bool {
        match (op, self.state) {
            (Op::Get(_), State::Live(n)) => n >= 1,
            (Op::Put(k), State::Live(n)) => n >= k,
            (Op::Get(_) | Op::Put(_), State::Saturated) => true,
            (Op::Get(_) | Op::Put(_), _) => false,
            (Op::Unfreeze(_), s) => s == State::Frozen,
            (Op::TryGet(_) | Op::Freeze(_), _) => true,
        }
    }

    fn add(&mut self, k: u32) {
        if let State::Live(n) = self.state {
            self.state = if n as u64 + k as u64 > self.max_count as u64 {
                State::Saturated
            } else {
                State::Live(n + k)
            };
        }
    }

    /// Applies a normalised `op` and returns what the counter must return;
    /// [`Outcome::Skipped`], changing nothing, if `op` is misuse in this
    /// state ([`allows`](Self::allows)).
    pub fn apply(&mut self, op: Op) -> Outcome {
        if !self.allows(op) {
            return Outcome::Skipped;
        }
        match op {
            Op::TryGet(k) => {
                let ok = self.state != State::Frozen;
                self.add(k);
                Outcome::Bool(ok)
            }
            Op::Get(k) => {
                self.add(k);
                Outcome::Unit
            }
            Op::Put(k) => match self.state {
                State::Live(n) if n == k => {
                    self.state = State::Frozen;
                    Outcome::Put(Put::Last)
                }
                State::Live(n) => {
                    self.state = State::Live(n - k);
                    Outcome::Put(Put::Kept)
                }
                _ => Outcome::Put(Put::Kept),
            },
            Op::Freeze(e) => {
                let ok = self.state == State::Live(e);
                if ok {
                    self.state = State::Frozen;
                }
                Outcome::Bool(ok)
            }
            Op::Unfreeze(c) => {
                self.state = State::Live(c);
                self.generation = self.generation.wrapping_add(1);
                Outcome::Unit
            }
        }
    }
}

/// Applies `op` to a real counter.
pub fn apply_real<E: Encoding, B: Backend>(c: &FrozenRefcount<E, B>, op: Op) -> Outcome {
    match op {
        Op::TryGet(k) => Outcome::Bool(c.try_get_many(k)),
        Op::Get(k) => {
            c.get_many(k);
            Outcome::Unit
        }
        Op::Put(k) => Outcome::Put(c.put_many(k)),
        Op::Freeze(e) => Outcome::Bool(c.freeze(e)),
        Op::Unfreeze(n) => {
            c.unfreeze(n);
            Outcome::Unit
        }
    }
}

/// A real counter and the model side by side.
#[derive(Debug)]
pub struct Checker<E: Encoding, B: Backend> {
    /// The counter under test.
    pub real: FrozenRefcount<E, B>,
    /// The reference.
    pub model: Model,
    /// Operations applied (misuse skipped).
    pub applied: u64,
}

/// A difference between the counter and the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mismatch {
    /// The operation after which they differ.
    pub op: Op,
    /// What the counter returned.
    pub real: Outcome,
    /// What the model returned.
    pub model: Outcome,
    /// The counter's state afterwards.
    pub real_state: State,
    /// The model's state afterwards.
    pub model_state: State,
    /// The raw word afterwards.
    pub raw: u64,
}

impl<E: Encoding, B: Backend> Checker<E, B> {
    /// Starts from `new(count)` (count taken into range), or from
    /// `new_frozen()` when `count` is 0.
    pub fn new(count: u32) -> Self {
        if count == 0 {
            Checker {
                real: FrozenRefcount::new_frozen(),
                model: Model::new_frozen::<E>(),
                applied: 0,
            }
        } else {
            let count = (count - 1) % E::MAX_COUNT + 1;
            Checker {
                real: FrozenRefcount::new(count),
                model: Model::new::<E>(count),
                applied: 0,
            }
        }
    }

    /// Applies `op` (normalised; skipped if it would be misuse) to both and
    /// compares results, states, counts and, for `Tagged`, generations.
    pub fn step(&mut self, op: Op) -> Result<(), Mismatch> {
        let op = self.model.normalize(op);
        let model = self.model.apply(op);
        if model == Outcome::Skipped {
            return Ok(());
        }
        self.applied += 1;
        let real = apply_real(&self.real, op);
        let real_state = self.real.state();
        let raw = self.real.load_raw().to_u64();
        let gen_ok = !E::TAGGED || (raw >> 32) as u32 == self.model.generation;
        let count_ok = self.real.count()
            == match self.model.state {
                State::Live(n) => n,
                State::Saturated => u32::MAX,
                _ => 0,
            };
        let frozen_ok = self.real.is_frozen() == (self.model.state == State::Frozen);
        if real != model || real_state != self.model.state || !gen_ok || !count_ok || !frozen_ok {
            return Err(Mismatch {
                op,
                real,
                model,
                real_state,
                model_state: self.model.state,
                raw,
            });
        }
        Ok(())
    }
}
