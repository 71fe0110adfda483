//! Proof that a JPEG's picture is whole: every scan's entropy-coded data is walked with the
//! file's own Huffman tables, block by block, to the last block of the frame.
//!
//! A JPEG decoder fills what it cannot read with grey and carries on, so a file cut short (and a
//! truncated upload with `FF D9` appended) or one with a flipped bit decodes "successfully" into
//! a picture that is partly not the applicant. This walk refuses such a file: the data must run
//! out exactly at the last block of each scan, every Huffman code must exist, restart markers
//! must come in order, and by the end marker every coefficient of every component must have been
//! sent (a progressive file cut between scans is blurry, not whole). Data after the end marker is
//! allowed: phones append motion-photo videos there.
//!
//! Only the structure is proved. A flipped bit that still spells valid codes (a coefficient's
//! value) changes the picture without breaking it, as it would in any file format without a
//! checksum.

use super::{DecodeError, MAX_PIXELS, MAX_SIDE};

/// Walks `bytes`, a JPEG from its SOI marker, to its EOI marker.
pub(crate) fn check(bytes: &[u8]) -> Result<(), DecodeError> {
    Walk::new(bytes).run()
}

fn damaged(what: impl Into<String>) -> DecodeError {
    DecodeError::Damaged(what.into())
}

/// A Huffman table, decoded a bit at a time (JPEG's Annex F.2.2.3).
#[derive(Debug, Clone)]
struct Huffman {
    /// Per code length, the largest code, or -1 when there is none of that length.
    max_code: [i32; 17],
    /// Per code length, the first code and the index of its value.
    first: [(i32, usize); 17],
    values: Vec<u8>,
}

impl Huffman {
    fn parse(counts: &[u8], values: &[u8]) -> Result<Huffman, DecodeError> {
        let mut max_code = [-1; 17];
        let mut first = [(0, 0); 17];
        let (mut code, mut index) = (0i32, 0usize);
        for length in 1..=16 {
            let count = i32::from(counts[length - 1]);
            if count > 0 {
                first[length] = (code, index);
                code += count;
                index += count as usize;
                // A code of all ones is reserved; more codes than the length holds is nonsense.
                if code > (1 << length) - 1 {
                    return Err(damaged("a Huffman table has more codes than fit"));
                }
                max_code[length] = code - 1;
            }
            code <<= 1;
        }
        if index != values.len() {
            return Err(damaged("a Huffman table's length does not match its codes"));
        }
        Ok(Huffman {
            max_code,
            first,
            values: values.to_vec(),
        })
    }

    fn decode(&self, bits: &mut Bits<'_>) -> Result<u8, DecodeError> {
        let mut code = 0i32;
        for length in 1..=16 {
            code = (code << 1) | bits.bit()? as i32;
            if code <= self.max_code[length] {
                let (first_code, first_index) = self.first[length];
                return Ok(self.values[first_index + (code - first_code) as usize]);
            }
        }
        Err(damaged(
            "the image data holds a code its Huffman table does not have",
        ))
    }
}

/// The entropy-coded bits of one scan, unstuffed (`FF 00` is `FF`), stopping at any marker.
struct Bits<'a> {
    bytes: &'a [u8],
    at: usize,
    byte: u8,
    left: u8,
}

impl<'a> Bits<'a> {
    fn new(bytes: &'a [u8], at: usize) -> Bits<'a> {
        Bits {
            bytes,
            at,
            byte: 0,
            left: 0,
        }
    }

    fn bit(&mut self) -> Result<u32, DecodeError> {
        if self.left == 0 {
            let Some(&byte) = self.bytes.get(self.at) else {
                return Err(DecodeError::Truncated);
            };
            if byte == 0xFF {
                if self.bytes.get(self.at + 1) == Some(&0x00) {
                    self.at += 2;
                } else {
                    // The data stops at a marker (after any fill bytes) before the scan's last
                    // block: a file cut short and closed with an end marker, or codes misread
                    // after a damaged bit.
                    let rest = &self.bytes[self.at + 1..];
                    let fill = rest.iter().take_while(|&&b| b == 0xFF).count();
                    return match rest.get(fill) {
                        None | Some(0xD9) => Err(DecodeError::Truncated),
                        Some(_) => Err(damaged("a marker interrupts the image data")),
                    };
                }
            } else {
                self.at += 1;
            }
            self.byte = byte;
            self.left = 8;
        }
        self.left -= 1;
        Ok(u32::from((self.byte >> self.left) & 1))
    }

    fn bits(&mut self, n: u8) -> Result<u32, DecodeError> {
        let mut value = 0;
        for _ in 0..n {
            value = (value << 1) | self.bit()?;
        }
        Ok(value)
    }

    /// Drops the padding bits of the current byte; the next marker should follow.
    fn align(&mut self) {
        self.left = 0;
    }

    /// The marker that must come next, after optional fill bytes (`FF FF …`).
    fn marker(&mut self) -> Result<u8, DecodeError> {
        match self.bytes.get(self.at..) {
            None | Some([]) | Some([0xFF]) => Err(DecodeError::Truncated),
            Some([0xFF, rest @ ..]) => {
                let fill = rest.iter().take_while(|&&b| b == 0xFF).count();
                match rest.get(fill) {
                    None => Err(DecodeError::Truncated),
                    Some(0x00) => Err(damaged("the image data goes on past the last block")),
                    Some(&marker) => {
                        self.at += 2 + fill;
                        Ok(marker)
                    }
                }
            }
            Some(_) => Err(damaged("the image data goes on past the last block")),
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Component {
    id: u8,
    h: usize,
    v: usize,
}

#[derive(Debug, Clone)]
struct Frame {
    progressive: bool,
    width: usize,
    height: usize,
    components: Vec<Component>,
    h_max: usize,
    v_max: usize,
}

impl Frame {
    /// MCUs across and down when all components are interleaved.
    fn mcus(&self) -> (usize, usize) {
        (
            self.width.div_ceil(8 * self.h_max),
            self.height.div_ceil(8 * self.v_max),
        )
    }

    /// A component's blocks across and down when it is coded alone.
    fn blocks(&self, c: usize) -> (usize, usize) {
        let Component { h, v, .. } = self.components[c];
        (
            (self.width * h).div_ceil(self.h_max).div_ceil(8),
            (self.height * v).div_ceil(self.v_max).div_ceil(8),
        )
    }

    /// The width of a component's block grid padded to whole MCUs (covers both layouts).
    fn stride(&self, c: usize) -> usize {
        self.mcus().0 * self.components[c].h
    }
}

/// A component's part of a scan.
#[derive(Debug, Clone, Copy)]
struct ScanComponent {
    index: usize,
    dc: usize,
    ac: usize,
}

/// A scan's header: which components, which coefficients, which bit.
#[derive(Debug, Clone)]
struct Scan {
    components: Vec<ScanComponent>,
    start: usize,
    end: usize,
    high: u8,
    low: u8,
}

struct Walk<'a> {
    bytes: &'a [u8],
    frame: Option<Frame>,
    dc: [Option<Huffman>; 4],
    ac: [Option<Huffman>; 4],
    restart: usize,
    /// Per component and coefficient, the lowest bit sent so far (`u8::MAX`: not yet).
    sent: Vec<[u8; 64]>,
    /// Per component, per block, which coefficients are non-zero (progressive refinement needs it).
    nonzero: Vec<Vec<u64>>,
    eob_run: u32,
}

impl<'a> Walk<'a> {
    fn new(bytes: &'a [u8]) -> Walk<'a> {
        Walk {
            bytes,
            frame: None,
            dc: Default::default(),
            ac: Default::default(),
            restart: 0,
            sent: Vec::new(),
            nonzero: Vec::new(),
            eob_run: 0,
        }
    }

    fn run(mut self) -> Result<(), DecodeError> {
        if !self.bytes.starts_with(&[0xFF, 0xD8]) {
            return Err(DecodeError::NotAnImage);
        }
        let mut at = 2;
        loop {
            let mut bits = Bits::new(self.bytes, at);
            let marker = match bits.marker() {
                Ok(marker) => marker,
                Err(DecodeError::Truncated) => return Err(DecodeError::Truncated),
                Err(_) => return Err(damaged("bytes between segments that are no segment")),
            };
            at = bits.at;
            match marker {
                0xD9 => return self.finished(),
                // Restart markers between scans carry nothing; TEM has no length.
                0xD0..=0xD7 | 0x01 => continue,
                0xD8 => return Err(damaged("a second start-of-image marker")),
                _ => {}
            }
            let Some(length) = self.bytes.get(at..at + 2) else {
                return Err(DecodeError::Truncated);
            };
            let length = usize::from(u16::from_be_bytes([length[0], length[1]]));
            if length < 2 {
                return Err(damaged("a segment shorter than its own length field"));
            }
            let Some(segment) = self.bytes.get(at + 2..at + length) else {
                return Err(DecodeError::Truncated);
            };
            at += length;
            match marker {
                0xC0..=0xC2 => self.frame(segment, marker == 0xC2)?,
                0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                    return Err(damaged(
                        "lossless, hierarchical or arithmetic coding, which is not supported",
                    ));
                }
                0xC4 => self.tables(segment)?,
                0xDD => {
                    let [a, b] = segment else {
                        return Err(damaged("a restart interval segment of the wrong length"));
                    };
                    self.restart = usize::from(u16::from_be_bytes([*a, *b]));
                }
                0xDA => at = self.scan(segment, at)?,
                _ => {}
            }
        }
    }

    fn frame(&mut self, segment: &[u8], progressive: bool) -> Result<(), DecodeError> {
        if self.frame.is_some() {
            return Err(damaged("a second frame header"));
        }
        let bad = || damaged("a frame header that does not add up");
        let [_precision, h1, h0, w1, w0, count, rest @ ..] = segment else {
            return Err(bad());
        };
        let count = usize::from(*count);
        if count == 0 || count > 4 || rest.len() != 3 * count {
            return Err(bad());
        }
        let components: Vec<Component> = rest
            .chunks_exact(3)
            .map(|c| Component {
                id: c[0],
                h: usize::from(c[1] >> 4),
                v: usize::from(c[1] & 15),
            })
            .collect();
        if components
            .iter()
            .any(|c| !(1..=4).contains(&c.h) || !(1..=4).contains(&c.v))
        {
            return Err(bad());
        }
        let (height, width) = (
            usize::from(u16::from_be_bytes([*h1, *h0])),
            usize::from(u16::from_be_bytes([*w1, *w0])),
        );
        if width == 0 || height == 0 {
            return Err(damaged("a frame without a width or a height"));
        }
        // Nothing is allocated for a decompression bomb.
        let (w, h) = (width as u32, height as u32);
        if u64::from(w) * u64::from(h) > MAX_PIXELS || w > MAX_SIDE || h > MAX_SIDE {
            return Err(DecodeError::TooLarge {
                width: w,
                height: h,
            });
        }
        let frame = Frame {
            progressive,
            width,
            height,
            h_max: components.iter().map(|c| c.h).max().unwrap_or(1),
            v_max: components.iter().map(|c| c.v).max().unwrap_or(1),
            components,
        };
        self.sent = vec![[u8::MAX; 64]; count];
        if progressive {
            let (across, down) = frame.mcus();
            self.nonzero = (0..count)
                .map(|c| vec![0; across * frame.components[c].h * down * frame.components[c].v])
                .collect();
        }
        self.frame = Some(frame);
        Ok(())
    }

    fn tables(&mut self, mut segment: &[u8]) -> Result<(), DecodeError> {
        while let [class_id, rest @ ..] = segment {
            let (class, id) = (class_id >> 4, usize::from(class_id & 15));
            let (Some(counts), true) = (rest.get(..16), class <= 1 && id < 4) else {
                return Err(damaged("a Huffman table segment that does not add up"));
            };
            let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
            let Some(values) = rest.get(16..16 + total) else {
                return Err(damaged("a Huffman table segment that does not add up"));
            };
            let table = Huffman::parse(counts, values)?;
            if class == 0 {
                self.dc[id] = Some(table);
            } else {
                self.ac[id] = Some(table);
            }
            segment = &rest[16 + total..];
        }
        Ok(())
    }

    fn scan(&mut self, segment: &[u8], data: usize) -> Result<usize, DecodeError> {
        let Some(frame) = self.frame.clone() else {
            return Err(damaged("a scan before the frame header"));
        };
        let bad = || damaged("a scan header that does not add up");
        let [count, rest @ ..] = segment else {
            return Err(bad());
        };
        let count = usize::from(*count);
        let [selectors @ .., start, end, bits] = rest else {
            return Err(bad());
        };
        if count == 0 || selectors.len() != 2 * count {
            return Err(bad());
        }
        let mut components = Vec::with_capacity(count);
        for pair in selectors.chunks_exact(2) {
            let index = frame
                .components
                .iter()
                .position(|c| c.id == pair[0])
                .ok_or_else(bad)?;
            let (dc, ac) = (usize::from(pair[1] >> 4), usize::from(pair[1] & 15));
            if dc > 3 || ac > 3 {
                return Err(bad());
            }
            components.push(ScanComponent { index, dc, ac });
        }
        let scan = if frame.progressive {
            Scan {
                components,
                start: usize::from(*start),
                end: usize::from(*end),
                high: bits >> 4,
                low: bits & 15,
            }
        } else {
            Scan {
                components,
                start: 0,
                end: 63,
                high: 0,
                low: 0,
            }
        };
        // A progressive scan is DC or AC, never both; AC scans are of one component.
        let mixed = frame.progressive && scan.start == 0 && scan.end != 0;
        if scan.start > scan.end || scan.end > 63 || mixed || (scan.start > 0 && count != 1) {
            return Err(bad());
        }
        // The tables the scan needs must be there before its data.
        for c in &scan.components {
            let dc_needed = scan.start == 0 && scan.high == 0;
            let ac_needed = scan.end > 0;
            if (dc_needed && self.dc[c.dc].is_none()) || (ac_needed && self.ac[c.ac].is_none()) {
                return Err(damaged("a scan uses a Huffman table that is not defined"));
            }
        }
        let mut bits = Bits::new(self.bytes, data);
        self.eob_run = 0;
        let single = match scan.components[..] {
            [only] => Some((frame.blocks(only.index), frame.stride(only.index))),
            _ => None,
        };
        let (mcus_across, mcus_down) = frame.mcus();
        let units = single.map_or(mcus_across * mcus_down, |((across, down), _)| across * down);
        let mut next_restart = 0u8;
        for i in 0..units {
            if self.restart > 0 && i > 0 && i % self.restart == 0 {
                bits.align();
                match bits.marker()? {
                    m if m == 0xD0 + next_restart => next_restart = (next_restart + 1) % 8,
                    0xD9 => return Err(DecodeError::Truncated),
                    _ => return Err(damaged("a restart marker is missing or out of order")),
                }
                self.eob_run = 0;
            }
            if let Some(((across, _), stride)) = single {
                self.block(
                    &frame,
                    &scan,
                    0,
                    (i / across) * stride + i % across,
                    &mut bits,
                )?;
                continue;
            }
            let (mx, my) = (i % mcus_across, i / mcus_across);
            for (slot, c) in scan.components.iter().enumerate() {
                let Component { h, v, .. } = frame.components[c.index];
                let stride = frame.stride(c.index);
                for by in 0..v {
                    for bx in 0..h {
                        let block = (my * v + by) * stride + mx * h + bx;
                        self.block(&frame, &scan, slot, block, &mut bits)?;
                    }
                }
            }
        }
        bits.align();
        for c in &scan.components {
            for k in scan.start..=scan.end {
                self.sent[c.index][k] = scan.low;
            }
        }
        // The next marker must follow the last block at once.
        let rest = bits.at;
        bits.marker()?;
        Ok(rest)
    }

    fn block(
        &mut self,
        frame: &Frame,
        scan: &Scan,
        slot: usize,
        block: usize,
        bits: &mut Bits<'_>,
    ) -> Result<(), DecodeError> {
        let c = scan.components[slot];
        let Walk {
            dc,
            ac,
            nonzero,
            eob_run,
            ..
        } = self;
        let missing = || damaged("a scan uses a Huffman table that is not defined");
        let dc_size = |dc: &Huffman, bits: &mut Bits<'_>| -> Result<(), DecodeError> {
            let size = dc.decode(bits)?;
            if size > 15 {
                return Err(damaged("a DC difference longer than 15 bits"));
            }
            bits.bits(size).map(drop)
        };
        if !frame.progressive {
            let (dc, ac) = (
                dc[c.dc].as_ref().ok_or_else(missing)?,
                ac[c.ac].as_ref().ok_or_else(missing)?,
            );
            dc_size(dc, bits)?;
            let mut k = 1;
            while k < 64 {
                let rs = ac.decode(bits)?;
                let (run, size) = (usize::from(rs >> 4), rs & 15);
                if size == 0 {
                    if run != 15 {
                        break;
                    }
                    k += 16;
                    continue;
                }
                k += run;
                if k > 63 {
                    return Err(damaged("a block has more than 64 coefficients"));
                }
                bits.bits(size)?;
                k += 1;
            }
            return Ok(());
        }
        if scan.start == 0 {
            if scan.high == 0 {
                dc_size(dc[c.dc].as_ref().ok_or_else(missing)?, bits)?;
            } else {
                bits.bit()?;
            }
            return Ok(());
        }
        let ac = ac[c.ac].as_ref().ok_or_else(missing)?;
        let Some(nonzero) = nonzero[c.index].get_mut(block) else {
            return Err(damaged("a block outside the frame"));
        };
        let (start, end) = (scan.start, scan.end);
        if scan.high == 0 {
            // A first pass over these coefficients.
            if *eob_run > 0 {
                *eob_run -= 1;
                return Ok(());
            }
            let mut k = start;
            while k <= end {
                let rs = ac.decode(bits)?;
                let (run, size) = (usize::from(rs >> 4), rs & 15);
                if size == 0 {
                    if run < 15 {
                        *eob_run = (1 << run) + bits.bits(run as u8)? - 1;
                        break;
                    }
                    k += 16;
                    continue;
                }
                k += run;
                if k > end {
                    return Err(damaged("a block has more coefficients than its scan"));
                }
                bits.bits(size)?;
                *nonzero |= 1 << k;
                k += 1;
            }
            return Ok(());
        }
        // A refinement: one more bit of every non-zero coefficient, and new ones of ±1.
        let mut k = start;
        if *eob_run == 0 {
            while k <= end {
                let rs = ac.decode(bits)?;
                let (mut run, size) = (i32::from(rs >> 4), rs & 15);
                if size == 0 {
                    if run < 15 {
                        *eob_run = (1 << run) + bits.bits(run as u8)?;
                        break;
                    }
                } else if size == 1 {
                    bits.bit()?;
                } else {
                    return Err(damaged("a refinement of more than one bit"));
                }
                loop {
                    if *nonzero & (1 << k) != 0 {
                        bits.bit()?;
                    } else {
                        run -= 1;
                        if run < 0 {
                            break;
                        }
                    }
                    k += 1;
                    if k > end {
                        break;
                    }
                }
                if size != 0 {
                    if k > end {
                        return Err(damaged("a block has more coefficients than its scan"));
                    }
                    *nonzero |= 1 << k;
                }
                k += 1;
            }
        }
        if *eob_run > 0 {
            for k in k..=end {
                if *nonzero & (1 << k) != 0 {
                    bits.bit()?;
                }
            }
            *eob_run -= 1;
        }
        Ok(())
    }

    /// At the end marker: every coefficient of every component must have been sent whole.
    fn finished(&self) -> Result<(), DecodeError> {
        if self.frame.is_none() {
            return Err(damaged("no frame header before the end marker"));
        }
        if self.sent.iter().any(|c| c.iter().any(|&bit| bit != 0)) {
            return Err(DecodeError::Truncated);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noisy(width: u32, height: u32, grey: bool) -> Vec<u8> {
        let mut seed = 7u32;
        let mut next = move || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            (seed >> 16) as u8
        };
        let mut out = Vec::new();
        let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
        if grey {
            let image = image::GrayImage::from_fn(width, height, |_, _| image::Luma([next()]));
            encoder.encode(&image, width, height, image::ExtendedColorType::L8)
        } else {
            let image = image::RgbImage::from_fn(width, height, |x, y| {
                image::Rgb([next(), (x * 3) as u8, (y * 5) as u8])
            });
            encoder.encode(&image, width, height, image::ExtendedColorType::Rgb8)
        }
        .expect("encode");
        out
    }

    #[test]
    fn whole_files_pass_and_every_cut_is_truncated() {
        for (width, height, grey) in [(37, 21, false), (64, 48, true), (9, 130, false)] {
            let whole = noisy(width, height, grey);
            assert_eq!(check(&whole), Ok(()), "{width}×{height}");
            let sos = whole
                .windows(2)
                .position(|w| w == [0xFF, 0xDA])
                .expect("SOS");
            for cut in (sos + 14..whole.len() - 2).step_by(7) {
                let mut bytes = whole[..cut].to_vec();
                assert_eq!(check(&bytes), Err(DecodeError::Truncated), "cut at {cut}");
                bytes.extend_from_slice(&[0xFF, 0xD9]);
                assert_eq!(
                    check(&bytes),
                    Err(DecodeError::Truncated),
                    "cut at {cut} + EOI"
                );
            }
        }
    }

    #[test]
    fn a_huffman_table_with_more_codes_than_fit_is_damaged() {
        // Three codes of length one cannot exist.
        let mut counts = [0u8; 16];
        counts[0] = 3;
        assert!(matches!(
            Huffman::parse(&counts, &[1, 2, 3]),
            Err(DecodeError::Damaged(_))
        ));
        counts[0] = 1;
        assert!(Huffman::parse(&counts, &[1]).is_ok());
        assert!(Huffman::parse(&counts, &[1, 2]).is_err());
    }

    #[test]
    fn no_frame_or_no_scan_is_not_a_picture() {
        assert!(matches!(
            check(&[0xFF, 0xD8, 0xFF, 0xD9]),
            Err(DecodeError::Damaged(_))
        ));
        // A frame header and no scan: nothing of the picture was sent.
        let whole = noisy(16, 16, false);
        let sos = whole
            .windows(2)
            .position(|w| w == [0xFF, 0xDA])
            .expect("SOS");
        let mut headers = whole[..sos].to_vec();
        headers.extend_from_slice(&[0xFF, 0xD9]);
        assert_eq!(check(&headers), Err(DecodeError::Truncated));
    }
}
