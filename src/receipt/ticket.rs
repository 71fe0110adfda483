//! The pending ticket: what the applicant keeps when the center has not decided in time. It
//! carries the local submission id as text and QR, for the booth's "check my submission" screen.

use super::escpos::{Align, EscPos, Profile};
use super::model::clean;

/// The length of a ticket code: the first characters of the local submission id.
pub const TICKET_CODE_LEN: usize = 8;

/// The code printed on a pending ticket for a submission id (a UUID: its first 8 hex digits),
/// short enough to type on the booth's keypad.
pub fn ticket_code(submission: &str) -> String {
    clean(submission).chars().take(TICKET_CODE_LEN).collect()
}

/// The ticket's lines, in the order printed (the id is cleaned of control bytes).
pub fn ticket_lines(submission: &str) -> Vec<String> {
    let id = clean(submission);
    vec![
        "数字相片采集 待审核凭条".to_owned(),
        format!("查询码 Code: {}", ticket_code(&id)),
        format!("提交编号: {id}"),
        "审核通过后，请在本机“查询提交”中输入查询码打印回执。".to_owned(),
        "Once approved, type the code at the booth's".to_owned(),
        "\"Check my submission\" to print the receipt.".to_owned(),
    ]
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
