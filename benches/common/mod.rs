//! Helpers shared by the benchmarks.
#![allow(dead_code)]

use std::path::Path;

use obsmon::store::records::{Detection, ImageRecord, JobRecord};
use obsmon::store::{FileState, FileStatus, Outcome, Store};

/// The value after `--name` on the command line, or `default`.
pub fn arg<T: std::str::FromStr>(name: &str, default: T) -> T {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Is `--name` on the command line?
pub fn flag(name: &str) -> bool {
    std::env::args().any(|a| a == name)
}

/// The median of some figures.
pub fn median(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    s[s.len() / 2]
}

/// Builds a database of `n_images` DSA-110-like image rows 5 minutes apart from `first_unix`
/// (metadata as the synthetic sky's headers give it, noise and dynamic range varying), each with
/// its done job, and `n_sources` sky sources from 50 detections in each of the first images.
pub fn build(db: &Path, n_images: usize, n_sources: usize, first_unix: i64) {
    let store = Store::open(db).unwrap();
    let per_image = 50usize;
    let with_sources = n_sources.div_ceil(per_image);
    let mut batch = Vec::new();
    for i in 0..n_images {
        let t = first_unix + i as i64 * 300;
        // A low-discrepancy spread of quality, so sorts by noise or DR mean something.
        let q = (i as f64 * 0.618_033_988_7).fract();
        let dt = chrono::DateTime::from_timestamp(t, 0).unwrap();
        let group = dt.format("%Y-%m-%dT%H:%M:%S").to_string();
        let path = format!("/stage/images/{group}.img-image.fits");
        let mjd = t as f64 / 86_400.0 + 40_587.0;
        let detections: Vec<Detection> = if i < with_sources {
            (0..per_image)
                .map(|k| {
                    let n = i * per_image + k;
                    Detection {
                        ra_deg: (n % 3600) as f64 * 0.1,
                        dec_deg: -60.0 + (n / 3600) as f64 * 0.1,
                        ra_err_arcsec: 0.5,
                        dec_err_arcsec: 0.5,
                        peak_jy: 0.01,
                        peak_err_jy: 0.001,
                        flux_jy: 0.01,
                        flux_err_jy: 0.001,
                        snr: 10.0,
                        mjd,
                        ..Default::default()
                    }
                })
                .collect()
        } else {
            Vec::new()
        };
        batch.push(Outcome {
            path: path.clone(),
            job: Some(JobRecord {
                path: path.clone(),
                state: "done".into(),
                attempts: 1,
                finished_at: Some(obsmon::fits::meta::iso(dt)),
                mtime_ns: t * 1_000_000_000,
                ..Default::default()
            }),
            image: Some(ImageRecord {
                path,
                file_size: 101_606_400,
                mtime: obsmon::fits::meta::iso(dt),
                mtime_ns: t * 1_000_000_000,
                shape: vec![5040, 5040, 1, 1],
                bitpix: Some(-32),
                kind: "image".into(),
                group_id: Some(group.clone()),
                field_name: Some("DSA110".into()),
                telescope: Some("DSA-110".into()),
                beam_major_arcsec: Some(12.0),
                beam_minor_arcsec: Some(11.0),
                center_ra_deg: Some(150.0),
                center_dec_deg: Some(37.2),
                freq_ghz: Some(1.405),
                date_obs: Some(obsmon::fits::meta::iso(dt)),
                mjd: Some(mjd),
                time_source: "header".into(),
                noise_jy: Some(0.00095 * (0.9 + 0.3 * q)),
                peak_jy: Some(1.0),
                dynamic_range: Some(1.0 / (0.00095 * (0.9 + 0.3 * q))),
                state: "indexed".into(),
                indexed_at: obsmon::fits::meta::iso(dt),
                n_sources: (i < with_sources).then_some(0),
                ..Default::default()
            }),
            file: FileState {
                size: 101_606_400,
                mtime_ns: t * 1_000_000_000,
                status: FileStatus::Indexed,
            },
            detections,
            forced: Vec::new(),
            beam_major_arcsec: Some(12.0),
        });
        if batch.len() >= 1000 {
            store.commit_outcomes(&mut batch).unwrap();
            batch.clear();
        }
    }
    store.commit_outcomes(&mut batch).unwrap();
}
