//! The booth speaks Chinese by default and English on request: every string on screen is
//! chosen here by the language, next to its translation.

use crate::applicant::{ApplicantError, IdNumberError, NameError};
use crate::ops::config::Language;
use crate::spec::{PhotoRule, Reason};
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
        Advice::FaceCamera => tr(lang, "请正对镜头", "Face the camera"),
        Advice::LevelHead => tr(lang, "请抬头平视前方", "Hold your head level"),
        Advice::LookAtCamera => tr(lang, "请两眼平视镜头", "Look into the camera"),
        Advice::OpenEyes => tr(lang, "请睁开眼睛", "Open your eyes"),
        Advice::CloseMouth => tr(lang, "请闭上嘴", "Close your mouth"),
        Advice::TakeOffHat => tr(lang, "请摘下帽子", "Please take off your hat"),
        Advice::TakeOffEarrings => tr(lang, "请摘下耳环", "Please take off your earrings"),
        Advice::ClearEars => tr(lang, "请把头发别到耳后", "Tuck your hair behind your ears"),
        Advice::HairBehindShoulders => tr(
            lang,
            "请把头发拨到肩后",
            "Put your hair behind your shoulders",
        ),
        Advice::ClearBrows => tr(lang, "请露出眉毛", "Keep your hair off your eyebrows"),
        Advice::MoreLight => tr(lang, "光线太暗", "Too dark"),
        Advice::LessLight => tr(lang, "光线太亮", "Too bright"),
        Advice::UnevenLight => tr(lang, "面部光线不均匀", "Uneven light on your face"),
        Advice::Glare => tr(
            lang,
            "面部或眼镜有反光",
            "Light reflects off your face or glasses",
        ),
        Advice::PlainBackground => tr(lang, "背景不够纯净", "The background is not plain"),
        Advice::HoldStill => tr(lang, "请保持不动", "Hold still"),
        Advice::Blink => tr(lang, "请眨一下眼睛", "Please blink once"),
        Advice::Good => tr(lang, "很好，请保持", "Good, hold it"),
    }
}

/// The rejection screen once the session has used all its photos.
pub fn retake_limit(lang: Language) -> &'static str {
    tr(
        lang,
        "本次拍照次数已用完，不能再重拍。请联系工作人员帮助。",
        "No retakes are left for this session. Please ask the staff for help.",
    )
}

/// The review screen of the session's last photo.
pub fn last_photo(lang: Language) -> &'static str {
    tr(
        lang,
        "这是本次最后一张照片，不能再重拍。如需帮助，请联系工作人员。",
        "This is the session's last photo: no more retakes. Please ask the staff if you need help.",
    )
}

/// How long the upload has waited, of the most it waits before the applicant gets a ticket.
pub fn upload_wait(lang: Language, waited_s: u64, budget_s: u64) -> String {
    match lang {
        Language::ZhCn => {
            format!("已等待 {waited_s} 秒（最多等待 {budget_s} 秒，之后您将获得一张凭条）")
        }
        Language::En => {
            format!("Waited {waited_s} s (at most {budget_s} s; after that you get a ticket)")
        }
    }
}

/// A photo rule, in words.
pub fn rule_text(lang: Language, rule: PhotoRule) -> &'static str {
    match lang {
        Language::ZhCn => rule.text_zh(),
        Language::En => rule.text_en(),
    }
}

/// A reason for a rejection, in words.
pub fn reason(lang: Language, r: Reason) -> &'static str {
    match lang {
        Language::ZhCn => r.message_zh(),
        Language::En => r.message_en(),
    }
}

/// Why the typed name or number is not accepted, in the applicant's language.
pub fn applicant_error(lang: Language, error: &ApplicantError) -> String {
    if lang == Language::En {
        return error.to_string();
    }
    match error {
        ApplicantError::Name(NameError::Empty) => "请输入姓名。".into(),
        ApplicantError::Name(NameError::TooLong(n, max)) => {
            format!("姓名有 {n} 个字符，最多 {max} 个。")
        }
        ApplicantError::Name(NameError::Character(c)) => {
            format!("姓名中不能有“{c}”，请只用汉字或只用拉丁字母。")
        }
        ApplicantError::Name(NameError::Mixed) => "姓名请全部用汉字，或全部用拉丁字母。".into(),
        ApplicantError::Name(NameError::Separator) => "“·”只能用在姓名的两部分之间。".into(),
        ApplicantError::IdNumber(IdNumberError::Empty) => "请输入身份证号。".into(),
        ApplicantError::IdNumber(IdNumberError::Length(n)) => {
            format!("身份证号输入了 {n} 位，应为 18 位。")
        }
        ApplicantError::IdNumber(IdNumberError::Character { position, found }) => {
            format!("身份证号第 {position} 位是“{found}”：只能是数字，X 只能在最后一位。")
        }
        ApplicantError::IdNumber(IdNumberError::Region(code)) => {
            format!("身份证号开头 {code} 不是地区代码，请检查前几位。")
        }
        ApplicantError::IdNumber(IdNumberError::BirthDate(date)) => {
            format!("身份证号中的出生日期 {date} 不存在，请检查第 7 至 14 位。")
        }
        ApplicantError::IdNumber(IdNumberError::FutureBirthDate(date)) => {
            format!("身份证号中的出生日期 {date} 晚于今天，请检查第 7 至 14 位。")
        }
        ApplicantError::IdNumber(IdNumberError::CheckCharacter) => {
            "身份证号校验不通过（最后一位不符），请逐位检查。".into()
        }
        _ => error.to_string(),
    }
}
