//! What a photo printer says of itself (IPP `printer-state`, `printer-state-reasons`,
//! `printer-is-accepting-jobs` and the `marker-*` levels), and which of it is a problem for
//! the operator and a reason not to send a sheet.

use serde::Serialize;

use super::ipp::{Response, Value};
use super::media::MediaSupport;

/// `printer-state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Ready, nothing printing.
    Idle,
    /// Printing.
    Processing,
    /// Stopped: paused by an operator, or by a fault.
    Stopped,
}

/// One supply (`marker-names`, `marker-levels`, `marker-low-levels`): ink, toner, a dye
/// ribbon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Marker {
    /// Its name, as the printer gives it.
    pub name: String,
    /// Percent left; `None` when the printer cannot tell (IPP's -1, -2 and -3).
    pub level: Option<u8>,
    /// The printer's own "low" level, percent.
    pub low: Option<u8>,
}

/// A photo printer's status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrinterStatus {
    /// `printer-state`.
    pub state: State,
    /// `printer-state-reasons`, without `none`.
    pub reasons: Vec<String>,
    /// `printer-is-accepting-jobs` (a CUPS queue can be told to reject jobs).
    pub accepting: bool,
    /// Supplies.
    pub markers: Vec<Marker>,
    /// What of `media-col` it takes: whether it can print the sheet without margins.
    pub media: MediaSupport,
}

/// A problem an operator can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "problem")]
pub enum Problem {
    /// `printer-state` is stopped.
    Stopped,
    /// The queue rejects jobs.
    NotAccepting,
    /// Out of paper (`media-empty`, `media-needed`).
    MediaEmpty,
    /// Paper jammed.
    MediaJam,
    /// A cover or door is open.
    CoverOpen,
    /// A supply is used up (`marker-supply-empty`, or a level of 0).
    MarkerEmpty {
        /// Which (empty when the printer names none).
        name: String,
    },
    /// A supply is low (`marker-supply-low`, or at or below its low level).
    MarkerLow {
        /// Which.
        name: String,
        /// Percent left, when known.
        level: Option<u8>,
    },
    /// Another reason of severity "error", as its keyword.
    Other {
        /// The IPP keyword, without its suffix.
        reason: String,
    },
}

impl Problem {
    /// Whether a sheet should wait rather than be sent: a low supply still prints.
    pub fn blocks(&self) -> bool {
        !matches!(self, Problem::MarkerLow { .. })
    }

    /// The IPP word for it, for logs and one-line errors.
    pub fn keyword(&self) -> String {
        match self {
            Problem::Stopped => "stopped".into(),
            Problem::NotAccepting => "not-accepting-jobs".into(),
            Problem::MediaEmpty => "media-empty".into(),
            Problem::MediaJam => "media-jam".into(),
            Problem::CoverOpen => "cover-open".into(),
            Problem::MarkerEmpty { name } if name.is_empty() => "marker-supply-empty".into(),
            Problem::MarkerEmpty { name } => format!("marker-supply-empty ({name})"),
            Problem::MarkerLow { name, .. } => format!("marker-supply-low ({name})"),
            Problem::Other { reason } => reason.clone(),
        }
    }
}

/// A reason keyword without its severity suffix (RFC 8011 §5.4.12).
fn bare(reason: &str) -> &str {
    ["-report", "-warning", "-error"]
        .iter()
        .find_map(|s| reason.strip_suffix(s))
        .unwrap_or(reason)
}

impl PrinterStatus {
    /// Reads a Get-Printer-Attributes answer.
    pub(crate) fn from_response(r: &Response) -> Self {
        let state = match r.get("printer-state").first().and_then(Value::int) {
            Some(4) => State::Processing,
            Some(5) => State::Stopped,
            _ => State::Idle,
        };
        let reasons = r
            .get("printer-state-reasons")
            .iter()
            .filter_map(Value::text)
            .filter(|k| *k != "none")
            .map(str::to_owned)
            .collect();
        let accepting = !matches!(
            r.get("printer-is-accepting-jobs").first(),
            Some(Value::Bool(false))
        );
        let names: Vec<&str> = r
            .get("marker-names")
            .iter()
            .map(|v| v.text().unwrap_or(""))
            .collect();
        let percent = |v: &Value| {
            v.int()
                .and_then(|i| u8::try_from(i).ok())
                .filter(|p| *p <= 100)
        };
        let levels = r.get("marker-levels");
        let lows = r.get("marker-low-levels");
        let markers = levels
            .iter()
            .enumerate()
            .map(|(i, level)| Marker {
                name: names.get(i).copied().unwrap_or("").to_owned(),
                level: percent(level),
                low: lows.get(i).and_then(percent),
            })
            .collect();
        PrinterStatus {
            state,
            reasons,
            accepting,
            markers,
            media: MediaSupport::from_response(r),
        }
    }

    /// The problems, the most urgent first; empty when all is well.
    pub fn problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        let mut push = |p: Problem| {
            if !out.contains(&p) {
                out.push(p);
            }
        };
        for reason in &self.reasons {
            let error = reason.ends_with("-error");
            match bare(reason) {
                "media-empty" | "media-needed" | "input-tray-missing" => push(Problem::MediaEmpty),
                "media-jam" => push(Problem::MediaJam),
                "cover-open" | "door-open" | "interlock-open" => push(Problem::CoverOpen),
                "marker-supply-empty" | "toner-empty" => push(Problem::MarkerEmpty {
                    name: String::new(),
                }),
                "marker-supply-low" | "toner-low" => push(Problem::MarkerLow {
                    name: String::new(),
                    level: None,
                }),
                "paused" | "moving-to-paused" => push(Problem::Stopped),
                other if error => push(Problem::Other {
                    reason: other.to_owned(),
                }),
                _ => {}
            }
        }
        for m in &self.markers {
            match (m.level, m.low) {
                (Some(0), _) => push(Problem::MarkerEmpty {
                    name: m.name.clone(),
                }),
                (Some(level), Some(low)) if level <= low => push(Problem::MarkerLow {
                    name: m.name.clone(),
                    level: Some(level),
                }),
                _ => {}
            }
        }
        // A named marker says more than the bare reason.
        if out
            .iter()
            .any(|p| matches!(p, Problem::MarkerEmpty { name } if !name.is_empty()))
        {
            out.retain(|p| !matches!(p, Problem::MarkerEmpty { name } if name.is_empty()));
        }
        if out
            .iter()
            .any(|p| matches!(p, Problem::MarkerLow { name, .. } if !name.is_empty()))
        {
            out.retain(|p| !matches!(p, Problem::MarkerLow { name, .. } if name.is_empty()));
        }
        if self.state == State::Stopped {
            out.insert(0, Problem::Stopped);
            out.dedup();
        }
        if !self.accepting {
            out.insert(0, Problem::NotAccepting);
        }
        out
    }

    /// The problems that keep a sheet from being sent, as keywords; empty when it may go.
    pub fn blocking(&self) -> Vec<String> {
        self.problems()
            .iter()
            .filter(|p| p.blocks())
            .map(Problem::keyword)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(state: State, reasons: &[&str], markers: Vec<Marker>) -> PrinterStatus {
        PrinterStatus {
            state,
            reasons: reasons.iter().map(|s| (*s).to_owned()).collect(),
            accepting: true,
            markers,
            media: MediaSupport::everything(),
        }
    }

    #[test]
    fn an_idle_printer_with_ink_has_no_problem() {
        let s = status(
            State::Idle,
            &["media-low-report"],
            vec![Marker {
                name: "Ribbon".into(),
                level: Some(80),
                low: Some(10),
            }],
        );
        assert!(s.problems().is_empty());
        assert!(s.blocking().is_empty());
    }

    #[test]
    fn paper_out_and_a_stopped_queue_block_a_low_ribbon_does_not() {
        let s = status(
            State::Stopped,
            &["media-empty-error", "marker-supply-low-warning"],
            vec![Marker {
                name: "Ribbon".into(),
                level: Some(5),
                low: Some(10),
            }],
        );
        assert_eq!(
            s.problems(),
            vec![
                Problem::Stopped,
                Problem::MediaEmpty,
                Problem::MarkerLow {
                    name: "Ribbon".into(),
                    level: Some(5)
                }
            ]
        );
        assert_eq!(s.blocking(), vec!["stopped", "media-empty"]);
    }

    #[test]
    fn an_empty_marker_and_an_unknown_error_block() {
        let s = status(
            State::Idle,
            &["spool-area-full-report", "fuser-over-temp-error"],
            vec![Marker {
                name: "Cyan".into(),
                level: Some(0),
                low: None,
            }],
        );
        assert_eq!(
            s.blocking(),
            vec!["fuser-over-temp", "marker-supply-empty (Cyan)"]
        );
    }
}
