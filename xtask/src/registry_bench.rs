//! `cargo xtask registry-bench [--quick]`: tracing-subscriber's real
//! `Registry` (0.3.23) on sharded-slab 0.1.7 and on frozen-slab.
//!
//! The bench crate `xtask/tracing/registry-bench/` (its own workspace) is
//! built twice: as it is, on sharded-slab, into
//! `target/registry-bench/sharded/`; and with `[patch.crates-io]
//! sharded-slab` set on the command line to the shim
//! `xtask/tracing/shim/` (`pub use frozen_slab::*;`) into
//! `target/registry-bench/frozen/`. The two binaries then run in
//! interleaved rounds, each round every shape on both, the order
//! alternating (sharded first, then frozen first), so that the machine's
//! noise falls on both alike. Each run prints its median ns per span per
//! thread at 1 and 2 threads; the table gives, per shape and thread count,
//! the median over the rounds, the spread (min–max over the rounds), and
//! the ratio: sharded's time over frozen's (above 1: frozen-slab is
//! faster), of the medians and the min–max of the rounds' own ratios.
//! The table is also written to `target/registry_bench.md`.
//!
//! `cargo xtask registry-bench --callgrind [N]`: instead, instructions per
//! span lifecycle (one thread, N spans), per shape and slab (valgrind).

use crate::callgrind;
use crate::util::{self, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The shapes, as the bench binary names them, and what the table calls
/// them.
const SHAPES: [(&str, &str); 2] = [
    (
        "lifecycle",
        "span lifecycle (new, enter, exit, close), no-op layer",
    ),
    ("lookup", "lookup-heavy layer (ctx.span(id) on every enter)"),
];

/// The two builds: the table's name and the target directory's.
const SLABS: [&str; 2] = ["sharded", "frozen"];

/// The goals: per shape, frozen-slab's throughput over sharded-slab's at
/// 1 and 2 threads.
fn goal(shape: &str) -> f64 {
    if shape == "lookup" {
        1.5
    } else {
        1.2
    }
}

/// The command.
pub fn main(args: &[String]) -> Result<()> {
    let usage = "usage: cargo xtask registry-bench [--quick | --callgrind [N]]";
    let (rounds, budget_ms) = match args.first().map(String::as_str) {
        None => (9, 1500),
        Some("--quick") if args.len() == 1 => (3, 300),
        Some("--callgrind") => return counted(&args[1..]),
        _ => return Err(usage.to_string()),
    };
    let bins = build()?;
    // samples[(shape, threads)][slab]: one median per round; ratios: the
    // rounds' own sharded/frozen.
    let mut samples: BTreeMap<(usize, usize), [Vec<f64>; 2]> = BTreeMap::new();
    let mut ratios: BTreeMap<(usize, usize), Vec<f64>> = BTreeMap::new();
    let mut unclean = 0;
    for round in 0..rounds {
        eprint!("\rregistry-bench: round {}/{rounds}   ", round + 1);
        for (s, (shape, _)) in SHAPES.iter().enumerate() {
            let mut this: BTreeMap<usize, [Option<f64>; 2]> = BTreeMap::new();
            let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
            for slab in order {
                let out = util::run(
                    Command::new(&bins[slab])
                        .args([shape, "--budget-ms", &budget_ms.to_string()])
                        .stdin(Stdio::null()),
                )?;
                for line in out.lines() {
                    let (threads, ns, clean) = parse(line)?;
                    if !clean {
                        unclean += 1; // a median of disturbed runs: not kept
                        continue;
                    }
                    samples.entry((s, threads)).or_default()[slab].push(ns);
                    this.entry(threads).or_default()[slab] = Some(ns);
                }
            }
            for (threads, pair) in this {
                if let [Some(sharded), Some(frozen)] = pair {
                    ratios
                        .entry((s, threads))
                        .or_default()
                        .push(sharded / frozen);
                }
            }
        }
    }
    eprintln!();
    let md = report(rounds, budget_ms, &samples, &ratios, unclean, args);
    print!("{md}");
    let file = util::target_dir().join("registry_bench.md");
    std::fs::write(&file, &md).map_err(|e| format!("xtask: {}: {e}", file.display()))?;
    eprintln!("written to {}", file.display());
    Ok(())
}

/// One line of the bench binary: `<shape> <threads> <ns>[ unclean]`.
fn parse(line: &str) -> Result<(usize, f64, bool)> {
    let bad = || format!("xtask registry-bench: unexpected output {line:?}");
    let words: Vec<&str> = line.split_whitespace().collect();
    match words[..] {
        [_, threads, ns, ref rest @ ..] if rest.len() <= 1 => Ok((
            threads.parse().map_err(|_| bad())?,
            ns.parse().map_err(|_| bad())?,
            rest.is_empty(),
        )),
        _ => Err(bad()),
    }
}

/// The median, minimum and maximum of `v` (not empty).
fn figures(v: &[f64]) -> (f64, f64, f64) {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    ((v[(n - 1) / 2] + v[n / 2]) / 2.0, v[0], v[n - 1])
}

/// The markdown table and the goals.
fn report(
    rounds: usize,
    budget_ms: u64,
    samples: &BTreeMap<(usize, usize), [Vec<f64>; 2]>,
    ratios: &BTreeMap<(usize, usize), Vec<f64>>,
    unclean: usize,
    args: &[String],
) -> String {
    let mut s = format!(
        "Command: `cargo xtask registry-bench{}` ({rounds} interleaved rounds; each run a {budget_ms} ms budget of \
         1 ms batches, its figure the median of its clean batches). ns per span per thread: median over the rounds \
         (min–max). x: sharded-slab's time over frozen-slab's (above 1: frozen-slab is faster), of the medians \
         (min–max of each round's own ratio).\n\n\
         | shape | threads | sharded-slab ns | frozen-slab ns | x (throughput) | goal | rounds kept s/f |\n\
         |---|--:|--:|--:|--:|---|--:|\n",
        args.iter().map(|a| format!(" {a}")).collect::<String>()
    );
    for (&(shape, threads), [sharded, frozen]) in samples {
        let (name, what) = SHAPES[shape];
        let cell = |v: &[f64]| {
            if v.is_empty() {
                return ("-".to_string(), None);
            }
            let (m, lo, hi) = figures(v);
            (format!("{m:.1} ({lo:.1}–{hi:.1})"), Some(m))
        };
        let ((sf, sm), (ff, fm)) = (cell(sharded), cell(frozen));
        let (x, verdict) = match (sm, fm, ratios.get(&(shape, threads))) {
            (Some(sm), Some(fm), Some(r)) if !r.is_empty() => {
                let x = sm / fm;
                let (_, lo, hi) = figures(r);
                let met = if x >= goal(name) { "met" } else { "MISSED" };
                (
                    format!("{x:.2} ({lo:.2}–{hi:.2})"),
                    format!("≥ {:.1}x: {met}", goal(name)),
                )
            }
            _ => ("-".to_string(), "not measured".to_string()),
        };
        s += &format!(
            "| {what} | {threads} | {sf} | {ff} | {x} | {verdict} | {}/{} |\n",
            sharded.len(),
            frozen.len()
        );
    }
    if unclean > 0 {
        s += &format!(
            "\n{unclean} run figures left out: their threads were preempted or did not start together in every batch.\n"
        );
    }
    s
}

/// Builds the bench crate on sharded-slab and on frozen-slab; returns the
/// two binaries, in [`SLABS`] order.
fn build() -> Result<[PathBuf; 2]> {
    let root = util::root();
    let dir = root.join("xtask/tracing/registry-bench");
    let shim = root.join("xtask/tracing/shim");
    let lock = dir.join("Cargo.lock");
    // The patched build rewrites the bench crate's lock file (sharded-slab
    // from the shim, frozen-slab and frozen-refcount by path): it is put
    // back as it was, so that the checked-in lock stays sharded-slab's.
    let kept = std::fs::read(&lock).ok();
    let mut bins = Vec::new();
    for slab in SLABS {
        eprintln!("registry-bench: building on {slab}-slab");
        // Absolute: cargo runs in the bench crate's folder, the binary from here.
        let target = root
            .join(util::target_dir())
            .join("registry-bench")
            .join(slab);
        let mut cargo = util::cargo();
        cargo.current_dir(&dir);
        if slab == "frozen" {
            cargo.arg("--config").arg(format!(
                "patch.crates-io.sharded-slab.path={:?}",
                shim.display().to_string()
            ));
        }
        cargo
            .args(["build", "--quiet", "--release", "--target-dir"])
            .arg(&target);
        let built = util::run(&mut cargo);
        if let Some(kept) = &kept {
            std::fs::write(&lock, kept).map_err(|e| format!("xtask: {}: {e}", lock.display()))?;
        }
        built?;
        // Which slab the binary holds: frozen-slab's library is built only
        // through the patch.
        let has_frozen = has_lib(&target.join("release/deps"), "libfrozen_slab-");
        if has_frozen != (slab == "frozen") {
            return Err(format!(
                "xtask registry-bench: the {slab} build {} frozen-slab",
                if has_frozen { "holds" } else { "lacks" }
            ));
        }
        bins.push(target.join("release/registry-bench"));
    }
    Ok([bins[0].clone(), bins[1].clone()])
}

/// Whether `deps` holds a file whose name starts with `prefix`.
fn has_lib(deps: &Path, prefix: &str) -> bool {
    std::fs::read_dir(deps).is_ok_and(|d| {
        d.flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with(prefix))
    })
}

/// `--callgrind [N]`: instructions and atomic RMWs (x86_64) per span, on
/// one thread, for each shape and slab.
fn counted(args: &[String]) -> Result<()> {
    let n = callgrind::count(args, "registry-bench --callgrind")?;
    let bins = build()?;
    let out = util::target_dir().join("callgrind");
    std::fs::create_dir_all(&out).map_err(|e| format!("xtask: {}: {e}", out.display()))?;
    println!("| shape | sharded-slab instructions per span | frozen-slab | sharded-slab RMWs per span | frozen-slab |");
    println!("|---|--:|--:|--:|--:|");
    for (shape, what) in SHAPES {
        let (mut irs, mut rmws) = (String::new(), String::new());
        for (bin, slab) in bins.iter().zip(SLABS) {
            let args = [shape, "--callgrind", &n.to_string()];
            let name = format!("registry-{shape}-{slab}");
            let (ir, rmw) = callgrind::counted(bin, &args, &name)?;
            irs += &format!(" {:.1} |", ir as f64 / n as f64);
            rmws += &match rmw {
                Some(r) => format!(" {:.2} |", r as f64 / n as f64),
                None => " - |".to_string(),
            };
        }
        println!("| {what} |{irs}{rmws}");
    }
    eprintln!("callgrind's files: {}/registry-*.out", out.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_line() {
        assert_eq!(parse("lifecycle 2 84.125").unwrap(), (2, 84.125, true));
        assert_eq!(parse("lookup 1 90.5 unclean").unwrap(), (1, 90.5, false));
        assert!(parse("lookup 1").is_err());
        assert!(parse("lookup x 1.0").is_err());
    }

    #[test]
    fn median_and_range() {
        assert_eq!(figures(&[3.0, 1.0, 2.0]), (2.0, 1.0, 3.0));
        assert_eq!(figures(&[4.0, 1.0, 3.0, 2.0]), (2.5, 1.0, 4.0));
    }
}
