//! Loading a scenario file: TOML with spans → checked values → a [`Scenario`] whose files are
//! read, element sets initialised, hardware templates built and app images compiled. Every
//! problem is a [`Diagnostic`](crate::diag::Diagnostic) with the file, line, column and the
//! offending text underlined; reading goes on after a problem so that all are reported.
//!
//! The keys are documented in `docs/scenarios.md`; each section has its own module.

mod apps;
mod ground;
mod hardware;
mod satellites;
mod timeline;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use hardware_models::texture::EarthTexture;
use hifitime::{Duration, Epoch};
use orbit::EarthOrientation;
use sha2::{Digest, Sha256};
use sim_core::{AppImage, Hypervisor};

use crate::assertions::{Assertion, Names, assertion_of};
use crate::diag::{InvalidScenario, SourceFile};
use crate::expr::{map_span, parse_assertion};
use crate::files::{Bundled, Disk, EARTH_TEXTURE_JPEG, EXAMPLES, Files};
use crate::model::{OutputOptions, Scenario};
use crate::reader::{Ctx, Sp, Table};

/// Longest run: ten years (the pass and eclipse searches keep one coarse sample per minute of
/// each day they cover, one day at a time).
pub const MAX_DURATION: Duration = Duration::from_total_nanoseconds(3_652 * 86_400 * 1_000_000_000);
/// Largest step: 60 s (the hardware models hold their inputs over a step; contact and shadow
/// events stay exact at any step, see `docs/scenarios.md`).
pub const MAX_STEP: Duration = Duration::from_total_nanoseconds(60_000_000_000);
/// Smallest step: 1 ms.
pub const MIN_STEP: Duration = Duration::from_total_nanoseconds(1_000_000);

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The scenario file itself cannot be read.
    #[error("{path}: cannot read the scenario")]
    Read {
        /// The path.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The scenario file is not UTF-8.
    #[error("{path}: the scenario is not UTF-8 text")]
    NotUtf8 {
        /// The path.
        path: PathBuf,
    },
    /// No bundled example of that name.
    #[error("no bundled example named {name:?} (bundled: {})", EXAMPLES.iter().map(|e| e.0).collect::<Vec<_>>().join(", "))]
    NoSuchExample {
        /// The name asked for.
        name: String,
    },
    /// The scenario has problems (each with file, line, column).
    #[error(transparent)]
    Invalid(#[from] InvalidScenario),
}

/// What loading shares between scenarios and runs: compiled images and the decoded Earth
/// texture (a Monte Carlo batch loads its scenario once per run).
#[derive(Debug, Default)]
pub struct LoadCache {
    images: Mutex<HashMap<Vec<u8>, AppImage>>,
    texture: OnceLock<Result<Arc<EarthTexture>, String>>,
}

impl LoadCache {
    /// A compiled image for `bytes` (compiled once).
    fn image(&self, hv: &Hypervisor, bytes: Vec<u8>) -> Result<AppImage, sim_core::ImageError> {
        let mut images = self.images.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(img) = images.get(&bytes) {
            return Ok(img.clone());
        }
        let img = hv.load_image(&bytes)?;
        images.insert(bytes, img.clone());
        Ok(img)
    }

    /// The bundled Earth texture, decoded once.
    pub fn texture(&self) -> Result<Arc<EarthTexture>, String> {
        self.texture
            .get_or_init(|| {
                EarthTexture::decode(EARTH_TEXTURE_JPEG, "assets/earth/blue_marble_4096x2048.jpg")
                    .map_err(|e| e.to_string())
            })
            .clone()
    }
}

/// Loads a scenario file from disk.
pub fn load_file(path: &Path, hv: &Hypervisor, cache: &LoadCache) -> Result<Scenario, LoadError> {
    let bytes = std::fs::read(path).map_err(|source| LoadError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let text = String::from_utf8(bytes).map_err(|_| LoadError::NotUtf8 {
        path: path.to_path_buf(),
    })?;
    let base = path.parent().map(Path::to_path_buf).unwrap_or_default();
    load_text(&path.display().to_string(), text, &base, &Disk, hv, cache)
}

/// What `skytwin run` and `skytwin view` load for their SCENARIO argument: nothing → the
/// default bundled example (`eo-cubesat`); a name with no such file → the bundled example of
/// that name when there is one; otherwise the file.
pub fn load_argument(
    path: Option<&Path>,
    hv: &Hypervisor,
    cache: &LoadCache,
) -> Result<Scenario, LoadError> {
    match path {
        None => load_example(EXAMPLES[0].0, hv, cache),
        Some(p) if !p.exists() && p.components().count() == 1 => {
            match load_example(&p.to_string_lossy(), hv, cache) {
                Err(LoadError::NoSuchExample { .. }) => load_file(p, hv, cache),
                other => other,
            }
        }
        Some(p) => load_file(p, hv, cache),
    }
}

/// Loads a bundled example scenario (`eo-cubesat`, `walker-relay`, ...), with the bundled
/// copies of the files it refers to.
pub fn load_example(name: &str, hv: &Hypervisor, cache: &LoadCache) -> Result<Scenario, LoadError> {
    let (_, path) =
        EXAMPLES
            .iter()
            .find(|(n, _)| *n == name)
            .ok_or_else(|| LoadError::NoSuchExample {
                name: name.to_string(),
            })?;
    let bytes = Bundled
        .read(Path::new(path))
        .map_err(|source| LoadError::Read {
            path: PathBuf::from(path),
            source,
        })?;
    let text = String::from_utf8(bytes).map_err(|_| LoadError::NotUtf8 {
        path: PathBuf::from(path),
    })?;
    let base = Path::new(path)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    load_text(path, text, &base, &Bundled, hv, cache)
}

/// Loads a scenario from its text: `name` is the path shown in messages, `base` the directory
/// its relative paths start from, `files` where they are read.
pub fn load_text(
    name: &str,
    text: String,
    base: &Path,
    files: &dyn Files,
    hv: &Hypervisor,
    cache: &LoadCache,
) -> Result<Scenario, LoadError> {
    let file = SourceFile::new(name, text);
    let ctx = Ctx::new(file.clone());
    let mut hasher = Sha256::new();
    hasher.update(file.text.as_bytes());
    let scenario = {
        let mut l = Loader {
            ctx: &ctx,
            base: base.to_path_buf(),
            files,
            hv,
            cache,
            hasher: &mut hasher,
            element_files: HashMap::new(),
        };
        ctx.parse().and_then(|doc| {
            let root = Table::new(&ctx, doc.get_ref(), 0..0, "the scenario");
            l.scenario(&root)
        })
    };
    let diags = ctx.into_diagnostics();
    let mut s = diags
        .into_result(scenario)?
        .ok_or_else(|| InvalidScenario {
            diagnostics: vec![crate::diag::Diagnostic::new(
                &file,
                0..0,
                "the scenario could not be loaded",
                "",
            )],
        })?;
    s.hash = hex(&hasher.finalize());
    Ok(s)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// State of one load.
pub(crate) struct Loader<'a> {
    pub ctx: &'a Ctx,
    pub base: PathBuf,
    pub files: &'a dyn Files,
    pub hv: &'a Hypervisor,
    pub cache: &'a LoadCache,
    hasher: &'a mut Sha256,
    element_files: HashMap<PathBuf, Vec<orbit::ElementSet>>,
}

impl Loader<'_> {
    /// Reads a file the scenario refers to (relative to the scenario's directory); a problem
    /// is reported at `at`. Its bytes enter the scenario hash.
    pub fn read(&mut self, at: &Sp<String>, what: &str) -> Option<(PathBuf, Vec<u8>)> {
        let path = self.base.join(&at.value);
        match self.files.read(&path) {
            Ok(bytes) => {
                self.hasher.update((bytes.len() as u64).to_le_bytes());
                self.hasher.update(&bytes);
                Some((path, bytes))
            }
            Err(e) => {
                self.ctx.push(
                    self.ctx
                        .diag(
                            at.span.clone(),
                            format!("cannot read {what} {}", path.display()),
                            "no such file, or it cannot be read (paths are relative to the scenario file)",
                        )
                        .caused_by(e),
                );
                None
            }
        }
    }

    /// Reads a text file.
    pub fn read_text(&mut self, at: &Sp<String>, what: &str) -> Option<(PathBuf, String)> {
        let (path, bytes) = self.read(at, what)?;
        match String::from_utf8(bytes) {
            Ok(t) => Some((path, t)),
            Err(_) => {
                self.ctx.error(
                    at.span.clone(),
                    format!("{what} {} is not UTF-8 text", path.display()),
                    "expected a text file",
                );
                None
            }
        }
    }

    /// Reads and compiles an app image (compiled once per cache).
    pub fn image(&mut self, at: &Sp<String>) -> Option<AppImage> {
        let (path, bytes) = self.read(at, "the app image")?;
        match self.cache.image(self.hv, bytes) {
            Ok(img) => Some(img),
            Err(e) => {
                self.ctx.push(
                    self.ctx
                        .diag(
                            at.span.clone(),
                            format!("{} is not a usable app image", path.display()),
                            "expected a wasm32-wasip1 core module (see `skytwin app inspect`)",
                        )
                        .caused_by(e),
                );
                None
            }
        }
    }

    fn scenario(&mut self, root: &Table<'_, '_>) -> Option<Scenario> {
        let name = root.str("name");
        let description = root.str("description");
        let start = root.time("start");
        if !root.has("start") {
            root.missing("start", "an RFC 3339 UTC time such as 2018-01-20T06:00:00Z");
        }
        let duration = self.bounded(root, "duration", Some(Duration::ZERO), MAX_DURATION, true);
        let step = if root.has("step") {
            self.bounded(root, "step", Some(MIN_STEP), MAX_STEP, false)
        } else {
            Some(Sp::new(Duration::from_seconds(1.0), 0..0))
        };
        let seed = root.u64("seed").map_or(0, |s| s.value);
        let grazing = root
            .f64_in(
                "isl_grazing_altitude_km",
                0.0..=1000.0,
                "km between 0 and 1000",
            )
            .map_or(orbit::DEFAULT_GRAZING_ALTITUDE_KM, |x| x.value);
        let eop = self.eop(root);

        let start_t = start
            .as_ref()
            .map_or(Epoch::from_tai_seconds(0.0), |s| s.value);
        let declared = self.satellites(root, start_t);
        let stations = self.stations(root);
        let areas = self.areas(root);
        let sat_names: Vec<String> = declared.iter().map(|s| s.name.clone()).collect();
        let groups = satellites::groups(&declared);
        let apps = self.apps(root, &sat_names, &groups, &areas);
        let mut app_names: Vec<String> = Vec::new();
        for a in &apps {
            if !app_names.contains(&a.config.name) {
                app_names.push(a.config.name.clone());
            }
        }
        let commands = self.commands(root, start_t, &sat_names, &mut app_names);
        let faults = self.faults(root, start_t, &declared, &app_names, &stations);
        let satellites: Vec<crate::model::SatelliteDef> =
            declared.into_iter().filter_map(|d| d.def).collect();
        let nodes = crate::model::node_names(&satellites);
        let names = Names {
            nodes,
            apps: app_names,
            stations: stations.iter().map(|s| s.name.clone()).collect(),
        };
        let assertions = self.assertions(root, &sat_names, &groups, &names);
        let output = self.output(root, step.as_ref().map(|s| s.value));
        if root.has("monte_carlo") {
            // read by `skytwin mc`; a plain run flies the nominal case
        }
        root.finish();

        let uses_camera = apps.iter().any(|a| apps::uses_camera(&a.image))
            || commands.iter().any(|c| match &c.action {
                crate::model::CommandAction::Upload { image, .. } => apps::uses_camera(image),
                _ => false,
            });
        let texture = if uses_camera {
            match self.cache.texture() {
                Ok(t) => Some(t),
                Err(e) => {
                    self.ctx.error(
                        0..0,
                        format!("the bundled Earth texture cannot be decoded: {e}"),
                        "",
                    );
                    None
                }
            }
        } else {
            None
        };
        let (start, duration, step) = (start?, duration?, step?);
        if self.ctx.error_count() > 0 {
            return None;
        }
        Some(Scenario {
            name: name.map_or_else(|| stem(&self.ctx.file.name), |n| n.value),
            description: description.map(|d| d.value).unwrap_or_default(),
            file: self.ctx.file.clone(),
            hash: String::new(),
            start: start.value,
            duration: duration.value,
            step: step.value,
            seed,
            satellites,
            stations,
            areas,
            apps,
            commands,
            faults,
            assertions,
            output,
            eop: Arc::new(eop),
            texture,
            isl_grazing_altitude_km: grazing,
        })
    }

    /// A duration in `(min, max]` (`min` exclusive when `positive`).
    fn bounded(
        &self,
        t: &Table<'_, '_>,
        key: &'static str,
        min: Option<Duration>,
        max: Duration,
        required: bool,
    ) -> Option<Sp<Duration>> {
        if !t.has(key) {
            if required {
                t.missing(key, "a duration such as \"90m\", \"6h\", \"1d\"");
            }
            return None;
        }
        let d = t.positive_duration(key)?;
        let lo = min.unwrap_or(Duration::ZERO);
        if d.value < lo || d.value > max {
            t.ctx().error(
                d.span.clone(),
                format!(
                    "`{key}` = {} is out of range",
                    orbit::format_duration(d.value)
                ),
                format!(
                    "expected a duration from {} to {}",
                    orbit::format_duration(lo.max(Duration::from_total_nanoseconds(1))),
                    orbit::format_duration(max)
                ),
            );
            return None;
        }
        Some(d)
    }

    fn eop(&mut self, root: &Table<'_, '_>) -> EarthOrientation {
        let Some(path) = root.str("eop") else {
            return EarthOrientation::default();
        };
        let Some((p, text)) = self.read_text(&path, "the Earth orientation file") else {
            return EarthOrientation::default();
        };
        match EarthOrientation::parse_finals2000a(&text, &p.display().to_string()) {
            Ok(eop) => eop,
            Err(e) => {
                self.ctx.push(
                    self.ctx
                        .diag(
                            path.span.clone(),
                            "the Earth orientation file does not parse",
                            "expected an IERS finals2000A file",
                        )
                        .caused_by(e),
                );
                EarthOrientation::default()
            }
        }
    }

    fn assertions(
        &mut self,
        root: &Table<'_, '_>,
        sat_names: &[String],
        groups: &[(String, Vec<usize>)],
        names: &Names,
    ) -> Vec<Assertion> {
        let mut out = Vec::new();
        for t in root.tables("assert", "[[assert]]") {
            let name = t.str("name");
            let check = t.req_str("check");
            let sats =
                satellites::selection(t.ctx(), t.str("satellite").as_ref(), sat_names, groups);
            t.finish();
            let (Some(check), Some(sats)) = (check, sats) else {
                continue;
            };
            let file_text = &self.ctx.file.text;
            let at = |inner: &std::ops::Range<usize>| {
                map_span(file_text, &check.span, &check.value, inner)
            };
            let parsed = parse_assertion(&check.value).map_err(|e| {
                self.ctx
                    .error(at(&e.span), "the check does not parse", e.message);
            });
            let Ok(expr) = parsed else { continue };
            match assertion_of(&expr, names) {
                Ok((metric, op, bound)) => out.push(Assertion {
                    name: name.map_or_else(|| check.value.clone(), |n| n.value),
                    expr: check.value.clone(),
                    metric,
                    op,
                    bound,
                    satellites: sats,
                }),
                Err(e) => {
                    self.ctx
                        .error(at(&e.span), e.message, format!("expected {}", e.expected))
                }
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        for a in &out {
            if !seen.insert(a.name.clone()) {
                self.ctx.error(
                    0..0,
                    format!("two assertions are named {:?}", a.name),
                    "give each a distinct `name`",
                );
            }
        }
        out
    }

    fn output(&self, root: &Table<'_, '_>, step: Option<Duration>) -> OutputOptions {
        let mut o = OutputOptions::default();
        let Some(t) = root.table("output", "[output]") else {
            return o;
        };
        if let Some(iv) = t.positive_duration("telemetry_interval") {
            let ok = step
                .is_none_or(|s| iv.value.total_nanoseconds() % s.total_nanoseconds().max(1) == 0);
            if ok {
                o.telemetry_interval = Some(iv.value);
            } else {
                t.ctx().error(
                    iv.span.clone(),
                    "`telemetry_interval` is not a whole number of steps",
                    "expected a multiple of `step`",
                );
            }
        }
        let flag = |key: &'static str, v: &mut bool| {
            if let Some(b) = t.bool(key) {
                *v = b.value;
            }
        };
        flag("telemetry", &mut o.telemetry);
        flag("events", &mut o.events);
        flag("log_lines", &mut o.log_lines);
        flag("oem", &mut o.oem);
        flag("czml", &mut o.czml);
        flag("junit", &mut o.junit);
        t.finish();
        o
    }
}

/// The file name without directories and extension.
fn stem(path: &str) -> String {
    Path::new(path).file_stem().map_or_else(
        || "scenario".to_string(),
        |s| s.to_string_lossy().into_owned(),
    )
}
