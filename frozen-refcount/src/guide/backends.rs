//! The backends: how each atomic step is done, which one is the default on
//! each target and why, cores with no atomic read-modify-write, and
//! backends of your own.
//!
//! A backend `B` in [`FrozenRefcount<E, B>`](crate::FrozenRefcount) is a
//! zero-sized marker type implementing [`Backend`]: a load, a store, a
//! `fetch_add`, a `fetch_sub` and a compare-and-swap on the counter's word,
//! at any width. It knows nothing of the protocol, which is written once
//! for all of them; every backend runs the same protocol with the same
//! [orderings](super::orderings). Most code never names one:
//! [`DefaultBackend`] is chosen per target.
//!
//! # The backends
//!
//! | backend | where it exists | how a step is done |
//! | --- | --- | --- |
//! | [`CoreAtomics`] | every target whose atomics have read-modify-writes at 8, 16 and 32 bits | `core::sync::atomic`: whatever the compiler emits (on AArch64, rustc's outline atomics unless LSE is enabled at compile time) |
//! | [`PortableAtomics`] | feature `portable-atomic` | the `portable-atomic` crate's implementations; the only backend on cores with no atomic read-modify-write ([below](#cores-with-no-atomic-read-modify-write)) |
//! | [`Counting<B>`][`Counting`] | feature `std` | `B`'s steps, counted per thread (loads, stores, RMWs, failed CAS), so that "one RMW" is a number a test can assert |
//! | [`X86Asm`] | x86, x86-64 | inline asm: `lock xadd` (a subtract is the `xadd` of the negation), `lock cmpxchg` + `sete`, `mov` for loads and stores, `xchg` for a `SeqCst` store |
//! | `ArmLse` | AArch64 compiled with `target_feature = "lse"` | inline LSE: `ldadd`, `ldadda`, `ldaddl`, `ldaddal`, `cas`, `casa`, `casl`, `casal` (`b`/`h` suffixes for 8 and 16 bits) |
//! | [`ArmLlsc`] | AArch64 | inline `ldxr`/`ldaxr` + `stxr`/`stlxr` retry loops, `clrex` when a compare fails; runs on every AArch64 core |
//! | [`ArmDetect`] | AArch64 | LSE or LL/SC, both inline, chosen once per process (`getauxval(AT_HWCAP) & HWCAP_ATOMICS` on Linux and Android, std's detection elsewhere with the `std` feature, else LL/SC) and cached; `ArmDetect::uses_lse()` says which |
//!
//! The inline-asm backends exist so that the instructions are written down
//! and reviewable, independently of the compiler's lowering; none of them
//! exists under Miri or loom. [`X86Asm`] returns the whole old word from
//! `lock xadd` rather than reading flags: the fast-path test is on two bits
//! of the new word (the state bit and the saturation band), and no x86 flag
//! reports the band's bit, so a flags-only `lock add` would drop the
//! saturation check.
//!
//! # The default, per target
//!
//! | target | [`DefaultBackend`] |
//! | --- | --- |
//! | under Miri or loom | [`CoreAtomics`] (loom's atomics under loom): the only one those tools can see |
//! | AArch64 with LSE at compile time (`-C target-feature=+lse`, or a target that implies it) | `ArmLse`: the same instructions as [`CoreAtomics`] there, pinned down independently of the compiler |
//! | AArch64 Linux and Android without compile-time LSE (the default `aarch64-unknown-linux-gnu` build) | [`ArmDetect`] |
//! | cores with no atomic read-modify-write (`thumbv6m`, `riscv32imc`) | [`PortableAtomics`], with the `portable-atomic` feature; without it the build stops with an error that names the feature |
//! | everywhere else: x86, x86-64, riscv64, … | [`CoreAtomics`] |
//!
//! The choice rests on what each backend *executes*, not on timings:
//! executed instructions of one uncontended `try_get` + `put` round on
//! `HighBit<u32>`, counted with rustc 1.95. Counts are deterministic; they
//! say nothing about the cost of the atomic instruction itself (the same in
//! every backend that uses it), only about what surrounds it.
//!
//! On x86-64, [`CoreAtomics`] and [`X86Asm`] execute the same 14
//! instructions in the same order (`lock xadd`, an increment, a compare and
//! a branch for `try_get`; the same for `put`), and core's atomics leave the
//! compiler free to optimise around `Relaxed` steps, which an asm block
//! forbids. So the default there is [`CoreAtomics`]. On riscv64,
//! [`CoreAtomics`] is one `amoadd.w.aq` per `try_get`, with exactly the
//! annotations the protocol asks for, and there is no RISC-V asm backend.
//!
//! On AArch64:
//!
//! | build (`RUSTFLAGS`) | core | [`CoreAtomics`] | [`ArmDetect`] | [`ArmLlsc`] | `ArmLse` |
//! | --- | --- | ---: | ---: | ---: | ---: |
//! | `-C target-feature=+lse` | with LSE | 12 | 12 | 18 | 12 |
//! | default (outline atomics) | with LSE | 26 | **16** | 18 | — |
//! | default (outline atomics) | without LSE (Cortex-A53) | 34 | **26** | 18 | — |
//! | `-C target-feature=-outline-atomics` | with LSE | 18 (inline LL/SC) | 16 | — | — |
//! | `-C target-feature=-outline-atomics` | without LSE | 18 (inline LL/SC) | 26 | 18 | — |
//!
//! rustc's outline atomics call a helper per RMW (`bl
//! __aarch64_ldadd4_acq`, which loads a flag, branches, and runs `ldadda`):
//! eight instructions around the one that matters, plus the registers a call
//! costs in a loop. [`ArmDetect`] inlines both forms behind one load of a
//! cached byte and one branch per step: on the default build it executes 10
//! fewer instructions per round than outline atomics on an LSE core, and 8
//! fewer on an LL/SC-only one. With `+lse`, [`CoreAtomics`], `ArmLse` and
//! [`ArmDetect`] are the same code.
//!
//! **Measuring on your own machine.** To compare backends by time, run an
//! uncontended loop of `try_get` + `put` on `FrozenRefcount<HighBit, B>`
//! for each `B`, interleaving the backends over many short rounds and
//! comparing medians, on an idle core. To count executed instructions, wrap
//! the loop in an `#[inline(never)]` function per backend and count with
//! `valgrind --tool=callgrind --toggle-collect=<function>`; under
//! `qemu-aarch64`, `-singlestep -d exec,nochain` logs one block per
//! executed instruction (subtract a run of N rounds from one of 2N to cancel
//! the start-up). [`Counting`] counts atomic steps rather than
//! instructions, on any target.
//!
//! # Cores with no atomic read-modify-write
//!
//! Cortex-M0/M0+ (`thumbv6m-none-eabi`: RP2040, nRF51, STM32F0) has loads
//! and stores only; RV32IMC (`riscv32imc-unknown-none-elf`: ESP32-C3) has no
//! A extension. There `core::sync::atomic` has no `fetch_add` or
//! `compare_exchange`, so:
//!
//! - [`CoreAtomics`] does not exist: naming it is a compile error, not a
//!   link error;
//! - with the `portable-atomic` feature, [`DefaultBackend`] is
//!   [`PortableAtomics`], whose read-modify-writes `portable-atomic`
//!   performs under a critical section or with interrupts disabled;
//! - without the feature the crate stops with an error that names it;
//! - with the feature but neither of the two ways below, portable-atomic's
//!   own error names them.
//!
//! The lines a dependent adds to its `Cargo.toml`, one way or the other:
//!
//! ```toml
//! # 1. A critical section from the HAL or a critical-section impl crate
//! #    (rp2040-hal, esp-hal, cortex-m's `critical-section-single-core`, ...):
//! frozen-refcount = { version = "0.1", features = ["portable-atomic"] }
//! portable-atomic = { version = "1", default-features = false, features = ["critical-section"] }
//!
//! # 2. Single core, privileged: portable-atomic masks interrupts itself.
//! frozen-refcount = { version = "0.1", features = ["portable-atomic"] }
//! portable-atomic = { version = "1", default-features = false, features = ["unsafe-assume-single-core"] }
//! ```
//!
//! What each costs per read-modify-write (`HighBit<u32>`'s `try_get`,
//! rustc 1.95, release):
//!
//! | | Cortex-M0 (`thumbv6m`) | RV32IMC (`riscv32imc`) |
//! | --- | --- | --- |
//! | `critical-section` | `bl _critical_section_1_0_acquire`; `ldr`; `adds`; `str`; `bl _critical_section_1_0_release`, and a stack frame to keep the address and the sum across the calls | `call _critical_section_1_0_acquire`; `lw`; `addi`; `sw`; `call _critical_section_1_0_release`, and three saved registers |
//! | `unsafe-assume-single-core` | `mrs r2, primask`; `cpsid i`; `ldr`; `adds`; `str`; `msr primask, r2`: inline, no call | `csrrci a1, mstatus, 8`; `lw`; `addi`; `sw`; `csrs mstatus, a3` (and an `andi`): inline, no call |
//!
//! `critical-section` costs two calls into whatever implementation the
//! application links (not inlined without LTO), and is the only sound choice
//! on a multi-core chip: the RP2040 has two M0+ cores, and its HAL's
//! implementation takes a hardware spinlock besides masking interrupts. It
//! also works unprivileged (under an RTOS that provides the section).
//! `unsafe-assume-single-core` is inline and cheapest, but unsound if a
//! second core (or a DMA-driven writer) touches the counter, and needs
//! privileged mode (M-mode on RISC-V; portable-atomic's `s-mode` feature
//! for S-mode). The protocol is unchanged either way: `try_get` is one
//! critical section (one RMW), a `put` that is not the last one, and the
//! last `put` two (its subtract and the freezing CAS).
//!
//! # A backend of your own
//!
//! Implement [`Backend`]: it is an `unsafe trait`, whose contract is that
//! each method is a single atomic operation on the word with at least the
//! requested ordering, exactly as the `core::sync::atomic` method of the
//! same name (its documentation has an example that forwards to
//! [`CoreAtomics`]). Its methods are generic over the [`Word`], so the
//! width dispatch is the backend's; the built-in ones match on the width,
//! which the compiler resolves at monomorphisation. To test one, run the
//! sequential reference model's [`Checker`] over it at every width (feature
//! `model`: [its documentation](https://docs.rs/frozen-refcount/latest/frozen_refcount/model/index.html)
//! has an example that catches a backend bug), and wrap it in [`Counting`]
//! to assert how many steps each operation makes.
//!
//! # Loom, Miri and ThreadSanitizer
//!
//! - Under Miri, [`DefaultBackend`] is [`CoreAtomics`] and the inline-asm
//!   backends do not exist.
//! - With `RUSTFLAGS="--cfg frozen_refcount_loom"` and the `loom` feature,
//!   the counter's atomics are loom's, so a dependent's own loom models see
//!   every step of the counter. Of the built-in backends only
//!   [`CoreAtomics`] (and the [`Counting`] wrapper) exist then, the
//!   constructors are not `const`, and the views over memory owned
//!   elsewhere (`from_ptr`, `from_mut`, …) are left out. The cfg is
//!   prefixed on purpose: a plain `--cfg loom` would also switch every other
//!   crate of the dependency graph that honours it.
//! - With `--cfg frozen_refcount_tsan` (next to `-Zsanitizer=thread`),
//!   [`Classic`](crate::Classic)'s last `put` replaces its acquire fence with
//!   an acquire load of the word, as std's `Arc` does under ThreadSanitizer,
//!   which does not model fences ([`Backend::acquire_fence`]).
//!
//! [`Backend`]: crate::Backend
//! [`Backend::acquire_fence`]: crate::Backend::acquire_fence
//! [`DefaultBackend`]: crate::DefaultBackend
//! [`Word`]: crate::Word
//! [`CoreAtomics`]: crate::CoreAtomics
//! [`PortableAtomics`]: https://docs.rs/frozen-refcount/latest/frozen_refcount/struct.PortableAtomics.html
//! [`Counting`]: https://docs.rs/frozen-refcount/latest/frozen_refcount/struct.Counting.html
//! [`X86Asm`]: https://docs.rs/frozen-refcount/latest/frozen_refcount/struct.X86Asm.html
//! [`ArmLlsc`]: https://docs.rs/frozen-refcount/latest/aarch64-unknown-linux-gnu/frozen_refcount/struct.ArmLlsc.html
//! [`ArmDetect`]: https://docs.rs/frozen-refcount/latest/aarch64-unknown-linux-gnu/frozen_refcount/struct.ArmDetect.html
//! [`Checker`]: https://docs.rs/frozen-refcount/latest/frozen_refcount/model/struct.Checker.html
