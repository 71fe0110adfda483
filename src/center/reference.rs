//! The reference detection center's judgement, without the HTTP around it: it re-checks a photo
//! with the booth's own measures (size, KB window, face geometry), answers with reason codes or
//! a receipt number, and returns the first answer again for a repeated submission id.
//!
//! The demo runs it in-process; the HTTP server (`idbooth center`, issue #4) will serve it.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Days, FixedOffset};

use super::api::{ReasonText, Status, Submission};
use crate::applicant::mod11_2_check;
use crate::photo::{self, FileFacts};
use crate::spec::{Documents, Reason};
use crate::vision::{Thresholds, assess_still, with_detector};

/// Rules the center re-checks; the booth checks light and background itself.
const CENTER_RULES: [&str; 9] = [
    "size_px",
    "file_kb",
    "dpi",
    "one_face",
    "head_height_px",
    "face_width_px",
    "crown_margin_px",
    "eye_line_px",
    "centred",
];

/// A receipt number: city code (6) + yymmdd (6) + sequence (5) + ISO 7064 MOD 11-2 check.
pub fn receipt_number(city_code: &str, day: chrono::NaiveDate, sequence: u32) -> Option<String> {
    if city_code.len() != 6 || !city_code.bytes().all(|b| b.is_ascii_digit()) || sequence > 99_999 {
        return None;
    }
    let body = format!("{city_code}{}{sequence:05}", day.format("%y%m%d"));
    let mut digits = [0u8; 17];
    for (d, b) in digits.iter_mut().zip(body.bytes()) {
        *d = b - b'0';
    }
    Some(format!("{body}{}", mod11_2_check(&digits)))
}

/// What the center is told about a submission.
#[derive(Debug, Clone)]
pub struct Incoming<'a> {
    /// Local submission id (Idempotency-Key).
    pub id: &'a str,
    /// Document id.
    pub document: &'a str,
    /// City code.
    pub city_code: &'a str,
    /// The JPEG.
    pub photo: &'a [u8],
}

/// The center's state: answers by submission id, and the sequence per city and day.
pub struct ReferenceCenter {
    documents: Documents,
    thresholds: Thresholds,
    answers: Mutex<HashMap<String, Submission>>,
    sequences: Mutex<HashMap<(String, String), u32>>,
}

impl ReferenceCenter {
    /// A center that knows these documents.
    pub fn new(documents: Documents, thresholds: Thresholds) -> Self {
        ReferenceCenter {
            documents,
            thresholds,
            answers: Mutex::new(HashMap::new()),
            sequences: Mutex::new(HashMap::new()),
        }
    }

    /// Judges a submission at time `now`. A repeated id gets the first answer, never a second
    /// receipt.
    pub fn submit(&self, incoming: &Incoming<'_>, now: DateTime<FixedOffset>) -> Submission {
        let mut answers = self
            .answers
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(first) = answers.get(incoming.id) {
            return first.clone();
        }
        let reasons = self.judge(incoming);
        let created_at = now.to_rfc3339();
        let answer = if reasons.is_empty() {
            let day = now.date_naive();
            let sequence = {
                let mut seq = self
                    .sequences
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let n = seq
                    .entry((incoming.city_code.to_owned(), day.to_string()))
                    .or_insert(0);
                *n += 1;
                *n
            };
            let receipt_no = receipt_number(incoming.city_code, day, sequence);
            let validity = self
                .documents
                .get(incoming.document)
                .map_or(180, |s| s.validity_days_for(incoming.city_code));
            Submission {
                id: incoming.id.to_owned(),
                status: Status::Approved,
                image_no: receipt_no.as_ref().map(|r| format!("P{r}")),
                receipt_no,
                valid_until: day
                    .checked_add_days(Days::new(u64::from(validity)))
                    .map(|d| d.to_string()),
                reasons: Vec::new(),
                created_at,
            }
        } else {
            Submission {
                id: incoming.id.to_owned(),
                status: Status::Rejected,
                receipt_no: None,
                image_no: None,
                valid_until: None,
                reasons: reasons
                    .into_iter()
                    .map(|code| ReasonText {
                        code,
                        message: code.message_zh().to_owned(),
                    })
                    .collect(),
                created_at,
            }
        };
        answers.insert(incoming.id.to_owned(), answer.clone());
        answer
    }

    fn judge(&self, incoming: &Incoming<'_>) -> Vec<Reason> {
        let Some(spec) = self.documents.get(incoming.document) else {
            return vec![Reason::Other];
        };
        let Ok(rgb) = photo::decode(incoming.photo) else {
            return vec![Reason::Other];
        };
        let Ok(assessment) = with_detector(|detector| assess_still(detector, &rgb)) else {
            return vec![Reason::Other];
        };
        let report = photo::check(
            &assessment,
            spec,
            Some(FileFacts::of(incoming.photo)),
            &self.thresholds,
        );
        let mut reasons: Vec<Reason> = report
            .rules
            .iter()
            .filter(|r| CENTER_RULES.contains(&r.rule))
            .filter_map(|r| r.reason)
            .collect();
        reasons.sort();
        reasons.dedup();
        reasons
    }
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
        assert_eq!(receipt_number("440300", day, 100_000), None);
    }
}
