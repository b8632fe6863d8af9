//! The `interleave` target: 2-5 logical threads run the real protocol
//! (`src/frozen.rs`, unchanged) on one shared counter, and the fuzzer decides
//! which of them takes its next atomic step.
//!
//! Nothing of the protocol is written here. The counter is a
//! `FrozenRefcount<E, Stepped>`: [`Stepped`] is a [`Backend`](frozen_refcount::Backend) that performs
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
//!   otherwise: the put/put ABA), and only when no other thread
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
//!
//! The parts: `scenario.rs` is the input (the programs, the schedule and
//! their byte encoding), `ghost.rs` the ghost state and the invariants
//! checked against it, `sched.rs` the [`Stepped`] backend and the scheduler
//! that runs a scenario.

mod ghost;
mod scenario;
mod sched;

pub use ghost::{is_crash, Kind, Violation};
pub use scenario::{Scenario, TOp, ENCODINGS, MAX_THREADS};
pub use sched::{run, Stepped};
