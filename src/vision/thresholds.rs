//! Quality thresholds of the checks and the live guidance, read from `guidance.toml`.

use serde::Deserialize;

use crate::spec::Problem;

/// Limits a photo's measures must keep. Defaults are the shipped `guidance.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Lowest mean luma of the inner face.
    pub face_luma_min: f32,
    /// Highest mean luma of the inner face.
    pub face_luma_max: f32,
    /// Largest share of face pixels lost in shadow.
    pub underexposed_max: f32,
    /// Largest share of face pixels burnt out.
    pub overexposed_max: f32,
    /// Lowest darker-half / brighter-half luma ratio.
    pub balance_min: f32,
    /// Lowest sharpness.
    pub sharpness_min: f32,
    /// Largest background texture (mean neighbour difference).
    pub background_texture_max: f32,
    /// Largest background luma spread.
    pub background_std_max: f32,
    /// Largest difference, in any channel (0-255), between the background's mean colour and the
    /// spec's background colour.
    pub background_colour_max: f32,
    /// Largest head roll, degrees.
    pub roll_max_deg: f32,
    /// Largest horizontal offset of the face centre, as a share of the width.
    pub center_tolerance: f32,
    /// How precisely the head is measured, as a share of its height: the geometry rules fail
    /// only beyond it (normalization still aims at the middle).
    pub geometry_tolerance: f32,
    /// Smallest eyelid gap over eye width, the less open eye.
    pub eyes_open_min: f32,
    /// Largest gap between the inner lips over the mouth's width.
    pub mouth_open_max: f32,
    /// Largest head yaw (turn left or right), degrees.
    pub yaw_max_deg: f32,
    /// Largest head pitch (raised or lowered), degrees.
    pub pitch_max_deg: f32,
    /// Largest offset of the irises from the middle of the eyes, in eye widths.
    pub gaze_max: f32,
    /// Smallest share of skin just above the eyebrows.
    pub brows_clear_min: f32,
    /// Smallest share of the rows beside the face where an ear shows (the clearer side).
    pub ears_clear_min: f32,
    /// Lowest ratio of the upper face's light to the lower face's (darker over brighter).
    pub top_bottom_light_min: f32,
    /// Largest share of the face that is specular glare.
    pub glare_max: f32,
    /// Range of the face's (R − G) / luma: skin is warm; a green or blue cast, or a grey photo,
    /// falls below, a red cast above.
    pub skin_red_range: [f32; 2],
    /// Largest (B − G) / luma of the face: a blue cast.
    pub skin_blue_max: f32,
    /// Largest (G − (R + B) / 2) / luma of the face: a green cast.
    pub skin_green_max: f32,
    /// Largest headwear measure: a level edge's strength across the head at the temples less its
    /// arch (a hat's brim or a cap's band).
    pub headwear_max: f32,
    /// Largest count of bright spots beside the earlobes (the side with fewer): earrings.
    pub earrings_max: f32,
    /// Largest share of the more covered shoulder under hair that comes down beside the face
    /// (long hair worn over the shoulders).
    pub shoulders_covered_max: f32,
    /// Largest periodicity of the face's texture (a print's halftone, a screen's pixels).
    pub periodicity_max: f32,
    /// Largest edge strength across the bridge of the nose without glasses (only checked for a
    /// document that does not allow glasses).
    pub bridge_edges_max: f32,
    /// Live guidance: the head's share of the frame height, smallest and largest.
    pub live_head_share: [f32; 2],
    /// Live guidance: where the eye line should sit, as a share of the frame height from the top.
    pub live_eye_share: [f32; 2],
    /// Live guidance: how far past a limit a measure must come back before its advice clears
    /// (hysteresis), as a share of the limit.
    pub hysteresis: f32,
    /// Live guidance: frames an advice must hold before it replaces the one shown.
    pub advice_hold_frames: u32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            face_luma_min: 85.0,
            face_luma_max: 215.0,
            underexposed_max: 0.15,
            overexposed_max: 0.08,
            balance_min: 0.80,
            sharpness_min: 0.20,
            background_texture_max: 6.0,
            background_std_max: 18.0,
            background_colour_max: 24.0,
            roll_max_deg: 6.0,
            center_tolerance: 0.05,
            geometry_tolerance: 0.02,
            eyes_open_min: 0.12,
            mouth_open_max: 0.10,
            yaw_max_deg: 15.0,
            pitch_max_deg: 20.0,
            gaze_max: 0.15,
            brows_clear_min: 0.55,
            ears_clear_min: 0.45,
            top_bottom_light_min: 0.70,
            glare_max: 0.005,
            skin_red_range: [0.08, 0.9],
            skin_blue_max: 0.14,
            skin_green_max: 0.03,
            headwear_max: 0.38,
            earrings_max: 1.2,
            shoulders_covered_max: 0.3,
            periodicity_max: 150.0,
            bridge_edges_max: 5.0,
            live_head_share: [0.42, 0.62],
            live_eye_share: [0.30, 0.50],
            hysteresis: 0.1,
            advice_hold_frames: 4,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGuidance {
    thresholds: Thresholds,
}

impl Thresholds {
    /// Parses and validates the text of `guidance.toml`.
    pub fn from_toml(text: &str) -> Result<Self, Problem> {
        let t = toml::from_str::<RawGuidance>(text)?.thresholds;
        let share = |key: &str, v: f32| {
            if (0.0..=1.0).contains(&v) {
                Ok(())
            } else {
                Err(Problem::invalid(
                    format!("thresholds.{key}"),
                    format!("{v} is not a share between 0 and 1"),
                ))
            }
        };
        for (key, v) in [
            ("underexposed_max", t.underexposed_max),
            ("overexposed_max", t.overexposed_max),
            ("balance_min", t.balance_min),
            ("center_tolerance", t.center_tolerance),
            ("geometry_tolerance", t.geometry_tolerance),
            ("hysteresis", t.hysteresis),
            ("eyes_open_min", t.eyes_open_min),
            ("mouth_open_max", t.mouth_open_max),
            ("gaze_max", t.gaze_max),
            ("brows_clear_min", t.brows_clear_min),
            ("ears_clear_min", t.ears_clear_min),
            ("top_bottom_light_min", t.top_bottom_light_min),
            ("glare_max", t.glare_max),
        ] {
            share(key, v)?;
        }
        for (key, [a, b]) in [
            ("live_head_share", t.live_head_share),
            ("live_eye_share", t.live_eye_share),
        ] {
            share(key, a)?;
            share(key, b)?;
            crate::spec::ordered_pair(&format!("thresholds.{key}"), "range", [a, b])?;
        }
        crate::spec::ordered_pair(
            "thresholds.face_luma_max",
            "face luma range",
            [t.face_luma_min, t.face_luma_max],
        )?;
        if !(0.0..=255.0).contains(&t.background_colour_max) {
            return Err(Problem::invalid(
                "thresholds.background_colour_max",
                "expected 0 to 255 (a difference in one colour channel)",
            ));
        }
        for (key, v) in [
            ("roll_max_deg", t.roll_max_deg),
            ("yaw_max_deg", t.yaw_max_deg),
            ("pitch_max_deg", t.pitch_max_deg),
        ] {
            if !(0.0..=45.0).contains(&v) {
                return Err(Problem::invalid(
                    format!("thresholds.{key}"),
                    "expected 0 to 45 degrees",
                ));
            }
        }
        crate::spec::ordered_pair("thresholds.skin_red_range", "range", t.skin_red_range)?;
        if t.advice_hold_frames > 60 {
            return Err(Problem::invalid(
                "thresholds.advice_hold_frames",
                "expected 0 to 60 frames",
            ));
        }
        Ok(t)
    }
}
