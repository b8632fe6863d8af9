//! What a `no_std` ELF needs to run as a Linux process under qemu-user:
//! the entry point, `write` and `exit` (RISC-V Linux system calls through
//! `ecall`), a panic handler, and the critical section portable-atomic
//! takes around each RMW, which also counts them.

use core::arch::asm;
use core::cell::Cell;
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

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    let _ = fmt::Write::write_fmt(&mut Stdout, format_args!("FAILED: {info}\n"));
    exit(101)
}

/// The critical-section implementation portable-atomic's `critical-section`
/// feature calls around every RMW on a core without atomic RMW.
///
/// This program is one Linux process with one thread and no signal handler,
/// so nothing can run between the load and the store of an RMW: acquiring
/// needs no instruction (on an RP2040 or ESP32-C3 the HAL's implementation
/// masks interrupts, plus a hardware spinlock across the RP2040's two cores).
/// It counts the sections, so the checks can assert one per fast-path RMW,
/// and fails on nesting, which the protocol never needs.
struct CountedSection;
critical_section::set_impl!(CountedSection);

/// A `Cell` shared by the one thread there is.
struct OneThread<T>(T);
// SAFETY: the process has one thread and no signal handlers.
unsafe impl<T> Sync for OneThread<T> {}

static SECTIONS: OneThread<Cell<u64>> = OneThread(Cell::new(0));
static INSIDE: OneThread<Cell<bool>> = OneThread(Cell::new(false));

// SAFETY: with one thread and no interrupts, the code between acquire and
// release runs alone; nesting is refused rather than miscounted.
unsafe impl critical_section::Impl for CountedSection {
    unsafe fn acquire() -> critical_section::RawRestoreState {
        assert!(!INSIDE.0.replace(true), "nested critical section");
        SECTIONS.0.set(SECTIONS.0.get() + 1);
    }
    unsafe fn release(_: critical_section::RawRestoreState) {
        INSIDE.0.set(false);
    }
}

/// The critical sections `f` took (each one RMW of portable-atomic).
pub fn sections<R>(f: impl FnOnce() -> R) -> (R, u64) {
    let before = SECTIONS.0.get();
    let r = f();
    (r, SECTIONS.0.get() - before)
}
