//! What every command needs: the repository root, and running a command
//! with its output kept for the error message.

use std::path::PathBuf;
use std::process::Command;

/// A command's failure, as the message the user reads.
pub type Result<T> = std::result::Result<T, String>;

/// The repository root (xtask lives one level below it).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask/ has a parent")
        .to_path_buf()
}

/// The target directory: `$CARGO_TARGET_DIR`, or the root's `target/`.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from)
}

/// `cargo`, the one that runs us (`$CARGO`) when there is one.
pub fn cargo() -> Command {
    let mut c = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    c.current_dir(root());
    c
}

/// Runs `cmd` to completion and returns its stdout; on failure, an error
/// holding the command line and everything it printed.
pub fn run(cmd: &mut Command) -> Result<String> {
    let out = cmd
        .output()
        .map_err(|e| format!("xtask: cannot run {cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "xtask: command failed ({}): {cmd:?}\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("xtask: {cmd:?} printed non-UTF-8: {e}"))
}

/// Whether `program` is on PATH.
pub fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .is_ok_and(|o| o.status.success())
}
