//! Live guidance on real faces: the tracker on 640×480 frames of the demo's subject in a booth, and the
//! advice each kind of mistake gets, held steady by hysteresis.

use crate::util;

use idbooth::camera::{Placement, plain_backdrop};
use idbooth::vision::{Advice, Assessment, FaceDetector, Guide, Tracker, assess_still};
use image::RgbImage;
use util::{config, subject};

/// Where a good applicant stands in a 640×480 frame.
fn good() -> Placement {
    Placement {
        face_share: 0.34,
        center_y: 0.43,
        ..Default::default()
    }
}

fn frame(place: &Placement) -> RgbImage {
    subject().compose(640, 480, place)
}

/// The frames of a blink at `place`: the eyes open, shut on two frames, open again.
fn blink(place: &Placement) -> Vec<RgbImage> {
    let shut = Placement {
        eyes_closed: true,
        ..*place
    };
    vec![frame(place), frame(&shut), frame(&shut), frame(place)]
}

/// A guide that has watched `base` blink (its eyes' opening dropped to nothing for a frame).
fn blinked(t: idbooth::vision::Thresholds, base: &Assessment, spec: &idbooth::spec::Spec) -> Guide {
    let mut shut = base.clone();
    if let Some(look) = shut.appearance.as_mut() {
        look.eyes_open = 0.0;
    }
    let mut guide = Guide::new(t);
    for a in [base, &shut, base] {
        guide.update(a, spec);
    }
    assert!(guide.is_live());
    guide
}

/// The advice shown after `frames` frames of the same picture, as the booth would show it.
fn advice_for(picture: &RgbImage, document: &str) -> Advice {
    let config = config();
    let spec = config.documents.get(document).expect("document");
    let mut tracker = Tracker::new(FaceDetector::new().expect("model"));
    let mut guide = Guide::new(config.thresholds);
    let mut shown = guide.shown();
    for _ in 0..8 {
        shown = guide.update(&tracker.assess(picture), spec);
    }
    shown
}

#[test]
fn a_good_pose_asks_for_a_blink_and_after_one_is_good() {
    // A still picture in the right place is what a photo held up to the camera looks like: the
    // booth asks for a blink.
    let still = frame(&good());
    assert_eq!(advice_for(&still, "passport"), Advice::Blink);
    // The subject blinks (its eyes painted shut on two frames): good from then on.
    let config = config();
    let spec = config.documents.get("passport").expect("document");
    let mut tracker = Tracker::new(FaceDetector::new().expect("model"));
    let mut guide = Guide::new(config.thresholds);
    for _ in 0..4 {
        guide.update(&tracker.assess(&still), spec);
    }
    assert!(!guide.is_live());
    for picture in blink(&good()) {
        guide.update(&tracker.assess(&picture), spec);
    }
    assert!(guide.is_live(), "the blink was seen");
    for _ in 0..config.thresholds.advice_hold_frames {
        guide.update(&tracker.assess(&still), spec);
    }
    assert_eq!(guide.shown(), Advice::Good);
}

#[test]
fn the_subjects_blink_reads_as_closed_eyes_and_changes_nothing_else() {
    let config = config();
    let t = config.thresholds;
    let mut detector = FaceDetector::new().expect("model");
    let open = assess_still(&mut detector, &frame(&good()));
    let shut = assess_still(
        &mut detector,
        &frame(&Placement {
            eyes_closed: true,
            ..good()
        }),
    );
    let (o, s) = (
        open.appearance.expect("open"),
        shut.appearance.expect("shut"),
    );
    assert!(o.eyes_open > 1.5 * t.eyes_open_min, "open {}", o.eyes_open);
    assert!(s.eyes_open < t.eyes_open_min, "shut {}", s.eyes_open);
    let (ho, hs) = (open.head.expect("head"), shut.head.expect("head"));
    assert!((ho.chin_y - hs.chin_y).abs() < 4.0 && (ho.center_x - hs.center_x).abs() < 4.0);
    assert!((o.mouth_open - s.mouth_open).abs() < 0.03);
}

#[test]
fn an_empty_booth_asks_for_a_face() {
    assert_eq!(
        advice_for(&plain_backdrop(640, 480), "passport"),
        Advice::NoFace
    );
}

#[test]
fn too_small_and_too_large() {
    let small = Placement {
        face_share: 0.15,
        ..good()
    };
    assert_eq!(advice_for(&frame(&small), "passport"), Advice::MoveCloser);
    let large = Placement {
        face_share: 0.62,
        center_y: 0.45,
        ..good()
    };
    assert_eq!(advice_for(&frame(&large), "passport"), Advice::MoveBack);
}

#[test]
fn directions_are_the_applicants_own() {
    // On the image's left is the applicant's right: they must move to their left.
    let on_image_left = frame(&Placement {
        center_x: 0.3,
        ..good()
    });
    assert_eq!(advice_for(&on_image_left, "passport"), Advice::MoveLeft);
    let on_image_right = frame(&Placement {
        center_x: 0.7,
        ..good()
    });
    assert_eq!(advice_for(&on_image_right, "passport"), Advice::MoveRight);
    // A mirrored camera picture gives the opposite direction.
    let mirrored = image::imageops::flip_horizontal(&on_image_left);
    assert_eq!(advice_for(&mirrored, "passport"), Advice::MoveRight);
}

#[test]
fn up_and_down() {
    let low = frame(&Placement {
        center_y: 0.6,
        ..good()
    });
    assert_eq!(advice_for(&low, "passport"), Advice::MoveUp);
    let high = frame(&Placement {
        center_y: 0.25,
        ..good()
    });
    assert_eq!(advice_for(&high, "passport"), Advice::MoveDown);
}

#[test]
fn a_tilted_head_is_straightened() {
    let tilted = frame(&Placement {
        roll_deg: 12.0,
        ..good()
    });
    assert_eq!(advice_for(&tilted, "passport"), Advice::StraightenHead);
}

#[test]
fn light_problems() {
    let dark = frame(&Placement {
        light: 0.35,
        ..good()
    });
    assert_eq!(advice_for(&dark, "passport"), Advice::MoreLight);
    let shadow = frame(&Placement {
        left_light: 0.4,
        ..good()
    });
    assert_eq!(advice_for(&shadow, "passport"), Advice::UnevenLight);
}

#[test]
fn a_blurred_picture_asks_to_hold_still() {
    let blurred = image::imageops::blur(&frame(&good()), 3.0);
    assert_eq!(advice_for(&blurred, "passport"), Advice::HoldStill);
}

#[test]
fn a_busy_background_is_named() {
    let stripes = RgbImage::from_fn(640, 480, |x, y| {
        if (x / 12 + y / 30) % 2 == 0 {
            image::Rgb([200, 40, 40])
        } else {
            image::Rgb([30, 40, 150])
        }
    });
    let busy = subject().compose_onto(&stripes, &good());
    assert_eq!(advice_for(&busy, "passport"), Advice::PlainBackground);
}

#[test]
fn a_second_person_far_behind_is_seen() {
    // Someone small in a top corner (a face 67 px high, a third of the applicant's): the 160 px
    // pass misses them, the band scan must not. Smaller faces still are left to the still check
    // of the capture, which counts faces at 640 px.
    let behind = subject().compose(
        640,
        480,
        &Placement {
            center_x: 0.12,
            center_y: 0.15,
            face_share: 0.14,
            ..good()
        },
    );
    let picture = subject().compose_onto(&behind, &good());
    assert_eq!(advice_for(&picture, "passport"), Advice::OnlyOnePerson);
}

#[test]
fn the_advice_clears_when_the_second_person_leaves() {
    let config = config();
    let spec = config.documents.get("passport").expect("passport");
    let behind = subject().compose(
        640,
        480,
        &Placement {
            center_x: 0.12,
            center_y: 0.15,
            face_share: 0.14,
            ..good()
        },
    );
    let two = subject().compose_onto(&behind, &good());
    let one = frame(&good());
    let mut tracker = Tracker::new(FaceDetector::new().expect("model"));
    let mut guide = Guide::new(config.thresholds);
    for _ in 0..8 {
        guide.update(&tracker.assess(&two), spec);
    }
    assert_eq!(guide.shown(), Advice::OnlyOnePerson);
    for picture in blink(&good()) {
        guide.update(&tracker.assess(&picture), spec);
    }
    for _ in 0..10 {
        guide.update(&tracker.assess(&one), spec);
    }
    assert_eq!(guide.shown(), Advice::Good);
}

#[test]
fn the_tracker_agrees_with_the_still_assessment() {
    let picture = frame(&good());
    let mut tracker = Tracker::new(FaceDetector::new().expect("model"));
    let mut live = tracker.assess(&picture);
    for _ in 0..6 {
        live = tracker.assess(&picture);
    }
    let still = assess_still(&mut FaceDetector::new().expect("model"), &picture);
    let (l, s) = (
        live.head.expect("live head"),
        still.head.expect("still head"),
    );
    assert!(
        (l.height() / s.height() - 1.0).abs() < 0.06,
        "live {} still {}",
        l.height(),
        s.height()
    );
    assert!((l.center_x - s.center_x).abs() < 0.03 * 640.0);
    assert!((l.eye_y - s.eye_y).abs() < 0.03 * 480.0);
}

/// An assessment of a good frame with the head's size scaled by `k`, to probe one threshold.
fn with_head_scaled(base: &Assessment, k: f32) -> Assessment {
    let mut a = base.clone();
    if let Some(head) = a.head.as_mut() {
        let mid = (head.crown_y + head.chin_y) / 2.0;
        let half = head.height() / 2.0 * k;
        head.crown_y = mid - half;
        head.chin_y = mid + half;
        head.eye_y = mid + (head.eye_y - mid) * k;
        head.face_width *= k;
    }
    a
}

#[test]
fn advice_does_not_flicker_at_a_threshold() {
    let config = config();
    let spec = config.documents.get("passport").expect("passport");
    let t = config.thresholds;
    let base = assess_still(&mut FaceDetector::new().expect("model"), &frame(&good()));
    let share = base.head.expect("head").height() / 480.0;
    // Sizes just below and just above the smallest head share, alternating every frame.
    let below = with_head_scaled(&base, (t.live_head_share[0] - 0.01) / share);
    let above = with_head_scaled(&base, (t.live_head_share[0] + 0.01) / share);
    let mut guide = blinked(t, &base, spec);
    for _ in 0..8 {
        guide.update(&below, spec);
    }
    assert_eq!(guide.shown(), Advice::MoveCloser);
    for i in 0..20 {
        let shown = guide.update(if i % 2 == 0 { &above } else { &below }, spec);
        assert_eq!(shown, Advice::MoveCloser, "frame {i} flickered");
    }
    // Clearly inside the range, the advice clears after the hold frames, not at once.
    let inside = with_head_scaled(&base, (t.live_head_share[0] + 0.08) / share);
    assert_eq!(guide.update(&inside, spec), Advice::MoveCloser);
    let mut shown = Advice::MoveCloser;
    for _ in 0..t.advice_hold_frames {
        shown = guide.update(&inside, spec);
    }
    assert_eq!(shown, Advice::Good);
}

#[test]
fn the_demos_arrival_asks_for_a_place_then_for_light_then_is_good() {
    // The demo's replayed applicant, 10 frames a second of its script, as the booth guides it.
    let config = config();
    let spec = config.documents.get("passport").expect("document");
    let mut tracker = Tracker::new(FaceDetector::new().expect("model"));
    let mut guide = Guide::new(config.thresholds);
    let motion = idbooth::camera::Motion::DEMO;
    let shown: Vec<Advice> = (0..100)
        .map(|i| {
            let picture = frame(&motion.at(i as f32 / 10.0));
            guide.update(&tracker.assess(&picture), spec)
        })
        .collect();
    let first = |advice: Advice| shown.iter().position(|a| *a == advice);
    let more_light = first(Advice::MoreLight).expect("too dark on arrival");
    let uneven = first(Advice::UnevenLight).expect("lit from one side on arrival");
    let placed = shown
        .iter()
        .position(|a| {
            matches!(
                a,
                Advice::MoveCloser | Advice::MoveLeft | Advice::MoveRight | Advice::MoveDown
            )
        })
        .expect("asked to come to the right place");
    assert!(placed < more_light && more_light < uneven, "{shown:?}");
    assert_eq!(shown.last(), Some(&Advice::Good), "{shown:?}");
}

#[test]
fn how_the_applicant_looks_is_named_one_thing_at_a_time_and_a_blink_is_not_closed_eyes() {
    let config = config();
    let spec = config.documents.get("passport").expect("passport");
    let t = config.thresholds;
    let base = assess_still(&mut FaceDetector::new().expect("model"), &frame(&good()));
    let look = base.appearance.expect("appearance measured");
    let with = |f: &dyn Fn(&mut idbooth::vision::Appearance)| {
        let mut a = base.clone();
        let mut look = look;
        f(&mut look);
        a.appearance = Some(look);
        a
    };
    let hold = t.advice_hold_frames as usize;
    let shown_after = |a: &Assessment, frames: usize| {
        let mut guide = blinked(t, &base, spec);
        for _ in 0..12 {
            guide.update(&base, spec);
        }
        assert_eq!(guide.shown(), Advice::Good);
        for _ in 0..frames {
            guide.update(a, spec);
        }
        guide.shown()
    };
    let open_mouth = with(&|l| l.mouth_open = 2.0 * t.mouth_open_max);
    assert_eq!(shown_after(&open_mouth, hold), Advice::CloseMouth);
    let hair_over_ears = with(&|l| l.ears_clear = [0.0, 0.5 * t.ears_clear_min]);
    assert_eq!(shown_after(&hair_over_ears, hold), Advice::ClearEars);
    let fringe = with(&|l| l.brows_clear = 0.5 * t.brows_clear_min);
    assert_eq!(shown_after(&fringe, hold), Advice::ClearBrows);
    let glare = with(&|l| l.glare = 3.0 * t.glare_max);
    assert_eq!(shown_after(&glare, hold), Advice::Glare);
    // A hat is read on the frames with a person mask (a few a second): on the frames between,
    // the request stands.
    let hat = with(&|l| l.headwear = Some(1.5 * t.headwear_max));
    assert_eq!(shown_after(&hat, hold), Advice::TakeOffHat);
    let earrings = with(&|l| l.earrings = Some(3.0 * t.earrings_max));
    assert_eq!(shown_after(&earrings, hold), Advice::TakeOffEarrings);
    let long_hair = with(&|l| l.shoulders_covered = Some(1.5 * t.shoulders_covered_max));
    assert_eq!(shown_after(&long_hair, hold), Advice::HairBehindShoulders);
    // Long hair over the shoulders and earrings: the earrings first (advice's order).
    let both = with(&|l| {
        l.shoulders_covered = Some(1.5 * t.shoulders_covered_max);
        l.earrings = Some(3.0 * t.earrings_max);
    });
    assert_eq!(shown_after(&both, hold), Advice::TakeOffEarrings);
    let mut guide = blinked(t, &base, spec);
    let unread = with(&|l| l.headwear = None);
    for a in std::iter::repeat_n(&hat, hold).chain(std::iter::repeat_n(&unread, 2 * hold)) {
        guide.update(a, spec);
    }
    assert_eq!(guide.shown(), Advice::TakeOffHat);
    let bare = with(&|l| l.headwear = Some(0.5 * t.headwear_max));
    for _ in 0..hold {
        guide.update(&bare, spec);
    }
    assert_eq!(guide.shown(), Advice::Good, "the hat taken off");
    // Two problems: the more important one (the eyes before the mouth) is named first.
    let both = with(&|l| {
        l.mouth_open = 2.0 * t.mouth_open_max;
        l.eyes_open = 0.5 * t.eyes_open_min;
    });
    assert_eq!(shown_after(&both, 3 * hold), Advice::OpenEyes);
    // Closed eyes for as long as other advice needs to show: a blink, not yet named.
    let closed = with(&|l| l.eyes_open = 0.5 * t.eyes_open_min);
    assert_eq!(shown_after(&closed, hold), Advice::Good);
    assert_eq!(shown_after(&closed, 3 * hold), Advice::OpenEyes);
}

#[test]
fn a_cap_in_the_booth_is_asked_off() {
    // Grace Hopper in her naval cap, cut out of her portrait and placed in the booth.
    let config = config();
    let spec = config.documents.get("passport").expect("document");
    let portrait = image::open(util::GRACE)
        .expect("grace_hopper.jpg")
        .to_rgb8();
    let mut detector = FaceDetector::new().expect("model");
    let still = assess_still(&mut detector, &portrait);
    let face = *still.face().expect("face");
    let landmarks = still.landmarks.expect("mesh");
    let grace = idbooth::camera::Subject::of_person(portrait, face, &landmarks);
    let picture = grace.compose(
        640,
        480,
        &Placement {
            face_share: 0.4,
            ..good()
        },
    );
    let mut tracker = Tracker::new(detector);
    let mut guide = Guide::new(config.thresholds);
    for _ in 0..12 {
        guide.update(&tracker.assess(&picture), spec);
    }
    assert_eq!(guide.shown(), Advice::TakeOffHat);
}

#[test]
fn the_eyes_are_read_again_when_they_blink_and_not_for_the_cameras_noise() {
    use idbooth::vision::mesh::{self, EyeMemory};
    let t = config().thresholds;
    let shut = Placement {
        eyes_closed: true,
        ..good()
    };
    let first = frame(&good());
    let seed = *assess_still(&mut FaceDetector::new().expect("model"), &first)
        .face()
        .expect("face");
    let found = mesh::find(&first, &seed, false)
        .expect("models")
        .expect("landmarks");
    let mut eyes = EyeMemory::new();
    // The eyes' opening as the tracker reads it on `picture`, following the last mesh, and
    // whether the iris model read them on it.
    let mut last = found.mesh.clone();
    let mut opening = |picture: &RgbImage, eyes: &mut EyeMemory| {
        let l = mesh::follow(picture, &last, eyes, false)
            .expect("models")
            .expect("followed");
        last = l.mesh.clone();
        let read = l.eyes_read;
        let gray = image::imageops::grayscale(picture);
        let a = Assessment::from_landmarks(
            picture,
            &gray,
            vec![seed],
            Some(l),
            idbooth::vision::Crown::Estimate,
        );
        (a.appearance.expect("appearance").eyes_open, read)
    };
    // The first frame reads both eyes; the same picture under fresh noise reads none again.
    let (open, read) = opening(&util::noisy(first.clone(), 1), &mut eyes);
    assert!(read);
    assert_eq!(eyes.counts(), (2, 0));
    for k in 2..4 {
        let (again, read) = opening(&util::noisy(first.clone(), k), &mut eyes);
        let [l, r] = eyes.differences();
        assert!(l.max(r) < mesh::EYE_UNCHANGED / 1.5, "noise: {l} {r}");
        assert!(!read, "frame {k}: the last reading stands");
        // The reading stands, seen through this frame's mesh.
        assert!((again - open).abs() < 0.02, "{again} vs {open}");
    }
    assert_eq!(
        eyes.counts(),
        (2, 4),
        "the camera's noise made an eye be read again"
    );
    // The blink changes both eyes' pictures: both are read on that very frame, and it is closed.
    let (closed, read) = opening(&util::noisy(frame(&shut), 4), &mut eyes);
    let [l, r] = eyes.differences();
    assert!(l.min(r) > 3.0 * mesh::EYE_UNCHANGED, "a blink: {l} {r}");
    assert!(read);
    assert_eq!(eyes.counts(), (4, 4));
    assert!(closed < t.eyes_open_min, "a blink read as {closed}");
    assert!(open > t.eyes_open_min, "open eyes read as {open}");
    // Open again: read again.
    let (reopened, read) = opening(&util::noisy(first.clone(), 5), &mut eyes);
    assert!(read);
    assert_eq!(eyes.counts(), (6, 4));
    assert!(reopened > t.eyes_open_min);
    // However still, both eyes are read again every EYE_READ_EVERY frames.
    let reads: Vec<bool> = (6..6 + 2 * mesh::EYE_READ_EVERY)
        .map(|k| opening(&util::noisy(first.clone(), k), &mut eyes).1)
        .collect();
    let every = mesh::EYE_READ_EVERY as usize;
    let expected: Vec<bool> = (1..=2 * every).map(|n| n % every == 0).collect();
    assert_eq!(reads, expected);
}

#[test]
fn a_head_cut_off_by_the_frames_top_is_asked_down_not_closer() {
    // Standing so high that the camera's top edge goes through the hair: the head measured up
    // to that edge is short, but coming closer would cut off more of it.
    let high = frame(&Placement {
        center_y: 0.2,
        ..good()
    });
    let mut detector = FaceDetector::new().expect("model");
    let head = assess_still(&mut detector, &high).head.expect("head");
    assert!(head.crown_cut_off(), "{head:?}");
    assert_eq!(advice_for(&high, "passport"), Advice::MoveDown);
}
