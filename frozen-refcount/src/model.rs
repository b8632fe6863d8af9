//! The sequential reference model (feature `model`): what a counter must do
//! when operations come one at a time. The crate's model tests and the `ops`
//! fuzz target drive a real [`FrozenRefcount`] and this model with the same
//! operations through [`Checker`] and compare every result and state.

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

    /// Applies a normalised, allowed `op` and returns what the counter must
    /// return.
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
pub struct Checker<E: Encoding, B: Backend> {
    /// The counter under test.
    pub real: FrozenRefcount<E, B>,
    /// The reference.
    pub model: Model,
    /// Operations applied (misuse skipped).
    pub applied: u64,
}

/// A difference between the counter and the model.
#[derive(Debug, PartialEq, Eq)]
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
