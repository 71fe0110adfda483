//! The JPEG encoder at the documents' KB windows (issue #17, "Photo fidelity"): `image`'s
//! encoder (4:4:4, the standard Huffman tables) against the `jpeg-encoder` crate with optimized
//! Huffman tables at 4:2:0 and at 4:4:4 and with the standard tables at 4:2:0, and what the
//! booth's `photo::encode_within` gives. Each portrait in `tests/faces/` is normalized to each
//! distinct spec (pixel size and KB window), and each encoder's window search (the highest
//! quality under the window's top) is run on it. Reported per spec, averaged over the
//! portraits: the quality the search lands at, the file size, how many files land inside the
//! window, and the file decoded as the booth and the center decode it (`photo::decode`) against
//! the uncompressed normalized pixels (PSNR of luma and of chroma, and SSIM of luma over 8×8
//! windows); then criterion times one window search each. The figures and the choice they led
//! to are in the README ("The JPEG").
//! `cargo bench --bench jpeg`.

#![allow(clippy::print_stdout)] // A report: printing is its job.

#[path = "../tests/all/util.rs"]
mod util;

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use idbooth::photo;
use idbooth::spec::Spec;
use idbooth::vision::{FaceDetector, assess_still};
use image::RgbImage;

/// The encoders compared.
#[derive(Debug, Clone, Copy)]
enum Encoder {
    /// What the booth runs: `photo::encode_within`, its own search.
    Booth,
    /// `image`'s JpegEncoder: 4:4:4, the standard Huffman tables.
    Image,
    /// `jpeg-encoder`, chroma halved both ways (box-averaged), optimized Huffman tables (which
    /// it writes as one scan per component).
    Subsampled,
    /// `jpeg-encoder`, chroma halved both ways (box-averaged), the standard Huffman tables (one
    /// interleaved scan, as cameras write 4:2:0).
    SubsampledStd,
    /// `jpeg-encoder`, full chroma, optimized Huffman tables.
    FullChroma,
}

impl Encoder {
    const ALL: [Encoder; 5] = [
        Encoder::Booth,
        Encoder::Image,
        Encoder::Subsampled,
        Encoder::SubsampledStd,
        Encoder::FullChroma,
    ];

    fn name(self) -> &'static str {
        match self {
            Encoder::Booth => "booth (photo::encode_within)",
            Encoder::Image => "image 4:4:4 std-huff",
            Encoder::Subsampled => "jpeg-encoder 4:2:0 opt-huff",
            Encoder::SubsampledStd => "jpeg-encoder 4:2:0 std-huff",
            Encoder::FullChroma => "jpeg-encoder 4:4:4 opt-huff",
        }
    }

    fn encode(self, rgb: &RgbImage, dpi: u32, quality: u8) -> Vec<u8> {
        let sampling = match self {
            Encoder::Booth => return photo::encode_jpeg(rgb, dpi, quality).expect("encode"),
            Encoder::Image => {
                let mut out = Vec::with_capacity(64 * 1024);
                let mut encoder =
                    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality);
                encoder.set_pixel_density(image::codecs::jpeg::PixelDensity::dpi(
                    u16::try_from(dpi).expect("dpi"),
                ));
                encoder.encode_image(rgb).expect("encode");
                return out;
            }
            Encoder::Subsampled | Encoder::SubsampledStd => jpeg_encoder::SamplingFactor::R_4_2_0,
            Encoder::FullChroma => jpeg_encoder::SamplingFactor::R_4_4_4,
        };
        let mut out = Vec::with_capacity(64 * 1024);
        let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
        encoder.set_sampling_factor(sampling);
        encoder.set_chroma_subsampling_method(jpeg_encoder::ChromaSubsamplingMethod::Average);
        encoder.set_optimized_huffman_tables(!matches!(self, Encoder::SubsampledStd));
        encoder.set_density(jpeg_encoder::PixelDensity::dpi(
            u16::try_from(dpi).expect("dpi"),
        ));
        let (w, h) = rgb.dimensions();
        encoder
            .encode(
                rgb.as_raw(),
                u16::try_from(w).expect("width"),
                u16::try_from(h).expect("height"),
                jpeg_encoder::ColorType::Rgb,
            )
            .expect("encode");
        out
    }

    /// The window search as `photo::encode_within` does it without a hint: the highest quality
    /// from 10 to 98 whose file is at most `max` bytes (the lowest when none is), by bisection.
    fn within(self, rgb: &RgbImage, dpi: u32, max: usize) -> (u8, Vec<u8>) {
        if let Encoder::Booth = self {
            let e = photo::encode_within(rgb, dpi, (0, max), None).expect("encode");
            return (e.quality, e.bytes);
        }
        let (mut lo, mut hi) = (photo::MIN_QUALITY, photo::MAX_QUALITY);
        let mut best: Option<(u8, Vec<u8>)> = None;
        let mut smallest: Option<(u8, Vec<u8>)> = None;
        while lo <= hi {
            let mid = lo + (hi - lo) / 2;
            let bytes = self.encode(rgb, dpi, mid);
            if bytes.len() <= max {
                best = Some((mid, bytes));
                lo = mid + 1;
            } else {
                smallest = Some((mid, bytes));
                hi = mid - 1;
            }
        }
        best.or(smallest).expect("one quality tried")
    }
}

/// Luma and the two chroma planes (BT.601, as JPEG's JFIF defines them).
fn planes(rgb: &RgbImage) -> [Vec<f64>; 3] {
    let mut out = [Vec::new(), Vec::new(), Vec::new()];
    for p in rgb.pixels() {
        let [r, g, b] = p.0.map(f64::from);
        out[0].push(0.299 * r + 0.587 * g + 0.114 * b);
        out[1].push(128.0 - 0.168_736 * r - 0.331_264 * g + 0.5 * b);
        out[2].push(128.0 + 0.5 * r - 0.418_688 * g - 0.081_312 * b);
    }
    out
}

fn psnr(a: &[f64], b: &[f64]) -> f64 {
    let mse = a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum::<f64>() / a.len() as f64;
    10.0 * (255.0 * 255.0 / mse.max(1e-10)).log10()
}

/// Mean SSIM (Wang et al. 2004) over every 8×8 window, uniform weights, from summed-area tables.
fn ssim(a: &[f64], b: &[f64], width: usize) -> f64 {
    const N: usize = 8;
    let height = a.len() / width;
    // Summed-area tables of x, y, x², y², xy, one row and column of zeros in front.
    let stride = width + 1;
    let mut tables = vec![[0.0f64; 5]; stride * (height + 1)];
    for y in 0..height {
        let mut row = [0.0f64; 5];
        for x in 0..width {
            let (p, q) = (a[y * width + x], b[y * width + x]);
            for (s, v) in row.iter_mut().zip([p, q, p * p, q * q, p * q]) {
                *s += v;
            }
            let above = tables[y * stride + x + 1];
            let cell = &mut tables[(y + 1) * stride + x + 1];
            for k in 0..5 {
                cell[k] = above[k] + row[k];
            }
        }
    }
    let sum = |x: usize, y: usize, k: usize| {
        tables[(y + N) * stride + x + N][k]
            - tables[y * stride + x + N][k]
            - tables[(y + N) * stride + x][k]
            + tables[y * stride + x][k]
    };
    let (c1, c2) = ((0.01 * 255.0f64).powi(2), (0.03 * 255.0f64).powi(2));
    let n = (N * N) as f64;
    let (mut total, mut count) = (0.0, 0usize);
    for y in 0..=height - N {
        for x in 0..=width - N {
            let (mx, my) = (sum(x, y, 0) / n, sum(x, y, 1) / n);
            let vx = sum(x, y, 2) / n - mx * mx;
            let vy = sum(x, y, 3) / n - my * my;
            let cov = sum(x, y, 4) / n - mx * my;
            total += ((2.0 * mx * my + c1) * (2.0 * cov + c2))
                / ((mx * mx + my * my + c1) * (vx + vy + c2));
            count += 1;
        }
    }
    total / count as f64
}

/// One encoder's figures on one photo.
#[derive(Default, Clone, Copy)]
struct Figures {
    quality: f64,
    kb: f64,
    in_window: f64,
    psnr_y: f64,
    psnr_c: f64,
    ssim_y: f64,
}

impl Figures {
    fn of(encoder: Encoder, image: &RgbImage, spec: &Spec) -> Figures {
        let (min, max) = spec.byte_window();
        let (quality, bytes) = encoder.within(image, spec.dpi, max);
        let decoded = photo::decode(&bytes).expect("decodes");
        let (want, got) = (planes(image), planes(&decoded));
        let psnr_c = (psnr(&want[1], &got[1]) + psnr(&want[2], &got[2])) / 2.0;
        Figures {
            quality: f64::from(quality),
            kb: bytes.len() as f64 / 1024.0,
            in_window: f64::from(u8::from((min..=max).contains(&bytes.len()))),
            psnr_y: psnr(&want[0], &got[0]),
            psnr_c,
            ssim_y: ssim(&want[0], &got[0], image.width() as usize),
        }
    }

    fn add(&mut self, o: Figures) {
        self.quality += o.quality;
        self.kb += o.kb;
        self.in_window += o.in_window;
        self.psnr_y += o.psnr_y;
        self.psnr_c += o.psnr_c;
        self.ssim_y += o.ssim_y;
    }
}

/// The portraits in `tests/faces/` (`.ci/faces`), each read once.
fn portraits() -> Vec<(String, RgbImage)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/faces");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/faces: run `bash .ci/setup test`")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("jpg") || e.eq_ignore_ascii_case("png"))
        })
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let name = p
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, image::open(&p).expect("a portrait").to_rgb8())
        })
        .collect()
}

/// The specs that differ in what the encoder sees: pixel size and KB window (the first
/// document of each, with the others that share it).
fn distinct_specs(config: &idbooth::ops::Config) -> Vec<(Spec, Vec<String>)> {
    let mut out: Vec<(Spec, Vec<String>)> = Vec::new();
    for spec in config.documents.all() {
        let key = |s: &Spec| (s.width_px, s.height_px, s.byte_window(), s.dpi);
        match out.iter_mut().find(|(s, _)| key(s) == key(spec)) {
            Some((_, ids)) => ids.push(spec.id.clone()),
            None => out.push((spec.clone(), vec![spec.id.clone()])),
        }
    }
    out
}

fn jpeg(c: &mut Criterion) {
    let config = util::config();
    let t = config.thresholds;
    let mut detector = FaceDetector::new().expect("model");
    // Each portrait measured once; those with no face found are left out.
    let measured: Vec<_> = portraits()
        .into_iter()
        .map(|(name, rgb)| {
            let assessment = assess_still(&mut detector, &rgb);
            (name, rgb, assessment)
        })
        .filter(|(_, _, a)| a.head.is_some())
        .collect();
    println!(
        "{} portraits from tests/faces: {}",
        measured.len(),
        measured
            .iter()
            .map(|(n, _, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    );
    let specs = distinct_specs(&config);
    let mut timed = Vec::new();
    println!(
        "| spec | window KB | encoder | quality | KB | in window | PSNR-Y dB | PSNR-CbCr dB | SSIM-Y |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (spec, ids) in &specs {
        let normalized: Vec<RgbImage> = measured
            .iter()
            .map(|(_, rgb, a)| photo::normalize(rgb, a, spec, &t))
            .filter(|n| n.plan.is_some())
            .map(|n| n.image)
            .collect();
        let n = normalized.len() as f64;
        for encoder in Encoder::ALL {
            let mut sum = Figures::default();
            for image in &normalized {
                sum.add(Figures::of(encoder, image, spec));
            }
            println!(
                "| {} {}×{} | {}–{} | {} | {:.1} | {:.1} | {}/{} | {:.2} | {:.2} | {:.4} |",
                ids.join(", "),
                spec.width_px,
                spec.height_px,
                spec.kb.min,
                spec.kb.max,
                encoder.name(),
                sum.quality / n,
                sum.kb / n,
                sum.in_window,
                n,
                sum.psnr_y / n,
                sum.psnr_c / n,
                sum.ssim_y / n,
            );
        }
        if let Some(first) = normalized.into_iter().next() {
            timed.push((spec.clone(), first));
        }
    }

    let mut group = c.benchmark_group("jpeg_window_search");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    for (spec, image) in &timed {
        for encoder in Encoder::ALL {
            let id = format!("{}/{}", spec.id, encoder.name().replace(' ', "_"));
            group.bench_function(id, |b| {
                b.iter(|| encoder.within(image, spec.dpi, spec.byte_window().1))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, jpeg);
criterion_main!(benches);
