//! Normalization of a capture to a document's spec: crop from the face, resample, background to
//! the spec colour, gentle exposure and white balance (never mirrored, never beautified), JPEG
//! inside the KB window with the JFIF density set; and the print layout sheet.
//!
//! Pure: knows nothing of cameras or the UI. Built by issue #3.
