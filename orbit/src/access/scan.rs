//! Finding the intervals where a smooth function of time is positive: sampling on a coarse
//! grid, bracketing sign changes, bisection to a fine tolerance, and golden-section search
//! for peaks that stay between samples.
//!
//! Times are seconds from the window start (f64: ~10⁻¹¹ s resolution over a day).

/// Bisection stops when the bracket is this narrow (s); the midpoint is then within 0.5 ms.
pub(crate) const ROOT_TOLERANCE_S: f64 = 1e-3;
/// Golden-section search for a maximum stops at this bracket width (s).
pub(crate) const PEAK_TOLERANCE_S: f64 = 1e-2;

/// An interval where the function is positive, in seconds from the window start; `*_clipped`
/// when the function is already positive at the window start / still positive at its end.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Interval {
    pub start_s: f64,
    pub end_s: f64,
    pub start_clipped: bool,
    pub end_clipped: bool,
}

/// The coarse grid over `[0, length_s]` with spacing `step_s`; the end is always included.
pub(crate) fn grid(length_s: f64, step_s: f64) -> Vec<f64> {
    let n = (length_s / step_s).floor() as usize;
    let mut s: Vec<f64> = (0..=n).map(|i| i as f64 * step_s).collect();
    if s.last().is_none_or(|&last| length_s - last > 1e-9) {
        s.push(length_s);
    }
    s
}

/// The zero of `f` between `a` (where `f(a) > 0` iff `a_positive`) and `b` (opposite sign),
/// by bisection to [`ROOT_TOLERANCE_S`].
pub(crate) fn bisect<E>(
    f: &mut impl FnMut(f64) -> Result<f64, E>,
    mut a: f64,
    mut b: f64,
    a_positive: bool,
) -> Result<f64, E> {
    while b - a > ROOT_TOLERANCE_S {
        let m = 0.5 * (a + b);
        if (f(m)? > 0.0) == a_positive {
            a = m;
        } else {
            b = m;
        }
    }
    Ok(0.5 * (a + b))
}

/// The maximum of a unimodal `f` on `[a, b]` by golden-section search
/// (Press et al., *Numerical Recipes*, §10.2): returns (s, f(s)).
pub(crate) fn maximize<E>(
    f: &mut impl FnMut(f64) -> Result<f64, E>,
    mut a: f64,
    mut b: f64,
) -> Result<(f64, f64), E> {
    // r = (√5 − 1) / 2
    const R: f64 = 0.618_033_988_749_894_9;
    let mut c = b - R * (b - a);
    let mut d = a + R * (b - a);
    let (mut fc, mut fd) = (f(c)?, f(d)?);
    while b - a > PEAK_TOLERANCE_S {
        if fc > fd {
            b = d;
            d = c;
            fd = fc;
            c = b - R * (b - a);
            fc = f(c)?;
        } else {
            a = c;
            c = d;
            fc = fd;
            d = a + R * (b - a);
            fd = f(d)?;
        }
    }
    let s = 0.5 * (a + b);
    let v = f(s)?;
    // the ends may be higher when the maximum sits at an edge of [a, b]
    Ok([(s, v), (c, fc), (d, fd)]
        .into_iter()
        .fold((s, v), |best, x| if x.1 > best.1 { x } else { best }))
}

/// Intervals where `f > 0`, given `f` sampled at `times` (`values[i] = f(times[i])`, the last
/// time being the window end). Sign changes between samples are refined by bisection; a
/// sample that is a local maximum of three non-positive samples is searched for a peak above
/// zero between its neighbours (catching intervals shorter than the grid spacing).
pub(crate) fn positive_intervals<E>(
    times: &[f64],
    values: &[f64],
    f: &mut impl FnMut(f64) -> Result<f64, E>,
) -> Result<Vec<Interval>, E> {
    let n = times.len().min(values.len());
    let mut out = Vec::new();
    if n == 0 {
        return Ok(out);
    }
    let mut open: Option<(f64, bool)> = (values[0] > 0.0).then_some((times[0], true));
    for i in 1..n {
        let (prev, cur) = (values[i - 1], values[i]);
        if prev <= 0.0 && cur > 0.0 {
            open = Some((bisect(f, times[i - 1], times[i], false)?, false));
        } else if prev > 0.0 && cur <= 0.0 {
            let end_s = bisect(f, times[i - 1], times[i], true)?;
            if let Some((start_s, start_clipped)) = open.take() {
                out.push(Interval {
                    start_s,
                    end_s,
                    start_clipped,
                    end_clipped: false,
                });
            }
        } else if prev <= 0.0
            && cur <= 0.0
            && i + 1 < n
            && values[i + 1] <= 0.0
            && cur > prev
            && cur >= values[i + 1]
        {
            // a peak between samples that may rise above zero
            let (peak_s, peak) = maximize(f, times[i - 1], times[i + 1])?;
            if peak > 0.0 {
                let start_s = bisect(f, times[i - 1], peak_s, false)?;
                let end_s = bisect(f, peak_s, times[i + 1], true)?;
                out.push(Interval {
                    start_s,
                    end_s,
                    start_clipped: false,
                    end_clipped: false,
                });
            }
        }
    }
    if let Some((start_s, start_clipped)) = open {
        out.push(Interval {
            start_s,
            end_s: times[n - 1],
            start_clipped,
            end_clipped: true,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::convert::Infallible;

    fn run(f: impl Fn(f64) -> f64, length: f64, step: f64) -> Vec<Interval> {
        let times = grid(length, step);
        let values: Vec<f64> = times.iter().map(|&t| f(t)).collect();
        positive_intervals::<Infallible>(&times, &values, &mut |t| Ok(f(t))).unwrap()
    }

    #[test]
    fn val_analytic_grid_includes_end() {
        assert_eq!(grid(130.0, 60.0), vec![0.0, 60.0, 120.0, 130.0]);
        assert_eq!(grid(120.0, 60.0), vec![0.0, 60.0, 120.0]);
        assert_eq!(grid(0.0, 60.0), vec![0.0]);
    }

    #[test]
    fn val_analytic_sine_intervals_and_clipping() {
        // sin(2π t / 1000) > 0 on (0, 500), (1000, 1500), ...; window [100, 2300] shifted to 0
        let f = |t: f64| (std::f64::consts::TAU * (t + 100.0) / 1000.0).sin();
        let iv = run(f, 2200.0, 60.0);
        assert_eq!(iv.len(), 3);
        assert!(iv[0].start_clipped && iv[0].start_s == 0.0);
        assert!((iv[0].end_s - 400.0).abs() < 1e-3);
        assert!((iv[1].start_s - 900.0).abs() < 1e-3 && (iv[1].end_s - 1400.0).abs() < 1e-3);
        assert!(
            (iv[2].start_s - 1900.0).abs() < 1e-3 && iv[2].end_clipped && iv[2].end_s == 2200.0
        );
    }

    #[test]
    fn val_analytic_short_peak_between_samples_is_found() {
        // a 20 s bump centred at t = 1000 s, between samples at 960 and 1020 (step 60 s)
        let f = |t: f64| 1.0 - ((t - 1000.0) / 10.0).powi(2) - 0.0 * t;
        let bump = |t: f64| {
            if (t - 1000.0).abs() < 200.0 {
                f(t)
            } else {
                -1.0 - (t - 1000.0).abs() / 1000.0
            }
        };
        let iv = run(bump, 3000.0, 60.0);
        assert_eq!(iv.len(), 1, "{iv:?}");
        assert!((iv[0].start_s - 990.0).abs() < 1e-3 && (iv[0].end_s - 1010.0).abs() < 1e-3);
    }

    #[test]
    fn val_analytic_maximize_parabola() {
        let (s, v) =
            maximize::<Infallible>(&mut |t| Ok(-(t - 3.3).powi(2) + 2.0), 0.0, 10.0).unwrap();
        assert!((s - 3.3).abs() < PEAK_TOLERANCE_S && (v - 2.0).abs() < 1e-4);
        // maximum at the edge
        let (s, _) = maximize::<Infallible>(&mut |t| Ok(t), 0.0, 10.0).unwrap();
        assert!((s - 10.0).abs() < PEAK_TOLERANCE_S);
    }
}
