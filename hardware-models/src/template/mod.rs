//! Hardware templates: complete parameter sets for a 6U CubeSat and a 100 kg smallsat.
//!
//! The numbers are typical of flight hardware of each class (datasheet-class values rounded,
//! not one vendor's product); the comment beside each group says where it comes from.
//! Scenarios start from a template and override fields.

mod validate;

use nalgebra::Vector3;
use serde::{Deserialize, Serialize};

use crate::attitude::{AttitudeParams, ControllerParams, ReactionWheelParams};
use crate::camera::CameraParams;
use crate::computer::ComputerParams;
use crate::link::{
    AntennaPattern, AtmosphereParams, LinkParams, ModCodTable, RateParams, ReceiverNoise,
};
use crate::power::{
    BatteryParams, LoadModeParams, LoadParams, PowerParams, SafeModeParams, SolarPanelParams,
};
use crate::sensors::{
    GnssParams, GyroParams, SensorParams, SunSensorParams, TemperatureSensorParams,
};
use crate::thermal::{
    ConductorParams, EarthRadiationParams, HeaterParams, RadiativeLinkParams, SurfaceParams,
    ThermalNodeParams, ThermalParams,
};

/// The satellite's radios.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RadioParams {
    /// Space-to-ground payload/telemetry downlink (with a typical ground station).
    pub downlink: LinkParams,
    /// Ground-to-space command uplink.
    pub uplink: LinkParams,
    /// Inter-satellite link (identical terminals at both ends).
    pub isl: LinkParams,
    /// Boresight of the spacecraft's ground-link antenna (downlink transmit, uplink receive),
    /// body frame.
    pub ground_antenna_boresight_body: Vector3<f64>,
    /// Boresight of the inter-satellite antenna, body frame.
    pub isl_antenna_boresight_body: Vector3<f64>,
    /// Power-system load of the downlink transmitter.
    #[serde(default)]
    pub downlink_power_load: Option<String>,
    /// Power-system load of the inter-satellite transceiver.
    #[serde(default)]
    pub isl_power_load: Option<String>,
}

/// A complete hardware description of one satellite.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HardwareTemplate {
    /// Template name (`"cubesat-6u"`, `"smallsat-100kg"`, or a scenario's own).
    pub name: String,
    /// Launch mass, kg.
    pub mass_kg: f64,
    /// Electrical power system.
    pub power: PowerParams,
    /// Thermal network.
    pub thermal: ThermalParams,
    /// Onboard computer.
    pub computer: ComputerParams,
    /// Attitude determination and control.
    pub attitude: AttitudeParams,
    /// Radios.
    pub radio: RadioParams,
    /// Camera payload.
    pub camera: CameraParams,
    /// Sensors.
    pub sensors: SensorParams,
}

fn v(x: f64, y: f64, z: f64) -> Vector3<f64> {
    Vector3::new(x, y, z)
}

fn load(
    name: &str,
    modes: &[(&str, f64)],
    on: bool,
    priority: u8,
    node: Option<&str>,
) -> LoadParams {
    LoadParams {
        name: name.into(),
        modes: modes
            .iter()
            .map(|(n, w)| LoadModeParams {
                name: (*n).into(),
                power_w: *w,
            })
            .collect(),
        initial_mode: None,
        initially_on: on,
        priority,
        thermal_node: node.map(Into::into),
    }
}

fn surface(
    area_m2: f64,
    normal: Vector3<f64>,
    absorptivity: f64,
    emissivity: f64,
) -> SurfaceParams {
    SurfaceParams {
        area_m2,
        normal_body: normal,
        absorptivity,
        emissivity,
    }
}

fn node(
    name: &str,
    c: f64,
    surfaces: Vec<SurfaceParams>,
    min_c: f64,
    max_c: f64,
) -> ThermalNodeParams {
    ThermalNodeParams {
        name: name.into(),
        heat_capacity_j_k: c,
        initial_temp_k: 293.15,
        surfaces,
        min_temp_k: min_c + 273.15,
        max_temp_k: max_c + 273.15,
    }
}

fn conductor(a: &str, b: &str, g: f64) -> ConductorParams {
    ConductorParams {
        a: a.into(),
        b: b.into(),
        conductance_w_k: g,
    }
}

fn panel(
    name: &str,
    normal: Vector3<f64>,
    area_m2: f64,
    packing: f64,
    node: &str,
) -> SolarPanelParams {
    // Triple-junction GaAs, 29.5 % BOL at 28 °C AM0, −0.22 %/K (Azur Space 3G30C-class
    // datasheet); 2.75 %/yr degradation (SMAD 3rd ed. Table 11-34, GaAs in LEO).
    SolarPanelParams {
        name: name.into(),
        normal_body: normal,
        area_m2,
        packing_factor: packing,
        cell_efficiency: 0.295,
        reference_temp_k: 301.15,
        temp_coeff_per_k: -0.0022,
        degradation_per_year: 0.0275,
        thermal_node: Some(node.into()),
    }
}

fn wheel(
    name: &str,
    axis: Vector3<f64>,
    h_max: f64,
    t_max: f64,
    j_w: f64,
    p_static: f64,
) -> ReactionWheelParams {
    ReactionWheelParams {
        name: name.into(),
        axis_body: axis,
        max_torque_nm: t_max,
        max_momentum_nms: h_max,
        rotor_inertia_kg_m2: j_w,
        static_power_w: p_static,
        motor_efficiency: 0.6,
    }
}

impl HardwareTemplate {
    /// A built-in template by name: `"cubesat-6u"` or `"smallsat-100kg"`.
    pub fn builtin(name: &str) -> Option<Self> {
        match name {
            "cubesat-6u" => Some(Self::cubesat_6u()),
            "smallsat-100kg" => Some(Self::smallsat_100kg()),
            _ => None,
        }
    }

    /// Names of the built-in templates.
    pub fn builtin_names() -> &'static [&'static str] {
        &["cubesat-6u", "smallsat-100kg"]
    }

    /// A 6U CubeSat Earth-observation/software-defined-satellite platform.
    ///
    /// Body axes: x along the 366 mm long side (kept along-track), y along 226 mm, z along
    /// 100 mm; +z faces nadir (camera, S-band patch), −z faces zenith (body solar panel and
    /// two deployed 3U wings hinged on the ±y edges, in the −z plane).
    pub fn cubesat_6u() -> Self {
        let power = PowerParams {
            // −z body panel: 366 × 226 mm (0.0827 m²), ~19 cells of 30 cm² (packing 0.70);
            // two deployed 3U wings 340 × 100 mm, 7 cells each (packing 0.62). Peak
            // ~40 W sun-normal at BOL — typical of EnduroSat/GomSpace 6U with 2 deployables.
            solar_panels: vec![
                panel("body_minus_z", v(0.0, 0.0, -1.0), 0.0827, 0.70, "structure"),
                panel("wing_plus_y", v(0.0, 0.0, -1.0), 0.034, 0.62, "solar_wings"),
                panel(
                    "wing_minus_y",
                    v(0.0, 0.0, -1.0),
                    0.034,
                    0.62,
                    "solar_wings",
                ),
            ],
            // 77 Wh Li-ion (2 × 38.5 Wh 18650 packs, GomSpace BP4/EnduroSat class); 95 % charge
            // and discharge efficiency (~90 % round trip); 0.5 C charge, 1 C discharge; the
            // EPS disconnects below 20 % SoC.
            battery: BatteryParams {
                capacity_wh: 77.0,
                initial_soc: 0.9,
                min_soc: 0.2,
                charge_efficiency: 0.95,
                discharge_efficiency: 0.95,
                max_charge_power_w: 38.5,
                max_discharge_power_w: 77.0,
                thermal_node: Some("battery".into()),
            },
            // Loads (typical 6U datasheet powers): EPS housekeeping, OBC (idle figure; the
            // simulation sets it from the busy fraction), ADCS electronics and sensors (wheel
            // power is added by the simulation), UHF TT&C, S-band transmitter (~1 W RF),
            // camera, battery heater.
            loads: vec![
                load("eps", &[("on", 0.3)], true, 0, Some("avionics")),
                load("obc", &[("on", 1.2)], true, 0, Some("avionics")),
                load("adcs", &[("on", 0.6)], true, 1, Some("avionics")),
                load("uhf", &[("rx", 0.4), ("tx", 2.5)], true, 1, Some("radio")),
                load(
                    "sband_tx",
                    &[("transmit", 7.5), ("standby", 0.5)],
                    false,
                    2,
                    Some("radio"),
                ),
                load("isl", &[("on", 6.0)], false, 2, Some("radio")),
                load(
                    "payload",
                    &[("imaging", 4.5), ("standby", 0.5)],
                    false,
                    3,
                    Some("payload"),
                ),
                load("battery_heater", &[("on", 2.0)], false, 1, None),
            ],
            // Peak-power-tracking BCR efficiency ~92 % (EPS datasheets 90–95 %).
            regulator_efficiency: 0.92,
            regulator_thermal_node: Some("avionics".into()),
            safe_mode: SafeModeParams {
                enter_soc: 0.35,
                exit_soc: 0.55,
                max_priority_kept: 1,
            },
        };

        // Thermal network: aluminium 6061 (c ≈ 900 J/kg/K) structure and boxes, FR4 wings;
        // optical properties: GaAs cells α 0.91 / ε 0.85, anodised/alodined aluminium and
        // cover glass mix α 0.35 / ε 0.80 (Gilmore Handbook Appendix A). Operating limits:
        // battery 0..45 °C (charging), electronics −40..85 °C, optics −10..40 °C.
        let thermal = ThermalParams {
            nodes: vec![
                node(
                    "structure",
                    3600.0,
                    vec![
                        surface(0.0827, v(0.0, 0.0, -1.0), 0.91, 0.85),
                        surface(0.0827, v(0.0, 0.0, 1.0), 0.30, 0.80),
                        surface(0.0366, v(0.0, 1.0, 0.0), 0.30, 0.35),
                        surface(0.0366, v(0.0, -1.0, 0.0), 0.30, 0.35),
                        surface(0.0226, v(1.0, 0.0, 0.0), 0.30, 0.35),
                        surface(0.0226, v(-1.0, 0.0, 0.0), 0.30, 0.35),
                    ],
                    -40.0,
                    85.0,
                ),
                node(
                    "solar_wings",
                    450.0,
                    vec![
                        surface(0.068, v(0.0, 0.0, -1.0), 0.91, 0.85),
                        surface(0.068, v(0.0, 0.0, 1.0), 0.60, 0.85),
                    ],
                    -100.0,
                    100.0,
                ),
                node("battery", 600.0, vec![], 0.0, 45.0),
                node("avionics", 450.0, vec![], -40.0, 85.0),
                node("payload", 900.0, vec![], -10.0, 40.0),
                node("radio", 270.0, vec![], -30.0, 70.0),
            ],
            conductors: vec![
                conductor("solar_wings", "structure", 0.1),
                conductor("battery", "structure", 0.1),
                conductor("avionics", "structure", 0.5),
                conductor("payload", "structure", 0.4),
                conductor("radio", "structure", 0.5),
            ],
            radiative_links: vec![RadiativeLinkParams {
                a: "battery".into(),
                b: "structure".into(),
                exchange_area_m2: 0.005,
            }],
            heaters: vec![HeaterParams {
                name: "battery_heater".into(),
                node: "battery".into(),
                power_w: 2.0,
                on_below_k: 278.15,
                off_above_k: 283.15,
                power_load: Some("battery_heater".into()),
            }],
            earth: EarthRadiationParams::default(),
            max_substep_s: 10.0,
        };

        // Zynq-7030-class OBC (dual Cortex-A9 at 800 MHz, 1 GB DDR3, eMMC; GomSpace NanoMind
        // Z7000 class): ~8e8 wasm instructions/s on one core, 1.2 W idle, 3.0 W busy.
        let computer = ComputerParams {
            instruction_rate_ips: 8.0e8,
            ram_bytes: 512 << 20,
            storage_bytes: 8 << 30,
            idle_power_w: 1.2,
            busy_power_w: 3.0,
            boot_time_s: 15.0,
            watchdog_timeout_s: 30.0,
            power_load: Some("obc".into()),
            thermal_node: Some("avionics".into()),
        };

        // 10 kg box 366 × 226 × 100 mm (I = m/12 (b² + c²)) plus two 0.25 kg wings at
        // y = ±0.163 m; small products of inertia from the unsymmetric layout.
        // Three orthogonal wheels of 30 mN·m·s / 2 mN·m (CubeSpace CW0162 / BCT RWP050 class),
        // 6000 rpm at saturation (J_w = 4.8e-5 kg·m²). 2 Hz control (cubesat ADCS run at 1–10 Hz),
        // 2°/s slew limit.
        let attitude = AttitudeParams {
            inertia_kg_m2: [
                [0.064, 0.0008, -0.0005],
                [0.0008, 0.121, 0.0003],
                [-0.0005, 0.0003, 0.168],
            ],
            wheels: vec![
                wheel("rw_x", v(1.0, 0.0, 0.0), 0.030, 0.002, 4.8e-5, 0.15),
                wheel("rw_y", v(0.0, 1.0, 0.0), 0.030, 0.002, 4.8e-5, 0.15),
                wheel("rw_z", v(0.0, 0.0, 1.0), 0.030, 0.002, 4.8e-5, 0.15),
            ],
            controller: ControllerParams {
                control_period_s: 0.5,
                pointing_gain_per_s: 0.75,
                rate_gain_per_s: 1.5,
                max_slew_rate_rad_s: 2f64.to_radians(),
                braking_fraction: 0.9,
            },
            boresight_body: v(0.0, 0.0, 1.0),
            along_track_body: v(1.0, 0.0, 0.0),
            sun_axis_body: v(0.0, 0.0, -1.0),
            sun_secondary_body: v(1.0, 0.0, 0.0),
            gravity_gradient: true,
            auto_dump_fraction: Some(0.9),
            power_load: Some("adcs".into()),
            settled_steps: true,
        };

        let radio = RadioParams {
            // S-band downlink 2245 MHz: 1 W RF, 1 dB line loss, nadir patch (7 dBi); ground
            // 3.7 m dish (η 0.55, T_sys 150 K, G/T ≈ 14 dB/K, KSAT/Leaf-class S-band station);
            // 2 Mbit/s OQPSK with CCSDS concatenated coding (Eb/N0 2.5 dB at BER 1e-6, CCSDS
            // 130.1-G), 1.5 dB implementation loss, 3 dB reserve.
            downlink: LinkParams {
                frequency_hz: 2.245e9,
                tx_power_w: 1.0,
                tx_line_loss_db: 1.0,
                tx_antenna: AntennaPattern::Cosine {
                    peak_gain_dbi: 7.0,
                    exponent: 1.5,
                    floor_dbi: -10.0,
                },
                rx_antenna: AntennaPattern::Parabolic {
                    diameter_m: 3.7,
                    efficiency: 0.55,
                    floor_dbi: 0.0,
                },
                rx_line_loss_db: 0.0,
                rx_noise: ReceiverNoise::SystemTemperature {
                    system_noise_temp_k: 150.0,
                },
                polarization_loss_db: 0.5,
                implementation_loss_db: 1.5,
                atmosphere: Some(AtmosphereParams::default()),
                rain: None,
                rate: RateParams::Fixed {
                    rate_bps: 2.0e6,
                    required_ebn0_db: 2.5,
                    min_margin_db: 3.0,
                },
            },
            // S-band uplink 2065 MHz: 10 W through the same 3.7 m dish; spacecraft patch 6 dBi,
            // T_sys 600 K; 64 kbit/s BPSK with rate-1/2 convolutional coding (4.4 dB at
            // BER 1e-5), 2 dB implementation loss, 3 dB reserve.
            uplink: LinkParams {
                frequency_hz: 2.065e9,
                tx_power_w: 10.0,
                tx_line_loss_db: 2.0,
                tx_antenna: AntennaPattern::Parabolic {
                    diameter_m: 3.7,
                    efficiency: 0.55,
                    floor_dbi: 0.0,
                },
                rx_antenna: AntennaPattern::Cosine {
                    peak_gain_dbi: 6.0,
                    exponent: 1.0,
                    floor_dbi: -10.0,
                },
                rx_line_loss_db: 1.0,
                rx_noise: ReceiverNoise::SystemTemperature {
                    system_noise_temp_k: 600.0,
                },
                polarization_loss_db: 0.5,
                implementation_loss_db: 2.0,
                atmosphere: Some(AtmosphereParams::default()),
                rain: None,
                rate: RateParams::Fixed {
                    rate_bps: 64.0e3,
                    required_ebn0_db: 4.4,
                    min_margin_db: 3.0,
                },
            },
            // S-band crosslink 2.2 GHz: 2 W, patches of 7 dBi at both ends, T_sys 500 K,
            // 19.2 kbit/s rate-1/2 coded BPSK: closes to ~3000 km in boresight.
            isl: LinkParams {
                frequency_hz: 2.2e9,
                tx_power_w: 2.0,
                tx_line_loss_db: 1.0,
                tx_antenna: AntennaPattern::Cosine {
                    peak_gain_dbi: 7.0,
                    exponent: 1.5,
                    floor_dbi: -10.0,
                },
                rx_antenna: AntennaPattern::Cosine {
                    peak_gain_dbi: 7.0,
                    exponent: 1.5,
                    floor_dbi: -10.0,
                },
                rx_line_loss_db: 1.0,
                rx_noise: ReceiverNoise::SystemTemperature {
                    system_noise_temp_k: 500.0,
                },
                polarization_loss_db: 0.5,
                implementation_loss_db: 2.0,
                atmosphere: None,
                rain: None,
                rate: RateParams::Fixed {
                    rate_bps: 19.2e3,
                    required_ebn0_db: 4.4,
                    min_margin_db: 2.0,
                },
            },
            ground_antenna_boresight_body: v(0.0, 0.0, 1.0),
            isl_antenna_boresight_body: v(1.0, 0.0, 0.0),
            downlink_power_load: Some("sband_tx".into()),
            isl_power_load: Some("isl".into()),
        };

        // Wide-field imager (2048² detector of 5.5 µm read out 8×8 binned = 256² of 44 µm,
        // 70 mm lens): GSD 314 m and swath 80 km from 500 km (Dragonfly Gecko / Simera-class
        // optics, binned to keep captures cheap).
        let camera = CameraParams {
            width_px: 256,
            height_px: 256,
            pixel_pitch_um: 44.0,
            focal_length_mm: 70.0,
            channels: 3,
            bit_depth: 8,
            boresight_body: v(0.0, 0.0, 1.0),
            up_body: v(1.0, 0.0, 0.0),
            exposure_gain: 1.2,
            read_noise_dn: 1.0,
            power_load: Some("payload".into()),
        };

        // Cubesat GNSS receiver (5 m, 5 cm/s), fine sun sensor (±60°, 0.2° 1σ; NewSpace
        // NFSS-411 class) on the −z face, MEMS gyro (ARW 0.2°/√h, bias 20°/h), temperature
        // sensors 0.1 K / 0.0625 K resolution (TMP117 class).
        let sensors = SensorParams {
            gnss: Some(GnssParams {
                position_noise_m: 5.0,
                velocity_noise_m_s: 0.05,
                position_bias_m: 2.0,
                dropout_probability: 0.01,
            }),
            sun_sensor: Some(SunSensorParams {
                boresight_body: v(0.0, 0.0, -1.0),
                field_of_view_half_angle_rad: 60f64.to_radians(),
                angle_noise_rad: 0.2f64.to_radians(),
                misalignment_rad: 0.1f64.to_radians(),
                min_illumination: 0.5,
                dropout_probability: 0.0,
            }),
            gyro: Some(GyroParams {
                angle_random_walk_rad_sqrt_s: 0.2f64.to_radians() / 60.0,
                rate_random_walk_rad_s_sqrt_s: 1e-6,
                initial_bias_rad_s: (20.0f64 / 3600.0).to_radians(),
                dropout_probability: 0.0,
            }),
            temperature: Some(TemperatureSensorParams {
                noise_k: 0.1,
                bias_k: 0.25,
                resolution_k: 0.0625,
                dropout_probability: 0.001,
            }),
        };

        Self {
            name: "cubesat-6u".into(),
            mass_kg: 10.0,
            power,
            thermal,
            computer,
            attitude,
            radio,
            camera,
            sensors,
        }
    }

    /// A 100 kg smallsat (0.6 × 0.6 × 0.8 m bus, two fixed wings), the class of SSTL-100 /
    /// Blue Canyon X-SAT / NanoAvionics MP42 platforms.
    ///
    /// Body axes: x along-track, y toward the wings, z (0.8 m) to nadir; wings in the −z plane
    /// hinged on the ±y sides.
    pub fn smallsat_100kg() -> Self {
        let power = PowerParams {
            // Two 0.45 m² wings (packing 0.85) and a 0.36 m² body panel (packing 0.60) facing
            // zenith: ~0.98 m² of cells, ~390 W sun-normal BOL.
            solar_panels: vec![
                panel("wing_plus_y", v(0.0, 0.0, -1.0), 0.45, 0.85, "solar_wings"),
                panel("wing_minus_y", v(0.0, 0.0, -1.0), 0.45, 0.85, "solar_wings"),
                panel("body_minus_z", v(0.0, 0.0, -1.0), 0.36, 0.60, "structure"),
            ],
            // 600 Wh Li-ion (8s pack of 18650/space cells, Saft VES/EnduroSat class at this
            // size), 0.25 C charge, ~0.7 C discharge, 20 % floor.
            battery: BatteryParams {
                capacity_wh: 600.0,
                initial_soc: 0.9,
                min_soc: 0.2,
                charge_efficiency: 0.95,
                discharge_efficiency: 0.96,
                max_charge_power_w: 150.0,
                max_discharge_power_w: 400.0,
                thermal_node: Some("battery".into()),
            },
            loads: vec![
                load("eps", &[("on", 3.0)], true, 0, Some("avionics")),
                load("obc", &[("on", 6.0)], true, 0, Some("avionics")),
                load("adcs", &[("on", 4.0)], true, 1, Some("avionics")),
                load(
                    "sband_ttc",
                    &[("rx", 3.0), ("tx", 12.0)],
                    true,
                    1,
                    Some("radio"),
                ),
                load(
                    "xband_tx",
                    &[("transmit", 35.0), ("standby", 2.0)],
                    false,
                    2,
                    Some("radio"),
                ),
                load("isl", &[("on", 8.0)], false, 2, Some("radio")),
                load(
                    "payload",
                    &[("imaging", 25.0), ("standby", 5.0)],
                    false,
                    3,
                    Some("payload"),
                ),
                load("battery_heater", &[("on", 10.0)], false, 1, None),
            ],
            regulator_efficiency: 0.94,
            regulator_thermal_node: Some("avionics".into()),
            safe_mode: SafeModeParams {
                enter_soc: 0.35,
                exit_soc: 0.55,
                max_priority_kept: 1,
            },
        };

        // Mostly MLI-wrapped bus (treated as adiabatic) with white-paint radiators on ±x
        // (α 0.20 / ε 0.85) and the nadir deck; wings of aluminium honeycomb.
        let thermal = ThermalParams {
            nodes: vec![
                node(
                    "structure",
                    36_000.0,
                    vec![
                        surface(0.36, v(0.0, 0.0, -1.0), 0.91, 0.85),
                        surface(0.22, v(1.0, 0.0, 0.0), 0.20, 0.85),
                        surface(0.22, v(-1.0, 0.0, 0.0), 0.20, 0.85),
                        surface(0.20, v(0.0, 0.0, 1.0), 0.20, 0.85),
                    ],
                    -30.0,
                    60.0,
                ),
                node(
                    "solar_wings",
                    7200.0,
                    vec![
                        surface(0.90, v(0.0, 0.0, -1.0), 0.91, 0.85),
                        surface(0.90, v(0.0, 0.0, 1.0), 0.40, 0.80),
                    ],
                    -100.0,
                    100.0,
                ),
                node("battery", 5000.0, vec![], 0.0, 40.0),
                node("avionics", 2700.0, vec![], -30.0, 70.0),
                node("payload", 13_500.0, vec![], -10.0, 35.0),
                node("radio", 1800.0, vec![], -30.0, 60.0),
            ],
            conductors: vec![
                conductor("solar_wings", "structure", 0.5),
                conductor("battery", "structure", 1.0),
                conductor("avionics", "structure", 4.0),
                conductor("payload", "structure", 3.0),
                conductor("radio", "structure", 3.0),
            ],
            radiative_links: vec![RadiativeLinkParams {
                a: "payload".into(),
                b: "structure".into(),
                exchange_area_m2: 0.2,
            }],
            heaters: vec![HeaterParams {
                name: "battery_heater".into(),
                node: "battery".into(),
                power_w: 10.0,
                on_below_k: 278.15,
                off_above_k: 283.15,
                power_load: Some("battery_heater".into()),
            }],
            earth: EarthRadiationParams::default(),
            max_substep_s: 10.0,
        };

        // Payload processor of the software-defined-satellite class (quad-core x86/ARM, e.g.
        // Unibap iX5 / Xiphos Q8): ~4e9 wasm instructions/s, 2 GiB for apps, 128 GiB storage,
        // 6 W idle, 18 W busy.
        let computer = ComputerParams {
            instruction_rate_ips: 4.0e9,
            ram_bytes: 2 << 30,
            storage_bytes: 128 << 30,
            idle_power_w: 6.0,
            busy_power_w: 18.0,
            boot_time_s: 30.0,
            watchdog_timeout_s: 60.0,
            power_load: Some("obc".into()),
            thermal_node: Some("avionics".into()),
        };

        // 90 kg bus (I = m/12 (b² + c²): 8.3, 8.3, 6.0) plus two 4 kg wings at y = ±0.85 m
        // (+5.8 about x and z). Four wheels in a 54.7° pyramid about z, 0.2 N·m·s / 15 mN·m
        // each (RW-0.2-class 100 kg smallsat wheels), 1.5°/s slew limit.
        let pyramid = |i: usize| {
            let (b, az) = (
                54.7356f64.to_radians(),
                std::f64::consts::FRAC_PI_2 * i as f64,
            );
            v(b.cos() * az.cos(), b.cos() * az.sin(), b.sin())
        };
        let attitude = AttitudeParams {
            inertia_kg_m2: [[14.1, 0.05, -0.08], [0.05, 8.5, 0.04], [-0.08, 0.04, 11.8]],
            wheels: (0..4)
                .map(|i| wheel(&format!("rw{}", i + 1), pyramid(i), 0.2, 0.015, 3.2e-4, 0.8))
                .collect(),
            controller: ControllerParams {
                control_period_s: 0.5,
                pointing_gain_per_s: 0.75,
                rate_gain_per_s: 1.5,
                max_slew_rate_rad_s: 1.5f64.to_radians(),
                braking_fraction: 0.9,
            },
            boresight_body: v(0.0, 0.0, 1.0),
            along_track_body: v(1.0, 0.0, 0.0),
            sun_axis_body: v(0.0, 0.0, -1.0),
            sun_secondary_body: v(1.0, 0.0, 0.0),
            gravity_gradient: true,
            auto_dump_fraction: Some(0.9),
            power_load: Some("adcs".into()),
            settled_steps: true,
        };

        let radio = RadioParams {
            // X-band 8.2 GHz payload downlink: 3 W RF, shaped nadir antenna (8 dBi, cos² law),
            // 5.4 m ground dish (η 0.6, T_sys 180 K, G/T ≈ 29 dB/K), DVB-S2 ACM at 20 Msym/s
            // (up to 89 Mbit/s), 1.5 dB implementation loss, 2 dB reserve.
            downlink: LinkParams {
                frequency_hz: 8.2e9,
                tx_power_w: 3.0,
                tx_line_loss_db: 1.5,
                tx_antenna: AntennaPattern::Cosine {
                    peak_gain_dbi: 8.0,
                    exponent: 2.0,
                    floor_dbi: -10.0,
                },
                rx_antenna: AntennaPattern::Parabolic {
                    diameter_m: 5.4,
                    efficiency: 0.6,
                    floor_dbi: 0.0,
                },
                rx_line_loss_db: 0.0,
                rx_noise: ReceiverNoise::SystemTemperature {
                    system_noise_temp_k: 180.0,
                },
                polarization_loss_db: 0.3,
                implementation_loss_db: 1.5,
                atmosphere: Some(AtmosphereParams::default()),
                rain: None,
                rate: RateParams::Adaptive {
                    symbol_rate_sps: 20.0e6,
                    table: ModCodTable::DvbS2,
                    min_margin_db: 2.0,
                },
            },
            // S-band TT&C uplink 2.05 GHz: 50 W through a 5.4 m dish, two 5 dBi spacecraft
            // patches, 128 kbit/s rate-1/2 coded BPSK.
            uplink: LinkParams {
                frequency_hz: 2.05e9,
                tx_power_w: 50.0,
                tx_line_loss_db: 2.0,
                tx_antenna: AntennaPattern::Parabolic {
                    diameter_m: 5.4,
                    efficiency: 0.6,
                    floor_dbi: 0.0,
                },
                rx_antenna: AntennaPattern::Cosine {
                    peak_gain_dbi: 5.0,
                    exponent: 1.0,
                    floor_dbi: -5.0,
                },
                rx_line_loss_db: 1.0,
                rx_noise: ReceiverNoise::SystemTemperature {
                    system_noise_temp_k: 500.0,
                },
                polarization_loss_db: 0.5,
                implementation_loss_db: 2.0,
                atmosphere: Some(AtmosphereParams::default()),
                rain: None,
                rate: RateParams::Fixed {
                    rate_bps: 128.0e3,
                    required_ebn0_db: 4.4,
                    min_margin_db: 3.0,
                },
            },
            // S-band crosslink 2.2 GHz: 5 W, 10 dBi patch arrays, T_sys 400 K, 256 kbit/s
            // rate-1/2 coded QPSK.
            isl: LinkParams {
                frequency_hz: 2.2e9,
                tx_power_w: 5.0,
                tx_line_loss_db: 1.0,
                tx_antenna: AntennaPattern::Cosine {
                    peak_gain_dbi: 10.0,
                    exponent: 3.0,
                    floor_dbi: -10.0,
                },
                rx_antenna: AntennaPattern::Cosine {
                    peak_gain_dbi: 10.0,
                    exponent: 3.0,
                    floor_dbi: -10.0,
                },
                rx_line_loss_db: 1.0,
                rx_noise: ReceiverNoise::SystemTemperature {
                    system_noise_temp_k: 400.0,
                },
                polarization_loss_db: 0.5,
                implementation_loss_db: 2.0,
                atmosphere: None,
                rain: None,
                rate: RateParams::Fixed {
                    rate_bps: 256.0e3,
                    required_ebn0_db: 4.4,
                    min_margin_db: 2.0,
                },
            },
            ground_antenna_boresight_body: v(0.0, 0.0, 1.0),
            isl_antenna_boresight_body: v(1.0, 0.0, 0.0),
            downlink_power_load: Some("xband_tx".into()),
            isl_power_load: Some("isl".into()),
        };

        // Push-frame imager read out at 512² of 40 µm (8×8 binned 5 µm), 0.25 m focal length:
        // GSD 80 m, swath 41 km from 500 km.
        let camera = CameraParams {
            width_px: 512,
            height_px: 512,
            pixel_pitch_um: 40.0,
            focal_length_mm: 250.0,
            channels: 3,
            bit_depth: 8,
            boresight_body: v(0.0, 0.0, 1.0),
            up_body: v(1.0, 0.0, 0.0),
            exposure_gain: 1.2,
            read_noise_dn: 0.8,
            power_load: Some("payload".into()),
        };

        // Dual-frequency GNSS (2 m, 2 cm/s), fine sun sensors, tactical-grade (FOG-class)
        // gyro: ARW 0.01°/√h, bias 1°/h.
        let sensors = SensorParams {
            gnss: Some(GnssParams {
                position_noise_m: 2.0,
                velocity_noise_m_s: 0.02,
                position_bias_m: 1.0,
                dropout_probability: 0.005,
            }),
            sun_sensor: Some(SunSensorParams {
                boresight_body: v(0.0, 0.0, -1.0),
                field_of_view_half_angle_rad: 60f64.to_radians(),
                angle_noise_rad: 0.1f64.to_radians(),
                misalignment_rad: 0.05f64.to_radians(),
                min_illumination: 0.5,
                dropout_probability: 0.0,
            }),
            gyro: Some(GyroParams {
                angle_random_walk_rad_sqrt_s: 0.01f64.to_radians() / 60.0,
                rate_random_walk_rad_s_sqrt_s: 1e-8,
                initial_bias_rad_s: (1.0f64 / 3600.0).to_radians(),
                dropout_probability: 0.0,
            }),
            temperature: Some(TemperatureSensorParams {
                noise_k: 0.1,
                bias_k: 0.2,
                resolution_k: 0.0625,
                dropout_probability: 0.001,
            }),
        };

        Self {
            name: "smallsat-100kg".into(),
            mass_kg: 100.0,
            power,
            thermal,
            computer,
            attitude,
            radio,
            camera,
            sensors,
        }
    }
}
