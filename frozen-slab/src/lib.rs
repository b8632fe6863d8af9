//! A lock-free, type-stable concurrent slab on [`frozen_refcount`]: values
//! behind `usize` keys, where [`get`](Slab::get) is one atomic add on the
//! slot's refcount and dropping the guard is one atomic subtract. The API is
//! sharded-slab's `Slab`, so switching is a one-line change.
//!
//! This is the pattern the frozen refcount exists for. A reader holds a key
//! to an object that may be removed and its slot reused at any moment; it
//! takes a reference speculatively (`try_get`, which fails on a free, frozen
//! slot), re-validates (the key's generation against the slot's life), and
//! uses the object or backs off. The kernel does the same for the page cache
//! (`folio_try_get` and a mapping re-check) and for `SLAB_TYPESAFE_BY_RCU`
//! objects.
//!
//! # Example
//!
//! ```
//! use frozen_slab::Slab;
//! use std::sync::Arc;
//!
//! let slab = Arc::new(Slab::new());
//! let key = slab.insert("hello").unwrap();
//!
//! let reader = {
//!     let slab = Arc::clone(&slab);
//!     std::thread::spawn(move || slab.get(key).map(|entry| *entry))
//! };
//! assert_eq!(reader.join().unwrap(), Some("hello"));
//!
//! // A held entry keeps the value alive across a remove.
//! let entry = slab.get(key).unwrap();
//! assert!(slab.remove(key));
//! assert!(!slab.contains(key) && slab.get(key).is_none());
//! assert_eq!(*entry, "hello"); // dropped when `entry` is
//! drop(entry);
//!
//! // The slot is reused, under a new generation: the old key stays dead.
//! let key2 = slab.insert("world").unwrap();
//! assert_ne!(key, key2);
//! assert!(slab.get(key).is_none());
//! assert_eq!(slab.take(key2), Some("world"));
//! ```
//!
//! # How it works
//!
//! Each slot has a [`FrozenRefcount<Tagged>`](frozen_refcount::Tagged)
//! (frozen while the slot is free; its 32-bit generation counts the slot's
//! lives), a mark word saying which life is present, the free-list link and
//! the value. A key is `generation << 32 | index`. Storage is pages of
//! doubling size that never move, the refcounts in one array and the rest
//! in another, so that the line a `get` writes is not the line it reads.
//! Free slots are recycled through lock-free stacks with tagged heads, one
//! per thread shard. The details, and why, are in `docs/slab.md` of the
//! repository.
//!
//! # Where it differs from sharded-slab
//!
//! - **Keys name 2^32 lives of a slot.** A stale key is refused until its
//!   slot has been reused 2^32 times (sharded-slab's default: 2^13 - 1).
//! - **No thread limit, no thread id in the key.** Threads share the
//!   slots; only the free lists are per thread shard (16 of them), and a
//!   slot freed by one thread can be reused by any (sharded-slab: at most
//!   4096 threads, each slot owned by its inserting thread's shard).
//! - **Capacity:** at most [`Slab::MAX_SLOTS`] values (just under 2^32),
//!   or fewer by [`Slab::with_max_slots`]; sharded-slab sets its limits with
//!   a `Config` type, which this crate does not have.
//! - **`no_std` + `alloc`.** The `std` feature (default) only lets `take`
//!   yield while it waits.
//! - **Guards never fail for being too many:** past 2^30 guards on one
//!   value the count saturates (it is no longer known, and the value is
//!   never dropped: it leaks), where sharded-slab's `get` returns `None`
//!   at its reference limit.
//! - **A `get` that misses can drop a value.** Its speculative reference,
//!   put back after the re-check fails, can be the last one of a value
//!   removed meanwhile; that `get` then runs the value's `Drop` (and a panic
//!   from it comes out of `get`). sharded-slab's `get` never takes a
//!   reference it does not keep.
//! - **`Slab<T>: Sync` needs `T: Send + Sync`** (sharded-slab: `T: Sync`),
//!   since whichever thread drops the last guard drops the value.
//!
//! `remove` (never blocks; the value is dropped with its last guard) and
//! `take` (waits for the guards) behave as in sharded-slab.
//!
//! # Pool
//!
//! [`Pool`] is sharded-slab's `Pool` on the same slots: values that are
//! reset in place ([`Clear`]) and reused instead of dropped, so that what
//! they allocate is allocated once. `clear` never blocks: the last guard
//! clears the value, and `Clear::clear` may use the pool again. The
//! [`pool`] module lists where it differs from sharded-slab's.
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(not(target_pointer_width = "64"))]
compile_error!("frozen-slab packs a 32-bit generation and a 32-bit index into a usize key: it needs a 64-bit target");

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod clear;
mod entry;
mod free;
mod iter;
mod key;
mod pages;
pub mod pool;
mod slab;
mod slot;

pub use clear::Clear;
pub use entry::{Entry, OwnedEntry, VacantEntry};
pub use iter::UniqueIter;
#[doc(inline)]
pub use pool::Pool;
pub use slab::Slab;

/// The README's example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctest;
