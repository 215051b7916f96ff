//! The read-only HTTP API, compatible with the original pipeline's `/api/v1` endpoints.
//!
//! Every answer comes from the database. Aggregates that scan tables (stats, health, runs, the
//! source list) are cached per database generation (and, for time-dependent health, for at most a
//! second), so a busy dashboard costs one scan per commit, not one per request.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::Utc;
use serde::Serialize;
use serde_json::{json, Value};

use crate::config::Config;
use crate::fits::wcs::separation_deg;
use crate::health::{self, Check, State as HState};
use crate::stats::{self, Run, Stats};
use crate::store::records::{ImageRecord, SkySource};
use crate::store::{ImageQuery, Store};

/// API version string.
pub const API_VERSION: &str = "v1";

struct Cached<T> {
    generation: u64,
    at: Instant,
    value: Arc<T>,
}

/// A cached aggregate and whether a background refresh is under way.
struct Slot<T> {
    cur: Option<Cached<T>>,
    refreshing: bool,
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot {
            cur: None,
            refreshing: false,
        }
    }
}

/// Shared state of the server.
pub struct Api {
    store: Arc<Store>,
    cfg: Config,
    stats: Mutex<Slot<Stats>>,
    health: Mutex<Slot<Vec<Check>>>,
    runs: Mutex<Slot<Vec<Run>>>,
    sources: Mutex<Slot<Vec<SkySource>>>,
    responses: Mutex<HashMap<String, CachedResponse>>,
    /// The generation counter as last read, and when: a read transaction costs ~9 µs in
    /// multi-writer mode (it checks the file for other processes' commits), a large share of a
    /// cached response, so it is read at most every [`GENERATION_TTL`].
    generation: Mutex<Option<(Instant, u64)>>,
}

/// One cached answer: the JSON body and, once a client asked for it, its gzip encoding.
struct CachedResponse {
    generation: u64,
    at: Instant,
    body: axum::body::Bytes,
    gzip: Option<axum::body::Bytes>,
}

/// Whether the request accepts a gzip-encoded answer.
fn accepts_gzip(h: &axum::http::HeaderMap) -> bool {
    h.get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|e| {
            let mut parts = e.trim().split(';');
            let name = parts.next().unwrap_or("").trim();
            // "gzip;q=0" refuses it.
            let refused = parts.any(|p| p.trim().replace(' ', "") == "q=0");
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

/// gzip of a body (level 6: a 100 kB page of images becomes about 10 kB).
fn gzip(body: &[u8]) -> axum::body::Bytes {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    // Writing to a Vec cannot fail.
    let _ = e.write_all(body);
    axum::body::Bytes::from(e.finish().unwrap_or_default())
}

/// How long a read of the generation counter is reused: answers may lag a commit by this much.
const GENERATION_TTL: Duration = Duration::from_millis(20);

/// Most responses kept in the response cache (it is cleared when full).
const RESPONSE_CACHE: usize = 1024;

/// An API error: a status and a JSON body `{error, detail}`.
#[derive(Debug)]
pub struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({
            "error": self.0.canonical_reason().unwrap_or("error"),
            "status": self.0.as_u16(),
            "detail": self.1,
        });
        (self.0, Json(body)).into_response()
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        ApiError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
    }
}

type ApiResult = Result<Response, ApiError>;

fn bad(detail: impl Into<String>) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, detail.into())
}

fn not_found(detail: impl Into<String>) -> ApiError {
    ApiError(StatusCode::NOT_FOUND, detail.into())
}

impl Api {
    /// Wraps an open store.
    pub fn new(store: Arc<Store>, cfg: Config) -> Arc<Api> {
        Arc::new(Api {
            store,
            cfg,
            stats: Mutex::default(),
            health: Mutex::default(),
            runs: Mutex::default(),
            sources: Mutex::default(),
            responses: Mutex::default(),
            generation: Mutex::default(),
        })
    }

    /// The database generation, read at most every [`GENERATION_TTL`].
    fn generation(&self) -> Result<u64, ApiError> {
        if let Ok(g) = self.generation.lock() {
            if let Some((at, v)) = *g {
                if at.elapsed() < GENERATION_TTL {
                    return Ok(v);
                }
            }
        }
        let v = self.store.generation()?;
        if let Ok(mut g) = self.generation.lock() {
            *g = Some((Instant::now(), v));
        }
        Ok(v)
    }

    /// A JSON response cached per (request URI, database generation), for at most `max_age`:
    /// dashboards poll the same URLs, and the answer only changes when something is committed.
    fn cached_json(
        self: &Arc<Self>,
        key: &axum::http::Uri,
        headers: &axum::http::HeaderMap,
        max_age: Duration,
        make: impl FnOnce() -> Result<Value, ApiError>,
    ) -> ApiResult {
        let generation = self.generation()?;
        let key = key.to_string();
        let want_gzip = accepts_gzip(headers);
        let hit = self.responses.lock().ok().and_then(|m| {
            m.get(&key)
                .filter(|c| c.generation == generation && c.at.elapsed() < max_age)
                .map(|c| (c.body.clone(), c.gzip.clone()))
        });
        let (body, gz) = match hit {
            Some(h) => h,
            None => {
                let body =
                    axum::body::Bytes::from(serde_json::to_vec(&make()?).unwrap_or_default());
                if let Ok(mut m) = self.responses.lock() {
                    if m.len() >= RESPONSE_CACHE {
                        m.clear();
                    }
                    m.insert(
                        key.clone(),
                        CachedResponse {
                            generation,
                            at: Instant::now(),
                            body: body.clone(),
                            gzip: None,
                        },
                    );
                }
                (body, None)
            }
        };
        // Small answers are not worth compressing.
        if !want_gzip || body.len() < 1024 {
            return Ok(json_bytes(body));
        }
        let gz = match gz {
            Some(g) => g,
            None => {
                let g = gzip(&body);
                if let Ok(mut m) = self.responses.lock() {
                    if let Some(c) = m.get_mut(&key).filter(|c| c.generation == generation) {
                        c.gzip = Some(g.clone());
                    }
                }
                g
            }
        };
        Ok((
            [
                (header::CONTENT_TYPE, "application/json"),
                (header::CONTENT_ENCODING, "gzip"),
                (header::VARY, "accept-encoding"),
            ],
            gz,
        )
            .into_response())
    }

    /// A cached aggregate. Fresh (same generation, young enough): served. Stale: served while
    /// one background thread recomputes it (stale-while-revalidate), so no request waits for a
    /// table scan once the cache is warm. Empty: computed in the request.
    fn cached<T: Send + Sync + 'static>(
        api: &Arc<Api>,
        pick: fn(&Api) -> &Mutex<Slot<T>>,
        max_age: Option<Duration>,
        compute: fn(&Api) -> crate::store::Result<T>,
    ) -> Result<Arc<T>, ApiError> {
        let generation = api.generation()?;
        {
            let mut g = pick(api).lock().unwrap_or_else(|e| e.into_inner());
            let refreshing = g.refreshing;
            if let Some(c) = g.cur.as_ref() {
                let value = Arc::clone(&c.value);
                let fresh =
                    c.generation == generation && max_age.is_none_or(|m| c.at.elapsed() < m);
                if !fresh && !refreshing {
                    g.refreshing = true;
                    let api = Arc::clone(api);
                    std::thread::spawn(move || {
                        let r = compute(&api);
                        let mut g = pick(&api).lock().unwrap_or_else(|e| e.into_inner());
                        g.refreshing = false;
                        match r {
                            Ok(v) => {
                                g.cur = Some(Cached {
                                    generation,
                                    at: Instant::now(),
                                    value: Arc::new(v),
                                })
                            }
                            Err(e) => tracing::warn!("refreshing a cached aggregate: {e}"),
                        }
                    });
                }
                return Ok(value);
            }
        }
        let value = Arc::new(compute(api)?);
        let mut g = pick(api).lock().unwrap_or_else(|e| e.into_inner());
        g.cur = Some(Cached {
            generation,
            at: Instant::now(),
            value: Arc::clone(&value),
        });
        Ok(value)
    }

    /// Computes the table-scanning aggregates in the background, so that the first requests
    /// after a start find them ready (on 100,000 images each takes a second or two).
    pub fn warm(self: &Arc<Self>) {
        let api = Arc::clone(self);
        std::thread::spawn(move || {
            let t0 = Instant::now();
            let r = api.stats().and(api.runs()).and(api.checks());
            match r {
                Ok(_) => tracing::info!("API aggregates ready in {} ms", t0.elapsed().as_millis()),
                Err(e) => tracing::warn!("warming the API aggregates: {}", e.1),
            }
        });
    }

    fn stats(self: &Arc<Self>) -> Result<Arc<Stats>, ApiError> {
        Self::cached(
            self,
            |a| &a.stats,
            Some(Duration::from_secs(10)),
            |a| stats::compute(&a.store, Utc::now()),
        )
    }

    fn checks(self: &Arc<Self>) -> Result<Arc<Vec<Check>>, ApiError> {
        Self::cached(
            self,
            |a| &a.health,
            Some(Duration::from_secs(2)),
            |a| health::run_checks(&a.store, &a.cfg, Utc::now()),
        )
    }

    fn runs(self: &Arc<Self>) -> Result<Arc<Vec<Run>>, ApiError> {
        Self::cached(
            self,
            |a| &a.runs,
            Some(Duration::from_secs(10)),
            |a| stats::runs(&a.store, &a.cfg.runs, Utc::now()),
        )
    }

    fn all_sources(self: &Arc<Self>) -> Result<Arc<Vec<SkySource>>, ApiError> {
        Self::cached(
            self,
            |a| &a.sources,
            None,
            |a| a.store.sources(&Default::default()),
        )
    }

    /// `good`, `warn` or `fail` from the image's own noise and dynamic range.
    fn qa_grade(&self, r: &ImageRecord) -> Option<&'static str> {
        let h = &self.cfg.health;
        let (noise, dr) = (r.noise_jy? * 1e3, r.dynamic_range?);
        Some(if noise > h.noise_crit_mjy || dr < h.dynamic_range_crit {
            "fail"
        } else if noise > h.noise_warn_mjy || dr < h.dynamic_range_warn {
            "warn"
        } else {
            "good"
        })
    }

    fn image_json(&self, r: &ImageRecord) -> Value {
        let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut v {
            m.remove("header_hash");
            m.remove("mtime_ns");
            m.insert("qa_grade".into(), json!(self.qa_grade(r)));
            m.insert("created_at".into(), json!(r.mtime));
            m.insert(
                "run_id".into(),
                json!(r.group_id.as_ref().map(|g| run_id_of(g))),
            );
            m.insert("pointing_ra_deg".into(), json!(r.center_ra_deg));
            m.insert("pointing_dec_deg".into(), json!(r.center_dec_deg));
        }
        v
    }
}

fn json_bytes(body: axum::body::Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// The original's run id of a group: `job-YYYY-MM-DD-HHMMSS`.
pub fn run_id_of(group: &str) -> String {
    format!("job-{}", group.replace('T', "-").replace(':', ""))
}

fn source_json(s: &SkySource) -> Value {
    let mut v = serde_json::to_value(s).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.remove("sums");
    }
    v
}

/// Paging parameters: `limit` (default 100, at most 1000) and `offset`.
fn paging(q: &HashMap<String, String>) -> Result<(usize, usize), ApiError> {
    let limit = match q.get("limit") {
        Some(v) => v
            .parse::<usize>()
            .ok()
            .filter(|l| (1..=1000).contains(l))
            .ok_or_else(|| bad(format!("limit={v}: expected an integer from 1 to 1000")))?,
        None => 100,
    };
    let offset = match q.get("offset") {
        Some(v) => v
            .parse::<usize>()
            .map_err(|_| bad(format!("offset={v}: expected a non-negative integer")))?,
        None => 0,
    };
    Ok((limit, offset))
}

fn float(q: &HashMap<String, String>, key: &str) -> Result<Option<f64>, ApiError> {
    q.get(key)
        .map(|v| {
            v.parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .ok_or_else(|| bad(format!("{key}={v}: expected a number")))
        })
        .transpose()
}

fn boolean(q: &HashMap<String, String>, key: &str) -> Result<Option<bool>, ApiError> {
    q.get(key)
        .map(|v| match v.as_str() {
            "true" | "1" | "yes" => Ok(true),
            "false" | "0" | "no" => Ok(false),
            _ => Err(bad(format!("{key}={v}: expected true or false"))),
        })
        .transpose()
}

fn only(q: &HashMap<String, String>, allowed: &[&str]) -> Result<(), ApiError> {
    for k in q.keys() {
        if !allowed.contains(&k.as_str()) {
            return Err(bad(format!(
                "unknown parameter {k:?}; allowed: {}",
                allowed.join(", ")
            )));
        }
    }
    Ok(())
}

fn page<T: Serialize>(items: Vec<T>, total: usize, limit: usize, offset: usize) -> Value {
    json!({"items": items, "total": total, "limit": limit, "offset": offset})
}

type Q = Query<HashMap<String, String>>;
type S = State<Arc<Api>>;
type U = axum::http::Uri;
type H = axum::http::HeaderMap;

fn health_v(api: &Arc<Api>, q: &HashMap<String, String>) -> Result<Value, ApiError> {
    only(q, &["detailed"])?;
    let detailed = boolean(q, "detailed")?.unwrap_or(false);
    let checks = api.checks()?;
    let st = health::overall(&checks);
    let status = match st {
        HState::Ok => "healthy",
        HState::Crit => "unhealthy",
        _ => "degraded",
    };
    let mut body = json!({
        "status": status,
        "service": "obsmon",
        "version": env!("CARGO_PKG_VERSION"),
        "api_version": API_VERSION,
        "timestamp": crate::fits::meta::iso(Utc::now()),
    });
    if detailed {
        body["checks"] = json!(*checks);
    }
    Ok(body)
}

fn images_v(api: &Arc<Api>, q: &HashMap<String, String>) -> Result<Value, ApiError> {
    only(q, &["limit", "offset", "type", "field", "since"])?;
    let (limit, offset) = paging(q)?;
    let since_mjd = match q.get("since") {
        Some(s) => Some(crate::fits::meta::datetime_to_mjd(
            chrono::DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&Utc))
                .ok()
                .or_else(|| crate::fits::meta::parse_date_obs(s))
                .ok_or_else(|| bad(format!("since={s}: expected an ISO 8601 time")))?,
        )),
        None => None,
    };
    let rows = api.store.images(&ImageQuery {
        limit: Some(offset + limit),
        since_mjd,
        kind: q.get("type").cloned(),
        field: q.get("field").cloned(),
        include_missing: false,
    })?;
    let total = if q.contains_key("type") || q.contains_key("field") || since_mjd.is_some() {
        None
    } else {
        Some(api.store.indexed_image_count()? as usize)
    };
    let items: Vec<Value> = rows
        .iter()
        .skip(offset)
        .map(|r| api.image_json(r))
        .collect();
    let total = total.unwrap_or(offset + items.len());
    Ok(page(items, total, limit, offset))
}

fn image_v(api: &Arc<Api>, id: String) -> Result<Value, ApiError> {
    let id: u64 = id
        .parse()
        .map_err(|_| bad(format!("image id {id:?}: expected an integer")))?;
    let r = api
        .store
        .image(id)?
        .ok_or_else(|| not_found(format!("no image {id}")))?;
    Ok(api.image_json(&r))
}

fn sources_v(api: &Arc<Api>, q: &HashMap<String, String>) -> Result<Value, ApiError> {
    only(
        q,
        &[
            "limit",
            "offset",
            "ra",
            "dec",
            "radius_arcsec",
            "variable",
            "min_detections",
        ],
    )?;
    let (limit, offset) = paging(q)?;
    let (ra, dec, radius) = (
        float(q, "ra")?,
        float(q, "dec")?,
        float(q, "radius_arcsec")?,
    );
    let cone = match (ra, dec, radius) {
        (None, None, None) => None,
        (Some(ra), Some(dec), Some(r)) if r > 0.0 && dec.abs() <= 90.0 => Some((ra, dec, r)),
        _ => {
            return Err(bad(
                "a cone needs ra, dec (|dec| <= 90) and radius_arcsec > 0 together",
            ))
        }
    };
    let variable = boolean(q, "variable")?;
    let min_det = match q.get("min_detections") {
        Some(v) => v.parse::<u32>().map_err(|_| {
            bad(format!(
                "min_detections={v}: expected a non-negative integer"
            ))
        })?,
        None => 0,
    };
    let all = api.all_sources()?;
    let matching: Vec<&SkySource> = all
        .iter()
        .filter(|s| variable.is_none_or(|v| s.is_variable == v))
        .filter(|s| s.n_detections >= min_det)
        .filter(|s| {
            cone.is_none_or(|(ra, dec, r)| {
                separation_deg(ra, dec, s.ra_deg, s.dec_deg) * 3600.0 <= r
            })
        })
        .collect();
    let total = matching.len();
    let items: Vec<Value> = matching
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(source_json)
        .collect();
    Ok(page(items, total, limit, offset))
}

fn source_by(api: &Api, id: &str) -> Result<SkySource, ApiError> {
    api.store
        .source(id)?
        .ok_or_else(|| not_found(format!("no sky source {id}")))
}

fn source_v(api: &Arc<Api>, id: String) -> Result<Value, ApiError> {
    Ok(source_json(&source_by(api, &id)?))
}

fn lightcurve_v(api: &Arc<Api>, id: String) -> Result<Value, ApiError> {
    let s = source_by(api, &id)?;
    let points = api.store.lightcurve(s.id)?;
    Ok(json!({"source": source_json(&s), "measurements": points}))
}

fn jobs_v(api: &Arc<Api>, q: &HashMap<String, String>) -> Result<Value, ApiError> {
    only(q, &["limit", "offset", "status"])?;
    let (limit, offset) = paging(q)?;
    if let Some(s) = q.get("status") {
        if !["running", "completed", "partial", "failed"].contains(&s.as_str()) {
            return Err(bad(format!(
                "status={s}: expected running, completed, partial or failed"
            )));
        }
    }
    let runs = api.runs()?;
    let matching: Vec<&Run> = runs
        .iter()
        .filter(|r| q.get("status").is_none_or(|s| &r.status == s))
        .collect();
    let total = matching.len();
    let items: Vec<Value> = matching
        .into_iter()
        .skip(offset)
        .take(limit)
        .map(|r| {
            json!({"run_id": r.run_id, "status": r.status, "started_at": r.started_at,
                   "finished_at": r.finished_at, "group_id": r.group_id,
                   "n_products": r.products.len(), "missing": r.missing})
        })
        .collect();
    Ok(page(items, total, limit, offset))
}

fn job_v(api: &Arc<Api>, run_id: String) -> Result<Value, ApiError> {
    let runs = api.runs()?;
    let r = runs
        .iter()
        .find(|r| r.run_id == run_id)
        .ok_or_else(|| not_found(format!("no run {run_id}")))?;
    let mut file_jobs = Vec::new();
    for p in &r.products {
        if let Some(j) = api.store.job_by_path(&p.path)? {
            file_jobs.push(j);
        }
    }
    Ok(json!({
        "run_id": r.run_id, "status": r.status, "started_at": r.started_at,
        "finished_at": r.finished_at, "group_id": r.group_id, "missing": r.missing,
        "products": r.products, "file_jobs": file_jobs,
    }))
}

fn stats_v(api: &Arc<Api>) -> Result<Value, ApiError> {
    let s = api.stats()?;
    let runs = api.runs()?;
    let mut by_status: HashMap<&str, usize> = HashMap::new();
    for st in ["running", "completed", "partial", "failed"] {
        by_status.insert(st, 0);
    }
    for r in runs.iter() {
        *by_status.entry(r.status.as_str()).or_default() += 1;
    }
    let recent: Vec<Value> = api
        .store
        .images(&ImageQuery {
            limit: Some(10),
            ..Default::default()
        })?
        .iter()
        .map(|r| {
            json!({"id": r.id, "path": r.path, "type": r.kind, "date_obs": r.date_obs,
                   "noise_jy": r.noise_jy, "dynamic_range": r.dynamic_range,
                   "qa_grade": api.qa_grade(r), "n_sources": r.n_sources})
        })
        .collect();
    Ok(json!({
        "totals": s.totals,
        "last_24h": s.last_24h,
        "recent_images": recent,
        "jobs_by_status": by_status,
        "file_jobs_by_state": s.totals.jobs_by_state,
        "ingest": s.ingest,
        "database_size_bytes": s.database_size_bytes,
        "_meta": {"generated_at": s.generated_at, "api_version": API_VERSION},
    }))
}

async fn health_h(State(api): S, Query(q): Q, uri: U, h: H) -> ApiResult {
    api.cached_json(&uri, &h, Duration::from_secs(2), || health_v(&api, &q))
}

async fn images_h(State(api): S, Query(q): Q, uri: U, h: H) -> ApiResult {
    api.cached_json(&uri, &h, Duration::from_secs(60), || images_v(&api, &q))
}

async fn image_h(State(api): S, Path(id): Path<String>, uri: U, h: H) -> ApiResult {
    api.cached_json(&uri, &h, Duration::from_secs(60), || image_v(&api, id))
}

async fn sources_h(State(api): S, Query(q): Q, uri: U, h: H) -> ApiResult {
    api.cached_json(&uri, &h, Duration::from_secs(60), || sources_v(&api, &q))
}

async fn source_h(State(api): S, Path(id): Path<String>, uri: U, h: H) -> ApiResult {
    api.cached_json(&uri, &h, Duration::from_secs(60), || source_v(&api, id))
}

async fn lightcurve_h(State(api): S, Path(id): Path<String>, uri: U, h: H) -> ApiResult {
    api.cached_json(&uri, &h, Duration::from_secs(60), || lightcurve_v(&api, id))
}

async fn jobs_h(State(api): S, Query(q): Q, uri: U, h: H) -> ApiResult {
    api.cached_json(&uri, &h, Duration::from_secs(10), || jobs_v(&api, &q))
}

async fn job_h(State(api): S, Path(run_id): Path<String>, uri: U, h: H) -> ApiResult {
    api.cached_json(&uri, &h, Duration::from_secs(10), || job_v(&api, run_id))
}

async fn stats_h(State(api): S, uri: U, h: H) -> ApiResult {
    api.cached_json(&uri, &h, Duration::from_secs(10), || stats_v(&api))
}

async fn metrics_h(State(api): S) -> ApiResult {
    let text = crate::metrics::exposition(&api.store, &api.cfg)?;
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
        .into_response())
}

async fn fallback() -> ApiError {
    not_found("no such endpoint; see /api/v1/health, /api/v1/images, /api/v1/sources, /api/v1/jobs, /api/v1/stats, /metrics")
}

/// The router.
pub fn router(api: Arc<Api>) -> Router {
    Router::new()
        .route("/api/v1/health", get(health_h))
        .route("/api/health", get(health_h))
        .route("/api/v1/images", get(images_h))
        .route("/api/v1/images/{id}", get(image_h))
        .route("/api/v1/sources", get(sources_h))
        .route("/api/v1/sources/{id}", get(source_h))
        .route("/api/v1/sources/{id}/lightcurve", get(lightcurve_h))
        .route("/api/v1/jobs", get(jobs_h))
        .route("/api/v1/jobs/{run_id}", get(job_h))
        .route("/api/v1/stats", get(stats_h))
        .route("/metrics", get(metrics_h))
        .fallback(fallback)
        .with_state(api)
}

/// Serves the API on `addr` from the calling thread (on its own small runtime) until `stop`
/// is set.
pub fn serve_until(
    addr: SocketAddr,
    store: Arc<Store>,
    cfg: &Config,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let api = Api::new(store, cfg.clone());
    rt.block_on(async move {
        let shutdown = async move {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        };
        serve(addr, api, shutdown).await
    })
}

/// Serves the API on `addr` until `shutdown` resolves.
pub async fn serve(
    addr: SocketAddr,
    api: Arc<Api>,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    if !addr.ip().is_loopback() {
        tracing::warn!("serving the API on {addr}, which is not a loopback address");
    }
    use axum::serve::ListenerExt;
    // No Nagle delay: responses are small and written in pieces.
    let listener = tokio::net::TcpListener::bind(addr).await?.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    tracing::info!("API on http://{addr}/api/v1/health");
    api.warm();
    axum::serve(listener, router(api))
        .with_graceful_shutdown(shutdown)
        .await
}
