//! The eframe app: applicant and operator screens, on-screen keyboard, fonts, zh-CN and English
//! text. Knows nothing of hardware details. Built by issues #6 and #7.
