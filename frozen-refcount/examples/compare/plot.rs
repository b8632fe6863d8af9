//! The SVG plot: throughput (all threads) against threads, one line per
//! row of the one-counter table.

use crate::stats::Cell;
use crate::subjects::{Row, ONE_COUNTER};

/// Throughput (all threads, million pairs per second) against threads.
pub fn plot(
    path: &std::path::Path,
    rows: &[Box<dyn Row>],
    cells: &[Cell],
    threads: &[usize],
) -> Result<(), Box<dyn std::error::Error>> {
    use plotters::prelude::*;
    let root = SVGBackend::new(path, (960, 600)).into_drawing_area();
    root.fill(&WHITE)?;
    let max_t = *threads.iter().max().unwrap() as f64;
    let max_y = cells
        .iter()
        .filter(|c| rows[c.row].section() == ONE_COUNTER)
        .map(Cell::mpairs)
        .fold(0.0, f64::max)
        * 1.1;
    let mut chart = ChartBuilder::on(&root)
        .caption(
            "try_get+put on one counter: throughput vs threads",
            ("sans-serif", 22),
        )
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(0.8f64..max_t + 0.2, 0f64..max_y)?;
    chart
        .configure_mesh()
        .x_desc("threads")
        .y_desc("million pairs / s (all threads)")
        .x_labels(threads.len().max(2))
        .x_label_formatter(&|x| format!("{x:.0}"))
        .light_line_style(WHITE)
        .draw()?;
    for (i, r) in rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.section() == ONE_COUNTER)
    {
        let color = Palette99::pick(i).stroke_width(2);
        let pts: Vec<(f64, f64)> = cells
            .iter()
            .filter(|c| c.row == i)
            .map(|c| (c.threads as f64, c.mpairs()))
            .collect();
        let label = if r.backend() == "-" {
            r.encoding().to_string()
        } else {
            format!("{}/{}", r.encoding(), r.backend())
        };
        chart.draw_series(pts.iter().map(|&p| Circle::new(p, 3, color.filled())))?;
        chart
            .draw_series(LineSeries::new(pts, color))?
            .label(label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
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
