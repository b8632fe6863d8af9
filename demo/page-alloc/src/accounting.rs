//! The quiescent checks: with no other thread running, every page is
//! accounted for exactly once ([`Accounting`]), and after a full release
//! every buddy is merged again.

use crate::allocator::{Folio, PageAllocator};
use crate::page::Kind;
use frozen_refcount::{Backend, Encoding};
use std::fmt::Write as _;

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

impl<E: Encoding, B: Backend> PageAllocator<E, B> {
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
            let h = &self.pages[f.pfn() as usize];
            let want = (f.kind(), f.order(), f.life(), 1);
            if (h.kind(), h.order(), h.life(), h.refs.count()) != want {
                let _ = writeln!(
                    errs,
                    "owned {f:?}: head is {:?} order {} life {} {:?}",
                    h.kind(),
                    h.order(),
                    h.life(),
                    h.refs
                );
            }
            mark(f.pfn(), &mut errs);
            for t in f.pfn() + 1..f.pfn() + (1 << f.order()) {
                mark(t, &mut errs);
                let d = &self.pages[t as usize];
                if d.kind() != Kind::Tail || d.head() != f.pfn() || !d.refs.is_frozen() {
                    let _ = writeln!(
                        errs,
                        "tail {t} of {f:?} is {:?} head {} {:?}",
                        d.kind(),
                        d.head(),
                        d.refs
                    );
                }
            }
            acc.allocated_pages += 1 << f.order();
            match f.kind() {
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
