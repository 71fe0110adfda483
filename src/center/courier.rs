//! The courier: the outbox's background worker. It sends what is due, records the center's
//! answers, asks again about undecided ones, and backs off (exponentially, with jitter, at least
//! the center's `Retry-After`) when the center is down, slow or busy. It picks up where it left
//! off after a crash: the outbox on disk is its only state.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::Center;
use super::CenterConfig;
use super::api::{Heartbeat, Parcel, Status, Submission};
use super::client::{Client, SendError};
use super::outbox::{Depth, Due, Outbox, OutboxError, Retention, now_ms};

/// How long the applicant's data stays for a pending ticket nobody came back for.
pub const PENDING_KEEP: Duration = Duration::from_secs(7 * 24 * 3600);

impl Retention {
    /// `kiosk.retention_hours` after the kiosk is done with a submission; a pending ticket
    /// nobody came back for, [`PENDING_KEEP`].
    pub fn hours(retention_hours: u32) -> Retention {
        Retention {
            released: Duration::from_secs(u64::from(retention_hours) * 3600),
            uncollected: PENDING_KEEP,
        }
    }
}

impl Default for Retention {
    /// Wiped at once when the kiosk is done; an uncollected ticket after [`PENDING_KEEP`].
    fn default() -> Self {
        Retention::hours(0)
    }
}

/// Retry delays: `min` doubling per failed try up to `max`, each drawn from its upper half.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// First delay.
    pub min: Duration,
    /// Longest delay.
    pub max: Duration,
}

impl Backoff {
    /// The delay after `failures` failed tries, never shorter than the center's `Retry-After`.
    pub fn delay(&self, failures: u32, retry_after: Option<Duration>) -> Duration {
        let cap = self
            .min
            .saturating_mul(1u32 << failures.min(20))
            .min(self.max);
        // Half fixed, half random: retries of many kiosks spread out, none comes back at once.
        let half = cap / 2;
        let jitter = Duration::from_millis(fastrand::u64(
            0..=u64::try_from(half.as_millis()).unwrap_or(u64::MAX),
        ));
        (half + jitter).max(retry_after.unwrap_or(Duration::ZERO))
    }
}

/// The latest contact with the center, for the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    /// When (ms since the epoch).
    pub at_ms: i64,
    /// How long the request took.
    pub latency: Duration,
    /// What went wrong, if it did.
    pub error: Option<String>,
    /// Whether the center took this kiosk's token (`None`: the request did not say).
    pub token_accepted: Option<bool>,
}

impl Contact {
    fn of(started: Instant, result: Result<(), &SendError>) -> Contact {
        let token_accepted = match result {
            Ok(()) | Err(SendError::Unknown) => Some(true),
            Err(SendError::Refused { status: 401, .. }) => Some(false),
            Err(SendError::Refused { status, .. }) if *status >= 400 => Some(true),
            Err(_) => None,
        };
        Contact {
            at_ms: now_ms(),
            latency: started.elapsed(),
            error: match result {
                Ok(()) | Err(SendError::Unknown) => None,
                Err(e) => Some(e.to_string()),
            },
            token_accepted,
        }
    }
}

/// With nothing to deliver, the courier asks the center how it is this often.
pub const PROBE_EVERY: Duration = Duration::from_secs(15);

struct Shared {
    outbox: Mutex<Outbox>,
    client: Client,
    backoff: Backoff,
    poll: Duration,
    retention: Retention,
    stop: AtomicBool,
    /// Set when there is new work; the courier sleeps on it.
    wake: (Mutex<bool>, Condvar),
    /// Bumped on every recorded answer; waiters sleep on it.
    answers: (Mutex<u64>, Condvar),
    contact: Mutex<Option<Contact>>,
    /// The booth's latest heartbeat, not sent yet.
    beat: Mutex<Option<Heartbeat>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The outbox and its worker thread.
pub struct Courier {
    shared: Arc<Shared>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// The courier could not start.
#[derive(Debug, thiserror::Error)]
pub enum CourierError {
    /// The outbox.
    #[error(transparent)]
    Outbox(#[from] OutboxError),
    /// The client.
    #[error(transparent)]
    Client(#[from] super::client::ClientError),
    /// The thread or its runtime.
    #[error("courier: {0}")]
    Start(#[from] std::io::Error),
}

impl Courier {
    /// Opens the outbox at `path` and starts delivering to the center of `config`; applicant
    /// data is kept as [`Retention::default`] says.
    pub fn start(path: &Path, config: &CenterConfig) -> Result<Courier, CourierError> {
        Courier::start_keeping(path, config, Retention::default())
    }

    /// As [`Courier::start`], keeping applicant data as `retention` says: the courier wipes what
    /// has run out at start and then on every round of its loop, so a booth that is never
    /// restarted keeps nothing longer.
    pub fn start_keeping(
        path: &Path,
        config: &CenterConfig,
        retention: Retention,
    ) -> Result<Courier, CourierError> {
        let outbox = Outbox::open(path)?;
        outbox.wipe(now_ms(), &retention)?;
        let shared = Arc::new(Shared {
            outbox: Mutex::new(outbox),
            client: Client::new(config)?,
            backoff: Backoff {
                min: Duration::from_millis(config.retry_min_ms),
                max: Duration::from_millis(config.retry_max_ms),
            },
            poll: Duration::from_millis(config.poll_interval_ms),
            retention,
            stop: AtomicBool::new(false),
            wake: (Mutex::new(true), Condvar::new()),
            answers: (Mutex::new(0), Condvar::new()),
            contact: Mutex::new(None),
            beat: Mutex::new(None),
        });
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let worker = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("courier".into())
            .spawn(move || work(&worker, &runtime))?;
        Ok(Courier {
            shared,
            thread: Some(thread),
        })
    }

    /// Stores a parcel durably and wakes the courier. When this returns `Ok`, the submission
    /// survives a crash.
    pub fn put(&self, parcel: &Parcel) -> Result<(), OutboxError> {
        lock(&self.shared.outbox).put(parcel)?;
        self.wake();
        Ok(())
    }

    /// Makes everything undelivered due now (refused ones too). Returns how many.
    pub fn retry_now(&self) -> Result<usize, OutboxError> {
        let n = lock(&self.shared.outbox).retry_now()?;
        self.wake();
        Ok(n)
    }

    fn wake(&self) {
        let (flag, cvar) = &self.shared.wake;
        *lock(flag) = true;
        cvar.notify_all();
    }

    /// Waits up to `budget` for a final answer; at the end, returns the center's pending answer
    /// if that is all there is, or `None`.
    pub fn wait(&self, id: &str, budget: Duration) -> Result<Option<Submission>, OutboxError> {
        let until = Instant::now() + budget;
        let (generation, cvar) = &self.shared.answers;
        let mut seen = lock(generation);
        loop {
            let answer = lock(&self.shared.outbox).answer(id)?;
            let left = until.saturating_duration_since(Instant::now());
            match answer {
                Some(a) if a.status != Status::Pending => return Ok(Some(a)),
                other if left.is_zero() => return Ok(other),
                _ => {}
            }
            let (guard, _) = cvar
                .wait_timeout(seen, left.min(Duration::from_millis(500)))
                .unwrap_or_else(PoisonError::into_inner);
            seen = guard;
        }
    }

    /// The recorded answer for a local submission id.
    pub fn answer(&self, id: &str) -> Result<Option<Submission>, OutboxError> {
        lock(&self.shared.outbox).answer(id)
    }

    /// The kiosk is done with this submission: its applicant data goes once the answer is final.
    pub fn release(&self, id: &str) -> Result<(), OutboxError> {
        lock(&self.shared.outbox).release(id, &self.shared.retention)
    }

    /// How much is undelivered.
    pub fn depth(&self) -> Result<Depth, OutboxError> {
        lock(&self.shared.outbox).depth()
    }

    /// The latest contact with the center.
    pub fn contact(&self) -> Option<Contact> {
        lock(&self.shared.contact).clone()
    }

    /// Keeps `beat` to send once what is due is delivered; a newer one replaces one not sent yet.
    pub fn beat(&self, beat: Heartbeat) {
        *lock(&self.shared.beat) = Some(beat);
        self.wake();
    }

    /// Runs `f` on the outbox (listing, tests).
    pub fn with_outbox<T>(&self, f: impl FnOnce(&Outbox) -> T) -> T {
        f(&lock(&self.shared.outbox))
    }
}

impl Drop for Courier {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        self.wake();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Center for Courier {
    fn submit(&self, parcel: Parcel, wait: Duration) -> Result<Option<Submission>, String> {
        self.put(&parcel).map_err(|e| e.to_string())?;
        self.wait(&parcel.id, wait).map_err(|e| e.to_string())
    }

    fn answer(&self, id: &str) -> Option<Submission> {
        Courier::answer(self, id).ok().flatten()
    }

    fn release(&self, id: &str) {
        if let Err(error) = Courier::release(self, id) {
            tracing::warn!(%error, "outbox: cannot release a submission");
        }
    }

    fn status(&self) -> super::CenterStatus {
        super::CenterStatus {
            depth: self.depth().unwrap_or_default(),
            contact: self.contact(),
        }
    }

    fn find(&self, code: &str) -> Option<super::Found> {
        let found = lock(&self.shared.outbox).find_code(code);
        match found {
            Ok(found) => found,
            Err(error) => {
                tracing::warn!(%error, "outbox: cannot look a ticket code up");
                None
            }
        }
    }

    fn heartbeat(&self, beat: Heartbeat) {
        self.beat(beat);
    }

    fn retry_now(&self) -> usize {
        Courier::retry_now(self).unwrap_or_else(|error| {
            tracing::warn!(%error, "outbox: cannot retry");
            0
        })
    }
}

/// The worker: deliver what is due, then sleep until the next item falls due, new work arrives,
/// or a second passes (another process — `idbooth outbox retry` — may have changed the file).
fn work(shared: &Shared, runtime: &tokio::runtime::Runtime) {
    // Rounds in a row in which the outbox could not be read or written (a full disk): the courier
    // then waits as it would for a center that is down, rather than send the same photo again
    // and again while it cannot record the answer.
    let mut stuck_rounds = 0u32;
    while !shared.stop.load(Ordering::SeqCst) {
        let due = lock(&shared.outbox).due(now_ms(), 16);
        let mut stuck = false;
        let due = match due {
            Ok(due) => due,
            Err(error) => {
                tracing::error!(%error, tries = stuck_rounds + 1, "outbox: cannot read");
                stuck = true;
                Vec::new()
            }
        };
        for item in due {
            if shared.stop.load(Ordering::SeqCst) {
                return;
            }
            if !deliver(shared, runtime, item) {
                stuck = true;
                break;
            }
        }
        if stuck {
            stuck_rounds = stuck_rounds.saturating_add(1);
            let wait = shared.backoff.delay(stuck_rounds - 1, None);
            tracing::warn!(
                retry_in_ms = wait.as_millis() as u64,
                "outbox: cannot be read or written; waiting before the next try"
            );
            sleep_unless_woken(shared, wait);
            continue;
        }
        stuck_rounds = 0;
        // The heartbeat goes after the submissions, and counts as a contact (a failed one is
        // not kept: the next one is a fresher document).
        let beat = lock(&shared.beat).take();
        if let Some(beat) = beat {
            let started = Instant::now();
            let result = runtime.block_on(shared.client.heartbeat(&beat));
            if let Err(error) = &result {
                tracing::warn!(%error, "courier: heartbeat not delivered");
            }
            *lock(&shared.contact) = Some(Contact::of(started, result.as_ref().map(|_| ())));
        }
        let stale = lock(&shared.contact).as_ref().is_none_or(|c| {
            now_ms() - c.at_ms > i64::try_from(PROBE_EVERY.as_millis()).unwrap_or(0)
        });
        if stale {
            // Idle: is the center there, and does it take our token? (The operator's screen.)
            let started = Instant::now();
            let result = runtime.block_on(shared.client.probe());
            *lock(&shared.contact) = Some(Contact::of(started, result.as_ref().map(|_| ())));
        }
        // Retention runs out while the booth runs, not only across restarts.
        let wiped = lock(&shared.outbox).wipe(now_ms(), &shared.retention);
        match wiped {
            Ok(0) => {}
            Ok(n) => tracing::info!(submissions = n, "outbox: applicant data wiped (retention)"),
            Err(error) => tracing::error!(%error, "outbox: cannot wipe"),
        }
        let next = lock(&shared.outbox).next_due().ok().flatten();
        let sleep = next.map_or(Duration::from_secs(1), |at| {
            Duration::from_millis(u64::try_from(at - now_ms()).unwrap_or(0))
                .min(Duration::from_secs(1))
        });
        if sleep.is_zero() {
            continue;
        }
        sleep_unless_woken(shared, sleep);
    }
}

/// Sleeps for `wait`, or until new work (or the stop) wakes the courier.
fn sleep_unless_woken(shared: &Shared, wait: Duration) {
    let (flag, cvar) = &shared.wake;
    let woken = lock(flag);
    let (mut woken, _) = cvar
        .wait_timeout_while(woken, wait, |w| !*w)
        .unwrap_or_else(PoisonError::into_inner);
    *woken = false;
}

/// Sends or polls one item and records what came of it; false when that cannot be recorded.
fn deliver(shared: &Shared, runtime: &tokio::runtime::Runtime, item: Due) -> bool {
    let started = Instant::now();
    let (id, failures, result) = match item {
        Due::Send(parcel, failures) => {
            let result = runtime.block_on(shared.client.submit(&parcel));
            (parcel.id, failures, result)
        }
        Due::Poll(id, failures) => {
            let result = runtime.block_on(shared.client.fetch(&id));
            (id, failures, result)
        }
    };
    *lock(&shared.contact) = Some(Contact::of(started, result.as_ref().map(|_| ())));
    let outbox = lock(&shared.outbox);
    let recorded = match &result {
        Ok(answer) => {
            tracing::info!(status = ?answer.status, "outbox: the center answered");
            outbox.answered(answer, shared.poll)
        }
        Err(SendError::Retry { why, after }) => {
            let wait = shared.backoff.delay(failures, *after);
            tracing::warn!(error = %why, retry_in_ms = wait.as_millis() as u64, tries = failures + 1, "outbox: will retry");
            outbox.failed(&id, why, wait)
        }
        Err(SendError::Unknown) => {
            let wait = shared.backoff.delay(failures, None);
            tracing::warn!(
                retry_in_ms = wait.as_millis() as u64,
                tries = failures + 1,
                "outbox: the center does not know a submission; sending it again"
            );
            outbox.resend(&id, wait)
        }
        Err(e @ SendError::Refused { words, .. }) => {
            tracing::error!(error = %e, "outbox: the center refused a submission; an operator must look");
            let kept = if words.is_empty() {
                e.to_string()
            } else {
                format!("{e}: {words}")
            };
            outbox.refused(&id, &kept)
        }
    };
    drop(outbox);
    if let Err(error) = recorded {
        tracing::error!(%error, "outbox: cannot record");
        return false;
    }
    if result.is_ok() {
        let (generation, cvar) = &shared.answers;
        *lock(generation) += 1;
        cvar.notify_all();
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_up_to_the_cap_and_honours_retry_after() {
        let b = Backoff {
            min: Duration::from_millis(100),
            max: Duration::from_millis(1_000),
        };
        for _ in 0..50 {
            let first = b.delay(0, None);
            assert!((50..=100).contains(&first.as_millis()), "{first:?}");
            let third = b.delay(2, None);
            assert!((200..=400).contains(&third.as_millis()), "{third:?}");
            let late = b.delay(30, None);
            assert!((500..=1_000).contains(&late.as_millis()), "{late:?}");
            let told = b.delay(0, Some(Duration::from_secs(3)));
            assert_eq!(told, Duration::from_secs(3));
        }
        // Jitter: not every delay is the same.
        let spread: std::collections::HashSet<u128> =
            (0..20).map(|_| b.delay(3, None).as_millis()).collect();
        assert!(spread.len() > 1);
    }
}
