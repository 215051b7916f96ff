//! Indexing one file: structure check, header metadata, pixel statistics. Pure with respect to the
//! store: returns an [`Outcome`] that the caller commits.

use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::time::Instant;

use chrono::{DateTime, Utc};

use crate::analysis::stats;
use crate::fits::wcs::Wcs;
use crate::fits::{self, meta, naming, read, FitsError};
use crate::sky::measure::{self, ImageFrame, SkyBeam};
use crate::sky::SourceParams;
use crate::store::records::Detection;
use crate::store::records::{ImageRecord, JobRecord};
use crate::store::{FileState, FileStatus, Outcome, Store};

/// What a worker does with each file.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Read pixels for statistics (off with `--no-pixels`).
    pub pixels: bool,
    /// Refuse planes larger than this many pixels (memory guard for compressed files, whose
    /// decompressed size the file size does not bound).
    pub max_plane_pixels: u64,
    /// Find sources in science images (and take forced measurements of known ones).
    pub sources: bool,
    /// Finder and association parameters.
    pub params: SourceParams,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions {
            pixels: true,
            max_plane_pixels: 1 << 30,
            sources: true,
            params: SourceParams::default(),
        }
    }
}

/// Indexes one file. Never panics: a panic inside (a bug) becomes a failed job naming it.
/// With a store, known sources in the image's footprint get forced measurements.
pub fn index_file(
    path: &Path,
    opts: &WorkerOptions,
    queued_at: Option<DateTime<Utc>>,
    store: Option<&Store>,
) -> Outcome {
    let started = Utc::now();
    let t0 = Instant::now();
    let path_str = path.to_string_lossy().into_owned();
    let result = catch_unwind(AssertUnwindSafe(|| index_inner(path, opts, store)));
    let elapsed_ms = t0.elapsed().as_secs_f64() * 1000.0;
    let finished = Utc::now();
    let mut found = Found::default();
    let (state, reason, image, size, mtime_ns) = match result {
        Ok(Ok((mut rec, f, size, mtime_ns))) => {
            rec.index_ms = (elapsed_ms * 1000.0).round() / 1000.0;
            rec.indexed_at = meta::iso(finished);
            found = f;
            ("done", None, Some(rec), size, mtime_ns)
        }
        Ok(Err((e, size, mtime_ns))) => {
            let state = classify(&e);
            (state, Some(e.to_string()), None, size, mtime_ns)
        }
        Err(panic) => {
            let msg = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("unknown panic");
            tracing::error!(path = %path_str, "internal error while indexing: {msg}");
            ("failed", Some(format!("internal error: {msg}")), None, 0, 0)
        }
    };
    let status = match state {
        "done" => FileStatus::Indexed,
        "incomplete" => FileStatus::Incomplete,
        "skipped" => FileStatus::Skipped,
        _ => FileStatus::Failed,
    };
    Outcome {
        path: path_str.clone(),
        job: Some(JobRecord {
            id: 0,
            path: path_str,
            state: state.to_string(),
            reason,
            attempts: 0,
            queued_at: Some(meta::iso(queued_at.unwrap_or(started))),
            started_at: Some(meta::iso(started)),
            finished_at: Some(meta::iso(finished)),
            duration_ms: Some((elapsed_ms * 1000.0).round() / 1000.0),
            file_size: size,
            mtime_ns,
        }),
        image,
        file: FileState {
            size,
            mtime_ns,
            status,
        },
        detections: found.detections,
        forced: found.forced,
        beam_major_arcsec: found.beam_major_arcsec,
    }
}

/// Sources found in one image, before association.
#[derive(Debug, Default)]
struct Found {
    detections: Vec<Detection>,
    forced: Vec<(u64, Detection)>,
    beam_major_arcsec: Option<f64>,
}

/// The job state for an error.
pub fn classify(e: &FitsError) -> &'static str {
    match e {
        e if e.is_incomplete() => "incomplete",
        e if e.is_skip() => "skipped",
        FitsError::Io(io) if io.kind() == io::ErrorKind::NotFound => "skipped",
        _ => "failed",
    }
}

type Inner = Result<(ImageRecord, Found, u64, i64), (FitsError, u64, i64)>;

fn index_inner(path: &Path, opts: &WorkerOptions, store: Option<&Store>) -> Inner {
    let md = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err((
                FitsError::Io(io::Error::new(
                    io::ErrorKind::NotFound,
                    "file vanished before it could be read",
                )),
                0,
                0,
            ))
        }
        Err(e) => return Err((e.into(), 0, 0)),
    };
    let size = md.len();
    let mtime_ns = super::scan::mtime_ns(&md);
    let fail = |e: FitsError| (e, size, mtime_ns);
    let scanned = fits::scan(path).map_err(|e| {
        fail(match e {
            FitsError::Io(io) if io.kind() == io::ErrorKind::NotFound => {
                FitsError::Io(io::Error::new(
                    io::ErrorKind::NotFound,
                    "file vanished before it could be read",
                ))
            }
            other => other,
        })
    })?;
    let (hdu, plane) = meta::find_image(&scanned.layout).map_err(fail)?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mtime = DateTime::from_timestamp_nanos(mtime_ns);
    let mut rec = ImageRecord {
        path: path.to_string_lossy().into_owned(),
        file_size: size,
        mtime: meta::iso(mtime),
        state: "indexed".into(),
        mtime_ns,
        header_hash: meta::header_hash(&scanned.layout),
        ..Default::default()
    };
    meta::fill_from_header(&mut rec, &scanned.layout, hdu, &plane, &file_name, mtime);
    if opts.pixels && naming::wants_stats(&rec.kind) {
        if plane.plane_pixels() > opts.max_plane_pixels {
            return Err(fail(FitsError::BadHeader(format!(
                "plane of {} x {} pixels exceeds the limit of {} pixels",
                plane.shape[0], plane.shape[1], opts.max_plane_pixels
            ))));
        }
        let px = read::read_plane(path, &plane).map_err(fail)?;
        let s = stats::plane_stats(&px.data);
        rec.noise_jy = s.noise;
        rec.median_jy = s.median;
        rec.peak_jy = s.peak;
        rec.min_jy = s.min;
        rec.dynamic_range = s.dynamic_range();
        rec.nan_fraction = Some(s.nan_fraction);
        if opts.sources && naming::is_science(&rec.kind) {
            let found = find_sources(&mut rec, hdu, &plane, &px, opts, store);
            return Ok((rec, found, size, mtime_ns));
        }
    }
    Ok((rec, Found::default(), size, mtime_ns))
}

/// Runs the finder (and forced measurements) when the image has a beam and a celestial WCS.
fn find_sources(
    rec: &mut ImageRecord,
    hdu: &fits::Hdu,
    plane: &meta::ImagePlane,
    px: &read::Plane,
    opts: &WorkerOptions,
    store: Option<&Store>,
) -> Found {
    let (Some(a), Some(b)) = (rec.beam_major_arcsec, rec.beam_minor_arcsec) else {
        rec.warnings.push("no beam: source finding skipped".into());
        return Found::default();
    };
    let Ok(wcs) = Wcs::from_header(&hdu.header, plane.shape.len()) else {
        rec.warnings
            .push("no celestial WCS: source finding skipped".into());
        return Found::default();
    };
    let frame = ImageFrame {
        wcs: &wcs,
        beam: SkyBeam {
            major_arcsec: a,
            minor_arcsec: b,
            pa_deg: rec.beam_pa_deg.unwrap_or(0.0),
        },
        mjd: rec.mjd.unwrap_or(0.0),
    };
    let Some(m) = measure::find_sources(px, &frame, &opts.params) else {
        rec.warnings
            .push("beam outside the projection: source finding skipped".into());
        return Found::default();
    };
    if m.capped {
        rec.warnings.push(format!(
            "source cap reached: only the first {} components kept",
            opts.params.finder.max_components
        ));
    }
    rec.n_sources = Some(m.detections.len() as u32);
    let mut forced = Vec::new();
    if let (Some(store), Some(ra), Some(dec), Some(cell)) = (
        store,
        rec.center_ra_deg,
        rec.center_dec_deg,
        rec.cellsize_arcsec,
    ) {
        let half_diag = (px.nx as f64).hypot(px.ny as f64) / 2.0 * cell / 3600.0;
        let known = store
            .sources_for_forced(ra, dec, half_diag, opts.params.forced_min_detections)
            .unwrap_or_default();
        // Only sources the finder did not find here need a forced measurement (association
        // would discard the others): skip those with a detection within one beam.
        let radius_deg = a / 3600.0;
        for (sid, sra, sdec) in known {
            let detected = m.detections.iter().any(|d| {
                (d.dec_deg - sdec).abs() <= radius_deg
                    && crate::fits::wcs::separation_deg(d.ra_deg, d.dec_deg, sra, sdec)
                        <= radius_deg
            });
            if detected {
                continue;
            }
            if let Some(d) = measure::forced(px, &m.background, &frame, sra, sdec) {
                forced.push((sid, d));
            }
        }
    }
    Found {
        detections: m.detections,
        forced,
        beam_major_arcsec: Some(a),
    }
}
