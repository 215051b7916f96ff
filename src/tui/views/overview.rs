//! Overview: the verdict and failing checks, counters, sparklines of the last 24 h, the newest
//! science image with its sources marked.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Sparkline};
use ratatui::Frame;

use super::{age, age_ns, kv, opt};
use crate::health::State;
use crate::tui::app::App;
use crate::tui::picture::Picture;

/// Draws the overview.
pub fn draw(f: &mut Frame, area: Rect, app: &App) {
    let left_w = if area.width >= 100 {
        52
    } else {
        42.min(area.width)
    };
    let [left, right] =
        Layout::horizontal([Constraint::Length(left_w), Constraint::Min(0)]).areas(area);
    let [status, spark1, spark2] = Layout::vertical([
        Constraint::Min(8),
        Constraint::Length(4),
        Constraint::Length(4),
    ])
    .areas(left);
    summary(f, status, app);
    sparklines(f, spark1, spark2, app);
    if right.width >= 10 {
        picture(f, right, app);
    }
}

fn summary(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let o = &app.overview;
    let mut lines = Vec::new();
    let overall = o.overall.unwrap_or(State::Unknown);
    let failing: Vec<_> = o.checks.iter().filter(|c| c.state != State::Ok).collect();
    lines.push(Line::from(vec![
        Span::styled("Health ", t.dim()),
        Span::styled(
            if o.overall.is_some() {
                overall.word()
            } else {
                "reading…"
            },
            t.state(overall),
        ),
        Span::styled(
            if failing.is_empty() || o.overall.is_none() {
                String::new()
            } else {
                format!("  {} of {} checks", failing.len(), o.checks.len())
            },
            t.dim(),
        ),
    ]));
    let budget = (area.height as usize).saturating_sub(8).clamp(1, 4);
    for c in failing.iter().take(budget) {
        lines.push(Line::from(vec![
            Span::styled(format!(" {:<8}", c.state.word()), t.state(c.state)),
            Span::raw(format!("{}: {}", c.name, c.message)),
        ]));
    }
    if failing.len() > budget {
        lines.push(Line::from(Span::styled(
            format!(" … {} more (5 Health)", failing.len() - budget),
            t.dim(),
        )));
    }
    let jobs = |s: &str| o.jobs.iter().find(|(k, _)| *k == s).map_or(0, |(_, n)| *n);
    lines.push(kv(
        "images",
        format!(
            "{}   sources {}   variable {}",
            o.images, o.sources, o.variable
        ),
        t,
    ));
    lines.push(Line::from(vec![
        Span::styled(format!("{:<11}", "jobs"), t.dim()),
        Span::raw(format!(
            "running {}  queued {}  ",
            jobs("running"),
            jobs("queued")
        )),
        Span::styled(
            format!("failed {}", jobs("failed")),
            if jobs("failed") > 0 {
                t.state(State::Crit)
            } else {
                t.text()
            },
        ),
    ]));
    lines.push(kv(
        "backlog",
        format!("{} files   incomplete {}", o.backlog, jobs("incomplete")),
        t,
    ));
    let newest = o.newest.as_ref();
    lines.push(kv(
        "newest",
        newest.map_or("no science image yet".into(), |r| {
            format!("{} ago", age(age_ns(r.mtime_ns)))
        }),
        t,
    ));
    lines.push(kv(
        "latency",
        o.latency.map_or("-".into(), |(p50, p99)| {
            format!("written→indexed p50 ≤{} p99 ≤{}", secs(p50), secs(p99))
        }),
        t,
    ));
    lines.push(kv(
        "indexer",
        match &o.lease {
            Some(l) if l.pid == std::process::id() => "this dashboard".into(),
            Some(l) => format!("pid {} on {}", l.pid, l.host),
            None => "none live (cron only?)".into(),
        },
        t,
    ));
    f.render_widget(
        Paragraph::new(lines).block(Block::default().borders(Borders::RIGHT)),
        area,
    );
}

fn secs(s: f64) -> String {
    if s.is_finite() {
        format!("{s} s")
    } else {
        "∞".into()
    }
}

fn sparklines(f: &mut Frame, a: Rect, b: Rect, app: &App) {
    let t = &app.theme;
    let o = &app.overview;
    let total: u64 = o.per_hour.iter().sum();
    // The 24 hours spread over the whole width, the newest hour at the right edge.
    let cols = (a.width.saturating_sub(1) as usize).max(24);
    let widen = |v: &[u64]| -> Vec<u64> {
        (0..cols)
            .map(|x| v.get(x * v.len() / cols).copied().unwrap_or(0))
            .collect()
    };
    let per_hour = widen(&o.per_hour);
    f.render_widget(
        Sparkline::default()
            .block(
                Block::default()
                    .borders(Borders::TOP | Borders::RIGHT)
                    .title(format!(" images/hour, 24 h ({total}) "))
                    .title_style(t.dim()),
            )
            .data(&per_hour)
            .style(t.title()),
        a,
    );
    let noise: Vec<u64> = o
        .noise_per_hour
        .iter()
        .map(|n| n.map_or(0, |v| (v * 1000.0).round() as u64))
        .collect();
    let noise = widen(&noise);
    let last = o.noise_per_hour.iter().rev().find_map(|n| *n);
    f.render_widget(
        Sparkline::default()
            .block(
                Block::default()
                    .borders(Borders::TOP | Borders::RIGHT)
                    .title(format!(
                        " noise mJy/beam, 24 h (now {}) ",
                        opt(last, |v| format!("{v:.2}"))
                    ))
                    .title_style(t.dim()),
            )
            .data(&noise)
            .style(t.accent()),
        b,
    );
}

fn picture(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let title = match &app.overview.newest {
        Some(r) => format!(
            " {} · {} mJy · {} srcs · {} ",
            crate::output::file_name(&r.path),
            opt(r.noise_jy, |n| format!("{:.2}", n * 1e3)),
            r.n_sources.map_or("-".into(), |n| n.to_string()),
            app.stretch.name()
        ),
        None => " newest image ".into(),
    };
    let block = Block::default()
        .borders(Borders::TOP)
        .title(title)
        .title_style(t.title());
    let inner = block.inner(area);
    f.render_widget(block, area);
    // Ask for a thumbnail a little larger than the area (two pixels per cell vertically).
    app.overview_side
        .set((inner.width.max(inner.height * 2) as usize * 2).clamp(32, 512));
    match &app.overview_picture {
        Some(p)
            if app
                .overview
                .newest
                .as_ref()
                .is_some_and(|n| n.id == p.image_id) =>
        {
            match &p.thumb {
                Ok(thumb) => f.render_widget(
                    Picture {
                        thumb,
                        markers: &p.markers,
                        stretch: app.stretch,
                        theme: app.theme,
                    },
                    inner,
                ),
                Err(e) => f.render_widget(Paragraph::new(e.clone()).style(t.dim()), inner),
            }
        }
        _ => f.render_widget(
            Paragraph::new(if app.overview.newest.is_some() {
                "reading the image…"
            } else {
                "waiting for the first image"
            })
            .style(t.dim()),
            inner,
        ),
    }
}
