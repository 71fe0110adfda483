//! Every rule of a spec checked on a photo, each pass or fail with its value, and the reason
//! codes of the failures.

use serde::Serialize;

use crate::spec::{PxRange, Reason, Spec};
use crate::vision::{Appearance, Assessment, Head, Thresholds};

/// A rule of [`check`], by name: the `rule` of `photo check --json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleId {
    /// `size_px`.
    SizePx,
    /// `file_kb`.
    FileKb,
    /// `dpi`.
    Dpi,
    /// `no_exif`.
    NoExif,
    /// `one_face`.
    OneFace,
    /// `head_measured`.
    HeadMeasured,
    /// `head_height_px`.
    HeadHeightPx,
    /// `face_width_px`.
    FaceWidthPx,
    /// `crown_margin_px`.
    CrownMarginPx,
    /// `eye_line_px`.
    EyeLinePx,
    /// `centred`.
    Centred,
    /// `roll_deg`.
    RollDeg,
    /// `face_luma`.
    FaceLuma,
    /// `underexposed`.
    Underexposed,
    /// `overexposed`.
    Overexposed,
    /// `light_balance`.
    LightBalance,
    /// `sharpness`.
    Sharpness,
    /// `background_texture`.
    BackgroundTexture,
    /// `background_std`.
    BackgroundStd,
    /// `background_colour`.
    BackgroundColour,
    /// `eyes_open`.
    EyesOpen,
    /// `mouth_open`.
    MouthOpen,
    /// `yaw_deg`.
    YawDeg,
    /// `pitch_deg`.
    PitchDeg,
    /// `gaze`.
    Gaze,
    /// `brows_clear`.
    BrowsClear,
    /// `ears_clear`.
    EarsClear,
    /// `top_bottom_light`.
    TopBottomLight,
    /// `glare`.
    Glare,
    /// `skin_red`.
    SkinRed,
    /// `skin_blue`.
    SkinBlue,
    /// `skin_green`.
    SkinGreen,
    /// `headwear`.
    Headwear,
    /// `earrings`.
    Earrings,
    /// `shoulders_covered`.
    ShouldersCovered,
    /// `periodicity`.
    Periodicity,
    /// `glasses`.
    Glasses,
}

impl RuleId {
    /// Its name, as in the JSON report.
    pub fn name(self) -> &'static str {
        match self {
            RuleId::SizePx => "size_px",
            RuleId::FileKb => "file_kb",
            RuleId::Dpi => "dpi",
            RuleId::NoExif => "no_exif",
            RuleId::OneFace => "one_face",
            RuleId::HeadMeasured => "head_measured",
            RuleId::HeadHeightPx => "head_height_px",
            RuleId::FaceWidthPx => "face_width_px",
            RuleId::CrownMarginPx => "crown_margin_px",
            RuleId::EyeLinePx => "eye_line_px",
            RuleId::Centred => "centred",
            RuleId::RollDeg => "roll_deg",
            RuleId::FaceLuma => "face_luma",
            RuleId::Underexposed => "underexposed",
            RuleId::Overexposed => "overexposed",
            RuleId::LightBalance => "light_balance",
            RuleId::Sharpness => "sharpness",
            RuleId::BackgroundTexture => "background_texture",
            RuleId::BackgroundStd => "background_std",
            RuleId::BackgroundColour => "background_colour",
            RuleId::EyesOpen => "eyes_open",
            RuleId::MouthOpen => "mouth_open",
            RuleId::YawDeg => "yaw_deg",
            RuleId::PitchDeg => "pitch_deg",
            RuleId::Gaze => "gaze",
            RuleId::BrowsClear => "brows_clear",
            RuleId::EarsClear => "ears_clear",
            RuleId::TopBottomLight => "top_bottom_light",
            RuleId::Glare => "glare",
            RuleId::SkinRed => "skin_red",
            RuleId::SkinBlue => "skin_blue",
            RuleId::SkinGreen => "skin_green",
            RuleId::Headwear => "headwear",
            RuleId::Earrings => "earrings",
            RuleId::ShouldersCovered => "shoulders_covered",
            RuleId::Periodicity => "periodicity",
            RuleId::Glasses => "glasses",
        }
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One rule of the spec and how the photo fares.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    /// Which rule, e.g. `head_height_px`.
    pub rule: RuleId,
    /// Whether the photo meets it.
    pub pass: bool,
    /// The measured value.
    pub value: f32,
    /// What the spec allows, in words.
    pub expected: String,
    /// The reason code when it fails.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
}

/// The file's own facts, when the photo came from a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileFacts {
    /// Size in bytes.
    pub bytes: usize,
    /// JFIF density in dpi, if the file has one.
    pub dpi: Option<u32>,
    /// Whether an EXIF segment is present.
    pub exif: bool,
}

impl FileFacts {
    /// Reads the facts of an image file's bytes (a PNG has no JFIF density and no EXIF).
    pub fn of(bytes: &[u8]) -> FileFacts {
        let (jfif, exif) = super::read_markers(bytes);
        FileFacts {
            bytes: bytes.len(),
            dpi: jfif.and_then(|j| j.dpi()),
            exif,
        }
    }
}

/// The result of checking a photo against a spec.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Every rule, in a fixed order.
    pub rules: Vec<Rule>,
    /// The failures' reason codes, sorted, without repeats.
    pub reasons: Vec<Reason>,
}

impl Report {
    /// Whether every rule passed.
    pub fn compliant(&self) -> bool {
        self.reasons.is_empty()
    }
}

fn range_text(r: PxRange) -> String {
    format!("{}..{}", r.min, r.max)
}

struct Rules(Vec<Rule>);

impl Rules {
    fn push(&mut self, rule: RuleId, pass: bool, value: f32, expected: String, reason: Reason) {
        self.0.push(Rule {
            rule,
            pass,
            value,
            expected,
            reason: (!pass).then_some(reason),
        });
    }

    /// A range rule on a measure estimated to within `slack` pixels: it fails only when the
    /// value lies further out than that. The slack never exceeds half the range (a photo aimed
    /// at the middle stays inside it by the estimator's error) and never takes the lower limit
    /// below zero (a crown cut off is never compliant).
    fn range(
        &mut self,
        rule: RuleId,
        value: f32,
        r: PxRange,
        slack: f32,
        reasons: (Reason, Reason),
    ) {
        let reason = if value < r.min as f32 {
            reasons.0
        } else {
            reasons.1
        };
        let slack = slack.min((r.max as f32 - r.min as f32) / 2.0).max(0.0);
        let low = (r.min as f32 - slack).max(0.0);
        let pass = value >= low && value <= r.max as f32 + slack;
        let expected = format!("{} (±{slack:.0} measuring)", range_text(r));
        self.push(rule, pass, value, expected, reason);
    }

    fn at_most(&mut self, rule: RuleId, value: f32, max: f32, reason: Reason) {
        self.push(rule, value <= max, value, format!("≤ {max}"), reason);
    }

    fn at_least(&mut self, rule: RuleId, value: f32, min: f32, reason: Reason) {
        self.push(rule, value >= min, value, format!("≥ {min}"), reason);
    }
}

/// Checks `assessment` (of a photo of `spec`'s size, normally) against every rule.
pub fn check(
    assessment: &Assessment,
    spec: &Spec,
    file: Option<FileFacts>,
    t: &Thresholds,
) -> Report {
    let mut rules = Rules(Vec::new());
    let (w, h) = (assessment.width, assessment.height);
    let size_ok = w == spec.width_px && h == spec.height_px;
    rules.push(
        RuleId::SizePx,
        size_ok,
        w as f32,
        format!("{}×{} (got {w}×{h})", spec.width_px, spec.height_px),
        Reason::WrongSize,
    );
    if let Some(file) = file {
        let kb = file.bytes as f32 / 1024.0;
        let (min, max) = spec.byte_window();
        rules.push(
            RuleId::FileKb,
            (min..=max).contains(&file.bytes),
            kb,
            range_text(spec.kb),
            Reason::FileSize,
        );
        let dpi = file.dpi.unwrap_or(0);
        rules.push(
            RuleId::Dpi,
            dpi == spec.dpi,
            dpi as f32,
            spec.dpi.to_string(),
            Reason::WrongSize,
        );
        rules.push(
            RuleId::NoExif,
            !file.exif,
            f32::from(u8::from(file.exif)),
            "no EXIF segment".into(),
            Reason::Other,
        );
    }
    let count = assessment.faces.len();
    rules.push(
        RuleId::OneFace,
        count == 1,
        count as f32,
        "exactly 1".into(),
        if count == 0 {
            Reason::FaceNotFound
        } else {
            Reason::MultipleFaces
        },
    );

    if count > 0 {
        // rustface saw a face; the models must have measured it, or no geometry is known.
        let measured = assessment.head.is_some();
        rules.push(
            RuleId::HeadMeasured,
            measured,
            f32::from(u8::from(measured)),
            "the face measured by the face mesh".into(),
            Reason::FaceNotFound,
        );
    }
    if let (Some(head), Some(m)) = (assessment.head, assessment.measures) {
        // The head is measured (mesh, irises, mask) to within a small share of its height.
        let slack = t.geometry_tolerance * head.height();
        // A crown past the photo's top edge: the head is cut off, and its height measured to
        // that edge is only a lower bound (too small says nothing, too large still holds).
        let cut = head.crown_cut_off();
        let short = if cut {
            Reason::HeadCutOff
        } else {
            Reason::HeadTooSmall
        };
        if let Some(r) = spec.head_height_px {
            rules.range(
                RuleId::HeadHeightPx,
                head.height(),
                r,
                slack,
                (short, Reason::HeadTooLarge),
            );
        }
        if let Some(r) = spec.face_width_px {
            rules.range(
                RuleId::FaceWidthPx,
                head.face_width,
                r,
                slack,
                (Reason::HeadTooSmall, Reason::HeadTooLarge),
            );
        }
        if cut {
            rules.push(
                RuleId::CrownMarginPx,
                false,
                head.crown_y,
                format!(
                    "{} (the crown is past the top edge)",
                    range_text(spec.crown_margin_px)
                ),
                Reason::HeadCutOff,
            );
        } else {
            rules.range(
                RuleId::CrownMarginPx,
                head.crown_y,
                spec.crown_margin_px,
                slack,
                (Reason::OffCenter, Reason::OffCenter),
            );
        }
        if let Some(r) = spec.eye_line_px {
            rules.range(
                RuleId::EyeLinePx,
                head.eye_y,
                r,
                slack,
                (Reason::OffCenter, Reason::OffCenter),
            );
        }
        let offset = (head.center_x - w as f32 / 2.0).abs() / w as f32;
        rules.at_most(
            RuleId::Centred,
            offset,
            t.center_tolerance,
            Reason::OffCenter,
        );
        rules.push(
            RuleId::RollDeg,
            m.roll_deg.abs() <= t.roll_max_deg,
            m.roll_deg,
            format!("±{}", t.roll_max_deg),
            Reason::HeadTilted,
        );
        let luma = m.exposure.mean;
        let luma_reason = if luma < t.face_luma_min {
            Reason::TooDark
        } else {
            Reason::TooBright
        };
        rules.push(
            RuleId::FaceLuma,
            (t.face_luma_min..=t.face_luma_max).contains(&luma),
            luma,
            format!("{}..{}", t.face_luma_min, t.face_luma_max),
            luma_reason,
        );
        rules.at_most(
            RuleId::Underexposed,
            m.exposure.under,
            t.underexposed_max,
            Reason::TooDark,
        );
        rules.at_most(
            RuleId::Overexposed,
            m.exposure.over,
            t.overexposed_max,
            Reason::TooBright,
        );
        rules.at_least(
            RuleId::LightBalance,
            m.balance.ratio,
            t.balance_min,
            Reason::UnevenLighting,
        );
        rules.at_least(
            RuleId::Sharpness,
            m.sharpness,
            t.sharpness_min,
            Reason::Blurred,
        );
        let bg = m.background;
        rules.at_most(
            RuleId::BackgroundTexture,
            bg.texture,
            t.background_texture_max,
            Reason::BackgroundNotUniform,
        );
        rules.at_most(
            RuleId::BackgroundStd,
            bg.std,
            t.background_std_max,
            Reason::BackgroundNotUniform,
        );
        // Plain is not enough: it must be the spec's colour. (DESIGN's reason codes have none for
        // colour; the rule's name says which it was.)
        let off_colour = bg
            .mean
            .iter()
            .zip(spec.background)
            .map(|(&m, s)| (m - f32::from(s)).abs())
            .fold(0.0_f32, f32::max);
        if bg.pixels > 0 {
            rules.at_most(
                RuleId::BackgroundColour,
                off_colour,
                t.background_colour_max,
                Reason::BackgroundNotUniform,
            );
        }
    }
    if let (Some(head), Some(m), Some(a)) =
        (assessment.head, assessment.measures, assessment.appearance)
    {
        appearance(&mut rules, &head, &a, m.cast, spec, t);
    }
    let mut reasons: Vec<Reason> = rules.0.iter().filter_map(|r| r.reason).collect();
    reasons.sort();
    reasons.dedup();
    Report {
        rules: rules.0,
        reasons,
    }
}

/// The rules of how the applicant looks (README, "The photo rules"): eyes open, mouth
/// closed, facing and looking into the camera, brows and ears clear of hair, even light without
/// glare, natural colour, glasses only where the document allows them, and not a photo of a
/// print or a screen.
fn appearance(
    rules: &mut Rules,
    head: &Head,
    a: &Appearance,
    cast: [f32; 2],
    spec: &Spec,
    t: &Thresholds,
) {
    rules.at_least(
        RuleId::EyesOpen,
        a.eyes_open,
        t.eyes_open_min,
        Reason::EyesClosed,
    );
    rules.at_most(
        RuleId::MouthOpen,
        a.mouth_open,
        t.mouth_open_max,
        Reason::MouthOpen,
    );
    rules.at_most(
        RuleId::YawDeg,
        head.yaw_deg.abs(),
        t.yaw_max_deg,
        Reason::HeadTurned,
    );
    rules.at_most(
        RuleId::PitchDeg,
        head.pitch_deg.abs(),
        t.pitch_max_deg,
        Reason::HeadPitched,
    );
    rules.at_most(RuleId::Gaze, a.gaze_away(), t.gaze_max, Reason::GazeAway);
    rules.at_least(
        RuleId::BrowsClear,
        a.brows_clear,
        t.brows_clear_min,
        Reason::EyebrowsHidden,
    );
    rules.at_least(
        RuleId::EarsClear,
        a.clearer_ear(),
        t.ears_clear_min,
        Reason::EarsHidden,
    );
    rules.at_least(
        RuleId::TopBottomLight,
        a.top_bottom_light,
        t.top_bottom_light_min,
        Reason::FaceShadow,
    );
    rules.at_most(RuleId::Glare, a.glare, t.glare_max, Reason::Glare);
    let [red, blue] = cast;
    let [lo, hi] = t.skin_red_range;
    rules.push(
        RuleId::SkinRed,
        (lo..=hi).contains(&red),
        red,
        format!("{lo}..{hi}"),
        Reason::ColourCast,
    );
    rules.at_most(RuleId::SkinBlue, blue, t.skin_blue_max, Reason::ColourCast);
    // Green over the mean of red and blue: skin is never greener than that.
    rules.at_most(
        RuleId::SkinGreen,
        -(red + blue) / 2.0,
        t.skin_green_max,
        Reason::ColourCast,
    );
    if let Some(headwear) = a.headwear {
        rules.at_most(RuleId::Headwear, headwear, t.headwear_max, Reason::Headwear);
    }
    if let Some(earrings) = a.earrings {
        rules.at_most(RuleId::Earrings, earrings, t.earrings_max, Reason::Earrings);
    }
    if let Some(covered) = a.shoulders_covered {
        rules.at_most(
            RuleId::ShouldersCovered,
            covered,
            t.shoulders_covered_max,
            Reason::ShouldersHidden,
        );
    }
    if let Some(periodicity) = a.periodicity {
        rules.at_most(
            RuleId::Periodicity,
            periodicity,
            t.periodicity_max,
            Reason::Recaptured,
        );
    }
    if !spec.glasses_allowed {
        rules.at_most(
            RuleId::Glasses,
            a.bridge_edges,
            t.bridge_edges_max,
            Reason::Glasses,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_is_named_in_the_json_as_in_its_name() {
        for id in [
            RuleId::SizePx,
            RuleId::HeadHeightPx,
            RuleId::ShouldersCovered,
        ] {
            let json = serde_json::to_string(&id).expect("serializes");
            assert_eq!(json, format!("\"{}\"", id.name()));
            assert_eq!(id.to_string(), id.name());
        }
        assert_eq!(RuleId::HeadHeightPx.name(), "head_height_px");
    }

    fn passes(value: f32, r: PxRange, slack: f32) -> bool {
        let mut rules = Rules(Vec::new());
        rules.range(
            RuleId::Centred,
            value,
            r,
            slack,
            (Reason::OffCenter, Reason::OffCenter),
        );
        rules.0[0].pass
    }

    #[test]
    fn the_measuring_slack_widens_a_range_but_never_past_half_of_it_or_below_zero() {
        // 出入境 head height 331..390, slack 14: 317..404.
        let head = PxRange { min: 331, max: 390 };
        assert!(passes(318.0, head, 14.0));
        assert!(!passes(316.0, head, 14.0));
        assert!(passes(403.0, head, 14.0));
        assert!(!passes(405.0, head, 14.0));
        // 身份证 crown margin 7..21 with a slack of 15: at most 7 (half the range), so 0..28.
        let crown = PxRange { min: 7, max: 21 };
        assert!(passes(0.5, crown, 15.0));
        assert!(!passes(-3.0, crown, 15.0), "a crown cut off passed");
        assert!(passes(27.5, crown, 15.0));
        assert!(!passes(30.0, crown, 15.0));
        // Without slack, the range itself.
        assert!(passes(7.0, crown, 0.0) && passes(21.0, crown, 0.0));
        assert!(!passes(6.9, crown, 0.0) && !passes(21.1, crown, 0.0));
    }
}
