//! The voice worker: says the newest text it was given, cutting short what it was saying (the
//! applicant needs the advice of now, not a backlog), without ever blocking the caller.

use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::time::Duration;

use super::VoiceConfig;

/// One thing to say.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Utterance {
    text: String,
    voice: String,
}

/// The booth's voice: a worker thread, or nothing when speech is off.
#[derive(Debug, Default)]
pub struct Voice {
    to_worker: Option<Sender<Utterance>>,
}

/// How often the worker looks whether a newer text came while it speaks.
const POLL: Duration = Duration::from_millis(40);

/// How long the texts must stop coming before the last is said.
const SETTLE: Duration = Duration::from_millis(150);

impl Voice {
    /// A silent voice.
    pub fn silent() -> Voice {
        Voice::default()
    }

    /// Starts the voice of `config` on its own thread (`voice`); silent when it is off or the
    /// thread cannot start.
    pub fn start(config: &VoiceConfig) -> Voice {
        if !config.enabled {
            return Voice::silent();
        }
        let (to_worker, from_booth) = channel();
        let config = config.clone();
        match std::thread::Builder::new()
            .name("voice".into())
            .spawn(move || speak_all(&config, &from_booth))
        {
            Ok(_) => Voice {
                to_worker: Some(to_worker),
            },
            Err(error) => {
                tracing::warn!(%error, "voice: the worker did not start; the booth is silent");
                Voice::silent()
            }
        }
    }

    /// Whether it speaks at all.
    pub fn speaks(&self) -> bool {
        self.to_worker.is_some()
    }

    /// Says `text` with the text-to-speech `voice` (`cmn`, `en`…), instead of whatever it is
    /// saying. Returns at once.
    pub fn say(&self, text: &str, voice: &str) {
        let text = spoken(text);
        if let (Some(to_worker), false) = (&self.to_worker, text.is_empty()) {
            let _ = to_worker.send(Utterance {
                text,
                voice: voice.to_owned(),
            });
        }
    }
}

/// `text` as it is said: without the arrows and ticks that only the eye reads, on one line.
pub fn spoken(text: &str) -> String {
    let kept: String = text
        .chars()
        .map(|c| match c {
            '\u{2190}'..='\u{21FF}' | '\u{2713}' | '\u{2714}' | '\u{2717}' | '\u{221A}' => ' ',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The worker: until the booth goes, says the newest text, stopping the current one when a
/// newer comes.
fn speak_all(config: &VoiceConfig, from_booth: &Receiver<Utterance>) {
    let mut failed_once = false;
    let mut next = None;
    loop {
        let mut utterance = match next.take() {
            Some(u) => u,
            None => match from_booth.recv() {
                Ok(u) => u,
                Err(_) => return,
            },
        };
        // A burst (a new screen and its first advice) is said as its last text only.
        loop {
            match from_booth.recv_timeout(SETTLE) {
                Ok(newer) => utterance = newer,
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        let mut child = match run(config, &utterance) {
            Ok(child) => child,
            Err(error) => {
                if !failed_once {
                    tracing::warn!(%error, command = %config.command, "voice: cannot speak");
                    failed_once = true;
                }
                continue;
            }
        };
        loop {
            match from_booth.recv_timeout(POLL) {
                Ok(newer) => {
                    stop(&mut child);
                    next = Some(newer);
                    break;
                }
                Err(RecvTimeoutError::Timeout) => {
                    if !matches!(child.try_wait(), Ok(None)) {
                        break;
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    stop(&mut child);
                    return;
                }
            }
        }
    }
}

fn run(config: &VoiceConfig, utterance: &Utterance) -> std::io::Result<Child> {
    Command::new(&config.command)
        .args(&config.args)
        .arg("-v")
        .arg(&utterance.voice)
        .arg("-s")
        .arg(config.rate_wpm.to_string())
        .arg(&utterance.text)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
}

fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_only_the_eye_reads_is_not_said() {
        assert_eq!(spoken("← 请向左移动"), "请向左移动");
        assert_eq!(spoken("√ 睁开眼睛\n双唇闭合"), "睁开眼睛 双唇闭合");
        assert_eq!(spoken("Move to your left →"), "Move to your left");
        assert_eq!(spoken(" ↑ "), "");
    }

    #[test]
    fn a_silent_voice_takes_text_and_says_nothing() {
        let voice = Voice::start(&VoiceConfig::default());
        assert!(!voice.speaks());
        voice.say("请靠近一点", "cmn");
    }
}
