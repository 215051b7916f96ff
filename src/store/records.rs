//! The records obsmon stores. Field names are the JSON names and mirror the original pipeline's
//! columns, which operators already query: renaming one is a breaking change.

use serde::{Deserialize, Serialize};

/// One indexed image (one FITS file). A value the file does not give is `None` (JSON `null`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImageRecord {
    /// Stable id, assigned when the path is first indexed.
    pub id: u64,
    /// Absolute path as discovered.
    pub path: String,
    /// Bytes on disk.
    pub file_size: u64,
    /// Modification time, ISO 8601 UTC.
    pub mtime: String,
    /// 0-based HDU holding the image (0 = primary).
    pub hdu: Option<u32>,
    /// Axis lengths, NAXIS1 first.
    pub shape: Vec<u64>,
    /// BITPIX of the image (ZBITPIX for tile-compressed images).
    pub bitpix: Option<i32>,
    /// Product type: image, pbcor, residual, psf, model, dirty, pb, mosaic, beam, rms, bkg, unknown.
    #[serde(rename = "type")]
    pub kind: String,
    /// Primary-beam corrected.
    pub pbcor: bool,
    /// The pipeline run (ISO timestamp that starts DSA-110 names).
    pub group_id: Option<String>,
    /// OBJECT (or FIELD) card.
    pub field_name: Option<String>,
    /// TELESCOP card.
    pub telescope: Option<String>,
    /// BUNIT card.
    pub bunit: Option<String>,
    /// Restoring beam FWHM major axis, arcsec.
    pub beam_major_arcsec: Option<f64>,
    /// Restoring beam FWHM minor axis, arcsec.
    pub beam_minor_arcsec: Option<f64>,
    /// Restoring beam position angle, degrees east of north.
    pub beam_pa_deg: Option<f64>,
    /// RA of the central pixel through the full WCS, degrees (J2000 for galactic images).
    pub center_ra_deg: Option<f64>,
    /// Dec of the central pixel, degrees.
    pub center_dec_deg: Option<f64>,
    /// NAXIS1.
    pub imsize_x: Option<u64>,
    /// NAXIS2.
    pub imsize_y: Option<u64>,
    /// Pixel size, arcsec (geometric mean of the axes).
    pub cellsize_arcsec: Option<f64>,
    /// Projection code (SIN, TAN, NCP, ...).
    pub projection: Option<String>,
    /// Frequency of the analysed plane, GHz.
    pub freq_ghz: Option<f64>,
    /// Width of the frequency axis' pixel, MHz.
    pub bandwidth_mhz: Option<f64>,
    /// Observation start, ISO 8601 UTC.
    pub date_obs: Option<String>,
    /// Modified Julian Date of `date_obs`.
    pub mjd: Option<f64>,
    /// Where the time came from: `header`, `filename` or `mtime`.
    pub time_source: String,
    /// Integration time, seconds (EXPTIME, INTTIME or EXPOSURE).
    pub integration_sec: Option<f64>,
    /// Robust noise, Jy/beam (see `analysis::stats`).
    pub noise_jy: Option<f64>,
    /// Median of finite pixels after clipping, Jy/beam.
    pub median_jy: Option<f64>,
    /// Maximum finite pixel.
    pub peak_jy: Option<f64>,
    /// Minimum finite pixel.
    pub min_jy: Option<f64>,
    /// peak / noise.
    pub dynamic_range: Option<f64>,
    /// Fraction of pixels in the plane that are NaN or BLANK.
    pub nan_fraction: Option<f64>,
    /// `indexed` or `missing`.
    pub state: String,
    /// When the file was first seen gone, ISO 8601 UTC.
    pub missing_since: Option<String>,
    /// When this row was written, ISO 8601 UTC.
    pub indexed_at: String,
    /// Wall time to index the file, ms.
    pub index_ms: f64,
    /// Number of detections stored for this image (science images only).
    pub n_sources: Option<u32>,
    /// Notes on fields that could not be filled (unsupported projection and the like).
    pub warnings: Vec<String>,
    /// mtime in nanoseconds since the epoch; with `file_size` and `header_hash`, the change key.
    pub mtime_ns: i64,
    /// Hash of the header cards (FNV-1a), to see a rewritten header with equal size and mtime.
    pub header_hash: u64,
}

/// Job states: one vocabulary everywhere (DESIGN.md item 11).
pub const JOB_STATES: &[&str] = &[
    "queued",
    "running",
    "done",
    "failed",
    "incomplete",
    "skipped",
];

/// One attempt (or a series of attempts) to index one file. The job row of a path is reused on
/// each attempt, so `attempts` counts them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct JobRecord {
    /// Stable id.
    pub id: u64,
    /// The file.
    pub path: String,
    /// queued, running, done, failed, incomplete, skipped.
    pub state: String,
    /// Why it failed, is incomplete or was skipped (the raw text).
    pub reason: Option<String>,
    /// How many times indexing was tried.
    pub attempts: u32,
    /// ISO 8601 UTC.
    pub queued_at: Option<String>,
    /// ISO 8601 UTC.
    pub started_at: Option<String>,
    /// ISO 8601 UTC.
    pub finished_at: Option<String>,
    /// Wall time of the last attempt, ms.
    pub duration_ms: Option<f64>,
    /// File size when last tried, to retry an incomplete or failed file only when it changes.
    pub file_size: u64,
    /// mtime (ns) when last tried.
    pub mtime_ns: i64,
}

/// One measurement of one source in one image (the original's `photometry`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    /// Stable id.
    pub id: u64,
    /// The image.
    pub image_id: u64,
    /// The sky source it was associated with.
    pub source_id: u64,
    /// Position, degrees.
    pub ra_deg: f64,
    /// Position, degrees.
    pub dec_deg: f64,
    /// 1-sigma error in RA (great-circle arcsec), statistical (Condon 1997).
    pub ra_err_arcsec: f64,
    /// 1-sigma error in Dec, arcsec.
    pub dec_err_arcsec: f64,
    /// 0-based pixel position.
    pub x_pix: f64,
    /// 0-based pixel position.
    pub y_pix: f64,
    /// Fitted peak, Jy/beam.
    pub peak_jy: f64,
    /// Its error.
    pub peak_err_jy: f64,
    /// Integrated flux, Jy.
    pub flux_jy: f64,
    /// Its error.
    pub flux_err_jy: f64,
    /// Fitted FWHM major axis (convolved with the beam), arcsec.
    pub a_arcsec: f64,
    /// Fitted FWHM minor axis, arcsec.
    pub b_arcsec: f64,
    /// Position angle of the major axis, degrees east of north.
    pub pa_deg: f64,
    /// Local background rms, Jy/beam.
    pub local_rms_jy: f64,
    /// peak / local rms.
    pub snr: f64,
    /// MJD of the image.
    pub mjd: f64,
    /// A forced measurement at a known source's position (not found by the finder).
    pub forced: bool,
    /// Bits: 1 edge, 2 blended, 4 fit failed, 8 NaN nearby, 16 island capped,
    /// 32 ambiguous association.
    pub flags: u32,
}

/// The same object across images, built by association.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SkySource {
    /// Stable id.
    pub id: u64,
    /// IAU-style name from the first position, `Jhhmmss.s+ddmmss`.
    pub name: String,
    /// Weighted mean position, degrees.
    pub ra_deg: f64,
    /// Weighted mean position, degrees.
    pub dec_deg: f64,
    /// Error of the mean, arcsec.
    pub ra_err_arcsec: f64,
    /// Error of the mean, arcsec.
    pub dec_err_arcsec: f64,
    /// Detections by the finder.
    pub n_detections: u32,
    /// Forced measurements.
    pub n_forced: u32,
    /// First detection.
    pub first_detected_mjd: f64,
    /// Last detection.
    pub last_detected_mjd: f64,
    /// Mean peak flux over all measurements, Jy.
    pub mean_flux_jy: f64,
    /// Largest measured peak flux.
    pub max_flux_jy: f64,
    /// Smallest measured peak flux.
    pub min_flux_jy: f64,
    /// Coefficient of variation std(S) / mean(S).
    pub v: f64,
    /// Reduced weighted chi-square about the weighted mean.
    pub eta: f64,
    /// At least the configured number of epochs and eta or V above threshold.
    pub is_variable: bool,
    /// 32 when an association was ambiguous (one-to-many or many-to-one).
    pub flags: u32,
    /// Running sums (internal; O(1) updates).
    pub sums: SourceSums,
}

/// Running sums of a sky source: positions (detections) and fluxes (all measurements).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceSums {
    /// Reference position (the first detection), degrees.
    pub ref_ra: f64,
    /// Reference position, degrees.
    pub ref_dec: f64,
    /// Sum of 1/sigma_ra^2 (arcsec^-2).
    pub w_ra: f64,
    /// Sum of w * (ra - ref) * cos(dec) (arcsec units).
    pub w_dra: f64,
    /// Sum of 1/sigma_dec^2.
    pub w_dec: f64,
    /// Sum of w * (dec - ref).
    pub w_ddec: f64,
    /// Flux measurements.
    pub n: u32,
    /// Sum of weights 1/sigma_S^2.
    pub sw: f64,
    /// Sum of w S.
    pub sws: f64,
    /// Sum of w S^2.
    pub sws2: f64,
    /// Sum of S.
    pub ss: f64,
    /// Sum of S^2.
    pub ss2: f64,
    /// HEALPix cell (depth 12) the source is indexed under.
    pub cell: u64,
}
