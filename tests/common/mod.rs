//! Helpers shared by the integration tests: FITS files written byte by byte, the binary, samples.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use obsmon::fits::write::{pad_to_block, write_data_f32, FitsWriter, Val};

/// The standard celestial cards of a small SIN image centred at (ra, dec).
pub fn sin_wcs(w: &mut FitsWriter, n: u64, ra: f64, dec: f64) {
    w.key("CTYPE1", Val::Str("RA---SIN".into()))
        .key("CRPIX1", Val::Float(n as f64 / 2.0 + 1.0))
        .key("CRVAL1", Val::Float(ra))
        .key("CDELT1", Val::Float(-2.5 / 3600.0))
        .key("CTYPE2", Val::Str("DEC--SIN".into()))
        .key("CRPIX2", Val::Float(n as f64 / 2.0 + 1.0))
        .key("CRVAL2", Val::Float(dec))
        .key("CDELT2", Val::Float(2.5 / 3600.0));
}

/// Writes a float32 primary image with the given extra cards.
pub fn write_f32(path: &Path, w: &FitsWriter, shape: &[u64], data: &[f32]) {
    let mut f = fs::File::create(path).unwrap();
    w.write_f32(&mut f, shape, data).unwrap();
}

/// A deterministic noise-like plane with one bright pixel at the centre.
pub fn plane(n: usize, peak: f32) -> Vec<f32> {
    let mut v: Vec<f32> = (0..n * n)
        .map(|i| {
            // A cheap hash to [-1, 1): noise-like but reproducible.
            let x = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40;
            (x as f32 / (1u64 << 24) as f32 - 0.5) * 2e-3
        })
        .collect();
    v[n / 2 * n + n / 2] = peak;
    v
}

/// Big-endian i16 data with padding.
pub fn i16_bytes(data: &[i16]) -> Vec<u8> {
    let mut out: Vec<u8> = data.iter().flat_map(|v| v.to_be_bytes()).collect();
    pad_to_block(&mut out, 0);
    out
}

/// Writes f32 data (with padding) into a byte vector.
pub fn f32_bytes(data: &[f32]) -> Vec<u8> {
    let mut out = Vec::new();
    write_data_f32(&mut out, data).unwrap();
    out
}

/// The obsmon binary.
pub fn obsmon() -> Command {
    Command::new(env!("CARGO_BIN_EXE_obsmon"))
}

/// Runs obsmon with args and a database.
pub fn run(db: &Path, args: &[&str]) -> Output {
    obsmon()
        .args(args)
        .arg("--db")
        .arg(db)
        .env_remove("OBSMON_DB")
        .output()
        .unwrap()
}

/// The shared real-world samples, when present.
pub fn samples() -> Option<PathBuf> {
    let p = std::env::var_os("OBSMON_FITS_SAMPLES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/fits-samples"));
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!(
            "NOTICE: no FITS samples at {} (set OBSMON_FITS_SAMPLES); skipping",
            p.display()
        );
        None
    }
}

/// A loopback address with a port free right now (for a server the test starts).
pub fn free_addr() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    format!("127.0.0.1:{}", l.local_addr().unwrap().port())
}
