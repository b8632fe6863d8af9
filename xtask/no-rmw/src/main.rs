//! frozen-refcount on cores with no atomic read-modify-write, run rather
//! than only built (CI stage 31):
//!
//! - RV32IMC (`riscv32imc-unknown-none-elf`, the ESP32-C3's ISA: no A
//!   extension) as a Linux ELF under `qemu-riscv32 -cpu rv32,a=false`, where
//!   an AMO or LR/SC instruction is an illegal instruction;
//! - Cortex-M0 (`thumbv6m-none-eabi`, as the RP2040's M0+) on
//!   `qemu-system-arm -machine microbit`, through semihosting.
//!
//! `DefaultBackend` is `PortableAtomics`, whose operations run in
//! portable-atomic's critical section (`platform/`: a no-op on the
//! one-thread Linux process, interrupts masked on the M0; both count).
//!
//! The checks are the sequential, `no_std` part of the test suites: every
//! encoding at u8, u16 and u32 (no `Tagged`: there are no 64-bit atomics)
//! against the reference model (`frozen_refcount::model`, as tests/model.rs),
//! one `Last` per life, frozen stays frozen under failed `try_get`s, the
//! release-mode misuse guarantees (tests/misuse.rs), and the number of
//! atomic operations per call (tests/semantics.rs `rmw_counts`), counted as
//! critical sections. Output is libtest's (`test result: ok. N passed`), so
//! CI counts it the same way. See docs/verification.md.
#![no_std]
#![no_main]

mod checks;
mod platform;

use core::fmt::Write;
use platform::Stdout;

/// Runs every check; the exit status.
fn main() -> i32 {
    let mut passed = 0;
    checks::all(&mut |name: &str| {
        let _ = writeln!(Stdout, "test {name} ... ok");
        passed += 1;
    });
    let _ = writeln!(
        Stdout,
        "\ntest result: ok. {passed} passed; 0 failed; 0 ignored; 0 measured; 0 filtered out"
    );
    0
}
