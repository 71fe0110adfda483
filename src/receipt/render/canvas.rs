//! A strip of thermal paper: a fixed width in dots, as long as what was printed; white until a
//! dot is burnt.

use image::GrayImage;

/// The paper.
#[derive(Debug, Clone)]
pub struct Canvas {
    width: u32,
    pixels: Vec<u8>,
}

const WHITE: u8 = 255;

impl Canvas {
    /// Blank paper `width` dots wide.
    pub fn new(width: u32) -> Canvas {
        Canvas {
            width,
            pixels: Vec::new(),
        }
    }

    /// Width in dots.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Makes the paper at least `rows` long.
    pub fn extend_to(&mut self, rows: u32) {
        let len = (rows * self.width) as usize;
        if self.pixels.len() < len {
            self.pixels.resize(len, WHITE);
        }
    }

    /// Burns the dot at `(x, y)`; a dot beside the paper is lost, as on a printer.
    pub fn dot(&mut self, x: i64, y: i64) {
        if x < 0 || y < 0 || x >= i64::from(self.width) {
            return;
        }
        let (x, y) = (x as u32, y as u32);
        self.extend_to(y + 1);
        self.pixels[(y * self.width + x) as usize] = 0;
    }

    /// Burns a rectangle.
    pub fn fill(&mut self, x: u32, y: u32, w: u32, h: u32) {
        for yy in y..y + h {
            for xx in x..x + w {
                self.dot(i64::from(xx), i64::from(yy));
            }
        }
    }

    /// The paper as an image `rows` long.
    pub fn into_image(mut self, rows: u32) -> GrayImage {
        self.extend_to(rows);
        self.pixels.truncate((rows * self.width) as usize);
        GrayImage::from_raw(self.width, rows, self.pixels)
            .unwrap_or_else(|| GrayImage::new(self.width, rows))
    }
}
