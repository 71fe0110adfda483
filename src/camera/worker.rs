//! The camera on its own threads: a reader that blocks on the device, and a supervisor that
//! watches the age of the last frame. A v4l read cannot be cancelled, so a stuck or failed reader
//! is abandoned (its late frames ignored) and a new one opens the device again, with a growing
//! pause between tries: a reopen may fail with "device busy" until the old handle is gone.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use image::RgbImage;

use super::devices::Device;
use super::source::{CameraError, FrameSource};

/// One frame, shared without copying.
#[derive(Debug, Clone)]
pub struct Frame {
    /// The picture, as the camera sees it (not mirrored).
    pub image: Arc<RgbImage>,
    /// Frame number since the camera started.
    pub seq: u64,
    /// When it arrived.
    pub at: Instant,
}

/// How the camera is doing, for the operator and for out-of-service.
#[derive(Debug, Clone, PartialEq)]
pub enum CameraState {
    /// Opening the device.
    Opening,
    /// Frames are arriving.
    Running,
    /// No frame for longer than the timeout: the read is stuck; reopening.
    Stalled,
    /// The device failed or is gone; reopening.
    Lost(String),
}

/// The camera's status.
#[derive(Debug, Clone, PartialEq)]
pub struct CameraStatus {
    /// State.
    pub state: CameraState,
    /// Name and mode.
    pub description: String,
    /// Frames a second over the last second or so.
    pub fps: f32,
    /// Age of the last frame since the camera (re)opened.
    pub frame_age: Option<Duration>,
    /// Age of the newest frame ever received, across reopenings: how long the booth has been
    /// without a picture (the operator's "no frames for 12 s").
    pub last_frame_age: Option<Duration>,
    /// Times the device was opened again.
    pub reopens: u32,
    /// Nobody looks at the frames (the attract screen, the forms): the camera reads one now
    /// and then, enough to know it works, and [`CameraStatus::fps`] is that resting rate.
    pub resting: bool,
}

/// Makes a fresh source for each (re)opening, on the reader's own thread.
pub type MakeSource = Arc<dyn Fn() -> Box<dyn FrameSource> + Send + Sync>;

/// Makes a source for a named device (`/dev/video0`, `/dev/idbooth-camera`): a camera started
/// with one can be switched to another device.
pub type MakeForDevice = Arc<dyn Fn(&str) -> Box<dyn FrameSource> + Send + Sync>;

/// Lists the devices a camera can be switched to ([`super::video_devices`] on a booth).
pub type ListDevices = Arc<dyn Fn() -> Vec<Device> + Send + Sync>;

/// What a camera on a device needs to move to another.
struct Devices {
    make_for: MakeForDevice,
    list: ListDevices,
    current: Mutex<String>,
}

/// A camera that was switched to a device it cannot have (a replay camera).
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
#[error("this camera is not a device that can be switched")]
pub struct NotSwitchable;

struct Shared {
    latest: Mutex<Option<Frame>>,
    status: Mutex<CameraStatus>,
    generation: AtomicU64,
    seq: AtomicU64,
    stop: AtomicBool,
    /// The operator asked for a reopen (maintenance screen).
    reopen: AtomicBool,
    /// The operator switched devices: the next opening uses this.
    replace: Mutex<Option<MakeSource>>,
    /// When the newest frame of any reader arrived.
    last_frame: Mutex<Option<Instant>>,
    /// Whether anyone looks at the frames now ([`Camera::set_wanted`]).
    wanted: AtomicBool,
    /// How long a resting camera waits between frames: well inside the stall timeout.
    rest: Duration,
    notify: Box<dyn Fn() + Send + Sync>,
}

/// Time between frames while nobody looks at them (at most a quarter of the stall timeout).
/// Composing or decoding 30 frames a second that nobody sees was most of an idle booth's CPU.
pub const REST: Duration = Duration::from_millis(500);

/// Pause before the first reopen; doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(250);
/// Longest pause between reopenings.
const MAX_BACKOFF: Duration = Duration::from_secs(8);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A reader that panicked mid-update leaves plain data behind: still usable.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A running camera. Dropping it stops the supervisor; a reader stuck in the driver stays
/// blocked until the process ends.
pub struct Camera {
    shared: Arc<Shared>,
    supervisor: Option<JoinHandle<()>>,
    /// For a camera on a device: how to open another, and which one is in use.
    devices: Option<Devices>,
}

impl Camera {
    /// Starts the camera: `make` builds a source for every opening; `notify` is called on each
    /// new frame (the UI asks for a repaint); a frame older than `timeout` means a stuck read.
    pub fn start(
        make: MakeSource,
        timeout: Duration,
        notify: Box<dyn Fn() + Send + Sync>,
    ) -> Camera {
        let shared = Arc::new(Shared {
            latest: Mutex::new(None),
            status: Mutex::new(CameraStatus {
                state: CameraState::Opening,
                description: String::new(),
                fps: 0.0,
                frame_age: None,
                last_frame_age: None,
                reopens: 0,
                resting: false,
            }),
            generation: AtomicU64::new(0),
            seq: AtomicU64::new(0),
            stop: AtomicBool::new(false),
            reopen: AtomicBool::new(false),
            replace: Mutex::new(None),
            last_frame: Mutex::new(None),
            wanted: AtomicBool::new(true),
            rest: REST.min(timeout / 4),
            notify,
        });
        let supervisor = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("camera-watchdog".into())
                .spawn(move || supervise(&shared, &make, timeout))
                .ok()
        };
        Camera {
            shared,
            supervisor,
            devices: None,
        }
    }

    /// Starts the camera on `device`, through `make_for`; [`Camera::switch_to`] moves it to
    /// another of the devices `list` finds.
    pub fn start_on_device(
        make_for: MakeForDevice,
        list: ListDevices,
        device: &str,
        timeout: Duration,
        notify: Box<dyn Fn() + Send + Sync>,
    ) -> Camera {
        let mut camera = Camera::start(for_device(&make_for, device), timeout, notify);
        camera.devices = Some(Devices {
            make_for,
            list,
            current: Mutex::new(device.to_owned()),
        });
        camera
    }

    /// The device in use, for a camera on a device (`None`: a replay camera).
    pub fn device(&self) -> Option<String> {
        self.devices.as_ref().map(|d| lock(&d.current).clone())
    }

    /// The devices this camera can be switched to now (none for a replay camera).
    pub fn available(&self) -> Vec<Device> {
        self.devices.as_ref().map_or_else(Vec::new, |d| (d.list)())
    }

    /// Leaves the current device and opens `device` at once (the operator's "switch camera").
    pub fn switch_to(&self, device: &str) -> Result<(), NotSwitchable> {
        let Some(devices) = &self.devices else {
            return Err(NotSwitchable);
        };
        *lock(&self.shared.replace) = Some(for_device(&devices.make_for, device));
        device.clone_into(&mut lock(&devices.current));
        self.shared.reopen.store(true, Ordering::SeqCst);
        Ok(())
    }

    /// Whether anyone looks at the frames now: the applicant at the camera, the operator's
    /// calibration. Without a look the camera rests: one frame every [`REST`] (so a stuck or
    /// vanished camera is still noticed), full rate again at once when wanted.
    pub fn set_wanted(&self, wanted: bool) {
        self.shared.wanted.store(wanted, Ordering::SeqCst);
    }

    /// The newest frame, if any arrived since the camera (re)opened.
    pub fn latest(&self) -> Option<Frame> {
        lock(&self.shared.latest).clone()
    }

    /// The status now.
    pub fn status(&self) -> CameraStatus {
        let mut status = lock(&self.shared.status).clone();
        status.frame_age = lock(&self.shared.latest).as_ref().map(|f| f.at.elapsed());
        status.last_frame_age = lock(&self.shared.last_frame).map(|at| at.elapsed());
        status
    }

    /// Abandons the current reader and opens the device again at once (the operator's
    /// "reopen the camera"; a replugged camera or another device behind the same udev name).
    pub fn reopen(&self) {
        self.shared.reopen.store(true, Ordering::SeqCst);
    }
}

impl Drop for Camera {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        if let Some(handle) = self.supervisor.take() {
            let _ = handle.join();
        }
    }
}

fn for_device(make_for: &MakeForDevice, device: &str) -> MakeSource {
    let (make_for, device) = (Arc::clone(make_for), device.to_owned());
    Arc::new(move || make_for(&device))
}

fn supervise(shared: &Arc<Shared>, make: &MakeSource, timeout: Duration) {
    let mut backoff = FIRST_BACKOFF;
    let mut reopens = 0u32;
    let mut make = Arc::clone(make);
    while !shared.stop.load(Ordering::SeqCst) {
        if let Some(other) = lock(&shared.replace).take() {
            make = other;
        }
        let generation = shared.generation.fetch_add(1, Ordering::SeqCst) + 1;
        let opened_at = Instant::now();
        let failed = Arc::new(Mutex::new(None::<CameraError>));
        spawn_reader(shared, Arc::clone(&make), generation, Arc::clone(&failed));
        // Watch this reader until it fails, sticks, or the camera stops.
        let lost = loop {
            std::thread::sleep(Duration::from_millis(50));
            if shared.stop.load(Ordering::SeqCst) {
                break None;
            }
            if let Some(error) = lock(&failed).take() {
                break Some(CameraState::Lost(error.to_string()));
            }
            if shared.reopen.swap(false, Ordering::SeqCst) {
                backoff = Duration::ZERO;
                break Some(CameraState::Opening);
            }
            let last = lock(&shared.latest).as_ref().map(|f| f.at);
            let since = last.filter(|at| *at >= opened_at).unwrap_or(opened_at);
            if since.elapsed() > timeout {
                break Some(CameraState::Stalled);
            }
            if last.is_some_and(|at| at >= opened_at) {
                backoff = FIRST_BACKOFF;
            }
        };
        let Some(state) = lost else { break };
        tracing::warn!(?state, reopens, "camera: reopening");
        // Late frames of the abandoned reader are ignored from here on.
        shared.generation.fetch_add(1, Ordering::SeqCst);
        *lock(&shared.latest) = None;
        {
            let mut status = lock(&shared.status);
            status.state = state;
            status.fps = 0.0;
        }
        (shared.notify)();
        let until = Instant::now() + backoff;
        while Instant::now() < until && !shared.stop.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(20));
        }
        backoff = (backoff * 2).clamp(FIRST_BACKOFF, MAX_BACKOFF);
        reopens += 1;
        lock(&shared.status).reopens = reopens;
    }
}

/// Waits [`Shared::rest`], in short steps so that a look, a stop or a reopen ends it at once.
fn rest(shared: &Shared, generation: u64) {
    let until = Instant::now() + shared.rest;
    while Instant::now() < until
        && !shared.wanted.load(Ordering::SeqCst)
        && !shared.stop.load(Ordering::SeqCst)
        && shared.generation.load(Ordering::SeqCst) == generation
    {
        std::thread::sleep(Duration::from_millis(10).min(shared.rest));
    }
}

fn spawn_reader(
    shared: &Arc<Shared>,
    make: MakeSource,
    generation: u64,
    failed: Arc<Mutex<Option<CameraError>>>,
) {
    let shared = Arc::clone(shared);
    let spawned = std::thread::Builder::new()
        .name("camera-reader".into())
        .spawn(move || {
            let mut source = make();
            let current = || shared.generation.load(Ordering::SeqCst) == generation;
            {
                let mut status = lock(&shared.status);
                status.state = CameraState::Opening;
                status.description = source.describe();
            }
            if let Err(error) = source.open() {
                *lock(&failed) = Some(error);
                return;
            }
            // The mode is known once the device is open.
            lock(&shared.status).description = source.describe();
            let mut window = (Instant::now(), 0u32);
            let mut resting = false;
            while current() && !shared.stop.load(Ordering::SeqCst) {
                let wanted = shared.wanted.load(Ordering::SeqCst);
                if wanted == resting {
                    // From rest to full rate or back: the rate is measured afresh.
                    resting = !wanted;
                    window = (Instant::now(), 0);
                    lock(&shared.status).resting = resting;
                }
                if resting {
                    rest(&shared, generation);
                }
                match source.frame() {
                    Ok(image) if current() => {
                        let seq = shared.seq.fetch_add(1, Ordering::SeqCst);
                        let at = Instant::now();
                        *lock(&shared.latest) = Some(Frame {
                            image: Arc::new(image),
                            seq,
                            at,
                        });
                        *lock(&shared.last_frame) = Some(at);
                        window.1 += 1;
                        let span = window.0.elapsed().as_secs_f32();
                        let mut status = lock(&shared.status);
                        status.state = CameraState::Running;
                        if span >= 1.0 {
                            status.fps = window.1 as f32 / span;
                            window = (at, 0);
                        }
                        drop(status);
                        (shared.notify)();
                    }
                    Ok(_) => return,
                    Err(error) => {
                        if current() {
                            *lock(&failed) = Some(error);
                        }
                        return;
                    }
                }
            }
        });
    if let Err(error) = spawned {
        tracing::error!(%error, "camera: cannot start the reader thread");
    }
}
