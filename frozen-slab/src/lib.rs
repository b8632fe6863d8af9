#![doc = include_str!("../README.md")]
//!
//! ## Sharing a slab between threads
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
//! // An owned guard keeps the slab alive and can be sent.
//! let entry = Arc::clone(&slab).get_owned(key).unwrap();
//! let user = std::thread::spawn(move || entry.len());
//! assert_eq!(user.join().unwrap(), 5);
//! ```
//!
//! How the slab is built, why `get` is one atomic add, what a `get` that
//! misses can do, and every difference from sharded-slab:
//! [`implementation`].
//!
//! # Pool
//!
//! [`Pool`] is sharded-slab's `Pool` on the same slots: values that are
//! reset in place ([`Clear`]) and reused instead of dropped, so that what
//! they allocate is allocated once. `clear` never blocks: the last guard
//! clears the value, and `Clear::clear` may use the pool again. The
//! [`pool`] module lists where it differs from sharded-slab's.
//!
//! # Configuration
//!
//! [`Config`] and [`DefaultConfig`] are sharded-slab's, with the same
//! constants and defaults, and `Slab<T, C>`, `Pool<T, C>` and their guards
//! take the config type `C` as there. Only
//! [`RESERVED_BITS`](Config::RESERVED_BITS) has an effect (the top bits
//! of every key are left to the user); the page geometry and the thread
//! limit are accepted and ignored.
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(not(target_pointer_width = "64"))]
compile_error!("frozen-slab packs a 32-bit generation and a 32-bit index into a usize key: it needs a 64-bit target");

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

/// Declares a function `const` except under `--cfg frozen_refcount_loom`,
/// whose atomics (loom's, through `frozen_refcount::__sync`) have no `const`
/// constructor: frozen-refcount's macro, in scope for every module here.
macro_rules! const_fn_unless_loom {
    ($($item:tt)*) => { frozen_refcount::__const_fn_unless_loom! { $($item)* } };
}

/// `[value; len]` for a value that is not `Copy` (an atomic): an inline
/// `const` block, or under loom, whose atomics cannot be built in one,
/// `array::from_fn`.
macro_rules! array_of {
    ($value:expr; $len:expr) => {{
        #[cfg(not(frozen_refcount_loom))]
        let array = [const { $value }; $len];
        #[cfg(frozen_refcount_loom)]
        let array = core::array::from_fn(|_| $value);
        array
    }};
}

mod cfg;
mod clear;
mod entry;
mod free;
pub mod implementation;
mod iter;
mod key;
mod pages;
pub mod pool;
mod slab;
mod slot;

pub use cfg::{Config, DefaultConfig};
pub use clear::Clear;
pub use entry::{Entry, OwnedEntry, VacantEntry};
pub use iter::UniqueIter;
#[doc(inline)]
pub use pool::Pool;
pub use slab::Slab;

/// Loom models only (`--cfg frozen_refcount_loom`): makes the calling model
/// thread use free-list shard `index`, as its owner (with a local list) if
/// `owner`, so that a model can run the paths between shards. Not API.
#[cfg(frozen_refcount_loom)]
#[doc(hidden)]
pub fn __loom_use_shard(index: usize, owner: bool) {
    free::use_shard(index, owner);
}
