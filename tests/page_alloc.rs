//! The allocator demo (`demo/page-alloc`) under test: accounting after
//! threaded runs, walkers that never hold free/tail/frozen pages, the free
//! callback's order, split under concurrent walkers, the zero-filled start,
//! and the put/put ABA on a reused page that `Tagged` closes.
//!
//! Every test name contains `alloc` (`cargo test alloc`). The threaded runs
//! are bounded by operation counts, not by time.

use frozen_refcount::{
    Backend, Biased, Classic, CoreAtomics, Encoding, FrozenRefcount, HighBit, LowBit, Put, State,
    Tagged, Word, ZeroLockedHigh, ZeroLockedLow,
};
use page_alloc::workload::{self, Config, Report, Stop};
use page_alloc::{Kind, PageAllocator, Scan, Walk};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::Ordering;
use std::sync::{mpsc, Arc};

// ---- a backend with a one-shot hook, to stop a thread between two steps ----

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Op {
    Store,
    FetchSub,
    Cas,
}

type Hook = (Op, Box<dyn FnOnce()>);

std::thread_local! {
    static HOOK: RefCell<Option<Hook>> = const { RefCell::new(None) };
}

/// Runs `f` on this thread right after its next atomic step of kind `op`
/// made through [`Hooked`] (once).
fn arm(op: Op, f: impl FnOnce() + 'static) {
    HOOK.with(|h| *h.borrow_mut() = Some((op, Box::new(f))));
}

fn fire(op: Op) {
    let f = HOOK.with(|h| {
        let mut h = h.borrow_mut();
        match &*h {
            Some((o, _)) if *o == op => h.take().map(|(_, f)| f),
            _ => None,
        }
    });
    if let Some(f) = f {
        f()
    }
}

/// `CoreAtomics`, plus the hook after stores, subtracts and CASes.
struct Hooked;

// SAFETY: every step is CoreAtomics' single atomic operation with the
// requested ordering; the hook runs after it, on the calling thread, and
// touches nothing of the operation.
unsafe impl Backend for Hooked {
    const NAME: &'static str = "hooked";
    fn load<W: Word>(a: &W::Atomic, o: Ordering) -> W {
        CoreAtomics::load::<W>(a, o)
    }
    fn store<W: Word>(a: &W::Atomic, v: W, o: Ordering) {
        CoreAtomics::store::<W>(a, v, o);
        fire(Op::Store)
    }
    fn fetch_add<W: Word>(a: &W::Atomic, v: W, o: Ordering) -> W {
        CoreAtomics::fetch_add::<W>(a, v, o)
    }
    fn fetch_sub<W: Word>(a: &W::Atomic, v: W, o: Ordering) -> W {
        let r = CoreAtomics::fetch_sub::<W>(a, v, o);
        fire(Op::FetchSub);
        r
    }
    fn compare_exchange<W: Word>(
        a: &W::Atomic,
        c: W,
        n: W,
        s: Ordering,
        f: Ordering,
    ) -> Result<W, W> {
        let r = CoreAtomics::compare_exchange::<W>(a, c, n, s, f);
        fire(Op::Cas);
        r
    }
}

// ---- helpers ----

/// Under Miri the tests keep their deterministic parts (the zero-filled
/// array, the hooked interleavings) and skip the threaded stress runs.
const STRESS_SKIPPED: bool = cfg!(miri);

fn new_alloc<E: Encoding, B: Backend>(max_order: u8, blocks: u32) -> PageAllocator<E, B> {
    PageAllocator::new_zeroed(max_order, blocks)
        .unwrap_or_else(|| PageAllocator::new(max_order, blocks))
}

fn small_config(seed: u64) -> Config {
    Config {
        alloc_threads: 2,
        walker_threads: 2,
        scanner_threads: 1,
        stop: Stop::Ops(600),
        max_alloc_order: 4,
        slab_percent: 20,
        split_percent: 15,
        quota_pages: 160,
        deep_checks: true,
        seed,
    }
}

fn assert_report(name: &str, r: &Report) {
    assert!(
        r.errors.violations == 0 && r.errors.order_errors == 0,
        "{name}: {:?}",
        r.errors
    );
    if let Err(e) = &r.accounting {
        panic!("{name}: accounting: {e}");
    }
    assert!(r.lives_conserved(), "{name}: lives not conserved: {r:?}");
    assert!(
        r.released_and_merged,
        "{name}: not fully merged after release: {r:?}"
    );
    assert!(r.ok(), "{name}: {r:?}");
}

fn threaded_run<E: Encoding>(cfg: &Config) -> Report {
    let a = new_alloc::<E, CoreAtomics>(5, 16); // 512 pages
    let r = workload::run(&a, cfg);
    assert_report(E::NAME, &r);
    r
}

// ---- tests ----

/// Accounting invariant after a threaded run: every page is free (in exactly
/// one block on the lists, frozen) or in exactly one held compound page (a
/// head with one reference, frozen tails naming it); the lives add up; after
/// putting everything, the lists are back to the initial blocks.
#[test]
#[cfg_attr(miri, ignore = "threaded stress: too slow under Miri")]
fn alloc_accounting_after_threaded_run() {
    fn each<E: Encoding>() {
        let r = threaded_run::<E>(&small_config(11));
        assert!(
            r.counts.allocs > 0 && r.counts.frees() > 0 && r.held_at_end > 0,
            "{}: {r:?}",
            E::NAME
        );
    }
    each::<HighBit>();
    each::<Tagged>();
    each::<Biased>();
    each::<ZeroLockedLow>();
    each::<Classic>();
}

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

/// The free callback reads the order from the frozen head, even when the
/// last put is a walker's (the owner's put was `Kept`), and after a split
/// changed the order.
#[test]
fn alloc_free_callback_reads_the_right_order() {
    fn each<E: Encoding>() {
        let a = new_alloc::<E, CoreAtomics>(4, 1); // 16 pages
        for order in 0..=4 {
            let f = a.alloc(order, Kind::Folio).unwrap();
            let w = a.try_get_page(f.pfn()).expect("a live head");
            assert_eq!(w.order(), order);
            assert_eq!(
                a.put(f),
                Put::Kept,
                "{}: a walker holds a reference",
                E::NAME
            );
            assert_eq!(
                w.put(),
                Put::Last,
                "{}: the walker's put is the last",
                E::NAME
            );
            assert!(
                a.is_fully_merged(),
                "{}: order {order} freed by a walker",
                E::NAME
            );
        }
        // Order 4 split into order-1 pieces: each piece's last put frees two
        // pages, and only when all are back do the buddies merge into 16.
        let f = a.alloc(4, Kind::Folio).unwrap();
        let pieces = a.split(f, 1).unwrap();
        assert_eq!(pieces.len(), 8);
        let walkers: Vec<_> = pieces
            .iter()
            .map(|p| a.try_get_page(p.pfn()).unwrap())
            .collect();
        for p in pieces {
            assert_eq!(a.put(p), Put::Kept);
        }
        for w in walkers {
            assert_eq!(w.order(), 1);
            assert_eq!(w.put(), Put::Last);
        }
        assert!(a.is_fully_merged());
        assert_eq!(a.errors(), Default::default(), "{}", E::NAME);
        assert_eq!(
            a.check_accounting(std::iter::empty()).unwrap().free_pages,
            16
        );
    }
    each::<HighBit>();
    each::<Tagged>();
    each::<Biased>();
    // Threaded: every free (owner's or walker's) checks the order it reads
    // against the life's order and the compound's tails.
    if STRESS_SKIPPED {
        return;
    }
    let r = threaded_run::<HighBit>(&small_config(33));
    assert_eq!(r.errors.order_errors, 0);
    assert!(r.counts.owner_frees > 0);
}

/// `folio_split` under concurrent walkers and a free-page scanner: a split
/// fails while a walker holds a reference; while it runs, the folio is
/// frozen but never free (seed 000); each piece is published with its new
/// order.
#[test]
fn alloc_split_under_concurrent_walkers() {
    fn deterministic<E: Encoding>() {
        let a = Rc::new(PageAllocator::<E, Hooked>::new(3, 1)); // 8 pages
        let f = a.alloc(3, Kind::Folio).unwrap();
        let w = a.try_get_page(0).unwrap();
        let f = a
            .split(f, 1)
            .expect_err("a walker holds a reference: the split must fail");
        assert_eq!(w.put(), Put::Kept);

        // Stop the split right after its freeze(1) (its first CAS) ...
        let seen = Rc::new(RefCell::new(Vec::new()));
        let (a2, s2) = (a.clone(), seen.clone());
        arm(Op::Cas, move || {
            for p in 0..8 {
                s2.borrow_mut().push((
                    p,
                    a2.walk(p, true),
                    a2.scan_free(p),
                    a2.page(p).refs.state(),
                ));
            }
        });
        // ... and right after the first piece's unfreeze (the first store:
        // the new heads' fields are written with plain stores of other
        // atomics, not through the backend).
        let (a3, s3) = (a.clone(), seen.clone());
        let arm_store = move || {
            arm(Op::Store, move || {
                for p in 0..8 {
                    s3.borrow_mut().push((
                        p,
                        a3.walk(p, true),
                        a3.scan_free(p),
                        a3.page(p).refs.state(),
                    ));
                }
            })
        };
        // Tagged's freeze loads first; the hook waits for the CAS either way.
        arm_store_after_cas(arm_store);
        let pieces = a.split(f, 1).expect("no walker now");
        let seen = seen.borrow();
        assert_eq!(seen.len(), 16, "{}: both hooks ran", E::NAME);
        for &(p, walk, scan, state) in &seen[..8] {
            // Under split: frozen, walkers miss, and not free.
            let under_split = (walk, scan, state);
            assert_eq!(
                under_split,
                (Walk::Miss, Scan::NotFree, State::Frozen),
                "{}: page {p}",
                E::NAME
            );
        }
        for &(p, walk, scan, _) in &seen[8..] {
            // The first piece is published; the others are still frozen.
            let expect = if p == 0 {
                Walk::Hit {
                    kind: Kind::Folio,
                    freed: false,
                }
            } else {
                Walk::Miss
            };
            assert_eq!(
                (walk, scan),
                (expect, Scan::NotFree),
                "{}: page {p} mid-split",
                E::NAME
            );
        }
        assert_eq!(
            pieces
                .iter()
                .map(|p| (p.pfn(), p.order()))
                .collect::<Vec<_>>(),
            [(0, 1), (2, 1), (4, 1), (6, 1)]
        );
        for p in 0..8 {
            let expect = if p % 2 == 0 {
                Walk::Hit {
                    kind: Kind::Folio,
                    freed: false,
                }
            } else {
                Walk::Miss
            };
            assert_eq!(a.walk(p, true), expect);
        }
        for p in pieces {
            assert_eq!(a.put(p), Put::Last);
        }
        assert!(a.is_fully_merged());
        assert_eq!(a.errors(), Default::default(), "{}", E::NAME);
    }
    deterministic::<HighBit>();
    deterministic::<Tagged>();
    deterministic::<Biased>();
    deterministic::<ZeroLockedLow>();

    // Threaded: split-heavy, large folios only, two walkers with deep checks
    // and a scanner that re-checks "free" under the buddy lock.
    fn threaded<E: Encoding>() {
        if STRESS_SKIPPED {
            return;
        }
        let cfg = Config {
            split_percent: 40,
            slab_percent: 0,
            max_alloc_order: 5,
            ..small_config(44)
        };
        let r = threaded_run::<E>(&cfg);
        let c = r.counts;
        assert!(
            c.splits > 50 && c.split_pieces > c.splits,
            "{}: {c:?}",
            E::NAME
        );
        // The run is bounded by operations, not time: under qemu the scanner
        // thread may get no turn before the allocators finish (seen in CI's
        // aarch64 stage). When it did scan, it must have found free pages.
        assert!(c.scans < 100 || c.scans_free > 0, "{}: {c:?}", E::NAME);
        assert_eq!(r.errors.violations, 0);
    }
    threaded::<HighBit>();
    threaded::<Tagged>();
    threaded::<Biased>();
}

/// Arms `then` right after the next CAS (so that a hook armed by `then` sees
/// only steps after that CAS).
fn arm_store_after_cas(then: impl FnOnce() + 'static) {
    let first = HOOK
        .with(|h| h.borrow_mut().take())
        .expect("a hook is armed");
    assert_eq!(first.0, Op::Cas);
    arm(Op::Cas, move || {
        (first.1)();
        then();
    });
}

/// With `ZeroLocked*` (and `Classic`), a zero-filled descriptor array is a
/// valid array of free, frozen pages: no initialisation pass. With `HighBit`
/// it would be an array of live zero counts on which walkers succeed.
#[test]
fn alloc_zero_filled_start() {
    fn zeroed<E: Encoding>() {
        let a = PageAllocator::<E, CoreAtomics>::new_zeroed(6, 4).expect("zero is frozen"); // 256 pages
        for p in 0..a.pages() {
            assert_eq!(
                a.page(p).refs.state(),
                State::Frozen,
                "{}: page {p}",
                E::NAME
            );
            assert_eq!(a.page(p).kind(), Kind::Free);
            assert_eq!(a.walk(p, true), Walk::Miss);
        }
        assert!(a.is_fully_merged());
        if E::NAME == "ZeroLockedLow" && !STRESS_SKIPPED {
            let r = workload::run(&a, &small_config(55));
            assert_report(E::NAME, &r);
        }
    }
    zeroed::<ZeroLockedLow>();
    zeroed::<ZeroLockedHigh>();
    zeroed::<Classic>();
    assert!(PageAllocator::<HighBit>::new_zeroed(6, 4).is_none());
    assert!(PageAllocator::<LowBit>::new_zeroed(6, 4).is_none());
    assert!(PageAllocator::<Tagged>::new_zeroed(6, 4).is_none());
    assert!(PageAllocator::<Biased>::new_zeroed(6, 4).is_none());
    // Why: an all-zero HighBit word is a live count of zero.
    // SAFETY: repr(transparent) over an AtomicU32; all-zero bytes are valid.
    let z: FrozenRefcount<HighBit> = unsafe { std::mem::zeroed() };
    assert_eq!(z.state(), State::Zero);
    assert!(
        z.try_get(),
        "a walker would hold a reference to a 'free' page"
    );
}

/// Seed 002 on a page allocator: a walker's put is preempted between its
/// subtract (to zero) and its CAS; meanwhile a second walker resurrects and
/// frees the page, it is reallocated as a slab compound of another order,
/// and the new owner's put is also between its subtract and its CAS. With an
/// untagged encoding, the stale walker's CAS succeeds: it gets `Last` for a
/// life it never held, and the new owner gets `Kept`. The page is still
/// freed once, with the order read from the frozen descriptor (order 1;
/// the walker held an order-0 page); so `misattributed_last` counts it. With
/// `Tagged` the stale CAS fails on the generation and the owner gets `Last`.
#[test]
fn alloc_tagged_closes_stale_put_on_reused_page() {
    /// Returns (stale walker's put, new owner's put, misattributed count).
    fn scenario<E: Encoding>() -> (Put, Option<Put>, u64) {
        let a = Arc::new(PageAllocator::<E, Hooked>::new(1, 1)); // 2 pages
        let f1 = a.alloc(0, Kind::Folio).unwrap();
        assert_eq!(f1.pfn(), 0);
        let w1 = a.try_get_page(0).unwrap(); // the stale walker
        assert_eq!(a.put(f1), Put::Kept);

        let owner2 = Rc::new(RefCell::new(None));
        let (tx_go, rx_go) = mpsc::channel::<()>();
        let (a2, o2) = (a.clone(), owner2.clone());
        // Runs inside w1's put, right after its fetch_sub took the count to 0.
        arm(Op::FetchSub, move || {
            let Some(w2) = a2.try_get_page(0) else {
                return; // Classic: zero is dead, nothing resurrects it
            };
            assert_eq!(w2.put(), Put::Last, "the second walker frees the page");
            let f2 = a2.alloc(1, Kind::Slab).unwrap(); // reused, merged with page 1
            assert_eq!((f2.pfn(), f2.order()), (0, 1));
            let (tx_zero, rx_zero) = mpsc::channel::<()>();
            let a3 = a2.clone();
            let h = std::thread::spawn(move || {
                // The new owner's put, stopped between subtract and CAS.
                arm(Op::FetchSub, move || {
                    tx_zero.send(()).unwrap();
                    rx_go.recv().unwrap();
                });
                a3.put(f2)
            });
            rx_zero.recv().unwrap();
            *o2.borrow_mut() = Some(h);
        });
        let stale = w1.put(); // its CAS runs now, after the reuse
        tx_go.send(()).ok();
        let owner = owner2.borrow_mut().take().map(|h| h.join().unwrap());
        assert!(
            a.is_fully_merged(),
            "{}: freed exactly once, with the right order",
            E::NAME
        );
        let e = a.errors();
        assert_eq!((e.violations, e.order_errors), (0, 0), "{}: {e:?}", E::NAME);
        (stale, owner, e.misattributed_last)
    }
    // Untagged: the stale walker is told Last for the slab's life.
    assert_eq!(scenario::<HighBit>(), (Put::Last, Some(Put::Kept), 1));
    assert_eq!(scenario::<ZeroLockedLow>(), (Put::Last, Some(Put::Kept), 1));
    // Tagged: the stale CAS fails on the generation; the owner frees.
    assert_eq!(scenario::<Tagged>(), (Put::Kept, Some(Put::Last), 0));
    // Classic: the stale put was already Last at its subtract (zero is dead),
    // and no one can resurrect or reuse the page in between.
    assert_eq!(scenario::<Classic>(), (Put::Last, None, 0));
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
        if !E::LAYOUT.zero_is_dead {
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
