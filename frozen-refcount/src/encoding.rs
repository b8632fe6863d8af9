//! Encodings: where the count, the FROZEN state and the generation live in the
//! word. An encoding is data only (a [`Scheme`]); the protocol that reads it is
//! written once, in `frozen.rs`, and every constant it reads is derived here,
//! in [`Encoding`]'s hidden items. What the bits mean, encoding by encoding,
//! is in the user's guide ([`crate::guide::encodings`]), with the regions of
//! the word (live, saturated, frozen, the transient zero) and the margins
//! between them.

use crate::marker::zero_sized_marker;
use crate::word::{bit, narrow, ones, Word};
use core::marker::PhantomData;

/// Where an encoding keeps the FROZEN state: the choice that every other
/// constant of the encoding (the count's place, the canonical frozen word,
/// the saturation band, the margins) follows from. Read it with
/// [`Scheme::frozen_mark`]; [`guide::encodings`](crate::guide::encodings)
/// draws each one bit by bit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FrozenMark {
    /// A state bit at the top of the state field, set when frozen; the count
    /// sits below it ([`HighBit`], and [`Tagged`]'s low half).
    TopBitSet,
    /// A state bit at bit 0, set when frozen; the count is stored shifted
    /// left by one, so no add or subtract of a count reaches the bit
    /// ([`LowBit`]).
    LowBitSet,
    /// A LIVE bit at the top of the state field: frozen when clear, so an
    /// all-zero word is frozen ([`ZeroLockedHigh`]).
    TopBitClear,
    /// A LIVE bit at bit 0, the count shifted left by one: frozen when
    /// clear, so an all-zero word is frozen, and no add or subtract of a
    /// count reaches the bit ([`ZeroLockedLow`]).
    LowBitClear,
    /// No state bit: the word stores `refs - 1` (after Linux `rcuref_t`),
    /// and frozen is a zone of its negative half, as saturated is
    /// ([`Biased`]).
    BiasedZone,
    /// No state bit: a zero count is dead, and `try_get` is a CAS loop that
    /// refuses it ([`Classic`], today's `atomic_add_unless(v, 1, 0)`).
    ZeroCount,
}

/// How an encoding lays out its word: where the FROZEN state is kept
/// ([`FrozenMark`]), how many bits the state field has, and whether a
/// generation sits above it. Read from [`Encoding::SCHEME`]. Only the
/// crate's encodings build one, so every value is a layout the protocol
/// implements.
///
/// ```
/// use frozen_refcount::{Encoding, FrozenMark, HighBit, ZeroLockedLow};
///
/// assert_eq!(HighBit::<u8>::SCHEME.frozen_mark(), FrozenMark::TopBitSet);
/// assert!(!HighBit::<u8>::SCHEME.zeroed_is_frozen());
/// assert!(ZeroLockedLow::<u64>::SCHEME.zeroed_is_frozen());
/// assert_eq!(ZeroLockedLow::<u64>::SCHEME.state_bits(), 64);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Scheme {
    mark: FrozenMark,
    state_bits: u32,
    generation: bool,
}

impl Scheme {
    /// `mark` over a whole word of `bits` bits, with no generation.
    const fn whole_word(mark: FrozenMark, bits: u32) -> Self {
        Scheme {
            mark,
            state_bits: bits,
            generation: false,
        }
    }

    /// Where the FROZEN state is kept.
    #[inline]
    #[must_use]
    pub const fn frozen_mark(self) -> FrozenMark {
        self.mark
    }

    /// How many low bits of the word hold the state and the count: the
    /// word's width, except [`Tagged`]'s 32 of 64.
    #[inline]
    #[must_use]
    pub const fn state_bits(self) -> u32 {
        self.state_bits
    }

    /// Whether the bits above the state field hold a generation that
    /// [`unfreeze`](crate::FrozenRefcount::unfreeze) advances ([`Tagged`]).
    #[inline]
    #[must_use]
    pub const fn has_generation(self) -> bool {
        self.generation
    }

    /// Whether an all-zero word is frozen, so that zeroed memory (`calloc`,
    /// a fresh `mmap`, `mem::zeroed`) is a table of frozen counters owned
    /// by whoever zeroed it: [`ZeroLockedHigh`], [`ZeroLockedLow`], and
    /// [`Classic`], whose zero is dead. For the others it is a table of live
    /// zero counts (for [`Biased`], of live counts of one) that any
    /// `try_get` takes.
    #[inline]
    #[must_use]
    pub const fn zeroed_is_frozen(self) -> bool {
        matches!(
            self.mark,
            FrozenMark::TopBitClear | FrozenMark::LowBitClear | FrozenMark::ZeroCount
        )
    }

    /// The state bit is bit 0 and the count is stored shifted left by one.
    const fn shifted(self) -> bool {
        matches!(self.mark, FrozenMark::LowBitSet | FrozenMark::LowBitClear)
    }

    /// The state bit is a LIVE bit: set means live.
    const fn live_bit(self) -> bool {
        matches!(self.mark, FrozenMark::TopBitClear | FrozenMark::LowBitClear)
    }
}

/// A counter encoding: which bits hold the count, the FROZEN state and the
/// generation. Implemented by the seven zero-sized markers [`HighBit`],
/// [`LowBit`], [`ZeroLockedHigh`], [`ZeroLockedLow`], [`Biased`], [`Tagged`]
/// and [`Classic`]; the trait is sealed. How to choose one:
/// [`guide::encodings`](crate::guide::encodings).
///
/// Each encoding gives its [`Word`], its [`NAME`](Encoding::NAME) and its
/// [`SCHEME`](Encoding::SCHEME); the limits below are derived from them.
/// [`FrozenRefcount`](crate::FrozenRefcount) repeats the limits as
/// inherent constants, which is where most code reads them.
///
/// The trait also carries the constants the protocol derives from the
/// scheme (masks, the canonical frozen word, the margins). They are hidden
/// from this page and are **not part of the API**: no semver promise, and
/// they may change in any release. What they stand for is described, in
/// words, in [`guide::encodings`](crate::guide::encodings) and
/// [`guide::contract`](crate::guide::contract).
pub trait Encoding: sealed::Sealed + Send + Sync + 'static {
    /// The word the counter lives in.
    type Word: Word;
    /// Short name, for `Debug` output and benchmark labels.
    const NAME: &'static str;
    /// Where the bits are.
    const SCHEME: Scheme;

    /// Largest live count stored exactly; one more makes the counter
    /// saturated. See [`FrozenRefcount::MAX_COUNT`](crate::FrozenRefcount::MAX_COUNT).
    const MAX_COUNT: u32 = (ones(Self::COUNT_BITS) + Self::BIASED as u64) as u32;
    /// Largest `n` accepted by the `*_many` operations. See
    /// [`FrozenRefcount::MAX_MANY`](crate::FrozenRefcount::MAX_MANY).
    const MAX_MANY: u32 = {
        // 2^(B-7), at most 2^12: small enough that READER_BOUND is at least
        // 8 at every width and at least 2^16 at 32 and 64 bits
        // (BOUNDS_HOLD).
        let m = if Self::B - 7 < 12 {
            bit(Self::B - 7)
        } else {
            bit(12)
        };
        if m > Self::MAX_COUNT as u64 {
            Self::MAX_COUNT
        } else {
            m as u32
        }
    };
    /// How many failed `try_get_many(MAX_MANY)` may be in flight at once on
    /// one frozen word, none of them succeeding (`u64::MAX`: no bound). See
    /// [`FrozenRefcount::READER_BOUND`](crate::FrozenRefcount::READER_BOUND).
    const READER_BOUND: u64 = if Self::FROZEN_HEADROOM == u64::MAX {
        u64::MAX
    } else {
        Self::FROZEN_HEADROOM / Self::MAX_MANY as u64
    };
    /// How many `get_many(MAX_MANY)` or `put_many(MAX_MANY)` may be in
    /// flight at once on one saturated word with the word staying
    /// saturated. See
    /// [`FrozenRefcount::SATURATION_BOUND`](crate::FrozenRefcount::SATURATION_BOUND).
    const SATURATION_BOUND: u64 = {
        // The first and last saturated words of the state field; the room on
        // either side of SATURATED within them, over MAX_MANY.
        let first = if Self::BIASED {
            bit(Self::COUNT_BITS)
        } else {
            Self::LIVE_MARK_U64 | bit(Self::COUNT_BITS + Self::SHIFT)
        };
        let last = if Self::BIASED {
            bit(Self::B - 1) | (bit(Self::B - 2) - 1)
        } else if Self::WRAP_FLOOR_U64 != 0 {
            Self::WRAP_FLOOR_U64 - 1
        } else {
            Self::LIVE_MARK_U64
                | Self::BAND_U64
                | ones(Self::COUNT_BITS + Self::SHIFT) & !ones(Self::SHIFT)
        };
        let up = (last - Self::SATURATED_U64) >> Self::SHIFT;
        let down = (Self::SATURATED_U64 - first) >> Self::SHIFT;
        (if up < down { up } else { down }) / Self::MAX_MANY as u64
    };

    // ---- Not part of the API: what the protocol derives from SCHEME. ----
    // Hidden, with no semver promise; the crate's own tests read some of
    // them. First as u64 (usable in `const fn new`), then as words.

    /// The state bit is bit 0 and counts are stored shifted left by one.
    #[doc(hidden)]
    const LOW: bool = Self::SCHEME.shifted();
    /// The state bit *set* means live, so an all-zero word is frozen.
    #[doc(hidden)]
    const INVERTED: bool = Self::SCHEME.live_bit();
    /// Stored as `refs - 1` (`rcuref_t`): one reference is 0, the transient
    /// zero is all ones, and live, saturated and frozen are zones.
    #[doc(hidden)]
    const BIASED: bool = matches!(Self::SCHEME.frozen_mark(), FrozenMark::BiasedZone);
    /// No state bit: a zero count is dead and `try_get` is a CAS loop.
    #[doc(hidden)]
    const DEAD_ZERO: bool = matches!(Self::SCHEME.frozen_mark(), FrozenMark::ZeroCount);
    /// The bits above the state field hold a generation (`Tagged`).
    #[doc(hidden)]
    const TAGGED: bool = Self::SCHEME.has_generation();
    /// Width of the state field.
    #[doc(hidden)]
    const B: u32 = Self::SCHEME.state_bits();
    /// How far counts are shifted left.
    #[doc(hidden)]
    const SHIFT: u32 = if Self::LOW { 1 } else { 0 };
    /// The state bit. (For `Classic`, the MSB marks an underflowed, dead
    /// count; for `Biased`, the two top bits, both set in the frozen zone.)
    #[doc(hidden)]
    const STATE_BIT_U64: u64 = if Self::LOW {
        1
    } else if Self::BIASED {
        bit(Self::B - 1) | bit(Self::B - 2)
    } else {
        bit(Self::B - 1)
    };
    /// Exact counts are stored `< 2^COUNT_BITS`: `B - 2` bits (`Biased`:
    /// `B - 1`, the whole non-negative half), at most 31 (so that every exact
    /// count is a `u32`, and `u32::MAX` is free for "saturated").
    #[doc(hidden)]
    const COUNT_BITS: u32 = {
        let b = if Self::BIASED {
            Self::B - 1
        } else {
            Self::B - 2
        };
        if b < 31 {
            b
        } else {
            31
        }
    };
    /// The highest bit of the band (the bits between the count field and the
    /// state bit; any of them set means saturated).
    #[doc(hidden)]
    const BAND_TOP: u32 = if Self::LOW { Self::B - 1 } else { Self::B - 2 };
    /// The band's bits.
    #[doc(hidden)]
    const BAND_U64: u64 = ones(Self::BAND_TOP + 1) & !ones(Self::COUNT_BITS + Self::SHIFT);
    /// Bits set in every live word: the LIVE bit of the inverted encodings.
    #[doc(hidden)]
    const LIVE_MARK_U64: u64 = if Self::INVERTED {
        Self::STATE_BIT_U64
    } else {
        0
    };
    /// The live word with no reference (see [`ZERO`](Encoding::ZERO)).
    #[doc(hidden)]
    const ZERO_U64: u64 = if Self::BIASED {
        ones(Self::B)
    } else {
        Self::LIVE_MARK_U64
    };
    /// The canonical frozen word: what the last `put` and `freeze` write.
    /// For the high-bit encodings it is the middle of the frozen half, so that
    /// garbage (up) and misused puts (down) both have room before a reset.
    #[doc(hidden)]
    const FROZEN_U64: u64 = if Self::DEAD_ZERO {
        0
    } else if Self::BIASED {
        bit(Self::B - 1) | bit(Self::B - 2) | bit(Self::B - 3) // rcuref's DEAD
    } else if Self::LOW {
        if Self::INVERTED {
            0
        } else {
            1
        }
    } else if Self::INVERTED {
        bit(Self::B - 2)
    } else {
        bit(Self::B - 1) | bit(Self::B - 2)
    };
    /// [`SATURATED`](Encoding::SATURATED) as a `u64`. `ZeroLockedHigh`:
    /// the middle of the band below the wrap zone
    /// ([`WRAP_FLOOR_U64`](Encoding::WRAP_FLOOR_U64)).
    #[doc(hidden)]
    const SATURATED_U64: u64 = if Self::BIASED {
        bit(Self::B - 1) | bit(Self::B - 3)
    } else if Self::WRAP_FLOOR_U64 != 0 {
        (Self::LIVE_MARK_U64 | bit(Self::BAND_TOP)) + bit(Self::B - 3) - bit(Self::B - 5)
    } else {
        Self::LIVE_MARK_U64 | bit(Self::BAND_TOP) | bit(Self::BAND_TOP - 1)
    };
    /// `ZeroLockedHigh` only (0 for every other encoding): the lowest word of
    /// the *wrap zone*, the top `2^(B-4)` words of the state field, which are
    /// frozen although their LIVE bit is set. The all-zero word is frozen
    /// and sits at the very bottom of the frozen half, so a misused `put` on
    /// it wraps to the top of the word; the wrap zone is where such puts
    /// land (up to `2^(B-4)` of decrements in flight), and every operation
    /// that sees it treats it as the frozen word it came from.
    #[doc(hidden)]
    const WRAP_FLOOR_U64: u64 = if Self::INVERTED && !Self::LOW {
        ones(Self::B) - bit(Self::B - 4) + 1
    } else {
        0
    };
    /// [`DRIFT_LIMIT`](Encoding::DRIFT_LIMIT) as a `u64`.
    #[doc(hidden)]
    const DRIFT_LIMIT_U64: u64 = if Self::LOW {
        0
    } else if Self::BIASED {
        bit(Self::B - 5)
    } else {
        bit(Self::B - 4)
    };
    /// The frozen words above [`FROZEN`](Encoding::FROZEN), in increments:
    /// the `FROZEN_ROOM`-th increment leaves the frozen region (the high-bit
    /// encodings: into a live zero, `2^(B-2)`; `Biased`: into its transient
    /// zero, `2^(B-3) - 1`). `u64::MAX` where no increment ever leaves it
    /// (the low-bit encodings add multiples of 2 that never touch bit 0;
    /// `Classic`'s failed `try_get` writes nothing).
    #[doc(hidden)]
    const FROZEN_ROOM: u64 = if Self::LOW || Self::DEAD_ZERO {
        u64::MAX
    } else if Self::BIASED {
        bit(Self::B - 3) - 1
    } else {
        bit(Self::B - 2)
    };
    /// How many increments may be in flight on a frozen word at once:
    /// `FROZEN_ROOM - 1 - DRIFT_LIMIT`. A frozen word rests within
    /// `DRIFT_LIMIT` of `FROZEN` whenever no failed `try_get` is between its
    /// add and its return (the argument is at `settle_frozen`), so this much
    /// more garbage still leaves it frozen and short of the transient zero.
    #[doc(hidden)]
    const FROZEN_HEADROOM: u64 = if Self::FROZEN_ROOM == u64::MAX {
        u64::MAX
    } else {
        Self::FROZEN_ROOM - 1 - Self::DRIFT_LIMIT_U64
    };
    /// `try_get`'s fast-path test is the sign of the result alone (`Biased`
    /// below 64 bits): a backend can answer it from the flags of one locked
    /// add, without returning the word ([`Backend::add_is_negative`](crate::Backend::add_is_negative)).
    #[doc(hidden)]
    const SIGN_TEST: bool = Self::BIASED && Self::COUNT_BITS == Self::B - 1;
    /// Fails the build of any encoding whose bounds miss their targets.
    #[doc(hidden)]
    const BOUNDS_HOLD: () = {
        let wide = Self::B >= 32;
        assert!(Self::READER_BOUND >= 8, "fewer than 8 readers at MAX_MANY");
        assert!(
            !wide || Self::READER_BOUND >= 1 << 16,
            "fewer than 2^16 readers"
        );
        assert!(Self::SATURATION_BOUND >= 8, "saturation: fewer than 8");
    };

    /// Added to the word by one reference.
    #[doc(hidden)]
    const ONE: Self::Word = narrow::<Self::Word>(1 << Self::SHIFT);
    /// The live word with a count of zero (transient: inside the last `put`).
    /// For `Classic` it is the dead count; for `Biased`, all ones.
    #[doc(hidden)]
    const ZERO: Self::Word = narrow::<Self::Word>(Self::ZERO_U64);
    /// The canonical frozen word.
    #[doc(hidden)]
    const FROZEN: Self::Word = narrow::<Self::Word>(Self::FROZEN_U64);
    /// The bits that belong to the state field (all but the generation).
    #[doc(hidden)]
    const STATE_MASK: Self::Word = narrow::<Self::Word>(ones(Self::B));
    /// Added to the word by `unfreeze` to advance the generation (0: untagged).
    #[doc(hidden)]
    const GEN_ONE: Self::Word = narrow::<Self::Word>(if Self::TAGGED { bit(Self::B) } else { 0 });
    /// The state bit.
    #[doc(hidden)]
    const STATE_BIT: Self::Word = narrow::<Self::Word>(Self::STATE_BIT_U64);
    /// The value of `word & STATE_BIT` that means frozen.
    #[doc(hidden)]
    const FROZEN_WHEN: Self::Word = narrow::<Self::Word>(if Self::INVERTED {
        0
    } else {
        Self::STATE_BIT_U64
    });
    /// `word & CLASS_MASK == CLASS_EXACT` iff the word is live and its count
    /// is stored exactly (not frozen, not saturated). One `test`/`and`+`cmp`;
    /// for `Biased` below 64 bits, the sign bit alone.
    #[doc(hidden)]
    const CLASS_MASK: Self::Word = narrow::<Self::Word>(if Self::BIASED {
        ones(Self::B) & !ones(Self::COUNT_BITS)
    } else {
        Self::STATE_BIT_U64 | Self::BAND_U64
    });
    /// See [`CLASS_MASK`](Encoding::CLASS_MASK).
    #[doc(hidden)]
    const CLASS_EXACT: Self::Word = narrow::<Self::Word>(Self::LIVE_MARK_U64);
    /// The word a saturated counter is re-centred on: the middle of the band
    /// (`Biased`: of the saturation zone, rcuref's `RCUREF_SATURATED`).
    #[doc(hidden)]
    const SATURATED: Self::Word = narrow::<Self::Word>(Self::SATURATED_U64);
    /// [`WRAP_FLOOR_U64`](Encoding::WRAP_FLOOR_U64) as a word.
    #[doc(hidden)]
    const WRAP_FLOOR: Self::Word = narrow::<Self::Word>(Self::WRAP_FLOOR_U64);
    /// How far a frozen word may drift from [`FROZEN`](Encoding::FROZEN)
    /// before a reset CAS brings it back; 0 for encodings that need no reset.
    /// A quarter of the room above `FROZEN` (`2^(B-4)`; `Biased`, whose
    /// frozen zone is half as high, `2^(B-5)`): the other three quarters are
    /// the readers' headroom ([`FROZEN_HEADROOM`](Encoding::FROZEN_HEADROOM)).
    #[doc(hidden)]
    const DRIFT_LIMIT: Self::Word = narrow::<Self::Word>(Self::DRIFT_LIMIT_U64);
    /// Half the state field: distances below it count as "above", above it as
    /// "below" (signed comparison within the state field).
    #[doc(hidden)]
    const HALF: Self::Word = narrow::<Self::Word>(bit(Self::B - 1));
}

mod sealed {
    pub trait Sealed {}
}

macro_rules! encoding {
    ($(#[$doc:meta])* $name:ident, $mark:ident) => {
        $(#[$doc])*
        ///
        /// A zero-sized marker, generic over the word (`u8`, `u16`, `u32` by
        /// default, `u64`).
        pub struct $name<W = u32>(PhantomData<fn() -> W>);
        zero_sized_marker!($name<W>);
        impl<W: Word> sealed::Sealed for $name<W> {}
        impl<W: Word> Encoding for $name<W> {
            type Word = W;
            const NAME: &'static str = stringify!($name);
            const SCHEME: Scheme = Scheme::whole_word(FrozenMark::$mark, W::BITS);
        }
    };
}

encoding!(
    /// FROZEN is the most significant bit; the count is in the low bits. The
    /// design merged in the kernel series: `try_get` is `fetch_add` plus one
    /// `test` of the result. An all-zero word is a live count of zero, so
    /// zeroed memory is *not* a frozen counter: use [`FrozenRefcount::new_frozen`](crate::FrozenRefcount::new_frozen).
    HighBit, TopBitSet
);
encoding!(
    /// FROZEN is bit 0; the count is stored as `count << 1`, so every
    /// increment adds 2 and can never reach the state bit: failed gets need no
    /// reset and misused puts cannot thaw a frozen word. Zeroed memory is a
    /// live zero, not frozen.
    LowBit, LowBitSet
);
encoding!(
    /// Inverted, "zero is locked": a LIVE bit at the MSB, the count in the low
    /// bits. An all-zero word (memset, `mem::zeroed`, a zero-filled page) is a
    /// valid frozen counter. Costs one mask on each count read.
    ZeroLockedHigh, TopBitClear
);
encoding!(
    /// Inverted, "zero is locked", with the LIVE bit at bit 0 and the count
    /// stored as `count << 1`. An all-zero word is frozen, and like
    /// [`LowBit`] no sequence of increments or decrements can flip bit 0.
    ZeroLockedLow, LowBitClear
);
encoding!(
    /// After Linux `rcuref_t` (lib/rcuref.c): the word stores `refs - 1`, so
    /// one reference is 0 and the transient zero is all ones, and every
    /// fast-path decision is the sign of the RMW's result. On x86-64
    /// `try_get` is `lock incl` + `js` and the fast `put` is `lock xadd` +
    /// `dec` + `js`. Live refs `1..=2^(B-1)` (`2^31` for `u64`); saturated
    /// and frozen are zones of the negative half with margins, as in rcuref.
    /// Zeroed memory is a live count of one (not frozen): use
    /// [`FrozenRefcount::new_frozen`](crate::FrozenRefcount::new_frozen).
    Biased, BiasedZone
);
encoding!(
    /// The baseline, today's `atomic_add_unless(v, 1, 0)`: zero is dead and
    /// `try_get` is a load plus a CAS loop that refuses zero. The last `put` is
    /// a plain `fetch_sub` reaching zero, with no CAS.
    Classic, ZeroCount
);

/// The crate's one list of encodings: `for_each_encoding!(m!(args…))`
/// invokes, in this order, `m! { @generic E, args… }` for each encoding
/// generic over its word (`E` the marker's name in the crate root, to be
/// given a width: `E<u32>`) and `m! { @fixed E, args… }` for each encoding
/// of one fixed word (`Tagged`, where the target has 64-bit atomics).
/// Expands to items or statements, whichever `m!` gives; `m!` brings the
/// names into scope (`use frozen_refcount::*`).
///
/// The repository's tests, benches and asm probe go through it; it is
/// hidden and not part of the semver-stable API. `Tagged`'s cfg is
/// evaluated here, through `__if_tagged!`, not in the caller.
#[doc(hidden)]
#[macro_export]
macro_rules! for_each_encoding {
    ($m:ident ! ( $($args:tt)* )) => {
        $m! { @generic HighBit, $($args)* }
        $m! { @generic LowBit, $($args)* }
        $m! { @generic ZeroLockedHigh, $($args)* }
        $m! { @generic ZeroLockedLow, $($args)* }
        $m! { @generic Biased, $($args)* }
        $crate::__if_tagged! { $m! { @fixed Tagged, $($args)* } }
        $m! { @generic Classic, $($args)* }
    };
}

/// Keeps its tokens where [`Tagged`] exists, drops them elsewhere.
#[cfg(any(frozen_refcount_loom, target_has_atomic = "64"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_tagged {
    ($($t:tt)*) => { $($t)* };
}
/// Keeps its tokens where `Tagged` exists, drops them elsewhere.
#[cfg(not(any(frozen_refcount_loom, target_has_atomic = "64")))]
#[doc(hidden)]
#[macro_export]
macro_rules! __if_tagged {
    ($($t:tt)*) => {};
}

/// [`HighBit<u32>`] in the low half of a `u64`, with a 32-bit generation in
/// the high half that [`unfreeze`](crate::FrozenRefcount::unfreeze) advances.
/// The last `put` CASes from the exact `(generation, 0)` word its own
/// `fetch_sub` produced, so a `put` preempted across a whole free/reuse cycle
/// fails its CAS instead of taking the new life's `Last` (the put/put ABA).
/// The generation wraps after 2^32 `unfreeze`s; the ABA comes back only if a
/// single preempted `put` sleeps across exactly a multiple of 2^32 reuses of
/// the slot. [`FrozenRefcount::generation`](crate::FrozenRefcount::generation)
/// reads it, and
/// [`skip_generation`](crate::FrozenRefcount::skip_generation) spends a life
/// without living it.
#[cfg(any(frozen_refcount_loom, target_has_atomic = "64"))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Tagged;
#[cfg(any(frozen_refcount_loom, target_has_atomic = "64"))]
impl sealed::Sealed for Tagged {}
#[cfg(any(frozen_refcount_loom, target_has_atomic = "64"))]
impl Encoding for Tagged {
    type Word = u64;
    const NAME: &'static str = "Tagged";
    const SCHEME: Scheme = Scheme {
        mark: FrozenMark::TopBitSet,
        state_bits: 32,
        generation: true,
    };
}
