//! A differential test of the pool against a sequential model (proptest):
//! random programs of create (filled in at once, or held by its `RefMut`
//! and later published or downgraded), get (dropped at once or held),
//! clear and guard drops, with keys drawn from every key ever handed out
//! (so most go stale) or at random. After each step every answer, and the
//! values cleared so far (each once, in order), must match the model's;
//! a reused value must come back cleared, with the allocation it had.

mod common;

use common::{Pick, PROGRAM_LEN};
use frozen_slab::pool::{Ref, RefMut};
use frozen_slab::{Clear, Pool};
use proptest::prelude::*;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

#[derive(Clone, Debug)]
enum Op {
    Create,
    Reserve,
    Publish(usize),
    Downgrade(usize),
    Get(Pick),
    Hold(Pick),
    Release(usize),
    Clear(Pick),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => Just(Op::Create),
        1 => Just(Op::Reserve),
        1 => any::<usize>().prop_map(Op::Publish),
        1 => any::<usize>().prop_map(Op::Downgrade),
        3 => Pick::strategy().prop_map(Op::Get),
        2 => Pick::strategy().prop_map(Op::Hold),
        2 => any::<usize>().prop_map(Op::Release),
        3 => Pick::strategy().prop_map(Op::Clear),
    ]
}

/// A pooled value: an id while in use, a buffer that grows with it, and
/// the log its clears write to.
#[derive(Default)]
struct Val {
    id: Option<usize>,
    buf: Vec<u8>,
    log: Option<Rc<RefCell<Vec<usize>>>>,
}

impl Clear for Val {
    fn clear(&mut self) {
        let id = self.id.take().expect("a value is cleared once per life");
        self.log.as_ref().unwrap().borrow_mut().push(id);
        self.buf.clear();
    }
}

/// The model: which key holds which value id, which keys are reserved,
/// how many guards each id has, which ids are cleared pending their last
/// guard, and the order clears must happen in.
#[derive(Default)]
struct Model {
    present: HashMap<usize, usize>,
    reserved: HashSet<usize>,
    held: HashMap<usize, usize>,
    pending: HashSet<usize>,
    cleared: Vec<usize>,
}

impl Model {
    fn release(&mut self, id: usize) {
        let n = self.held.get_mut(&id).unwrap();
        *n -= 1;
        if *n == 0 {
            self.held.remove(&id);
            if self.pending.remove(&id) {
                self.cleared.push(id);
            }
        }
    }
    fn clear(&mut self, key: usize) -> bool {
        let Some(id) = self.present.remove(&key) else {
            return false;
        };
        if self.held.contains_key(&id) {
            self.pending.insert(id);
        } else {
            self.cleared.push(id);
        }
        true
    }
    fn in_use(&self) -> usize {
        self.present.len() + self.reserved.len() + self.pending.len()
    }
}

fn run(ops: Vec<Op>, max_slots: usize) {
    let log = Rc::new(RefCell::new(Vec::new()));
    let pool: Pool<Val> = Pool::with_max_slots(max_slots);
    let mut model = Model::default();
    let mut seen: Vec<usize> = Vec::new();
    let mut guards: Vec<Ref<'_, Val>> = Vec::new();
    let mut reserved: Vec<RefMut<'_, Val>> = Vec::new();
    // Per slot index, the buffer capacity its value last had.
    let mut capacity: HashMap<usize, usize> = HashMap::new();
    let mut ids = 0;
    // A value taken for a new life: cleared, its allocation kept; filled
    // in with id `id`.
    let mut fill = |v: &mut Val, key: usize, id: usize| {
        assert!(v.id.is_none() && v.buf.is_empty(), "reused uncleared");
        let slot = key & 0xFFFF_FFFF;
        let had = capacity.get(&slot).copied().unwrap_or(0);
        assert!(v.buf.capacity() >= had, "slot {slot}: allocation lost");
        v.id = Some(id);
        v.log = Some(log.clone());
        v.buf.extend(std::iter::repeat(0).take(id % 64 + 1));
        capacity.insert(slot, v.buf.capacity());
    };
    for op in &ops {
        match op {
            Op::Create | Op::Reserve => {
                let full = model.in_use() == max_slots;
                let Some(mut guard) = pool.create() else {
                    assert!(full, "refused while not full");
                    continue;
                };
                assert!(!full, "created past the limit");
                let key = guard.key();
                assert_ne!(key, usize::MAX);
                assert!(!seen.contains(&key), "key {key:#x} handed out twice");
                seen.push(key);
                fill(&mut guard, key, ids);
                ids += 1;
                if matches!(op, Op::Create) {
                    drop(guard);
                    model.present.insert(key, ids - 1);
                } else {
                    model.reserved.insert(key);
                    reserved.push(guard);
                }
            }
            Op::Publish(n) | Op::Downgrade(n) if !reserved.is_empty() => {
                let guard = reserved.swap_remove(n % reserved.len());
                let (key, id) = (guard.key(), guard.id.unwrap());
                model.reserved.remove(&key);
                model.present.insert(key, id);
                if matches!(op, Op::Downgrade(_)) {
                    guards.push(guard.downgrade());
                    *model.held.entry(id).or_default() += 1;
                }
            }
            Op::Publish(_) | Op::Downgrade(_) => {}
            Op::Get(p) | Op::Hold(p) => {
                let key = p.key(&seen);
                let got = pool.get(key);
                assert_eq!(
                    got.as_ref().map(|v| v.id.unwrap()),
                    model.present.get(&key).copied(),
                    "get({key:#x})"
                );
                if let (Op::Hold(_), Some(g)) = (op, got) {
                    assert_eq!(g.key(), key);
                    *model.held.entry(g.id.unwrap()).or_default() += 1;
                    guards.push(g);
                }
            }
            Op::Release(n) if !guards.is_empty() => {
                let g = guards.swap_remove(n % guards.len());
                let id = g.id.unwrap();
                drop(g);
                model.release(id);
            }
            Op::Release(_) => {}
            Op::Clear(p) => {
                let key = p.key(&seen);
                assert_eq!(pool.clear(key), model.clear(key), "clear({key:#x})");
            }
        }
        assert_eq!(*log.borrow(), model.cleared, "clears after {op:?}");
    }
    for g in guards {
        let id = g.id.unwrap();
        drop(g);
        model.release(id);
    }
    drop(reserved);
    assert_eq!(
        *log.borrow(),
        model.cleared,
        "clears after the guards' drop"
    );
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
