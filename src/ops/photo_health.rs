//! The photo printer on the maintenance screen (issue #18): what IPP says of it (stopped, out
//! of paper, a jam, the ribbon) and the sheets still waiting, in words an operator can act on.
//! The photo printer never takes the booth out of service: the receipt prints without it.

use serde::Serialize;

use super::health::{Problem, problem, problem_with};
use crate::photoprint::{self, PhotoPrintError, PrinterStatus};

/// The photo printer as last asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhotoHealth {
    /// Its answer, or why there was none.
    #[serde(serialize_with = "as_text")]
    pub status: Result<PrinterStatus, PhotoPrintError>,
    /// Sheets waiting in the booth's queue.
    pub waiting: usize,
}

fn as_text<S: serde::Serializer>(
    status: &Result<PrinterStatus, PhotoPrintError>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match status {
        Ok(status) => status.serialize(s),
        Err(e) => s.serialize_str(&e.to_string()),
    }
}

/// `photo`'s problems, appended to `out`.
pub(super) fn photo_problems(photo: &PhotoHealth, out: &mut Vec<Problem>) {
    match &photo.status {
        Err(PhotoPrintError::Unreachable { why, .. }) => {
            out.push(problem_with(
                "photo_printer_unreachable",
                &[("why", why.clone())],
            ));
        }
        Err(other) => out.push(problem_with(
            "photo_printer_other",
            &[("what", other.to_string())],
        )),
        Ok(status) => {
            for p in status.problems() {
                out.push(match p {
                    photoprint::Problem::Stopped => problem("photo_printer_stopped"),
                    photoprint::Problem::NotAccepting => problem("photo_printer_not_accepting"),
                    photoprint::Problem::MediaEmpty => problem("photo_paper_out"),
                    photoprint::Problem::MediaJam => problem("photo_paper_jam"),
                    photoprint::Problem::CoverOpen => problem("photo_cover_open"),
                    photoprint::Problem::MarkerEmpty { name } => {
                        problem_with("photo_ribbon_empty", &[("name", name)])
                    }
                    photoprint::Problem::MarkerLow { name, level } => problem_with(
                        "photo_ribbon_low",
                        &[
                            ("name", name),
                            ("level", level.map_or("?".into(), |l| format!("{l} %"))),
                        ],
                    ),
                    photoprint::Problem::Other { reason } => {
                        problem_with("photo_printer_other", &[("what", reason)])
                    }
                });
            }
            // Not a fault to clear, but the operator should know: the photos sit 2 mm from the
            // sheet's edge, and a printer's own margins clip them.
            if !status.media.zero_margins {
                out.push(problem("photo_margins"));
            }
        }
    }
    if photo.waiting > 0 {
        out.push(problem_with(
            "photo_waiting",
            &[("n", photo.waiting.to_string())],
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Language;
    use crate::photoprint::{Marker, MediaSupport, State};

    fn texts(photo: &PhotoHealth) -> Vec<String> {
        let mut out = Vec::new();
        photo_problems(photo, &mut out);
        out.iter().map(|p| p.text(Language::EN)).collect()
    }

    #[test]
    fn paper_out_a_low_ribbon_and_waiting_sheets_are_told() {
        let photo = PhotoHealth {
            status: Ok(PrinterStatus {
                state: State::Idle,
                reasons: vec!["media-empty-error".into()],
                accepting: true,
                markers: vec![Marker {
                    name: "Ribbon".into(),
                    level: Some(4),
                    low: Some(10),
                }],
                media: MediaSupport::everything(),
            }),
            waiting: 2,
        };
        assert_eq!(
            texts(&photo),
            vec![
                "Photo paper out: load 6×4 in photo paper",
                "Photo printer ribbon (Ribbon) low (4 % left): have a new one ready",
                "2 photo sheets waiting to print: reprint them under Actions",
            ]
        );
    }

    #[test]
    fn a_printer_out_of_reach_or_stopped_is_told() {
        let gone = PhotoHealth {
            status: Err(PhotoPrintError::Unreachable {
                printer: "idbooth-photo".into(),
                why: "connection refused".into(),
            }),
            waiting: 0,
        };
        assert_eq!(
            texts(&gone),
            vec![
                "Photo printer not reachable (connection refused): check its power, network cable and CUPS queue"
            ]
        );
        let stopped = PhotoHealth {
            status: Ok(PrinterStatus {
                state: State::Stopped,
                reasons: vec!["paused".into()],
                accepting: true,
                markers: Vec::new(),
                media: MediaSupport::everything(),
            }),
            waiting: 0,
        };
        let zh = {
            let mut out = Vec::new();
            photo_problems(&stopped, &mut out);
            out.iter()
                .map(|p| p.text(Language::ZH_CN))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            zh,
            vec!["照片打印机已停止：检查打印机，然后在 CUPS 中恢复队列（cupsenable）"]
        );
    }

    #[test]
    fn a_printer_that_keeps_its_margins_is_told() {
        let margins = PhotoHealth {
            status: Ok(PrinterStatus {
                state: State::Idle,
                reasons: Vec::new(),
                accepting: true,
                markers: Vec::new(),
                media: MediaSupport {
                    media_col: true,
                    zero_margins: false,
                    sources: Vec::new(),
                    types: Vec::new(),
                },
            }),
            waiting: 0,
        };
        assert_eq!(
            texts(&margins),
            vec![
                "Photo printer cannot print without margins: the photo sheet is printed with the printer's margins, which may clip the photos; use a printer or CUPS queue that offers borderless 6×4 in paper"
            ]
        );
        // A printer out of reach says nothing of its margins.
        let gone = PhotoHealth {
            status: Err(PhotoPrintError::Unreachable {
                printer: "idbooth-photo".into(),
                why: "connection refused".into(),
            }),
            waiting: 0,
        };
        assert!(!texts(&gone).iter().any(|t| t.contains("margins")));
    }
}
