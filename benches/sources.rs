//! Source finding and association cost.
//!
//! `cargo bench --bench sources [-- --runs 5 --images 10000]`:
//! 1. finder time per image (read excluded) on a synthetic 2048 px and 5040 px image, in process;
//! 2. whole-index throughput with and without sources on target/bench-data (made by the index
//!    benchmark, or here) through the release binary;
//! 3. association (commit) time per image of one field as the archive grows from 10 to N images.

mod common;
use common::*;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use obsmon::fits::meta;
use obsmon::fits::read::Plane;
use obsmon::fits::wcs::Wcs;
use obsmon::fits::{self};
use obsmon::sky::measure::{self, ImageFrame, SkyBeam};
use obsmon::sky::SourceParams;
use obsmon::store::records::{Detection, ImageRecord, JobRecord};
use obsmon::store::{FileState, FileStatus, Outcome, Store};
use obsmon::synth::{Sky, SkyConfig};

fn main() {
    let runs = arg("--runs", 5);
    let n_images = arg("--images", 10_000);

    for (size, n_src) in [(2048usize, 300usize), (5040, 1000)] {
        let sky = Sky::new(SkyConfig {
            size,
            n_sources: n_src,
            ..Default::default()
        });
        let tmp = tempfile::tempdir().unwrap();
        let path = sky.write_epoch(tmp.path(), 0).unwrap();
        let scanned = fits::scan(&path).unwrap();
        let (hdu, plane) = meta::find_image(&scanned.layout).unwrap();
        let px: Plane = fits::read::read_plane(&path, &plane).unwrap();
        let wcs = Wcs::from_header(&hdu.header, plane.shape.len()).unwrap();
        let frame = ImageFrame {
            wcs: &wcs,
            beam: SkyBeam {
                major_arcsec: 12.0,
                minor_arcsec: 11.0,
                pa_deg: 0.0,
            },
            mjd: 60000.0,
        };
        let mut times = Vec::new();
        let mut found = 0;
        for _ in 0..runs {
            let t0 = Instant::now();
            let m = measure::find_sources(&px, &frame, &SourceParams::default()).unwrap();
            times.push(t0.elapsed().as_secs_f64() * 1000.0);
            found = m.detections.len();
        }
        println!(
            "finder {size} px ({n_src} injected, {found} found): median {:.1} ms per image",
            median(&times)
        );
    }

    let mixed =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/index-20x2048-5x5040");
    if mixed.join(".complete").exists() {
        for flag in ["--no-sources", ""] {
            let mut t = Vec::new();
            for _ in 0..runs {
                let tmp = tempfile::tempdir().unwrap();
                let t0 = Instant::now();
                let mut c = Command::new(env!("CARGO_BIN_EXE_obsmon"));
                c.arg("index")
                    .arg(&mixed)
                    .arg("--db")
                    .arg(tmp.path().join("b.redb"));
                if !flag.is_empty() {
                    c.arg(flag);
                }
                assert!(c.status().unwrap().code().is_some());
                t.push(t0.elapsed().as_secs_f64());
            }
            let m = median(&t);
            println!(
                "index 20x2048 + 5x5040 px {}: median {:.2} s = {:.1} images/s, {:.0} MB/s",
                if flag.is_empty() {
                    "with sources"
                } else {
                    "without sources"
                },
                m,
                25.0 / m,
                843.6 / m
            );
        }
    } else {
        println!("(run `cargo bench --bench index` first for the throughput figures)");
    }

    // Association as the archive of one field grows.
    let tmp = tempfile::tempdir().unwrap();
    let store = Store::open(&tmp.path().join("assoc.redb")).unwrap();
    let sky = Sky::new(SkyConfig {
        size: 512,
        n_sources: 30,
        ..Default::default()
    });
    let mut per_image = Vec::with_capacity(n_images);
    for e in 0..n_images {
        let mjd = 60000.0 + e as f64 / 288.0;
        let dets: Vec<Detection> = sky
            .sources
            .iter()
            .enumerate()
            .map(|(i, s)| {
                // Deterministic jitter of a few tenths of an arcsec.
                let j = (((e * 31 + i * 17) % 11) as f64 - 5.0) * 0.05 / 3600.0;
                Detection {
                    ra_deg: s.ra_deg + j,
                    dec_deg: s.dec_deg - j,
                    ra_err_arcsec: 0.3,
                    dec_err_arcsec: 0.3,
                    peak_jy: s.mean_flux_jy,
                    peak_err_jy: 1e-3,
                    flux_jy: s.mean_flux_jy,
                    flux_err_jy: 1e-3,
                    mjd,
                    ..Default::default()
                }
            })
            .collect();
        let path = format!("/bench/{e:06}-image.fits");
        let mut o = vec![Outcome {
            path: path.clone(),
            job: Some(JobRecord {
                path: path.clone(),
                state: "done".into(),
                ..Default::default()
            }),
            image: Some(ImageRecord {
                path,
                mjd: Some(mjd),
                kind: "image".into(),
                state: "indexed".into(),
                n_sources: Some(0),
                ..Default::default()
            }),
            file: FileState {
                size: 1,
                mtime_ns: e as i64,
                status: FileStatus::Indexed,
            },
            detections: dets,
            forced: Vec::new(),
            beam_major_arcsec: Some(12.0),
        }];
        let t0 = Instant::now();
        store.commit_outcomes(&mut o).unwrap();
        per_image.push(t0.elapsed().as_secs_f64() * 1000.0);
    }
    let window = 100.min(n_images / 2).max(1);
    let first = &per_image[10.min(n_images - 1)..(10 + window).min(n_images)];
    let last = &per_image[n_images - window..];
    println!(
        "association + commit of 30 detections per image, one field: images 10-{}: median {:.2} ms; \
         last {window} of {n_images}: median {:.2} ms",
        10 + window,
        median(first),
        median(last)
    );
}
