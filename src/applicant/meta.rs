//! The applicant as the center receives them and the outbox keeps them (`meta.applicant` of a
//! submission), and the way back from there to a checked [`Applicant`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Applicant, ApplicantError};
use crate::spec::Cities;

/// The applicant as the center receives them (the center stores PII; the kiosk masks it).
/// `Debug` never shows them.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicantMeta {
    /// Name as on the document.
    pub name: String,
    /// 18-character identity number.
    pub id_number: String,
}

impl std::fmt::Debug for ApplicantMeta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApplicantMeta { .. }")
    }
}

impl Applicant {
    /// The applicant of a stored or received submission (`meta` and the submission's
    /// `city_code`), checked again as of `today` against the configured cities: the booth
    /// rebuilding a ticket's receipt, the center taking a submission, the printer command.
    pub fn from_meta(
        meta: &ApplicantMeta,
        city_code: &str,
        cities: &Cities,
        today: NaiveDate,
    ) -> Result<Self, ApplicantError> {
        Applicant::new(&meta.name, &meta.id_number, city_code, cities, today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::applicant::tests::{cities, today};

    fn meta(name: &str, id_number: &str) -> ApplicantMeta {
        ApplicantMeta {
            name: name.into(),
            id_number: id_number.into(),
        }
    }

    #[test]
    fn a_stored_applicant_comes_back_checked() {
        let a = Applicant::from_meta(
            &meta("张三", "110105 19491231 002x"),
            "440300",
            &cities(),
            today(),
        )
        .expect("valid");
        assert_eq!(a.id_number.as_str(), "11010519491231002X");
        assert_eq!(a.city_code, "440300");
    }

    #[test]
    fn a_stored_applicant_that_no_longer_checks_is_an_error() {
        let bad_id = Applicant::from_meta(
            &meta("张三", "110105194912310021"),
            "440300",
            &cities(),
            today(),
        );
        assert!(
            matches!(bad_id, Err(ApplicantError::IdNumber(_))),
            "{bad_id:?}"
        );
        let province = Applicant::from_meta(
            &meta("张三", "11010519491231002X"),
            "440000",
            &cities(),
            today(),
        );
        assert!(
            matches!(province, Err(ApplicantError::City(_))),
            "{province:?}"
        );
    }
}
