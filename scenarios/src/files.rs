//! Where a scenario's files come from: the disk, or the copies compiled into the binary (the
//! bundled example scenarios and the assets they use, so that `skytwin run` with no argument
//! works from any directory and an installed binary needs nothing beside it).

use std::io;
use std::path::{Component, Path, PathBuf};

/// Reads the files a scenario refers to.
pub trait Files: Send + Sync {
    /// The bytes of `path`.
    fn read(&self, path: &Path) -> io::Result<Vec<u8>>;
}

/// The file system.
#[derive(Debug, Clone, Copy, Default)]
pub struct Disk;

impl Files for Disk {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        std::fs::read(path)
    }
}

/// Files compiled into the binary, by their path in the repository.
#[derive(Debug, Clone, Copy, Default)]
pub struct Bundled;

macro_rules! bundle {
    ($($path:literal),* $(,)?) => {
        /// Every bundled file: repository path and bytes.
        pub const BUNDLED_FILES: &[(&str, &[u8])] = &[
            $(($path, include_bytes!(concat!("../../", $path))),)*
        ];
    };
}

bundle!(
    "scenarios/examples/eo-cubesat.toml",
    "scenarios/examples/walker-relay.toml",
    "scenarios/examples/brownout.toml",
    "scenarios/examples/faults.toml",
    "scenarios/examples/eo-cubesat-mc.toml",
    "assets/elements/sample.tle",
    "assets/elements/sample.omm.json",
    "assets/elements/sample.omm.csv",
    "assets/stations.csv",
    "assets/apps/beacon.wasm",
    "assets/apps/eo-imager.wasm",
    "assets/apps/cloud-screen.wasm",
    "assets/apps/relay.wasm",
    "assets/apps/housekeeping.wasm",
    "assets/apps/hello.wasm",
);

/// The Earth texture (NASA Blue Marble, `assets/earth/NOTICE`), for the cameras.
pub const EARTH_TEXTURE_JPEG: &[u8] =
    include_bytes!("../../assets/earth/blue_marble_4096x2048.jpg");

/// The bundled example scenarios: name and repository path. The first is the default.
pub const EXAMPLES: &[(&str, &str)] = &[
    ("eo-cubesat", "scenarios/examples/eo-cubesat.toml"),
    ("walker-relay", "scenarios/examples/walker-relay.toml"),
    ("brownout", "scenarios/examples/brownout.toml"),
    ("faults", "scenarios/examples/faults.toml"),
    ("eo-cubesat-mc", "scenarios/examples/eo-cubesat-mc.toml"),
];

impl Files for Bundled {
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        let want = normalize(path);
        BUNDLED_FILES
            .iter()
            .find(|(p, _)| Path::new(p) == want)
            .map(|(_, bytes)| bytes.to_vec())
            .ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("{} is not among the bundled files", want.display()),
                )
            })
    }
}

/// Removes `.` and resolves `..` lexically (`scenarios/examples/../../assets/x` →
/// `assets/x`); a `..` above the start is kept.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                _ => out.push(c),
            },
            other => out.push(other),
        }
    }
    out.iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_resolves_parent_components() {
        assert_eq!(
            normalize(Path::new(
                "scenarios/examples/../../assets/apps/beacon.wasm"
            )),
            PathBuf::from("assets/apps/beacon.wasm")
        );
        assert_eq!(normalize(Path::new("../x/./y")), PathBuf::from("../x/y"));
    }

    #[test]
    fn bundled_files_are_found_through_relative_paths() {
        let b = Bundled
            .read(Path::new("scenarios/examples/../../assets/stations.csv"))
            .unwrap();
        assert!(b.starts_with(b"name,lat_deg"));
        assert!(Bundled.read(Path::new("assets/nope.txt")).is_err());
    }
}
