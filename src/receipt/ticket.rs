//! The pending ticket: what the applicant keeps when the center has not decided in time. It
//! carries the local submission id as text and QR, for the booth's "check my submission" screen.

use super::escpos::clean;
use super::escpos::{Align, EscPos, Profile};
use super::reader::{label, printed};
use crate::i18n::Language;

/// The length of a ticket code: the first characters of the local submission id.
pub const TICKET_CODE_LEN: usize = 8;

/// The code printed on a pending ticket for a submission id (a UUID: its first 8 hex digits, in
/// capitals as on the booth's keypad), short enough to type there.
pub fn ticket_code(submission: &str) -> String {
    clean(submission)
        .chars()
        .take(TICKET_CODE_LEN)
        .collect::<String>()
        .to_ascii_uppercase()
}

/// The ticket's lines, in the order printed (the id is cleaned of control bytes), for the
/// office and for an applicant reading `lang` (see [`super::reader`]).
pub fn ticket_lines(submission: &str, lang: Language) -> Vec<String> {
    let id = clean(submission);
    let mut lines = vec![
        label(lang, "ticket.title"),
        format!("{}: {}", label(lang, "ticket.code"), ticket_code(&id)),
        format!("{}: {id}", label(lang, "ticket.submission")),
    ];
    for how in printed(lang, "ticket.how") {
        lines.extend(how.lines().map(str::to_owned));
    }
    lines
}

/// The ticket as ESC/POS: title, the id large, its QR, the notes, a cut.
pub fn ticket_escpos(submission: &str, lang: Language, profile: Profile) -> Vec<u8> {
    let id = clean(submission);
    let lines = ticket_lines(submission, lang);
    let mut p = EscPos::new(profile);
    p.align(Align::Center)
        .bold(true)
        .line(&lines[0])
        .bold(false);
    p.line(&lines[1]);
    p.qr(&id);
    for line in &lines[2..] {
        p.line(line);
    }
    p.feed(3);
    p.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_is_the_ids_first_eight_in_capitals_and_stands_on_the_ticket() {
        let id = "694be473-0c1d-4e5f-8a9b-0c1d2e3f4a5b";
        assert_eq!(ticket_code(id), "694BE473");
        assert_eq!(ticket_code("\u{1b}694be473"), "694BE473");
        for lang in Language::all() {
            let lines = ticket_lines(id, lang);
            assert!(lines.iter().any(|l| l.contains("694BE473")));
            assert!(lines.iter().any(|l| l.contains(id)));
        }
    }

    #[test]
    fn the_ticket_speaks_to_the_office_and_to_the_applicant() {
        let id = "694be473-0c1d-4e5f-8a9b-0c1d2e3f4a5b";
        let text = |lang| ticket_lines(id, lang).join("\n");
        let (zh, en, hant) = (
            text(Language::BASE),
            text(Language::EN),
            text(Language::ZH_HANT),
        );
        let how_en = Language::EN.t("ticket.how").lines().next().expect("a line");
        assert!(zh.contains(Language::BASE.t("ticket.title")), "{zh}");
        assert!(
            !zh.contains(how_en),
            "a Chinese applicant's ticket is in Chinese: {zh}"
        );
        assert!(en.contains(Language::BASE.t("ticket.title")), "{en}");
        assert!(en.contains(how_en), "{en}");
        assert!(hant.contains(Language::ZH_HANT.t("ticket.title")), "{hant}");
        assert!(!hant.contains(how_en), "{hant}");
    }
}
