//! The allocator: [`PageAllocator`] owns the page table and the buddy
//! lists, and this file is the owners' side of the protocol: building the
//! table, allocating (the head published last), the free callback run on
//! [`Put::Last`], and splitting. The lock-free readers are in `walker.rs`
//! and `scanner.rs`, the quiescent checks in `accounting.rs`.

use crate::buddy::Buddy;
use crate::errors::{ErrorCells, Errors};
use crate::page::{Kind, PageDesc};
use frozen_refcount::{Backend, DefaultBackend, Encoding, Put};
use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Mutex;

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

/// A buddy page allocator over a fixed array of page descriptors, generic
/// over the counter encoding `E` and backend `B`.
pub struct PageAllocator<E: Encoding, B: Backend = DefaultBackend> {
    pub(crate) pages: Box<[PageDesc<E, B>]>,
    pub(crate) max_order: u8,
    pub(crate) blocks: u32,
    pub(crate) buddy: Mutex<Buddy>,
    next_life: AtomicU64,
    pub(crate) errors: ErrorCells,
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
        E::SCHEME.zeroed_is_frozen()
    }

    /// As [`new`](Self::new), but the descriptor array comes from
    /// `alloc_zeroed` and is never written: every page is free and frozen
    /// because zero *is* frozen for `E`. `None` for encodings where a zero
    /// word is a live zero count (HighBit, LowBit, Tagged), on which a
    /// `try_get` would succeed (a walker must never take a page in a buddy list).
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
    pub(crate) fn free_last(&self, pfn: u32, seen_life: u64, seen_order: u8) {
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
            self.errors.violation(format_args!(
                "free of page {pfn}: {kind:?} order {order} {:?}",
                h.refs
            ));
            return; // leak rather than corrupt the lists
        }
        if life != seen_life {
            // The caller's reference was to another life (put/put ABA): the
            // descriptor, not the caller, says what to free.
            self.errors.misattributed_last();
        } else if order != seen_order {
            self.errors.order_error(format_args!(
                "page {pfn} life {life}: freed with order {order}, held as order {seen_order}"
            ));
        }
        for t in pfn + 1..pfn + (1 << order) {
            let d = &self.pages[t as usize];
            if d.kind() != Kind::Tail || d.head() != pfn || !d.refs.is_frozen() {
                self.errors.order_error(format_args!(
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

    /// The error counters so far.
    pub fn errors(&self) -> Errors {
        self.errors.snapshot()
    }
}
