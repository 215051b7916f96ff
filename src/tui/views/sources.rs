//! Sources: one row per sky source, in a chosen order, paged from the store.

use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Cell, Row, Table};
use ratatui::Frame;

use super::{mjd_text, table_title};
use crate::tui::app::App;

/// Draws the sources table.
pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let v = &app.sources;
    let wide = area.width >= 110;
    let block = Block::default()
        .borders(Borders::TOP)
        .title(table_title("sources", v))
        .title_style(t.title());
    let inner_h = area.height.saturating_sub(2) as usize;
    v.height.set(inner_h.max(1));
    let names = [
        "name",
        "RA",
        "Dec",
        "det",
        "flux mJy",
        "V",
        "eta",
        "var",
        "last seen",
    ];
    let header: Vec<Cell> = names
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let mark = match (i == v.sort, v.desc) {
                (true, true) => "↓",
                (true, false) => "↑",
                _ => "",
            };
            Cell::from(format!("{h}{mark}"))
        })
        .collect();
    let rows: Vec<Row> = (v.top..(v.top + inner_h).min(v.total()))
        .map(|i| match v.row(i) {
            Some(s) => {
                let style = if i == v.sel {
                    t.selected()
                } else {
                    Style::default()
                };
                let num = |x: String| Cell::from(Line::from(x).right_aligned());
                let last = mjd_text(Some(s.last_detected_mjd));
                Row::new(vec![
                    Cell::from(s.name.clone()),
                    num(format!("{:.4}", s.ra_deg)),
                    num(format!("{:+.4}", s.dec_deg)),
                    num(format!("{}", s.n_detections)),
                    num(format!("{:.2}", s.mean_flux_jy * 1e3)),
                    num(format!("{:.2}", s.v)),
                    num(format!("{:.1}", s.eta)),
                    Cell::from(if s.is_variable { "yes" } else { "" }).style(t.accent()),
                    Cell::from(if wide {
                        last
                    } else {
                        last.get(5..16).unwrap_or("-").to_string()
                    }),
                ])
                .style(style)
            }
            None => Row::new(vec![Cell::from("…")]),
        })
        .collect();
    let widths = [
        Constraint::Min(16),
        Constraint::Length(9),
        Constraint::Length(8),
        Constraint::Length(4),
        Constraint::Length(9),
        Constraint::Length(5),
        Constraint::Length(7),
        Constraint::Length(4),
        Constraint::Length(if wide { 19 } else { 11 }),
    ];
    let empty = v.total() == 0 && v.page.building.is_none();
    f.render_widget(
        Table::new(rows, widths)
            .header(Row::new(header).style(t.header()))
            .block(block)
            .column_spacing(1),
        area,
    );
    if empty {
        let a = Rect::new(area.x + 1, area.y + 2, area.width.saturating_sub(2), 1);
        f.render_widget(
            Line::styled(
                if v.filter.is_empty() {
                    "no sky sources yet"
                } else {
                    "no source matches the filter"
                },
                t.dim(),
            ),
            a,
        );
    }
}
