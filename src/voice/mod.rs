//! Spoken prompts: a booth that speaks each screen and the live guidance, in the applicant's
//! language, for those who cannot read the screen well (Chinese self-service kiosks speak).
//! The words come from the language files; a text-to-speech program (espeak-ng on Debian) says
//! them on a worker thread, so the screens never wait for a voice. Off unless `[voice] enabled`.

mod config;
mod speaker;

pub use config::{RATES, VoiceConfig};
pub use speaker::{Voice, spoken};
