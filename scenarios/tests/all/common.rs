//! Shared helpers: a hypervisor, loading a scenario from text in a temporary directory that
//! holds copies of the bundled assets.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use scenarios::{LoadCache, LoadError, Scenario};
use sim_core::{Hypervisor, HypervisorConfig};

/// One hypervisor for the whole test binary (compiled images are shared).
pub fn hv() -> &'static Hypervisor {
    static HV: OnceLock<Hypervisor> = OnceLock::new();
    HV.get_or_init(|| Hypervisor::new(HypervisorConfig::default()).expect("hypervisor"))
}

/// One cache for the whole binary.
pub fn cache() -> &'static LoadCache {
    static C: OnceLock<LoadCache> = OnceLock::new();
    C.get_or_init(LoadCache::default)
}

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Loads `text` as `scenarios/examples/test.toml` (so `../../assets/...` paths resolve).
pub fn load(text: &str) -> Result<Scenario, LoadError> {
    let base = root().join("scenarios/examples");
    scenarios::load_text(
        "test.toml",
        text.to_string(),
        &base,
        &scenarios::files::Disk,
        hv(),
        cache(),
    )
}

/// A minimal valid scenario header plus `rest`.
pub fn with_header(rest: &str) -> String {
    format!(
        "start = \"2018-01-20T06:00:00Z\"\nduration = \"10m\"\nstep = \"1s\"\n\n[[satellite]]\nname = \"sat\"\nelements = \"../../assets/elements/sample.tle\"\nobject = \"33591\"\n\n{rest}"
    )
}
