//! Who is judged next when photos arrive faster than the center can judge them.
//!
//! One photo per judge runs; a bounded number wait, the oldest capture first. When the wait is
//! full, the youngest capture is turned away (503), whether it just arrived or was waiting. A
//! kiosk that keeps being turned away is not turned away for ever: its photo only gets older,
//! until it is among the oldest and waits its turn. (Shedding whoever comes last instead makes
//! getting in a matter of luck: under load one kiosk was refused 136 times in a row.)
//!
//! The capture time comes from the kiosk's clock, which the center does not trust: a clock a day
//! ahead would make a kiosk the youngest for ever (it never got in under load), a clock at 1970
//! the oldest for ever (it always went first). [`Admission::age`] clamps it into the last
//! [`TRUSTED_WINDOW_MS`] and never later than when the center first saw the submission, so every
//! photo ages at the center's pace.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::oneshot;

/// Waiting order: capture time in ms since the epoch, then arrival.
type Key = (i64, u64);

/// How far back a kiosk's capture time is believed: about the longest an applicant waits at the
/// booth for the answer, with room for a booth that was offline for a while.
pub const TRUSTED_WINDOW_MS: i64 = 10 * 60 * 1000;
/// Submissions whose first sight is remembered at most (the oldest are forgotten first).
const REMEMBERED: usize = 100_000;

/// The judges and the photos waiting for one.
pub struct Admission {
    judges: usize,
    max_waiting: usize,
    inner: Mutex<Inner>,
    /// When the center first saw each submission id (ms since the epoch, its own clock).
    first_seen: Mutex<HashMap<String, i64>>,
}

struct Inner {
    running: usize,
    waiting: BTreeMap<Key, oneshot::Sender<Verdict>>,
    arrivals: u64,
}

enum Verdict {
    Go,
    TurnedAway(usize),
}

/// Turned away: the wait is full of older captures. `waiting` is how many wait ahead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy {
    pub waiting: usize,
}

/// A judge, held until dropped; then the oldest waiting photo gets it.
pub struct Slot {
    admission: Arc<Admission>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.admission.release();
    }
}

/// How busy the center is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Load {
    pub running: usize,
    pub waiting: usize,
}

impl Admission {
    /// `judges` photos at once (at least one), up to `max_waiting` waiting.
    pub fn new(judges: usize, max_waiting: usize) -> Arc<Admission> {
        Arc::new(Admission {
            judges: judges.max(1),
            max_waiting,
            inner: Mutex::new(Inner {
                running: 0,
                waiting: BTreeMap::new(),
                arrivals: 0,
            }),
            first_seen: Mutex::new(HashMap::new()),
        })
    }

    /// The age to queue submission `id` by: the kiosk's `captured_ms`, but never later than the
    /// center first saw `id` and never earlier than [`TRUSTED_WINDOW_MS`] before `now_ms`.
    pub fn age(&self, id: &str, captured_ms: i64, now_ms: i64) -> i64 {
        let mut seen = self
            .first_seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let oldest = now_ms - TRUSTED_WINDOW_MS;
        if seen.len() >= REMEMBERED {
            // What was first seen before the window is clamped to it anyway.
            seen.retain(|_, &mut at| at > oldest);
            if seen.len() >= REMEMBERED {
                let mut times: Vec<i64> = seen.values().copied().collect();
                let (_, &mut cut, _) = times.select_nth_unstable(REMEMBERED / 2);
                seen.retain(|_, &mut at| at > cut);
            }
        }
        let first = *seen.entry(id.to_owned()).or_insert(now_ms);
        captured_ms.min(first).clamp(oldest, now_ms)
    }

    /// How many judge at once.
    pub fn judges(&self) -> usize {
        self.judges
    }

    /// Running and waiting now.
    pub fn load(&self) -> Load {
        let inner = self.lock();
        Load {
            running: inner.running,
            waiting: inner.waiting.len(),
        }
    }

    /// Waits for a judge for a photo captured at `captured_ms`, or is turned away.
    pub async fn enter(self: &Arc<Self>, captured_ms: i64) -> Result<Slot, Busy> {
        let (key, receiver) = {
            let mut inner = self.lock();
            if inner.running < self.judges && inner.waiting.is_empty() {
                inner.running += 1;
                return Ok(Slot {
                    admission: Arc::clone(self),
                });
            }
            let key = (captured_ms, inner.arrivals);
            inner.arrivals += 1;
            if inner.waiting.len() >= self.max_waiting {
                let waiting = inner.waiting.len();
                match inner.waiting.keys().next_back().copied() {
                    Some(youngest) if key < youngest => {
                        if let Some(sender) = inner.waiting.remove(&youngest) {
                            // Its request may be gone already; then there is nobody to tell.
                            let _ = sender.send(Verdict::TurnedAway(waiting));
                        }
                    }
                    _ => return Err(Busy { waiting }),
                }
            }
            let (sender, receiver) = oneshot::channel();
            inner.waiting.insert(key, sender);
            (key, receiver)
        };
        let mut waiter = Waiter {
            admission: self,
            key,
            receiver: Some(receiver),
        };
        let verdict = match waiter.receiver.as_mut() {
            Some(receiver) => receiver.await,
            None => return Err(Busy { waiting: 0 }),
        };
        waiter.receiver = None;
        match verdict {
            Ok(Verdict::Go) => Ok(Slot {
                admission: Arc::clone(self),
            }),
            Ok(Verdict::TurnedAway(waiting)) => Err(Busy { waiting }),
            // The sender is only dropped by a turn-away that had nobody to tell: not us.
            Err(_) => Err(Busy {
                waiting: self.load().waiting,
            }),
        }
    }

    /// A judge is free: the oldest waiting photo that is still there gets it.
    fn release(&self) {
        let mut inner = self.lock();
        while let Some((_, sender)) = inner.waiting.pop_first() {
            if sender.send(Verdict::Go).is_ok() {
                return;
            }
        }
        inner.running = inner.running.saturating_sub(1);
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A request waiting for its turn. If it goes away (the kiosk hung up), its place is given up,
/// and a judge handed to it in that very moment is passed on.
struct Waiter<'a> {
    admission: &'a Admission,
    key: Key,
    receiver: Option<oneshot::Receiver<Verdict>>,
}

impl Drop for Waiter<'_> {
    fn drop(&mut self) {
        let Some(mut receiver) = self.receiver.take() else {
            return;
        };
        receiver.close();
        self.admission.lock().waiting.remove(&self.key);
        if let Ok(Verdict::Go) = receiver.try_recv() {
            self.admission.release();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::sync::mpsc;

    /// Waits for a judge for `captured`, says whether it got one, and gives it back at once.
    fn contender(
        admission: &Arc<Admission>,
        captured: i64,
        said: &mpsc::UnboundedSender<(i64, bool)>,
    ) -> tokio::task::JoinHandle<()> {
        let (admission, said) = (Arc::clone(admission), said.clone());
        tokio::spawn(async move {
            let got = admission.enter(captured).await;
            let _ = said.send((captured, got.is_ok()));
        })
    }

    /// Lets every spawned task run until it waits.
    async fn settle() {
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn the_oldest_capture_goes_first_and_the_youngest_is_turned_away() {
        let admission = Admission::new(1, 2);
        let (said, mut heard) = mpsc::unbounded_channel();
        let first = admission.enter(10).await.expect("a free judge");
        contender(&admission, 30, &said);
        contender(&admission, 20, &said);
        settle().await;
        assert_eq!(
            admission.load(),
            Load {
                running: 1,
                waiting: 2
            }
        );
        // Younger than everything waiting, and the wait is full: turned away at once.
        assert_eq!(admission.enter(40).await.err(), Some(Busy { waiting: 2 }));
        // Older than the youngest waiting: it takes that one's place.
        contender(&admission, 5, &said);
        settle().await;
        assert_eq!(heard.recv().await, Some((30, false)));
        drop(first);
        assert_eq!(heard.recv().await, Some((5, true)));
        assert_eq!(heard.recv().await, Some((20, true)));
        settle().await;
        assert_eq!(
            admission.load(),
            Load {
                running: 0,
                waiting: 0
            }
        );
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_request_that_goes_away_while_waiting_gives_up_its_place() {
        let admission = Admission::new(1, 1);
        let (said, mut heard) = mpsc::unbounded_channel();
        let first = admission.enter(10).await.expect("a free judge");
        let gone = contender(&admission, 20, &said);
        settle().await;
        gone.abort();
        settle().await;
        assert_eq!(admission.load().waiting, 0);
        // Its place is free again, and the judge goes to who is still there.
        contender(&admission, 30, &said);
        settle().await;
        drop(first);
        assert_eq!(heard.recv().await, Some((30, true)));
        settle().await;
        assert_eq!(admission.load().running, 0);
    }

    #[test]
    fn a_kiosks_clock_is_believed_only_within_the_window_and_since_first_sight() {
        let admission = Admission::new(1, 1);
        let now = 1_800_000_000_000;
        // An honest clock: its capture time.
        assert_eq!(admission.age("honest", now - 5_000, now), now - 5_000);
        // A clock at 1970: no older than the window.
        assert_eq!(admission.age("1970", 0, now), now - TRUSTED_WINDOW_MS);
        // A clock a day ahead: as young as when the center first saw it, and ageing from there.
        let ahead = now + 24 * 3600 * 1000;
        assert_eq!(admission.age("ahead", ahead, now), now);
        let later = now + 60_000;
        assert_eq!(admission.age("ahead", ahead, later), now);
        // So a minute later it is older than a photo an honest kiosk has just taken.
        assert!(
            admission.age("ahead", ahead, later) < admission.age("fresh", later - 1_000, later)
        );
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_kiosk_whose_clock_is_ahead_gets_in_once_it_has_waited() {
        let admission = Admission::new(1, 1);
        let now = 1_800_000_000_000;
        let ahead = now + 24 * 3600 * 1000;
        let (said, mut heard) = mpsc::unbounded_channel();
        // Busy: a photo judged, one taken a second ago waiting; the kiosk ahead is turned away.
        let busy = admission.enter(now).await.expect("a free judge");
        contender(
            &admission,
            admission.age("honest-1", now - 1_000, now),
            &said,
        );
        settle().await;
        let first_try = admission.age("ahead", ahead, now);
        assert!(admission.enter(first_try).await.is_err());
        drop(busy);
        assert_eq!(heard.recv().await, Some((now - 1_000, true)));
        settle().await;
        // A minute later, still busy, with a photo taken half a second ago waiting: the kiosk
        // ahead tries again, has aged since the center first saw it, and takes that place.
        let later = now + 60_000;
        let busy = admission.enter(later).await.expect("a free judge");
        contender(
            &admission,
            admission.age("honest-2", later - 500, later),
            &said,
        );
        settle().await;
        let retry = admission.age("ahead", ahead, later);
        contender(&admission, retry, &said);
        settle().await;
        assert_eq!(heard.recv().await, Some((later - 500, false)));
        drop(busy);
        assert_eq!(heard.recv().await, Some((retry, true)));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn free_judges_take_photos_at_once_up_to_their_number() {
        let admission = Admission::new(2, 0);
        let a = admission.enter(30).await.expect("first judge");
        let b = admission.enter(20).await.expect("second judge");
        // No room to wait at all: even an older photo is turned away.
        assert_eq!(admission.enter(1).await.err(), Some(Busy { waiting: 0 }));
        drop(a);
        let c = admission.enter(40).await.expect("a judge was freed");
        drop((b, c));
        assert_eq!(admission.load().running, 0);
    }
}
