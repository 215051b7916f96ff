//! Image metadata from the header: which HDU holds the image, its shape, beam, centre, frequency
//! and time. Fills the header-derived fields of an [`ImageRecord`]; a value the header does not
//! give stays `None`.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use super::header::{Hdu, HduKind, Header, Layout};
use super::wcs::Wcs;
use super::{naming, FitsError};
use crate::store::records::ImageRecord;

/// The image HDU chosen for indexing, as the pixel reader needs it.
#[derive(Debug, Clone)]
pub struct ImagePlane {
    /// 0-based HDU number.
    pub hdu: usize,
    /// BITPIX (ZBITPIX for compressed images).
    pub bitpix: i32,
    /// Axis lengths, NAXIS1 first.
    pub shape: Vec<u64>,
    /// Tile-compressed (read through cfitsio's decompression).
    pub compressed: bool,
}

impl ImagePlane {
    /// Pixels in the first 2-D plane.
    pub fn plane_pixels(&self) -> u64 {
        self.shape[0] * self.shape[1]
    }
}

/// Picks the first HDU that holds a 2-D (or higher) image: the primary, an IMAGE extension, or a
/// tile-compressed image. Degenerate axes beyond the second are allowed (first plane analysed).
pub fn find_image(layout: &Layout) -> Result<(&Hdu, ImagePlane), FitsError> {
    let mut why = Vec::new();
    for hdu in &layout.hdus {
        let h = &hdu.header;
        let (prefix, bitpix_key) = match hdu.kind {
            HduKind::Primary | HduKind::Image => ("NAXIS", "BITPIX"),
            HduKind::CompressedImage => ("ZNAXIS", "ZBITPIX"),
            HduKind::Other => continue,
        };
        if hdu.kind == HduKind::Primary && h.bool("GROUPS") == Some(true) {
            why.push("random-groups data (visibilities, not an image)".to_string());
            continue;
        }
        let naxis = h.i64(prefix).unwrap_or(0);
        if naxis == 0 {
            continue;
        }
        let shape: Vec<u64> = (1..=naxis)
            .map(|i| h.i64(&format!("{prefix}{i}")).unwrap_or(0).max(0) as u64)
            .collect();
        if naxis < 2 {
            why.push(format!("HDU {}: 1-D data (NAXIS = 1)", hdu.index));
            continue;
        }
        if shape[0] < 2 || shape[1] < 1 {
            why.push(format!(
                "HDU {}: empty image ({} x {})",
                hdu.index, shape[0], shape[1]
            ));
            continue;
        }
        let bitpix = h.i64(bitpix_key).unwrap_or(0) as i32;
        if ![8, 16, 32, 64, -32, -64].contains(&bitpix) {
            return Err(FitsError::BadHeader(format!(
                "HDU {}: {bitpix_key} = {bitpix}",
                hdu.index
            )));
        }
        return Ok((
            hdu,
            ImagePlane {
                hdu: hdu.index,
                bitpix,
                shape,
                compressed: hdu.kind == HduKind::CompressedImage,
            },
        ));
    }
    if why.is_empty() {
        why.push(if layout.hdus.len() > 1 {
            "no image HDU (tables or header-only HDUs)".to_string()
        } else {
            "header only (NAXIS = 0)".to_string()
        });
    }
    Err(FitsError::NoImage(why.join("; ")))
}

/// Fills the header-derived fields of `rec` from the image HDU's header (with the primary header
/// as fallback for cards an extension does not repeat, e.g. DATE-OBS or TELESCOP).
pub fn fill_from_header(
    rec: &mut ImageRecord,
    layout: &Layout,
    hdu: &Hdu,
    plane: &ImagePlane,
    file_name: &str,
    mtime: DateTime<Utc>,
) {
    let h = &hdu.header;
    let primary = &layout.hdus[0].header;
    let get_str = |k: &str| h.str(k).or_else(|| primary.str(k)).map(str::to_string);
    let get_f64 = |k: &str| h.f64(k).or_else(|| primary.f64(k));

    rec.hdu = Some(plane.hdu as u32);
    rec.shape = plane.shape.clone();
    rec.bitpix = Some(plane.bitpix);
    rec.kind = naming::product_type(file_name).to_string();
    rec.pbcor = rec.kind == "pbcor";
    rec.group_id = naming::name_timestamp(file_name).map(|(g, _)| g);
    rec.field_name = get_str("OBJECT")
        .or_else(|| get_str("FIELD"))
        .or_else(|| get_str("FIELDNAM"));
    rec.telescope = get_str("TELESCOP");
    rec.bunit = get_str("BUNIT");
    rec.imsize_x = Some(plane.shape[0]);
    rec.imsize_y = Some(plane.shape[1]);
    rec.integration_sec = ["EXPTIME", "INTTIME", "EXPOSURE", "TELAPSE"]
        .iter()
        .find_map(|k| get_f64(k))
        .filter(|v| *v > 0.0);

    // Beam: BMAJ/BMIN/BPA in degrees, else the last AIPS CLEAN history card.
    let beam = match (get_f64("BMAJ"), get_f64("BMIN")) {
        (Some(a), Some(b)) if a > 0.0 && b > 0.0 => Some((a, b, get_f64("BPA"))),
        _ => aips_beam(h).or_else(|| aips_beam(primary)),
    };
    if let Some((a, b, pa)) = beam {
        rec.beam_major_arcsec = Some(a * 3600.0);
        rec.beam_minor_arcsec = Some(b * 3600.0);
        rec.beam_pa_deg = pa;
    }

    // Centre through the full WCS.
    match Wcs::from_header(h, plane.shape.len()) {
        Ok(wcs) => {
            let (lon, lat) = wcs.axes();
            let centre = |ax: usize| {
                plane
                    .shape
                    .get(ax)
                    .map(|&n| (n as f64 + 1.0) / 2.0)
                    .unwrap_or(1.0)
            };
            let (px, py) = (centre(lon), centre(lat));
            // pix_to_sky takes (lon pixel, lat pixel); for the usual axis order that is (x, y).
            if let Some((ra, dec)) = wcs.pix_to_sky(px, py) {
                // Rounded to 1e-10 deg (0.4 micro-arcsec): float noise below that is not data.
                rec.center_ra_deg = Some(round_to(ra, 1e10));
                rec.center_dec_deg = Some(round_to(dec, 1e10));
            } else {
                rec.warnings
                    .push("centre pixel is outside the projection's domain".into());
            }
            rec.cellsize_arcsec = Some(wcs.cell_arcsec());
            rec.projection = Some(wcs.code.clone());
        }
        Err(e) => rec.warnings.push(format!("WCS: {e}")),
    }

    // Frequency: the FREQ axis' value at the first plane, else RESTFRQ/RESTFREQ.
    let naxis_all = h
        .i64("NAXIS")
        .unwrap_or(0)
        .max(plane.shape.len() as i64)
        .max(4);
    let mut freq = None;
    for i in 1..=naxis_all {
        let Some(ct) = h.str(&format!("CTYPE{i}")) else {
            continue;
        };
        if ct.to_ascii_uppercase().starts_with("FREQ") {
            let scale = unit_hz(h.str(&format!("CUNIT{i}")));
            let crval = h.f64(&format!("CRVAL{i}"));
            let cdelt = h.f64(&format!("CDELT{i}")).unwrap_or(0.0);
            let crpix = h.f64(&format!("CRPIX{i}")).unwrap_or(1.0);
            if let Some(v) = crval {
                freq = Some((v + (1.0 - crpix) * cdelt) * scale);
                if cdelt != 0.0 {
                    rec.bandwidth_mhz = Some(cdelt.abs() * scale / 1e6);
                }
            }
            break;
        }
    }
    let freq = freq
        .or_else(|| get_f64("RESTFRQ"))
        .or_else(|| get_f64("RESTFREQ"));
    rec.freq_ghz = freq.filter(|f| *f > 0.0).map(|f| f / 1e9);

    // Time: DATE-OBS (+TIMESYS), else MJD-OBS, else the name, else mtime.
    let header_time = get_str("DATE-OBS")
        .and_then(|s| parse_date_obs(&s))
        .map(|t| {
            let timesys = get_str("TIMESYS").unwrap_or_default().to_ascii_uppercase();
            t - chrono::Duration::milliseconds(timesys_offset_ms(&timesys))
        })
        .or_else(|| get_f64("MJD-OBS").and_then(mjd_to_datetime));
    let (time, source) = if let Some(t) = header_time {
        (t, "header")
    } else if let Some((_, t)) = naming::name_timestamp(file_name) {
        (t.and_utc(), "filename")
    } else {
        rec.warnings
            .push("no DATE-OBS and no timestamp in the name: time is the file's mtime".into());
        (mtime, "mtime")
    };
    rec.date_obs = Some(iso(time));
    rec.mjd = Some(datetime_to_mjd(time));
    rec.time_source = source.to_string();
}

fn round_to(v: f64, scale: f64) -> f64 {
    (v * scale).round() / scale + 0.0
}

/// `AIPS   CLEAN BMAJ=  2.2222E-02 BMIN=  2.2222E-02 BPA=   0.00` (degrees), last one wins.
fn aips_beam(h: &Header) -> Option<(f64, f64, Option<f64>)> {
    let mut found = None;
    for text in h.history() {
        let up = text.to_ascii_uppercase();
        if !up.contains("BMAJ=") {
            continue;
        }
        let num = |key: &str| -> Option<f64> {
            let at = up.find(key)? + key.len();
            let tail = up[at..].trim_start();
            let end = tail
                .find(|c: char| !(c.is_ascii_digit() || "+-.ED".contains(c)))
                .unwrap_or(tail.len());
            tail[..end].replace('D', "E").parse().ok()
        };
        if let (Some(a), Some(b)) = (num("BMAJ="), num("BMIN=")) {
            if a > 0.0 && b > 0.0 {
                found = Some((a, b, num("BPA=")));
            }
        }
    }
    found
}

fn unit_hz(unit: Option<&str>) -> f64 {
    match unit.map(|u| u.trim().to_ascii_lowercase()).as_deref() {
        Some("ghz") => 1e9,
        Some("mhz") => 1e6,
        Some("khz") => 1e3,
        _ => 1.0,
    }
}

/// TT and TAI -> UTC (offsets valid since 2017; older dates are off by whole leap seconds,
/// which does not matter for a monitor).
fn timesys_offset_ms(timesys: &str) -> i64 {
    match timesys {
        "TAI" => 37_000,
        "TT" | "TDT" | "ET" => 69_184,
        _ => 0,
    }
}

/// Parses DATE-OBS in its ISO forms (with or without time and fraction) and the old DD/MM/YY.
pub fn parse_date_obs(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim().trim_end_matches('Z');
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S%.f",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(t.and_utc());
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    }
    // Pre-2000 form DD/MM/YY (years 19YY).
    let parts: Vec<&str> = s.split('/').collect();
    if let [d, m, y] = parts.as_slice() {
        let (d, m, y): (u32, u32, i32) = (d.parse().ok()?, m.parse().ok()?, y.parse().ok()?);
        return NaiveDate::from_ymd_opt(1900 + y, m, d)?
            .and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc());
    }
    None
}

/// MJD = Unix seconds / 86400 + 40587.
pub fn datetime_to_mjd(t: DateTime<Utc>) -> f64 {
    t.timestamp_millis() as f64 / 86_400_000.0 + 40_587.0
}

/// The inverse of [`datetime_to_mjd`].
pub fn mjd_to_datetime(mjd: f64) -> Option<DateTime<Utc>> {
    if !(0.0..1.0e6).contains(&mjd) {
        return None;
    }
    DateTime::from_timestamp_millis(((mjd - 40_587.0) * 86_400_000.0).round() as i64)
}

/// ISO 8601 UTC with millisecond precision when there is a fraction.
pub fn iso(t: DateTime<Utc>) -> String {
    if t.timestamp_subsec_millis() == 0 {
        t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
    } else {
        t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
    }
}

/// FNV-1a over the raw header cards: a cheap fingerprint to notice a rewritten header.
pub fn header_hash(layout: &Layout) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for hdu in &layout.hdus {
        for c in &hdu.header.cards {
            for b in c.raw.bytes().chain(std::iter::once(b'\n')) {
                h ^= b as u64;
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let t = parse_date_obs("2025-10-28T13:30:07.5").unwrap();
        assert_eq!(iso(t), "2025-10-28T13:30:07.500Z");
        assert_eq!(
            iso(parse_date_obs("1998-10-28").unwrap()),
            "1998-10-28T00:00:00Z"
        );
        assert_eq!(
            iso(parse_date_obs("28/10/98").unwrap()),
            "1998-10-28T00:00:00Z"
        );
        assert!(parse_date_obs("yesterday").is_none());
        let mjd = datetime_to_mjd(parse_date_obs("2000-01-01T00:00:00").unwrap());
        assert!((mjd - 51544.0).abs() < 1e-9);
    }

    #[test]
    fn aips_history_beam() {
        let mut b = [b' '; 80];
        let s = b"HISTORY AIPS   CLEAN BMAJ=  1.2500E-02 BMIN=  1.0000E-02 BPA=  45.00";
        b[..s.len()].copy_from_slice(s);
        let h = Header {
            cards: vec![super::super::header::parse_card(&b)],
        };
        assert_eq!(aips_beam(&h), Some((1.25e-2, 1.0e-2, Some(45.0))));
    }
}
