//! The gyro's noise against the closed forms of its model (Farrenkopf: ω̃ = ω + β + η_v,
//! β̇ = η_u, with angle random walk σ_v and rate random walk σ_u):
//!   - angle error of the integrated rate after T: Var θ(T) = σ_v² T           (σ_u = 0)
//!   - bias walk after T: Var[β(T) − β(0)] = σ_u² T
//!   - Allan variance of the rate: σ²(τ) = σ_v²/τ + σ_u² τ/3  (IEEE Std 952-1997 Annex C)
//!
//! Every statistic is compared with a tolerance of several standard errors of its estimator.

use hardware_models::sensors::{GyroParams, SensorParams, SensorTruth, Sensors};
use hifitime::Duration;
use nalgebra::Vector3;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn gyro(arw: f64, rrw: f64) -> SensorParams {
    SensorParams {
        gyro: Some(GyroParams {
            angle_random_walk_rad_sqrt_s: arw,
            rate_random_walk_rad_s_sqrt_s: rrw,
            initial_bias_rad_s: 0.0,
            dropout_probability: 0.0,
        }),
        ..SensorParams::default()
    }
}

fn truth() -> SensorTruth<'static> {
    SensorTruth {
        pos_eci_km: Vector3::new(7000.0, 0.0, 0.0),
        vel_eci_km_s: Vector3::new(0.0, 7.5, 0.0),
        sun_dir_body: Vector3::x(),
        illumination: 1.0,
        omega_body_rad_s: Vector3::new(0.01, -0.02, 0.003),
        temps_k: &[],
    }
}

/// Rate errors ω̃ − ω of `n` samples `dt_s` apart, per axis.
fn rate_errors(params: SensorParams, seed: u64, n: usize, dt_s: f64) -> [Vec<f64>; 3] {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut sensors = Sensors::new(params, 0, &mut rng).unwrap();
    let t = truth();
    let dt = Duration::from_seconds(dt_s);
    let mut out = [
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    ];
    for _ in 0..n {
        let w = sensors.sample(dt, &t, &mut rng).omega_body_rad_s.unwrap();
        for (axis, v) in out.iter_mut().enumerate() {
            v.push(w[axis] - t.omega_body_rad_s[axis]);
        }
    }
    out
}

#[test]
fn val_analytic_angle_random_walk_integrates_to_sigma_v_squared_t() {
    // 400 independent gyros (three axes each) integrate their rate error for T = 200 s.
    let (arw, dt_s, steps) = (2e-4, 0.5, 400);
    let t_s = dt_s * steps as f64;
    let mut sum_sq = 0.0;
    let runs = 400;
    for seed in 0..runs {
        for axis in rate_errors(gyro(arw, 0.0), seed, steps, dt_s) {
            let angle: f64 = axis.iter().map(|e| e * dt_s).sum();
            sum_sq += angle * angle;
        }
    }
    assert_variance_is_sigma_squared_t(sum_sq, runs, arw, t_s, "Var θ(T)", "σ_v² T");
}

/// The mean of x²/3 over `runs` gyros (`sum_sq` summed over their three axes) is σ² T: the
/// mean of χ²₁ variables, relative standard error √(2/n) (4.1 % for 400 gyros); allow 4 of
/// them. `what` and `closed_form` name the two sides in the failure message.
fn assert_variance_is_sigma_squared_t(
    sum_sq: f64,
    runs: u64,
    sigma: f64,
    t_s: f64,
    what: &str,
    closed_form: &str,
) {
    let samples = 3.0 * runs as f64;
    let variance = sum_sq / samples;
    let expected = sigma * sigma * t_s;
    let tolerance = 4.0 * (2.0 / samples).sqrt();
    assert!(
        (variance / expected - 1.0).abs() < tolerance,
        "{what} = {variance:.3e} vs {closed_form} = {expected:.3e}"
    );
}

#[test]
fn val_analytic_rate_random_walk_spreads_the_bias_as_sigma_u_squared_t() {
    let (rrw, dt_s, steps) = (3e-6, 1.0, 500);
    let t_s = dt_s * steps as f64;
    let runs = 400;
    let mut sum_sq = 0.0;
    for seed in 0..runs {
        let mut rng = ChaCha8Rng::seed_from_u64(1000 + seed);
        let mut sensors = Sensors::new(gyro(1e-4, rrw), 0, &mut rng).unwrap();
        let start = sensors.gyro_bias_rad_s();
        for _ in 0..steps {
            sensors.sample(Duration::from_seconds(dt_s), &truth(), &mut rng);
        }
        let walked = sensors.gyro_bias_rad_s() - start;
        sum_sq += walked.norm_squared();
    }
    assert_variance_is_sigma_squared_t(sum_sq, runs, rrw, t_s, "Var Δβ(T)", "σ_u² T");
}

/// Steps nobody reads are skipped (`Sensors::skip`), and the bias walk over them is drawn at
/// the next sample in one go: the walk over T is still σ_u² T, whatever was skipped.
#[test]
fn val_analytic_skipped_samples_walk_the_bias_as_sigma_u_squared_t() {
    let (rrw, dt_s) = (3e-6, 1.0);
    let runs = 400;
    let mut sum_sq = 0.0;
    let mut t_s = 0.0;
    for seed in 0..runs {
        let mut rng = ChaCha8Rng::seed_from_u64(5000 + seed);
        let mut sensors = Sensors::new(gyro(1e-4, rrw), 0, &mut rng).unwrap();
        let start = sensors.gyro_bias_rad_s();
        t_s = 0.0;
        // Ten readings, each after 49 skipped steps (an app waking once a minute, say).
        for _ in 0..10 {
            for _ in 0..49 {
                sensors.skip(Duration::from_seconds(dt_s));
            }
            sensors.sample(Duration::from_seconds(dt_s), &truth(), &mut rng);
            t_s += 50.0 * dt_s;
        }
        let walked = sensors.gyro_bias_rad_s() - start;
        sum_sq += walked.norm_squared();
    }
    assert_variance_is_sigma_squared_t(sum_sq, runs, rrw, t_s, "Var Δβ(T)", "σ_u² T");
}

/// Non-overlapping Allan variance of rate samples `dt_s` apart at cluster size m:
///   σ²(τ) = ½ ⟨(ȳ_{k+1} − ȳ_k)²⟩,  ȳ_k the mean of the k-th cluster of m samples, τ = m Δt.
/// Returns the estimate and the number of differences averaged.
fn allan_variance(rate: &[f64], m: usize) -> (f64, usize) {
    let means: Vec<f64> = rate
        .chunks_exact(m)
        .map(|c| c.iter().sum::<f64>() / m as f64)
        .collect();
    let diffs: Vec<f64> = means.windows(2).map(|w| w[1] - w[0]).collect();
    let avar = 0.5 * diffs.iter().map(|d| d * d).sum::<f64>() / diffs.len() as f64;
    (avar, diffs.len())
}

#[test]
fn val_analytic_allan_variance_of_angle_and_rate_random_walk() {
    // σ_v = 1e-3 rad/√s, σ_u = 1e-5 rad/s/√s: the two terms cross at τ = √3 σ_v/σ_u = 173 s.
    let (arw, rrw, dt_s, n) = (1e-3, 1e-5, 1.0, 200_000);
    let axes = rate_errors(gyro(arw, rrw), 7, n, dt_s);
    for m in [1usize, 10, 100, 173, 1000] {
        let tau_s = m as f64 * dt_s;
        let (mut avar, mut count) = (0.0, 0);
        for axis in &axes {
            let (a, k) = allan_variance(axis, m);
            avar += a / 3.0;
            count += k;
        }
        let expected = arw * arw / tau_s + rrw * rrw * tau_s / 3.0;
        // Relative standard error of an Allan variance from K differences is about
        // 1/√K (the differences are correlated neighbour to neighbour); allow 5 of them.
        let tolerance = 5.0 / (count as f64).sqrt();
        assert!(
            (avar / expected - 1.0).abs() < tolerance,
            "τ = {tau_s} s: σ² = {avar:.4e} vs σ_v²/τ + σ_u²τ/3 = {expected:.4e} (±{:.1} %)",
            100.0 * tolerance
        );
    }
    // Without the rate random walk the Allan deviation falls as τ^(-1/2) all the way.
    let white = rate_errors(gyro(arw, 0.0), 8, 100_000, dt_s);
    let (a100, k) = allan_variance(&white[0], 100);
    let expected = arw * arw / 100.0;
    assert!((a100 / expected - 1.0).abs() < 5.0 / (k as f64).sqrt());
}
