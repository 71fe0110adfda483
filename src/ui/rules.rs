//! The photo rules, before the pose: six pictograms drawn here (no image files), each with its
//! rule in words, so the applicant knows what the office refuses before the camera looks.

use egui::{Painter, Pos2, RichText, Sense, Shape, Stroke, Ui, Vec2, pos2, vec2};

use super::widgets::{big_button, centered_row, primary_button, row_width, title};
use super::{Action, View};
use crate::i18n::Language;
use crate::session::Event;
use crate::ui::theme::theme;

/// The rules screen (stateless).
#[derive(Debug, Default)]
pub struct Rules;

/// One pictogram: what it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Picture {
    NoHat,
    EarsAndBrows,
    NoJewellery,
    EyesOpenMouthClosed,
    FaceTheCamera,
    NoGlare,
}

impl Picture {
    const ALL: [Picture; 6] = [
        Picture::NoHat,
        Picture::EarsAndBrows,
        Picture::NoJewellery,
        Picture::EyesOpenMouthClosed,
        Picture::FaceTheCamera,
        Picture::NoGlare,
    ];

    fn text(self, lang: Language) -> &'static str {
        match self {
            Picture::NoHat => lang.t("rules.no_hat_headscarf"),
            Picture::EarsAndBrows => lang.t("rules.ears_brows_shoulders_showing"),
            Picture::NoJewellery => lang.t("rules.no_earrings_necklace_clips"),
            Picture::EyesOpenMouthClosed => lang.t("rules.eyes_open_mouth_closed"),
            Picture::FaceTheCamera => lang.t("rules.look_into_camera"),
            Picture::NoGlare => lang.t("rules.no_glare_face_glasses"),
        }
    }

    /// Whether the picture shows what not to do (crossed out in red).
    fn forbidden(self) -> bool {
        matches!(
            self,
            Picture::NoHat | Picture::NoJewellery | Picture::NoGlare
        )
    }
}

/// Points of an ellipse around `c` with half-axes `r`.
fn ellipse(c: Pos2, r: Vec2, n: usize) -> Vec<Pos2> {
    (0..n)
        .map(|i| {
            let a = i as f32 / n as f32 * std::f32::consts::TAU;
            pos2(c.x + r.x * a.cos(), c.y + r.y * a.sin())
        })
        .collect()
}

/// Points of an arc of the ellipse around `c` from angle `a0` to `a1` (radians, y down).
fn arc(c: Pos2, r: Vec2, a0: f32, a1: f32, n: usize) -> Vec<Pos2> {
    (0..=n)
        .map(|i| {
            let a = a0 + (a1 - a0) * i as f32 / n as f32;
            pos2(c.x + r.x * a.cos(), c.y + r.y * a.sin())
        })
        .collect()
}

/// A face seen from the front in a square of side `s` centred on `c`: outline, ears, brows,
/// eyes, nose and a closed mouth; returns where the eyes are.
fn face(p: &Painter, c: Pos2, s: f32, stroke: Stroke, ears: Stroke) -> [Pos2; 2] {
    let r = vec2(0.27 * s, 0.34 * s);
    p.add(Shape::closed_line(ellipse(c, r, 48), stroke));
    for side in [-1.0f32, 1.0] {
        let ear = pos2(c.x + side * (r.x + 0.04 * s), c.y + 0.02 * s);
        p.add(Shape::closed_line(
            ellipse(ear, vec2(0.04 * s, 0.08 * s), 20),
            ears,
        ));
    }
    let eye_y = c.y - 0.04 * s;
    let eyes = [pos2(c.x - 0.1 * s, eye_y), pos2(c.x + 0.1 * s, eye_y)];
    for e in eyes {
        p.add(Shape::closed_line(
            ellipse(e, vec2(0.05 * s, 0.025 * s), 20),
            stroke,
        ));
        p.circle_filled(e, 0.018 * s, stroke.color);
        p.line_segment(
            [
                pos2(e.x - 0.055 * s, eye_y - 0.06 * s),
                pos2(e.x + 0.055 * s, eye_y - 0.07 * s),
            ],
            ears,
        );
    }
    p.line_segment(
        [
            pos2(c.x, eye_y + 0.03 * s),
            pos2(c.x - 0.02 * s, c.y + 0.1 * s),
        ],
        stroke,
    );
    p.line_segment(
        [
            pos2(c.x - 0.07 * s, c.y + 0.19 * s),
            pos2(c.x + 0.07 * s, c.y + 0.19 * s),
        ],
        stroke,
    );
    eyes
}

/// Short hair over the top of the head only.
fn hair(p: &Painter, c: Pos2, s: f32, stroke: Stroke) {
    let top = arc(
        pos2(c.x, c.y - 0.12 * s),
        vec2(0.29 * s, 0.25 * s),
        std::f32::consts::PI,
        std::f32::consts::TAU,
        24,
    );
    p.add(Shape::line(top, stroke));
}

/// A red circle crossed out over the square of side `s` centred on `c`.
fn crossed_out(p: &Painter, c: Pos2, s: f32) {
    let stroke = Stroke::new(0.04 * s, theme().colour.bad);
    p.circle_stroke(c, 0.46 * s, stroke);
    let d = 0.46 * s * std::f32::consts::FRAC_1_SQRT_2;
    p.line_segment([pos2(c.x - d, c.y - d), pos2(c.x + d, c.y + d)], stroke);
}

fn draw(p: &Painter, picture: Picture, c: Pos2, s: f32) {
    let ink = Stroke::new(0.02 * s, theme().colour.ink);
    let accent = Stroke::new(0.03 * s, theme().colour.good);
    match picture {
        Picture::NoHat => {
            face(p, c, s, ink, ink);
            let dome = arc(
                pos2(c.x, c.y - 0.2 * s),
                vec2(0.3 * s, 0.22 * s),
                std::f32::consts::PI,
                std::f32::consts::TAU,
                24,
            );
            p.add(Shape::convex_polygon(dome, theme().colour.pictogram, ink));
            p.line_segment(
                [
                    pos2(c.x - 0.36 * s, c.y - 0.2 * s),
                    pos2(c.x + 0.36 * s, c.y - 0.2 * s),
                ],
                Stroke::new(0.04 * s, theme().colour.pictogram),
            );
        }
        Picture::EarsAndBrows => {
            face(p, c, s, ink, accent);
            hair(p, c, s, ink);
            // The neck and both shoulders, clear of hair.
            for side in [-1.0f32, 1.0] {
                let line = vec![
                    pos2(c.x + side * 0.1 * s, c.y + 0.36 * s),
                    pos2(c.x + side * 0.12 * s, c.y + 0.44 * s),
                    pos2(c.x + side * 0.3 * s, c.y + 0.48 * s),
                    pos2(c.x + side * 0.42 * s, c.y + 0.56 * s),
                ];
                p.add(Shape::line(line, accent));
            }
        }
        Picture::NoJewellery => {
            face(p, c, s, ink, ink);
            hair(p, c, s, ink);
            let gold = theme().colour.jewel;
            for side in [-1.0f32, 1.0] {
                p.circle_filled(pos2(c.x + side * 0.31 * s, c.y + 0.13 * s), 0.03 * s, gold);
            }
            let chain = arc(
                pos2(c.x, c.y + 0.3 * s),
                vec2(0.2 * s, 0.12 * s),
                0.0,
                std::f32::consts::PI,
                20,
            );
            p.add(Shape::line(chain, Stroke::new(0.02 * s, gold)));
            p.circle_filled(pos2(c.x - 0.2 * s, c.y - 0.3 * s), 0.035 * s, gold);
        }
        Picture::EyesOpenMouthClosed => {
            let eyes = face(p, c, s, ink, ink);
            hair(p, c, s, ink);
            for e in eyes {
                p.add(Shape::closed_line(
                    ellipse(e, vec2(0.065 * s, 0.04 * s), 20),
                    accent,
                ));
            }
            p.line_segment(
                [
                    pos2(c.x - 0.08 * s, c.y + 0.19 * s),
                    pos2(c.x + 0.08 * s, c.y + 0.19 * s),
                ],
                accent,
            );
        }
        Picture::FaceTheCamera => {
            let eyes = face(p, c, s, ink, ink);
            hair(p, c, s, ink);
            // The level eye line and the upright middle of the face.
            p.line_segment(
                [
                    pos2(c.x - 0.42 * s, eyes[0].y),
                    pos2(c.x + 0.42 * s, eyes[1].y),
                ],
                Stroke::new(0.015 * s, theme().colour.good),
            );
            p.line_segment(
                [pos2(c.x, c.y - 0.45 * s), pos2(c.x, c.y + 0.45 * s)],
                Stroke::new(0.015 * s, theme().colour.good),
            );
        }
        Picture::NoGlare => {
            let eyes = face(p, c, s, ink, ink);
            hair(p, c, s, ink);
            let frame = Stroke::new(0.025 * s, theme().colour.ink);
            for e in eyes {
                p.add(Shape::closed_line(
                    ellipse(e, vec2(0.085 * s, 0.065 * s), 24),
                    frame,
                ));
            }
            p.line_segment(
                [
                    pos2(eyes[0].x + 0.085 * s, eyes[0].y),
                    pos2(eyes[1].x - 0.085 * s, eyes[1].y),
                ],
                frame,
            );
            // A starburst of reflected light on one lens.
            let g = pos2(eyes[1].x + 0.03 * s, eyes[1].y - 0.025 * s);
            for i in 0..4 {
                let a = i as f32 * std::f32::consts::FRAC_PI_4;
                let d = vec2(a.cos(), a.sin()) * 0.05 * s;
                p.line_segment(
                    [g - d, g + d],
                    Stroke::new(0.015 * s, theme().colour.on_picture),
                );
            }
        }
    }
    if picture.forbidden() {
        crossed_out(p, c, s);
    }
}

impl Rules {
    /// Draws the screen.
    pub fn ui(&mut self, ui: &mut Ui, view: &View<'_>) -> Option<Action> {
        let lang = view.lang;
        let mut action = None;
        ui.vertical_centered(|ui| {
            title(ui, lang.t("rules.how_photo_must"));
            ui.label(
                RichText::new(lang.t("rules.office_refuses_photo_breaks"))
                    .size(theme().text.detail),
            );
            ui.add_space(12.0);
            let (cell, side) = (vec2(300.0, 250.0), 180.0);
            for row in Picture::ALL.chunks(3) {
                centered_row(ui, 3.0 * cell.x, |ui| {
                    for &picture in row {
                        ui.allocate_ui(cell, |ui| {
                            ui.vertical_centered(|ui| {
                                let (response, painter) =
                                    ui.allocate_painter(Vec2::splat(side), Sense::hover());
                                draw(&painter, picture, response.rect.center(), side);
                                ui.label(
                                    RichText::new(picture.text(lang)).size(theme().text.small),
                                );
                            });
                        });
                    }
                });
            }
            ui.add_space(16.0);
            centered_row(ui, row_width(ui, &[200.0, 360.0]), |ui| {
                if big_button(ui, lang.t("common.back"), 200.0) {
                    action = Some(Action::Session(Event::Back));
                }
                if primary_button(ui, lang.t("rules.got_take_my_photo"), 360.0) {
                    action = Some(Action::Session(Event::RulesRead));
                }
            });
        });
        action
    }
}
