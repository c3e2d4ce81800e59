//! Onboard computer: the compute budget the guest runtime turns into fuel, memory and storage
//! sizes, busy-dependent power (a load on the bus and a heat source), boot time and watchdog.

use hifitime::Duration;
use serde::{Deserialize, Serialize};

use crate::error::{HardwareError, check};

/// Parameters of the onboard computer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComputerParams {
    /// Instructions executed per second when fully busy (the fuel rate of the guest runtime:
    /// one unit of wasm fuel ≈ one instruction), 1/s.
    pub instruction_rate_ips: f64,
    /// RAM available to applications, bytes.
    pub ram_bytes: u64,
    /// Non-volatile storage available to applications, bytes.
    pub storage_bytes: u64,
    /// Power when running idle, W.
    pub idle_power_w: f64,
    /// Power when fully busy (and while booting), W.
    pub busy_power_w: f64,
    /// Time from power-on or reset to running, s.
    pub boot_time_s: f64,
    /// The watchdog resets the computer when it is not kicked for this long, s.
    pub watchdog_timeout_s: f64,
    /// Power-system load that feeds the computer.
    #[serde(default)]
    pub power_load: Option<String>,
    /// Thermal node that receives its dissipation.
    #[serde(default)]
    pub thermal_node: Option<String>,
}

impl ComputerParams {
    /// Checks ranges.
    pub fn validate(&self) -> Result<(), HardwareError> {
        let m = "computer";
        check(
            self.instruction_rate_ips > 0.0,
            m,
            "instruction_rate_ips",
            self.instruction_rate_ips,
            "> 0",
        )?;
        check(
            self.ram_bytes > 0,
            m,
            "ram_bytes",
            self.ram_bytes as f64,
            "> 0",
        )?;
        check(
            self.idle_power_w >= 0.0,
            m,
            "idle_power_w",
            self.idle_power_w,
            ">= 0 W",
        )?;
        check(
            self.busy_power_w >= self.idle_power_w,
            m,
            "busy_power_w",
            self.busy_power_w,
            ">= idle_power_w",
        )?;
        check(
            self.boot_time_s >= 0.0,
            m,
            "boot_time_s",
            self.boot_time_s,
            ">= 0 s",
        )?;
        check(
            self.watchdog_timeout_s > 0.0,
            m,
            "watchdog_timeout_s",
            self.watchdog_timeout_s,
            "> 0 s",
        )
    }

    /// Electrical power at a busy fraction b (0..1), W. Linear utilisation model
    /// (Fan, Weber & Barroso, "Power provisioning for a warehouse-sized computer", ISCA 2007):
    ///   P(b) = P_idle + (P_busy − P_idle) · b
    pub fn power_w(&self, busy_fraction: f64) -> f64 {
        let b = if busy_fraction.is_finite() {
            busy_fraction.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.idle_power_w + (self.busy_power_w - self.idle_power_w) * b
    }
}

/// What the computer is doing.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ComputerMode {
    /// Unpowered.
    Off,
    /// Booting; running after the remaining time.
    Booting {
        /// Boot time left, s.
        remaining_s: f64,
    },
    /// Running applications.
    Running,
}

/// Inputs of one computer step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ComputerInputs {
    /// Whether the bus supplies the computer (its load is on and not shed).
    pub powered: bool,
    /// Fraction of the running time spent executing instructions, 0..1 (the hypervisor's
    /// fuel used / fuel offered over the step).
    pub busy_fraction: f64,
    /// Whether software kicked the watchdog during the step.
    pub watchdog_kicked: bool,
    /// Whether a reboot is commanded at the start of the step.
    pub reboot_requested: bool,
}

/// Something the computer did during a step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ComputerEvent {
    /// Power was removed.
    PoweredOff,
    /// Power came on; boot started.
    PoweredOn,
    /// A commanded reboot started.
    Rebooted,
    /// The watchdog expired and reset the computer.
    WatchdogReset,
    /// Boot finished; applications may run.
    Booted {
        /// Time into the step.
        after: Duration,
    },
}

/// Results of one computer step.
#[derive(Clone, Debug, PartialEq)]
pub struct ComputerOutputs {
    /// Average electrical power over the step (= heat dissipated), W.
    pub power_w: f64,
    /// Instructions the applications may execute in this step (the fuel budget).
    pub instruction_budget: u64,
    /// Time the computer was running during the step.
    pub running: Duration,
    /// Events, in order.
    pub events: Vec<ComputerEvent>,
}

/// State of the onboard computer.
#[derive(Clone, Debug)]
pub struct Computer {
    params: ComputerParams,
    mode: ComputerMode,
    since_kick_s: f64,
    instruction_carry: f64,
    boots: u64,
}

impl Computer {
    /// A computer that is running at the start (the simulation begins in orbit, booted).
    pub fn new(params: ComputerParams) -> Result<Self, HardwareError> {
        params.validate()?;
        Ok(Self {
            params,
            mode: ComputerMode::Running,
            since_kick_s: 0.0,
            instruction_carry: 0.0,
            boots: 0,
        })
    }

    /// Parameters.
    pub fn params(&self) -> &ComputerParams {
        &self.params
    }

    /// Current mode.
    pub fn mode(&self) -> ComputerMode {
        self.mode
    }

    /// Whether applications can run.
    pub fn is_running(&self) -> bool {
        self.mode == ComputerMode::Running
    }

    /// Number of boots (power-on, reboot, watchdog) since construction.
    pub fn boot_count(&self) -> u64 {
        self.boots
    }

    fn start_boot(&mut self) {
        self.mode = ComputerMode::Booting {
            remaining_s: self.params.boot_time_s,
        };
        self.since_kick_s = 0.0;
        self.boots += 1;
    }

    /// Advances the computer by `dt`. The power it reports is what it drew over the step.
    pub fn step(&mut self, dt: Duration, inputs: &ComputerInputs) -> ComputerOutputs {
        let dt_s = dt.to_seconds().max(0.0);
        let mut events = Vec::new();
        if !inputs.powered {
            if self.mode != ComputerMode::Off {
                events.push(ComputerEvent::PoweredOff);
            }
            self.mode = ComputerMode::Off;
            self.instruction_carry = 0.0;
            return ComputerOutputs {
                power_w: 0.0,
                instruction_budget: 0,
                running: Duration::ZERO,
                events,
            };
        }
        if self.mode == ComputerMode::Off {
            events.push(ComputerEvent::PoweredOn);
            self.start_boot();
        } else if inputs.reboot_requested {
            events.push(ComputerEvent::Rebooted);
            self.start_boot();
        }
        // Watchdog: counts while running; a kick during the step resets it at the step end.
        if self.mode == ComputerMode::Running && !inputs.watchdog_kicked {
            self.since_kick_s += dt_s;
            if self.since_kick_s >= self.params.watchdog_timeout_s {
                events.push(ComputerEvent::WatchdogReset);
                self.start_boot();
            }
        } else if inputs.watchdog_kicked {
            self.since_kick_s = 0.0;
        }
        let mut boot_s = 0.0;
        if let ComputerMode::Booting { remaining_s } = self.mode {
            boot_s = remaining_s.min(dt_s);
            let left = remaining_s - boot_s;
            if left <= 0.0 {
                self.mode = ComputerMode::Running;
                events.push(ComputerEvent::Booted {
                    after: Duration::from_seconds(boot_s),
                });
            } else {
                self.mode = ComputerMode::Booting { remaining_s: left };
            }
        }
        let running_s = if self.mode == ComputerMode::Running {
            dt_s - boot_s
        } else {
            0.0
        };
        // Booting draws busy power; running draws P(b).
        let energy_j = boot_s * self.params.busy_power_w
            + running_s * self.params.power_w(inputs.busy_fraction);
        // Fuel budget: rate × running time, the fractional instruction carried to the next
        // step so that long runs receive exactly rate × time.
        let exact = self.params.instruction_rate_ips * running_s + self.instruction_carry;
        let budget = exact.floor().max(0.0);
        self.instruction_carry = exact - budget;
        ComputerOutputs {
            power_w: if dt_s > 0.0 { energy_j / dt_s } else { 0.0 },
            instruction_budget: budget as u64,
            running: Duration::from_seconds(running_s),
            events,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> ComputerParams {
        ComputerParams {
            instruction_rate_ips: 2.5e8 + 0.3,
            ram_bytes: 512 << 20,
            storage_bytes: 8 << 30,
            idle_power_w: 1.0,
            busy_power_w: 3.0,
            boot_time_s: 20.0,
            watchdog_timeout_s: 30.0,
            power_load: None,
            thermal_node: None,
        }
    }

    fn run(busy: f64, kicked: bool, powered: bool) -> ComputerInputs {
        ComputerInputs {
            powered,
            busy_fraction: busy,
            watchdog_kicked: kicked,
            reboot_requested: false,
        }
    }

    #[test]
    fn val_analytic_power_is_linear_in_busy_fraction() {
        let p = params();
        assert_eq!(p.power_w(0.0), 1.0);
        assert_eq!(p.power_w(1.0), 3.0);
        assert_eq!(p.power_w(0.25), 1.5);
        assert_eq!(p.power_w(7.0), 3.0);
        assert_eq!(p.power_w(f64::NAN), 1.0);
    }

    #[test]
    fn val_analytic_instruction_budget_sums_exactly() {
        let mut c = Computer::new(params()).unwrap();
        let mut total: u64 = 0;
        for _ in 0..1000 {
            total += c
                .step(Duration::from_seconds(0.1), &run(0.5, true, true))
                .instruction_budget;
        }
        // 100 s at 250 000 000.3 IPS
        let expected = (2.5e8 + 0.3) * 100.0;
        assert!(
            (total as f64 - expected).abs() <= 1.0,
            "{total} vs {expected}"
        );
    }

    #[test]
    fn val_analytic_boot_and_watchdog() {
        let mut c = Computer::new(params()).unwrap();
        // Not kicked for 30 s: reset, 20 s boot at busy power, no instructions meanwhile.
        let mut reset_at = None;
        for k in 0..40 {
            let out = c.step(Duration::from_seconds(1.0), &run(0.0, false, true));
            if out.events.contains(&ComputerEvent::WatchdogReset) {
                reset_at = Some(k);
                assert_eq!(out.instruction_budget, 0);
                assert_eq!(out.power_w, 3.0);
                break;
            }
        }
        assert_eq!(reset_at, Some(29));
        let mut booted = false;
        for k in 0..25 {
            let out = c.step(Duration::from_seconds(1.0), &run(0.0, true, true));
            if let Some(ComputerEvent::Booted { after }) = out.events.first() {
                assert_eq!(k, 18); // 1 s of boot elapsed in the reset step, 19 s more
                assert_eq!(*after, Duration::from_seconds(1.0));
                booted = true;
                break;
            }
            assert_eq!(out.instruction_budget, 0);
        }
        assert!(booted && c.is_running() && c.boot_count() == 1);
        // Power loss and recovery.
        let out = c.step(Duration::from_seconds(1.0), &run(0.0, true, false));
        assert_eq!(out.events, vec![ComputerEvent::PoweredOff]);
        assert_eq!(out.power_w, 0.0);
        let out = c.step(Duration::from_seconds(25.0), &run(1.0, true, true));
        assert_eq!(out.events[0], ComputerEvent::PoweredOn);
        // 20 s boot at 3 W + 5 s running fully busy at 3 W.
        assert_eq!(out.power_w, 3.0);
        assert_eq!(out.running, Duration::from_seconds(5.0));
    }
}
