//! Normalizing a 1280×720 capture to the passport spec: the booth's path (face known from the
//! tracker; mesh, irises and mask on the capture and its mirror, then on the JPEG) against the
//! file path (full detection too), the KB search against one encode, and the checked decode of
//! uploads and files (the entropy-coded data walked whole, then decoded) against the bare decode,
//! in one run.
//! `cargo bench --bench normalize`.

#[path = "../tests/all/util.rs"]
mod util;

use criterion::{Criterion, criterion_group, criterion_main};
use idbooth::camera::Placement;
use idbooth::photo;
use idbooth::vision::{FaceDetector, assess_still};

fn normalize(c: &mut Criterion) {
    // As the binary's main does: the allocator set up before any thread (ops::allocator).
    idbooth::ops::allocator::configure();
    let config = util::config();
    let spec = config.documents.get("passport").expect("passport");
    let t = config.thresholds;
    let capture = util::subject().compose(1280, 720, &Placement::default());
    let mut detector = FaceDetector::new().expect("model");
    // What the tracker hands over: the face it follows, in the capture's pixels.
    let face = *assess_still(&mut detector, &capture).face().expect("face");

    let mut group = c.benchmark_group("normalize_1280x720");
    group.sample_size(10);
    group.bench_function("process_known_face", |b| {
        b.iter(|| photo::process_known(&capture, &face, spec, &t).expect("process"))
    });
    group.bench_function("process_full_detection", |b| {
        b.iter(|| photo::process(&mut detector, &capture, spec, &t).expect("process"))
    });
    group.finish();

    let out = photo::process_known(&capture, &face, spec, &t).expect("process");
    let image = out.normalized.image;
    let mut group = c.benchmark_group("jpeg_354x472");
    group.bench_function("one_encode", |b| {
        b.iter(|| photo::encode_jpeg(&image, 300, 90).expect("encode"))
    });
    group.bench_function("kb_window_search", |b| {
        b.iter(|| photo::encode_within(&image, 300, spec.byte_window(), None).expect("encode"))
    });
    // As the booth searches from its second photo on: from where the last one landed.
    let last = photo::encode_within(&image, 300, spec.byte_window(), None)
        .expect("encode")
        .quality;
    group.bench_function("kb_window_search_from_last", |b| {
        b.iter(|| {
            photo::encode_within(&image, 300, spec.byte_window(), Some(last)).expect("encode")
        })
    });
    // What the center does with each upload: a checked decode against the decoder alone.
    let upload = photo::encode_within(&image, 300, spec.byte_window(), None)
        .expect("encode")
        .bytes;
    group.bench_function("bare_decode", |b| {
        b.iter(|| image::load_from_memory(&upload).expect("decode"))
    });
    group.bench_function("checked_decode", |b| {
        b.iter(|| photo::decode(&upload).expect("decode"))
    });
    group.finish();

    // A camera-sized file, as `photo check` reads it.
    let mut file = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut file, 92)
        .encode_image(&util::subject().compose(1920, 1080, &Placement::default()))
        .expect("encode");
    let mut group = c.benchmark_group("decode_1920x1080");
    group.sample_size(20);
    group.bench_function("bare_decode", |b| {
        b.iter(|| image::load_from_memory(&file).expect("decode"))
    });
    group.bench_function("checked_decode", |b| {
        b.iter(|| photo::decode(&file).expect("decode"))
    });
    group.finish();
}

criterion_group!(benches, normalize);
criterion_main!(benches);
