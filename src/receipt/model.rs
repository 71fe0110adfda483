//! The receipt's content, from the center's answer, the applicant and the photo. Every string
//! from outside (center, applicant) is stripped of control characters here, once.

use super::escpos::clean;
use super::layout::{Field, Layout, Layouts};
use crate::applicant::Applicant;
use crate::center::api::Submission;
use crate::i18n::Language;
use crate::spec::{Cities, Documents};

/// What a receipt says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// 回执号, one unbroken string.
    pub receipt_no: String,
    /// 图像号.
    pub image_no: Option<String>,
    /// Document name in Chinese.
    pub document: String,
    /// City name.
    pub city: String,
    /// Name, masked (张*三).
    pub name: String,
    /// ID number, masked (first 6, last 4).
    pub id_number: String,
    /// When the center received it, in the booth's local time to the minute.
    pub taken_at: String,
    /// Last day valid.
    pub valid_until: Option<String>,
    /// This booth.
    pub kiosk_id: String,
    /// The photo, in grey, for the thumbnail.
    pub thumbnail: Option<image::GrayImage>,
    /// Document id (`passport`, …): with the city code, picks the layout.
    pub document_id: String,
    /// City code (`440300`, …).
    pub city_code: String,
    /// What the receipt looks like ([`Receipt::with_layout`] picks it from `receipts.toml`).
    pub layout: Layout,
    /// The language the applicant read at the booth: labels, the title and a note follow it as
    /// well as the office's language (see [`super::reader`]).
    pub lang: Language,
}

/// `created_at` (RFC 3339, as the center sends it) as `YYYY-MM-DD HH:MM` in `zone`, the way
/// staff and applicants read a time; text that is not RFC 3339 is printed as it came, cleaned.
pub fn minute_in<Tz: chrono::TimeZone>(created_at: &str, zone: &Tz) -> String
where
    Tz::Offset: std::fmt::Display,
{
    chrono::DateTime::parse_from_rfc3339(created_at.trim()).map_or_else(
        |_| clean(created_at),
        |t| t.with_timezone(zone).format("%Y-%m-%d %H:%M").to_string(),
    )
}

impl Receipt {
    /// The receipt of an approved submission of `applicant` for `document`, for an applicant
    /// who read `lang` at the booth.
    pub fn new(
        s: &Submission,
        applicant: &Applicant,
        document: &str,
        (documents, cities): (&Documents, &Cities),
        kiosk_id: &str,
        lang: Language,
    ) -> Receipt {
        let document_id = document;
        let document = documents.get(document).map_or_else(
            || document.to_owned(),
            // As the city: the applicant's name for it first, the office's after it.
            |d| match lang.han() {
                true => d.name_zh.clone(),
                false => format!("{} {}", d.name_en, d.name_zh),
            },
        );
        let city_code = &applicant.city_code;
        let city = cities
            .get(city_code)
            .map_or_else(|| city_code.clone(), |c| c.name_in(lang));
        Receipt {
            receipt_no: clean(s.receipt_no.as_deref().unwrap_or_default()),
            image_no: s.image_no.as_deref().map(clean),
            document: clean(&document),
            city: clean(&city),
            name: clean(&applicant.name.masked()),
            id_number: applicant.id_number.masked(),
            taken_at: minute_in(&s.created_at, &chrono::Local),
            valid_until: s.valid_until.as_deref().map(clean),
            kiosk_id: clean(kiosk_id),
            thumbnail: None,
            document_id: document_id.to_owned(),
            city_code: city_code.clone(),
            layout: Layout::default(),
            lang,
        }
    }

    /// The receipt laid out as `receipts.toml` says for its document and city.
    pub fn with_layout(mut self, layouts: &Layouts) -> Receipt {
        self.layout = layouts.for_receipt(&self.document_id, &self.city_code);
        self
    }

    /// The receipt as an ESC/POS job: the title, the number large with its CODE128 and QR, the
    /// thumbnail, the details, the notes, the cut.
    pub fn escpos(&self, profile: super::escpos::Profile) -> Vec<u8> {
        use super::escpos::{Align, EscPos};
        let mut job = EscPos::new(profile);
        let (title, translated) = self.title();
        job.align(Align::Center)
            .bold(true)
            .size(true, true)
            .line(title);
        job.size(false, false).bold(false);
        if let Some(translated) = translated {
            job.line(translated);
        }
        job.line(&self.number_label());
        // One unbroken string, large: staff type it or scan it.
        job.bold(true)
            .size(false, true)
            .line(&self.receipt_no)
            .size(false, false)
            .bold(false);
        job.code128(&self.receipt_no).qr(&self.receipt_no);
        if let Some(thumbnail) = self.thumbnail.as_ref().filter(|_| self.layout.thumbnail) {
            let width = (profile.dots / 3).max(1);
            let height =
                (thumbnail.height() as f32 * width as f32 / thumbnail.width().max(1) as f32) as u32;
            let small = image::imageops::resize(
                thumbnail,
                width,
                height.max(1),
                image::imageops::FilterType::Triangle,
            );
            job.raster(&small);
        }
        job.align(Align::Left);
        for line in self.details() {
            job.line(&line);
        }
        job.finish()
    }

    /// The receipt as plain lines, top to bottom (the virtual printer's file, the PDF's text):
    /// the title (and its translation), the number, the layout's fields, its notes.
    pub fn lines(&self) -> Vec<String> {
        let (title, translated) = self.title();
        let mut lines = vec![title.to_owned()];
        lines.extend(translated.map(str::to_owned));
        lines.push(format!("{}: {}", self.number_label(), self.receipt_no));
        lines.extend(self.details());
        lines
    }

    /// The layout's title, and the title in the applicant's language when the office does not
    /// read it.
    fn title(&self) -> (&str, Option<&'static str>) {
        let translated = (!self.lang.han()).then(|| self.lang.t("receipt.title"));
        (&self.layout.title, translated)
    }

    fn number_label(&self) -> String {
        super::reader::label(self.lang, "receipt.number")
    }

    /// The field lines and the notes, below the number.
    fn details(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for &field in &self.layout.fields {
            let value = match field {
                Field::ImageNo => self.image_no.as_deref(),
                Field::Document => Some(self.document.as_str()),
                Field::City => Some(self.city.as_str()),
                Field::Name => Some(self.name.as_str()),
                Field::IdNumber => Some(self.id_number.as_str()),
                Field::TakenAt => Some(self.taken_at.as_str()),
                Field::ValidUntil => self.valid_until.as_deref(),
                Field::KioskId => Some(self.kiosk_id.as_str()),
            };
            if let Some(value) = value {
                let label = super::reader::label(self.lang, field.key());
                lines.push(format!("{label}: {value}"));
            }
        }
        lines.extend(self.layout.notes.iter().cloned());
        // The layout's notes are the office's; the applicant who does not read them learns
        // what to do with the receipt.
        if !self.lang.han() {
            lines.push(self.lang.t("receipt.note").to_owned());
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_taken_is_local_and_to_the_minute() {
        let beijing = chrono::FixedOffset::east_opt(8 * 3600).expect("offset");
        // The center's own form: UTC with nanoseconds.
        assert_eq!(
            minute_in("2026-12-02T21:34:17.450732217+00:00", &beijing),
            "2026-12-03 05:34"
        );
        assert_eq!(
            minute_in("2026-11-25T10:00:59+08:00", &beijing),
            "2026-11-25 10:00"
        );
        let utc = chrono::Utc;
        assert_eq!(
            minute_in("2026-11-25T10:00:00+08:00", &utc),
            "2026-11-25 02:00"
        );
        // Not RFC 3339: kept as sent, without control characters.
        assert_eq!(minute_in("yesterday\u{1b}", &beijing), "yesterday");
    }

    #[test]
    fn control_bytes_are_removed() {
        assert_eq!(clean("4403\u{1b}@0026\u{1d}V\n1125"), "4403@0026V1125");
    }
}
