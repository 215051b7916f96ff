//! Health checks driven across their thresholds by real conditions, the Prometheus exposition
//! parsed back, and `obsmon health` exit codes from the binary.

mod common;

use std::collections::HashMap;
use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

use chrono::Utc;
use common::*;
use obsmon::config::Config;
use obsmon::fits::write::FitsWriter;
use obsmon::health::{run_checks, State};
use obsmon::ingest::{run_index, IndexOptions};
use obsmon::store::lease::{now_ms, Lease};
use obsmon::store::Store;

/// A science image whose noise is about `noise` (uniform noise: sigma = 1.4826 * noise * 0.5 / 0.5).
fn write_image(path: &Path, noise: f32, age: Duration) {
    let mut w = FitsWriter::new();
    sin_wcs(&mut w, 64, 10.0, 20.0);
    // plane() gives uniform noise in [-1e-3, 1e-3): MAD 0.5e-3, sigma 0.74 mJy. Scale it.
    let scale = noise / 0.741e-3;
    let mut data: Vec<f32> = plane(64, 0.0).iter().map(|v| v * scale).collect();
    data[32 * 64 + 32] = 0.5;
    write_f32(path, &w, &[64, 64], &data);
    let f = fs::File::options().write(true).open(path).unwrap();
    f.set_modified(SystemTime::now() - age).unwrap();
}

fn state_of(store: &Store, cfg: &Config, name: &str) -> (State, Option<f64>) {
    let checks = run_checks(store, cfg, Utc::now()).unwrap();
    let c = checks.iter().find(|c| c.name == name).unwrap();
    (c.state, c.value)
}

fn index(d: &Path, store: &Store) {
    run_index(&[d.to_path_buf()], store, &IndexOptions::default()).unwrap();
}

#[test]
fn each_check_crosses_its_thresholds() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("imgs");
    fs::create_dir(&d).unwrap();
    let store = Store::open(&dir.path().join("h.redb")).unwrap();
    let mut cfg = Config::default();

    // No image yet: unknown.
    assert_eq!(state_of(&store, &cfg, "newest_image_age").0, State::Unknown);

    // Age of the newest science image: 5 min OK, 20 min WARN, 2 h CRIT.
    for (mins, want) in [(120, State::Crit), (20, State::Warn), (5, State::Ok)] {
        write_image(
            &d.join(format!("a{mins}-image.fits")),
            0.5e-3,
            Duration::from_secs(mins * 60),
        );
        index(&d, &store);
        let (st, v) = state_of(&store, &cfg, "newest_image_age");
        assert_eq!(st, want, "{mins} min: {v:?}");
    }

    // Quality of the newest image: noise 0.5 OK, 2 WARN, 6 mJy CRIT; DR follows.
    assert_eq!(state_of(&store, &cfg, "newest_noise_mjy").0, State::Ok);
    write_image(&d.join("b-image.fits"), 2e-3, Duration::from_secs(60));
    index(&d, &store);
    assert_eq!(state_of(&store, &cfg, "newest_noise_mjy").0, State::Warn);
    assert_eq!(state_of(&store, &cfg, "newest_dynamic_range").0, State::Ok);
    write_image(&d.join("c-image.fits"), 6e-3, Duration::from_secs(30));
    index(&d, &store);
    let (st, v) = state_of(&store, &cfg, "newest_noise_mjy");
    assert_eq!(st, State::Crit, "{v:?}");
    // Peak 0.5 Jy over 6 mJy: DR ~83, below 100.
    assert_eq!(
        state_of(&store, &cfg, "newest_dynamic_range").0,
        State::Warn
    );

    // Failure rate over the last hour: 5 done + 1 failed = 17 % WARN; + 6 more failed CRIT.
    fs::write(d.join("bad0.fits"), b"not fits").unwrap();
    index(&d, &store);
    let (st, v) = state_of(&store, &cfg, "failure_rate");
    assert_eq!(st, State::Warn, "{v:?}");
    for i in 1..7 {
        fs::write(d.join(format!("bad{i}.fits")), b"not fits").unwrap();
    }
    index(&d, &store);
    assert_eq!(state_of(&store, &cfg, "failure_rate").0, State::Crit);

    // Incomplete files older than 10 minutes.
    assert_eq!(state_of(&store, &cfg, "incomplete_old").0, State::Ok);
    let trunc = d.join("trunc-image.fits");
    fs::write(&trunc, &fs::read(d.join("b-image.fits")).unwrap()[..5000]).unwrap();
    fs::File::options()
        .write(true)
        .open(&trunc)
        .unwrap()
        .set_modified(SystemTime::now() - Duration::from_secs(1200))
        .unwrap();
    index(&d, &store);
    assert_eq!(
        state_of(&store, &cfg, "incomplete_old"),
        (State::Warn, Some(1.0))
    );

    // Live indexer: none WARN, fresh OK, stale CRIT.
    assert_eq!(state_of(&store, &cfg, "live_indexer").0, State::Warn);
    let mine = Lease::mine(std::slice::from_ref(&d));
    store.acquire_lease(&mine).unwrap();
    assert_eq!(state_of(&store, &cfg, "live_indexer").0, State::Ok);
    // Backlog recorded by the live indexer: 60 WARN, 600 CRIT; oldest 20 min WARN.
    store.heartbeat(&mine, 60, 1200).unwrap();
    assert_eq!(state_of(&store, &cfg, "backlog").0, State::Warn);
    assert_eq!(state_of(&store, &cfg, "backlog_oldest").0, State::Warn);
    store.heartbeat(&mine, 600, 10).unwrap();
    assert_eq!(state_of(&store, &cfg, "backlog").0, State::Crit);
    assert_eq!(state_of(&store, &cfg, "backlog_oldest").0, State::Ok);
    store.release_lease(&mine).unwrap();
    let stale = Lease {
        pid: 1,
        host: "elsewhere".into(),
        heartbeat_ms: now_ms() - 60_000,
        ..mine.clone()
    };
    store.acquire_lease(&stale).unwrap();
    assert_eq!(state_of(&store, &cfg, "live_indexer").0, State::Crit);
    assert_eq!(
        state_of(&store, &cfg, "backlog").0,
        State::Ok,
        "no live indexer, no backlog"
    );

    // Free space: thresholds set around the real free space of this filesystem.
    let (free, total) = obsmon::health::disk_space(dir.path()).unwrap();
    let pct = 100.0 * free as f64 / total as f64;
    let gb = free as f64 / 1e9;
    cfg.health.disk_free_warn_gb = (gb - 1.0).max(0.0);
    cfg.health.disk_free_crit_gb = 0.0;
    cfg.health.disk_free_warn_pct = pct - 1.0;
    cfg.health.disk_free_crit_pct = pct - 2.0;
    assert_eq!(state_of(&store, &cfg, "disk_free_db").0, State::Ok);
    cfg.health.disk_free_warn_pct = pct + 1.0;
    assert_eq!(state_of(&store, &cfg, "disk_free_db").0, State::Warn);
    cfg.health.disk_free_crit_pct = pct + 0.5;
    assert_eq!(state_of(&store, &cfg, "disk_free_images").0, State::Crit);
    cfg.health.disk_free_warn_pct = 0.0;
    cfg.health.disk_free_crit_pct = 0.0;
    cfg.health.disk_free_warn_gb = gb + 1.0;
    assert_eq!(
        state_of(&store, &cfg, "disk_free_db").0,
        State::Warn,
        "GB floor"
    );

    // Stuck runs: a run missing an expected product past the timeout.
    cfg.runs.expected = vec!["image".into(), "residual".into()];
    cfg.runs.timeout_min = 1.0;
    assert_eq!(state_of(&store, &cfg, "stuck_runs").0, State::Ok);
    write_image(
        &d.join("2025-10-28T13:30:07.img-image.fits"),
        0.5e-3,
        Duration::from_secs(600),
    );
    index(&d, &store);
    assert_eq!(
        state_of(&store, &cfg, "stuck_runs"),
        (State::Warn, Some(1.0))
    );
}

/// Parses an exposition: family -> (type, samples).
fn parse_exposition(text: &str) -> HashMap<String, (String, Vec<(String, f64)>)> {
    let mut fams: HashMap<String, (String, Vec<(String, f64)>)> = HashMap::new();
    let mut helped = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            helped.push(rest.split_whitespace().next().unwrap().to_string());
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            let mut it = rest.split_whitespace();
            let (name, kind) = (it.next().unwrap(), it.next().unwrap());
            assert!(
                helped.contains(&name.to_string()),
                "TYPE before HELP for {name}"
            );
            fams.insert(name.into(), (kind.into(), Vec::new()));
        } else if !line.is_empty() {
            let (series, value) = line.rsplit_once(' ').unwrap();
            let v: f64 = value
                .parse()
                .unwrap_or_else(|_| panic!("bad value in {line}"));
            let metric = series.split('{').next().unwrap();
            assert!(metric.starts_with("obsmon_"), "{metric}");
            let fam = fams
                .keys()
                .filter(|f| metric.starts_with(f.as_str()))
                .max_by_key(|f| f.len())
                .unwrap_or_else(|| panic!("sample {metric} without TYPE"))
                .clone();
            fams.get_mut(&fam).unwrap().1.push((series.to_string(), v));
        }
    }
    fams
}

#[test]
fn exposition_parses_back_and_metrics_file_is_atomic() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("imgs");
    fs::create_dir(&d).unwrap();
    write_image(&d.join("x-image.fits"), 0.5e-3, Duration::from_secs(5));
    write_image(&d.join("y-residual.fits"), 0.5e-3, Duration::from_secs(5));
    fs::write(d.join("bad.fits"), b"nope").unwrap();
    let db = dir.path().join("m.redb");
    let prom = dir.path().join("textfile").join("obsmon.prom");
    fs::create_dir(prom.parent().unwrap()).unwrap();
    let out = run(
        &db,
        &[
            "--index-only",
            d.to_str().unwrap(),
            "--metrics-file",
            prom.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = fs::read_to_string(&prom).unwrap();
    // No temporary file left behind.
    assert_eq!(fs::read_dir(prom.parent().unwrap()).unwrap().count(), 1);
    let fams = parse_exposition(&text);
    for (name, (kind, samples)) in &fams {
        if kind == "counter" {
            assert!(name.ends_with("_total"), "{name}");
        }
        assert!(
            !samples.is_empty() || name == "obsmon_check_value",
            "{name} has no samples"
        );
    }
    let get = |series: &str| {
        fams.values()
            .flat_map(|f| f.1.iter())
            .find(|(s, _)| s == series)
            .map(|(_, v)| *v)
    };
    assert_eq!(get("obsmon_images{type=\"image\"}"), Some(1.0));
    assert_eq!(get("obsmon_images{type=\"residual\"}"), Some(1.0));
    assert_eq!(get("obsmon_images_indexed_total"), Some(2.0));
    assert_eq!(get("obsmon_index_failures_total"), Some(1.0));
    assert_eq!(get("obsmon_jobs{state=\"failed\"}"), Some(1.0));
    let (kind, buckets) = &fams["obsmon_ingest_latency_seconds"];
    assert_eq!(kind, "histogram");
    let b: Vec<f64> = buckets
        .iter()
        .filter(|(s, _)| s.contains("_bucket"))
        .map(|(_, v)| *v)
        .collect();
    assert!(
        b.windows(2).all(|w| w[0] <= w[1]),
        "buckets cumulative: {b:?}"
    );
    assert_eq!(
        b.last().copied(),
        get("obsmon_ingest_latency_seconds_count")
    );
    assert_eq!(get("obsmon_check_state{check=\"live_indexer\"}"), Some(1.0));
    assert!(get("obsmon_health").is_some());
}

#[test]
fn metrics_served_by_watch_on_loopback() {
    use std::io::{Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("imgs");
    fs::create_dir(&d).unwrap();
    write_image(&d.join("x-image.fits"), 0.5e-3, Duration::from_secs(5));
    let db = dir.path().join("s.redb");
    let addr = free_addr();
    let mut child = obsmon()
        .args(["watch", "--metrics-addr", &addr])
        .arg(&d)
        .arg("--db")
        .arg(&db)
        .spawn()
        .unwrap();
    let mut body = String::new();
    for _ in 0..100 {
        std::thread::sleep(Duration::from_millis(100));
        let Ok(mut s) = std::net::TcpStream::connect(&addr) else {
            continue;
        };
        s.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        body.clear();
        s.read_to_string(&mut body).unwrap();
        if body.contains("obsmon_images{type=\"image\"} 1") {
            break;
        }
    }
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    s.write_all(b"GET /nope HTTP/1.1\r\n\r\n").unwrap();
    let mut nf = String::new();
    s.read_to_string(&mut nf).unwrap();
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    assert!(child.wait().unwrap().success());
    assert!(body.starts_with("HTTP/1.1 200 OK"), "{body}");
    assert!(body.contains("text/plain; version=0.0.4"));
    let text = body.split("\r\n\r\n").nth(1).unwrap();
    let fams = parse_exposition(text);
    assert!(fams.contains_key("obsmon_check_state"));
    assert!(
        body.contains("obsmon_check_state{check=\"live_indexer\"} 0"),
        "live lease while serving"
    );
    assert!(nf.starts_with("HTTP/1.1 404"));
}

#[test]
fn health_exit_codes_from_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("imgs");
    fs::create_dir(&d).unwrap();
    let db = dir.path().join("e.redb");
    // UNKNOWN: no database (and none is created).
    let out = run(&db, &["health"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("OBSMON UNKNOWN - no database"));
    assert!(!db.exists());
    write_image(&d.join("x-image.fits"), 0.5e-3, Duration::from_secs(5));
    assert_eq!(
        run(&db, &["index", d.to_str().unwrap()]).status.code(),
        Some(0)
    );
    // WARNING: everything fine but no live indexer.
    let out = run(&db, &["health"]);
    let line = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(1), "{line}");
    assert!(
        line.starts_with("OBSMON WARNING - live_indexer WARNING"),
        "{line}"
    );
    assert!(line.contains(" | 'newest_image_age'="), "perfdata: {line}");
    assert!(line.contains("'failure_rate'=0%;10;50;0;100"), "{line}");
    // OK: this process holds a fresh lease.
    let store = Store::open(&db).unwrap();
    let mine = Lease::mine(std::slice::from_ref(&d));
    store.acquire_lease(&mine).unwrap();
    let out = run(&db, &["health"]);
    let line = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(0), "{line}");
    assert!(line.starts_with("OBSMON OK - 12 checks OK |"), "{line}");
    // CRITICAL: the lease is stale.
    store.release_lease(&mine).unwrap();
    store
        .acquire_lease(&Lease {
            pid: 1,
            host: "elsewhere".into(),
            heartbeat_ms: now_ms() - 3_600_000,
            ..mine
        })
        .unwrap();
    let out = run(&db, &["health", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["state"], "CRIT");
    assert_eq!(v["checks"].as_array().unwrap().len(), 12);
    // A bad config file: exit 2 naming the key.
    let cfgp = dir.path().join("bad.toml");
    fs::write(&cfgp, "[health]\nnewest_image_warn_min = \"soon\"\n").unwrap();
    let out = run(&db, &["health", "--config", cfgp.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("newest_image_warn_min"));
    // Thresholds from the config file change the verdict: noise 0.5 mJy > 0.1 warn.
    fs::write(
        &cfgp,
        "[health]\nnoise_warn_mjy = 0.1\nnoise_crit_mjy = 0.2\n",
    )
    .unwrap();
    let out = run(&db, &["health", "--config", cfgp.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("newest_noise_mjy CRITICAL"));
    // config --default prints the commented default, which parses.
    let out = run(&db, &["config", "--default"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("[health]") && text.contains("# "));
    Config::parse(&text, Path::new("default.toml")).unwrap();
}
