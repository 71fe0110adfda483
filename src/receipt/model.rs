//! The receipt's content, from the center's answer, the applicant and the photo. Every string
//! from outside (center, applicant) is stripped of control characters here, once.

use crate::applicant::Applicant;
use crate::center::api::Submission;
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
    /// When the center received it.
    pub taken_at: String,
    /// Last day valid.
    pub valid_until: Option<String>,
    /// This booth.
    pub kiosk_id: String,
    /// The photo, in grey, for the thumbnail.
    pub thumbnail: Option<image::GrayImage>,
}

/// Removes control characters (ESC, GS, newlines…) from text that came from outside.
pub fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).collect()
}

impl Receipt {
    /// The receipt of an approved submission of `applicant` for `document`.
    pub fn new(
        s: &Submission,
        applicant: &Applicant,
        document: &str,
        (documents, cities): (&Documents, &Cities),
        kiosk_id: &str,
    ) -> Receipt {
        let document = documents
            .get(document)
            .map_or_else(|| document.to_owned(), |d| d.name_zh.clone());
        let city_code = &applicant.city_code;
        let city = cities
            .get(city_code)
            .map_or_else(|| city_code.clone(), |c| c.name.clone());
        Receipt {
            receipt_no: clean(s.receipt_no.as_deref().unwrap_or_default()),
            image_no: s.image_no.as_deref().map(clean),
            document: clean(&document),
            city: clean(&city),
            name: clean(&applicant.name.masked()),
            id_number: applicant.id_number.masked(),
            taken_at: clean(&s.created_at),
            valid_until: s.valid_until.as_deref().map(clean),
            kiosk_id: clean(kiosk_id),
            thumbnail: None,
        }
    }

    /// The receipt as an ESC/POS job: the title, the number large with its CODE128 and QR, the
    /// thumbnail, the details, the notes, the cut.
    pub fn escpos(&self, profile: super::escpos::Profile) -> Vec<u8> {
        use super::escpos::{Align, EscPos};
        let mut job = EscPos::new(profile);
        job.align(Align::Center)
            .bold(true)
            .size(true, true)
            .line("数字相片采集回执");
        job.size(false, false).bold(false).line("回执号");
        // One unbroken string, large: staff type it or scan it.
        job.bold(true)
            .size(false, true)
            .line(&self.receipt_no)
            .size(false, false)
            .bold(false);
        job.code128(&self.receipt_no).qr(&self.receipt_no);
        if let Some(thumbnail) = &self.thumbnail {
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
        for line in self.lines().iter().skip(2) {
            job.line(line);
        }
        job.finish()
    }

    /// The receipt as plain lines, top to bottom (the virtual printer's file, the PDF's text).
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![
            "数字相片采集回执".to_owned(),
            format!("回执号: {}", self.receipt_no),
        ];
        if let Some(image_no) = &self.image_no {
            lines.push(format!("图像号: {image_no}"));
        }
        lines.extend([
            format!("业务类型: {}", self.document),
            format!("受理城市: {}", self.city),
            format!("姓名: {}", self.name),
            format!("身份证号: {}", self.id_number),
            format!("采集时间: {}", self.taken_at),
        ]);
        if let Some(until) = &self.valid_until {
            lines.push(format!("有效期至: {until}"));
        }
        lines.push(format!("设备编号: {}", self.kiosk_id));
        lines.push("请凭回执号到受理窗口办理。".to_owned());
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_bytes_are_removed() {
        assert_eq!(clean("4403\u{1b}@0026\u{1d}V\n1125"), "4403@0026V1125");
    }
}
