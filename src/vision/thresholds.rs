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
        if !(0.0..=45.0).contains(&t.roll_max_deg) {
            return Err(Problem::invalid(
                "thresholds.roll_max_deg",
                "expected 0 to 45 degrees",
            ));
        }
        if t.advice_hold_frames > 60 {
            return Err(Problem::invalid(
                "thresholds.advice_hold_frames",
                "expected 0 to 60 frames",
            ));
        }
        Ok(t)
    }
}
