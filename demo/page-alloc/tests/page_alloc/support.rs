//! What the tests share: building an allocator, the bounded threaded
//! workload's configuration, and the checks every run's report must pass.

use frozen_refcount::{Backend, CoreAtomics, Encoding};
use page_alloc::workload::{self, Config, Report, Stop};
use page_alloc::PageAllocator;

/// Under Miri the tests keep their deterministic parts (the zero-filled
/// array, the hooked interleavings) and skip the threaded stress runs.
pub(crate) const STRESS_SKIPPED: bool = cfg!(miri);

pub(crate) fn new_alloc<E: Encoding, B: Backend>(
    max_order: u8,
    blocks: u32,
) -> PageAllocator<E, B> {
    PageAllocator::new_zeroed(max_order, blocks)
        .unwrap_or_else(|| PageAllocator::new(max_order, blocks))
}

pub(crate) fn small_config(seed: u64) -> Config {
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

pub(crate) fn assert_report(name: &str, r: &Report) {
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

pub(crate) fn threaded_run<E: Encoding>(cfg: &Config) -> Report {
    let a = new_alloc::<E, CoreAtomics>(5, 16); // 512 pages
    let r = workload::run(&a, cfg);
    assert_report(E::NAME, &r);
    r
}
