//! The help overlay: every key.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use crate::tui::app::App;

/// Every key and what it does (also in README.md).
pub const KEYS: &[(&str, &str)] = &[
    ("q, Ctrl-C", "quit"),
    ("1-6, Tab", "switch tab (Shift-Tab back)"),
    ("j/k, ↑/↓", "move"),
    ("PgUp/PgDn", "move a page"),
    ("g/G", "first / last row"),
    ("/", "filter the table (Enter apply, Esc cancel)"),
    ("s / S", "next sort column / reverse the order"),
    ("Enter", "open image or light curve"),
    ("Esc", "close the detail"),
    ("t", "picture stretch: zscale, asinh, linear"),
    ("+ / -", "zoom to the centre / back"),
    ("r", "retry the selected failed file (Jobs)"),
    ("Ctrl-Z", "suspend (fg resumes)"),
    ("?", "this help"),
];

/// Draws the help box in the middle of `area`.
pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let w = 60.min(area.width);
    let h = (KEYS.len() as u16 + 4).min(area.height);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    let mut lines: Vec<Line> = KEYS
        .iter()
        .map(|(k, d)| {
            Line::from(vec![
                Span::styled(format!(" {k:<12}"), t.header()),
                Span::raw(*d),
            ])
        })
        .collect();
    lines.push(Line::from(""));
    lines.push(Line::styled(" any key closes this help", t.dim()));
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" keys ")
                .title_style(t.title()),
        ),
        r,
    );
}
