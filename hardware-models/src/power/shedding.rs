//! Load management: safe mode (state-of-charge hysteresis), brownout shedding and the
//! re-evaluation of brownout-shed loads at the start of each step.

use super::{LoadId, PowerEvent, PowerSystem, ShedCause};

/// A load shed by a brownout is reconnected only if the battery discharge power it then needs
/// stays at or below this fraction of `max_discharge_power_w` (it is shed above 100 %): a 10 %
/// hysteresis band, so a load near the limit is not shed and reconnected every step.
pub const BROWNOUT_RESTORE_DISCHARGE_FRACTION: f64 = 0.9;

/// A load shed by a brownout that needs the battery to run is reconnected only when the
/// battery holds at least this fraction of its capacity above its protection floor (loads are
/// shed at the floor): the recovery hysteresis of an under-voltage lockout.
pub const BROWNOUT_RESTORE_SOC_MARGIN: f64 = 0.02;

impl PowerSystem {
    /// Safe-mode transitions from the state of charge at the start of a step.
    pub(super) fn update_safe_mode(&mut self, events: &mut Vec<PowerEvent>) {
        let soc = self.battery.soc();
        let sm = &self.params.safe_mode;
        if !self.safe_mode && soc <= sm.enter_soc {
            self.safe_mode = true;
            events.push(PowerEvent::SafeModeEntered { soc });
        } else if self.safe_mode && soc >= sm.exit_soc {
            self.safe_mode = false;
            events.push(PowerEvent::SafeModeExited { soc });
            // Loads shed by a brownout are not restored here but by `restore_brownout_loads`,
            // which checks that the bus can carry them.
            for (i, l) in self.loads.iter_mut().enumerate() {
                if l.shed == Some(ShedCause::SafeMode) {
                    l.shed = None;
                    events.push(PowerEvent::LoadRestored { load: LoadId(i) });
                }
            }
        }
        if self.safe_mode {
            let kept = sm.max_priority_kept;
            for (i, (l, p)) in self.loads.iter_mut().zip(&self.params.loads).enumerate() {
                if p.priority > kept && l.shed.is_none() {
                    l.shed = Some(ShedCause::SafeMode);
                    events.push(PowerEvent::LoadShed {
                        load: LoadId(i),
                        cause: ShedCause::SafeMode,
                    });
                }
            }
        }
    }

    /// Total demand of the powered loads, W.
    pub(super) fn load_demand_w(&self) -> f64 {
        self.loads
            .iter()
            .zip(&self.params.loads)
            .filter(|(l, _)| l.powered())
            .map(|(l, p)| l.demand_w(p))
            .sum()
    }

    /// Reconnects loads shed by a brownout, most important first (smallest priority number;
    /// among equals the one declared first, the reverse of the shedding order), while the bus
    /// can carry them with a margin, given the array power `bus_available_w` of this step:
    ///   deficit = Σ demand (with the load) − bus_available
    ///   restore if  deficit ≤ 0  (the arrays carry it), or
    ///               deficit ≤ f_rate · P_discharge,max  and  E − E_floor ≥ m_soc · E_capacity
    /// (f_rate = [`BROWNOUT_RESTORE_DISCHARGE_FRACTION`], m_soc =
    /// [`BROWNOUT_RESTORE_SOC_MARGIN`]). The first load that does not fit stops the pass, so
    /// the priority order holds. A load that is switched off costs nothing and is released
    /// from shedding at once. In safe mode, loads that safe mode would shed stay shed.
    pub(super) fn restore_brownout_loads(
        &mut self,
        bus_available_w: f64,
        events: &mut Vec<PowerEvent>,
    ) {
        if !self
            .loads
            .iter()
            .any(|l| l.shed == Some(ShedCause::Brownout))
        {
            return;
        }
        let b = &self.params.battery;
        let energy_ok = self.battery.available_j() >= BROWNOUT_RESTORE_SOC_MARGIN * b.capacity_j();
        let max_deficit_w = BROWNOUT_RESTORE_DISCHARGE_FRACTION * b.max_discharge_power_w;
        let kept = if self.safe_mode {
            self.params.safe_mode.max_priority_kept
        } else {
            u8::MAX
        };
        let mut demand_w = self.load_demand_w();
        // Candidates in restoration order, found by repeated minimum search (a handful of
        // loads; no allocation).
        let mut last: Option<(u8, usize)> = None;
        loop {
            let next = self
                .loads
                .iter()
                .zip(&self.params.loads)
                .enumerate()
                .filter(|(_, (l, p))| l.shed == Some(ShedCause::Brownout) && p.priority <= kept)
                .map(|(i, (_, p))| (p.priority, i))
                .filter(|key| last.is_none_or(|k| *key > k))
                .min();
            let Some(key) = next else { break };
            last = Some(key);
            let i = key.1;
            let l = &self.loads[i];
            let extra_w = if l.on {
                l.demand_w(&self.params.loads[i])
            } else {
                0.0
            };
            let deficit_w = demand_w + extra_w - bus_available_w;
            let fits =
                extra_w <= 0.0 || deficit_w <= 0.0 || (energy_ok && deficit_w <= max_deficit_w);
            if !fits {
                break;
            }
            self.loads[i].shed = None;
            demand_w += extra_w;
            events.push(PowerEvent::LoadRestored { load: LoadId(i) });
        }
    }

    /// Sheds the least important powered load (largest priority number; among equals the one
    /// declared last). Returns false when nothing is left to shed.
    pub(super) fn shed_one(&mut self, events: &mut Vec<PowerEvent>) -> bool {
        let victim = self
            .loads
            .iter()
            .zip(&self.params.loads)
            .enumerate()
            .filter(|(_, (l, p))| l.powered() && l.demand_w(p) > 0.0)
            .max_by_key(|(i, (_, p))| (p.priority, *i))
            .map(|(i, _)| i);
        match victim {
            Some(i) => {
                self.loads[i].shed = Some(ShedCause::Brownout);
                events.push(PowerEvent::LoadShed {
                    load: LoadId(i),
                    cause: ShedCause::Brownout,
                });
                true
            }
            None => false,
        }
    }
}
