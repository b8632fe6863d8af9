//! The command line the comparisons share: `--quick` (a few seconds instead
//! of about a minute), `--callgrind N` (one run of `N` operations for
//! `cargo xtask callgrind`), and `--bench` (passed by `cargo bench`-style
//! runners, ignored); each comparison parses its own flags besides.

use std::str::FromStr;
use std::time::Duration;

/// The options every comparison has.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// `--quick`: a few seconds of rounds instead of a minute.
    pub quick: bool,
    /// `--callgrind N`: no timing; list what would be measured, or run `N`
    /// operations of one of them once (for `cargo xtask callgrind`).
    pub callgrind: Option<u64>,
}

impl Options {
    /// How long one measured batch should take. Short batches, many
    /// interleaved rounds: on a shared machine a short batch often runs
    /// without being preempted, and one that was (or whose threads did not
    /// start together) is measured again; see [`Pool::run`](crate::Pool::run).
    pub fn batch(&self) -> Duration {
        Duration::from_secs_f64(if self.quick { 0.5e-3 } else { 1.0e-3 })
    }

    /// How long the interleaved rounds go on (at least 3 rounds).
    pub fn budget(&self) -> Duration {
        Duration::from_secs(if self.quick { 3 } else { 60 })
    }
}

/// Prints `usage` to stderr and exits with status 2.
pub fn usage(usage: &str) -> ! {
    eprintln!("{usage}");
    std::process::exit(2)
}

/// The arguments after a comparison's own flag, for it to take its values.
pub struct Flags<'a> {
    args: &'a mut dyn Iterator<Item = String>,
    usage: &'a str,
}

impl Flags<'_> {
    /// The next argument (the flag's value); the usage if there is none.
    pub fn value(&mut self) -> String {
        self.args.next().unwrap_or_else(|| usage(self.usage))
    }

    /// The next argument as a number; the usage if it is not one.
    pub fn number<T: FromStr>(&mut self) -> T {
        let v = self.value();
        v.parse().unwrap_or_else(|_| usage(self.usage))
    }

    /// Prints the usage and exits.
    pub fn usage(&self) -> ! {
        usage(self.usage)
    }
}

/// Parses the process's arguments: the shared flags here, every other one
/// handed to `own(flag, rest)`, which takes its values from `rest` and
/// returns whether it knew the flag. An unknown flag prints `usage` and
/// exits with status 2.
pub fn parse(usage: &str, own: impl FnMut(&str, &mut Flags<'_>) -> bool) -> Options {
    parse_from(std::env::args().skip(1), usage, own)
}

/// [`parse`] on `args` (without the program's name).
pub fn parse_from(
    args: impl IntoIterator<Item = String>,
    usage: &str,
    mut own: impl FnMut(&str, &mut Flags<'_>) -> bool,
) -> Options {
    let mut options = Options::default();
    let mut args = args.into_iter();
    let mut flags = Flags {
        args: &mut args,
        usage,
    };
    while let Some(arg) = flags.args.next() {
        match arg.as_str() {
            "--quick" => options.quick = true,
            "--callgrind" => options.callgrind = Some(flags.number()),
            "--bench" => {}
            _ if own(&arg, &mut flags) => {}
            _ => flags.usage(),
        }
    }
    options
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn shared_and_own_flags() {
        let mut threads = 0usize;
        let o = parse_from(
            args("--quick --threads 4 --bench --callgrind 100"),
            "usage",
            |flag, rest| match flag {
                "--threads" => {
                    threads = rest.number();
                    true
                }
                _ => false,
            },
        );
        assert_eq!(
            o,
            Options {
                quick: true,
                callgrind: Some(100)
            }
        );
        assert_eq!(threads, 4);
        assert_eq!(o.batch(), Duration::from_micros(500));
        assert_eq!(o.budget(), Duration::from_secs(3));
        let full = parse_from(args(""), "usage", |_, _| false);
        assert_eq!(full.batch(), Duration::from_millis(1));
        assert_eq!(full.budget(), Duration::from_secs(60));
    }
}
