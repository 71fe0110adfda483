//! The booth speaks Chinese by default and English on request: every string on screen is
//! chosen here by the language, next to its translation.

use crate::ops::config::Language;
use crate::spec::Reason;
use crate::vision::Advice;

/// Picks the string of the language.
pub fn tr(lang: Language, zh: &'static str, en: &'static str) -> &'static str {
    match lang {
        Language::ZhCn => zh,
        Language::En => en,
    }
}

/// The guidance, in words, with an arrow where there is a direction.
pub fn advice(lang: Language, a: Advice) -> &'static str {
    match a {
        Advice::NoFace => tr(lang, "请站到镜头前", "Please stand in front of the camera"),
        Advice::OnlyOnePerson => tr(lang, "画面中只能有一个人", "Only one person, please"),
        Advice::MoveCloser => tr(lang, "请靠近一点", "Come a little closer"),
        Advice::MoveBack => tr(lang, "请后退一点", "Move back a little"),
        Advice::MoveLeft => tr(lang, "← 请向左移", "← Move to your left"),
        Advice::MoveRight => tr(lang, "请向右移 →", "Move to your right →"),
        Advice::MoveUp => tr(lang, "↑ 请坐高一点", "↑ Sit up a little"),
        Advice::MoveDown => tr(lang, "↓ 请放低一点", "↓ Lower yourself a little"),
        Advice::StraightenHead => tr(lang, "请保持头部端正", "Hold your head straight"),
        Advice::MoreLight => tr(lang, "光线太暗", "Too dark"),
        Advice::LessLight => tr(lang, "光线太亮", "Too bright"),
        Advice::UnevenLight => tr(lang, "面部光线不均匀", "Uneven light on your face"),
        Advice::PlainBackground => tr(lang, "背景不够纯净", "The background is not plain"),
        Advice::HoldStill => tr(lang, "请保持不动", "Hold still"),
        Advice::Good => tr(lang, "很好，请保持", "Good, hold it"),
    }
}

/// A reason for a rejection, in words.
pub fn reason(lang: Language, r: Reason) -> &'static str {
    match lang {
        Language::ZhCn => r.message_zh(),
        Language::En => r.message_en(),
    }
}
