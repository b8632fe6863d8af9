//! `tracing`: tracing-subscriber's own tests, from its published package,
//! run on sharded-slab and again with sharded-slab patched to frozen-slab
//! (`xtask/tracing/shim/`, a crate named `sharded-slab` whose whole source is
//! `pub use frozen_slab::*;`). `tracing-threads`: N threads alive at once,
//! each in an entered span on tracing's Registry, on both
//! (`xtask/tracing/threads/`).
//!
//! Everything is built under `target/tracing/`: `fetch/` (a manifest that
//! makes cargo download the package), `tracing-subscriber/` (the copy, the one
//! member of the workspace `target/tracing/Cargo.toml`), `threads/` (the copy
//! of the thread program) and `target/` (the builds of both).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::util::{self, Result};

/// The tracing-subscriber release whose tests run.
const VERSION: &str = "0.3.23";

/// Its features for the tests: the defaults (fmt, ansi, registry, …) and
/// every other but `valuable`, which also needs `--cfg tracing_unstable`.
/// `json`'s formatter keeps its fields in the Registry's span extensions.
const FEATURES: &str = "env-filter,json,time,local-time,chrono";

/// The tests' mock subscriber and layer. In tracing's repository it is a
/// path dev-dependency, which the published manifest drops; the copy gets
/// it from crates.io, with its `tracing-subscriber` (for the mock layer)
/// patched to the copy itself, so its layers run on the Registry under test.
const MOCK: &str = "0.1.0-beta.3";

/// The two builds: the package as published, and with the shim patched in.
#[derive(Clone, Copy, PartialEq)]
enum Slab {
    Sharded,
    Frozen,
}

impl Slab {
    const BOTH: [Slab; 2] = [Slab::Sharded, Slab::Frozen];

    fn name(self) -> &'static str {
        match self {
            Slab::Sharded => "sharded-slab",
            Slab::Frozen => "frozen-slab",
        }
    }

    /// `cargo <args>` in `dir`, with the shared target dir and, for
    /// frozen-slab, `[patch.crates-io] sharded-slab = { path = <shim> }`.
    fn cargo(self, dir: &Path, args: &[&str]) -> Command {
        let mut c = util::cargo();
        c.current_dir(dir)
            .env("CARGO_TARGET_DIR", scratch().join("target"));
        if self == Slab::Frozen {
            let shim = util::root().join("xtask/tracing/shim");
            c.arg("--config").arg(format!(
                "patch.crates-io.sharded-slab.path={:?}",
                shim.display().to_string()
            ));
        }
        c.args(args);
        c
    }
}

fn scratch() -> PathBuf {
    util::root().join("target/tracing")
}

/// `cargo xtask tracing`.
pub fn main(args: &[String]) -> Result<()> {
    if !args.is_empty() {
        return Err("usage: cargo xtask tracing".into());
    }
    let copy = copy_package()?;
    let targets = test_targets(&copy)?;
    let mut runs = Vec::new();
    for slab in Slab::BOTH {
        eprintln!(
            "xtask: building tracing-subscriber {VERSION}'s tests on {}",
            slab.name()
        );
        util::run(&mut slab.cargo(
            &copy,
            &[
                "test",
                "--quiet",
                "--no-run",
                "--features",
                FEATURES,
                "--lib",
                "--tests",
            ],
        ))?;
        check_graph(slab, &copy)?;
        let mut per_target = Vec::new();
        for t in &targets {
            per_target.push(run_target(slab, &copy, t)?);
        }
        runs.push(per_target);
    }
    println!(
        "tracing-mock {MOCK} from crates.io (a path dev-dependency in tracing's \
         repository, dropped from the package), on the copy's Registry"
    );
    report(&targets, &runs[0], &runs[1])
}

/// Downloads the package through cargo and copies it to
/// `target/tracing/tracing-subscriber/`, with the dev-dependency
/// `tracing-mock` the published manifest drops ([`MOCK`]) and without its
/// benches (and their criterion). Returns the copy.
fn copy_package() -> Result<PathBuf> {
    let fetch = scratch().join("fetch");
    fs::create_dir_all(fetch.join("src")).map_err(io("target/tracing/fetch"))?;
    write(
        &fetch.join("Cargo.toml"),
        &format!(
            "# Written by `cargo xtask tracing`: makes cargo download the package.\n\
             [package]\nname = \"tracing-fetch\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\ntracing-subscriber = {{ version = \"={VERSION}\", default-features = false }}\n\n\
             [workspace]\n"
        ),
    )?;
    write(&fetch.join("src/lib.rs"), "")?;
    let meta = metadata(Slab::Sharded, &fetch)?;
    let manifest = packages(&meta)
        .find(|p| p["name"] == "tracing-subscriber" && p["version"] == VERSION)
        .and_then(|p| p["manifest_path"].as_str())
        .ok_or(format!(
            "xtask: cargo metadata names no tracing-subscriber {VERSION}"
        ))?;
    let source = Path::new(manifest)
        .parent()
        .expect("a manifest is in a folder");

    let copy = scratch().join("tracing-subscriber");
    if copy.exists() {
        fs::remove_dir_all(&copy).map_err(io(&copy.display().to_string()))?;
    }
    copy_dir(source, &copy)?;
    let toml = fs::read_to_string(copy.join("Cargo.toml")).map_err(io("Cargo.toml"))?;
    let mut kept = String::new();
    for section in sections(&toml) {
        let header = section.lines().next().unwrap_or("").trim();
        if !(header == "[[bench]]" || header == "[dev-dependencies.criterion]") {
            kept.push_str(section);
        }
    }
    kept.push_str(&format!(
        "\n# Added by `cargo xtask tracing`.\n[dev-dependencies.tracing-mock]\n\
         version = \"={MOCK}\"\nfeatures = [\"tracing-subscriber\"]\n"
    ));
    write(&copy.join("Cargo.toml"), &kept)?;
    // The workspace is the folder above, as tracing's repository is: file!()
    // in the tests is then `tracing-subscriber/src/…`, the path two of the fmt
    // tests expect. Its lock file is the one the package ships.
    write(
        &scratch().join("Cargo.toml"),
        "# Written by `cargo xtask tracing`: the copy's workspace.\n\
         [workspace]\nresolver = \"2\"\nmembers = [\"tracing-subscriber\"]\nexclude = [\"fetch\", \"threads\"]\n\n\
         # tracing-mock's tracing-subscriber is the copy: one Registry.\n\
         [patch.crates-io]\ntracing-subscriber = { path = \"tracing-subscriber\" }\n",
    )?;
    fs::copy(copy.join("Cargo.lock"), scratch().join("Cargo.lock")).map_err(io("Cargo.lock"))?;
    Ok(copy)
}

/// The manifest cut before each line that opens a table.
fn sections(toml: &str) -> Vec<&str> {
    let mut starts: Vec<usize> = vec![0];
    let mut at = 0;
    for line in toml.split_inclusive('\n') {
        if line.starts_with('[') && at > 0 {
            starts.push(at);
        }
        at += line.len();
    }
    starts.push(toml.len());
    starts.windows(2).map(|w| &toml[w[0]..w[1]]).collect()
}

/// The string value of `key = "…"` in a manifest section.
fn toml_value<'a>(section: &'a str, key: &str) -> Option<&'a str> {
    section.lines().find_map(|l| {
        let (k, v) = l.split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"'))
    })
}

/// The test targets: `lib`, then each `[[test]]` by name.
fn test_targets(copy: &Path) -> Result<Vec<String>> {
    let toml = fs::read_to_string(copy.join("Cargo.toml")).map_err(io("Cargo.toml"))?;
    let mut targets = vec!["lib".to_string()];
    for section in sections(&toml) {
        if section.starts_with("[[test]]") {
            let name = toml_value(section, "name").ok_or("xtask: a [[test]] with no name")?;
            targets.push(name.to_string());
        }
    }
    Ok(targets)
}

/// What each test of a target did.
type Outcomes = BTreeMap<String, Outcome>;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Outcome {
    Passed,
    Failed,
    Ignored,
}

/// Runs one target's tests and reads what each did from libtest's lines
/// (`test name ... ok|FAILED|ignored`).
fn run_target(slab: Slab, copy: &Path, target: &str) -> Result<Outcomes> {
    let select = if target == "lib" {
        vec!["--lib"]
    } else {
        vec!["--test", target]
    };
    let mut args = vec!["test", "--features", FEATURES];
    args.extend(select);
    let mut cmd = slab.cargo(copy, &args);
    let out = cmd
        .output()
        .map_err(|e| format!("xtask: cannot run {cmd:?}: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut outcomes = parse_outcomes(&stdout);
    let failed = outcomes.values().any(|&o| o == Outcome::Failed);
    if !out.status.success() && !failed {
        // The binary died (a signal, an abort) before reporting a failure.
        eprintln!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
        outcomes.insert(
            format!("<{target}: the test binary exited with {}>", out.status),
            Outcome::Failed,
        );
    }
    Ok(outcomes)
}

/// Each test's outcome, from libtest's `test name ... ok|FAILED|ignored` lines.
fn parse_outcomes(stdout: &str) -> Outcomes {
    let mut outcomes = Outcomes::new();
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("test ") else {
            continue;
        };
        let Some((name, result)) = rest.split_once(" ... ") else {
            continue;
        };
        let outcome = match result.trim() {
            "ok" => Outcome::Passed,
            "FAILED" => Outcome::Failed,
            r if r.starts_with("ignored") => Outcome::Ignored,
            _ => continue,
        };
        outcomes.insert(name.to_string(), outcome);
    }
    outcomes
}

/// The table, the failures, and the verdict: an error if a test that passes
/// on sharded-slab does not pass on frozen-slab.
fn report(targets: &[String], sharded: &[Outcomes], frozen: &[Outcomes]) -> Result<()> {
    let count = |o: &Outcomes, which| o.values().filter(|&&x| x == which).count();
    let cell = |o: &Outcomes| {
        format!(
            "{}/{}/{}",
            count(o, Outcome::Passed),
            count(o, Outcome::Failed),
            count(o, Outcome::Ignored)
        )
    };
    println!("tracing-subscriber {VERSION}'s tests, passed/failed/ignored:\n");
    println!("| target | sharded-slab | frozen-slab |\n| --- | --- | --- |");
    let (mut all_s, mut all_f) = (Outcomes::new(), Outcomes::new());
    let mut both = Vec::new();
    let mut regressions = Vec::new();
    for ((t, s), f) in targets.iter().zip(sharded).zip(frozen) {
        println!("| {t} | {} | {} |", cell(s), cell(f));
        for (name, &o) in s {
            let theirs = f.get(name).copied();
            if o == Outcome::Passed && theirs != Some(Outcome::Passed) {
                let what = match theirs {
                    Some(Outcome::Failed) => "fails",
                    Some(_) => "is ignored",
                    None => "does not run",
                };
                regressions.push(format!("{t}: {name} ({what} on frozen-slab)"));
            } else if o == Outcome::Failed && theirs == Some(Outcome::Failed) {
                both.push(format!("{t}: {name}"));
            }
        }
        all_s.extend(s.iter().map(|(n, &o)| (format!("{t}::{n}"), o)));
        all_f.extend(f.iter().map(|(n, &o)| (format!("{t}::{n}"), o)));
    }
    println!("| total | {} | {} |", cell(&all_s), cell(&all_f));
    for name in &both {
        println!("failing on both: {name}");
    }
    if regressions.is_empty() {
        println!("\nevery test that passes on sharded-slab passes on frozen-slab");
        Ok(())
    } else {
        Err(format!(
            "xtask: passing on sharded-slab, not on frozen-slab:\n  {}",
            regressions.join("\n  ")
        ))
    }
}

/// Each build is on the slab it is named for; the tests' copy has one
/// tracing-subscriber (tracing-mock's is patched to it). Unpatched: sharded-slab
/// 0.1.7 from crates.io. Patched: `sharded-slab` resolves to the shim, the
/// shim to this repository's frozen-slab, and loom is nowhere in the graph
/// (frozen-refcount's loom is optional; resolved, it would be a cycle: loom →
/// tracing-subscriber → sharded-slab → frozen-slab).
fn check_graph(slab: Slab, dir: &Path) -> Result<()> {
    let meta = metadata(slab, dir)?;
    // Each package of that name: its version, and where it comes from (its
    // registry, or its manifest for a path package).
    let found = |name: &str| -> Vec<(String, String)> {
        packages(&meta)
            .filter(|p| p["name"] == name)
            .map(|p| {
                let from = match p["source"].as_str() {
                    Some(registry) => registry,
                    None => p["manifest_path"].as_str().unwrap_or("?"),
                };
                (
                    p["version"].as_str().unwrap_or("?").to_string(),
                    from.to_string(),
                )
            })
            .collect()
    };
    let fail = |what: String| {
        Err(format!(
            "xtask: in {} on {}, {what}",
            dir.display(),
            slab.name()
        ))
    };
    let here = |p: &str| util::root().join(p).display().to_string();
    // The tests' copy: its own tracing-subscriber is the only one (the
    // thread program, in another folder, uses the published one).
    let copy = scratch().join("tracing-subscriber");
    if dir == copy {
        let subscriber = copy.join("Cargo.toml").display().to_string();
        if !matches!(&found("tracing-subscriber")[..], [(_, from)] if *from == subscriber) {
            return fail("tracing-subscriber is not only the copy (tracing-mock's too)".into());
        }
        if !matches!(&found("tracing-mock")[..], [(v, from)] if v == MOCK && from.starts_with("registry+"))
        {
            return fail(format!("tracing-mock is not {MOCK} from crates.io"));
        }
    }
    let sharded = found("sharded-slab");
    match slab {
        Slab::Sharded => {
            if !matches!(&sharded[..], [(v, from)] if v == "0.1.7" && from.starts_with("registry+"))
            {
                return fail(format!(
                    "sharded-slab is {sharded:?}, not 0.1.7 from crates.io"
                ));
            }
        }
        Slab::Frozen => {
            let frozen = found("frozen-slab");
            if !matches!(&sharded[..], [(_, from)] if *from == here("xtask/tracing/shim/Cargo.toml"))
            {
                return fail(format!("sharded-slab is {sharded:?}, not the shim"));
            }
            if !matches!(&frozen[..], [(_, from)] if *from == here("frozen-slab/Cargo.toml")) {
                return fail(format!("frozen-slab is {frozen:?}, not this repository's"));
            }
            if !found("loom").is_empty() {
                return fail("the graph resolves loom".into());
            }
            eprintln!("xtask: the patched graph: sharded-slab is the shim on frozen-slab; no loom");
        }
    }
    Ok(())
}

/// `cargo metadata` of the workspace in `dir`.
fn metadata(slab: Slab, dir: &Path) -> Result<Value> {
    let out = util::run(&mut slab.cargo(dir, &["metadata", "--format-version", "1"]))?;
    serde_json::from_str(&out).map_err(|e| format!("xtask: cargo metadata's JSON: {e}"))
}

/// The packages of the resolved graph.
fn packages(meta: &Value) -> impl Iterator<Item = &Value> {
    meta["packages"].as_array().into_iter().flatten()
}

/// `cargo xtask tracing-threads [N]`.
pub fn threads(args: &[String]) -> Result<()> {
    let n = match args {
        [] => 5000,
        [n] => n
            .parse()
            .map_err(|_| format!("xtask: not a thread count: {n}"))?,
        _ => return Err("usage: cargo xtask tracing-threads [N]".into()),
    };
    let source = util::root().join("xtask/tracing/threads");
    let copy = scratch().join("threads");
    fs::create_dir_all(copy.join("src")).map_err(io("target/tracing/threads"))?;
    for f in ["Cargo.toml", "src/main.rs"] {
        fs::copy(source.join(f), copy.join(f)).map_err(io(f))?;
    }
    let exe = scratch().join("target/debug/tracing-threads");
    for slab in Slab::BOTH {
        util::run(&mut slab.cargo(&copy, &["build", "--quiet"]))?;
        check_graph(slab, &copy)?;
        let line = util::run(Command::new(&exe).arg(n.to_string()))?;
        println!("{}: {}", slab.name(), line.trim());
        if slab == Slab::Frozen
            && !line.starts_with(&format!(
                "threads started {n}, panics caught 0, spans created {n}"
            ))
        {
            return Err(format!(
                "xtask: on frozen-slab every one of the {n} threads must hold a span"
            ));
        }
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    fs::create_dir_all(to).map_err(io(&to.display().to_string()))?;
    for entry in fs::read_dir(from).map_err(io(&from.display().to_string()))? {
        let entry = entry.map_err(io(&from.display().to_string()))?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if entry
            .file_type()
            .map_err(io(&src.display().to_string()))?
            .is_dir()
        {
            copy_dir(&src, &dst)?;
        } else {
            fs::copy(&src, &dst).map_err(io(&src.display().to_string()))?;
        }
    }
    Ok(())
}

fn write(path: &Path, text: &str) -> Result<()> {
    fs::write(path, text).map_err(io(&path.display().to_string()))
}

fn io(what: &str) -> impl Fn(std::io::Error) -> String + '_ {
    move |e| format!("xtask: {what}: {e}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libtest_lines() {
        let out = "\nrunning 4 tests\ntest a::b ... ok\ntest c ... FAILED\n\
                   test d ... ignored\ntest e ... ignored, slow\nsome output\n\
                   test result: FAILED. 1 passed; 1 failed; 2 ignored\n";
        let o = parse_outcomes(out);
        assert_eq!(o.len(), 4);
        assert_eq!(o["a::b"], Outcome::Passed);
        assert_eq!(o["c"], Outcome::Failed);
        assert_eq!((o["d"], o["e"]), (Outcome::Ignored, Outcome::Ignored));
    }

    fn outcomes(list: &[(&str, Outcome)]) -> Outcomes {
        list.iter().map(|&(n, o)| (n.to_string(), o)).collect()
    }

    #[test]
    fn the_verdict() {
        use Outcome::*;
        let targets = ["lib".to_string()];
        let sharded = [outcomes(&[
            ("a", Passed),
            ("b", Passed),
            ("c", Failed),
            ("d", Ignored),
        ])];
        // Failing both ways, or ignored, is not a regression.
        let same = [outcomes(&[
            ("a", Passed),
            ("b", Passed),
            ("c", Failed),
            ("d", Ignored),
        ])];
        assert!(report(&targets, &sharded, &same).is_ok());
        // A pass that fails, or that no longer runs, is.
        let worse = [outcomes(&[("a", Failed), ("c", Failed), ("d", Ignored)])];
        let err = report(&targets, &sharded, &worse).unwrap_err();
        assert!(err.contains("lib: a (fails on frozen-slab)"), "{err}");
        assert!(
            err.contains("lib: b (does not run on frozen-slab)"),
            "{err}"
        );
    }

    #[test]
    fn manifest_sections() {
        let toml = "[package]\nname = \"x\"\n\n[[test]]\nname = \"one\"\npath = \"tests/one.rs\"\n\
                    [[bench]]\nname = \"b\"\n[dev-dependencies.criterion]\nversion = \"0.3\"\n";
        let s = sections(toml);
        assert_eq!(s.concat(), toml);
        let headers: Vec<&str> = s.iter().map(|s| s.lines().next().unwrap()).collect();
        assert_eq!(
            headers,
            [
                "[package]",
                "[[test]]",
                "[[bench]]",
                "[dev-dependencies.criterion]"
            ]
        );
        assert_eq!(toml_value(s[1], "name"), Some("one"));
        assert_eq!(toml_value(s[1], "path"), Some("tests/one.rs"));
    }
}
