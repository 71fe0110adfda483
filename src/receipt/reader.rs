//! Whom paper speaks to: the office's staff, who read the base language, and the applicant, who
//! read the language they chose at the booth. A language written in Chinese characters is read
//! by both; any other is printed after the base one.

use crate::i18n::Language;

/// The text of `key` as printed for an applicant reading `lang`: that language's alone when the
/// office reads it too, else the base language's and then `lang`'s.
pub fn printed(lang: Language, key: &str) -> Vec<&'static str> {
    if lang.han() {
        vec![lang.t(key)]
    } else {
        vec![Language::BASE.t(key), lang.t(key)]
    }
}

/// A label as printed for `lang`: both texts of [`printed`] on one line (图像号 Image number).
pub fn label(lang: Language, key: &str) -> String {
    printed(lang, key).join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_read_every_label_and_the_applicant_reads_their_own() {
        assert_eq!(label(Language::BASE, "receipt.image_no"), "图像号");
        assert_eq!(label(Language::ZH_HANT, "receipt.image_no"), "圖像號");
        assert_eq!(
            label(Language::EN, "receipt.image_no"),
            "图像号 Image number"
        );
        assert_eq!(
            printed(Language::EN, "receipt.title"),
            ["数字相片采集回执", "Digital photo receipt"]
        );
    }
}
