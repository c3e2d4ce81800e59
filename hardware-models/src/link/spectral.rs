//! Specific attenuation of dry air and water vapour, line by line: ITU-R P.676-13 (08/2022),
//! Annex 1 §1. The spectroscopic tables are data files (`hardware-models/data/`).
//!
//!   γ = γo + γw = 0.1820 f (N″_Oxygen(f) + N″_WaterVapour(f))   dB/km, f in GHz
//!   N″_Oxygen = Σᵢ Sᵢ Fᵢ + N″_D(f),   N″_WaterVapour = Σᵢ Sᵢ Fᵢ
//!   Fᵢ = f/fᵢ [ (Δf − δ(fᵢ − f)) / ((fᵢ − f)² + Δf²) + (Δf − δ(fᵢ + f)) / ((fᵢ + f)² + Δf²) ]
//! with θ = 300/T, p the dry-air pressure and e the water-vapour partial pressure (hPa).

use crate::error::HardwareError;

const OXYGEN_TABLE: &str = "itu_r_p676_oxygen_lines.csv";
const WATER_VAPOUR_TABLE: &str = "itu_r_p676_water_vapour_lines.csv";
const OXYGEN_CSV: &str = include_str!("../../data/itu_r_p676_oxygen_lines.csv");
const WATER_VAPOUR_CSV: &str = include_str!("../../data/itu_r_p676_water_vapour_lines.csv");
/// Rows of P.676-13 Table 1 (oxygen) and Table 2 (water vapour).
const OXYGEN_ROWS: (usize, &str) = (44, "44 rows (P.676-13 Table 1)");
const WATER_VAPOUR_ROWS: (usize, &str) = (35, "35 rows (P.676-13 Table 2)");

/// One spectral line: its frequency and the six coefficients of its table row.
#[derive(Clone, Copy, Debug, PartialEq)]
struct SpectralLine {
    f0_ghz: f64,
    /// a1..a6 (oxygen) or b1..b6 (water vapour).
    c: [f64; 6],
}

/// The oxygen and water-vapour line tables of P.676-13 Annex 1.
#[derive(Clone, Debug, PartialEq)]
pub struct SpectralLines {
    oxygen: Vec<SpectralLine>,
    water_vapour: Vec<SpectralLine>,
}

/// Parses a line table: `#` comments, one header row, then rows of seven numbers.
fn parse_table(
    table: &'static str,
    text: &str,
    (rows, rows_expected): (usize, &'static str),
) -> Result<Vec<SpectralLine>, HardwareError> {
    let mut lines = Vec::with_capacity(rows);
    let data = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .skip(1); // header
    for (index, row) in data {
        let line = index + 1;
        let mut values = [0.0; 7];
        let mut count = 0;
        for field in row.split(',') {
            if count == 7 {
                return Err(HardwareError::DataTableShape {
                    table,
                    line,
                    expected: "7 numbers",
                });
            }
            values[count] =
                field
                    .trim()
                    .parse()
                    .map_err(|source| HardwareError::DataTableNumber {
                        table,
                        line,
                        source,
                    })?;
            count += 1;
        }
        if count != 7 {
            return Err(HardwareError::DataTableShape {
                table,
                line,
                expected: "7 numbers",
            });
        }
        let [f0_ghz, c @ ..] = values;
        lines.push(SpectralLine { f0_ghz, c });
    }
    if lines.len() != rows {
        return Err(HardwareError::DataTableShape {
            table,
            line: text.lines().count(),
            expected: rows_expected,
        });
    }
    Ok(lines)
}

impl SpectralLines {
    /// The tables of ITU-R P.676-13 Annex 1 (Table 1: 44 oxygen lines, Table 2: 35 water-vapour
    /// lines), parsed from the data files compiled into the crate.
    pub fn itu_r_p676() -> Result<Self, HardwareError> {
        Ok(Self {
            oxygen: parse_table(OXYGEN_TABLE, OXYGEN_CSV, OXYGEN_ROWS)?,
            water_vapour: parse_table(WATER_VAPOUR_TABLE, WATER_VAPOUR_CSV, WATER_VAPOUR_ROWS)?,
        })
    }

    /// Specific attenuation of dry air (oxygen lines, pressure-induced nitrogen and the Debye
    /// spectrum), dB/km, at `f_ghz`, dry-air pressure p, water-vapour pressure e (hPa) and
    /// temperature T (K):
    ///   Sᵢ = a1·10⁻⁷ p θ³ e^{a2(1 − θ)}
    ///   Δf = a3·10⁻⁴ (p θ^{0.8 − a4} + 1.1 e θ),  Δf ← √(Δf² + 2.25·10⁻⁶)  (Zeeman splitting)
    ///   δ  = (a5 + a6 θ)·10⁻⁴ (p + e) θ^0.8
    ///   N″_D = f p θ² [6.14·10⁻⁵ / (d (1 + (f/d)²)) + 1.4·10⁻¹² p θ^1.5 / (1 + 1.9·10⁻⁵ f^1.5)],
    ///   d = 5.6·10⁻⁴ (p + e) θ^0.8
    pub fn dry_air_db_km(
        &self,
        f_ghz: f64,
        dry_pressure_hpa: f64,
        water_vapour_pressure_hpa: f64,
        temperature_k: f64,
    ) -> f64 {
        let (f, p, e) = (f_ghz, dry_pressure_hpa, water_vapour_pressure_hpa);
        let theta = 300.0 / temperature_k;
        let ln_theta = theta.ln();
        let theta_08 = (0.8 * ln_theta).exp();
        // Per line only what depends on its coefficients; θ^x as e^{x ln θ}.
        let strength_scale = 1e-7 * p * theta.powi(3);
        let delta_scale = 1e-4 * (p + e) * theta_08;
        let lines: f64 = self
            .oxygen
            .iter()
            .map(|l| {
                let [a1, a2, a3, a4, a5, a6] = l.c;
                let strength = a1 * strength_scale * (a2 * (1.0 - theta)).exp();
                let theta_a = if a4 == 0.0 {
                    theta_08
                } else {
                    ((0.8 - a4) * ln_theta).exp()
                };
                let width = a3 * 1e-4 * (p * theta_a + 1.1 * e * theta);
                let width = (width * width + 2.25e-6).sqrt();
                let delta = (a5 + a6 * theta) * delta_scale;
                strength * line_shape(f, l.f0_ghz, width, delta)
            })
            .sum();
        let d = 5.6e-4 * (p + e) * theta_08;
        let continuum = f
            * p
            * theta
            * theta
            * (6.14e-5 / (d * (1.0 + (f / d).powi(2)))
                + 1.4e-12 * p * theta.powf(1.5) / (1.0 + 1.9e-5 * f.powf(1.5)));
        0.1820 * f * (lines + continuum)
    }

    /// Specific attenuation of water vapour, dB/km (arguments as for [`Self::dry_air_db_km`]):
    ///   Sᵢ = b1·10⁻¹ e θ^3.5 e^{b2(1 − θ)}
    ///   Δf = b3·10⁻⁴ (p θ^{b4} + b5 e θ^{b6}),  Δf ← 0.535 Δf + √(0.217 Δf² + 2.1316·10⁻¹² fᵢ²/θ)
    ///   δ = 0
    pub fn water_vapour_db_km(
        &self,
        f_ghz: f64,
        dry_pressure_hpa: f64,
        water_vapour_pressure_hpa: f64,
        temperature_k: f64,
    ) -> f64 {
        let (f, p, e) = (f_ghz, dry_pressure_hpa, water_vapour_pressure_hpa);
        if e <= 0.0 {
            return 0.0;
        }
        let theta = 300.0 / temperature_k;
        let ln_theta = theta.ln();
        let strength_scale = 1e-1 * e * (3.5 * ln_theta).exp();
        let lines: f64 = self
            .water_vapour
            .iter()
            .map(|l| {
                let [b1, b2, b3, b4, b5, b6] = l.c;
                let strength = b1 * strength_scale * (b2 * (1.0 - theta)).exp();
                let width =
                    b3 * 1e-4 * (p * (b4 * ln_theta).exp() + b5 * e * (b6 * ln_theta).exp());
                let width = 0.535 * width
                    + (0.217 * width * width + 2.1316e-12 * l.f0_ghz * l.f0_ghz / theta).sqrt();
                strength * line_shape(f, l.f0_ghz, width, 0.0)
            })
            .sum();
        0.1820 * f * lines
    }
}

/// Line shape factor Fᵢ (P.676-13 Annex 1 §1), GHz⁻¹.
fn line_shape(f: f64, f0: f64, width: f64, delta: f64) -> f64 {
    let w2 = width * width;
    f / f0
        * ((width - delta * (f0 - f)) / ((f0 - f).powi(2) + w2)
            + (width - delta * (f0 + f)) / ((f0 + f).powi(2) + w2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regress_line_tables_parse_with_their_first_and_last_rows() {
        let t = SpectralLines::itu_r_p676().unwrap();
        assert_eq!(t.oxygen.len(), 44);
        assert_eq!(t.water_vapour.len(), 35);
        // P.676-13 Table 1, first row and the 118 GHz line; Table 2, the 22 GHz line and the
        // pseudo-line at 1780 GHz that stands for the far wings.
        assert_eq!(
            t.oxygen[0],
            SpectralLine {
                f0_ghz: 50.474214,
                c: [0.975, 9.651, 6.690, 0.0, 2.566, 6.850]
            }
        );
        assert_eq!(t.oxygen[37].f0_ghz, 118.750334);
        assert_eq!(
            t.water_vapour[0],
            SpectralLine {
                f0_ghz: 22.235080,
                c: [0.1079, 2.144, 26.38, 0.76, 5.087, 1.00]
            }
        );
        assert_eq!(
            t.water_vapour[34],
            SpectralLine {
                f0_ghz: 1780.0,
                c: [17506.0, 0.952, 196.3, 2.0, 24.15, 5.0]
            }
        );
    }

    #[test]
    fn regress_malformed_tables_are_errors_not_panics() {
        let bad_number = "# c\nf0,a1,a2,a3,a4,a5,a6\n50.0,1,2,3,x,5,6\n";
        assert!(matches!(
            parse_table("t", bad_number, (1, "1 row")),
            Err(HardwareError::DataTableNumber { line: 3, .. })
        ));
        let short_row = "f0,a1\n50.0,1,2,3,4,5\n";
        assert!(matches!(
            parse_table("t", short_row, (1, "1 row")),
            Err(HardwareError::DataTableShape { line: 2, .. })
        ));
        let long_row = "f0,a1\n50.0,1,2,3,4,5,6,7\n";
        assert!(matches!(
            parse_table("t", long_row, (1, "1 row")),
            Err(HardwareError::DataTableShape { .. })
        ));
        let missing_rows = "f0,a1\n50.0,1,2,3,4,5,6\n";
        assert!(matches!(
            parse_table("t", missing_rows, (2, "2 rows")),
            Err(HardwareError::DataTableShape { .. })
        ));
    }
}
