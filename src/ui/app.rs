//! The booth's app: it owns the screens, draws them, turns touches into events for the shell
//! (`crate::booth`, which runs the session and its effects) and follows what the shell did.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use egui::{ColorImage, TextureHandle, TextureOptions};

use super::{Action, Screens, View};
use crate::booth::{Parts, Shell, Stats, Wake};
use crate::i18n::{Language, Message};
use crate::ops::OpsStore;
use crate::ops::health::CenterHealth;
use crate::ops::store::StoreError;
use crate::photo;
use crate::session::{Event, Flow, Session};

/// The booth application.
pub struct Booth {
    shell: Shell,
    lang: Language,
    repaint: Arc<OnceLock<egui::Context>>,
    screens: Screens,
    preview: Option<TextureHandle>,
    preview_seq: Option<u64>,
    photo_texture: Option<TextureHandle>,
    stats: Stats,
    watchdog: crate::ops::watchdog::Watchdog,
    announced: bool,
    operator: Operator,
}

/// The operator's side of the booth: the maintenance screen and what it records.
struct Operator {
    data_dir: Option<std::path::PathBuf>,
    default_lang: Language,
    maintenance: super::maintenance::Maintenance,
    restart: Arc<AtomicBool>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Booth {
    /// A booth at its attract screen, with its vision thread started.
    pub fn new(parts: Parts) -> Booth {
        let k = &parts.config.kiosk;
        let language = k.kiosk.language;
        let repaint: Arc<OnceLock<egui::Context>> = Arc::new(OnceLock::new());
        let wake: Wake = {
            let repaint = Arc::clone(&repaint);
            Arc::new(move || {
                if let Some(ctx) = repaint.get() {
                    ctx.request_repaint();
                }
            })
        };
        Booth {
            lang: k.kiosk.language,
            shell: Shell::new(parts, wake),
            repaint,
            screens: Screens::default(),
            preview: None,
            preview_seq: None,
            photo_texture: None,
            stats: Stats::default(),
            watchdog: crate::ops::watchdog::Watchdog::from_env(),
            announced: false,
            operator: Operator {
                data_dir: None,
                default_lang: language,
                maintenance: Default::default(),
                restart: Arc::default(),
            },
        }
    }

    /// Keeps counters, events and settings in `dir/ops.sqlite`, so they outlast a restart, and
    /// greets in the default language the operator chose there.
    pub fn with_data_dir(mut self, dir: &std::path::Path) -> Result<Booth, StoreError> {
        let store = OpsStore::open(dir)?;
        if let Some(lang) = store.default_language() {
            self.operator.default_lang = lang;
            self.lang = lang;
        }
        // The camera the operator switched to, kept across restarts.
        let camera = &self.shell.parts().camera;
        if let Some(device) = super::maintenance::camera_switch::chosen(&store)
            && camera.device().is_some_and(|d| d != device)
        {
            tracing::info!(%device, "camera: the operator's choice");
            if let Err(error) = camera.switch_to(&device) {
                tracing::warn!(%error, "camera: the operator's choice not applied");
            }
        }
        self.shell.keep_in(store, dir);
        self.operator.data_dir = Some(dir.to_path_buf());
        Ok(self)
    }

    /// The operator's counters, events and settings.
    pub fn ops(&self) -> &OpsStore {
        self.shell.store()
    }

    /// The maintenance screen.
    pub fn maintenance(&self) -> &super::maintenance::Maintenance {
        &self.operator.maintenance
    }

    /// The slot the courier reports the center's health in; `None` (no report yet) shows "—".
    pub fn center_health(&self) -> Arc<Mutex<Option<CenterHealth>>> {
        self.shell.center_health()
    }

    /// Set when the operator asked for a restart; the shell then exits and systemd starts the
    /// booth again.
    pub fn restart_requested(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.operator.restart)
    }

    /// The language new sessions start in.
    pub fn default_language(&self) -> Language {
        self.operator.default_lang
    }

    /// What the booth measured of itself.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// The session (for tests and the operator).
    pub fn session(&self) -> &Session {
        self.shell.session()
    }

    /// Per-frame work: worker results, the clock, the preview texture. No drawing.
    pub fn logic(&mut self, ctx: &egui::Context) {
        let _ = self.repaint.set(ctx.clone());
        // systemd's watchdog is fed from here, the UI loop: if it freezes, the pings stop.
        if !self.announced {
            self.watchdog.ready();
            self.announced = true;
        }
        self.watchdog.ping_if_due();
        fit_zoom(ctx);
        self.operator_logic(ctx);
        if let Some(event) = self.shell.check_health() {
            self.dispatch(event);
        }
        let now = self.shell.now();
        if ctx.input(|i| {
            i.pointer.any_pressed()
                || i.events
                    .iter()
                    .any(|e| matches!(e, egui::Event::Key { .. } | egui::Event::Touch { .. }))
        }) {
            self.shell.touched(now);
        }
        while let Some(event) = self.shell.received() {
            self.dispatch(event);
        }
        self.dispatch(Event::Tick(now));
        if let Some(event) = self.shell.watch_printer() {
            self.dispatch(event);
        }
        if let Some(event) = self.shell.answer_late(now) {
            self.dispatch(event);
        }
        // Guidance drives the flow while posing.
        if let Some(event) = self.shell.guidance() {
            self.stats.guidance_updates += 1;
            self.dispatch(event);
        }
        self.stats.followed = self.shell.followed();
        // The camera works at full rate only while someone looks at its frames.
        let looking = matches!(
            self.shell.session().flow(),
            Flow::Pose { .. } | Flow::Countdown { .. } | Flow::Processing { .. }
        ) || self.operator.maintenance.shown();
        self.shell.parts().camera.set_wanted(looking);
        self.update_preview(ctx);
        // Keep the clock running when nothing moves (timeouts, countdown).
        ctx.request_repaint_after(Duration::from_millis(250));
    }

    fn update_preview(&mut self, ctx: &egui::Context) {
        let posing = matches!(
            self.shell.session().flow(),
            Flow::Pose { .. } | Flow::Countdown { .. }
        );
        if !posing {
            return;
        }
        let Some(frame) = self.shell.parts().camera.latest() else {
            return;
        };
        if self.preview_seq == Some(frame.seq) {
            return;
        }
        self.preview_seq = Some(frame.seq);
        let size = [frame.image.width() as usize, frame.image.height() as usize];
        let image = ColorImage::from_rgb(size, frame.image.as_raw());
        match &mut self.preview {
            // One texture for the whole session: updated in place, never allocated per frame.
            Some(texture) if texture.size() == size => texture.set(image, TextureOptions::LINEAR),
            _ => {
                self.stats.textures_created += 1;
                self.preview = Some(ctx.load_texture("preview", image, TextureOptions::LINEAR));
            }
        }
        self.stats.preview_frames += 1;
        self.stats
            .latency(frame.at.elapsed().as_secs_f32() * 1000.0);
    }

    /// Draws the current screen.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        if self.operator.maintenance.shown() {
            self.operator_ui(ui);
            return;
        }
        let live = self.shell.live();
        let session = self.shell.session();
        let view = View {
            lang: self.lang,
            config: &self.shell.parts().config,
            serviceable: session.serviceable(),
            live: live.as_ref(),
            preview: self.preview.as_ref(),
            photo: self.photo_texture.as_ref(),
            waited_s: session.waited(),
        };
        let flow = session.flow().clone();
        let action = self.screens.show(ui, &view, &flow);
        if let Some(left) = session.warning() {
            super::still_there::show(ui, self.lang, left);
        }
        match action {
            Some(Action::Session(event)) => {
                self.shell.touched(self.shell.now());
                self.dispatch(event);
            }
            Some(Action::Language(lang)) => self.lang = lang,
            None => {}
        }
    }

    /// Feeds the shell an event, after the operator's records took it, and follows what the
    /// shell did on the screens.
    fn dispatch(&mut self, event: Event) {
        let session = self.shell.session();
        super::maintenance::record(
            self.shell.store(),
            session.flow(),
            session.serviceable(),
            &event,
        );
        self.shell.set_language(self.lang);
        if self.shell.dispatch(event) {
            // The applicant is wiped: the screens forget them too.
            self.screens = Screens::default();
            self.photo_texture = None;
            self.preview = None;
            self.preview_seq = None;
            // The applicant's language stays to the last screen they read (done, the pending
            // ticket); the booth takes its own again when it is back on the attract screen.
            if matches!(self.shell.session().flow(), Flow::Attract) {
                self.lang = self.operator.default_lang;
            }
        }
        if let Flow::Review { photo, .. } = self.shell.session().flow()
            && self.photo_texture.is_none()
        {
            self.photo_texture = photo_texture(self.repaint.get(), &photo.jpeg);
        }
        if !matches!(self.shell.session().flow(), Flow::Review { .. }) {
            self.photo_texture = None;
        }
    }
}

impl Booth {
    fn operator_context<'a>(&'a self, egui: &'a egui::Context) -> super::maintenance::Context<'a> {
        let parts = self.shell.parts();
        super::maintenance::Context {
            egui,
            config: &parts.config,
            camera: &parts.camera,
            printer: &parts.printer,
            store: self.shell.store(),
            center: &parts.center,
            center_health: lock(&self.shell.center_health()).clone(),
            photo_printer: parts.photo_printer.as_ref(),
            photo_health: self.shell.photo_health(),
            uptime: self.shell.uptime(),
            lang: self.lang,
            data_dir: self.operator.data_dir.as_deref(),
        }
    }

    fn operator_logic(&mut self, ctx: &egui::Context) {
        self.shell.watch_camera();
        let mut maintenance = std::mem::take(&mut self.operator.maintenance);
        let commands = maintenance.logic(&self.operator_context(ctx));
        self.operator.maintenance = maintenance;
        self.apply_operator(commands, ctx);
    }

    fn operator_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let mut maintenance = std::mem::take(&mut self.operator.maintenance);
        let commands = maintenance.ui(ui, &self.operator_context(&ctx));
        self.operator.maintenance = maintenance;
        self.apply_operator(commands, &ctx);
    }

    fn apply_operator(&mut self, commands: Vec<super::maintenance::Command>, ctx: &egui::Context) {
        use super::maintenance::Command;
        for command in commands {
            match command {
                Command::Opened => {
                    if !matches!(self.shell.session().flow(), Flow::Attract) {
                        let _ = self.shell.store().note(
                            "operator",
                            &Message::new("event.session_ended_for_maintenance"),
                        );
                        self.dispatch(Event::Cancelled);
                    }
                    self.lang = self.operator.default_lang;
                }
                Command::Left => self.lang = self.operator.default_lang,
                Command::DefaultLanguage(lang) => {
                    self.operator.default_lang = lang;
                    self.lang = lang;
                }
                Command::Restart => {
                    tracing::info!("restart requested by the operator");
                    self.operator.restart.store(true, Ordering::SeqCst);
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            }
        }
    }
}

fn photo_texture(ctx: Option<&egui::Context>, jpeg: &[u8]) -> Option<TextureHandle> {
    let ctx = ctx?;
    let rgb = photo::decode(jpeg).ok()?;
    let image = ColorImage::from_rgb([rgb.width() as usize, rgb.height() as usize], rgb.as_raw());
    Some(ctx.load_texture("photo", image, TextureOptions::LINEAR))
}

impl eframe::App for Booth {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        Booth::logic(self, ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| Booth::ui(self, ui));
    }
}

/// The screen the booth's layouts are drawn for (points).
pub const DESIGN_SCREEN: egui::Vec2 = egui::Vec2::new(1280.0, 800.0);

/// Zooms the whole UI so that the design screen fills a larger one (1920×1080: 1.35×), never
/// below 1 (a smaller screen keeps the touch sizes; its layouts fit by themselves).
fn fit_zoom(ctx: &egui::Context) {
    let native = ctx.viewport_rect().size() * ctx.zoom_factor();
    let zoom = (native.x / DESIGN_SCREEN.x)
        .min(native.y / DESIGN_SCREEN.y)
        .clamp(1.0, 3.0);
    if (zoom - ctx.zoom_factor()).abs() > 0.01 {
        ctx.set_zoom_factor(zoom);
    }
}
