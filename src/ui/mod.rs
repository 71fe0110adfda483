//! The eframe app: applicant screens, on-screen keyboards, fonts, Chinese and English text.
//! Knows nothing of hardware details: the camera, center and printer come in as
//! [`Parts`](crate::booth::Parts), and the shell in `crate::booth` runs the session's effects.
//!
//! `mod.rs` only routes: each screen is a small struct with `ui()` returning an [`Action`].

mod app;
mod attract;
mod check;
mod choice_grid;
mod city;
mod consent;
mod details;
mod document;
pub mod fonts;
pub mod maintenance;
pub mod pinyin_input;
mod pose;
mod review;
mod rules;
mod status;
mod steps;
mod still_there;
pub mod text;
pub mod theme;
mod widgets;

pub use widgets::KEYBOARD_SCREEN_HEIGHT;

pub use app::Booth;

use egui::TextureHandle;

use crate::i18n::Language;
use crate::ops::Config;
use crate::session::{Event, Flow};

/// What a screen asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Something for the session.
    Session(Event),
    /// Switch the language.
    Language(Language),
}

/// What screens may read.
pub struct View<'a> {
    /// Language.
    pub lang: Language,
    /// Configuration.
    pub config: &'a Config,
    /// Whether new sessions may start.
    pub serviceable: bool,
    /// Latest guidance.
    pub live: Option<&'a crate::booth::Live>,
    /// The camera preview.
    pub preview: Option<&'a TextureHandle>,
    /// The normalized photo.
    pub photo: Option<&'a TextureHandle>,
    /// Seconds on the current screen (how long the upload has waited).
    pub waited_s: u64,
}

/// The screens and what they hold between frames; dropped whole to wipe an applicant.
#[derive(Debug, Default)]
pub struct Screens {
    attract: attract::Attract,
    document: document::DocumentPicker,
    city: city::CityPicker,
    details: details::Details,
    consent: consent::Consent,
    rules: rules::Rules,
    pose: pose::Pose,
    review: review::Review,
    status: status::StatusScreen,
    check: check::Check,
}

impl Screens {
    /// Draws the screen of `flow`.
    pub fn show(&mut self, ui: &mut egui::Ui, view: &View<'_>, flow: &Flow) -> Option<Action> {
        // The camera's screens take the whole screen; the others stand in a band in the middle
        // of a tall one (a portrait kiosk), under the step indicator while on the way, and a
        // short one in the middle of the band.
        let whole = ui.available_rect_before_wrap();
        let camera = matches!(flow, Flow::Pose { .. } | Flow::Countdown { .. });
        let rect = match camera {
            true => whole,
            false => widgets::band(whole),
        };
        ui.advance_cursor_after_rect(whole);
        let ui = &mut ui.new_child(egui::UiBuilder::new().max_rect(rect));
        if let Some(step) = steps::Step::of(flow) {
            steps::show(ui, view.lang, step);
        }
        // The attract screen sets itself in the middle by a fixed height, so that nothing moves
        // when the booth rests or the language changes.
        if camera || matches!(flow, Flow::Attract) {
            return self.screen(ui, view, flow);
        }
        // Under the indicator, a short screen in the middle of what is left, by its height.
        let id = egui::Id::unique(("screen height", std::mem::discriminant(flow)));
        widgets::centred_vertically(ui, id, |ui| self.screen(ui, view, flow))
    }

    fn screen(&mut self, ui: &mut egui::Ui, view: &View<'_>, flow: &Flow) -> Option<Action> {
        use status::Status;
        match flow {
            Flow::Attract => self.attract.ui(ui, view),
            Flow::Document => self.document.ui(ui, view),
            Flow::City { .. } => self.city.ui(ui, view),
            Flow::Details { city, .. } => self.details.ui(ui, view, city),
            Flow::Consent { guardian, .. } => self.consent.ui(ui, view, *guardian),
            Flow::Rules { .. } => self.rules.ui(ui, view),
            Flow::Pose { .. } => self.pose.ui(ui, view, None),
            Flow::Countdown { left, .. } => self.pose.ui(ui, view, Some(*left)),
            Flow::Processing { .. } => self.status.ui(ui, view, Status::Processing),
            Flow::Review { photo, retake, .. } => self.review.ui(ui, view, photo, *retake),
            Flow::Uploading { .. } => self.status.ui(ui, view, Status::Uploading),
            Flow::Rejected {
                reasons, retake, ..
            } => self.status.ui(ui, view, Status::Rejected(reasons, *retake)),
            Flow::Pending { submission } => self.status.ui(ui, view, Status::Pending(submission)),
            Flow::Printing { .. } => self.status.ui(ui, view, Status::Printing),
            Flow::PrintFailed { job, .. } => {
                let receipt_no = job.submission.receipt_no.as_deref().unwrap_or_default();
                let code = crate::receipt::ticket_code(&job.submission.id);
                self.status.ui(
                    ui,
                    view,
                    Status::PrintFailed {
                        receipt_no,
                        code: &code,
                    },
                )
            }
            Flow::Done {
                receipt_no,
                photo_held,
            } => self
                .status
                .ui(ui, view, Status::Done(receipt_no, *photo_held)),
            Flow::Check { looking, note } => self.check.ui(ui, view, *looking, *note),
        }
    }
}
