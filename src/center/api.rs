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
    /// The shared reason code; one this booth does not know (a newer center's) is read as
    /// [`Reason::Other`], so the answer is never lost for one new word.
    #[serde(deserialize_with = "known_or_other")]
    pub code: Reason,
    /// The center's words.
    pub message: String,
}

fn known_or_other<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Reason, D::Error> {
    let code = String::deserialize(d)?;
    Ok(Reason::ALL
        .iter()
        .copied()
        .find(|r| r.code() == code)
        .unwrap_or(Reason::Other))
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

/// The applicant as the center receives them: kept with the applicant's model, which turns it
/// back into a checked applicant ([`Applicant::from_meta`](crate::applicant::Applicant::from_meta)).
pub use crate::applicant::ApplicantMeta;

/// The `meta` part of `POST /v1/submissions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// The kiosk that took the photo (must match its token).
    pub kiosk_id: String,
    /// Document id (`passport`, …).
    pub document: String,
    /// City of issue.
    pub city_code: String,
    /// Who.
    pub applicant: ApplicantMeta,
    /// When the photo was taken (RFC 3339).
    pub captured_at: String,
    /// The kiosk's own measures, for the center's statistics.
    #[serde(default)]
    pub quality: serde_json::Map<String, serde_json::Value>,
}

/// A submission as the kiosk keeps and sends it: the meta and the JPEG, under the local id.
#[derive(Clone, PartialEq)]
pub struct Parcel {
    /// The local submission id, sent as `Idempotency-Key`.
    pub id: String,
    /// What goes in the `meta` part.
    pub meta: Meta,
    /// The normalized photo.
    pub photo: Vec<u8>,
}

impl std::fmt::Debug for Parcel {
    // Never prints the applicant.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parcel")
            .field("id", &self.id)
            .field("document", &self.meta.document)
            .field("photo_bytes", &self.photo.len())
            .finish_non_exhaustive()
    }
}

/// The body of every error answer: `{"error":{"code","message"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// One error: a stable code and words for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorDetail {
    /// Stable, snake_case (`unauthorized`, `payload_too_large`, …).
    pub code: String,
    /// What was wrong.
    pub message: String,
}

/// A reviewer's decision: `POST /v1/review/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewDecision {
    /// Approve or reject.
    pub decision: Decision,
    /// Why, when rejecting.
    #[serde(default)]
    pub reasons: Vec<Reason>,
}

/// Approve or reject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Issue a receipt number.
    Approve,
    /// Refuse, with reasons.
    Reject,
}

/// One submission waiting for review: `GET /v1/review/pending`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingReview {
    /// Submission id.
    pub id: String,
    /// The kiosk that sent it.
    pub kiosk_id: String,
    /// Document id.
    pub document: String,
    /// City code.
    pub city_code: String,
    /// When it arrived.
    pub created_at: String,
}

/// `GET /v1/health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// `ok`.
    pub status: String,
    /// `auto` or `manual`.
    pub review: String,
    /// The server's version.
    pub version: String,
}

/// `POST /v1/heartbeat`: how a booth is, sent every `[center] heartbeat_s` and printed by
/// `idbooth status --json`. Counters, device states, the outbox's length and versions: never an
/// applicant's name, ID number or photo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Heartbeat {
    /// The booth (must match its token).
    pub kiosk_id: String,
    /// When the document was made (RFC 3339).
    pub at: String,
    /// Whether the booth itself made it (false: `idbooth status` read the files of a booth that
    /// is not running, and the devices are unknown).
    pub running: bool,
    /// Seconds the booth has run.
    #[serde(default)]
    pub uptime_s: Option<u64>,
    /// Versions of what runs.
    pub versions: BoothVersions,
    /// The devices and the way to the center.
    pub health: BoothHealth,
    /// Today's counters (`sessions`, `approvals`, `rejected.too_dark`, …).
    #[serde(default)]
    pub counters: std::collections::BTreeMap<String, i64>,
}

/// Versions a booth reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoothVersions {
    /// idbooth's version.
    pub idbooth: String,
    /// The kernel release.
    #[serde(default)]
    pub kernel: Option<String>,
    /// The OS, from /etc/os-release.
    #[serde(default)]
    pub os: Option<String>,
}

/// A booth's devices in one word each (`None`: not known, or the booth has none).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoothHealth {
    /// `running`, `opening`, `stalled`, `lost`.
    #[serde(default)]
    pub camera: Option<String>,
    /// `ready`, `paper_out`, `not_ready`, `unreachable`.
    #[serde(default)]
    pub printer: Option<String>,
    /// `ready`, `problem`, `unreachable`.
    #[serde(default)]
    pub photo_printer: Option<String>,
    /// `reachable`, `unreachable`, `token_refused`.
    #[serde(default)]
    pub center: Option<String>,
    /// Submissions waiting to be delivered.
    pub outbox: u64,
    /// Age of the oldest of them, in seconds.
    #[serde(default)]
    pub outbox_oldest_s: Option<u64>,
    /// Bytes free on the data folder's disk.
    #[serde(default)]
    pub disk_free: Option<u64>,
    /// The booth's problems, in English, the most urgent first.
    #[serde(default)]
    pub problems: Vec<String>,
}

/// Largest heartbeat accepted, in bytes.
pub const MAX_HEARTBEAT_BYTES: usize = 16 * 1024;

/// Whether a submission id is safe to use as a key and in a path: 1 to 64 of `[A-Za-z0-9_-]`.
pub fn is_submission_id(text: &str) -> bool {
    (1..=64).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
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
    fn a_reason_code_this_booth_does_not_know_is_read_as_other_with_the_centers_words() {
        let json = r#"{"id":"a1","status":"rejected","reasons":[{"code":"hat_too_shiny","message":"请摘下帽子"},{"code":"glare","message":"反光"}],"created_at":"2026-11-25T10:00:00+08:00"}"#;
        let s: Submission = serde_json::from_str(json).expect("a newer center's answer is read");
        assert_eq!(s.reasons[0].code, Reason::Other);
        assert_eq!(s.reasons[0].message, "请摘下帽子");
        assert_eq!(s.reasons[1].code, Reason::Glare);
        // A code must still be text.
        let bad = json.replace(r#""hat_too_shiny""#, "7");
        assert!(serde_json::from_str::<Submission>(&bad).is_err());
        // A reviewer's decision stays strict: the center refuses a code it does not know.
        assert!(
            serde_json::from_str::<ReviewDecision>(r#"{"decision":"reject","reasons":["ugly"]}"#)
                .is_err()
        );
    }

    #[test]
    fn receipt_numbers_are_checked() {
        assert!(is_receipt_no("44030026112500001X"));
        assert!(!is_receipt_no("4403-0026"));
        assert!(!is_receipt_no("abc12345"));
        assert!(!is_receipt_no("1234567"));
    }

    #[test]
    fn debug_output_never_shows_the_applicant() {
        let parcel = Parcel {
            id: "p1".into(),
            meta: Meta {
                kiosk_id: "k".into(),
                document: "passport".into(),
                city_code: "440300".into(),
                applicant: ApplicantMeta {
                    name: "张三".into(),
                    id_number: "11010519491231002X".into(),
                },
                captured_at: "2026-11-25T10:00:00+08:00".into(),
                quality: Default::default(),
            },
            photo: vec![0xFF, 0xD8],
        };
        for text in [format!("{parcel:?}"), format!("{:?}", parcel.meta)] {
            assert!(
                !text.contains("张三") && !text.contains("1101051949"),
                "{text}"
            );
        }
    }

    #[test]
    fn submission_ids_cannot_walk_paths() {
        assert!(is_submission_id("0f8e7c1a-3b2d-4e5f-8a9b-0c1d2e3f4a5b"));
        assert!(!is_submission_id("../etc/passwd"));
        assert!(!is_submission_id("a/b"));
        assert!(!is_submission_id(""));
        assert!(!is_submission_id(&"a".repeat(65)));
        assert!(!is_submission_id("id%2F.."));
    }
}
