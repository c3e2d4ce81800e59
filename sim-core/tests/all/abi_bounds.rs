//! Every `(ptr, len)` and every out-pointer of every ABI and WASI function, called with
//! pointers past the end, wrapping pointers, 4 GiB lengths and overflowing sums: each call
//! must return `ST_EFAULT` (-1) / WASI `EFAULT` (21), and nothing may panic or trap.
//!
//! The cases are generated into one guest that checks each result itself and exits with the
//! number of the first case that did not return the fault code (0 when all did).

use std::fmt::Write;

use sim_core::abi_codes::{SKYTWIN_V1_MODULE, WASI_P1_MODULE};
use sim_core::hypervisor::abi::{WasmTy, host_signature};
use sim_core::*;

use crate::common::*;

/// Where a function takes memory arguments.
struct Target {
    module: &'static str,
    name: &'static str,
    /// `(ptr, len)` argument positions.
    pairs: &'static [(usize, usize)],
    /// Out-pointers to fixed-size results.
    singles: &'static [usize],
}

const S: &str = SKYTWIN_V1_MODULE;
const W: &str = WASI_P1_MODULE;

const TARGETS: &[Target] = &[
    Target {
        module: S,
        name: "identity",
        pairs: &[(0, 1)],
        singles: &[],
    },
    Target {
        module: S,
        name: "log",
        pairs: &[(1, 2)],
        singles: &[],
    },
    Target {
        module: S,
        name: "state_read",
        pairs: &[(0, 1)],
        singles: &[],
    },
    Target {
        module: S,
        name: "temperature_name",
        pairs: &[(1, 2)],
        singles: &[],
    },
    Target {
        module: S,
        name: "camera_info",
        pairs: &[(0, 1)],
        singles: &[],
    },
    Target {
        module: S,
        name: "camera_capture",
        pairs: &[(0, 1), (2, 3)],
        singles: &[],
    },
    Target {
        module: S,
        name: "downlink_queue",
        pairs: &[(0, 1)],
        singles: &[],
    },
    Target {
        module: S,
        name: "downlink_stats",
        pairs: &[(0, 1)],
        singles: &[],
    },
    Target {
        module: S,
        name: "command_recv",
        pairs: &[(0, 1)],
        singles: &[],
    },
    Target {
        module: S,
        name: "isl_send",
        pairs: &[(0, 1), (2, 3)],
        singles: &[],
    },
    Target {
        module: S,
        name: "isl_recv",
        pairs: &[(0, 1), (2, 3)],
        singles: &[],
    },
    Target {
        module: W,
        name: "args_get",
        pairs: &[],
        singles: &[0, 1],
    },
    Target {
        module: W,
        name: "args_sizes_get",
        pairs: &[],
        singles: &[0, 1],
    },
    Target {
        module: W,
        name: "environ_get",
        pairs: &[],
        singles: &[0, 1],
    },
    Target {
        module: W,
        name: "environ_sizes_get",
        pairs: &[],
        singles: &[0, 1],
    },
    Target {
        module: W,
        name: "clock_res_get",
        pairs: &[],
        singles: &[1],
    },
    Target {
        module: W,
        name: "clock_time_get",
        pairs: &[],
        singles: &[2],
    },
    Target {
        module: W,
        name: "fd_fdstat_get",
        pairs: &[],
        singles: &[1],
    },
    Target {
        module: W,
        name: "fd_filestat_get",
        pairs: &[],
        singles: &[1],
    },
    Target {
        module: W,
        name: "fd_prestat_get",
        pairs: &[],
        singles: &[1],
    },
    Target {
        module: W,
        name: "fd_prestat_dir_name",
        pairs: &[(1, 2)],
        singles: &[],
    },
    Target {
        module: W,
        name: "fd_read",
        pairs: &[(1, 2)],
        singles: &[3],
    },
    Target {
        module: W,
        name: "fd_write",
        pairs: &[(1, 2)],
        singles: &[3],
    },
    Target {
        module: W,
        name: "fd_pread",
        pairs: &[(1, 2)],
        singles: &[4],
    },
    Target {
        module: W,
        name: "fd_pwrite",
        pairs: &[(1, 2)],
        singles: &[4],
    },
    Target {
        module: W,
        name: "fd_readdir",
        pairs: &[(1, 2)],
        singles: &[4],
    },
    Target {
        module: W,
        name: "fd_seek",
        pairs: &[],
        singles: &[3],
    },
    Target {
        module: W,
        name: "fd_tell",
        pairs: &[],
        singles: &[1],
    },
    Target {
        module: W,
        name: "path_create_directory",
        pairs: &[(1, 2)],
        singles: &[],
    },
    Target {
        module: W,
        name: "path_filestat_get",
        pairs: &[(2, 3)],
        singles: &[4],
    },
    Target {
        module: W,
        name: "path_open",
        pairs: &[(2, 3)],
        singles: &[8],
    },
    Target {
        module: W,
        name: "path_remove_directory",
        pairs: &[(1, 2)],
        singles: &[],
    },
    Target {
        module: W,
        name: "path_unlink_file",
        pairs: &[(1, 2)],
        singles: &[],
    },
    Target {
        module: W,
        name: "path_rename",
        pairs: &[(1, 2), (4, 5)],
        singles: &[],
    },
    Target {
        module: W,
        name: "poll_oneoff",
        pairs: &[],
        singles: &[0, 1, 3],
    },
    Target {
        module: W,
        name: "random_get",
        pairs: &[(0, 1)],
        singles: &[],
    },
];

/// Memory is 1 page (65536 bytes).
const MEM: i64 = 65536;

/// Bad `(ptr, len)` pairs: straddling the end, starting past it, 4 GiB lengths, wrapping.
const BAD_PAIRS: &[(i64, i64)] = &[
    (MEM - 1, 2),
    (MEM, 1),
    (-1, 1),
    (0, -1),
    (8, 0xffff_fff8),
    (-16, 32),
    (0x7fff_ffff, 0x7fff_ffff),
    (MEM - 8, 0x8000_0000),
];
/// Bad out-pointers (results are at least 4 bytes).
const BAD_SINGLES: &[i64] = &[MEM - 1, MEM, -1, -4];

/// A valid default for every other argument: pointers/lengths point at a zeroed scratch area,
/// descriptors and counts are small.
fn default_arg(target: &Target, pos: usize, ty: WasmTy) -> String {
    let v: i64 = match (target.name, pos) {
        (n, 0) if n.starts_with("fd_") || n.starts_with("path_") => 3,
        ("path_rename", 3) => 3,
        ("poll_oneoff", 2) => 1,
        ("log", 0) => 2,
        ("downlink_queue", 2) => 1,
        _ => match ty {
            WasmTy::I32 => {
                if target.pairs.iter().any(|&(_, l)| l == pos) {
                    16
                } else {
                    1024
                }
            }
            _ => 0,
        },
    };
    match ty {
        WasmTy::I32 => format!("(i32.const {v})"),
        WasmTy::I64 => format!("(i64.const {v})"),
        WasmTy::F64 => format!("(f64.const {v})"),
    }
}

fn build_probe() -> (String, usize) {
    let mut imports = String::new();
    let mut body = String::new();
    let mut case = 0usize;
    for (fi, t) in TARGETS.iter().enumerate() {
        let (_, params, results) =
            host_signature(t.module, t.name).unwrap_or_else(|| panic!("{} not provided", t.name));
        let ps: Vec<&str> = params.iter().map(|p| p.name()).collect();
        let rs: Vec<&str> = results.iter().map(|r| r.name()).collect();
        writeln!(
            imports,
            "(import \"{}\" \"{}\" (func $f{fi} (param {}) (result {})))",
            t.module,
            t.name,
            ps.join(" "),
            rs.join(" ")
        )
        .unwrap();
        let expected = if t.module == S { -1 } else { 21 };
        let result_ty = results[0];
        let mut emit = |args: Vec<String>| {
            case += 1;
            let (ne, k) = match result_ty {
                WasmTy::I64 => ("i64.ne", format!("(i64.const {expected})")),
                _ => ("i32.ne", format!("(i32.const {expected})")),
            };
            writeln!(
                body,
                "(if ({ne} (call $f{fi} {}) {k}) (then (call $exit (i32.const {case}))))",
                args.join(" ")
            )
            .unwrap();
        };
        let base: Vec<String> = params
            .iter()
            .enumerate()
            .map(|(i, ty)| default_arg(t, i, *ty))
            .collect();
        for &(p, l) in t.pairs {
            for &(ptr, len) in BAD_PAIRS {
                let mut args = base.clone();
                args[p] = format!("(i32.const {})", ptr as i32);
                args[l] = format!("(i32.const {})", len as u32 as i32);
                emit(args);
            }
        }
        for &p in t.singles {
            for &ptr in BAD_SINGLES {
                let mut args = base.clone();
                args[p] = format!("(i32.const {})", ptr as i32);
                emit(args);
            }
        }
    }
    let src = format!(
        "(module
           (import \"wasi_snapshot_preview1\" \"proc_exit\" (func $exit (param i32)))
           {imports}
           (memory (export \"memory\") 1)
           (func (export \"_start\")
             {body}
             (call $exit (i32.const 0))))"
    );
    (src, case)
}

#[test]
fn regress_every_pointer_argument_is_bounds_checked() {
    let (src, cases) = build_probe();
    assert!(cases > 250, "{cases} cases");
    let hv = hv();
    let mut obc = computer(&hv);
    obc.set_peers(["SAT-2".to_string()]);
    let img = hv.load_image(&wat(&src)).expect("probe loads");
    let id = obc
        .install(
            &img,
            AppConfig {
                restart: RestartPolicy::Never,
                ..AppConfig::new("probe")
            },
        )
        .unwrap();
    obc.start(id).unwrap();
    let out = steps(&mut obc, 1, secs(1));
    let ev = out.events_of("probe");
    assert!(
        ev.contains(&EventKind::Exited { code: 0 }),
        "first case not returning EFAULT: {ev:?}"
    );
}

#[test]
fn regress_probe_cases_are_real_calls() {
    // The probe must fail when a case cannot fault: replace one bad pair by a valid one and the
    // guest exits with that case's number.
    let (src, _) = build_probe();
    let broken = src.replacen(
        &format!("(i32.const {}) (i32.const 2)", MEM - 1),
        "(i32.const 0) (i32.const 2)",
        1,
    );
    assert_ne!(broken, src);
    let hv = hv();
    let mut obc = computer(&hv);
    let img = hv.load_image(&wat(&broken)).unwrap();
    let id = obc
        .install(
            &img,
            AppConfig {
                restart: RestartPolicy::Never,
                ..AppConfig::new("probe")
            },
        )
        .unwrap();
    obc.start(id).unwrap();
    let out = steps(&mut obc, 1, secs(1));
    assert!(
        out.events_of("probe")
            .contains(&EventKind::Exited { code: 1 }),
        "{:?}",
        out.events_of("probe")
    );
}

#[test]
fn regress_every_host_function_is_listed_and_linkable() {
    // A module importing every function of both tables loads and instantiates.
    let mut imports = String::new();
    for (module, table) in [
        (S, sim_core::hypervisor::abi::SKYTWIN_V1),
        (W, sim_core::hypervisor::abi::WASI_P1),
    ] {
        for (i, (name, params, results)) in table.iter().enumerate() {
            let ps: Vec<&str> = params.iter().map(|p| p.name()).collect();
            let rs: Vec<&str> = results.iter().map(|r| r.name()).collect();
            writeln!(
                imports,
                "(import \"{module}\" \"{name}\" (func $m{module}{i} (param {}) (result {})))",
                ps.join(" "),
                rs.join(" ")
            )
            .unwrap();
        }
    }
    let src =
        format!("(module {imports} (memory (export \"memory\") 1) (func (export \"_start\")))");
    let hv = hv();
    let img = hv.load_image(&wat(&src)).expect("all imports provided");
    assert!(img.inspection().problems.is_empty());
    let mut obc = computer(&hv);
    let id = obc.install(&img, AppConfig::new("all")).unwrap();
    obc.start(id).unwrap();
    let out = steps(&mut obc, 1, secs(1));
    assert!(
        out.events_of("all")
            .contains(&EventKind::Exited { code: 0 })
    );
}
