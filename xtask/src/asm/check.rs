//! The hot-path assertions, one function: [`check_function`].
//!
//! - `try_get`, `get`, `put` (every encoding but `Classic`'s `try_get`):
//!   exactly one RMW on the fast path and at most one on any path through
//!   the function (back edges ignored), no loop other than an LL/SC retry,
//!   nothing touches the counter before the RMW on the fast path, and the
//!   cold path (`try_get_slow` / `try_get_reread`, `get_slow`, `put_slow`) is
//!   out of line: a call or jump to it.
//! - On aarch64+lse (unless the backend is LL/SC by design): no
//!   exclusive-monitor instruction at all in those three.
//! - `Biased` (after rcuref): the fast path decides on the sign of the RMW's
//!   result, with no compare between.
//! - `Classic`'s `try_get` keeps its CAS loop: a backward branch around the RMW.
//! - `freeze`: one RMW (a CAS), no loop but an LL/SC retry; `unfreeze`: no RMW.
//! - RISC-V: `try_get`, `get`, `put` have no LR/SC at all (one AMO each);
//!   the CAS of `freeze` and of the last put (`put_slow`) is an
//!   `lr.w`/`sc.w` retry loop on RV64GC and one `amocas.w` with Zacas.

use super::isa::{self, att, dest, is_plain_reg, is_rmw, mem_bases, mnem, operands, reg};
use super::shape::Shape;
use super::targets::{backend_kind, Kind};
use std::collections::HashSet;

/// One failed assertion: a short tag (for the summary and the tests) and the
/// message a reader gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Short name of the assertion, e.g. `access before the RMW`.
    pub tag: &'static str,
    /// What was expected and what was found.
    pub msg: String,
}

/// The first instruction on the fast path that touches memory through the
/// counter's address (the first argument, or a copy of it) before the RMW.
/// A load first would cost a second cache-line transition (shared, then
/// exclusive).
fn counter_access_before_rmw(kind: Kind, fast: &[String]) -> Option<String> {
    let first_arg = match kind {
        Kind::X86 => "rdi",
        Kind::Rv | Kind::RvZacas => "a0",
        _ => "x0",
    };
    let mut regs: HashSet<String> = HashSet::from([first_arg.to_string()]);
    for t in fast {
        if is_rmw(kind, t) {
            return None;
        }
        if mem_bases(kind, t).iter().any(|b| regs.contains(b)) {
            return Some(t.clone());
        }
        let Some(d) = dest(kind, t) else { continue };
        let ops = operands(t);
        let src = if att(kind, t) {
            ops[0]
        } else {
            ops.get(1).copied().unwrap_or("")
        };
        if matches!(mnem(t), "mov" | "movq" | "mv")
            && is_plain_reg(src)
            && regs.contains(&reg(kind, src))
        {
            regs.insert(d);
        } else {
            regs.remove(&d);
        }
    }
    None
}

/// The hot-path assertions for one dumped function; empty when all hold.
pub fn check_function(
    target: Kind,
    backend: &str,
    enc: &str,
    op: &str,
    shape: &Shape,
) -> Vec<Failure> {
    let mut errs = Vec::new();
    let k = backend_kind(backend, target);
    let what = match k {
        Kind::X86 => "locked instruction",
        Kind::Lse => "LSE atomic instruction",
        Kind::Outline => "outline-atomic call (`bl __aarch64_*`)",
        Kind::Llsc => "load-exclusive (LL/SC RMW)",
        Kind::Rv | Kind::RvZacas => "AMO or load-reserved (`amo*`, `lr.w`)",
    };
    let mut fail = |tag: &'static str, msg: String| errs.push(Failure { tag, msg });
    let rmws = |n: usize, fail: &mut dyn FnMut(&'static str, String)| {
        let fast: Vec<&str> = shape
            .fast
            .iter()
            .filter(|t| is_rmw(k, t))
            .map(|s| s.as_str())
            .collect();
        let plural = if n != 1 { "s" } else { "" };
        if fast.len() != n {
            fail(
                "fast-path RMW count",
                format!(
                    "expected exactly {n} {what}{plural} on the fast path, found {}: {}",
                    fast.len(),
                    fast.join("; ")
                ),
            );
        }
        if shape.max_rmws > n {
            fail(
                "two RMWs on a path",
                format!(
                    "expected at most {n} {what}{plural} on any path, found a path with {} (of: {})",
                    shape.max_rmws,
                    shape.rmws.join("; ")
                ),
            );
        }
    };
    let no_loop = |fail: &mut dyn FnMut(&'static str, String)| {
        if !shape.loops.is_empty() {
            let at: Vec<&str> = shape
                .loops
                .iter()
                .map(|&(_, j)| shape.insns[j].as_str())
                .collect();
            fail(
                "loop",
                format!(
                    "expected no loop, found a backward branch: {}",
                    at.join("; ")
                ),
            );
        }
    };

    if op == "try_get" && enc == "Classic" {
        let around = shape
            .loops
            .iter()
            .any(|&(a, b)| shape.insns[a..=b].iter().any(|t| is_rmw(k, t)));
        if !around {
            fail(
                "CAS loop gone",
                format!(
                    "expected Classic's CAS loop (a backward branch around a {what}), found none"
                ),
            );
        }
    } else if matches!(op, "try_get" | "get" | "put") {
        rmws(1, &mut fail);
        no_loop(&mut fail);
        if let Some(t) = counter_access_before_rmw(k, &shape.fast) {
            fail(
                "access before the RMW",
                format!("expected the RMW to be the first access to the counter on the fast path, found one before it: {t}"),
            );
        }
        if k == Kind::Lse {
            let ex: Vec<&str> = shape
                .insns
                .iter()
                .filter(|t| isa::LDX.is_match(mnem(t)) || isa::STX.is_match(mnem(t)))
                .map(|s| s.as_str())
                .collect();
            if !ex.is_empty() {
                fail(
                    "LL/SC on +lse",
                    format!(
                        "expected no exclusive-monitor (LL/SC) instruction, found: {}",
                        ex.join("; ")
                    ),
                );
            }
        }
        if k.riscv() {
            let lrsc = lr_sc(shape);
            if !lrsc.is_empty() {
                fail(
                    "LR/SC on a RISC-V hot path",
                    format!(
                        "expected one AMO and no LR/SC (an add is one `amoadd`), found: {}",
                        lrsc.join("; ")
                    ),
                );
            }
        }
        let slow = match op {
            "try_get" if enc == "Biased" => "try_get_reread",
            "try_get" => "try_get_slow",
            "get" => "get_slow",
            _ => "put_slow",
        };
        if !shape.refers_to(slow) {
            fail(
                "cold path inlined",
                format!("expected the cold path `{slow}` out of line (a call or jump to it), found no reference to it: it was inlined"),
            );
        }
        if enc == "Biased" && matches!(op, "try_get" | "put") && matches!(k, Kind::X86 | Kind::Lse)
        {
            sign_test(k, backend, op, shape, &mut fail);
        }
    } else if op == "freeze" {
        rmws(1, &mut fail);
        no_loop(&mut fail);
        if k.riscv() {
            cas_shape(k, shape, &mut fail);
        }
    } else if op == "put_slow" && k.riscv() {
        cas_shape(k, shape, &mut fail);
    } else if op == "unfreeze" {
        rmws(0, &mut fail);
        no_loop(&mut fail);
    }
    errs
}

/// `Biased` (after rcuref): the fast path decides on the sign of the RMW's
/// result, with no compare or mask test between. On x86 with core's atomics
/// `try_get` is the flag-only `lock inc`/`lock add` (no `xadd`) and a sign
/// branch; `X86Asm`'s opaque asm must go through `sets` + `test` (no asm goto
/// on stable), so only the no-xadd part holds there. On LSE the sign is
/// `cmn`/`subs` + `b.mi`/`b.pl`.
fn sign_test(
    k: Kind,
    backend: &str,
    op: &str,
    shape: &Shape,
    fail: &mut dyn FnMut(&'static str, String),
) {
    let fast = &shape.fast;
    let Some(i) = fast.iter().position(|t| is_rmw(k, t)) else {
        return;
    };
    let next = &fast[i + 1..(i + 4).min(fast.len())];
    let after: Vec<&str> = next.iter().map(|t| mnem(t)).collect();
    let sign = ["js", "jns", "sets", "setns", "b.mi", "b.pl", "tbnz", "tbz"];
    let found = next.join("; ");
    if op == "try_get" && k == Kind::X86 && fast[i].contains("xadd") {
        fail(
            "Biased try_get xadd",
            format!(
                "expected a flag-only locked add (`lock inc`/`lock add`), found {}",
                fast[i]
            ),
        );
    }
    if op == "try_get" && k == Kind::X86 && matches!(backend, "core" | "portable") {
        if after.first().is_none_or(|m| !sign.contains(m)) {
            fail(
                "Biased sign test",
                format!("expected the locked add directly followed by a sign branch or setcc, found: {found}"),
            );
        }
    } else if !after.iter().any(|m| sign.contains(m))
        || after
            .iter()
            .any(|m| matches!(*m, "cmp" | "cmpl" | "test" | "testl"))
    {
        fail(
            "Biased sign test",
            format!("expected a sign test of the RMW's result within three instructions and no compare, found: {found}"),
        );
    }
}

/// The LR/SC instructions of a function.
fn lr_sc(shape: &Shape) -> Vec<&str> {
    shape
        .insns
        .iter()
        .filter(|t| isa::LDX.is_match(mnem(t)) || isa::STX.is_match(mnem(t)))
        .map(|s| s.as_str())
        .collect()
}

/// RISC-V: the shape of a compare-and-swap (`freeze`, the last `put`'s
/// freeze in `put_slow`). With the A extension alone there is no CAS
/// instruction: each CAS must be an `lr.w`/`sc.w` retry loop (the `lr` the
/// target of the `sc`'s backward branch), and no `amocas`. With Zacas it
/// must be `amocas.w` and no LR/SC at all.
fn cas_shape(k: Kind, shape: &Shape, fail: &mut dyn FnMut(&'static str, String)) {
    let amocas: Vec<&str> = shape
        .insns
        .iter()
        .filter(|t| mnem(t).starts_with("amocas."))
        .map(|s| s.as_str())
        .collect();
    let lrsc = lr_sc(shape);
    if k == Kind::RvZacas {
        if amocas.is_empty() || !lrsc.is_empty() {
            fail(
                "CAS shape",
                format!(
                    "expected the CAS as `amocas.w` (Zacas) and no LR/SC, found amocas: [{}], LR/SC: [{}]",
                    amocas.join("; "),
                    lrsc.join("; ")
                ),
            );
        }
        return;
    }
    let lrs = shape
        .insns
        .iter()
        .filter(|t| isa::LDX.is_match(mnem(t)))
        .count();
    let retried = shape.llsc_retries.len();
    if !amocas.is_empty() || lrs == 0 || lrs != retried {
        fail(
            "CAS shape",
            format!(
                "expected each CAS as an `lr.w`/`sc.w` retry loop and no `amocas`, found {lrs} `lr`, \
                 {retried} LR/SC retry loop(s), amocas: [{}]",
                amocas.join("; ")
            ),
        );
    }
}
