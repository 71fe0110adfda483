//! The vision thread: while someone poses it assesses each new camera frame for the chosen
//! document and publishes the latest guidance ([`Live`]), which drives the flow and from which
//! the shot is taken.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::{Wake, lock};
use crate::camera::Camera;
use crate::spec::{Documents, Spec};
use crate::vision::{Advice, Face, Guide, Thresholds, Tracker};

/// The vision thread's latest result.
#[derive(Debug, Clone, PartialEq)]
pub struct Live {
    /// Frame it belongs to.
    pub seq: u64,
    /// Frame size.
    pub frame: (u32, u32),
    /// The frame itself: a capture pairs the face with the picture it was found in.
    pub image: Arc<image::RgbImage>,
    /// The applicant's face, in frame pixels (unmirrored).
    pub face: Option<Face>,
    /// The advice to show.
    pub advice: Advice,
    /// Whether the face in view has blinked (a live person, not a photo held up).
    pub alive: bool,
    /// Whether the eyes are open on this frame (not in a blink).
    pub eyes_open: bool,
}

/// How many camera frames back a shot may be taken from to miss a blink (about half a second).
const BLINK_FRAMES: u64 = 15;

/// What the shell shares with the vision thread.
#[derive(Default)]
pub(super) struct Sight {
    /// The spec of the document posed for; `None` while nobody poses (the thread then idles).
    spec: Mutex<Option<Arc<Spec>>>,
    /// Set to make the thread forget the face it followed.
    reset: AtomicBool,
    live: Mutex<Option<Live>>,
    /// The last frame judged with the eyes open: the shot, when the newest is a blink.
    open_eyes: Mutex<Option<Live>>,
}

impl Sight {
    /// The latest guidance.
    pub(super) fn latest(&self) -> Option<Live> {
        lock(&self.live).clone()
    }

    /// Drops what was seen of the applicant.
    pub(super) fn forget(&self) {
        *lock(&self.live) = None;
        *lock(&self.open_eyes) = None;
    }

    /// A new applicant stands there: the face followed so far is forgotten.
    pub(super) fn reset(&self) {
        self.reset.store(true, Ordering::SeqCst);
        self.forget();
    }

    /// Works for `document` (from `documents`), or idles with `None`. Swapped only when the
    /// document changes: this runs every frame.
    pub(super) fn pose_for(&self, document: Option<&str>, documents: &Documents) {
        let mut current = lock(&self.spec);
        if current.as_ref().map(|s| s.id.as_str()) != document {
            *current = document
                .and_then(|id| documents.get(id))
                .cloned()
                .map(Arc::new);
        }
    }

    /// The frame the guidance last judged, with its face, for the shot (the last with the eyes
    /// open when that one caught a blink), and whether the face in view has blinked. A photo
    /// taken (with the shutter button) before it blinked may be of a print or a screen held up:
    /// the review names it. Whether it has blinked is as of the newest frame.
    pub(super) fn shot(&self) -> (Option<Live>, bool) {
        let live = self.latest();
        let alive = live.as_ref().is_some_and(|l| l.alive);
        let open = lock(&self.open_eyes).clone();
        let live = match (live, open) {
            (Some(l), Some(o)) if !l.eyes_open && l.seq <= o.seq + BLINK_FRAMES => Some(o),
            (live, _) => live,
        };
        (live, alive)
    }
}

/// Starts the vision thread: it assesses each new frame of `camera` while someone poses, and
/// publishes the guidance in `sight` (then `wake`s the screen), until `stop`.
pub(super) fn spawn(
    camera: Arc<Camera>,
    sight: Arc<Sight>,
    thresholds: Thresholds,
    stop: Arc<AtomicBool>,
    wake: Wake,
) {
    let spawned = std::thread::Builder::new()
        .name("vision".into())
        .spawn(move || {
            let detector = match crate::vision::FaceDetector::new() {
                Ok(d) => d,
                Err(error) => {
                    tracing::error!(%error, "vision: no detector");
                    return;
                }
            };
            let mut tracker = Tracker::new(detector);
            let mut guide = Guide::new(thresholds);
            let mut last = None;
            while !stop.load(Ordering::SeqCst) {
                if sight.reset.swap(false, Ordering::SeqCst) {
                    tracker.reset();
                    guide = Guide::new(thresholds);
                }
                let spec = lock(&sight.spec).clone();
                let frame = camera.latest();
                let (Some(spec), Some(frame)) = (spec, frame) else {
                    std::thread::sleep(Duration::from_millis(20));
                    continue;
                };
                if last == Some(frame.seq) {
                    std::thread::sleep(Duration::from_millis(3));
                    continue;
                }
                last = Some(frame.seq);
                let assessment = tracker.assess(&frame.image);
                let advice = guide.update(&assessment, &spec);
                let eyes_open = assessment
                    .appearance
                    .is_some_and(|a| a.eyes_open >= thresholds.eyes_open_min);
                let live = Live {
                    seq: frame.seq,
                    frame: frame.image.dimensions(),
                    image: Arc::clone(&frame.image),
                    face: assessment.face().copied(),
                    advice,
                    alive: guide.is_live(),
                    eyes_open,
                };
                if eyes_open {
                    *lock(&sight.open_eyes) = Some(live.clone());
                }
                *lock(&sight.live) = Some(live);
                wake();
            }
        });
    if let Err(error) = spawned {
        tracing::error!(%error, "vision: cannot start");
    }
}
