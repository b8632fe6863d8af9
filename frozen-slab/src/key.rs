//! Keys: a slot index and the generation of the slot's life, in one `usize`.
//!
//! `generation << 32 | index`. The generation is the slot's `Tagged`
//! generation during the life the key names, so a key from an earlier life
//! (a stale key) differs from every key of the slot's next 2^32 - 1 lives.

/// A key, unpacked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Key {
    pub(crate) index: u32,
    pub(crate) generation: u32,
}

impl Key {
    #[inline(always)]
    pub(crate) fn pack(self) -> usize {
        (self.generation as usize) << 32 | self.index as usize
    }

    #[inline(always)]
    pub(crate) fn unpack(key: usize) -> Self {
        Key {
            index: key as u32,
            generation: (key >> 32) as u32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Key;

    #[test]
    fn round_trip_at_the_edges() {
        for (index, generation) in [(0, 0), (u32::MAX, 1), (7, u32::MAX), (u32::MAX, u32::MAX)] {
            let k = Key { index, generation };
            assert_eq!(Key::unpack(k.pack()), k);
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
}
