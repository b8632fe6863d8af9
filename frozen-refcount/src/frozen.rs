//! `FrozenRefcount`: the protocol, written once for every encoding and
//! backend. An encoding only says where the bits are (`encoding.rs`); a
//! backend only says how one atomic step is done (`backends/`).
//!
//! Why this file is one file at about 400 lines: it is the hot half of the
//! protocol, the fast paths of try_get, get, put, freeze and unfreeze side
//! by side, so that each ordering can be read against the one it pairs
//! with. The cold paths are in `frozen/slow.rs`, the reads in
//! `frozen/read.rs`, the views over foreign memory in `frozen/views.rs`.

use crate::backends::{Backend, DefaultBackend};
#[cfg(any(frozen_refcount_loom, target_has_atomic = "64"))]
use crate::encoding::Tagged;
use crate::encoding::{Encoding, HighBit};
use crate::primitive::const_fn_unless_loom;
use crate::state::{Put, State};
use crate::word::{atomic_from_u64, ones, Word};
use core::marker::PhantomData;
use core::sync::atomic::Ordering::{Acquire, Relaxed, Release};

mod read;
mod slow;
mod views;

use slow::misuse;

/// A reference count with a FROZEN state.
///
/// `try_get` is one unconditional atomic add that checks the old value's state
/// afterwards; the last `put` does its `fetch_sub` and then freezes the word
/// with one CAS from zero, which fails (and reports [`Put::Kept`]) if a
/// `try_get` resurrected the object in between. `E` says where the bits are
/// ([`HighBit`] by default), `B` how each atomic step is done
/// ([`DefaultBackend`] by default). The struct is `repr(transparent)` over one
/// atomic word of `E::Word`.
///
/// ```
/// use frozen_refcount::{FrozenRefcount, Put, ZeroLockedLow};
///
/// // A slot of a type-stable pool: starts frozen, owned by the allocator.
/// let rc = FrozenRefcount::<ZeroLockedLow>::new_frozen();
/// assert!(!rc.try_get()); // a speculative reader finds nothing
///
/// rc.unfreeze(1); // allocate: publish the object with one reference
/// assert!(rc.try_get()); // a speculative reader takes a second one
/// assert_eq!(rc.count(), 2);
///
/// assert_eq!(rc.put(), Put::Kept);
/// assert_eq!(rc.put(), Put::Last); // the word is frozen again; we own the slot
/// assert!(rc.is_frozen() && !rc.try_get());
/// ```
///
/// # Layout
///
/// Guaranteed: `FrozenRefcount<E, B>` has the size of `E::Word` and the
/// alignment of its atomic (`AtomicU32` for `u32` words), which equals the
/// word's alignment on every target except for `u64` on a few 32-bit ones
/// (x86). `repr(transparent)`: it can be embedded in a `repr(C)` struct
/// shared with C, and [`from_ptr`](Self::from_ptr),
/// [`from_mut`](Self::from_mut), [`from_mut_slice`](Self::from_mut_slice)
/// and [`from_atomic_slice`](Self::from_atomic_slice) view memory owned
/// elsewhere as counters. The crate's tests check both.
///
/// # Bit patterns
///
/// Every bit pattern of the word is a valid counter in some state, never
/// undefined behaviour, so memory written by someone else can be viewed
/// as is. What a pattern means ([`state`](Self::state) reads it):
///
/// | encoding | all-zero word | any other word |
/// | --- | --- | --- |
/// | [`HighBit`], [`LowBit`](crate::LowBit), [`Tagged`](crate::Tagged) | live, count 0 (the transient zero: one `try_get` resurrects it) | frozen if the state bit is set, else live or saturated |
/// | [`ZeroLockedHigh`](crate::ZeroLockedHigh) | **frozen** | frozen if the LIVE bit is clear or the word is in the top `2^(bits-4)` (the wrap zone, where misused puts on the all-zero word land), else live or saturated |
/// | [`ZeroLockedLow`](crate::ZeroLockedLow) | **frozen** | frozen if the LIVE bit is clear, else live or saturated |
/// | [`Biased`](crate::Biased) | live, **one reference** (it stores `refs - 1`) | all ones: the transient zero; else frozen, saturated or live by zone (the top two bits) |
/// | [`Classic`](crate::Classic) | dead (frozen) | dead if the MSB is set (underflow), else live or saturated |
///
/// Zeroed memory is thus a table of frozen counters, owned by whoever
/// zeroed it, for the zero-locked encodings only; for the others it is a
/// table of live zero counts that any `try_get` takes.
///
/// The crate's own operations keep every word far from the boundaries
/// between the regions (saturated words are re-centred, drifted garbage is
/// reset). A foreign writer can store a word one increment from a boundary
/// (the top of the saturation band, the top of a high-bit encoding's frozen
/// half); the next increment then crosses it, and that one `try_get` answers
/// for the state it made. (The crate's tests walk all 256 patterns of every
/// 8-bit encoding and find at most one such word per boundary.)
///
/// # Contract
///
/// [`guide::contract`](crate::guide::contract) says it in full: the states
/// (live, saturated, the transient zero, frozen), what every method does in
/// each, what misuse does in debug builds (it panics) and in release builds
/// (it settles, never handing out a second `Last`), what holds under
/// concurrency, and [the reader
/// bound](crate::guide::contract#the-reader-bound): how many failed
/// `try_get`s may be in flight on one frozen word. The memory orderings and
/// why each is enough: [`guide::orderings`](crate::guide::orderings).
#[repr(transparent)]
pub struct FrozenRefcount<E: Encoding = HighBit, B: Backend = DefaultBackend> {
    word: <E::Word as Word>::Atomic,
    _marker: PhantomData<fn() -> (E, B)>,
}

type W<E> = <E as Encoding>::Word;

impl<E: Encoding, B: Backend> FrozenRefcount<E, B> {
    /// Largest live count that is stored exactly. One more makes the counter
    /// saturated. `2^(bits-2) - 1`: 63 for 8-bit words, `2^30 - 1` for 32-bit
    /// words and [`Tagged`](crate::Tagged), `2^31 - 1` for 64-bit words;
    /// [`Biased`](crate::Biased): `2^(bits-1)` (128, `2^31`), `2^31` at 64.
    pub const MAX_COUNT: u32 = E::MAX_COUNT;

    /// Largest `n` for [`try_get_many`](Self::try_get_many),
    /// [`get_many`](Self::get_many) and [`put_many`](Self::put_many):
    /// `2^(bits-7)`, at most `2^12` (2 for 8-bit words, 512 for 16-bit,
    /// 4096 for 32- and 64-bit words and [`Tagged`](crate::Tagged)), the
    /// same for every encoding. Chosen so that
    /// [`READER_BOUND`](Self::READER_BOUND) readers fit.
    pub const MAX_MANY: u32 = E::MAX_MANY;

    /// How many speculative readers may be in flight on one frozen word at
    /// once, each in a `try_get_many(n)` with `n <= MAX_MANY` (or any
    /// `try_get*`), with none of them ever succeeding on a word nobody
    /// unfroze. `u64::MAX` where there is no bound ([`LowBit`](crate::LowBit),
    /// [`ZeroLockedLow`](crate::ZeroLockedLow), [`Classic`](crate::Classic)).
    /// "In flight" is between the call's atomic add and its return: a thread
    /// is in flight on one word at a time, so a program with at most this
    /// many threads can never reach the bound.
    ///
    /// See [the table and the argument](crate::guide::contract#the-reader-bound).
    pub const READER_BOUND: u64 = E::READER_BOUND;

    /// How many [`get_many`](Self::get_many) or [`put_many`](Self::put_many)
    /// of `MAX_MANY` may be in flight at once on one saturated word with the
    /// word staying saturated (every operation that sees it re-centres it,
    /// so this bounds only the ones between their RMW and their re-centring
    /// store).
    ///
    /// See [the table](crate::guide::contract#the-reader-bound).
    pub const SATURATION_BOUND: u64 = E::SATURATION_BOUND;

    const_fn_unless_loom! {
        /// A live counter holding `count` references (the caller's).
        ///
        /// `const`, so it can initialise a `static`. Panics unless
        /// `1 <= count <= MAX_COUNT`.
        #[inline]
        #[must_use]
        pub fn new(count: u32) -> Self {
            assert!(count >= 1 && count <= E::MAX_COUNT, "FrozenRefcount::new: count out of 1..=MAX_COUNT");
            Self::from_bits(E::ZERO_U64.wrapping_add((count as u64) << E::SHIFT) & ones(E::B))
        }
    }

    const_fn_unless_loom! {
        /// A frozen counter, owned by the caller (the kernel's "initialize as
        /// frozen"): every `try_get` fails until [`unfreeze`](Self::unfreeze).
        #[inline]
        #[must_use]
        pub fn new_frozen() -> Self {
            Self::from_bits(E::FROZEN_U64)
        }
    }

    /// A counter whose word is `word`, as is: any bit pattern is a counter
    /// in some state ([Bit patterns](Self#bit-patterns)). The inverse of
    /// [`into_raw`](Self::into_raw).
    #[inline]
    #[must_use]
    pub fn from_raw(word: E::Word) -> Self {
        Self::from_bits(word.to_u64())
    }

    const_fn_unless_loom! {
        #[inline]
        fn from_bits(bits: u64) -> Self {
            Self { word: atomic_from_u64::<E::Word>(bits), _marker: PhantomData }
        }
    }

    /// Speculatively takes a reference to an object found without holding
    /// one (an RCU reader, a PFN walker). Fails iff the counter is frozen.
    ///
    /// One atomic add and never a loop (`Classic`: a load and a CAS loop);
    /// `Biased`: one locked add whose flags decide (`lock incl` + `js`).
    #[inline]
    #[must_use = "on `true` the caller holds a reference and must `put` it"]
    pub fn try_get(&self) -> bool {
        self.try_get_many(1)
    }

    /// [`try_get`](Self::try_get) for `n` references at once
    /// (`1 <= n <= MAX_MANY`, else panics).
    #[inline]
    #[must_use = "on `true` the caller holds `n` references and must `put_many` them"]
    pub fn try_get_many(&self, n: u32) -> bool {
        let delta = Self::delta(n);
        if E::DEAD_ZERO {
            return self.try_get_cas_loop(delta);
        }
        // Acquire: on success the caller reads the object, so it must see
        // everything written before the Release that made the word live
        // (`unfreeze`, or `new` published by the caller's own means). On
        // failure nothing is read; the Acquire is unused.
        if E::SIGN_TEST {
            // `Biased`: exact iff the result's sign bit is clear, which one
            // locked add reports in its flags (`lock incl` + `js`): the word
            // itself is not returned, so the slow path re-reads it (the
            // argument for why that is sound is there).
            if !B::add_is_negative(&self.word, delta, Acquire) {
                return true;
            }
            return self.try_get_reread();
        }
        let old = B::fetch_add(&self.word, delta, Acquire);
        let new = old.wrapping_add(delta);
        // One test: `new` is live with an exact count. It implies `old` was
        // live (a frozen word stays frozen under an add: garbage is reset far
        // before it could carry into the state bit).
        if Self::exact(new) {
            return true;
        }
        self.try_get_slow(new)
    }

    /// [`try_get`](Self::try_get) for callers that expect mostly misses (a
    /// PFN walker over mostly free pages): one Relaxed load first, and a
    /// frozen word returns `false` with no write, so a miss leaves the cache
    /// line shared instead of taking it exclusive. Otherwise the usual
    /// one-RMW `try_get`, whose returned value alone decides: the load is a
    /// hint, never trusted for the answer (a word unfrozen or frozen after it
    /// is judged by the RMW, as in Linux's `rcuref` slow paths).
    ///
    /// Costs one load more than `try_get` on a hit, and no RMW on a frozen
    /// miss (the `Counting` backend counts both). `Classic` is
    /// the same as its `try_get`, which already starts with a load.
    #[inline]
    #[must_use = "on `true` the caller holds a reference and must `put` it"]
    pub fn try_get_unless_frozen(&self) -> bool {
        if !E::DEAD_ZERO {
            // Relaxed: a hint only. On `false` nothing is read from the
            // object; on a live word the RMW below orders (Acquire) and
            // decides.
            let seen = B::load::<E::Word>(&self.word, Relaxed);
            if Self::frozen(seen) {
                return false;
            }
        }
        self.try_get()
    }

    /// Takes another reference when the caller already holds one.
    ///
    /// Without one (a frozen or zero count) it is misuse: a panic in debug
    /// builds; in release a frozen word stays frozen
    /// ([misuse](crate::guide::contract#misuse)).
    #[inline]
    pub fn get(&self) {
        self.get_many(1)
    }

    /// [`get`](Self::get) for `n` references (`1 <= n <= MAX_MANY`).
    #[inline]
    pub fn get_many(&self, n: u32) {
        let delta = Self::delta(n);
        // Relaxed: the caller holds a reference, so the object cannot be
        // freed under it, and passing the new reference to another thread
        // needs its own synchronisation (the argument of `Arc::clone`).
        let old = B::fetch_add(&self.word, delta, Relaxed);
        let new = old.wrapping_add(delta);
        if Self::exact(new) {
            if cfg!(debug_assertions) && Self::state_bits(old) == E::ZERO {
                misuse("get on a zero count: the caller holds no reference");
            }
            return;
        }
        self.get_slow(new)
    }

    /// Drops a reference. [`Put::Last`] means the count is now frozen and the
    /// caller owns the object.
    ///
    /// Not the last: one atomic subtract. The last: the subtract plus one CAS
    /// from zero to frozen (`Classic`: no CAS, zero is final).
    ///
    /// A `put` of a reference not held (on a frozen or zero count, or more
    /// than the count holds) is misuse: a panic in debug builds; in release
    /// it returns `Kept` and never frees the object twice
    /// ([misuse](crate::guide::contract#misuse)).
    #[inline]
    pub fn put(&self) -> Put {
        self.put_many(1)
    }

    /// [`put`](Self::put) for `n` references (`1 <= n <= MAX_MANY`).
    #[inline]
    pub fn put_many(&self, n: u32) -> Put {
        let delta = Self::delta(n);
        // Release: every access this holder made to the object happens-before
        // the Acquire of whoever gets `Last` and frees or reuses it.
        let old = B::fetch_sub(&self.word, delta, Release);
        let new = old.wrapping_sub(delta);
        if Self::exact(new) && Self::state_bits(new) != E::ZERO {
            return Put::Kept;
        }
        self.put_slow(old, new)
    }

    /// [`put`](Self::put) by a caller that expects its reference to be the
    /// last: an owner giving up the reference it kept while the object was
    /// published (a slab's `remove`). The same result and the same word as
    /// `put`, misuse included.
    ///
    /// The last: one CAS from one reference to frozen, as
    /// [`freeze(1)`](Self::freeze), instead of `put`'s subtract and then its
    /// CAS from zero to frozen: one atomic read-modify-write fewer. While
    /// other references are held the CAS fails and `put` does the rest: one
    /// failed CAS more (`Tagged`: and the load of the generation before it).
    #[inline]
    pub fn put_expecting_last(&self) -> Put {
        // `freeze(1)`'s Acquire, on success, orders the accesses of every
        // holder that put its reference before ours, as `Put::Last`'s does:
        // each of their Release subtracts heads a release sequence the CAS
        // reads from. Our own accesses need no Release: on success nobody
        // else holds a reference, and the object is ours. On failure
        // nothing changed, and `put` orders as it always does.
        if self.freeze(1) {
            Put::Last
        } else {
            self.put()
        }
    }

    /// Freezes a live counter that holds exactly `expected` references, all
    /// the caller's (Linux `page_ref_freeze`, before a split or migration).
    /// On `true` the caller owns the object as if it had got `Last`.
    ///
    /// One CAS (`Tagged`: a load of the generation, then the CAS). Panics
    /// unless `1 <= expected <= MAX_COUNT`.
    #[inline]
    #[must_use = "on `true` the caller owns the object (as after `Put::Last`)"]
    pub fn freeze(&self, expected: u32) -> bool {
        assert!(
            expected >= 1 && expected <= E::MAX_COUNT,
            "FrozenRefcount::freeze: expected out of 1..=MAX_COUNT"
        );
        // The generation is only written by `unfreeze`, i.e. by an owner; a
        // stale one makes the CAS fail, which is the right answer for a
        // counter that changed hands.
        let generation = if E::TAGGED {
            Self::gen_bits(B::load::<E::Word>(&self.word, Relaxed))
        } else {
            W::<E>::ZERO
        };
        // Acquire on success: the caller takes ownership and must see every
        // access made under the references that were dropped before (their
        // Release subtracts head release sequences this CAS reads from).
        // Relaxed on failure: nothing changes hands.
        B::compare_exchange(
            &self.word,
            generation | Self::live_word(expected),
            generation | E::FROZEN,
            Acquire,
            Relaxed,
        )
        .is_ok()
    }

    /// Makes a frozen counter live with `count` references (the caller's);
    /// only its owner may call it. `Tagged` advances the generation.
    ///
    /// One store (`Tagged`, and debug builds: a load first). Panics unless
    /// `1 <= count <= MAX_COUNT`. On a live counter it is misuse: a panic in
    /// debug builds, after the store; in release the count is overwritten
    /// ([misuse](crate::guide::contract#misuse)).
    #[inline]
    pub fn unfreeze(&self, count: u32) {
        assert!(
            count >= 1 && count <= E::MAX_COUNT,
            "FrozenRefcount::unfreeze: count out of 1..=MAX_COUNT"
        );
        // Relaxed load: the generation bits were last written by this
        // counter's owners, and ownership was handed to us with Acquire.
        let cur = if E::TAGGED || cfg!(debug_assertions) {
            B::load::<E::Word>(&self.word, Relaxed)
        } else {
            E::FROZEN
        };
        // A store, not a CAS: it discards the garbage of failed try_gets, whose
        // increments lost the race by definition. Release: publishes the
        // object's initialisation to every try_get that succeeds on the new
        // life (they Acquire).
        let next = Self::gen_bits(cur).wrapping_add(E::GEN_ONE) | Self::live_word(count);
        B::store(&self.word, next, Release);
        // After the store: the word is what a release build leaves.
        if cfg!(debug_assertions) && !Self::frozen(cur) {
            misuse("unfreeze of a live counter");
        }
    }

    /// The live count: 0 when frozen or in the transient zero, `u32::MAX`
    /// when saturated. A Relaxed snapshot, stale as soon as it is read.
    #[inline]
    #[must_use = "a snapshot that is not read is a wasted load"]
    pub fn count(&self) -> u32 {
        match self.state() {
            State::Live(n) => n,
            State::Zero | State::Frozen => 0,
            State::Saturated => u32::MAX,
        }
    }

    /// Whether the counter is frozen (a Relaxed snapshot).
    #[inline]
    #[must_use = "a snapshot that is not read is a wasted load"]
    pub fn is_frozen(&self) -> bool {
        Self::frozen(self.load_raw())
    }

    /// Whether the counter is saturated (a Relaxed snapshot).
    #[inline]
    #[must_use = "a snapshot that is not read is a wasted load"]
    pub fn is_saturated(&self) -> bool {
        self.state() == State::Saturated
    }

    /// What the word means now (a Relaxed snapshot).
    #[inline]
    #[must_use = "a snapshot that is not read is a wasted load"]
    pub fn state(&self) -> State {
        Self::classify(self.load_raw())
    }

    /// The raw word (a Relaxed load), for debugging and tests. Its meaning is
    /// the encoding's business; see the table in `encoding.rs`.
    #[inline]
    #[must_use = "a snapshot that is not read is a wasted load"]
    pub fn load_raw(&self) -> E::Word {
        // Relaxed: a snapshot; nothing is read through it.
        B::load::<E::Word>(&self.word, Relaxed)
    }

    // ---- cold paths ----

    /// `Classic`: today's `atomic_add_unless(v, n, 0)`.
    #[inline]
    fn try_get_cas_loop(&self, delta: E::Word) -> bool {
        // Relaxed: only the guess for the first CAS, which re-checks it.
        let mut cur = B::load::<E::Word>(&self.word, Relaxed);
        loop {
            if Self::frozen(cur) {
                return false;
            }
            let new = cur.wrapping_add(delta);
            // Acquire on success, as for the fetch_add path; Relaxed on
            // failure: we only retry with the value we were given.
            match B::compare_exchange_weak(&self.word, cur, new, Acquire, Relaxed) {
                Ok(_) => {
                    if !Self::exact(new) {
                        self.resaturate(new);
                    }
                    return true;
                }
                Err(actual) => cur = actual,
            }
        }
    }
}

#[cfg(any(frozen_refcount_loom, target_has_atomic = "64"))]
impl<B: Backend> FrozenRefcount<Tagged, B> {
    /// The generation: how many times the counter was unfrozen, modulo 2^32.
    #[inline]
    #[must_use = "a snapshot that is not read is a wasted load"]
    pub fn generation(&self) -> u32 {
        (self.load_raw() >> 32) as u32
    }

    /// Spends a life without living it: advances the generation of a frozen
    /// counter and leaves it frozen, as `unfreeze(1)` followed by the last
    /// `put` would, but with no live moment in between, so no `try_get`
    /// succeeds and nothing has to be waited for. Only the counter's owner
    /// may call it. A pool uses it when a slot it reserved under the next
    /// generation goes back unused: whatever was told that generation
    /// never reaches a later life.
    ///
    /// A CAS loop that retries only when a failed `try_get` moved the word
    /// (lock-free); it discards their garbage, like `unfreeze`. On a live
    /// counter it panics in debug builds and changes nothing in release.
    pub fn skip_generation(&self) {
        // Relaxed: the generation bits were last written by this counter's
        // owners, and ownership was handed to us with Acquire.
        let mut cur = B::load::<u64>(&self.word, Relaxed);
        while Self::frozen(cur) {
            let next = Self::gen_bits(cur).wrapping_add(Tagged::GEN_ONE) | Tagged::FROZEN;
            // Relaxed/Relaxed: frozen to frozen, owned by the caller;
            // nothing is published (the next `unfreeze` is the Release).
            match B::compare_exchange(&self.word, cur, next, Relaxed, Relaxed) {
                Ok(_) => return,
                Err(now) => cur = now,
            }
        }
        misuse("skip_generation of a live counter");
    }
}

impl<E: Encoding, B: Backend> Default for FrozenRefcount<E, B> {
    /// A frozen counter, as [`new_frozen`](FrozenRefcount::new_frozen).
    fn default() -> Self {
        Self::new_frozen()
    }
}
