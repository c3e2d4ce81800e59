//! Statistics of a batch: moments, percentiles, histograms, success probabilities with
//! Wilson score intervals, and Spearman rank correlations. Plain functions of slices.

/// z for a two-sided 95 % interval: Φ⁻¹(0.975).
pub const Z_95: f64 = 1.959_963_984_540_054;

/// Summary statistics of a sample (NaN values left out).
#[derive(Debug, Clone, PartialEq)]
pub struct Describe {
    /// Values used (finite ones).
    pub n: usize,
    /// Arithmetic mean.
    pub mean: f64,
    /// Sample standard deviation (n − 1 in the denominator; 0 for one value).
    pub sd: f64,
    /// Smallest.
    pub min: f64,
    /// Largest.
    pub max: f64,
    /// 5th percentile.
    pub p5: f64,
    /// Median.
    pub p50: f64,
    /// 95th percentile.
    pub p95: f64,
}

/// Statistics of the finite values of `xs`; `None` when there are none.
pub fn describe(xs: &[f64]) -> Option<Describe> {
    let mut v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let mean = v.iter().sum::<f64>() / n as f64;
    // s² = Σ (x − x̄)² / (n − 1)
    let sd = if n > 1 {
        (v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64).sqrt()
    } else {
        0.0
    };
    Some(Describe {
        n,
        mean,
        sd,
        min: v[0],
        max: v[n - 1],
        p5: percentile_sorted(&v, 5.0),
        p50: percentile_sorted(&v, 50.0),
        p95: percentile_sorted(&v, 95.0),
    })
}

/// The `p`-th percentile (0–100) of sorted values, interpolating linearly between order
/// statistics (NumPy's default `linear` method, Hyndman & Fan type 7):
/// h = (n − 1) p/100, Q = x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]).
pub fn percentile_sorted(sorted: &[f64], p: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            let h = (n - 1) as f64 * (p / 100.0).clamp(0.0, 1.0);
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
        }
    }
}

/// A histogram: equal-width bins from `lo` to `hi` (the last bin closed).
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    /// Left edge of the first bin.
    pub lo: f64,
    /// Right edge of the last bin.
    pub hi: f64,
    /// Counts per bin.
    pub counts: Vec<u64>,
}

/// A histogram of the finite values of `xs` in `bins` bins over their range (one bin when
/// every value is the same).
pub fn histogram(xs: &[f64], bins: usize) -> Option<Histogram> {
    let d = describe(xs)?;
    let (lo, hi) = (d.min, d.max);
    if hi <= lo || bins < 2 {
        return Some(Histogram {
            lo,
            hi,
            counts: vec![d.n as u64],
        });
    }
    let mut counts = vec![0u64; bins];
    for &x in xs.iter().filter(|x| x.is_finite()) {
        let k = (((x - lo) / (hi - lo)) * bins as f64).floor() as usize;
        counts[k.min(bins - 1)] += 1;
    }
    Some(Histogram { lo, hi, counts })
}

/// The Wilson score interval (Wilson 1927) of a proportion `k` of `n` at normal quantile
/// `z`: centre (p̂ + z²/2n)/(1 + z²/n), half-width z/(1 + z²/n)·√(p̂(1 − p̂)/n + z²/4n²).
/// `None` when `n` is 0.
pub fn wilson(k: u64, n: u64, z: f64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let n_f = n as f64;
    let p = k as f64 / n_f;
    let z2 = z * z;
    let denom = 1.0 + z2 / n_f;
    let centre = (p + z2 / (2.0 * n_f)) / denom;
    let half = z / denom * (p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)).sqrt();
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// Ranks from 1, ties given their average rank.
pub fn ranks(xs: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..xs.len()).collect();
    order.sort_by(|&a, &b| xs[a].total_cmp(&xs[b]));
    let mut r = vec![0.0; xs.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && xs[order[j + 1]] == xs[order[i]] {
            j += 1;
        }
        // positions i..=j share the average rank (i + j)/2 + 1
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            r[k] = avg;
        }
        i = j + 1;
    }
    r
}

/// Pearson's correlation; `None` when fewer than 3 pairs or one side is constant.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    if n < 3 {
        return None;
    }
    let mx = x[..n].iter().sum::<f64>() / n as f64;
    let my = y[..n].iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for k in 0..n {
        let (dx, dy) = (x[k] - mx, y[k] - my);
        sxy += dx * dy;
        sxx += dx * dx;
        syy += dy * dy;
    }
    if sxx <= 0.0 || syy <= 0.0 {
        return None;
    }
    // r = Σ dx dy / √(Σ dx² Σ dy²)
    Some((sxy / (sxx * syy).sqrt()).clamp(-1.0, 1.0))
}

/// Spearman's rank correlation of the pairs where both values are finite: Pearson's
/// correlation of their ranks (ties averaged), as `scipy.stats.spearmanr` computes it.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    let (xs, ys): (Vec<f64>, Vec<f64>) = x
        .iter()
        .zip(y)
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .map(|(a, b)| (*a, *b))
        .unzip();
    pearson(&ranks(&xs), &ranks(&ys))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_analytic_percentiles_of_an_arithmetic_sequence() {
        // 0, 1, …, 100: the p-th percentile is p exactly
        let v: Vec<f64> = (0..=100).map(f64::from).collect();
        for p in [0.0, 5.0, 50.0, 95.0, 100.0] {
            assert_eq!(percentile_sorted(&v, p), p);
        }
        let d = describe(&[2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]).unwrap();
        // mean 5, Σ(x − 5)² = 32, s = √(32/7)
        assert_eq!(d.mean, 5.0);
        assert!((d.sd - (32.0f64 / 7.0).sqrt()).abs() < 1e-15);
    }

    #[test]
    fn val_analytic_spearman_of_monotone_and_reversed_data() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        let y = [1.0, 8.0, 27.0, 64.0, 125.0];
        assert_eq!(spearman(&x, &y), Some(1.0));
        let z: Vec<f64> = y.iter().map(|v| -v).collect();
        assert_eq!(spearman(&x, &z), Some(-1.0));
        assert_eq!(spearman(&x, &[1.0; 5]), None);
        assert_eq!(ranks(&[10.0, 20.0, 10.0, 30.0]), vec![1.5, 3.0, 1.5, 4.0]);
    }
}
