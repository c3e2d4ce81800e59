//! Attitude requests (`attitude_request`, `docs/abi.md` "Attitude"). The slew takes the time
//! the attitude dynamics give: watch [`crate::State::pointing_error_deg`].

#[cfg(target_arch = "wasm32")]
fn request(mode: crate::AttitudeMode, p: [f64; 4]) -> Result<(), crate::Error> {
    // SAFETY: no memory is passed.
    crate::error::check(unsafe {
        crate::sys::attitude_request(mode.code(), p[0], p[1], p[2], p[3])
    })
    .map(|_| ())
}

/// Points the camera boresight (body +z) at nadir.
#[cfg(target_arch = "wasm32")]
pub fn nadir() -> Result<(), crate::Error> {
    request(crate::AttitudeMode::Nadir, [0.0; 4])
}

/// Points the main solar array's normal at the Sun.
#[cfg(target_arch = "wasm32")]
pub fn sun() -> Result<(), crate::Error> {
    request(crate::AttitudeMode::Sun, [0.0; 4])
}

/// Holds the inertial attitude `q_body_from_eci = (w, x, y, z)` (normalised by the host).
#[cfg(target_arch = "wasm32")]
pub fn inertial(q_body_from_eci: [f64; 4]) -> Result<(), crate::Error> {
    request(crate::AttitudeMode::Inertial, q_body_from_eci)
}

/// Tracks the ground point at geodetic `lat_deg`, `lon_deg` and altitude `alt_m`.
#[cfg(target_arch = "wasm32")]
pub fn target(lat_deg: f64, lon_deg: f64, alt_m: f64) -> Result<(), crate::Error> {
    request(crate::AttitudeMode::Target, [lat_deg, lon_deg, alt_m, 0.0])
}
