//! The checks, each a generic function over the encoding, run for every
//! encoding at u8, u16 and u32 on `DefaultBackend`. A failed check panics
//! (the panic handler prints it and exits 101).

use crate::platform::sections::count as sections;
use frozen_refcount::model::{Checker, Op};
use frozen_refcount::{
    Backend, Biased, Classic, DefaultBackend, Encoding, FrozenMark, FrozenRefcount, HighBit,
    LowBit, Put, State, ZeroLockedHigh, ZeroLockedLow,
};

type Rc<E> = FrozenRefcount<E, DefaultBackend>;

/// xorshift64*: deterministic choices without a dependency.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// 20k operations against the sequential model, in phases that reach
/// saturation, frozen-with-garbage and many lives.
fn model_walk<E: Encoding>() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ E::MAX_COUNT as u64);
    let mut c = Checker::<E, DefaultBackend>::new(1);
    let steps = 20_000;
    for i in 0..steps {
        let r = rng.next() as u32;
        let op = match ((i / (steps / 40)) % 4, rng.below(10)) {
            (0, 0..=5) | (1, 0..=2) => Op::Get(r),
            (0, 6..=7) | (1, 3..=4) | (2, 0..=3) | (3, 0..=6) => Op::TryGet(r),
            (_, 8) => Op::Freeze(r % 3),
            (_, 9) => Op::Unfreeze(r),
            _ => Op::Put(r % 2),
        };
        if let Err(m) = c.step(op) {
            panic!("{} step {i}: {m:?}", E::NAME);
        }
        if c.model.state == State::Saturated && rng.below(2000) == 0 {
            c = Checker::new(1); // saturation is sticky: start over now and then
        }
    }
}

/// Exactly one `Last` per life, some lives ended by `freeze`.
fn one_last_per_life<E: Encoding>() {
    let c = Rc::<E>::new_frozen();
    let mut rng = Rng(11);
    for life in 0..2_000 {
        let n = rng.below(8) as u32 + 1;
        c.unfreeze(n);
        if life % 5 == 0 && c.freeze(n) {
            continue;
        }
        let (mut held, mut lasts) = (n, 0);
        while held > 0 {
            if rng.below(3) == 0 && held < 20 {
                assert!(c.try_get(), "{}", E::NAME);
                held += 1;
            } else {
                held -= 1;
                if c.put() == Put::Last {
                    lasts += 1;
                    assert_eq!(held, 0, "{}: Last with {held} held", E::NAME);
                }
            }
        }
        assert_eq!(lasts, 1, "{}", E::NAME);
        assert!(c.is_frozen() && !c.try_get(), "{}", E::NAME);
    }
}

/// 50k failed `try_get`s (past the garbage reset of the 8- and 16-bit
/// words) leave a frozen word frozen; `unfreeze` still works.
fn garbage_never_thaws<E: Encoding>() {
    let c = Rc::<E>::new_frozen();
    for i in 0..50_000 {
        assert!(!c.try_get(), "{} try_get {i}: {c:?}", E::NAME);
    }
    assert!(c.is_frozen(), "{}", E::NAME);
    c.unfreeze(1);
    assert_eq!(c.state(), State::Live(1), "{}", E::NAME);
    assert_eq!(c.put(), Put::Last, "{}", E::NAME);
}

/// Release-mode misuse (tests/misuse.rs): puts, gets and failed try_gets on
/// a frozen word leave it frozen and never say `Last`; putting more than is
/// held, or unfreezing a live word, never hands out a second `Last`.
/// (`Classic`'s get on its dead zero revives it, as documented: not tried.)
fn misuse_never_frees_twice<E: Encoding>() {
    let c = Rc::<E>::new(1);
    assert_eq!(c.put(), Put::Last);
    let mut rng = Rng(3);
    for i in 0..5_000 {
        match rng.below(3) {
            0 => assert_eq!(c.put(), Put::Kept, "{} op {i}", E::NAME),
            1 if E::SCHEME.frozen_mark() != FrozenMark::ZeroCount => c.get(),
            1 => {}
            _ => assert!(!c.try_get(), "{} op {i}", E::NAME),
        }
        assert!(c.is_frozen(), "{} op {i}: {c:?}", E::NAME);
    }
    // One more than held, at the largest legal n (2 for 8-bit words).
    let many = Rc::<E>::MAX_MANY;
    let c = Rc::<E>::new(many - 1);
    assert_eq!(c.put_many(many), Put::Kept, "{}", E::NAME);
    assert!(c.is_frozen() || c.is_saturated(), "{}: {c:?}", E::NAME);
    let c = Rc::<E>::new(2);
    c.unfreeze(1); // overwrites the live count
    assert_eq!(c.put(), Put::Last, "{}", E::NAME);
    for _ in 0..100 {
        assert_eq!(c.put(), Put::Kept, "{}: second Last: {c:?}", E::NAME);
    }
}

/// Atomic operations per call, each one critical section here: `try_get`,
/// `get` and a `put` that keeps one each (the fast paths' one RMW), the last
/// `put` two (its subtract and the CAS that freezes), `freeze` one (its
/// CAS), `unfreeze` one (a store). `Classic`'s `try_get` is a load and a CAS,
/// and its last `put` only the subtract (zero is dead: nothing to freeze).
fn atomic_ops_per_call<E: Encoding>() {
    let c = Rc::<E>::new(1);
    let classic = E::SCHEME.frozen_mark() == FrozenMark::ZeroCount;
    let get = if classic { 2 } else { 1 };
    assert_eq!(sections(|| c.try_get()), (true, get), "{}", E::NAME);
    assert_eq!(sections(|| c.get()), ((), 1), "{}", E::NAME);
    assert_eq!(sections(|| c.put()), (Put::Kept, 1), "{}", E::NAME);
    assert_eq!(sections(|| c.put()), (Put::Kept, 1), "{}", E::NAME);
    let last = if classic { 1 } else { 2 };
    assert_eq!(sections(|| c.put()), (Put::Last, last), "{}", E::NAME);
    assert_eq!(sections(|| c.unfreeze(2)).1, 1, "{}", E::NAME);
    assert_eq!(sections(|| c.freeze(2)), (true, 1), "{}", E::NAME);
}

/// The backend chosen on this core.
fn default_backend_is_portable() {
    assert_eq!(<DefaultBackend as Backend>::NAME, "portable");
}

/// Runs `$check::<E>` for every encoding at every width, reporting each.
macro_rules! each_counter {
    ($report:expr, $($check:ident),*) => {$(
        each_counter!(@enc $report, $check, HighBit, LowBit, ZeroLockedHigh, ZeroLockedLow, Biased, Classic);
    )*};
    (@enc $report:expr, $check:ident, $($e:ident),*) => {$(
        $check::<$e<u8>>();
        $check::<$e<u16>>();
        $check::<$e<u32>>();
        $report(concat!(stringify!($check), "::<", stringify!($e), "<u8|u16|u32>>"));
    )*};
}

/// Every check; `report` is called with the name of each that passed.
pub fn all(report: &mut dyn FnMut(&str)) {
    default_backend_is_portable();
    report("default_backend_is_portable");
    each_counter!(
        report,
        model_walk,
        one_last_per_life,
        garbage_never_thaws,
        misuse_never_frees_twice,
        atomic_ops_per_call
    );
}
