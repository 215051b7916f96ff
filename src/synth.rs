//! A synthetic sky: DSA-110-like images for the demo, the tests and the benchmarks.
//!
//! Each epoch is a 4-D (RA, Dec, FREQ, STOKES) float32 SIN image at 1.405 GHz with 2.5 arcsec
//! cells, a ~12 x 11 arcsec restoring beam, ~1 mJy/beam noise correlated on the beam scale (white
//! noise convolved with a Gaussian of FWHM beam/sqrt(2), so the noise autocorrelation is the beam,
//! as in a real interferometric image), and a few hundred point sources convolved with the beam.
//! A fraction of the sources vary from epoch to epoch. Beside each image a CSV truth catalogue
//! lists what was injected.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, StandardNormal};

use crate::fits::header::{parse_card, Header};
use crate::fits::wcs::Wcs;
use crate::fits::write::{FitsWriter, Val};

/// Gaussian FWHM / sigma.
pub const FWHM_PER_SIGMA: f64 = 2.354_820_045;

/// Parameters of a synthetic sky.
#[derive(Debug, Clone)]
pub struct SkyConfig {
    /// Image width and height, pixels.
    pub size: usize,
    /// Pixel size, arcsec.
    pub cell_arcsec: f64,
    /// Field centre, degrees.
    pub center_ra_deg: f64,
    /// Field centre, degrees.
    pub center_dec_deg: f64,
    /// Centre frequency, Hz.
    pub freq_hz: f64,
    /// Bandwidth, Hz.
    pub bandwidth_hz: f64,
    /// Beam FWHM, arcsec.
    pub beam_major_arcsec: f64,
    /// Beam FWHM, arcsec.
    pub beam_minor_arcsec: f64,
    /// Beam position angle, degrees east of north.
    pub beam_pa_deg: f64,
    /// Noise standard deviation, Jy/beam.
    pub noise_jy: f64,
    /// Number of sources.
    pub n_sources: usize,
    /// Faintest and brightest source, in units of the noise.
    pub snr_range: (f64, f64),
    /// Fraction of sources that vary.
    pub variable_fraction: f64,
    /// Fractional amplitude of the variation (0.5 = flux swings by +-50%).
    pub modulation: f64,
    /// Seed of the sky (positions, fluxes) and, with the epoch, of the noise.
    pub seed: u64,
    /// Time of epoch 0.
    pub start: DateTime<Utc>,
    /// Seconds between epochs.
    pub cadence_s: i64,
    /// The OBJECT card.
    pub field_name: String,
}

impl Default for SkyConfig {
    fn default() -> Self {
        SkyConfig {
            size: 2048,
            cell_arcsec: 2.5,
            center_ra_deg: 150.0,
            center_dec_deg: 37.2,
            freq_hz: 1.405e9,
            bandwidth_hz: 250e6,
            beam_major_arcsec: 12.0,
            beam_minor_arcsec: 11.0,
            beam_pa_deg: 0.0,
            noise_jy: 0.95e-3,
            n_sources: 300,
            snr_range: (5.0, 2000.0),
            variable_fraction: 0.05,
            modulation: 0.5,
            seed: 1,
            start: DateTime::from_timestamp(1_761_658_207, 0).unwrap_or_default(),
            cadence_s: 300,
            field_name: "DSA110_SYNTH".into(),
        }
    }
}

/// One injected source.
#[derive(Debug, Clone, PartialEq)]
pub struct TrueSource {
    /// 0-based index.
    pub id: usize,
    /// Position, degrees.
    pub ra_deg: f64,
    /// Position, degrees.
    pub dec_deg: f64,
    /// 0-based pixel position (x fastest axis).
    pub x: f64,
    /// 0-based pixel position.
    pub y: f64,
    /// Mean peak flux, Jy/beam (a point source: peak = integrated flux).
    pub mean_flux_jy: f64,
    /// Does it vary?
    pub variable: bool,
    /// Phase of the variation, radians.
    pub phase: f64,
}

/// One row of the truth catalogue of an epoch.
#[derive(Debug, Clone, PartialEq)]
pub struct TruthRow {
    /// The source.
    pub source: TrueSource,
    /// Its flux in this epoch, Jy.
    pub flux_jy: f64,
}

/// A synthetic sky: fixed sources, epochs on demand.
#[derive(Debug, Clone)]
pub struct Sky {
    /// The parameters.
    pub config: SkyConfig,
    /// The injected sources.
    pub sources: Vec<TrueSource>,
    wcs: Wcs,
}

impl Sky {
    /// Draws the sources of a sky.
    pub fn new(config: SkyConfig) -> Sky {
        let header = config_header(&config, 0);
        let parsed = Header {
            cards: header.cards().iter().map(|c| parse_card(c)).collect(),
        };
        // The header is ours and always has a valid SIN WCS.
        let wcs = Wcs::from_header(&parsed, 4).unwrap_or_else(|e| panic!("synthetic WCS: {e}"));
        let mut rng = SmallRng::seed_from_u64(config.seed);
        let n = config.size as f64;
        let margin = (config.size as f64 * 0.02).max(12.0).min(n / 4.0);
        let (smin, smax) = config.snr_range;
        let mut sources = Vec::with_capacity(config.n_sources);
        let mut attempts = 0usize;
        while sources.len() < config.n_sources {
            attempts += 1;
            let x = rng.gen_range(margin..n - margin);
            let y = rng.gen_range(margin..n - margin);
            // Keep sources at least 3 beams apart so that the truth is unambiguous, unless the
            // field is too crowded for that.
            let min_sep = 3.0 * config.beam_major_arcsec / config.cell_arcsec;
            if attempts < 200 * config.n_sources
                && sources
                    .iter()
                    .any(|s: &TrueSource| (s.x - x).hypot(s.y - y) < min_sep)
            {
                continue;
            }
            // dN/dS ~ S^-2: equal numbers per decade of flux... flattened to log-uniform.
            let snr = smin * (smax / smin).powf(rng.gen::<f64>());
            let Some((ra, dec)) = wcs.pix_to_sky(x + 1.0, y + 1.0) else {
                continue;
            };
            let variable = rng.gen::<f64>() < config.variable_fraction;
            sources.push(TrueSource {
                id: sources.len(),
                ra_deg: ra,
                dec_deg: dec,
                x,
                y,
                mean_flux_jy: snr * config.noise_jy,
                variable,
                phase: rng.gen_range(0.0..std::f64::consts::TAU),
            });
        }
        Sky {
            config,
            sources,
            wcs,
        }
    }

    /// The sky's WCS.
    pub fn wcs(&self) -> &Wcs {
        &self.wcs
    }

    /// Flux of a source at an epoch: steady sources are constant; variable ones follow
    /// `mean * (1 + modulation * sin(phase + epoch * 2 pi / 4.3))`.
    pub fn flux_at(&self, s: &TrueSource, epoch: u64) -> f64 {
        if s.variable {
            let arg = s.phase + epoch as f64 * std::f64::consts::TAU / 4.3;
            s.mean_flux_jy * (1.0 + self.config.modulation * arg.sin())
        } else {
            s.mean_flux_jy
        }
    }

    /// Time of an epoch.
    pub fn time_of(&self, epoch: u64) -> DateTime<Utc> {
        self.config.start + Duration::seconds(self.config.cadence_s * epoch as i64)
    }

    /// The DSA-110 style file name of an epoch.
    pub fn file_name(&self, epoch: u64) -> String {
        format!(
            "{}.img-image.fits",
            self.time_of(epoch).format("%Y-%m-%dT%H:%M:%S")
        )
    }

    /// Pixels (row-major, x fastest) and truth of an epoch.
    pub fn render(&self, epoch: u64) -> (Vec<f32>, Vec<TruthRow>) {
        let c = &self.config;
        let mut data = correlated_noise(c, epoch);
        let mut truth = Vec::with_capacity(self.sources.len());
        for s in &self.sources {
            let flux = self.flux_at(s, epoch);
            add_gaussian(
                &mut data,
                c.size,
                s.x,
                s.y,
                flux,
                c.beam_major_arcsec / c.cell_arcsec,
                c.beam_minor_arcsec / c.cell_arcsec,
                c.beam_pa_deg,
            );
            truth.push(TruthRow {
                source: s.clone(),
                flux_jy: flux,
            });
        }
        (data, truth)
    }

    /// The header of an epoch.
    pub fn header(&self, epoch: u64) -> FitsWriter {
        config_header(&self.config, epoch)
    }

    /// Writes one epoch (image and truth CSV) into `dir`, atomically (temporary name, then
    /// rename), and returns the image path.
    pub fn write_epoch(&self, dir: &Path, epoch: u64) -> io::Result<PathBuf> {
        let (data, truth) = self.render(epoch);
        let name = self.file_name(epoch);
        let path = dir.join(&name);
        let n = self.config.size as u64;
        write_atomic(&path, |w| {
            self.header(epoch).write_f32(w, &[n, n, 1, 1], &data)
        })?;
        let csv = dir.join(format!("{}.truth.csv", name.trim_end_matches(".fits")));
        write_atomic(&csv, |w| write_truth(w, &truth))?;
        Ok(path)
    }
}

/// Writes `path.tmp` then renames it over `path`, as pipelines do.
pub fn write_atomic(
    path: &Path,
    body: impl FnOnce(&mut BufWriter<fs::File>) -> io::Result<()>,
) -> io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    {
        let mut w = BufWriter::with_capacity(1 << 20, fs::File::create(&tmp)?);
        body(&mut w)?;
        w.flush()?;
    }
    fs::rename(&tmp, path)
}

fn write_truth<W: Write>(w: &mut W, truth: &[TruthRow]) -> io::Result<()> {
    writeln!(
        w,
        "id,ra_deg,dec_deg,x_pix,y_pix,flux_jy,mean_flux_jy,variable"
    )?;
    for t in truth {
        let s = &t.source;
        writeln!(
            w,
            "{},{:.7},{:.7},{:.3},{:.3},{:.6e},{:.6e},{}",
            s.id, s.ra_deg, s.dec_deg, s.x, s.y, t.flux_jy, s.mean_flux_jy, s.variable
        )?;
    }
    Ok(())
}

fn config_header(c: &SkyConfig, epoch: u64) -> FitsWriter {
    let t = c.start + Duration::seconds(c.cadence_s * epoch as i64);
    let mut h = FitsWriter::new();
    let crpix = c.size as f64 / 2.0 + 1.0;
    h.key("BSCALE", Val::Float(1.0))
        .key("BZERO", Val::Float(0.0))
        .key("BUNIT", Val::Str("JY/BEAM".into()))
        .key("BMAJ", Val::Float(c.beam_major_arcsec / 3600.0))
        .key("BMIN", Val::Float(c.beam_minor_arcsec / 3600.0))
        .key("BPA", Val::Float(c.beam_pa_deg))
        .key("EQUINOX", Val::Float(2000.0))
        .key("RADESYS", Val::Str("FK5".into()))
        .key("CTYPE1", Val::Str("RA---SIN".into()))
        .key("CRPIX1", Val::Float(crpix))
        .key("CRVAL1", Val::Float(c.center_ra_deg))
        .key("CDELT1", Val::Float(-c.cell_arcsec / 3600.0))
        .key("CUNIT1", Val::Str("deg".into()))
        .key("CTYPE2", Val::Str("DEC--SIN".into()))
        .key("CRPIX2", Val::Float(crpix))
        .key("CRVAL2", Val::Float(c.center_dec_deg))
        .key("CDELT2", Val::Float(c.cell_arcsec / 3600.0))
        .key("CUNIT2", Val::Str("deg".into()))
        .key("CTYPE3", Val::Str("FREQ".into()))
        .key("CRPIX3", Val::Float(1.0))
        .key("CRVAL3", Val::Float(c.freq_hz))
        .key("CDELT3", Val::Float(c.bandwidth_hz))
        .key("CUNIT3", Val::Str("Hz".into()))
        .key("CTYPE4", Val::Str("STOKES".into()))
        .key("CRPIX4", Val::Float(1.0))
        .key("CRVAL4", Val::Float(1.0))
        .key("CDELT4", Val::Float(1.0))
        .key("SPECSYS", Val::Str("TOPOCENT".into()))
        .key(
            "DATE-OBS",
            Val::Str(t.format("%Y-%m-%dT%H:%M:%S%.3f").to_string()),
        )
        .key("TIMESYS", Val::Str("UTC".into()))
        .key("EXPTIME", Val::Float(c.cadence_s as f64))
        .key("TELESCOP", Val::Str("DSA-110".into()))
        .key("OBJECT", Val::Str(c.field_name.clone()))
        .key("ORIGIN", Val::Str("obsmon synth".into()));
    h
}

/// White noise convolved with a separable Gaussian of FWHM beam/sqrt(2) on each axis, scaled to
/// `noise_jy`.
fn correlated_noise(c: &SkyConfig, epoch: u64) -> Vec<f32> {
    let n = c.size;
    let mut rng = SmallRng::seed_from_u64(c.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (epoch + 1));
    let mut white: Vec<f32> = (0..n * n)
        .map(|_| StandardNormal.sample(&mut rng))
        .collect();
    let sx = c.beam_minor_arcsec / c.cell_arcsec / std::f64::consts::SQRT_2 / FWHM_PER_SIGMA;
    let sy = c.beam_major_arcsec / c.cell_arcsec / std::f64::consts::SQRT_2 / FWHM_PER_SIGMA;
    let kx = kernel(sx);
    let ky = kernel(sy);
    let mut tmp = vec![0f32; n * n];
    convolve_rows(&white, &mut tmp, n, &kx);
    convolve_cols(&tmp, &mut white, n, &ky);
    // Output variance = sum(kx^2) * sum(ky^2) for unit white noise.
    let var: f64 = kx.iter().map(|v| (*v as f64).powi(2)).sum::<f64>()
        * ky.iter().map(|v| (*v as f64).powi(2)).sum::<f64>();
    let scale = (c.noise_jy / var.sqrt()) as f32;
    for v in &mut white {
        *v *= scale;
    }
    white
}

fn kernel(sigma: f64) -> Vec<f32> {
    let half = (3.5 * sigma).ceil().max(1.0) as i64;
    let k: Vec<f64> = (-half..=half)
        .map(|i| (-(i as f64).powi(2) / (2.0 * sigma * sigma)).exp())
        .collect();
    let sum: f64 = k.iter().sum();
    k.iter().map(|v| (v / sum) as f32).collect()
}

/// Mirror an index into 0..n (edge pixels reflected, not repeated).
fn reflect(i: isize, n: usize) -> usize {
    let last = n as isize - 1;
    let i = if i < 0 { -i } else { i };
    let i = if i > last { 2 * last - i } else { i };
    i.clamp(0, last) as usize
}

fn convolve_rows(src: &[f32], dst: &mut [f32], n: usize, k: &[f32]) {
    let half = k.len() / 2;
    for (row_in, row_out) in src.chunks_exact(n).zip(dst.chunks_exact_mut(n)) {
        for (x, out) in row_out.iter_mut().enumerate() {
            *out = if x >= half && x + half < n {
                // Interior: a plain dot product the compiler vectorises.
                row_in[x - half..=x + half]
                    .iter()
                    .zip(k)
                    .map(|(a, b)| a * b)
                    .sum()
            } else {
                k.iter()
                    .enumerate()
                    .map(|(j, kv)| kv * row_in[reflect(x as isize + j as isize - half as isize, n)])
                    .sum()
            };
        }
    }
}

fn convolve_cols(src: &[f32], dst: &mut [f32], n: usize, k: &[f32]) {
    let half = k.len() as isize / 2;
    dst.fill(0.0);
    for (j, kv) in k.iter().enumerate() {
        let dy = j as isize - half;
        for y in 0..n {
            let ys = reflect(y as isize + dy, n);
            let (row_out, row_in) = (&mut dst[y * n..(y + 1) * n], &src[ys * n..(ys + 1) * n]);
            for (o, i) in row_out.iter_mut().zip(row_in) {
                *o += kv * i;
            }
        }
    }
}

/// Adds an elliptical Gaussian of peak `peak` at 0-based (x0, y0); FWHMs in pixels, PA east of
/// north (north = +y, east = -x, the usual RA-left orientation).
#[allow(clippy::too_many_arguments)]
pub fn add_gaussian(
    data: &mut [f32],
    n: usize,
    x0: f64,
    y0: f64,
    peak: f64,
    fwhm_major: f64,
    fwhm_minor: f64,
    pa_deg: f64,
) {
    let sa = fwhm_major / FWHM_PER_SIGMA;
    let sb = fwhm_minor / FWHM_PER_SIGMA;
    let (s, c) = pa_deg.to_radians().sin_cos();
    // Unit vectors of the major and minor axes in pixel coordinates.
    let (ux, uy) = (-s, c);
    let (vx, vy) = (c, s);
    let r = (4.5 * sa).ceil() as i64;
    let (xc, yc) = (x0.round() as i64, y0.round() as i64);
    for y in (yc - r).max(0)..=(yc + r).min(n as i64 - 1) {
        for x in (xc - r).max(0)..=(xc + r).min(n as i64 - 1) {
            let (dx, dy) = (x as f64 - x0, y as f64 - y0);
            let a = dx * ux + dy * uy;
            let b = dx * vx + dy * vy;
            let v = peak * (-0.5 * (a * a / (sa * sa) + b * b / (sb * sb))).exp();
            data[y as usize * n + x as usize] += v as f32;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::stats::plane_stats;

    #[test]
    fn noise_level_and_sources() {
        let sky = Sky::new(SkyConfig {
            size: 512,
            n_sources: 40,
            ..Default::default()
        });
        assert_eq!(sky.sources.len(), 40);
        let (data, truth) = sky.render(0);
        let s = plane_stats(&data);
        let noise = s.noise.unwrap();
        assert!((noise - 0.95e-3).abs() < 1e-4, "noise {noise}");
        // The brightest pixel is near the brightest source.
        let best = truth
            .iter()
            .max_by(|a, b| a.flux_jy.total_cmp(&b.flux_jy))
            .unwrap();
        assert!((s.peak.unwrap() - best.flux_jy).abs() / best.flux_jy < 0.1);
    }

    #[test]
    fn variable_sources_vary_and_steady_ones_do_not() {
        let sky = Sky::new(SkyConfig {
            size: 256,
            n_sources: 60,
            variable_fraction: 0.5,
            ..Default::default()
        });
        for s in &sky.sources {
            let f: Vec<f64> = (0..10).map(|e| sky.flux_at(s, e)).collect();
            let spread = f.iter().cloned().fold(f64::MIN, f64::max)
                - f.iter().cloned().fold(f64::MAX, f64::min);
            if s.variable {
                assert!(spread > 0.5 * s.mean_flux_jy);
            } else {
                assert_eq!(spread, 0.0);
            }
        }
    }
}
