//! The PFN walkers: they never hold a free, tail or frozen page, a step
//! costs what the encoding says in RMWs, and a successful `try_get` sees
//! everything `alloc` published before the head.

use crate::hooked::{arm, Hooked, Op};
use crate::support::{new_alloc, small_config, threaded_run, STRESS_SKIPPED};
use frozen_refcount::{
    Biased, Classic, CoreAtomics, Encoding, FrozenMark, HighBit, LowBit, Put, Tagged,
    ZeroLockedHigh, ZeroLockedLow,
};
use page_alloc::workload::Config;
use page_alloc::{Kind, PageAllocator, Scan, Walk};
use std::cell::RefCell;
use std::rc::Rc;

/// Walkers call try_get on arbitrary PFNs: it fails on free pages, on tail
/// pages and on frozen heads (being freed or split), and every success is
/// on a live head whose kind, order and tails check out.
#[test]
fn alloc_walkers_never_hold_free_tail_or_frozen_pages() {
    fn deterministic<E: Encoding>() {
        let a = new_alloc::<E, CoreAtomics>(4, 2); // 32 pages
        for p in 0..a.pages() {
            assert_eq!(a.walk(p, true), Walk::Miss, "{}: free page {p}", E::NAME);
        }
        let f = a.alloc(3, Kind::Folio).unwrap();
        let s = a.alloc(2, Kind::Slab).unwrap();
        for p in 0..a.pages() {
            let expect = if p == f.pfn() {
                Walk::Hit {
                    kind: Kind::Folio,
                    freed: false,
                }
            } else if p == s.pfn() {
                Walk::Hit {
                    kind: Kind::Slab,
                    freed: false,
                }
            } else {
                Walk::Miss // tails of f and s, and free pages
            };
            assert_eq!(a.walk(p, true), expect, "{}: page {p}", E::NAME);
        }
        // A head frozen by its owner (the first step of a split or a
        // migration) is not free, and walkers fail on it.
        assert!(a.page(f.pfn()).refs.freeze(1));
        assert_eq!(a.walk(f.pfn(), true), Walk::Miss);
        assert_eq!(a.scan_free(f.pfn()), Scan::NotFree);
        a.page(f.pfn()).refs.unfreeze(1);
        assert_eq!(a.put(f), Put::Last);
        assert_eq!(a.put(s), Put::Last);
        assert!(a.is_fully_merged());
        assert_eq!(a.errors(), Default::default());
    }
    deterministic::<HighBit>();
    deterministic::<Tagged>();
    deterministic::<Biased>();
    deterministic::<ZeroLockedHigh>();
    deterministic::<LowBit>();
    deterministic::<Classic>();

    fn threaded<E: Encoding>() {
        if STRESS_SKIPPED {
            return;
        }
        let r = threaded_run::<E>(&Config {
            slab_percent: 30,
            ..small_config(22)
        });
        let c = r.counts;
        assert!(
            c.walk_misses > 0 && c.walk_folio_hits > 0,
            "{}: {c:?}",
            E::NAME
        );
        assert_eq!(r.errors.violations, 0);
    }
    threaded::<HighBit>();
    threaded::<Tagged>();
    threaded::<Biased>();
}

/// What one walker step costs in atomic read-modify-writes (deterministic,
/// counted by `Counting`): a hit is `try_get` + `put`, two RMWs for every
/// encoding; a miss (free or tail page) is one RMW for the frozen encodings,
/// whose failed `try_get` is an unconditional add that dirties the page's
/// cache line, and a plain load for `Classic`, whose CAS loop sees the dead
/// zero and gives up before writing. PFN walkers mostly miss. A walker that
/// loads first (`try_get_page_unless_frozen`) misses with no RMW on every encoding.
#[test]
fn alloc_walker_step_rmw_counts() {
    use frozen_refcount::Counting;
    type C = Counting<CoreAtomics>;
    /// RMWs that took effect (failed CASes excluded: `Classic`'s weak CAS
    /// may fail spuriously on LL/SC machines and under Miri, and retries).
    fn effective(c: frozen_refcount::Counts) -> u64 {
        c.rmws - c.cas_failures
    }
    /// [hit, tail miss, free-page miss, peeking hit, peeking tail miss]
    fn each<E: Encoding>() -> [u64; 5] {
        let a = PageAllocator::<E, C>::new(2, 2); // 8 pages
        let f = a.alloc(2, Kind::Folio).unwrap();
        let step = |p| C::measure(|| a.walk(p, false)).1;
        let (hit, tail, free) = (step(f.pfn()), step(f.pfn() + 1), step(4));
        // The peeking walker: a load first, no RMW on a frozen page.
        let peek = |p| C::measure(|| a.try_get_page_unless_frozen(p).map(|r| r.put())).1;
        let (peek_hit, peek_tail) = (peek(f.pfn()), peek(f.pfn() + 1));
        assert_eq!(a.put(f), Put::Last);
        let all = [hit, tail, free, peek_hit, peek_tail];
        if E::SCHEME.frozen_mark() != FrozenMark::ZeroCount {
            // The frozen encodings never retry: not one failed CAS.
            assert!(
                all.iter().all(|c| c.cas_failures == 0),
                "{}: {all:?}",
                E::NAME
            );
        }
        all.map(effective)
    }
    assert_eq!(each::<HighBit>(), [2, 1, 1, 2, 0]);
    assert_eq!(each::<Tagged>(), [2, 1, 1, 2, 0]);
    assert_eq!(each::<Biased>(), [2, 1, 1, 2, 0]);
    assert_eq!(each::<ZeroLockedLow>(), [2, 1, 1, 2, 0]);
    assert_eq!(each::<Classic>(), [2, 0, 0, 2, 0]);
}

/// `alloc` publishes the head last: a walker whose `try_get` succeeds right
/// after the `unfreeze` (stopped there by the hook) already sees the new
/// kind, order and life and the tails naming the head.
#[test]
fn alloc_publishes_the_head_last() {
    fn each<E: Encoding>() {
        let a = Rc::new(PageAllocator::<E, Hooked>::new(3, 1));
        let seen = Rc::new(RefCell::new(None));
        let (a2, s2) = (a.clone(), seen.clone());
        arm(Op::Store, move || {
            let r = a2.try_get_page(0).expect("published");
            let deep = r.check_compound();
            *s2.borrow_mut() = Some((r.kind(), r.order(), r.life(), deep, r.put()));
        });
        let f = a.alloc(3, Kind::Slab).unwrap();
        assert_eq!(
            *seen.borrow(),
            Some((Kind::Slab, 3, f.life(), true, Put::Kept)),
            "{}",
            E::NAME
        );
        assert_eq!(a.errors(), Default::default(), "{}", E::NAME);
        assert_eq!(a.put(f), Put::Last);
    }
    each::<HighBit>();
    each::<Tagged>();
    each::<Biased>();
    each::<ZeroLockedLow>();
    each::<Classic>();
}
