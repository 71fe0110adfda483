//! Config folders in layers: what the package ships (`/usr/share/idbooth`) under the site's own
//! (`/etc/idbooth`), so that an upgrade brings new specs and cities while the site keeps its
//! settings. A data table (`documents.toml`, `cities.toml`, `guidance.toml`, `receipts.toml`) is
//! taken whole from the last folder that has it: a site that overrides one owns all of it.
//! `kiosk.toml` is merged key by key, later folders over earlier ones: a table is merged, any
//! other value (a string, a number, an array) replaced.

use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};

/// The folders, the shipped one first and the site's last; never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layers {
    dirs: Vec<PathBuf>,
}

/// Where the package puts its data.
pub const SHIPPED_DIR: &str = "/usr/share/idbooth";

/// Where a site keeps its overrides.
pub const SITE_DIR: &str = "/etc/idbooth";

impl Layers {
    /// One folder holding everything (a checkout's `kiosk-config`, a test's temp folder).
    pub fn single(dir: &Path) -> Layers {
        Layers {
            dirs: vec![dir.to_path_buf()],
        }
    }

    /// Folders separated by `:` like `$PATH`, later over earlier: `/usr/share/idbooth:/etc/idbooth`.
    /// Empty parts are skipped; `None` when none is left.
    pub fn parse(value: &OsStr) -> Option<Layers> {
        let dirs: Vec<PathBuf> = std::env::split_paths(value)
            .filter(|d| !d.as_os_str().is_empty())
            .collect();
        (!dirs.is_empty()).then_some(Layers { dirs })
    }

    /// The installed layout: the shipped folder (when it exists) under `site`.
    pub fn installed(site: &Path) -> Layers {
        let shipped = Path::new(SHIPPED_DIR);
        let mut dirs = Vec::new();
        if shipped.is_dir() && shipped != site {
            dirs.push(shipped.to_path_buf());
        }
        dirs.push(site.to_path_buf());
        Layers { dirs }
    }

    /// The folders, lowest first.
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    /// The site's folder: the last.
    pub fn site(&self) -> &Path {
        // `dirs` is never empty (see the constructors).
        self.dirs.last().map_or(Path::new("."), PathBuf::as_path)
    }

    /// Every folder's file `name` that exists, lowest first.
    pub fn all_with(&self, name: &str) -> Vec<PathBuf> {
        self.dirs
            .iter()
            .map(|d| d.join(name))
            .filter(|p| p.exists())
            .collect()
    }

    /// The file `name` of the last folder that has it (`None`: no folder has it).
    pub fn find(&self, name: &str) -> Option<PathBuf> {
        self.all_with(name).pop()
    }
}

impl fmt::Display for Layers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.dirs.iter().map(|d| d.display().to_string()).collect();
        f.write_str(&parts.join(":"))
    }
}

/// Merges `over` into `base`: tables key by key, any other value replaced.
pub(crate) fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(mine)), toml::Value::Table(theirs)) => merge(mine, theirs),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// The dotted paths of a table's leaves (values that are not tables), in order.
pub(crate) fn leaf_keys(table: &toml::Table) -> Vec<String> {
    let mut keys = Vec::new();
    collect_leaves(table, "", &mut keys);
    keys
}

fn collect_leaves(table: &toml::Table, prefix: &str, keys: &mut Vec<String>) {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Table(inner) => collect_leaves(inner, &path, keys),
            _ => keys.push(path),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> toml::Table {
        toml::from_str(text).expect("toml")
    }

    #[test]
    fn tables_merge_key_by_key_and_values_are_replaced_whole() {
        let mut base = table("[a]\nx = 1\ny = [1, 2]\n[b]\nz = \"q\"\n");
        merge(&mut base, table("[a]\ny = [3]\nw = true\n[c]\nv = 2\n"));
        assert_eq!(
            base,
            table("[a]\nx = 1\ny = [3]\nw = true\n[b]\nz = \"q\"\n[c]\nv = 2\n")
        );
        assert_eq!(leaf_keys(&base), ["a.x", "a.y", "a.w", "b.z", "c.v"]);
    }

    #[test]
    fn layers_parse_like_a_path_and_the_last_is_the_site() {
        let layers = Layers::parse(OsStr::new("/usr/share/idbooth::/etc/idbooth")).expect("two");
        assert_eq!(layers.dirs().len(), 2);
        assert_eq!(layers.site(), Path::new("/etc/idbooth"));
        assert_eq!(layers.to_string(), "/usr/share/idbooth:/etc/idbooth");
        assert_eq!(Layers::parse(OsStr::new(":")), None);
    }

    #[test]
    fn a_file_is_found_in_the_last_folder_that_has_it() {
        let shipped = tempfile::tempdir().expect("temp");
        let site = tempfile::tempdir().expect("temp");
        for name in ["a.toml", "b.toml"] {
            std::fs::write(shipped.path().join(name), "").expect("write");
        }
        std::fs::write(site.path().join("b.toml"), "").expect("write");
        let joined = std::env::join_paths([shipped.path(), site.path()]).expect("join");
        let layers = Layers::parse(&joined).expect("layers");
        assert_eq!(layers.find("a.toml"), Some(shipped.path().join("a.toml")));
        assert_eq!(layers.find("b.toml"), Some(site.path().join("b.toml")));
        assert_eq!(layers.all_with("b.toml").len(), 2);
        assert_eq!(layers.find("c.toml"), None);
    }
}
