//! A receipt and a photo with made-up data, for `--sample`, previews and tests. The photo is
//! drawn here (a head and shoulders on a light grey-blue backdrop), so no face is shipped.

use image::{Rgb, RgbImage};

use super::layout::Layout;
use super::model::Receipt;

/// The sample's receipt number.
pub const SAMPLE_RECEIPT_NO: &str = "44030026112500001X";

/// A passport-sized (354×472) photo of nobody.
pub fn sample_photo() -> RgbImage {
    let (w, h) = (354.0_f32, 472.0_f32);
    RgbImage::from_fn(w as u32, h as u32, |x, y| {
        let (x, y) = (x as f32, y as f32);
        let inside = |cx: f32, cy: f32, rx: f32, ry: f32| {
            ((x - cx) / rx).powi(2) + ((y - cy) / ry).powi(2) <= 1.0
        };
        if inside(w / 2.0, h * 0.40, 88.0, 118.0) && y < h * 0.30 {
            Rgb([40, 32, 28]) // hair
        } else if inside(w / 2.0, h * 0.42, 80.0, 110.0) {
            Rgb([226, 188, 160]) // face
        } else if inside(w / 2.0, h * 1.05, 170.0, 150.0) {
            Rgb([48, 58, 84]) // shoulders
        } else {
            Rgb([218, 226, 236])
        }
    })
}

/// A receipt with made-up data and the sample photo as its thumbnail.
pub fn sample_receipt() -> Receipt {
    Receipt {
        receipt_no: SAMPLE_RECEIPT_NO.into(),
        image_no: Some(format!("P{SAMPLE_RECEIPT_NO}")),
        document: "普通护照".into(),
        city: "深圳市".into(),
        name: "张*三".into(),
        id_number: "110105********002X".into(),
        taken_at: chrono::Local::now().format("%Y-%m-%d %H:%M").to_string(),
        valid_until: Some("2027-05-24".into()),
        kiosk_id: "SAMPLE".into(),
        thumbnail: Some(image::imageops::grayscale(&sample_photo())),
        document_id: "passport".into(),
        city_code: "440300".into(),
        layout: Layout::default(),
        lang: crate::i18n::Language::BASE,
    }
}
