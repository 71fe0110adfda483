//! The detection center's API v1 types (DESIGN.md, "Detection center API v1").

use serde::{Deserialize, Serialize};

use crate::spec::Reason;

/// Where a submission stands at the center.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Not decided yet (manual review).
    Pending,
    /// Approved: the receipt number is issued.
    Approved,
    /// Rejected, with reasons: the applicant retakes for free.
    Rejected,
}

/// A reason the center gives, with its words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonText {
    /// The shared reason code.
    pub code: Reason,
    /// The center's words.
    pub message: String,
}

/// The center's answer about one submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    /// The booth's local submission id (the Idempotency-Key).
    pub id: String,
    /// Where it stands.
    pub status: Status,
    /// 回执号, once approved: opaque, `[0-9A-Z]{8,32}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt_no: Option<String>,
    /// 图像号, once approved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_no: Option<String>,
    /// Last day the receipt is valid (YYYY-MM-DD).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    /// Why it was rejected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<ReasonText>,
    /// When the center received it (RFC 3339).
    pub created_at: String,
}

/// Whether a receipt number has the shape the kiosk accepts: 8 to 32 of `[0-9A-Z]`.
pub fn is_receipt_no(text: &str) -> bool {
    (8..=32).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn submission_json_round_trip() {
        let json = r#"{"id":"a1","status":"rejected","reasons":[{"code":"head_tilted","message":"tilted"}],"created_at":"2026-11-25T10:00:00+08:00"}"#;
        let s: Submission = serde_json::from_str(json).expect("parse");
        assert_eq!(s.status, Status::Rejected);
        assert_eq!(s.reasons[0].code, Reason::HeadTilted);
        assert_eq!(serde_json::to_string(&s).expect("json"), json);
    }

    #[test]
    fn receipt_numbers_are_checked() {
        assert!(is_receipt_no("44030026112500001X"));
        assert!(!is_receipt_no("4403-0026"));
        assert!(!is_receipt_no("abc12345"));
        assert!(!is_receipt_no("1234567"));
    }
}
