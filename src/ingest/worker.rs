//! Indexing one file: structure check, header metadata, pixel statistics. Pure with respect to the
//! store: returns an [`Outcome`] that the caller commits.

use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::time::Instant;

use chrono::{DateTime, Utc};

use crate::analysis::stats;
use crate::fits::{self, meta, naming, read, FitsError};
use crate::store::records::{ImageRecord, JobRecord};
use crate::store::{FileState, FileStatus, Outcome};

/// What a worker does with each file.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Read pixels for statistics (off with `--no-pixels`).
    pub pixels: bool,
    /// Refuse planes larger than this many pixels (memory guard for compressed files, whose
    /// decompressed size the file size does not bound).
    pub max_plane_pixels: u64,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions {
            pixels: true,
            max_plane_pixels: 1 << 30,
        }
    }
}

/// Indexes one file. Never panics: a panic inside (a bug) becomes a failed job naming it.
pub fn index_file(path: &Path, opts: &WorkerOptions, queued_at: Option<DateTime<Utc>>) -> Outcome {
    let started = Utc::now();
    let t0 = Instant::now();
    let path_str = path.to_string_lossy().into_owned();
    let result = catch_unwind(AssertUnwindSafe(|| index_inner(path, opts)));
    let elapsed_ms = t0.elapsed().as_secs_f64() * 1000.0;
    let finished = Utc::now();
    let (state, reason, image, size, mtime_ns) = match result {
        Ok(Ok((mut rec, size, mtime_ns))) => {
            rec.index_ms = (elapsed_ms * 1000.0).round() / 1000.0;
            rec.indexed_at = meta::iso(finished);
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
    }
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

type Inner = Result<(ImageRecord, u64, i64), (FitsError, u64, i64)>;

fn index_inner(path: &Path, opts: &WorkerOptions) -> Inner {
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
    }
    Ok((rec, size, mtime_ns))
}
