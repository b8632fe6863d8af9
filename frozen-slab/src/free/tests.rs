//! The layout `Shard`'s doc promises, on the real atomics (loom's are
//! larger): the words a shard's own inserts touch share one 128-byte line
//! pair, and the word other shards' threads write has a pair of its own.

use super::*;
use core::mem::{align_of, offset_of, size_of};

const PAIR: usize = 128;

/// The line pairs `[offset, offset + size)` of a `Shard` touches (a
/// `Shard` starts on a pair: its alignment is checked below).
fn pairs(offset: usize, size: usize) -> (usize, usize) {
    (offset / PAIR, (offset + size - 1) / PAIR)
}

#[test]
fn a_shards_own_words_share_a_line_pair_and_the_remote_word_has_its_own() {
    assert_eq!(align_of::<Shard>(), PAIR);
    assert_eq!(align_of::<Padded<Shard>>(), PAIR);
    assert_eq!(
        size_of::<Padded<Shard>>() % PAIR,
        0,
        "shards never share a pair"
    );
    let own = [
        pairs(offset_of!(Shard, local), size_of::<UnsafeCell<Local>>()),
        pairs(offset_of!(Shard, epoch), size_of::<AtomicU64>()),
        pairs(offset_of!(Shard, head), size_of::<AtomicU64>()),
        pairs(offset_of!(Shard, run), size_of::<AtomicU64>()),
    ];
    let (first, _) = own[0];
    for (lo, hi) in own {
        assert_eq!((lo, hi), (first, first), "{own:?}");
    }
    let remote = pairs(offset_of!(Shard, remote), size_of::<AtomicU32>());
    assert_eq!(remote.0, remote.1);
    assert_ne!(remote.0, first, "the remote word shares the owner's pair");
}
