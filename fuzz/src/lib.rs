//! The harnesses behind the cargo-fuzz targets in `fuzz_targets/`, kept in a
//! library so that the regression tests in `tests/` replay exactly what the
//! targets run. See docs/verification.md, "Fuzzing".
//!
//! - [`ops`]: one counter against the sequential model
//!   (`frozen_refcount::model::Checker`, shared with the crate's tests).
//! - [`lifecycle`]: many counters and lives, every reference a token,
//!   misuse through the release-mode paths.
//! - [`interleave`]: 2-5 logical threads on the real protocol, one atomic
//!   step at a time, in an order the fuzzer picks.
//! - [`slab_model`]: frozen-slab against a sequential model (panicking
//!   drops, vacant entries, stale and garbage keys, a full slab).
//! - [`slab_interleave`]: 2-4 real threads with fuzzer-chosen programs on one
//!   frozen-slab, checked for keys reaching other values and drop counts.

pub mod interleave;
pub mod lifecycle;
pub mod ops;
pub mod slab_interleave;
pub mod slab_model;

/// The encodings and widths the targets choose from. `u8` words reach
/// saturation (`MAX_COUNT` = 63) and the garbage reset in a few steps; `u32`
/// is the default width.
#[derive(arbitrary::Arbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enc {
    /// `HighBit<u8>`
    HighBit8,
    /// `HighBit<u32>`
    HighBit32,
    /// `LowBit<u8>`
    LowBit8,
    /// `LowBit<u32>`
    LowBit32,
    /// `ZeroLockedHigh<u8>`
    ZeroLockedHigh8,
    /// `ZeroLockedHigh<u32>`
    ZeroLockedHigh32,
    /// `ZeroLockedLow<u8>`
    ZeroLockedLow8,
    /// `ZeroLockedLow<u32>`
    ZeroLockedLow32,
    /// `Classic<u8>`
    Classic8,
    /// `Classic<u32>`
    Classic32,
    /// `Tagged` (u64)
    Tagged,
    /// `Biased<u8>` (after rcuref; saturates at 129 refs)
    Biased8,
    /// `Biased<u32>`
    Biased32,
}

/// Calls `$f::<E, $b>($args)` with the encoding type `Enc` names. `$b` is the
/// backend (it must implement `Backend` for u8, u32 and u64).
#[macro_export]
macro_rules! with_encoding {
    ($enc:expr, $b:ty, $f:ident ( $($arg:expr),* )) => {{
        use frozen_refcount::*;
        match $enc {
            $crate::Enc::HighBit8 => $f::<HighBit<u8>, $b>($($arg),*),
            $crate::Enc::HighBit32 => $f::<HighBit<u32>, $b>($($arg),*),
            $crate::Enc::LowBit8 => $f::<LowBit<u8>, $b>($($arg),*),
            $crate::Enc::LowBit32 => $f::<LowBit<u32>, $b>($($arg),*),
            $crate::Enc::ZeroLockedHigh8 => $f::<ZeroLockedHigh<u8>, $b>($($arg),*),
            $crate::Enc::ZeroLockedHigh32 => $f::<ZeroLockedHigh<u32>, $b>($($arg),*),
            $crate::Enc::ZeroLockedLow8 => $f::<ZeroLockedLow<u8>, $b>($($arg),*),
            $crate::Enc::ZeroLockedLow32 => $f::<ZeroLockedLow<u32>, $b>($($arg),*),
            $crate::Enc::Classic8 => $f::<Classic<u8>, $b>($($arg),*),
            $crate::Enc::Classic32 => $f::<Classic<u32>, $b>($($arg),*),
            $crate::Enc::Tagged => $f::<Tagged, $b>($($arg),*),
            $crate::Enc::Biased8 => $f::<Biased<u8>, $b>($($arg),*),
            $crate::Enc::Biased32 => $f::<Biased<u32>, $b>($($arg),*),
        }
    }};
}
