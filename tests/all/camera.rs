//! The camera worker on the replay source: frames at the camera's rate, and a stall or a
//! disconnection that the watchdog recovers from while the consumer is never blocked.

use crate::util;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use idbooth::camera::{Camera, CameraState, Faults, MakeSource, Placement};

fn replay(faults: Faults) -> (MakeSource, Arc<AtomicU64>) {
    (util::still_replay(20, faults), Arc::new(AtomicU64::new(0)))
}

fn start(faults: Faults) -> (Camera, Arc<AtomicU64>) {
    let (make, notified) = replay(faults);
    let counter = Arc::clone(&notified);
    let notify = Box::new(move || {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    (
        Camera::start(make, Duration::from_millis(400), notify),
        notified,
    )
}

/// Polls `camera` like the UI does, every 10 ms, until `done` or `limit`; returns whether done.
/// Every poll must return at once: the consumer never waits for the camera.
fn poll_until(camera: &Camera, limit: Duration, mut done: impl FnMut(&Camera) -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        let t = Instant::now();
        let finished = done(camera);
        assert!(
            t.elapsed() < Duration::from_millis(50),
            "a poll blocked for {:?}",
            t.elapsed()
        );
        if finished {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

#[test]
fn a_camera_nobody_looks_at_rests_and_wakes_at_once() {
    let (make, _) = replay(Faults::default());
    // A stall timeout long enough for the full rest between frames.
    let camera = Camera::start(make, Duration::from_secs(4), Box::new(|| {}));
    assert!(poll_until(&camera, Duration::from_secs(5), |c| c
        .latest()
        .is_some_and(|f| f.seq >= 5)));
    camera.set_wanted(false);
    std::thread::sleep(Duration::from_millis(100));
    let from = camera.latest().expect("frame").seq;
    std::thread::sleep(Duration::from_secs(2));
    let rested = camera.latest().expect("frame").seq - from;
    // One frame every half second (the 20 fps replay would have given 40).
    assert!((1..=5).contains(&rested), "{rested} frames in 2 s at rest");
    let status = camera.status();
    assert!(status.resting);
    assert_eq!(
        status.state,
        CameraState::Running,
        "a resting camera is not a stalled one"
    );
    // Someone steps up: full rate again without waiting out the rest.
    camera.set_wanted(true);
    let woke = camera.latest().expect("frame").seq;
    assert!(poll_until(&camera, Duration::from_secs(2), |c| c
        .latest()
        .is_some_and(|f| f.seq >= woke + 10)));
    assert!(!camera.status().resting);
}

#[test]
fn frames_arrive_at_the_camera_rate() {
    let (camera, notified) = start(Faults::default());
    assert!(poll_until(&camera, Duration::from_secs(5), |c| c
        .latest()
        .is_some_and(|f| f.seq >= 30)));
    let status = camera.status();
    assert_eq!(status.state, CameraState::Running);
    assert!((12.0..=24.0).contains(&status.fps), "{} fps", status.fps);
    assert!(
        status.description.contains("320×240"),
        "{}",
        status.description
    );
    assert!(notified.load(Ordering::SeqCst) >= 30);
    let frame = camera.latest().expect("frame");
    assert_eq!(frame.image.dimensions(), (320, 240));
    // Not mirrored: the picture is the scene as composed (the eyes open, or shut in a blink).
    let open = util::subject().compose(320, 240, &Placement::default());
    let shut = Placement {
        eyes_closed: true,
        ..Placement::default()
    };
    let shut = util::subject().compose(320, 240, &shut);
    assert!(frame.image.as_raw() == open.as_raw() || frame.image.as_raw() == shut.as_raw());
    assert_ne!(open.as_raw(), shut.as_raw(), "the subject blinks");
}

#[test]
fn a_stuck_read_is_abandoned_and_the_camera_reopened() {
    let (camera, _) = start(Faults {
        stall: Some((0.5, 1.5)),
        ..Faults::default()
    });
    assert!(poll_until(&camera, Duration::from_secs(3), |c| c
        .status()
        .state
        == CameraState::Stalled));
    assert!(
        camera.latest().is_none(),
        "a stalled camera shows no old frame"
    );
    // After the stall window, a fresh reader streams again.
    assert!(poll_until(&camera, Duration::from_secs(8), |c| {
        c.status().state == CameraState::Running && c.latest().is_some()
    }));
    assert!(camera.status().reopens >= 1);
}

#[test]
fn a_camera_that_vanishes_and_returns_is_reopened() {
    let (camera, _) = start(Faults {
        vanish: Some((0.5, 2.0)),
        ..Faults::default()
    });
    assert!(poll_until(&camera, Duration::from_secs(3), |c| matches!(
        c.status().state,
        CameraState::Lost(_)
    )));
    let seq_before = camera.latest().map(|f| f.seq);
    assert_eq!(seq_before, None);
    assert!(poll_until(&camera, Duration::from_secs(12), |c| {
        c.status().state == CameraState::Running && c.latest().is_some()
    }));
    assert!(camera.status().reopens >= 1);
}

#[test]
fn a_reopen_on_request_opens_the_device_again_at_once() {
    let (camera, _) = start(Faults::default());
    assert!(poll_until(&camera, Duration::from_secs(5), |c| c
        .latest()
        .is_some()));
    assert_eq!(camera.status().reopens, 0);
    camera.reopen();
    assert!(poll_until(&camera, Duration::from_secs(3), |c| c
        .status()
        .reopens
        == 1));
    assert!(poll_until(&camera, Duration::from_secs(3), |c| {
        c.status().state == CameraState::Running && c.latest().is_some()
    }));
    assert_eq!(camera.status().reopens, 1, "one reopen, not a loop");
}
