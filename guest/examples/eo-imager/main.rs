//! eo-imager: images areas of interest and downlinks them as lossless PNG products.
//!
//! When the sub-satellite point enters an area of interest (event or state flag), the app
//! points the camera at nadir, waits until the pointing error is small, then captures an
//! image every interval while the satellite is over the area and the Sun is high enough.
//! Each image is compressed with [`skytwin_guest::codec`] (PNG), screened for clouds
//! ([`skytwin_guest::cloud`], the fraction goes into the product header), wrapped in an
//! image product header ([`skytwin_guest::product`]) and queued for downlink. Cloudier
//! images than `--max-cloud` are logged and dropped.
//!
//! Usage: `eo-imager [--interval SECONDS] [--min-sun-deg DEG] [--max-pointing-deg DEG]
//! [--max-cloud FRACTION] [--priority 0..7]`

use skytwin_guest::cloud::{self, CloudParams};
use skytwin_guest::codec::{self, Effort};
use skytwin_guest::product::{ImageProduct, FORMAT_PNG};
use skytwin_guest::{self as st, attitude, camera, downlink, Event, NS_PER_S};

/// Longest wait between heartbeats, ns.
const HEARTBEAT_NS: i64 = 10 * NS_PER_S;
/// Longest wait for the slew to nadir, ns.
const SLEW_TIMEOUT_NS: i64 = 180 * NS_PER_S;

struct Imager {
    interval_ns: i64,
    min_sun_deg: f64,
    max_pointing_deg: f64,
    max_cloud: f64,
    priority: u8,
    seq: u32,
    raw_bytes: u64,
    png_bytes: u64,
    dropped_cloudy: u32,
    identity: String,
}

fn parse_args(im: &mut Imager) {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let v = args.get(i + 1).and_then(|v| v.parse::<f64>().ok());
        match (args[i].as_str(), v) {
            ("--interval", Some(s)) if s >= 0.1 => im.interval_ns = (s * 1e9) as i64,
            ("--min-sun-deg", Some(d)) => im.min_sun_deg = d,
            ("--max-pointing-deg", Some(d)) if d > 0.0 => im.max_pointing_deg = d,
            ("--max-cloud", Some(f)) => im.max_cloud = f,
            ("--priority", Some(p)) if (0.0..=7.0).contains(&p) => im.priority = p as u8,
            (other, _) => st::warn!("ignoring argument {other:?}"),
        }
        i += 2;
    }
}

impl Imager {
    /// Captures, screens, compresses and queues one image. Returns false when imaging
    /// should stop for now (camera unavailable).
    fn capture_one(&mut self) -> bool {
        let cpu0 = st::cpu_time_ns();
        let img = match camera::capture() {
            Ok(img) => img,
            Err(e) => {
                st::warn!("capture failed: {e}");
                return false;
            }
        };
        let m = img.meta;
        if !m.on_earth() {
            st::info!("image off the Earth, dropped");
            return true;
        }
        if m.sun_elevation_deg < self.min_sun_deg {
            st::info!(
                "Sun at {:.1}° over the target, dropped",
                m.sun_elevation_deg
            );
            return true;
        }
        let (w, h, c) = (img.width_px, img.height_px, img.channels);
        let cloud = cloud::screen(&img.pixels, w, h, c, &CloudParams::default())
            .ok()
            .and_then(|r| r.cloud_fraction());
        if let Some(f) = cloud {
            if f > self.max_cloud {
                self.dropped_cloudy += 1;
                st::info!(
                    "image at {:.3},{:.3}: {:.0} % cloud, dropped",
                    m.center_lat_deg,
                    m.center_lon_deg,
                    100.0 * f
                );
                return true;
            }
        }
        let lat_lon = format!("{:.5},{:.5}", m.center_lat_deg, m.center_lon_deg);
        let text = [
            ("Source", self.identity.as_str()),
            ("Comment", lat_lon.as_str()),
        ];
        let png = match codec::encode_png(&img.pixels, w, h, c, &text, Effort::default()) {
            Ok(p) => p,
            Err(e) => {
                st::error!("encode: {e}");
                return true;
            }
        };
        let product = ImageProduct {
            seq: self.seq,
            format: FORMAT_PNG,
            meta: m,
            cloud_fraction: cloud,
        }
        .encode(&png);
        let cpu = match (cpu0, st::cpu_time_ns()) {
            (Some(a), Some(b)) => format!("{:.1} ms", b.saturating_sub(a) as f64 / 1e6),
            _ => "n/a".to_string(),
        };
        match downlink::queue(&product, self.priority) {
            Ok(id) => {
                self.raw_bytes += img.pixels.len() as u64;
                self.png_bytes += png.len() as u64;
                st::info!(
                    "image {} at {}: {}×{}×{}, {} B -> {} B ({:.2}:1), cloud {}, gsd {:.1} m, cpu {}, downlink id {}",
                    self.seq,
                    lat_lon,
                    w,
                    h,
                    c,
                    img.pixels.len(),
                    png.len(),
                    img.pixels.len() as f64 / png.len() as f64,
                    cloud.map_or("n/a".to_string(), |f| format!("{:.0} %", 100.0 * f)),
                    m.gsd_m,
                    cpu,
                    id.0
                );
                self.seq += 1;
            }
            Err(e) => st::warn!("image {} not queued: {e}", self.seq),
        }
        true
    }

    /// Slews to nadir and waits (heartbeating) until the pointing error is small.
    fn point_nadir(&self) -> bool {
        if let Err(e) = attitude::nadir() {
            st::warn!("nadir pointing refused: {e}");
            return false;
        }
        let deadline = st::time_now() + SLEW_TIMEOUT_NS;
        loop {
            st::heartbeat();
            if let Ok(s) = st::state() {
                if s.is_valid(skytwin_guest::state::valid::ATTITUDE)
                    && s.pointing_error_deg <= self.max_pointing_deg
                {
                    return true;
                }
            }
            let now = st::time_now();
            if now > deadline {
                st::warn!(
                    "slew to nadir did not settle within {} s",
                    SLEW_TIMEOUT_NS / NS_PER_S
                );
                return false;
            }
            let _ = st::sleep_until(now + NS_PER_S);
        }
    }

    /// Images while over the area of interest.
    fn pass(&mut self) {
        st::info!("area of interest: imaging");
        if !self.point_nadir() {
            return;
        }
        let start = self.seq;
        let mut next_capture = st::time_now();
        loop {
            st::heartbeat();
            match st::state() {
                Ok(s) if !s.over_aoi() => break,
                Ok(s) if s.is_sunlit() && s.time_unix_ns >= next_capture => {
                    next_capture = s.time_unix_ns + self.interval_ns;
                    if !self.capture_one() {
                        break;
                    }
                }
                _ => {}
            }
            let now = st::time_now();
            let until = if next_capture > now {
                next_capture.min(now + HEARTBEAT_NS)
            } else {
                now + HEARTBEAT_NS.min(self.interval_ns)
            };
            match st::wait_until(Event::AOI_EXIT | Event::COMMAND, until) {
                Ok(ev) if ev.contains(Event::AOI_EXIT) => break,
                Ok(ev) if ev.contains(Event::COMMAND) => self.commands(),
                _ => {}
            }
        }
        st::info!(
            "left the area: {} images queued this pass; total {} B raw -> {} B compressed, {} dropped as cloudy",
            self.seq - start,
            self.raw_bytes,
            self.png_bytes,
            self.dropped_cloudy
        );
    }

    fn commands(&mut self) {
        while let Ok(Some(cmd)) = st::commands::recv() {
            let text = String::from_utf8_lossy(&cmd).trim().to_string();
            let mut words = text.split_whitespace();
            match (
                words.next(),
                words.next().and_then(|v| v.parse::<f64>().ok()),
            ) {
                (Some("capture"), _) => {
                    self.capture_one();
                }
                (Some("interval"), Some(s)) if s >= 0.1 => {
                    self.interval_ns = (s * 1e9) as i64;
                    st::info!("interval now {s} s");
                }
                (Some("max-cloud"), Some(f)) => self.max_cloud = f,
                _ => st::warn!("unknown command {text:?}"),
            }
        }
    }
}

fn main() {
    let mut im = Imager {
        interval_ns: 10 * NS_PER_S,
        min_sun_deg: 10.0,
        max_pointing_deg: 0.5,
        max_cloud: 0.6,
        priority: 4,
        seq: 0,
        raw_bytes: 0,
        png_bytes: 0,
        dropped_cloudy: 0,
        identity: st::identity().unwrap_or_else(|_| "?".to_string()),
    };
    parse_args(&mut im);
    match camera::info() {
        Ok(ci) => st::info!(
            "eo-imager {}: camera {}×{}×{}, fov {:.2}°, one image every {} s over areas of interest",
            im.identity,
            ci.width_px,
            ci.height_px,
            ci.channels,
            ci.fov_deg,
            im.interval_ns as f64 / 1e9
        ),
        Err(e) => st::warn!("camera info: {e}"),
    }
    loop {
        st::heartbeat();
        if matches!(st::state(), Ok(s) if s.over_aoi()) {
            im.pass();
        }
        match st::wait(
            Event::AOI_ENTER | Event::COMMAND,
            Some(std::time::Duration::from_secs(10)),
        ) {
            Ok(ev) => {
                if ev.contains(Event::COMMAND) {
                    im.commands();
                }
                if ev.contains(Event::AOI_ENTER) {
                    im.pass();
                }
            }
            Err(e) => {
                st::error!("wait: {e}");
                let _ = st::sleep_until(st::time_now() + HEARTBEAT_NS);
            }
        }
    }
}
