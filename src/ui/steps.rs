//! The step indicator over the applicant's screens: where they are on the way to a receipt
//! (证件 → 城市 → 信息 → 拍照 → 确认), the steps behind them ticked, the one they are on
//! filled, those to come dimmed.

use egui::{Align2, FontId, Role, Sense, Stroke, Ui, WidgetInfo, pos2, vec2};

use crate::i18n::Language;
use crate::session::Flow;
use crate::ui::theme::theme;

/// A step on the way to a receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    /// Choose the document.
    Document,
    /// Choose the city.
    City,
    /// Name and ID number, and the consent to their use.
    Details,
    /// The photo rules and the pose.
    Photo,
    /// Look at the photo and send it.
    Confirm,
}

impl Step {
    /// Every step, in order.
    pub const ALL: [Step; 5] = [
        Step::Document,
        Step::City,
        Step::Details,
        Step::Photo,
        Step::Confirm,
    ];

    /// The step `flow` belongs to; `None` off the way (the attract screen, the submission check,
    /// and the screens after the photo was sent).
    pub fn of(flow: &Flow) -> Option<Step> {
        match flow {
            Flow::Document => Some(Step::Document),
            Flow::City { .. } => Some(Step::City),
            Flow::Details { .. } | Flow::Consent { .. } => Some(Step::Details),
            Flow::Rules { .. }
            | Flow::Pose { .. }
            | Flow::Countdown { .. }
            | Flow::Processing { .. } => Some(Step::Photo),
            Flow::Review { .. } | Flow::Uploading { .. } => Some(Step::Confirm),
            Flow::Attract
            | Flow::Rejected { .. }
            | Flow::Pending { .. }
            | Flow::Printing { .. }
            | Flow::PrintFailed { .. }
            | Flow::Check { .. }
            | Flow::Done { .. } => None,
        }
    }

    /// Its number, from 1.
    pub fn number(self) -> usize {
        Step::ALL.iter().position(|s| *s == self).unwrap_or(0) + 1
    }

    /// Its name's key in the language files.
    fn key(self) -> &'static str {
        match self {
            Step::Document => "steps.document",
            Step::City => "steps.city",
            Step::Details => "steps.details",
            Step::Photo => "steps.photo",
            Step::Confirm => "steps.confirm",
        }
    }
}

/// Height of the indicator, with its space below.
pub const HEIGHT: f32 = 48.0;

/// Radius of a step's disc.
const DISC: f32 = 15.0;

/// Space between a disc and its name, and a name and the line to the next disc.
const PAD: f32 = 10.0;

/// Length of the line between two steps.
const LINK: f32 = 36.0;

/// Draws the indicator across `ui`'s width with `now` as the current step. It reads, for a screen
/// reader and the tests, "第 3 步，共 5 步：信息".
pub fn show(ui: &mut Ui, lang: Language, now: Step) {
    let size = vec2(ui.available_width(), HEIGHT);
    let (rect, response) = ui.allocate_exact_size(size, Sense::hover());
    let said = lang.fill(
        "steps.now",
        &[
            ("n", &now.number()),
            ("of", &Step::ALL.len()),
            ("name", &lang.t(now.key())),
        ],
    );
    response.widget_info(|| WidgetInfo::labeled(Role::Label, true, &said));
    if !ui.is_rect_visible(rect) {
        return;
    }
    let colour = &theme().colour;
    let font = FontId::proportional(theme().text.small);
    let painter = ui.painter();
    let names: Vec<_> = Step::ALL
        .iter()
        .map(|step| {
            let ink = if *step == now {
                ui.visuals().strong_text_color()
            } else if *step < now {
                colour.step_done.into()
            } else {
                colour.step_todo.into()
            };
            painter.layout_no_wrap(lang.t(step.key()).to_owned(), font.clone(), ink)
        })
        .collect();
    let width: f32 = names
        .iter()
        .map(|name| 2.0 * DISC + PAD + name.size().x)
        .sum::<f32>()
        + (LINK + 2.0 * PAD) * (names.len() - 1) as f32;
    let y = rect.min.y + DISC + 4.0;
    let mut x = rect.center().x - width / 2.0;
    for (i, (step, name)) in Step::ALL.iter().zip(names).enumerate() {
        if i > 0 {
            let ink = if *step <= now {
                colour.step_done
            } else {
                colour.step_todo
            };
            painter.hline(x + PAD..=x + PAD + LINK, y, Stroke::new(2.0, ink));
            x += LINK + 2.0 * PAD;
        }
        let centre = pos2(x + DISC, y);
        let number = step.number().to_string();
        if *step < now {
            painter.circle_filled(centre, DISC, colour.step_done);
            painter.text(
                centre,
                Align2::CENTER_CENTER,
                "✓",
                font.clone(),
                colour.on_primary.into(),
            );
        } else if *step == now {
            painter.circle_filled(centre, DISC, colour.primary);
            painter.text(
                centre,
                Align2::CENTER_CENTER,
                number,
                font.clone(),
                colour.on_primary.into(),
            );
        } else {
            painter.circle_stroke(centre, DISC - 1.0, Stroke::new(2.0, colour.step_todo));
            painter.text(
                centre,
                Align2::CENTER_CENTER,
                number,
                font.clone(),
                colour.step_todo.into(),
            );
        }
        x += 2.0 * DISC + PAD;
        let top = y - name.size().y / 2.0;
        let width = name.size().x;
        painter.galley(pos2(x, top), name, ui.visuals().text_color());
        x += width;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_screen_on_the_way_has_its_step_in_order() {
        let order = Step::ALL.map(Step::number);
        assert_eq!(order, [1, 2, 3, 4, 5]);
        assert_eq!(Step::of(&Flow::Document), Some(Step::Document));
        assert_eq!(Step::of(&Flow::Attract), None);
        assert!(Step::ALL.windows(2).all(|w| w[0] < w[1]));
        for step in Step::ALL {
            for lang in Language::all() {
                assert!(lang.try_t(step.key()).is_some(), "{lang:?} {step:?}");
            }
        }
    }
}
