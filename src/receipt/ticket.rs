//! The pending ticket: what the applicant keeps when the center has not decided in time. It
//! carries the local submission id as text and QR, for the booth's "check my submission" screen.

use super::escpos::{Align, EscPos, Profile};
use super::model::clean;

/// The ticket's lines, in the order printed (the id is cleaned of control bytes).
pub fn ticket_lines(submission: &str) -> Vec<String> {
    let id = clean(submission);
    vec![
        "数字相片采集 待审核凭条".to_owned(),
        format!("提交编号: {id}"),
        "审核通过后，请在本机“查询提交”中扫描或输入编号打印回执。".to_owned(),
        "Pending: scan or type this number at the booth's".to_owned(),
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
