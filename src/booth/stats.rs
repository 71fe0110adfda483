//! What the booth measures of itself while someone poses: the speed report (`benches/booth.rs`)
//! and the operator read it.

use super::Followed;

/// What the booth measures of itself while someone poses (the speed report, the operator).
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Camera frames shown in the preview.
    pub preview_frames: u64,
    /// Milliseconds from a frame's arrival to its upload for drawing, the latest 1,024.
    pub preview_latency_ms: Vec<f32>,
    /// Guidance results taken by the flow.
    pub guidance_updates: u64,
    /// Preview textures created (one per session; more would mean one per frame).
    pub textures_created: u64,
    /// Camera frames the guidance judged, and those it missed, while someone posed.
    pub followed: Followed,
}

impl Stats {
    /// Keeps the time a preview frame took from its arrival to its upload for drawing.
    pub(crate) fn latency(&mut self, ms: f32) {
        if self.preview_latency_ms.len() >= 1024 {
            self.preview_latency_ms.remove(0);
        }
        self.preview_latency_ms.push(ms);
    }
}
