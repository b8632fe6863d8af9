//! `Config` and `DefaultConfig`: sharded-slab's configuration trait, with
//! the same four constants and defaults, so that code written against
//! sharded-slab's `Slab<T, C>` and `Pool<T, C>` compiles unchanged.
//!
//! Of the four, frozen-slab acts on one, [`RESERVED_BITS`](Config::RESERVED_BITS):
//! the others describe sharded-slab's per-thread shards and pages, which
//! frozen-slab does not have (each constant's docs say what it does here).
//! Like sharded-slab, the crate exports the two items at its root only.

use core::fmt;

/// The most bits a key may reserve: a key's generation field (32 bits in
/// frozen-slab) keeps at least 2 bits, the least sharded-slab's own check
/// accepts (its generation must count to 3).
pub(crate) const MAX_RESERVED_BITS: usize = 30;

/// Configuration of a [`Slab`](crate::Slab) or a [`Pool`](crate::Pool):
/// sharded-slab's trait, with the same associated constants and defaults.
///
/// A configuration is a type, chosen with
/// [`Slab::new_with_config`](crate::Slab::new_with_config) or
/// [`Pool::new_with_config`](crate::Pool::new_with_config). Every constant
/// has a default, so a configuration overrides only what it changes:
///
/// ```
/// use frozen_slab::{Config, Slab};
///
/// /// Keys leave their top 5 bits to the user.
/// struct Flagged;
/// impl Config for Flagged {
///     const RESERVED_BITS: usize = 5;
/// }
///
/// let slab = Slab::new_with_config::<Flagged>();
/// let key = slab.insert("hello").unwrap();
/// assert_eq!(key >> (usize::BITS as usize - 5), 0);
///
/// // A flag in the reserved bits does not change which value a key names.
/// let flagged = key | 1 << 63;
/// assert_eq!(*slab.get(flagged).unwrap(), "hello");
/// ```
///
/// More than 30 reserved bits (fewer than 2 generation bits left) is a
/// compile-time error where the configuration is used (sharded-slab panics
/// in `new_with_config` instead):
///
/// ```compile_fail
/// use frozen_slab::{Config, Slab};
///
/// struct TooMany;
/// impl Config for TooMany {
///     const RESERVED_BITS: usize = 31;
/// }
///
/// let slab = Slab::<u32>::new_with_config::<TooMany>();
/// ```
pub trait Config: Sized {
    /// sharded-slab: the most threads that may use the slab at once (one
    /// shard each). Accepted and **ignored** by frozen-slab, which has no
    /// thread limit: any number of threads may use a slab, sharing 16
    /// free lists beyond the 16th. Default: 4096, as sharded-slab's.
    const MAX_THREADS: usize = DefaultConfig::MAX_THREADS;

    /// sharded-slab: the number of pages in each thread's shard. Accepted
    /// and **ignored** by frozen-slab: its pages are shared by all threads
    /// (page `p` holds `32 << p` slots, for at most
    /// [`Slab::MAX_SLOTS`](crate::Slab::MAX_SLOTS) in all), and its
    /// capacity is set by
    /// [`with_max_slots`](crate::Slab::with_max_slots) instead. (A bound
    /// made from sharded-slab's per-thread page geometry would not be
    /// sharded-slab's: there, how much fits depends on how many threads
    /// insert.) Default: 32, as sharded-slab's on 64-bit targets.
    const MAX_PAGES: usize = DefaultConfig::MAX_PAGES;

    /// sharded-slab: the number of slots in the first page of each
    /// thread's shard. Accepted and **ignored** by frozen-slab, whose first
    /// page always holds 32 slots (see [`MAX_PAGES`](Self::MAX_PAGES)).
    /// Default: 32, as sharded-slab's.
    const INITIAL_PAGE_SIZE: usize = DefaultConfig::INITIAL_PAGE_SIZE;

    /// The number of high bits of every key that are left to the user:
    /// **kept** exactly as in sharded-slab. Keys never set their top
    /// `RESERVED_BITS` bits, and every lookup ([`get`](crate::Slab::get),
    /// [`get_owned`](crate::Slab::get_owned),
    /// [`contains`](crate::Slab::contains),
    /// [`remove`](crate::Slab::remove), [`take`](crate::Slab::take), the
    /// [`Pool`](crate::Pool)'s `get`, `get_owned` and `clear`) ignores
    /// them, so a key can carry flags there. A guard's `key()` is the key
    /// it was looked up with, flags included, as in sharded-slab.
    ///
    /// The bits come out of the key's generation, as in sharded-slab: a key
    /// is `generation << 32 | index`, and its generation field keeps
    /// `32 - RESERVED_BITS` bits. A key is refused once its value is
    /// removed until its slot has been reused `2^(32 - RESERVED_BITS)`
    /// times (a [`Pool`](crate::Pool)'s slot: 2 times fewer when those
    /// lives span the wrap of the slot's 32-bit count, see the
    /// [`pool`](crate::pool) module); after that a stale key names the
    /// slot's current value again.
    ///
    /// At most 30 (2 generation bits left), checked at compile time where
    /// the configuration is used. Default: 0 (every bit is the slab's).
    const RESERVED_BITS: usize = 0;
}

/// What frozen-slab derives from a [`Config`], as constants, so that with
/// [`DefaultConfig`] the code is what it was without a configuration.
pub(crate) trait CfgPrivate: Config {
    /// The bits of a key's 32-bit generation field that the slab compares:
    /// `u32::MAX` with no reserved bits, so that the `&` with it folds away.
    /// Evaluating it checks `RESERVED_BITS` (a post-monomorphization error:
    /// every constructor names it, so no slab is built with a bad config).
    const GENERATION_MASK: u32 = {
        assert!(
            Self::RESERVED_BITS <= MAX_RESERVED_BITS,
            "frozen_slab::Config::RESERVED_BITS is at most 30: a key keeps at least 2 generation bits"
        );
        u32::MAX >> Self::RESERVED_BITS
    };
}

impl<C: Config> CfgPrivate for C {}

/// The default configuration: sharded-slab's `DefaultConfig`, with the same
/// constants (of which frozen-slab uses only `RESERVED_BITS`, 0 here: every
/// key bit is the slab's). Like sharded-slab's, it is `Copy`, `Clone` and
/// `Debug`, and cannot be built outside the crate (it is only named as a type).
#[derive(Copy, Clone)]
pub struct DefaultConfig {
    _p: (),
}

impl Config for DefaultConfig {
    const MAX_THREADS: usize = 4096;
    const MAX_PAGES: usize = usize::BITS as usize / 2;
    const INITIAL_PAGE_SIZE: usize = 32;
    const RESERVED_BITS: usize = 0;
}

impl fmt::Debug for DefaultConfig {
    /// The constants, as sharded-slab's `Debug` shows its configuration.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultConfig")
            .field("max_threads", &Self::MAX_THREADS)
            .field("max_pages", &Self::MAX_PAGES)
            .field("initial_page_size", &Self::INITIAL_PAGE_SIZE)
            .field("reserved_bits", &Self::RESERVED_BITS)
            .finish()
    }
}
