//! Cortex-M0 (`thumbv6m-none-eabi`, no atomic RMW) on
//! `qemu-system-arm -machine microbit` (nRF51822): the entry point
//! (cortex-m-rt), output and exit through semihosting, and the critical
//! section: interrupts masked with `cpsid i`, PRIMASK restored.

use core::fmt;
use cortex_m_semihosting::{debug, hio};

/// Standard output: the host's, through semihosting.
pub struct Stdout;

impl fmt::Write for Stdout {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        hio::hstdout().map_err(|_| fmt::Error)?.write_str(s)
    }
}

/// Ends the emulation: success for 0, failure otherwise.
pub fn exit(code: i32) -> ! {
    debug::exit(if code == 0 {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    unreachable!()
}

#[cortex_m_rt::entry]
fn start() -> ! {
    exit(crate::main())
}

/// What an M0 critical section is (as `cortex-m`'s single-core one): read
/// PRIMASK, mask interrupts, and on release unmask them only if they were
/// on. Counted ([`super::sections`]).
struct Section;
critical_section::set_impl!(Section);

// SAFETY: the nRF51822 has one core; with PRIMASK set no interrupt handler
// can run between acquire and release.
unsafe impl critical_section::Impl for Section {
    unsafe fn acquire() -> critical_section::RawRestoreState {
        let was_on = cortex_m::register::primask::read().is_active();
        cortex_m::interrupt::disable();
        super::sections::enter();
        was_on
    }
    unsafe fn release(was_on: critical_section::RawRestoreState) {
        super::sections::leave();
        if was_on {
            // SAFETY: interrupts were enabled when the section began.
            unsafe { cortex_m::interrupt::enable() };
        }
    }
}
