//! Checks of the committed example app images in `assets/apps/`:
//!
//! - `val_abi_doc_*`: every image validates, imports only `skytwin_v1` and
//!   `wasi_snapshot_preview1`, every `skytwin_v1` import is a function documented in
//!   `docs/abi.md` with the documented signature, every WASI import is one the doc says the
//!   simulator provides, and each image exports `memory` plus `_start` (command) or
//!   `skytwin_on_event` (reactor);
//! - `regress_abi_doc_examples_build_and_run`: the complete examples of `docs/abi.md` build and
//!   run as the doc says (toolchain permitting, like the next one);
//! - `regress_images_rebuild_byte_identical`: when the pinned guest toolchain recorded in
//!   `assets/apps/TOOLCHAIN` is installed, `guest/build-examples.sh` rebuilds every image
//!   into a temporary directory and the bytes must equal the committed ones. Without the
//!   toolchain it says loudly that it skipped, and why; in CI (`SKYTWIN_CI`) it fails.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use wasmparser::types::EntityType;
use wasmparser::{ExternalKind, Parser, Payload, TypeRef, ValType, Validator};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The example images and their style: (file, reactor?, uses skytwin_v1?).
const IMAGES: [(&str, bool, bool); 6] = [
    ("beacon.wasm", false, true),
    ("eo-imager.wasm", false, true),
    ("relay.wasm", false, true),
    ("cloud-screen.wasm", true, true),
    ("housekeeping.wasm", true, true),
    ("hello.wasm", false, false),
];

/// The skytwin_v1 functions as this test knows them; cross-checked against docs/abi.md so
/// that a change of the doc fails here until the images and this table follow it.
const ABI_V1: [(&str, &str); 23] = [
    ("abi_version", "() -> i32"),
    ("time_now", "() -> i64"),
    ("identity", "(i32, i32) -> i32"),
    ("log", "(i32, i32, i32) -> i32"),
    ("state_read", "(i32, i32) -> i32"),
    ("temperature_name", "(i32, i32, i32) -> i32"),
    ("attitude_request", "(i32, f64, f64, f64, f64) -> i32"),
    ("camera_info", "(i32, i32) -> i32"),
    ("camera_capture", "(i32, i32, i32, i32) -> i32"),
    ("downlink_queue", "(i32, i32, i32) -> i64"),
    ("downlink_status", "(i64) -> i64"),
    ("downlink_stats", "(i32, i32) -> i32"),
    ("command_next_len", "() -> i32"),
    ("command_recv", "(i32, i32) -> i32"),
    ("isl_send", "(i32, i32, i32, i32) -> i64"),
    ("isl_next_len", "() -> i32"),
    ("isl_recv", "(i32, i32, i32, i32) -> i32"),
    ("wait", "(i32, i64) -> i32"),
    ("poll_events", "(i32) -> i32"),
    ("sleep_until", "(i64) -> i32"),
    ("timer_set", "(i64) -> i32"),
    ("heartbeat", "() -> i32"),
    ("subscribe", "(i32) -> i32"),
];

fn abi_doc() -> String {
    std::fs::read_to_string(root().join("docs/abi.md")).expect("docs/abi.md")
}

/// The function signatures documented in docs/abi.md: lines that start with
/// `` `name(arg: type, ...) -> type` ``, as `name -> "(types) -> type"`.
fn doc_signatures(doc: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for line in doc.lines() {
        let Some(rest) = line.strip_prefix('`') else {
            continue;
        };
        let Some(end) = rest.find('`') else { continue };
        let sig = &rest[..end];
        let (Some(open), Some(arrow)) = (sig.find('('), sig.find(") -> ")) else {
            continue;
        };
        let name = &sig[..open];
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            continue;
        }
        let params: Vec<&str> = sig[open + 1..arrow]
            .split(',')
            .filter(|p| !p.trim().is_empty())
            .map(|p| p.rsplit(':').next().unwrap_or("").trim())
            .collect();
        let result = sig[arrow + 5..].trim();
        out.insert(
            name.to_string(),
            format!("({}) -> {result}", params.join(", ")),
        );
    }
    out
}

/// The WASI functions docs/abi.md says the simulator provides (the backticked names between
/// "Provided:" and "Any other WASI function").
fn doc_wasi(doc: &str) -> BTreeSet<String> {
    let start = doc
        .find("Provided:")
        .expect("WASI 'Provided:' list in docs/abi.md");
    let end = start
        + doc[start..]
            .find("Any other WASI function")
            .expect("end of WASI list");
    doc[start..end]
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|w| w.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        .map(str::to_string)
        .collect()
}

fn val_name(t: &ValType) -> &'static str {
    match t {
        ValType::I32 => "i32",
        ValType::I64 => "i64",
        ValType::F32 => "f32",
        ValType::F64 => "f64",
        ValType::V128 => "v128",
        ValType::Ref(_) => "ref",
    }
}

/// What a test needs to know about one module.
struct ModuleInfo {
    /// (module, name, signature) of every function import.
    func_imports: Vec<(String, String, String)>,
    /// Imports other than functions, as "module.name".
    other_imports: Vec<String>,
    /// name -> (kind, signature for functions).
    exports: BTreeMap<String, (ExternalKind, Option<String>)>,
}

fn inspect(bytes: &[u8]) -> ModuleInfo {
    let types = Validator::new()
        .validate_all(bytes)
        .expect("module validates");
    let types = types.as_ref();
    let sig = |ty: EntityType| -> Option<String> {
        let EntityType::Func(id) = ty else {
            return None;
        };
        let f = types[id].unwrap_func();
        let p: Vec<&str> = f.params().iter().map(val_name).collect();
        let r: Vec<&str> = f.results().iter().map(val_name).collect();
        Some(format!(
            "({}) -> {}",
            p.join(", "),
            if r.is_empty() {
                "()".to_string()
            } else {
                r.join(", ")
            }
        ))
    };
    let mut info = ModuleInfo {
        func_imports: Vec::new(),
        other_imports: Vec::new(),
        exports: BTreeMap::new(),
    };
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.expect("parses") {
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import.expect("import");
                    match (import.ty, types.entity_type_from_import(&import)) {
                        (TypeRef::Func(_) | TypeRef::FuncExact(_), Some(ty)) => {
                            info.func_imports.push((
                                import.module.to_string(),
                                import.name.to_string(),
                                sig(ty).expect("function type"),
                            ))
                        }
                        _ => info
                            .other_imports
                            .push(format!("{}.{}", import.module, import.name)),
                    }
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.expect("export");
                    let s = types.entity_type_from_export(&export).and_then(sig);
                    info.exports
                        .insert(export.name.to_string(), (export.kind, s));
                }
            }
            _ => {}
        }
    }
    info
}

fn image_path(name: &str) -> PathBuf {
    root().join("assets/apps").join(name)
}

#[test]
fn val_abi_doc_matches_the_test_table() {
    let doc = doc_signatures(&abi_doc());
    let table: BTreeMap<String, String> = ABI_V1
        .iter()
        .map(|(n, s)| (n.to_string(), s.to_string()))
        .collect();
    assert_eq!(
        doc, table,
        "docs/abi.md changed: update ABI_V1 here, guest/src/sys.rs, guest/include/skytwin.h and rebuild assets/apps"
    );
}

#[test]
fn val_abi_doc_imports_and_exports_of_every_image() {
    let doc = abi_doc();
    let abi = doc_signatures(&doc);
    let wasi = doc_wasi(&doc);
    assert!(
        wasi.contains("fd_write") && wasi.contains("proc_exit"),
        "WASI list parsed: {wasi:?}"
    );
    for (file, reactor, uses_skytwin) in IMAGES {
        let bytes = std::fs::read(image_path(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let info = inspect(&bytes);
        assert!(
            info.other_imports.is_empty(),
            "{file} imports non-functions: {:?}",
            info.other_imports
        );
        let mut skytwin_imports = 0;
        for (module, name, sig) in &info.func_imports {
            match module.as_str() {
                "skytwin_v1" => {
                    skytwin_imports += 1;
                    let documented = abi.get(name).unwrap_or_else(|| {
                        panic!("{file}: skytwin_v1.{name} is not in docs/abi.md")
                    });
                    assert_eq!(sig, documented, "{file}: signature of skytwin_v1.{name}");
                }
                "wasi_snapshot_preview1" => {
                    assert!(
                        wasi.contains(name),
                        "{file}: WASI {name} is not provided per docs/abi.md"
                    );
                }
                other => panic!("{file}: import from unexpected module {other}.{name}"),
            }
        }
        assert_eq!(
            skytwin_imports > 0,
            uses_skytwin,
            "{file}: skytwin_v1 imports: {skytwin_imports}"
        );
        let (kind, _) = info
            .exports
            .get("memory")
            .unwrap_or_else(|| panic!("{file} exports no memory"));
        assert_eq!(*kind, ExternalKind::Memory, "{file}: memory");
        let has = |name: &str, want: &str| match info.exports.get(name) {
            Some((ExternalKind::Func, Some(sig))) => {
                assert_eq!(sig, want, "{file}: signature of export {name}");
                true
            }
            _ => false,
        };
        if reactor {
            assert!(
                has("skytwin_on_event", "(i32) -> i32"),
                "{file}: reactor without skytwin_on_event"
            );
            assert!(
                !info.exports.contains_key("_start"),
                "{file}: a reactor must not export _start"
            );
        } else {
            assert!(has("_start", "() -> ()"), "{file}: command without _start");
        }
    }
}

#[test]
fn val_abi_doc_every_committed_image_is_checked() {
    let mut found: Vec<String> = std::fs::read_dir(root().join("assets/apps"))
        .expect("assets/apps")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".wasm"))
        .collect();
    found.sort();
    let mut listed: Vec<String> = IMAGES.iter().map(|(f, _, _)| f.to_string()).collect();
    listed.sort();
    assert_eq!(found, listed);
}

/// The toolchain lines of a TOOLCHAIN file: "rustc: ..." and "zig: ...".
fn recorded(toolchain: &str, key: &str) -> Option<String> {
    toolchain
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(": ").map(str::to_string))
}

fn command_output(program: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(program)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{program} {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Why the pinned toolchain is not usable here, or `None` when it is.
fn toolchain_missing(toolchain: &str) -> Option<String> {
    let rustc =
        std::env::var("SKYTWIN_GUEST_RUSTC").unwrap_or_else(|_| "/usr/bin/rustc".to_string());
    let want_rustc = recorded(toolchain, "rustc")?;
    let want_zig = recorded(toolchain, "zig")?;
    match command_output(&rustc, &["--version"]) {
        Ok(v) if v == want_rustc => {}
        Ok(v) => {
            return Some(format!(
                "{rustc} is {v:?}, the images were built with {want_rustc:?}"
            ));
        }
        Err(e) => return Some(e),
    }
    let sysroot = command_output(&rustc, &["--print", "sysroot"]).ok()?;
    if !Path::new(&sysroot).join("lib/rustlib/wasm32-wasi").exists() {
        return Some(format!(
            "{rustc} has no wasm32-wasi std (apt install libstd-rust-dev-wasm32)"
        ));
    }
    match command_output("python3", &["-m", "ziglang", "version"]) {
        Ok(v) if v == want_zig => None,
        Ok(v) => Some(format!("zig is {v}, the images were built with {want_zig}")),
        Err(e) => Some(format!("{e} (pip install ziglang=={want_zig})")),
    }
}

/// Whether `test` must skip because the pinned guest toolchain is missing. In CI
/// (`SKYTWIN_CI`, set by `.ci/run`, which installs the toolchains) that is a failure; locally
/// the skip is written to the real stderr, which the test harness does not capture, so it
/// shows in the output of `cargo test` whatever `--nocapture` says.
fn skipped_without_toolchain(test: &str, toolchain: &str, consequence: &str) -> bool {
    let Some(why) = toolchain_missing(toolchain) else {
        return false;
    };
    assert!(
        std::env::var_os("SKYTWIN_CI").is_none(),
        "{test}: the guest toolchain is required in CI: {why}"
    );
    let rule = "=".repeat(66);
    let _ = writeln!(
        std::io::stderr(),
        "{rule}\nSKIPPED {test}: {why}\n{consequence}\n{rule}"
    );
    true
}

#[test]
fn regress_images_rebuild_byte_identical() {
    let committed = root().join("assets/apps");
    let toolchain =
        std::fs::read_to_string(committed.join("TOOLCHAIN")).expect("assets/apps/TOOLCHAIN");
    if skipped_without_toolchain(
        "regress_images_rebuild_byte_identical",
        &toolchain,
        "The committed images in assets/apps/ were NOT rebuilt and compared.",
    ) {
        return;
    }
    let out = tempfile::tempdir().expect("temp dir");
    let status = Command::new("bash")
        .arg(root().join("guest/build-examples.sh"))
        .arg(out.path())
        .status()
        .expect("run guest/build-examples.sh");
    assert!(status.success(), "guest/build-examples.sh failed");
    let mut compared = 0;
    for (file, _, _) in IMAGES {
        let fresh = std::fs::read(out.path().join(file))
            .unwrap_or_else(|e| panic!("{file} not built: {e}"));
        let old = std::fs::read(committed.join(file)).expect("committed image");
        assert!(
            fresh == old,
            "{file}: rebuilt image ({} bytes) differs from the committed one ({} bytes); \
             run guest/build-examples.sh and commit assets/apps",
            fresh.len(),
            old.len()
        );
        compared += 1;
    }
    let fresh_toolchain = std::fs::read_to_string(out.path().join("TOOLCHAIN")).expect("TOOLCHAIN");
    assert_eq!(
        fresh_toolchain, toolchain,
        "TOOLCHAIN (versions or flags) changed"
    );
    assert_eq!(compared, IMAGES.len());
}

/// The two complete examples in `docs/abi.md` (a Rust command app and a C reactor) build with
/// the guest toolchains and do what the doc says when run by `skytwin app run`: the command
/// app's packets are downlinked in contact, the reactor counts the uplinked commands.
#[test]
fn regress_abi_doc_examples_build_and_run() {
    let toolchain = std::fs::read_to_string(root().join("assets/apps/TOOLCHAIN"))
        .expect("assets/apps/TOOLCHAIN");
    if skipped_without_toolchain(
        "regress_abi_doc_examples_build_and_run",
        &toolchain,
        "The examples of docs/abi.md were NOT built and run.",
    ) {
        return;
    }
    let doc = abi_doc();
    let block = |lang: &str| -> String {
        let start = doc
            .find(&format!("```{lang}\n"))
            .unwrap_or_else(|| panic!("no {lang} block in docs/abi.md"))
            + lang.len()
            + 4;
        let len = doc[start..].find("```").expect("closing fence");
        doc[start..start + len].to_string()
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let d = |name: &str| dir.path().join(name).display().to_string();
    std::fs::write(d("cmd.rs"), block("rust")).unwrap();
    std::fs::write(d("reactor.c"), block("c")).unwrap();
    let rustc =
        std::env::var("SKYTWIN_GUEST_RUSTC").unwrap_or_else(|_| "/usr/bin/rustc".to_string());
    let lib = root().join("guest/src/lib.rs").display().to_string();
    let rlib = d("libskytwin_guest.rlib");
    let rust = ["--edition", "2021", "--target", "wasm32-wasi", "-O"];
    command_output(
        &rustc,
        &[
            &rust[..],
            &[
                "--crate-type",
                "rlib",
                "--crate-name",
                "skytwin_guest",
                &lib,
                "-o",
                &rlib,
            ],
        ]
        .concat(),
    )
    .expect("guest crate");
    let extern_arg = format!("skytwin_guest={rlib}");
    command_output(
        &rustc,
        &[
            &rust[..],
            &["--extern", &extern_arg, &d("cmd.rs"), "-o", &d("cmd.wasm")],
        ]
        .concat(),
    )
    .expect("the doc's Rust command app builds");
    let include = root().join("guest/include").display().to_string();
    command_output(
        "python3",
        &[
            "-m",
            "ziglang",
            "cc",
            "--target=wasm32-wasi",
            "-mexec-model=reactor",
            "-O2",
            "-s",
            "-I",
            &include,
            &d("reactor.c"),
            "-o",
            &d("reactor.wasm"),
        ],
    )
    .expect("the doc's C reactor builds");
    let out = command_output(
        env!("CARGO_BIN_EXE_skytwin"),
        &[
            "app",
            "run",
            &d("cmd.wasm"),
            &d("reactor.wasm"),
            "--for",
            "2h",
            "--command",
            "epoch+10m=reactor:one",
            "--command",
            "epoch+11m=reactor:two",
        ],
    )
    .expect("skytwin app run");
    assert!(
        out.contains("reactor info: contact: 2 commands so far"),
        "{out}"
    );
    let cmd_row = out
        .lines()
        .find(|l| l.trim_start().starts_with("cmd "))
        .expect("summary row of the command app");
    assert!(cmd_row.contains("waiting"), "{cmd_row}");
    assert!(
        !cmd_row.ends_with(" 0 B"),
        "its packets are delivered: {cmd_row}"
    );
}
