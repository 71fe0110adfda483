//! The vision thread: while someone poses it assesses each new camera frame for the chosen
//! document and publishes the latest guidance ([`Live`]), which drives the flow and from which
//! the shot is taken.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
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
    /// Whether the iris model read the eyes on this frame (rather than keeping the last
    /// frame's reading, see `mesh::EyeMemory`): only such a frame is taken for the shot.
    pub eyes_read: bool,
}

impl Live {
    /// Whether the eyes were read on this frame and found open: a frame the shot may be.
    fn eyes_seen_open(&self) -> bool {
        self.eyes_open && self.eyes_read
    }
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
    /// The last frame on which the eyes were read and found open: the shot, when the newest is
    /// a blink or its eyes were not read on it.
    open_eyes: Mutex<Option<Live>>,
    /// Camera frames judged while someone posed.
    judged: AtomicU64,
    /// Camera frames that came and went unjudged while the thread was busy with an earlier one.
    missed: AtomicU64,
}

/// How well the guidance kept up with the camera: frames judged and frames missed while someone
/// posed, since the booth started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Followed {
    /// Frames judged.
    pub judged: u64,
    /// Frames the camera delivered that were never judged (a newer one was taken instead).
    pub missed: u64,
}

impl Sight {
    /// The latest guidance.
    pub(super) fn latest(&self) -> Option<Live> {
        lock(&self.live).clone()
    }

    /// Publishes the guidance of a newly judged frame (and keeps it for the shot when its eyes
    /// were seen open).
    fn publish(&self, live: Live) {
        if live.eyes_seen_open() {
            *lock(&self.open_eyes) = Some(live.clone());
        }
        *lock(&self.live) = Some(live);
    }

    /// Frames judged and missed so far.
    pub(super) fn followed(&self) -> Followed {
        Followed {
            judged: self.judged.load(Ordering::Relaxed),
            missed: self.missed.load(Ordering::Relaxed),
        }
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

    /// The frame the guidance last judged, with its face, for the shot (the last whose eyes were
    /// read on it and found open, when that one caught a blink or kept an earlier frame's
    /// reading of the eyes), and whether the face in view has blinked. A photo
    /// taken (with the shutter button) before it blinked may be of a print or a screen held up:
    /// the review names it. Whether it has blinked is as of the newest frame.
    pub(super) fn shot(&self) -> (Option<Live>, bool) {
        let live = self.latest();
        let alive = live.as_ref().is_some_and(|l| l.alive);
        let open = lock(&self.open_eyes).clone();
        let live = match (live, open) {
            (Some(l), Some(o)) if !l.eyes_seen_open() && l.seq <= o.seq + BLINK_FRAMES => Some(o),
            (live, _) => live,
        };
        (live, alive)
    }
}

/// The camera frames that came between the last one judged (`None`: none yet for this
/// applicant) and frame `seq`, never judged.
fn missed_between(last: Option<u64>, seq: u64) -> u64 {
    last.map_or(0, |previous| seq.saturating_sub(previous).saturating_sub(1))
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
                    // Between applicants the camera rests: its gap is no frame missed.
                    last = None;
                    std::thread::sleep(Duration::from_millis(20));
                    continue;
                };
                if last == Some(frame.seq) {
                    std::thread::sleep(Duration::from_millis(3));
                    continue;
                }
                sight
                    .missed
                    .fetch_add(missed_between(last, frame.seq), Ordering::Relaxed);
                sight.judged.fetch_add(1, Ordering::Relaxed);
                last = Some(frame.seq);
                let assessment = tracker.assess(&frame.image);
                let advice = guide.update(&assessment, &spec);
                let eyes_open = assessment
                    .appearance
                    .is_some_and(|a| a.eyes_open >= thresholds.eyes_open_min);
                let eyes_read = assessment.landmarks.as_ref().is_some_and(|l| l.eyes_read);
                let live = Live {
                    seq: frame.seq,
                    frame: frame.image.dimensions(),
                    image: Arc::clone(&frame.image),
                    face: assessment.face().copied(),
                    advice,
                    alive: guide.is_live(),
                    eyes_open,
                    eyes_read,
                };
                sight.publish(live);
                wake();
            }
        });
    if let Err(error) = spawned {
        tracing::error!(%error, "vision: cannot start");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Frame `seq`, published as the vision thread does.
    fn publish(sight: &Sight, seq: u64, eyes_open: bool, eyes_read: bool) {
        sight.publish(Live {
            seq,
            frame: (4, 4),
            image: Arc::new(image::RgbImage::new(4, 4)),
            face: None,
            advice: Advice::HoldStill,
            alive: true,
            eyes_open,
            eyes_read,
        });
    }

    fn shot_seq(sight: &Sight) -> Option<u64> {
        sight.shot().0.map(|l| l.seq)
    }

    #[test]
    fn the_shot_is_a_frame_whose_eyes_were_read_on_it_and_open() {
        let sight = Sight::default();
        publish(&sight, 10, true, true);
        assert_eq!(shot_seq(&sight), Some(10), "the newest, read and open");
        // The next frames kept frame 10's reading of the eyes: open, but not seen so.
        publish(&sight, 11, true, false);
        assert_eq!(shot_seq(&sight), Some(10));
        publish(&sight, 13, true, false);
        assert_eq!(shot_seq(&sight), Some(10));
        // A blink read on its frame.
        publish(&sight, 14, false, true);
        assert_eq!(shot_seq(&sight), Some(10));
        publish(&sight, 15, true, true);
        assert_eq!(shot_seq(&sight), Some(15));
        // Too long since the eyes were read open: the newest frame, as it is.
        publish(&sight, 15 + BLINK_FRAMES + 1, true, false);
        assert_eq!(shot_seq(&sight), Some(15 + BLINK_FRAMES + 1));
    }

    #[test]
    fn frames_between_two_judged_ones_are_missed_and_the_first_of_an_applicant_misses_none() {
        assert_eq!(missed_between(None, 500), 0, "the first frame of a pose");
        assert_eq!(missed_between(Some(7), 8), 0, "the next frame");
        assert_eq!(
            missed_between(Some(7), 10),
            2,
            "frames 8 and 9 came and went"
        );
        // A camera reopened counts from 0 again: nothing is missed, nothing underflows.
        assert_eq!(missed_between(Some(900), 3), 0);
    }
}
