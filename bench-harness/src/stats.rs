//! The figures drawn from a cell's samples: the median, the quartiles, and
//! the interquartile range over the median (the spread).

/// The samples in increasing order.
pub fn sorted(samples: &[f64]) -> Vec<f64> {
    let mut v = samples.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

/// The `q` quantile (`0.0 ..= 1.0`) of `sorted` samples: at rank
/// `(n - 1) * q`, the mean of the two samples around it (the median of an
/// even count is the mean of the middle two). Panics on no samples.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    let x = (sorted.len() - 1) as f64 * q;
    (sorted[x.floor() as usize] + sorted[x.ceil() as usize]) / 2.0
}

/// The median of the samples (in any order).
pub fn median(samples: &[f64]) -> f64 {
    quantile(&sorted(samples), 0.5)
}

/// The interquartile range of the samples over their median: 0.05 is a
/// spread of 5% of the figure.
pub fn iqr(samples: &[f64]) -> f64 {
    let v = sorted(samples);
    (quantile(&v, 0.75) - quantile(&v, 0.25)) / quantile(&v, 0.5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(&[7.0]), 7.0);
    }

    #[test]
    fn quartiles_and_spread() {
        let v = sorted(&[5.0, 1.0, 4.0, 2.0, 3.0]);
        assert_eq!(quantile(&v, 0.25), 2.0);
        assert_eq!(quantile(&v, 0.75), 4.0);
        assert_eq!(iqr(&v), 2.0 / 3.0);
        assert_eq!(iqr(&[2.0, 2.0, 2.0]), 0.0);
    }
}
