//! What happens between satellites at a step boundary: inter-satellite messages and migrating
//! apps move over the ISL at the link-budget rate while sender and receiver see each other,
//! fly for the light time, and are delivered — in satellite order, then arrival order.

use hardware_models::link::{LinkGeometry, light_time};
use hardware_models::satellite::Antenna;
use hifitime::Epoch;
use orbit::line_of_sight;

use super::report::{SimEvent, SimEventKind, StepReport};
use super::satellite::Satellite;
use super::simulation::Simulation;
use super::transfer::{InFlight, TransferKind};

impl Simulation {
    /// At the step boundary `t_end`: ISL transfers progress while sender and receiver see each
    /// other, completed ones fly for the light time, arrivals are delivered. All in satellite
    /// order, then arrival order.
    pub(super) fn exchange_isl(&mut self, t_end: Epoch, report: &mut StepReport) {
        if self.isl_idle() {
            self.isl_links.clear();
            return;
        }
        let mut active = std::mem::take(&mut self.isl_active);
        self.send_isl_queues(t_end, &mut active);
        // ISL terminals that carried data draw their power in the next step.
        for (sat, &on) in self.satellites.iter_mut().zip(&active) {
            let id = sat.isl_load;
            sat.switch_load(id, on, "on");
        }
        self.isl_active = active;
        self.deliver_isl_arrivals(t_end, report);
    }

    /// Whether the exchange has nothing to do: nothing in flight, and no satellite with an ISL
    /// transfer queued or its ISL terminal on (so no terminal to switch off either).
    fn isl_idle(&self) -> bool {
        self.in_flight.is_empty() && self.satellites.iter().all(Satellite::isl_quiet)
    }

    /// Moves every satellite's ISL queue forward by what its link carries in a step (the
    /// budget of the first link used, shared by the queue in order); completed transfers
    /// leave for their light time. Sets `active[i]` when satellite i's terminal carried data.
    fn send_isl_queues(&mut self, t_end: Epoch, active: &mut Vec<bool>) {
        active.clear();
        active.resize(self.satellites.len(), false);
        self.isl_links.clear();
        for i in 0..self.satellites.len() {
            let mut budget: Option<u64> = None;
            while let Some(front) = self.satellites[i].isl_tx.front() {
                let to = match &front.kind {
                    TransferKind::Isl(m) => self
                        .satellites
                        .iter()
                        .position(|s| *s.name == *m.to_satellite),
                    TransferKind::Migration { to, .. } => Some(*to),
                    _ => None,
                };
                let Some(j) = to.filter(|&j| !self.satellites[j].lost && !self.satellites[i].lost)
                else {
                    self.satellites[i].isl_tx.pop_front();
                    continue;
                };
                if i != j && !self.isl_link_up(i, j) {
                    break;
                }
                let (pa, pb) = (self.satellites[i].pos_eci_km, self.satellites[j].pos_eci_km);
                let range_km = (pb - pa).norm();
                let bytes = *budget.get_or_insert_with(|| self.isl_step_bytes(i, j));
                let Some(front) = self.satellites[i].isl_tx.front_mut() else {
                    break;
                };
                let n = front.bytes_left.min(bytes);
                if n > 0 && i != j {
                    active[i] = true;
                    active[j] = true;
                    if !self.isl_links.contains(&(i, j)) {
                        self.isl_links.push((i, j));
                    }
                }
                front.bytes_left -= n;
                budget = Some(bytes - n);
                if front.bytes_left > 0 {
                    break;
                }
                let Some(done) = self.satellites[i].isl_tx.pop_front() else {
                    break;
                };
                self.seq += 1;
                self.in_flight.push(InFlight {
                    arrive: t_end + light_time(range_km),
                    seq: self.seq,
                    to: j,
                    bytes: done.total_bytes,
                    kind: done.kind,
                });
            }
        }
    }

    /// Whether satellites `i` and `j` can talk: both ISL terminals powered (not shed) and a
    /// line of sight that clears the grazing altitude.
    fn isl_link_up(&self, i: usize, j: usize) -> bool {
        let (a, b) = (&self.satellites[i], &self.satellites[j]);
        a.load_available(a.isl_load)
            && b.load_available(b.isl_load)
            && line_of_sight(
                &a.pos_eci_km,
                &b.pos_eci_km,
                self.config.isl_grazing_altitude_km,
            )
    }

    /// Bytes the ISL from satellite `i` to `j` carries in one step: `⌊rate · Δt / 8⌋` at the
    /// link budget's rate for the range and both antennas' off-boresight angles (unlimited
    /// from a satellite to itself).
    fn isl_step_bytes(&self, i: usize, j: usize) -> u64 {
        if i == j {
            return u64::MAX;
        }
        let (a, b) = (&self.satellites[i], &self.satellites[j]);
        let (pa, pb) = (a.pos_eci_km, b.pos_eci_km);
        // A part of either spacecraft in the line of sight: no link.
        if a.hw
            .antenna_line_of_sight_blocked(Antenna::InterSatellite, &(pb - pa))
            || b.hw
                .antenna_line_of_sight_blocked(Antenna::InterSatellite, &(pa - pb))
        {
            return 0;
        }
        let tx =
            a.hw.antenna_off_boresight_rad(Antenna::InterSatellite, &(pb - pa));
        let rx =
            b.hw.antenna_off_boresight_rad(Antenna::InterSatellite, &(pa - pb));
        let rate =
            a.hw.isl
                .evaluate(&LinkGeometry {
                    range_km: (pb - pa).norm(),
                    elevation_rad: None,
                    tx_off_boresight_rad: tx,
                    rx_off_boresight_rad: rx,
                })
                .rate_bps
                .max(0.0);
        (rate * self.config.step.to_seconds() / 8.0).floor() as u64
    }

    /// Delivers what has arrived by the end of this step (the next step's start), in arrival
    /// order: messages to their app's inbox, migrating apps installed.
    fn deliver_isl_arrivals(&mut self, t_end: Epoch, report: &mut StepReport) {
        self.in_flight.sort_by(|a, b| {
            (a.arrive, a.seq)
                .partial_cmp(&(b.arrive, b.seq))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let horizon = t_end + self.config.step;
        let (now, later): (Vec<InFlight>, Vec<InFlight>) = std::mem::take(&mut self.in_flight)
            .into_iter()
            .partition(|f| f.arrive < horizon);
        self.in_flight = later;
        for f in now {
            let sat = &mut self.satellites[f.to];
            let kind = match f.kind {
                TransferKind::Isl(msg) => {
                    let from = msg.from.clone();
                    let delivered = sat.computer.deliver_isl(msg);
                    SimEventKind::IslDelivered {
                        from,
                        bytes: f.bytes,
                        delivered,
                    }
                }
                TransferKind::Migration { package, .. } => {
                    let app = package.config.name.clone();
                    let result = sat
                        .computer
                        .migrate_in(*package)
                        .map(|_| ())
                        .map_err(|e| e.to_string());
                    SimEventKind::MigrationComplete {
                        app,
                        bytes: f.bytes,
                        result,
                    }
                }
                TransferKind::Command { .. } | TransferKind::Upload { .. } => continue,
            };
            report.events.push(SimEvent {
                time: f.arrive,
                satellite: sat.name.to_string(),
                kind,
            });
        }
    }
}
