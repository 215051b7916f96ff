//! Aggregates for `obsmon stats`, the dashboard and Prometheus, and the pipeline runs derived
//! from the products that land in the directory.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::config::RunsConfig;
use crate::fits::{meta, naming};
use crate::store::records::{ImageRecord, JobRecord};
use crate::store::{Result, Store};

/// `obsmon stats --json`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Stats {
    /// Totals over the whole database.
    pub totals: Totals,
    /// Counts over the last 24 hours (by file mtime for images, finish time for jobs).
    pub last_24h: Last24h,
    /// Images per hour (by file mtime) for the last 48 hours, oldest first.
    pub images_per_hour: Vec<HourCount>,
    /// Median noise of science images per hour for the last 48 hours.
    pub median_noise_per_hour: Vec<HourNoise>,
    /// Dynamic range of science images: counts at or below each bound.
    pub dynamic_range_histogram: Vec<Bucket>,
    /// Images per field name.
    pub fields: BTreeMap<String, u64>,
    /// Ingest throughput and latency (file mtime -> indexed), last 24 hours.
    pub ingest: Ingest,
    /// The database file's size.
    pub database_size_bytes: u64,
    /// When this was computed.
    pub generated_at: String,
}

/// Totals.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Totals {
    /// Image rows that are not missing.
    pub images: u64,
    /// Per product type.
    pub images_by_type: BTreeMap<String, u64>,
    /// Vanished files.
    pub images_missing: u64,
    /// Sky sources.
    pub sky_sources: u64,
    /// Variable sky sources.
    pub variable_sources: u64,
    /// Measurements (detections and forced).
    pub detections: u64,
    /// Per job state.
    pub jobs_by_state: BTreeMap<String, u64>,
}

/// The last 24 hours.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Last24h {
    /// Images written.
    pub images: u64,
    /// Science images written.
    pub science_images: u64,
    /// Attempts that failed.
    pub failed: u64,
    /// Detections in those images.
    pub detections: u64,
}

/// One hour's count.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HourCount {
    /// Start of the hour, ISO 8601.
    pub hour: String,
    /// Images.
    pub count: u64,
}

/// One hour's median noise.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct HourNoise {
    /// Start of the hour.
    pub hour: String,
    /// Median noise, Jy/beam (null when no science image).
    pub median_noise_jy: Option<f64>,
}

/// A histogram bucket.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Bucket {
    /// Upper bound (inclusive); `null` for the overflow bucket.
    pub le: Option<f64>,
    /// Count in this bucket (not cumulative).
    pub count: u64,
}

/// Ingest figures.
#[derive(Debug, Clone, Serialize, PartialEq, Default)]
pub struct Ingest {
    /// Images indexed in the last 24 h per hour.
    pub images_per_hour_24h: f64,
    /// Latency percentiles (file mtime -> indexed), seconds.
    pub latency_p50_s: Option<f64>,
    /// 95th percentile.
    pub latency_p95_s: Option<f64>,
    /// 99th percentile.
    pub latency_p99_s: Option<f64>,
}

fn parse_iso(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn mtime_of(r: &ImageRecord) -> DateTime<Utc> {
    DateTime::from_timestamp_nanos(r.mtime_ns)
}

/// Percentile (0..1) of sorted values.
pub fn percentile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    Some(sorted[((sorted.len() as f64 - 1.0) * q).round() as usize])
}

/// Computes the statistics.
pub fn compute(store: &Store, now: DateTime<Utc>) -> Result<Stats> {
    let images = store.all_images()?;
    let jobs = store.jobs(None, None)?;
    let sources = store.sources(&Default::default())?;
    let (_, n_det) = store.source_counts()?;
    let mut totals = Totals {
        sky_sources: sources.len() as u64,
        variable_sources: sources.iter().filter(|s| s.is_variable).count() as u64,
        detections: n_det,
        ..Default::default()
    };
    for st in crate::store::records::JOB_STATES {
        totals.jobs_by_state.insert(st.to_string(), 0);
    }
    for j in &jobs {
        *totals.jobs_by_state.entry(j.state.clone()).or_default() += 1;
    }
    let day_ago = now - Duration::hours(24);
    let hour0 = truncate_hour(now) - Duration::hours(47);
    let mut per_hour = vec![0u64; 48];
    let mut noise_hour: Vec<Vec<f64>> = vec![Vec::new(); 48];
    let mut dr_bounds: Vec<(Option<f64>, u64)> =
        [10.0, 30.0, 100.0, 300.0, 1000.0, 3000.0, 10000.0]
            .iter()
            .map(|b| (Some(*b), 0))
            .chain(std::iter::once((None, 0)))
            .collect();
    let mut fields = BTreeMap::new();
    let mut last = Last24h::default();
    let mut latencies = Vec::new();
    for r in &images {
        if r.state == "missing" {
            totals.images_missing += 1;
            continue;
        }
        totals.images += 1;
        *totals.images_by_type.entry(r.kind.clone()).or_default() += 1;
        if let Some(f) = &r.field_name {
            *fields.entry(f.clone()).or_default() += 1;
        }
        let science = naming::is_science(&r.kind);
        if science {
            if let Some(dr) = r.dynamic_range {
                let slot = dr_bounds
                    .iter()
                    .position(|(b, _)| b.is_none_or(|b| dr <= b))
                    .unwrap_or(dr_bounds.len() - 1);
                dr_bounds[slot].1 += 1;
            }
        }
        let mt = mtime_of(r);
        if mt >= day_ago {
            last.images += 1;
            if science {
                last.science_images += 1;
                last.detections += r.n_sources.unwrap_or(0) as u64;
            }
            if let Some(ix) = parse_iso(&r.indexed_at) {
                latencies.push(((ix - mt).num_milliseconds() as f64 / 1000.0).max(0.0));
            }
        }
        if mt >= hour0 {
            let h = ((mt - hour0).num_hours()).clamp(0, 47) as usize;
            per_hour[h] += 1;
            if science {
                if let Some(n) = r.noise_jy {
                    noise_hour[h].push(n);
                }
            }
        }
    }
    last.failed = jobs
        .iter()
        .filter(|j| j.state == "failed")
        .filter(|j| {
            j.finished_at
                .as_deref()
                .and_then(parse_iso)
                .is_some_and(|t| t >= day_ago)
        })
        .count() as u64;
    latencies.sort_by(|a, b| a.total_cmp(b));
    let hours = |i: usize| meta::iso(hour0 + Duration::hours(i as i64));
    Ok(Stats {
        totals,
        images_per_hour: per_hour
            .iter()
            .enumerate()
            .map(|(i, c)| HourCount {
                hour: hours(i),
                count: *c,
            })
            .collect(),
        median_noise_per_hour: noise_hour
            .iter_mut()
            .enumerate()
            .map(|(i, v)| {
                v.sort_by(|a, b| a.total_cmp(b));
                HourNoise {
                    hour: hours(i),
                    median_noise_jy: percentile(v, 0.5),
                }
            })
            .collect(),
        dynamic_range_histogram: dr_bounds
            .into_iter()
            .map(|(le, count)| Bucket { le, count })
            .collect(),
        fields,
        ingest: Ingest {
            images_per_hour_24h: last.images as f64 / 24.0,
            latency_p50_s: percentile(&latencies, 0.5),
            latency_p95_s: percentile(&latencies, 0.95),
            latency_p99_s: percentile(&latencies, 0.99),
        },
        last_24h: last,
        database_size_bytes: std::fs::metadata(store.path())
            .map(|m| m.len())
            .unwrap_or(0),
        generated_at: meta::iso(now),
    })
}

fn truncate_hour(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp() - t.timestamp().rem_euclid(3600), 0).unwrap_or(t)
}

/// One pipeline run: the products that share a `group_id`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Run {
    /// `job-YYYY-MM-DD-HHMMSS`, as the original pipeline named its jobs.
    pub run_id: String,
    /// The shared timestamp.
    pub group_id: String,
    /// running, completed, partial or failed.
    pub status: String,
    /// First product's mtime.
    pub started_at: String,
    /// Last product's mtime (null while running).
    pub finished_at: Option<String>,
    /// Expected product types not (yet) present.
    pub missing: Vec<String>,
    /// The products.
    pub products: Vec<Product>,
}

/// One product of a run.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Product {
    /// Product type.
    #[serde(rename = "type")]
    pub kind: String,
    /// The file.
    pub path: String,
    /// Job state of the file (done, failed, incomplete, ...).
    pub state: String,
    /// Image id when indexed.
    pub image_id: Option<u64>,
}

/// The runs, newest first.
pub fn runs(store: &Store, cfg: &RunsConfig, now: DateTime<Utc>) -> Result<Vec<Run>> {
    let images = store.all_images()?;
    let jobs = store.jobs(None, None)?;
    runs_from(&images, &jobs, cfg, now)
}

/// The runs with a product finished at or after `since` or still queued or running: reads only
/// those jobs and their images (job and path indexes), so it stays cheap on a large database.
pub fn recent_runs(
    store: &Store,
    cfg: &RunsConfig,
    now: DateTime<Utc>,
    since: DateTime<Utc>,
) -> Result<Vec<Run>> {
    let mut jobs = store.jobs_finished_since(since.timestamp_millis())?;
    for state in ["queued", "running"] {
        jobs.extend(store.jobs_in_state(state, usize::MAX)?);
    }
    let mut images = Vec::new();
    for j in &jobs {
        if let Some(img) = store.image_by_path(&j.path)? {
            images.push(img);
        }
    }
    runs_from(&images, &jobs, cfg, now)
}

/// The runs of these rows (pure, for tests).
pub fn runs_from(
    images: &[ImageRecord],
    jobs: &[JobRecord],
    cfg: &RunsConfig,
    now: DateTime<Utc>,
) -> Result<Vec<Run>> {
    let by_path: HashMap<&str, &ImageRecord> =
        images.iter().map(|r| (r.path.as_str(), r)).collect();
    let mut groups: BTreeMap<String, Vec<(Product, i64)>> = BTreeMap::new();
    for j in jobs {
        let name = std::path::Path::new(&j.path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Some((group, _)) = naming::name_timestamp(&name) else {
            continue;
        };
        let img = by_path.get(j.path.as_str());
        if img.is_some_and(|r| r.state == "missing") {
            continue;
        }
        groups.entry(group).or_default().push((
            Product {
                kind: naming::product_type(&name).to_string(),
                path: j.path.clone(),
                state: j.state.clone(),
                image_id: img.map(|r| r.id),
            },
            j.mtime_ns,
        ));
    }
    let timeout = Duration::milliseconds((cfg.timeout_min * 60_000.0) as i64);
    let mut out: Vec<Run> = groups
        .into_iter()
        .map(|(group, products)| {
            let first = products.iter().map(|p| p.1).min().unwrap_or(0);
            let last = products.iter().map(|p| p.1).max().unwrap_or(0);
            let missing: Vec<String> = cfg
                .expected
                .iter()
                .filter(|t| {
                    !products
                        .iter()
                        .any(|(p, _)| &p.kind == *t && p.state == "done")
                })
                .cloned()
                .collect();
            let any_failed = products.iter().any(|(p, _)| p.state == "failed");
            let quiet = now - DateTime::from_timestamp_nanos(last) > timeout;
            let status = if any_failed {
                "failed"
            } else if missing.is_empty() {
                "completed"
            } else if quiet {
                "partial"
            } else {
                "running"
            };
            let run_id = format!("job-{}", group.replace('T', "-").replace(':', ""));
            Run {
                run_id,
                group_id: group,
                status: status.into(),
                started_at: meta::iso(DateTime::from_timestamp_nanos(first)),
                finished_at: (status != "running")
                    .then(|| meta::iso(DateTime::from_timestamp_nanos(last))),
                missing,
                products: products.into_iter().map(|(p, _)| p).collect(),
            }
        })
        .collect();
    out.sort_by(|a, b| b.group_id.cmp(&a.group_id));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn job(path: &str, state: &str, mtime_s: i64) -> JobRecord {
        JobRecord {
            path: path.into(),
            state: state.into(),
            mtime_ns: mtime_s * 1_000_000_000,
            ..Default::default()
        }
    }

    #[test]
    fn run_states() {
        let cfg = RunsConfig {
            expected: vec!["image".into(), "residual".into()],
            timeout_min: 30.0,
        };
        let now = DateTime::from_timestamp(1_000_000, 0).unwrap();
        let t = 1_000_000 - 60;
        let jobs = vec![
            job("/d/2025-10-28T13:30:07.img-image.fits", "done", t),
            job("/d/2025-10-28T13:30:07.img-residual.fits", "done", t),
            job("/d/2025-10-28T13:35:07.img-image.fits", "done", t),
            job("/d/2025-10-28T13:40:07.img-image.fits", "done", t - 3600),
            job("/d/2025-10-28T13:45:07.img-image.fits", "failed", t),
            job("/d/unrelated.fits", "done", t),
        ];
        let r = runs_from(&[], &jobs, &cfg, now).unwrap();
        let st: Vec<(&str, &str)> = r
            .iter()
            .map(|r| (r.run_id.as_str(), r.status.as_str()))
            .collect();
        assert_eq!(
            st,
            vec![
                ("job-2025-10-28-134507", "failed"),
                ("job-2025-10-28-134007", "partial"),
                ("job-2025-10-28-133507", "running"),
                ("job-2025-10-28-133007", "completed"),
            ]
        );
        assert_eq!(r[2].finished_at, None);
        assert_eq!(r[1].missing, vec!["residual".to_string()]);
    }
}
