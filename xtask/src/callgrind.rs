//! `cargo xtask callgrind [N]`: instructions per uncontended try_get + put
//! pair for every one-counter row of `compare`, and per life for every
//! free-path row on one thread, counted by callgrind. Deterministic, unlike
//! the timings.
//!
//! `cargo xtask callgrind-slab [N]`: the same for frozen-slab's
//! comparisons, on one thread: instructions and atomic read-modify-writes
//! per get + drop on one hot key and per insert + remove (`compare_slab`:
//! frozen-slab, sharded-slab, the floor), and per create + clear
//! (`compare_pool`: the two pools). The RMWs are counted on x86_64: the
//! executed instructions with a `lock` prefix, or an `xchg` with memory
//! (locked without one), found with `objdump`. `--check` makes the
//! figures the crate's docs state a test (CI runs it).
//!
//! What is counted is found by a name, not by where it lives: callgrind
//! collects only inside `bench_harness::callgrind::callgrind_counted`
//! ([`COUNTED`]), which each example's `--callgrind N` run calls around
//! its loop (`pairs`, `lives` or `hot`: the loop and everything it calls,
//! plus the few instructions of the call, the same for every row; divided
//! by N, they do not show).

use crate::util::{self, Result};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The toggle of the one function whose instructions are counted, by its
/// name alone (the module or crate that holds it does not matter).
const COUNTED: &str = "*callgrind_counted*";

/// The command: `compare`'s rows.
pub fn main(args: &[String]) -> Result<()> {
    let n = count(args, "callgrind")?;
    let bin = build(&["--example", "compare"], "compare")?;
    let rows = util::run(Command::new(&bin).args(["--callgrind", &n.to_string()]))?;
    println!("| row | instructions per pair (free path: per life) |");
    println!("|---|--:|");
    for (k, row) in rows.lines().enumerate() {
        let args = ["--callgrind", &n.to_string(), "--row", &k.to_string()];
        let ir = instructions(&bin, &args, &[COUNTED], &format!("row{k}"))?;
        println!("| {row} | {:.2} |", ir as f64 / n as f64);
    }
    Ok(())
}

/// The command: `compare_slab`'s and `compare_pool`'s subjects. With
/// `--check`, it also fails unless frozen-slab keeps its RMW counts
/// ([`RMW_BOUNDS`]) and runs no more instructions than sharded-slab, per
/// operation, on every row.
pub fn slab(args: &[String]) -> Result<()> {
    let check = args.iter().any(|a| a == "--check");
    let rest: Vec<String> = args.iter().filter(|a| *a != "--check").cloned().collect();
    let n = count(&rest, "callgrind-slab")?;
    let slab_bin = build(
        &["-p", "frozen-slab", "--example", "compare_slab"],
        "compare_slab",
    )?;
    let pool_bin = build(
        &["-p", "frozen-slab", "--example", "compare_pool"],
        "compare_pool",
    )?;
    let n_arg = n.to_string();
    let per_op = |(ir, rmw): (u64, Option<u64>)| PerOp {
        instructions: ir as f64 / n as f64,
        rmws: rmw.map(|r| r as f64 / n as f64),
    };
    // (operation, subject, figures), in the order printed.
    let mut rows: Vec<(&str, String, PerOp)> = Vec::new();
    let subjects = util::run(Command::new(&slab_bin).args(["--callgrind", &n_arg]))?;
    for (k, line) in subjects.lines().enumerate() {
        let (subject, churn) = line.split_once('\t').unwrap_or((line, ""));
        let k = k.to_string();
        let args = ["--callgrind", &n_arg, "--subject", &k];
        let hot = per_op(counted(&slab_bin, &args, &format!("slab{k}"))?);
        rows.push(("get+drop", subject.to_string(), hot));
        if !churn.is_empty() {
            let args = ["--callgrind", &n_arg, "--subject", &k, "--churn"];
            let churn = per_op(counted(&slab_bin, &args, &format!("churn{k}"))?);
            rows.push(("insert+remove", subject.to_string(), churn));
        }
    }
    let subjects = util::run(Command::new(&pool_bin).args(["--callgrind", &n_arg]))?;
    for (k, subject) in subjects.lines().enumerate() {
        let k = k.to_string();
        let args = ["--callgrind", &n_arg, "--subject", &k];
        let row = per_op(counted(&pool_bin, &args, &format!("pool{k}"))?);
        rows.push(("create+clear", subject.to_string(), row));
    }
    println!("| operation | subject | instructions | atomic RMWs |");
    println!("|---|---|--:|--:|");
    for (op, subject, f) in &rows {
        let rmws = f.rmws.map_or("-".to_string(), |r| format!("{r:.2}"));
        println!("| {op} | {subject} | {:.2} | {rmws} |", f.instructions);
    }
    if check {
        check_slab(&rows)?;
        println!("callgrind-slab --check: frozen-slab's RMW counts and instruction lead hold");
    }
    Ok(())
}

/// One row's figures, per operation.
struct PerOp {
    instructions: f64,
    /// x86_64 with `objdump` only.
    rmws: Option<f64>,
}

/// The RMWs per operation that frozen-slab's docs state, on one thread:
/// get + drop is a `try_get` and a `put`; create + clear the mark's CAS and
/// `put_expecting_last`'s (the slot goes to and comes back from the
/// thread's local list, plain memory); insert + remove, in batches of 1000,
/// those two and the shard stack's CAS pop and push for all but the 16 the
/// local list holds.
const RMW_BOUNDS: [(&str, f64); 3] = [
    ("get+drop", 2.0),
    ("insert+remove", 4.0),
    ("create+clear", 2.0),
];

/// `--check`: frozen-slab's rows against [`RMW_BOUNDS`] and sharded-slab's.
fn check_slab(rows: &[(&str, String, PerOp)]) -> Result<()> {
    let find = |op: &str, subject: &str| {
        rows.iter()
            .find(|(o, s, _)| *o == op && s.starts_with(subject))
            .map(|(_, _, f)| f)
            .ok_or(format!("callgrind-slab --check: no {subject} row for {op}"))
    };
    let mut bad = Vec::new();
    for (op, bound) in RMW_BOUNDS {
        let ours = find(op, "frozen-slab")?;
        let theirs = find(op, "sharded-slab")?;
        match ours.rmws {
            // 0.01: the loop's first operations also set the slab up.
            Some(r) if r > bound + 0.01 => {
                bad.push(format!("{op}: {r:.4} RMWs, more than {bound}"))
            }
            Some(_) => {}
            None => bad.push(format!(
                "{op}: RMWs not counted (x86_64 and objdump needed)"
            )),
        }
        if ours.instructions > theirs.instructions {
            bad.push(format!(
                "{op}: {:.2} instructions, sharded-slab {:.2}",
                ours.instructions, theirs.instructions
            ));
        }
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "callgrind-slab --check failed:\n  {}",
            bad.join("\n  ")
        ))
    }
}

/// Instructions, and atomic read-modify-writes (x86_64 only), executed
/// inside [`COUNTED`] by one run of `bin args`.
pub fn counted(bin: &Path, args: &[&str], name: &str) -> Result<(u64, Option<u64>)> {
    let file = run_callgrind(bin, args, &[COUNTED, "--dump-instr=yes"], name)?;
    let text = std::fs::read_to_string(&file)
        .map_err(|e| format!("xtask callgrind: {}: {e}", file.display()))?;
    let ir = summary(&text, &file)?;
    if !cfg!(target_arch = "x86_64") || !util::have("objdump") {
        return Ok((ir, None));
    }
    let locked = locked_instructions(bin)?;
    Ok((ir, Some(executed_at(&text, &locked))))
}

/// The addresses of `bin`'s atomic read-modify-write instructions: those
/// with a `lock` prefix, and `xchg` with a memory operand.
fn locked_instructions(bin: &Path) -> Result<std::collections::HashSet<u64>> {
    let dump = util::run(
        Command::new("objdump")
            .args(["-d", "--no-show-raw-insn"])
            .arg(bin),
    )?;
    Ok(dump
        .lines()
        .filter_map(|l| {
            let (addr, insn) = l.trim_start().split_once(":\t")?;
            let insn = insn.trim_start();
            let rmw = insn.starts_with("lock") || (insn.starts_with("xchg") && insn.contains('('));
            rmw.then(|| u64::from_str_radix(addr, 16).ok())?
        })
        .collect())
}

/// How many times the instructions at `addresses` ran, from a callgrind
/// output written with `--dump-instr=yes`. A cost line starts with the
/// instruction's address, absolute (`0x…`), relative to the last one
/// (`+n`, `-n`) or the same (`*`); the line after a `calls=` line is the
/// call's inclusive cost, not the instruction's own, and is not counted.
fn executed_at(text: &str, addresses: &std::collections::HashSet<u64>) -> u64 {
    let (mut at, mut total, mut after_call) = (0u64, 0u64, false);
    for line in text.lines() {
        if line.starts_with("calls=") {
            after_call = true;
            continue;
        }
        let mut fields = line.split_whitespace();
        let Some(first) = fields.next() else { continue };
        at = if let Some(hex) = first.strip_prefix("0x") {
            match u64::from_str_radix(hex, 16) {
                Ok(a) => a,
                Err(_) => continue,
            }
        } else if let Some(d) = first.strip_prefix('+').and_then(|d| d.parse::<u64>().ok()) {
            at + d
        } else if let Some(d) = first.strip_prefix('-').and_then(|d| d.parse::<u64>().ok()) {
            at - d
        } else if first == "*" {
            at
        } else {
            continue;
        };
        // The instruction's position, the line's, then the cost.
        let cost = fields.nth(1).and_then(|c| c.parse::<u64>().ok());
        if std::mem::take(&mut after_call) {
            continue;
        }
        if addresses.contains(&at) {
            total += cost.unwrap_or(0);
        }
    }
    total
}

/// `[N]`: the operations per row (default 100000); valgrind must be there.
pub fn count(args: &[String], command: &str) -> Result<u64> {
    let n = match args {
        [] => 100_000,
        [n] => n
            .parse()
            .map_err(|_| format!("xtask {command}: N must be a number, not {n:?}"))?,
        _ => return Err(format!("usage: cargo xtask {command} [N]")),
    };
    if !util::have("valgrind") {
        return Err(format!(
            "xtask {command}: needs valgrind (apt-get install valgrind)"
        ));
    }
    Ok(n)
}

/// Builds the example (bench profile: optimised, with symbols) and returns
/// its path; clears `target/callgrind/`.
fn build(target_args: &[&str], example: &str) -> Result<PathBuf> {
    util::run(
        util::cargo()
            .args(["build", "--quiet", "--profile", "bench"])
            .args(target_args),
    )?;
    let target = util::target_dir();
    let out = target.join("callgrind");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out)
        .map_err(|e| format!("xtask callgrind: {}: {e}", out.display()))?;
    Ok(target.join("release/examples").join(example))
}

/// Instructions executed inside the functions `toggles` (and what they
/// call) by one run of `bin args` under callgrind; its output is
/// `target/callgrind/<name>.out`.
pub fn instructions(bin: &Path, args: &[&str], toggles: &[&str], name: &str) -> Result<u64> {
    let file = run_callgrind(bin, args, toggles, name)?;
    let text = std::fs::read_to_string(&file)
        .map_err(|e| format!("xtask callgrind: {}: {e}", file.display()))?;
    summary(&text, &file)
}

/// Runs `bin args` under callgrind, collecting inside the functions
/// `toggles` (an entry that starts with `--` is passed as an option);
/// returns the output file.
fn run_callgrind(bin: &Path, args: &[&str], toggles: &[&str], name: &str) -> Result<PathBuf> {
    let file = util::target_dir()
        .join("callgrind")
        .join(format!("{name}.out"));
    util::run(
        Command::new("valgrind")
            .arg("--tool=callgrind")
            .args(toggles.iter().map(|t| {
                if t.starts_with("--") {
                    t.to_string()
                } else {
                    format!("--toggle-collect={t}")
                }
            }))
            .arg(format!("--callgrind-out-file={}", file.display()))
            .arg(bin)
            .args(args)
            .stdin(Stdio::null()),
    )?;
    Ok(file)
}

/// The instructions counted in a callgrind output.
fn summary(text: &str, file: &Path) -> Result<u64> {
    text.lines()
        .find_map(|l| l.strip_prefix("summary: "))
        .and_then(|s| s.trim().parse().ok())
        .ok_or_else(|| format!("xtask callgrind: no summary line in {}", file.display()))
}
