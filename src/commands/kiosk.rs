//! `idbooth` and `idbooth --demo`: the booth, fullscreen.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::camera::{Camera, FrameSource, MakeSource, Motion, ReplaySource, Subject};
use crate::center::ReferenceCenter;
use crate::ops::config::{Config, resolve_dir};
use crate::receipt::VirtualPrinter;
use crate::ui::{Booth, Parts, fonts};
use crate::vision::{FaceDetector, assess_still};

/// The public-domain portrait the demo's replay camera shows (Debian's python-matplotlib-data).
pub const DEMO_PORTRAIT: &str = "/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg";

/// Runs the booth. Only the demo is complete: the real booth needs the center client (issue #4)
/// and the serial printer (issue #5).
pub(super) fn run(
    config_dir: Option<&Path>,
    data: Option<&Path>,
    demo: bool,
) -> anyhow::Result<ExitCode> {
    if !demo {
        return Err(super::NotBuilt {
            command: "idbooth (the kiosk without --demo: center client and serial printer)",
            issue: 4,
        }
        .into());
    }
    let config = Arc::new(Config::load(&resolve_dir(config_dir)?)?);
    let data_dir = data
        .map(Path::to_path_buf)
        .unwrap_or_else(|| config.data_dir());
    let (_, font) = fonts::find_cjk_font(&fonts::CJK_FONTS)?;
    let parts = demo_parts(Arc::clone(&config), &data_dir, DEMO_PORTRAIT.as_ref())?;
    tracing::info!(data = %data_dir.display(), "demo booth starting");
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

/// The demo's parts: the replay camera on `portrait`, the reference center in-process with
/// automatic review, and a virtual printer writing into `data_dir/receipts`.
pub fn demo_parts(config: Arc<Config>, data_dir: &Path, portrait: &Path) -> anyhow::Result<Parts> {
    let image = image::open(portrait)
        .with_context(|| {
            format!(
                "{}: the demo's portrait is missing (install python-matplotlib-data)",
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
    let subject = Arc::new(Subject::cut_out(image, face));
    let epoch = Instant::now();
    let make: MakeSource = Arc::new(move || -> Box<dyn FrameSource> {
        Box::new(ReplaySource::new(
            Arc::clone(&subject),
            (640, 480),
            30,
            Motion::Arrive {
                settle_s: 4.0,
                period_s: 600.0,
            },
            Default::default(),
            epoch,
        ))
    });
    let timeout = Duration::from_millis(config.kiosk.camera.frame_timeout_ms);
    let camera = Arc::new(Camera::start(make, timeout, Box::new(|| {})));
    let center = Arc::new(ReferenceCenter::new(
        config.documents.clone(),
        config.thresholds,
    ));
    let profile = crate::receipt::escpos::Profile::from_config(&config.kiosk.printer);
    let printer = Arc::new(VirtualPrinter::new(receipts_dir(data_dir), profile));
    Ok(Parts {
        config,
        camera,
        center,
        printer,
    })
}

/// Where the virtual printer puts receipts.
pub fn receipts_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("receipts")
}
