//! The booth's shell, without a window (#14): it owns the session, feeds it the events that come
//! from the clock, the camera and its workers, and runs the session's effects on named worker
//! threads; the vision thread, the printer watch, the photo printer's thread and the health
//! check live here too.
//!
//! Knows nothing of egui: the screens (`ui`) draw, turn touches into events and call in here.
//! When a worker has news the shell calls the [`Wake`] it was given (the ui fills it with
//! `request_repaint`), and the ui drains the news at the start of its next frame.

mod effects;
mod health;
mod photo_desk;
mod prompts;
mod shell;
mod stats;
mod vision;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

pub use shell::Shell;
pub use stats::Stats;
pub use vision::{Followed, Live};

use crate::camera::Camera;
use crate::center::Center;
use crate::ops::Config;
use crate::photoprint::PhotoPrinter;
use crate::receipt::Printer;

/// What the booth runs on.
pub struct Parts {
    /// Validated configuration.
    pub config: Arc<Config>,
    /// The camera, already started.
    pub camera: Arc<Camera>,
    /// The way to the center.
    pub center: Arc<dyn Center>,
    /// The receipt printer.
    pub printer: Arc<dyn Printer>,
    /// The photo printer for the application form's photo (issue #18): `[photo_printer]` of
    /// `kiosk.toml`, the demo's virtual one, or none.
    pub photo_printer: Option<Arc<dyn PhotoPrinter>>,
    /// The reference center the demo runs in-process (kept alive with the booth).
    pub reference: Option<crate::center::server::RunningCenter>,
    /// The demo's replay camera: its applicant walks in again, called as each new applicant
    /// reaches the camera (so every visitor sees the guidance from the start). `None` on a
    /// real booth: there the applicant walks in by themselves.
    pub walk_in: Option<Cue>,
}

/// Something the shell sets off and forgets (the demo's walk-in).
pub type Cue = Arc<dyn Fn() + Send + Sync>;

/// Called from any thread when the shell has news for the screen (a worker's answer, a new
/// guidance): the ui asks for a frame, in which it drains the news.
pub type Wake = Arc<dyn Fn() + Send + Sync>;

impl Parts {
    /// These parts on another camera (a test's replay, a device): the demo's walk-in belonged
    /// to the camera replaced and goes with it.
    pub fn replace_camera(&mut self, camera: Arc<Camera>) {
        self.camera = camera;
        self.walk_in = None;
    }
}

/// A lock that outlives a panicked holder: what it guards is a latest value, still usable.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
