//! A thread that owns a shard keeps up to 16 slots it freed for its own
//! next inserts (its local list): no other thread takes them while it
//! lives, and they are taken once it has exited. More threads than shards
//! share the shards' atomic stacks, a slab used from a thread-local's
//! destructor, after the thread's claim is gone, still works, and threads
//! that come and go in waves lose no slot.
//!
//! Alone in its test binary, as one test run step by step: shard ownership
//! is process-wide, and other tests' threads could own every index.

use frozen_slab::Slab;
use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::mpsc::sync_channel;
use std::sync::{Arc, Barrier};

/// Inserts on this thread until the slab is full; how many succeeded.
fn fill(slab: &Slab<usize>) -> usize {
    (0..).take_while(|&i| slab.insert(i).is_some()).count()
}

#[test]
fn local_lists() {
    // Without the `std` feature no thread owns a shard: no local lists.
    #[cfg(feature = "std")]
    a_live_thread_keeps_16_freed_slots_until_it_exits();
    #[cfg(feature = "std")]
    the_next_owner_of_an_index_does_not_keep_the_old_lists();
    a_slab_used_from_a_thread_local_destructor_recycles_the_slot();
    more_threads_than_shards_at_once();
    threads_that_come_and_go_lose_no_slot();
}

#[cfg(feature = "std")]
fn a_live_thread_keeps_16_freed_slots_until_it_exits() {
    let slab = Slab::with_max_slots(64);
    let (freed, wait_freed) = std::sync::mpsc::channel();
    let (exit, wait_exit) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|s| {
        let slab = &slab;
        let thread = s.spawn(move || {
            let keys: Vec<usize> = (0..64).map(|i| slab.insert(i).unwrap()).collect();
            keys.iter().for_each(|&k| assert!(slab.remove(k)));
            freed.send(()).unwrap();
            wait_exit.recv().unwrap();
        });
        // Ours, so that a failed assertion drops it and the thread ends.
        let exit = exit;
        wait_freed.recv().unwrap();
        // 16 on the thread's local list, 48 on its shard's stack.
        assert_eq!(fill(slab), 48, "while the thread lives");
        exit.send(()).unwrap();
        // `join`, not the scope's end: the scope can end before the
        // thread's thread-local destructors have run, and with them the
        // end of its claim on its shard.
        thread.join().unwrap();
    });
    assert_eq!(fill(&slab), 16, "after it exited");
}

/// A thread frees 16 slots of one slab to its local list and exits; the
/// next thread takes its index (the lowest free one) and uses only another
/// slab, and lives on. The first slab's 16 slots are still found.
#[cfg(feature = "std")]
fn the_next_owner_of_an_index_does_not_keep_the_old_lists() {
    let slab = Slab::with_max_slots(16);
    let other = Slab::new();
    std::thread::scope(|s| {
        s.spawn(|| {
            let keys: Vec<usize> = (0..16).map(|i| slab.insert(i).unwrap()).collect();
            keys.iter().for_each(|&k| assert!(slab.remove(k)));
        })
        // Until its claim on its shard has ended (see above).
        .join()
        .unwrap();
    });
    let (claimed, wait_claimed) = std::sync::mpsc::channel();
    let (exit, wait_exit) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|s| {
        let other = &other;
        s.spawn(move || {
            assert!(other.remove(other.insert(0).unwrap()));
            claimed.send(()).unwrap();
            wait_exit.recv().unwrap();
        });
        let exit = exit;
        wait_claimed.recv().unwrap();
        assert_eq!(
            fill(&slab),
            16,
            "slots kept for a thread that never used the slab"
        );
        exit.send(()).unwrap();
    });
}

fn a_slab_used_from_a_thread_local_destructor_recycles_the_slot() {
    struct RemoveOnExit(Arc<Slab<usize>>, usize);
    impl Drop for RemoveOnExit {
        fn drop(&mut self) {
            assert!(self.0.remove(self.1));
        }
    }
    std::thread_local! {
        static HELD: RefCell<Option<RemoveOnExit>> = const { RefCell::new(None) };
    }
    let slab = Arc::new(Slab::with_max_slots(1));
    let held = Arc::clone(&slab);
    std::thread::spawn(move || {
        let key = held.insert(1).unwrap();
        // Dropped at thread exit, before or after the thread's claim on
        // its shard (the order of thread-locals' destructors is not fixed).
        HELD.with(|h| *h.borrow_mut() = Some(RemoveOnExit(held, key)));
    })
    .join()
    .unwrap();
    assert_eq!(fill(&slab), 1, "the slot freed at thread exit is reused");
}

fn more_threads_than_shards_at_once() {
    // 24 threads alive at once: 16 (at most) own a shard, the rest share.
    // Each inserts, reads back, and removes its own values, and removes
    // the values its neighbour inserted (a free to another shard). Under
    // Miri, a local list touched by two threads is a data race.
    const THREADS: usize = 24;
    let rounds = if cfg!(miri) { 3 } else { 300 };
    let slab: Slab<(usize, usize, Dropped<'_>)> = Slab::with_max_slots(THREADS * 16);
    let drops = AtomicUsize::new(0);
    let start = Barrier::new(THREADS);
    // Room for one round's two keys: a thread runs at most a round ahead
    // of the next, so the keys in flight stay few.
    let (sends, recvs): (Vec<_>, Vec<_>) = (0..THREADS).map(|_| sync_channel::<usize>(2)).unzip();
    std::thread::scope(|s| {
        for (t, recv) in recvs.into_iter().enumerate() {
            let send = sends[(t + 1) % THREADS].clone();
            let (slab, drops, start) = (&slab, &drops, &start);
            s.spawn(move || {
                start.wait();
                for r in 0..rounds {
                    let keys: Vec<usize> = (0..4)
                        .map(|i| slab.insert((t, r * 4 + i, Dropped(drops))).expect("room"))
                        .collect();
                    for (i, &k) in keys.iter().enumerate() {
                        let entry = slab.get(k).expect("a live key");
                        assert_eq!((entry.0, entry.1), (t, r * 4 + i), "a slot given twice");
                    }
                    assert!(slab.remove(keys[0]) && slab.remove(keys[1]));
                    send.send(keys[2]).unwrap();
                    send.send(keys[3]).unwrap();
                    for _ in 0..2 {
                        assert!(slab.remove(recv.recv().unwrap()));
                    }
                }
            });
        }
    });
    assert_eq!(
        drops.load(Relaxed),
        THREADS * rounds * 4,
        "every value dropped once"
    );
}

fn threads_that_come_and_go_lose_no_slot() {
    // Waves of short-lived threads: each index is owned by many threads in
    // turn, each leaving a local list behind for a steal or for the index's
    // next owner. Threads free their own values and the values of threads
    // that have exited (handed over through a shared queue), and the slab
    // runs full now and then. Afterwards every slot is found again, and no
    // value was ever read back changed (a slot given to two threads).
    const SLOTS: usize = 96;
    const PER_WAVE: usize = 6;
    let (waves, steps) = if cfg!(miri) { (3, 20) } else { (60, 400) };
    let slab = Arc::new(Slab::<usize>::with_max_slots(SLOTS));
    let queue = Arc::new(std::sync::Mutex::new(Vec::<(usize, usize)>::new()));
    for wave in 0..waves {
        // Joined, not scoped: a scope can end before its threads'
        // thread-locals' destructors run (and so before their local lists
        // are let go); a join waits for them.
        let threads: Vec<_> = (0..PER_WAVE)
            .map(|t| {
                let (slab, queue) = (slab.clone(), queue.clone());
                std::thread::spawn(move || {
                    let me = (wave * PER_WAVE + t) << 20;
                    let mut mine = Vec::new();
                    let mut rng = (me as u64 | 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                    for i in 0..steps {
                        rng ^= rng << 13;
                        rng ^= rng >> 7;
                        rng ^= rng << 17;
                        match rng % 4 {
                            0 | 1 => {
                                if let Some(k) = slab.insert(me | i) {
                                    mine.push((k, me | i));
                                }
                            }
                            2 => {
                                if let Some((k, v)) = mine.pop() {
                                    assert_eq!(slab.get(k).map(|e| *e), Some(v), "changed");
                                    assert!(slab.remove(k));
                                }
                            }
                            _ => {
                                let theirs = queue.lock().unwrap().pop();
                                if let Some((k, v)) = theirs {
                                    assert_eq!(slab.get(k).map(|e| *e), Some(v), "changed");
                                    assert!(slab.remove(k));
                                }
                            }
                        }
                    }
                    // Half of what is left goes to threads of later waves.
                    let keep = mine.split_off(mine.len() / 2);
                    queue.lock().unwrap().extend(keep);
                    for (k, v) in mine {
                        assert_eq!(slab.get(k).map(|e| *e), Some(v), "changed");
                        assert!(slab.remove(k));
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
    }
    for (k, v) in queue.lock().unwrap().drain(..) {
        assert_eq!(slab.get(k).map(|e| *e), Some(v), "changed");
        assert!(slab.remove(k));
    }
    assert_eq!(fill(&slab), SLOTS, "every slot is found again");
}

/// Counts its drop.
struct Dropped<'a>(&'a AtomicUsize);

impl Drop for Dropped<'_> {
    fn drop(&mut self) {
        self.0.fetch_add(1, Relaxed);
    }
}
