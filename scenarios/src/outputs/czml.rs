//! `scene.czml`, the scene Cesium loads: a JSON array whose first packet is the document (with
//! the clock over the run), then one packet per station (a point at its WGS-84 location), per
//! satellite (positions in metres, Earth-fixed frame `FIXED`, Lagrange interpolation, a path
//! and a label), and per station/satellite pair that had contacts: a line between the two
//! whose `availability` is the list of contact intervals.

use std::collections::BTreeMap;

use hifitime::{Duration, Epoch};
use serde_json::{Value, json};

use crate::events::EventRecord;
use crate::model::Scenario;

/// Seconds as CZML writes sample times (milliseconds, trailing zeros dropped).
pub fn seconds(d: Duration) -> String {
    let ms = d.total_nanoseconds() / 1_000_000;
    let (whole, frac) = (ms / 1000, (ms % 1000).abs());
    if frac == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{frac:03}")
            .trim_end_matches('0')
            .to_string()
    }
}

fn iso(t: Epoch) -> String {
    orbit::format_utc(t)
}

fn id_of(kind: &str, name: &str) -> String {
    format!("{kind}/{name}")
}

/// A reference to an entity's property: `#` and `.` in the id are escaped with `\\`.
fn reference(id: &str, property: &str) -> String {
    let mut s = String::with_capacity(id.len() + property.len() + 2);
    for c in id.chars() {
        if c == '#' || c == '.' || c == '\\' {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('#');
    s.push_str(property);
    s
}

/// The opening `[`, the document packet and the stations.
pub fn preamble(s: &Scenario) -> String {
    let interval = format!("{}/{}", iso(s.start), iso(s.end()));
    let doc = json!({
        "id": "document",
        "name": s.name,
        "version": "1.0",
        "clock": {
            "interval": interval,
            "currentTime": iso(s.start),
            "multiplier": 60,
            "range": "LOOP_STOP",
            "step": "SYSTEM_CLOCK_MULTIPLIER"
        }
    });
    let mut out = format!("[\n{doc}");
    for st in &s.stations {
        let p = json!({
            "id": id_of("station", &st.name),
            "name": st.name,
            "position": {"cartographicDegrees": [
                st.location.lon_rad.to_degrees(),
                st.location.lat_rad.to_degrees(),
                st.location.alt_km * 1000.0
            ]},
            "point": {"pixelSize": 8, "color": {"rgba": [255, 200, 0, 255]}},
            "label": {"text": st.name, "font": "12px sans-serif", "pixelOffset": {"cartesian2": [10, 0]}}
        });
        out.push_str(",\n");
        out.push_str(&p.to_string());
    }
    out
}

/// A satellite packet with `samples` (`t,x,y,z,...`, seconds after `epoch`, metres). The
/// first packet of a satellite carries its label, point and path.
pub fn satellite_packet(name: &str, epoch: Epoch, samples: &str, first: bool) -> String {
    let id = serde_json::to_string(&id_of("satellite", name)).unwrap_or_default();
    let mut p = format!(",\n{{\"id\":{id}");
    if first {
        let n = serde_json::to_string(name).unwrap_or_default();
        p.push_str(&format!(
            ",\"name\":{n},\"label\":{{\"text\":{n},\"font\":\"11px sans-serif\",\"pixelOffset\":{{\"cartesian2\":[8,0]}}}},\"point\":{{\"pixelSize\":5,\"color\":{{\"rgba\":[120,220,255,255]}}}},\"path\":{{\"width\":1,\"leadTime\":0,\"trailTime\":5400,\"resolution\":60,\"material\":{{\"solidColor\":{{\"color\":{{\"rgba\":[120,220,255,160]}}}}}}}}"
        ));
    }
    p.push_str(&format!(
        ",\"position\":{{\"epoch\":\"{}\",\"referenceFrame\":\"FIXED\",\"interpolationAlgorithm\":\"LAGRANGE\",\"interpolationDegree\":5,\"cartesian\":[{samples}]}}}}",
        iso(epoch)
    ));
    p
}

/// Contact intervals per (satellite, station), from the events.
#[derive(Debug, Default)]
pub struct Contacts {
    open: BTreeMap<(usize, String), Epoch>,
    intervals: BTreeMap<(usize, String), Vec<(Epoch, Epoch)>>,
}

impl Contacts {
    /// Follows `contact_start` / `contact_end` events.
    pub fn event(&mut self, e: &EventRecord) {
        let (Some(sat), Some(station)) = (e.satellite, &e.station) else {
            return;
        };
        let key = (sat, station.clone());
        match e.kind {
            "contact_start" => {
                self.open.insert(key, e.time);
            }
            "contact_end" => {
                if let Some(start) = self.open.remove(&key) {
                    self.intervals.entry(key).or_default().push((start, e.time));
                }
            }
            _ => {}
        }
    }
}

/// The contact links and the closing `]`.
pub fn closing(s: &Scenario, contacts: &Contacts) -> String {
    let mut out = String::new();
    for ((sat, station), list) in &contacts.intervals {
        let Some(sat_name) = s.satellites.get(*sat).map(|x| x.name.as_str()) else {
            continue;
        };
        let availability: Vec<Value> = list
            .iter()
            .map(|(a, b)| Value::from(format!("{}/{}", iso(*a), iso(*b))))
            .collect();
        let p = json!({
            "id": format!("contact/{sat_name}/{station}"),
            "name": format!("{sat_name} - {station}"),
            "availability": availability,
            "polyline": {
                "positions": {"references": [
                    reference(&id_of("satellite", sat_name), "position"),
                    reference(&id_of("station", station), "position")
                ]},
                "width": 2,
                "arcType": "NONE",
                "material": {"solidColor": {"color": {"rgba": [0, 255, 120, 220]}}}
            }
        });
        out.push_str(",\n");
        out.push_str(&p.to_string());
    }
    out.push_str("\n]\n");
    out
}
