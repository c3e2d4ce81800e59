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

pub mod access;
pub mod batch;
pub mod constants;
pub mod eclipse;
pub mod elements;
pub mod eop;
pub mod frames;
pub mod propagate;
pub mod sun;
pub mod time;
pub mod walker;

pub use access::eclipses::{EclipseInterval, EclipseSearch, find_eclipses, search_eclipses};
pub use access::los::{DEFAULT_GRAZING_ALTITUDE_KM, line_of_sight};
pub use access::passes::{Pass, PassSearch, find_passes, search_passes};
pub use access::{AccessError, Station};
pub use batch::propagate_batch;
pub use eclipse::{ShadowState, illumination, shadow_state};
pub use elements::{
    ElementFormat, ElementSet, ElementsError, load_elements, parse_elements, write_omm_json,
};
pub use eop::{EarthOrientation, EopError};
pub use frames::{
    Geodetic, Topocentric, geodetic_to_itrf, gmst82_rad, itrf_to_geodetic, itrf_to_teme,
    teme_to_itrf, topocentric,
};
pub use hifitime::{Duration, Epoch, Unit};
pub use nalgebra::Vector3;
pub use propagate::{PropagationError, Propagator, Sgp4Mode, TemeState};
pub use sun::sun_position_teme_km;
pub use time::{TimeParseError, TimeSpec, format_duration, format_utc, parse_duration, parse_utc};
pub use walker::{WalkerDelta, WalkerError};
