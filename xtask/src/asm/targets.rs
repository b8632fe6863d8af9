//! THE LISTS: which targets are built, which encodings and operations are
//! dumped, and in which order. Adding a target is one entry in [`TARGETS`];
//! adding a backend is one line in `xtask/asm-probe/src/lib.rs` (the probe's
//! symbols are discovered, not listed here).

/// What an atomic read-modify-write looks like in a target's code.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    /// x86: a `lock`-prefixed instruction (or `xchg` with memory).
    X86,
    /// aarch64 with `+lse`: an LSE instruction inline; no LL/SC allowed.
    Lse,
    /// aarch64 default: calls to the `__aarch64_*` outline helpers.
    Outline,
    /// aarch64 ARMv8.0: load-exclusive / store-exclusive loops.
    Llsc,
    /// RISC-V with the A extension: one AMO (`amoadd.w`, `amoswap.w`) for
    /// an add or a swap, an `lr.w`/`sc.w` retry loop for a compare-and-swap
    /// (without Zacas: the A extension has no CAS instruction).
    Rv,
    /// RISC-V with Zacas: an AMO for an add and `amocas.w` for a CAS; no
    /// LR/SC allowed in any dumped function.
    RvZacas,
}

impl Kind {
    /// The comment leader of the target's assembly.
    pub fn comment(self) -> &'static str {
        match self {
            Kind::X86 | Kind::Rv | Kind::RvZacas => "#",
            _ => "//",
        }
    }

    /// RISC-V: AMOs, and LR/SC (`lr.w`/`sc.w`) rather than exclusives.
    pub fn riscv(self) -> bool {
        matches!(self, Kind::Rv | Kind::RvZacas)
    }
}

/// One build of the probe.
pub struct Target {
    /// The dump files' prefix, `<name>-<backend>.s`.
    pub name: &'static str,
    /// The rustc target triple.
    pub triple: &'static str,
    /// Extra RUSTFLAGS (target features).
    pub flags: &'static str,
    /// What an RMW looks like there.
    pub kind: Kind,
    /// What the name means (the dumps' first line and the tables).
    pub desc: &'static str,
}

/// The builds, in the order of the tables.
pub const TARGETS: &[Target] = &[
    Target {
        name: "x86_64",
        triple: "x86_64-unknown-linux-gnu",
        flags: "",
        kind: Kind::X86,
        desc: "x86_64, baseline (`lock` prefix)",
    },
    Target {
        name: "aarch64-lse",
        triple: "aarch64-unknown-linux-gnu",
        flags: "-C target-feature=+lse",
        kind: Kind::Lse,
        desc: "aarch64 with `-C target-feature=+lse` (ARMv8.1 atomics inline: `ldadd`, `cas`)",
    },
    Target {
        name: "aarch64-outline",
        triple: "aarch64-unknown-linux-gnu",
        flags: "",
        kind: Kind::Outline,
        desc: "aarch64 default: rustc's outline atomics (`bl __aarch64_ldadd4_acq`, \
               LSE or LL/SC chosen at run time)",
    },
    Target {
        name: "aarch64-llsc",
        triple: "aarch64-unknown-linux-gnu",
        flags: "-C target-feature=-outline-atomics",
        kind: Kind::Llsc,
        desc: "aarch64 with `-C target-feature=-outline-atomics`: \
               ARMv8.0 LL/SC loops inline (`ldaxr`/`stxr`)",
    },
    Target {
        name: "riscv64",
        triple: "riscv64gc-unknown-linux-gnu",
        flags: "",
        kind: Kind::Rv,
        desc: "riscv64gc (RV64GC, the A extension: `amoadd.w` for an add, \
               an `lr.w`/`sc.w` loop for a CAS)",
    },
    Target {
        name: "riscv64-zacas",
        triple: "riscv64gc-unknown-linux-gnu",
        flags: "-C target-feature=+zacas",
        kind: Kind::RvZacas,
        desc: "riscv64gc with `-C target-feature=+zacas` (`amocas.w` for a CAS, \
               no LR/SC)",
    },
];

/// Order of the dumps inside a file; unknown encodings go last, by name.
pub const ENCODINGS: &[&str] = &[
    "HighBit",
    "LowBit",
    "ZeroLockedHigh",
    "ZeroLockedLow",
    "Biased",
    "Tagged",
    "Classic",
];

/// The probe's operations, in dump order.
pub const OPS: &[&str] = &["try_get", "get", "put", "freeze", "unfreeze"];

/// Out-of-line callees of the crate dumped after the wrappers (and counted
/// in the tables): the cold paths.
pub const SLOW: &[&str] = &["try_get_slow", "get_slow", "put_slow"];

/// The kind a backend's code is checked as: `ArmLlsc` is LL/SC by design,
/// even on an `+lse` build. Every other backend follows the target.
pub fn backend_kind(backend: &str, target: Kind) -> Kind {
    match backend {
        "arm_llsc" => Kind::Llsc,
        _ => target,
    }
}

/// Sort key of an encoding: [`ENCODINGS`] order, then by name.
pub fn encoding_key(enc: &str) -> (usize, &str) {
    let i = ENCODINGS.iter().position(|e| *e == enc);
    (i.unwrap_or(ENCODINGS.len()), enc)
}

/// Sort key of a backend: `core` first, then `portable`, then by name.
pub fn backend_key(b: &str) -> (u8, &str) {
    let rank = match b {
        "core" => 0,
        "portable" => 1,
        _ => 2,
    };
    (rank, b)
}
