//! The facts the booth works to: each document's digital photo spec, the cities where a
//! document is issued and the reason codes of a non-compliant photo, parsed from the text of `kiosk-config/` and validated.
//!
//! Pure: this module reads no files. `ops::config` reads them, and turns a [`Problem`]'s key
//! path into a file and line for the operator.

mod city;
mod document;
mod ordered;
mod photo_rule;
mod problem;
mod reason;

pub use city::{Cities, City, CityKind};
pub use document::{Category, Documents, PxRange, Spec};
pub use photo_rule::{PhotoRule, checklist};
pub use problem::Problem;
pub(crate) use problem::ordered_pair;
pub use reason::Reason;
