//! sim-core's modules form layers with no import circle (docs/ARCHITECTURE.md, "Layers inside
//! sim-core").
//!
//! Every source file of `src/` is a node; an edge `a -> b` means that file `a` names an item
//! of module `b` — in a `use` declaration (`crate::…`, `super::…`, `self::…`, or a child
//! module of `a`) or inline as a `crate::…`/`super::…` path in code. Comments, strings and
//! `#[cfg(test)] mod tests { … }` blocks are left out. A path is charged to the longest
//! module prefix that is a file, so `use crate::bus::AppBus` is an edge to `bus/mod.rs` (the
//! facade) and `use crate::bus::app_bus::AppBus` one to `bus/app_bus.rs`. Declaring a child
//! (`mod x;`) is not an edge; re-exporting from it (`pub use x::Y`) is.
//!
//! Two checks: the file graph has no cycle (so a `mod.rs` that re-exports its children must
//! not be imported back by them), and the top-level modules import only from lower layers in
//! [`LAYERS`]. `cargo test -p sim-core --test all module_layers -- --nocapture` prints the
//! edges between top-level modules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// sim-core's layers, lowest first: a top-level module imports only from lower layers.
const LAYERS: &[&[&str]] = &[
    &["time", "state", "abi_codes", "rng"],
    &["bus"],
    &["hypervisor"],
    &["computer"],
    &["sim"],
];

/// A module path relative to the crate root (`[]` is `lib.rs`).
type ModPath = Vec<String>;

/// The module graph of a crate: each file's module path and the modules it names.
struct ModuleGraph {
    /// Module path → file (relative to `src/`).
    files: BTreeMap<ModPath, String>,
    /// Edges between files, by module path.
    edges: BTreeSet<(ModPath, ModPath)>,
}

#[test]
fn regress_sim_core_modules_have_no_import_cycle() {
    let graph = ModuleGraph::of_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(
        graph.files.len() > 40,
        "only {} files found",
        graph.files.len()
    );
    if let Some(cycle) = graph.cycle() {
        let names: Vec<&str> = cycle.iter().map(|m| graph.files[m].as_str()).collect();
        panic!("import cycle: {}", names.join(" -> "));
    }
}

#[test]
fn regress_sim_core_layers_import_downward_only() {
    let graph = ModuleGraph::of_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    let layer_of = |top: &str| LAYERS.iter().position(|l| l.contains(&top));
    let tops: BTreeSet<&String> = graph.files.keys().filter_map(|m| m.first()).collect();
    for top in &tops {
        assert!(layer_of(top).is_some(), "module {top} is in no layer");
    }
    let mut upward = Vec::new();
    let mut between: BTreeSet<(String, String)> = BTreeSet::new();
    for (from, to) in &graph.edges {
        let (Some(a), Some(b)) = (from.first(), to.first()) else {
            continue; // lib.rs, the facade above every layer
        };
        if a == b {
            continue;
        }
        between.insert((a.clone(), b.clone()));
        if layer_of(a) <= layer_of(b) {
            upward.push(format!("{} -> {}", graph.files[from], graph.files[to]));
        }
    }
    for (a, b) in &between {
        println!("{a} -> {b}");
    }
    assert!(
        upward.is_empty(),
        "imports that do not go down a layer: {upward:#?}"
    );
}

#[test]
fn regress_module_graph_finds_a_planted_cycle() {
    // a -> b (use), b -> c (inline path), c -> a (a child's `use super::…` of its facade);
    // a path in a comment, a string and a test module, and a declaration, are no edges.
    let graph = ModuleGraph::of_sources(&[
        (
            "lib.rs",
            "mod a; mod b;\n// crate::b::X\nfn f() { let _ = \"crate::b\"; }",
        ),
        (
            "a/mod.rs",
            "mod c;\npub use c::C;\nuse crate::b::{self, B};",
        ),
        (
            "a/c.rs",
            "use super::A;\n#[cfg(test)]\nmod tests { use crate::b::B; }",
        ),
        ("b.rs", "pub struct B;\nfn g() -> u8 { crate::a::c::K }"),
    ]);
    let m = |s: &[&str]| -> ModPath { s.iter().map(|x| x.to_string()).collect() };
    let expected: BTreeSet<(ModPath, ModPath)> = [
        (m(&["a"]), m(&["a", "c"])),
        (m(&["a"]), m(&["b"])),
        (m(&["a", "c"]), m(&["a"])),
        (m(&["b"]), m(&["a", "c"])),
    ]
    .into_iter()
    .collect();
    assert_eq!(graph.edges, expected);
    let cycle = graph.cycle().expect("the planted cycle is found");
    assert_eq!(cycle.first(), cycle.last());
    assert!(cycle.contains(&m(&["a"])) && cycle.contains(&m(&["a", "c"])));

    let acyclic = ModuleGraph::of_sources(&[
        ("lib.rs", "mod a; mod b;"),
        ("a.rs", "use crate::b::B;"),
        (
            "b.rs",
            "pub struct B; pub fn s() -> &'static str { \"crate::a\" }",
        ),
    ]);
    assert_eq!(acyclic.cycle(), None);
}

impl ModuleGraph {
    /// The graph of every `.rs` file under `src`.
    fn of_dir(src: &Path) -> Self {
        let mut sources = Vec::new();
        collect_sources(src, src, &mut sources);
        let refs: Vec<(&str, &str)> = sources
            .iter()
            .map(|(p, s)| (p.as_str(), s.as_str()))
            .collect();
        Self::of_sources(&refs)
    }

    /// The graph of `(path relative to src/, source)` pairs.
    fn of_sources(sources: &[(&str, &str)]) -> Self {
        let files: BTreeMap<ModPath, String> = sources
            .iter()
            .map(|(path, _)| (module_path(path), path.to_string()))
            .collect();
        let mut edges = BTreeSet::new();
        for (path, source) in sources {
            let here = module_path(path);
            let code = strip_tests(&strip_comments_and_literals(source));
            for target in named_paths(&code, &here, &files) {
                if let Some(to) = longest_module(&target, &files)
                    && to != here
                {
                    edges.insert((here.clone(), to));
                }
            }
        }
        Self { files, edges }
    }

    /// A cycle (first node repeated last), if there is one.
    fn cycle(&self) -> Option<Vec<ModPath>> {
        let mut next: BTreeMap<&ModPath, Vec<&ModPath>> = BTreeMap::new();
        for (a, b) in &self.edges {
            next.entry(a).or_default().push(b);
        }
        // Depth-first search: 1 = on the current path, 2 = done.
        let mut state: BTreeMap<&ModPath, u8> = BTreeMap::new();
        let mut path: Vec<&ModPath> = Vec::new();
        fn visit<'a>(
            n: &'a ModPath,
            next: &BTreeMap<&'a ModPath, Vec<&'a ModPath>>,
            state: &mut BTreeMap<&'a ModPath, u8>,
            path: &mut Vec<&'a ModPath>,
        ) -> Option<Vec<ModPath>> {
            state.insert(n, 1);
            path.push(n);
            for &m in next.get(n).map(Vec::as_slice).unwrap_or_default() {
                match state.get(m) {
                    Some(1) => {
                        let start = path.iter().position(|p| *p == m).unwrap_or(0);
                        let mut cycle: Vec<ModPath> =
                            path[start..].iter().map(|p| (*p).clone()).collect();
                        cycle.push(m.clone());
                        return Some(cycle);
                    }
                    Some(_) => {}
                    None => {
                        if let Some(c) = visit(m, next, state, path) {
                            return Some(c);
                        }
                    }
                }
            }
            path.pop();
            state.insert(n, 2);
            None
        }
        for n in self.files.keys() {
            if !state.contains_key(n)
                && let Some(c) = visit(n, &next, &mut state, &mut path)
            {
                return Some(c);
            }
        }
        None
    }
}

fn collect_sources(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_sources(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let rel = path.strip_prefix(root).expect("under src");
            let source = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            out.push((rel.to_string_lossy().replace('\\', "/"), source));
        }
    }
}

/// `bus/app_bus.rs` → `[bus, app_bus]`; `bus/mod.rs` → `[bus]`; `lib.rs` → `[]`.
fn module_path(file: &str) -> ModPath {
    let mut parts: Vec<String> = file
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_string)
        .collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib")) {
        parts.pop();
    }
    parts
}

/// The longest prefix of `path` that is a module of the crate.
fn longest_module(path: &[String], files: &BTreeMap<ModPath, String>) -> Option<ModPath> {
    (0..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|p| files.contains_key(p))
}

/// Blanks out comments, string and character literals (keeping line structure irrelevant:
/// only the tokens matter), leaving lifetimes alone.
fn strip_comments_and_literals(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    let ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    while i < c.len() {
        let prev_ident = i > 0 && ident(c[i - 1]);
        if c[i] == '/' && c.get(i + 1) == Some(&'/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if c[i] == '/' && c.get(i + 1) == Some(&'*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if !prev_ident && (c[i] == 'r' || (c[i] == 'b' && c.get(i + 1) == Some(&'r'))) && {
            let mut j = i + if c[i] == 'b' { 2 } else { 1 };
            while c.get(j) == Some(&'#') {
                j += 1;
            }
            c.get(j) == Some(&'"')
        } {
            // raw string: r#"…"#
            let mut j = i + if c[i] == 'b' { 2 } else { 1 };
            let mut hashes = 0;
            while c[j] == '#' {
                hashes += 1;
                j += 1;
            }
            j += 1;
            while j < c.len() {
                if c[j] == '"' && (0..hashes).all(|k| c.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            i = j;
            out.push_str("\"\"");
        } else if c[i] == '"' {
            i += 1;
            while i < c.len() && c[i] != '"' {
                i += if c[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c[i] == '\'' && c.get(i + 1) == Some(&'\\') {
            // escaped character literal: '\n', '\u{1b}', '\''
            i += 2;
            while i < c.len() && c[i] != '\'' {
                i += 1;
            }
            i += 1;
            out.push_str("' '");
        } else if c[i] == '\'' && c.get(i + 2) == Some(&'\'') {
            i += 3;
            out.push_str("' '");
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// Removes `#[cfg(test)] mod NAME { … }` blocks.
fn strip_tests(code: &str) -> String {
    let mut out = code.to_string();
    while let Some(at) = out.find("#[cfg(test)]") {
        let after = &out[at + "#[cfg(test)]".len()..];
        let rest = after.trim_start();
        let is_mod = rest.starts_with("mod ") && {
            let decl_end = rest.find(['{', ';']).unwrap_or(rest.len());
            rest[decl_end..].starts_with('{')
        };
        if !is_mod {
            out.replace_range(at..at + "#[cfg(test)]".len(), "");
            continue;
        }
        let open =
            at + "#[cfg(test)]".len() + (after.len() - rest.len()) + rest.find('{').unwrap_or(0);
        let mut depth = 0;
        let mut end = out.len();
        for (k, ch) in out[open..].char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + k + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        out.replace_range(at..end, "");
    }
    out
}

/// A token of the stripped source: an identifier, `::`, or one other character.
fn tokens(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    let c: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < c.len() {
        if c[i].is_alphanumeric() || c[i] == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(c[start..i].iter().collect());
        } else if c[i] == ':' && c.get(i + 1) == Some(&':') {
            out.push("::".to_string());
            i += 2;
        } else if c[i].is_whitespace() {
            i += 1;
        } else {
            out.push(c[i].to_string());
            i += 1;
        }
    }
    out
}

/// Every crate-relative path the code names: from `use` trees and from inline
/// `crate::`/`super::`/`self::` paths.
fn named_paths(code: &str, here: &ModPath, files: &BTreeMap<ModPath, String>) -> Vec<ModPath> {
    let t = tokens(code);
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        let starts_item =
            i == 0 || matches!(t[i - 1].as_str(), ";" | "{" | "}" | ")" | "]" | "pub");
        if t[i] == "use" && starts_item {
            let end = t[i..]
                .iter()
                .position(|x| x == ";")
                .map_or(t.len(), |k| i + k);
            let mut leaves = Vec::new();
            expand_use_tree(&t[i + 1..end], Vec::new(), &mut leaves);
            out.extend(leaves.iter().filter_map(|p| resolve(p, here, files, true)));
            i = end;
            continue;
        }
        let after_sep = i > 0 && t[i - 1] == "::";
        if !after_sep
            && matches!(t[i].as_str(), "crate" | "super" | "self")
            && t.get(i + 1).is_some_and(|x| x == "::")
        {
            let mut path = vec![t[i].clone()];
            let mut j = i + 1;
            while t.get(j).is_some_and(|x| x == "::")
                && t.get(j + 1)
                    .is_some_and(|x| x.chars().all(|c| c.is_alphanumeric() || c == '_'))
            {
                path.push(t[j + 1].clone());
                j += 2;
            }
            out.extend(resolve(&path, here, files, false));
            i = j;
            continue;
        }
        i += 1;
    }
    out
}

/// Expands a `use` tree (`a::{b, c::{d, self}, e::*}`) into its leaf paths.
fn expand_use_tree(t: &[String], prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut path = prefix;
    let mut i = 0;
    while i < t.len() {
        match t[i].as_str() {
            "::" => i += 1,
            "{" => {
                // split the group at top-level commas
                let mut depth = 0;
                let mut start = i + 1;
                for k in i..t.len() {
                    match t[k].as_str() {
                        "{" => depth += 1,
                        "}" => {
                            depth -= 1;
                            if depth == 0 {
                                if start < k {
                                    expand_use_tree(&t[start..k], path.clone(), out);
                                }
                                return;
                            }
                        }
                        "," if depth == 1 => {
                            if start < k {
                                expand_use_tree(&t[start..k], path.clone(), out);
                            }
                            start = k + 1;
                        }
                        _ => {}
                    }
                }
                return;
            }
            "as" => break,
            "*" => break,
            "self" if !path.is_empty() => break,
            seg => {
                path.push(seg.to_string());
                i += 1;
            }
        }
    }
    out.push(path);
}

/// A path as crate-relative segments: `crate::…`, `super::…`, `self::…`, or (in a `use`)
/// starting with a child module of `here`. `None` for other crates and local names.
fn resolve(
    path: &[String],
    here: &ModPath,
    files: &BTreeMap<ModPath, String>,
    in_use: bool,
) -> Option<ModPath> {
    let mut base = here.clone();
    let mut rest = path;
    match path.first().map(String::as_str) {
        Some("crate") => {
            base.clear();
            rest = &path[1..];
        }
        Some("self") => rest = &path[1..],
        Some("super") => {
            while rest.first().is_some_and(|s| s == "super") {
                base.pop()?;
                rest = &rest[1..];
            }
        }
        Some(first) if in_use => {
            let mut child = here.clone();
            child.push(first.to_string());
            if !files.contains_key(&child) {
                return None;
            }
        }
        _ => return None,
    }
    base.extend(rest.iter().cloned());
    Some(base)
}
