//! `idbooth` and `idbooth --demo`: the booth, fullscreen.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::booth::{Cue, Parts};
use crate::camera::UsbSource;
use crate::camera::{
    Camera, FrameSource, MakeForDevice, MakeSource, Motion, ReplaySource, Subject,
};
use crate::center::Courier;
use crate::center::judge::Judge;
use crate::center::ledger::{Ledger, Review};
use crate::center::outbox::Retention;
use crate::center::server::{CenterState, RunningCenter};
use crate::center::tokens::Tokens;
use crate::ops::config::{Config, resolve_dir};
use crate::ops::demo_secrets::DemoSecrets;
use crate::ops::layers::Layers;
use crate::photoprint::{CupsPhotoPrinter, PhotoPrinter, VirtualPhotoPrinter};
use crate::receipt::serial::SerialPrinter;
use crate::receipt::{KioskPrinter, VirtualPrinter};
use crate::ui::{Booth, fonts};
use crate::vision::{FaceDetector, assess_still};

/// The portrait the demo's replay camera shows: fetched by `.ci/setup` (its `.ci/portrait`) from
/// an npm package into the source tree, never committed.
pub const DEMO_PORTRAIT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo/portrait.jpg");

/// Where the demo's portrait lies beside the config: `demo/portrait.jpg` in a config folder (the
/// package ships it in `/usr/share/idbooth/demo/`).
const PORTRAIT_IN_CONFIG: &str = "demo/portrait.jpg";

/// The demo's portrait for these config folders: the last folder that holds
/// `demo/portrait.jpg` (an installed booth's `/usr/share/idbooth`), else the source tree's
/// (a checkout, where `.ci/setup` fetched it).
pub fn demo_portrait(layers: &Layers) -> PathBuf {
    layers
        .dirs()
        .iter()
        .rev()
        .map(|dir| dir.join(PORTRAIT_IN_CONFIG))
        .find(|path| path.is_file())
        .unwrap_or_else(|| PathBuf::from(DEMO_PORTRAIT))
}

/// Runs the booth fullscreen: with `demo`, on the replay camera, an in-process reference center
/// and a virtual printer; else on the hardware and the center of `kiosk.toml`.
pub(super) fn run(
    config_dir: Option<&Path>,
    data: Option<&Path>,
    demo: bool,
) -> anyhow::Result<ExitCode> {
    let layers = resolve_dir(config_dir)?;
    let config = Arc::new(Config::load_layers(&layers)?);
    if !demo {
        // Anyone who read the README knows the demo's PIN: a real booth does not start with it.
        let secrets = DemoSecrets::of(&config.kiosk);
        if !secrets.none() {
            bail!("{secrets} (or run --demo)");
        }
    }
    let data_dir = data
        .map(Path::to_path_buf)
        .unwrap_or_else(|| config.data_dir());
    let font = crate::i18n::font::FontFile::system()?;
    let parts = if demo {
        tracing::info!(data = %data_dir.display(), "demo booth starting");
        demo_parts(Arc::clone(&config), &data_dir, &demo_portrait(&layers))?
    } else {
        tracing::info!(data = %data_dir.display(), "booth starting");
        booth_parts(Arc::clone(&config), &data_dir)?
    };
    let booth = Booth::new(parts)
        .with_data_dir(&data_dir)
        .with_context(|| format!("{}: the operator's counters", data_dir.display()))?;
    let restart = booth.restart_requested();
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("idbooth")
            .with_fullscreen(true)
            .with_inner_size([1280.0, 800.0]),
        ..Default::default()
    };
    eframe::run_native(
        "idbooth",
        options,
        Box::new(move |cc| {
            cc.egui_ctx.set_fonts(fonts::definitions(font));
            Ok(Box::new(booth))
        }),
    )
    .map_err(|e| anyhow::anyhow!("ui: {e}"))?;
    if restart.load(std::sync::atomic::Ordering::SeqCst) {
        // systemd's Restart=always starts the booth again.
        tracing::info!("exiting for the operator's restart");
    }
    Ok(ExitCode::SUCCESS)
}

/// A real booth's parts: the USB camera, the detection center through the outbox, the serial
/// printer behind its disk queue, all from `kiosk.toml`.
pub fn booth_parts(config: Arc<Config>, data_dir: &Path) -> anyhow::Result<Parts> {
    let camera_config = config.kiosk.camera.clone();
    let make_for: MakeForDevice = Arc::new(move |device: &str| -> Box<dyn FrameSource> {
        let mut config = camera_config.clone();
        device.clone_into(&mut config.device);
        Box::new(UsbSource::new(config))
    });
    let timeout = Duration::from_millis(config.kiosk.camera.frame_timeout_ms);
    let camera = Arc::new(Camera::start_on_device(
        make_for,
        Arc::new(crate::camera::video_devices),
        &config.kiosk.camera.device,
        timeout,
        Box::new(|| {}),
    ));
    let center = Arc::new(
        Courier::start_keeping(
            &outbox_path(data_dir),
            &config.kiosk.center,
            retention(&config),
        )
        .context("the outbox")?,
    );
    let profile = crate::receipt::escpos::Profile::from_config(&config.kiosk.printer);
    let printer = Arc::new(
        KioskPrinter::start(
            SerialPrinter::new(&config.kiosk.printer),
            &data_dir.join("print-queue"),
            profile,
            Duration::from_secs(u64::from(config.kiosk.kiosk.retention_hours) * 3600),
        )
        .context("the printer's queue")?,
    );
    let photo_printer = match &config.kiosk.photo_printer {
        Some(photo) => Some(Arc::new(
            CupsPhotoPrinter::new(photo, &data_dir.join("photo-queue"))
                .context("the photo printer")?,
        ) as Arc<dyn PhotoPrinter>),
        None => None,
    };
    Ok(Parts {
        config,
        camera,
        center,
        printer,
        photo_printer,
        reference: None,
        walk_in: None,
    })
}

/// The demo's parts: the replay camera on `portrait`, the reference center in-process with
/// automatic review, and a virtual printer writing into `data_dir/receipts`.
pub fn demo_parts(config: Arc<Config>, data_dir: &Path, portrait: &Path) -> anyhow::Result<Parts> {
    let image = image::open(portrait)
        .with_context(|| {
            format!(
                "{}: the demo's portrait is missing (in a checkout run `bash .ci/setup`; the \
                 package ships it as /usr/share/idbooth/{PORTRAIT_IN_CONFIG})",
                portrait.display()
            )
        })?
        .to_rgb8();
    let mut detector = FaceDetector::new()?;
    let Some(face) = assess_still(&mut detector, &image).face().copied() else {
        bail!(
            "{}: no face found in the demo's portrait",
            portrait.display()
        );
    };
    // Cut out along the person mask; the demo's applicant blinks (a live person).
    let subject = Arc::new(match crate::vision::mesh::find(&image, &face, true) {
        Ok(Some(landmarks)) => Subject::of_person(image, face, &landmarks),
        _ => Subject::cut_out(image, face),
    });
    // The replay's clock: set again (and the camera reopened on it) as each applicant reaches
    // the camera, so each walks in afresh.
    let epoch = Arc::new(Mutex::new(Instant::now()));
    let script = Arc::clone(&epoch);
    let make: MakeSource = Arc::new(move || -> Box<dyn FrameSource> {
        let epoch = *script.lock().unwrap_or_else(PoisonError::into_inner);
        Box::new(ReplaySource::new(
            Arc::clone(&subject),
            (640, 480),
            30,
            Motion::DEMO,
            Default::default(),
            epoch,
        ))
    });
    let timeout = Duration::from_millis(config.kiosk.camera.frame_timeout_ms);
    let camera = Arc::new(Camera::start(make, timeout, Box::new(|| {})));
    let replay = Arc::clone(&camera);
    let walk_in: Cue = Arc::new(move || {
        *epoch.lock().unwrap_or_else(PoisonError::into_inner) = Instant::now();
        replay.reopen();
    });
    let reference = start_reference_center(&config, &data_dir.join("demo-center"))?;
    // The booth talks to it as to a real center: over HTTP on loopback, through the outbox.
    let mut center_config = config.kiosk.center.clone();
    center_config.url = reference.url();
    let center = Arc::new(
        Courier::start_keeping(&outbox_path(data_dir), &center_config, retention(&config))
            .context("the demo's outbox")?,
    );
    let profile = crate::receipt::escpos::Profile::from_config(&config.kiosk.printer);
    let keep = Duration::from_secs(u64::from(config.kiosk.kiosk.retention_hours) * 3600);
    let printer = Arc::new(VirtualPrinter::new(receipts_dir(data_dir), profile).keeping(keep));
    // The photo sheet as a PDF beside the receipt, wiped with it.
    let photo_printer: Arc<dyn PhotoPrinter> =
        Arc::new(VirtualPhotoPrinter::new(receipts_dir(data_dir)));
    Ok(Parts {
        config,
        camera,
        center,
        printer,
        photo_printer: Some(photo_printer),
        reference: Some(reference),
        walk_in: Some(walk_in),
    })
}

/// The reference center with automatic review on an ephemeral loopback port, its book in `dir`,
/// taking this kiosk's token.
pub fn start_reference_center(config: &Config, dir: &Path) -> anyhow::Result<RunningCenter> {
    let ledger = Ledger::open(dir, config.documents.clone())?;
    let state = CenterState::new(
        ledger,
        Judge::new(config.documents.clone(), config.thresholds),
        Tokens::single_kiosk(&config.kiosk.kiosk.id, &config.kiosk.center.token),
        config.cities.clone(),
        Review::Auto,
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0")
        .context("the demo's center: cannot listen on loopback")?;
    Ok(RunningCenter::start(listener, Arc::new(state), None)?)
}

/// How long the outbox keeps applicant data: `kiosk.retention_hours` once the booth is done.
fn retention(config: &Config) -> Retention {
    Retention::hours(config.kiosk.kiosk.retention_hours)
}

/// The outbox file in a data folder.
pub fn outbox_path(data_dir: &Path) -> PathBuf {
    data_dir.join("outbox.sqlite")
}

/// The outbox file of a data folder where a kiosk has run; an error that says so otherwise.
pub(super) fn existing_outbox(data_dir: &Path) -> anyhow::Result<PathBuf> {
    let path = outbox_path(data_dir);
    if !path.is_file() {
        bail!(
            "{}: no outbox here (the kiosk has not run with this data folder)",
            path.display()
        );
    }
    Ok(path)
}

/// Where the virtual printer puts receipts.
pub fn receipts_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("receipts")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_portrait_is_taken_from_the_last_config_folder_that_holds_one() {
        let shipped = tempfile::tempdir().expect("temp");
        let site = tempfile::tempdir().expect("temp");
        let both = || {
            Layers::parse(&std::env::join_paths([shipped.path(), site.path()]).expect("join paths"))
                .expect("two folders")
        };
        // Neither holds one: the source tree's, where `.ci/setup` fetched it.
        assert_eq!(demo_portrait(&both()), PathBuf::from(DEMO_PORTRAIT));
        let in_shipped = shipped.path().join(PORTRAIT_IN_CONFIG);
        std::fs::create_dir_all(in_shipped.parent().expect("parent")).expect("mkdir");
        std::fs::write(&in_shipped, b"jpeg").expect("write");
        assert_eq!(demo_portrait(&both()), in_shipped);
        // The site's own, later, wins over the shipped one.
        let in_site = site.path().join(PORTRAIT_IN_CONFIG);
        std::fs::create_dir_all(in_site.parent().expect("parent")).expect("mkdir");
        std::fs::write(&in_site, b"jpeg").expect("write");
        assert_eq!(demo_portrait(&both()), in_site);
        // A folder where the file should be is not a portrait.
        std::fs::remove_file(&in_site).expect("rm");
        std::fs::create_dir(&in_site).expect("mkdir");
        assert_eq!(demo_portrait(&both()), in_shipped);
    }
}
