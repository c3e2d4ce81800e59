use crate::gp;
use crate::model;
use crate::propagator;

use crate::math::{cos, cube, pow4, pow_3_2, sin, sin_cos, sin_cos_add, sq};

#[allow(clippy::too_many_arguments)]
pub(crate) fn constants(
    geopotential: model::Geopotential,
    drag_term: f64,
    orbit_0: propagator::Orbit,
    p1: f64,
    a0: f64,
    s: f64,
    xi: f64,
    eta: f64,
    c1: f64,
    c4: f64,
    k0: f64,
    k1: f64,
    k6: f64,
    k14: f64,
    p2: f64,
    p3: f64,
    p7: f64,
    p9: f64,
    p14: f64,
    p15: f64,
) -> propagator::Constants {
    propagator::Constants {
        geopotential,

        // Ω̇ = p₁₄
        right_ascension_dot: p14,

        // ω̇ = k₁₄
        argument_of_perigee_dot: k14,

        // Ṁ = p₁₅
        mean_anomaly_dot: p15,
        c1,
        c4,
        k0,
        k1,
        method: propagator::Method::NearEarth {
            a0,
            inclination_sine: sin(orbit_0.inclination),
            inclination_cosine: p1,

            //        1 J₃
            // k₂ = - - -- sin I₀
            //        2 J₂
            k2: -0.5 * (geopotential.j3 / geopotential.j2) * sin(orbit_0.inclination),

            // k₃ = 1 - p₁²
            k3: 1.0 - sq(p1),

            // k₄ = 7 p₁² - 1
            k4: 7.0 * sq(p1) - 1.0,

            //      │   1 J₃        3 + 5 p₁
            // k₅ = │ - - -- sin I₀ --------    if |1 + p₁| > 1.5 × 10⁻¹²
            //      │   4 J₂         1 + p₁
            //      │   1 J₃         3 + 5 p₁
            //      │ - - -- sin I₀ ----------- otherwise
            //      │   4 J₂        1.5 × 10⁻¹²
            k5: if (1.0 + p1).abs() > 1.5e-12 {
                -0.25
                    * (geopotential.j3 / geopotential.j2)
                    * sin(orbit_0.inclination)
                    * (3.0 + 5.0 * p1)
                    / (1.0 + p1)
            } else {
                -0.25
                    * (geopotential.j3 / geopotential.j2)
                    * sin(orbit_0.inclination)
                    * (3.0 + 5.0 * p1)
                    / 1.5e-12
            },
            k6,

            // p₃ < 220 / (aₑ + 1)
            high_altitude: if p3 < 220.0 / geopotential.ae + 1.0 {
                propagator::HighAltitude::No {}
            } else {
                // D₂ = 4 a₀" ξ C₁²
                let d2 = 4.0 * a0 * xi * sq(c1);

                // p₁₆ = D₂ ξ C₁ / 3
                let p16 = d2 * xi * c1 / 3.0;

                // D₃ = (17 a + s) p₁₆
                let d3 = (17.0 * a0 + s) * p16;

                // D₄ = ¹/₂ p₁₆ a₀" ξ (221 a₀" + 31 s) C₁
                let d4 = 0.5 * p16 * a0 * xi * (221.0 * a0 + 31.0 * s) * c1;

                propagator::HighAltitude::Yes {
                    // C₅ = 2 B* p₉ a₀" p₂ (1 + 2.75 (η² + η e₀) + e₀ η³)
                    c5: drag_term
                        * (2.0
                            * p9
                            * a0
                            * p2
                            * (1.0
                                + 2.75 * (sq(eta) + eta * orbit_0.eccentricity)
                                + eta * orbit_0.eccentricity * sq(eta))),
                    d2,
                    d3,
                    d4,
                    eta,

                    // k₇ = sin M₀
                    k7: sin(orbit_0.mean_anomaly),

                    // k₈ = D₂ + 2 C₁²
                    k8: d2 + 2.0 * sq(c1),

                    // k₉ = ¹/₄ (3 D₃ + C₁ (12 D₂ + 10 C₁²))
                    k9: 0.25 * (3.0 * d3 + c1 * (12.0 * d2 + 10.0 * sq(c1))),

                    // k₁₀ = ¹/₅ (3 D₄ + 12 C₁ D₃ + 6 D₂² + 15 C₁² (2 D₂ + C₁²))
                    k10: 0.2
                        * (3.0 * d4
                            + 12.0 * c1 * d3
                            + 6.0 * sq(d2)
                            + 15.0 * sq(c1) * (2.0 * d2 + sq(c1))),

                    elliptic: if orbit_0.eccentricity > 1.0e-4 {
                        propagator::Elliptic::Yes {
                            // k₁₁ = (1 + η cos M₀)³
                            k11: cube(1.0 + eta * cos(orbit_0.mean_anomaly)),

                            //                     J₃ p₇ ξ  n₀" sin I₀
                            // k₁₂ = - 2 B* cos ω₀ -- ----------------
                            //                     J₂        e₀
                            k12: drag_term
                                * (-2.0
                                    * p7
                                    * xi
                                    * (geopotential.j3 / geopotential.j2)
                                    * orbit_0.mean_motion
                                    * sin(orbit_0.inclination)
                                    / orbit_0.eccentricity)
                                * cos(orbit_0.argument_of_perigee),

                            //         2 p₇ B*
                            // k₁₃ = - - -----
                            //         3 e₀ η
                            k13: -2.0 / 3.0 * p7 * drag_term / (orbit_0.eccentricity * eta),
                        }
                    } else {
                        propagator::Elliptic::No {}
                    },
                }
            },
        },
        orbit_0,
    }
}

impl propagator::Constants {
    /// Near-earth propagation (skytwin patch 2: the upstream `near_earth_orbital_elements`
    /// plus the first half of `propagate_from_state`, with each needed sine and cosine
    /// evaluated once — sin p₂₆ and sin p₃₈ by angle addition. The formulas are upstream's.)
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn near_earth_prediction(
        &self,
        a0: f64,
        k2: f64,
        k3: f64,
        k4: f64,
        k5: f64,
        k6: f64,
        high_altitude: &propagator::HighAltitude,
        inclination_sine: f64,
        inclination_cosine: f64,
        t: f64,
        p22: f64,
        p23: f64,
    ) -> core::result::Result<propagator::Prediction, gp::Error> {
        // p₂₄ = M₀ + Ṁ t
        let p24 = self.orbit_0.mean_anomaly + self.mean_anomaly_dot * t;
        // M + ω = (sin, cos of the mean-anomaly part) ⊕ (sin, cos of ω) + m₂, m₂ below
        let (argument_of_perigee_sine_cosine, anomaly_sine_cosine, m2, a, p27) = match high_altitude
        {
            propagator::HighAltitude::No {} => (
                // ω = p₂₃
                sin_cos(p23),
                sin_cos(p24),
                // M = p₂₄ + n₀" k₁ t²: m₂ = n₀" k₁ t²
                self.orbit_0.mean_motion * self.k1 * sq(t),
                // a = a₀" (1 - C₁ t)²
                a0 * sq(1.0 - self.c1 * t),
                // p₂₇ = e₀ - C₄ t
                self.orbit_0.eccentricity - self.c4 * t,
            ),
            propagator::HighAltitude::Yes {
                c5,
                d2,
                d3,
                d4,
                eta,
                k7,
                k8,
                k9,
                k10,
                elliptic,
            } => {
                let (p24_sine, p24_cosine) = sin_cos(p24);
                // ω = │ p₂₃ - p₂₅ if e₀ > 10⁻⁴
                //     │ p₂₃       otherwise
                // p₂₆ = │ p₂₄ + p₂₅ if e₀ > 10⁻⁴
                //       │ p₂₄       otherwise
                // (sin p₂₆, cos p₂₆ by angle addition of p₂₅ to p₂₄)
                let (argument_of_perigee, p26_sine_cosine) = match elliptic {
                    propagator::Elliptic::Yes { k11, k12, k13 } => {
                        // p₂₅ = k₁₃ ((1 + η cos p₂₄)³ - k₁₁) + k₁₂ t
                        let p25 = k13 * (cube(1.0 + eta * p24_cosine) - k11) + k12 * t;
                        (p23 - p25, sin_cos_add(p24_sine, p24_cosine, p25))
                    }
                    propagator::Elliptic::No {} => (p23, (p24_sine, p24_cosine)),
                };
                (
                    sin_cos(argument_of_perigee),
                    p26_sine_cosine,
                    // M = p₂₆ + n₀" (k₁ t² + k₈ t³ + t⁴ (k₉ + t k₁₀):
                    // m₂ = n₀" (k₁ t² + k₈ t³ + t⁴ (k₉ + t k₁₀))
                    self.orbit_0.mean_motion
                        * (self.k1 * sq(t) + k8 * cube(t) + pow4(t) * (k9 + t * k10)),
                    // a = a₀" (1 - C₁ t - D₂ t² - D₃ t³ - D₄ t⁴)²
                    a0 * sq(1.0 - self.c1 * t - d2 * sq(t) - d3 * cube(t) - d4 * pow4(t)),
                    // p₂₇ = e₀ - (C₄ t + C₅ (sin p₂₆ - k₇))
                    self.orbit_0.eccentricity - (self.c4 * t + c5 * (p26_sine_cosine.0 - k7)),
                )
            }
        };
        if !(-0.001..1.0).contains(&p27) {
            return Err(gp::Error::OutOfRangeEccentricity {
                eccentricity: p27,
                t,
            });
        }
        let (argument_of_perigee_sine, argument_of_perigee_cosine) =
            argument_of_perigee_sine_cosine;
        let (anomaly_sine, anomaly_cosine) = anomaly_sine_cosine;

        // e = │ 10⁻⁶ if p₂₇ < 10⁻⁶
        //     │ p₂₇  otherwise
        let eccentricity = p27.max(1.0e-6);

        // p₃₇ = 1 / (a (1 - e²))
        let p37 = 1.0 / (a * (1.0 - sq(eccentricity)));

        // aₓₙ = e cos ω
        let axn = eccentricity * argument_of_perigee_cosine;

        // aᵧₙ = e sin ω + p₃₇ p₃₂, p₃₂ = k₂
        let ayn = eccentricity * argument_of_perigee_sine + p37 * k2;

        // p₃₈ = M + ω + p₃₇ p₃₅ aₓₙ, p₃₅ = k₅; its sine and cosine (the rem 2π is not
        // needed) from sin(x + ω) = sin x cos ω + cos x sin ω, cos(x + ω) = cos x cos ω -
        // sin x sin ω (x = p₂₆, or p₂₄), then angle addition of m₂ + p₃₇ p₃₅ aₓₙ
        let (p38_sine, p38_cosine) = sin_cos_add(
            anomaly_sine * argument_of_perigee_cosine + anomaly_cosine * argument_of_perigee_sine,
            anomaly_cosine * argument_of_perigee_cosine - anomaly_sine * argument_of_perigee_sine,
            m2 + p37 * k5 * axn,
        );
        self.short_period_prediction(
            t,
            a,
            // n = kₑ / a³ᐟ²
            self.geopotential.ke / pow_3_2(a),
            axn,
            ayn,
            p38_sine,
            p38_cosine,
            // p₃₃ = k₃, p₃₄ = k₄, p₃₆ = k₆
            k3,
            k4,
            k6,
            // I = I₀
            inclination_sine,
            inclination_cosine,
            // Ω = p₂₂
            p22,
        )
    }
}
