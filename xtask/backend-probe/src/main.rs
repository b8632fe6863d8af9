//! `backend-probe`: one `#[inline(never)]` wrapper per (operation, backend): read their asm,
//! or count their instructions under callgrind / qemu.
#![allow(clippy::missing_safety_doc)]
use frozen_refcount::*;

macro_rules! probes {
    ($($b:ident => $tg:ident, $put:ident, $lp:ident;)*) => {$(
        #[no_mangle]
        #[inline(never)]
        pub fn $tg(c: &FrozenRefcount<HighBit, $b>) -> bool { c.try_get() }
        #[no_mangle]
        #[inline(never)]
        pub fn $put(c: &FrozenRefcount<HighBit, $b>) -> Put { c.put() }
        /// `n` rounds of try_get + put (the fast paths: never Last).
        #[no_mangle]
        #[inline(never)]
        pub fn $lp(c: &FrozenRefcount<HighBit, $b>, n: u64) -> u64 {
            let mut kept = 0;
            for _ in 0..n {
                if c.try_get() {
                    kept += (c.put() == Put::Kept) as u64;
                }
            }
            kept
        }
    )*};
}

probes! { CoreAtomics => try_get_core, put_core, loop_core; }
#[cfg(target_arch = "x86_64")]
probes! { X86Asm => try_get_x86asm, put_x86asm, loop_x86asm; }
#[cfg(target_arch = "aarch64")]
probes! {
    ArmLlsc => try_get_llsc, put_llsc, loop_llsc;
    ArmDetect => try_get_detect, put_detect, loop_detect;
}
#[cfg(all(target_arch = "aarch64", target_feature = "lse"))]
probes! { ArmLse => try_get_lse, put_lse, loop_lse; }

fn main() {
    let which = std::env::args().nth(1).unwrap_or_default();
    let n: u64 = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let kept = match which.as_str() {
        "core" => loop_core(&FrozenRefcount::new(1), n),
        #[cfg(target_arch = "x86_64")]
        "x86asm" => loop_x86asm(&FrozenRefcount::new(1), n),
        #[cfg(target_arch = "aarch64")]
        "llsc" => loop_llsc(&FrozenRefcount::new(1), n),
        #[cfg(target_arch = "aarch64")]
        "detect" => loop_detect(&FrozenRefcount::new(1), n),
        #[cfg(all(target_arch = "aarch64", target_feature = "lse"))]
        "lse" => loop_lse(&FrozenRefcount::new(1), n),
        _ => panic!("which backend?"),
    };
    assert_eq!(kept, n);
}
