//! `[voice]` in `kiosk.toml`.

use serde::Deserialize;

/// How the booth speaks (validated with the rest of `kiosk.toml` by `ops::config`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoiceConfig {
    /// Speak the screens and the guidance.
    #[serde(default)]
    pub enabled: bool,
    /// The text-to-speech program. It is run as `COMMAND ARGS… -v VOICE -s RATE TEXT`, the way
    /// espeak-ng takes them; each language file names its voice (`[language] voice`).
    #[serde(default = "default_command")]
    pub command: String,
    /// Words per minute: slower than talk, for a stranger at a machine.
    #[serde(default = "default_rate")]
    pub rate_wpm: u32,
    /// More arguments, before the voice (`["-a", "120"]` for the volume, `["-d", "hw:1"]` for
    /// another sound card).
    #[serde(default)]
    pub args: Vec<String>,
}

fn default_command() -> String {
    "espeak-ng".to_owned()
}

fn default_rate() -> u32 {
    150
}

impl Default for VoiceConfig {
    fn default() -> Self {
        VoiceConfig {
            enabled: false,
            command: default_command(),
            rate_wpm: default_rate(),
            args: Vec::new(),
        }
    }
}

/// Slowest and fastest speech a booth may set, in words per minute.
pub const RATES: std::ops::RangeInclusive<u32> = 80..=400;
