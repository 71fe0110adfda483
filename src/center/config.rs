//! `[center]` of `kiosk.toml`: where the detection center is and how patiently to talk to it.

use serde::Deserialize;

/// `[center]`: the detection center.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CenterConfig {
    /// Base URL; HTTPS, or plain HTTP on loopback only.
    pub url: String,
    /// Bearer token of this kiosk. Optional in the file: the systemd credential `center-token`
    /// takes its place (see `ops::credentials`).
    #[serde(default)]
    pub token: String,
    /// Connect timeout.
    pub connect_timeout_ms: u64,
    /// Timeout of one request.
    pub request_timeout_ms: u64,
    /// How long the applicant waits for the answer before getting a pending ticket.
    pub wait_budget_s: u64,
    /// PEM file of the CA that signed the center's certificate; only it is trusted then.
    /// Relative to the config folder. Without it, the system's roots.
    #[serde(default)]
    pub ca_file: Option<String>,
    /// First retry delay; it doubles per failed try, with jitter.
    #[serde(default = "default_retry_min_ms")]
    pub retry_min_ms: u64,
    /// Longest retry delay.
    #[serde(default = "default_retry_max_ms")]
    pub retry_max_ms: u64,
    /// How often a submission the center has not decided yet is asked about.
    #[serde(default = "default_poll_ms")]
    pub poll_interval_ms: u64,
    /// After how many minutes a submission still waiting to be sent is a problem on the
    /// maintenance screen.
    #[serde(default = "default_outbox_alarm_min")]
    pub outbox_alarm_min: u64,
    /// How often the booth sends the center its heartbeat (counters, health, versions; no
    /// applicant data), in seconds.
    #[serde(default = "default_heartbeat_s")]
    pub heartbeat_s: u64,
}

fn default_retry_min_ms() -> u64 {
    1_000
}

fn default_retry_max_ms() -> u64 {
    60_000
}

fn default_poll_ms() -> u64 {
    5_000
}

fn default_outbox_alarm_min() -> u64 {
    10
}

fn default_heartbeat_s() -> u64 {
    60
}
