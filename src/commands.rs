//! What each subcommand does, on top of the library.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chrono::{DateTime, Utc};

use obsmon::config::Config;
use obsmon::fits::{self, meta};
use obsmon::ingest::{self, IndexOptions, WorkerOptions};
use obsmon::output;
use obsmon::store::records::ImageRecord;
use obsmon::store::{ImageQuery, Store};
use obsmon::synth::{Sky, SkyConfig};

use crate::cli::{IndexFlags, WatchFlags};
use crate::exit;

fn open_store(db: &Path) -> Result<Store> {
    Ok(Store::open(db)?)
}

/// `obsmon config [--default]`.
pub fn config(cfg: &Config, default: bool) -> Result<u8> {
    if default {
        print!("{}", obsmon::config::DEFAULT_TOML);
    } else {
        println!("# in effect ({})", Config::default_path().display());
        print!("{}", toml::to_string(cfg)?);
    }
    Ok(exit::OK)
}

/// `obsmon index` / `obsmon --index-only`.
pub fn index(cfg: &Config, db: &Path, dirs: &[PathBuf], flags: &IndexFlags) -> Result<u8> {
    let mut store = open_store(db)?;
    store.set_params(cfg.source_params());
    // A live indexer keeps the directories current: a cron run has nothing to do.
    if let Some(l) = store.lease()?.filter(|l| l.is_fresh()) {
        if l.pid != std::process::id() || l.host != obsmon::store::lease::hostname() {
            tracing::info!(
                "live indexer pid {} on {} keeps {} current",
                l.pid,
                l.host,
                l.dirs.join(", ")
            );
            if flags.json {
                println!(
                    "{}",
                    serde_json::json!({"live_indexer": {"pid": l.pid, "host": l.host}})
                );
            }
            return Ok(exit::OK);
        }
    }
    let opts = IndexOptions {
        jobs: flags.jobs.unwrap_or_else(ingest::default_jobs),
        worker: WorkerOptions {
            pixels: !flags.no_pixels,
            sources: !flags.no_sources,
            params: cfg.source_params(),
            ..Default::default()
        },
    };
    let summary = ingest::run_index(dirs, &store, &opts)?;
    for f in &summary.failures {
        eprintln!("{}: {}", f.path, f.reason);
    }
    if let Err(e) = store.sample_size() {
        tracing::warn!("could not record the database size: {e}");
    }
    if let Some(p) = &flags.metrics_file {
        let text = obsmon::metrics::exposition(&store, cfg)?;
        obsmon::metrics::write_file(p, &text)
            .with_context(|| format!("cannot write metrics to {}", p.display()))?;
    }
    if flags.json {
        println!("{}", serde_json::to_string(&summary)?);
    } else {
        tracing::info!(
            "scanned {}, indexed {}, unchanged {}, failed {}, incomplete {}, skipped {}, missing {} in {} ms",
            summary.scanned,
            summary.indexed,
            summary.unchanged,
            summary.failed,
            summary.incomplete,
            summary.skipped,
            summary.missing,
            summary.elapsed_ms
        );
    }
    Ok(if summary.failed > 0 {
        exit::SOME_FAILED
    } else {
        exit::OK
    })
}

fn stop_on_signals() -> Result<std::sync::Arc<std::sync::atomic::AtomicBool>> {
    obsmon::ingest::watch::stop_on_signals().context("cannot install signal handlers")
}

fn serve_until(
    addr: std::net::SocketAddr,
    store: std::sync::Arc<Store>,
    cfg: &Config,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> Result<()> {
    obsmon::api::serve_until(addr, store, cfg, stop)
        .with_context(|| format!("cannot serve the API on {addr}"))
}

/// `obsmon serve`.
pub fn serve(cfg: &Config, db: &Path, addr: std::net::SocketAddr) -> Result<u8> {
    let stop = stop_on_signals()?;
    let store = std::sync::Arc::new(open_store(db)?);
    serve_until(addr, store, cfg, stop)?;
    Ok(exit::OK)
}

/// The live indexer's options from the flags and the config file.
pub fn watch_options(
    cfg: &Config,
    poll: Option<f64>,
    rescan: Option<f64>,
    settle: Option<f64>,
    jobs: Option<usize>,
) -> Result<obsmon::ingest::watch::WatchOptions> {
    let rescan = rescan.unwrap_or(cfg.watch.rescan_secs);
    let settle = settle.unwrap_or(cfg.watch.settle_secs);
    let secs = |name: &str, v: f64| -> Result<std::time::Duration> {
        if !(v.is_finite() && v > 0.0) {
            bail!("--{name} {v}: expected a positive number of seconds");
        }
        Ok(std::time::Duration::from_secs_f64(v))
    };
    Ok(obsmon::ingest::watch::WatchOptions {
        poll: poll.map(|p| secs("poll", p)).transpose()?,
        rescan: secs("rescan", rescan)?,
        settle: secs("settle", settle)?,
        jobs: jobs.unwrap_or_else(ingest::default_jobs),
        worker: WorkerOptions {
            params: cfg.source_params(),
            ..Default::default()
        },
        rescan_request: None,
    })
}

/// `obsmon watch`: runs until SIGINT, SIGTERM or SIGHUP.
pub fn watch(cfg: &Config, db: &Path, dirs: &[PathBuf], flags: WatchFlags) -> Result<u8> {
    let WatchFlags {
        poll,
        rescan,
        settle,
        jobs,
        metrics_addr,
        serve,
    } = flags;
    let dirs = if dirs.is_empty() {
        cfg.watch.dirs.clone()
    } else {
        dirs.to_vec()
    };
    if dirs.is_empty() {
        bail!("no directory to watch: give DIR... or set [watch] dirs in the config file");
    }
    let opts = watch_options(cfg, poll, rescan, settle, jobs)?;
    let stop = stop_on_signals()?;
    let mut store = open_store(db)?;
    store.set_params(cfg.source_params());
    let shared = std::sync::Arc::new(store);
    let store = &*shared;
    let stats = std::thread::scope(|scope| {
        if let Some(addr) = serve {
            let (shared, stop) = (std::sync::Arc::clone(&shared), std::sync::Arc::clone(&stop));
            scope.spawn(move || {
                if let Err(e) = serve_until(addr, shared, cfg, stop) {
                    tracing::error!("{e:#}");
                }
            });
        }
        if let Some(addr) = metrics_addr {
            let stop = &stop;
            scope.spawn(move || {
                if let Err(e) = obsmon::metrics::serve(addr, store, cfg, stop) {
                    tracing::error!("cannot serve metrics on {addr}: {e}");
                }
            });
        }
        let sampler_stop = &stop;
        scope.spawn(move || store.sample_size_until(sampler_stop));
        let r = obsmon::ingest::watch::run_watch(&dirs, store, &opts, &stop);
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        r
    })?;
    tracing::info!(
        "stopped after indexing {} files ({} scans)",
        stats.indexed,
        stats.scans
    );
    Ok(exit::OK)
}

/// `obsmon health`: Nagios plugin conventions.
pub fn health(cfg: &Config, db: &Path, json: bool) -> Result<u8> {
    use obsmon::health::{self, State};
    if !db.exists() {
        if json {
            println!(
                "{}",
                serde_json::json!({"state": "UNKNOWN", "message": format!("no database at {}", db.display()), "checks": []})
            );
        } else {
            println!("OBSMON UNKNOWN - no database at {}", db.display());
        }
        return Ok(State::Unknown.exit_code());
    }
    let store = match Store::open(db) {
        Ok(s) => s,
        Err(e) => {
            println!("OBSMON UNKNOWN - {e}");
            return Ok(State::Unknown.exit_code());
        }
    };
    let checks = health::run_checks(&store, cfg, Utc::now())?;
    let state = health::overall(&checks);
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({"state": state, "checks": checks}))?
        );
    } else {
        println!("{}", health::nagios(&checks));
    }
    Ok(state.exit_code())
}

/// `obsmon stats`.
pub fn stats(db: &Path, json: bool) -> Result<u8> {
    let store = open_store(db)?;
    let s = obsmon::stats::compute(&store, Utc::now())?;
    let mut out = io::stdout().lock();
    if json {
        serde_json::to_writer_pretty(&mut out, &s)?;
        writeln!(out)?;
        return Ok(exit::OK);
    }
    let t = &s.totals;
    writeln!(
        out,
        "images        {} ({} missing)",
        t.images, t.images_missing
    )?;
    for (k, n) in &t.images_by_type {
        writeln!(out, "  {k:<11} {n}")?;
    }
    writeln!(
        out,
        "sky sources   {} ({} variable), {} measurements",
        t.sky_sources, t.variable_sources, t.detections
    )?;
    let jobs: Vec<String> = t
        .jobs_by_state
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    writeln!(out, "jobs          {}", jobs.join(", "))?;
    writeln!(
        out,
        "last 24 h     {} images ({} science), {} failed, {} detections",
        s.last_24h.images, s.last_24h.science_images, s.last_24h.failed, s.last_24h.detections
    )?;
    writeln!(
        out,
        "ingest        {:.1} images/h; latency p50 {} s, p95 {} s, p99 {} s",
        s.ingest.images_per_hour_24h,
        output::num(s.ingest.latency_p50_s, 2),
        output::num(s.ingest.latency_p95_s, 2),
        output::num(s.ingest.latency_p99_s, 2)
    )?;
    writeln!(
        out,
        "database      {:.1} MB",
        s.database_size_bytes as f64 / 1e6
    )?;
    Ok(exit::OK)
}

/// `obsmon runs`.
pub fn runs(cfg: &Config, db: &Path, json: bool, limit: usize) -> Result<u8> {
    let store = open_store(db)?;
    let mut runs = obsmon::stats::runs(&store, &cfg.runs, Utc::now())?;
    runs.truncate(limit);
    output::print_rows(
        &runs,
        json,
        false,
        &[
            "RUN", "STATUS", "STARTED", "FINISHED", "PRODUCTS", "MISSING",
        ],
        |r| {
            vec![
                r.run_id.clone(),
                r.status.clone(),
                r.started_at.clone(),
                r.finished_at.clone().unwrap_or_default(),
                r.products.len().to_string(),
                r.missing.join(","),
            ]
        },
    )?;
    Ok(exit::OK)
}

/// `obsmon metrics`.
pub fn metrics(cfg: &Config, db: &Path) -> Result<u8> {
    let store = open_store(db)?;
    print!("{}", obsmon::metrics::exposition(&store, cfg)?);
    Ok(exit::OK)
}

/// `obsmon images`.
#[allow(clippy::too_many_arguments)]
pub fn images(
    db: &Path,
    json: bool,
    csv: bool,
    limit: usize,
    since: Option<String>,
    kind: Option<String>,
    field: Option<String>,
    missing: bool,
) -> Result<u8> {
    let since_mjd = match since {
        Some(s) => Some(meta::datetime_to_mjd(parse_time(&s)?)),
        None => None,
    };
    let store = open_store(db)?;
    let rows = store.images(&ImageQuery {
        limit: Some(limit),
        since_mjd,
        kind,
        field,
        include_missing: missing,
    })?;
    let mut out = io::stdout().lock();
    if json {
        output::json_array(&mut out, &rows)?;
    } else if csv {
        output::csv(&mut out, &rows)?;
    } else {
        image_table(&mut out, &rows)?;
    }
    Ok(exit::OK)
}

fn parse_time(s: &str) -> Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    meta::parse_date_obs(s).with_context(|| {
        format!("--since {s:?}: expected an ISO 8601 time such as 2025-10-28T13:30:07")
    })
}

fn image_table<W: Write>(w: &mut W, rows: &[ImageRecord]) -> io::Result<()> {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.id.to_string(),
                r.date_obs.clone().unwrap_or_default(),
                r.kind.clone(),
                output::num(r.noise_jy.map(|n| n * 1e3), 3),
                output::num(r.dynamic_range, 0),
                match (r.beam_major_arcsec, r.beam_minor_arcsec) {
                    (Some(a), Some(b)) => format!("{a:.1}x{b:.1}"),
                    _ => "-".into(),
                },
                output::num(r.freq_ghz, 3),
                r.state.clone(),
                output::file_name(&r.path),
            ]
        })
        .collect();
    output::table(
        w,
        &[
            "ID",
            "DATE-OBS",
            "TYPE",
            "NOISE_mJy",
            "DR",
            "BEAM_arcsec",
            "FREQ_GHz",
            "STATE",
            "NAME",
        ],
        &cells,
    )
}

/// `obsmon jobs`.
pub fn jobs(db: &Path, state: Option<String>, json: bool, limit: usize) -> Result<u8> {
    if let Some(s) = &state {
        if !obsmon::store::records::JOB_STATES.contains(&s.as_str()) {
            bail!(
                "--state {s:?}: expected one of {}",
                obsmon::store::records::JOB_STATES.join(", ")
            );
        }
    }
    let store = open_store(db)?;
    let rows = store.jobs(state.as_deref(), Some(limit))?;
    output::print_rows(
        &rows,
        json,
        false,
        &["ID", "STATE", "TRIES", "FINISHED", "MS", "PATH", "REASON"],
        |j| {
            vec![
                j.id.to_string(),
                j.state.clone(),
                j.attempts.to_string(),
                j.finished_at.clone().unwrap_or_default(),
                output::num(j.duration_ms, 1),
                j.path.clone(),
                j.reason.clone().unwrap_or_default(),
            ]
        },
    )?;
    Ok(exit::OK)
}

/// `obsmon show PATH|ID`.
pub fn show(db: &Path, target: &str, json: bool) -> Result<u8> {
    let store = open_store(db)?;
    let rec = find_image(&store, target)?;
    // The header comes from the file itself (not stored: it can be large).
    let (cards, header_error) = match fits::scan(Path::new(&rec.path)) {
        Ok(s) => {
            let hdu = rec.hdu.unwrap_or(0) as usize;
            let cards: Vec<String> = s
                .layout
                .hdus
                .get(hdu)
                .map(|h| h.header.cards.iter().map(|c| c.raw.clone()).collect())
                .unwrap_or_default();
            (cards, None)
        }
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    let mut out = io::stdout().lock();
    if json {
        let mut v = serde_json::to_value(&rec)?;
        if let serde_json::Value::Object(m) = &mut v {
            m.insert("header".into(), serde_json::json!(cards));
            if let Some(e) = &header_error {
                m.insert("header_error".into(), serde_json::json!(e));
            }
        }
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
    } else {
        let v = serde_json::to_value(&rec)?;
        if let serde_json::Value::Object(m) = v {
            for (k, val) in m {
                writeln!(out, "{k:<18} {}", output::cell(&val))?;
            }
        }
        writeln!(out)?;
        match header_error {
            Some(e) => writeln!(out, "(header not readable now: {e})")?,
            None => {
                for c in cards {
                    writeln!(out, "{c}")?;
                }
            }
        }
    }
    Ok(exit::OK)
}

/// `obsmon synth`.
pub fn synth(dir: &Path, count: u64, size: usize, seed: u64, sources: usize) -> Result<u8> {
    if size < 64 {
        bail!("--size {size}: at least 64 pixels");
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let sky = Sky::new(SkyConfig {
        size,
        seed,
        n_sources: sources,
        ..Default::default()
    });
    for epoch in 0..count {
        let p = sky
            .write_epoch(dir, epoch)
            .with_context(|| format!("cannot write into {}", dir.display()))?;
        tracing::info!("wrote {}", p.display());
    }
    Ok(exit::OK)
}

/// `obsmon demo` (and `obsmon` with no arguments): a synthetic sky written into a temporary
/// directory, indexed with its sources, and summarised. (The terminal dashboard will replace this
/// printout.)
pub fn demo(count: u64, size: usize) -> Result<u8> {
    let tmp = tempfile::tempdir().context("cannot create a temporary directory")?;
    let images = tmp.path().join("images");
    std::fs::create_dir_all(&images)?;
    let db = tmp.path().join("demo.redb");
    println!(
        "obsmon demo: writing {count} synthetic {size}x{size} DSA-110-like images (5 min apart, 300 sources, 5% variable) into {}",
        images.display()
    );
    synth(&images, count, size, 1, 300)?;
    let store = open_store(&db)?;
    let summary = ingest::run_index(
        std::slice::from_ref(&images),
        &store,
        &IndexOptions::default(),
    )?;
    println!(
        "indexed {} images with their sources in {} ms ({} failed)\n",
        summary.indexed, summary.elapsed_ms, summary.failed
    );
    let rows = store.images(&ImageQuery {
        limit: Some(20),
        ..Default::default()
    })?;
    image_table(&mut io::stdout().lock(), &rows)?;
    let variables = store.sources(&obsmon::store::SourceQuery {
        variable: true,
        min_detections: count.min(3) as u32,
        sort: Some("eta".into()),
        limit: Some(5),
        ..Default::default()
    })?;
    let (n_src, n_det) = store.source_counts()?;
    println!("\n{n_src} sky sources from {n_det} measurements; the most variable:");
    for s in &variables {
        println!(
            "  {}  mean {:.2} mJy  V {:.2}  eta {:.1}  ({} detections)",
            s.name,
            s.mean_flux_jy * 1e3,
            s.v,
            s.eta,
            s.n_detections
        );
    }
    let checks = obsmon::health::run_checks(&store, &Config::default(), Utc::now())?;
    println!("\n{}", obsmon::health::nagios(&checks));
    println!(
        "\nTry it on your own directory:\n  obsmon index DIR && obsmon images && obsmon sources --variable\n  obsmon watch DIR --serve 127.0.0.1:8889   # live, with the HTTP API"
    );
    Ok(exit::OK)
}

/// Whether this command line runs the dashboard (and so needs a terminal): `obsmon`,
/// `obsmon DIR...`, `obsmon tui`, `obsmon demo` (not `--print`). `obsmon` and `obsmon demo`
/// without a terminal on stdin and stdout print the demo summary instead.
pub fn wants_dashboard(cli: &crate::cli::Cli) -> bool {
    use std::io::IsTerminal;
    let tty = io::stdout().is_terminal() && io::stdin().is_terminal();
    match &cli.command {
        _ if cli.index_only => false,
        None if !cli.dirs.is_empty() => true,
        None => tty,
        Some(crate::cli::Command::Tui { .. }) => true,
        Some(crate::cli::Command::Demo { print, .. }) => tty && !print,
        Some(_) => false,
    }
}

/// `obsmon DIR...` and `obsmon tui [DIR...]`: the dashboard.
pub fn tui(
    cfg: &Config,
    db: &Path,
    dirs: &[PathBuf],
    flags: Option<WatchFlags>,
    tui: crate::cli::TuiFlags,
    serve: Option<std::net::SocketAddr>,
    log: obsmon::tui::data::LogBuf,
) -> Result<u8> {
    let (poll, rescan, settle, jobs) = flags
        .map(|f| (f.poll, f.rescan, f.settle, f.jobs))
        .unwrap_or_default();
    let watch = watch_options(cfg, poll, rescan, settle, jobs)?;
    run_dashboard(obsmon::tui::Options {
        dirs: dirs.to_vec(),
        db: db.to_path_buf(),
        cfg: cfg.clone(),
        color: tui.color,
        mouse: tui.mouse,
        serve,
        watch,
        demo: None,
        log,
    })
}

/// `obsmon` and `obsmon demo` on a terminal: the dashboard over a streamed synthetic sky.
pub fn demo_tui(
    cfg: &Config,
    size: usize,
    cadence: f64,
    tui: crate::cli::TuiFlags,
    serve: Option<std::net::SocketAddr>,
    log: obsmon::tui::data::LogBuf,
) -> Result<u8> {
    if !(cadence.is_finite() && cadence > 0.0) {
        bail!("--cadence {cadence}: expected a positive number of seconds");
    }
    if !(64..=8192).contains(&size) {
        bail!("--size {size}: expected 64 to 8192 pixels");
    }
    let tmp = tempfile::Builder::new()
        .prefix("obsmon-demo-")
        .tempdir()
        .context("cannot create a temporary directory")?;
    let images = tmp.path().join("images");
    std::fs::create_dir_all(&images)?;
    let mut watch = watch_options(cfg, None, Some(30.0), Some(0.5), None)?;
    watch.worker.params = cfg.source_params();
    let r = run_dashboard(obsmon::tui::Options {
        dirs: vec![images.clone()],
        db: tmp.path().join("demo.redb"),
        cfg: cfg.clone(),
        color: tui.color,
        mouse: tui.mouse,
        serve,
        watch,
        demo: Some(obsmon::tui::demo::DemoOptions {
            dir: images,
            size,
            cadence: std::time::Duration::from_secs_f64(cadence),
            backfill: 12,
        }),
        log,
    });
    // The temporary directory (images and database) goes with `tmp`.
    drop(tmp);
    r
}

fn run_dashboard(opts: obsmon::tui::Options) -> Result<u8> {
    use std::io::IsTerminal;
    if !io::stdout().is_terminal() {
        bail!("the dashboard needs a terminal; for scripts use `obsmon index`, `obsmon images --json` or `obsmon health`");
    }
    obsmon::tui::run(opts)?;
    Ok(exit::OK)
}

/// Finds an image by id or path.
fn find_image(store: &Store, target: &str) -> Result<ImageRecord> {
    let rec = match target.parse::<u64>() {
        Ok(id) if !Path::new(target).exists() => store.image(id)?,
        _ => {
            let abs = std::path::absolute(target).unwrap_or_else(|_| PathBuf::from(target));
            match store.image_by_path(&abs.to_string_lossy())? {
                Some(r) => Some(r),
                None => store.image_by_path(target)?,
            }
        }
    };
    match rec {
        Some(r) => Ok(r),
        None => bail!(
            "{target}: not in the database {} (index it first)",
            store.path().display()
        ),
    }
}

/// `obsmon sources`.
#[allow(clippy::too_many_arguments)]
pub fn sources(
    db: &Path,
    json: bool,
    csv: bool,
    cone: Option<String>,
    variable: bool,
    min_detections: u32,
    sort: Option<String>,
    limit: usize,
) -> Result<u8> {
    let cone = match cone {
        Some(c) => {
            let v: Vec<f64> = c
                .split(',')
                .map(|x| x.trim().parse::<f64>())
                .collect::<Result<Vec<f64>, _>>()
                .ok()
                .filter(|v| v.len() == 3 && v[2] > 0.0 && v[1].abs() <= 90.0)
                .with_context(|| {
                    format!(
                        "--cone {c:?}: expected RA,DEC,RADIUS_ARCSEC (degrees, degrees, arcsec), e.g. 150.1,37.2,60"
                    )
                })?;
            Some((v[0], v[1], v[2]))
        }
        None => None,
    };
    let store = open_store(db)?;
    let rows = store.sources(&obsmon::store::SourceQuery {
        cone,
        variable,
        min_detections,
        sort,
        limit: Some(limit),
    })?;
    output::print_rows(
        &rows,
        json,
        csv,
        &[
            "ID", "NAME", "RA", "DEC", "N", "FORCED", "MEAN_mJy", "V", "ETA", "VARIABLE",
        ],
        |s| {
            vec![
                s.id.to_string(),
                s.name.clone(),
                format!("{:.5}", s.ra_deg),
                format!("{:.5}", s.dec_deg),
                s.n_detections.to_string(),
                s.n_forced.to_string(),
                format!("{:.2}", s.mean_flux_jy * 1e3),
                format!("{:.3}", s.v),
                format!("{:.2}", s.eta),
                if s.is_variable { "yes" } else { "" }.into(),
            ]
        },
    )?;
    Ok(exit::OK)
}

/// One row of `obsmon lightcurve`.
#[derive(serde::Serialize)]
struct LightPoint {
    mjd: f64,
    flux_jy: f64,
    flux_err_jy: f64,
    peak_jy: f64,
    peak_err_jy: f64,
    snr: f64,
    forced: bool,
    image_id: u64,
    image: String,
}

/// `obsmon lightcurve NAME|ID`.
pub fn lightcurve(db: &Path, source: &str, json: bool, csv: bool) -> Result<u8> {
    let store = open_store(db)?;
    let Some(src) = store.source(source)? else {
        bail!("{source}: no such sky source (see `obsmon sources`)");
    };
    let mut paths: std::collections::HashMap<u64, String> = std::collections::HashMap::new();
    let mut rows = Vec::new();
    for d in store.lightcurve(src.id)? {
        if let std::collections::hash_map::Entry::Vacant(e) = paths.entry(d.image_id) {
            e.insert(store.image(d.image_id)?.map(|r| r.path).unwrap_or_default());
        }
        rows.push(LightPoint {
            mjd: d.mjd,
            flux_jy: d.flux_jy,
            flux_err_jy: d.flux_err_jy,
            peak_jy: d.peak_jy,
            peak_err_jy: d.peak_err_jy,
            snr: d.snr,
            forced: d.forced,
            image_id: d.image_id,
            image: paths[&d.image_id].clone(),
        });
    }
    let mut out = io::stdout().lock();
    if json {
        output::json_array(&mut out, &rows)?;
    } else if csv {
        output::csv(&mut out, &rows)?;
    } else {
        writeln!(
            out,
            "{}  RA {:.5}  Dec {:.5}  V {:.3}  eta {:.2}{}",
            src.name,
            src.ra_deg,
            src.dec_deg,
            src.v,
            src.eta,
            if src.is_variable { "  VARIABLE" } else { "" }
        )?;
        let cells: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                vec![
                    format!("{:.6}", r.mjd),
                    format!("{:.3}", r.peak_jy * 1e3),
                    format!("{:.3}", r.peak_err_jy * 1e3),
                    format!("{:.3}", r.flux_jy * 1e3),
                    format!("{:.1}", r.snr),
                    if r.forced { "forced" } else { "" }.into(),
                    output::file_name(&r.image),
                ]
            })
            .collect();
        output::table(
            &mut out,
            &["MJD", "PEAK_mJy", "ERR_mJy", "FLUX_mJy", "SNR", "", "IMAGE"],
            &cells,
        )?;
    }
    Ok(exit::OK)
}

/// `obsmon detections IMAGE`.
pub fn detections(db: &Path, image: &str, json: bool) -> Result<u8> {
    let store = open_store(db)?;
    let rec = find_image(&store, image)?;
    let rows = store.detections_of_image(rec.id)?;
    output::print_rows(
        &rows,
        json,
        false,
        &[
            "ID", "SOURCE", "RA", "DEC", "PEAK_mJy", "FLUX_mJy", "SNR", "FLAGS", "",
        ],
        |d| {
            vec![
                d.id.to_string(),
                d.source_id.to_string(),
                format!("{:.6}", d.ra_deg),
                format!("{:.6}", d.dec_deg),
                format!("{:.3}", d.peak_jy * 1e3),
                format!("{:.3}", d.flux_jy * 1e3),
                format!("{:.1}", d.snr),
                d.flags.to_string(),
                if d.forced { "forced" } else { "" }.into(),
            ]
        },
    )?;
    Ok(exit::OK)
}
