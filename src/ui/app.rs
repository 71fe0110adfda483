//! The booth's shell: it owns the session, feeds it events (touches, the clock, worker results)
//! and runs its effects on worker threads. Drawing is the screens' business.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use egui::{ColorImage, TextureHandle, TextureOptions};

use super::{Action, Live, Screens, View};
use crate::camera::{Camera, CameraState};
use crate::center::Center;
use crate::center::api::{ApplicantMeta, Meta, Parcel};
use crate::ops::Config;
use crate::ops::config::Language;
use crate::ops::health::CenterHealth;
use crate::ops::store::StoreError;
use crate::ops::{Counter, OpsStore};
use crate::photo;
use crate::receipt::{Printer, Receipt};
use crate::session::{Effect, Event, Flow, Limits, Lookup, Photo, ReceiptJob, Session};
use crate::spec::{Reason, Spec};
use crate::vision::{Guide, Tracker, with_detector};

/// What the booth runs on.
pub struct Parts {
    /// Validated configuration.
    pub config: Arc<Config>,
    /// The camera, already started.
    pub camera: Arc<Camera>,
    /// The way to the center.
    pub center: Arc<dyn Center>,
    /// The receipt printer.
    pub printer: Arc<dyn Printer>,
    /// The reference center the demo runs in-process (kept alive with the booth).
    pub reference: Option<crate::center::server::RunningCenter>,
    /// The demo's replay camera: its applicant walks in again, called as each new applicant
    /// reaches the camera (so every visitor sees the guidance from the start). `None` on a
    /// real booth: there the applicant walks in by themselves.
    pub walk_in: Option<Cue>,
}

/// Something the shell sets off and forgets (the demo's walk-in).
pub type Cue = Arc<dyn Fn() + Send + Sync>;

impl Parts {
    /// These parts on another camera (a test's replay, a device): the demo's walk-in belonged
    /// to the camera replaced and goes with it.
    pub fn replace_camera(&mut self, camera: Arc<Camera>) {
        self.camera = camera;
        self.walk_in = None;
    }
}

/// What the booth measures of itself while someone poses (the speed report, the operator).
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Camera frames shown in the preview.
    pub preview_frames: u64,
    /// Milliseconds from a frame's arrival to its upload for drawing, the latest 1,024.
    pub preview_latency_ms: Vec<f32>,
    /// Guidance results taken by the flow.
    pub guidance_updates: u64,
    /// Preview textures created (one per session; more would mean one per frame).
    pub textures_created: u64,
}

impl Stats {
    fn latency(&mut self, ms: f32) {
        if self.preview_latency_ms.len() >= 1024 {
            self.preview_latency_ms.remove(0);
        }
        self.preview_latency_ms.push(ms);
    }
}

/// Shared with the vision thread.
struct VisionShared {
    spec: Mutex<Option<Arc<Spec>>>,
    reset: AtomicBool,
    live: Mutex<Option<Live>>,
    /// The last frame judged with the eyes open: the shot, when the newest is a blink.
    open_eyes: Mutex<Option<Live>>,
    stop: AtomicBool,
}

/// How many camera frames back a shot may be taken from to miss a blink (about half a second).
const BLINK_FRAMES: u64 = 15;

/// The booth application.
pub struct Booth {
    parts: Parts,
    lang: Language,
    session: Session,
    started: Instant,
    events: (Sender<Event>, Receiver<Event>),
    vision: Arc<VisionShared>,
    repaint: Arc<OnceLock<egui::Context>>,
    screens: Screens,
    preview: Option<TextureHandle>,
    preview_seq: Option<u64>,
    photo_texture: Option<TextureHandle>,
    uploading_since: Option<u64>,
    stats: Stats,
    watchdog: crate::ops::watchdog::Watchdog,
    announced: bool,
    operator: Operator,
    /// The printer was seen not ready while the applicant is on the printer trouble screen.
    printer_down: bool,
}

/// The operator's side of the booth: the maintenance screen and what it records.
struct Operator {
    store: OpsStore,
    data_dir: Option<std::path::PathBuf>,
    default_lang: Language,
    maintenance: super::maintenance::Maintenance,
    center: Arc<Mutex<Option<CenterHealth>>>,
    restart: Arc<AtomicBool>,
    camera_fault: Option<bool>,
    /// The printer's latest status, asked by the health thread.
    printer: Arc<Mutex<Option<Result<crate::receipt::serial::Status, crate::receipt::PrintError>>>>,
    /// When the center slot and the booth's serviceability were last worked out.
    checked: Option<Instant>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Booth {
    /// A booth at its attract screen, with its vision thread started.
    pub fn new(parts: Parts) -> Booth {
        let k = &parts.config.kiosk;
        let language = k.kiosk.language;
        let limits = Limits {
            inactivity_s: k.timeouts.inactivity_s,
            warning_s: k.timeouts.warning_s,
            max_attempts: k.session.max_attempts,
            countdown_s: k.session.countdown_s,
            farewell_s: k.session.farewell_s,
            ..Limits::default()
        };
        let vision = Arc::new(VisionShared {
            spec: Mutex::new(None),
            reset: AtomicBool::new(false),
            live: Mutex::new(None),
            open_eyes: Mutex::new(None),
            stop: AtomicBool::new(false),
        });
        let repaint: Arc<OnceLock<egui::Context>> = Arc::new(OnceLock::new());
        spawn_vision(
            Arc::clone(&parts.camera),
            Arc::clone(&vision),
            parts.config.thresholds,
            Arc::clone(&repaint),
        );
        Booth {
            lang: k.kiosk.language,
            parts,
            session: Session::new(limits, 0),
            started: Instant::now(),
            events: channel(),
            vision,
            repaint,
            screens: Screens::default(),
            preview: None,
            preview_seq: None,
            photo_texture: None,
            uploading_since: None,
            stats: Stats::default(),
            watchdog: crate::ops::watchdog::Watchdog::from_env(),
            announced: false,
            printer_down: false,
            operator: Operator {
                // In memory until `with_data_dir`: a booth without a data folder still counts.
                store: OpsStore::in_memory().unwrap_or_else(|error| {
                    tracing::error!(%error, "no ops store: counters are not kept");
                    OpsStore::disabled()
                }),
                data_dir: None,
                default_lang: language,
                maintenance: Default::default(),
                center: Arc::default(),
                restart: Arc::default(),
                camera_fault: None,
                printer: Arc::default(),
                checked: None,
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
        if let Some(device) = super::maintenance::camera_switch::chosen(&store)
            && self.parts.camera.device().is_some_and(|d| d != device)
        {
            tracing::info!(%device, "camera: the operator's choice");
            if let Err(error) = self.parts.camera.switch_to(&device) {
                tracing::warn!(%error, "camera: the operator's choice not applied");
            }
        }
        self.operator.store = store;
        self.operator.data_dir = Some(dir.to_path_buf());
        Ok(self)
    }

    /// The operator's counters, events and settings.
    pub fn ops(&self) -> &OpsStore {
        &self.operator.store
    }

    /// The maintenance screen.
    pub fn maintenance(&self) -> &super::maintenance::Maintenance {
        &self.operator.maintenance
    }

    /// The slot the courier reports the center's health in; `None` (no report yet) shows "—".
    pub fn center_health(&self) -> Arc<Mutex<Option<CenterHealth>>> {
        Arc::clone(&self.operator.center)
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
        &self.session
    }

    fn now(&self) -> u64 {
        self.started.elapsed().as_secs()
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
        self.check_health();
        let now = self.now();
        if ctx.input(|i| {
            i.pointer.any_pressed()
                || i.events
                    .iter()
                    .any(|e| matches!(e, egui::Event::Key { .. } | egui::Event::Touch { .. }))
        }) {
            self.session.update(Event::Touched(now));
        }
        while let Ok(event) = self.events.1.try_recv() {
            self.dispatch(event);
        }
        self.dispatch(Event::Tick(now));
        self.watch_printer();
        if let (Flow::Uploading { .. }, Some(since)) = (self.session.flow(), self.uploading_since)
            && now.saturating_sub(since) >= self.parts.config.kiosk.center.wait_budget_s
        {
            self.dispatch(Event::AnswerLate);
        }
        // Guidance drives the flow while posing.
        let live = lock(&self.vision.live).clone();
        if let (Flow::Pose { .. }, Some(live)) = (self.session.flow(), &live)
            && self.screens.last_guided != Some(live.seq)
        {
            self.screens.last_guided = Some(live.seq);
            self.stats.guidance_updates += 1;
            self.dispatch(Event::Guided(live.advice));
        }
        // The camera works at full rate only while someone looks at its frames.
        let looking = matches!(
            self.session.flow(),
            Flow::Pose { .. } | Flow::Countdown { .. } | Flow::Processing { .. }
        ) || self.operator.maintenance.shown();
        self.parts.camera.set_wanted(looking);
        self.update_preview(ctx);
        // Keep the clock running when nothing moves (timeouts, countdown).
        ctx.request_repaint_after(Duration::from_millis(250));
    }

    fn update_preview(&mut self, ctx: &egui::Context) {
        let posing = matches!(
            self.session.flow(),
            Flow::Pose { .. } | Flow::Countdown { .. }
        );
        if !posing {
            return;
        }
        let Some(frame) = self.parts.camera.latest() else {
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
        let live = lock(&self.vision.live).clone();
        let view = View {
            lang: self.lang,
            config: &self.parts.config,
            serviceable: self.session.serviceable(),
            live: live.as_ref(),
            preview: self.preview.as_ref(),
            photo: self.photo_texture.as_ref(),
            waited_s: self.session.waited(),
        };
        let flow = self.session.flow().clone();
        let action = self.screens.show(ui, &view, &flow);
        if let Some(left) = self.session.warning() {
            super::still_there::show(ui, self.lang, left);
        }
        match action {
            Some(Action::Session(event)) => {
                self.session.update(Event::Touched(self.now()));
                self.dispatch(event);
            }
            Some(Action::Language(lang)) => self.lang = lang,
            None => {}
        }
    }

    /// Feeds the session and runs what it asks.
    fn dispatch(&mut self, event: Event) {
        super::maintenance::record(
            &self.operator.store,
            self.session.flow(),
            self.session.serviceable(),
            &event,
        );
        for effect in self.session.update(event) {
            self.run(effect);
        }
        // The vision thread works only while someone poses, for the chosen document.
        // Swapped only when the document changes: this runs every frame.
        let wanted = match self.session.flow() {
            Flow::Pose { order, .. } | Flow::Countdown { order, .. } => {
                Some(order.document.as_str())
            }
            _ => None,
        };
        let mut current = lock(&self.vision.spec);
        if current.as_ref().map(|s| s.id.as_str()) != wanted {
            *current = wanted
                .and_then(|id| self.parts.config.documents.get(id))
                .cloned()
                .map(Arc::new);
        }
        drop(current);
        if !matches!(self.session.flow(), Flow::Uploading { .. }) {
            self.uploading_since = None;
        }
        if let Flow::Review { photo, .. } = self.session.flow()
            && self.photo_texture.is_none()
        {
            self.photo_texture = photo_texture(self.repaint.get(), &photo.jpeg);
        }
        if !matches!(self.session.flow(), Flow::Review { .. }) {
            self.photo_texture = None;
        }
    }

    fn run(&mut self, effect: Effect) {
        let tx = self.events.0.clone();
        let repaint = Arc::clone(&self.repaint);
        let send = move |event: Event| {
            let _ = tx.send(event);
            if let Some(ctx) = repaint.get() {
                ctx.request_repaint();
            }
        };
        match effect {
            Effect::ResetTracking => {
                if let Some(walk_in) = &self.parts.walk_in {
                    walk_in();
                }
                self.vision.reset.store(true, Ordering::SeqCst);
                *lock(&self.vision.live) = None;
                *lock(&self.vision.open_eyes) = None;
            }
            Effect::Wipe => {
                self.screens = Screens::default();
                self.photo_texture = None;
                self.preview = None;
                self.preview_seq = None;
                *lock(&self.vision.live) = None;
                *lock(&self.vision.open_eyes) = None;
                // The applicant's language stays to the last screen they read (done, the pending
                // ticket); the booth takes its own again when it is back on the attract screen.
                if matches!(self.session.flow(), Flow::Attract) {
                    self.lang = self.operator.default_lang;
                }
            }
            Effect::Capture { document } => {
                // The frame the guidance last judged, with its face (the last with the eyes open
                // when that one caught a blink); else the newest frame.
                let live = lock(&self.vision.live).clone();
                // A photo taken (with the shutter button) before the face in view blinked may be
                // of a print or a screen held up: the review names it. Whether it has blinked is
                // as of the newest frame.
                let alive = live.as_ref().is_some_and(|l| l.alive);
                let open = lock(&self.vision.open_eyes).clone();
                let live = match (live, open) {
                    (Some(l), Some(o)) if !l.eyes_open && l.seq <= o.seq + BLINK_FRAMES => Some(o),
                    (live, _) => live,
                };
                let face = live.as_ref().and_then(|l| l.face);
                let frame = live
                    .map(|l| l.image)
                    .or_else(|| self.parts.camera.latest().map(|f| f.image));
                let spec = self.parts.config.documents.get(&document).cloned();
                let thresholds = self.parts.config.thresholds;
                // Stamped now, at the shot: the center judges the oldest capture first.
                let captured_at = chrono::Local::now().to_rfc3339();
                std::thread::spawn(move || {
                    let result = match (frame, spec) {
                        (Some(frame), Some(spec)) => match face {
                            Some(face) => {
                                Ok(photo::process_known(&frame, &face, &spec, &thresholds))
                            }
                            None => {
                                with_detector(|d| photo::process(d, &frame, &spec, &thresholds))
                                    .map_err(|e| e.to_string())
                            }
                        }
                        .and_then(|r| r.map_err(|e| e.to_string()))
                        .map(|out| {
                            let mut reasons = out.reasons();
                            if !alive {
                                reasons.push(Reason::NotLive);
                            }
                            Arc::new(Photo {
                                reasons,
                                jpeg: out.jpeg.bytes,
                                captured_at,
                            })
                        }),
                        _ => Err("no frame from the camera".to_owned()),
                    };
                    if let Err(error) = &result {
                        tracing::warn!(%error, "capture failed");
                    }
                    send(Event::Processed(result));
                });
            }
            Effect::Submit { id, order, photo } => {
                self.uploading_since = Some(self.now());
                let center = Arc::clone(&self.parts.center);
                let wait = Duration::from_secs(self.parts.config.kiosk.center.wait_budget_s);
                let parcel = Parcel {
                    id,
                    meta: Meta {
                        kiosk_id: self.parts.config.kiosk.kiosk.id.clone(),
                        document: order.document.clone(),
                        city_code: order.applicant.city_code.clone(),
                        applicant: ApplicantMeta {
                            name: order.applicant.name.as_str().to_owned(),
                            id_number: order.applicant.id_number.as_str().to_owned(),
                        },
                        captured_at: photo.captured_at.clone(),
                        quality: Default::default(),
                    },
                    photo: photo.jpeg.clone(),
                };
                std::thread::spawn(move || {
                    match center.submit(parcel, wait) {
                        // The session releases a rejected submission when it takes the answer;
                        // one that comes too late is kept for the pending ticket.
                        Ok(Some(answer)) => send(Event::Answered(answer)),
                        // Delivery goes on behind the scenes; the wait budget ends the wait.
                        Ok(None) => tracing::info!("center: no answer within the wait budget"),
                        Err(error) => {
                            tracing::error!(%error, "outbox: the submission could not be stored");
                            send(Event::NotStored);
                        }
                    }
                });
            }
            Effect::Print(job) => {
                let printer = Arc::clone(&self.parts.printer);
                let config = Arc::clone(&self.parts.config);
                std::thread::spawn(move || {
                    let mut receipt = Receipt::new(
                        &job.submission,
                        &job.order.applicant,
                        &job.order.document,
                        (&config.documents, &config.cities),
                        &config.kiosk.kiosk.id,
                    );
                    receipt = receipt.with_layout(&config.receipts);
                    receipt.thumbnail = photo::decode(&job.photo.jpeg)
                        .ok()
                        .map(|rgb| image::imageops::grayscale(&rgb));
                    // The outbox's copy goes only once the session has the confirmed print
                    // (`Effect::Release`): a failed receipt can still be found by its code.
                    let result = printer.print_receipt(&receipt).map_err(|e| e.to_string());
                    if let Err(error) = &result {
                        tracing::warn!(%error, "printing failed; the receipt stays queued");
                    }
                    send(Event::Printed(result));
                });
            }
            Effect::Reprint(job) => {
                let printer = Arc::clone(&self.parts.printer);
                std::thread::spawn(move || {
                    let result = reprint(printer.as_ref(), &job);
                    if let Err(error) = &result {
                        tracing::warn!(%error, "printing again failed; the receipt stays queued");
                    }
                    send(Event::Printed(result));
                });
            }
            Effect::Release(id) => {
                let center = Arc::clone(&self.parts.center);
                std::thread::spawn(move || center.release(&id));
            }
            Effect::Lookup(code) => {
                let center = Arc::clone(&self.parts.center);
                let config = Arc::clone(&self.parts.config);
                std::thread::spawn(move || {
                    // Only reads: the session releases the submission when it is done with it.
                    let today = chrono::Local::now().date_naive();
                    let found = Lookup::of(center.find(&code), &config.cities, today);
                    send(Event::Looked(found));
                });
            }
            Effect::PrintTicket(id) => {
                let printer = Arc::clone(&self.parts.printer);
                std::thread::spawn(move || {
                    if let Err(error) = printer.print_ticket(&id) {
                        tracing::warn!(%error, "ticket not printed");
                    }
                });
            }
        }
    }
}

impl Booth {
    fn operator_context<'a>(&'a self, egui: &'a egui::Context) -> super::maintenance::Context<'a> {
        super::maintenance::Context {
            egui,
            config: &self.parts.config,
            camera: &self.parts.camera,
            printer: &self.parts.printer,
            store: &self.operator.store,
            center: &self.parts.center,
            center_health: lock(&self.operator.center).clone(),
            uptime: self.started.elapsed(),
            lang: self.lang,
            data_dir: self.operator.data_dir.as_deref(),
        }
    }

    fn operator_logic(&mut self, ctx: &egui::Context) {
        self.watch_camera();
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
                    if !matches!(self.session.flow(), Flow::Attract) {
                        let _ = self
                            .operator
                            .store
                            .log("operator", "applicant session ended for maintenance");
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

    /// Once a second: the center slot of the maintenance screen, and whether the booth can take
    /// new sessions (camera delivering, printer ready, center answering). Attract says so calmly
    /// when it cannot; a running session finishes.
    fn check_health(&mut self) {
        if self
            .operator
            .checked
            .is_some_and(|t| t.elapsed() < Duration::from_secs(1))
        {
            return;
        }
        if self.operator.checked.is_none() {
            spawn_printer_watch(
                Arc::clone(&self.parts.printer),
                Arc::clone(&self.operator.printer),
                Arc::clone(&self.vision),
            );
        }
        self.operator.checked = Some(Instant::now());
        let center = self.parts.center.status();
        let reachable = center.contact.as_ref().is_none_or(|c| c.error.is_none());
        *lock(&self.operator.center) = Some(CenterHealth {
            reachable: center.contact.is_some() && reachable,
            latency_ms: center
                .contact
                .as_ref()
                .map(|c| u64::try_from(c.latency.as_millis()).unwrap_or(u64::MAX)),
            token_accepted: center.contact.as_ref().and_then(|c| c.token_accepted),
            outbox_depth: center.depth.undelivered,
            oldest_s: center.depth.oldest.map(|d| d.as_secs()),
        });
        // Opening again after a fault is not back yet: only frames are (else the attract
        // screen would offer a start at every reopening of a stuck camera).
        let camera_ok = match self.parts.camera.status().state {
            CameraState::Running => true,
            CameraState::Opening => self.operator.camera_fault != Some(true),
            CameraState::Stalled | CameraState::Lost(_) => false,
        };
        let printer_ok = lock(&self.operator.printer)
            .as_ref()
            .is_none_or(|s| s.as_ref().is_ok_and(|s| s.ready()));
        let ok = camera_ok && printer_ok && reachable;
        if ok != self.session.serviceable() {
            let what = match (camera_ok, printer_ok, reachable) {
                (true, true, true) => "back in service".to_owned(),
                (c, p, r) => format!(
                    "out of service: camera {}, printer {}, center {}",
                    if c { "ok" } else { "NOT ok" },
                    if p { "ok" } else { "NOT ok" },
                    if r { "ok" } else { "NOT ok" }
                ),
            };
            tracing::warn!(%what, "booth service");
            let _ = self.operator.store.log("service", &what);
            self.dispatch(Event::Serviceable(ok));
        }
    }

    /// While the applicant is on the printer trouble screen: tells the session when the printer,
    /// seen not ready, is ready again (it then prints the receipt once by itself).
    fn watch_printer(&mut self) {
        if !matches!(self.session.flow(), Flow::PrintFailed { .. }) {
            self.printer_down = false;
            return;
        }
        let ready = match lock(&self.operator.printer).as_ref() {
            Some(status) => status.as_ref().is_ok_and(|s| s.ready()),
            None => return,
        };
        if !ready {
            self.printer_down = true;
        } else if self.printer_down {
            self.printer_down = false;
            self.dispatch(Event::PrinterReady);
        }
    }

    /// Counts a camera fault once when frames stop, and logs when they come back.
    fn watch_camera(&mut self) {
        let state = self.parts.camera.status().state;
        let fault = match &state {
            CameraState::Stalled | CameraState::Lost(_) => true,
            CameraState::Running => false,
            CameraState::Opening => return,
        };
        let store = &self.operator.store;
        let result = match (self.operator.camera_fault, fault) {
            (Some(false) | None, true) => store.count(Counter::CameraFault).and_then(|()| {
                let text = match &state {
                    CameraState::Lost(why) => format!("camera lost ({why}): reopening"),
                    _ => "camera stalled: reopening".to_owned(),
                };
                store.log("camera", &text)
            }),
            (Some(true), false) => store.log("camera", "camera delivering frames again"),
            _ => Ok(()),
        };
        if let Err(error) = result {
            tracing::warn!(%error, "ops store: camera not recorded");
        }
        self.operator.camera_fault = Some(fault);
    }
}

/// Prints again the receipt of `job` that stayed in the printer's queue after a failure; `Ok` only
/// once the printer confirmed it.
fn reprint(printer: &dyn Printer, job: &ReceiptJob) -> Result<(), String> {
    let receipt_no = job.submission.receipt_no.as_deref().unwrap_or_default();
    printer
        .reprint(&crate::receipt::receipt_job(receipt_no))
        .map_err(|e| e.to_string())
}

/// Asks the printer for its status every few seconds, off the UI thread (a real printer may take
/// a second to answer), until the booth goes.
fn spawn_printer_watch(
    printer: Arc<dyn Printer>,
    slot: Arc<Mutex<Option<Result<crate::receipt::serial::Status, crate::receipt::PrintError>>>>,
    booth: Arc<VisionShared>,
) {
    let spawned = std::thread::Builder::new()
        .name("printer-watch".into())
        .spawn(move || {
            while !booth.stop.load(Ordering::SeqCst) {
                let status = printer.status();
                *lock(&slot) = Some(status);
                std::thread::sleep(Duration::from_secs(3));
            }
        });
    if let Err(error) = spawned {
        tracing::error!(%error, "printer watch: cannot start");
    }
}

fn photo_texture(ctx: Option<&egui::Context>, jpeg: &[u8]) -> Option<TextureHandle> {
    let ctx = ctx?;
    let rgb = photo::decode(jpeg).ok()?;
    let image = ColorImage::from_rgb([rgb.width() as usize, rgb.height() as usize], rgb.as_raw());
    Some(ctx.load_texture("photo", image, TextureOptions::LINEAR))
}

impl Drop for Booth {
    fn drop(&mut self) {
        self.vision.stop.store(true, Ordering::SeqCst);
    }
}

impl eframe::App for Booth {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        Booth::logic(self, ctx);
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| Booth::ui(self, ui));
    }
}

/// The vision thread: assesses each new frame while someone poses, and publishes the guidance.
fn spawn_vision(
    camera: Arc<Camera>,
    shared: Arc<VisionShared>,
    thresholds: crate::vision::Thresholds,
    repaint: Arc<OnceLock<egui::Context>>,
) {
    let spawned = std::thread::Builder::new()
        .name("vision".into())
        .spawn(move || {
            let detector = match crate::vision::FaceDetector::new() {
                Ok(d) => d,
                Err(error) => {
                    tracing::error!(%error, "vision: no detector");
                    return;
                }
            };
            let mut tracker = Tracker::new(detector);
            let mut guide = Guide::new(thresholds);
            let mut last = None;
            while !shared.stop.load(Ordering::SeqCst) {
                if shared.reset.swap(false, Ordering::SeqCst) {
                    tracker.reset();
                    guide = Guide::new(thresholds);
                }
                let spec = lock(&shared.spec).clone();
                let frame = camera.latest();
                let (Some(spec), Some(frame)) = (spec, frame) else {
                    std::thread::sleep(Duration::from_millis(20));
                    continue;
                };
                if last == Some(frame.seq) {
                    std::thread::sleep(Duration::from_millis(3));
                    continue;
                }
                last = Some(frame.seq);
                let assessment = tracker.assess(&frame.image);
                let advice = guide.update(&assessment, &spec);
                let eyes_open = assessment
                    .appearance
                    .is_some_and(|a| a.eyes_open >= thresholds.eyes_open_min);
                let live = Live {
                    seq: frame.seq,
                    frame: frame.image.dimensions(),
                    image: Arc::clone(&frame.image),
                    face: assessment.face().copied(),
                    advice,
                    alive: guide.is_live(),
                    eyes_open,
                };
                if eyes_open {
                    *lock(&shared.open_eyes) = Some(live.clone());
                }
                *lock(&shared.live) = Some(live);
                if let Some(ctx) = repaint.get() {
                    ctx.request_repaint();
                }
            }
        });
    if let Err(error) = spawned {
        tracing::error!(%error, "vision: cannot start");
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
