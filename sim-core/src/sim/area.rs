//! Areas of interest on the ground: what "over an area" means for schedules, events and the
//! `flags` of `st_state_v1`.

use orbit::Geodetic;

/// WGS-84 equatorial radius, km (for the great-circle distance of a circular area).
const EARTH_RADIUS_KM: f64 = 6378.137;

/// The shape of an area of interest.
#[derive(Debug, Clone, PartialEq)]
pub enum AreaShape {
    /// Within `radius_km` (great-circle distance on a sphere of the equatorial radius) of a
    /// centre point.
    Circle {
        /// Centre latitude, rad.
        lat_rad: f64,
        /// Centre longitude, rad.
        lon_rad: f64,
        /// Radius along the ground, km.
        radius_km: f64,
    },
    /// A polygon of at least three (latitude, longitude) vertices, rad, with straight edges
    /// in latitude and longitude; it may cross the antimeridian (each edge spans less than
    /// 180° of longitude).
    Polygon {
        /// Vertices in order (either direction), not repeating the first.
        vertices: Vec<(f64, f64)>,
    },
    /// A latitude/longitude box; crosses the antimeridian when `lon_min_rad > lon_max_rad`.
    LatLonBox {
        /// Southern edge, rad.
        lat_min_rad: f64,
        /// Northern edge, rad.
        lat_max_rad: f64,
        /// Western edge, rad.
        lon_min_rad: f64,
        /// Eastern edge, rad.
        lon_max_rad: f64,
    },
}

/// A polygon's vertices as (latitude, longitude), rad, with the longitudes unwrapped to
/// within ±π of the first vertex so that a polygon across the antimeridian is contiguous.
fn unwrap_lons(vertices: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let lon0 = vertices.first().map_or(0.0, |v| v.1);
    vertices
        .iter()
        .map(|&(lat, lon)| (lat, lon0 + wrap_pi(lon - lon0)))
        .collect()
}

/// An angle in (−π, π].
fn wrap_pi(x: f64) -> f64 {
    let y = (x + std::f64::consts::PI).rem_euclid(std::f64::consts::TAU) - std::f64::consts::PI;
    if y <= -std::f64::consts::PI {
        y + std::f64::consts::TAU
    } else {
        y
    }
}

/// Crossing-number test (Shimrat 1962, as in O'Rourke, *Computational Geometry in C*, §7.4)
/// in the latitude/longitude plane: a ray from the point toward increasing longitude crosses
/// the boundary an odd number of times when the point is inside. Edges are straight lines in
/// latitude and longitude.
fn inside_polygon(vertices: &[(f64, f64)], lat: f64, lon: f64) -> bool {
    let v = unwrap_lons(vertices);
    let lon0 = v.first().map_or(0.0, |p| p.1);
    let lon = lon0 + wrap_pi(lon - lon0);
    let mut inside = false;
    let mut j = v.len().wrapping_sub(1);
    for i in 0..v.len() {
        let (lat_i, lon_i) = v[i];
        let (lat_j, lon_j) = v[j];
        if (lat_i > lat) != (lat_j > lat) {
            let lon_cross = lon_i + (lat - lat_i) / (lat_j - lat_i) * (lon_j - lon_i);
            if lon < lon_cross {
                inside = !inside;
            }
        }
        j = i;
    }
    inside
}

/// A named area of interest.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    /// Name (what `Schedule::OverArea` refers to).
    pub name: String,
    /// Shape.
    pub shape: AreaShape,
}

impl Area {
    /// Whether the sub-satellite point `g` is inside the area.
    ///
    /// Circle: haversine great-circle distance (Sinnott 1984):
    /// `d = 2R asin √(sin²(Δφ/2) + cos φ₁ cos φ₂ sin²(Δλ/2))`.
    pub fn contains(&self, g: &Geodetic) -> bool {
        match &self.shape {
            &AreaShape::Circle {
                lat_rad,
                lon_rad,
                radius_km,
            } => {
                let dlat = g.lat_rad - lat_rad;
                let dlon = g.lon_rad - lon_rad;
                let h = (dlat / 2.0).sin().powi(2)
                    + lat_rad.cos() * g.lat_rad.cos() * (dlon / 2.0).sin().powi(2);
                2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin() <= radius_km
            }
            AreaShape::Polygon { vertices } => inside_polygon(vertices, g.lat_rad, g.lon_rad),
            &AreaShape::LatLonBox {
                lat_min_rad,
                lat_max_rad,
                lon_min_rad,
                lon_max_rad,
            } => {
                let lat_ok = g.lat_rad >= lat_min_rad && g.lat_rad <= lat_max_rad;
                let lon_ok = if lon_min_rad <= lon_max_rad {
                    g.lon_rad >= lon_min_rad && g.lon_rad <= lon_max_rad
                } else {
                    g.lon_rad >= lon_min_rad || g.lon_rad <= lon_max_rad
                };
                lat_ok && lon_ok
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn val_analytic_circle_and_box() {
        let alps = Area {
            name: "alps".into(),
            shape: AreaShape::Circle {
                lat_rad: 46f64.to_radians(),
                lon_rad: 9f64.to_radians(),
                radius_km: 200.0,
            },
        };
        // 1° of latitude is 111.3 km on this sphere: 1.5° is inside, 2° is not.
        assert!(alps.contains(&Geodetic::from_degrees(47.5, 9.0, 0.5)));
        assert!(!alps.contains(&Geodetic::from_degrees(48.0, 9.0, 0.5)));
        let pacific = Area {
            name: "p".into(),
            shape: AreaShape::LatLonBox {
                lat_min_rad: (-10f64).to_radians(),
                lat_max_rad: 10f64.to_radians(),
                lon_min_rad: 170f64.to_radians(),
                lon_max_rad: (-170f64).to_radians(),
            },
        };
        assert!(pacific.contains(&Geodetic::from_degrees(0.0, 179.0, 0.0)));
        assert!(pacific.contains(&Geodetic::from_degrees(0.0, -175.0, 0.0)));
        assert!(!pacific.contains(&Geodetic::from_degrees(0.0, 0.0, 0.0)));
    }

    #[test]
    fn val_analytic_polygon_crossing_number() {
        let deg = |lat: f64, lon: f64| (lat.to_radians(), lon.to_radians());
        // an L shape: the notch at its top right is outside
        let l = Area {
            name: "l".into(),
            shape: AreaShape::Polygon {
                vertices: vec![
                    deg(0.0, 0.0),
                    deg(0.0, 10.0),
                    deg(5.0, 10.0),
                    deg(5.0, 5.0),
                    deg(10.0, 5.0),
                    deg(10.0, 0.0),
                ],
            },
        };
        assert!(l.contains(&Geodetic::from_degrees(2.0, 8.0, 0.0)));
        assert!(l.contains(&Geodetic::from_degrees(8.0, 2.0, 0.0)));
        assert!(!l.contains(&Geodetic::from_degrees(8.0, 8.0, 0.0)));
        assert!(!l.contains(&Geodetic::from_degrees(-1.0, 2.0, 0.0)));
        // a triangle across the antimeridian (Fiji)
        let fiji = Area {
            name: "f".into(),
            shape: AreaShape::Polygon {
                vertices: vec![deg(-20.0, 175.0), deg(-20.0, -175.0), deg(-10.0, 180.0)],
            },
        };
        assert!(fiji.contains(&Geodetic::from_degrees(-17.0, 179.5, 0.0)));
        assert!(fiji.contains(&Geodetic::from_degrees(-17.0, -179.5, 0.0)));
        assert!(!fiji.contains(&Geodetic::from_degrees(-17.0, 170.0, 0.0)));
        assert!(!fiji.contains(&Geodetic::from_degrees(-17.0, 0.0, 0.0)));
    }
}
