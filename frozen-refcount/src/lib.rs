//! A lock-free reference count with a FROZEN state, after the 2026 linux-mm
//! work on page refcounts.
//!
//! Today a speculative reference to an object found without a lock (a PFN
//! walker, a page-cache lookup, an RCU reader) is taken with
//! `atomic_add_unless(v, 1, 0)`: a compare-and-swap loop that refuses a dead
//! zero, and that retries, and serialises, under contention. Here the count
//! has a dedicated FROZEN state that no unconditional add can leave, so
//! [`try_get`](FrozenRefcount::try_get) is a single `lock xadd` / `ldadd`
//! followed by a test of the result, with no loop. Zero is only a transient
//! state inside [`put`](FrozenRefcount::put): the last `put` subtracts, then
//! freezes the word with one CAS from zero, and a `try_get` that lands in
//! between resurrects the object (the CAS fails and `put` says
//! [`Put::Kept`]).
//!
//! # Example: a type-stable slot pool
//!
//! ```
//! use frozen_refcount::{FrozenRefcount, Put, Tagged};
//! use std::sync::atomic::{AtomicU64, Ordering};
//!
//! struct Slot {
//!     refs: FrozenRefcount<Tagged>,
//!     value: AtomicU64,
//! }
//!
//! // Every slot starts frozen: owned by the pool, invisible to readers.
//! let slot = Slot { refs: FrozenRefcount::new_frozen(), value: AtomicU64::new(0) };
//! assert!(!slot.refs.try_get());
//!
//! // Allocate: initialise, then publish with one reference (Release).
//! slot.value.store(42, Ordering::Relaxed);
//! slot.refs.unfreeze(1);
//!
//! // A speculative reader that found the slot by address: one atomic add.
//! if slot.refs.try_get() {
//!     assert_eq!(slot.value.load(Ordering::Relaxed), 42);
//!     assert_eq!(slot.refs.put(), Put::Kept);
//! }
//!
//! // The owner drops the last reference: the word freezes, the pool owns the
//! // slot again, and the generation tells this life from the next one.
//! assert_eq!(slot.refs.put(), Put::Last);
//! assert!(slot.refs.is_frozen());
//! assert_eq!(slot.refs.generation(), 1);
//! ```
//!
//! # Where to read on
//!
//! The [`guide`] holds what a dependent needs beyond each item's own page:
//! [the contract](guide::contract) (the states, what every operation does
//! in each, misuse in debug and release builds, the bounds),
//! [the encodings](guide::encodings) and how to choose one,
//! [the backends](guide::backends) per target, and
//! [the memory orderings](guide::orderings) and why each is enough.
//!
//! # Encodings and backends
//!
//! [`FrozenRefcount<E, B>`](FrozenRefcount) takes an [`Encoding`] (where the
//! bits are: [`HighBit`], [`LowBit`], [`ZeroLockedHigh`], [`ZeroLockedLow`],
//! [`Biased`], [`Tagged`], and the [`Classic`] CAS-loop baseline; each
//! describes itself with a [`Scheme`]) and a [`Backend`] (how one atomic
//! step is done: [`CoreAtomics`], `PortableAtomics`, `Counting`, the
//! inline-asm `X86Asm` on x86, `ArmLse`, `ArmLlsc` and the run-time choice
//! between them `ArmDetect` on AArch64; [`DefaultBackend`] when none is
//! named). The protocol itself is written once, for all of them.
//!
//! # Features
//!
//! - `std`: `Counting`, the backend wrapper that counts each thread's
//!   atomic steps.
//! - `portable-atomic`: the `PortableAtomics` backend, and the only one on
//!   cores with no atomic read-modify-write (Cortex-M0/M0+ `thumbv6m`,
//!   RV32IMC `riscv32imc`), where it is [`DefaultBackend`] and
//!   `CoreAtomics` does not exist; there enable portable-atomic's
//!   `critical-section` or `unsafe-assume-single-core` feature too
//!   ([the two ways, and what each costs](guide::backends#cores-with-no-atomic-read-modify-write)).
//! - `model`: `frozen_refcount::model`, the sequential reference model, for
//!   testing code built on the counter (a backend of your own, a pool's
//!   bookkeeping) in property tests and fuzzers.
//! - `bytemuck`: `bytemuck::Zeroable` for [`ZeroLockedHigh`] and
//!   [`ZeroLockedLow`] counters (an all-zero word is frozen), so that
//!   `bytemuck::zeroed_slice_box` allocates a frozen table from `calloc`.
//! - `loom`: with `--cfg frozen_refcount_loom`, the counter runs on loom's
//!   atomics, so that loom models (the crate's, or a dependent's) check it
//!   ([details](guide::backends#loom-miri-and-threadsanitizer)).
//!
//! # Generic code and memory owned elsewhere
//!
//! `FrozenRefcount<E, B>` needs no bound beyond `E: Encoding` and
//! `B: Backend`, so generic code names it as it is:
//!
//! ```
//! use frozen_refcount::{Encoding, FrozenRefcount, ZeroLockedLow};
//!
//! fn first_live<E: Encoding>(table: &[FrozenRefcount<E>]) -> Option<usize> {
//!     table.iter().position(|rc| !rc.is_frozen())
//! }
//!
//! // A zeroed table of zero-locked counters is already frozen: no write pass.
//! let mut words = vec![0u32; 1024];
//! let table = FrozenRefcount::<ZeroLockedLow>::from_mut_slice(&mut words);
//! assert_eq!(first_live(table), None);
//! table[7].unfreeze(1);
//! assert_eq!(first_live(table), Some(7));
//! ```
//!
//! The crate is `no_std` and never allocates.
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]
// Badges name the features and targets a user chooses, not the test cfgs.
#![cfg_attr(
    docsrs,
    doc(auto_cfg(hide(frozen_refcount_loom, frozen_refcount_tsan, miri)))
)]

#[cfg(feature = "std")]
extern crate std;

mod backends;
mod encoding;
mod frozen;
pub mod guide;
mod marker;
#[cfg(feature = "model")]
pub mod model;
mod primitive;
mod state;
mod word;
#[cfg(all(feature = "bytemuck", not(frozen_refcount_loom)))]
mod zeroable;

// The backends (`CoreAtomics`, `X86Asm`, …) each where it exists, from the
// one list in backends/mod.rs, and what every target has.
pub use backends::*;
#[cfg(any(frozen_refcount_loom, target_has_atomic = "64"))]
pub use encoding::Tagged;
pub use encoding::{
    Biased, Classic, Encoding, FrozenMark, HighBit, LowBit, Scheme, ZeroLockedHigh, ZeroLockedLow,
};
pub use frozen::FrozenRefcount;
pub use state::{Put, State};
pub use word::Word;

/// The loom switch for the workspace's other crates (`frozen-slab`).
/// Not a public API: no semver promise.
#[doc(hidden)]
pub use primitive::sync as __sync;

// The README's example runs as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
