//! The asm probe: one `#[inline(never)]`, unmangled, monomorphic wrapper per
//! (encoding, backend, operation), so that `cargo xtask asm` can read the
//! code rustc generates for each hot path out of `--emit asm`.
//!
//! Symbols are named `frc_<Encoding>_<backend>_<op>`, e.g.
//! `frc_HighBit_core_try_get`. The encodings and the backends dumped are
//! the crate's lists (`frozen_refcount::for_each_encoding!`,
//! `for_each_backend!`), so one added to the crate is dumped with no change
//! here: xtask finds
//! the new symbols, writes `asm-dumps/<target>-<backend>.s` and checks them.
//!
//! At the end, `slab_get_drop`: frozen-slab's get + drop, on the default
//! backend.
//!
//! Not a library anyone should link: it exists to be compiled to assembly.
#![no_std]
#![allow(non_snake_case)]

use frozen_refcount::{FrozenRefcount, Put};

/// Emits the wrappers for one (encoding, backend) pair. `$e` and `$b` are the
/// short names that go into the symbol, `$E` and `$B` the types.
macro_rules! wrappers {
    ($e:ident => $E:ty, $b:ident => $B:ty) => {
        const _: () = {
            type Rc = FrozenRefcount<$E, $B>;

            /// `try_get`: one RMW and a test; the failed-get reset out of line.
            #[export_name = concat!("frc_", stringify!($e), "_", stringify!($b), "_try_get")]
            #[inline(never)]
            pub fn try_get(rc: &Rc) -> bool {
                rc.try_get()
            }

            /// `get`: one relaxed RMW.
            #[export_name = concat!("frc_", stringify!($e), "_", stringify!($b), "_get")]
            #[inline(never)]
            pub fn get(rc: &Rc) {
                rc.get()
            }

            /// `put`: one RMW; the last put's CAS out of line.
            #[export_name = concat!("frc_", stringify!($e), "_", stringify!($b), "_put")]
            #[inline(never)]
            pub fn put(rc: &Rc) -> Put {
                rc.put()
            }

            /// `freeze(expected)`: one CAS (a runtime `expected`, so the range
            /// check is part of the dump, as in a real caller).
            #[export_name = concat!("frc_", stringify!($e), "_", stringify!($b), "_freeze")]
            #[inline(never)]
            pub fn freeze(rc: &Rc, expected: u32) -> bool {
                rc.freeze(expected)
            }

            /// `unfreeze(count)`: one store (`Tagged`: a load first).
            #[export_name = concat!("frc_", stringify!($e), "_", stringify!($b), "_unfreeze")]
            #[inline(never)]
            pub fn unfreeze(rc: &Rc, count: u32) {
                rc.unfreeze(count)
            }
        };
    };
}

/// Every encoding of the crate's one list (`frozen_refcount::for_each_encoding!`)
/// for one backend, at `u32` (`Tagged`: its `u64`).
macro_rules! for_encodings {
    ($b:ident => $B:ty) => {
        frozen_refcount::for_each_encoding!(encoding!($b => $B));
    };
}
macro_rules! encoding {
    (@generic $e:ident, $b:ident => $B:ty) => {
        wrappers!($e => frozen_refcount::$e<u32>, $b => $B);
    };
    (@fixed $e:ident, $b:ident => $B:ty) => {
        wrappers!($e => frozen_refcount::$e, $b => $B);
    };
}

// Every backend of the crate's one list (`frozen_refcount::for_each_backend!`),
// under the name its dump carries (`asm-dumps/<target>-<short>.s`).
macro_rules! backend {
    (@backend $B:ty, $b:ident,) => {
        for_encodings!($b => $B);
    };
}
frozen_refcount::for_each_backend!(backend!());

/// frozen-slab's hot path: `get` + drop of the guard on a `Slab<u64>`, the
/// value read through it. xtask dumps it to `asm-dumps/<target>-slab.s` and
/// checks it: two RMWs (the refcount's `try_get` and `put`), no loop, no CAS.
#[export_name = "slab_get_drop"]
#[inline(never)]
pub fn slab_get_drop(slab: &frozen_slab::Slab<u64>, key: usize) -> u64 {
    slab.get(key).map_or(0, |entry| *entry)
}
