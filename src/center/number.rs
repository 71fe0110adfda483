//! Receipt numbers as the reference center issues them: city code (6) + yymmdd (6) + sequence
//! (5) + ISO 7064 MOD 11-2 check character (the one of GB 11643 ID numbers).

use crate::applicant::mod11_2_check;

/// The highest sequence a city can reach in one day.
pub const MAX_SEQUENCE: u32 = 99_999;

/// A receipt number, or `None` when the city code is not six digits or the sequence is out of
/// range.
pub fn receipt_number(city_code: &str, day: chrono::NaiveDate, sequence: u32) -> Option<String> {
    if city_code.len() != 6
        || !city_code.bytes().all(|b| b.is_ascii_digit())
        || !(1..=MAX_SEQUENCE).contains(&sequence)
    {
        return None;
    }
    let body = format!("{city_code}{}{sequence:05}", day.format("%y%m%d"));
    let mut digits = [0u8; 17];
    for (d, b) in digits.iter_mut().zip(body.bytes()) {
        *d = b - b'0';
    }
    Some(format!("{body}{}", mod11_2_check(&digits)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipt_numbers_carry_city_day_sequence_and_check() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).expect("date");
        let no = receipt_number("440300", day, 1).expect("number");
        assert_eq!(&no[..17], "44030026112500001");
        assert_eq!(no.len(), 18);
        assert!(crate::center::api::is_receipt_no(&no));
        // The check character is the ID number's: a changed digit changes it.
        let other = receipt_number("440300", day, 2).expect("number");
        assert_ne!(no.as_bytes()[17], other.as_bytes()[17]);
        assert_eq!(receipt_number("4403", day, 1), None);
        assert_eq!(receipt_number("440300", day, 0), None);
        assert_eq!(receipt_number("440300", day, 100_000), None);
    }
}
