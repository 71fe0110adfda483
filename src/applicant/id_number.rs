//! The 18-character citizen identity number of GB 11643-1999, with its ISO 7064 MOD 11-2 check
//! character. The same layout serves the residence permits of 港澳台 residents (first digits 81,
//! 82, 83) and, since 2023, foreigners' permanent residence cards (first digit 9).

use std::fmt;

use chrono::{Datelike, NaiveDate};

/// Why a typed ID number is not valid, in words an applicant understands.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdNumberError {
    /// Nothing was typed.
    #[error("the ID number is empty")]
    Empty,
    /// Wrong number of characters.
    #[error("the ID number has {0} characters; it needs 18")]
    Length(usize),
    /// A character other than a digit (or X at the end).
    #[error(
        "character {position} of the ID number is {found:?}; only digits are allowed, and X only as the last one"
    )]
    Character {
        /// 1-based position.
        position: usize,
        /// What was found there.
        found: char,
    },
    /// The first digits are not a region that issues these numbers.
    #[error(
        "the ID number starts with {0}, which is not a region code; please check the first digits"
    )]
    Region(String),
    /// Digits 7 to 14 are not a real date of birth.
    #[error(
        "the birth date in the ID number ({0}) is not a real date; please check digits 7 to 14"
    )]
    BirthDate(String),
    /// The birth date lies in the future.
    #[error("the birth date in the ID number ({0}) is in the future; please check digits 7 to 14")]
    FutureBirthDate(NaiveDate),
    /// The check character does not match the other 17: most likely a typing slip.
    #[error(
        "the ID number does not add up (its last character does not match); please check every digit"
    )]
    CheckCharacter,
}

/// A valid 18-character identity number. The text is uppercase (`x` is read as `X`).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

/// Weights of ISO 7064 MOD 11-2 for the 17 digits, i.e. 2^(18-i) mod 11.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// Check character for each remainder of the weighted sum mod 11.
const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The ISO 7064 MOD 11-2 check character of 17 digits. Shared with the receipt numbers that the
/// reference center issues.
pub fn mod11_2_check(digits: &[u8; 17]) -> char {
    let sum: u32 = digits
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(*d) * w)
        .sum();
    CHECK[(sum % 11) as usize]
}

/// `first17` (17 digits) followed by its check character: an ID number or receipt number that
/// checks; `None` when `first17` is not 17 digits.
pub fn with_check(first17: &str) -> Option<String> {
    let digits: [u8; 17] = first17
        .bytes()
        .map(|b| b.is_ascii_digit().then(|| b - b'0'))
        .collect::<Option<Vec<_>>>()?
        .try_into()
        .ok()?;
    Some(format!("{first17}{}", mod11_2_check(&digits)))
}

/// Province-level codes (first two digits) of mainland China, and 81/82/83 for the residence
/// permits of Hong Kong, Macao and Taiwan residents.
const REGIONS: [&str; 34] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "81",
    "82", "83",
];

impl IdNumber {
    /// Checks a typed number as of `today`: length, characters, region, birth date, check
    /// character. Spaces anywhere are ignored (people type in groups).
    pub fn parse(text: &str, today: NaiveDate) -> Result<Self, IdNumberError> {
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if compact.is_empty() {
            return Err(IdNumberError::Empty);
        }
        let count = compact.chars().count();
        if count != 18 {
            return Err(IdNumberError::Length(count));
        }
        let mut digits = [0u8; 17];
        for (i, c) in compact.chars().enumerate() {
            match (i, c.to_digit(10)) {
                (0..=16, Some(d)) => digits[i] = d as u8,
                (17, _) if c.is_ascii_digit() || c == 'X' => {}
                _ => {
                    return Err(IdNumberError::Character {
                        position: i + 1,
                        found: c,
                    });
                }
            }
        }
        let region = &compact[..2];
        if !(REGIONS.contains(&region) || region.starts_with('9')) {
            return Err(IdNumberError::Region(compact[..6].to_owned()));
        }
        let birth = &compact[6..14];
        let date = NaiveDate::parse_from_str(birth, "%Y%m%d")
            .ok()
            .filter(|d| d.year() >= 1900)
            .ok_or_else(|| {
                IdNumberError::BirthDate(format!(
                    "{}-{}-{}",
                    &birth[..4],
                    &birth[4..6],
                    &birth[6..]
                ))
            })?;
        if date > today {
            return Err(IdNumberError::FutureBirthDate(date));
        }
        if compact.chars().nth(17) != Some(mod11_2_check(&digits)) {
            return Err(IdNumberError::CheckCharacter);
        }
        Ok(IdNumber(compact))
    }

    /// The number as 18 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Date of birth (digits 7 to 14).
    pub fn birth_date(&self) -> NaiveDate {
        // Checked in `parse`; the fallback is never reached.
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").unwrap_or(NaiveDate::MIN)
    }

    /// Age in whole years on `day`.
    pub fn age_on(&self, day: NaiveDate) -> u32 {
        let birth = self.birth_date();
        let mut age = day.year() - birth.year();
        if (day.month(), day.day()) < (birth.month(), birth.day()) {
            age -= 1;
        }
        age.max(0) as u32
    }

    /// The number as the receipt shows it: first 6 and last 4, the rest masked.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }
}

/// Never print the whole number by accident (logs, panics): Debug shows it masked.
impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).expect("date")
    }

    /// Builds a number with the right check character from 17 digits.
    fn checked(first17: &str) -> String {
        with_check(first17).expect("17 digits")
    }

    #[test]
    fn seventeen_digits_get_their_check_character_and_nothing_else_does() {
        assert_eq!(
            with_check("11010519491231002").as_deref(),
            Some("11010519491231002X")
        );
        assert_eq!(with_check("1101051949123100"), None);
        assert_eq!(with_check("1101051949123100A"), None);
    }

    #[test]
    fn the_standard_example_passes() {
        // GB 11643-1999's own example number.
        let id = IdNumber::parse("11010519491231002X", today()).expect("valid");
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).expect("date")
        );
        assert_eq!(id.masked(), "110105********002X");
    }

    #[test]
    fn lowercase_x_and_spaces_are_accepted() {
        let id = IdNumber::parse("110105 19491231 002x", today()).expect("valid");
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn every_single_digit_typo_is_caught() {
        let good = "11010519491231002X";
        for pos in 0..17 {
            for d in b'0'..=b'9' {
                let mut bytes = good.as_bytes().to_vec();
                if bytes[pos] == d {
                    continue;
                }
                bytes[pos] = d;
                let typo = String::from_utf8(bytes).expect("ascii");
                assert!(
                    IdNumber::parse(&typo, today()).is_err(),
                    "{typo} should fail"
                );
            }
        }
    }

    #[test]
    fn reasons_are_specific() {
        assert_eq!(IdNumber::parse("", today()), Err(IdNumberError::Empty));
        assert_eq!(
            IdNumber::parse("1101051949", today()),
            Err(IdNumberError::Length(10))
        );
        assert_eq!(
            IdNumber::parse("1101051949123100X2", today()),
            Err(IdNumberError::Character {
                position: 17,
                found: 'X'
            })
        );
        assert_eq!(
            IdNumber::parse("110105194912310021", today()),
            Err(IdNumberError::CheckCharacter)
        );
        let feb30 = checked("44030419900230001");
        assert!(matches!(
            IdNumber::parse(&feb30, today()),
            Err(IdNumberError::BirthDate(_))
        ));
        let future = checked("44030420300101001");
        assert!(matches!(
            IdNumber::parse(&future, today()),
            Err(IdNumberError::FutureBirthDate(_))
        ));
        let region = checked("00030419900101001");
        assert!(matches!(
            IdNumber::parse(&region, today()),
            Err(IdNumberError::Region(_))
        ));
    }

    #[test]
    fn permits_and_foreigners_cards_are_accepted() {
        for first17 in [
            "81000019900101001",
            "83000019851231002",
            "93310019800704001",
        ] {
            let number = checked(first17);
            assert!(IdNumber::parse(&number, today()).is_ok(), "{number}");
        }
    }

    #[test]
    fn age_counts_whole_years() {
        let id = IdNumber::parse(&checked("44030420121126001"), today()).expect("valid");
        assert_eq!(id.age_on(today()), 13, "the 14th birthday is tomorrow");
        let tomorrow = today().succ_opt().expect("date");
        assert_eq!(id.age_on(tomorrow), 14);
    }

    #[test]
    fn debug_never_shows_the_whole_number() {
        let id = IdNumber::parse("11010519491231002X", today()).expect("valid");
        assert!(!format!("{id:?}").contains("19491231"));
    }
}
