//! What an assertion measures: telemetry quantities, statistics, totals, event kinds, filters
//! and values with their units.

use hifitime::Epoch;

use crate::expr::CmpOp;

/// A telemetry quantity (a numeric column of `telemetry.csv`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Quantity {
    /// A fixed column, by name.
    Column(Column),
    /// `temp_<node>_c`: a thermal node's temperature.
    TempC(String),
}

macro_rules! columns {
    ($($variant:ident => $name:literal, $doc:literal;)*) => {
        /// The fixed numeric telemetry columns.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Column {
            $(#[doc = $doc] $variant,)*
        }
        impl Column {
            /// Every column, in `telemetry.csv` order.
            pub const ALL: &'static [Column] = &[$(Column::$variant,)*];
            /// The column's name.
            pub fn name(self) -> &'static str {
                match self { $(Column::$variant => $name,)* }
            }
        }
    };
}

columns! {
    LatDeg => "lat_deg", "Geodetic latitude of the sub-satellite point, degrees.";
    LonDeg => "lon_deg", "Longitude, degrees.";
    AltKm => "alt_km", "Altitude above the WGS-84 ellipsoid, km.";
    Illumination => "illumination", "Sunlight fraction 0 (umbra) … 1 (full Sun).";
    BatterySoc => "battery_soc", "Battery state of charge 0 … 1, end of step.";
    ArrayPowerW => "array_power_w", "Solar array power drawn, W, average over the step.";
    LoadPowerW => "load_power_w", "Power delivered to the loads, W, average.";
    ComputerPowerW => "computer_power_w", "Onboard computer power, W, average.";
    BusyFraction => "busy_fraction", "CPU busy fraction 0 … 1.";
    AttitudeMode => "attitude_mode", "Attitude mode (0 nadir, 1 Sun, 2 inertial, 3 target).";
    AttitudeErrorDeg => "attitude_error_deg", "Pointing error at the end of the step, degrees.";
    SafeMode => "safe_mode", "1 in safe mode, else 0.";
    InContact => "in_contact", "1 while a station is in view above its mask (sampled at the step), else 0.";
    DownlinkRateBps => "downlink_rate_bps", "Downlink rate the link budget gives, bit/s.";
    DownlinkQueuedBytes => "downlink_queued_bytes", "Bytes waiting in the downlink queue after the step.";
}

impl Quantity {
    /// The column name.
    pub fn name(&self) -> String {
        match self {
            Self::Column(c) => c.name().to_string(),
            Self::TempC(node) => format!("temp_{node}_c"),
        }
    }

    /// Parses a quantity name; `nodes` are the thermal node names of the scenario.
    pub fn parse(name: &str, nodes: &[String]) -> Option<Self> {
        if let Some(c) = Column::ALL.iter().find(|c| c.name() == name) {
            return Some(Self::Column(*c));
        }
        let node = name.strip_prefix("temp_")?.strip_suffix("_c")?;
        nodes
            .iter()
            .any(|n| n == node)
            .then(|| Self::TempC(node.to_string()))
    }
}

/// A statistic of a telemetry quantity.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Statistic {
    /// Smallest value.
    Min,
    /// Largest value.
    Max,
    /// Time-weighted mean.
    Mean,
    /// Value at the last step.
    Final,
    /// Seconds with the value strictly above a level.
    TimeAbove(f64),
    /// Seconds with the value strictly below a level.
    TimeBelow(f64),
}

/// A total kept over the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Counter {
    /// Bytes delivered to the ground.
    DownlinkedBytes,
    /// Camera images captured.
    ImagesCaptured,
    /// Inter-satellite messages delivered to an app.
    IslMessages,
    /// Uplinked commands delivered to an app.
    CommandsDelivered,
    /// Image uploads completed.
    Uploads,
    /// Guest instructions executed.
    Instructions,
}

impl Counter {
    /// Every counter.
    pub const ALL: &'static [Counter] = &[
        Counter::DownlinkedBytes,
        Counter::ImagesCaptured,
        Counter::IslMessages,
        Counter::CommandsDelivered,
        Counter::Uploads,
        Counter::Instructions,
    ];

    /// Its name in expressions and `summary.json`.
    pub fn name(self) -> &'static str {
        match self {
            Self::DownlinkedBytes => "downlinked_bytes",
            Self::ImagesCaptured => "images_captured",
            Self::IslMessages => "isl_messages",
            Self::CommandsDelivered => "commands_delivered",
            Self::Uploads => "uploads",
            Self::Instructions => "instructions",
        }
    }
}

/// Event kinds an assertion can count (the `kind` values of `events.jsonl`).
pub const EVENT_KINDS: &[&str] = &[
    "contact_start",
    "contact_end",
    "station_restored",
    "penumbra_entry",
    "umbra_entry",
    "umbra_exit",
    "penumbra_exit",
    "log",
    "app_installed",
    "app_updated",
    "app_removed",
    "app_bit_flips",
    "app_started",
    "app_exited",
    "app_fault",
    "app_restart_scheduled",
    "app_restarted",
    "app_stopped",
    "app_suspended",
    "app_resumed",
    "app_migrated_in",
    "app_migrated_out",
    "app_handler_error",
    "app_log_squelched",
    "app_downlink_squelched",
    "app_message_dropped",
    "computer_power_off",
    "computer_watchdog_reset",
    "computer_rebooted",
    "computer_booting",
    "computer_booted",
    "computer_hung",
    "safe_mode_entry",
    "safe_mode_exit",
    "load_shed",
    "load_restored",
    "limit_violation",
    "limit_cleared",
    "heater_switched",
    "command_queued",
    "command_executed",
    "command_delivered",
    "upload_complete",
    "downlinked",
    "isl_delivered",
    "migration_complete",
    "fault_injected",
    "satellite_lost",
];

/// Which events or totals a metric looks at.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Only this app.
    pub app: Option<String>,
    /// Only this station.
    pub station: Option<String>,
}

impl Filter {
    /// Whether an event of `app` / `station` passes.
    pub fn accepts(&self, app: Option<&str>, station: Option<&str>) -> bool {
        self.app.as_deref().is_none_or(|a| app == Some(a))
            && self.station.as_deref().is_none_or(|s| station == Some(s))
    }
}

/// What an assertion measures.
#[derive(Debug, Clone, PartialEq)]
pub enum Metric {
    /// A statistic of a telemetry quantity.
    Telemetry {
        /// The quantity.
        quantity: Quantity,
        /// The statistic.
        statistic: Statistic,
    },
    /// A total.
    Total {
        /// Which.
        counter: Counter,
        /// Restriction.
        filter: Filter,
    },
    /// Number of events.
    Count {
        /// Event kind.
        kind: String,
        /// Restriction.
        filter: Filter,
    },
    /// Time of the first event.
    First {
        /// Event kind.
        kind: String,
        /// Restriction.
        filter: Filter,
    },
}

impl Metric {
    /// The unit of the metric's value.
    pub fn unit(&self) -> ValueUnit {
        match self {
            Self::Telemetry {
                statistic: Statistic::TimeAbove(_) | Statistic::TimeBelow(_),
                ..
            } => ValueUnit::Seconds,
            Self::First { .. } => ValueUnit::Time,
            _ => ValueUnit::Number,
        }
    }
}

/// How a value reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueUnit {
    /// A plain number.
    Number,
    /// Seconds (a duration).
    Seconds,
    /// A UTC time.
    Time,
}

/// A metric's value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    /// A number (or seconds).
    Number(f64),
    /// A time (`None`: the event never happened).
    Time(Option<Epoch>),
}

impl Value {
    /// As a number: seconds since J1900 TAI for times; NaN for "never" and for no data.
    pub fn as_f64(&self) -> f64 {
        match *self {
            Self::Number(x) => x,
            Self::Time(Some(t)) => t.to_tai_seconds(),
            Self::Time(None) => f64::NAN,
        }
    }
}

/// A success criterion.
#[derive(Debug, Clone, PartialEq)]
pub struct Assertion {
    /// Name (the `name` key, else the expression).
    pub name: String,
    /// The expression as written.
    pub expr: String,
    /// What is measured.
    pub metric: Metric,
    /// The comparison.
    pub op: CmpOp,
    /// The bound.
    pub bound: Value,
    /// The satellites it looks at (indices).
    pub satellites: Vec<usize>,
}
