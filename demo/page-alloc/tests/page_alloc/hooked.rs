//! `Hooked`: `CoreAtomics` with a one-shot hook, to stop a thread between
//! two atomic steps (after a store, a subtract or a CAS) and run something
//! in that window: the deterministic interleavings of the split, publish and
//! ABA tests.

use frozen_refcount::{Backend, CoreAtomics, Word};
use std::cell::RefCell;
use std::sync::atomic::Ordering;

/// The kind of atomic step a hook waits for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Op {
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
pub(crate) fn arm(op: Op, f: impl FnOnce() + 'static) {
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
pub(crate) struct Hooked;

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

/// Arms `then` right after the next CAS (so that a hook armed by `then` sees
/// only steps after that CAS).
pub(crate) fn arm_store_after_cas(then: impl FnOnce() + 'static) {
    let first = HOOK
        .with(|h| h.borrow_mut().take())
        .expect("a hook is armed");
    assert_eq!(first.0, Op::Cas);
    arm(Op::Cas, move || {
        (first.1)();
        then();
    });
}
