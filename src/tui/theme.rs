//! Colours: what the terminal can show (`--color`, `NO_COLOR`, `COLORTERM`), the styles of the
//! views, and the colour map of pictures. Every view works in 16 colours and without colour.

use ratatui::style::{Color, Modifier, Style};

use crate::health::State;

/// How many colours the terminal gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorMode {
    /// No colour at all (also `NO_COLOR`): pictures become greyscale glyphs.
    Never,
    /// The 16 ANSI colours.
    #[value(name = "16")]
    Ansi16,
    /// The xterm 256-colour palette.
    #[value(name = "256")]
    Ansi256,
    /// 24-bit colour.
    Truecolor,
}

impl ColorMode {
    /// The mode to use: the flag if given, else `NO_COLOR` (any non-empty value) means never,
    /// `COLORTERM=truecolor|24bit` means truecolor, a `TERM` with 256 means 256, else 16.
    pub fn detect(flag: Option<ColorMode>) -> ColorMode {
        if let Some(m) = flag {
            return m;
        }
        if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            return ColorMode::Never;
        }
        let colorterm = std::env::var("COLORTERM").unwrap_or_default();
        if colorterm == "truecolor" || colorterm == "24bit" {
            return ColorMode::Truecolor;
        }
        if std::env::var("TERM").unwrap_or_default().contains("256") {
            return ColorMode::Ansi256;
        }
        ColorMode::Ansi16
    }
}

/// The styles of the interface in one colour mode.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    /// The colour mode.
    pub mode: ColorMode,
}

impl Theme {
    /// A theme for `mode`.
    pub fn new(mode: ColorMode) -> Theme {
        Theme { mode }
    }

    fn fg(&self, c: Color) -> Style {
        if self.mode == ColorMode::Never {
            Style::default()
        } else {
            Style::default().fg(c)
        }
    }

    /// Plain text.
    pub fn text(&self) -> Style {
        Style::default()
    }

    /// Secondary text (labels, units).
    pub fn dim(&self) -> Style {
        if self.mode == ColorMode::Never {
            Style::default()
        } else {
            Style::default().fg(Color::DarkGray)
        }
    }

    /// Titles and the active tab.
    pub fn title(&self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// Column headers.
    pub fn header(&self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    /// The selected row (reverse video works everywhere, also without colour).
    pub fn selected(&self) -> Style {
        Style::default().add_modifier(Modifier::REVERSED)
    }

    /// A health state.
    pub fn state(&self, s: State) -> Style {
        let st = match s {
            State::Ok => self.fg(Color::Green),
            State::Warn => self.fg(Color::Yellow),
            State::Crit => self.fg(Color::Red),
            State::Unknown => self.fg(Color::Magenta),
        };
        if s == State::Ok {
            st
        } else {
            st.add_modifier(Modifier::BOLD)
        }
    }

    /// A job state.
    pub fn job_state(&self, s: &str) -> Style {
        match s {
            "failed" => self.state(State::Crit),
            "incomplete" | "missing" => self.state(State::Warn),
            "queued" | "running" => self.fg(Color::Cyan),
            _ => Style::default(),
        }
    }

    /// Variable sources and other highlights.
    pub fn accent(&self) -> Style {
        self.fg(Color::Magenta).add_modifier(Modifier::BOLD)
    }

    /// Source markers on pictures.
    pub fn marker(&self) -> Color {
        match self.mode {
            ColorMode::Truecolor => Color::Rgb(0, 255, 128),
            _ => Color::LightGreen,
        }
    }

    /// The colour of a picture value in [0, 1] (`None` without colour: use [`glyph`]).
    pub fn colormap(&self, v: f32) -> Option<Color> {
        let v = if v.is_finite() {
            v.clamp(0.0, 1.0)
        } else {
            0.0
        };
        match self.mode {
            ColorMode::Never => None,
            ColorMode::Truecolor => {
                let (r, g, b) = inferno(v);
                Some(Color::Rgb(r, g, b))
            }
            ColorMode::Ansi256 => {
                let (r, g, b) = inferno(v);
                Some(Color::Indexed(xterm256(r, g, b)))
            }
            ColorMode::Ansi16 => {
                const LADDER: [Color; 8] = [
                    Color::Black,
                    Color::Blue,
                    Color::Magenta,
                    Color::Red,
                    Color::LightRed,
                    Color::Yellow,
                    Color::LightYellow,
                    Color::White,
                ];
                let i = ((v * LADDER.len() as f32) as usize).min(LADDER.len() - 1);
                Some(LADDER[i])
            }
        }
    }
}

/// A greyscale glyph for a value in [0, 1] (pictures without colour).
pub fn glyph(v: f32) -> char {
    const RAMP: [char; 10] = [' ', '.', ':', '-', '=', '+', '*', '#', '%', '@'];
    let v = if v.is_finite() {
        v.clamp(0.0, 1.0)
    } else {
        0.0
    };
    RAMP[((v * RAMP.len() as f32) as usize).min(RAMP.len() - 1)]
}

/// The inferno colour map (perceptually uniform, dark to bright: faint emission stays visible
/// and a bright source reads as bright in greyscale too), by linear interpolation of 9 stops.
fn inferno(v: f32) -> (u8, u8, u8) {
    const STOPS: [(u8, u8, u8); 9] = [
        (0, 0, 4),
        (31, 12, 72),
        (85, 15, 109),
        (136, 34, 106),
        (186, 54, 85),
        (227, 89, 51),
        (249, 140, 10),
        (249, 201, 50),
        (252, 255, 164),
    ];
    let x = v * (STOPS.len() - 1) as f32;
    let i = (x.floor() as usize).min(STOPS.len() - 2);
    let t = x - i as f32;
    let lerp = |a: u8, b: u8| (a as f32 + (b as f32 - a as f32) * t).round() as u8;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    (lerp(a.0, b.0), lerp(a.1, b.1), lerp(a.2, b.2))
}

/// The nearest xterm-256 colour: the 6x6x6 cube or the 24-step grey ramp.
fn xterm256(r: u8, g: u8, b: u8) -> u8 {
    let level = |c: u8| -> u8 {
        // Cube levels 0, 95, 135, 175, 215, 255.
        if c < 48 {
            0
        } else if c < 115 {
            1
        } else {
            ((c as u16 - 35) / 40) as u8
        }
    };
    let cube_val = |l: u8| if l == 0 { 0 } else { 55 + 40 * l as i32 };
    let (lr, lg, lb) = (level(r), level(g), level(b));
    let cube = 16 + 36 * lr + 6 * lg + lb;
    let d_cube = (cube_val(lr) - r as i32).pow(2)
        + (cube_val(lg) - g as i32).pow(2)
        + (cube_val(lb) - b as i32).pow(2);
    let grey_avg = (r as i32 + g as i32 + b as i32) / 3;
    let gi = ((grey_avg - 8).max(0) / 10).min(23);
    let gv = 8 + 10 * gi;
    let d_grey = (gv - r as i32).pow(2) + (gv - g as i32).pow(2) + (gv - b as i32).pow(2);
    if d_grey < d_cube {
        232 + gi as u8
    } else {
        cube
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xterm_cube_and_grey() {
        assert_eq!(xterm256(0, 0, 0), 16);
        assert_eq!(xterm256(255, 255, 255), 231);
        assert_eq!(xterm256(255, 0, 0), 196);
        assert_eq!(xterm256(128, 128, 128), 244);
    }

    #[test]
    fn colormap_is_monotonic_in_brightness() {
        let lum = |(r, g, b): (u8, u8, u8)| 0.3 * r as f32 + 0.59 * g as f32 + 0.11 * b as f32;
        let mut last = -1.0;
        for i in 0..=20 {
            let l = lum(inferno(i as f32 / 20.0));
            assert!(l > last, "step {i}");
            last = l;
        }
        assert_eq!(glyph(0.0), ' ');
        assert_eq!(glyph(1.0), '@');
    }
}
