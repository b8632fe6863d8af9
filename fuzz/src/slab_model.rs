//! The `slab_model` target: one `frozen_slab::Slab` against a sequential
//! model. The program inserts (through `insert` and through vacant entries,
//! used and dropped), gets, holds guards (borrowed and owned) and drops them
//! later, removes, takes and asks `contains`, with keys drawn from every key
//! ever handed out (most go stale), from a handed-out key with bits flipped,
//! or from raw garbage. The slab is small (1 to 40 slots, across page 0's
//! 32), so it fills up. Some values' `Drop` panics: each call that drops one
//! must panic (caught here), and the slot must come back all the same.
//!
//! After every step: every answer is the model's, and every value's drop
//! count is what the model says (0 or 1). At the end the guards go, every
//! panicking value but at most one is removed (two panics in the slab's drop
//! would abort, as for a `Vec`), and the slab's drop must drop each value
//! left exactly once, panicking if one of them does.

use arbitrary::{Arbitrary, Unstructured};
use frozen_slab::{Entry, OwnedEntry, Slab};
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::sync::Arc;

/// Which key an operation uses.
#[derive(Arbitrary, Clone, Copy, Debug)]
pub enum Pick {
    /// The n-th key ever handed out (modulo their number).
    Seen(u8),
    /// A handed-out key with these bits flipped.
    Flipped(u8, u64),
    /// Any 64 bits.
    Garbage(u64),
}

/// One step of a program.
#[derive(Arbitrary, Clone, Copy, Debug)]
pub enum Op {
    /// `insert` of a new value.
    Insert {
        /// Its `Drop` panics.
        panics: bool,
    },
    /// `vacant_entry`, then `insert` through it or drop it unused.
    Vacant {
        /// Insert a value through the entry.
        use_it: bool,
        /// The value's `Drop` panics.
        panics: bool,
    },
    /// `get`, the guard dropped at once.
    Get(Pick),
    /// `get` (or `get_owned`), the guard held.
    Hold(Pick, bool),
    /// Drops the n-th held guard (modulo their number).
    Release(u8),
    /// `remove`
    Remove(Pick),
    /// `take`, then the value is dropped here.
    Take(Pick),
    /// `contains`
    Contains(Pick),
}

/// A program: the slab's size and the steps.
#[derive(Arbitrary, Debug)]
pub struct Input {
    /// `with_max_slots(1 + max_slots % 40)`.
    pub max_slots: u8,
    /// The steps.
    pub ops: Vec<Op>,
}

/// The payload of a value's deliberate panic.
struct DropPanic;

/// Drop counts, one per value id.
type Drops = Rc<RefCell<Vec<u8>>>;

/// A value that counts its drop, then panics if it is one of those.
struct V {
    id: usize,
    panics: bool,
    drops: Drops,
}

impl Drop for V {
    fn drop(&mut self) {
        self.drops.borrow_mut()[self.id] += 1;
        if self.panics {
            std::panic::panic_any(DropPanic);
        }
    }
}

/// Lets `DropPanic` unwind quietly; every other panic goes to the hook that
/// was there (libFuzzer's, which reports and aborts).
fn quiet_drop_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !info.payload().is::<DropPanic>() {
                previous(info);
            }
        }));
    });
}

/// Runs `f`; asserts that it panicked with a value's `DropPanic` iff
/// `expect_panic`, and that any panic is that one.
fn expect_panic<R>(what: &str, expect_panic: bool, f: impl FnOnce() -> R) -> Option<R> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => {
            assert!(!expect_panic, "{what}: the dropped value's panic was lost");
            Some(r)
        }
        Err(payload) => {
            assert!(payload.is::<DropPanic>(), "{what}: an unexpected panic");
            assert!(
                expect_panic,
                "{what}: panicked, but no panicking value was dropped"
            );
            None
        }
    }
}

/// A held guard.
enum Guard<'a> {
    Borrowed(Entry<'a, V>),
    Owned(OwnedEntry<V>),
}

impl Guard<'_> {
    fn value(&self) -> &V {
        match self {
            Guard::Borrowed(e) => e,
            Guard::Owned(e) => e,
        }
    }
    fn key(&self) -> usize {
        match self {
            Guard::Borrowed(e) => e.key(),
            Guard::Owned(e) => e.key(),
        }
    }
}

/// The model: which key holds which value, the guards per value, the values
/// removed while guarded, and what must have been dropped.
#[derive(Default)]
struct Model {
    present: HashMap<usize, usize>,
    held: HashMap<usize, usize>,
    removed_held: HashSet<usize>,
    dropped: Vec<u8>,
    panics: Vec<bool>,
}

impl Model {
    fn new_value(&mut self, panics: bool) -> usize {
        self.dropped.push(0);
        self.panics.push(panics);
        self.dropped.len() - 1
    }
    /// Whether `key`'s value has a guard held here: a `take` would wait
    /// for it forever.
    fn take_would_wait(&self, key: usize) -> bool {
        self.present
            .get(&key)
            .is_some_and(|id| self.held.contains_key(id))
    }
    fn slots_in_use(&self) -> usize {
        self.present.len() + self.removed_held.len()
    }
    /// Value `id` is dropped now: whether that drop panics.
    fn drop_now(&mut self, id: usize) -> bool {
        self.dropped[id] = 1;
        self.panics[id]
    }
    /// One guard of `id` goes: `Some(panics)` if it was the last of a
    /// removed value (which is dropped).
    fn release(&mut self, id: usize) -> Option<bool> {
        let n = self.held.get_mut(&id).expect("a held value");
        *n -= 1;
        if *n > 0 {
            return None;
        }
        self.held.remove(&id);
        self.removed_held.remove(&id).then(|| self.drop_now(id))
    }
    /// `remove(key)`: `None` if absent, else `Some(panics)` of the drop it
    /// does now (`Some(false)` if a guard keeps the value).
    fn remove(&mut self, key: usize) -> Option<bool> {
        let id = self.present.remove(&key)?;
        if self.held.contains_key(&id) {
            self.removed_held.insert(id);
            Some(false)
        } else {
            Some(self.drop_now(id))
        }
    }
}

/// Runs one program; panics (other than the values' own) are findings.
pub fn run(input: &Input) {
    quiet_drop_panics();
    let max_slots = 1 + input.max_slots as usize % 40;
    let drops: Drops = Rc::default();
    // `get_owned` takes an `Arc`; the values' `Rc` keep it on this thread.
    #[allow(clippy::arc_with_non_send_sync)]
    let slab = Arc::new(Slab::with_max_slots(max_slots));
    let mut model = Model::default();
    let mut seen: Vec<usize> = Vec::new();
    let mut handed_out: HashSet<usize> = HashSet::new();
    let mut guards: Vec<Guard<'_>> = Vec::new();
    let new_value = |model: &mut Model, panics: bool| {
        let id = model.new_value(panics);
        drops.borrow_mut().push(0);
        V {
            id,
            panics,
            drops: drops.clone(),
        }
    };
    let key_of = |p: Pick, seen: &[usize]| match p {
        Pick::Seen(n) if !seen.is_empty() => seen[n as usize % seen.len()],
        Pick::Flipped(n, bits) if !seen.is_empty() => seen[n as usize % seen.len()] ^ bits as usize,
        Pick::Seen(n) | Pick::Flipped(n, _) => n as usize,
        Pick::Garbage(bits) => bits as usize,
    };
    for op in input.ops.iter().copied() {
        match op {
            Op::Insert { panics }
            | Op::Vacant {
                use_it: true,
                panics,
            } => {
                let v = new_value(&mut model, panics);
                let id = v.id;
                let full = model.slots_in_use() == max_slots;
                // Full: the value is dropped (by `insert`, or with the
                // closure `map` never calls), and so is its panic.
                let got = expect_panic("insert", full && panics, || {
                    if matches!(op, Op::Insert { .. }) {
                        slab.insert(v)
                    } else {
                        slab.vacant_entry().map(|e| {
                            let k = e.key();
                            e.insert(v);
                            k
                        })
                    }
                })
                .flatten();
                match got {
                    Some(k) => {
                        assert!(!full, "insert into a full slab");
                        assert!(handed_out.insert(k), "key {k:#x} handed out twice");
                        model.present.insert(k, id);
                        seen.push(k);
                    }
                    None => {
                        assert!(
                            full,
                            "insert refused with {} of {max_slots} slots in use",
                            model.slots_in_use()
                        );
                        model.drop_now(id);
                    }
                }
            }
            Op::Vacant { use_it: false, .. } => {
                let full = model.slots_in_use() == max_slots;
                match slab.vacant_entry() {
                    Some(e) => {
                        assert!(!full, "a vacant entry from a full slab");
                        let k = e.key();
                        assert!(handed_out.insert(k), "key {k:#x} handed out twice");
                        // The dropped entry's key must never name a value.
                        seen.push(k);
                    }
                    None => assert!(full, "vacant_entry refused while not full"),
                }
            }
            Op::Get(p) | Op::Hold(p, _) => {
                let key = key_of(p, &seen);
                let want = model.present.get(&key).copied();
                let guard = match op {
                    Op::Hold(_, true) => slab.clone().get_owned(key).map(Guard::Owned),
                    _ => slab.get(key).map(Guard::Borrowed),
                };
                assert_eq!(guard.as_ref().map(|g| g.value().id), want, "get({key:#x})");
                if let Some(g) = guard {
                    assert_eq!(g.key(), key);
                    if matches!(op, Op::Hold(..)) {
                        *model.held.entry(g.value().id).or_default() += 1;
                        guards.push(g);
                    }
                }
            }
            Op::Release(n) if !guards.is_empty() => {
                let g = guards.swap_remove(n as usize % guards.len());
                let id = g.value().id;
                let panics = model.release(id) == Some(true);
                expect_panic("drop of a guard", panics, || drop(g));
            }
            Op::Release(_) => {}
            Op::Remove(p) => {
                let key = key_of(p, &seen);
                let want = model.remove(key);
                let panics = want == Some(true);
                if let Some(removed) = expect_panic("remove", panics, || slab.remove(key)) {
                    assert_eq!(removed, want.is_some(), "remove({key:#x})");
                }
            }
            Op::Take(p) => {
                let key = key_of(p, &seen);
                if model.take_would_wait(key) {
                    continue;
                }
                let want = model.present.remove(&key);
                let got = slab.take(key);
                assert_eq!(got.as_ref().map(|v| v.id), want, "take({key:#x})");
                if let Some(v) = got {
                    let panics = model.drop_now(v.id);
                    expect_panic("drop of a taken value", panics, || drop(v));
                }
            }
            Op::Contains(p) => {
                let key = key_of(p, &seen);
                assert_eq!(
                    slab.contains(key),
                    model.present.contains_key(&key),
                    "contains({key:#x})"
                );
            }
        }
        assert_eq!(*drops.borrow(), model.dropped, "drop counts after {op:?}");
    }
    // The end: the guards go, then all but one panicking value, then the slab.
    while let Some(g) = guards.pop() {
        let panics = model.release(g.value().id) == Some(true);
        expect_panic("drop of a guard", panics, || drop(g));
    }
    drop(guards);
    let mut panicking: Vec<usize> = model
        .present
        .iter()
        .filter(|(_, id)| model.panics[**id])
        .map(|(k, _)| *k)
        .collect();
    panicking.sort_unstable();
    let keep = panicking.pop();
    for key in panicking {
        model.remove(key);
        expect_panic("remove", true, || slab.remove(key));
    }
    for id in model.present.values() {
        model.dropped[*id] = 1;
    }
    let slab = Arc::into_inner(slab).expect("no guard left");
    expect_panic("drop of the slab", keep.is_some(), || drop(slab));
    assert_eq!(
        *drops.borrow(),
        model.dropped,
        "drop counts after the slab's drop"
    );
    assert!(
        drops.borrow().iter().all(|&n| n == 1),
        "every value dropped exactly once"
    );
}

/// Decodes a program from raw bytes (what the target does).
pub fn decode(data: &[u8]) -> Option<Input> {
    Input::arbitrary_take_rest(Unstructured::new(data)).ok()
}
