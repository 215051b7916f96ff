//! Log: the indexer's recent events and warnings, and each file's outcome, newest at the
//! bottom.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use crate::health::State;
use crate::tui::app::App;

/// Draws the log tab.
pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let h = area.height.saturating_sub(1) as usize;
    let lines: Vec<Line> = match app.log.lock() {
        Ok(buf) => {
            let n = buf.len();
            let scroll = app.log_scroll.min(n.saturating_sub(h));
            let end = n - scroll;
            let start = end.saturating_sub(h);
            buf.range(start..end)
                .map(|l| {
                    let style = match l.level.as_str() {
                        "ERROR" | "failed" => t.state(State::Crit),
                        "WARN" | "incomplete" => t.state(State::Warn),
                        _ => t.dim(),
                    };
                    Line::from(vec![
                        Span::styled(l.at.format("%H:%M:%S ").to_string(), t.dim()),
                        Span::styled(format!("{:<10} ", l.level), style),
                        Span::raw(l.text.clone()),
                    ])
                })
                .collect()
        }
        Err(_) => Vec::new(),
    };
    let empty = lines.is_empty();
    f.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::TOP)
                .title(" log: indexer events and file outcomes ")
                .title_style(t.title()),
        ),
        area,
    );
    if empty {
        let a = Rect::new(area.x + 1, area.y + 1, area.width.saturating_sub(2), 1);
        f.render_widget(Line::styled("nothing logged yet", t.dim()), a);
    }
}
