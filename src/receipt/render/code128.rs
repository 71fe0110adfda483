//! CODE128 from its data to bar widths, as a printer draws `GS k 73`: code set B for text, code
//! set C when the data opens with `{C` (pairs of digits as byte values). Pure.

/// The 107 symbols: bar, space, bar, space, bar, space widths in modules (11 in all); the last
/// one is the stop, which has a seventh element (13 modules).
const PATTERNS: [&[u8]; 107] = [
    b"212222", b"222122", b"222221", b"121223", b"121322", b"131222", b"122213", b"122312",
    b"132212", b"221213", b"221312", b"231212", b"112232", b"122132", b"122231", b"113222",
    b"123122", b"123221", b"223211", b"221132", b"221231", b"213212", b"223112", b"312131",
    b"311222", b"321122", b"321221", b"312212", b"322112", b"322211", b"212123", b"212321",
    b"232121", b"111323", b"131123", b"131321", b"112313", b"132113", b"132311", b"211313",
    b"231113", b"231311", b"112133", b"112331", b"132131", b"113123", b"113321", b"133121",
    b"313121", b"211331", b"231131", b"213113", b"213311", b"213131", b"311123", b"311321",
    b"331121", b"312113", b"312311", b"332111", b"314111", b"221411", b"431111", b"111224",
    b"111422", b"121124", b"121421", b"141122", b"141221", b"112214", b"112412", b"122114",
    b"122411", b"142112", b"142211", b"241211", b"221114", b"413111", b"241112", b"134111",
    b"111242", b"121142", b"121241", b"114212", b"124112", b"124211", b"411212", b"421112",
    b"421211", b"212141", b"214121", b"412121", b"111143", b"111341", b"131141", b"114113",
    b"114311", b"411113", b"411311", b"113141", b"114131", b"311141", b"411131", b"211412",
    b"211214", b"211232", b"2331112",
];

const START_B: u8 = 104;
const START_C: u8 = 105;
const STOP: u8 = 106;

/// The symbol values of `data`, start and check symbol included, stop excluded; `None` when a
/// character has no symbol in its code set (control bytes, non-ASCII, a C value over 99).
pub fn symbols(data: &[u8]) -> Option<Vec<u8>> {
    let mut values = match data.strip_prefix(b"{C") {
        Some(pairs) => {
            let mut v = vec![START_C];
            for &b in pairs {
                (b <= 99).then_some(())?;
                v.push(b);
            }
            v
        }
        None => {
            let text = data.strip_prefix(b"{B").unwrap_or(data);
            let mut v = vec![START_B];
            for &b in text {
                (0x20..0x80).contains(&b).then_some(())?;
                v.push(b - 0x20);
            }
            v
        }
    };
    let check = values
        .iter()
        .enumerate()
        .map(|(i, &v)| u32::from(v) * (i as u32).max(1))
        .sum::<u32>()
        % 103;
    values.push(check as u8);
    Some(values)
}

/// Bar and space widths in modules for `data` (bar first), stop included, no quiet zone.
pub fn widths(data: &[u8]) -> Option<Vec<u8>> {
    let mut widths = Vec::new();
    for v in symbols(data)?.into_iter().chain([STOP]) {
        widths.extend(PATTERNS[usize::from(v)].iter().map(|c| c - b'0'));
    }
    Some(widths)
}

/// The symbol a run of six widths stands for (a reader's half of the table, for the tests).
#[cfg(test)]
pub fn value_of(six: &[u8]) -> Option<u8> {
    PATTERNS[..106]
        .iter()
        .position(|p| p.iter().map(|c| c - b'0').eq(six.iter().copied()))
        .map(|i| i as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_keeps_code128s_invariants() {
        for (i, p) in PATTERNS.iter().enumerate() {
            let w: Vec<u32> = p.iter().map(|c| u32::from(c - b'0')).collect();
            let total: u32 = w.iter().sum();
            let bars: u32 = w.iter().step_by(2).sum();
            assert_eq!(total, if i == 106 { 13 } else { 11 }, "symbol {i}");
            // Bars always add up to an even number of modules: the parity a reader checks.
            assert_eq!(bars % 2, 0, "symbol {i}");
        }
        let mut sorted: Vec<_> = PATTERNS.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 107, "every symbol is distinct");
    }

    #[test]
    fn check_symbol_of_a_known_barcode() {
        // "PJJ123C" in code set B, worked by hand: start 104, then 48 42 42 17 18 19 35,
        // weighted sum 104 + 48 + 84 + 126 + 68 + 90 + 114 + 245 = 879, 879 mod 103 = 55.
        let s = symbols(b"PJJ123C").expect("encodable");
        assert_eq!(s.first(), Some(&START_B));
        assert_eq!(s.last(), Some(&55));
        assert_eq!(widths(b"PJJ123C").map(|w| w.len()), Some(9 * 6 + 7));
    }

    #[test]
    fn code_set_c_and_bad_bytes() {
        assert_eq!(
            symbols(b"{C\x0c\x22"),
            Some(vec![START_C, 12, 34, (105 + 12 + 68) % 103])
        );
        assert_eq!(symbols(b"{C\x64"), None, "100 is no pair of digits");
        assert_eq!(symbols(b"A\x1bB"), None, "ESC has no symbol in set B");
    }
}
