#!/usr/bin/env python3
"""Generate the Basilisk golden data that skytwin's power and heat-load tests compare against.

Basilisk (bsk on PyPI, AVS Lab, University of Colorado) runs its own modules on inputs this
script writes as messages at every step: a spacecraft on a circular 500 km, 51.6 deg orbit,
nadir pointing (body +z to nadir, +x along track), the Sun fixed in inertial space at 1 AU.

  * power.csv: `eclipse` (shadow factor of the conical Earth shadow), three
    `simpleSolarPanel`s, a `simplePowerSink` and a `simpleBattery` every 10 s for two orbits;
  * albedo.csv: `albedo` (Lambertian Earth of average albedo 0.30 on a 1 deg grid) incident
    flux on plates of five orientations, every 60 s for one orbit;
  * thermal.csv: `sensorThermal` (one insulated plate facing zenith, with a heat input),
    integrated at 1 s and at 2 s steps for one orbit, recorded every 10 s.

Run from anywhere (paths are relative to the repository root):

    python3 -m pip install -r tools/basilisk/requirements.txt
    python3 tools/basilisk/generate.py

Basilisk conventions the Rust tests must know:
  * simpleBattery adds, at step k, the node powers read at t_k times (t_k - t_{k-1}): the
    power at the end of each interval. The Rust test therefore feeds step k with the inputs
    at t_k.
  * simpleSolarPanel: P = A eta S cos(theta) * shadowFactor with S = 1361 W/m2 (1 AU/d)^2 and
    cos(theta) floored at 0; positions in metres.
  * sensorThermal (bsk 2.12.1, checked below by `sensor_thermal_constants`): forward Euler,
    T_k = T_{k-1} + dt (Q_in(t_k) - eps A sigma T_{k-1}^4) / (m c), temperatures in deg C,
    with its own constants S = 1366 W/m2 (no distance term) and sigma = 5.76051e-8
    W/(m2 K4) -- 1.59 % above the CODATA value 5.670374419e-8. Times are truncated to whole
    seconds, so the step must be a whole number of seconds.
"""

import csv
import sys
from pathlib import Path

import numpy as np
from Basilisk.architecture import astroConstants, messaging
from Basilisk.simulation import (
    albedo,
    eclipse,
    sensorThermal,
    simpleBattery,
    simplePowerSink,
    simpleSolarPanel,
)
from Basilisk.utilities import RigidBodyKinematics as rbk
from Basilisk.utilities import SimulationBaseClass, macros

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "hardware-models" / "tests" / "data" / "basilisk"

MU_KM3_S2 = astroConstants.MU_EARTH  # 398600.436
RADIUS_KM = astroConstants.REQ_EARTH + 500.0
INCLINATION = np.radians(51.6)
# Unit vector to the Sun (fixed): in the orbit's plane-ish, so that the orbit has long eclipses.
SUN_HAT = np.array([np.cos(np.radians(20.0)), np.sin(np.radians(20.0)) * np.cos(np.radians(23.44)),
                    np.sin(np.radians(20.0)) * np.sin(np.radians(23.44))])
SUN_KM = astroConstants.AU * SUN_HAT

PANELS = [  # (name, normal in body, area m2, efficiency)
    ("zenith", (0.0, 0.0, -1.0), 0.06, 0.30),
    ("port", (0.0, 1.0, 0.0), 0.03, 0.28),
    ("tilted", (0.0, -np.sqrt(0.5), -np.sqrt(0.5)), 0.04, 0.29),
]
LOAD_W = 6.0
CAPACITY_J = 20.0 * 3600.0
INITIAL_J = 18.0 * 3600.0

PLATES = [  # (name, normal in body) for the albedo flux
    ("nadir", (0.0, 0.0, 1.0)),
    ("zenith", (0.0, 0.0, -1.0)),
    ("ram", (1.0, 0.0, 0.0)),
    ("side", (0.0, 1.0, 0.0)),
    ("tilted_45", (0.0, np.sqrt(0.5), np.sqrt(0.5))),
]
ALBEDO = 0.30


def state(t_s):
    """Position (km), velocity (km/s) and DCM [BN] (rows: body axes in N) at t."""
    n = np.sqrt(MU_KM3_S2 / RADIUS_KM ** 3)
    u = n * t_s
    ci, si = np.cos(INCLINATION), np.sin(INCLINATION)
    r_hat = np.array([np.cos(u), np.sin(u) * ci, np.sin(u) * si])
    v_hat = np.array([-np.sin(u), np.cos(u) * ci, np.cos(u) * si])
    z_b = -r_hat
    x_b = v_hat
    y_b = np.cross(z_b, x_b)
    return RADIUS_KM * r_hat, RADIUS_KM * n * v_hat, np.vstack([x_b, y_b, z_b])


def messages():
    """Spacecraft, Sun and Earth messages (positions in metres)."""
    sc = messaging.SCStatesMsg()
    sun_payload = messaging.SpicePlanetStateMsgPayload()
    sun_payload.PositionVector = list(SUN_KM * 1e3)
    sun_payload.PlanetName = "sun"
    sun = messaging.SpicePlanetStateMsg().write(sun_payload)
    earth_payload = messaging.SpicePlanetStateMsgPayload()
    earth_payload.PositionVector = [0.0, 0.0, 0.0]
    earth_payload.J20002Pfix = np.eye(3).tolist()
    earth_payload.PlanetName = "earth"
    earth = messaging.SpicePlanetStateMsg().write(earth_payload)
    return sc, sun, earth


def write_sc(sc, t_s, t_ns):
    r_km, v_km_s, bn = state(t_s)
    payload = messaging.SCStatesMsgPayload()
    payload.r_BN_N = list(r_km * 1e3)
    payload.v_BN_N = list(v_km_s * 1e3)
    payload.sigma_BN = list(rbk.C2MRP(bn))
    sc.write(payload, t_ns)
    return r_km, bn


def new_sim(dt_s):
    """A simulation with one task stepping every dt_s, and the spacecraft, Sun and Earth
    messages."""
    sim = SimulationBaseClass.SimBaseClass()
    sim.CreateNewProcess("process").addTask(sim.CreateNewTask("step", macros.sec2nano(dt_s)))
    return (sim, *messages())


def add_eclipse(sim, sc, sun, earth):
    ecl = eclipse.Eclipse()
    ecl.sunInMsg.subscribeTo(sun)
    ecl.addPlanetToModel(earth)
    ecl.addSpacecraftToModel(sc)
    sim.AddModelToTask("step", ecl, 100)
    return ecl


def run(sim, sc, dt_s, steps, sample):
    """Steps the simulation to t_k = k dt_s, k = 0..steps, writing the spacecraft state at t_k
    before each step; returns [sample(t_k, position km, [BN])]."""
    out = []
    for k in range(steps + 1):
        t_s = k * dt_s
        t_ns = macros.sec2nano(t_s)
        r_km, bn = write_sc(sc, t_s, t_ns)
        if k == 0:
            sim.InitializeSimulation()
        sim.ConfigureStopTime(t_ns)
        sim.ExecuteSimulation()
        out.append(sample(t_s, r_km, bn))
    return out


def fmt(x):
    return repr(float(x))


def write(name, header, rows):
    path = OUT / name
    with path.open("w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow([fmt(v) for v in r])
    print(f"wrote {path.relative_to(ROOT)} ({len(rows)} rows)", file=sys.stderr)


def power():
    dt_s, orbits = 10.0, 2
    period_s = 2 * np.pi * np.sqrt(RADIUS_KM ** 3 / MU_KM3_S2)
    steps = int(orbits * period_s / dt_s)
    sim, sc, sun, earth = new_sim(dt_s)
    ecl = add_eclipse(sim, sc, sun, earth)
    panels = []
    for name, normal, area, eff in PANELS:
        p = simpleSolarPanel.SimpleSolarPanel()
        p.ModelTag = name
        p.setPanelParameters(list(normal), area, eff)
        p.stateInMsg.subscribeTo(sc)
        p.sunInMsg.subscribeTo(sun)
        p.sunEclipseInMsg.subscribeTo(ecl.eclipseOutMsgs[0])
        sim.AddModelToTask("step", p, 90)
        panels.append(p)
    sink = simplePowerSink.SimplePowerSink()
    sink.nodePowerOut = -LOAD_W
    sim.AddModelToTask("step", sink, 90)
    battery = simpleBattery.SimpleBattery()
    battery.storageCapacity = CAPACITY_J
    battery.storedCharge_Init = INITIAL_J
    for p in panels:
        battery.addPowerNodeToModel(p.nodePowerOutMsg)
    battery.addPowerNodeToModel(sink.nodePowerOutMsg)
    sim.AddModelToTask("step", battery, 10)
    def sample(t_s, r_km, bn):
        shadow = ecl.eclipseOutMsgs[0].read().shadowFactor
        powers = [p.nodePowerOutMsg.read().netPower for p in panels]
        stored = battery.batPowerOutMsg.read().storageLevel
        return [t_s, *r_km, *SUN_KM, *bn.ravel(), shadow, *powers, stored]

    rows = run(sim, sc, dt_s, steps, sample)
    header = (["t_s", "pos_x_km", "pos_y_km", "pos_z_km", "sun_x_km", "sun_y_km", "sun_z_km"]
              + [f"bn_{i}{j}" for i in range(3) for j in range(3)]
              + ["shadow_factor"] + [f"panel_{n}_w" for n, *_ in PANELS] + ["stored_j"])
    write("power.csv", header, rows)


def albedo_flux():
    dt_s = 60.0
    period_s = 2 * np.pi * np.sqrt(RADIUS_KM ** 3 / MU_KM3_S2)
    steps = int(period_s / dt_s)
    sim, sc, sun, earth = new_sim(dt_s)
    alb = albedo.Albedo()
    alb.spacecraftStateInMsg.subscribeTo(sc)
    alb.sunPositionInMsg.subscribeTo(sun)
    alb.addPlanetandAlbedoAverageModel(earth, ALBEDO, 180, 360)
    for _, normal in PLATES:
        config = albedo.instConfig_t()
        config.fov = np.pi / 2.0
        config.nHat_B = list(normal)
        config.r_IB_B = [0.0, 0.0, 0.0]
        alb.addInstrumentConfig(config)
    sim.AddModelToTask("step", alb)
    def sample(t_s, r_km, bn):
        fluxes = [alb.albOutMsgs[i].read().AfluxAtInstrument for i in range(len(PLATES))]
        return [t_s, *r_km, *SUN_KM, *bn.ravel(), *fluxes]

    rows = run(sim, sc, dt_s, steps, sample)
    header = (["t_s", "pos_x_km", "pos_y_km", "pos_z_km", "sun_x_km", "sun_y_km", "sun_z_km"]
              + [f"bn_{i}{j}" for i in range(3) for j in range(3)]
              + [f"albedo_flux_{n}_w_m2" for n, _ in PLATES])
    write("albedo.csv", header, rows)


THERMAL_PLATE = dict(normal=(0.0, 0.0, -1.0), area_m2=0.01, absorptivity=0.6,
                     emissivity=0.8, mass_kg=0.2, specific_heat_j_kg_k=890.0, power_w=0.5,
                     initial_c=20.0)


def sensor_thermal(dt_s, steps):
    """Runs sensorThermal on the orbit; returns [(t, temperature C)]."""
    sim, sc, sun, earth = new_sim(dt_s)
    ecl = add_eclipse(sim, sc, sun, earth)
    plate = sensorThermal.SensorThermal()
    p = THERMAL_PLATE
    plate.nHat_B = list(p["normal"])
    plate.sensorArea = p["area_m2"]
    plate.sensorAbsorptivity = p["absorptivity"]
    plate.sensorEmissivity = p["emissivity"]
    plate.sensorMass = p["mass_kg"]
    plate.sensorSpecificHeat = p["specific_heat_j_kg_k"]
    plate.sensorPowerDraw = p["power_w"]
    plate.T_0 = p["initial_c"]
    plate.stateInMsg.subscribeTo(sc)
    plate.sunInMsg.subscribeTo(sun)
    plate.sunEclipseInMsg.subscribeTo(ecl.eclipseOutMsgs[0])
    sim.AddModelToTask("step", plate, 50)
    return run(sim, sc, dt_s, steps,
               lambda t_s, r_km, bn: (t_s, plate.temperatureOutMsg.read().temperature))


def sensor_thermal_constants():
    """Recovers sensorThermal's sigma and S from one dark and one lit step of a bare plate."""
    sim = SimulationBaseClass.SimBaseClass()
    sim.CreateNewProcess("c").addTask(sim.CreateNewTask("t", macros.sec2nano(1.0)))
    sc = messaging.SCStatesMsgPayload()
    sc.r_BN_N = [7.0e6, 0.0, 0.0]
    sc_msg = messaging.SCStatesMsg().write(sc)
    sun = messaging.SpicePlanetStateMsgPayload()
    sun.PositionVector = [1.5e11, 0.0, 0.0]
    sun_msg = messaging.SpicePlanetStateMsg().write(sun)
    shadow = messaging.EclipseMsgPayload()
    shadow.shadowFactor = 0.0
    shadow_msg = messaging.EclipseMsg().write(shadow)
    plate = sensorThermal.SensorThermal()
    plate.nHat_B = [1.0, 0.0, 0.0]
    plate.sensorArea, plate.sensorAbsorptivity, plate.sensorEmissivity = 1.0, 0.5, 1.0
    plate.sensorMass, plate.sensorSpecificHeat, plate.T_0 = 1.0, 1000.0, 26.85
    plate.stateInMsg.subscribeTo(sc_msg)
    plate.sunInMsg.subscribeTo(sun_msg)
    plate.sunEclipseInMsg.subscribeTo(shadow_msg)
    sim.AddModelToTask("t", plate)
    sim.InitializeSimulation()
    sim.ConfigureStopTime(macros.sec2nano(1.0))
    sim.ExecuteSimulation()
    t1 = plate.temperatureOutMsg.read().temperature
    sigma = -(t1 - 26.85) * 1000.0 / 300.0 ** 4
    shadow.shadowFactor = 1.0
    shadow_msg.write(shadow, macros.sec2nano(2.0))
    sim.ConfigureStopTime(macros.sec2nano(2.0))
    sim.ExecuteSimulation()
    t2 = plate.temperatureOutMsg.read().temperature
    flux = ((t2 - t1) * 1000.0 + sigma * (t1 + 273.15) ** 4) / 0.5
    return sigma, flux


def thermal():
    sigma, flux = sensor_thermal_constants()
    print(f"sensorThermal: sigma = {sigma:.6e}, S = {flux:.3f}", file=sys.stderr)
    assert abs(sigma / 5.76051e-8 - 1) < 1e-9 and abs(flux - 1366.0) < 1e-6
    period_s = 2 * np.pi * np.sqrt(RADIUS_KM ** 3 / MU_KM3_S2)
    fine = sensor_thermal(1.0, int(period_s))
    coarse = dict(sensor_thermal(2.0, int(period_s / 2)))
    rows = [(t, c, coarse[t]) for t, c in fine if t % 10 == 0]
    write("thermal.csv", ["t_s", "temp_dt1_c", "temp_dt2_c"], rows)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    power()
    albedo_flux()
    thermal()


if __name__ == "__main__":
    main()
