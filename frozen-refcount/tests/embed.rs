//! Embedding: generic code with no extra bound, memory owned elsewhere
//! (`from_ptr`, `as_ptr`, `from_mut`, `get_mut`, the slice views), the layout
//! guarantee, what every bit pattern means, and `bytemuck::Zeroable`.
#![cfg(not(frozen_refcount_loom))]

mod common;
use common::*;
use std::mem::{align_of, size_of};
use std::sync::Arc;
use std::thread;

// ---- generic code: no where-clause anywhere in this section ----

/// Shape 1: an encoding only, the default backend.
fn generic_default<E: Encoding>() -> u32 {
    let rc = FrozenRefcount::<E>::new(1);
    assert!(rc.try_get());
    let _ = rc.put();
    rc.count()
}

/// Shape 2: encoding and backend, both generic.
fn generic_both<E: Encoding, B: Backend>() -> u32 {
    let rc = FrozenRefcount::<E, B>::new(2);
    let _ = rc.put();
    rc.count()
}

/// A generic type holding counters, as an allocator's page descriptor does.
struct Table<E: Encoding, B: Backend = DefaultBackend> {
    slots: Vec<FrozenRefcount<E, B>>,
}

impl<E: Encoding, B: Backend> Table<E, B> {
    fn new(n: usize) -> Self {
        Self {
            slots: (0..n).map(|_| FrozenRefcount::new_frozen()).collect(),
        }
    }
}

fn assert_send_sync<T: Send + Sync>() {}

/// `Send + Sync` with no added bound, and used from threads.
fn generic_threads<E: Encoding, B: Backend>() {
    assert_send_sync::<FrozenRefcount<E, B>>();
    assert_send_sync::<Table<E, B>>();
    let t = Arc::new(Table::<E, B>::new(4));
    t.slots[1].unfreeze(1);
    let hits: u32 = (0..2)
        .map(|_| {
            let t = Arc::clone(&t);
            thread::spawn(move || {
                let mut hits = 0;
                for _ in 0..100 {
                    for s in &t.slots {
                        if s.try_get() {
                            hits += 1;
                            assert_eq!(s.put(), Put::Kept);
                        }
                    }
                }
                hits
            })
        })
        .map(|h| h.join().unwrap())
        .sum();
    assert_eq!(hits, 200, "{}", label::<E, B>());
    assert_eq!(t.slots[1].put(), Put::Last);
}

fn generic_shapes<E: Encoding, B: Backend>() {
    assert_eq!(generic_default::<E>(), 1, "{}", label::<E, B>());
    assert_eq!(generic_both::<E, B>(), 1, "{}", label::<E, B>());
    generic_threads::<E, B>();
}

#[test]
fn generic_code_needs_no_bound() {
    each_counter!(generic_shapes);
}

// ---- layout and memory owned elsewhere ----

fn layout<E: Encoding, B: Backend>() {
    let l = label::<E, B>();
    assert_eq!(
        size_of::<FrozenRefcount<E, B>>(),
        size_of::<E::Word>(),
        "{l}: size"
    );
    assert_eq!(
        align_of::<FrozenRefcount<E, B>>(),
        align_of::<E::Word>(),
        "{l}: align"
    );
    assert_eq!(
        align_of::<FrozenRefcount<E, B>>(),
        align_of::<<E::Word as Word>::Atomic>(),
        "{l}: align of the atomic"
    );
    assert_eq!(
        size_of::<Option<&FrozenRefcount<E, B>>>(),
        size_of::<usize>(),
        "{l}"
    );
}

#[test]
fn size_and_alignment_are_the_words() {
    each_counter!(layout);
}

fn foreign_memory<E: Encoding, B: Backend>() {
    let l = label::<E, B>();
    // A word "owned by C": the counter views it, and both sides see each
    // other's atomic updates.
    let mut word = FrozenRefcount::<E, B>::new(1).into_raw();
    let p: *mut E::Word = &mut word;
    // SAFETY: `p` is aligned (checked by `layout`: same alignment), valid for
    // this scope, and only accessed atomically while `rc` lives.
    let rc = unsafe { FrozenRefcount::<E, B>::from_ptr(p) };
    assert_eq!(rc.as_ptr(), p, "{l}: as_ptr round-trips");
    assert!(rc.try_get(), "{l}");
    assert_eq!(rc.count(), 2, "{l}");
    let _ = rc.put();
    assert_eq!(rc.put(), Put::Last, "{l}");
    assert!(rc.is_frozen(), "{l}");
    // The word itself now holds the frozen pattern.
    assert_eq!(word, FrozenRefcount::<E, B>::new_frozen().into_raw(), "{l}");

    // from_mut / get_mut: exclusive access, plain reads and writes.
    let mut w = FrozenRefcount::<E, B>::new_frozen().into_raw();
    let rc = FrozenRefcount::<E, B>::from_mut(&mut w);
    rc.unfreeze(3);
    let raw = *rc.get_mut();
    assert_eq!(rc.load_raw(), raw, "{l}: get_mut reads the word");
    *rc.get_mut() = FrozenRefcount::<E, B>::new(5).into_raw();
    assert_eq!(rc.state(), State::Live(5), "{l}: get_mut writes the word");
    assert_eq!(w, FrozenRefcount::<E, B>::new(5).into_raw(), "{l}");
}

#[test]
fn memory_owned_elsewhere() {
    each_counter!(foreign_memory);
}

/// What an all-zero word is: frozen for the zero-locked encodings, dead for
/// Classic, one live reference for Biased (it stores `refs - 1`), a live zero
/// (taken by any try_get) for the others.
fn zeroed_state<E: Encoding>() -> State {
    if E::SCHEME.zeroed_is_frozen() {
        State::Frozen
    } else if E::SCHEME.frozen_mark() == FrozenMark::BiasedZone {
        State::Live(1)
    } else {
        State::Zero
    }
}

/// A zeroed table viewed as counters: see [`zeroed_state`].
fn zeroed_table<E: Encoding, B: Backend>() {
    let l = label::<E, B>();
    let mut words = vec![<E::Word as Word>::ZERO; 64];
    let table = FrozenRefcount::<E, B>::from_mut_slice(&mut words);
    assert_eq!(table.len(), 64, "{l}");
    let expect = zeroed_state::<E>();
    assert!(
        table.iter().all(|c| c.state() == expect),
        "{l}: zeroed is {expect:?}"
    );
    if expect == State::Frozen {
        assert!(table.iter().all(|c| !c.try_get()), "{l}");
        table[9].unfreeze(1);
        assert!(table[9].try_get(), "{l}");
        let _ = table[9].put();
        assert_eq!(table[9].put(), Put::Last, "{l}");
    }
    let _ = table;
    // The atomic-slice view sees the same words.
    let atomics: Vec<<E::Word as Word>::Atomic> = words
        .iter()
        .map(|_| FrozenRefcount::<E, B>::new(2).into_atomic())
        .collect();
    let view = FrozenRefcount::<E, B>::from_atomic_slice(&atomics);
    assert!(view.iter().all(|c| c.state() == State::Live(2)), "{l}");
}

#[test]
fn zeroed_slices() {
    each_counter!(zeroed_table);
}

/// Every one of the 256 patterns of an 8-bit word is some state, never a
/// panic or UB, `try_get` answers from what its own increment made of it,
/// and that answer is the pattern's state except at the one word of each
/// region boundary that a single increment crosses: the top of the
/// saturation band (live, refused) and the top of the frozen half (frozen,
/// accepted). The crate never produces either (it re-centres saturated words
/// and resets drifted garbage long before); only a foreign writer can.
/// `Biased` has a third: the top of its frozen zone, which one increment
/// turns into the transient zero (refused, and left a zero: see
/// `try_get_reread` in src/frozen.rs for why it is not reset).
fn every_pattern<E: Encoding<Word = u8>, B: Backend>() {
    let l = label::<E, B>();
    let mut seen = [0u32; 4];
    let (mut live_refused, mut frozen_taken, mut made_zero) = (vec![], vec![], vec![]);
    for bits in 0..=255u8 {
        let mut w = bits;
        let rc = FrozenRefcount::<E, B>::from_mut(&mut w);
        let s = rc.state();
        seen[match s {
            State::Live(_) => 0,
            State::Zero => 1,
            State::Frozen => 2,
            State::Saturated => 3,
        }] += 1;
        let got = rc.try_get();
        if s == State::Frozen && got {
            frozen_taken.push(bits);
        } else if s != State::Frozen && !got {
            live_refused.push(bits);
        }
        if !got && rc.state() == State::Zero {
            made_zero.push(bits);
            continue;
        }
        assert_eq!(
            rc.is_frozen(),
            !got,
            "{l}: {bits:#04x} ({s:?}): try_get {got}"
        );
    }
    let zero_boundary: &[u8] = if E::SCHEME.frozen_mark() == FrozenMark::BiasedZone {
        &[0xFE]
    } else {
        &[]
    };
    assert_eq!(made_zero, zero_boundary, "{l}: refused into a zero");
    assert!(
        live_refused.len() <= 1,
        "{l}: live patterns refused: {live_refused:x?}"
    );
    assert!(
        seen.iter().all(|&n| n > 0) || E::SCHEME.frozen_mark() == FrozenMark::ZeroCount,
        "{l}: {seen:?}"
    );
    let zero = FrozenRefcount::<E, B>::from_mut(&mut 0u8).state();
    assert_eq!(zero, zeroed_state::<E>(), "{l}: the all-zero word");
}

#[test]
fn every_bit_pattern_is_a_state() {
    fn each<B: Backend>() {
        every_pattern::<HighBit<u8>, B>();
        every_pattern::<LowBit<u8>, B>();
        every_pattern::<ZeroLockedHigh<u8>, B>();
        every_pattern::<ZeroLockedLow<u8>, B>();
        every_pattern::<Biased<u8>, B>();
        every_pattern::<Classic<u8>, B>();
    }
    each::<CoreAtomics>();
    each::<DefaultBackend>();
}

// ---- bytemuck ----

#[test]
fn bytemuck_zeroed_table_is_frozen() {
    let table: Box<[FrozenRefcount<ZeroLockedHigh>]> = bytemuck::zeroed_slice_box(1 << 16);
    assert!(table.iter().all(|c| c.is_frozen() && !c.try_get()));
    table[4242].unfreeze(1);
    assert!(table[4242].try_get());
    let _ = table[4242].put();
    assert_eq!(table[4242].put(), Put::Last);
    let table: Box<[FrozenRefcount<ZeroLockedLow<u16>>]> = bytemuck::zeroed_slice_box(1000);
    assert!(table.iter().all(|c| c.is_frozen()));
    let one: FrozenRefcount<ZeroLockedLow<u64>> = bytemuck::Zeroable::zeroed();
    assert!(one.is_frozen());
}
