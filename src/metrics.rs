//! The Prometheus text exposition (format 0.0.4): `obsmon_*` names, HELP and TYPE lines, counters
//! ending `_total`, a histogram of ingest latency, and the health check states as gauges.
//! Written to a file for node_exporter's textfile collector, or served on `/metrics`.

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::Utc;

use crate::config::Config;
use crate::health::{self, State};
use crate::store::schema::{KEY_DONE_TOTAL, KEY_FAILED_TOTAL, KEY_LATENCY_SUM_MS, LATENCY_BUCKETS};
use crate::store::{latency_key, Store};

fn family(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// Renders the exposition.
pub fn exposition(store: &Store, cfg: &Config) -> crate::store::Result<String> {
    let now = Utc::now();
    let stats = crate::stats::compute(store, now)?;
    let checks = health::run_checks(store, cfg, now)?;
    let mut o = String::new();

    family(
        &mut o,
        "obsmon_images",
        "gauge",
        "Indexed images present on disk, by product type.",
    );
    for (t, n) in &stats.totals.images_by_type {
        let _ = writeln!(o, "obsmon_images{{type=\"{}\"}} {n}", label(t));
    }
    family(
        &mut o,
        "obsmon_images_missing",
        "gauge",
        "Indexed images whose file has vanished.",
    );
    let _ = writeln!(o, "obsmon_images_missing {}", stats.totals.images_missing);
    family(
        &mut o,
        "obsmon_sky_sources",
        "gauge",
        "Sky sources (objects across images).",
    );
    let _ = writeln!(o, "obsmon_sky_sources {}", stats.totals.sky_sources);
    family(
        &mut o,
        "obsmon_variable_sources",
        "gauge",
        "Sky sources flagged variable.",
    );
    let _ = writeln!(
        o,
        "obsmon_variable_sources {}",
        stats.totals.variable_sources
    );
    family(
        &mut o,
        "obsmon_detections",
        "gauge",
        "Stored measurements (detections and forced).",
    );
    let _ = writeln!(o, "obsmon_detections {}", stats.totals.detections);
    family(
        &mut o,
        "obsmon_jobs",
        "gauge",
        "Indexing jobs (one per file) by state.",
    );
    for (s, n) in &stats.totals.jobs_by_state {
        let _ = writeln!(o, "obsmon_jobs{{state=\"{}\"}} {n}", label(s));
    }
    family(
        &mut o,
        "obsmon_images_indexed_total",
        "counter",
        "Files indexed successfully, ever.",
    );
    let _ = writeln!(
        o,
        "obsmon_images_indexed_total {}",
        store.counter(KEY_DONE_TOTAL)?
    );
    family(
        &mut o,
        "obsmon_index_failures_total",
        "counter",
        "Indexing attempts that failed, ever.",
    );
    let _ = writeln!(
        o,
        "obsmon_index_failures_total {}",
        store.counter(KEY_FAILED_TOTAL)?
    );

    family(
        &mut o,
        "obsmon_ingest_latency_seconds",
        "histogram",
        "Time from a file's last write to its commit.",
    );
    for b in LATENCY_BUCKETS {
        let _ = writeln!(
            o,
            "obsmon_ingest_latency_seconds_bucket{{le=\"{b}\"}} {}",
            store.counter(&latency_key(*b))?
        );
    }
    let count = store.counter(KEY_DONE_TOTAL)?;
    let _ = writeln!(
        o,
        "obsmon_ingest_latency_seconds_bucket{{le=\"+Inf\"}} {count}"
    );
    let _ = writeln!(
        o,
        "obsmon_ingest_latency_seconds_sum {}",
        store.counter(KEY_LATENCY_SUM_MS)? as f64 / 1000.0
    );
    let _ = writeln!(o, "obsmon_ingest_latency_seconds_count {count}");

    family(
        &mut o,
        "obsmon_database_size_bytes",
        "gauge",
        "Size of the database file.",
    );
    let _ = writeln!(
        o,
        "obsmon_database_size_bytes {}",
        stats.database_size_bytes
    );

    family(
        &mut o,
        "obsmon_check_state",
        "gauge",
        "Health check state: 0 OK, 1 WARN, 2 CRIT, 3 UNKNOWN.",
    );
    for c in &checks {
        let _ = writeln!(
            o,
            "obsmon_check_state{{check=\"{}\"}} {}",
            label(&c.name),
            c.state.exit_code()
        );
    }
    family(
        &mut o,
        "obsmon_check_value",
        "gauge",
        "Health check value (unit in the label).",
    );
    for c in &checks {
        if let Some(v) = c.value.filter(|v| v.is_finite()) {
            let _ = writeln!(
                o,
                "obsmon_check_value{{check=\"{}\",unit=\"{}\"}} {v}",
                label(&c.name),
                label(&c.unit)
            );
        }
    }
    family(
        &mut o,
        "obsmon_health",
        "gauge",
        "Overall health: 0 OK, 1 WARN, 2 CRIT, 3 UNKNOWN.",
    );
    let _ = writeln!(o, "obsmon_health {}", health::overall(&checks).exit_code());
    let _ = State::Ok;
    Ok(o)
}

/// Writes the exposition atomically (temporary file in the same directory, then rename).
pub fn write_file(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Serves `GET /metrics` on `addr` until `stop` is set (a small blocking server on one thread:
/// scrapes are rare and cheap).
pub fn serve(
    addr: SocketAddr,
    store: &Store,
    cfg: &Config,
    stop: &AtomicBool,
) -> std::io::Result<()> {
    if !addr.ip().is_loopback() {
        tracing::warn!("serving metrics on {addr}, which is not a loopback address");
    }
    let listener = TcpListener::bind(addr)?;
    listener.set_nonblocking(true)?;
    while !stop.load(Ordering::Relaxed) {
        match listener.accept() {
            Ok((mut conn, _)) => {
                let _ = conn.set_nonblocking(false);
                let _ = conn.set_read_timeout(Some(Duration::from_secs(2)));
                let mut first = String::new();
                let mut reader = BufReader::new(match conn.try_clone() {
                    Ok(c) => c,
                    Err(_) => continue,
                });
                if reader.read_line(&mut first).is_err() {
                    continue;
                }
                // Drain the request headers.
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let path = first.split_whitespace().nth(1).unwrap_or("");
                let (status, ctype, body) = if first.starts_with("GET ")
                    && (path == "/metrics" || path.starts_with("/metrics?"))
                {
                    match exposition(store, cfg) {
                        Ok(b) => ("200 OK", "text/plain; version=0.0.4; charset=utf-8", b),
                        Err(e) => ("500 Internal Server Error", "text/plain", format!("{e}\n")),
                    }
                } else {
                    (
                        "404 Not Found",
                        "text/plain",
                        "only /metrics is served here\n".into(),
                    )
                };
                let _ = write!(
                    conn,
                    "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(e) => tracing::warn!("metrics listener: {e}"),
        }
    }
    Ok(())
}
