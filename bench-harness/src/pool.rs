//! HOW threads run: a persistent pool of workers released together by a
//! spinning barrier, each timing itself and noting whether it was preempted,
//! so that a run whose threads did not really run side by side is known;
//! and the runs measured again until they are clean.

use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering::{AcqRel, Acquire};
use std::sync::{mpsc, Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Work for one thread of a run: called with the thread's index.
pub type Job = Arc<dyn Fn(usize) + Send + Sync>;

/// Involuntary context switches of the calling thread so far (Linux; always
/// 0 elsewhere): a sample during which this changed measured the scheduler.
pub fn preemptions() -> u64 {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: getrusage only writes the struct it is given.
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
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
        spin_until(|| self.arrived.load(Acquire) >= self.n);
    }
}

/// Spins until `done()` (yielding after a while, so that a thread waiting
/// for a preempted one gives it the core back).
#[inline]
pub fn spin_until(mut done: impl FnMut() -> bool) {
    let mut spins = 0u32;
    while !done() {
        spins += 1;
        if spins < 20_000 {
            std::hint::spin_loop();
        } else {
            std::thread::yield_now();
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

/// How many times [`until_clean`] runs a measurement at most before it
/// keeps an unclean one.
pub const TRIES: u32 = 20;

/// Runs `run` until its run is clean (see [`Pool::run`]), at most `tries`
/// times: the clean run, or the last one, and how many of the runs were not
/// clean (the last one included).
pub fn until_clean(tries: u32, mut run: impl FnMut() -> Run) -> (Run, u64) {
    let mut unclean = 0;
    loop {
        let r = run();
        if !r.clean {
            unclean += 1;
        }
        if r.clean || unclean >= u64::from(tries.max(1)) {
            return (r, unclean);
        }
    }
}

/// The wall time of `iters` operations per thread, in runs of at most
/// `chunk` operations (`run(n)`: one run of `n` operations per thread), each
/// measured again until it is clean ([`until_clean`], [`TRIES`] times at
/// most): what a criterion sample is made of, since a short run is more
/// often unpreempted on a shared machine than the long one criterion asks
/// for.
pub fn clean_wall(iters: u64, chunk: u64, mut run: impl FnMut(u64) -> Run) -> Duration {
    let mut left = iters;
    let mut wall = Duration::ZERO;
    while left > 0 {
        let n = left.min(chunk.max(1));
        wall += until_clean(TRIES, || run(n)).0.wall;
        left -= n;
    }
    wall
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thread_counts_double_up_to_max() {
        assert_eq!(thread_counts(1), [1]);
        assert_eq!(thread_counts(2), [1, 2]);
        assert_eq!(thread_counts(6), [1, 2, 4, 6]);
        assert_eq!(thread_counts(8), [1, 2, 4, 8]);
    }

    #[test]
    fn until_clean_counts_the_unclean_runs() {
        let run = |clean| Run {
            wall: Duration::from_nanos(1),
            clean,
        };
        let mut k = 0;
        let (r, unclean) = until_clean(TRIES, || {
            k += 1;
            run(k == 3)
        });
        assert!(r.clean);
        assert_eq!(unclean, 2);
        let (r, unclean) = until_clean(TRIES, || run(false));
        assert!(!r.clean);
        assert_eq!(unclean, u64::from(TRIES));
    }

    #[test]
    fn clean_wall_sums_the_chunks() {
        let mut sizes = vec![];
        let wall = clean_wall(10, 4, |n| {
            sizes.push(n);
            Run {
                wall: Duration::from_nanos(n),
                clean: true,
            }
        });
        assert_eq!(sizes, [4, 4, 2]);
        assert_eq!(wall, Duration::from_nanos(10));
    }

    #[test]
    fn pool_runs_every_index_once() {
        let pool = Pool::new(3);
        let seen = Arc::new(Mutex::new(vec![]));
        let s = seen.clone();
        pool.run(3, Arc::new(move |i| s.lock().unwrap().push(i)));
        let mut seen = seen.lock().unwrap().clone();
        seen.sort();
        assert_eq!(seen, [0, 1, 2]);
    }
}
