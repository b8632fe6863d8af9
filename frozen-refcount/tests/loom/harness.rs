//! What every model runs on: the [`Counter`] the models are generic over
//! (the crate's counter, or a wrong protocol), the protected object
//! [`Obj`] whose data accesses loom checks, and the helpers that run a model,
//! spawn its threads and catch the violation a failing model must report.

use frozen_refcount::{CoreAtomics, Encoding, FrozenRefcount, Put};
use loom::cell::UnsafeCell;
use loom::sync::atomic::AtomicUsize;
use loom::sync::Arc;
use loom::thread;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::Ordering::Relaxed;

/// The value of a live object's data.
pub(crate) const ALIVE: u32 = 0xA11E;
/// What the owner writes when it frees the object.
const FREED: u32 = 0xDEAD;

/// What the models need of a refcount: implemented by the crate's counter on
/// the loom backend, and by the deliberately wrong protocols of model (5).
pub(crate) trait Counter: Send + Sync + 'static {
    fn live(count: u32) -> Self;
    fn frozen() -> Self;
    fn try_get(&self) -> bool;
    fn put(&self) -> Put;
    fn freeze(&self, expected: u32) -> bool;
    fn unfreeze(&self, count: u32);
    /// The crate's counter only: the wrong protocols run model (1) alone.
    fn put_expecting_last(&self) -> Put {
        unreachable!("put_expecting_last on a protocol without it")
    }
}

impl<E: Encoding> Counter for FrozenRefcount<E, CoreAtomics> {
    fn live(count: u32) -> Self {
        Self::new(count)
    }
    fn frozen() -> Self {
        Self::new_frozen()
    }
    fn try_get(&self) -> bool {
        FrozenRefcount::try_get(self)
    }
    fn put(&self) -> Put {
        FrozenRefcount::put(self)
    }
    fn freeze(&self, expected: u32) -> bool {
        FrozenRefcount::freeze(self, expected)
    }
    fn unfreeze(&self, count: u32) {
        FrozenRefcount::unfreeze(self, count)
    }
    fn put_expecting_last(&self) -> Put {
        FrozenRefcount::put_expecting_last(self)
    }
}

/// A refcounted object: the counter, the data it protects, and bookkeeping
/// for the assertions.
pub(crate) struct Obj<C> {
    pub(crate) rc: C,
    /// The object's contents: `ALIVE` while live, `FREED` once its owner freed it.
    pub(crate) data: UnsafeCell<u32>,
    /// How many callers were told `Last` (or won `freeze`).
    pub(crate) lasts: AtomicUsize,
    /// Which life of the slot this is (model 6): each owner advances it
    /// before it unfreezes.
    pub(crate) life: AtomicUsize,
}

impl<C: Counter> Obj<C> {
    pub(crate) fn new(rc: C, data: u32) -> Arc<Self> {
        Arc::new(Obj {
            rc,
            data: UnsafeCell::new(data),
            lasts: AtomicUsize::new(0),
            life: AtomicUsize::new(1),
        })
    }

    /// Reads the data through a reference the caller holds.
    pub(crate) fn read(&self, what: &str) {
        let v = self.data.with(|p| unsafe { *p });
        assert_eq!(
            v, ALIVE,
            "{what}: a reference holder saw freed or unpublished data"
        );
    }

    /// Frees the object: the caller got `Last` or won `freeze`.
    pub(crate) fn free(&self) {
        self.lasts.fetch_add(1, Relaxed);
        self.data.with_mut(|p| unsafe { *p = FREED });
    }

    /// Drops the caller's reference; frees the object on `Last`.
    pub(crate) fn put(&self) {
        if self.rc.put() == Put::Last {
            self.free();
        }
    }

    /// [`put`](Self::put) by `put_expecting_last`.
    pub(crate) fn put_expecting_last(&self) {
        if self.rc.put_expecting_last() == Put::Last {
            self.free();
        }
    }

    pub(crate) fn lasts(&self) -> usize {
        self.lasts.load(Relaxed)
    }
}

/// Runs `f` under loom, with at least `min_preemptions` (for the models that
/// must find a bug: loom's bound must not hide it) and otherwise loom's
/// settings from the environment (`LOOM_MAX_PREEMPTIONS`, ...).
pub(crate) fn model<F: Fn() + Sync + Send + 'static>(min_preemptions: usize, f: F) {
    let mut builder = loom::model::Builder::new();
    if let Some(bound) = builder.preemption_bound {
        builder.preemption_bound = Some(bound.max(min_preemptions));
    }
    builder.check(f);
}

/// Spawns `n` threads running `f` on a clone of `o`.
pub(crate) fn spawn<C: Counter, R: 'static>(
    o: &Arc<Obj<C>>,
    n: usize,
    f: fn(&Obj<C>) -> R,
) -> Vec<thread::JoinHandle<R>> {
    (0..n)
        .map(|_| {
            let o = o.clone();
            thread::spawn(move || f(&o))
        })
        .collect()
}

/// A speculative reader: gets, reads, puts (and frees on `Last`).
pub(crate) fn reader<C: Counter>(o: &Obj<C>) {
    if o.rc.try_get() {
        o.read("a reader that got a reference");
        o.put();
    }
}

/// Runs `model`, which must fail, and returns loom's panic message.
pub(crate) fn expect_violation(model: impl FnOnce()) -> String {
    let result = panic::catch_unwind(AssertUnwindSafe(model));
    let payload = result.expect_err("loom found no violation in a model that must have one");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}
