//! What an instruction of a cleaned body is, per target kind (x86_64,
//! aarch64, RISC-V): an atomic read-modify-write, a branch (and to where), a
//! return; its registers, memory operands and destination. Cleaned bodies write `mnemonic\toperands`
//! with operands separated by `, ` ([`super::parse::clean`]).

use super::targets::Kind;
use regex::Regex;
use std::sync::LazyLock;

static LSE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^((ld|st)(add|clr|eor|set|smax|smin|umax|umin)|swp|casp?)(a|l|al)?[bh]?$").unwrap()
});
/// A load-exclusive (aarch64 `ld[a]xr`) or load-reserved (RISC-V
/// `lr.w[.aq|.rl|.aqrl]`): the start of an LL/SC sequence.
pub static LDX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(ld(a)?x(r[bh]?|p)|lr\.[wd](\.(aq|rl|aqrl))?)$").unwrap());
/// A store-exclusive (aarch64) or store-conditional (RISC-V `sc.w`).
pub static STX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(st(l)?x(r[bh]?|p)|sc\.[wd](\.(aq|rl|aqrl))?)$").unwrap());
/// A RISC-V AMO (A extension: `amoadd.w.aq`, `amoswap.d`; Zacas:
/// `amocas.w`), with its ordering bits.
pub static AMO: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^amo[a-z]+\.[bhwdq](\.(aq|rl|aqrl))?$").unwrap());
static OUTLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^bl\s+__aarch64_(cas|casp|swp|ldadd|ldclr|ldeor|ldset)\d+_(relax|acq|rel|acq_rel)$",
    )
    .unwrap()
});
static X86_BRANCH: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^j[a-z]+$").unwrap());
static A64_BRANCH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(b(\.[a-z]+)?|cbn?z|tbn?z)$").unwrap());
/// RISC-V branches (the target is the last operand), `j`, and the `call` and
/// `tail` pseudo-instructions.
static RV_BRANCH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(b(eq|ne|lt|ge|ltu|geu|gt|le|gtu|leu)z?|b(lez|gez|ltz|gtz)|j|tail|call)$")
        .unwrap()
});
static PLAIN_REG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^%?\w+$").unwrap());

/// The mnemonic (`lock xaddl` counts as one).
pub fn mnem(text: &str) -> &str {
    text.split('\t').next().unwrap()
}

/// The operand text after the mnemonic, or "".
fn operand_text(text: &str) -> &str {
    text.split_once('\t').map_or("", |(_, o)| o)
}

/// The operands, split at `, `.
pub fn operands(text: &str) -> Vec<&str> {
    match text.split_once('\t') {
        Some((_, o)) => o.split(", ").map(str::trim).collect(),
        None => Vec::new(),
    }
}

/// Whether the instruction is an atomic read-modify-write.
pub fn is_rmw(kind: Kind, text: &str) -> bool {
    let m = mnem(text);
    if kind == Kind::X86 {
        return m.starts_with("lock ") || (m.starts_with("xchg") && text.contains('('));
    }
    if kind.riscv() {
        return AMO.is_match(m) || LDX.is_match(m);
    }
    LSE.is_match(m) || LDX.is_match(m) || OUTLINE.is_match(&text.replace('\t', " "))
}

/// Whether the mnemonic is a call (not a jump inside the function).
pub fn is_call(m: &str) -> bool {
    matches!(m, "bl" | "call" | "callq")
}

/// The label or symbol a branch or call goes to, or None.
pub fn branch_target(kind: Kind, text: &str) -> Option<String> {
    let m = mnem(text);
    let ops = operand_text(text);
    if kind == Kind::X86 {
        if X86_BRANCH.is_match(m) || m == "call" || m == "callq" {
            return Some(
                ops.trim_start_matches('*')
                    .split('@')
                    .next()
                    .unwrap()
                    .to_string(),
            );
        }
        return None;
    }
    if kind.riscv() {
        if RV_BRANCH.is_match(m) {
            let t = ops.rsplit(", ").next().unwrap();
            return Some(t.split('@').next().unwrap().to_string());
        }
        return None;
    }
    if A64_BRANCH.is_match(m) || m == "bl" {
        return Some(ops.rsplit(", ").next().unwrap().to_string());
    }
    None
}

/// A return.
pub fn is_return(text: &str) -> bool {
    matches!(mnem(text), "ret" | "retq")
}

/// An unconditional jump (or tail call).
pub fn is_uncond(kind: Kind, text: &str) -> bool {
    match kind {
        Kind::X86 => matches!(mnem(text), "jmp" | "jmpq"),
        Kind::Rv | Kind::RvZacas => matches!(mnem(text), "j" | "tail"),
        _ => mnem(text) == "b",
    }
}

/// A register's full-width name: `%esi` -> `rsi`, `w19` -> `x19`.
pub fn reg(kind: Kind, r: &str) -> String {
    static W: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^w\d+$").unwrap());
    static E: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^e[a-z]{2}$").unwrap());
    static RN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(r\d+)[dwb]$").unwrap());
    let r = r.trim().trim_start_matches('%').to_lowercase();
    if kind != Kind::X86 {
        return if W.is_match(&r) {
            format!("x{}", &r[1..])
        } else {
            r
        };
    }
    if E.is_match(&r) {
        return format!("r{}", &r[1..]);
    }
    RN.replace(&r, "$1").into_owned()
}

/// Base registers of the instruction's memory operands (none for `lea`).
pub fn mem_bases(kind: Kind, text: &str) -> Vec<String> {
    // x86 `(%rdi)`, aarch64 `[x0]`, RISC-V `0(a0)` / `(a0)`.
    static BASE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\((%\w+)|\[(\w+)|\(([a-z]\w*)\)").unwrap());
    if ["lea", "adr", "prfm", "prefetch"]
        .iter()
        .any(|p| mnem(text).starts_with(p))
    {
        return Vec::new();
    }
    BASE.captures_iter(operand_text(text))
        .filter_map(|c| c.get(1).or(c.get(2)).or(c.get(3)))
        .map(|m| reg(kind, m.as_str()))
        .collect()
}

/// Whether an operand is a bare register.
pub fn is_plain_reg(op: &str) -> bool {
    PLAIN_REG.is_match(op)
}

/// Whether the instruction is written in AT&T syntax (x86 with `%` registers):
/// the destination is the last operand, the source the first.
pub fn att(kind: Kind, text: &str) -> bool {
    kind == Kind::X86 && text.contains('%')
}

/// The register the instruction writes, if its destination is a register.
pub fn dest(kind: Kind, text: &str) -> Option<String> {
    let ops = operands(text);
    let d = if att(kind, text) {
        *ops.last()?
    } else {
        *ops.first()?
    };
    is_plain_reg(d).then(|| reg(kind, d))
}
