//! The SVG plots of the comparisons (plotters' SVG backend: no fonts, no
//! system libraries): throughput against threads, one line per series, and
//! throughput per group, one bar per series, on a log scale.

use plotters::coord::CoordTranslate;
use plotters::prelude::*;
use std::path::Path;

/// What a plot function returns: plotters' error, boxed.
pub type Result = std::result::Result<(), Box<dyn std::error::Error>>;

/// One line (or one colour of bars) of a plot, with its legend.
#[derive(Clone, Debug, Default)]
pub struct Series {
    /// The legend's text.
    pub label: String,
    /// `(x, y)`: for [`lines`], threads and throughput; for [`bars`], the
    /// group's index and throughput.
    pub points: Vec<(f64, f64)>,
}

/// The legend, in the upper right corner.
fn legend<'a, CT: CoordTranslate>(chart: &mut ChartContext<'a, SVGBackend<'a>, CT>) -> Result {
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()?;
    Ok(())
}

/// The largest `y` of all points (0 if none).
fn max_y(series: &[Series]) -> f64 {
    series
        .iter()
        .flat_map(|s| &s.points)
        .map(|p| p.1)
        .fold(0.0, f64::max)
}

/// A line per series, points marked, `x` (the thread counts) from 1 up:
/// what `compare` draws.
pub fn lines(path: &Path, caption: &str, x_desc: &str, y_desc: &str, series: &[Series]) -> Result {
    let root = SVGBackend::new(path, (960, 600)).into_drawing_area();
    root.fill(&WHITE)?;
    let mut xs: Vec<f64> = series.iter().flat_map(|s| &s.points).map(|p| p.0).collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    let max_x = xs.last().copied().unwrap_or(1.0);
    let mut chart = ChartBuilder::on(&root)
        .caption(caption, ("sans-serif", 22))
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(0.8f64..max_x + 0.2, 0f64..max_y(series) * 1.1)?;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .x_labels(xs.len().max(2))
        .x_label_formatter(&|x| format!("{x:.0}"))
        .light_line_style(WHITE)
        .draw()?;
    for (i, s) in series.iter().enumerate() {
        let color = Palette99::pick(i).stroke_width(2);
        chart.draw_series(s.points.iter().map(|&p| Circle::new(p, 3, color.filled())))?;
        chart
            .draw_series(LineSeries::new(s.points.iter().copied(), color))?
            .label(&s.label)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
    }
    legend(&mut chart)?;
    root.present()?;
    Ok(())
}

/// Grouped bars on a log scale, one group per entry of `groups` (its
/// label), one bar per series in each (a series' point `(g, y)` is its bar
/// in group `g`): what `compare_slab` draws. The bars rise from a decade
/// below the lowest.
pub fn bars(
    path: &Path,
    caption: &str,
    y_desc: &str,
    groups: &[String],
    series: &[Series],
) -> Result {
    let root = SVGBackend::new(path, (1200, 640)).into_drawing_area();
    root.fill(&WHITE)?;
    let lowest = series
        .iter()
        .flat_map(|s| &s.points)
        .map(|p| p.1)
        .fold(f64::MAX, f64::min);
    let min_y = 10f64.powf(lowest.log10().floor() - 1.0);
    let mut chart = ChartBuilder::on(&root)
        .caption(caption, ("sans-serif", 22))
        .margin(15)
        .x_label_area_size(60)
        .y_label_area_size(60)
        .build_cartesian_2d(
            0f64..groups.len() as f64,
            (min_y..max_y(series) * 1.5).log_scale(),
        )?;
    chart
        .configure_mesh()
        .y_desc(y_desc)
        .x_labels(groups.len() * 2 + 1)
        .x_label_formatter(&|x| {
            // A label at the middle of each group.
            let g = x.floor() as usize;
            match groups.get(g) {
                Some(label) if (x - g as f64 - 0.5).abs() < 1e-6 => label.clone(),
                _ => String::new(),
            }
        })
        .light_line_style(WHITE)
        .draw()?;
    let width = 0.8 / series.len().max(1) as f64;
    for (k, s) in series.iter().enumerate() {
        let color = Palette99::pick(k).filled();
        let bars = s.points.iter().map(|&(g, y)| {
            let x0 = g + 0.1 + k as f64 * width;
            Rectangle::new([(x0, min_y), (x0 + width * 0.9, y)], color)
        });
        chart
            .draw_series(bars)?
            .label(&s.label)
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 15, y + 5)], color));
    }
    legend(&mut chart)?;
    root.present()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: &Path) -> String {
        let svg = std::fs::read_to_string(path).unwrap();
        let _ = std::fs::remove_file(path);
        svg
    }

    #[test]
    fn both_plots_are_svg() {
        let dir = std::env::temp_dir();
        let series = [
            Series {
                label: "a".into(),
                points: vec![(1.0, 10.0), (2.0, 18.0)],
            },
            Series {
                label: "b".into(),
                points: vec![(1.0, 5.0), (2.0, 6.0)],
            },
        ];
        let path = dir.join(format!("bench-harness-lines-{}.svg", std::process::id()));
        lines(&path, "caption", "threads", "Mops/s", &series).unwrap();
        let svg = read(&path);
        assert!(svg.contains("<svg") && svg.contains("caption"));
        let path = dir.join(format!("bench-harness-bars-{}.svg", std::process::id()));
        let groups = ["g0".to_string(), "g1".to_string()];
        let bars_series = [Series {
            label: "a".into(),
            points: vec![(0.0, 10.0), (1.0, 1000.0)],
        }];
        bars(&path, "caption", "Mops/s", &groups, &bars_series).unwrap();
        let svg = read(&path);
        assert!(svg.contains("<svg") && svg.contains("g1"));
    }
}
