//! The external surfaces of the network, grouped by orientation: the Sun incidence and the
//! Earth view factor depend only on a surface's normal, so they are computed once per distinct
//! normal and step (a 6U has 8 surfaces but 6 normals), then scaled by each surface's α·A and
//! ε·A. Same equations as [`OrbitalEnvironment::absorbed_w`].

use nalgebra::Vector3;

use super::ThermalNodeParams;
use super::environment::{
    EARTH_MEAN_RADIUS_KM, EarthRadiationParams, OrbitalEnvironment, plate_to_sphere_view_factor,
};

#[derive(Clone, Copy, Debug)]
struct Surface {
    node: usize,
    /// Index into `Surfaces::normals`.
    normal: usize,
    /// α·A, m².
    absorbing_area_m2: f64,
    /// ε·A, m².
    emitting_area_m2: f64,
}

#[derive(Clone, Debug)]
pub(crate) struct Surfaces {
    /// Distinct unit normals, body frame.
    normals: Vec<Vector3<f64>>,
    surfaces: Vec<Surface>,
    /// Per normal: (max(0, n̂·ŝ), F(n̂)) of the current step.
    factors: Vec<(f64, f64)>,
}

impl Surfaces {
    /// From validated nodes whose surface normals are already unit vectors.
    pub fn new(nodes: &[ThermalNodeParams]) -> Self {
        let mut normals: Vec<Vector3<f64>> = Vec::new();
        let mut surfaces = Vec::new();
        for (node, n) in nodes.iter().enumerate() {
            for s in &n.surfaces {
                let normal = normals
                    .iter()
                    .position(|x| *x == s.normal_body)
                    .unwrap_or_else(|| {
                        normals.push(s.normal_body);
                        normals.len() - 1
                    });
                surfaces.push(Surface {
                    node,
                    normal,
                    absorbing_area_m2: s.absorptivity * s.area_m2,
                    emitting_area_m2: s.emissivity * s.area_m2,
                });
            }
        }
        let factors = vec![(0.0, 0.0); normals.len()];
        Self {
            normals,
            surfaces,
            factors,
        }
    }

    /// Adds the environmental heat of every surface to its node's entry of `heat_w`; returns
    /// the total absorbed, W. Gilmore, *Spacecraft Thermal Control Handbook* vol. I, ch. 2:
    ///   Q = α A [S max(0, n̂·ŝ) · illumination + S a F(n̂) max(0, cos θ_ss)] + ε A q_IR F(n̂)
    pub fn absorbed_w(
        &mut self,
        env: &OrbitalEnvironment,
        earth: &EarthRadiationParams,
        heat_w: &mut [f64],
    ) -> f64 {
        let s = env.solar_flux_w_m2;
        let h = env.radius_km / EARTH_MEAN_RADIUS_KM;
        let cos_ss = (-env.nadir_dir_body).dot(&env.sun_dir_body).max(0.0);
        let illumination = env.illumination.clamp(0.0, 1.0);
        for (n, f) in self.normals.iter().zip(&mut self.factors) {
            *f = (
                n.dot(&env.sun_dir_body).max(0.0),
                plate_to_sphere_view_factor(n.dot(&env.nadir_dir_body), h),
            );
        }
        let mut total_w = 0.0;
        for x in &self.surfaces {
            let (cos_sun, view) = self.factors[x.normal];
            let q =
                x.absorbing_area_m2 * s * (cos_sun * illumination + earth.albedo * view * cos_ss)
                    + x.emitting_area_m2 * earth.earth_ir_w_m2 * view;
            heat_w[x.node] += q;
            total_w += q;
        }
        total_w
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::thermal::SurfaceParams;

    /// Grouping by normal gives what `OrbitalEnvironment::absorbed_w` gives surface by surface.
    #[test]
    fn regress_grouped_surfaces_match_the_per_surface_equations() {
        let surface = |n: Vector3<f64>, area_m2, absorptivity, emissivity| SurfaceParams {
            area_m2,
            normal_body: n.normalize(),
            absorptivity,
            emissivity,
        };
        let node = |surfaces| ThermalNodeParams {
            name: String::new(),
            heat_capacity_j_k: 1.0,
            initial_temp_k: 290.0,
            surfaces,
            min_temp_k: 0.0,
            max_temp_k: 1e3,
        };
        let nodes = vec![
            node(vec![
                surface(Vector3::z(), 0.08, 0.91, 0.85),
                surface(-Vector3::z(), 0.08, 0.3, 0.8),
                surface(Vector3::x(), 0.03, 0.3, 0.35),
            ]),
            node(vec![]),
            node(vec![
                surface(Vector3::z(), 0.07, 0.6, 0.85),
                surface(Vector3::new(1.0, 1.0, 0.2), 0.01, 0.2, 0.9),
            ]),
        ];
        let env = OrbitalEnvironment {
            sun_dir_body: Vector3::new(0.3, 0.5, 0.8).normalize(),
            solar_flux_w_m2: 1361.0,
            illumination: 0.7,
            nadir_dir_body: Vector3::new(0.1, -0.2, 0.97).normalize(),
            radius_km: 6878.0,
        };
        let earth = EarthRadiationParams::default();
        let mut grouped = Surfaces::new(&nodes);
        assert_eq!(grouped.normals.len(), 4);
        let mut heat = vec![0.0; 3];
        let total = grouped.absorbed_w(&env, &earth, &mut heat);
        let mut expected = vec![0.0; 3];
        for (i, n) in nodes.iter().enumerate() {
            for s in &n.surfaces {
                let (a, b, c) = env.absorbed_w(
                    &earth,
                    &s.normal_body,
                    s.area_m2,
                    s.absorptivity,
                    s.emissivity,
                );
                expected[i] += a + b + c;
            }
        }
        for (got, want) in heat.iter().zip(&expected) {
            assert!(
                (got - want).abs() <= 1e-13 * want.abs().max(1.0),
                "{got} vs {want}"
            );
        }
        assert!((total - expected.iter().sum::<f64>()).abs() < 1e-12);
        assert_eq!(heat[1], 0.0);
    }
}
