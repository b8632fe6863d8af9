//! The speculative PFN walkers (`do_migrate_range`): `try_get` on any page,
//! re-validate what a successful one found, and `put`, freeing the page if
//! that put is the last. [`PageRef`] is the reference they hold.

use crate::allocator::PageAllocator;
use crate::page::Kind;
use frozen_refcount::{Backend, DefaultBackend, Encoding, Put};

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
                a.errors.violation(format_args!(
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

impl<E: Encoding, B: Backend> PageAllocator<E, B> {
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
    ///
    /// [`FrozenRefcount::try_get_unless_frozen`]: frozen_refcount::FrozenRefcount::try_get_unless_frozen
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
            self.errors.violation(format_args!(
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
}
