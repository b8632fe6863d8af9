//! The SVG plot: throughput (all threads) per (shape, threads), one bar per
//! subject, grouped, on a log scale (the shapes span two decades: churn at
//! tens of Mops/s, stale gets near two thousand).

use crate::common::{Bench, SHAPES};
use crate::measure::Cell;
use std::sync::Arc;

/// Million operations per second (all threads), grouped bars.
pub fn plot(
    path: &std::path::Path,
    subjects: &[Arc<dyn Bench>],
    cells: &[Cell],
) -> Result<(), Box<dyn std::error::Error>> {
    use plotters::prelude::*;
    let root = SVGBackend::new(path, (1200, 640)).into_drawing_area();
    root.fill(&WHITE)?;
    let max_y = cells.iter().map(Cell::mops).fold(0.0, f64::max) * 1.5;
    // The bars' base: a decade below the slowest cell.
    let min_y = 10f64.powf(
        cells
            .iter()
            .map(Cell::mops)
            .fold(f64::MAX, f64::min)
            .log10()
            .floor()
            - 1.0,
    );
    let groups = SHAPES.len();
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "frozen-slab vs sharded-slab 0.1.7: throughput per shape (all threads)",
            ("sans-serif", 22),
        )
        .margin(15)
        .x_label_area_size(60)
        .y_label_area_size(60)
        .build_cartesian_2d(0f64..groups as f64, (min_y..max_y).log_scale())?;
    chart
        .configure_mesh()
        .y_desc("million operations / s (all threads, log scale)")
        .x_labels(groups * 2 + 1)
        .x_label_formatter(&|x| {
            // A label at the middle of each group: its shape id and threads.
            let g = x.floor() as usize;
            match SHAPES.get(g) {
                Some((shape, t)) if (x - g as f64 - 0.5).abs() < 1e-6 => {
                    format!("{} {t}t", shape.id())
                }
                _ => String::new(),
            }
        })
        .light_line_style(WHITE)
        .draw()?;
    let width = 0.8 / subjects.len() as f64;
    for (k, subject) in subjects.iter().enumerate() {
        let color = Palette99::pick(k).filled();
        let bars: Vec<_> = cells
            .iter()
            .filter(|c| c.subject == k)
            .map(|c| {
                let g = SHAPES
                    .iter()
                    .position(|&(s, t)| s == c.shape && t == c.threads)
                    .expect("a cell's shape is listed") as f64;
                let x0 = g + 0.1 + k as f64 * width;
                Rectangle::new([(x0, min_y), (x0 + width * 0.9, c.mops())], color)
            })
            .collect();
        chart
            .draw_series(bars)?
            .label(subject.name())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 15, y + 5)], color));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}
