//! Monte Carlo: the distributions against their closed forms, the statistics against NumPy,
//! SciPy and Newcombe's published Wilson intervals, and the draws' independence from
//! everything but (seed, index).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use scenarios::mc::Batch;
use scenarios::mc::distribution::{Distribution, Drawn, normal_cdf};
use scenarios::mc::stats::{Z_95, describe, percentile_sorted, spearman, wilson};

use crate::common::{cache, hv, root};

fn draws(d: &Distribution, n: usize) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    (0..n)
        .map(|_| match d.sample(&mut rng) {
            Some(Drawn::Number(x)) => x,
            other => panic!("{other:?}"),
        })
        .collect()
}

/// Standard normal density φ(x).
fn phi(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// Checks the sample mean and standard deviation against the distribution's, within five
/// standard errors (mean: σ/√n; sd: ≈ σ/√(2n) for these light-tailed cases).
fn check_moments(name: &str, xs: &[f64], mean: f64, sd: f64) {
    let d = describe(xs).unwrap();
    let n = xs.len() as f64;
    assert!(
        (d.mean - mean).abs() < 5.0 * sd / n.sqrt(),
        "{name}: mean {} vs {mean}",
        d.mean
    );
    assert!(
        (d.sd - sd).abs() < 5.0 * sd / (2.0 * n).sqrt() * 1.5,
        "{name}: sd {} vs {sd}",
        d.sd
    );
}

/// Kolmogorov–Smirnov distance of the sample from `cdf`, against the 0.1 % critical value
/// 1.95/√n.
fn check_ks(name: &str, xs: &[f64], cdf: impl Fn(f64) -> f64) {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let n = v.len() as f64;
    let dmax = v
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let f = cdf(x);
            (f - i as f64 / n).abs().max(((i + 1) as f64 / n - f).abs())
        })
        .fold(0.0, f64::max);
    assert!(dmax < 1.95 / n.sqrt(), "{name}: KS distance {dmax}");
}

#[test]
fn val_analytic_distributions_have_their_closed_form_moments_and_cdf() {
    let n = 100_000;
    let (mu, sigma) = (40.0, 3.0);
    let xs = draws(
        &Distribution::Normal {
            mean: mu,
            sd: sigma,
        },
        n,
    );
    check_moments("normal", &xs, mu, sigma);
    check_ks("normal", &xs, |x| normal_cdf((x - mu) / sigma));

    // truncated to [a, b]: α = (a − μ)/σ, β = (b − μ)/σ, Z = Φ(β) − Φ(α);
    // mean μ + σ (φ(α) − φ(β))/Z; variance σ² [1 + (αφ(α) − βφ(β))/Z − ((φ(α) − φ(β))/Z)²]
    let (a, b) = (37.0, 50.0);
    let (al, be) = ((a - mu) / sigma, (b - mu) / sigma);
    let z = normal_cdf(be) - normal_cdf(al);
    let m = mu + sigma * (phi(al) - phi(be)) / z;
    let var = sigma
        * sigma
        * (1.0 + (al * phi(al) - be * phi(be)) / z - ((phi(al) - phi(be)) / z).powi(2));
    let xs = draws(
        &Distribution::TruncatedNormal {
            mean: mu,
            sd: sigma,
            min: a,
            max: b,
        },
        n,
    );
    assert!(xs.iter().all(|x| (a..=b).contains(x)));
    check_moments("truncated normal", &xs, m, var.sqrt());
    check_ks("truncated normal", &xs, |x| {
        (normal_cdf((x - mu) / sigma) - normal_cdf(al)) / z
    });

    // uniform on [a, b): mean (a + b)/2, sd (b − a)/√12
    let xs = draws(&Distribution::Uniform { min: 2.0, max: 5.0 }, n);
    check_moments("uniform", &xs, 3.5, 3.0 / 12f64.sqrt());
    check_ks("uniform", &xs, |x| ((x - 2.0) / 3.0).clamp(0.0, 1.0));

    // log-normal: mean m e^{σ²/2}, variance (e^{σ²} − 1) m² e^{σ²} with m the median
    let (med, s) = (0.0275, 0.3);
    let xs = draws(
        &Distribution::LogNormal {
            median: med,
            sigma_ln: s,
        },
        n,
    );
    let mean = med * (s * s / 2.0).exp();
    let sd = ((s * s).exp_m1() * med * med * (s * s).exp()).sqrt();
    check_moments("log-normal", &xs, mean, sd);
    check_ks("log-normal", &xs, |x| normal_cdf((x / med).ln() / s));
}

#[test]
fn val_analytic_choice_frequencies_follow_the_weights() {
    let values = vec![
        toml::Value::Integer(45),
        toml::Value::Integer(60),
        toml::Value::Integer(90),
    ];
    let d = Distribution::Choice {
        values: values.clone(),
        cumulative: vec![0.25, 0.75, 1.0],
    };
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let n = 40_000;
    let mut counts = [0usize; 3];
    for _ in 0..n {
        let Some(Drawn::Value(v)) = d.sample(&mut rng) else {
            panic!()
        };
        counts[values.iter().position(|x| *x == v).unwrap()] += 1;
    }
    for (k, p) in [0.25, 0.5, 0.25].iter().enumerate() {
        let f = counts[k] as f64 / n as f64;
        // five binomial standard errors
        assert!(
            (f - p).abs() < 5.0 * (p * (1.0 - p) / n as f64).sqrt(),
            "{k}: {f}"
        );
    }
}

#[test]
fn val_newcombe_1998_wilson_intervals() {
    // Newcombe, "Two-sided confidence intervals for the single proportion: comparison of
    // seven methods", Statistics in Medicine 17 (1998) 857-872, Table I, method 3 (score
    // interval without continuity correction), to the 4 printed decimals.
    for (k, n, lo, hi) in [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ] {
        let (l, h) = wilson(k, n, Z_95).unwrap();
        assert!(
            (l - lo).abs() < 5e-5 && (h - hi).abs() < 5e-5,
            "{k}/{n}: {l} {h}"
        );
    }
    assert_eq!(wilson(0, 0, Z_95), None);
}

#[test]
fn val_scipy_percentiles_moments_and_spearman() {
    let text = std::fs::read_to_string(root().join("scenarios/tests/data/mc-stats-golden.json"))
        .expect("golden file (tools/mc/golden_stats.py)");
    let g: serde_json::Value = serde_json::from_str(&text).unwrap();
    for c in g["cases"].as_array().unwrap() {
        let name = c["name"].as_str().unwrap();
        let vec = |k: &str| -> Vec<f64> {
            c[k].as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_f64().unwrap())
                .collect()
        };
        let (x, y) = (vec("x"), vec("y"));
        let close = |a: f64, b: f64, what: &str| {
            assert!(
                (a - b).abs() <= 1e-12 * b.abs().max(1.0),
                "{name} {what}: {a} vs {b}"
            );
        };
        let d = describe(&x).unwrap();
        close(d.mean, c["mean_x"].as_f64().unwrap(), "mean");
        close(d.sd, c["sd_x"].as_f64().unwrap(), "sd");
        let mut sorted = x.clone();
        sorted.sort_by(f64::total_cmp);
        for (p, want) in c["percentiles_x"].as_object().unwrap() {
            close(
                percentile_sorted(&sorted, p.parse().unwrap()),
                want.as_f64().unwrap(),
                &format!("p{p}"),
            );
        }
        close(
            spearman(&x, &y).unwrap(),
            c["spearman"].as_f64().unwrap(),
            "spearman",
        );
    }
}

#[test]
fn regress_a_runs_draws_depend_on_the_seed_and_its_index_only() {
    let path = root().join("tests/data/mc-tiny.toml");
    let b = Batch::open_path(&path, hv(), cache()).expect("batch");
    let forward: Vec<_> = (0..20).map(|i| b.draw(5, i).unwrap()).collect();
    let backward: Vec<_> = (0..20).rev().map(|i| b.draw(5, i).unwrap()).collect();
    for (i, d) in forward.iter().enumerate() {
        assert_eq!(*d, backward[19 - i]);
        assert_eq!(d.values.len(), 3);
    }
    assert_ne!(forward[0], forward[1], "streams differ");
    assert_ne!(b.draw(6, 0).unwrap(), forward[0], "seeds differ");
    // the run's scenario text carries the drawn values at their paths
    let Drawn::Number(cap) = forward[3].values[0] else {
        panic!()
    };
    let text = b.run_text(&forward[3].values).unwrap();
    let doc: toml::Table = text.parse().unwrap();
    assert_eq!(
        doc["satellite"][0]["hardware_overrides"]["power"]["battery"]["capacity_wh"].as_float(),
        Some(cap)
    );
    assert!(!doc.contains_key("monte_carlo"));
}

#[test]
fn regress_example_eo_cubesat_mc_is_a_valid_batch_and_a_valid_scenario() {
    let b = Batch::open_path(std::path::Path::new("eo-cubesat-mc"), hv(), cache())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(b.config.dispersions.len(), 7);
    assert_eq!(b.config.runs, Some(100));
    // `skytwin run` of it flies the nominal case: the plain loader accepts the section
    scenarios::load_example("eo-cubesat-mc", hv(), cache()).unwrap_or_else(|e| panic!("{e}"));
    // draws land where they should: a choice of the imager's interval as a string argument
    let d = b.draw(2026, 0).unwrap();
    let doc: toml::Table = b.run_text(&d.values).unwrap().parse().unwrap();
    let arg = doc["app"][0]["args"][1].as_str().unwrap().to_string();
    assert!(["45", "60", "90"].contains(&arg.as_str()), "{arg}");
}
