//! The applicant's data model: who the photo is for and where the document is issued.
//!
//! Pure and PII-aware: `Debug` of a name or number is masked, so neither can reach a log whole.

mod id_number;
mod meta;
mod name;

use chrono::NaiveDate;

pub use id_number::{IdNumber, IdNumberError, mod11_2_check, with_check};
pub use meta::ApplicantMeta;
pub use name::{Name, NameError};

use crate::spec::{Cities, City};

/// Below this age (from the birth date in the ID number) a guardian consents for the applicant.
pub const GUARDIAN_CONSENT_BELOW_AGE: u32 = 14;

/// Why the applicant's data cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApplicantError {
    /// The name is not acceptable.
    #[error(transparent)]
    Name(#[from] NameError),
    /// The ID number is not valid.
    #[error(transparent)]
    IdNumber(#[from] IdNumberError),
    /// The city code is not a city (a province, a district, unknown).
    #[error("{0}")]
    City(String),
}

/// An applicant whose every field has been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applicant {
    /// Name as on the document.
    pub name: Name,
    /// Identity number.
    pub id_number: IdNumber,
    /// Code of the city where the document is issued.
    pub city_code: String,
}

impl Applicant {
    /// Checks typed data as of `today` against the configured cities.
    pub fn new(
        name: &str,
        id_number: &str,
        city_code: &str,
        cities: &Cities,
        today: NaiveDate,
    ) -> Result<Self, ApplicantError> {
        let name = Name::parse(name)?;
        let id_number = IdNumber::parse(id_number, today)?;
        if cities.get(city_code).is_none() {
            return Err(ApplicantError::City(cities.explain_not_a_city(city_code)));
        }
        Ok(Applicant {
            name,
            id_number,
            city_code: city_code.to_owned(),
        })
    }

    /// The city, looked up again in `cities`.
    pub fn city<'c>(&self, cities: &'c Cities) -> Option<&'c City> {
        cities.get(&self.city_code)
    }

    /// Whether the privacy screen must ask for a guardian's consent on `today`.
    pub fn needs_guardian_consent(&self, today: NaiveDate) -> bool {
        self.id_number.age_on(today) < GUARDIAN_CONSENT_BELOW_AGE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn cities() -> Cities {
        Cities::from_toml(
            r#"
[provinces]
"440000" = "广东省"
[cities]
"440300" = { name = "深圳市", province = "440000", kind = "prefecture" }
"#,
        )
        .expect("valid")
    }

    pub(super) fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).expect("date")
    }

    #[test]
    fn a_complete_applicant() {
        let a = Applicant::new("张三", "11010519491231002X", "440300", &cities(), today())
            .expect("valid");
        assert_eq!(a.city(&cities()).map(|c| c.name.as_str()), Some("深圳市"));
        assert!(!a.needs_guardian_consent(today()));
    }

    #[test]
    fn a_province_is_not_accepted_as_the_city() {
        let err = Applicant::new("张三", "11010519491231002X", "440000", &cities(), today());
        match err {
            Err(ApplicantError::City(why)) => assert!(why.contains("province"), "{why}"),
            other => panic!("expected a city error, got {other:?}"),
        }
    }

    #[test]
    fn a_child_needs_a_guardian() {
        // Born 2015-06-01; check character computed by the same rule the parser uses.
        let id = with_check("44030420150601001").expect("17 digits");
        let a = Applicant::new("李小明", &id, "440300", &cities(), today()).expect("valid");
        assert!(a.needs_guardian_consent(today()));
    }
}
