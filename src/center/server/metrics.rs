//! `GET /metrics` in Prometheus' text format (for a staff token): submissions and verdicts from
//! the book, the judge's queue and a histogram of its time, and the booths (how many, how many
//! silent, each one's silence and outbox).

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use super::{CenterState, Failure, blocking, internal, staff_only};
use crate::center::tokens::Caller;

/// Upper bounds of the judge time histogram, in seconds.
const BOUNDS_S: [f64; 9] = [0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0];

/// How long judging took, as a Prometheus histogram.
#[derive(Debug, Default)]
pub(super) struct JudgeTimes {
    /// Photos per bucket (not cumulative; the last one is over every bound).
    buckets: [AtomicU64; BOUNDS_S.len() + 1],
    sum_us: AtomicU64,
    count: AtomicU64,
}

impl JudgeTimes {
    /// Notes one photo judged in `took`.
    pub(super) fn observe(&self, took: Duration) {
        let s = took.as_secs_f64();
        let i = BOUNDS_S
            .iter()
            .position(|&b| s <= b)
            .unwrap_or(BOUNDS_S.len());
        self.buckets[i].fetch_add(1, Ordering::Relaxed);
        self.sum_us.fetch_add(
            u64::try_from(took.as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        self.count.fetch_add(1, Ordering::Relaxed);
    }

    fn write(&self, out: &mut String) {
        let name = "idbooth_center_judge_seconds";
        let _ = writeln!(
            out,
            "# HELP {name} Time to judge one photo.\n# TYPE {name} histogram"
        );
        let mut cumulative = 0;
        for (i, bound) in BOUNDS_S.iter().enumerate() {
            cumulative += self.buckets[i].load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{le=\"{bound}\"}} {cumulative}");
        }
        cumulative += self.buckets[BOUNDS_S.len()].load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {cumulative}");
        let sum = self.sum_us.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "{name}_sum {sum}");
        let _ = writeln!(out, "{name}_count {}", self.count.load(Ordering::Relaxed));
    }
}

/// A label value as the text format wants it.
fn label(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn metric(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// `GET /metrics`.
pub(super) async fn metrics(
    State(state): State<Arc<CenterState>>,
    Extension(caller): Extension<Caller>,
) -> Result<Response, Failure> {
    staff_only(&caller)?;
    let book = Arc::clone(&state);
    let (tally, booths) = blocking(move || {
        Ok::<_, crate::center::ledger::LedgerError>((book.ledger.tally()?, book.ledger.booths()?))
    })
    .await?
    .map_err(internal)?;
    let now_ms = chrono::Utc::now().timestamp_millis();
    let mut out = String::new();

    metric(
        &mut out,
        "idbooth_center_submissions_total",
        "counter",
        "Submissions recorded.",
    );
    let total = tally.pending + tally.approved + tally.rejected;
    let _ = writeln!(out, "idbooth_center_submissions_total {total}");
    metric(
        &mut out,
        "idbooth_center_verdicts_total",
        "counter",
        "Submissions decided, by outcome.",
    );
    for (outcome, n) in [("approved", tally.approved), ("rejected", tally.rejected)] {
        let _ = writeln!(
            out,
            "idbooth_center_verdicts_total{{outcome=\"{outcome}\"}} {n}"
        );
    }
    metric(
        &mut out,
        "idbooth_center_review_pending",
        "gauge",
        "Submissions waiting for a reviewer.",
    );
    let _ = writeln!(out, "idbooth_center_review_pending {}", tally.pending);
    metric(
        &mut out,
        "idbooth_center_judge_queue",
        "gauge",
        "Photos being judged and waiting for a judge.",
    );
    let load = state.admission.load();
    let _ = writeln!(
        out,
        "idbooth_center_judge_queue{{state=\"running\"}} {}",
        load.running
    );
    let _ = writeln!(
        out,
        "idbooth_center_judge_queue{{state=\"waiting\"}} {}",
        load.waiting
    );
    state.judge_times.write(&mut out);

    let silent_after = state.silent_after;
    metric(
        &mut out,
        "idbooth_center_booths",
        "gauge",
        "Booths that sent a heartbeat.",
    );
    let _ = writeln!(out, "idbooth_center_booths {}", booths.len());
    metric(
        &mut out,
        "idbooth_center_booths_silent",
        "gauge",
        "Booths whose last heartbeat is older than the silence limit.",
    );
    let silent = booths
        .iter()
        .filter(|b| super::fleet::silent(b.seen_ms, now_ms, silent_after))
        .count();
    let _ = writeln!(out, "idbooth_center_booths_silent {silent}");
    metric(
        &mut out,
        "idbooth_center_silent_after_seconds",
        "gauge",
        "The silence limit (--silent-after-min).",
    );
    let _ = writeln!(
        out,
        "idbooth_center_silent_after_seconds {}",
        silent_after.as_secs()
    );
    metric(
        &mut out,
        "idbooth_center_booth_last_seen_seconds",
        "gauge",
        "Seconds since the booth's last heartbeat.",
    );
    for b in &booths {
        let _ = writeln!(
            out,
            "idbooth_center_booth_last_seen_seconds{{kiosk=\"{}\"}} {}",
            label(&b.beat.kiosk_id),
            (now_ms - b.seen_ms).max(0) / 1000
        );
    }
    metric(
        &mut out,
        "idbooth_center_booth_outbox",
        "gauge",
        "Submissions waiting in the booth's outbox, as it last said.",
    );
    for b in &booths {
        let _ = writeln!(
            out,
            "idbooth_center_booth_outbox{{kiosk=\"{}\"}} {}",
            label(&b.beat.kiosk_id),
            b.beat.health.outbox
        );
    }
    let mut response = out.into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_histogram_is_cumulative_with_sum_and_count() {
        let times = JudgeTimes::default();
        times.observe(Duration::from_millis(40));
        times.observe(Duration::from_millis(300));
        times.observe(Duration::from_secs(60));
        let mut out = String::new();
        times.write(&mut out);
        assert!(
            out.contains("idbooth_center_judge_seconds_bucket{le=\"0.05\"} 1\n"),
            "{out}"
        );
        assert!(
            out.contains("idbooth_center_judge_seconds_bucket{le=\"0.5\"} 2\n"),
            "{out}"
        );
        assert!(
            out.contains("idbooth_center_judge_seconds_bucket{le=\"30\"} 2\n"),
            "{out}"
        );
        assert!(
            out.contains("idbooth_center_judge_seconds_bucket{le=\"+Inf\"} 3\n"),
            "{out}"
        );
        assert!(
            out.contains("idbooth_center_judge_seconds_count 3\n"),
            "{out}"
        );
        assert!(
            out.contains("idbooth_center_judge_seconds_sum 60.34\n"),
            "{out}"
        );
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
