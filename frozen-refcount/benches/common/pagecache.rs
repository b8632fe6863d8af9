//! The page-cache workload, after the series' pread benchmark: hot pages
//! behind an index, their counters packed or padded, and the readers' loop.

use super::Subject;
use bench_harness::Job;
use crossbeam_utils::CachePadded;
use std::hint::black_box;
use std::sync::Arc;

/// Bytes read from a page per lookup (one cache line, like a small pread).
pub const PAGE_READ: usize = 64;

/// `K` hot pages of a page cache: an index (the "xarray"), the pages'
/// counters, laid out packed (adjacent words, sharing cache lines, as in an
/// array of small objects) or padded (`CachePadded`, one line each), and the
/// pages' contents (read-only, in their own allocation).
pub struct PageCache<S: Subject, const PADDED: bool> {
    index: Box<[u32]>,
    packed: Box<[S]>,
    padded: Box<[CachePadded<S>]>,
    data: Box<[[u8; PAGE_READ]]>,
}

impl<S: Subject, const PADDED: bool> PageCache<S, PADDED> {
    /// `k` (a power of two) hot pages.
    pub fn new(k: usize) -> Self {
        assert!(k.is_power_of_two());
        let (np, nd) = if PADDED { (0, k) } else { (k, 0) };
        PageCache {
            // A scattered mapping from file offset to page, so that the
            // lookup is a real dependent load.
            index: (0..k as u32)
                .map(|i| i.wrapping_mul(5).wrapping_add(3) % k as u32)
                .collect(),
            packed: (0..np).map(|_| S::new()).collect(),
            padded: (0..nd).map(|_| CachePadded::new(S::new())).collect(),
            data: (0..k).map(|i| [i as u8; PAGE_READ]).collect(),
        }
    }

    #[inline(always)]
    fn counter(&self, page: usize) -> &S {
        if PADDED {
            &self.padded[page]
        } else {
            &self.packed[page]
        }
    }

    /// One thread's share: `iters` times look up a random hot page, take a
    /// reference, read `PAGE_READ` bytes, drop the reference.
    #[inline(never)]
    pub fn readers(&self, seed: u64, iters: u64) -> u64 {
        let mask = self.index.len() - 1;
        let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut sum = 0u64;
        for _ in 0..iters {
            // xorshift64: a different hot page each time, cheaply.
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let page = self.index[x as usize & mask] as usize;
            let c = self.counter(page);
            if c.take() {
                let bytes = black_box(&self.data[page]);
                sum = sum.wrapping_add(bytes.iter().map(|&b| b as u64).sum::<u64>());
                c.release();
            }
        }
        black_box(sum)
    }
}

/// The page-cache job: every thread runs `readers` for `iters` lookups.
pub fn pagecache_job<S: Subject, const PADDED: bool>(
    pc: &Arc<PageCache<S, PADDED>>,
    iters: u64,
) -> Job {
    let pc = pc.clone();
    Arc::new(move |i| {
        pc.readers(i as u64 + 1, iters);
    })
}

/// The hot pages in the page-cache suites.
pub const HOT_PAGES: usize = 8;
