//! The replay camera: a booth scene made from a real portrait, shown as a live camera at a fixed
//! rate, with scripted motion and light (the applicant drifts in off-centre and too far under a
//! dim light from one side, then settles; the light comes up, then evens out) and, for tests,
//! scripted faults (a stall, a disconnection).

use std::sync::Arc;
use std::time::{Duration, Instant};

use image::RgbImage;

use super::scene::{Placement, Subject};
use super::source::{CameraError, FrameSource};

/// Motion of the replayed applicant over time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Motion {
    /// Standing still where placed, blinking every [`BLINK_EVERY_S`] (where the subject can: a
    /// print held up cannot).
    Still(Placement),
    /// Walking in off-centre and too far, settling in the middle after `settle_s`, then swaying
    /// a little; the whole repeats every `period_s` (a new applicant). The light is dim and
    /// from one side on arrival: it comes up between 1.25 and 1.5 × `settle_s` (the booth
    /// asks for more light while the applicant already stands right), then evens out between
    /// 1.75 and 2 × `settle_s` (the booth names the uneven light), and is right from then on.
    /// Once in place the applicant blinks every [`BLINK_EVERY_S`] (where the subject can).
    Arrive {
        /// Seconds until the applicant stands right.
        settle_s: f32,
        /// Seconds of one applicant.
        period_s: f32,
    },
}

impl Motion {
    /// The demo's applicant: in and lit right within about eight seconds, a new one every ten
    /// minutes.
    pub const DEMO: Motion = Motion::Arrive {
        settle_s: 4.0,
        period_s: 600.0,
    };

    /// Where the applicant stands `t` seconds in.
    pub fn at(&self, t: f32) -> Placement {
        match *self {
            Motion::Still(place) => Placement {
                eyes_closed: blinking(t),
                ..place
            },
            Motion::Arrive { settle_s, period_s } => {
                let t = t % period_s.max(1.0);
                let settled = Placement {
                    face_share: 0.34,
                    center_y: 0.43,
                    ..Placement::default()
                };
                let k = (t / settle_s.max(0.1)).min(1.0);
                // Ease out: fast at first, gentle at the end, as a person stepping in.
                let e = 1.0 - (1.0 - k).powi(3);
                let sway = if k >= 1.0 {
                    0.004 * (t * 1.7).sin()
                } else {
                    0.0
                };
                let settle_s = settle_s.max(0.1);
                Placement {
                    center_x: 0.22 + (settled.center_x - 0.22) * e + sway,
                    center_y: 0.5 + (settled.center_y - 0.5) * e,
                    face_share: 0.18 + (settled.face_share - 0.18) * e,
                    light: ramp(DIM, 1.0, t / settle_s, 1.25, 1.5),
                    left_light: ramp(ONE_SIDED, 1.0, t / settle_s, 1.75, 2.0),
                    eyes_closed: k >= 1.0 && blinking(t - settle_s),
                    ..settled
                }
            }
        }
    }
}

/// Seconds between two blinks of the replayed applicant (people blink every two to ten).
pub const BLINK_EVERY_S: f32 = 2.5;
/// How long a blink keeps the eyes shut, seconds: a slow one, so that a booth assessing a few
/// frames a second sees it.
const BLINK_S: f32 = 0.4;

/// Whether the eyes are shut `t` seconds into a run of blinks: the first ends at
/// [`BLINK_EVERY_S`].
fn blinking(t: f32) -> bool {
    t % BLINK_EVERY_S > BLINK_EVERY_S - BLINK_S
}

/// Light on arrival: too dark for the booth.
const DIM: f32 = 0.35;
/// The image's left half of the face on arrival, relative to the right: in shadow.
const ONE_SIDED: f32 = 0.4;

/// `from` until `x` reaches `start`, `to` from `end` on, smoothly between.
fn ramp(from: f32, to: f32, x: f32, start: f32, end: f32) -> f32 {
    let k = ((x - start) / (end - start)).clamp(0.0, 1.0);
    let k = k * k * (3.0 - 2.0 * k);
    from + (to - from) * k
}

/// Faults to play, in seconds since the stream opened.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Faults {
    /// A read begun in this window never returns (a stuck v4l read); after it, reads work again.
    pub stall: Option<(f32, f32)>,
    /// During this window the device is gone: reads and opens fail.
    pub vanish: Option<(f32, f32)>,
}

/// A replayed camera.
pub struct ReplaySource {
    subject: Arc<Subject>,
    width: u32,
    height: u32,
    period: Duration,
    motion: Motion,
    faults: Faults,
    /// When the replay began: faults and motion run on this clock, across reopenings.
    epoch: Instant,
    next: Option<Instant>,
}

impl ReplaySource {
    /// A replay of `subject` at `width`×`height`, `fps` frames a second. `epoch` is the start of
    /// the script; share one between the sources of a reopening camera.
    pub fn new(
        subject: Arc<Subject>,
        (width, height): (u32, u32),
        fps: u32,
        motion: Motion,
        faults: Faults,
        epoch: Instant,
    ) -> Self {
        ReplaySource {
            subject,
            width,
            height,
            period: Duration::from_secs_f32(1.0 / fps.max(1) as f32),
            motion,
            faults,
            epoch,
            next: None,
        }
    }

    fn seconds(&self) -> f32 {
        self.epoch.elapsed().as_secs_f32()
    }

    fn vanished(&self) -> bool {
        let t = self.seconds();
        self.faults
            .vanish
            .is_some_and(|(from, to)| t >= from && t < to)
    }
}

impl FrameSource for ReplaySource {
    fn open(&mut self) -> Result<(), CameraError> {
        if self.vanished() {
            return Err(CameraError::NotConnected("replay".into()));
        }
        self.next = Some(Instant::now());
        Ok(())
    }

    fn frame(&mut self) -> Result<RgbImage, CameraError> {
        let Some(next) = self.next else {
            return Err(CameraError::Read("stream not open".into()));
        };
        if let Some(wait) = next.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        self.next = Some(next.max(Instant::now() - self.period) + self.period);
        let t = self.seconds();
        if self
            .faults
            .stall
            .is_some_and(|(from, to)| t >= from && t < to)
        {
            // A stuck read: never returns. The worker's watchdog abandons this thread.
            loop {
                std::thread::sleep(Duration::from_secs(3600));
            }
        }
        if self.vanished() {
            self.next = None;
            return Err(CameraError::NotConnected("replay".into()));
        }
        Ok(self
            .subject
            .compose(self.width, self.height, &self.motion.at(self.seconds())))
    }

    fn describe(&self) -> String {
        format!(
            "replay {}×{} @ {:.0} fps",
            self.width,
            self.height,
            1.0 / self.period.as_secs_f32()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_arrival_settles_in_the_middle() {
        let motion = Motion::Arrive {
            settle_s: 3.0,
            period_s: 20.0,
        };
        let start = motion.at(0.0);
        let settled = motion.at(5.0);
        assert!(start.center_x < 0.3 && start.face_share < 0.2);
        assert!((settled.center_x - 0.5).abs() < 0.01 && (settled.face_share - 0.34).abs() < 1e-6);
        // A new applicant after the period.
        assert_eq!(motion.at(20.0), start);
    }

    #[test]
    fn the_applicant_blinks_once_in_place_and_not_before() {
        let motion = Motion::Arrive {
            settle_s: 3.0,
            period_s: 20.0,
        };
        let shut = |from: f32, to: f32| {
            (0..((to - from) * 100.0) as u32)
                .filter(|i| motion.at(from + *i as f32 / 100.0).eyes_closed)
                .count() as f32
                / 100.0
        };
        assert_eq!(shut(0.0, 3.0), 0.0, "walking in");
        // Once in place: shut for a blink's length in every BLINK_EVERY_S.
        let blinks = shut(3.0, 3.0 + 4.0 * BLINK_EVERY_S);
        assert!((blinks - 4.0 * BLINK_S).abs() < 0.05, "{blinks} s shut");
        let still = Motion::Still(Placement::default());
        assert!(!still.at(0.0).eyes_closed && still.at(BLINK_EVERY_S - 0.1).eyes_closed);
    }

    #[test]
    fn the_light_comes_up_then_evens_out_after_the_applicant_stands_right() {
        let motion = Motion::Arrive {
            settle_s: 4.0,
            period_s: 60.0,
        };
        // Dim and from one side on arrival, and still when the applicant stands right.
        for t in [0.0, 2.0, 4.0, 4.9] {
            let p = motion.at(t);
            assert!(p.light < 0.4 && p.left_light < 0.5, "{t}: {p:?}");
        }
        // The light is up, still from one side.
        let p = motion.at(6.5);
        assert!((p.light - 1.0).abs() < 1e-6 && p.left_light < 0.5, "{p:?}");
        // Then even.
        let p = motion.at(8.0);
        assert!((p.light - 1.0).abs() < 1e-6 && (p.left_light - 1.0).abs() < 1e-6);
        // Never brighter than as shot: the ramps do not overshoot.
        for i in 0..200 {
            let p = motion.at(i as f32 * 0.05);
            assert!(p.light <= 1.0 && p.left_light <= 1.0, "{p:?}");
        }
    }
}
