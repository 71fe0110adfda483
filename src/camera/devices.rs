//! The cameras an operator can switch to: the booth's udev names (`/dev/idbooth-camera*`) first,
//! then every V4L capture node (`/dev/videoN`). A UVC camera also has metadata nodes, which
//! cannot stream; sysfs tells them apart (their `index` is not 0).

use std::path::Path;

/// A camera device, as the operator picks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    /// What goes into `[camera] device`: a path such as `/dev/idbooth-camera` or `/dev/video0`.
    pub path: String,
    /// The driver's name for it (sysfs), when known.
    pub name: Option<String>,
}

/// The cameras on this machine.
pub fn video_devices() -> Vec<Device> {
    video_devices_in(Path::new("/dev"), Path::new("/sys/class/video4linux"))
}

/// The cameras under `dev`, told apart with `sys` (a `/sys/class/video4linux` folder).
pub fn video_devices_in(dev: &Path, sys: &Path) -> Vec<Device> {
    let Ok(entries) = std::fs::read_dir(dev) else {
        return Vec::new();
    };
    let mut named = Vec::new();
    let mut nodes = Vec::new();
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(file) = file.to_str() else { continue };
        let path = dev.join(file).to_string_lossy().into_owned();
        if file.starts_with("idbooth-camera") {
            // What it points to names it.
            let node = std::fs::canonicalize(dev.join(file)).ok();
            let name = node
                .as_deref()
                .and_then(|n| n.file_name())
                .and_then(|n| n.to_str())
                .and_then(|n| sys_name(sys, n));
            named.push(Device { path, name });
        } else if let Some(n) = file.strip_prefix("video")
            && !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit())
            && is_capture_node(sys, file)
        {
            let number: u32 = n.parse().unwrap_or(u32::MAX);
            nodes.push((
                number,
                Device {
                    path,
                    name: sys_name(sys, file),
                },
            ));
        }
    }
    named.sort_by(|a, b| a.path.cmp(&b.path));
    nodes.sort_by_key(|(n, _)| *n);
    named.extend(nodes.into_iter().map(|(_, d)| d));
    named
}

fn sys_name(sys: &Path, node: &str) -> Option<String> {
    let name = std::fs::read_to_string(sys.join(node).join("name")).ok()?;
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_owned())
}

/// A node without sysfs facts is listed (it may be a capture node); one whose `index` is not 0
/// is a UVC metadata node.
fn is_capture_node(sys: &Path, node: &str) -> bool {
    match std::fs::read_to_string(sys.join(node).join("index")) {
        Ok(index) => index.trim() == "0",
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn udev_names_first_then_capture_nodes_in_order_without_metadata_nodes() {
        let root = tempfile::tempdir().expect("temp");
        let (dev, sys) = (root.path().join("dev"), root.path().join("sys"));
        std::fs::create_dir_all(&dev).expect("dev");
        for node in ["video0", "video1", "video10", "video2", "tty1", "videox"] {
            std::fs::write(dev.join(node), b"").expect("node");
        }
        for (node, index, name) in [
            ("video0", "0", "HD USB Camera"),
            ("video1", "1", "HD USB Camera"),
            ("video2", "0", "Booth Cam 2"),
        ] {
            let d = sys.join(node);
            std::fs::create_dir_all(&d).expect("sys");
            std::fs::write(d.join("index"), format!("{index}\n")).expect("index");
            std::fs::write(d.join("name"), format!("{name}\n")).expect("name");
        }
        std::os::unix::fs::symlink(dev.join("video2"), dev.join("idbooth-camera")).expect("link");
        let found = video_devices_in(&dev, &sys);
        let paths: Vec<String> = found
            .iter()
            .map(|d| {
                Path::new(&d.path)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            })
            .collect();
        // video1 is video0's metadata node; video10 has no sysfs facts, so it is listed.
        assert_eq!(paths, ["idbooth-camera", "video0", "video2", "video10"]);
        assert_eq!(found[0].name.as_deref(), Some("Booth Cam 2"));
        assert_eq!(found[1].name.as_deref(), Some("HD USB Camera"));
        assert_eq!(found[3].name, None);
    }

    #[test]
    fn no_dev_folder_means_no_cameras() {
        let root = tempfile::tempdir().expect("temp");
        assert!(video_devices_in(&root.path().join("missing"), root.path()).is_empty());
    }
}
