//! The page table's entries: [`PageDesc`], one `struct page` per PFN, and
//! the [`Kind`] it records. Only the allocator writes the fields; everyone
//! reads them through the Relaxed getters (the crate docs' orderings say when
//! a read means something).

use frozen_refcount::{Backend, DefaultBackend, Encoding, FrozenRefcount};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicU8};

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
    /// folio, and it is never split.
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
    pub(crate) kind: AtomicU8,
    pub(crate) order: AtomicU8,
    pub(crate) head: AtomicU32,
    pub(crate) life: AtomicU64,
}

impl<E: Encoding, B: Backend> PageDesc<E, B> {
    pub(crate) fn new_frozen() -> Self {
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
