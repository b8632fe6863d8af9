//! RV32IMC as a Linux process under `qemu-riscv32 -cpu rv32,a=false`: what a
//! `no_std` ELF needs there, the entry point, `write` and `exit` (Linux
//! system calls through `ecall`) and the critical section.

use core::arch::asm;
use core::fmt;

/// A Linux system call with up to three arguments.
fn syscall(nr: usize, a0: usize, a1: usize, a2: usize) -> isize {
    let ret: isize;
    // SAFETY: `write` and `exit` read at most the buffer they are given.
    unsafe {
        asm!("ecall", in("a7") nr, inlateout("a0") a0 as isize => ret,
             in("a1") a1, in("a2") a2, options(nostack));
    }
    ret
}

/// Standard output.
pub struct Stdout;

impl fmt::Write for Stdout {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let mut rest = s.as_bytes();
        while !rest.is_empty() {
            let n = syscall(64, 1, rest.as_ptr() as usize, rest.len()); // write(1, ..)
            if n <= 0 {
                return Err(fmt::Error);
            }
            rest = &rest[n as usize..];
        }
        Ok(())
    }
}

/// Ends the process with `code`.
pub fn exit(code: i32) -> ! {
    syscall(94, code as usize, 0, 0); // exit_group
    unreachable!()
}

/// The process entry: qemu-user starts here with a valid stack.
#[no_mangle]
extern "C" fn _start() -> ! {
    exit(crate::main())
}

/// The critical section portable-atomic's `critical-section` feature takes
/// around every atomic operation on a core without atomic RMW.
///
/// This program is one Linux process with one thread and no signal handler,
/// so nothing can run between the load and the store of an RMW: acquiring
/// needs no instruction (on an ESP32-C3 the HAL's implementation masks
/// interrupts). It only counts ([`super::sections`]).
struct Section;
critical_section::set_impl!(Section);

// SAFETY: with one thread and no signal handlers, the code between acquire
// and release runs alone.
unsafe impl critical_section::Impl for Section {
    unsafe fn acquire() -> critical_section::RawRestoreState {
        super::sections::enter();
        false
    }
    unsafe fn release(_: critical_section::RawRestoreState) {
        super::sections::leave();
    }
}
