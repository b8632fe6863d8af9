//! Shared by the criterion suites (`benches/*.rs`) and `examples/compare.rs`
//! (which includes this file with `#[path]`): WHAT is measured (one list of
//! backends, one list of encodings, the baselines) and HOW (the loops, the
//! thread pool, the page-cache workload). Nothing here knows the protocol; it
//! only calls `try_get` and `put`.
#![allow(dead_code)]

use crossbeam_utils::CachePadded;
use frozen_refcount::{
    Backend, Classic, Encoding, FrozenRefcount, HighBit, LowBit, ZeroLockedHigh, ZeroLockedLow,
};
use std::hint::black_box;
use std::mem;
use std::sync::atomic::Ordering::{AcqRel, Acquire, Release};
use std::sync::atomic::{AtomicU32, AtomicUsize};
use std::sync::{mpsc, Arc, Mutex, Weak};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------
// What is measured.
// ---------------------------------------------------------------------------

/// THE list of backends, used by every suite and by `compare`: one line per
/// backend (with the `cfg` under which it exists). `$each` is a generic
/// function `fn<B: Backend>(&mut V)` called once per backend.
macro_rules! for_each_backend {
    ($each:ident, $v:expr) => {{
        $each::<frozen_refcount::CoreAtomics, _>($v);
        #[cfg(feature = "portable-atomic")]
        $each::<frozen_refcount::PortableAtomics, _>($v);
        #[cfg(target_arch = "x86_64")]
        $each::<frozen_refcount::X86Asm, _>($v);
        #[cfg(target_arch = "aarch64")]
        $each::<frozen_refcount::ArmLlsc, _>($v);
        #[cfg(target_arch = "aarch64")]
        $each::<frozen_refcount::ArmDetect, _>($v);
        #[cfg(all(target_arch = "aarch64", target_feature = "lse"))]
        $each::<frozen_refcount::ArmLse, _>($v);
    }};
}

/// Receives every thing the suites measure.
pub trait Visit {
    /// A counter of this crate: encoding `E` on backend `B`.
    fn counter<E: Encoding, B: Backend>(&mut self);
    /// A baseline that is not a counter of this crate ([`Floor`],
    /// [`ArcClone`], [`WeakUpgrade`]).
    fn baseline<S: Subject>(&mut self);
}

/// The encodings measured on backend `B`: `u32` words, and `Tagged`.
/// `Classic` (today's CAS loop) is one of them, so every group has it.
pub fn encodings<B: Backend, V: Visit>(v: &mut V) {
    v.counter::<HighBit<u32>, B>();
    v.counter::<LowBit<u32>, B>();
    v.counter::<ZeroLockedHigh<u32>, B>();
    v.counter::<ZeroLockedLow<u32>, B>();
    v.counter::<frozen_refcount::Biased<u32>, B>();
    #[cfg(target_has_atomic = "64")]
    v.counter::<frozen_refcount::Tagged, B>();
    v.counter::<Classic<u32>, B>();
}

/// Visits every encoding on every backend, then the baselines.
pub fn each_subject<V: Visit>(v: &mut V) {
    for_each_backend!(encodings, v);
    v.baseline::<Floor>();
    v.baseline::<FloorTested>();
    v.baseline::<ArcClone>();
    v.baseline::<WeakUpgrade>();
}

/// Something that hands out references: a counter of this crate or a
/// baseline. The benchmark itself holds one reference for the subject's whole
/// life, so `release` is never the last one.
pub trait Subject: Send + Sync + 'static {
    /// Encoding column (`HighBit`, ..., or the baseline's name).
    fn encoding() -> &'static str;
    /// Backend column (`core`, ...; `-` for the baselines).
    fn backend() -> &'static str;
    /// Live, with the benchmark's one reference.
    fn new() -> Self;
    /// Takes one reference as a speculative reader does.
    fn take(&self) -> bool;
    /// Drops one reference taken by `take`.
    fn release(&self);
    /// `encoding/backend`, the benchmark id.
    fn label() -> String {
        if Self::backend() == "-" {
            Self::encoding().to_string()
        } else {
            format!("{}/{}", Self::encoding(), Self::backend())
        }
    }
}

/// A counter of this crate: `take` is `try_get`, `release` is `put`.
pub struct Counter<E: Encoding, B: Backend>(pub FrozenRefcount<E, B>);

impl<E: Encoding, B: Backend> Subject for Counter<E, B> {
    fn encoding() -> &'static str {
        E::NAME
    }
    fn backend() -> &'static str {
        B::NAME
    }
    fn new() -> Self {
        Counter(FrozenRefcount::new(1))
    }
    #[inline(always)]
    fn take(&self) -> bool {
        self.0.try_get()
    }
    #[inline(always)]
    fn release(&self) {
        // Never `Last`: the benchmark holds a reference.
        let _ = self.0.put();
    }
}

/// The floor: a bare `fetch_add` and `fetch_sub` on an `AtomicU32`, one RMW
/// each and no test of the result. No reference count can do less.
pub struct Floor(AtomicU32);

impl Subject for Floor {
    fn encoding() -> &'static str {
        "floor"
    }
    fn backend() -> &'static str {
        "-"
    }
    fn new() -> Self {
        Floor(AtomicU32::new(1))
    }
    #[inline(always)]
    fn take(&self) -> bool {
        // Acquire/Release: the orderings of try_get and put, so that the
        // floor is the same instruction the counters need (on x86 every
        // ordering is the same `lock` instruction anyway).
        self.0.fetch_add(1, Acquire);
        true
    }
    #[inline(always)]
    fn release(&self) {
        self.0.fetch_sub(1, Release);
    }
}

/// The floor for a counter that must look at what its RMWs return (every
/// refcount does: `try_get` whether it may read, `put` whether it was last):
/// the same `fetch_add`/`fetch_sub`, each result tested for one bit that the
/// flags do not show, so that x86 needs `lock xadd` where [`Floor`] gets
/// `lock add`/`lock sub`. What separates `Floor` from this is the cost of
/// reading the result; what separates this from `HighBit` is the protocol.
pub struct FloorTested(AtomicU32);

#[cold]
#[inline(never)]
fn never() {
    panic!("FloorTested: the count cannot reach 2^30 in a benchmark");
}

impl Subject for FloorTested {
    fn encoding() -> &'static str {
        "floor+test"
    }
    fn backend() -> &'static str {
        "-"
    }
    fn new() -> Self {
        FloorTested(AtomicU32::new(1))
    }
    #[inline(always)]
    fn take(&self) -> bool {
        // Orderings as in `Floor`.
        if self.0.fetch_add(1, Acquire) & (1 << 30) != 0 {
            never();
        }
        true
    }
    #[inline(always)]
    fn release(&self) {
        if self.0.fetch_sub(1, Release) & (1 << 30) != 0 {
            never();
        }
    }
}

/// `Arc::clone` + drop: std's unconditional get and put (no test for zero on
/// the get: an `Arc` cannot be reached once its count is zero).
pub struct ArcClone(Arc<u64>);

impl Subject for ArcClone {
    fn encoding() -> &'static str {
        "Arc::clone+drop"
    }
    fn backend() -> &'static str {
        "-"
    }
    fn new() -> Self {
        ArcClone(Arc::new(0))
    }
    #[inline(always)]
    fn take(&self) -> bool {
        mem::forget(Arc::clone(&self.0));
        true
    }
    #[inline(always)]
    fn release(&self) {
        // SAFETY: the pointer is the live `Arc`'s own, and `take` leaked one
        // strong reference for this call to drop (the body of `Arc::drop`).
        unsafe { Arc::decrement_strong_count(Arc::as_ptr(&self.0)) }
    }
}

/// `Weak::upgrade` + drop: std's speculative get, a CAS loop that refuses
/// zero, the same shape as `Classic`.
pub struct WeakUpgrade {
    _keep: Arc<u64>,
    weak: Weak<u64>,
}

impl Subject for WeakUpgrade {
    fn encoding() -> &'static str {
        "Weak::upgrade+drop"
    }
    fn backend() -> &'static str {
        "-"
    }
    fn new() -> Self {
        let keep = Arc::new(0);
        WeakUpgrade {
            weak: Arc::downgrade(&keep),
            _keep: keep,
        }
    }
    #[inline(always)]
    fn take(&self) -> bool {
        match self.weak.upgrade() {
            Some(a) => {
                mem::forget(a);
                true
            }
            None => false,
        }
    }
    #[inline(always)]
    fn release(&self) {
        // SAFETY: `_keep` keeps the allocation alive, and `take` leaked one
        // strong reference for this call to drop.
        unsafe { Arc::decrement_strong_count(self.weak.as_ptr()) }
    }
}

// ---------------------------------------------------------------------------
// How: the loops.
// ---------------------------------------------------------------------------

/// `iters` pairs of take + release, as a reader does.
#[inline(never)]
pub fn pairs<S: Subject>(s: &S, iters: u64) {
    for _ in 0..iters {
        if s.take() {
            s.release();
        }
    }
}

/// At most this many references are outstanding in the one-operation loops,
/// far below every `MAX_COUNT` measured (`2^30 - 1`), so no count saturates.
const CHUNK: u64 = 1 << 20;

/// Times `iters` takes alone; the references are dropped untimed.
#[inline(never)]
pub fn takes<S: Subject>(s: &S, iters: u64) -> Duration {
    let mut timed = Duration::ZERO;
    let mut left = iters;
    while left > 0 {
        let n = left.min(CHUNK);
        let t0 = Instant::now();
        for _ in 0..n {
            black_box(s.take());
        }
        timed += t0.elapsed();
        for _ in 0..n {
            s.release();
        }
        left -= n;
    }
    timed
}

/// Times `iters` releases alone; the references are taken untimed.
#[inline(never)]
pub fn releases<S: Subject>(s: &S, iters: u64) -> Duration {
    let mut timed = Duration::ZERO;
    let mut left = iters;
    while left > 0 {
        let n = left.min(CHUNK);
        for _ in 0..n {
            assert!(s.take());
        }
        let t0 = Instant::now();
        for _ in 0..n {
            s.release();
        }
        timed += t0.elapsed();
        left -= n;
    }
    timed
}

/// Times `pairs` on this thread.
pub fn time_pairs<S: Subject>(s: &S, iters: u64) -> Duration {
    let t0 = Instant::now();
    pairs(s, iters);
    t0.elapsed()
}

// ---------------------------------------------------------------------------
// Threads: a persistent pool, started together behind a barrier.
// ---------------------------------------------------------------------------

/// Work for one thread of a run: called with the thread's index.
pub type Job = Arc<dyn Fn(usize) + Send + Sync>;

/// Involuntary context switches of the calling thread so far (Linux; always
/// 0 elsewhere): a sample during which this changed measured the scheduler.
pub fn preemptions() -> u64 {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: getrusage only writes the struct it is given.
        let mut ru: libc::rusage = unsafe { mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut ru) } == 0 {
            return ru.ru_nivcsw as u64;
        }
    }
    0
}

/// What one thread of a run saw: its own start and end, and whether it was
/// preempted in between.
#[derive(Clone, Copy)]
struct Span {
    start: Instant,
    end: Instant,
    preempted: bool,
}

fn timed(job: &Job, i: usize) -> Span {
    let p0 = preemptions();
    let start = Instant::now();
    job(i);
    let end = Instant::now();
    Span {
        start,
        end,
        preempted: preemptions() != p0,
    }
}

/// A one-use barrier that spins (yielding after a while): released threads
/// start within a few hundred nanoseconds of each other, where a futex
/// barrier's wake-up takes tens of microseconds on a VM.
struct SpinBarrier {
    arrived: AtomicUsize,
    n: usize,
}

impl SpinBarrier {
    fn new(n: usize) -> Arc<SpinBarrier> {
        Arc::new(SpinBarrier {
            arrived: AtomicUsize::new(0),
            n,
        })
    }
    fn wait(&self) {
        // AcqRel/Acquire: whatever a thread did before arriving is visible
        // to every thread that leaves (the spans pushed before `end`).
        self.arrived.fetch_add(1, AcqRel);
        let mut spins = 0u32;
        while self.arrived.load(Acquire) < self.n {
            spins += 1;
            if spins < 20_000 {
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
    }
}

struct Task {
    job: Job,
    index: usize,
    start: Arc<SpinBarrier>,
    end: Arc<SpinBarrier>,
    spans: Arc<Mutex<Vec<Span>>>,
}

/// One run of a [`Pool`].
#[derive(Clone, Copy, Debug)]
pub struct Run {
    /// From the first thread's start to the last thread's end.
    pub wall: Duration,
    /// No thread was preempted, and all started within 2% of the wall time
    /// of each other: the threads really ran side by side.
    pub clean: bool,
}

/// Persistent worker threads, so that a thread spawn is never timed (and
/// not even paid per measurement).
pub struct Pool {
    workers: Vec<(mpsc::Sender<Task>, JoinHandle<()>)>,
}

impl Pool {
    /// A pool that can run on up to `threads` threads (this one included).
    pub fn new(threads: usize) -> Pool {
        let workers = (1..threads.max(1))
            .map(|_| {
                let (tx, rx) = mpsc::channel::<Task>();
                let h = std::thread::spawn(move || {
                    for t in rx {
                        t.start.wait();
                        let span = timed(&t.job, t.index);
                        t.spans.lock().unwrap().push(span);
                        t.end.wait();
                    }
                });
                (tx, h)
            })
            .collect();
        Pool { workers }
    }

    /// Runs `job(i)` for `i in 0..threads`, thread 0 being this one, all
    /// released by one spinning barrier. Each thread times itself; the wall time is
    /// from the earliest start to the latest end, so the barrier's wake-up
    /// is not in it (but a late start is, and makes the run not `clean`).
    pub fn run(&self, threads: usize, job: Job) -> Run {
        assert!(
            threads >= 1 && threads <= self.workers.len() + 1,
            "pool too small"
        );
        let start = SpinBarrier::new(threads);
        let end = SpinBarrier::new(threads);
        let spans = Arc::new(Mutex::new(Vec::with_capacity(threads)));
        for (i, (tx, _)) in self.workers.iter().take(threads - 1).enumerate() {
            let task = Task {
                job: job.clone(),
                index: i + 1,
                start: start.clone(),
                end: end.clone(),
                spans: spans.clone(),
            };
            tx.send(task).expect("worker alive");
        }
        start.wait();
        let mine = timed(&job, 0);
        end.wait();
        let mut spans = spans.lock().unwrap();
        spans.push(mine);
        let first = spans.iter().map(|s| s.start).min().unwrap();
        let last_start = spans.iter().map(|s| s.start).max().unwrap();
        let wall = spans.iter().map(|s| s.end).max().unwrap() - first;
        let skew = last_start - first;
        let clean = !spans.iter().any(|s| s.preempted) && skew * 50 <= wall;
        Run { wall, clean }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        for (tx, h) in self.workers.drain(..) {
            drop(tx);
            let _ = h.join();
        }
    }
}

/// The thread counts of the contended suites: 1, 2, 4, … up to `max`, and
/// `max` itself.
pub fn thread_counts(max: usize) -> Vec<usize> {
    let mut v: Vec<usize> = std::iter::successors(Some(1usize), |&t| Some(t * 2))
        .take_while(|&t| t < max)
        .collect();
    v.push(max.max(1));
    v
}

/// `available_parallelism`, or 1.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// `threads` threads doing `iters` pairs each on one counter: the job.
pub fn contended_job<S: Subject>(s: &Arc<CachePadded<S>>, iters: u64) -> Job {
    let s = s.clone();
    Arc::new(move |_| pairs::<S>(&s, iters))
}

// ---------------------------------------------------------------------------
// The page-cache workload, after the series' pread benchmark.
// ---------------------------------------------------------------------------

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
