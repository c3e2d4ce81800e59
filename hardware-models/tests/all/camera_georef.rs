//! Georeferencing of camera captures against vector coastlines the texture was not made from:
//! Natural Earth's 1:50m land polygons (tools/natural_earth/generate.py writes the land/sea
//! mask hardware-models/tests/data/natural_earth/land_mask_eastern_mediterranean.txt).
//!
//! A nadir image of the eastern Mediterranean (Nile delta, Sinai, the Gulfs of Suez and Aqaba,
//! the Levant coast) taken from 900 km must show sea (blue) exactly where Natural Earth has
//! water at each pixel's ground point, and land where it has land. The same capture with the
//! texture mirrored east–west or shifted half a degree must not.

use std::sync::{Arc, OnceLock};

use hardware_models::attitude::align_body_axes;
use hardware_models::camera::{Camera, CameraParams, CaptureInputs};
use hardware_models::texture::EarthTexture;
use nalgebra::Vector3;
use orbit::constants::WGS84_E2;
use orbit::{EarthOrientation, Epoch, Geodetic, geodetic_to_itrf, itrf_to_teme};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

const MASK: &str = include_str!("../data/natural_earth/land_mask_eastern_mediterranean.txt");

/// Sub-satellite point and altitude of the capture.
const LAT_DEG: f64 = 30.0;
const LON_DEG: f64 = 32.5;
const ALTITUDE_KM: f64 = 900.0;
/// 192 × 192 pixels of 4 mrad: a 44° field, 3.6 km per pixel at nadir.
const SIZE_PX: u32 = 192;
const PITCH_UM: f64 = 40.0;
const FOCAL_MM: f64 = 10.0;

/// Natural Earth land/sea at cell centres on a regular latitude/longitude grid.
struct LandMask {
    lat_max_deg: f64,
    lon_min_deg: f64,
    step_deg: f64,
    rows: Vec<Vec<bool>>,
}

impl LandMask {
    fn parse(text: &str) -> Self {
        let header = text
            .lines()
            .find(|l| l.contains("step_deg="))
            .expect("grid line");
        let value = |key: &str| -> f64 {
            header
                .split_whitespace()
                .find_map(|kv| kv.strip_prefix(key)?.strip_prefix('='))
                .unwrap_or_else(|| panic!("{key} missing"))
                .parse()
                .unwrap()
        };
        let rows: Vec<Vec<bool>> = text
            .lines()
            .filter(|l| !l.starts_with('#'))
            .map(|l| l.bytes().map(|b| b == b'1').collect())
            .collect();
        let mask = Self {
            lat_max_deg: value("lat_max_deg"),
            lon_min_deg: value("lon_min_deg"),
            step_deg: value("step_deg"),
            rows,
        };
        let rows_expected = (value("lat_max_deg") - value("lat_min_deg")) / mask.step_deg;
        assert_eq!(mask.rows.len(), rows_expected.round() as usize);
        mask
    }

    /// Land (true) or water at a point, `None` outside the grid.
    fn is_land(&self, lat_deg: f64, lon_deg: f64) -> Option<bool> {
        let row = ((self.lat_max_deg - lat_deg) / self.step_deg).floor();
        let col = ((lon_deg - self.lon_min_deg) / self.step_deg).floor();
        if row < 0.0 || col < 0.0 {
            return None;
        }
        self.rows.get(row as usize)?.get(col as usize).copied()
    }
}

/// The Blue Marble texture decoded once: width, height, RGB bytes.
fn blue_marble() -> &'static (u32, u32, Vec<u8>) {
    static RGB: OnceLock<(u32, u32, Vec<u8>)> = OnceLock::new();
    RGB.get_or_init(|| {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../assets/earth/blue_marble_4096x2048.jpg"
        );
        let img = image::open(path).expect("bundled Blue Marble").to_rgb8();
        (img.width(), img.height(), img.into_raw())
    })
}

/// The texture with each row's texels moved by `shift_columns` (east positive) and, if
/// `mirror`, reversed east–west.
fn texture(shift_columns: i64, mirror: bool) -> Arc<EarthTexture> {
    let (w, h, rgb) = blue_marble();
    let (w_us, w_i) = (*w as usize, i64::from(*w));
    let mut out = vec![0u8; rgb.len()];
    for y in 0..*h as usize {
        for x in 0..w_us {
            let source = if mirror { w_us - 1 - x } else { x };
            let source = (source as i64 - shift_columns).rem_euclid(w_i) as usize;
            let (dst, src) = ((y * w_us + x) * 3, (y * w_us + source) * 3);
            out[dst..dst + 3].copy_from_slice(&rgb[src..src + 3]);
        }
    }
    EarthTexture::from_rgb(*w, *h, out).unwrap()
}

fn params() -> CameraParams {
    CameraParams {
        width_px: SIZE_PX,
        height_px: SIZE_PX,
        pixel_pitch_um: PITCH_UM,
        focal_length_mm: FOCAL_MM,
        channels: 3,
        bit_depth: 8,
        boresight_body: Vector3::z(),
        up_body: Vector3::x(),
        exposure_gain: 1.15,
        read_noise_dn: 1.0,
        power_load: None,
    }
}

fn epoch() -> Epoch {
    // Mid-morning at 32.5° E on the March equinox: Sun about 55° high.
    orbit::parse_utc("2024-03-20T09:00:00Z").unwrap()
}

/// A nadir capture above (LAT_DEG, LON_DEG), body x toward north (image top), with `texture`.
fn capture(texture: Arc<EarthTexture>) -> Vec<u8> {
    let eop = EarthOrientation::none();
    let t = epoch();
    let pos_itrf = geodetic_to_itrf(&Geodetic::from_degrees(LAT_DEG, LON_DEG, ALTITUDE_KM));
    let (pos, _) = itrf_to_teme(&pos_itrf, &Vector3::zeros(), t, &eop);
    let (north, _) = itrf_to_teme(&Vector3::z(), &Vector3::zeros(), t, &eop);
    let q = align_body_axes(&Vector3::z(), &Vector3::x(), &-pos, &north).unwrap();
    let camera = Camera::new(params(), texture).unwrap();
    let mut image = vec![0u8; camera.image_bytes()];
    let inputs = CaptureInputs {
        epoch: t,
        pos_eci_km: pos,
        q_body_from_eci: q,
        sun_pos_eci_km: orbit::sun_position_teme_km(t),
        eop: &eop,
    };
    let meta = camera
        .capture(&inputs, &mut image, &mut ChaCha8Rng::seed_from_u64(3))
        .unwrap();
    assert!(meta.sun_elevation_rad.unwrap() > 40f64.to_radians());
    assert_eq!(meta.earth_fraction, 1.0);
    image
}

/// Geodetic latitude and longitude (degrees) of the ground point of pixel (col, row), computed
/// here from the pinhole geometry on a sphere through the sub-satellite point (the ellipsoid's
/// radius changes by < 3 km across the image: under a pixel):
///   columns run east, rows south; d = x̂ (c + ½ − N/2) p + ŷ (r + ½ − N/2) p + ẑ f in the
///   frame ẑ = geocentric nadir, x̂ = east, ŷ = ẑ × x̂ (south);
///   ground = s + t d,  |s + t d| = R;  tan φ = tan φ_c / (1 − e²).
fn ground_point_deg(col: u32, row: u32) -> (f64, f64) {
    let s = geodetic_to_itrf(&Geodetic::from_degrees(LAT_DEG, LON_DEG, ALTITUDE_KM));
    let radius = geodetic_to_itrf(&Geodetic::from_degrees(LAT_DEG, LON_DEG, 0.0)).norm();
    let z = -s.normalize();
    let east = Vector3::z().cross(&s).normalize();
    let south = z.cross(&east);
    let half = f64::from(SIZE_PX) / 2.0;
    let pitch_mm = PITCH_UM * 1e-3;
    let d = (east * ((f64::from(col) + 0.5 - half) * pitch_mm)
        + south * ((f64::from(row) + 0.5 - half) * pitch_mm)
        + z * FOCAL_MM)
        .normalize();
    let b = s.dot(&d);
    let t = -b - (b * b - (s.norm_squared() - radius * radius)).sqrt();
    let g = s + d * t;
    let geocentric_lat = (g.z / g.norm()).asin();
    let lat = (geocentric_lat.tan() / (1.0 - WGS84_E2)).atan();
    (lat.to_degrees(), g.y.atan2(g.x).to_degrees())
}

/// Fraction of pixels whose colour (sea: blue exceeds red by 20 DN) agrees with Natural
/// Earth's land/sea at the pixel's ground point.
fn agreement(image: &[u8], mask: &LandMask) -> f64 {
    let mut agree = 0usize;
    for row in 0..SIZE_PX {
        for col in 0..SIZE_PX {
            let (lat, lon) = ground_point_deg(col, row);
            let land = mask.is_land(lat, lon).expect("pixel inside the mask");
            let i = ((row * SIZE_PX + col) * 3) as usize;
            let (red, blue) = (i32::from(image[i]), i32::from(image[i + 2]));
            let sea = blue > red + 20;
            agree += usize::from(sea != land);
        }
    }
    agree as f64 / f64::from(SIZE_PX * SIZE_PX)
}

#[test]
fn val_natural_earth_coastlines_fall_on_the_right_pixels() {
    let mask = LandMask::parse(MASK);
    // The scene holds both: about a third of the pixels are sea.
    let sea_pixels = (0..SIZE_PX * SIZE_PX)
        .filter(|k| {
            let (lat, lon) = ground_point_deg(k % SIZE_PX, k / SIZE_PX);
            mask.is_land(lat, lon) == Some(false)
        })
        .count() as f64
        / f64::from(SIZE_PX * SIZE_PX);
    assert!((0.15..0.6).contains(&sea_pixels), "{sea_pixels}");

    let image = capture(texture(0, false));
    let right = agreement(&image, &mask);
    // The image read upside down or back to front (a camera-frame sign error) must not fit.
    let pixel = |k: usize| &image[3 * k..3 * k + 3];
    let n = SIZE_PX as usize;
    let flip = |f: &dyn Fn(usize, usize) -> usize| -> Vec<u8> {
        (0..n * n)
            .flat_map(|k| pixel(f(k / n, k % n)).to_vec())
            .collect()
    };
    let upside_down = agreement(&flip(&|r, c| (n - 1 - r) * n + c), &mask);
    let back_to_front = agreement(&flip(&|r, c| r * n + (n - 1 - c)), &mask);
    let mirrored = agreement(&capture(texture(0, true)), &mask);
    // Half a degree is 5.7 texels of the 4096-wide texture: shift by 6.
    let shifted = agreement(&capture(texture(6, false)), &mask);
    println!(
        "agreement: right {right:.4}, mirrored texture {mirrored:.4}, texture shifted 0.5° \
         {shifted:.4}, image upside down {upside_down:.4}, back to front {back_to_front:.4}"
    );
    // Right: every pixel but those on the coastline itself (a pixel is 3.6 km, a texel 9.8 km,
    // and the two coastlines differ by a few km).
    assert!(
        right > 0.97,
        "only {right} of the pixels agree with Natural Earth"
    );
    assert!(mirrored < 0.8, "a mirrored texture agrees on {mirrored}");
    assert!(shifted < 0.93, "a shifted texture agrees on {shifted}");
    assert!(
        upside_down < 0.8,
        "the image upside down agrees on {upside_down}"
    );
    assert!(
        back_to_front < 0.8,
        "the image back to front agrees on {back_to_front}"
    );
}
