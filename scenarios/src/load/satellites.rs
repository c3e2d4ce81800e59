//! `[[satellite]]` and `[[walker]]`.

use std::collections::BTreeSet;
use std::f64::consts::TAU;

use hifitime::{Duration, Epoch};
use orbit::{ElementSet, Propagator, WalkerDelta};

use super::Loader;
use crate::model::SatelliteDef;
use crate::reader::{Ctx, Sp, Table};

/// Default template when a satellite names none.
pub const DEFAULT_HARDWARE: &str = "cubesat-6u";

/// A satellite as declared: its name and walker always (so that the rest of the file can
/// refer to it even when its elements or hardware have a problem), its definition when
/// everything about it is valid.
#[derive(Debug)]
pub struct Declared {
    /// Name.
    pub name: String,
    /// The walker it belongs to.
    pub group: Option<String>,
    /// The satellite, if valid.
    pub def: Option<SatelliteDef>,
}

/// A walker's satellite names: `NAME-00`, `NAME-01`, … (three digits past 100).
fn walker_names(name: &str, count: usize) -> Vec<String> {
    let width = if count > 100 { 3 } else { 2 };
    (0..count).map(|k| format!("{name}-{k:0width$}")).collect()
}

impl Loader<'_> {
    /// Every satellite, walkers expanded, in file order of the sections: `[[satellite]]` first,
    /// then `[[walker]]`.
    pub(super) fn satellites(&mut self, root: &Table<'_, '_>, start: Epoch) -> Vec<Declared> {
        let mut out: Vec<Declared> = Vec::new();
        let mut spans: Vec<std::ops::Range<usize>> = Vec::new();
        for t in root.tables("satellite", "[[satellite]]") {
            let name = t.req_name("name");
            let elements = self.elements(&t);
            let hardware = self.hardware(&t);
            t.finish();
            let Some(name) = name else { continue };
            spans.push(name.span.clone());
            out.push(Declared {
                name: name.value.clone(),
                group: None,
                def: elements
                    .zip(hardware)
                    .map(|(elements, hardware)| SatelliteDef {
                        name: name.value,
                        elements,
                        hardware,
                        group: None,
                    }),
            });
        }
        for t in root.tables("walker", "[[walker]]") {
            let name = t.req_name("name");
            let total = t
                .has("total")
                .then(|| t.int_in("total", 1, 10_000))
                .flatten();
            let sets = self.walker(&t, start);
            let hardware = self.hardware(&t);
            t.finish();
            let Some(name) = name else { continue };
            let count = sets
                .as_ref()
                .map_or(total.map_or(0, |t| t.value as usize), Vec::len);
            let mut sets = sets.map(|v| v.into_iter());
            for sat_name in walker_names(&name.value, count) {
                spans.push(name.span.clone());
                let set = sets.as_mut().and_then(Iterator::next);
                out.push(Declared {
                    def: set
                        .zip(hardware.clone())
                        .map(|(elements, hardware)| SatelliteDef {
                            name: sat_name.clone(),
                            elements,
                            hardware,
                            group: Some(name.value.clone()),
                        }),
                    name: sat_name,
                    group: Some(name.value.clone()),
                });
            }
        }
        let mut seen = BTreeSet::new();
        for (s, span) in out.iter().zip(&spans) {
            if !seen.insert(s.name.clone()) {
                self.ctx.error(
                    span.clone(),
                    format!("two satellites are named {:?}", s.name),
                    "satellite names must be unique (a walker's satellites are NAME-00, NAME-01, ...)",
                );
            }
        }
        if out.is_empty() && self.ctx.error_count() == 0 {
            self.ctx.error(
                0..0,
                "the scenario has no satellite",
                "add a [[satellite]] or a [[walker]]",
            );
        }
        out
    }

    /// The element set of a `[[satellite]]`: from `elements` (a file) and `object`, or inline
    /// `tle`; then `epoch_offset_s` and `mean_anomaly_offset_deg`; initialised once to check
    /// that SGP4 takes it.
    fn elements(&mut self, t: &Table<'_, '_>) -> Option<ElementSet> {
        let file = t.str("elements");
        let inline = t.str("tle");
        let object = t.str("object");
        let epoch_offset = t.f64_in("epoch_offset_s", -3.2e8..=3.2e8, "seconds within ±10 years");
        let phase = t.f64_in(
            "mean_anomaly_offset_deg",
            -360.0..=360.0,
            "degrees within ±360",
        );
        let (sets, source, at) = match (&file, &inline) {
            (Some(path), None) => {
                let (p, text) = self.read_text(path, "the element file")?;
                let sets = self.parse_elements(&text, &p, path)?;
                (sets, p.display().to_string(), path.clone())
            }
            (None, Some(text)) => {
                let sets = self.parse_elements(&text.value, std::path::Path::new("<tle>"), text)?;
                (sets, "the inline `tle`".to_string(), text.clone())
            }
            (Some(_), Some(text)) => {
                t.ctx().error(
                    text.span.clone(),
                    format!("{} has both `elements` and `tle`", t.what),
                    "give an element file or inline TLE lines, not both",
                );
                return None;
            }
            (None, None) => {
                t.missing(
                    "elements",
                    "an element file (TLE/3LE, OMM JSON or OMM CSV), or inline `tle`",
                );
                return None;
            }
        };
        let mut set = match &object {
            Some(id) => {
                let found = sets.iter().find(|s| {
                    s.object_id == id.value || s.name.as_deref() == Some(id.value.as_str())
                });
                let Some(found) = found else {
                    let have: Vec<String> = sets
                        .iter()
                        .map(|s| match &s.name {
                            Some(n) => format!("{} ({n})", s.object_id),
                            None => s.object_id.clone(),
                        })
                        .collect();
                    t.ctx().error(
                        id.span.clone(),
                        format!("object {:?} is not in {source}", id.value),
                        format!("expected one of: {}", have.join(", ")),
                    );
                    return None;
                };
                found.clone()
            }
            None if sets.len() == 1 => sets[0].clone(),
            None => {
                t.ctx().error(
                    at.span.clone(),
                    format!("{source} holds {} objects", sets.len()),
                    "choose one with `object = \"CATALOGUE NUMBER or NAME\"`",
                );
                return None;
            }
        };
        if let Some(dt) = epoch_offset {
            set.epoch += Duration::from_seconds(dt.value);
        }
        if let Some(dm) = phase {
            set.mean_anomaly_rad = (set.mean_anomaly_rad + dm.value.to_radians()).rem_euclid(TAU);
        }
        if let Err(e) = Propagator::new(&set) {
            t.ctx().push(
                t.ctx()
                    .diag(
                        at.span.clone(),
                        "SGP4 does not take this element set",
                        "expected elements SGP4 can initialise",
                    )
                    .caused_by(e),
            );
            return None;
        }
        Some(set)
    }

    fn parse_elements(
        &mut self,
        text: &str,
        path: &std::path::Path,
        at: &Sp<String>,
    ) -> Option<Vec<ElementSet>> {
        if let Some(sets) = self.element_files.get(path) {
            return Some(sets.clone());
        }
        match orbit::parse_elements(text, &path.display().to_string()) {
            Ok(sets) => {
                self.element_files.insert(path.to_path_buf(), sets.clone());
                Some(sets)
            }
            Err(e) => {
                self.ctx.push(
                    self.ctx
                        .diag(
                            at.span.clone(),
                            "the element sets do not parse",
                            "expected TLE/3LE lines, OMM JSON or OMM CSV",
                        )
                        .caused_by(e),
                );
                None
            }
        }
    }

    /// The element sets of a `[[walker]]`.
    fn walker(&mut self, t: &Table<'_, '_>, start: Epoch) -> Option<Vec<ElementSet>> {
        let inc = t.req_f64_in("inclination_deg", 0.0..=180.0, "degrees from 0 to 180");
        let alt = t.req_f64_in("altitude_km", 100.0..=100_000.0, "km from 100 to 100000");
        let total = t.req_int_in("total", 1, 10_000);
        let planes = t.req_int_in("planes", 1, 10_000);
        let phasing = t.req_int_in("phasing", 0, 10_000);
        let raan = t
            .f64_in("raan_deg", -360.0..=360.0, "degrees within ±360")
            .map_or(0.0, |x| x.value);
        let epoch = t.time("epoch").map_or(start, |e| e.value);
        let first = t
            .int_in("first_catalogue_number", 1, 999_999_999)
            .map_or(90_000, |x| x.value);
        let phase = t
            .f64_in(
                "mean_anomaly_offset_deg",
                -360.0..=360.0,
                "degrees within ±360",
            )
            .map_or(0.0, |x| x.value);
        let (inc, alt, total, planes, phasing) = (inc?, alt?, total?, planes?, phasing?);
        let walker = WalkerDelta {
            inclination_rad: inc.value.to_radians(),
            total_satellites: total.value as u32,
            planes: planes.value as u32,
            phasing: phasing.value as u32,
            altitude_km: alt.value,
            epoch,
            raan_offset_rad: raan.to_radians(),
        };
        match walker.element_sets(first as u64) {
            Ok(mut sets) => {
                for set in &mut sets {
                    set.mean_anomaly_rad =
                        (set.mean_anomaly_rad + phase.to_radians()).rem_euclid(TAU);
                }
                Some(sets)
            }
            Err(e) => {
                t.ctx().push(
                    t.ctx()
                        .diag(
                            total.span.start..phasing.span.end.max(total.span.end),
                            "not a Walker-delta pattern",
                            "expected T a multiple of P and 0 <= F < P",
                        )
                        .caused_by(e),
                );
                None
            }
        }
    }
}

/// The walkers: name and satellite indices.
pub fn groups(satellites: &[Declared]) -> Vec<(String, Vec<usize>)> {
    let mut out: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, s) in satellites.iter().enumerate() {
        if let Some(g) = &s.group {
            match out.iter_mut().find(|(n, _)| n == g) {
                Some((_, v)) => v.push(i),
                None => out.push((g.clone(), vec![i])),
            }
        }
    }
    out
}

/// Resolves satellite or walker names to satellite indices.
pub fn resolve_names(
    ctx: &Ctx,
    names: &[Sp<String>],
    sat_names: &[String],
    groups: &[(String, Vec<usize>)],
) -> Option<Vec<usize>> {
    let mut out = Vec::new();
    let mut ok = true;
    for n in names {
        if let Some(i) = sat_names.iter().position(|s| *s == n.value) {
            out.push(i);
        } else if let Some((_, members)) = groups.iter().find(|(g, _)| *g == n.value) {
            out.extend(members);
        } else {
            ok = false;
            ctx.error(
                n.span.clone(),
                format!("no satellite or walker named {:?}", n.value),
                format!(
                    "expected one of: {}",
                    sat_names
                        .iter()
                        .chain(groups.iter().map(|g| &g.0))
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
        }
    }
    out.sort_unstable();
    out.dedup();
    ok.then_some(out)
}

/// One satellite or walker name, or every satellite when absent.
pub fn selection(
    ctx: &Ctx,
    name: Option<&Sp<String>>,
    sat_names: &[String],
    groups: &[(String, Vec<usize>)],
) -> Option<Vec<usize>> {
    match name {
        Some(n) => resolve_names(ctx, std::slice::from_ref(n), sat_names, groups),
        None => Some((0..sat_names.len()).collect()),
    }
}
