//! The photo pipeline on real faces: normalization to every spec, the checks, the reasons for
//! transformed captures, and the CLI's contract (exit status, output file facts, bad input).

use crate::util;

use idbooth::camera::Placement;
use idbooth::photo::{self, read_markers};
use idbooth::spec::Reason;
use idbooth::vision::{FaceDetector, assess_still};
use image::RgbImage;
use util::{booth_capture, config, parts, run, solvay};

/// The rules of where and how large the head is.
const GEOMETRY: [photo::RuleId; 5] = photo::GEOMETRY_RULES;

fn process(capture: &RgbImage, document: &str) -> photo::Output {
    let config = config();
    let spec = config.documents.get(document).expect("document");
    let mut detector = FaceDetector::new().expect("model");
    photo::process(&mut detector, capture, spec, &config.thresholds).expect("encode")
}

fn reasons_of(capture: &RgbImage) -> Vec<Reason> {
    process(capture, "passport").reasons()
}

#[test]
fn the_subject_normalizes_to_every_document() {
    let capture = booth_capture(&Placement::default());
    let config = config();
    let head = assess_still(&mut FaceDetector::new().expect("model"), &capture)
        .head
        .expect("head");
    for spec in config.documents.all() {
        let out = process(&capture, &spec.id);
        // Exact pixel size, KB window, dpi from the JFIF header, no EXIF.
        let decoded = image::load_from_memory(&out.jpeg.bytes).expect("decodes");
        assert_eq!(
            (decoded.width(), decoded.height()),
            (spec.width_px, spec.height_px),
            "{}",
            spec.id
        );
        let (min, max) = spec.byte_window();
        assert!(
            (min..=max).contains(&out.jpeg.bytes.len()),
            "{}: {} bytes",
            spec.id,
            out.jpeg.bytes.len()
        );
        // The KB search starts from the quality of the last photo of this size, which may be
        // another test's photo (they share the process): far off, it costs its widening steps.
        assert!(
            out.jpeg.encodes <= photo::MAX_ENCODES,
            "{}: {} encodes",
            spec.id,
            out.jpeg.encodes
        );
        let (jfif, exif) = read_markers(&out.jpeg.bytes);
        assert_eq!(jfif.and_then(|j| j.dpi()), Some(spec.dpi), "{}", spec.id);
        assert!(!exif);
        // Detecting the face again in the output puts head size and position inside the spec,
        // except a face width no scale can reach with the head in its range: the subject wears
        // her hair up, tall for the width of her face, and the normalizer keeps the head whole.
        let unreachable = spec
            .head_height_px
            .zip(spec.face_width_px)
            .is_some_and(|(h, f)| {
                let fits = |r: idbooth::spec::PxRange, size: f32| {
                    (r.min as f32 / size, r.max as f32 / size)
                };
                let (a, b) = (fits(h, head.height()), fits(f, head.face_width));
                a.0.max(b.0) > a.1.min(b.1)
            });
        for rule in out
            .report
            .rules
            .iter()
            .filter(|r| GEOMETRY.contains(&r.rule))
        {
            let expected = !(unreachable && rule.rule == photo::RuleId::FaceWidthPx);
            assert_eq!(
                rule.pass, expected,
                "{}: {} = {} (expected {})",
                spec.id, rule.rule, rule.value, rule.expected
            );
        }
        assert!(
            out.report
                .rules
                .iter()
                .any(|r| r.rule == photo::RuleId::HeadHeightPx
                    || r.rule == photo::RuleId::FaceWidthPx)
        );
    }
}

#[test]
fn a_booth_capture_is_compliant_and_the_backdrop_turns_white() {
    let out = process(&booth_capture(&Placement::default()), "passport");
    assert_eq!(
        out.reasons(),
        Vec::<Reason>::new(),
        "{:#?}",
        out.report.rules
    );
    assert!(out.normalized.background_replaced);
    let image = &out.normalized.image;
    for (x, y) in [(3, 3), (image.width() - 4, 3)] {
        let p = image.get_pixel(x, y).0;
        assert!(
            p.iter().all(|&c| c >= 250),
            "corner ({x},{y}) is {p:?}, not white"
        );
    }
}

#[test]
fn shifted_capture_is_recentred() {
    let centred = process(&booth_capture(&Placement::default()), "passport");
    let shifted = process(
        &booth_capture(&Placement {
            center_x: 0.35,
            ..Default::default()
        }),
        "passport",
    );
    assert_eq!(shifted.reasons(), Vec::<Reason>::new());
    let (a, b) = (
        centred.normalized.plan.expect("plan"),
        shifted.normalized.plan.expect("plan"),
    );
    // 15 % of 1280 px to the left, give or take the detector's few pixels.
    assert!(
        ((a.left - b.left) - 192.0).abs() < 12.0,
        "{} vs {}",
        a.left,
        b.left
    );
}

#[test]
fn rotated_head_is_tilted() {
    for roll in [-12.0, 12.0] {
        let reasons = reasons_of(&booth_capture(&Placement {
            roll_deg: roll,
            ..Default::default()
        }));
        assert!(
            reasons.contains(&Reason::HeadTilted),
            "roll {roll}: {reasons:?}"
        );
    }
}

#[test]
fn darkened_capture_is_too_dark() {
    let reasons = reasons_of(&booth_capture(&Placement {
        light: 0.35,
        ..Default::default()
    }));
    assert!(reasons.contains(&Reason::TooDark), "{reasons:?}");
}

#[test]
fn one_side_in_shadow_is_uneven() {
    let reasons = reasons_of(&booth_capture(&Placement {
        left_light: 0.4,
        ..Default::default()
    }));
    assert!(reasons.contains(&Reason::UnevenLighting), "{reasons:?}");
    assert!(!reasons.contains(&Reason::TooDark), "{reasons:?}");
}

#[test]
fn blurred_capture_is_blurred() {
    let blurred = image::imageops::blur(&booth_capture(&Placement::default()), 4.0);
    let reasons = reasons_of(&blurred);
    assert!(reasons.contains(&Reason::Blurred), "{reasons:?}");
}

#[test]
fn busy_background_is_named_and_normalized_away() {
    // Grace before her flag, as photographed: the check names the background; normalization
    // separates her from it with the person mask and puts her on white.
    let portrait = image::open(util::GRACE).expect("grace").to_rgb8();
    let config = config();
    let spec = config.documents.get("passport").expect("passport");
    let mut detector = FaceDetector::new().expect("model");
    let as_is = photo::check(
        &assess_still(&mut detector, &portrait),
        spec,
        None,
        &config.thresholds,
    );
    assert!(
        as_is.reasons.contains(&Reason::BackgroundNotUniform),
        "{:?}",
        as_is.reasons
    );
    let out = process(&portrait, "passport");
    assert!(out.normalized.background_replaced);
    assert!(
        !out.reasons().contains(&Reason::BackgroundNotUniform),
        "{:#?}",
        out.report.rules
    );
}

#[test]
fn a_small_face_is_still_found_and_placed() {
    let out = process(
        &booth_capture(&Placement {
            face_share: 0.15,
            ..Default::default()
        }),
        "passport",
    );
    let geometry: Vec<_> = out
        .report
        .rules
        .iter()
        .filter(|r| GEOMETRY.contains(&r.rule))
        .collect();
    // A face must have been found for the geometry rules to exist at all.
    assert_eq!(geometry.len(), GEOMETRY.len(), "{:#?}", out.report.rules);
    for rule in geometry {
        assert!(rule.pass, "{} = {}", rule.rule, rule.value);
    }
}

#[test]
fn rustface_finds_faces_from_about_27_px_whatever_the_minimum_asked() {
    // rustface's pyramid starts at the image's own size with its 40 px window (upstream never
    // enlarges it: `set_min_face_size` has no effect), so the smallest faces it finds are about
    // 27 px wide (the window's box, refined), not the 20 the detector is set to. The demo's
    // subject, small in a 640×480 frame: its face is found at 27 px, not at 20–24 px, and those
    // are found once the frame is enlarged twice.
    let mut detector = FaceDetector::new().expect("model");
    let frame = |share: f32| {
        image::imageops::grayscale(&util::subject().compose(
            640,
            480,
            &Placement {
                face_share: share,
                center_y: 0.5,
                ..Default::default()
            },
        ))
    };
    let found = detector.detect(&frame(0.06), 20);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!((25.0..30.0).contains(&found[0].width), "{found:?}");
    for share in [0.04, 0.05] {
        let small = frame(share);
        assert_eq!(detector.detect(&small, 20), [], "share {share}");
        let twice =
            image::imageops::resize(&small, 1280, 960, image::imageops::FilterType::Triangle);
        let found = detector.detect(&twice, 20);
        assert_eq!(found.len(), 1, "share {share} enlarged: {found:?}");
        assert!(found[0].width / 2.0 < 25.0, "{found:?}");
    }
}

#[test]
fn solvay_has_multiple_faces() {
    let group = image::open(solvay()).expect("test.png").to_rgb8();
    let mut detector = FaceDetector::new().expect("model");
    let assessment = assess_still(&mut detector, &group);
    assert!(
        assessment.faces.len() > 10,
        "{} faces",
        assessment.faces.len()
    );
    assert!(reasons_of(&group).contains(&Reason::MultipleFaces));
}

#[test]
fn normalize_never_mirrors() {
    // The output of the flipped input is the flipped output of the input.
    let capture = booth_capture(&Placement {
        center_x: 0.45,
        ..Default::default()
    });
    let flipped = image::imageops::flip_horizontal(&capture);
    let a = process(&capture, "passport").normalized.image;
    let c = process(&flipped, "passport").normalized.image;
    let b = image::imageops::flip_horizontal(&c);
    // Compared at a quarter of the size: the half pixel of the crop's rounding must not count, a
    // mirrored photo must.
    let small =
        |i: &RgbImage| image::imageops::resize(i, 88, 118, image::imageops::FilterType::Triangle);
    let mean_diff = |x: &RgbImage, y: &RgbImage| {
        let (x, y) = (small(x), small(y));
        x.as_raw()
            .iter()
            .zip(y.as_raw())
            .map(|(&p, &q)| f64::from(p.abs_diff(q)))
            .sum::<f64>()
            / x.as_raw().len() as f64
    };
    let same = mean_diff(&a, &b);
    let mirrored = mean_diff(&a, &c);
    assert!(
        same < 3.0,
        "flip(normalize(flip x)) differs from normalize(x) by {same}"
    );
    // And not symmetric by accident: the output of the flipped input is itself mirrored.
    assert!(mirrored > same * 3.0, "mirrored {mirrored} vs same {same}");
}

// --- The CLI's contract ---

fn save_capture(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("capture.png");
    booth_capture(&Placement::default())
        .save(&path)
        .expect("save");
    path
}

/// `idbooth photo normalize INPUT --document DOCUMENT -o OUT`: exit status, stdout, stderr.
fn normalize_cli(
    input: &std::path::Path,
    document: &str,
    out: &std::path::Path,
) -> (i32, String, String) {
    parts(&run(&[
        "photo",
        "normalize",
        input.to_str().expect("utf-8"),
        "--document",
        document,
        "-o",
        out.to_str().expect("utf-8"),
    ]))
}

#[test]
fn cli_normalize_then_check_is_compliant() {
    let dir = tempfile::tempdir().expect("temp");
    let capture = save_capture(dir.path());
    let out = dir.path().join("photo.jpg");
    let (code, stdout, err) = normalize_cli(&capture, "resident_id", &out);
    assert_eq!(code, 0, "{stdout}\n{err}");
    let (code, stdout, err) = parts(&run(&[
        "photo",
        "check",
        out.to_str().expect("utf-8"),
        "--document",
        "resident_id",
        "--json",
    ]));
    assert_eq!(code, 0, "{stdout}\n{err}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(json["compliant"], true);
    assert_eq!(json["reasons"].as_array().map(Vec::len), Some(0));
}

#[test]
fn cli_normalize_writes_through_no_planted_name() {
    // Names a writer might have guessed for the temporary file, planted as symlinks to a file
    // that must not change: the output is written and the victim is untouched.
    let dir = tempfile::tempdir().expect("temp");
    let capture = save_capture(dir.path());
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, b"keep me").expect("victim");
    let out = dir.path().join("photo.jpg");
    for planted in [".photo.jpg.tmp", ".photo.jpg.part", "photo.jpg.tmp"] {
        std::os::unix::fs::symlink(&victim, dir.path().join(planted)).expect("symlink");
    }
    let (code, stdout, err) = normalize_cli(&capture, "resident_id", &out);
    assert_eq!(code, 0, "{stdout}\n{err}");
    assert!(
        std::fs::read(&victim).expect("victim") == b"keep me",
        "the file a planted name points to was written"
    );
    let written = std::fs::read(&out).expect("output");
    assert_eq!(&written[..2], &[0xFF, 0xD8], "a JPEG");
    // Nothing of the temporary file is left beside the output.
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp") && !n.starts_with(".photo.jpg.tmp") && n != "photo.jpg.tmp")
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn cli_check_of_a_capture_is_not_compliant_with_reasons() {
    let dir = tempfile::tempdir().expect("temp");
    let capture = save_capture(dir.path());
    let (code, stdout, _) = parts(&run(&[
        "photo",
        "check",
        capture.to_str().expect("utf-8"),
        "--document",
        "passport",
    ]));
    assert_eq!(code, 1);
    assert!(
        stdout.contains("not compliant with passport")
            && stdout.contains("wrong_size")
            && stdout.contains("file_size"),
        "{stdout}"
    );
}

#[test]
fn cli_solvay_is_multiple_faces_and_best_effort_is_written() {
    let dir = tempfile::tempdir().expect("temp");
    let out = dir.path().join("group.jpg");
    let (code, _, err) = normalize_cli(&solvay(), "passport", &out);
    assert_eq!(code, 1);
    assert!(
        err.contains("multiple_faces") && err.contains("best effort"),
        "{err}"
    );
    assert!(out.is_file(), "the best effort is written");
}

#[test]
fn cli_bad_inputs_exit_2_with_one_line() {
    let dir = tempfile::tempdir().expect("temp");
    let write = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        path.to_str().expect("utf-8").to_owned()
    };
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new(&mut jpeg)
        .encode_image(&booth_capture(&Placement::default()))
        .expect("encode");
    let truncated = write("cut.jpg", &jpeg[..jpeg.len() / 2]);
    let mut bomb = jpeg.clone();
    let sof = bomb
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("SOF0");
    bomb[sof + 5..sof + 9].copy_from_slice(&[0x75, 0x30, 0x75, 0x30]); // 30000×30000
    let bomb = write("bomb.jpg", &bomb);
    let empty = write("empty.jpg", b"");
    let text = write("notes.jpg", b"this is not an image");
    // A FIFO nobody writes to used to hang the command for ever.
    let fifo = dir.path().join("pipe.jpg");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let fifo = fifo.to_str().expect("utf-8").to_owned();
    let folder = dir.path().join("folder.jpg");
    std::fs::create_dir(&folder).expect("folder");
    let folder = folder.to_str().expect("utf-8").to_owned();
    for (path, words) in [
        (truncated.as_str(), "truncated"),
        (bomb.as_str(), "30000×30000"),
        (empty.as_str(), "empty"),
        (text.as_str(), "not a JPEG, PNG or WebP"),
        ("/nonexistent/photo.jpg", "cannot open"),
        (fifo.as_str(), "not a regular file"),
        (folder.as_str(), "not a regular file"),
    ] {
        let (code, out, err) = parts(&run(&["photo", "check", path, "--document", "passport"]));
        assert_eq!(code, 2, "{path}: {err}");
        assert!(out.is_empty(), "{path}: {out}");
        assert!(err.contains(words), "{path}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{path}: {err}");
    }
    let (code, _, err) = parts(&run(&["photo", "check", &empty, "--document", "passprt"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown document \"passprt\"") && err.contains("passport"),
        "{err}"
    );
}

#[test]
fn the_booth_path_uses_the_tracked_face() {
    // The booth's flow: the tracker follows the face on a 640×480 preview, the capture is
    // 1920×1080, and the face is handed over scaled, with no full detection.
    let place = Placement::default();
    let capture = util::subject().compose(1920, 1080, &place);
    let preview = util::subject().compose(640, 360, &place);
    let mut tracker = idbooth::vision::Tracker::new(FaceDetector::new().expect("model"));
    let mut live = tracker.assess(&preview);
    for _ in 0..4 {
        live = tracker.assess(&preview);
    }
    let face = live.face().expect("tracked face").scaled(3.0);
    let config = config();
    let spec = config.documents.get("passport").expect("passport");
    let out = photo::process_known(&capture, &face, spec, &config.thresholds).expect("encode");
    assert_eq!(
        out.reasons(),
        Vec::<Reason>::new(),
        "{:#?}",
        out.report.rules
    );
    let geometry = out
        .report
        .rules
        .iter()
        .filter(|r| GEOMETRY.contains(&r.rule))
        .count();
    assert_eq!(geometry, GEOMETRY.len());
    // The center measures the geometry itself, with its own detection: it approves.
    let judge = idbooth::center::judge::Judge::new(config.documents.clone(), config.thresholds);
    assert_eq!(
        judge.reasons("passport", &out.jpeg.bytes),
        Vec::<Reason>::new()
    );
}

#[test]
fn cli_no_face_is_not_compliant() {
    let dir = tempfile::tempdir().expect("temp");
    let empty_booth = dir.path().join("empty.png");
    idbooth::camera::plain_backdrop(1280, 720)
        .save(&empty_booth)
        .expect("save");
    let out = dir.path().join("out.jpg");
    let (code, _, err) = normalize_cli(&empty_booth, "passport", &out);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("face_not_found"), "{err}");
    let (code, stdout, _) = parts(&run(&[
        "photo",
        "check",
        empty_booth.to_str().expect("utf-8"),
        "--document",
        "passport",
        "--json",
    ]));
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert!(
        json["reasons"]
            .as_array()
            .is_some_and(|r| r.iter().any(|c| c == "face_not_found")),
        "{json}"
    );
}

#[test]
fn a_plain_backdrop_of_the_wrong_colour_is_named() {
    // A compliant photo whose white backdrop is turned blue, as from a studio with a blue
    // screen: plain and even, but not the spec's white.
    let out = process(&booth_capture(&Placement::default()), "passport");
    assert!(out.reasons().is_empty(), "{:#?}", out.report.rules);
    let white = out.normalized.image.clone();
    let mut blue = white.clone();
    for p in blue.pixels_mut() {
        if p.0.iter().all(|&c| c >= 235) {
            *p = image::Rgb([67, 142, 219]);
        }
    }
    let config = config();
    let spec = config.documents.get("passport").expect("passport");
    let rule = |image: &RgbImage, name: &str| {
        let assessment = assess_still(&mut FaceDetector::new().expect("model"), image);
        let report = photo::check(&assessment, spec, None, &config.thresholds);
        let rule = report
            .rules
            .iter()
            .find(|r| r.rule.name() == name)
            .unwrap_or_else(|| panic!("no rule {name}: {:#?}", report.rules))
            .clone();
        (rule, report.reasons)
    };
    let (colour, _) = rule(&white, "background_colour");
    assert!(colour.pass, "{colour:?}");
    let (colour, reasons) = rule(&blue, "background_colour");
    assert!(!colour.pass, "{colour:?}");
    assert!(
        reasons.contains(&Reason::BackgroundNotUniform),
        "{reasons:?}"
    );
    // It is the colour that fails, not the evenness.
    for name in ["background_std", "background_texture"] {
        let (even, _) = rule(&blue, name);
        assert!(even.pass, "{even:?}");
    }
}

/// The bytes of a portrait `.ci/faces` fetched: `franck` is progressive (7 scans), `outdoors`
/// has restart markers, `audrey` is baseline.
fn face_file(name: &str) -> Vec<u8> {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/faces/{name}.jpg"));
    std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run `bash .ci/setup test`", path.display()))
}

/// Where each scan's entropy-coded data starts and ends (the next marker).
fn scans(jpeg: &[u8]) -> Vec<(usize, usize)> {
    let mut scans = Vec::new();
    let mut at = 2;
    while at + 4 <= jpeg.len() && jpeg[at] == 0xFF && jpeg[at + 1] != 0xD9 {
        let length = usize::from(u16::from_be_bytes([jpeg[at + 2], jpeg[at + 3]]));
        at += 2 + length;
        if jpeg[at - length - 1] == 0xDA {
            let start = at;
            while !(jpeg[at] == 0xFF && jpeg[at + 1] != 0 && !(0xD0..=0xD7).contains(&jpeg[at + 1]))
            {
                at += 1;
            }
            scans.push((start, at));
        }
    }
    scans
}

#[test]
fn a_jpeg_cut_short_is_refused_even_closed_with_an_end_marker() {
    for name in ["audrey", "franck", "outdoors"] {
        let whole = face_file(name);
        assert!(photo::decode(&whole).is_ok(), "{name} whole");
        let scans = scans(&whole);
        assert!(!scans.is_empty(), "{name}");
        // Cut inside every scan, at 25 points each, and closed with FF D9 as a truncated upload
        // "repaired" by appending the two bytes would be.
        for &(start, end) in &scans {
            for i in 0..25 {
                let cut = start + (end - start) * i / 25;
                let mut bytes = whole[..cut].to_vec();
                bytes.extend_from_slice(&[0xFF, 0xD9]);
                assert_eq!(
                    photo::decode(&bytes),
                    Err(photo::DecodeError::Truncated),
                    "{name} cut at {cut} of {}",
                    whole.len()
                );
            }
        }
        // A progressive file cut between two scans is a whole but blurry picture: refused too.
        for &(_, end) in &scans[..scans.len() - 1] {
            let mut bytes = whole[..end].to_vec();
            bytes.extend_from_slice(&[0xFF, 0xD9]);
            assert_eq!(
                photo::decode(&bytes),
                Err(photo::DecodeError::Truncated),
                "{name} after a scan ending at {end}"
            );
        }
    }
}

#[test]
fn data_after_the_end_marker_is_no_damage() {
    // Phones append a motion photo's video after the picture.
    for name in ["audrey", "franck", "outdoors"] {
        let whole = face_file(name);
        let mut longer = whole.clone();
        longer.extend((0..20_000u32).map(|i| (i * 7919 % 251) as u8));
        assert_eq!(photo::decode(&longer), photo::decode(&whole), "{name}");
    }
}

#[test]
fn damaged_image_data_is_refused_and_named() {
    let damaged = |bytes: &[u8]| match photo::decode(bytes) {
        Err(photo::DecodeError::Damaged(what)) => what,
        other => panic!("expected Damaged, got {:?}", other.map(|i| i.dimensions())),
    };
    for name in ["audrey", "franck", "outdoors"] {
        let whole = face_file(name);
        let (start, end) = scans(&whole)[0];
        let middle = start + (end - start) / 2;
        // A run of one-bits spells no Huffman code (all ones is reserved).
        let mut ones = whole.clone();
        for at in (middle..middle + 16).step_by(2) {
            ones[at..at + 2].copy_from_slice(&[0xFF, 0x00]);
        }
        let what = damaged(&ones);
        assert!(
            what.contains("code") || what.contains("coefficients"),
            "{name}: {what}"
        );
        // A marker inside the data.
        let mut marker = whole.clone();
        marker.splice(middle..middle, [0xFF, 0xE1]);
        assert!(damaged(&marker).contains("marker"), "{name}");
        // Bytes the picture has no blocks for, before the end marker.
        let mut extra = whole.clone();
        let last = scans(&whole).last().expect("a scan").1;
        extra.splice(last..last, [0x12, 0x34, 0x56, 0x78]);
        assert!(damaged(&extra).contains("past the last block"), "{name}");
    }
    // Restart markers out of order.
    let whole = face_file("outdoors");
    let (start, end) = scans(&whole)[0];
    let rst = (start..end)
        .find(|&i| whole[i] == 0xFF && whole[i + 1] == 0xD1)
        .expect("outdoors has restart markers");
    let mut swapped = whole.clone();
    swapped[rst + 1] = 0xD5;
    let what = damaged(&swapped);
    assert!(what.contains("restart"), "{what}");
}

#[test]
fn cli_check_of_a_truncated_upload_with_an_end_marker_exits_2() {
    let dir = tempfile::tempdir().expect("temp");
    let whole = face_file("audrey");
    let mut cut = whole[..whole.len() * 3 / 5].to_vec();
    cut.extend_from_slice(&[0xFF, 0xD9]);
    let path = dir.path().join("cut.jpg");
    std::fs::write(&path, &cut).expect("write");
    let (code, out, err) = parts(&run(&[
        "photo",
        "check",
        path.to_str().expect("utf-8"),
        "--document",
        "passport",
    ]));
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("truncated"), "{err}");
}
