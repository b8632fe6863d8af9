//! The verdict of a run: which files are stale (and their diffs), whether
//! the run fails, and the report of every failed assertion with its function.

use super::check::Failure;
use super::dump::Located;
use super::parse::Item;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A file whose checked-in copy differs from what was generated.
pub struct Stale {
    /// Relative to the repository root.
    pub path: String,
    /// The checked-in text (None: not checked in).
    pub old: Option<String>,
    /// The regenerated text (None: checked in, no longer generated).
    pub new: Option<String>,
}

impl Stale {
    /// A unified diff, checked-in copy against the regenerated one.
    pub fn diff(&self) -> String {
        let Some(new) = &self.new else {
            return format!("--- a/{}: checked in, but no longer generated\n", self.path);
        };
        let old = self.old.as_deref().unwrap_or("");
        similar::TextDiff::from_lines(old, new)
            .unified_diff()
            .header(
                &format!("a/{} (checked in)", self.path),
                &format!("b/{} (regenerated)", self.path),
            )
            .to_string()
    }
}

/// The files whose checked-in copy (read by `old`) differs from the
/// generated one, and the checked-in dumps no longer generated.
pub fn stale(
    files: &BTreeMap<String, String>,
    checked_in: &[String],
    old: impl Fn(&str) -> Option<String>,
) -> Vec<Stale> {
    let mut out: Vec<Stale> = files
        .iter()
        .filter_map(|(path, new)| {
            let o = old(path);
            (o.as_deref() != Some(new.as_str())).then(|| Stale {
                path: path.clone(),
                old: o,
                new: Some(new.clone()),
            })
        })
        .collect();
    out.extend(
        checked_in
            .iter()
            .filter(|p| !files.contains_key(*p))
            .map(|p| Stale {
                path: p.clone(),
                old: old(p),
                new: None,
            }),
    );
    out
}

/// Whether the run fails: a stale file under `--check`, or any failed
/// assertion.
pub fn failed(check: bool, stale: &[Stale], failures: &[Located]) -> bool {
    (check && !stale.is_empty()) || !failures.is_empty()
}

/// What the run reports after the diffs: every failed assertion with its
/// function, the stale files, and a summary.
pub fn report(check: bool, stale: &[Stale], failures: &[Located]) -> String {
    // (build, symbol), the function, its failures: in order of appearance.
    type Group<'a> = ((&'a str, &'a str), &'a [Item], Vec<&'a Failure>);
    let mut grouped: Vec<Group> = Vec::new();
    for f in failures {
        let key = (f.build.as_str(), f.sym.as_str());
        match grouped.iter_mut().find(|g| g.0 == key) {
            Some(g) => g.2.push(&f.failure),
            None => grouped.push((key, &f.body, vec![&f.failure])),
        }
    }
    let mut s = String::new();
    for ((build, sym), body, errs) in &grouped {
        let _ = writeln!(s, "\nHOT-PATH ASSERTION FAILED: {build}, {sym}");
        for e in errs {
            let _ = writeln!(s, "  - {}", e.msg);
        }
        s.push_str("  the function:\n");
        for item in *body {
            let _ = match item {
                Item::Label(l) => writeln!(s, "    {l}"),
                Item::Insn(t) => writeln!(s, "        {t}"),
            };
        }
    }
    if check && !stale.is_empty() {
        let names: Vec<&str> = stale.iter().map(|s| s.path.as_str()).collect();
        let _ = writeln!(
            s,
            "\nxtask asm: {} file(s) stale: {}\n  regenerate with: cargo xtask asm   (and review the diff above)",
            stale.len(),
            names.join(", ")
        );
    }
    if !failures.is_empty() {
        let _ = writeln!(
            s,
            "\nxtask asm: {} hot-path assertion(s) failed in {} function(s):",
            failures.len(),
            grouped.len()
        );
        for ((build, sym), _, errs) in &grouped {
            let tags: Vec<&str> = errs.iter().map(|e| e.tag).collect();
            let _ = writeln!(s, "  {build:<28} {sym}: {}", tags.join(", "));
        }
    }
    s
}
