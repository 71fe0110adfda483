//! Our own TrueType subsetter for the embedded CJK font: a whole CJK face is megabytes, a
//! receipt uses a few dozen glyphs. Glyph ids stay as they are (the PDF's Identity-H codes are
//! the original ids), every glyph not used is emptied, the glyph count ends at the last one
//! used, and the face is taken out of its collection (`.ttc`). Only the tables a PDF reader
//! needs for a `CIDFontType2` program are kept. Pure.

use std::collections::BTreeSet;

/// A font we cannot subset.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("receipt: font subset: {0}")]
pub struct SubsetError(&'static str);

/// Tables copied as they are; `head`, `hhea`, `maxp`, `hmtx`, `loca` and `glyf` are rebuilt.
const COPIED: [&[u8; 4]; 5] = [b"OS/2", b"cvt ", b"fpgm", b"prep", b"name"];

fn u16_at(b: &[u8], at: usize) -> Result<u16, SubsetError> {
    b.get(at..at + 2)
        .map(|s| u16::from_be_bytes([s[0], s[1]]))
        .ok_or(SubsetError("truncated font"))
}

fn u32_at(b: &[u8], at: usize) -> Result<u32, SubsetError> {
    b.get(at..at + 4)
        .map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
        .ok_or(SubsetError("truncated font"))
}

/// The tables of face `index` of a font file or collection.
/// A table's tag and bytes.
type Table<'a> = ([u8; 4], &'a [u8]);

fn tables(font: &[u8], index: u32) -> Result<Vec<Table<'_>>, SubsetError> {
    let face = if font.get(..4) == Some(b"ttcf") {
        if index >= u32_at(font, 8)? {
            return Err(SubsetError("no such face in the collection"));
        }
        u32_at(font, 12 + 4 * index as usize)? as usize
    } else {
        0
    };
    let count = usize::from(u16_at(font, face + 4)?);
    (0..count)
        .map(|i| {
            let rec = face + 12 + 16 * i;
            let tag = font
                .get(rec..rec + 4)
                .and_then(|t| <[u8; 4]>::try_from(t).ok())
                .ok_or(SubsetError("truncated font"))?;
            let (offset, len) = (
                u32_at(font, rec + 8)? as usize,
                u32_at(font, rec + 12)? as usize,
            );
            let data = font
                .get(offset..offset + len)
                .ok_or(SubsetError("table outside the file"))?;
            Ok((tag, data))
        })
        .collect()
}

fn table<'a>(tables: &[Table<'a>], tag: &[u8; 4]) -> Result<&'a [u8], SubsetError> {
    tables
        .iter()
        .find(|(t, _)| t == tag)
        .map(|(_, d)| *d)
        .ok_or(SubsetError(
            "a TrueType table is missing (not a glyf font?)",
        ))
}

/// The glyphs composite glyph `data` is made of.
fn components(data: &[u8]) -> Result<Vec<u16>, SubsetError> {
    let mut out = Vec::new();
    if data.len() < 10 || (u16_at(data, 0)? as i16) >= 0 {
        return Ok(out);
    }
    let mut at = 10;
    loop {
        let flags = u16_at(data, at)?;
        out.push(u16_at(data, at + 2)?);
        at += 4 + if flags & 0x0001 != 0 { 4 } else { 2 };
        at += match flags {
            f if f & 0x0008 != 0 => 2,
            f if f & 0x0040 != 0 => 4,
            f if f & 0x0080 != 0 => 8,
            _ => 0,
        };
        if flags & 0x0020 == 0 {
            return Ok(out);
        }
    }
}

/// Face `index` of `font` with only the glyphs `used` (and what they are built from); glyph 0
/// (`.notdef`) is always kept.
pub fn subset(font: &[u8], index: u32, used: &BTreeSet<u16>) -> Result<Vec<u8>, SubsetError> {
    let tables = tables(font, index)?;
    let (head, hhea, maxp) = (
        table(&tables, b"head")?,
        table(&tables, b"hhea")?,
        table(&tables, b"maxp")?,
    );
    let (hmtx, loca, glyf) = (
        table(&tables, b"hmtx")?,
        table(&tables, b"loca")?,
        table(&tables, b"glyf")?,
    );
    let glyphs = u16_at(maxp, 4)?;
    let long_loca = u16_at(head, 50)? == 1;
    let metrics = u16_at(hhea, 34)?.clamp(1, glyphs.max(1));
    let span = |gid: u16| -> Result<&[u8], SubsetError> {
        let g = usize::from(gid);
        let (start, end) = if long_loca {
            (
                u32_at(loca, 4 * g)? as usize,
                u32_at(loca, 4 * g + 4)? as usize,
            )
        } else {
            (
                2 * usize::from(u16_at(loca, 2 * g)?),
                2 * usize::from(u16_at(loca, 2 * g + 2)?),
            )
        };
        glyf.get(start..end.max(start))
            .ok_or(SubsetError("glyph outside glyf"))
    };
    // Close the set over composite glyphs' components.
    let mut keep: BTreeSet<u16> = used.iter().copied().filter(|&g| g < glyphs).collect();
    keep.insert(0);
    let mut todo: Vec<u16> = keep.iter().copied().collect();
    while let Some(gid) = todo.pop() {
        for part in components(span(gid)?)? {
            if part < glyphs && keep.insert(part) {
                todo.push(part);
            }
        }
    }
    let count = keep.last().map_or(1, |g| g + 1);

    let mut new_glyf = Vec::new();
    let mut new_loca = Vec::with_capacity(4 * (usize::from(count) + 1));
    let mut new_hmtx = Vec::with_capacity(4 * usize::from(count));
    for gid in 0..count {
        new_loca.extend((new_glyf.len() as u32).to_be_bytes());
        if keep.contains(&gid) {
            new_glyf.extend_from_slice(span(gid)?);
            while new_glyf.len() % 4 != 0 {
                new_glyf.push(0);
            }
        }
        // Every glyph gets a full metric, so numberOfHMetrics = count.
        let (advance, lsb) = if gid < metrics {
            (
                u16_at(hmtx, 4 * usize::from(gid))?,
                u16_at(hmtx, 4 * usize::from(gid) + 2)?,
            )
        } else {
            let lsb_at = 4 * usize::from(metrics) + 2 * usize::from(gid - metrics);
            (
                u16_at(hmtx, 4 * usize::from(metrics - 1))?,
                u16_at(hmtx, lsb_at)?,
            )
        };
        new_hmtx.extend(advance.to_be_bytes());
        new_hmtx.extend(lsb.to_be_bytes());
    }
    new_loca.extend((new_glyf.len() as u32).to_be_bytes());

    let mut new_head = head.to_vec();
    new_head
        .get_mut(8..12)
        .ok_or(SubsetError("short head"))?
        .fill(0);
    new_head
        .get_mut(50..52)
        .ok_or(SubsetError("short head"))?
        .copy_from_slice(&1u16.to_be_bytes());
    let mut new_hhea = hhea.to_vec();
    new_hhea
        .get_mut(34..36)
        .ok_or(SubsetError("short hhea"))?
        .copy_from_slice(&count.to_be_bytes());
    let mut new_maxp = maxp.to_vec();
    new_maxp
        .get_mut(4..6)
        .ok_or(SubsetError("short maxp"))?
        .copy_from_slice(&count.to_be_bytes());

    let mut out_tables: Vec<([u8; 4], Vec<u8>)> = vec![
        (*b"glyf", new_glyf),
        (*b"head", new_head),
        (*b"hhea", new_hhea),
        (*b"hmtx", new_hmtx),
        (*b"loca", new_loca),
        (*b"maxp", new_maxp),
    ];
    for tag in COPIED {
        if let Some((_, data)) = tables.iter().find(|(t, _)| t == tag) {
            out_tables.push((*tag, data.to_vec()));
        }
    }
    out_tables.sort_by_key(|t| t.0);
    Ok(write_sfnt(&out_tables))
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, c| {
        let mut word = [0u8; 4];
        word[..c.len()].copy_from_slice(c);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// A TrueType file of `tables` (sorted by tag), with checksums and `head`'s adjustment.
fn write_sfnt(tables: &[([u8; 4], Vec<u8>)]) -> Vec<u8> {
    let n = tables.len() as u16;
    let power = 1u16 << (15 - n.leading_zeros()).min(15);
    let mut out = Vec::new();
    out.extend(0x0001_0000u32.to_be_bytes());
    out.extend(n.to_be_bytes());
    out.extend((power * 16).to_be_bytes());
    out.extend((power.trailing_zeros() as u16).to_be_bytes());
    out.extend((n * 16 - power * 16).to_be_bytes());
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in tables {
        out.extend(tag);
        out.extend(checksum(data).to_be_bytes());
        out.extend((offset as u32).to_be_bytes());
        out.extend((data.len() as u32).to_be_bytes());
        offset += data.len().div_ceil(4) * 4;
    }
    for (tag, data) in tables {
        if tag == b"head" {
            head_at = Some(out.len());
        }
        out.extend(data);
        out.resize(out.len().div_ceil(4) * 4, 0);
    }
    if let Some(at) = head_at {
        let adjust = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjust.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::font::FontFile;

    #[test]
    fn a_subset_keeps_the_used_glyphs_and_their_ids() {
        let font = FontFile::system().expect("a CJK font");
        let face =
            ab_glyph::FontRef::try_from_slice_and_index(&font.bytes, font.index).expect("parses");
        use ab_glyph::Font;
        let ids: BTreeSet<u16> = "回执号4403X".chars().map(|c| face.glyph_id(c).0).collect();
        let small = subset(&font.bytes, font.index, &ids).expect("subsets");
        assert!(small.len() < font.bytes.len() / 10, "{} bytes", small.len());
        let sub = ab_glyph::FontRef::try_from_slice(&small).expect("the subset parses");
        for &id in &ids {
            let full = face.outline(ab_glyph::GlyphId(id)).expect("outline");
            let kept = sub
                .outline(ab_glyph::GlyphId(id))
                .expect("kept under its id");
            assert_eq!(full.curves.len(), kept.curves.len(), "glyph {id}");
            assert_eq!(
                face.h_advance_unscaled(ab_glyph::GlyphId(id)),
                sub.h_advance_unscaled(ab_glyph::GlyphId(id))
            );
        }
        let unused = face.glyph_id('中').0;
        assert!(!ids.contains(&unused));
        assert!(
            unused >= sub.glyph_count() as u16 || sub.outline(ab_glyph::GlyphId(unused)).is_none()
        );
        assert_eq!(checksum(&small), 0xB1B0_AFBA, "whole-font checksum");
    }
}
