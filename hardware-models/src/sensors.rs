//! Sensors: truth plus seeded noise, constant biases and dropouts — GNSS position/velocity,
//! sun sensor, gyro and temperature sensors.
//!
//! Every sample draws the same number of random numbers whether or not it drops out, so the
//! stream of values depends only on the seed and the number of samples taken.

use hifitime::Duration;
use nalgebra::{UnitQuaternion, Vector3};
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};
use serde::{Deserialize, Serialize};

use crate::error::{HardwareError, check};

/// GNSS receiver.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GnssParams {
    /// White position noise per axis (1σ), m.
    pub position_noise_m: f64,
    /// White velocity noise per axis (1σ), m/s.
    pub velocity_noise_m_s: f64,
    /// Constant position bias per axis drawn at start (1σ), m.
    pub position_bias_m: f64,
    /// Probability that a sample is missing, 0..1.
    pub dropout_probability: f64,
}

/// Sun sensor (fine or coarse).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SunSensorParams {
    /// Boresight, body frame.
    pub boresight_body: Vector3<f64>,
    /// Half-angle of the field of view, rad.
    pub field_of_view_half_angle_rad: f64,
    /// White angular noise per tangent axis (1σ), rad.
    pub angle_noise_rad: f64,
    /// Constant misalignment per axis drawn at start (1σ), rad.
    pub misalignment_rad: f64,
    /// Illumination below which the sensor sees no Sun, 0..1.
    pub min_illumination: f64,
    /// Probability that a sample is missing, 0..1.
    pub dropout_probability: f64,
}

/// Rate gyro (three axes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GyroParams {
    /// Angle random walk σ_v, rad/√s (datasheet °/√h × π/180 / 60).
    pub angle_random_walk_rad_sqrt_s: f64,
    /// Rate random walk σ_u (bias instability drift), rad/s/√s.
    pub rate_random_walk_rad_s_sqrt_s: f64,
    /// Initial bias per axis (1σ), rad/s.
    pub initial_bias_rad_s: f64,
    /// Probability that a sample is missing, 0..1.
    pub dropout_probability: f64,
}

/// Temperature sensors (one per thermal node).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemperatureSensorParams {
    /// White noise (1σ), K.
    pub noise_k: f64,
    /// Constant bias per sensor drawn at start (1σ), K.
    pub bias_k: f64,
    /// Quantisation step of the reading, K (0 = none).
    pub resolution_k: f64,
    /// Probability that a sample is missing, 0..1.
    pub dropout_probability: f64,
}

/// The sensor suite of a satellite; a missing sensor gives no readings.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SensorParams {
    /// GNSS receiver.
    #[serde(default)]
    pub gnss: Option<GnssParams>,
    /// Sun sensor.
    #[serde(default)]
    pub sun_sensor: Option<SunSensorParams>,
    /// Gyro.
    #[serde(default)]
    pub gyro: Option<GyroParams>,
    /// Temperature sensors.
    #[serde(default)]
    pub temperature: Option<TemperatureSensorParams>,
}

impl SensorParams {
    /// Checks ranges.
    pub fn validate(&self) -> Result<(), HardwareError> {
        let m = "sensors";
        let nonneg = |field: &str, v: f64| check(v >= 0.0, m, field.to_string(), v, ">= 0");
        let prob = |field: &str, v: f64| {
            check(
                (0.0..=1.0).contains(&v),
                m,
                field.to_string(),
                v,
                "0 <= value <= 1",
            )
        };
        if let Some(g) = &self.gnss {
            nonneg("gnss.position_noise_m", g.position_noise_m)?;
            nonneg("gnss.velocity_noise_m_s", g.velocity_noise_m_s)?;
            nonneg("gnss.position_bias_m", g.position_bias_m)?;
            prob("gnss.dropout_probability", g.dropout_probability)?;
        }
        if let Some(s) = &self.sun_sensor {
            check(
                s.boresight_body.norm() > 0.0,
                m,
                "sun_sensor.boresight_body",
                s.boresight_body.norm(),
                "a non-zero vector",
            )?;
            check(
                s.field_of_view_half_angle_rad > 0.0
                    && s.field_of_view_half_angle_rad <= std::f64::consts::PI,
                m,
                "sun_sensor.field_of_view_half_angle_rad",
                s.field_of_view_half_angle_rad,
                "0 < value <= π",
            )?;
            nonneg("sun_sensor.angle_noise_rad", s.angle_noise_rad)?;
            nonneg("sun_sensor.misalignment_rad", s.misalignment_rad)?;
            prob("sun_sensor.min_illumination", s.min_illumination)?;
            prob("sun_sensor.dropout_probability", s.dropout_probability)?;
        }
        if let Some(g) = &self.gyro {
            nonneg(
                "gyro.angle_random_walk_rad_sqrt_s",
                g.angle_random_walk_rad_sqrt_s,
            )?;
            nonneg(
                "gyro.rate_random_walk_rad_s_sqrt_s",
                g.rate_random_walk_rad_s_sqrt_s,
            )?;
            nonneg("gyro.initial_bias_rad_s", g.initial_bias_rad_s)?;
            prob("gyro.dropout_probability", g.dropout_probability)?;
        }
        if let Some(t) = &self.temperature {
            nonneg("temperature.noise_k", t.noise_k)?;
            nonneg("temperature.bias_k", t.bias_k)?;
            nonneg("temperature.resolution_k", t.resolution_k)?;
            prob("temperature.dropout_probability", t.dropout_probability)?;
        }
        Ok(())
    }
}

/// True values the sensors measure at one instant.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SensorTruth<'a> {
    /// Position, ECI (TEME), km.
    pub pos_eci_km: Vector3<f64>,
    /// Velocity, ECI (TEME), km/s.
    pub vel_eci_km_s: Vector3<f64>,
    /// Unit vector to the Sun, body frame.
    pub sun_dir_body: Vector3<f64>,
    /// Fraction of the solar disc visible, 0..1.
    pub illumination: f64,
    /// Angular velocity of the body relative to ECI, body frame, rad/s.
    pub omega_body_rad_s: Vector3<f64>,
    /// Temperatures of the thermal nodes, K.
    pub temps_k: &'a [f64],
}

/// A GNSS fix.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GnssFix {
    /// Position, ECI (TEME), km.
    pub pos_eci_km: Vector3<f64>,
    /// Velocity, ECI (TEME), km/s.
    pub vel_eci_km_s: Vector3<f64>,
}

/// One sample of every sensor; `None` where the sensor is absent, blind or dropped out.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SensorReadings {
    /// GNSS fix.
    pub gnss: Option<GnssFix>,
    /// Measured unit vector to the Sun, body frame.
    pub sun_dir_body: Option<Vector3<f64>>,
    /// Measured angular velocity, body frame, rad/s.
    pub omega_body_rad_s: Option<Vector3<f64>>,
    /// Measured temperature of each thermal node, K.
    pub temps_k: Vec<Option<f64>>,
}

/// State of the sensor suite: the biases drawn at construction and the gyro bias walk.
#[derive(Clone, Debug)]
pub struct Sensors {
    params: SensorParams,
    gnss_bias_m: Vector3<f64>,
    sun_misalignment: UnitQuaternion<f64>,
    gyro_bias_rad_s: Vector3<f64>,
    temp_bias_k: Vec<f64>,
    /// Time that passed without a sample ([`Sensors::skip`]), s: the gyro's bias walked over
    /// it and the walk is drawn at the next sample.
    unsampled_s: f64,
}

fn normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    StandardNormal.sample(rng)
}

fn normal3<R: Rng + ?Sized>(rng: &mut R) -> Vector3<f64> {
    Vector3::new(normal(rng), normal(rng), normal(rng))
}

impl Sensors {
    /// Builds the suite for `temperature_channels` thermal nodes and draws the constant biases
    /// from `rng` (in the order GNSS, sun sensor, gyro, temperatures).
    pub fn new<R: Rng + ?Sized>(
        params: SensorParams,
        temperature_channels: usize,
        rng: &mut R,
    ) -> Result<Self, HardwareError> {
        params.validate()?;
        let gnss_bias_m = match &params.gnss {
            Some(g) => normal3(rng) * g.position_bias_m,
            None => Vector3::zeros(),
        };
        let sun_misalignment = match &params.sun_sensor {
            Some(s) => UnitQuaternion::from_scaled_axis(normal3(rng) * s.misalignment_rad),
            None => UnitQuaternion::identity(),
        };
        let gyro_bias_rad_s = match &params.gyro {
            Some(g) => normal3(rng) * g.initial_bias_rad_s,
            None => Vector3::zeros(),
        };
        let temp_bias_k = match &params.temperature {
            Some(t) => (0..temperature_channels)
                .map(|_| normal(rng) * t.bias_k)
                .collect(),
            None => Vec::new(),
        };
        Ok(Self {
            params,
            gnss_bias_m,
            sun_misalignment,
            gyro_bias_rad_s,
            temp_bias_k,
            unsampled_s: 0.0,
        })
    }

    /// Parameters.
    pub fn params(&self) -> &SensorParams {
        &self.params
    }

    /// Current gyro bias (truth, for tests and filters' evaluation), rad/s.
    pub fn gyro_bias_rad_s(&self) -> Vector3<f64> {
        self.gyro_bias_rad_s
    }

    /// Constant GNSS position bias (truth), m.
    pub fn gnss_bias_m(&self) -> Vector3<f64> {
        self.gnss_bias_m
    }

    /// Samples every sensor; `dt` is the time since the previous sample (gyro noise and bias
    /// walk depend on it).
    pub fn sample<R: Rng + ?Sized>(
        &mut self,
        dt: Duration,
        truth: &SensorTruth<'_>,
        rng: &mut R,
    ) -> SensorReadings {
        let mut out = SensorReadings {
            temps_k: Vec::with_capacity(truth.temps_k.len()),
            ..SensorReadings::default()
        };
        self.sample_into(dt, truth, rng, &mut out);
        out
    }

    /// `dt` passes without a sample (nobody reads the sensors): the white noises of those
    /// samples are never drawn, and the gyro's bias walks on, drawn at the next sample in one
    /// go. That is exact in distribution: the walk's increments are independent, so their sum
    /// over the time T is one Gaussian of deviation σ_u √T.
    pub fn skip(&mut self, dt: Duration) {
        let dt_s = dt.to_seconds();
        if dt_s.is_finite() && dt_s > 0.0 {
            self.unsampled_s += dt_s;
        }
    }

    /// Like [`Sensors::sample`], reusing `out`'s allocation.
    pub fn sample_into<R: Rng + ?Sized>(
        &mut self,
        dt: Duration,
        truth: &SensorTruth<'_>,
        rng: &mut R,
        out: &mut SensorReadings,
    ) {
        let dt_s = dt.to_seconds().max(1e-9);
        let unsampled_s = std::mem::take(&mut self.unsampled_s);
        out.gnss = self.params.gnss.as_ref().and_then(|g| {
            let pos_noise_m = normal3(rng) * g.position_noise_m;
            let vel_noise_m_s = normal3(rng) * g.velocity_noise_m_s;
            let dropped = rng.random::<f64>() < g.dropout_probability;
            (!dropped).then(|| GnssFix {
                pos_eci_km: truth.pos_eci_km + (self.gnss_bias_m + pos_noise_m) * 1e-3,
                vel_eci_km_s: truth.vel_eci_km_s + vel_noise_m_s * 1e-3,
            })
        });
        out.sun_dir_body = self.params.sun_sensor.as_ref().and_then(|s| {
            let (a, b) = (normal(rng), normal(rng));
            let dropped = rng.random::<f64>() < s.dropout_probability;
            let sun = truth.sun_dir_body.try_normalize(1e-12)?;
            let boresight = s.boresight_body.normalize();
            let visible = truth.illumination >= s.min_illumination
                && truth.illumination > 0.0
                && boresight.dot(&sun) >= s.field_of_view_half_angle_rad.cos();
            if dropped || !visible {
                return None;
            }
            // Small-angle noise in the plane perpendicular to the Sun direction.
            let e1 = sun
                .cross(&if sun.x.abs() < 0.9 {
                    Vector3::x()
                } else {
                    Vector3::y()
                })
                .normalize();
            let e2 = sun.cross(&e1);
            let noisy = (sun + (e1 * a + e2 * b) * s.angle_noise_rad).normalize();
            Some(self.sun_misalignment * noisy)
        });
        out.omega_body_rad_s = self.params.gyro.as_ref().and_then(|g| {
            // Discrete Farrenkopf model (Crassidis & Junkins, Optimal Estimation of Dynamic
            // Systems, 2nd ed., §7.2.1):
            //   β_{k+1} = β_k + σ_u √Δt · N_u
            //   ω̃ = ω + ½(β_{k+1} + β_k) + √(σ_v²/Δt + σ_u² Δt/12) · N_v
            let n_u = normal3(rng);
            let n_v = normal3(rng);
            let dropped = rng.random::<f64>() < g.dropout_probability;
            let su = g.rate_random_walk_rad_s_sqrt_s;
            let sv = g.angle_random_walk_rad_sqrt_s;
            if unsampled_s > 0.0 {
                // The walk over the time skipped since the last sample.
                self.gyro_bias_rad_s += normal3(rng) * (su * unsampled_s.sqrt());
            }
            let old = self.gyro_bias_rad_s;
            self.gyro_bias_rad_s += n_u * (su * dt_s.sqrt());
            let white = (sv * sv / dt_s + su * su * dt_s / 12.0).sqrt();
            let measured =
                truth.omega_body_rad_s + (old + self.gyro_bias_rad_s) * 0.5 + n_v * white;
            (!dropped).then_some(measured)
        });
        out.temps_k.clear();
        if let Some(t) = &self.params.temperature {
            for (i, &truth_k) in truth.temps_k.iter().enumerate() {
                let noise = normal(rng) * t.noise_k;
                let dropped = rng.random::<f64>() < t.dropout_probability;
                let bias = self.temp_bias_k.get(i).copied().unwrap_or(0.0);
                let raw = truth_k + bias + noise;
                let reading = if t.resolution_k > 0.0 {
                    (raw / t.resolution_k).round() * t.resolution_k
                } else {
                    raw
                };
                out.temps_k.push((!dropped).then_some(reading));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn params() -> SensorParams {
        SensorParams {
            gnss: Some(GnssParams {
                position_noise_m: 5.0,
                velocity_noise_m_s: 0.05,
                position_bias_m: 2.0,
                dropout_probability: 0.1,
            }),
            sun_sensor: Some(SunSensorParams {
                boresight_body: Vector3::x(),
                field_of_view_half_angle_rad: 60f64.to_radians(),
                angle_noise_rad: 0.002,
                misalignment_rad: 0.0,
                min_illumination: 0.5,
                dropout_probability: 0.0,
            }),
            gyro: Some(GyroParams {
                angle_random_walk_rad_sqrt_s: 1e-4,
                rate_random_walk_rad_s_sqrt_s: 0.0,
                initial_bias_rad_s: 1e-4,
                dropout_probability: 0.05,
            }),
            temperature: Some(TemperatureSensorParams {
                noise_k: 0.25,
                bias_k: 0.5,
                resolution_k: 0.0625,
                dropout_probability: 0.02,
            }),
        }
    }

    fn truth(temps: &[f64]) -> SensorTruth<'_> {
        SensorTruth {
            pos_eci_km: Vector3::new(7000.0, 0.0, 0.0),
            vel_eci_km_s: Vector3::new(0.0, 7.5, 0.0),
            sun_dir_body: Vector3::new(1.0, 0.2, 0.0).normalize(),
            illumination: 1.0,
            omega_body_rad_s: Vector3::new(0.001, -0.002, 0.0005),
            temps_k: temps,
        }
    }

    const N: usize = 20_000;

    #[test]
    fn val_statistics_noise_and_bias_follow_the_parameters() {
        let mut rng = ChaCha8Rng::seed_from_u64(42);
        let mut s = Sensors::new(params(), 2, &mut rng).unwrap();
        let temps = [290.0, 300.0];
        let t = truth(&temps);
        let dt = Duration::from_seconds(0.5);
        let (mut pos, mut pos2, mut n_gnss) = (Vector3::zeros(), Vector3::zeros(), 0usize);
        let (mut gyro, mut gyro2, mut n_gyro) = (Vector3::zeros(), Vector3::zeros(), 0usize);
        let mut n_temp = 0usize;
        for _ in 0..N {
            let r = s.sample(dt, &t, &mut rng);
            if let Some(fix) = r.gnss {
                let e = (fix.pos_eci_km - t.pos_eci_km) * 1e3;
                pos += e;
                pos2 += e.component_mul(&e);
                n_gnss += 1;
            }
            if let Some(w) = r.omega_body_rad_s {
                let e = w - t.omega_body_rad_s;
                gyro += e;
                gyro2 += e.component_mul(&e);
                n_gyro += 1;
            }
            for (i, v) in r.temps_k.iter().enumerate() {
                if let Some(v) = v {
                    // Quantised to 1/16 K.
                    assert!(((v / 0.0625) - (v / 0.0625).round()).abs() < 1e-9);
                    assert!((v - temps[i]).abs() < 10.0);
                    n_temp += 1;
                }
            }
        }
        // Mean = the drawn bias (within 4σ/√n); std = σ (within 3 %).
        let n = n_gnss as f64;
        let mean = pos / n;
        for k in 0..3 {
            assert!(
                (mean[k] - s.gnss_bias_m()[k]).abs() < 4.0 * 5.0 / n.sqrt(),
                "{mean} vs {}",
                s.gnss_bias_m()
            );
            let std = (pos2[k] / n - mean[k] * mean[k]).sqrt();
            assert!((std / 5.0 - 1.0).abs() < 0.03, "gnss σ {std}");
        }
        let n = n_gyro as f64;
        let mean = gyro / n;
        let sigma = 1e-4 / 0.5f64.sqrt(); // σ_v / √Δt
        for k in 0..3 {
            assert!((mean[k] - s.gyro_bias_rad_s()[k]).abs() < 4.0 * sigma / n.sqrt());
            let std = (gyro2[k] / n - mean[k] * mean[k]).sqrt();
            assert!((std / sigma - 1.0).abs() < 0.03, "gyro σ {std} vs {sigma}");
        }
        // Dropout rates within 4 binomial σ.
        let check_rate = |count: usize, trials: usize, p: f64| {
            let expected = trials as f64 * (1.0 - p);
            let sd = (trials as f64 * p * (1.0 - p)).sqrt();
            assert!(
                (count as f64 - expected).abs() < 4.0 * sd,
                "{count} of {trials}, p = {p}"
            );
        };
        check_rate(n_gnss, N, 0.1);
        check_rate(n_gyro, N, 0.05);
        check_rate(n_temp, 2 * N, 0.02);
    }

    #[test]
    fn val_statistics_sun_sensor_angle_noise_and_field_of_view() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut s = Sensors::new(params(), 0, &mut rng).unwrap();
        let t = truth(&[]);
        let mut sq = 0.0;
        for _ in 0..N {
            let m = s
                .sample(Duration::from_seconds(1.0), &t, &mut rng)
                .sun_dir_body
                .unwrap();
            let angle = m.angle(&t.sun_dir_body);
            sq += angle * angle;
        }
        // Two tangent axes of σ each: E[angle²] = 2σ².
        let rms = (sq / N as f64).sqrt();
        assert!((rms / (0.002 * 2f64.sqrt()) - 1.0).abs() < 0.03, "{rms}");
        // Outside the field of view and in eclipse: no reading.
        let behind = SensorTruth {
            sun_dir_body: -Vector3::x(),
            ..t
        };
        assert!(
            s.sample(Duration::from_seconds(1.0), &behind, &mut rng)
                .sun_dir_body
                .is_none()
        );
        let dark = SensorTruth {
            illumination: 0.2,
            ..t
        };
        assert!(
            s.sample(Duration::from_seconds(1.0), &dark, &mut rng)
                .sun_dir_body
                .is_none()
        );
    }

    #[test]
    fn regress_same_seed_same_values() {
        let run = |seed: u64| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut s = Sensors::new(params(), 2, &mut rng).unwrap();
            let temps = [290.0, 300.0];
            (0..100)
                .map(|_| s.sample(Duration::from_seconds(1.0), &truth(&temps), &mut rng))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(1), run(1));
        assert_ne!(run(1), run(2));
    }
}
