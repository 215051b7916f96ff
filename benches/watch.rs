//! Latency from a file's close to its row being visible, under `obsmon watch`.
//!
//! `cargo bench --bench watch [-- --count 500 --size 2048 --interval-ms 1000]`: a writer produces
//! synthetic images at one per interval (alternating plain writes and tmp-then-rename) into a
//! directory watched by the release binary; a reader polls the database every 10 ms. Reports p50
//! and p99 of close -> visible, and checks that no file was missed or indexed twice.

mod common;
use common::*;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use obsmon::store::Store;
use obsmon::synth::{Sky, SkyConfig};

fn main() {
    let count = arg("--count", 500) as usize;
    let size = arg("--size", 2048) as usize;
    let interval = Duration::from_millis(arg("--interval-ms", 1000));

    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("stage");
    std::fs::create_dir(&dir).unwrap();
    let db = tmp.path().join("w.redb");
    // Pre-render a few epochs' pixels; the writer only writes bytes (as a pipeline would).
    let sky = Sky::new(SkyConfig {
        size,
        ..Default::default()
    });
    let staging = tmp.path().join("render");
    std::fs::create_dir(&staging).unwrap();
    let templates: Vec<Vec<u8>> = (0..4)
        .map(|e| std::fs::read(sky.write_epoch(&staging, e).unwrap()).unwrap())
        .collect();

    let mut child = Command::new(env!("CARGO_BIN_EXE_obsmon"))
        .arg("watch")
        .arg(&dir)
        .arg("--db")
        .arg(&db)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let store = loop {
        if db.exists() {
            if let Ok(s) = Store::open(&db) {
                if s.lease().ok().flatten().is_some() {
                    break s;
                }
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    };

    let mut closed: Vec<(String, Instant)> = Vec::with_capacity(count);
    let mut seen: Vec<Option<Instant>> = vec![None; count];
    let start = Instant::now();
    let mut next = start;
    let mut i = 0;
    while i < count || seen.iter().any(|s| s.is_none()) {
        if i < count && Instant::now() >= next {
            let t = sky.time_of(i as u64);
            let name = format!("{}.img-image.fits", t.format("%Y-%m-%dT%H:%M:%S"));
            let path = dir.join(&name);
            let bytes = &templates[i % templates.len()];
            if i % 2 == 0 {
                std::fs::write(&path, bytes).unwrap();
            } else {
                let tmpf = dir.join(format!("{name}.tmp"));
                std::fs::write(&tmpf, bytes).unwrap();
                std::fs::rename(&tmpf, &path).unwrap();
            }
            closed.push((path.to_string_lossy().into_owned(), Instant::now()));
            i += 1;
            next += interval;
        }
        for (k, (p, _)) in closed.iter().enumerate() {
            if seen[k].is_none() && store.image_by_path(p).ok().flatten().is_some() {
                seen[k] = Some(Instant::now());
            }
        }
        if start.elapsed() > interval * count as u32 + Duration::from_secs(120) {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    // SAFETY: SIGTERM to our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let _ = child.wait();

    let mut lat: Vec<f64> = closed
        .iter()
        .zip(&seen)
        .filter_map(|((_, c), s)| s.map(|s| (s - *c).as_secs_f64() * 1000.0))
        .collect();
    lat.sort_by(|a, b| a.total_cmp(b));
    let missed = seen.iter().filter(|s| s.is_none()).count();
    // Tried more than once: a first attempt found the file incomplete (the writer stalled longer
    // than the settle time) and a later one indexed it. Image rows are one per path by
    // construction.
    let retried = closed
        .iter()
        .filter(|(p, _)| {
            store
                .job_by_path(p)
                .ok()
                .flatten()
                .is_some_and(|j| j.attempts != 1)
        })
        .count();
    let pct = |q: f64| lat[((lat.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{count} files of {size} px every {} ms: close -> visible p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms; missed {missed}, tried more than once {retried}",
        interval.as_millis(),
        pct(0.5),
        pct(0.99),
        lat.last().copied().unwrap_or(f64::NAN)
    );
    let _ = Path::new("");
}
