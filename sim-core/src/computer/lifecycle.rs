//! Lifecycle commands (install, update, start, stop, remove), migration, power and fault
//! injection.

use std::sync::Arc;

use hifitime::Duration;
use rand::Rng;

use super::config::{AppConfig, RestartPolicy, STOP_GRACE};
use super::error::ComputerError;
use super::execution::{
    Execution, FutureKind, ReactorState, StoreSpec, capture_state, command_future, new_store,
    reactor_init_future,
};
use super::onboard::{AppSlot, Live, OnboardComputer, Phase, Power};
use crate::abi_codes::{EV_START, EV_STOP, valid_name};
use crate::bus::app_bus::lock;
use crate::bus::app_settings::AppStyle;
use crate::bus::app_state::AppShared;
use crate::bus::events::{AppId, EventKind, FaultReason};
use crate::bus::vfs::{Vfs, fnv1a64};
use crate::hypervisor::guest_mem::GuestMem;
use crate::hypervisor::image::AppImage;
use crate::hypervisor::rewrite::MEMORY_EXPORT;
use crate::rng::chacha20_stream;
use crate::time::duration_to_ns;

/// An app in transit between computers (migration): image, configuration, files and, for a
/// reactor at rest, its memory and globals.
#[derive(Debug, Clone)]
pub struct AppPackage {
    /// How it was installed.
    pub config: AppConfig,
    /// The image.
    pub image: AppImage,
    /// Its files.
    pub files: Vfs,
    /// A reactor's state at rest (`None` for a command app, which restarts).
    pub state: Option<ReactorState>,
    /// It was enabled (running or scheduled) when it left.
    pub enabled: bool,
    pub(crate) subscribed: u32,
    pub(crate) timer_ns: Option<i64>,
}

impl AppPackage {
    /// Bytes to transfer: image, files and memory.
    pub fn transfer_bytes(&self) -> u64 {
        self.image.size_bytes() as u64
            + self.files.used_bytes()
            + self
                .state
                .as_ref()
                .map_or(0, |s| s.memory.len() as u64 + 16 * s.globals.len() as u64)
    }
}

impl OnboardComputer {
    /// Installs an image as app `config.name` (stopped; see [`Self::start`]).
    pub fn install(&mut self, image: &AppImage, config: AppConfig) -> Result<AppId, ComputerError> {
        let id = self.install_inner(image, config)?;
        let name = self.apps.last().map(|a| a.name.clone());
        self.event(name.as_deref(), EventKind::Installed);
        Ok(id)
    }

    fn install_inner(
        &mut self,
        image: &AppImage,
        config: AppConfig,
    ) -> Result<AppId, ComputerError> {
        if !valid_name(&config.name) {
            return Err(ComputerError::InvalidName { name: config.name });
        }
        if self.apps.iter().any(|a| a.name == config.name) {
            return Err(ComputerError::NameTaken { name: config.name });
        }
        if config.share == 0 {
            return Err(ComputerError::ZeroShare);
        }
        if !wasmtime::Engine::same(image.inner.module.engine(), self.hv.engine()) {
            return Err(ComputerError::ForeignImage);
        }
        let id = AppId(self.next_id);
        self.next_id += 1;
        let floor = self.vfloor_of(config.priority);
        let mut bus = lock(&self.bus);
        let sat = bus.satellite().to_string();
        let l = &config.limits;
        let stream = fnv1a64(format!("{sat}/{}", config.name).as_bytes());
        let slot = bus.add_app(AppShared::new(
            &config.name,
            image.style(),
            l,
            config.args.clone(),
            vec![
                format!("SKYTWIN_SATELLITE={sat}"),
                format!("SKYTWIN_APP={}", config.name),
            ],
            chacha20_stream(self.run_seed, stream),
            self.cursor_ns,
        ));
        drop(bus);
        self.apps.push(AppSlot {
            id,
            slot,
            name: config.name.clone(),
            shared_name: config.name.as_str().into(),
            image: image.clone(),
            config,
            enabled: false,
            phase: Phase::Stopped,
            vruntime: floor,
            consecutive_faults: 0,
            faults: 0,
            restarts: 0,
            live_since_ns: self.cursor_ns,
            tick_instructions: 0,
            refused_grows: Arc::new(std::sync::atomic::AtomicU32::new(0)),
            memory_bytes: Arc::new(std::sync::atomic::AtomicU64::new(0)),
        });
        Ok(id)
    }

    /// Replaces an app's image, keeping its files and configuration; a running app restarts
    /// with the new image.
    pub fn update(&mut self, id: AppId, image: &AppImage) -> Result<(), ComputerError> {
        let i = self.index(id)?;
        if !wasmtime::Engine::same(image.inner.module.engine(), self.hv.engine()) {
            return Err(ComputerError::ForeignImage);
        }
        let was_live = matches!(self.apps[i].phase, Phase::Live(_));
        self.kill(i);
        self.apps[i].image = image.clone();
        let style = image.style();
        if let Some(a) = lock(&self.bus).app_mut(self.apps[i].slot) {
            a.style = style;
        }
        let name = self.apps[i].name.clone();
        self.event(Some(&name), EventKind::Updated);
        if was_live || (self.apps[i].enabled && !matches!(self.apps[i].phase, Phase::Live(_))) {
            self.apps[i].phase = Phase::Stopped;
            if self.apps[i].enabled && self.power == Power::On {
                self.launch(i, None);
            }
        }
        Ok(())
    }

    /// Starts an app (and keeps it enabled across reboots). No effect on a running app.
    pub fn start(&mut self, id: AppId) -> Result<(), ComputerError> {
        let i = self.index(id)?;
        self.apps[i].enabled = true;
        if !matches!(self.apps[i].phase, Phase::Live(_)) && self.power == Power::On {
            self.apps[i].consecutive_faults = 0;
            self.launch(i, None);
        }
        Ok(())
    }

    /// Stops an app. A reactor at rest first gets `ST_EV_STOP` (within [`STOP_GRACE`]);
    /// a command app stops at once. Files are kept.
    pub fn stop(&mut self, id: AppId) -> Result<(), ComputerError> {
        let i = self.index(id)?;
        self.apps[i].enabled = false;
        let now = self.cursor_ns;
        let reactor = self.apps[i].image.style() == AppStyle::Reactor;
        let slot = self.apps[i].slot;
        match &mut self.apps[i].phase {
            Phase::Live(l) if reactor && l.suspended_since.is_none() => {
                if l.stopping_until.is_none() {
                    l.stopping_until = Some(now.saturating_add(duration_to_ns(STOP_GRACE)));
                    if let Some(a) = lock(&self.bus).app_mut(slot) {
                        a.latched |= EV_STOP;
                    }
                }
            }
            Phase::Stopped => {}
            _ => {
                self.kill(i);
                let name = self.apps[i].name.clone();
                self.event(Some(&name), EventKind::Stopped);
            }
        }
        Ok(())
    }

    /// Removes an app and its files at once.
    pub fn remove(&mut self, id: AppId) -> Result<(), ComputerError> {
        let i = self.index(id)?;
        self.detach(i, EventKind::Removed);
        Ok(())
    }

    /// Kills app `i` and takes it and its shared record (files, queues) off this computer,
    /// its queued downlink dropped, recording `kind`.
    fn detach(&mut self, i: usize, kind: EventKind) -> Option<AppShared> {
        self.kill(i);
        let a = self.apps.remove(i);
        let mut bus = lock(&self.bus);
        bus.drop_downlink_of(a.slot);
        let shared = bus.take_app(a.slot);
        let now = self.cursor_ns;
        bus.event(now, Some(&a.name), kind);
        shared
    }

    /// Moves an app out of this computer: a reactor at rest with its memory and globals, a
    /// command app (or a stopped one) with its files only. The app is removed here.
    pub fn migrate_out(&mut self, id: AppId) -> Result<AppPackage, ComputerError> {
        let i = self.index(id)?;
        let a = &mut self.apps[i];
        let image = a.image.clone();
        let state = match &mut a.phase {
            Phase::Live(l) => match &mut l.execution {
                Execution::AtRest {
                    store, instance, ..
                } => Some(capture_state(&image, instance, store)),
                Execution::InFlight { .. } if image.style() == AppStyle::Reactor => {
                    return Err(ComputerError::NotAtRest {
                        name: a.name.clone(),
                    });
                }
                Execution::InFlight { .. } => None,
            },
            _ => None,
        };
        let (config, enabled) = (a.config.clone(), a.enabled);
        let (files, subscribed, timer_ns) = match self.detach(i, EventKind::MigratedOut) {
            Some(s) => (s.vfs, s.subscribed, s.timer_ns),
            None => (Vfs::new(config.limits.storage_bytes), 0, None),
        };
        Ok(AppPackage {
            files,
            subscribed,
            timer_ns,
            config,
            image,
            state,
            enabled,
        })
    }

    /// Installs an app arriving from another computer; a reactor with state resumes at rest
    /// with its memory and globals (no `ST_EV_START`), a command app restarts with its files.
    pub fn migrate_in(&mut self, pkg: AppPackage) -> Result<AppId, ComputerError> {
        let AppPackage {
            config,
            image,
            files,
            state,
            enabled,
            subscribed,
            timer_ns,
        } = pkg;
        let quota_bytes = config.limits.storage_bytes;
        let id = self.install_inner(&image, config)?;
        let i = self.apps.len() - 1;
        let slot = self.apps[i].slot;
        if let Some(a) = lock(&self.bus).app_mut(slot) {
            a.vfs = files;
            a.vfs.set_quota_bytes(quota_bytes);
        }
        let with_state = state.is_some();
        self.apps[i].enabled = enabled;
        if enabled && self.power == Power::On {
            self.launch(i, state);
            if with_state && let Some(a) = lock(&self.bus).app_mut(slot) {
                a.subscribed = subscribed;
                a.timer_ns = timer_ns;
            }
        }
        let name = self.apps[i].name.clone();
        self.event(Some(&name), EventKind::MigratedIn { with_state });
        Ok(id)
    }

    /// Flips `bits` random bits (seeded by `seed`) in an app's linear memory: at once for a
    /// reactor at rest, otherwise at the app's next host call. Returns the bits scheduled.
    pub fn flip_memory_bits(
        &mut self,
        id: AppId,
        bits: u32,
        seed: u64,
    ) -> Result<u32, ComputerError> {
        let i = self.index(id)?;
        let mut rng = chacha20_stream(seed, u64::from(id.0));
        let slot = self.apps[i].slot;
        let name = self.apps[i].name.clone();
        let flips = |size: u64, rng: &mut rand_chacha::ChaCha20Rng| -> Vec<(u64, u8)> {
            if size == 0 {
                return Vec::new();
            }
            (0..bits)
                .map(|_| (rng.random_range(0..size), 1u8 << rng.random_range(0..8u32)))
                .collect()
        };
        let n = match &mut self.apps[i].phase {
            Phase::Live(Live {
                execution:
                    Execution::AtRest {
                        store, instance, ..
                    },
                ..
            }) => {
                let Some(mem) = instance.get_memory(&mut *store, MEMORY_EXPORT) else {
                    return Ok(0);
                };
                let list = flips(mem.data_size(&*store) as u64, &mut rng);
                let mut gm = GuestMem::new(mem.data_mut(&mut *store));
                list.iter().filter(|(o, m)| gm.flip(*o, *m)).count() as u32
            }
            Phase::Live(_) => {
                let mut bus = lock(&self.bus);
                let Some(a) = bus.app_mut(slot) else {
                    return Ok(0);
                };
                let list = flips(a.memory_bytes, &mut rng);
                let n = list.len() as u32;
                a.pending_flips.extend(list);
                n
            }
            _ => 0,
        };
        if n > 0 {
            self.event(Some(&name), EventKind::MemoryBitFlips { bits: n });
        }
        Ok(n)
    }

    /// Whether the computer is on (not off, not booting).
    pub fn is_powered(&self) -> bool {
        self.power == Power::On
    }

    /// Hangs the hypervisor (fault injection: a deadlock or an endless loop in the flight
    /// software beneath the apps). From now on no app runs, no timer or watchdog of an app is
    /// served, the CPU spins (fully busy), and the hypervisor no longer kicks the hardware
    /// watchdog, whose reset ([`Self::reboot`]) — or any loss of power — ends the hang. No
    /// effect on a computer that is off or booting.
    pub fn hang(&mut self) {
        if self.power == Power::On && !self.hung {
            self.hung = true;
            self.event(None, EventKind::Hung);
        }
    }

    /// Whether the hypervisor is running, kicking the hardware watchdog: powered on (or
    /// booting) and not hung.
    pub fn kicks_watchdog(&self) -> bool {
        !self.hung && !matches!(self.power, Power::Off { .. })
    }

    /// Cuts power: every app loses its RAM state (files survive); enabled apps restart after
    /// [`Self::power_on`] and the boot time.
    pub fn power_off(&mut self) {
        for i in 0..self.apps.len() {
            self.kill(i);
        }
        self.hung = false;
        self.power = Power::Off { on_at_ns: None };
        self.event(None, EventKind::PoweredOff);
    }

    /// Restores power: the computer boots for `boot_time`, then enabled apps start.
    pub fn power_on(&mut self) {
        if let Power::Off { .. } = self.power {
            let until_ns = self
                .cursor_ns
                .saturating_add(duration_to_ns(self.spec.boot_time));
            self.power = Power::Booting { until_ns };
            self.event(None, EventKind::Booting);
        }
    }

    /// Reboots: power off and on (apps restart after the boot time).
    pub fn reboot(&mut self) {
        self.power_off();
        self.power_on();
    }

    /// A brown-out: power is lost now and returns after `off`, then the computer boots.
    pub fn brown_out(&mut self, off: Duration) {
        self.power_off();
        self.power = Power::Off {
            on_at_ns: Some(self.cursor_ns.saturating_add(duration_to_ns(off).max(0))),
        };
    }

    /// Creates a fresh store and future for app `i` (or restores a reactor's state).
    pub(crate) fn launch(&mut self, i: usize, restore: Option<ReactorState>) {
        self.launch_as(i, restore, EventKind::Started);
    }

    /// [`Self::launch`], recording `event`.
    pub(crate) fn launch_as(&mut self, i: usize, restore: Option<ReactorState>, event: EventKind) {
        let now = self.cursor_ns;
        let quantum = self.hv.config().quantum_instructions;
        let floor = self.vfloor_of(self.apps[i].config.priority);
        let a = &mut self.apps[i];
        let restoring = restore.is_some();
        {
            let mut bus = lock(&self.bus);
            if let Some(s) = bus.app_mut(a.slot) {
                s.reset_execution(now);
                if a.image.style() == AppStyle::Reactor && !restoring {
                    s.latched |= EV_START;
                }
            }
        }
        let spec = StoreSpec {
            memory_cap_bytes: a.config.limits.memory_bytes,
            table_elements: a.config.limits.table_elements,
            quantum,
            refused_grows: a.refused_grows.clone(),
            memory_bytes: a.memory_bytes.clone(),
        };
        let store = match new_store(&a.image, &self.bus, a.slot, &self.ram, &spec) {
            Ok(s) => s,
            Err(e) => {
                self.fault(
                    i,
                    FaultReason::Instantiation {
                        message: e.to_string(),
                    },
                );
                return;
            }
        };
        let (fut, kind) = match a.image.style() {
            AppStyle::Command => (command_future(a.image.clone(), store), FutureKind::Command),
            AppStyle::Reactor => (
                reactor_init_future(a.image.clone(), store, restore),
                FutureKind::ReactorInit,
            ),
        };
        a.phase = Phase::Live(Live {
            execution: Execution::InFlight { fut, kind },
            suspended_since: None,
            stopping_until: None,
            stop_delivered: false,
        });
        a.live_since_ns = now;
        a.vruntime = a.vruntime.max(floor);
        let name = a.name.clone();
        self.event(Some(&name), event);
    }

    /// Drops app `i`'s execution (RAM state), flushing its stdout/stderr; phase → stopped.
    pub(crate) fn kill(&mut self, i: usize) {
        let old = std::mem::replace(&mut self.apps[i].phase, Phase::Stopped);
        if let Phase::Live(l) = old {
            drop(l);
            let now = self.cursor_ns;
            let slot = self.apps[i].slot;
            let mut bus = lock(&self.bus);
            bus.flush_stdio(slot, now);
            if let Some(a) = bus.app_mut(slot) {
                a.execution.block = None;
                a.execution.wake = None;
            }
        }
    }

    /// Faults app `i`: event, then the restart policy.
    pub(crate) fn fault(&mut self, i: usize, reason: FaultReason) {
        let now = self.cursor_ns;
        self.kill(i);
        let a = &mut self.apps[i];
        a.faults += 1;
        let name = a.name.clone();
        let next = match a.config.restart {
            RestartPolicy::Never => None,
            RestartPolicy::Always { delay } => Some(duration_to_ns(delay)),
            RestartPolicy::Backoff { initial, max } => {
                let max_ns = duration_to_ns(max);
                if now.saturating_sub(a.live_since_ns) >= max_ns {
                    a.consecutive_faults = 0;
                }
                let shift = a.consecutive_faults.min(40);
                Some(
                    duration_to_ns(initial)
                        .saturating_mul(1i64 << shift)
                        .min(max_ns),
                )
            }
        };
        a.consecutive_faults += 1;
        let attempt = a.consecutive_faults;
        a.phase = match next {
            Some(delay) if a.enabled => {
                Phase::RestartAt(now.saturating_add(delay.max(0)), reason.clone())
            }
            _ => Phase::Faulted(reason.clone()),
        };
        let restart_at = if let Phase::RestartAt(t, _) = a.phase {
            Some(t)
        } else {
            None
        };
        let mut bus = lock(&self.bus);
        bus.event(now, Some(&name), EventKind::Faulted { reason });
        if let Some(at_unix_ns) = restart_at {
            bus.event(
                now,
                Some(&name),
                EventKind::RestartScheduled {
                    at_unix_ns,
                    attempt,
                },
            );
        }
    }
}
