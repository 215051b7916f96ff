//! Images: one row per indexed file, paged from the store.

use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Cell, Row, Table};
use ratatui::Frame;

use super::{opt, table_title};
use crate::fits::meta::mjd_to_datetime;
use crate::store::records::ImageRecord;
use crate::tui::app::App;
use crate::tui::data::IMAGE_COLUMNS;

/// Draws the images table.
pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let v = &app.images;
    // Wide terminals get every column; narrow ones keep the name whole (pipelines put the
    // time and product in it) and drop field, beam and dynamic range.
    let wide = area.width >= 150;
    let mid = area.width >= 100;
    let block = Block::default()
        .borders(Borders::TOP)
        .title(table_title("images", v))
        .title_style(t.title());
    let inner_h = area.height.saturating_sub(2) as usize;
    v.height.set(inner_h.max(1));
    let mut header = vec!["time", "name", "type"];
    if wide {
        header.push("field");
    }
    header.push("noise mJy");
    if mid {
        header.push("DR");
    }
    if wide {
        header.push("beam \"");
    }
    header.extend(["srcs", "state"]);
    // Mark the sort column in the header.
    let sort_name = IMAGE_COLUMNS[v.sort];
    let header_cells: Vec<Cell> = header
        .iter()
        .map(|h| {
            let key = match *h {
                "noise mJy" => "noise",
                "DR" => "dr",
                "beam \"" => "beam",
                other => other,
            };
            let mark = if key == sort_name {
                if v.desc {
                    "↓"
                } else {
                    "↑"
                }
            } else {
                ""
            };
            Cell::from(format!("{h}{mark}"))
        })
        .collect();
    let rows: Vec<Row> = (v.top..(v.top + inner_h).min(v.total()))
        .map(|i| match v.row(i) {
            Some(r) => {
                let style = if i == v.sel {
                    t.selected()
                } else {
                    Style::default()
                };
                row(r, wide, mid, app).style(style)
            }
            None => Row::new(vec![Cell::from("…")]),
        })
        .collect();
    let mut widths = vec![
        Constraint::Length(match (wide, mid) {
            (true, _) => 19,
            (false, true) => 14,
            _ => 8,
        }),
        Constraint::Min(14),
        Constraint::Length(8),
    ];
    if wide {
        widths.push(Constraint::Length(14));
    }
    widths.push(Constraint::Length(9));
    if mid {
        widths.push(Constraint::Length(6));
    }
    if wide {
        widths.push(Constraint::Length(10));
    }
    widths.extend([Constraint::Length(4), Constraint::Length(8)]);
    let empty = v.total() == 0 && v.page.building.is_none();
    f.render_widget(
        Table::new(rows, widths)
            .header(Row::new(header_cells).style(t.header()))
            .block(block)
            .column_spacing(1),
        area,
    );
    if empty {
        let msg = if v.filter.is_empty() {
            "no images indexed yet"
        } else {
            "no image matches the filter"
        };
        let a = Rect::new(area.x + 1, area.y + 2, area.width.saturating_sub(2), 1);
        f.render_widget(Line::styled(msg, t.dim()), a);
    }
}

fn row<'a>(r: &'a ImageRecord, wide: bool, mid: bool, app: &App) -> Row<'a> {
    let t = &app.theme;
    let time = r
        .mjd
        .and_then(mjd_to_datetime)
        .map(|d| match (wide, mid) {
            (true, _) => d.format("%Y-%m-%d %H:%M:%S").to_string(),
            (false, true) => d.format("%m-%d %H:%M:%S").to_string(),
            _ => d.format("%H:%M:%S").to_string(),
        })
        .unwrap_or_else(|| "-".into());
    let state = if r.state == "indexed" && !r.warnings.is_empty() {
        "warn".to_string()
    } else {
        r.state.clone()
    };
    let mut cells = vec![
        Cell::from(time),
        Cell::from(crate::output::file_name(&r.path).to_string()),
        Cell::from(r.kind.clone()),
    ];
    if wide {
        cells.push(Cell::from(r.field_name.clone().unwrap_or_default()));
    }
    cells.push(Cell::from(
        Line::from(opt(r.noise_jy, |n| format!("{:.3}", n * 1e3))).right_aligned(),
    ));
    if mid {
        cells.push(Cell::from(
            Line::from(opt(r.dynamic_range, |d| format!("{d:.0}"))).right_aligned(),
        ));
    }
    if wide {
        cells.push(Cell::from(
            match (r.beam_major_arcsec, r.beam_minor_arcsec) {
                (Some(a), Some(b)) => format!("{a:.1}x{b:.1}"),
                _ => "-".into(),
            },
        ));
    }
    cells.push(Cell::from(
        Line::from(r.n_sources.map_or("-".into(), |n| n.to_string())).right_aligned(),
    ));
    cells.push(Cell::from(state.clone()).style(t.job_state(&state)));
    Row::new(cells)
}
