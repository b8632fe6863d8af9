//! The pieces of the markdown reports: the machine, the command that made
//! the report, tables; and where a comparison writes its report and plot.

use crate::pool::cores;
use std::fmt;
use std::path::{Path, PathBuf};

/// The CPU model (or the architecture where `/proc/cpuinfo` does not name
/// it) and the hardware threads: `Intel(R) Xeon(R) ..., 2 hardware threads`.
pub fn machine() -> String {
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("model name"))?;
            Some(line.split(':').nth(1)?.trim().to_string())
        })
        .unwrap_or_else(|| std::env::consts::ARCH.to_string());
    format!("{model}, {} hardware threads", cores())
}

/// `cargo_run` (the command without the program's arguments) followed by
/// ` -- ` and this process's arguments, if it has any.
pub fn command(cargo_run: &str) -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        cargo_run.to_string()
    } else {
        format!("{cargo_run} -- {}", args.join(" "))
    }
}

/// How a column's cells are aligned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// Left (names).
    Left,
    /// Right (figures).
    Right,
}

/// A markdown table: a header, then rows of cells (`| a | b |`), as
/// [`Display`](fmt::Display) writes it, every line ending in a newline.
#[derive(Clone, Debug, Default)]
pub struct Table {
    columns: Vec<(String, Align)>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with no columns yet.
    pub fn new() -> Table {
        Table::default()
    }

    /// Adds a left-aligned column.
    pub fn left(mut self, header: impl Into<String>) -> Table {
        self.columns.push((header.into(), Align::Left));
        self
    }

    /// Adds a right-aligned column.
    pub fn right(mut self, header: impl Into<String>) -> Table {
        self.columns.push((header.into(), Align::Right));
        self
    }

    /// Adds a row: one cell per column.
    pub fn row(&mut self, cells: Vec<String>) {
        debug_assert_eq!(cells.len(), self.columns.len(), "one cell per column");
        self.rows.push(cells);
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = |f: &mut fmt::Formatter<'_>, cells: &mut dyn Iterator<Item = &str>| {
            for c in cells {
                write!(f, "| {c} ")?;
            }
            writeln!(f, "|")
        };
        line(f, &mut self.columns.iter().map(|(h, _)| h.as_str()))?;
        for (_, align) in &self.columns {
            f.write_str(match align {
                Align::Left => "|---",
                Align::Right => "|--:",
            })?;
        }
        writeln!(f, "|")?;
        for row in &self.rows {
            line(f, &mut row.iter().map(String::as_str))?;
        }
        Ok(())
    }
}

/// The workspace's target directory (`CARGO_TARGET_DIR`, or `target/` at
/// the workspace root: a comparison runs from any directory).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let harness = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
            harness
                .parent()
                .expect("the harness is in the workspace")
                .join("target")
        })
}

/// Prints the report `md`, writes it to `<target>/<name>.md`, has `plot`
/// draw `<target>/<name>.svg`, and says on stderr where both are.
pub fn write_outputs(
    name: &str,
    md: &str,
    plot: impl FnOnce(&Path) -> Result<(), Box<dyn std::error::Error>>,
) {
    print!("{md}");
    let dir = target_dir();
    let _ = std::fs::create_dir_all(&dir);
    let md_path = dir.join(format!("{name}.md"));
    std::fs::write(&md_path, md).unwrap_or_else(|e| panic!("write {}: {e}", md_path.display()));
    let svg_path = dir.join(format!("{name}.svg"));
    plot(&svg_path).unwrap_or_else(|e| panic!("write {}: {e}", svg_path.display()));
    eprintln!("wrote {} and {}", md_path.display(), svg_path.display());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_in_markdown() {
        let mut t = Table::new().left("name").right("ns/op");
        t.row(vec!["a".into(), "1.00".into()]);
        t.row(vec!["b".into(), "2.50 (!)".into()]);
        assert_eq!(
            t.to_string(),
            "| name | ns/op |\n|---|--:|\n| a | 1.00 |\n| b | 2.50 (!) |\n"
        );
    }
}
