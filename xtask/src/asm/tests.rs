//! The checker catches what it should, and nothing else: hand-written bodies
//! (the former `--self-test`), the checked-in dumps themselves (every
//! assertion holds on them), and the failure modes a regression would bring,
//! applied to real dumped functions: a load of the counter before the RMW, a
//! second locked instruction (or AMO) in `try_get`, an LR/SC loop where
//! RISC-V has an AMO, a CAS of the wrong shape for the build (`amocas` without
//! Zacas, LR/SC with it), and a stale dump. Each must make `--check` fail
//! with a readable report.

use super::check::check_function;
use super::dump::Located;
use super::parse::{clean, parse_dump, Func, Item};
use super::report::{failed, report, stale};
use super::shape::Shape;
use super::targets::{backend_kind, Kind, TARGETS};
use std::collections::{BTreeMap, BTreeSet};

/// The failure tags `check_function` reports for a raw (uncleaned) body.
fn tags(kind: Kind, backend: &str, enc: &str, op: &str, raw: &str) -> BTreeSet<&'static str> {
    let f = Func {
        lines: raw.trim().lines().map(|l| l.trim().to_string()).collect(),
    };
    let shape = Shape::new(backend_kind(backend, kind), &clean(&f, kind.comment()));
    check_function(kind, backend, enc, op, &shape)
        .into_iter()
        .map(|f| f.tag)
        .collect()
}

fn set(tags: &[&'static str]) -> BTreeSet<&'static str> {
    tags.iter().copied().collect()
}

#[test]
fn a_good_try_get_passes() {
    let raw = "
        movl $1, %esi
        lock xaddl %esi, (%rdi)
        incl %esi
        cmpl $1073741824, %esi
        jae .LBB0_2
        movb $1, %al
        retq
    .LBB0_2:
        jmpq *_RNvNtCs1_15frozen_refcount6frozen12try_get_slow@GOTPCREL(%rip)";
    assert_eq!(tags(Kind::X86, "core", "HighBit", "try_get", raw), set(&[]));
}

#[test]
fn a_load_first_a_second_cas_and_an_inlined_cold_path_fail() {
    let raw = "
        movl (%rdi), %eax
        movq %rdi, %rbx
        lock xaddl %esi, (%rbx)
        jae .LBB0_2
        retq
    .LBB0_2:
        lock cmpxchgl %ecx, (%rbx)
        retq";
    assert_eq!(
        tags(Kind::X86, "core", "HighBit", "try_get", raw),
        set(&[
            "access before the RMW",
            "two RMWs on a path",
            "cold path inlined"
        ])
    );
}

#[test]
fn a_loop_fails() {
    let raw = "
    .LBB0_1:
        lock xaddl %esi, (%rdi)
        jne .LBB0_1
        jmp put_slow";
    assert_eq!(
        tags(Kind::X86, "core", "LowBit", "put", raw),
        set(&["loop"])
    );
}

#[test]
fn a_backward_jump_that_is_no_loop_passes_the_loop_check() {
    let raw = "
        testl %esi, %esi
        js .LBB0_1
    .LBB0_2:
        lock xaddl %esi, (%rdi)
        retq
    .LBB0_1:
        movl %esi, (%rsp)
        jmp .LBB0_2";
    assert_eq!(
        tags(Kind::X86, "core", "HighBit", "get", raw),
        set(&["cold path inlined"])
    );
}

#[test]
fn classic_without_its_cas_loop_fails() {
    let raw = "
        lock xaddl %esi, (%rdi)
        retq";
    assert_eq!(
        tags(Kind::X86, "core", "Classic", "try_get", raw),
        set(&["CAS loop gone"])
    );
}

const LLSC_TRY_GET: &str = "
    .LBB0_1:
        ldaxr w8, [x0]
        add w1, w8, #1
        stxr w9, w1, [x0]
        cbnz w9, .LBB0_1
        cbnz w8, .LBB0_2
        ret
    .LBB0_2:
        b try_get_slow";

#[test]
fn llsc_on_an_lse_build_fails_unless_the_backend_is_llsc() {
    assert_eq!(
        tags(Kind::Lse, "core", "HighBit", "try_get", LLSC_TRY_GET),
        set(&["LL/SC on +lse"])
    );
    assert_eq!(
        tags(Kind::Lse, "arm_llsc", "HighBit", "try_get", LLSC_TRY_GET),
        set(&[])
    );
}

#[test]
fn run_time_detection_has_one_rmw_on_each_path() {
    let raw = "
        adrp x8, STATE
        ldrb w8, [x8, :lo12:STATE]
        cmp w8, #2
        b.ne .LBB0_2
        ldaddl w9, w1, [x0]
        b .LBB0_4
    .LBB0_2:
        ldxr w1, [x0]
        sub w2, w1, #1
        stlxr w8, w2, [x0]
        cbnz w8, .LBB0_2
    .LBB0_4:
        cbnz w1, .LBB0_5
        ret
    .LBB0_5:
        b put_slow";
    assert_eq!(
        tags(Kind::Outline, "arm_detect", "HighBit", "put", raw),
        set(&[])
    );
}

#[test]
fn a_biased_try_get_through_xadd_fails_the_sign_test() {
    let raw = "
        movl $1, %eax
        lock xaddl %eax, (%rdi)
        cmpl $-1, %eax
        jl .LBB0_2
        retq
    .LBB0_2:
        jmp try_get_reread";
    assert_eq!(
        tags(Kind::X86, "core", "Biased", "try_get", raw),
        set(&["Biased try_get xadd", "Biased sign test"])
    );
}

/// The checked-in dump of `<target>-<backend>.s`: its probe functions as
/// (symbol, body), and the target's kind.
fn dump(target: &str, backend: &str) -> (Kind, Vec<(String, Vec<Item>)>) {
    let t = TARGETS.iter().find(|t| t.name == target).unwrap();
    let path = crate::util::root().join(format!("asm-dumps/{target}-{backend}.s"));
    let text = std::fs::read_to_string(&path).unwrap();
    (t.kind, parse_dump(&text, t.kind.comment()))
}

/// The failures of one probe function `frc_<enc>_<backend>_<op>` of a
/// checked-in dump, after `edit` has changed its body.
fn check_edited(
    target: &str,
    backend: &str,
    enc: &str,
    op: &str,
    edit: impl Fn(&mut Vec<Item>),
) -> Vec<Located> {
    let (kind, funcs) = dump(target, backend);
    let sym = format!("frc_{enc}_{backend}_{op}");
    let mut body = funcs
        .into_iter()
        .find(|(s, _)| *s == sym)
        .expect("the probe function")
        .1;
    edit(&mut body);
    let shape = Shape::new(kind, &body);
    check_function(kind, backend, enc, op, &shape)
        .into_iter()
        .map(|failure| Located {
            build: format!("{target}-{backend}"),
            sym: sym.clone(),
            failure,
            body: body.clone(),
        })
        .collect()
}

/// Inserts `insn` before the body's first instruction that contains `at`.
fn insert_before(body: &mut Vec<Item>, at: &str, insn: &str) {
    let i = body
        .iter()
        .position(|i| matches!(i, Item::Insn(t) if t.contains(at)))
        .expect("the anchor");
    body.insert(i, Item::Insn(insn.to_string()));
}

#[test]
fn every_checked_in_dump_passes_every_assertion() {
    let mut checked = 0;
    for t in TARGETS {
        for entry in std::fs::read_dir(crate::util::root().join("asm-dumps")).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let Some(backend) = name
                .strip_prefix(&format!("{}-", t.name))
                .and_then(|s| s.strip_suffix(".s"))
            else {
                continue;
            };
            // `aarch64-lse-*` also starts with `aarch64-`: only exact targets.
            if TARGETS
                .iter()
                .any(|o| o.name.len() > t.name.len() && name.starts_with(&format!("{}-", o.name)))
            {
                continue;
            }
            let (kind, funcs) = dump(t.name, backend);
            for (sym, body) in funcs {
                let Some(rest) = sym.strip_prefix("frc_") else {
                    continue;
                };
                let (enc, rest) = rest.split_once('_').unwrap();
                let op = rest.strip_prefix(&format!("{backend}_")).unwrap();
                let errs = check_function(kind, backend, enc, op, &Shape::new(kind, &body));
                assert!(errs.is_empty(), "{name} {sym}: {errs:?}");
                checked += 1;
            }
        }
    }
    // 20 dumps (x86_64 3, aarch64 13, riscv64 4) x 7 encodings x 5 operations.
    assert_eq!(checked, 20 * 7 * 5);
}

#[test]
fn a_hand_added_load_before_the_rmw_fails_check() {
    for (target, backend, load) in [
        ("x86_64", "core", "movl\t(%rdi), %eax"),
        ("x86_64", "x86_asm", "movl\t(%rdi), %eax"),
        ("aarch64-lse", "core", "ldr\tw8, [x0]"),
    ] {
        let failures = check_edited(target, backend, "HighBit", "try_get", |b| {
            let rmw = if target == "x86_64" { "lock " } else { "ldadd" };
            insert_before(b, rmw, load);
        });
        let tags: Vec<_> = failures.iter().map(|f| f.failure.tag).collect();
        assert_eq!(tags, ["access before the RMW"], "{target}-{backend}");
        assert!(failed(true, &[], &failures));
        let r = report(true, &[], &failures);
        assert!(
            r.contains(&format!(
                "HOT-PATH ASSERTION FAILED: {target}-{backend}, frc_HighBit_{backend}_try_get"
            )),
            "{r}"
        );
        assert!(r.contains(&format!("found one before it: {load}")), "{r}");
        assert!(
            r.contains(&format!("        {load}\n")),
            "the report shows the function:\n{r}"
        );
    }
}

#[test]
fn a_second_locked_instruction_in_try_get_fails_check() {
    let failures = check_edited("x86_64", "core", "HighBit", "try_get", |b| {
        let i = b
            .iter()
            .position(|i| matches!(i, Item::Insn(t) if t.starts_with("lock ")))
            .unwrap();
        b.insert(i + 1, Item::Insn("lock incl\t4(%rdi)".to_string()));
    });
    let tags: Vec<_> = failures.iter().map(|f| f.failure.tag).collect();
    assert_eq!(tags, ["fast-path RMW count", "two RMWs on a path"]);
    let r = report(true, &[], &failures);
    assert!(
        r.contains("expected exactly 1 locked instruction on the fast path, found 2"),
        "{r}"
    );
    assert!(
        r.contains("frc_HighBit_core_try_get: fast-path RMW count, two RMWs on a path"),
        "{r}"
    );
    // On LSE: a second `ldadd`.
    let failures = check_edited("aarch64-lse", "core", "Tagged", "try_get", |b| {
        insert_before(b, "ldadd", "ldadd\tw9, w10, [x0]");
    });
    assert!(failures
        .iter()
        .any(|f| f.failure.tag == "fast-path RMW count"));
}

#[test]
fn a_stale_dump_fails_check_with_a_diff() {
    let path = "asm-dumps/x86_64-core.s";
    let fresh = std::fs::read_to_string(crate::util::root().join(path)).unwrap();
    let old = fresh.replacen("lock xaddl", "lock xaddq", 1);
    let files = BTreeMap::from([(path.to_string(), fresh.clone())]);
    let orphan = "asm-dumps/x86_64-gone.s".to_string();
    let stale = stale(&files, &[path.to_string(), orphan.clone()], |p| {
        Some(if p == path {
            old.clone()
        } else {
            "old dump\n".to_string()
        })
    });
    assert_eq!(stale.len(), 2);
    let diff = stale[0].diff();
    assert!(
        diff.starts_with(&format!(
            "--- a/{path} (checked in)\n+++ b/{path} (regenerated)\n@@ "
        )),
        "{diff}"
    );
    assert!(
        diff.contains("\n-\tlock xaddq\t%esi, (%rdi)\n+\tlock xaddl\t%esi, (%rdi)\n"),
        "{diff}"
    );
    assert!(stale[1]
        .diff()
        .contains("checked in, but no longer generated"));
    assert!(failed(true, &stale, &[]));
    assert!(
        !failed(false, &stale, &[]),
        "without --check a stale file is rewritten, not a failure"
    );
    let r = report(true, &stale, &[]);
    assert!(
        r.contains(&format!("2 file(s) stale: {path}, {orphan}")),
        "{r}"
    );
    // The same text is no stale file.
    assert!(super::report::stale(&files, &[path.to_string()], |_| Some(fresh.clone())).is_empty());
}

/// The tags of a list of located failures.
fn tag_list(failures: &[Located]) -> Vec<&'static str> {
    failures.iter().map(|f| f.failure.tag).collect()
}

#[test]
fn riscv64_try_get_with_a_second_amo_or_an_lr_sc_loop_fails_check() {
    // The real dump holds: one `amoadd.w.aq`, nothing else.
    assert!(check_edited("riscv64", "core", "HighBit", "try_get", |_| {}).is_empty());
    // A second AMO after the first.
    let failures = check_edited("riscv64", "core", "HighBit", "try_get", |b| {
        let i = b
            .iter()
            .position(|i| matches!(i, Item::Insn(t) if t.starts_with("amoadd.w.aq")))
            .unwrap();
        b.insert(i + 1, Item::Insn("amoadd.w\ta3, a1, (a0)".to_string()));
    });
    assert_eq!(
        tag_list(&failures),
        ["fast-path RMW count", "two RMWs on a path"]
    );
    let r = report(true, &[], &failures);
    assert!(
        r.contains("HOT-PATH ASSERTION FAILED: riscv64-core, frc_HighBit_core_try_get"),
        "{r}"
    );
    assert!(
        r.contains(
            "expected exactly 1 AMO or load-reserved (`amo*`, `lr.w`) on the fast path, found 2"
        ),
        "{r}"
    );
    // The AMO replaced by the LR/SC loop a CAS-based add would be.
    let failures = check_edited("riscv64", "portable", "Tagged", "try_get", |b| {
        let i = b
            .iter()
            .position(|i| matches!(i, Item::Insn(t) if t.starts_with("amoadd.d.aq")))
            .unwrap();
        b.splice(
            i..=i,
            [
                Item::Label(".Lretry:".to_string()),
                Item::Insn("lr.d.aq\ta2, (a0)".to_string()),
                Item::Insn("add\ta3, a2, a1".to_string()),
                Item::Insn("sc.d\ta4, a3, (a0)".to_string()),
                Item::Insn("bnez\ta4, .Lretry".to_string()),
                Item::Insn("mv\ta1, a2".to_string()),
            ],
        );
    });
    assert_eq!(tag_list(&failures), ["LR/SC on a RISC-V hot path"]);
    assert!(report(true, &[], &failures)
        .contains("expected one AMO and no LR/SC (an add is one `amoadd`), found: lr.d.aq\ta2, (a0); sc.d\ta4, a3, (a0)"));
    // A load of the counter before the AMO.
    let failures = check_edited("riscv64", "core", "Biased", "try_get", |b| {
        insert_before(b, "amoadd", "lw\ta2, 0(a0)");
    });
    assert_eq!(tag_list(&failures), ["access before the RMW"]);
}

#[test]
fn a_riscv64_cas_of_the_wrong_shape_fails_check() {
    // RV64GC has no CAS instruction: `freeze` is an `lr.w`/`sc.w` loop.
    // An `amocas.w` there (code built for Zacas) fails, as does a missing retry.
    let failures = check_edited("riscv64", "core", "HighBit", "freeze", |b| {
        insert_before(b, "lr.w.aq", "amocas.w.aq\ta3, a2, (a0)");
    });
    assert!(tag_list(&failures).contains(&"CAS shape"));
    let failures = check_edited("riscv64", "core", "LowBit", "freeze", |b| {
        b.retain(|i| !matches!(i, Item::Insn(t) if t.starts_with("bnez\ta4")));
    });
    assert_eq!(tag_list(&failures), ["CAS shape"]);
    assert!(report(true, &[], &failures)
        .contains("expected each CAS as an `lr.w`/`sc.w` retry loop and no `amocas`, found 1 `lr`, 0 LR/SC retry loop(s)"));
    // With Zacas the CAS is one `amocas.w.aq`; an LR/SC loop there fails.
    assert!(check_edited("riscv64-zacas", "core", "HighBit", "freeze", |_| {}).is_empty());
    let failures = check_edited("riscv64-zacas", "core", "HighBit", "freeze", |b| {
        let i = b
            .iter()
            .position(|i| matches!(i, Item::Insn(t) if t.starts_with("amocas.w.aq")))
            .unwrap();
        b.splice(
            i..=i,
            [
                Item::Label(".Lretry:".to_string()),
                Item::Insn("lr.w.aq\ta3, (a0)".to_string()),
                Item::Insn("bne\ta3, a1, .L0".to_string()),
                Item::Insn("sc.w\ta4, a2, (a0)".to_string()),
                Item::Insn("bnez\ta4, .Lretry".to_string()),
            ],
        );
    });
    assert_eq!(tag_list(&failures), ["CAS shape"]);
}
