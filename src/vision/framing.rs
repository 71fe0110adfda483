//! Framing: where a document's photo is cut out of a frame so that head height, face width,
//! crown margin and eye line land inside the spec. Used to normalize a capture and, live, to
//! tell whether the applicant stands where that cut fits inside the camera's frame.

use super::head::Head;
use crate::spec::{Reason, Spec};

/// The most a capture may be enlarged to reach the spec's size: beyond it the face is too small
/// in the source and the detail of the photo would be invented (`low_resolution`).
pub const MAX_UPSCALE: f32 = 1.5;

/// Where in the capture the photo is cut, and at what scale.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct CropPlan {
    /// Left edge in the capture.
    pub left: f32,
    /// Top edge in the capture.
    pub top: f32,
    /// Output pixels per capture pixel.
    pub scale: f32,
    /// The head as it will stand in the output.
    pub head: Head,
    /// Whether the crop reaches past the capture's edge (filled with the backdrop's colour).
    pub padded: bool,
}

impl CropPlan {
    /// Width and height of the cut in the capture's pixels, for an output of `out` pixels.
    pub fn size_in_capture(&self, out: (u32, u32)) -> (f32, f32) {
        (out.0 as f32 / self.scale, out.1 as f32 / self.scale)
    }
}

/// Chooses the scale and the crop so that head height, face width, crown margin and eye line
/// land as near the middle of the spec's ranges as the capture allows.
pub fn plan_crop(head: &Head, spec: &Spec, capture: (u32, u32)) -> (CropPlan, Vec<Reason>) {
    let mut reasons = Vec::new();
    let (w_out, h_out) = (spec.width_px as f32, spec.height_px as f32);

    // Scales allowed by each size rule; aim at the middle of what they allow together.
    let by_head = spec
        .head_height_px
        .map(|r| (r.min as f32 / head.height(), r.max as f32 / head.height()));
    let by_face = spec.face_width_px.map(|r| {
        (
            r.min as f32 / head.face_width,
            r.max as f32 / head.face_width,
        )
    });
    let scale = match (by_head, by_face) {
        (Some(a), Some(b)) => {
            let (lo, hi) = (a.0.max(b.0), a.1.min(b.1));
            if lo <= hi {
                (lo + hi) / 2.0
            } else if b.0 > a.1 {
                // The face is narrow for its height (a tall crown of hair): the head as large as
                // its range allows, the face as near its range as that leaves it. The check of
                // the photo says whether that is near enough.
                a.1
            } else {
                // Wide for its height: the head as small as its range allows.
                a.0
            }
        }
        (Some(a), None) | (None, Some(a)) => (a.0 + a.1) / 2.0,
        (None, None) => 0.6 * h_out / head.height(),
    };

    if scale > MAX_UPSCALE {
        reasons.push(Reason::LowResolution);
    }
    // The crown is past the capture's top edge: whatever the cut, the photo would show the head
    // cut flat with the backdrop's colour laid over where the rest of it is.
    if head.crown_cut_off() {
        reasons.push(Reason::HeadCutOff);
    }

    // Crown margin and eye line: the crown margins that also put the eyes in range.
    let eye_below_crown = (head.eye_y - head.crown_y) * scale;
    let cm = spec.crown_margin_px;
    let (mut lo, mut hi) = (cm.min as f32, cm.max as f32);
    if let Some(eyes) = spec.eye_line_px {
        lo = lo.max(eyes.min as f32 - eye_below_crown);
        hi = hi.min(eyes.max as f32 - eye_below_crown);
    }
    let margin = if lo <= hi {
        (lo + hi) / 2.0
    } else {
        reasons.push(Reason::OffCenter);
        cm.mid()
    };

    let left = head.center_x - w_out / 2.0 / scale;
    let top = head.crown_y - margin / scale;
    let (cw, ch) = (w_out / scale, h_out / scale);
    let padded = left < -0.5
        || top < -0.5
        || left + cw > capture.0 as f32 + 0.5
        || top + ch > capture.1 as f32 + 0.5;
    let plan = CropPlan {
        left,
        top,
        scale,
        head: head.in_crop(left, top, scale),
        padded,
    };
    (plan, reasons)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::Documents;
    use crate::vision::CrownSource;

    #[test]
    fn a_head_cut_off_by_the_capture_is_refused_whatever_its_cut() {
        let documents = Documents::from_toml(include_str!("../../kiosk-config/documents.toml"))
            .expect("documents");
        let spec = documents.get("passport").expect("passport");
        // A whole head whose hair ends 2 px below the capture's top: planned without a reason,
        // the crop reaching past that edge (filled with the backdrop's colour).
        let whole = Head::upright(2.0, 502.0, 232.0, 640.0, 330.0);
        let (plan, reasons) = plan_crop(&whole, spec, (1280, 960));
        assert_eq!(reasons, []);
        assert!(plan.padded);
        // Much the same head, its crown past the capture's top edge (measured at the edge).
        let cut = Head {
            crown_y: 0.0,
            crown_source: CrownSource::CutOff,
            ..whole
        };
        let (_, reasons) = plan_crop(&cut, spec, (1280, 960));
        assert_eq!(reasons, [Reason::HeadCutOff]);
    }
}
