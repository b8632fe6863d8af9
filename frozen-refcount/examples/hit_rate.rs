//! The hit-rate sweep: a PFN-walk-like loop over a table of counters, of
//! which 0, 10, 50, 90 or 100 % are live, the rest frozen. Two threads walk
//! the same table in different random orders (a walker and a second one, as
//! compaction and `do_migrate_range` may run side by side); each step is a
//! speculative get and, on success, a put. Rows: `try_get`,
//! `try_get_unless_frozen` (a Relaxed load first; a frozen word is skipped
//! with no write), for `HighBit` and `Biased`, and `Classic`'s CAS loop.
//!
//! ```text
//! cargo run --release --example hit_rate            # prints the table
//! ```
//!
//! Writes `target/hit_rate.md` (the table) and `target/hit_rate.svg` (ns per
//! step against the hit rate, one line per row). Figures are medians of
//! `REPS` runs of both threads; quote ratios from one run, not absolutes.

use frozen_refcount::{Biased, Classic, CoreAtomics, Encoding, FrozenRefcount, HighBit};
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Instant;

const TABLE: usize = 1 << 14; // 16384 counters, 64 KiB: in L2, lines shared
const STEPS: usize = 1 << 16; // per thread per run
const REPS: usize = 15;
const RATES: [u32; 5] = [0, 10, 50, 90, 100];

type Rc<E> = FrozenRefcount<E, CoreAtomics>;
/// A row: its label and its measurement at one hit rate.
type Row = (&'static str, fn(u32) -> f64);

fn rng(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

/// A table with `rate` % live counters (one reference, the table's own).
fn table<E: Encoding>(rate: u32) -> Vec<Rc<E>> {
    let mut seed = 0x5EED_u64 + rate as u64;
    (0..TABLE)
        .map(|_| {
            let c = Rc::<E>::new_frozen();
            if (rng(&mut seed) % 100) < rate as u64 {
                c.unfreeze(1);
            }
            c
        })
        .collect()
}

/// ns per walker step, median of `REPS` runs of two threads.
fn measure<E: Encoding>(rate: u32, unless_frozen: bool) -> f64 {
    let t = table::<E>(rate);
    let orders: Vec<Vec<u32>> = (0..2u64)
        .map(|k| {
            let mut s = 0xC0FFEE + k;
            (0..STEPS)
                .map(|_| (rng(&mut s) % TABLE as u64) as u32)
                .collect()
        })
        .collect();
    let mut runs: Vec<f64> = (0..REPS)
        .map(|_| {
            let start = Instant::now();
            std::thread::scope(|s| {
                for order in &orders {
                    let t = &t;
                    s.spawn(move || {
                        let mut hits = 0u32;
                        for &i in order {
                            let c = &t[black_box(i) as usize];
                            let got = if unless_frozen {
                                c.try_get_unless_frozen()
                            } else {
                                c.try_get()
                            };
                            if got {
                                hits += 1;
                                let _ = c.put();
                            }
                        }
                        black_box(hits)
                    });
                }
            });
            start.elapsed().as_nanos() as f64 / STEPS as f64
        })
        .collect();
    runs.sort_by(f64::total_cmp);
    runs[REPS / 2]
}

fn main() {
    let rows: [Row; 5] = [
        ("Classic try_get", |r| measure::<Classic>(r, false)),
        ("HighBit try_get", |r| measure::<HighBit>(r, false)),
        ("HighBit try_get_unless_frozen", |r| {
            measure::<HighBit>(r, true)
        }),
        ("Biased try_get", |r| measure::<Biased>(r, false)),
        ("Biased try_get_unless_frozen", |r| {
            measure::<Biased>(r, true)
        }),
    ];
    let table: Vec<(&str, Vec<f64>)> = rows
        .iter()
        .map(|(name, f)| (*name, RATES.iter().map(|&r| f(r)).collect()))
        .collect();
    let classic = table[0].1.clone();
    let mut md = String::new();
    let _ = writeln!(
        md,
        "ns per walker step (2 threads, {TABLE} counters, median of {REPS}); \
         in brackets: Classic's time / this row's (> 1: faster than Classic)\n"
    );
    let _ = write!(md, "| row |");
    for r in RATES {
        let _ = write!(md, " {r} % live |");
    }
    let _ = writeln!(md, "\n|---|{}", "--:|".repeat(RATES.len()));
    for (name, ns) in &table {
        let _ = write!(md, "| {name} |");
        for (i, v) in ns.iter().enumerate() {
            let _ = write!(md, " {v:.2} ({:.2}x) |", classic[i] / v);
        }
        let _ = writeln!(md);
    }
    print!("{md}");
    let dir = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let _ = std::fs::write(format!("{dir}/hit_rate.md"), &md);
    let _ = std::fs::write(format!("{dir}/hit_rate.svg"), svg(&table));
    println!("wrote {dir}/hit_rate.md and {dir}/hit_rate.svg");
}

/// ns per step against the hit rate, one polyline per row.
fn svg(table: &[(&str, Vec<f64>)]) -> String {
    let (w, h, m) = (640.0, 360.0, 50.0);
    let top = table
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .fold(0.0, f64::max)
        * 1.1;
    let x = |r: u32| m + (w - 2.0 * m) * r as f64 / 100.0;
    let y = |v: f64| h - m - (h - 2.0 * m) * v / top;
    let colours = ["#000", "#c33", "#f90", "#36c", "#3a3"];
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" font-family=\"sans-serif\" font-size=\"11\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n\
         <line x1=\"{m}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#888\"/>\n\
         <line x1=\"{m}\" y1=\"{m}\" x2=\"{m}\" y2=\"{}\" stroke=\"#888\"/>\n\
         <text x=\"{}\" y=\"{}\" text-anchor=\"middle\">% of counters live (hit rate)</text>\n\
         <text x=\"12\" y=\"{m}\">ns/step</text>\n",
        h - m,
        w - m,
        h - m,
        h - m,
        w / 2.0,
        h - 12.0
    );
    for r in RATES {
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{r}</text>",
            x(r),
            h - m + 14.0
        );
    }
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{top:.1}</text>",
        m - 4.0,
        m + 4.0
    );
    for (k, (name, v)) in table.iter().enumerate() {
        let pts: Vec<String> = RATES
            .iter()
            .zip(v)
            .map(|(&r, &ns)| format!("{:.1},{:.1}", x(r), y(ns)))
            .collect();
        let c = colours[k % colours.len()];
        let _ = writeln!(
            s,
            "<polyline fill=\"none\" stroke=\"{c}\" stroke-width=\"2\" points=\"{}\"/>\n\
             <text x=\"{}\" y=\"{}\" fill=\"{c}\">{name}</text>",
            pts.join(" "),
            m + 10.0,
            m + 14.0 * k as f64
        );
    }
    s.push_str("</svg>\n");
    s
}
