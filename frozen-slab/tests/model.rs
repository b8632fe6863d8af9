//! A differential test against a sequential model (proptest): random
//! programs of insert, get (dropped at once or held), remove, take,
//! contains and vacant entries (used or abandoned), with keys drawn from
//! every key ever handed out (so most go stale) or at random. After each
//! step every answer and every drop so far must match the model's.

mod common;

use common::{Dropped, Pick, Tracked, PROGRAM_LEN};
use frozen_slab::{Entry, Slab};
use proptest::prelude::*;
use std::collections::HashMap;

#[derive(Clone, Debug)]
enum Op {
    Insert,
    Get(Pick),
    Hold(Pick),
    Release(usize),
    Remove(Pick),
    Take(Pick),
    Contains(Pick),
    Vacant { use_it: bool },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => Just(Op::Insert),
        3 => Pick::strategy().prop_map(Op::Get),
        2 => Pick::strategy().prop_map(Op::Hold),
        2 => any::<usize>().prop_map(Op::Release),
        2 => Pick::strategy().prop_map(Op::Remove),
        1 => Pick::strategy().prop_map(Op::Take),
        1 => Pick::strategy().prop_map(Op::Contains),
        1 => any::<bool>().prop_map(|use_it| Op::Vacant { use_it }),
    ]
}

const MAX_IDS: usize = 400;

/// The model: which key holds which value id, how many guards each id has,
/// and which ids must have been dropped.
#[derive(Default)]
struct Model {
    present: HashMap<usize, usize>,
    held: HashMap<usize, usize>,
    removed_held: HashMap<usize, ()>,
    dropped: Vec<u8>,
}

impl Model {
    fn release_ref(&mut self, id: usize) {
        let n = self.held.get_mut(&id).unwrap();
        *n -= 1;
        if *n == 0 {
            self.held.remove(&id);
            if self.removed_held.remove(&id).is_some() {
                self.dropped[id] = 1;
            }
        }
    }
    fn remove(&mut self, key: usize) -> Option<usize> {
        let id = self.present.remove(&key)?;
        if self.held.contains_key(&id) {
            self.removed_held.insert(id, ());
        } else {
            self.dropped[id] = 1;
        }
        Some(id)
    }
}

fn run(ops: Vec<Op>, max_slots: usize) {
    let dropped = Dropped::new(MAX_IDS);
    let slab = Slab::with_max_slots(max_slots);
    let mut model = Model {
        dropped: vec![0; MAX_IDS],
        ..Model::default()
    };
    let mut seen: Vec<usize> = Vec::new();
    let mut guards: Vec<Entry<'_, Tracked>> = Vec::new();
    let mut ids = 0;
    for op in &ops {
        match op {
            Op::Insert | Op::Vacant { use_it: true } if ids < MAX_IDS => {
                let key = if matches!(op, Op::Insert) {
                    slab.insert(Tracked::new(ids, &dropped))
                } else {
                    slab.vacant_entry().map(|v| {
                        let k = v.key();
                        v.insert(Tracked::new(ids, &dropped));
                        k
                    })
                };
                let live = model.present.len() + model.removed_held.len();
                match key {
                    Some(k) => {
                        assert!(!seen.contains(&k), "key {k:#x} handed out twice");
                        assert!(live < max_slots);
                        model.present.insert(k, ids);
                        seen.push(k);
                        ids += 1;
                    }
                    None => {
                        assert_eq!(live, max_slots, "refused while not full");
                        if matches!(op, Op::Insert) {
                            // The refused value was dropped by `insert`.
                            model.dropped[ids] = 1;
                            ids += 1;
                        }
                    }
                }
            }
            Op::Insert | Op::Vacant { use_it: true } => {}
            Op::Vacant { use_it: false } => {
                // The dropped entry's key names no value, now or later: it
                // joins the keys to try, and no insert may hand it out.
                if let Some(v) = slab.vacant_entry() {
                    let k = v.key();
                    assert!(!seen.contains(&k), "key {k:#x} handed out twice");
                    seen.push(k);
                }
            }
            Op::Get(p) | Op::Hold(p) => {
                let key = p.key(&seen);
                let got = slab.get(key);
                assert_eq!(
                    got.as_ref().map(|e| e.id),
                    model.present.get(&key).copied(),
                    "get({key:#x})"
                );
                if let (Op::Hold(_), Some(e)) = (op, got) {
                    assert_eq!(e.key(), key);
                    *model.held.entry(e.id).or_default() += 1;
                    guards.push(e);
                }
            }
            Op::Release(n) if !guards.is_empty() => {
                let e = guards.swap_remove(n % guards.len());
                let id = e.id;
                drop(e);
                model.release_ref(id);
            }
            Op::Release(_) => {}
            Op::Remove(p) => {
                let key = p.key(&seen);
                assert_eq!(
                    slab.remove(key),
                    model.remove(key).is_some(),
                    "remove({key:#x})"
                );
            }
            Op::Take(p) => {
                let key = p.key(&seen);
                // A take of a value this thread holds a guard for waits forever.
                if model
                    .present
                    .get(&key)
                    .is_some_and(|id| model.held.contains_key(id))
                {
                    continue;
                }
                let expect = model.present.remove(&key);
                let got = slab.take(key);
                assert_eq!(got.as_ref().map(|v| v.id), expect, "take({key:#x})");
                if let Some(v) = got {
                    drop(v);
                    model.dropped[expect.unwrap()] = 1;
                }
            }
            Op::Contains(p) => {
                let key = p.key(&seen);
                assert_eq!(
                    slab.contains(key),
                    model.present.contains_key(&key),
                    "contains({key:#x})"
                );
            }
        }
        for (id, want) in model.dropped.iter().enumerate().take(ids) {
            assert_eq!(dropped.count(id), *want, "value {id}: drops after {op:?}");
        }
    }
    drop(guards);
    drop(slab);
    dropped.assert_first_once(ids);
}

proptest! {
    #![proptest_config(common::proptest_config())]

    #[test]
    fn matches_the_model_with_few_slots(ops in proptest::collection::vec(op(), 1..PROGRAM_LEN)) {
        run(ops, 5);
    }

    #[test]
    fn matches_the_model_across_pages(ops in proptest::collection::vec(op(), 1..2 * PROGRAM_LEN)) {
        run(ops, 100);
    }
}
