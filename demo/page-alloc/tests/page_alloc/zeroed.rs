//! The zero-filled start: with the zero-locked encodings (and `Classic`) a
//! zero-filled descriptor array is a table of free, frozen pages.

use crate::support::{assert_report, small_config, STRESS_SKIPPED};
use frozen_refcount::{
    Biased, Classic, CoreAtomics, Encoding, FrozenRefcount, HighBit, LowBit, State, Tagged,
    ZeroLockedHigh, ZeroLockedLow,
};
use page_alloc::workload;
use page_alloc::{Kind, PageAllocator, Walk};

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
