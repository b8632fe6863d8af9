//! `cargo xtask callgrind [N]`: instructions per uncontended try_get + put
//! pair for every one-counter row of `compare`, and per life for every
//! free-path row on one thread, counted by callgrind. Deterministic, unlike
//! the timings.
//!
//! `cargo xtask callgrind-slab [N]`: the same for frozen-slab's
//! `compare_slab`, instructions per get + drop on one hot key (one thread)
//! for frozen-slab, sharded-slab and the floor.
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

/// The command: `compare_slab`'s subjects.
pub fn slab(args: &[String]) -> Result<()> {
    let n = count(args, "callgrind-slab")?;
    let bin = build(
        &["-p", "frozen-slab", "--example", "compare_slab"],
        "compare_slab",
    )?;
    let subjects = util::run(Command::new(&bin).args(["--callgrind", &n.to_string()]))?;
    println!("| subject | instructions per get+drop (hot key, 1 thread) |");
    println!("|---|--:|");
    for (k, subject) in subjects.lines().enumerate() {
        let args = ["--callgrind", &n.to_string(), "--subject", &k.to_string()];
        let ir = instructions(&bin, &args, &[COUNTED], &format!("slab{k}"))?;
        println!("| {subject} | {:.2} |", ir as f64 / n as f64);
    }
    Ok(())
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
    let file = util::target_dir()
        .join("callgrind")
        .join(format!("{name}.out"));
    util::run(
        Command::new("valgrind")
            .arg("--tool=callgrind")
            .args(toggles.iter().map(|t| format!("--toggle-collect={t}")))
            .arg(format!("--callgrind-out-file={}", file.display()))
            .arg(bin)
            .args(args)
            .stdin(Stdio::null()),
    )?;
    let text = std::fs::read_to_string(&file)
        .map_err(|e| format!("xtask callgrind: {}: {e}", file.display()))?;
    text.lines()
        .find_map(|l| l.strip_prefix("summary: "))
        .and_then(|s| s.trim().parse().ok())
        .ok_or_else(|| format!("xtask callgrind: no summary line in {}", file.display()))
}
