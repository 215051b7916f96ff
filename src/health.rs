//! Health checks: one set, the same for the dashboard, `obsmon health` (Nagios/Icinga) and
//! Prometheus. Each check has a value, a warning and a critical threshold, and a state.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::config::Config;
use crate::fits::naming;
use crate::store::{Result, Store};

/// A check's state, in Nagios order of severity (exit codes 0..3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "UPPERCASE")]
pub enum State {
    /// Fine.
    Ok,
    /// Look at it.
    Warn,
    /// Act now.
    Crit,
    /// Could not be evaluated.
    Unknown,
}

impl State {
    /// The Nagios plugin exit code.
    pub fn exit_code(self) -> u8 {
        match self {
            State::Ok => 0,
            State::Warn => 1,
            State::Crit => 2,
            State::Unknown => 3,
        }
    }

    /// The Nagios word.
    pub fn word(self) -> &'static str {
        match self {
            State::Ok => "OK",
            State::Warn => "WARNING",
            State::Crit => "CRITICAL",
            State::Unknown => "UNKNOWN",
        }
    }
}

/// One check.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Check {
    /// Stable name (perfdata label, Prometheus label).
    pub name: String,
    /// The measured value (null when unknown).
    pub value: Option<f64>,
    /// Unit of value and thresholds (Nagios UOM: s, %, B, or empty).
    pub unit: String,
    /// Warning threshold.
    pub warn: Option<f64>,
    /// Critical threshold.
    pub crit: Option<f64>,
    /// The state.
    pub state: State,
    /// One line for people.
    pub message: String,
}

/// Grades a value: `higher_is_worse` for ages and counts, not for free space and dynamic range.
pub fn grade(value: f64, warn: f64, crit: f64, higher_is_worse: bool) -> State {
    if higher_is_worse {
        if value > crit {
            State::Crit
        } else if value > warn {
            State::Warn
        } else {
            State::Ok
        }
    } else if value < crit {
        State::Crit
    } else if value < warn {
        State::Warn
    } else {
        State::Ok
    }
}

fn check(
    name: &str,
    value: Option<f64>,
    unit: &str,
    warn: f64,
    crit: f64,
    higher_is_worse: bool,
    message: String,
) -> Check {
    let state = value.map_or(State::Unknown, |v| grade(v, warn, crit, higher_is_worse));
    Check {
        name: name.into(),
        value,
        unit: unit.into(),
        warn: Some(warn),
        crit: Some(crit),
        state,
        message,
    }
}

/// Free and total bytes of the filesystem holding `path`.
pub fn disk_space(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::ffi::OsStrExt;
    let mut p = path.to_path_buf();
    while !p.exists() {
        p = p.parent()?.to_path_buf();
    }
    let c = std::ffi::CString::new(p.as_os_str().as_bytes()).ok()?;
    // SAFETY: statvfs fills the zeroed struct for a valid NUL-terminated path.
    let mut s: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(c.as_ptr(), &mut s) } != 0 {
        return None;
    }
    let frsize = s.f_frsize as u64;
    Some((s.f_bavail as u64 * frsize, s.f_blocks as u64 * frsize))
}

/// Orders images by when they were written, then (files written within the filesystem's
/// timestamp granularity tie) by observation time.
pub fn newest_order(
    a: &crate::store::records::ImageRecord,
    b: &crate::store::records::ImageRecord,
) -> std::cmp::Ordering {
    a.mtime_ns
        .cmp(&b.mtime_ns)
        .then(a.mjd.unwrap_or(0.0).total_cmp(&b.mjd.unwrap_or(0.0)))
}

/// Runs every check.
pub fn run_checks(store: &Store, cfg: &Config, now: DateTime<Utc>) -> Result<Vec<Check>> {
    let h = &cfg.health;
    let mut out = Vec::new();
    let recent = store.images(&crate::store::ImageQuery {
        limit: Some(500),
        ..Default::default()
    })?;
    let newest = recent
        .iter()
        .filter(|r| naming::is_science(&r.kind))
        .max_by(|a, b| crate::health::newest_order(a, b));

    // Age of the newest science image (by the file's mtime: when the pipeline wrote it).
    let age =
        newest.map(|r| (now - DateTime::from_timestamp_nanos(r.mtime_ns)).num_seconds() as f64);
    out.push(check(
        "newest_image_age",
        age,
        "s",
        h.newest_image_warn_min * 60.0,
        h.newest_image_crit_min * 60.0,
        true,
        match (newest, age) {
            (Some(r), Some(a)) => format!(
                "newest science image {} written {:.1} min ago",
                crate::output::file_name(&r.path),
                a / 60.0
            ),
            _ => "no science image indexed yet".into(),
        },
    ));

    // Free space: watched directories and the database's filesystem.
    let lease = store.lease()?;
    let mut watched: Vec<PathBuf> = lease
        .as_ref()
        .map(|l| l.dirs.iter().map(PathBuf::from).collect())
        .unwrap_or_default();
    if watched.is_empty() {
        watched = cfg.watch.dirs.clone();
    }
    if watched.is_empty() {
        if let Some(r) = recent.first() {
            if let Some(p) = Path::new(&r.path).parent() {
                watched.push(p.to_path_buf());
            }
        }
    }
    let mut spaces: Vec<(&str, Option<PathBuf>)> =
        vec![("disk_free_images", watched.first().cloned())];
    spaces.push(("disk_free_db", Some(store.path().to_path_buf())));
    for (name, path) in spaces {
        let space = path.as_deref().and_then(disk_space);
        let mut c = check(
            name,
            space.map(|(f, t)| {
                if t > 0 {
                    100.0 * f as f64 / t as f64
                } else {
                    0.0
                }
            }),
            "%",
            h.disk_free_warn_pct,
            h.disk_free_crit_pct,
            false,
            match (&path, space) {
                (Some(p), Some((f, t))) => format!(
                    "{}: {:.1} GB free of {:.1} GB",
                    p.display(),
                    f as f64 / 1e9,
                    t as f64 / 1e9
                ),
                (Some(p), None) => format!("{}: cannot stat the filesystem", p.display()),
                (None, _) => "no watched directory known".into(),
            },
        );
        if let Some((f, _)) = space {
            let gb = grade(
                f as f64 / 1e9,
                h.disk_free_warn_gb,
                h.disk_free_crit_gb,
                false,
            );
            if gb > c.state {
                c.state = gb;
                c.message.push_str(&format!(
                    " (below the {} GB floor)",
                    if gb == State::Crit {
                        h.disk_free_crit_gb
                    } else {
                        h.disk_free_warn_gb
                    }
                ));
            }
        }
        out.push(c);
    }

    // Backlog of the live indexer.
    let (backlog, oldest_s) = store.backlog()?;
    let live = lease.as_ref().is_some_and(|l| l.is_fresh());
    out.push(check(
        "backlog",
        Some(if live { backlog as f64 } else { 0.0 }),
        "",
        h.backlog_warn,
        h.backlog_crit,
        true,
        format!("{} files waiting", if live { backlog } else { 0 }),
    ));
    out.push(check(
        "backlog_oldest",
        Some(if live { oldest_s as f64 } else { 0.0 }),
        "s",
        h.backlog_age_warn_min * 60.0,
        h.backlog_age_crit_min * 60.0,
        true,
        format!(
            "oldest waiting file seen {} s ago",
            if live { oldest_s } else { 0 }
        ),
    ));

    // Failures over the last hour, and incomplete files that stay incomplete.
    // Both read only the rows they count (job indexes), whatever the table's size.
    let hour_ago = now - Duration::hours(1);
    let recent_jobs: Vec<_> = store
        .jobs_finished_since(hour_ago.timestamp_millis())?
        .into_iter()
        .filter(|j| j.state == "done" || j.state == "failed")
        .collect();
    let failed = recent_jobs.iter().filter(|j| j.state == "failed").count();
    let rate = if recent_jobs.is_empty() {
        0.0
    } else {
        100.0 * failed as f64 / recent_jobs.len() as f64
    };
    out.push(check(
        "failure_rate",
        Some(rate),
        "%",
        h.failure_rate_warn_pct,
        h.failure_rate_crit_pct,
        true,
        format!(
            "{failed} of {} attempts failed in the last hour",
            recent_jobs.len()
        ),
    ));
    let old = now - Duration::milliseconds((h.incomplete_age_min * 60_000.0) as i64);
    let stale_incomplete = store
        .jobs_in_state("incomplete", usize::MAX)?
        .iter()
        .filter(|j| j.state == "incomplete" && DateTime::from_timestamp_nanos(j.mtime_ns) < old)
        .count();
    out.push(check(
        "incomplete_old",
        Some(stale_incomplete as f64),
        "",
        h.incomplete_warn,
        h.incomplete_crit,
        true,
        format!(
            "{stale_incomplete} files incomplete for more than {} min (writer stopped?)",
            h.incomplete_age_min
        ),
    ));

    // The live indexer.
    let heartbeat_age = |l: &crate::store::lease::Lease| {
        ((crate::store::lease::now_ms() - l.heartbeat_ms) as f64 / 1000.0).max(0.0)
    };
    let (value, state, message) = match &lease {
        Some(l) if l.is_fresh() => (
            Some(heartbeat_age(l)),
            State::Ok,
            format!(
                "pid {} on {} keeps {} current",
                l.pid,
                l.host,
                l.dirs.join(", ")
            ),
        ),
        Some(l) => (
            Some(heartbeat_age(l)),
            State::Crit,
            format!(
                "lease of pid {} on {} is stale (no heartbeat)",
                l.pid, l.host
            ),
        ),
        None => (
            None,
            State::Warn,
            "no live indexer (only cron runs keep the index current)".into(),
        ),
    };
    out.push(Check {
        name: "live_indexer".into(),
        value,
        unit: "s".into(),
        warn: None,
        crit: lease
            .is_some()
            .then(|| crate::store::lease::STALE_AFTER.as_secs_f64()),
        state,
        message,
    });

    // Quality of the newest science image.
    let noise = newest.and_then(|r| r.noise_jy).map(|n| n * 1e3);
    out.push(check(
        "newest_noise_mjy",
        noise,
        "",
        h.noise_warn_mjy,
        h.noise_crit_mjy,
        true,
        match noise {
            Some(n) => format!("noise {n:.3} mJy/beam"),
            None => "no noise measured".into(),
        },
    ));
    let dr = newest.and_then(|r| r.dynamic_range);
    out.push(check(
        "newest_dynamic_range",
        dr,
        "",
        h.dynamic_range_warn,
        h.dynamic_range_crit,
        false,
        match dr {
            Some(d) => format!("dynamic range {d:.0}"),
            None => "no dynamic range measured".into(),
        },
    ));

    // Database size, growth and days to full.
    let size = std::fs::metadata(store.path())
        .map(|m| m.len())
        .unwrap_or(0) as f64;
    let samples = store.size_samples()?;
    let week_ago = now.timestamp() - 7 * 86_400;
    let growth = samples
        .iter()
        .find(|(t, _)| *t >= week_ago)
        .filter(|(t, _)| now.timestamp() - t >= 3600)
        .map(|(t, b)| (size - *b as f64) / ((now.timestamp() - t) as f64 / 86_400.0));
    let free = disk_space(store.path()).map(|(f, _)| f as f64);
    let days = match (growth, free) {
        (Some(g), Some(f)) if g > 0.0 => Some(f / g),
        (Some(_), Some(_)) => Some(f64::INFINITY),
        _ => None,
    };
    let mut c = check(
        "db_days_to_full",
        days.map(|d| d.min(1e6)),
        "",
        h.days_to_full_warn,
        h.days_to_full_crit,
        false,
        format!(
            "database {:.1} MB, growing {}",
            size / 1e6,
            growth.map_or("(not enough history yet)".to_string(), |g| format!(
                "{:.1} MB/day",
                g / 1e6
            ))
        ),
    );
    if days.is_none() {
        // Not enough history is not a problem.
        c.state = State::Ok;
    }
    out.push(c);

    // Pipeline runs stuck without their expected products.
    let day_ago = now - Duration::hours(24);
    let runs = crate::stats::recent_runs(store, &cfg.runs, now, day_ago - Duration::hours(1))?;
    let stuck = runs
        .iter()
        .filter(|r| r.status == "partial")
        .filter(|r| {
            DateTime::parse_from_rfc3339(&r.started_at)
                .is_ok_and(|t| t.with_timezone(&Utc) >= day_ago)
        })
        .count();
    out.push(check(
        "stuck_runs",
        Some(stuck as f64),
        "",
        h.stuck_runs_warn,
        f64::INFINITY,
        true,
        format!(
            "{stuck} runs in the last 24 h missing expected products after {} min",
            cfg.runs.timeout_min
        ),
    ));
    Ok(out)
}

/// The overall state: CRIT if any, else WARN if any, else UNKNOWN if any, else OK.
pub fn overall(checks: &[Check]) -> State {
    let any = |s: State| checks.iter().any(|c| c.state == s);
    if any(State::Crit) {
        State::Crit
    } else if any(State::Warn) {
        State::Warn
    } else if any(State::Unknown) {
        State::Unknown
    } else {
        State::Ok
    }
}

/// The Nagios plugin output: one status line, then perfdata after `|`.
pub fn nagios(checks: &[Check]) -> String {
    let st = overall(checks);
    let bad: Vec<String> = checks
        .iter()
        .filter(|c| c.state != State::Ok)
        .map(|c| format!("{} {}: {}", c.name, c.state.word(), c.message))
        .collect();
    let summary = if bad.is_empty() {
        format!("{} checks OK", checks.len())
    } else {
        bad.join("; ")
    };
    let perf: Vec<String> = checks
        .iter()
        .filter_map(|c| {
            let v = c.value?;
            let t = |x: Option<f64>| x.filter(|x| x.is_finite()).map(fmt_num).unwrap_or_default();
            let min = if c.unit == "%" || v >= 0.0 { "0" } else { "" };
            let max = if c.unit == "%" { "100" } else { "" };
            Some(format!(
                "'{}'={}{};{};{};{};{}",
                c.name,
                fmt_num(v),
                c.unit,
                t(c.warn),
                t(c.crit),
                min,
                max
            ))
        })
        .collect();
    format!("OBSMON {} - {} | {}", st.word(), summary, perf.join(" "))
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grading() {
        assert_eq!(grade(10.0, 15.0, 60.0, true), State::Ok);
        assert_eq!(grade(16.0, 15.0, 60.0, true), State::Warn);
        assert_eq!(grade(61.0, 15.0, 60.0, true), State::Crit);
        assert_eq!(grade(20.0, 15.0, 5.0, false), State::Ok);
        assert_eq!(grade(10.0, 15.0, 5.0, false), State::Warn);
        assert_eq!(grade(4.0, 15.0, 5.0, false), State::Crit);
    }
}
