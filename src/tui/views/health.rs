//! Health: every check with its value, thresholds, state and since when.

use chrono::DateTime;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Cell, Row, Table};
use ratatui::Frame;

use crate::tui::app::App;

fn num(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_infinite() => "∞".into(),
        Some(x) if x.abs() >= 100.0 || x == x.trunc() => format!("{x:.0}"),
        Some(x) => format!("{x:.2}"),
        None => "-".into(),
    }
}

/// Draws the health tab.
pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let o = &app.overview;
    let wide = area.width >= 120;
    let rows: Vec<Row> = o
        .checks
        .iter()
        .map(|c| {
            let since = o
                .since
                .get(&c.name)
                .map_or("-".to_string(), |(s, only_start)| {
                    let when = DateTime::from_timestamp(*s, 0)
                        .map(|d| d.format("%H:%M:%S").to_string())
                        .unwrap_or_default();
                    if *only_start {
                        format!("≤{when}")
                    } else {
                        when
                    }
                });
            let value = format!("{}{}", num(c.value), c.unit);
            let mut cells = vec![
                Cell::from(c.state.word()).style(t.state(c.state)),
                Cell::from(c.name.clone()),
                Cell::from(Line::from(value).right_aligned()),
                Cell::from(Line::from(num(c.warn)).right_aligned()),
                Cell::from(Line::from(num(c.crit)).right_aligned()),
                Cell::from(since),
            ];
            if wide || area.width >= 90 {
                cells.push(Cell::from(c.message.clone()));
            }
            Row::new(cells)
        })
        .collect();
    let at =
        o.at.map(|a| a.format("%H:%M:%S").to_string())
            .unwrap_or_else(|| "…".into());
    f.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(7),
                Constraint::Length(21),
                Constraint::Length(9),
                Constraint::Length(6),
                Constraint::Length(6),
                Constraint::Length(9),
                Constraint::Min(10),
            ],
        )
        .header(
            Row::new(["state", "check", "value", "warn", "crit", "since", "detail"])
                .style(t.header()),
        )
        .block(
            Block::default()
                .borders(Borders::TOP)
                .title(format!(
                    " health checks (as of {at}; ≤ = unchanged since the dashboard started) "
                ))
                .title_style(t.title()),
        ),
        area,
    );
}
