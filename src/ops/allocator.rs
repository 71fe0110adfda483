//! glibc's allocator, told how a booth and a center live.
//!
//! - **Arenas.** By default glibc gives each thread that allocates at the same time as another
//!   its own arena, up to eight per core, and an arena keeps what was freed in it. A booth runs
//!   some twenty threads (the UI, the camera reader, vision, the software GL driver's, each
//!   session's workers): measured in a real window under Xvfb, its memory rose from 262 MB after
//!   the first session to 432 MB after the eighteenth with fourteen arenas each holding 12–21 MB,
//!   and stayed at 262 MB with two arenas. So a booth keeps one arena per core, and gives back
//!   what it freed after each applicant ([`give_back`]).
//! - **Freed memory kept between photos.** Every run of a face model allocates its layers'
//!   tensors (up to 4 MB each) and frees them at the end; glibc handed those back to the system
//!   (large blocks by `munmap`, the top of an arena by trimming) and took them again on the next
//!   run, zeroed page by page: about 3,000 page faults per photo the center judged, 8–10 % of its
//!   processor time (`perf stat`, `cargo bench --bench center`). With a fixed threshold for
//!   blocks of their own and a high one for trimming, freed memory stays in the arena for the
//!   next photo or frame; a booth still gives it all back after each applicant.
//!
//! Elsewhere (another C library, another system) these are no-ops.

/// Arenas: one per core of the booth's two.
const ARENAS: i32 = 2;
/// Blocks this large or larger get pages of their own (glibc's greatest threshold on 64-bit):
/// no model tensor is.
const OWN_PAGES_FROM: i32 = 32 << 20;
/// Free memory at the top of an arena is handed back only past this much.
const TRIM_PAST: i32 = 128 << 20;

/// Sets the allocator up for idbooth: two arenas, freed memory kept for the next photo. Call
/// once, first thing in `main`, before threads start. Returns whether the allocator took every
/// setting (always true off glibc, where there is nothing to do).
pub fn configure() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters, each within its documented range.
    #[allow(unsafe_code, reason = "glibc's mallopt has no safe wrapper")]
    let taken = unsafe {
        [
            (libc::M_ARENA_MAX, ARENAS),
            (libc::M_MMAP_THRESHOLD, OWN_PAGES_FROM),
            (libc::M_TRIM_THRESHOLD, TRIM_PAST),
        ]
        .into_iter()
        .all(|(param, value)| libc::mallopt(param, value) == 1)
    };
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let taken = true;
    if !taken {
        tracing::warn!("allocator: a setting was not taken");
    }
    taken
}

/// Returns the free memory at the top of each arena and the free pages inside them to the
/// system: after an applicant is wiped, so an idle booth holds what it needs, not its peak.
pub fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim walks glibc's own arenas under their locks; it takes no pointers.
    #[allow(unsafe_code, reason = "glibc's malloc_trim has no safe wrapper")]
    unsafe {
        libc::malloc_trim(0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rss_kb() -> u64 {
        std::fs::read_to_string("/proc/self/status")
            .expect("status")
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmRSS")
    }

    #[test]
    fn the_settings_are_taken() {
        assert!(configure());
    }

    /// 64 MB in 1 KB blocks, every sixteenth kept: the freed pages between the kept blocks stay
    /// in the process until they are given back.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    #[test]
    fn freed_pages_between_live_blocks_are_given_back() {
        let blocks: Vec<Box<[u8; 1024]>> = (0..65_536).map(|i| Box::new([i as u8; 1024])).collect();
        let kept: Vec<Box<[u8; 1024]>> = blocks.into_iter().step_by(16).collect();
        let before = rss_kb();
        give_back();
        let after = rss_kb();
        assert!(
            before.saturating_sub(after) > 24 * 1024,
            "RSS {before} kB before, {after} kB after giving back"
        );
        assert!(kept.iter().enumerate().all(|(i, b)| b[0] == (i * 16) as u8));
    }
}
