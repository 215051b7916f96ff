//! Index throughput, unchanged re-scan, and peak memory of `obsmon index --no-sources`
//! (metadata and image statistics; `benches/sources.rs` measures the run with sources).
//!
//! `cargo bench --bench index` (add `-- --runs 5 --small 10000` to change the repetitions or the
//! size of the many-small-files re-scan). Runs the release binary as a child process so peak RSS
//! is the indexer's own (wait4 rusage), on a synthetic sky of 20 images of 2048 px and 5 of
//! 5040 px generated once into target/bench-data.

mod common;
use common::*;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use obsmon::fits::write::{FitsWriter, Val};
use obsmon::synth::{Sky, SkyConfig};

fn main() {
    let runs = arg("--runs", 5);
    let small = arg("--small", 10_000);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let mixed = root.join("index-20x2048-5x5040");
    if !mixed.join(".complete").exists() {
        eprintln!("generating {} ...", mixed.display());
        std::fs::create_dir_all(&mixed).unwrap();
        let a = Sky::new(SkyConfig {
            size: 2048,
            seed: 11,
            ..Default::default()
        });
        for e in 0..20 {
            a.write_epoch(&mixed, e).unwrap();
        }
        let b = Sky::new(SkyConfig {
            size: 5040,
            seed: 12,
            n_sources: 1000,
            start: a.time_of(100),
            ..Default::default()
        });
        for e in 0..5 {
            b.write_epoch(&mixed, e).unwrap();
        }
        std::fs::write(mixed.join(".complete"), b"").unwrap();
    }
    let pixel_mb = (20.0 * 2048.0 * 2048.0 + 5.0 * 5040.0 * 5040.0) * 4.0 / 1e6;

    let mut full = Vec::new();
    let mut rescan = Vec::new();
    let mut rss = Vec::new();
    for _ in 0..runs {
        let tmp = tempfile::tempdir().unwrap();
        let db = tmp.path().join("bench.redb");
        let (ms, kb) = run_index(&mixed, &db);
        full.push(ms);
        rss.push(kb as f64 / 1024.0);
        let (ms2, _) = run_index(&mixed, &db);
        rescan.push(ms2);
    }
    let m = median(&full);
    println!(
        "index 20x2048 + 5x5040 px (cold database), {runs} runs, {} workers:",
        cores()
    );
    println!(
        "  full index   median {:.0} ms  -> {:.1} images/s, {:.0} MB/s of pixels",
        m,
        25.0 / (m / 1000.0),
        pixel_mb / (m / 1000.0)
    );
    println!("  unchanged    median {:.1} ms", median(&rescan));
    let plane_mb = 5040.0 * 5040.0 * 4.0 / 1e6 / 1.048_576;
    println!(
        "  peak RSS     median {:.0} MiB (target < 2 x {} workers x {:.0} MiB + 64 = {:.0} MiB)",
        median(&rss),
        cores(),
        plane_mb,
        2.0 * cores() as f64 * plane_mb + 64.0
    );

    let many = root.join(format!("small-{small}"));
    if !many.join(".complete").exists() {
        eprintln!("generating {} ...", many.display());
        write_small_files(&many, small);
        std::fs::write(many.join(".complete"), b"").unwrap();
    }
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("many.redb");
    let (first, _) = run_index(&many, &db);
    let mut again = Vec::new();
    for _ in 0..runs {
        again.push(run_index(&many, &db).0);
    }
    println!(
        "{small} small files: first index {first:.0} ms; unchanged re-scan median {:.0} ms",
        median(&again)
    );
}

fn cores() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

fn write_small_files(dir: &Path, n: usize) {
    for i in 0..n {
        let sub = dir.join(format!("{:03}", i / 1000));
        std::fs::create_dir_all(&sub).unwrap();
        let mut w = FitsWriter::new();
        w.key("CTYPE1", Val::Str("RA---SIN".into()))
            .key("CTYPE2", Val::Str("DEC--SIN".into()))
            .key("CDELT1", Val::Float(-0.001))
            .key("CDELT2", Val::Float(0.001));
        let path: PathBuf = sub.join(format!("img{i:05}-image.fits"));
        let mut f = std::fs::File::create(path).unwrap();
        w.write_f32(&mut f, &[16, 16], &vec![0.001f32; 256])
            .unwrap();
    }
}

/// Runs `obsmon index DIR --json`; returns (wall ms, peak RSS KiB of the child).
// The child is reaped by wait4 (which std's wait cannot do: it gives no rusage).
#[allow(clippy::zombie_processes)]
fn run_index(dir: &Path, db: &Path) -> (f64, i64) {
    let t0 = Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_obsmon"))
        .arg("index")
        .arg(dir)
        .arg("--json")
        // The foundation's figure: metadata and image statistics. With sources: benches/sources.rs.
        .arg("--no-sources")
        .arg("--db")
        .arg(db)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut status = 0;
    // SAFETY: plain wait4 on our own child with a zeroed rusage out-parameter.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut ru) };
    assert_eq!(r, pid);
    (t0.elapsed().as_secs_f64() * 1000.0, ru.ru_maxrss)
}
