//! The photo sheet as a PNG, for people to look at (the demo keeps it beside the sheet's PDF):
//! the same layout as [`jpeg_sheet`](super::jpeg_sheet), the photo decoded and scaled to its
//! print size at `dpi`, the cut marks drawn black on white. Never what is printed: the printer
//! gets the PDF with the JPEG as it is.

use image::{Rgb, RgbImage};

use super::sheet::{SHEET_MM, check, corner_marks, slots};
use super::{RenderError, crop_window};

/// The sheet with `copies` of the JPEG `jpeg` at `print_mm` (all that fit when `None`), drawn at
/// `dpi` dots an inch, as PNG bytes.
pub fn jpeg_sheet_png(
    jpeg: &[u8],
    print_mm: [f32; 2],
    copies: Option<u32>,
    dpi: u32,
) -> Result<Vec<u8>, RenderError> {
    let copies = check(print_mm, copies)?;
    let photo = image::load_from_memory_with_format(jpeg, image::ImageFormat::Jpeg)
        .map_err(|e| RenderError::Photo(e.to_string()))?
        .to_rgb8();
    let dots = |mm: f32| (mm / 25.4 * dpi as f32).round() as u32;
    let [sheet_w, sheet_h] = SHEET_MM;
    let (width, height) = (dots(sheet_w), dots(sheet_h));
    let mut page = RgbImage::from_pixel(width, height, Rgb([255, 255, 255]));
    let [w, h] = print_mm;
    // Its middle, cut to the print aspect, as the PDF shows it.
    let (cx, cy, cw, ch) = crop_window(photo.dimensions(), print_mm);
    let shown = image::imageops::resize(
        &*image::imageops::crop_imm(&photo, cx, cy, cw, ch),
        dots(w).max(1),
        dots(h).max(1),
        image::imageops::FilterType::Triangle,
    );
    // PDF counts from the lower left, a picture from the upper left.
    let top = |y: f32, tall: f32| dots(sheet_h - y - tall);
    for (x, y) in slots(print_mm, copies) {
        image::imageops::replace(&mut page, &shown, i64::from(dots(x)), i64::from(top(y, h)));
        for (mx, my, mw, mh) in corner_marks(x, y, w, h) {
            let (left, upper) = (dots(mx), top(my, mh));
            for py in upper..(upper + dots(mh).max(1)).min(height) {
                for px in left..(left + dots(mw).max(1)).min(width) {
                    page.put_pixel(px, py, Rgb([0, 0, 0]));
                }
            }
        }
    }
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(page)
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| RenderError::Photo(e.to_string()))?;
    Ok(png)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preview_is_the_sheet_at_its_size_with_the_photo_where_the_pdf_has_it() {
        // A red photo with a blue band at the top: the preview must show it upright.
        let mut photo = RgbImage::from_pixel(354, 472, Rgb([200, 20, 20]));
        for y in 0..40 {
            for x in 0..354 {
                photo.put_pixel(x, y, Rgb([20, 20, 200]));
            }
        }
        let mut jpeg = Vec::new();
        image::DynamicImage::ImageRgb8(photo)
            .write_to(
                &mut std::io::Cursor::new(&mut jpeg),
                image::ImageFormat::Jpeg,
            )
            .expect("jpeg");
        let png = jpeg_sheet_png(&jpeg, [33.0, 48.0], Some(1), 254).expect("png");
        let page = image::load_from_memory(&png).expect("a PNG").to_rgb8();
        // 10 dots a mm: 101.6×152.4 mm (4×6 in).
        assert_eq!(page.dimensions(), (1016, 1524));
        // The photo: red pixels 330 wide and 480 tall (33×48 mm), within a dot of scaling.
        let red = |p: &Rgb<u8>| p[0] > 150 && p[2] < 80;
        let (mut xs, mut ys) = (Vec::new(), Vec::new());
        for (x, y, p) in page.enumerate_pixels() {
            if red(p) {
                xs.push(x);
                ys.push(y);
            }
        }
        let span = |v: &[u32]| v.iter().max().expect("some") - v.iter().min().expect("some") + 1;
        assert!((329..=331).contains(&span(&xs)), "width {}", span(&xs));
        let (x0, y0) = (*xs.iter().min().expect("x"), *ys.iter().min().expect("y"));
        // Blue on top: upright.
        let above = page.get_pixel(x0 + 165, y0.saturating_sub(20));
        assert!(above[2] > 150 && above[0] < 80, "{above:?} above the red");
        // The photo's top edge (the blue band's first row) and, in its line left of the photo
        // (0.3 mm off, 1.5 mm long), a black cut mark.
        let column = x0 + 165;
        let photo_top = (0..y0)
            .find(|&y| page.get_pixel(column, y)[0] < 250)
            .expect("the photo's top");
        assert!(y0 - photo_top > 30, "the band is on top");
        let mark = (photo_top.saturating_sub(2)..=photo_top + 1)
            .any(|y| page.get_pixel(x0 - 10, y) == &Rgb([0, 0, 0]));
        assert!(mark, "no cut mark at the top left corner");
        assert_eq!(
            page.get_pixel(x0 - 10, photo_top + 20),
            &Rgb([255, 255, 255])
        );
        // More than fit is an error, as for the PDF.
        assert!(matches!(
            jpeg_sheet_png(&jpeg, [33.0, 48.0], Some(99), 254),
            Err(RenderError::Copies { .. })
        ));
    }
}
