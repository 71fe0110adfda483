//! Is a live person in front of the camera (not_live, 活体)? A printed photo or a screen held up
//! to the booth shows a face that never blinks; a live face blinks every few seconds, and asked to
//! blink, does. [`Liveness`] watches the eyes over the live frames of the pose: once it has seen
//! them open, closed and open again, the face is live, until no face has been in view for a
//! moment (someone else may step in, a print may be swapped for the person).

use super::assess::Assessment;

/// Frames without a face after which a blink seen before no longer counts.
const ABSENT_FRAMES: u32 = 10;
/// How much wider than the closed limit the eyes must open again for the blink to count (so
/// that noise around the limit is not a blink).
const REOPEN: f32 = 1.5;

/// Where the eyes were last seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Eyes {
    /// Not seen open yet.
    Unseen,
    /// Open.
    Open,
    /// Closed after being open: opening them again is a blink.
    Closed,
}

/// Watches live frames for a blink. Pure: one per pose, fed every assessed frame.
#[derive(Debug, Clone)]
pub struct Liveness {
    /// Eye opening (as `Appearance::eyes_open`) under which the eyes count as closed.
    closed_below: f32,
    eyes: Eyes,
    live: bool,
    absent: u32,
}

impl Liveness {
    /// A watcher that counts eyes opened less than `closed_below` (`eyes_open_min` of
    /// guidance.toml) as closed.
    pub fn new(closed_below: f32) -> Liveness {
        Liveness {
            closed_below,
            eyes: Eyes::Unseen,
            live: false,
            absent: 0,
        }
    }

    /// Takes one live frame's assessment.
    pub fn observe(&mut self, a: &Assessment) {
        let Some(look) = a.appearance.filter(|_| a.faces.len() == 1) else {
            self.absent = self.absent.saturating_add(1);
            if self.absent >= ABSENT_FRAMES {
                *self = Liveness::new(self.closed_below);
            }
            return;
        };
        self.absent = 0;
        let open = look.eyes_open >= REOPEN * self.closed_below;
        let closed = look.eyes_open < self.closed_below;
        self.eyes = match (self.eyes, open, closed) {
            (Eyes::Closed, true, _) => {
                self.live = true;
                Eyes::Open
            }
            (_, true, _) => Eyes::Open,
            (Eyes::Open, _, true) => Eyes::Closed,
            (eyes, _, _) => eyes,
        };
    }

    /// Whether a blink has been seen on the face in view.
    pub fn is_live(&self) -> bool {
        self.live
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vision::appearance::Appearance;
    use crate::vision::detect::Face;

    fn frame(eyes_open: Option<f32>) -> Assessment {
        let face = Face {
            x: 100.0,
            y: 100.0,
            width: 100.0,
            height: 100.0,
            score: 10.0,
        };
        Assessment {
            width: 640,
            height: 480,
            faces: eyes_open.map(|_| face).into_iter().collect(),
            head: None,
            measures: None,
            mask: None,
            appearance: eyes_open.map(|eyes_open| Appearance {
                eyes_open,
                mouth_open: 0.0,
                gaze: [0.0; 2],
                brows_clear: 1.0,
                ears_clear: [1.0; 2],
                top_bottom_light: 1.0,
                glare: 0.0,
                bridge_edges: 0.0,
                headwear: None,
                earrings: None,
                shoulders_covered: None,
                periodicity: None,
            }),
            landmarks: None,
        }
    }

    fn watch(frames: &[Option<f32>]) -> bool {
        let mut l = Liveness::new(0.12);
        for f in frames {
            l.observe(&frame(*f));
        }
        l.is_live()
    }

    #[test]
    fn a_blink_is_open_closed_open() {
        assert!(watch(&[Some(0.3), Some(0.3), Some(0.05), Some(0.3)]));
        assert!(watch(&[Some(0.3), Some(0.1), Some(0.11), Some(0.25)]));
    }

    #[test]
    fn eyes_that_never_close_or_never_open_are_not_live() {
        assert!(!watch(&[Some(0.3); 50]), "a print of open eyes");
        assert!(!watch(&[Some(0.05); 50]), "a print of closed eyes");
        // Entering with closed eyes and opening them is not a blink seen whole.
        assert!(!watch(&[Some(0.05), Some(0.05), Some(0.3), Some(0.3)]));
        // Noise about the limit is not a blink: the eyes must open well past it again.
        assert!(!watch(&[
            Some(0.3),
            Some(0.11),
            Some(0.13),
            Some(0.15),
            Some(0.11)
        ]));
    }

    #[test]
    fn a_blink_counts_until_the_face_has_been_gone_a_moment() {
        let blink = [Some(0.3), Some(0.05), Some(0.3)];
        let mut brief = blink.to_vec();
        brief.extend([None; 3]);
        brief.push(Some(0.3));
        assert!(
            watch(&brief),
            "a face lost for three frames is the same face"
        );
        let mut gone = blink.to_vec();
        gone.extend([None; ABSENT_FRAMES as usize]);
        gone.push(Some(0.3));
        assert!(
            !watch(&gone),
            "after a moment without a face, a new blink is needed"
        );
    }
}
