//! The encoding, read: what a word means (live, exact, frozen, its count and
//! generation), from the constants `Encoding` derives. Pure functions of the
//! word; every decision of the protocol in `frozen.rs` goes through them.

use super::{FrozenRefcount, W};
use crate::backends::Backend;
use crate::encoding::Encoding;
use crate::state::State;
use crate::word::Word;
use core::fmt;

impl<E: Encoding, B: Backend> FrozenRefcount<E, B> {
    #[inline(always)]
    pub(super) fn delta(n: u32) -> E::Word {
        // Evaluated once per encoding at compile time: the reader and
        // saturation bounds hold (encoding.rs).
        #[allow(clippy::let_unit_value)]
        let () = E::BOUNDS_HOLD;
        assert!(
            n >= 1 && n <= E::MAX_MANY,
            "FrozenRefcount: n out of 1..=MAX_MANY"
        );
        W::<E>::from_u64(n as u64) << E::SHIFT
    }

    #[inline(always)]
    pub(super) fn live_word(count: u32) -> E::Word {
        E::ZERO.wrapping_add(W::<E>::from_u64(count as u64) << E::SHIFT)
    }

    /// Live with an exactly stored count (zero included).
    #[inline(always)]
    pub(super) fn exact(w: E::Word) -> bool {
        w & E::CLASS_MASK == E::CLASS_EXACT
    }

    #[inline(always)]
    pub(super) fn frozen(w: E::Word) -> bool {
        let s = Self::state_bits(w);
        (s & E::STATE_BIT == E::FROZEN_WHEN && !(E::BIASED && s == E::ZERO))
            || (E::DEAD_ZERO && s == E::ZERO)
            || (E::WRAP_FLOOR != W::<E>::ZERO && s >= E::WRAP_FLOOR)
    }

    /// An add that produced `new` was refused: it landed on a frozen word.
    /// An add ends on the transient zero only from the top of `Biased`'s
    /// frozen zone (every other encoding's zero is an exact word, which no
    /// slow path sees), so that counts as refused too.
    #[inline(always)]
    pub(super) fn refused(new: E::Word) -> bool {
        Self::frozen(new) || Self::state_bits(new) == E::ZERO
    }

    #[inline(always)]
    pub(super) fn state_bits(w: E::Word) -> E::Word {
        w & E::STATE_MASK
    }

    #[inline(always)]
    pub(super) fn gen_bits(w: E::Word) -> E::Word {
        w & !E::STATE_MASK
    }

    pub(super) fn classify(w: E::Word) -> State {
        let s = Self::state_bits(w);
        if Self::frozen(s) {
            State::Frozen
        } else if s == E::ZERO {
            State::Zero // before the exact test: `Biased`'s zero is all ones
        } else if !Self::exact(s) {
            State::Saturated
        } else {
            let n = (s.wrapping_sub(E::ZERO) >> E::SHIFT).to_u64();
            State::Live(n as u32) // exact counts fit: COUNT_BITS <= 31
        }
    }
}

impl<E: Encoding, B: Backend> fmt::Debug for FrozenRefcount<E, B> {
    /// `FrozenRefcount<HighBit>(Live(2))`; `Tagged` adds the generation.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let w = self.load_raw();
        write!(f, "FrozenRefcount<{}>({:?}", E::NAME, Self::classify(w))?;
        if E::TAGGED {
            write!(f, ", generation {}", w.to_u64() >> E::B)?;
        }
        f.write_str(")")
    }
}
