//! The calibration view: the live camera as it is (not mirrored), with every measure of the
//! assessment drawn: the face box, the head box from crown to chin, the eye line, and the numbers
//! for brightness, light balance, sharpness, background, colour cast and roll. It runs its own
//! tracker on a thread while the view is open, so the applicant's vision thread stays idle.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use egui::{
    Color32, ColorImage, Grid, Pos2, Rect, Stroke, TextureHandle, TextureOptions, Ui, Vec2,
};
use image::RgbImage;

use super::Context;

use crate::ui::theme::theme;
use crate::ui::widgets::text_width;
use crate::vision::{Assessment, FaceDetector, Tracker};

struct Seen {
    seq: u64,
    image: Arc<RgbImage>,
    assessment: Assessment,
}

/// The running view.
pub struct Calibration {
    seen: Arc<Mutex<Option<Seen>>>,
    stop: Arc<AtomicBool>,
    texture: Option<TextureHandle>,
    shown_seq: Option<u64>,
    assessment: Option<Assessment>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Calibration {
    /// Starts the assessing thread.
    pub fn start(ctx: &Context<'_>) -> Calibration {
        let seen = Arc::new(Mutex::new(None));
        let stop = Arc::new(AtomicBool::new(false));
        let camera = Arc::clone(ctx.camera);
        let repaint = ctx.egui.clone();
        let (out, halt) = (Arc::clone(&seen), Arc::clone(&stop));
        let spawned = std::thread::Builder::new()
            .name("calibration".into())
            .spawn(move || {
                let detector = match FaceDetector::new() {
                    Ok(d) => d,
                    Err(error) => {
                        tracing::error!(%error, "calibration: no detector");
                        return;
                    }
                };
                let mut tracker = Tracker::new(detector);
                let mut last = None;
                while !halt.load(Ordering::SeqCst) {
                    match camera.latest() {
                        Some(frame) if last != Some(frame.seq) => {
                            last = Some(frame.seq);
                            let assessment = tracker.assess(&frame.image);
                            *lock(&out) = Some(Seen {
                                seq: frame.seq,
                                image: frame.image,
                                assessment,
                            });
                            repaint.request_repaint();
                        }
                        _ => std::thread::sleep(Duration::from_millis(10)),
                    }
                }
            });
        if let Err(error) = spawned {
            tracing::error!(%error, "calibration: cannot start");
        }
        Calibration {
            seen,
            stop,
            texture: None,
            shown_seq: None,
            assessment: None,
        }
    }

    /// Takes the newest assessed frame into the texture.
    pub fn logic(&mut self, egui: &egui::Context) {
        let guard = lock(&self.seen);
        let Some(seen) = guard.as_ref() else { return };
        if self.shown_seq == Some(seen.seq) {
            return;
        }
        self.shown_seq = Some(seen.seq);
        let size = [seen.image.width() as usize, seen.image.height() as usize];
        let image = ColorImage::from_rgb(size, seen.image.as_raw());
        match &mut self.texture {
            Some(t) if t.size() == size => t.set(image, TextureOptions::LINEAR),
            _ => {
                self.texture = Some(egui.load_texture("calibration", image, TextureOptions::LINEAR))
            }
        }
        self.assessment = Some(seen.assessment.clone());
    }

    /// Draws the preview and the numbers.
    pub fn ui(&self, ui: &mut Ui, ctx: &Context<'_>) {
        let lang = ctx.lang;
        let (Some(texture), Some(a)) = (&self.texture, &self.assessment) else {
            ui.label(lang.t("maintenance.calibration.waiting_camera"));
            return;
        };
        ui.horizontal_top(|ui| {
            let (w, h) = (a.width as f32, a.height as f32);
            let avail = ui.available_size();
            let scale = ((avail.x - 420.0) / w).min((avail.y - 10.0) / h).max(0.1);
            let (rect, _) = ui.allocate_exact_size(Vec2::new(w, h) * scale, egui::Sense::hover());
            let painter = ui.painter_at(rect);
            let uv = Rect::from_min_max(Pos2::ZERO, Pos2::new(1.0, 1.0));
            painter.image(texture.id(), rect, uv, Color32::WHITE);
            let at = |x: f32, y: f32| Pos2::new(rect.left() + x * scale, rect.top() + y * scale);
            for (i, f) in a.faces.iter().enumerate() {
                let colour = if i == 0 {
                    theme().colour.face_good
                } else {
                    theme().colour.face_bad
                };
                painter.rect_stroke(
                    Rect::from_min_max(at(f.x, f.y), at(f.x + f.width, f.y + f.height)),
                    0.0,
                    Stroke::new(2.0, colour),
                    egui::StrokeKind::Middle,
                );
            }
            if let Some(head) = &a.head {
                let half = head.face_width / 2.0;
                let blue = theme().colour.measure;
                painter.rect_stroke(
                    Rect::from_min_max(
                        at(head.center_x - half, head.crown_y),
                        at(head.center_x + half, head.chin_y),
                    ),
                    0.0,
                    Stroke::new(2.0, blue),
                    egui::StrokeKind::Middle,
                );
                painter.line_segment(
                    [at(0.0, head.eye_y), at(w, head.eye_y)],
                    Stroke::new(1.5, theme().colour.measure_alt),
                );
            }
            ui.vertical(|ui| numbers(ui, ctx, a));
        });
    }
}

fn numbers(ui: &mut Ui, ctx: &Context<'_>, a: &Assessment) {
    let lang = ctx.lang;
    // The names column as wide as the longest names from the first frame: a grid sizes its
    // columns from the frame before, when fewer rows may have shown (the values then overlapped
    // 光线均匀度 and 头部高度).
    let size = egui::TextStyle::Body.resolve(ui.style()).size;
    let names = [
        lang.t("maintenance.calibration.uniformity"),
        lang.t("maintenance.calibration.head_height"),
        lang.t("maintenance.calibration.colour_cast"),
    ]
    .iter()
    .map(|name| text_width(ui, name, size))
    .fold(0.0, f32::max);
    Grid::new("calibration-numbers")
        .num_columns(2)
        .min_col_width(names)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            let mut row = |name: &str, value: String| {
                ui.label(name);
                ui.label(value);
                ui.end_row();
            };
            row(
                lang.t("maintenance.calibration.frame"),
                format!("{}×{}", a.width, a.height),
            );
            row(
                lang.t("maintenance.calibration.faces"),
                a.faces.len().to_string(),
            );
            if let Some(f) = a.face() {
                row(
                    lang.t("maintenance.calibration.face_box"),
                    format!("{:.0},{:.0} {:.0}×{:.0}", f.x, f.y, f.width, f.height),
                );
            }
            if let Some(head) = &a.head {
                row(
                    lang.t("maintenance.calibration.head_height"),
                    format!(
                        "{:.0} px ({:.0} %)",
                        head.height(),
                        100.0 * head.height() / a.height as f32
                    ),
                );
                row(
                    lang.t("maintenance.calibration.eye_line"),
                    format!("{:.0} px", head.eye_y),
                );
            }
            let Some(m) = &a.measures else {
                row(
                    lang.t("maintenance.calibration.measures"),
                    lang.t("maintenance.calibration.no_face").to_owned(),
                );
                return;
            };
            row(
                lang.t("maintenance.calibration.brightness"),
                format!(
                    "{:.0} (under {:.0} %, over {:.0} %)",
                    m.exposure.mean,
                    100.0 * m.exposure.under,
                    100.0 * m.exposure.over
                ),
            );
            row(
                lang.t("maintenance.calibration.uniformity"),
                format!(
                    "{:.2} ({})",
                    m.balance.ratio,
                    if m.balance.darker_on_left {
                        lang.t("maintenance.calibration.darker_left")
                    } else {
                        lang.t("maintenance.calibration.darker_right")
                    }
                ),
            );
            row(
                lang.t("maintenance.calibration.sharpness"),
                format!("{:.2}", m.sharpness),
            );
            row(
                lang.t("maintenance.calibration.background"),
                format!(
                    "{:.0} {:.0} {:.0} · σ {:.1} · texture {:.2}",
                    m.background.mean[0],
                    m.background.mean[1],
                    m.background.mean[2],
                    m.background.std,
                    m.background.texture
                ),
            );
            row(
                lang.t("maintenance.calibration.colour_cast"),
                format!("R−G {:+.3} · B−G {:+.3}", m.cast[0], m.cast[1]),
            );
            row(
                lang.t("maintenance.calibration.roll"),
                format!("{:+.1}°", m.roll_deg),
            );
        });
}

impl Drop for Calibration {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}
