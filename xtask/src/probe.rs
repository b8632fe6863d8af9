//! `cargo xtask probe [x86_64|aarch64]`: executed instructions per
//! uncontended try_get + put round (`HighBit<u32>`) of each backend, from
//! `xtask/backend-probe/` (one `#[inline(never)]` loop per backend).
//!
//! - x86_64: callgrind, counting only the loop (`--toggle-collect`).
//! - aarch64: qemu-user with one instruction per translation block
//!   (`-singlestep`) and every block logged (`-d exec,nochain`), so the
//!   number of `Trace` lines is the number of instructions executed. The
//!   difference between 2000 and 1000 rounds, over 1000, is the per-round
//!   count, with start-up cancelled out. Under qemu only counts mean
//!   anything, never times.

use crate::util::{self, Result};
use std::path::Path;
use std::process::Command;

const T: &str = "aarch64-unknown-linux-gnu";

/// The command.
pub fn main(args: &[String]) -> Result<()> {
    let which = match args {
        [] => "all",
        [w] if w == "x86_64" || w == "aarch64" => w.as_str(),
        _ => return Err("usage: cargo xtask probe [x86_64|aarch64]".into()),
    };
    let dir = util::root().join("target").join("backend-probe");
    if which != "aarch64" {
        x86_64(&dir)?;
    }
    if which != "x86_64" {
        aarch64(&dir)?;
    }
    Ok(())
}

/// Builds the probe into `dir/<name>` with `rustflags` for `target`.
fn build(dir: &Path, name: &str, target: Option<&str>, rustflags: &str) -> Result<()> {
    let mut c = util::cargo();
    c.args([
        "build",
        "--quiet",
        "--release",
        "--manifest-path",
        "xtask/backend-probe/Cargo.toml",
    ])
    .arg("--target-dir")
    .arg(dir.join(name))
    .env("RUSTFLAGS", rustflags)
    .env_remove("CARGO_ENCODED_RUSTFLAGS");
    if let Some(t) = target {
        c.args(["--target", t]).env(
            "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER",
            "aarch64-linux-gnu-gcc",
        );
    }
    util::run(&mut c).map(drop)
}

fn x86_64(dir: &Path) -> Result<()> {
    if !util::have("valgrind") {
        return Err("xtask probe: x86_64 needs valgrind (apt-get install valgrind)".into());
    }
    build(dir, "host", None, "")?;
    let bin = dir.join("host/release/backend-probe");
    let rounds = 1_000_000u64;
    for b in ["core", "x86asm"] {
        let out = Command::new("valgrind")
            .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
            .arg(format!("--toggle-collect=loop_{b}"))
            .arg(&bin)
            .args([b, &rounds.to_string()])
            .output()
            .map_err(|e| format!("xtask probe: valgrind: {e}"))?;
        let err = String::from_utf8_lossy(&out.stderr);
        let ir: u64 = err
            .lines()
            .find_map(|l| {
                l.split_once("Collected : ")
                    .map(|(_, n)| n.trim().to_string())
            })
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| format!("xtask probe: no `Collected :` line from callgrind:\n{err}"))?;
        println!(
            "x86_64 {b}: {ir} instructions for {rounds} rounds, {:.2} per round",
            ir as f64 / rounds as f64
        );
    }
    Ok(())
}

fn aarch64(dir: &Path) -> Result<()> {
    for tool in ["qemu-aarch64", "aarch64-linux-gnu-gcc"] {
        if !util::have(tool) {
            return Err(format!("xtask probe: aarch64 needs {tool} (apt-get install qemu-user gcc-aarch64-linux-gnu)"));
        }
    }
    for (name, flags) in [
        ("lse", "-C target-feature=+lse"),
        ("outline", ""),
        ("nolse", "-C target-feature=-outline-atomics"),
    ] {
        build(dir, name, Some(T), flags)?;
    }
    let combos = [
        ("lse", "max", "core"),
        ("lse", "max", "lse"),
        ("lse", "max", "detect"),
        ("lse", "max", "llsc"),
        ("outline", "max", "core"),
        ("outline", "max", "detect"),
        ("outline", "max", "llsc"),
        ("outline", "cortex-a53", "core"),
        ("outline", "cortex-a53", "detect"),
        ("outline", "cortex-a53", "llsc"),
        ("nolse", "max", "core"),
        ("nolse", "max", "detect"),
        ("nolse", "cortex-a53", "core"),
        ("nolse", "cortex-a53", "detect"),
    ];
    for (build, cpu, backend) in combos {
        let bin = dir.join(build).join(T).join("release/backend-probe");
        let a = trace_count(&bin, cpu, backend, 1000)?;
        let b = trace_count(&bin, cpu, backend, 2000)?;
        println!(
            "aarch64 build={build} -cpu {cpu} {backend}: {} instructions per round",
            (b - a) / 1000
        );
    }
    Ok(())
}

/// Instructions executed by `rounds` rounds, start-up included.
fn trace_count(bin: &Path, cpu: &str, backend: &str, rounds: u64) -> Result<u64> {
    let log = std::env::temp_dir().join(format!("xtask-probe-{}.log", std::process::id()));
    util::run(
        Command::new("qemu-aarch64")
            .args([
                "-L",
                "/usr/aarch64-linux-gnu",
                "-cpu",
                cpu,
                "-singlestep",
                "-d",
                "exec,nochain",
                "-D",
            ])
            .arg(&log)
            .arg(bin)
            .args([backend, &rounds.to_string()]),
    )?;
    let text = std::fs::read(&log).map_err(|e| format!("xtask probe: {}: {e}", log.display()))?;
    let _ = std::fs::remove_file(&log);
    Ok(text
        .split(|b| *b == b'\n')
        .filter(|l| l.starts_with(b"Trace"))
        .count() as u64)
}
