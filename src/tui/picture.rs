//! Images in the terminal: a thumbnail read from the FITS file by block maximum (point sources
//! stay visible however far the image is shrunk), a stretch, and a widget that draws two pixels
//! per cell with the upper half block `▀` (foreground = upper pixel, background = lower), or one
//! greyscale glyph per cell without colour. North (+y) is up.

use std::path::Path;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::Widget;

use super::theme::{glyph, ColorMode, Theme};
use crate::fits::{self, meta, FitsError};

/// A reduced copy of (a centre crop of) an image plane, row 0 at the bottom as in FITS.
#[derive(Debug, Clone)]
pub struct Thumb {
    /// Width, pixels.
    pub w: usize,
    /// Height, pixels.
    pub h: usize,
    /// Block maxima (NaN where a block has no finite pixel).
    pub data: Vec<f32>,
    /// Source pixel (0-based) of the crop's lower-left corner.
    pub x0: f64,
    /// Source pixel of the crop's lower-left corner.
    pub y0: f64,
    /// Source pixels per thumbnail pixel.
    pub block: f64,
}

/// How pixel values map to brightness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Stretch {
    /// IRAF's zscale: a range around the median from the slope of the sorted values.
    #[default]
    Zscale,
    /// asinh: linear near the noise, logarithmic for bright sources.
    Asinh,
    /// Linear between the 0.5 and 99.8 percentiles.
    Linear,
}

impl Stretch {
    /// The next stretch (the `t` key).
    pub fn next(self) -> Stretch {
        match self {
            Stretch::Zscale => Stretch::Asinh,
            Stretch::Asinh => Stretch::Linear,
            Stretch::Linear => Stretch::Zscale,
        }
    }

    /// Its name on screen.
    pub fn name(self) -> &'static str {
        match self {
            Stretch::Zscale => "zscale",
            Stretch::Asinh => "asinh",
            Stretch::Linear => "linear",
        }
    }
}

/// Reads the first plane of the image in `path`, crops the central 1/`zoom` of each axis and
/// reduces it by block maximum to at most `max_side` pixels on a side. Reads in strips of rows,
/// so memory stays at one strip however large the image.
pub fn read_thumb(path: &Path, max_side: usize, zoom: u32) -> Result<Thumb, FitsError> {
    let scanned = fits::scan(path)?;
    let (_, plane) = meta::find_image(&scanned.layout)?;
    let nx = plane.shape.first().copied().unwrap_or(0) as usize;
    let ny = plane.shape.get(1).copied().unwrap_or(1) as usize;
    if nx == 0 || ny == 0 {
        return Err(FitsError::BadHeader("the image has no pixels".into()));
    }
    let zoom = zoom.max(1) as usize;
    let (cw, ch) = ((nx / zoom).max(1), (ny / zoom).max(1));
    let (cx0, cy0) = ((nx - cw) / 2, (ny - ch) / 2);
    let block = cw.max(ch).div_ceil(max_side.max(1)).max(1);
    let (w, h) = (cw.div_ceil(block), ch.div_ceil(block));
    let mut data = vec![f32::NAN; w * h];
    // Strips of about a million pixels (4 MB).
    let strip = ((1usize << 20) / nx).clamp(1, ch);
    let mut buf = vec![0f32; nx * strip];
    let mut fits = fitsio::FitsFile::open(path).map_err(|e| FitsError::Cfitsio(e.to_string()))?;
    let mut status = 0;
    let mut hdutype = 0;
    // SAFETY: the pointer comes from an open FitsFile that outlives the calls; each read writes
    // at most `nx * rows <= buf.len()` values into `buf`.
    unsafe {
        fitsio::sys::ffmahd(
            fits.as_raw(),
            plane.hdu as i32 + 1,
            &mut hdutype,
            &mut status,
        );
    }
    fitsio::errors::check_status(status).map_err(|e| FitsError::Cfitsio(e.to_string()))?;
    let mut y = cy0;
    while y < cy0 + ch {
        let rows = strip.min(cy0 + ch - y);
        let mut anynul = 0;
        unsafe {
            fitsio::sys::ffgpve(
                fits.as_raw(),
                1,
                (y * nx + 1) as i64,
                (rows * nx) as i64,
                f32::NAN,
                buf.as_mut_ptr(),
                &mut anynul,
                &mut status,
            );
        }
        fitsio::errors::check_status(status).map_err(|e| FitsError::Cfitsio(e.to_string()))?;
        for r in 0..rows {
            let ty = (y + r - cy0) / block;
            let row = &buf[r * nx + cx0..r * nx + cx0 + cw];
            let out = &mut data[ty * w..(ty + 1) * w];
            for (x, v) in row.iter().enumerate() {
                let o = &mut out[x / block];
                // NaN-aware maximum: NaN only when the block has no finite pixel.
                if v.is_finite() && (o.is_nan() || *o < *v) {
                    *o = *v;
                }
            }
        }
        y += rows;
    }
    Ok(Thumb {
        w,
        h,
        data,
        x0: cx0 as f64,
        y0: cy0 as f64,
        block: block as f64,
    })
}

/// The display range (lo, hi) of `values` for a stretch. Values are finite.
pub fn limits(values: &mut [f32], stretch: Stretch) -> (f32, f32) {
    if values.is_empty() {
        return (0.0, 1.0);
    }
    values.sort_unstable_by(|a, b| a.total_cmp(b));
    let pct = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    let (min, max) = (values[0], values[values.len() - 1]);
    let (lo, hi) = match stretch {
        Stretch::Linear => (pct(0.005), pct(0.998)),
        Stretch::Asinh => (pct(0.05), max),
        Stretch::Zscale => zscale(values, min, max),
    };
    if hi > lo {
        (lo, hi)
    } else {
        (lo, lo + 1e-30_f32.max(lo.abs() * 1e-6))
    }
}

/// IRAF zscale on sorted values (contrast 0.25): fit a line to the sorted sample with iterative
/// 2.5-sigma rejection; the range is the median -/+ the slope over the sample, divided by the
/// contrast, clipped to the data.
fn zscale(sorted: &[f32], min: f32, max: f32) -> (f32, f32) {
    let step = (sorted.len() / 1000).max(1);
    let sample: Vec<f32> = sorted.iter().step_by(step).copied().collect();
    let n = sample.len();
    if n < 5 {
        return (min, max);
    }
    let median = sample[n / 2];
    let mut keep = vec![true; n];
    let mut slope = 0.0f64;
    for _ in 0..5 {
        let (mut s, mut sx, mut sy, mut sxx, mut sxy) = (0.0f64, 0.0, 0.0, 0.0, 0.0);
        for (i, &v) in sample.iter().enumerate() {
            if keep[i] {
                let x = i as f64;
                s += 1.0;
                sx += x;
                sy += v as f64;
                sxx += x * x;
                sxy += x * v as f64;
            }
        }
        let det = s * sxx - sx * sx;
        if s < n as f64 * 0.5 || det == 0.0 {
            break;
        }
        slope = (s * sxy - sx * sy) / det;
        let icpt = (sy - slope * sx) / s;
        let resid: Vec<f64> = sample
            .iter()
            .enumerate()
            .filter(|(i, _)| keep[*i])
            .map(|(i, &v)| v as f64 - (icpt + slope * i as f64))
            .collect();
        let sigma = (resid.iter().map(|r| r * r).sum::<f64>() / resid.len() as f64).sqrt();
        let mut changed = false;
        for (i, &v) in sample.iter().enumerate() {
            let r = v as f64 - (icpt + slope * i as f64);
            let k = r.abs() <= 2.5 * sigma;
            if keep[i] && !k {
                keep[i] = false;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let slope = slope / 0.25;
    let center = (n / 2) as f64;
    let lo = (median as f64 - center * slope).max(min as f64) as f32;
    let hi = (median as f64 + (n as f64 - center) * slope).min(max as f64) as f32;
    (lo, hi)
}

/// Maps a value to [0, 1] under a stretch with display range (lo, hi).
pub fn scale(v: f32, lo: f32, hi: f32, stretch: Stretch) -> f32 {
    if !v.is_finite() {
        return f32::NAN;
    }
    let t = ((v - lo) / (hi - lo)).clamp(0.0, 1.0);
    match stretch {
        Stretch::Asinh => {
            // Softening at 2% of the range: noise stays dark, sources spread over the ramp.
            let a = 0.02f32;
            (t / a).asinh() / (1.0 / a).asinh()
        }
        _ => t,
    }
}

/// The picture widget: a thumbnail fitted into the area (aspect kept: a cell is one pixel wide
/// and two high), with markers at source positions (source-image pixel coordinates, 0-based).
pub struct Picture<'a> {
    /// The thumbnail.
    pub thumb: &'a Thumb,
    /// Marker positions in source-image pixels.
    pub markers: &'a [(f64, f64)],
    /// The stretch.
    pub stretch: Stretch,
    /// Colours.
    pub theme: Theme,
}

impl Picture<'_> {
    /// Reduces the thumbnail to `cols x rows` (rows in pixels, two per cell) by block maximum.
    fn grid(&self, cols: usize, rows: usize) -> (Vec<f32>, usize, usize, f64) {
        let t = self.thumb;
        // Thumbnail pixels per screen pixel, the same on both axes (square pixels).
        let f = (t.w as f64 / cols as f64).max(t.h as f64 / rows as f64);
        let gw = ((t.w as f64 / f).floor() as usize).clamp(1, cols);
        let gh = ((t.h as f64 / f).floor() as usize).clamp(1, rows);
        let mut g = vec![f32::NAN; gw * gh];
        for ty in 0..t.h {
            let gy = ((ty as f64 / f) as usize).min(gh - 1);
            for tx in 0..t.w {
                let gx = ((tx as f64 / f) as usize).min(gw - 1);
                let v = t.data[ty * t.w + tx];
                let o = &mut g[gy * gw + gx];
                if v.is_finite() && (o.is_nan() || *o < v) {
                    *o = v;
                }
            }
        }
        (g, gw, gh, f)
    }
}

impl Widget for Picture<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.width == 0 || area.height == 0 || self.thumb.w == 0 {
            return;
        }
        let mono = self.theme.mode == ColorMode::Never;
        let (cols, rows) = (
            area.width as usize,
            area.height as usize * if mono { 1 } else { 2 },
        );
        let (g, gw, gh, f) = self.grid(cols, rows);
        let mut finite: Vec<f32> = g.iter().copied().filter(|v| v.is_finite()).collect();
        let (lo, hi) = limits(&mut finite, self.stretch);
        let val = |x: usize, y: usize| -> f32 {
            // Screen y grows downwards; thumbnail y upwards.
            scale(g[(gh - 1 - y) * gw + x], lo, hi, self.stretch)
        };
        let x_off = area.x + ((cols - gw) / 2) as u16;
        let cells_h = if mono { gh } else { gh.div_ceil(2) };
        let y_off = area.y + ((area.height as usize - cells_h) / 2) as u16;
        for cy in 0..cells_h {
            for cx in 0..gw {
                let Some(cell) = buf.cell_mut((x_off + cx as u16, y_off + cy as u16)) else {
                    continue;
                };
                if mono {
                    cell.set_char(glyph(val(cx, cy)));
                } else {
                    let top = val(cx, 2 * cy);
                    let bottom = if 2 * cy + 1 < gh {
                        val(cx, 2 * cy + 1)
                    } else {
                        0.0
                    };
                    let c = |v: f32| self.theme.colormap(if v.is_finite() { v } else { 0.0 });
                    cell.set_char('▀');
                    if let (Some(t), Some(b)) = (c(top), c(bottom)) {
                        cell.set_fg(t).set_bg(b);
                    }
                }
            }
        }
        // Markers: the cell holding each source, drawn over the pixels.
        let t = self.thumb;
        for &(sx, sy) in self.markers {
            let tx = (sx - t.x0) / t.block;
            let ty = (sy - t.y0) / t.block;
            if tx < 0.0 || ty < 0.0 || tx >= t.w as f64 || ty >= t.h as f64 {
                continue;
            }
            let gx = ((tx / f) as usize).min(gw - 1);
            let gy = gh - 1 - ((ty / f) as usize).min(gh - 1);
            let cy = if mono { gy } else { gy / 2 };
            if let Some(cell) = buf.cell_mut((x_off + gx as u16, y_off + cy as u16)) {
                if mono {
                    cell.set_char('o');
                } else {
                    cell.set_char('+').set_fg(self.theme.marker());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thumb_with_point(w: usize, h: usize, px: usize, py: usize) -> Thumb {
        let mut data = vec![0.0f32; w * h];
        data[py * w + px] = 100.0;
        Thumb {
            w,
            h,
            data,
            x0: 0.0,
            y0: 0.0,
            block: 1.0,
        }
    }

    #[test]
    fn a_single_bright_pixel_survives_downsampling() {
        let t = thumb_with_point(400, 400, 123, 301);
        let p = Picture {
            thumb: &t,
            markers: &[],
            stretch: Stretch::Linear,
            theme: Theme::new(ColorMode::Never),
        };
        let area = Rect::new(0, 0, 20, 20);
        let mut buf = Buffer::empty(area);
        p.render(area, &mut buf);
        let bright: Vec<(u16, u16)> = (0..20)
            .flat_map(|y| (0..20).map(move |x| (x, y)))
            .filter(|&(x, y)| buf[(x, y)].symbol() == "@")
            .collect();
        // x 123/20 -> column 6; y 301 from the bottom -> row 19 - 15 = 4.
        assert_eq!(bright, vec![(6, 4)]);
    }

    #[test]
    fn zscale_brackets_the_noise() {
        let mut v: Vec<f32> = (0..10_000)
            .map(|i| ((i * 7919) % 1000) as f32 / 1000.0)
            .collect();
        v.push(1000.0);
        let (lo, hi) = limits(&mut v, Stretch::Zscale);
        assert!((0.0..0.1).contains(&lo), "{lo}");
        assert!((0.9..10.0).contains(&hi), "{hi}");
    }
}
