//! `cargo xtask asm [--check]`: the assembly of every hot path.
//!
//! It builds the probe crate `xtask/asm-probe/` (one `#[inline(never)]`
//! wrapper per encoding x backend x operation, named
//! `frc_<Encoding>_<backend>_<op>`) with `cargo rustc -- --emit asm` for each
//! entry of [`targets::TARGETS`], cleans the output ([`parse`]), writes one
//! file per target and backend to `asm-dumps/`, asserts the hot-path
//! properties ([`check`]), and regenerates the instruction-count tables in
//! `asm-dumps/README.md` and `docs/assembly.md` ([`tables`]). The probe also
//! holds frozen-slab's get + drop, dumped and checked per target by
//! [`slab`] (`asm-dumps/<target>-slab.s`).
//!
//! With `--check` nothing is written: every file that would change is
//! printed as a unified diff against the checked-in copy, and the command
//! fails if one is stale or an assertion fails.

mod check;
mod dump;
mod isa;
mod parse;
mod report;
mod shape;
mod slab;
mod symbols;
mod tables;
mod targets;
#[cfg(test)]
mod tests;

use crate::util::{self, Result};
use report::{failed, report, stale};
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;
use tables::Tables;
use targets::{Target, TARGETS};

/// Where the dumps live, relative to the repository root.
pub(crate) const DUMPS: &str = "asm-dumps";
/// Renders a document's generated block from the tables.
type Block = fn(&Tables) -> String;
/// The documents with a generated block, and the block.
const DOCS: &[(&str, Block)] = &[
    ("asm-dumps/README.md", tables::render_tables),
    ("docs/assembly.md", tables::try_get_rows),
];

/// The command.
pub fn main(args: &[String]) -> Result<()> {
    let check = match args {
        [] => false,
        [a] if a == "--check" => true,
        _ => return Err("usage: cargo xtask asm [--check]".into()),
    };
    let root = util::root();
    let rustc = util::run(Command::new("rustc").current_dir(&root).arg("--version"))?;
    let mut files = BTreeMap::new();
    let mut tables = Tables::new();
    let mut failures = Vec::new();
    for t in TARGETS {
        let asm = parse::parse(&build(&root, t)?);
        dump::dump_target(
            t,
            rustc.trim(),
            &asm,
            &mut files,
            &mut tables,
            &mut failures,
        )?;
        slab::dump_slab(t, rustc.trim(), &asm, &mut files, &mut failures)?;
    }
    for (doc, block) in DOCS {
        let text = read(&root.join(doc))?;
        files.insert(doc.to_string(), tables::splice(&text, &block(&tables))?);
    }
    let checked_in = checked_in_dumps(&root)?;
    let stale = stale(&files, &checked_in, |p| {
        fs::read_to_string(root.join(p)).ok()
    });
    if check {
        for s in &stale {
            print!("{}", s.diff());
        }
    } else {
        for s in &stale {
            let path = root.join(&s.path);
            match &s.new {
                Some(new) => fs::write(&path, new),
                None => fs::remove_file(&path),
            }
            .map_err(|e| format!("xtask asm: {}: {e}", path.display()))?;
        }
    }
    print!("{}", report(check, &stale, &failures));
    let dumps = files.keys().filter(|f| f.ends_with(".s")).count();
    if failed(check, &stale, &failures) {
        return Err(String::new());
    }
    println!(
        "xtask asm: {dumps} dump files {}{}, all hot-path assertions hold.",
        if check { "up to date" } else { "written" },
        if !check && !stale.is_empty() {
            format!(" ({} changed)", stale.len())
        } else {
            String::new()
        }
    );
    Ok(())
}

/// Builds the probe for one target and returns its raw assembly.
fn build(root: &Path, t: &Target) -> Result<String> {
    let dir = root.join("target").join("asm").join(t.name);
    let out = dir.join("probe.s");
    // v0 mangling names the monomorphisations of the cold paths
    // (`FrozenRefcount<LowBit>::put_slow`); RUSTFLAGS so that every crate
    // sees the same target features.
    let flags = format!("-C symbol-mangling-version=v0 {}", t.flags);
    util::run(
        util::cargo()
            .env("RUSTFLAGS", flags.trim())
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .args([
                "rustc",
                "--quiet",
                "-p",
                "asm-probe",
                "--lib",
                "--release",
                "--target",
                t.triple,
            ])
            .arg("--target-dir")
            .arg(&dir)
            .args(["--", "--emit"])
            .arg(format!("asm={}", out.display()))
            .args(["-C", "codegen-units=1"]),
    )?;
    read(&out)
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).map_err(|e| format!("xtask asm: {}: {e}", path.display()))
}

/// The `.s` files checked in under `asm-dumps/`, as relative paths.
fn checked_in_dumps(root: &Path) -> Result<Vec<String>> {
    let dir = root.join(DUMPS);
    let mut out = Vec::new();
    for e in fs::read_dir(&dir).map_err(|e| format!("xtask asm: {}: {e}", dir.display()))? {
        let name = e
            .map_err(|e| e.to_string())?
            .file_name()
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".s") {
            out.push(format!("{DUMPS}/{name}"));
        }
    }
    out.sort();
    Ok(out)
}
