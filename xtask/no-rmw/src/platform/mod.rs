//! The one part that differs per core: entry, output, exit and the
//! critical section. The checks (`../checks.rs`) are the same on both.

pub mod sections;

#[cfg(target_arch = "riscv32")]
mod rv32_linux;
#[cfg(target_arch = "riscv32")]
pub use rv32_linux::{exit, Stdout};

#[cfg(target_arch = "arm")]
mod m0_semihosting;
#[cfg(target_arch = "arm")]
pub use m0_semihosting::{exit, Stdout};

/// A failed check: its message, then exit status 101.
#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    let _ = core::fmt::Write::write_fmt(&mut Stdout, format_args!("FAILED: {info}\n"));
    exit(101)
}
