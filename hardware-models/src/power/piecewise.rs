//! Piecewise-exact integration of the bus over one step: inputs are held constant, and the
//! step is split where the battery becomes full or reaches its protection floor, so each piece
//! has constant flows (at most three pieces per step, plus load shedding inside a piece).

use super::{PowerEvent, PowerSystem};

/// Which battery limit ends a piece of a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Limit {
    None,
    Full,
    Floor,
}

/// Constant bus flows during one piece of a step.
#[derive(Clone, Copy, Debug)]
struct Piece {
    /// Power delivered to the loads, W.
    load_w: f64,
    /// Power from the bus into the battery charger, W (≥ 0).
    charge_bus_w: f64,
    /// Power from the battery to the bus, W (≥ 0).
    discharge_bus_w: f64,
    /// Length of the piece, s.
    duration_s: f64,
    /// Battery limit reached at the end of the piece.
    limit: Limit,
}

impl PowerSystem {
    /// Integrates the bus over `dt_s` with the array power `array_available_w` held constant:
    /// a piece ends when the battery fills or reaches its floor, so at most three pieces per
    /// step (plus load shedding inside `next_piece`).
    pub(super) fn integrate(
        &mut self,
        array_available_w: f64,
        dt_s: f64,
        events: &mut Vec<PowerEvent>,
    ) {
        let mut remaining_s = dt_s;
        for _ in 0..4 {
            if remaining_s <= 0.0 {
                break;
            }
            let piece = self.next_piece(array_available_w, remaining_s, events);
            self.apply(&piece, array_available_w);
            remaining_s -= piece.duration_s;
        }
    }

    /// Flows for the next piece of the step, at most `remaining_s` long. Sheds loads when
    /// neither the arrays nor the battery can carry them.
    fn next_piece(
        &mut self,
        array_available_w: f64,
        remaining_s: f64,
        events: &mut Vec<PowerEvent>,
    ) -> Piece {
        let b = &self.params.battery;
        let (eta_ch, eta_dis) = (b.charge_efficiency, b.discharge_efficiency);
        let (max_charge_w, max_discharge_w) = (b.max_charge_power_w, b.max_discharge_power_w);
        let bus_available_w = self.params.regulator_efficiency * array_available_w;
        loop {
            let load_w = self.load_demand_w();
            if bus_available_w >= load_w {
                // The surplus charges the battery within the charge-rate limit and the room
                // left; the rest of the array power is curtailed.
                let room_j = self.battery.room_j();
                let charge_bus_w = if room_j > 0.0 {
                    (bus_available_w - load_w).min(max_charge_w)
                } else {
                    0.0
                };
                let stored_w = eta_ch * charge_bus_w;
                let (duration_s, limit) = if stored_w > 0.0 && stored_w * remaining_s >= room_j {
                    ((room_j / stored_w).min(remaining_s), Limit::Full)
                } else {
                    (remaining_s, Limit::None)
                };
                return Piece {
                    load_w,
                    charge_bus_w,
                    discharge_bus_w: 0.0,
                    duration_s,
                    limit,
                };
            }
            // The deficit comes from the battery, within its discharge limit and floor.
            let discharge_bus_w = load_w - bus_available_w;
            let available_j = self.battery.available_j();
            if discharge_bus_w > max_discharge_w || available_j <= 0.0 {
                if self.shed_one(events) {
                    continue;
                }
                // Every load is shed and there is still a deficit: impossible (zero demand is
                // always covered), kept total for robustness.
                return Piece {
                    load_w: 0.0,
                    charge_bus_w: 0.0,
                    discharge_bus_w: 0.0,
                    duration_s: remaining_s,
                    limit: Limit::None,
                };
            }
            let drawn_w = discharge_bus_w / eta_dis;
            let (duration_s, limit) = if drawn_w * remaining_s >= available_j {
                ((available_j / drawn_w).min(remaining_s), Limit::Floor)
            } else {
                (remaining_s, Limit::None)
            };
            return Piece {
                load_w,
                charge_bus_w: 0.0,
                discharge_bus_w,
                duration_s,
                limit,
            };
        }
    }

    /// Applies one piece to the battery and the ledger. Every term is derived from the bus
    /// balance  array·η_reg + discharge = loads + charge,  so each piece balances exactly; when
    /// a limit is reached the battery is set exactly to it and the stored energy booked is the
    /// difference.
    fn apply(&mut self, p: &Piece, array_available_w: f64) {
        let b = &self.params.battery;
        let d = p.duration_s;
        let load_j = p.load_w * d;
        let before_j = self.battery.energy_j();
        let (charge_bus_j, stored_j) = match p.limit {
            Limit::Full => {
                let stored_j = b.capacity_j() - before_j;
                self.battery.set_energy_j(b.capacity_j());
                (stored_j / b.charge_efficiency, stored_j)
            }
            _ => {
                let charge_bus_j = p.charge_bus_w * d;
                (charge_bus_j, b.charge_efficiency * charge_bus_j)
            }
        };
        let (discharge_bus_j, drawn_j) = match p.limit {
            Limit::Floor => {
                let drawn_j = before_j - self.battery.floor_j();
                self.battery.set_energy_j(self.battery.floor_j());
                (drawn_j * b.discharge_efficiency, drawn_j)
            }
            _ => {
                let discharge_bus_j = p.discharge_bus_w * d;
                (discharge_bus_j, discharge_bus_j / b.discharge_efficiency)
            }
        };
        if p.limit == Limit::None {
            self.battery.add_energy_j(stored_j - drawn_j);
        }
        // Bus balance: the arrays supply what the loads and the charger take beyond the
        // battery's contribution (SMAD §11.4 energy balance per piece).
        let bus_from_array_j = load_j + charge_bus_j - discharge_bus_j;
        let harvested_j = bus_from_array_j / self.params.regulator_efficiency;
        let l = &mut self.ledger;
        l.harvested_j += harvested_j;
        l.curtailed_j += (array_available_w * d - harvested_j).max(0.0);
        // Consumed = what the bus delivered (equal to load_j up to rounding at a limit).
        l.consumed_j += bus_from_array_j + discharge_bus_j - charge_bus_j;
        l.regulator_loss_j += harvested_j - bus_from_array_j;
        l.charge_loss_j += charge_bus_j - stored_j;
        l.discharge_loss_j += drawn_j - discharge_bus_j;
        for (s, lp) in self.loads.iter_mut().zip(&self.params.loads) {
            if s.powered() {
                s.supplied_w += s.demand_w(lp) * d;
            }
        }
    }
}
