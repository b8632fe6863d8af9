//! Shared by the integration tests: the list of every (encoding, width,
//! backend) the target has, in one place. A test is a generic function
//! `fn t<E: Encoding, B: Backend>()`; `each_counter!(t)` calls it for
//! all of them, on the crate's one list of backends.
#![allow(dead_code, unused_macros, unused_imports)]

pub use frozen_refcount::*;

/// The crate's one list of backends (`frozen_refcount::for_each_backend!`):
/// `for_each_backend!(m!(args…))` calls `m! { @backend B, short, args… }`
/// for every backend that exists on this target.
pub(crate) use frozen_refcount::for_each_backend;

/// Calls `$f::<E, B>($args)` for every encoding at every width, on every
/// backend available on this target: the crate's lists of both
/// (`frozen_refcount::for_each_backend!`, `for_each_encoding!`).
macro_rules! each_counter {
    ($f:ident $(, $arg:expr)*) => {
        {
            $crate::common::for_each_backend!(each_counter!($f $(, $arg)*));
        }
    };
    (@backend $b:ty, $short:ident, $f:ident $(, $arg:expr)*) => {{
        use $crate::common::*;
        frozen_refcount::for_each_encoding!(each_counter!(@on $b, $f $(, $arg)*));
    }};
    (@generic $e:ident, @on $b:ty, $f:ident $(, $arg:expr)*) => {{
        $f::<$e<u8>, $b>($($arg),*);
        $f::<$e<u16>, $b>($($arg),*);
        $f::<$e<u32>, $b>($($arg),*);
        #[cfg(target_has_atomic = "64")]
        $f::<$e<u64>, $b>($($arg),*);
    }};
    (@fixed $e:ident, @on $b:ty, $f:ident $(, $arg:expr)*) => {{
        $f::<$e, $b>($($arg),*);
    }};
}
pub(crate) use each_counter;

/// A small deterministic PRNG (xorshift64*), for tests that need many cheap
/// random choices without a dependency.
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// `Encoding::NAME` plus the width, for assertion messages.
pub fn label<E: Encoding, B: Backend>() -> String {
    format!("{}<u{}>/{}", E::NAME, <E::Word as Word>::BITS, B::NAME)
}
