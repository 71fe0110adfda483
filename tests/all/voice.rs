//! The spoken prompts: espeak-ng really speaking (into a WAV file, as this machine has no sound
//! card), the newest text said rather than a backlog, and the booth speaking each screen in the
//! applicant's language.

use std::path::Path;
use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable;
use idbooth::voice::{Voice, VoiceConfig};

use crate::util;

/// Waits until `ready` holds, or fails naming `what`.
fn wait(what: &str, limit: Duration, ready: impl Fn() -> bool) {
    let start = Instant::now();
    while !ready() {
        assert!(start.elapsed() < limit, "{what} within {limit:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A voice whose "speech" is a line `VOICE TEXT` appended to `log`, taking `seconds` to say:
/// the shell is the program, taking the arguments as espeak-ng would.
fn logging_voice(log: &Path, seconds: f32) -> VoiceConfig {
    VoiceConfig {
        enabled: true,
        command: "sh".into(),
        args: vec![
            "-c".into(),
            format!(
                "printf '%s %s\\n' \"$2\" \"$5\" >> '{}'; sleep {seconds}",
                log.display()
            ),
            "sh".into(),
        ],
        ..VoiceConfig::default()
    }
}

fn said(log: &Path) -> Vec<String> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn espeak_ng_says_chinese_and_english() {
    let dir = tempfile::tempdir().expect("temp");
    for (text, voice) in [("请靠近一点", "cmn"), ("Please move closer", "en")] {
        let wav = dir.path().join(format!("{voice}.wav"));
        let config = VoiceConfig {
            enabled: true,
            args: vec!["-w".into(), wav.display().to_string()],
            ..VoiceConfig::default()
        };
        let speaker = Voice::start(&config);
        assert!(speaker.speaks());
        speaker.say(text, voice);
        // espeak-ng writes the header first and the length last: wait for a whole file.
        wait(
            "espeak-ng (apt install espeak-ng: .ci/setup test) writes the speech",
            Duration::from_secs(20),
            || {
                std::fs::read(&wav).is_ok_and(|b| {
                    b.len() > 44 && u32::from_le_bytes([b[40], b[41], b[42], b[43]]) > 0
                })
            },
        );
        let bytes = std::fs::read(&wav).expect("wav");
        assert_eq!(&bytes[..4], b"RIFF", "{voice}");
        assert_eq!(&bytes[8..12], b"WAVE", "{voice}");
        let rate = u32::from_le_bytes([bytes[24], bytes[25], bytes[26], bytes[27]]);
        let data = u32::from_le_bytes([bytes[40], bytes[41], bytes[42], bytes[43]]);
        // 16-bit mono: at least half a second of speech for a short sentence.
        let seconds = data as f32 / (2.0 * rate as f32);
        assert!(seconds > 0.5, "{voice}: {seconds} s");
    }
}

#[test]
fn the_newest_text_is_said_and_a_backlog_is_not() {
    let dir = tempfile::tempdir().expect("temp");
    let log = dir.path().join("said.txt");
    let speaker = Voice::start(&logging_voice(&log, 2.0));
    speaker.say("one", "cmn");
    wait("the first text said", Duration::from_secs(10), || {
        !said(&log).is_empty()
    });
    // While "one" is being said, three more come: "one" is cut short, "two" never said.
    speaker.say("two", "cmn");
    speaker.say("three", "cmn");
    speaker.say("← four", "en");
    wait("the newest text said", Duration::from_secs(10), || {
        said(&log).len() >= 2
    });
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(said(&log), ["cmn one", "en four"]);
}

#[test]
fn the_booth_says_each_screen_in_the_applicant_s_language() {
    let data = tempfile::tempdir().expect("temp");
    let log = data.path().join("said.txt");
    let mut config = util::config();
    config.kiosk.voice = logging_voice(&log, 0.0);
    let mut h = util::booth_harness_with(data.path(), config);
    h.step();
    // The attract screen does not talk to passers-by.
    std::thread::sleep(Duration::from_millis(200));
    assert!(said(&log).is_empty(), "{:?}", said(&log));
    util::tap(&mut h, "开始拍照");
    wait("the document screen said", Duration::from_secs(10), || {
        !said(&log).is_empty()
    });
    assert_eq!(said(&log), ["cmn 请选择证件类型"]);
    util::tap(&mut h, "普通护照");
    wait("the city screen said", Duration::from_secs(10), || {
        said(&log).len() >= 2
    });
    assert_eq!(said(&log)[1], "cmn 请选择受理城市");
    // At the camera the live advice speaks, without its arrows.
    util::tap(&mut h, "深圳市");
    for key in ["Z", "H", "A", "N", "G"] {
        util::tap(&mut h, key);
    }
    util::tap(&mut h, "张");
    h.get_by_label_contains("身份证号: ").click();
    h.step();
    for digit in "11010519491231002X".chars() {
        util::tap(&mut h, &digit.to_string());
    }
    util::tap(&mut h, "下一步");
    util::tap(&mut h, "同意");
    util::tap(&mut h, "知道了，开始拍照");
    let advices: Vec<String> = idbooth::vision::Advice::ALL
        .iter()
        .map(|a| idbooth::voice::spoken(idbooth::i18n::Language::BASE.t(a.key())))
        .collect();
    let start = Instant::now();
    while !said(&log)
        .iter()
        .any(|line| advices.iter().any(|a| line == &format!("cmn {a}")))
    {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no advice said: {:?}",
            said(&log)
        );
        h.step();
        std::thread::sleep(Duration::from_millis(30));
    }
    util::tap(&mut h, "取消");
    util::wait_for(&mut h, "开始拍照", Duration::from_secs(10));
    let before = said(&log).len();
    util::tap(&mut h, "English");
    util::tap(&mut h, "Start");
    wait("the English screen said", Duration::from_secs(10), || {
        said(&log).len() > before
    });
    assert_eq!(
        said(&log).last().map(String::as_str),
        Some("en Which document is the photo for?")
    );
}
