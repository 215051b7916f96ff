//! Jobs: counts by state, failed and incomplete files with their reasons (r retries one),
//! files being indexed, and the pipeline runs of the last 24 h.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};
use ratatui::Frame;

use super::short_time;
use crate::tui::app::App;

/// Draws the jobs tab.
pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let j = &app.jobs;
    let [counts, problems, lower] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Percentage(55),
        Constraint::Min(3),
    ])
    .areas(area);
    let mut spans = vec![Span::styled("jobs ", t.dim())];
    for (state, n) in &j.counts {
        spans.push(Span::styled(format!("{state} {n}  "), t.job_state(state)));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), counts);

    let files = app.problem_files();
    let inner_h = problems.height.saturating_sub(2) as usize;
    let top = app.jobs_sel.saturating_sub(inner_h.saturating_sub(1));
    let rows: Vec<Row> = files
        .iter()
        .enumerate()
        .skip(top)
        .take(inner_h)
        .map(|(i, job)| {
            let r = Row::new(vec![
                Cell::from(job.state.clone()).style(t.job_state(&job.state)),
                Cell::from(short_time(job.finished_at.as_deref())),
                Cell::from(format!("{}", job.attempts)),
                Cell::from(crate::output::file_name(&job.path).to_string()),
                Cell::from(job.reason.clone().unwrap_or_default()),
            ]);
            if i == app.jobs_sel {
                r.style(t.selected())
            } else {
                r
            }
        })
        .collect();
    let name_w = files
        .iter()
        .map(|j| crate::output::file_name(&j.path).chars().count())
        .max()
        .unwrap_or(10)
        .clamp(10, 48) as u16;
    let title = format!(
        " failed and incomplete files ({}) · r retries the selected one ",
        files.len()
    );
    f.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(10),
                Constraint::Length(8),
                Constraint::Length(3),
                Constraint::Length(name_w),
                Constraint::Min(10),
            ],
        )
        .header(Row::new(["state", "when", "try", "file", "reason"]).style(t.header()))
        .block(
            Block::default()
                .borders(Borders::TOP)
                .title(title)
                .title_style(t.title()),
        ),
        problems,
    );
    if files.is_empty() {
        let a = Rect::new(
            problems.x + 1,
            problems.y + 2,
            problems.width.saturating_sub(2),
            1,
        );
        f.render_widget(Line::styled("no failed or incomplete file", t.dim()), a);
    }

    let [active, runs] =
        Layout::horizontal([Constraint::Percentage(40), Constraint::Percentage(60)]).areas(lower);
    let active_rows: Vec<Row> = j
        .active
        .iter()
        .map(|job| {
            Row::new(vec![
                Cell::from(job.state.clone()).style(t.job_state(&job.state)),
                Cell::from(crate::output::file_name(&job.path).to_string()),
            ])
        })
        .collect();
    f.render_widget(
        Table::new(active_rows, [Constraint::Length(8), Constraint::Min(10)]).block(
            Block::default()
                .borders(Borders::TOP | Borders::RIGHT)
                .title(format!(" running and queued ({}) ", j.active.len()))
                .title_style(t.title()),
        ),
        active,
    );
    let run_rows: Vec<Row> = j
        .runs
        .iter()
        .map(|r| {
            Row::new(vec![
                Cell::from(r.run_id.clone()),
                Cell::from(r.status.clone()).style(t.job_state(match r.status.as_str() {
                    "partial" => "incomplete",
                    "running" => "running",
                    "failed" => "failed",
                    _ => "done",
                })),
                Cell::from(format!("{}", r.products.len())),
                Cell::from(r.missing.join(",")),
            ])
        })
        .collect();
    f.render_widget(
        Table::new(
            run_rows,
            [
                Constraint::Length(22),
                Constraint::Length(9),
                Constraint::Length(4),
                Constraint::Min(5),
            ],
        )
        .header(Row::new(["run", "status", "prod", "missing"]).style(t.header()))
        .block(
            Block::default()
                .borders(Borders::TOP)
                .title(format!(" pipeline runs, 24 h ({}) ", j.runs.len()))
                .title_style(t.title()),
        ),
        runs,
    );
}
