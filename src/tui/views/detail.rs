//! Details: an image (every field, the header cards, the picture with stretch and zoom) and a
//! source (its light curve with error bars, forced measurements marked, and the measurements).

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Color;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Axis, Block, Borders, Cell, Chart, Dataset, GraphType, Paragraph, Row, Table,
};
use ratatui::Frame;

use super::{kv, mjd_text, opt};
use crate::store::records::ImageRecord;
use crate::tui::app::{App, Detail};
use crate::tui::picture::Picture;
use crate::tui::theme::ColorMode;

fn fields(r: &ImageRecord) -> Vec<(&'static str, String)> {
    let f = |v: Option<f64>, p: usize| opt(v, |x| format!("{x:.p$}"));
    vec![
        ("path", r.path.clone()),
        ("id", r.id.to_string()),
        (
            "type",
            format!("{}{}", r.kind, if r.pbcor { " (pbcor)" } else { "" }),
        ),
        ("state", r.state.clone()),
        ("group", r.group_id.clone().unwrap_or_else(|| "-".into())),
        ("field", r.field_name.clone().unwrap_or_else(|| "-".into())),
        (
            "telescope",
            r.telescope.clone().unwrap_or_else(|| "-".into()),
        ),
        ("date_obs", r.date_obs.clone().unwrap_or_else(|| "-".into())),
        ("mjd", format!("{} ({})", f(r.mjd, 6), r.time_source)),
        ("freq", format!("{} GHz", f(r.freq_ghz, 4))),
        ("bandwidth", format!("{} MHz", f(r.bandwidth_mhz, 2))),
        ("integration", format!("{} s", f(r.integration_sec, 1))),
        (
            "beam",
            format!(
                "{} x {} arcsec, PA {} deg",
                f(r.beam_major_arcsec, 2),
                f(r.beam_minor_arcsec, 2),
                f(r.beam_pa_deg, 1)
            ),
        ),
        (
            "centre",
            format!(
                "RA {} Dec {} deg",
                f(r.center_ra_deg, 5),
                f(r.center_dec_deg, 5)
            ),
        ),
        (
            "size",
            format!(
                "{} x {} px ({:?}), BITPIX {}",
                r.imsize_x.map_or("-".into(), |v| v.to_string()),
                r.imsize_y.map_or("-".into(), |v| v.to_string()),
                r.shape,
                r.bitpix.map_or("-".into(), |v| v.to_string())
            ),
        ),
        (
            "cell",
            format!(
                "{} arcsec, {}",
                f(r.cellsize_arcsec, 3),
                r.projection.clone().unwrap_or_else(|| "-".into())
            ),
        ),
        ("bunit", r.bunit.clone().unwrap_or_else(|| "-".into())),
        (
            "noise",
            format!(
                "{} mJy/beam",
                opt(r.noise_jy, |n| format!("{:.4}", n * 1e3))
            ),
        ),
        (
            "median",
            format!(
                "{} mJy/beam",
                opt(r.median_jy, |n| format!("{:.4}", n * 1e3))
            ),
        ),
        ("peak", format!("{} Jy/beam", f(r.peak_jy, 4))),
        ("min", format!("{} Jy/beam", f(r.min_jy, 4))),
        ("DR", f(r.dynamic_range, 0)),
        ("NaN frac", f(r.nan_fraction, 4)),
        ("sources", r.n_sources.map_or("-".into(), |n| n.to_string())),
        ("file size", format!("{} bytes", r.file_size)),
        ("mtime", r.mtime.clone()),
        (
            "indexed",
            format!("{} in {:.0} ms", r.indexed_at, r.index_ms),
        ),
        (
            "warnings",
            if r.warnings.is_empty() {
                "-".into()
            } else {
                r.warnings.join("; ")
            },
        ),
    ]
}

/// Draws the open image.
pub fn image(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let Some(Detail::Image {
        id,
        zoom,
        scroll,
        data,
    }) = &app.detail
    else {
        return;
    };
    let left_w = if area.width >= 120 {
        60
    } else {
        area.width / 2
    };
    let [left, right] =
        Layout::horizontal([Constraint::Length(left_w), Constraint::Min(0)]).areas(area);
    let Some(d) = data else {
        f.render_widget(
            Paragraph::new(format!("reading image {id}…")).style(t.dim()),
            area,
        );
        return;
    };
    let mut lines: Vec<Line> = fields(&d.rec)
        .into_iter()
        .map(|(k, v)| kv(k, v, t))
        .collect();
    lines.push(Line::styled(
        format!("── header ({} cards) ──", d.cards.len()),
        t.header(),
    ));
    lines.extend(d.cards.iter().map(|c| Line::raw(c.trim_end().to_string())));
    let h = left.height.saturating_sub(1) as usize;
    let scroll = (*scroll).min(lines.len().saturating_sub(h));
    f.render_widget(
        Paragraph::new(lines).scroll((scroll as u16, 0)).block(
            Block::default()
                .borders(Borders::TOP | Borders::RIGHT)
                .title(format!(" {} ", crate::output::file_name(&d.rec.path)))
                .title_style(t.title()),
        ),
        left,
    );
    let block = Block::default()
        .borders(Borders::TOP)
        .title(format!(
            " {} · zoom {}x · {} sources marked ",
            app.stretch.name(),
            zoom,
            d.picture.markers.len()
        ))
        .title_style(t.title());
    let inner = block.inner(right);
    f.render_widget(block, right);
    app.detail_side
        .set((inner.width.max(inner.height * 2) as usize * 2).clamp(32, 1024));
    match &d.picture.thumb {
        Ok(thumb) => f.render_widget(
            Picture {
                thumb,
                markers: &d.picture.markers,
                stretch: app.stretch,
                theme: app.theme,
            },
            inner,
        ),
        Err(e) => f.render_widget(Paragraph::new(e.clone()).style(t.dim()), inner),
    }
}

/// Draws the open source's light curve and measurements.
pub fn source(f: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let Some(Detail::Source { id, scroll, data }) = &app.detail else {
        return;
    };
    let Some(d) = data else {
        f.render_widget(
            Paragraph::new(format!("reading source {id}…")).style(t.dim()),
            area,
        );
        return;
    };
    let s = &d.src;
    let [head, chart_area, list] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Percentage(55),
        Constraint::Min(3),
    ])
    .areas(area);
    let head_lines = vec![
        Line::from(vec![
            Span::styled(s.name.clone(), t.title()),
            Span::raw(format!(
                "  RA {:.5} Dec {:+.5}  ±{:.2}\"/{:.2}\"  ",
                s.ra_deg, s.dec_deg, s.ra_err_arcsec, s.dec_err_arcsec
            )),
            Span::styled(if s.is_variable { "VARIABLE" } else { "" }, t.accent()),
        ]),
        Line::from(format!(
            "{} detections + {} forced · mean {:.3} mJy · V {:.3} · eta {:.2} · last seen {}",
            s.n_detections,
            s.n_forced,
            s.mean_flux_jy * 1e3,
            s.v,
            s.eta,
            mjd_text(Some(s.last_detected_mjd))
        )),
    ];
    f.render_widget(Paragraph::new(head_lines), head);

    // The chart: days since the first measurement against peak flux (mJy), with 1-sigma bars.
    let t0 = d.lc.first().map_or(0.0, |m| m.mjd);
    let pts = |forced: bool| -> Vec<(f64, f64)> {
        d.lc.iter()
            .filter(|m| m.forced == forced)
            .map(|m| (m.mjd - t0, m.peak_jy * 1e3))
            .collect()
    };
    let (det, forced) = (pts(false), pts(true));
    let bars: Vec<[(f64, f64); 2]> =
        d.lc.iter()
            .map(|m| {
                let x = m.mjd - t0;
                let (y, e) = (m.peak_jy * 1e3, m.peak_err_jy * 1e3);
                [(x, y - e), (x, y + e)]
            })
            .collect();
    let (mut ymin, mut ymax) = (f64::MAX, f64::MIN);
    for b in &bars {
        ymin = ymin.min(b[0].1);
        ymax = ymax.max(b[1].1);
    }
    if ymin > ymax {
        (ymin, ymax) = (0.0, 1.0);
    }
    let pad = ((ymax - ymin) * 0.08).max(1e-3);
    let (ymin, ymax) = (ymin - pad, ymax + pad);
    let xmax = d.lc.last().map_or(1.0, |m| m.mjd - t0).max(1e-6);
    let colour = |c: Color| {
        if t.mode == ColorMode::Never {
            ratatui::style::Style::default()
        } else {
            ratatui::style::Style::default().fg(c)
        }
    };
    let mut sets: Vec<Dataset> = bars
        .iter()
        .map(|b| {
            Dataset::default()
                .graph_type(GraphType::Line)
                .marker(Marker::Braille)
                .style(colour(Color::DarkGray))
                .data(b)
        })
        .collect();
    sets.push(
        Dataset::default()
            .name("detected")
            .graph_type(GraphType::Scatter)
            .marker(Marker::Dot)
            .style(colour(Color::Cyan))
            .data(&det),
    );
    sets.push(
        Dataset::default()
            .name("forced")
            .graph_type(GraphType::Scatter)
            .marker(Marker::Block)
            .style(colour(Color::Magenta))
            .data(&forced),
    );
    let fmt = |v: f64| format!("{v:.2}");
    f.render_widget(
        Chart::new(sets)
            .block(
                Block::default()
                    .borders(Borders::TOP)
                    .title(" light curve: peak mJy/beam vs days (• detected, █ forced, │ ±1σ) ")
                    .title_style(t.title()),
            )
            .x_axis(
                Axis::default()
                    .bounds([0.0, xmax])
                    .labels(vec![Span::raw("0"), Span::raw(format!("{xmax:.3} d"))])
                    .style(t.dim()),
            )
            .y_axis(
                Axis::default()
                    .bounds([ymin, ymax])
                    .labels(vec![Span::raw(fmt(ymin)), Span::raw(fmt(ymax))])
                    .style(t.dim()),
            )
            .hidden_legend_constraints((Constraint::Ratio(0, 1), Constraint::Ratio(0, 1))),
        chart_area,
    );

    let h = list.height.saturating_sub(2) as usize;
    let first = (*scroll).min(d.lc.len().saturating_sub(h));
    let rows: Vec<Row> =
        d.lc.iter()
            .skip(first)
            .take(h)
            .map(|m| {
                Row::new(vec![
                    Cell::from(mjd_text(Some(m.mjd))),
                    Cell::from(format!("{:.3}", m.peak_jy * 1e3)),
                    Cell::from(format!("{:.3}", m.peak_err_jy * 1e3)),
                    Cell::from(format!("{:.1}", m.snr)),
                    Cell::from(if m.forced { "forced" } else { "" }).style(t.accent()),
                    Cell::from(format!("{}", m.image_id)),
                ])
            })
            .collect();
    f.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(19),
                Constraint::Length(9),
                Constraint::Length(8),
                Constraint::Length(7),
                Constraint::Length(7),
                Constraint::Min(5),
            ],
        )
        .header(Row::new(["time", "peak mJy", "± mJy", "SNR", "", "image"]).style(t.header()))
        .block(
            Block::default()
                .borders(Borders::TOP)
                .title(format!(" measurements ({}) ", d.lc.len()))
                .title_style(t.title()),
        ),
        list,
    );
}
