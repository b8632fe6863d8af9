//! Keys: a slot index and the generation of the slot's life, in one `usize`.
//!
//! `generation << 32 | index`. The generation is the slot's `Tagged`
//! generation during the life the key names, modulo 2^(32 - R) where R is
//! the configuration's `RESERVED_BITS` (so the top R bits of a key are
//! never set, and a lookup ignores them): a key from an earlier life (a
//! stale key) differs from every key of the slot's next 2^(32 - R) - 1
//! lives. With no reserved bits the mask is `u32::MAX`, a constant, and the
//! `&` with it folds away: the code is what it was without a configuration.

use crate::cfg::{CfgPrivate, Config};

/// A key, unpacked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Key {
    pub(crate) index: u32,
    pub(crate) generation: u32,
}

impl Key {
    /// The key of life `generation` (the slot's refcount generation, all 32
    /// bits) of slot `index`: the generation is cut to the field `C` leaves.
    #[inline(always)]
    pub(crate) fn of_life<C: Config>(index: u32, generation: u32) -> Self {
        Key {
            index,
            generation: generation & C::GENERATION_MASK,
        }
    }

    #[inline(always)]
    pub(crate) fn pack(self) -> usize {
        (self.generation as usize) << 32 | self.index as usize
    }

    /// A key as the user passed it: its reserved bits (`C::RESERVED_BITS`
    /// high bits, which the user may have set) are dropped.
    #[inline(always)]
    pub(crate) fn unpack<C: Config>(key: usize) -> Self {
        Key {
            index: key as u32,
            generation: (key >> 32) as u32 & C::GENERATION_MASK,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Key;
    use crate::cfg::{Config, DefaultConfig};

    struct Reserve8;
    impl Config for Reserve8 {
        const RESERVED_BITS: usize = 8;
    }

    #[test]
    fn round_trip_at_the_edges() {
        for (index, generation) in [(0, 0), (u32::MAX, 1), (7, u32::MAX), (u32::MAX, u32::MAX)] {
            let k = Key { index, generation };
            assert_eq!(Key::unpack::<DefaultConfig>(k.pack()), k);
        }
        assert_eq!(
            Key {
                index: 3,
                generation: 2
            }
            .pack(),
            (2usize << 32) | 3
        );
    }

    #[test]
    fn reserved_bits_are_cut_from_the_generation() {
        let k = Key::of_life::<Reserve8>(7, u32::MAX);
        assert_eq!(k.generation, 0x00FF_FFFF);
        assert_eq!(k.pack() >> 56, 0, "the top 8 bits of a key are never set");
        assert_eq!(Key::unpack::<Reserve8>(k.pack() | 0xAB << 56), k);
        assert_eq!(
            Key::of_life::<DefaultConfig>(7, u32::MAX).generation,
            u32::MAX
        );
    }
}
