//! Finder components and forced measurements as sky [`Detection`]s.

use crate::analysis::background::Background;
use crate::analysis::finder::{self, Component, PixBeam};
use crate::fits::read::Plane;
use crate::fits::wcs::{separation_deg, Wcs};
use crate::store::records::Detection;

use super::SourceParams;

/// The restoring beam on the sky.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SkyBeam {
    /// FWHM, arcsec.
    pub major_arcsec: f64,
    /// FWHM, arcsec.
    pub minor_arcsec: f64,
    /// Position angle, degrees east of north.
    pub pa_deg: f64,
}

/// Everything the measurement of one image needs besides its pixels.
pub struct ImageFrame<'a> {
    /// The celestial WCS.
    pub wcs: &'a Wcs,
    /// The beam.
    pub beam: SkyBeam,
    /// MJD of the image.
    pub mjd: f64,
}

impl ImageFrame<'_> {
    /// Sky position of a 0-based pixel position on the plane.
    pub fn pix_to_sky(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        match self.wcs.axes() {
            (1, 0) => self.wcs.pix_to_sky(y + 1.0, x + 1.0),
            _ => self.wcs.pix_to_sky(x + 1.0, y + 1.0),
        }
    }

    /// 0-based pixel position of a sky position.
    pub fn sky_to_pix(&self, ra: f64, dec: f64) -> Option<(f64, f64)> {
        let (a, b) = self.wcs.sky_to_pix(ra, dec)?;
        Some(match self.wcs.axes() {
            (1, 0) => (b - 1.0, a - 1.0),
            _ => (a - 1.0, b - 1.0),
        })
    }

    /// Arcsec per pixel and position angle (deg E of N) of the pixel direction `theta` (radians
    /// from +x) at (x, y).
    fn direction(&self, x: f64, y: f64, theta: f64) -> Option<(f64, f64)> {
        let (ra0, dec0) = self.pix_to_sky(x, y)?;
        let (ra1, dec1) = self.pix_to_sky(x + theta.cos(), y + theta.sin())?;
        let scale = separation_deg(ra0, dec0, ra1, dec1) * 3600.0;
        let dra = ((ra1 - ra0 + 540.0).rem_euclid(360.0) - 180.0) * dec0.to_radians().cos();
        let pa = dra.atan2(dec1 - dec0).to_degrees().rem_euclid(180.0);
        Some((scale, pa))
    }

    /// The beam in pixels at (x, y).
    pub fn pix_beam(&self, x: f64, y: f64) -> Option<PixBeam> {
        // Pixel direction of north-east-ish: find the pixel angle of the beam's major axis by
        // probing the pixel directions of north and east.
        let (s0, pa0) = self.direction(x, y, 0.0)?;
        let (s90, _) = self.direction(x, y, std::f64::consts::FRAC_PI_2)?;
        // Pixel angle theta maps to sky PA = pa0 -/+ theta depending on handedness.
        let (_, pa_test) = self.direction(x, y, 0.1)?;
        let handed = if ((pa_test - pa0 + 540.0).rem_euclid(360.0) - 180.0) > 0.0 {
            1.0
        } else {
            -1.0
        };
        let theta = handed * (self.beam.pa_deg - pa0).to_radians();
        let scale = (s0 * s90).sqrt();
        Some(PixBeam {
            major: self.beam.major_arcsec / scale,
            minor: self.beam.minor_arcsec / scale,
            theta,
        })
    }
}

/// Detections found in a plane (not yet associated: `source_id` 0, `image_id` 0).
pub struct Measured {
    /// The detections.
    pub detections: Vec<Detection>,
    /// True when the component cap was reached.
    pub capped: bool,
    /// The background grid (kept for forced measurements).
    pub background: Background,
}

/// Runs the finder on a plane and converts components to sky detections.
pub fn find_sources(plane: &Plane, frame: &ImageFrame, p: &SourceParams) -> Option<Measured> {
    let (cx, cy) = (plane.nx as f64 / 2.0, plane.ny as f64 / 2.0);
    let beam = frame.pix_beam(cx, cy)?;
    let cell = ((p.bkg_cell_beams * beam.major).round() as usize).max(16);
    let background = Background::estimate(&plane.data, plane.nx, plane.ny, cell);
    let found = finder::find(
        &plane.data,
        plane.nx,
        plane.ny,
        &background,
        &beam,
        &p.finder,
    );
    let detections = found
        .components
        .iter()
        .filter_map(|c| to_detection(c, frame))
        .collect();
    Some(Measured {
        detections,
        capped: found.capped,
        background,
    })
}

fn to_detection(c: &Component, frame: &ImageFrame) -> Option<Detection> {
    let (ra, dec) = frame.pix_to_sky(c.x, c.y)?;
    let (scale_a, pa) = frame.direction(c.x, c.y, c.theta)?;
    let (scale_b, _) = frame.direction(c.x, c.y, c.theta + std::f64::consts::FRAC_PI_2)?;
    let (ea, eb) = (c.err_major * scale_a, c.err_minor * scale_b);
    let (s, co) = pa.to_radians().sin_cos();
    Some(Detection {
        ra_deg: ra,
        dec_deg: dec,
        ra_err_arcsec: ((ea * s).powi(2) + (eb * co).powi(2)).sqrt(),
        dec_err_arcsec: ((ea * co).powi(2) + (eb * s).powi(2)).sqrt(),
        x_pix: c.x,
        y_pix: c.y,
        peak_jy: c.peak,
        peak_err_jy: c.peak_err,
        flux_jy: c.flux,
        flux_err_jy: c.flux_err,
        a_arcsec: c.a * scale_a,
        b_arcsec: c.b * scale_b,
        pa_deg: pa,
        local_rms_jy: c.local_rms,
        snr: c.snr,
        mjd: frame.mjd,
        forced: false,
        flags: c.flags,
        ..Default::default()
    })
}

/// A forced measurement at (ra, dec): the least-squares amplitude of a beam-shaped Gaussian at
/// that position, over the pixels within one beam FWHM. `None` off the image or on NaN pixels.
pub fn forced(
    plane: &Plane,
    bkg: &Background,
    frame: &ImageFrame,
    ra: f64,
    dec: f64,
) -> Option<Detection> {
    let (x, y) = frame.sky_to_pix(ra, dec)?;
    let beam = frame.pix_beam(x, y)?;
    let r = beam.major;
    if x < r || y < r || x + r >= plane.nx as f64 || y + r >= plane.ny as f64 {
        return None;
    }
    let sa = beam.major / crate::synth::FWHM_PER_SIGMA;
    let sb = beam.minor / crate::synth::FWHM_PER_SIGMA;
    let (st, ct) = beam.theta.sin_cos();
    let (mut sdg, mut sgg) = (0.0, 0.0);
    for py in (y - r).floor() as usize..=(y + r).ceil() as usize {
        for px in (x - r).floor() as usize..=(x + r).ceil() as usize {
            let (dx, dy) = (px as f64 - x, py as f64 - y);
            if dx * dx + dy * dy > r * r {
                continue;
            }
            let v = plane.at(px, py);
            if !v.is_finite() {
                return None;
            }
            let (b, _) = bkg.at(px as f64, py as f64);
            let u = dx * ct + dy * st;
            let w = -dx * st + dy * ct;
            let g = (-0.5 * (u * u / (sa * sa) + w * w / (sb * sb))).exp();
            sdg += (v - b) as f64 * g;
            sgg += g * g;
        }
    }
    if sgg <= 0.0 {
        return None;
    }
    let amp = sdg / sgg;
    let (_, rms) = bkg.at(x, y);
    let rms = rms as f64;
    Some(Detection {
        ra_deg: ra,
        dec_deg: dec,
        x_pix: x,
        y_pix: y,
        peak_jy: amp,
        // For a beam-shaped fit of fixed position and size in beam-correlated noise, the
        // amplitude error is the local rms (Condon 1997 with a point source).
        peak_err_jy: rms,
        flux_jy: amp,
        flux_err_jy: rms,
        a_arcsec: frame.beam.major_arcsec,
        b_arcsec: frame.beam.minor_arcsec,
        pa_deg: frame.beam.pa_deg,
        local_rms_jy: rms,
        snr: if rms > 0.0 { amp / rms } else { 0.0 },
        mjd: frame.mjd,
        forced: true,
        ..Default::default()
    })
}
