//! The shell: the session, the channel its workers answer on, and what the ui asks of it each
//! frame (what came in, whether the answer is late, what the guidance says). The ui feeds every
//! event through [`Shell::dispatch`], which runs the session's effects.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::health::Health;
use super::prompts::{Prompt, Prompter};
use super::vision::{self, Followed, Live, Sight};
use super::{Parts, Wake};
use crate::i18n::Language;
use crate::ops::OpsStore;
use crate::ops::health::CenterHealth;
use crate::session::{Effect, Event, Flow, Limits, Session};
use crate::vision::Advice;
use crate::voice::Voice;

/// The booth without its screens: the session, its workers and the booth's health.
pub struct Shell {
    pub(super) parts: Parts,
    pub(super) session: Session,
    started: Instant,
    /// Where workers answer, and where the ui drains their answers.
    pub(super) events: (Sender<Event>, Receiver<Event>),
    /// Shared with the vision thread.
    pub(super) sight: Arc<Sight>,
    /// Ends the vision thread and the printer watch when the shell goes.
    pub(super) stop: Arc<AtomicBool>,
    pub(super) wake: Wake,
    /// When the upload began, while the flow waits for the center's answer.
    pub(super) uploading_since: Option<u64>,
    /// The frame whose guidance the flow took last.
    pub(super) last_guided: Option<u64>,
    /// The operator's counters, events and settings.
    pub(super) store: OpsStore,
    pub(super) health: Health,
    /// The language the applicant reads: their receipt and ticket are printed in it too, and
    /// the voice speaks it.
    pub(super) lang: Language,
    /// The spoken prompts (silent unless `[voice] enabled`).
    voice: Voice,
    prompter: Prompter,
}

impl Shell {
    /// A shell at the attract screen, with its vision thread started; `wake` is called when a
    /// worker or the vision thread has news.
    pub fn new(parts: Parts, wake: Wake) -> Shell {
        let k = &parts.config.kiosk;
        let limits = Limits {
            inactivity_s: k.timeouts.inactivity_s,
            warning_s: k.timeouts.warning_s,
            max_attempts: k.session.max_attempts,
            countdown_s: k.session.countdown_s,
            farewell_s: k.session.farewell_s,
            ..Limits::default()
        };
        let voice = Voice::start(&parts.config.kiosk.voice);
        let sight = Arc::new(Sight::default());
        let stop = Arc::new(AtomicBool::new(false));
        vision::spawn(
            Arc::clone(&parts.camera),
            Arc::clone(&sight),
            parts.config.thresholds,
            Arc::clone(&stop),
            Arc::clone(&wake),
        );
        Shell {
            parts,
            session: Session::new(limits, 0),
            started: Instant::now(),
            events: channel(),
            sight,
            stop,
            wake,
            uploading_since: None,
            last_guided: None,
            // In memory until `keep_in`: a booth without a data folder still counts.
            store: OpsStore::in_memory().unwrap_or_else(|error| {
                tracing::error!(%error, "no ops store: counters are not kept");
                OpsStore::disabled()
            }),
            health: Health::default(),
            lang: Language::BASE,
            voice,
            prompter: Prompter::default(),
        }
    }

    /// Keeps the operator's counters, events and settings in `store` from now on, and the
    /// booth's heartbeat document in `dir` (`status.json`, for `idbooth status`).
    pub fn keep_in(&mut self, store: OpsStore, dir: &std::path::Path) {
        self.store = store;
        self.health.data_dir = Some(dir.to_path_buf());
    }

    /// What the booth runs on.
    pub fn parts(&self) -> &Parts {
        &self.parts
    }

    /// The session.
    pub fn session(&self) -> &Session {
        &self.session
    }

    /// The operator's counters, events and settings.
    pub fn store(&self) -> &OpsStore {
        &self.store
    }

    /// The photo printer as last asked (`None`: the booth has none, or not asked yet).
    pub fn photo_health(&self) -> Option<crate::ops::health::PhotoHealth> {
        super::lock(&self.health.photo).clone()
    }

    /// The slot the center's health is reported in; `None` (no report yet) shows "—".
    pub fn center_health(&self) -> Arc<Mutex<Option<CenterHealth>>> {
        Arc::clone(&self.health.center)
    }

    /// How long the booth has run.
    pub fn uptime(&self) -> Duration {
        self.started.elapsed()
    }

    /// The booth's clock: seconds since it started.
    pub fn now(&self) -> u64 {
        self.started.elapsed().as_secs()
    }

    /// The vision thread's latest guidance.
    pub fn live(&self) -> Option<Live> {
        self.sight.latest()
    }

    /// How well the guidance has kept up with the camera.
    pub fn followed(&self) -> Followed {
        self.sight.followed()
    }

    /// The applicant touched the screen at `now`: they are still there.
    pub fn touched(&mut self, now: u64) {
        self.session.update(Event::Touched(now));
    }

    /// The next answer a worker sent, if any.
    pub fn received(&self) -> Option<Event> {
        self.events.1.try_recv().ok()
    }

    /// [`Event::AnswerLate`] once the upload has waited the center's whole wait budget at `now`.
    pub fn answer_late(&self, now: u64) -> Option<Event> {
        let since = self.uploading_since?;
        let budget = self.parts.config.kiosk.center.wait_budget_s;
        (matches!(self.session.flow(), Flow::Uploading { .. })
            && now.saturating_sub(since) >= budget)
            .then_some(Event::AnswerLate)
    }

    /// The guidance of a frame the flow has not taken yet, while the applicant poses.
    pub fn guidance(&mut self) -> Option<Event> {
        if !matches!(self.session.flow(), Flow::Pose { .. }) {
            return None;
        }
        let live = self.sight.latest()?;
        if self.last_guided == Some(live.seq) {
            return None;
        }
        self.last_guided = Some(live.seq);
        Some(Event::Guided(live.advice))
    }

    /// Prints what comes next for an applicant reading `lang` (the screens say which).
    pub fn set_language(&mut self, lang: Language) {
        self.lang = lang;
    }

    /// Feeds the session and runs what it asks. Returns whether the applicant was wiped: the
    /// screens then forget them too.
    #[must_use = "the screens must forget a wiped applicant"]
    pub fn dispatch(&mut self, event: Event) -> bool {
        let advice = match &event {
            Event::Guided(advice) => Some(*advice),
            _ => None,
        };
        let mut wiped = false;
        for effect in self.session.update(event) {
            wiped |= effect == Effect::Wipe;
            self.run(effect);
        }
        // The vision thread works only while someone poses, for the chosen document.
        let posing = match self.session.flow() {
            Flow::Pose { order, .. } | Flow::Countdown { order, .. } => {
                Some(order.document.as_str())
            }
            _ => None,
        };
        self.sight.pose_for(posing, &self.parts.config.documents);
        if !matches!(self.session.flow(), Flow::Uploading { .. }) {
            self.uploading_since = None;
        }
        self.speak(advice);
        wiped
    }

    /// Says the new screen's prompt, or the live `advice` while the applicant poses.
    fn speak(&mut self, advice: Option<Advice>) {
        if !self.voice.speaks() {
            return;
        }
        let flow = self.session.flow();
        let mut prompt = self.prompter.screen(flow);
        if let (None, Some(advice), Flow::Pose { .. }) = (prompt, advice, flow) {
            let now_ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
            prompt = self.prompter.advice(advice, now_ms);
        }
        let lang = self.lang;
        let text = match prompt {
            Some(Prompt::Key(key)) => lang.t(key).to_owned(),
            Some(Prompt::Count(n)) => n.to_string(),
            None => return,
        };
        self.voice.say(&text, lang.t("language.voice"));
    }
}

impl Drop for Shell {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}
