//! `cargo xtask callgrind [N]`: instructions per uncontended try_get + put
//! pair for every row of `compare`, counted by callgrind. Deterministic,
//! unlike the timings. Only the pair loop (`common::pairs`) is counted, so
//! the figure is the loop body per pair.

use crate::util::{self, Result};
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The command.
pub fn main(args: &[String]) -> Result<()> {
    let n: u64 = match args {
        [] => 100_000,
        [n] => n
            .parse()
            .map_err(|_| format!("xtask callgrind: N must be a number, not {n:?}"))?,
        _ => return Err("usage: cargo xtask callgrind [N]".into()),
    };
    if !util::have("valgrind") {
        return Err("xtask callgrind: needs valgrind (apt-get install valgrind)".into());
    }
    util::run(util::cargo().args([
        "build",
        "--quiet",
        "--profile",
        "bench",
        "--example",
        "compare",
    ]))?;
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| util::root().join("target"), PathBuf::from);
    let bin = target.join("release/examples/compare");
    let out = target.join("callgrind");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(&out)
        .map_err(|e| format!("xtask callgrind: {}: {e}", out.display()))?;
    let rows = util::run(Command::new(&bin).args(["--callgrind", &n.to_string()]))?;
    println!("| row | instructions per pair |");
    println!("|---|--:|");
    for (k, row) in rows.lines().enumerate() {
        let file = out.join(format!("row{k}.out"));
        util::run(
            Command::new("valgrind")
                .args([
                    "--tool=callgrind",
                    "--toggle-collect=compare::common::pairs*",
                ])
                .arg(format!("--callgrind-out-file={}", file.display()))
                .arg(&bin)
                .args(["--callgrind", &n.to_string(), "--row", &k.to_string()])
                .stdin(Stdio::null()),
        )?;
        let text = std::fs::read_to_string(&file)
            .map_err(|e| format!("xtask callgrind: {}: {e}", file.display()))?;
        let ir: u64 = text
            .lines()
            .find_map(|l| l.strip_prefix("summary: "))
            .and_then(|s| s.trim().parse().ok())
            .ok_or_else(|| format!("xtask callgrind: no summary line in {}", file.display()))?;
        println!("| {row} | {:.2} |", ir as f64 / n as f64);
    }
    Ok(())
}
