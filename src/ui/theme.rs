//! The booth's look, from `assets/theme.toml`: text sizes and colours by what they are for.
//! Embedded at build time; a unit test keeps the shipped file whole.

use std::sync::OnceLock;

use egui::Color32;
use serde::Deserialize;

/// Sizes and colours.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    /// Text sizes, in points at the 1280×800 reference screen.
    pub text: Sizes,
    /// Colours.
    pub colour: Palette,
}

/// Text sizes by role (see `assets/theme.toml` for where each is used).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Sizes {
    pub countdown: f32,
    pub spinner: f32,
    pub spinner_small: f32,
    pub copy_number: f32,
    pub number: f32,
    pub title: f32,
    pub code: f32,
    pub candidate: f32,
    pub emphasis: f32,
    pub overlay: f32,
    pub heading: f32,
    pub lead: f32,
    pub body: f32,
    pub detail: f32,
    pub small: f32,
    pub operator: f32,
}

/// Colours by role.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct Palette {
    pub ink: Rgb,
    pub good: Rgb,
    pub bad: Rgb,
    pub refused: Rgb,
    pub typo: Rgb,
    pub ok: Rgb,
    pub problem: Rgb,
    pub face_good: Rgb,
    pub face_adjust: Rgb,
    pub face_bad: Rgb,
    pub camera_off: Rgb,
    pub on_picture: Rgb,
    pub pictogram: Rgb,
    pub jewel: Rgb,
    pub measure: Rgb,
    pub measure_alt: Rgb,
    pub primary: Rgb,
    pub on_primary: Rgb,
    pub step_done: Rgb,
    pub step_todo: Rgb,
}

/// A colour as `[r, g, b]`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(from = "[u8; 3]")]
pub struct Rgb(pub Color32);

impl From<[u8; 3]> for Rgb {
    fn from([r, g, b]: [u8; 3]) -> Self {
        Rgb(Color32::from_rgb(r, g, b))
    }
}

impl From<Rgb> for Color32 {
    fn from(c: Rgb) -> Self {
        c.0
    }
}

const SHIPPED: &str = include_str!("../../assets/theme.toml");

/// The theme. Were the embedded file ever broken (the unit test says so first), the screens
/// still draw, in plain sizes and white.
pub fn theme() -> &'static Theme {
    static THEME: OnceLock<Theme> = OnceLock::new();
    THEME.get_or_init(|| {
        toml::from_str(SHIPPED).unwrap_or_else(|error| {
            tracing::error!(%error, "assets/theme.toml is broken; drawing plainly");
            plain()
        })
    })
}

fn plain() -> Theme {
    let size = 26.0;
    let white = Rgb(Color32::WHITE);
    Theme {
        text: Sizes {
            countdown: size * 4.0,
            spinner: size * 2.0,
            spinner_small: size * 2.0,
            copy_number: size * 1.5,
            number: size * 1.5,
            title: size * 1.5,
            code: size * 1.5,
            candidate: size * 1.5,
            emphasis: size,
            overlay: size,
            heading: size,
            lead: size,
            body: size,
            detail: size,
            small: size,
            operator: size,
        },
        colour: Palette {
            ink: white,
            good: white,
            bad: white,
            refused: white,
            typo: white,
            ok: white,
            problem: white,
            face_good: white,
            face_adjust: white,
            face_bad: white,
            camera_off: Rgb(Color32::BLACK),
            on_picture: white,
            pictogram: white,
            jewel: white,
            measure: white,
            measure_alt: white,
            primary: Rgb(Color32::DARK_BLUE),
            on_primary: white,
            step_done: white,
            step_todo: Rgb(Color32::GRAY),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_theme_is_whole_and_its_sizes_run_from_large_to_small() {
        let theme: Theme = toml::from_str(SHIPPED).expect("assets/theme.toml parses");
        let t = &theme.text;
        let order = [
            t.countdown,
            t.spinner,
            t.copy_number,
            t.number,
            t.title,
            t.code,
            t.candidate,
            t.emphasis,
            t.overlay,
            t.heading,
            t.lead,
            t.body,
            t.detail,
            t.small,
            t.operator,
        ];
        assert!(order.windows(2).all(|w| w[0] > w[1]), "{order:?}");
        // The body text is readable at arm's length on a booth's screen.
        assert!(t.operator >= 18.0);
        assert_eq!(theme.colour.refused.0, Color32::from_rgb(200, 40, 40));
    }

    #[test]
    fn a_colour_that_is_not_three_bytes_is_refused() {
        let broken = SHIPPED.replace("ink = [230, 230, 230]", "ink = [230, 230]");
        assert!(toml::from_str::<Theme>(&broken).is_err());
        let unknown = SHIPPED.replace("[colour]", "[colour]\npink = [1, 2, 3]");
        let err = toml::from_str::<Theme>(&unknown).expect_err("unknown key");
        assert!(err.to_string().contains("pink"), "{err}");
    }
}
