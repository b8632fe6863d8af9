//! What a run counts as wrong: the [`Errors`] a caller reads, and the
//! atomic cells the allocator, walkers and scanners record them in.

use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Mutex;

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
    /// a reference to: the put/put ABA. Possible with `HighBit`
    /// and the other untagged encodings when a put is preempted between its
    /// subtract and its CAS across a free and a reallocation; impossible with
    /// `Tagged`. The page is still freed exactly once, with the right order.
    pub misattributed_last: u64,
    /// The first violation or order error, described.
    pub first: Option<String>,
}

/// The counters behind [`Errors`], shared by every thread.
#[derive(Default)]
pub(crate) struct ErrorCells {
    violations: AtomicU64,
    order_errors: AtomicU64,
    misattributed_last: AtomicU64,
    first: Mutex<Option<String>>,
}

impl ErrorCells {
    /// The counters so far.
    pub(crate) fn snapshot(&self) -> Errors {
        // Relaxed: statistics; callers read them after joining the threads
        // that counted (the join orders them).
        Errors {
            violations: self.violations.load(Relaxed),
            order_errors: self.order_errors.load(Relaxed),
            misattributed_last: self.misattributed_last.load(Relaxed),
            first: self.first.lock().unwrap().clone(),
        }
    }

    /// Counts an [`Errors::violations`] and keeps its description if first.
    pub(crate) fn violation(&self, what: std::fmt::Arguments<'_>) {
        // Relaxed: a statistic (see `snapshot`).
        self.violations.fetch_add(1, Relaxed);
        self.note(what);
    }

    /// Counts an [`Errors::order_errors`] and keeps its description if first.
    pub(crate) fn order_error(&self, what: std::fmt::Arguments<'_>) {
        // Relaxed: a statistic (see `snapshot`).
        self.order_errors.fetch_add(1, Relaxed);
        self.note(what);
    }

    /// Counts an [`Errors::misattributed_last`].
    pub(crate) fn misattributed_last(&self) {
        // Relaxed: a statistic (see `snapshot`).
        self.misattributed_last.fetch_add(1, Relaxed);
    }

    fn note(&self, what: std::fmt::Arguments<'_>) {
        let mut first = self.first.lock().unwrap();
        if first.is_none() {
            *first = Some(what.to_string());
        }
    }
}
