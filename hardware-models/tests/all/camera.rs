//! Camera validation: footprint and GSD against pinhole / spherical-Earth formulas, and real
//! pixels from the bundled NASA Blue Marble texture (Sahara by day vs. Pacific at night).

use std::sync::{Arc, OnceLock};

use hardware_models::attitude::align_body_axes;
use hardware_models::camera::{Camera, CameraParams, CaptureInputs, CaptureMetadata};
use hardware_models::texture::EarthTexture;
use nalgebra::{UnitQuaternion, Vector3};
use orbit::constants::WGS84_A_KM;
use orbit::{
    EarthOrientation, Epoch, Geodetic, geodetic_to_itrf, itrf_to_teme, sun_position_teme_km,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn texture() -> Arc<EarthTexture> {
    static TEXTURE: OnceLock<Arc<EarthTexture>> = OnceLock::new();
    TEXTURE
        .get_or_init(|| {
            EarthTexture::load(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../assets/earth/blue_marble_4096x2048.jpg"
            ))
            .expect("bundled Blue Marble texture")
        })
        .clone()
}

/// A wide-field imager: 256×256 read-out pixels of 44 µm behind a 70 mm lens.
fn params() -> CameraParams {
    CameraParams {
        width_px: 256,
        height_px: 256,
        pixel_pitch_um: 44.0,
        focal_length_mm: 70.0,
        channels: 3,
        bit_depth: 8,
        boresight_body: Vector3::z(),
        up_body: Vector3::x(),
        exposure_gain: 1.2,
        read_noise_dn: 1.0,
        power_load: None,
    }
}

fn epoch() -> Epoch {
    orbit::parse_utc("2024-03-20T12:00:00Z").unwrap()
}

/// Spacecraft above a geodetic point, boresight to geocentric nadir rolled by `roll_rad` about
/// the body x axis (kept toward north), and the capture.
fn shoot(
    lat_deg: f64,
    lon_deg: f64,
    alt_km: f64,
    roll_rad: f64,
    t: Epoch,
    p: CameraParams,
) -> (CaptureMetadata, Vec<u8>) {
    let eop = EarthOrientation::none();
    let pos_itrf = geodetic_to_itrf(&Geodetic::from_degrees(lat_deg, lon_deg, alt_km));
    let (pos, _) = itrf_to_teme(&pos_itrf, &Vector3::zeros(), t, &eop);
    let (north, _) = itrf_to_teme(&Vector3::z(), &Vector3::zeros(), t, &eop);
    let nadir = align_body_axes(&Vector3::z(), &Vector3::x(), &-pos, &north).unwrap();
    let q = UnitQuaternion::from_axis_angle(&Vector3::x_axis(), roll_rad) * nadir;
    let camera = Camera::new(p, texture()).unwrap();
    let mut image = vec![0u8; camera.image_bytes()];
    let inputs = CaptureInputs {
        epoch: t,
        pos_eci_km: pos,
        q_body_from_eci: q,
        sun_pos_eci_km: sun_position_teme_km(t),
        eop: &eop,
    };
    let meta = camera
        .capture(&inputs, &mut image, &mut ChaCha8Rng::seed_from_u64(1))
        .unwrap();
    (meta, image)
}

fn mean(image: &[u8]) -> f64 {
    image.iter().map(|&b| f64::from(b)).sum::<f64>() / image.len() as f64
}

#[test]
fn val_pinhole_gsd_and_footprint_at_nadir() {
    let h = 500.0;
    let p = params();
    let ifov = 44e-6 / 0.070;
    // Equator: geodetic and geocentric nadir coincide, the altitude is the distance to the ground.
    let (meta, _) = shoot(0.0, 10.0, h, 0.0, epoch(), p.clone());
    let gsd = ifov * h * 1e3; // p·H/f = 314.3 m
    assert!((p.nadir_gsd_m(h) - gsd).abs() < 1e-9);
    for got in [meta.gsd_cross_m.unwrap(), meta.gsd_along_m.unwrap()] {
        assert!((got / gsd - 1.0).abs() < 1e-4, "{got} vs {gsd}");
    }
    assert!(meta.off_nadir_rad < 1e-9);
    assert!((meta.slant_range_km.unwrap() - h).abs() < 1e-6);
    assert!(meta.centre_lat_rad.unwrap().abs() < 1e-9);
    assert!((meta.centre_lon_rad.unwrap().to_degrees() - 10.0).abs() < 1e-9);
    // Diagonal footprint between the corner pixel centres: flat-Earth pinhole
    // 2 H tan θ, tan θ = √2 (W−1) p / 2f; the Earth's curvature lengthens it by < 0.5 %.
    let tan_diag = 2f64.sqrt() * 255.0 * 44e-6 / (2.0 * 0.070);
    let flat = 2.0 * h * tan_diag;
    let corner = |i: usize| {
        let (lat, lon) = meta.corners[i].unwrap();
        geodetic_to_itrf(&Geodetic {
            lat_rad: lat,
            lon_rad: lon,
            alt_km: 0.0,
        })
    };
    let diag = (corner(0) - corner(2)).norm();
    assert!(
        diag > flat && (diag / flat - 1.0) < 0.005,
        "{diag} vs {flat}"
    );
    assert!((meta.earth_fraction - 1.0).abs() < 1e-12);
}

#[test]
fn val_spherical_earth_gsd_off_nadir() {
    // Rolled 30° east–west at the equator, where the east–west radius of curvature is a:
    //   sin γ = (r/R) sin η,  λ = γ − η,  ρ = R sin λ / sin η
    //   GSD ⟂ tilt = IFOV · ρ,   GSD ∥ tilt = IFOV · ρ / cos γ   (SMAD 3rd ed. §5.2 geometry)
    let h = 500.0;
    let eta = 30f64.to_radians();
    let (meta, _) = shoot(0.0, 10.0, h, eta, epoch(), params());
    let big_r = WGS84_A_KM;
    let r = big_r + h;
    let gamma = (r / big_r * eta.sin()).asin();
    let lambda = gamma - eta;
    let rho = big_r * lambda.sin() / eta.sin();
    let ifov = 44e-6 / 0.070;
    assert!((meta.off_nadir_rad - eta).abs() < 1e-9);
    assert!(
        (meta.slant_range_km.unwrap() / rho - 1.0).abs() < 1e-6,
        "{:?} vs {rho}",
        meta.slant_range_km
    );
    let along = ifov * rho * 1e3;
    let cross = along / gamma.cos();
    assert!(
        (meta.gsd_along_m.unwrap() / along - 1.0).abs() < 0.005,
        "{:?} vs {along}",
        meta.gsd_along_m
    );
    assert!(
        (meta.gsd_cross_m.unwrap() / cross - 1.0).abs() < 0.005,
        "{:?} vs {cross}",
        meta.gsd_cross_m
    );
    // Flat-Earth pinhole for comparison: ρ = H / cos η, 1/cos² η stretch; curvature adds ~10 %.
    let flat_cross = ifov * h * 1e3 / eta.cos().powi(2);
    assert!(meta.gsd_cross_m.unwrap() > flat_cross);
}

#[test]
fn val_blue_marble_sahara_by_day_is_brighter_than_the_pacific_at_night() {
    let t = epoch(); // 12:00 UTC: noon near 0° E, night over the central Pacific
    let (sahara, sahara_img) = shoot(23.0, 12.0, 500.0, 0.0, t, params());
    let (pacific, pacific_img) = shoot(0.0, -160.0, 500.0, 0.0, t, params());
    let (ocean_day, ocean_img) = shoot(-25.0, -15.0, 500.0, 0.0, t, params());
    assert!(sahara.sun_elevation_rad.unwrap() > 40f64.to_radians());
    assert!(pacific.sun_elevation_rad.unwrap() < 0.0);
    assert!(ocean_day.sun_elevation_rad.unwrap() > 40f64.to_radians());
    // Centre of the nadir image at the geodetic point (geocentric vs geodetic nadir ≤ 0.2°).
    assert!((sahara.centre_lat_rad.unwrap().to_degrees() - 23.0).abs() < 0.25);
    assert!((sahara.centre_lon_rad.unwrap().to_degrees() - 12.0).abs() < 1e-6);
    let (m_sahara, m_pacific, m_ocean) = (mean(&sahara_img), mean(&pacific_img), mean(&ocean_img));
    println!(
        "mean DN: Sahara day {m_sahara:.1}, ocean day {m_ocean:.1}, Pacific night {m_pacific:.2}"
    );
    assert!(m_sahara > m_pacific + 50.0);
    assert!(m_pacific < 2.0, "night is dark: {m_pacific}");
    // Real texture: desert is far brighter than sunlit ocean, and redder than blue.
    assert!(m_sahara > 2.0 * m_ocean, "{m_sahara} vs {m_ocean}");
    let channel = |img: &[u8], c: usize| {
        img.iter()
            .skip(c)
            .step_by(3)
            .map(|&b| f64::from(b))
            .sum::<f64>()
    };
    assert!(channel(&sahara_img, 0) > channel(&sahara_img, 2));
    assert!(channel(&ocean_img, 2) > channel(&ocean_img, 0));
}

#[test]
fn regress_formats_buffer_errors_space_and_determinism() {
    let mut p = params();
    p.channels = 1;
    p.bit_depth = 16;
    p.width_px = 64;
    p.height_px = 32;
    let camera = Camera::new(p.clone(), texture()).unwrap();
    assert_eq!(camera.image_bytes(), 64 * 32 * 2);
    let mut small = vec![0u8; 100];
    let eop = EarthOrientation::none();
    let t = epoch();
    let pos = Vector3::new(6878.0, 0.0, 0.0);
    let inputs = CaptureInputs {
        epoch: t,
        pos_eci_km: pos,
        // Boresight (+z body) to −x ECI: nadir.
        q_body_from_eci: align_body_axes(&Vector3::z(), &Vector3::x(), &-pos, &Vector3::z())
            .unwrap(),
        sun_pos_eci_km: sun_position_teme_km(t),
        eop: &eop,
    };
    let err = camera
        .capture(&inputs, &mut small, &mut ChaCha8Rng::seed_from_u64(3))
        .unwrap_err();
    assert!(err.to_string().contains("need 4096 bytes"), "{err}");
    let mut a = vec![0u8; camera.image_bytes()];
    let mut b = vec![0u8; camera.image_bytes()];
    camera
        .capture(&inputs, &mut a, &mut ChaCha8Rng::seed_from_u64(3))
        .unwrap();
    camera
        .capture(&inputs, &mut b, &mut ChaCha8Rng::seed_from_u64(3))
        .unwrap();
    assert_eq!(a, b);
    // Looking at deep space: no Earth, black (noise only, clamped at 0).
    let away = CaptureInputs {
        q_body_from_eci: align_body_axes(&Vector3::z(), &Vector3::x(), &pos, &Vector3::z())
            .unwrap(),
        ..inputs
    };
    let meta = camera
        .capture(&away, &mut a, &mut ChaCha8Rng::seed_from_u64(3))
        .unwrap();
    assert_eq!(meta.earth_fraction, 0.0);
    assert!(meta.centre_lat_rad.is_none() && meta.gsd_cross_m.is_none());
    let max = a
        .chunks(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .max()
        .unwrap();
    assert!(max < 6 * 257, "{max}");
}
