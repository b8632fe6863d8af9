//! The free list's paths between shards: remote frees, the owner's local
//! list, and taking a remote stack whole while others push onto it or onto
//! the shard's stack. Each model thread is given its shard
//! (`__loom_use_shard`): otherwise all of them would share shard 0.

use super::{Drops, V};
use frozen_slab::{__loom_use_shard as use_shard, Slab};
use loom::sync::Arc;
use loom::thread;

/// Fills what is left of a 3-slot slab after the threads joined: every
/// slot must be free or held by `got`, each value readable under its key.
fn check_all_slots_reused(slab: &Slab<usize>, mut got: Vec<(usize, usize)>, stale: &[usize]) {
    for v in 20.. {
        if got.len() == 3 {
            break;
        }
        let key = slab.insert(v).expect("every freed slot is found");
        got.push((key, v));
    }
    let mut slots: Vec<u32> = got.iter().map(|&(k, _)| k as u32).collect();
    slots.sort_unstable();
    assert_eq!(slots, [0, 1, 2], "a slot given twice, or lost");
    for &(k, v) in &got {
        assert_eq!(*slab.get(k).unwrap(), v);
    }
    assert!(slab.insert(99).is_none());
    assert!(stale.iter().all(|&k| slab.get(k).is_none()));
}

/// This thread on shard 0, as its owner, and a 3-slot slab whose slots it
/// took, with their keys.
fn three_taken() -> (Arc<Slab<usize>>, Vec<usize>) {
    use_shard(0, true);
    let slab = Arc::new(Slab::with_max_slots(3));
    let keys = (0..3).map(|i| slab.insert(i).unwrap()).collect();
    (slab, keys)
}

/// A thread of shard 1 (its owner) that removes the first two keys: two
/// remote frees to shard 0, a chain on its remote stack.
fn frees_two_from_shard_1(slab: &Arc<Slab<usize>>, keys: &[usize]) -> thread::JoinHandle<()> {
    let (slab, keys) = (slab.clone(), keys.to_vec());
    thread::spawn(move || {
        use_shard(1, true);
        assert!(slab.remove(keys[0]) && slab.remove(keys[1]));
    })
}

/// A thread of another shard frees a slot (onto the remote stack) while
/// the owner frees another to its local list and inserts twice: the first
/// insert takes the local slot, the second the remote one if its push is
/// in, and else finds the slab full until it is. Each value dropped once.
#[test]
fn a_remote_free_vs_the_owners_local_free_and_inserts() {
    loom::model(|| {
        use_shard(0, true);
        let drops = Drops::new();
        let slab = Arc::new(Slab::with_max_slots(2));
        let k0 = slab.insert(V::new(0, &drops)).unwrap();
        let k1 = slab.insert(V::new(1, &drops)).unwrap();
        let remote = {
            let slab = slab.clone();
            thread::spawn(move || {
                use_shard(1, true);
                assert!(slab.remove(k0));
            })
        };
        assert!(slab.remove(k1));
        let local = slab
            .insert(V::new(2, &drops))
            .expect("the local list's slot");
        assert_eq!(local as u32, k1 as u32);
        let early = slab.insert(V::new(2, &drops));
        remote.join().unwrap();
        let taken = early.or_else(|| slab.insert(V::new(2, &drops)));
        assert_eq!(taken.expect("the remote slot") as u32, k0 as u32);
        assert!(slab.get(k0).is_none() && slab.get(k1).is_none());
        drop(slab);
        assert_eq!((drops.get(0), drops.get(1)), (1, 1));
        // Two values dropped with the slab, one more if `early` was refused.
        assert_eq!(drops.get(2), if early.is_some() { 2 } else { 3 });
    });
}

/// Two remote frees build a chain on the remote stack while the owner,
/// having freed its third slot locally, inserts three times: it takes the
/// local slot, then the chain whole (keeping its top, putting the rest on
/// the stack) at whatever point the pushes have reached.
#[test]
fn remote_frees_race_the_take_of_their_chain() {
    loom::model(|| {
        let (slab, keys) = three_taken();
        let remote = frees_two_from_shard_1(&slab, &keys);
        assert!(slab.remove(keys[2]));
        let got: Vec<(usize, usize)> = (10..13)
            .filter_map(|v| slab.insert(v).map(|k| (k, v)))
            .collect();
        remote.join().unwrap();
        check_all_slots_reused(&slab, got, &keys);
    });
}

/// The chain is installed on the shard's stack while a thread that shares
/// the shard (not its owner) pushes onto that stack: the install finds the
/// stack no longer empty and links the chain's end to it.
#[test]
fn a_chain_installed_while_a_sharer_pushes() {
    loom::model(|| {
        let (slab, keys) = three_taken();
        frees_two_from_shard_1(&slab, &keys).join().unwrap();
        let sharer = {
            let (slab, key) = (slab.clone(), keys[2]);
            thread::spawn(move || {
                use_shard(0, false);
                assert!(slab.remove(key));
            })
        };
        let got: Vec<(usize, usize)> = (10..13)
            .filter_map(|v| slab.insert(v).map(|k| (k, v)))
            .collect();
        sharer.join().unwrap();
        check_all_slots_reused(&slab, got, &keys);
    });
}
