//! cloud-screen: a reactor app that screens images for clouds on board and only downlinks
//! the clear ones, counting the CPU it spends.
//!
//! Images come from two places: the camera (one capture per timer tick while sunlit) and
//! PNG files uploaded into `/data/inbox/`. Each image's cloud fraction is computed with
//! [`skytwin_guest::cloud`]; clear images (fraction ≤ threshold) are queued for downlink as
//! PNG image products, cloudy ones are discarded (inbox files deleted). Counters persist in
//! `/data/cloud-screen.stats` across restarts and are reported on `stats` and at each
//! contact. CPU time per image comes from the WASI process CPU-time clock; with
//! `--ips RATE` (the onboard computer's instruction rate) it is also shown in instructions.
//!
//! Usage: `cloud-screen [--period SECONDS] [--threshold FRACTION] [--ips RATE]`.
//! Built as a reactor: exports `skytwin_on_event`, no `main`.

use skytwin_guest::camera::ImageMeta;
use skytwin_guest::cloud::{self, CloudParams};
use skytwin_guest::codec::{self, Effort};
use skytwin_guest::product::{ImageProduct, FORMAT_PNG};
use skytwin_guest::{self as st, camera, downlink, Event, NS_PER_S};
use std::fs;
use std::sync::Mutex;

const INBOX: &str = "/data/inbox";
const STATS_FILE: &str = "/data/cloud-screen.stats";

/// Counters kept across restarts.
#[derive(Debug, Default, Clone, Copy)]
struct Stats {
    screened: u64,
    kept: u64,
    discarded: u64,
    dark: u64,
    cpu_ns: u64,
}

impl Stats {
    fn to_text(self) -> String {
        format!(
            "screened={}\nkept={}\ndiscarded={}\ndark={}\ncpu_ns={}\n",
            self.screened, self.kept, self.discarded, self.dark, self.cpu_ns
        )
    }

    fn from_text(text: &str) -> Stats {
        let mut s = Stats::default();
        for line in text.lines() {
            let mut kv = line.splitn(2, '=');
            let (k, v) = (kv.next(), kv.next().and_then(|v| v.parse::<u64>().ok()));
            match (k, v) {
                (Some("screened"), Some(v)) => s.screened = v,
                (Some("kept"), Some(v)) => s.kept = v,
                (Some("discarded"), Some(v)) => s.discarded = v,
                (Some("dark"), Some(v)) => s.dark = v,
                (Some("cpu_ns"), Some(v)) => s.cpu_ns = v,
                _ => {}
            }
        }
        s
    }
}

/// One image to screen: pixels (row-major, interleaved), shape and metadata.
struct Frame<'a> {
    pixels: &'a [u8],
    w: u32,
    h: u32,
    c: u32,
    meta: ImageMeta,
}

struct App {
    period_ns: i64,
    threshold: f64,
    ips: Option<f64>,
    stats: Stats,
    seq: u32,
}

static APP: Mutex<Option<App>> = Mutex::new(None);

impl App {
    fn start() -> App {
        let mut app = App {
            period_ns: 60 * NS_PER_S,
            threshold: 0.3,
            ips: None,
            stats: Stats::default(),
            seq: 0,
        };
        let args: Vec<String> = std::env::args().skip(1).collect();
        let mut i = 0;
        while i < args.len() {
            let v = args.get(i + 1).and_then(|v| v.parse::<f64>().ok());
            match (args[i].as_str(), v) {
                ("--period", Some(s)) if s >= 1.0 => app.period_ns = (s * 1e9) as i64,
                ("--threshold", Some(f)) => app.threshold = f,
                ("--ips", Some(r)) if r > 0.0 => app.ips = Some(r),
                (other, _) => st::warn!("ignoring argument {other:?}"),
            }
            i += 2;
        }
        if let Ok(text) = fs::read_to_string(STATS_FILE) {
            app.stats = Stats::from_text(&text);
        }
        let _ = fs::create_dir_all(INBOX);
        st::info!(
            "cloud-screen: threshold {:.0} %, a capture every {} s while sunlit, inbox {INBOX}; {} screened so far",
            100.0 * app.threshold,
            app.period_ns / NS_PER_S,
            app.stats.screened
        );
        app
    }

    fn cpu_text(&self, ns: u64) -> String {
        match self.ips {
            Some(rate) => format!(
                "{:.1} ms CPU, {:.0} instructions",
                ns as f64 / 1e6,
                ns as f64 * 1e-9 * rate
            ),
            None => format!("{:.1} ms CPU", ns as f64 / 1e6),
        }
    }

    /// Screens one image; queues it if clear. `cpu0` is the CPU clock when work on it began.
    fn screen(&mut self, source: &str, frame: Frame<'_>, cpu0: Option<u64>) {
        let Frame {
            pixels,
            w,
            h,
            c,
            meta,
        } = frame;
        let report = match cloud::screen(pixels, w, h, c, &CloudParams::default()) {
            Ok(r) => r,
            Err(e) => {
                st::warn!("{source}: {e}");
                return;
            }
        };
        self.stats.screened += 1;
        let verdict = match report.cloud_fraction() {
            None => {
                self.stats.dark += 1;
                "dark, discarded".to_string()
            }
            Some(f) if f > self.threshold => {
                self.stats.discarded += 1;
                format!("{:.0} % cloud, discarded", 100.0 * f)
            }
            Some(f) => {
                let png = codec::encode_png(pixels, w, h, c, &[], Effort::default());
                let queued = png.map_err(|e| e.to_string()).and_then(|png| {
                    let product = ImageProduct {
                        seq: self.seq,
                        format: FORMAT_PNG,
                        meta,
                        cloud_fraction: Some(f),
                    }
                    .encode(&png);
                    downlink::queue(&product, 3)
                        .map_err(|e| e.to_string())
                        .map(|_| png.len())
                });
                match queued {
                    Ok(n) => {
                        self.stats.kept += 1;
                        self.seq += 1;
                        format!("{:.0} % cloud, kept ({n} B PNG queued)", 100.0 * f)
                    }
                    Err(e) => format!("{:.0} % cloud, clear but not queued: {e}", 100.0 * f),
                }
            }
        };
        let cpu = match (cpu0, st::cpu_time_ns()) {
            (Some(a), Some(b)) => b.saturating_sub(a),
            _ => 0,
        };
        self.stats.cpu_ns += cpu;
        st::info!("{source}: {w}×{h}×{c}, {verdict}; {}", self.cpu_text(cpu));
    }

    fn capture(&mut self) {
        let cpu0 = st::cpu_time_ns();
        match camera::capture() {
            Ok(img) => {
                let frame = Frame {
                    pixels: &img.pixels,
                    w: img.width_px,
                    h: img.height_px,
                    c: img.channels,
                    meta: img.meta,
                };
                self.screen("camera", frame, cpu0);
            }
            Err(e) => st::warn!("capture: {e}"),
        }
    }

    /// Screens every PNG in the inbox, deleting each once handled.
    fn scan_inbox(&mut self) {
        let mut names: Vec<String> = match fs::read_dir(INBOX) {
            Ok(rd) => rd
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect(),
            Err(_) => return,
        };
        names.sort();
        for name in names.iter().filter(|n| n.ends_with(".png")) {
            let path = format!("{INBOX}/{name}");
            let cpu0 = st::cpu_time_ns();
            match fs::read(&path)
                .map_err(|e| e.to_string())
                .and_then(|b| codec::decode_png(&b).map_err(|e| e.to_string()))
            {
                Ok(img) => {
                    let meta = ImageMeta {
                        time_unix_ns: st::time_now(),
                        center_lat_deg: f64::NAN,
                        center_lon_deg: f64::NAN,
                        gsd_m: f64::NAN,
                        off_nadir_deg: f64::NAN,
                        sun_elevation_deg: f64::NAN,
                    };
                    let frame = Frame {
                        pixels: &img.pixels,
                        w: img.width_px,
                        h: img.height_px,
                        c: img.channels,
                        meta,
                    };
                    self.screen(&path, frame, cpu0);
                }
                Err(e) => st::warn!("{path}: {e}"),
            }
            if let Err(e) = fs::remove_file(&path) {
                st::warn!("{path}: {e}");
            }
        }
    }

    fn report(&self) {
        let s = self.stats;
        let per_image = s.cpu_ns.checked_div(s.screened).unwrap_or(0);
        let line = format!(
            "screened {}, kept {}, discarded {} cloudy and {} dark; {} in total, {} per image",
            s.screened,
            s.kept,
            s.discarded,
            s.dark,
            self.cpu_text(s.cpu_ns),
            self.cpu_text(per_image)
        );
        st::info!("{line}");
    }

    fn save(&self) {
        if let Err(e) = fs::write(STATS_FILE, self.stats.to_text()) {
            st::warn!("saving stats: {e}");
        }
    }

    fn commands(&mut self) {
        while let Ok(Some(cmd)) = st::commands::recv() {
            let text = String::from_utf8_lossy(&cmd).trim().to_string();
            let mut words = text.split_whitespace();
            match (
                words.next(),
                words.next().and_then(|v| v.parse::<f64>().ok()),
            ) {
                (Some("stats"), _) => self.report(),
                (Some("scan"), _) => self.scan_inbox(),
                (Some("capture"), _) => self.capture(),
                (Some("threshold"), Some(f)) => self.threshold = f,
                (Some("period"), Some(s)) if s >= 1.0 => self.period_ns = (s * 1e9) as i64,
                _ => st::warn!("unknown command {text:?}"),
            }
        }
    }
}

/// The reactor's entry point: the host calls it with `ST_EV_START` first, then with every
/// set of subscribed events. It never blocks.
#[no_mangle]
pub extern "C" fn skytwin_on_event(events: i32) -> i32 {
    let events = Event::from_bits(events);
    let mut guard = match APP.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    if events.contains(Event::START) || guard.is_none() {
        *guard = Some(App::start());
        let _ =
            st::subscribe(Event::TIMER | Event::COMMAND | Event::CONTACT_START | Event::RESUMED);
        let _ = st::timer_set(st::time_now() + NS_PER_S);
    }
    let app = match guard.as_mut() {
        Some(app) => app,
        None => return 1,
    };
    st::heartbeat();
    if events.contains(Event::COMMAND) {
        app.commands();
    }
    if events.intersects(Event::TIMER | Event::RESUMED) {
        if matches!(st::state(), Ok(s) if s.is_sunlit()) {
            app.capture();
        }
        app.scan_inbox();
        app.save();
        let _ = st::timer_set(st::time_now() + app.period_ns);
    }
    if events.contains(Event::CONTACT_START) {
        app.report();
    }
    if events.contains(Event::STOP) {
        app.save();
    }
    0
}
