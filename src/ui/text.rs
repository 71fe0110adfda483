//! The words of the screens that are more than a key: the guidance, the reasons, the typed
//! details' errors. The texts themselves are in `assets/i18n` (see [`crate::i18n`]).

use crate::applicant::{ApplicantError, IdNumberError, NameError};
use crate::i18n::Language;
use crate::vision::Advice;

/// The guidance, in words, with an arrow where there is a direction.
pub fn advice(lang: Language, a: Advice) -> &'static str {
    lang.t(a.key())
}

/// How long the upload has waited, of the most it waits before the applicant gets a ticket.
pub fn upload_wait(lang: Language, waited_s: u64, budget_s: u64) -> String {
    lang.fill(
        "status.upload_wait",
        &[("waited_s", &waited_s), ("budget_s", &budget_s)],
    )
}

/// Why the typed name or number is not accepted, in the applicant's language.
pub fn applicant_error(lang: Language, error: &ApplicantError) -> String {
    match error {
        ApplicantError::Name(NameError::Empty) => lang.t("applicant.name_empty").into(),
        ApplicantError::Name(NameError::TooLong(n, max)) => {
            lang.fill("applicant.name_too_long", &[("n", n), ("max", max)])
        }
        ApplicantError::Name(NameError::Character(c)) => {
            lang.fill("applicant.name_character", &[("c", c)])
        }
        ApplicantError::Name(NameError::Mixed) => lang.t("applicant.name_mixed").into(),
        ApplicantError::Name(NameError::Separator) => lang.t("applicant.name_separator").into(),
        ApplicantError::IdNumber(IdNumberError::Empty) => lang.t("applicant.id_empty").into(),
        ApplicantError::IdNumber(IdNumberError::Length(n)) => {
            lang.fill("applicant.id_length", &[("n", n)])
        }
        ApplicantError::IdNumber(IdNumberError::Character { position, found }) => lang.fill(
            "applicant.id_character",
            &[("position", position), ("found", found)],
        ),
        ApplicantError::IdNumber(IdNumberError::Region(code)) => {
            lang.fill("applicant.id_region", &[("code", code)])
        }
        ApplicantError::IdNumber(IdNumberError::BirthDate(date)) => {
            lang.fill("applicant.id_birth_date", &[("date", date)])
        }
        ApplicantError::IdNumber(IdNumberError::FutureBirthDate(date)) => {
            lang.fill("applicant.id_future_birth_date", &[("date", date)])
        }
        ApplicantError::IdNumber(IdNumberError::CheckCharacter) => {
            lang.t("applicant.id_check_character").into()
        }
        ApplicantError::City(_) => lang.t("applicant.city").into(),
    }
}
