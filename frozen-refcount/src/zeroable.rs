//! `bytemuck::Zeroable` for the zero-locked encodings (feature `bytemuck`).
//!
//! Every bit pattern is a valid counter, so an all-zero one is sound for
//! every encoding; the impls are limited to the two encodings for which it
//! also *means* something safe: frozen, owned by whoever zeroed the memory.
//! For `HighBit`, `LowBit` and `Tagged` an all-zero word is a live count of
//! zero that any `try_get` takes, and `Classic`'s zero is dead but its
//! `try_get` is the CAS loop the crate exists to avoid: a zeroed table of
//! those is a bug the type system can catch.

use crate::backends::Backend;
use crate::encoding::{ZeroLockedHigh, ZeroLockedLow};
use crate::frozen::FrozenRefcount;
use crate::word::Word;

// SAFETY: `FrozenRefcount` is `repr(transparent)` over core's atomic integer
// of the width, for which all-zero is a valid value (as for the integer).
unsafe impl<W: Word, B: Backend> bytemuck::Zeroable for FrozenRefcount<ZeroLockedHigh<W>, B> {}
// SAFETY: as above.
unsafe impl<W: Word, B: Backend> bytemuck::Zeroable for FrozenRefcount<ZeroLockedLow<W>, B> {}
