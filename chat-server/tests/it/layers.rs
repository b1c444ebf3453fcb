//! The server's modules point down: no module imports one that imports it back.
//!
//! Read from the sources: every `crate::x` and `super::y` path outside comments is an import.
//! Two levels are checked: the crate's top-level modules (`store`, `service`, `gateway`, …),
//! and the files inside each directory module (`service/members.rs` → `service/lobbies.rs`).
//! A directory's `mod.rs` is the namespace of its files (they extend its types and use its
//! helpers), so it is not a node of the second level.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

/// Source text without comments (line comments and doc comments; the server has no block
/// comments).
fn code_of(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn identifier_at(text: &str) -> Option<&str> {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    (end > 0).then(|| &text[..end])
}

/// The names after every occurrence of `prefix`: `prefix::a` gives `a`, and
/// `prefix::{a, b::c}` gives `a` and `b`.
fn names_after(code: &str, prefix: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (at, _) in code.match_indices(prefix) {
        let rest = &code[at + prefix.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let group = &group[..group.find('}').unwrap_or(group.len())];
            for item in group.split(',') {
                if let Some(name) = identifier_at(item.trim()) {
                    names.insert(name.to_owned());
                }
            }
        } else if let Some(name) = identifier_at(rest) {
            names.insert(name.to_owned());
        }
    }
    names
}

/// Every `.rs` file under `dir`, as paths relative to `root` without the extension.
fn sources(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path
                .strip_prefix(root)
                .expect("under src")
                .with_extension("")
                .to_string_lossy()
                .replace('\\', "/");
            out.push((relative, std::fs::read_to_string(&path).expect("read")));
        }
    }
}

/// A cycle of `graph`, if it has one.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &Graph,
        done: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            let mut cycle = path[start..].to_vec();
            cycle.push(node.to_owned());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, done, path) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|node| visit(node, graph, &mut done, &mut Vec::new()))
}

fn graphs() -> (Graph, BTreeMap<String, Graph>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &root, &mut files);
    let top_level: BTreeSet<String> = files
        .iter()
        .map(|(path, _)| path.split('/').next().expect("a name").to_owned())
        .filter(|name| name != "lib" && name != "main")
        .collect();
    let mut modules = Graph::new();
    let mut siblings: BTreeMap<String, Graph> = BTreeMap::new();
    for (path, text) in &files {
        let code = code_of(text);
        let mut parts = path.split('/');
        let module = parts.next().expect("a name").to_owned();
        let file = parts.next().filter(|f| *f != "mod").map(str::to_owned);
        if module == "lib" || module == "main" {
            continue;
        }
        let crate_imports = names_after(&code, "crate::");
        for target in crate_imports.iter().filter(|t| top_level.contains(*t)) {
            if *target != module {
                modules
                    .entry(module.clone())
                    .or_default()
                    .insert(target.clone());
            }
        }
        modules.entry(module.clone()).or_default();
        let Some(file) = file else { continue };
        let dir = format!("{module}/");
        let neighbours: BTreeSet<String> = files
            .iter()
            .filter_map(|(p, _)| p.strip_prefix(&dir))
            .filter(|f| *f != "mod" && !f.contains('/'))
            .map(str::to_owned)
            .collect();
        let mut targets = names_after(&code, "super::");
        targets.extend(names_after(&code, &format!("crate::{module}::")));
        let graph = siblings.entry(module.clone()).or_default();
        graph.entry(file.clone()).or_default();
        for target in targets.into_iter().filter(|t| neighbours.contains(t)) {
            if target != file {
                graph.entry(file.clone()).or_default().insert(target);
            }
        }
    }
    (modules, siblings)
}

#[test]
fn the_servers_modules_import_each_other_in_one_direction_only() {
    let (modules, siblings) = graphs();
    assert!(
        modules.len() > 10 && modules.values().any(|targets| !targets.is_empty()),
        "the sources were not read: {modules:?}"
    );
    if let Some(cycle) = find_cycle(&modules) {
        panic!(
            "modules import each other in a circle: {}",
            cycle.join(" → ")
        );
    }
    for (module, graph) in &siblings {
        if let Some(cycle) = find_cycle(graph) {
            panic!(
                "files of {module}/ import each other in a circle: {}",
                cycle.join(" → ")
            );
        }
    }
    // The layers the architecture document names, spot-checked: the store and the services
    // know no transport, the Redis client knows nothing of the server's state.
    for (module, forbidden) in [
        (
            "store",
            &["extract", "routes", "gateway", "service", "state"][..],
        ),
        ("service", &["extract", "routes", "gateway"][..]),
        ("hub", &["state", "service", "gateway", "store"][..]),
        (
            "auth",
            &["extract", "routes", "gateway", "service", "state"][..],
        ),
    ] {
        for target in forbidden {
            assert!(
                !modules[module].contains(*target),
                "{module} imports {target}"
            );
        }
    }
}

#[test]
fn the_import_reader_sees_cycles() {
    let graph: Graph = [
        ("a", vec!["b"]),
        ("b", vec!["c"]),
        ("c", vec!["a"]),
        ("d", vec![]),
    ]
    .into_iter()
    .map(|(n, t)| (n.to_owned(), t.into_iter().map(str::to_owned).collect()))
    .collect();
    assert_eq!(
        find_cycle(&graph),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    let code = code_of(
        "use super::{access, lobbies::x};\n// use crate::routes;\nuse crate::store::Store;",
    );
    assert_eq!(
        names_after(&code, "super::"),
        ["access", "lobbies"].map(String::from).into()
    );
    assert_eq!(
        names_after(&code, "crate::"),
        ["store"].map(String::from).into()
    );
}
