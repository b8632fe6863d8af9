//! The `ops` target: a structured sequence of operations on one counter,
//! checked after every step against the sequential reference model. The
//! oracle is `frozen_refcount::model::Checker`, the same code the crate's
//! `tests/model.rs` uses; nothing of it is repeated here.

use crate::Enc;
use arbitrary::Arbitrary;
use frozen_refcount::model::{Checker, Op};
use frozen_refcount::Encoding;

/// One fuzzed operation. Arguments are brought into range by the model
/// (`Model::normalize`); operations that would be misuse in the current
/// state are skipped by the checker (misuse is the `lifecycle` target's job).
#[derive(Arbitrary, Clone, Copy, Debug)]
pub enum FuzzOp {
    /// `try_get()`
    TryGet,
    /// `try_get_many(n)`
    TryGetMany(u16),
    /// `get()`
    Get,
    /// `get_many(n)`
    GetMany(u16),
    /// `put()`
    Put,
    /// `put_many(n)`
    PutMany(u16),
    /// `freeze(expected)`
    Freeze(u32),
    /// `unfreeze(count)`
    Unfreeze(u32),
}

impl FuzzOp {
    /// The model's operation (un-normalised: `n` is taken modulo the limits,
    /// so `TryGet` is `Op::TryGet(0)`, i.e. `n = 1`).
    pub fn to_op(self) -> Op {
        match self {
            FuzzOp::TryGet => Op::TryGet(0),
            FuzzOp::TryGetMany(n) => Op::TryGet(n as u32),
            FuzzOp::Get => Op::Get(0),
            FuzzOp::GetMany(n) => Op::Get(n as u32),
            FuzzOp::Put => Op::Put(0),
            FuzzOp::PutMany(n) => Op::Put(n as u32),
            FuzzOp::Freeze(n) => Op::Freeze(n),
            FuzzOp::Unfreeze(n) => Op::Unfreeze(n),
        }
    }
}

/// A whole `ops` input.
#[derive(Arbitrary, Debug)]
pub struct Input {
    /// Which counter.
    pub enc: Enc,
    /// `new(start)`, or `new_frozen()` when 0 (see `Checker::new`).
    pub start: u8,
    /// The operations, in order.
    pub ops: Vec<FuzzOp>,
}

/// Runs `input`; panics (a crash for libFuzzer) at the first difference
/// between the counter and the model.
pub fn run(input: &Input) {
    crate::with_encoding!(input.enc, CoreAtomics, run_on(input))
}

fn run_on<E: Encoding, B: frozen_refcount::Backend>(input: &Input) {
    let mut c = Checker::<E, B>::new(input.start as u32);
    for (i, op) in input.ops.iter().enumerate() {
        if let Err(m) = c.step(op.to_op()) {
            panic!("{} step {i} ({op:?}): {m:?}", E::NAME);
        }
    }
}
