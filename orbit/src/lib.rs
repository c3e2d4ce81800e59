//! Orbits for skytwin: time, element sets, SGP4/SDP4, frames, the Sun, eclipses, passes and
//! access.
//!
//! "ECI" in skytwin means TEME of date, the frame SGP4 gives. Positions are km, velocities
//! km/s, angles radians; instants are [`Epoch`] (UTC) and spans [`Duration`].
//!
//! ```
//! use orbit::*;
//! // element sets from TLE/3LE, OMM JSON or OMM CSV text (or `load_elements(path)`)
//! let sets = parse_elements(
//!     "ISS (ZARYA)
//! 1 25544U 98067A   18020.89808844  .00002078  00000-0  38550-4 0  9992
//! 2 25544  51.6424  32.9776 0003646  28.7227  39.5332 15.54190080 95614
//! ",
//!     "example.tle",
//! )?;
//! let iss = Propagator::new(&sets[0])?; // SGP4, improved mode, WGS-72
//! let t = parse_utc("2018-01-21T00:00:00Z")?;
//! let state = iss.state_at(t)?; // TEME, km and km/s
//! let eop = EarthOrientation::default(); // UT1 = UTC; or EarthOrientation::from_finals2000a
//! let (pos_itrf_km, _) = teme_to_itrf(&state.pos_teme_km, &state.vel_teme_km_s, t, &eop);
//! let below = itrf_to_geodetic(&pos_itrf_km);
//! assert!((380.0..440.0).contains(&below.alt_km));
//! let lit = illumination(&state.pos_teme_km, &sun_position_teme_km(t)); // 0..1
//! assert!((0.0..=1.0).contains(&lit));
//! let wallops = Station {
//!     name: "Wallops".into(),
//!     location: Geodetic::from_degrees(37.94, -75.47, 0.01),
//!     min_elevation_rad: 10_f64.to_radians(),
//! };
//! let passes = find_passes(&iss, &wallops, t, t + Duration::from_seconds(86_400.0), &eop)?;
//! // or stations from a CSV file (`name,lat_deg,lon_deg,alt_m[,min_elevation_deg]`)
//! let stations = parse_stations("name,lat_deg,lon_deg,alt_m\nWallops,37.94,-75.47,10\n", "st.csv", 10.0)?;
//! assert_eq!(stations[0], wallops);
//! assert!(passes.iter().all(|p| p.aos <= p.tca && p.tca <= p.los));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod access;
pub mod batch;
pub mod constants;
mod csv_table;
pub mod eclipse;
pub mod elements;
pub mod eop;
pub mod frames;
pub mod oem;
pub mod propagate;
pub mod stations;
pub mod sun;
pub mod text;
pub mod time;
pub mod walker;

pub use access::eclipses::{EclipseInterval, EclipseSearch, find_eclipses, search_eclipses};
pub use access::los::{DEFAULT_GRAZING_ALTITUDE_KM, line_of_sight};
pub use access::passes::{Pass, PassSearch, find_passes, search_passes};
pub use access::{AccessError, Station};
pub use batch::{BatchBufferError, BatchEntry, BatchTimes, propagate_batch, propagate_batch_into};
pub use csv_table::CsvError;
pub use eclipse::{ShadowState, illumination, shadow_state};
pub use elements::{
    ElementFormat, ElementSet, ElementsError, load_elements, parse_elements, write_omm_json,
};
pub use eop::{EarthOrientation, EopError};
pub use frames::{
    EarthRotation, Geodetic, StationFrame, Topocentric, geodetic_to_itrf, gmst82_rad,
    itrf_to_geodetic, itrf_to_teme, teme_to_itrf, topocentric,
};
pub use hifitime::{Duration, Epoch, Unit};
pub use nalgebra::Vector3;
pub use propagate::{PropagationError, Propagator, Sgp4Failure, Sgp4Mode, TemeState};
pub use stations::{StationsError, load_stations, parse_stations};
pub use sun::sun_position_teme_km;
pub use time::{
    TimeParseError, TimeSpec, epoch_before, format_duration, format_utc, parse_duration, parse_utc,
};
pub use walker::{WalkerDelta, WalkerError};
