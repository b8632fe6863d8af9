//! A small buddy page allocator whose page descriptors are counted by
//! [`FrozenRefcount`]: the "used by allocators" demo of `frozen-refcount`.
//!
//! The rules it lives by come from the linux-mm threads the crate grew out of:
//!
//! - **Every page that is not the head of a live compound page is frozen**:
//!   free (buddy) pages, tail pages, and heads that are being freed or split.
//!   A speculative PFN walker (`do_migrate_range`: `pfn_to_page`,
//!   `folio_try_get`) may call [`try_get`](FrozenRefcount::try_get) on *any*
//!   page, and it must fail on all of those (seed 004).
//! - **Allocation publishes the head last.** [`alloc`](PageAllocator::alloc)
//!   writes the tails, then the head's order, kind and life, then
//!   `unfreeze(1)`s the head; the `Release` of that store is what makes the
//!   fields visible to a walker whose `try_get` succeeds (`Acquire`).
//! - **The free callback reads the order from the frozen head** (seeds 000
//!   and 001): after `put` returns [`Put::Last`] the head is frozen and owned by
//!   the caller alone, so its `order` is still the one this life was given,
//!   whoever the caller is (the owner, or a walker whose `put` happened to be
//!   the last). It then marks the block free and gives it back to the buddy
//!   lists, merging buddies.
//! - **A split freezes, rewrites and unfreezes** (`folio_split`):
//!   [`split`](PageAllocator::split) takes the folio with `freeze(1)`, which
//!   fails while any walker holds a reference, rewrites orders and heads, and
//!   unfreezes each piece. A page under split is frozen *but not free*: its
//!   kind never becomes [`Kind::Free`], and a free-page scanner that trusts
//!   `Free` only under the buddy lock never finds it on a free list (Zi Yan's
//!   point in seed 000).
//! - **Compound pages are not all folios** (seed 003): a [`Kind::Slab`]
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

use frozen_refcount::{Backend, DefaultBackend, Encoding, FrozenRefcount, Put};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicU8};
use std::sync::Mutex;

pub mod workload;

/// What a page is. The all-zero value is [`Kind::Free`], so that a
/// zero-filled descriptor array describes free pages.
#[repr(u8)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Part of a block on the buddy free lists (only written under the lock).
    Free = 0,
    /// A tail page of a compound page (or of a block being allocated): its
    /// counter is always frozen and its `head` names the head page.
    Tail = 1,
    /// The head of a folio: the only kind PFN walkers and splits work on.
    Folio = 2,
    /// The head of a compound page that is not a folio (a slab-like
    /// allocation): it has a live count, but walkers must not treat it as a
    /// folio (seed 003), and it is never split.
    Slab = 3,
}

impl Kind {
    fn from_u8(v: u8) -> Kind {
        match v {
            0 => Kind::Free,
            1 => Kind::Tail,
            2 => Kind::Folio,
            _ => Kind::Slab,
        }
    }

    /// A head kind: [`Kind::Folio`] or [`Kind::Slab`].
    pub fn is_head(self) -> bool {
        matches!(self, Kind::Folio | Kind::Slab)
    }
}

/// One page descriptor (a `struct page`): a reference count and the compound
/// state. All-zero is a free page (frozen for the zero-locked encodings).
#[repr(C)]
pub struct PageDesc<E: Encoding, B: Backend = DefaultBackend> {
    /// The page's reference count: live only on the head of an allocated
    /// compound page.
    pub refs: FrozenRefcount<E, B>,
    kind: AtomicU8,
    order: AtomicU8,
    head: AtomicU32,
    life: AtomicU64,
}

impl<E: Encoding, B: Backend> PageDesc<E, B> {
    fn new_frozen() -> Self {
        Self {
            refs: FrozenRefcount::new_frozen(),
            kind: AtomicU8::new(Kind::Free as u8),
            order: AtomicU8::new(0),
            head: AtomicU32::new(0),
            life: AtomicU64::new(0),
        }
    }

    /// The kind (a Relaxed snapshot: meaningful to the holder of a reference,
    /// a hint to anyone else).
    pub fn kind(&self) -> Kind {
        Kind::from_u8(self.kind.load(Relaxed))
    }

    /// The compound order of a head (a Relaxed snapshot).
    pub fn order(&self) -> u8 {
        self.order.load(Relaxed)
    }

    /// The head's PFN, for a tail or a head (a Relaxed snapshot).
    pub fn head(&self) -> u32 {
        self.head.load(Relaxed)
    }

    /// The life of a head: a number unique to each allocation or split piece
    /// (a Relaxed snapshot).
    pub fn life(&self) -> u64 {
        self.life.load(Relaxed)
    }
}

/// An owned reference to an allocated compound page: what
/// [`alloc`](PageAllocator::alloc) and [`split`](PageAllocator::split) return.
/// Give it back with [`put`](PageAllocator::put); dropping it leaks the pages.
#[must_use = "dropping a Folio leaks its pages: give it back with PageAllocator::put"]
#[derive(Debug, PartialEq, Eq)]
pub struct Folio {
    pfn: u32,
    order: u8,
    kind: Kind,
    life: u64,
}

impl Folio {
    /// PFN of the head page.
    pub fn pfn(&self) -> u32 {
        self.pfn
    }
    /// Compound order: the page spans `2^order` pages.
    pub fn order(&self) -> u8 {
        self.order
    }
    /// [`Kind::Folio`] or [`Kind::Slab`].
    pub fn kind(&self) -> Kind {
        self.kind
    }
    /// The life this reference belongs to.
    pub fn life(&self) -> u64 {
        self.life
    }
}

/// A speculative reference taken by a PFN walker
/// ([`try_get_page`](PageAllocator::try_get_page)). Give it back with
/// [`put`](PageRef::put); if that put is the last, the walker frees the page,
/// as the protocol requires.
#[must_use = "a PageRef holds a reference: give it back with PageRef::put"]
pub struct PageRef<'a, E: Encoding, B: Backend = DefaultBackend> {
    alloc: &'a PageAllocator<E, B>,
    pfn: u32,
    kind: Kind,
    order: u8,
    life: u64,
}

impl<E: Encoding, B: Backend> PageRef<'_, E, B> {
    /// PFN of the page.
    pub fn pfn(&self) -> u32 {
        self.pfn
    }
    /// The kind read after the `try_get` succeeded.
    pub fn kind(&self) -> Kind {
        self.kind
    }
    /// The order read after the `try_get` succeeded.
    pub fn order(&self) -> u8 {
        self.order
    }
    /// The life read after the `try_get` succeeded.
    pub fn life(&self) -> u64 {
        self.life
    }

    /// Deep re-validation: every tail of the compound page is a frozen
    /// [`Kind::Tail`] naming this head. Stable while the reference is held
    /// (ordering 1 and 2 of the crate docs). Records a violation and returns
    /// `false` otherwise.
    pub fn check_compound(&self) -> bool {
        let a = self.alloc;
        for t in self.pfn + 1..self.pfn + (1u32 << self.order) {
            let d = &a.pages[t as usize];
            if d.kind() != Kind::Tail || d.head() != self.pfn || !d.refs.is_frozen() {
                a.violation(format_args!(
                    "walker holds head {} (order {}), but page {t} is {:?} head {} {:?}",
                    self.pfn,
                    self.order,
                    d.kind(),
                    d.head(),
                    d.refs
                ));
                return false;
            }
        }
        true
    }

    /// Drops the walker's reference. On [`Put::Last`] the walker has freed
    /// the page (through the same free callback as an owner).
    pub fn put(self) -> Put {
        let r = self.alloc.pages[self.pfn as usize].refs.put();
        if r.is_last() {
            self.alloc.free_last(self.pfn, self.life, self.order);
        }
        r
    }
}

/// What one walker step found ([`PageAllocator::walk`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Walk {
    /// `try_get` failed: a free, tail, or frozen (being freed or split) page.
    Miss,
    /// `try_get` succeeded on a head of this kind; `freed` if the walker's
    /// `put` was the last and it freed the page.
    Hit {
        /// The head's kind ([`Kind::Slab`]: a non-folio compound, skipped).
        kind: Kind,
        /// The walker's put was `Last`: it freed the page.
        freed: bool,
    },
}

/// What a free-page scanner found ([`PageAllocator::scan_free`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scan {
    /// The lock-free hint said "not free".
    NotFree,
    /// The hint said free, and under the lock the page is on a free list.
    Free,
    /// The hint said free, but under the lock the page was taken meanwhile.
    Stale,
}

/// Error counters: each must stay zero in a correct run (except
/// `misattributed_last`, see its doc).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Errors {
    /// A walker held a reference to a page that was not a live head, a
    /// compound's tails did not match its head, or the free lists and the
    /// descriptors disagreed.
    pub violations: u64,
    /// The free callback read an order different from the one of the life it
    /// was called for.
    pub order_errors: u64,
    /// A `put` returned `Last` for a life other than the one its caller held
    /// a reference to: the put/put ABA (seed 002). Possible with `HighBit`
    /// and the other untagged encodings when a put is preempted between its
    /// subtract and its CAS across a free and a reallocation; impossible with
    /// `Tagged`. The page is still freed exactly once, with the right order.
    pub misattributed_last: u64,
    /// The first violation or order error, described.
    pub first: Option<String>,
}

#[derive(Default)]
struct ErrorCells {
    violations: AtomicU64,
    order_errors: AtomicU64,
    misattributed_last: AtomicU64,
    first: Mutex<Option<String>>,
}

/// The buddy free lists: one set of block PFNs per order. Under a `Mutex`;
/// the lock-free part of this allocator is the refcount.
struct Buddy {
    free: Vec<BTreeSet<u32>>,
    free_pages: u64,
}

impl Buddy {
    fn new(max_order: u8, blocks: u32) -> Self {
        let mut free = vec![BTreeSet::new(); max_order as usize + 1];
        free[max_order as usize] = (0..blocks).map(|b| b << max_order).collect();
        Buddy {
            free,
            free_pages: (blocks as u64) << max_order,
        }
    }

    /// Takes a block of `order`, splitting a larger one if needed.
    fn take(&mut self, order: u8) -> Option<u32> {
        let o = (order as usize..self.free.len()).find(|&o| !self.free[o].is_empty())?;
        let pfn = self.free[o].pop_first()?;
        for lower in (order as usize..o).rev() {
            self.free[lower].insert(pfn + (1 << lower));
        }
        self.free_pages -= 1 << order;
        Some(pfn)
    }

    /// Returns a block, merging it with its buddy as long as that is free.
    fn insert(&mut self, mut pfn: u32, mut order: u8) {
        self.free_pages += 1 << order;
        while (order as usize) + 1 < self.free.len() {
            let buddy = pfn ^ (1 << order);
            if !self.free[order as usize].remove(&buddy) {
                break;
            }
            pfn = pfn.min(buddy);
            order += 1;
        }
        self.free[order as usize].insert(pfn);
    }

    /// The free block containing `pfn`, if any.
    fn block_of(&self, pfn: u32) -> Option<(u32, u8)> {
        (0..self.free.len()).find_map(|o| {
            let start = pfn & !((1u32 << o) - 1);
            self.free[o].contains(&start).then_some((start, o as u8))
        })
    }
}

/// A quiescent snapshot: how the pages are used.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Accounting {
    /// Pages on the free lists.
    pub free_pages: u64,
    /// Pages in allocated compound pages.
    pub allocated_pages: u64,
    /// Allocated folios.
    pub folios: u64,
    /// Allocated non-folio (slab) compound pages.
    pub slabs: u64,
    /// Free blocks on the lists.
    pub free_blocks: u64,
}

/// A buddy page allocator over a fixed array of page descriptors, generic
/// over the counter encoding `E` and backend `B`.
pub struct PageAllocator<E: Encoding, B: Backend = DefaultBackend> {
    pages: Box<[PageDesc<E, B>]>,
    max_order: u8,
    blocks: u32,
    buddy: Mutex<Buddy>,
    next_life: AtomicU64,
    errors: ErrorCells,
}

impl<E: Encoding, B: Backend> PageAllocator<E, B> {
    /// `blocks` blocks of `2^max_order` pages, every page free and frozen,
    /// with an initialisation pass that writes a frozen counter into every
    /// descriptor (needed unless [`zero_is_frozen`](Self::zero_is_frozen)).
    pub fn new(max_order: u8, blocks: u32) -> Self {
        let n = Self::checked_pages(max_order, blocks);
        let pages = (0..n).map(|_| PageDesc::new_frozen()).collect();
        Self::from_pages(pages, max_order, blocks)
    }

    /// Whether an all-zero counter word is frozen for `E` (the zero-locked
    /// encodings and `Classic`), so that zero-filled memory is a valid array
    /// of free pages.
    pub fn zero_is_frozen() -> bool {
        E::LAYOUT.inverted || E::LAYOUT.zero_is_dead
    }

    /// As [`new`](Self::new), but the descriptor array comes from
    /// `alloc_zeroed` and is never written: every page is free and frozen
    /// because zero *is* frozen for `E`. `None` for encodings where a zero
    /// word is a live zero count (HighBit, LowBit, Tagged), on which a
    /// `try_get` would succeed (seed 004).
    pub fn new_zeroed(max_order: u8, blocks: u32) -> Option<Self> {
        if !Self::zero_is_frozen() {
            return None;
        }
        let n = Self::checked_pages(max_order, blocks);
        let layout =
            std::alloc::Layout::array::<PageDesc<E, B>>(n).expect("descriptor array too large");
        // SAFETY: `layout` has a non-zero size (`n >= 1`, and the descriptor
        // holds a non-zero-sized atomic). Every field of `PageDesc` is an
        // atomic integer (the counter is `repr(transparent)` over one, plus a
        // zero-sized marker), for which all-zero bytes are a valid value; and
        // for this `E` the all-zero counter word is the frozen state (checked
        // above). The pointer comes from the global allocator with the
        // layout of `[PageDesc; n]`, which is what `Box<[PageDesc]>` frees
        // it with.
        let pages = unsafe {
            let ptr = std::alloc::alloc_zeroed(layout).cast::<PageDesc<E, B>>();
            if ptr.is_null() {
                std::alloc::handle_alloc_error(layout);
            }
            Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, n))
        };
        Some(Self::from_pages(pages, max_order, blocks))
    }

    fn checked_pages(max_order: u8, blocks: u32) -> usize {
        assert!(
            max_order <= 20 && blocks >= 1,
            "PageAllocator: max_order <= 20 and blocks >= 1"
        );
        let n = (blocks as u64) << max_order;
        assert!(
            n <= u32::MAX as u64,
            "PageAllocator: too many pages for u32 PFNs"
        );
        n as usize
    }

    fn from_pages(pages: Box<[PageDesc<E, B>]>, max_order: u8, blocks: u32) -> Self {
        Self {
            pages,
            max_order,
            blocks,
            buddy: Mutex::new(Buddy::new(max_order, blocks)),
            next_life: AtomicU64::new(0),
            errors: ErrorCells::default(),
        }
    }

    /// Number of pages.
    pub fn pages(&self) -> u32 {
        self.pages.len() as u32
    }

    /// The largest order.
    pub fn max_order(&self) -> u8 {
        self.max_order
    }

    /// The descriptor of page `pfn` (what `pfn_to_page` returns).
    pub fn page(&self, pfn: u32) -> &PageDesc<E, B> {
        &self.pages[pfn as usize]
    }

    fn block(&self, pfn: u32, order: u8) -> &[PageDesc<E, B>] {
        &self.pages[pfn as usize..(pfn as usize + (1usize << order))]
    }

    fn new_life(&self) -> u64 {
        // Relaxed: a unique number is all that is needed; it is published
        // with the other fields by `unfreeze`.
        self.next_life.fetch_add(1, Relaxed) + 1
    }

    /// Allocates a compound page of `2^order` pages with one reference (the
    /// returned [`Folio`]). `kind` is [`Kind::Folio`] or [`Kind::Slab`].
    /// `None` when no block is free.
    pub fn alloc(&self, order: u8, kind: Kind) -> Option<Folio> {
        assert!(
            order <= self.max_order && kind.is_head(),
            "alloc: bad order or kind"
        );
        let pfn = {
            let mut b = self.buddy.lock().unwrap();
            let pfn = b.take(order)?;
            // Leave `Free` under the lock, together with the lists (ordering
            // 3: Relaxed, the lock orders it against the scanner's re-check).
            for d in self.block(pfn, order) {
                d.kind.store(Kind::Tail as u8, Relaxed);
            }
            pfn
        };
        let life = self.new_life();
        self.prep_compound(pfn, order, kind, life);
        Some(Folio {
            pfn,
            order,
            kind,
            life,
        })
    }

    /// Writes a compound page's fields and publishes its head. Every page of
    /// the block is frozen and owned by the caller, so every `try_get` on it
    /// fails until the `unfreeze` at the end.
    fn prep_compound(&self, pfn: u32, order: u8, kind: Kind, life: u64) {
        let block = self.block(pfn, order);
        for t in &block[1..] {
            // Relaxed: published by the head's unfreeze below (ordering 1).
            t.head.store(pfn, Relaxed);
            t.order.store(0, Relaxed);
            t.kind.store(Kind::Tail as u8, Relaxed);
        }
        let h = &block[0];
        // Relaxed, likewise: the unfreeze below publishes them.
        h.head.store(pfn, Relaxed);
        h.order.store(order, Relaxed);
        h.life.store(life, Relaxed);
        h.kind.store(kind as u8, Relaxed);
        // LAST: `unfreeze` is a Release store; every walker whose try_get
        // succeeds on this life Acquires it and sees all the stores above.
        // The tails stay frozen.
        h.refs.unfreeze(1);
    }

    /// The owner drops its reference. On [`Put::Last`] the page has been
    /// freed; on [`Put::Kept`] a walker still holds a reference and will free
    /// it with its own `put`.
    pub fn put(&self, folio: Folio) -> Put {
        let r = self.pages[folio.pfn as usize].refs.put();
        if r.is_last() {
            self.free_last(folio.pfn, folio.life, folio.order);
        }
        r
    }

    /// The free callback, run by whoever got `Last` on the head `pfn`, which
    /// they believe belongs to life `seen_life` of order `seen_order`.
    fn free_last(&self, pfn: u32, seen_life: u64, seen_order: u8) {
        let h = &self.pages[pfn as usize];
        // Relaxed: `Last` was an Acquire, and the head is frozen and ours: no
        // one else may write these fields until we give the block back below
        // (ordering 1 and 2). The order is therefore this life's order, read
        // from the descriptor, not from the caller's memory.
        let order = h.order();
        let life = h.life();
        let kind = h.kind();
        if !kind.is_head()
            || !h.refs.is_frozen()
            || order > self.max_order
            || pfn % (1 << order) != 0
        {
            self.violation(format_args!(
                "free of page {pfn}: {kind:?} order {order} {:?}",
                h.refs
            ));
            return; // leak rather than corrupt the lists
        }
        if life != seen_life {
            // The caller's reference was to another life (put/put ABA): the
            // descriptor, not the caller, says what to free.
            // Relaxed: a statistic, read after the threads are joined.
            self.errors.misattributed_last.fetch_add(1, Relaxed);
        } else if order != seen_order {
            self.order_error(format_args!(
                "page {pfn} life {life}: freed with order {order}, held as order {seen_order}"
            ));
        }
        for t in pfn + 1..pfn + (1 << order) {
            let d = &self.pages[t as usize];
            if d.kind() != Kind::Tail || d.head() != pfn || !d.refs.is_frozen() {
                self.order_error(format_args!(
                    "page {pfn} order {order}: page {t} is {:?} head {}",
                    d.kind(),
                    d.head()
                ));
            }
        }
        let mut b = self.buddy.lock().unwrap();
        // Restore every page to the free state, under the lock together with
        // the lists (ordering 3: Relaxed, the lock orders them). No walker
        // holds a reference (ours was the last), so none reads them as
        // fields of a live page (ordering 2). The tails' counters never left frozen; the
        // head's was frozen by `Last`.
        for d in self.block(pfn, order) {
            d.head.store(0, Relaxed);
            d.order.store(0, Relaxed);
            d.kind.store(Kind::Free as u8, Relaxed);
        }
        b.insert(pfn, order);
    }

    /// Splits a folio into folios of `new_order` (`folio_split`): `freeze(1)`
    /// succeeds only if the caller's is the only reference; then every piece
    /// is rewritten and unfrozen with one reference, returned to the caller.
    /// `Err` gives the folio back when a walker holds a reference (the
    /// kernel's `-EAGAIN`).
    pub fn split(&self, folio: Folio, new_order: u8) -> Result<Vec<Folio>, Folio> {
        assert!(
            folio.kind == Kind::Folio && new_order < folio.order,
            "split: not a folio or order not smaller"
        );
        let h = &self.pages[folio.pfn as usize];
        // Acquire on success (ordering 2): every walker that held a reference
        // has put it (Release) before our CAS, so its reads of the fields are
        // done before we rewrite them.
        if !h.refs.freeze(1) {
            return Err(folio);
        }
        // The head is frozen again but stays a `Folio`, not `Free`: a walker's
        // try_get fails, and a free-page scanner does not take it for free.
        let pieces = 1u32 << (folio.order - new_order);
        let out = (0..pieces)
            .map(|i| {
                let pfn = folio.pfn + (i << new_order);
                let life = self.new_life();
                self.prep_compound(pfn, new_order, Kind::Folio, life);
                Folio {
                    pfn,
                    order: new_order,
                    kind: Kind::Folio,
                    life,
                }
            })
            .collect();
        Ok(out)
    }

    /// A speculative PFN walker's first step (`pfn_to_page` +
    /// `folio_try_get`) on an arbitrary page: `None` if the page is frozen
    /// (free, tail, being freed or split). On success, re-validates the head
    /// (a live head of a known kind, aligned to its order, naming itself) and
    /// records a violation if it is not one.
    pub fn try_get_page(&self, pfn: u32) -> Option<PageRef<'_, E, B>> {
        if !self.pages[pfn as usize].refs.try_get() {
            return None;
        }
        Some(self.revalidate(pfn))
    }

    /// [`try_get_page`](Self::try_get_page) through
    /// [`FrozenRefcount::try_get_unless_frozen`]: a page that reads frozen is
    /// skipped with no write to its cache line (the frozen encodings' failed
    /// `try_get` is an add on a page the walker does not own; `Classic`'s
    /// miss is one load). A hit pays one extra load. For walkers that mostly
    /// miss (`do_migrate_range`, compaction over free ranges).
    pub fn try_get_page_unless_frozen(&self, pfn: u32) -> Option<PageRef<'_, E, B>> {
        if !self.pages[pfn as usize].refs.try_get_unless_frozen() {
            return None;
        }
        Some(self.revalidate(pfn))
    }

    /// After a successful `try_get` on `pfn`: the walker's re-check.
    fn revalidate(&self, pfn: u32) -> PageRef<'_, E, B> {
        let d = &self.pages[pfn as usize];
        // Relaxed: our try_get was an Acquire of the unfreeze that published
        // these fields (ordering 1), and they cannot change while we hold the
        // reference (ordering 2).
        let (kind, order, life) = (d.kind(), d.order(), d.life());
        if !kind.is_head()
            || order > self.max_order
            || pfn % (1 << order) != 0
            || d.head() != pfn
            || d.refs.is_frozen()
        {
            self.violation(format_args!(
                "walker got a reference to page {pfn}: {kind:?} order {order} head {} {:?}",
                d.head(),
                d.refs
            ));
        }
        PageRef {
            alloc: self,
            pfn,
            kind,
            order,
            life,
        }
    }

    /// One walker step: `try_get`, re-validate (deeply: every tail, when
    /// `deep`), and put, freeing the page if that put is the last.
    pub fn walk(&self, pfn: u32, deep: bool) -> Walk {
        match self.try_get_page(pfn) {
            None => Walk::Miss,
            Some(r) => {
                if deep {
                    r.check_compound();
                }
                let kind = r.kind();
                let freed = r.put().is_last();
                Walk::Hit { kind, freed }
            }
        }
    }

    /// A free-page scanner (compaction's `isolate_freepages`): a lock-free
    /// read of `kind` as a hint, trusted only after a re-check under the
    /// buddy lock. Under the lock it also checks that `kind == Free` exactly
    /// when the page is on a free list, and that a free page is frozen (a
    /// frozen page under split or being freed must never be on a list).
    pub fn scan_free(&self, pfn: u32) -> Scan {
        let d = &self.pages[pfn as usize];
        // A Relaxed read without a reference or the lock: only a hint, like
        // `PageBuddy()` (it may be stale in either direction).
        if d.kind() != Kind::Free {
            return Scan::NotFree;
        }
        let b = self.buddy.lock().unwrap();
        let listed = b.block_of(pfn);
        // Relaxed, under the lock: every write of `Free` to or from this
        // page was made under the lock (ordering 3), so this read is exact.
        // The counter read is a snapshot, but a free page's counter is
        // frozen and only `alloc` (after taking it off the list, under this
        // lock) makes it live.
        let free = d.kind() == Kind::Free;
        if free != listed.is_some() || (free && !d.refs.is_frozen()) {
            self.violation(format_args!(
                "scanner: page {pfn} is {:?} {:?} but free block {listed:?}",
                d.kind(),
                d.refs
            ));
        }
        if free {
            Scan::Free
        } else {
            Scan::Stale
        }
    }

    /// The error counters so far.
    pub fn errors(&self) -> Errors {
        // Relaxed: statistics; callers read them after joining the threads
        // that counted (the join orders them).
        Errors {
            violations: self.errors.violations.load(Relaxed),
            order_errors: self.errors.order_errors.load(Relaxed),
            misattributed_last: self.errors.misattributed_last.load(Relaxed),
            first: self.errors.first.lock().unwrap().clone(),
        }
    }

    fn violation(&self, what: std::fmt::Arguments<'_>) {
        // Relaxed: a statistic (see `errors`).
        self.errors.violations.fetch_add(1, Relaxed);
        self.note(what);
    }

    fn order_error(&self, what: std::fmt::Arguments<'_>) {
        // Relaxed: a statistic (see `errors`).
        self.errors.order_errors.fetch_add(1, Relaxed);
        self.note(what);
    }

    fn note(&self, what: std::fmt::Arguments<'_>) {
        let mut first = self.errors.first.lock().unwrap();
        if first.is_none() {
            *first = Some(what.to_string());
        }
    }

    /// Checks, while no other thread uses the allocator, that every page is
    /// accounted for exactly once: either in one block on the free lists
    /// (kind `Free`, frozen) or in exactly one of the `owned` compound pages
    /// (a head with the owner's single reference and this life's order and
    /// kind; frozen tails naming it). Also checks the lists' page count.
    /// Its Relaxed reads are exact because the threads that wrote them were
    /// joined (or, at least, are idle and synchronised with the caller).
    pub fn check_accounting<'f>(
        &self,
        owned: impl IntoIterator<Item = &'f Folio>,
    ) -> Result<Accounting, String> {
        let b = self.buddy.lock().unwrap();
        let mut seen = vec![false; self.pages.len()];
        let mut acc = Accounting::default();
        let mut errs = String::new();
        let mut mark = |pfn: u32, errs: &mut String| {
            if std::mem::replace(&mut seen[pfn as usize], true) {
                let _ = writeln!(errs, "page {pfn} accounted twice");
            }
        };
        for (o, set) in b.free.iter().enumerate() {
            for &pfn in set {
                acc.free_blocks += 1;
                if pfn % (1 << o) != 0 || pfn as usize + (1 << o) > self.pages.len() {
                    let _ = writeln!(
                        errs,
                        "free block {pfn} order {o} misaligned or out of range"
                    );
                    continue;
                }
                for p in pfn..pfn + (1 << o) {
                    mark(p, &mut errs);
                    let d = &self.pages[p as usize];
                    if d.kind() != Kind::Free || !d.refs.is_frozen() {
                        let _ = writeln!(
                            errs,
                            "page {p} in free block {pfn}/{o} is {:?} {:?}",
                            d.kind(),
                            d.refs
                        );
                    }
                }
                acc.free_pages += 1 << o;
            }
        }
        if acc.free_pages != b.free_pages {
            let _ = writeln!(
                errs,
                "lists hold {} pages, counter says {}",
                acc.free_pages, b.free_pages
            );
        }
        for f in owned {
            let h = &self.pages[f.pfn as usize];
            if (h.kind(), h.order(), h.life(), h.refs.count()) != (f.kind, f.order, f.life, 1) {
                let _ = writeln!(
                    errs,
                    "owned {f:?}: head is {:?} order {} life {} {:?}",
                    h.kind(),
                    h.order(),
                    h.life(),
                    h.refs
                );
            }
            mark(f.pfn, &mut errs);
            for t in f.pfn + 1..f.pfn + (1 << f.order) {
                mark(t, &mut errs);
                let d = &self.pages[t as usize];
                if d.kind() != Kind::Tail || d.head() != f.pfn || !d.refs.is_frozen() {
                    let _ = writeln!(
                        errs,
                        "tail {t} of {f:?} is {:?} head {} {:?}",
                        d.kind(),
                        d.head(),
                        d.refs
                    );
                }
            }
            acc.allocated_pages += 1 << f.order;
            match f.kind {
                Kind::Slab => acc.slabs += 1,
                _ => acc.folios += 1,
            }
        }
        let missing = seen.iter().filter(|s| !**s).count();
        if missing != 0 {
            let first = seen.iter().position(|s| !*s).unwrap_or(0);
            let d = &self.pages[first];
            let _ = writeln!(
                errs,
                "{missing} pages neither free nor owned (first: {first}, {:?} {:?})",
                d.kind(),
                d.refs
            );
        }
        if errs.is_empty() {
            Ok(acc)
        } else {
            Err(errs)
        }
    }

    /// Whether every page is free and every buddy merged: the free lists
    /// hold exactly the initial max-order blocks.
    pub fn is_fully_merged(&self) -> bool {
        let b = self.buddy.lock().unwrap();
        b.free[self.max_order as usize].len() as u64 == self.blocks as u64
            && b.free_pages == self.pages.len() as u64
    }
}

/// A small deterministic PRNG (xorshift64*): many cheap random choices
/// without a dependency.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (any value; zero is replaced).
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}
