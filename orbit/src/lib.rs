//! Orbits for skytwin: time, element sets, SGP4/SDP4, frames, the Sun, eclipses, passes and
//! access.
//!
//! "ECI" in skytwin means TEME of date, the frame SGP4 gives. Positions are km, velocities
//! km/s, angles radians; instants are [`Epoch`] (UTC) and spans [`Duration`].
//!
//! ```
//! use orbit::{geodetic_to_itrf, itrf_to_geodetic, Geodetic};
//! let station = Geodetic::from_degrees(78.23, 15.39, 0.5); // Svalbard
//! let back = itrf_to_geodetic(&geodetic_to_itrf(&station));
//! assert!((back.lat_rad - station.lat_rad).abs() < 1e-12);
//! ```

pub mod constants;
pub mod eclipse;
pub mod eop;
pub mod frames;
pub mod sun;
pub mod time;

pub use eclipse::{ShadowState, illumination, shadow_state};
pub use eop::{EarthOrientation, EopError};
pub use frames::{
    Geodetic, Topocentric, geodetic_to_itrf, gmst82_rad, itrf_to_geodetic, itrf_to_teme,
    teme_to_itrf, topocentric,
};
pub use hifitime::{Duration, Epoch, Unit};
pub use nalgebra::Vector3;
pub use sun::sun_position_teme_km;
pub use time::{TimeParseError, TimeSpec, format_duration, format_utc, parse_duration, parse_utc};
