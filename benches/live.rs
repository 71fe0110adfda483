//! Live guidance on a 640×480 frame: following the face as the tracker does (the mesh, and the
//! irises of an eye whose picture changed beyond the camera's noise or went unread for
//! `EYE_READ_EVERY` frames), the same with both irises read on every frame (as before), the person
//! mask, and the tracker's whole assessment, against a full-frame rustface pass (the baseline),
//! in one run. The frames carry a camera's noise (about 2.5 levels), each frame its own.
//! `cargo bench --bench live`.

#[path = "../tests/all/util.rs"]
mod util;

use criterion::{Criterion, criterion_group, criterion_main};
use idbooth::camera::Placement;
use idbooth::vision::mesh::{self, EyeMemory};
use idbooth::vision::{FaceDetector, Tracker, assess_still};

fn live(c: &mut Criterion) {
    // As the binary's main does: the allocator set up before any thread (ops::allocator).
    idbooth::ops::allocator::configure();
    let place = Placement {
        face_share: 0.34,
        center_y: 0.43,
        ..Default::default()
    };
    // Two places a little apart, alternated, as a live applicant sways, each frame with its own
    // noise.
    let places = [
        place,
        Placement {
            center_x: 0.51,
            ..place
        },
    ];
    let frames: Vec<image::RgbImage> = (0..8u32)
        .map(|k| {
            util::noisy(
                util::subject().compose(640, 480, &places[k as usize % 2]),
                k,
            )
        })
        .collect();
    let gray = image::imageops::grayscale(&frames[0]);
    let mut group = c.benchmark_group("live_640x480");
    group.sample_size(20);

    let mut detector = FaceDetector::new().expect("model");
    group.bench_function("full_frame_detect", |b| {
        b.iter(|| detector.detect(&gray, 20))
    });

    // Following the face from the previous frame's mesh: the mesh and both irises, no detection.
    let seed = *assess_still(&mut detector, &frames[0])
        .face()
        .expect("face");
    let found = mesh::find(&frames[0], &seed, false)
        .expect("models")
        .expect("landmarks");
    // What the tracker runs per frame.
    let (mut i, mut eyes) = (0, EyeMemory::new());
    group.bench_function("mesh_follow", |b| {
        b.iter(|| {
            i += 1;
            mesh::follow(&frames[i % frames.len()], &found.mesh, &mut eyes, false).expect("models")
        })
    });
    let (reads, reused) = eyes.counts();
    eprintln!("mesh_follow: {reads} iris readings, {reused} reused");
    // Both irises read on every frame (a memory that forgets).
    let mut i = 0;
    group.bench_function("mesh_follow_every_iris", |b| {
        b.iter(|| {
            i += 1;
            let mut eyes = EyeMemory::new();
            mesh::follow(&frames[i % frames.len()], &found.mesh, &mut eyes, false).expect("models")
        })
    });
    let roi = found.mask_roi();
    group.bench_function("person_mask", |b| {
        b.iter(|| mesh::person_mask(&frames[0], &roi).expect("models"))
    });

    let mut tracker = Tracker::new(FaceDetector::new().expect("model"));
    let mut i = 0;
    group.bench_function("tracker_assess", |b| {
        b.iter(|| {
            i += 1;
            tracker.assess(&frames[i % frames.len()])
        })
    });
    group.finish();
}

criterion_group!(benches, live);
criterion_main!(benches);
