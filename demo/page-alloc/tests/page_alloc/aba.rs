//! The put/put ABA on a reused page: what the untagged encodings
//! misattribute, what `Tagged` closes, and that the page is freed once with
//! the right order either way.

use crate::hooked::{arm, Hooked, Op};
use frozen_refcount::{Classic, Encoding, HighBit, Put, Tagged, ZeroLockedLow};
use page_alloc::{Kind, PageAllocator};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{mpsc, Arc};

/// The ABA on a page allocator: a walker's put is preempted between its
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
