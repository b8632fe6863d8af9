//! A small buddy page allocator whose page descriptors are counted by
//! [`FrozenRefcount`](frozen_refcount::FrozenRefcount): the "used by
//! allocators" demo of `frozen-refcount`.
//!
//! The rules it lives by come from the linux-mm threads the crate grew out of:
//!
//! - **Every page that is not the head of a live compound page is frozen**:
//!   free (buddy) pages, tail pages, and heads that are being freed or split.
//!   A speculative PFN walker (`do_migrate_range`: `pfn_to_page`,
//!   `folio_try_get`) may call
//!   [`try_get`](frozen_refcount::FrozenRefcount::try_get) on *any* page,
//!   and it must fail on all of those.
//! - **Allocation publishes the head last.** [`alloc`](PageAllocator::alloc)
//!   writes the tails, then the head's order, kind and life, then
//!   `unfreeze(1)`s the head; the `Release` of that store is what makes the
//!   fields visible to a walker whose `try_get` succeeds (`Acquire`).
//! - **The free callback reads the order from the frozen head**: after
//!   `put` returns [`Put::Last`](frozen_refcount::Put::Last) the head is frozen and owned by the caller alone, so its `order` is
//!   still the one this life was given, whoever the caller is (the owner, or
//!   a walker whose `put` happened to be the last). It then marks the block
//!   free and gives it back to the buddy lists, merging buddies.
//! - **A split freezes, rewrites and unfreezes** (`folio_split`):
//!   [`split`](PageAllocator::split) takes the folio with `freeze(1)`, which
//!   fails while any walker holds a reference, rewrites orders and heads, and
//!   unfreezes each piece. A page under split is frozen *but not free*: its
//!   kind never becomes [`Kind::Free`], and a free-page scanner that trusts
//!   `Free` only under the buddy lock never finds it on a free list (Zi Yan's
//!   point of the page-refcount design).
//! - **Compound pages are not all folios** : a [`Kind::Slab`]
//!   compound has a live head like a folio; a walker that wants folios takes
//!   the reference, sees the kind, and drops it without treating the page as
//!   a folio.
//!
//! With an encoding whose all-zero word is frozen
//! ([`ZeroLockedLow`](frozen_refcount::ZeroLockedLow),
//! [`ZeroLockedHigh`](frozen_refcount::ZeroLockedHigh),
//! [`Classic`](frozen_refcount::Classic)), [`PageAllocator::new_zeroed`]
//! takes the descriptor array straight from `alloc_zeroed` with no
//! initialisation pass: every page starts free and frozen.
//!
//! # Orderings of the descriptor fields
//!
//! The fields (`kind`, `order`, `head`, `life`) are atomics, because walkers
//! read them while racing with owners, and every access is `Relaxed`; the
//! refcount orders them:
//!
//! 1. Writers (alloc, split) only write a head's fields while the head is
//!    frozen and theirs, and publish them with `unfreeze` (`Release`). A
//!    walker reads them only after a successful `try_get` (`Acquire`), which
//!    reads from that `unfreeze` or from a later RMW in its release sequence:
//!    it sees this life's values.
//! 2. A walker's reads are followed by its `put` (`Release`); whoever
//!    rewrites the fields next first gets `Last` from a `put` or `true` from
//!    `freeze(1)` (both `Acquire`): the walker's reads happen-before the
//!    rewrite, so a walker never reads the next life's values while it holds
//!    a reference to this one.
//! 3. `kind == Free` changes only under the buddy lock, together with the
//!    free lists; the lock orders those writes with the scanner's re-check.
//!    A lock-free read of `kind` is only a hint, as `PageBuddy()` is.
#![warn(missing_docs)]

mod accounting;
mod allocator;
mod buddy;
mod errors;
mod page;
mod rng;
mod scanner;
mod walker;
pub mod workload;

pub use accounting::Accounting;
pub use allocator::{Folio, PageAllocator};
pub use errors::Errors;
pub use page::{Kind, PageDesc};
pub use rng::Rng;
pub use scanner::Scan;
pub use walker::{PageRef, Walk};
