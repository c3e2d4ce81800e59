//! CCSDS Orbit Ephemeris Message (CCSDS 502.0-B-3), KVN form: the pieces `skytwin propagate
//! --format oem` and a scenario run's `ephemeris.oem` are written with.
//!
//! A file is a header (`CCSDS_OEM_VERS`, comments, `CREATION_DATE`, `ORIGINATOR`) followed by
//! segments, each a metadata block (`META_START` … `META_STOP`) and one line per state:
//! `epoch x y z vx vy vz` in km and km/s.

use std::fmt::Write as _;

use hifitime::Epoch;
use nalgebra::Vector3;

use crate::time::format_utc;

/// CCSDS time: RFC 3339 without the zone letter (`TIME_SYSTEM = UTC` says the scale).
pub fn time(t: Epoch) -> String {
    let mut s = format_utc(t);
    s.pop();
    s
}

/// The file header: version, one `COMMENT` line per comment, creation date, originator.
pub fn header(comments: &[String], creation: Epoch) -> String {
    let mut s = String::from("CCSDS_OEM_VERS = 3.0\n");
    for c in comments {
        let _ = writeln!(s, "COMMENT {c}");
    }
    let _ = write!(
        s,
        "CREATION_DATE = {}\nORIGINATOR = SKYTWIN\n",
        time(creation)
    );
    s
}

/// What a segment's metadata says.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentMeta<'a> {
    /// Comment lines at the top of the block.
    pub comments: &'a [String],
    /// `OBJECT_NAME`.
    pub object_name: &'a str,
    /// `OBJECT_ID`.
    pub object_id: &'a str,
    /// `REF_FRAME` (`TEME`, `ITRF`).
    pub ref_frame: &'a str,
    /// `START_TIME`.
    pub start: Epoch,
    /// `STOP_TIME`.
    pub stop: Epoch,
}

/// A segment's metadata block, with a blank line before and after.
pub fn segment_header(m: &SegmentMeta<'_>) -> String {
    let mut s = String::from("\nMETA_START\n");
    for c in m.comments {
        let _ = writeln!(s, "COMMENT {c}");
    }
    let _ = write!(
        s,
        "OBJECT_NAME = {}\nOBJECT_ID = {}\nCENTER_NAME = EARTH\nREF_FRAME = {}\nTIME_SYSTEM = UTC\nSTART_TIME = {}\nSTOP_TIME = {}\nMETA_STOP\n\n",
        m.object_name,
        m.object_id,
        m.ref_frame,
        time(m.start),
        time(m.stop)
    );
    s
}

/// One state line: position in km to 1 µm, velocity in km/s to 1 nm/s.
pub fn state_line(out: &mut String, t: Epoch, pos_km: &Vector3<f64>, vel_km_s: &Vector3<f64>) {
    let _ = writeln!(
        out,
        "{} {:.9} {:.9} {:.9} {:.12} {:.12} {:.12}",
        time(t),
        pos_km.x,
        pos_km.y,
        pos_km.z,
        vel_km_s.x,
        vel_km_s.y,
        vel_km_s.z
    );
}
