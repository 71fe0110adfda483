//! The pending ticket: what the applicant keeps when the center has not decided in time. It
//! carries the local submission id as text and QR, for the booth's "check my submission" screen.

use super::escpos::clean;
use super::escpos::{Align, EscPos, Profile};
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

/// The ticket's lines, in the order printed (the id is cleaned of control bytes).
pub fn ticket_lines(submission: &str) -> Vec<String> {
    let id = clean(submission);
    // In Chinese for the office, the code's and the instructions' lines in English as well.
    let (zh, en) = (Language::BASE, Language::EN);
    let mut lines = vec![
        zh.t("ticket.title").to_owned(),
        format!("{} Code: {}", zh.t("ticket.code"), ticket_code(&id)),
        format!("{}: {id}", zh.t("ticket.submission")),
        zh.t("ticket.how").to_owned(),
    ];
    lines.extend(en.t("ticket.how").lines().map(str::to_owned));
    lines
}

/// The ticket as ESC/POS: title, the id large, its QR, the notes, a cut.
pub fn ticket_escpos(submission: &str, profile: Profile) -> Vec<u8> {
    let id = clean(submission);
    let lines = ticket_lines(submission);
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
        let lines = ticket_lines(id);
        assert!(lines.iter().any(|l| l.contains("694BE473")));
        assert!(lines.iter().any(|l| l.contains(id)));
    }
}
