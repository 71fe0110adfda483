//! Who is judged next when photos arrive faster than the center can judge them.
//!
//! One photo per judge runs; a bounded number wait, the oldest capture first. When the wait is
//! full, the youngest capture is turned away (503), whether it just arrived or was waiting. A
//! kiosk that keeps being turned away is not turned away for ever: its photo only gets older,
//! until it is among the oldest and waits its turn. (Shedding whoever comes last instead makes
//! getting in a matter of luck: under load one kiosk was refused 136 times in a row.)

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::oneshot;

/// Waiting order: capture time in ms since the epoch, then arrival.
type Key = (i64, u64);

/// The judges and the photos waiting for one.
pub struct Admission {
    judges: usize,
    max_waiting: usize,
    inner: Mutex<Inner>,
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
        })
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
