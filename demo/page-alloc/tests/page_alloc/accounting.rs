//! The accounting invariant after a threaded run: every page free or in
//! exactly one held compound page, the lives conserved, and every buddy
//! merged again once everything is put.

use crate::support::{small_config, threaded_run};
use frozen_refcount::{Biased, Classic, Encoding, HighBit, Tagged, ZeroLockedLow};

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
