//! frozen-slab's hot path: `slab_get_drop` of the probe (get + drop of the
//! guard), dumped to `asm-dumps/<target>-slab.s` and checked.
//!
//! The assertions ([`check_slab`]): exactly two RMWs on the fast path and at
//! most two on any path (the refcount's `try_get` and the guard's `put`),
//! no loop other than an LL/SC retry, and no compare-and-swap anywhere in
//! the function (the freezing CAS of a last `put`, the free stacks' CAS:
//! all out of line). Not on the LL/SC builds, where an add and a CAS are the
//! same instructions.

use super::check::Failure;
use super::dump::{header, push_body, Located};
use super::isa::{is_rmw, mnem};
use super::parse::{self, Asm};
use super::shape::Shape;
use super::targets::{Kind, Target};
use super::DUMPS;
use crate::util::Result;
use std::collections::BTreeMap;

/// The probe's symbol.
pub const SYMBOL: &str = "slab_get_drop";

/// Whether the instruction is a compare-and-swap, on the builds where one
/// can be told from an add.
fn is_cas(kind: Kind, text: &str) -> bool {
    let m = mnem(text);
    match kind {
        Kind::X86 => m.contains("cmpxchg"),
        Kind::Lse => m.starts_with("cas"),
        Kind::Outline => text.contains("__aarch64_cas"),
        Kind::Llsc => false,
        Kind::Rv | Kind::RvZacas => m.starts_with("amocas") || m.starts_with("lr."),
    }
}

/// The assertions on `slab_get_drop`; empty when all hold.
pub fn check_slab(kind: Kind, shape: &Shape) -> Vec<Failure> {
    let mut errs = Vec::new();
    let fast: Vec<&str> = shape
        .fast
        .iter()
        .filter(|t| is_rmw(kind, t))
        .map(|s| s.as_str())
        .collect();
    if fast.len() != 2 {
        errs.push(Failure {
            tag: "slab: fast-path RMW count",
            msg: format!(
                "expected exactly 2 RMWs on get + drop's fast path (try_get, put), found {}: {}",
                fast.len(),
                fast.join("; ")
            ),
        });
    }
    if shape.max_rmws > 2 {
        errs.push(Failure {
            tag: "slab: RMWs on a path",
            msg: format!(
                "expected at most 2 RMWs on any path, found a path with {} (of: {})",
                shape.max_rmws,
                shape.rmws.join("; ")
            ),
        });
    }
    if !shape.loops.is_empty() {
        let at: Vec<&str> = shape
            .loops
            .iter()
            .map(|&(_, j)| shape.insns[j].as_str())
            .collect();
        errs.push(Failure {
            tag: "slab: loop",
            msg: format!(
                "expected no loop in get + drop, found a backward branch: {}",
                at.join("; ")
            ),
        });
    }
    let cas: Vec<&str> = shape
        .insns
        .iter()
        .filter(|t| is_cas(kind, t))
        .map(|s| s.as_str())
        .collect();
    if !cas.is_empty() {
        errs.push(Failure {
            tag: "slab: CAS inline",
            msg: format!("expected no compare-and-swap in get + drop (the cold paths are out of line), found: {}", cas.join("; ")),
        });
    }
    errs
}

/// One target's slab dump (into `files`) and failed assertions.
pub fn dump_slab(
    t: &Target,
    rustc: &str,
    asm: &Asm,
    files: &mut BTreeMap<String, String>,
    failures: &mut Vec<Located>,
) -> Result<()> {
    let c = t.kind.comment();
    let f = asm
        .resolve(SYMBOL)
        .ok_or_else(|| format!("xtask asm: no {SYMBOL} in the {} build", t.name))?;
    let body = parse::clean(f, c);
    for failure in check_slab(t.kind, &Shape::new(t.kind, &body)) {
        failures.push(Located {
            build: format!("{}-slab", t.name),
            sym: SYMBOL.to_string(),
            failure,
            body: body.clone(),
        });
    }
    let mut out = header(
        t,
        rustc,
        "frozen-slab: get + drop of the guard on a Slab<u64> (default backend)",
    );
    out.push(String::new());
    out.push(format!("{SYMBOL}:"));
    push_body(&mut out, &body);
    files.insert(format!("{DUMPS}/{}-slab.s", t.name), out.join("\n") + "\n");
    Ok(())
}

#[cfg(test)]
mod tests {
    //! The slab dumps pass, and the regressions a change to `slab/src/`
    //! could bring, applied to the real x86_64 dump, fail.
    use super::*;
    use crate::asm::parse::{parse_dump, Item};
    use crate::asm::targets::TARGETS;
    use std::collections::BTreeSet;

    fn checked_in(t: &Target) -> Vec<Item> {
        let path = crate::util::root().join(format!("{DUMPS}/{}-slab.s", t.name));
        let text = std::fs::read_to_string(path).unwrap();
        let mut funcs = parse_dump(&text, t.kind.comment());
        assert_eq!(funcs.len(), 1);
        assert_eq!(funcs[0].0, SYMBOL);
        funcs.remove(0).1
    }

    fn tags(kind: Kind, body: &[Item]) -> BTreeSet<&'static str> {
        check_slab(kind, &Shape::new(kind, body))
            .into_iter()
            .map(|f| f.tag)
            .collect()
    }

    /// The x86_64 dump with `insn` inserted before the first instruction
    /// that contains `at`.
    fn x86_with(at: &str, insn: &str) -> Vec<Item> {
        let mut body = checked_in(&TARGETS[0]);
        let i = body
            .iter()
            .position(|i| matches!(i, Item::Insn(t) if t.contains(at)))
            .unwrap();
        body.insert(i, Item::Insn(insn.to_string()));
        body
    }

    #[test]
    fn every_checked_in_slab_dump_passes() {
        for t in TARGETS {
            let body = checked_in(t);
            assert!(
                tags(t.kind, &body).is_empty(),
                "{}-slab.s: {:?}",
                t.name,
                check_slab(t.kind, &Shape::new(t.kind, &body))
            );
        }
    }

    #[test]
    fn a_third_rmw_fails() {
        let body = x86_with("testl\t$-1073741824, %edx", "lock incq\t8(%rbx, %r13, 8)");
        assert_eq!(
            tags(Kind::X86, &body),
            BTreeSet::from(["slab: fast-path RMW count", "slab: RMWs on a path"])
        );
    }

    #[test]
    fn an_inline_cas_fails() {
        let body = x86_with("movq\t$-1, %rcx", "lock cmpxchgq\t%rcx, (%r15, %r12, 8)");
        assert!(tags(Kind::X86, &body).contains("slab: CAS inline"));
    }

    #[test]
    fn a_retry_loop_fails() {
        // A CAS-loop-shaped get: branch back to the mark's re-check.
        let body = x86_with("movq\t8(%rax), %rax", "jne\t.L0");
        assert_eq!(tags(Kind::X86, &body), BTreeSet::from(["slab: loop"]));
    }
}
