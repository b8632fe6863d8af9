//! `cargo xtask <command>`: the repository's tooling, one Rust crate (the
//! cargo xtask pattern; the alias is in `.cargo/config.toml`).
//!
//! ```sh
//! cargo xtask asm              # regenerate asm-dumps/ and its tables
//! cargo xtask asm --check      # CI: fail with a diff if stale, or if a hot-path assertion breaks
//! cargo xtask probe [x86_64|aarch64]   # executed instructions per try_get + put, per backend
//! cargo xtask callgrind [N]    # instructions per try_get + put pair, every row of `compare`
//! cargo xtask callgrind-slab [--check] [N]   # instructions and RMWs per slab and pool operation
//! cargo xtask tracing          # tracing-subscriber's tests on sharded-slab and on frozen-slab
//! cargo xtask tracing-threads [N]  # N live threads in spans on tracing's Registry, on both
//! cargo xtask registry-bench [--quick]   # tracing-subscriber's Registry on sharded-slab and on frozen-slab
//! ```
//!
//! What is where: `xtask/README.md`.

mod asm;
mod callgrind;
mod probe;
mod registry_bench;
mod tracing;
mod util;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

  asm [--check]              regenerate asm-dumps/ (and the tables in asm-dumps/README.md and
                             docs/assembly.md); --check: regenerate into memory, print a diff of
                             every stale file, exit 1 if one is stale or a hot-path assertion fails
  probe [x86_64|aarch64]     executed instructions per try_get + put round of each backend
                             (valgrind on x86_64; qemu-user, one instruction per block, on aarch64)
  callgrind [N]              instructions per try_get + put pair for every row of `compare`
                             (valgrind; N pairs per row, default 100000)
  callgrind-slab [--check] [N]
                             instructions and atomic RMWs per get + drop on a hot key, insert +
                             remove, and the pools' create + clear, one thread, for frozen-slab,
                             sharded-slab and the floor (compare_slab, compare_pool; valgrind; N
                             per row); --check: exit 1 unless frozen-slab keeps its documented
                             RMW counts and runs no more instructions than sharded-slab
  tracing                    tracing-subscriber 0.3.23's own tests on sharded-slab, then with
                             sharded-slab patched to frozen-slab (xtask/tracing/shim/): a table;
                             exit 1 if a test passing on sharded-slab fails on frozen-slab
  tracing-threads [N]        N threads (default 5000) alive at once, each in an entered span on
                             tracing's Registry, on sharded-slab and on frozen-slab
  registry-bench [--quick]   tracing-subscriber's Registry (span lifecycle, lookup-heavy layer; 1 and
                             2 threads) built on sharded-slab and on frozen-slab (the shim in
                             xtask/tracing/shim/), the two binaries run in interleaved rounds
  registry-bench --callgrind [N]   instructions per span on one thread, each shape and slab (valgrind)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest = args.get(1..).unwrap_or(&[]);
    let result = match args.first().map(String::as_str) {
        Some("asm") => asm::main(rest),
        Some("probe") => probe::main(rest),
        Some("callgrind") => callgrind::main(rest),
        Some("callgrind-slab") => callgrind::slab(rest),
        Some("tracing") => tracing::main(rest),
        Some("tracing-threads") => tracing::threads(rest),
        Some("registry-bench") => registry_bench::main(rest),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
