//! The devices a satellite lends its apps through the bus: the camera (a service the satellite
//! implements) and the attitude controller (a request the satellite reads after the step).

/// Static description of the camera.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CameraInfo {
    /// Image width, pixels.
    pub width_px: u32,
    /// Image height, pixels.
    pub height_px: u32,
    /// Samples per pixel (1 grey, 3 RGB).
    pub channels: u32,
    /// Bits per sample (8).
    pub bits_per_sample: u32,
    /// Full field of view across the width, radians.
    pub fov_rad: f64,
}

impl CameraInfo {
    /// Bytes of one image (`width × height × channels`, 8-bit samples).
    pub fn image_bytes(&self) -> u64 {
        u64::from(self.width_px) * u64::from(self.height_px) * u64::from(self.channels)
    }
}

/// Metadata of a captured image (`st_image_meta_v1`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ImageMeta {
    /// Capture time, POSIX ns.
    pub time_unix_ns: i64,
    /// Latitude of the boresight's ground point, radians (NaN if it misses the Earth).
    pub center_lat_rad: f64,
    /// Longitude of the boresight's ground point, radians.
    pub center_lon_rad: f64,
    /// Ground sample distance at the centre, m.
    pub gsd_m: f64,
    /// Off-nadir angle of the boresight, radians.
    pub off_nadir_rad: f64,
    /// Sun elevation at the centre, radians.
    pub sun_elevation_rad: f64,
}

/// Why a capture failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CameraError {
    /// The camera is unpowered (load shed, safe mode) or failed.
    #[error("camera unavailable")]
    Unavailable,
}

/// The camera as a service the satellite provides to its apps: the satellite keeps it
/// up to date with the geometry (position, attitude, Sun) each step; an app's capture call
/// renders into the app's buffer.
pub trait CameraService: Send {
    /// Static description.
    fn info(&self) -> CameraInfo;
    /// Captures an image at `time_unix_ns` into `pixels` (exactly `info().image_bytes()` long,
    /// row-major, samples interleaved). A capture that fails leaves `pixels` as they were.
    fn capture(&mut self, time_unix_ns: i64, pixels: &mut [u8]) -> Result<ImageMeta, CameraError>;
}

/// An attitude mode requested by an app.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum AttitudeMode {
    /// Camera boresight (body +z) to nadir.
    Nadir,
    /// Main solar array normal to the Sun.
    Sun,
    /// Hold an inertial attitude (unit quaternion `(w, x, y, z)`, ECI → body).
    Inertial {
        /// `q_body_from_eci`, normalised.
        q_body_from_eci: [f64; 4],
    },
    /// Track a ground point.
    Target {
        /// Geodetic latitude, radians.
        lat_rad: f64,
        /// Longitude, radians.
        lon_rad: f64,
        /// Altitude above the ellipsoid, m.
        alt_m: f64,
    },
}

impl AttitudeMode {
    /// ABI mode number.
    pub fn abi_mode(&self) -> u32 {
        match self {
            Self::Nadir => 0,
            Self::Sun => 1,
            Self::Inertial { .. } => 2,
            Self::Target { .. } => 3,
        }
    }
}

/// The latest attitude request.
#[derive(Debug, Clone, PartialEq)]
pub struct AttitudeRequest {
    /// Requested mode.
    pub mode: AttitudeMode,
    /// Requesting app.
    pub app: String,
    /// When, POSIX ns.
    pub time_unix_ns: i64,
}
