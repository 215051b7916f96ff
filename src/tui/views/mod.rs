//! Drawing: one file per tab, plus the frame around them (tab bar, status line, help).
//! Views read the [`App`] and never change it (except the sizes they report back through
//! `Cell`s, which say how many rows to fetch).

mod detail;
mod health;
mod help;
mod images;
mod jobs;
mod log;
mod overview;
mod sources;

use chrono::{DateTime, Utc};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Tabs};
use ratatui::Frame;

use super::app::{App, Detail, Mode, Tab};

/// Draws the whole screen.
pub fn draw(f: &mut Frame, app: &App) {
    let [top, body, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(f.area());
    tab_bar(f, top, app);
    match &app.detail {
        Some(Detail::Image { .. }) => detail::image(f, body, app),
        Some(Detail::Source { .. }) => detail::source(f, body, app),
        None => match app.tab {
            Tab::Overview => overview::draw(f, body, app),
            Tab::Images => images::draw(f, body, app),
            Tab::Sources => sources::draw(f, body, app),
            Tab::Jobs => jobs::draw(f, body, app),
            Tab::Health => health::draw(f, body, app),
            Tab::Log => log::draw(f, body, app),
        },
    }
    status_line(f, bottom, app);
    if app.help {
        help::draw(f, f.area(), app);
    }
}

fn tab_bar(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let verdict = app.overview.overall.map(|s| s.word()).unwrap_or("…");
    let verdict_style = app.overview.overall.map(|s| t.state(s)).unwrap_or_default();
    let right = format!(" {verdict} ");
    let [left, right_area] = Layout::horizontal([
        Constraint::Min(1),
        Constraint::Length(right.chars().count() as u16),
    ])
    .areas(area);
    let titles: Vec<Line> = Tab::ALL
        .iter()
        .enumerate()
        .map(|(i, tab)| Line::from(format!("{} {}", i + 1, tab.title())))
        .collect();
    let selected = Tab::ALL.iter().position(|x| *x == app.tab).unwrap_or(0);
    f.render_widget(
        Tabs::new(titles)
            .select(selected)
            .style(t.dim())
            .highlight_style(t.title().add_modifier(ratatui::style::Modifier::REVERSED))
            .divider("")
            .padding(" ", " "),
        left,
    );
    f.render_widget(
        Paragraph::new(Span::styled(right, verdict_style)),
        right_area,
    );
}

fn status_line(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let line = if let Mode::Filter(text) = &app.mode {
        Line::from(vec![
            Span::styled("filter: ", t.header()),
            Span::raw(text.clone()),
            Span::styled("█", t.dim()),
            Span::styled("   Enter apply · Esc cancel", t.dim()),
        ])
    } else if let Some(e) = &app.error {
        Line::from(Span::styled(
            format!("error: {e}"),
            t.state(crate::health::State::Crit),
        ))
    } else if let Some(s) = app.status_text() {
        Line::from(Span::styled(s.to_string(), t.accent()))
    } else {
        let hint = match (&app.detail, app.tab) {
            (Some(Detail::Image { .. }), _) => "Esc back · t stretch · +/- zoom · j/k header",
            (Some(Detail::Source { .. }), _) => "Esc back · j/k measurements",
            (None, Tab::Images | Tab::Sources) => "/ filter · s sort · S reverse · Enter open",
            (None, Tab::Jobs) => "j/k select · r retry",
            (None, Tab::Overview) => "Enter open newest · t stretch",
            _ => "",
        };
        Line::from(vec![
            Span::styled(app.context.clone(), t.dim()),
            Span::raw("  "),
            Span::styled(hint, t.dim()),
            Span::styled("  ? help · q quit", t.dim()),
        ])
    };
    f.render_widget(Paragraph::new(line), area);
}

/// "12 s", "4.2 min", "3.1 h", "2.0 d".
pub fn age(secs: f64) -> String {
    if !secs.is_finite() {
        return "-".into();
    }
    let s = secs.max(0.0);
    if s < 90.0 {
        format!("{s:.0} s")
    } else if s < 5400.0 {
        format!("{:.1} min", s / 60.0)
    } else if s < 172_800.0 {
        format!("{:.1} h", s / 3600.0)
    } else {
        format!("{:.1} d", s / 86_400.0)
    }
}

/// Seconds since `mtime_ns`.
pub fn age_ns(mtime_ns: i64) -> f64 {
    let now = Utc::now().timestamp_nanos_opt().unwrap_or(0);
    (now - mtime_ns) as f64 / 1e9
}

/// An optional number with a format, "-" when absent.
pub fn opt(v: Option<f64>, f: impl Fn(f64) -> String) -> String {
    v.filter(|x| x.is_finite())
        .map(f)
        .unwrap_or_else(|| "-".into())
}

/// "2025-10-28 13:30:07" from an MJD.
pub fn mjd_text(mjd: Option<f64>) -> String {
    mjd.and_then(crate::fits::meta::mjd_to_datetime)
        .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
        .unwrap_or_else(|| "-".into())
}

/// "13:30:07" (within 20 h) or "10-28 13" from an ISO time (8 columns either way).
pub fn short_time(iso: Option<&str>) -> String {
    let Some(t) = iso.and_then(|s| DateTime::parse_from_rfc3339(s).ok()) else {
        return "-".into();
    };
    let t = t.with_timezone(&Utc);
    if (Utc::now() - t).num_hours() < 20 {
        t.format("%H:%M:%S").to_string()
    } else {
        t.format("%m-%d %Hh").to_string()
    }
}

/// A label and a value as spans.
pub fn kv<'a>(label: &'a str, value: String, t: &super::theme::Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{label:<11} "), t.dim()),
        Span::styled(value, Style::default()),
    ])
}

/// A table's title: name, position, order, filter, and whether an order is being built.
pub fn table_title<T>(name: &str, v: &super::app::TableView<T>) -> String {
    let total = v.total();
    let mut s = format!(
        " {name} {}/{total} · by {} {}",
        if total == 0 { 0 } else { v.sel + 1 },
        v.columns.get(v.sort).copied().unwrap_or("?"),
        if v.desc { "↓" } else { "↑" }
    );
    if !v.filter.is_empty() {
        s.push_str(&format!(" · filter \"{}\"", v.filter));
    }
    if let Some(b) = &v.page.building {
        s.push_str(&format!(" · {b}"));
    }
    s.push(' ');
    s
}
