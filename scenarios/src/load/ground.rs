//! `[[station]]` and `[[area]]`.

use std::collections::BTreeSet;

use orbit::{Geodetic, Station};
use sim_core::{Area, AreaShape};

use super::Loader;
use crate::reader::{Sp, Table, as_array, number};

impl Loader<'_> {
    /// The ground stations.
    pub(super) fn stations(&mut self, root: &Table<'_, '_>) -> Vec<Station> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        for t in root.tables("station", "[[station]]") {
            let name = t.req_name("name");
            let lat = t.req_f64_in("lat_deg", -90.0..=90.0, "degrees between -90 and 90");
            let lon = t.req_f64_in("lon_deg", -180.0..=360.0, "degrees between -180 and 360");
            let alt_m = t
                .f64_in(
                    "alt_m",
                    -12_000.0..=100_000.0,
                    "metres between -12000 and 100000",
                )
                .map_or(0.0, |x| x.value);
            let mask = t
                .f64_in(
                    "min_elevation_deg",
                    -90.0..=90.0,
                    "degrees between -90 and 90",
                )
                .map_or(0.0, |x| x.value);
            t.finish();
            let (Some(name), Some(lat), Some(lon)) = (name, lat, lon) else {
                continue;
            };
            if !self.unique(&mut seen, &name, "station") {
                continue;
            }
            out.push(Station {
                name: name.value,
                location: Geodetic {
                    lat_rad: lat.value.to_radians(),
                    lon_rad: lon.value.to_radians(),
                    alt_km: alt_m / 1000.0,
                },
                min_elevation_rad: mask.to_radians(),
            });
        }
        out
    }

    /// The areas of interest: circles and latitude/longitude boxes.
    pub(super) fn areas(&mut self, root: &Table<'_, '_>) -> Vec<Area> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        for t in root.tables("area", "[[area]]") {
            let name = t.req_name("name");
            let shape = area_shape(&t);
            t.finish();
            let (Some(name), Some(shape)) = (name, shape) else {
                continue;
            };
            if self.unique(&mut seen, &name, "area") {
                out.push(Area {
                    name: name.value,
                    shape,
                });
            }
        }
        out
    }

    /// Records a name; reports a second use.
    pub(super) fn unique(
        &self,
        seen: &mut BTreeSet<String>,
        name: &Sp<String>,
        what: &str,
    ) -> bool {
        if seen.insert(name.value.clone()) {
            return true;
        }
        self.ctx.error(
            name.span.clone(),
            format!("two {what}s are named {:?}", name.value),
            format!("{what} names must be unique"),
        );
        false
    }
}

/// A circle (`lat_deg`, `lon_deg`, `radius_km`), a box (`lat_min_deg`, `lat_max_deg`,
/// `lon_min_deg`, `lon_max_deg`) or a polygon (`polygon = [[lat_deg, lon_deg], ...]`).
fn area_shape(t: &Table<'_, '_>) -> Option<AreaShape> {
    let lat = "degrees between -90 and 90";
    let lon = "degrees between -180 and 360";
    if let Some(v) = t.raw("polygon") {
        return polygon(t, v);
    }
    if t.has("radius_km") || t.has("lat_deg") || t.has("lon_deg") {
        let c_lat = t.req_f64_in("lat_deg", -90.0..=90.0, lat);
        let c_lon = t.req_f64_in("lon_deg", -180.0..=360.0, lon);
        let r = t.req_f64_in(
            "radius_km",
            0.001..=20_040.0,
            "km above 0 and at most 20040",
        );
        return Some(AreaShape::Circle {
            lat_rad: c_lat?.value.to_radians(),
            lon_rad: c_lon?.value.to_radians(),
            radius_km: r?.value,
        });
    }
    if t.has("lat_min_deg") {
        let s = t.req_f64_in("lat_min_deg", -90.0..=90.0, lat);
        let n = t.req_f64_in("lat_max_deg", -90.0..=90.0, lat);
        let w = t.req_f64_in("lon_min_deg", -180.0..=360.0, lon);
        let e = t.req_f64_in("lon_max_deg", -180.0..=360.0, lon);
        let (s, n, w, e) = (s?, n?, w?, e?);
        if s.value >= n.value {
            t.ctx().error(
                n.span.clone(),
                "`lat_max_deg` is not north of `lat_min_deg`",
                "expected lat_min_deg < lat_max_deg",
            );
            return None;
        }
        return Some(AreaShape::LatLonBox {
            lat_min_rad: s.value.to_radians(),
            lat_max_rad: n.value.to_radians(),
            lon_min_rad: w.value.to_radians(),
            lon_max_rad: e.value.to_radians(),
        });
    }
    t.ctx().error(
        t.span.clone(),
        format!("{} has no shape", t.what),
        "add lat_deg, lon_deg and radius_km (a circle), lat_min_deg, lat_max_deg, lon_min_deg, lon_max_deg (a box), or polygon = [[lat_deg, lon_deg], ...]",
    );
    None
}

/// `polygon = [[lat_deg, lon_deg], ...]`: at least three vertices, each edge spanning less
/// than 180° of longitude.
fn polygon(t: &Table<'_, '_>, v: &toml::Spanned<toml::de::DeValue<'_>>) -> Option<AreaShape> {
    let expected = "expected an array of at least three [lat_deg, lon_deg] pairs";
    let bad = |span: std::ops::Range<usize>, message: &str| {
        t.ctx()
            .error(span, format!("{message} in {}", t.what), expected);
        None
    };
    let Some(items) = as_array(v.get_ref()) else {
        return bad(v.span(), "`polygon` is not an array");
    };
    let mut vertices = Vec::new();
    for item in items.iter() {
        let pair: Option<Vec<f64>> =
            as_array(item.get_ref()).and_then(|a| a.iter().map(|x| number(x.get_ref())).collect());
        match pair.as_deref() {
            Some(&[lat, lon])
                if (-90.0..=90.0).contains(&lat) && (-180.0..=360.0).contains(&lon) =>
            {
                vertices.push((lat.to_radians(), lon.to_radians()));
            }
            _ => {
                return bad(
                    item.span(),
                    "a polygon vertex is not [lat_deg, lon_deg] within range",
                );
            }
        }
    }
    if vertices.len() < 3 {
        return bad(v.span(), "a polygon needs at least three vertices");
    }
    let n = vertices.len();
    for k in 0..n {
        let dlon = (vertices[(k + 1) % n].1 - vertices[k].1).rem_euclid(std::f64::consts::TAU);
        if (dlon - std::f64::consts::PI).abs() < 1e-12 {
            return bad(
                v.span(),
                "a polygon edge spans 180° of longitude (ambiguous)",
            );
        }
    }
    Some(AreaShape::Polygon { vertices })
}
