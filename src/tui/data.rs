//! The dashboard's data: a loader thread that reads the store and sends what the views show.
//!
//! The UI thread never touches the database. It tells the loader what is visible ([`Want`]);
//! the loader answers with [`Update`]s when the want changes, when the database's generation
//! changes, and every few seconds for what depends on the clock (health). Tables are read a
//! page at a time: the default image order walks the time index; any other order or a filter
//! builds a compact list of ids once (rebuilt at most every few seconds while data arrives).

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use redb::{ReadableTable, ReadableTableMetadata};
use serde::Deserialize;

use super::picture::{self, Thumb};
use crate::config::Config;
use crate::fits::naming;
use crate::health::{self, Check, State};
use crate::stats::Run;
use crate::store::lease::Lease;
use crate::store::records::{Detection, ImageRecord, JobRecord, SkySource};
use crate::store::schema::{IMAGES, IMAGE_BY_TIME, LATENCY_BUCKETS, SOURCES};
use crate::store::{decode, Store, StoreError};

/// Image table columns (the `s` key cycles through them). `Time` walks the time index.
pub const IMAGE_COLUMNS: &[&str] = &[
    "time", "name", "type", "field", "noise", "dr", "beam", "srcs", "state",
];
/// Source table columns.
pub const SOURCE_COLUMNS: &[&str] = &[
    "name",
    "ra",
    "dec",
    "det",
    "flux",
    "v",
    "eta",
    "var",
    "last seen",
];

/// What one table shows: order, filter and the visible window.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TableWant {
    /// Index into the table's columns.
    pub sort: usize,
    /// Descending.
    pub desc: bool,
    /// Case-insensitive substring filter ("" = none).
    pub filter: String,
    /// First wanted row.
    pub start: usize,
    /// Rows wanted.
    pub len: usize,
}

/// Everything the UI currently shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Want {
    /// The images table.
    pub images: TableWant,
    /// The sources table.
    pub sources: TableWant,
    /// The image detail: image id, zoom, thumbnail side in pixels.
    pub image_detail: Option<(u64, u32, usize)>,
    /// The light curve of this source id.
    pub source_detail: Option<u64>,
    /// Side of the overview picture's thumbnail, pixels.
    pub overview_side: usize,
    /// A failed or incomplete file to retry (path), sent once.
    pub retry: Option<String>,
}

/// One page of a table.
#[derive(Debug, Clone)]
pub struct Page<T> {
    /// The want it answers (sort, filter, start).
    pub want: TableWant,
    /// Rows in the table (after the filter).
    pub total: usize,
    /// Rows `want.start ..`.
    pub rows: Vec<T>,
    /// Set while a sort or filter over the whole table is being built.
    pub building: Option<String>,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Page {
            want: TableWant::default(),
            total: 0,
            rows: Vec::new(),
            building: None,
        }
    }
}

/// The overview's numbers.
#[derive(Debug, Clone, Default)]
pub struct Overview {
    /// Every health check.
    pub checks: Vec<Check>,
    /// When each check entered its current state (Unix s) and whether that is only "since the
    /// dashboard started".
    pub since: HashMap<String, (i64, bool)>,
    /// The verdict.
    pub overall: Option<State>,
    /// Image rows.
    pub images: u64,
    /// Sky sources.
    pub sources: u64,
    /// Sources flagged variable.
    pub variable: u64,
    /// Job counts by state.
    pub jobs: Vec<(&'static str, u64)>,
    /// Files waiting for the live indexer.
    pub backlog: u64,
    /// The live indexer, if any.
    pub lease: Option<Lease>,
    /// The newest science image.
    pub newest: Option<ImageRecord>,
    /// Images written per hour, oldest hour first (24 bins ending now).
    pub per_hour: Vec<u64>,
    /// Median noise (mJy) per hour, oldest first.
    pub noise_per_hour: Vec<Option<f64>>,
    /// Ingest latency (file written to row committed) from the histogram: median and p99, s.
    pub latency: Option<(f64, f64)>,
    /// When this was computed.
    pub at: Option<DateTime<Utc>>,
}

/// A picture and its source markers.
#[derive(Debug, Clone)]
pub struct PictureData {
    /// The image.
    pub image_id: u64,
    /// Zoom it was read at.
    pub zoom: u32,
    /// The thumbnail, or why there is none.
    pub thumb: Result<Thumb, String>,
    /// Detections, source-image pixels.
    pub markers: Vec<(f64, f64)>,
}

/// The image detail: record, header cards, picture.
#[derive(Debug, Clone)]
pub struct ImageDetail {
    /// The row.
    pub rec: ImageRecord,
    /// Header cards of the image HDU (or why they cannot be read).
    pub cards: Vec<String>,
    /// The picture.
    pub picture: PictureData,
}

/// A source's light curve.
#[derive(Debug, Clone)]
pub struct SourceDetail {
    /// The source.
    pub src: SkySource,
    /// Its measurements, time ordered.
    pub lc: Vec<Detection>,
}

/// The jobs tab.
#[derive(Debug, Clone, Default)]
pub struct JobsData {
    /// Counts by state.
    pub counts: Vec<(&'static str, u64)>,
    /// Failed files, newest first (at most 500).
    pub failed: Vec<JobRecord>,
    /// Incomplete files.
    pub incomplete: Vec<JobRecord>,
    /// Queued and running files.
    pub active: Vec<JobRecord>,
    /// Pipeline runs of the last 24 h.
    pub runs: Vec<Run>,
}

/// One line of the Log tab.
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    /// When.
    pub at: DateTime<Utc>,
    /// INFO, WARN, ERROR, or the job state for job outcomes.
    pub level: String,
    /// The text.
    pub text: String,
}

/// The shared log buffer (the in-process indexer's tracing events and job outcomes).
pub type LogBuf = Arc<std::sync::Mutex<VecDeque<LogLine>>>;

/// Lines kept in the log buffer.
pub const LOG_LINES: usize = 2000;

/// Appends a line, dropping the oldest beyond [`LOG_LINES`].
pub fn push_log(buf: &LogBuf, line: LogLine) {
    if let Ok(mut b) = buf.lock() {
        if b.len() >= LOG_LINES {
            b.pop_front();
        }
        b.push_back(line);
    }
}

/// What the loader sends.
#[derive(Debug, Clone)]
pub enum Update {
    /// Overview numbers.
    Overview(Box<Overview>),
    /// The newest science image's picture.
    OverviewPicture(Box<PictureData>),
    /// A page of images.
    Images(Page<ImageRecord>),
    /// A page of sources.
    Sources(Page<SkySource>),
    /// The open image.
    ImageDetail(Box<ImageDetail>),
    /// The open light curve.
    SourceDetail(Box<SourceDetail>),
    /// The jobs tab.
    Jobs(Box<JobsData>),
    /// A message for the status line.
    Status(String),
    /// The loader met an error it cannot get past (shown, then the loader retries).
    Error(String),
}

/// Minimal image fields for building an order (the rest of the JSON is skipped).
#[derive(Deserialize)]
struct ImageKeys {
    id: u64,
    path: String,
    #[serde(rename = "type")]
    kind: String,
    field_name: Option<String>,
    noise_jy: Option<f64>,
    dynamic_range: Option<f64>,
    beam_major_arcsec: Option<f64>,
    n_sources: Option<u32>,
    state: String,
    mjd: Option<f64>,
}

/// Minimal source fields for building an order.
#[derive(Deserialize)]
struct SourceKeys {
    id: u64,
    name: String,
    ra_deg: f64,
    dec_deg: f64,
    n_detections: u32,
    mean_flux_jy: f64,
    v: f64,
    eta: f64,
    is_variable: bool,
    last_detected_mjd: f64,
}

/// A text sort key: the first 32 bytes (UTF-8 byte order is code point order). Fixed size,
/// so an order over a million names needs no allocation per row; names that agree in their
/// first 32 bytes fall back to time order.
fn text_key(s: &str) -> [u8; 32] {
    let mut k = [0u8; 32];
    for (d, b) in k.iter_mut().zip(s.bytes()) {
        *d = b;
    }
    k
}

/// A number sort key: missing or non-finite values sort first ascending.
fn num_key(v: Option<f64>) -> f64 {
    v.filter(|x| x.is_finite()).unwrap_or(f64::NEG_INFINITY)
}

/// Sorts (key, time, id) rows by key, ties newest first then by id, and keeps the ids.
fn sorted_ids<K>(
    mut keyed: Vec<(K, f64, u64)>,
    desc: bool,
    cmp: impl Fn(&K, &K) -> std::cmp::Ordering,
) -> Vec<u64> {
    // Unstable sort (no buffer of half the rows); ids are unique, so the order is total.
    keyed.sort_unstable_by(|a, b| {
        cmp(&a.0, &b.0)
            .then(b.1.total_cmp(&a.1))
            .then(a.2.cmp(&b.2))
    });
    if desc {
        keyed.reverse();
    }
    let mut ids: Vec<u64> = keyed.into_iter().map(|k| k.2).collect();
    ids.shrink_to_fit();
    ids
}

/// Gives memory freed after a large scan back to the system (glibc keeps it otherwise, and a
/// dashboard left open for weeks should not sit on its largest sort).
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free heap pages to the kernel.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// An order of a whole table, built by one scan.
struct Order {
    sort: usize,
    desc: bool,
    filter: String,
    ids: Vec<u64>,
    generation: u64,
    built: Instant,
    took: Duration,
}

impl Order {
    /// The order of `w` just built (since `t0`); gives the scan's memory back.
    fn new(w: &TableWant, ids: Vec<u64>, generation: u64, t0: Instant) -> Order {
        release_free_memory();
        Order {
            sort: w.sort,
            desc: w.desc,
            filter: w.filter.clone(),
            ids,
            generation,
            built: Instant::now(),
            took: t0.elapsed(),
        }
    }

    /// Whether it answers this want (order and filter).
    fn fits(&self, w: &TableWant) -> bool {
        self.sort == w.sort && self.desc == w.desc && self.filter == w.filter
    }

    /// Whether to rebuild after the database changed: at most every 5 s, and never more than
    /// a tenth of the time (a 2 s scan of a million rows runs at most every 20 s).
    fn stale(&self, generation: u64) -> bool {
        generation != self.generation
            && self.built.elapsed() >= Duration::from_secs(5).max(self.took * 10)
    }
}

fn lower_contains(hay: &str, needle_lower: &str) -> bool {
    needle_lower.is_empty() || hay.to_lowercase().contains(needle_lower)
}

/// Decodes every row of a table keyed by id with `f`, keeping what it returns: the id range
/// split over the cores (one read snapshot), for orders over a million rows.
fn scan_parallel<K, O>(
    store: &Store,
    def: redb::TableDefinition<u64, &[u8]>,
    name: &'static str,
    f: impl Fn(K) -> Option<O> + Sync,
) -> anyhow::Result<Vec<O>>
where
    K: serde::de::DeserializeOwned,
    O: Send,
{
    let rtx = store.read()?;
    let t = rtx.open_table(def)?;
    let (Some(first), Some(last)) = (t.first()?, t.last()?) else {
        return Ok(Vec::new());
    };
    let (lo, hi) = (first.0.value(), last.0.value());
    drop((first, last));
    let parts = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8) as u64;
    let step = (hi - lo) / parts + 1;
    let scan = |from: u64, to: u64| -> anyhow::Result<Vec<O>> {
        let t = rtx.open_table(def)?;
        let mut out = Vec::with_capacity((to - from).min(t.len()?) as usize);
        for e in t.range(from..to.min(hi.saturating_add(1)).max(from))? {
            let (_, v) = e?;
            let k: K = serde_json::from_slice(v.value()).map_err(|source| StoreError::Decode {
                table: name,
                source,
            })?;
            if let Some(o) = f(k) {
                out.push(o);
            }
        }
        Ok(out)
    };
    let results: Vec<anyhow::Result<Vec<O>>> = std::thread::scope(|sc| {
        let handles: Vec<_> = (0..parts)
            .map(|i| {
                let from = lo.saturating_add(i * step);
                let to = from.saturating_add(step);
                let scan = &scan;
                sc.spawn(move || scan(from, to))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a scan thread panicked")))
            })
            .collect()
    });
    // One allocation of the final size: the parts are appended and dropped one by one.
    let mut parts = Vec::with_capacity(results.len());
    for r in results {
        parts.push(r?);
    }
    let mut out = Vec::with_capacity(parts.iter().map(Vec::len).sum());
    for p in parts {
        out.extend(p);
    }
    Ok(out)
}

/// Whether an order must be (re)built for this want: (at all, because the order or filter is
/// new rather than only stale).
fn rebuild(order: Option<&Order>, w: &TableWant, generation: u64) -> (bool, bool) {
    match order {
        Some(o) if o.fits(w) => (o.stale(generation), false),
        _ => (true, true),
    }
}

/// The placeholder page shown while an order is built.
fn building<T>(w: &TableWant, columns: &[&str]) -> Page<T> {
    Page {
        want: w.clone(),
        building: Some(format!("sorting by {}…", columns[w.sort])),
        ..Default::default()
    }
}

/// The wanted window of an order, its rows read by id.
fn page_by_ids<T: serde::de::DeserializeOwned>(
    store: &Store,
    def: redb::TableDefinition<u64, &[u8]>,
    name: &'static str,
    order: Option<&Order>,
    w: &TableWant,
) -> anyhow::Result<Page<T>> {
    let ids = order.map(|o| &o.ids[..]).unwrap_or(&[]);
    let rtx = store.read()?;
    let t = rtx.open_table(def)?;
    let mut rows = Vec::new();
    for id in ids.iter().skip(w.start).take(w.len) {
        if let Some(v) = t.get(*id)? {
            rows.push(decode::<T>(name, v.value())?);
        }
    }
    Ok(Page {
        want: w.clone(),
        total: ids.len(),
        rows,
        building: None,
    })
}

/// The loader's state.
pub struct Loader {
    store: Arc<Store>,
    cfg: Config,
    tx: Sender<Update>,
    log: LogBuf,
    want: Want,
    generation: Option<u64>,
    overview_at: Option<Instant>,
    since: HashMap<String, (State, i64, bool)>,
    newest_picture: Option<(u64, usize)>,
    image_order: Option<Order>,
    source_order: Option<Order>,
    sent_images: Option<(TableWant, u64)>,
    sent_sources: Option<(TableWant, u64)>,
    sent_image_detail: Option<((u64, u32, usize), u64)>,
    sent_source_detail: Option<(u64, u64)>,
    jobs_seen_ms: i64,
    started: i64,
    backlog: Option<(u64, u64)>,
    /// The in-process indexer's rescan request, when there is one.
    pub rescan_request: Option<Arc<AtomicBool>>,
}

impl Loader {
    /// A loader over `store` sending to `tx`.
    pub fn new(store: Arc<Store>, cfg: Config, tx: Sender<Update>, log: LogBuf) -> Loader {
        let now = Utc::now();
        Loader {
            store,
            cfg,
            tx,
            log,
            want: Want::default(),
            generation: None,
            overview_at: None,
            since: HashMap::new(),
            newest_picture: None,
            image_order: None,
            source_order: None,
            sent_images: None,
            sent_sources: None,
            sent_image_detail: None,
            sent_source_detail: None,
            // Job outcomes of the last minute go to the log at start.
            jobs_seen_ms: now.timestamp_millis() - 60_000,
            started: now.timestamp(),
            backlog: None,
            rescan_request: None,
        }
    }

    /// Runs until `stop` is set or the UI is gone: reads wants, answers them, follows the
    /// database. Wakes every 250 ms to look at the generation counter (one small read); what
    /// depends on the clock (health, ages) is recomputed every 10 s.
    pub fn run(mut self, wants: Receiver<Want>, stop: &AtomicBool) {
        while !stop.load(Ordering::Relaxed) {
            match wants.recv_timeout(Duration::from_millis(250)) {
                Ok(w) => {
                    self.want = w;
                    // Take the newest want only.
                    while let Ok(w) = wants.try_recv() {
                        self.want = w;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return,
            }
            if let Err(e) = self.step() {
                if self.tx.send(Update::Error(format!("{e:#}"))).is_err() {
                    return;
                }
            }
        }
    }

    /// Replaces what the UI shows (what [`Loader::run`] does with each message).
    pub fn set_want(&mut self, w: Want) {
        self.want = w;
    }

    /// One round: answers whatever is out of date. Public for tests and the scale benchmark.
    pub fn step(&mut self) -> anyhow::Result<()> {
        if let Some(path) = self.want.retry.take() {
            let msg = match self.retry(&path) {
                Ok(()) => format!("retrying {}", crate::output::file_name(&path)),
                Err(e) => format!("cannot retry {path}: {e}"),
            };
            self.send(Update::Status(msg));
        }
        let generation = self.store.generation()?;
        // The live indexer's heartbeat (backlog) is not a commit of data: watch it too.
        let backlog = self.store.backlog()?;
        let changed = self.generation != Some(generation) || self.backlog != Some(backlog);
        self.backlog = Some(backlog);
        let clock = self
            .overview_at
            .is_none_or(|t| t.elapsed() >= Duration::from_secs(10));
        if changed || clock {
            self.overview()?;
            self.jobs()?;
            self.overview_at = Some(Instant::now());
        }
        self.generation = Some(generation);
        self.images(generation)?;
        self.sources(generation)?;
        self.image_detail(generation)?;
        self.source_detail(generation)?;
        Ok(())
    }

    fn send(&self, u: Update) {
        let _ = self.tx.send(u);
    }

    /// Forgets the stored attempt of a failed or incomplete file so the indexer tries it again
    /// (the live indexer's next scan, or the next cron run).
    fn retry(&self, path: &str) -> anyhow::Result<()> {
        self.store.forget_file(path)?;
        if let Some(r) = &self.rescan_request {
            r.store(true, Ordering::Relaxed);
        }
        Ok(())
    }

    fn overview(&mut self) -> anyhow::Result<()> {
        let now = Utc::now();
        let checks = health::run_checks(&self.store, &self.cfg, now)?;
        let mut since = HashMap::new();
        for c in &checks {
            let e = self
                .since
                .entry(c.name.clone())
                .or_insert((c.state, self.started, true));
            if e.0 != c.state {
                *e = (c.state, now.timestamp(), false);
            }
            since.insert(c.name.clone(), (e.1, e.2));
        }
        let counts = self.store.counts()?;
        let (sources, _) = self.store.source_counts()?;
        let (backlog, _) = self.store.backlog()?;
        let lease = self.store.lease()?.filter(|l| l.is_fresh());
        // The last 24 h (plus whatever is newer: clocks differ) from the time index, newest first.
        let recent = self.store.images(&crate::store::ImageQuery {
            since_mjd: Some(crate::fits::meta::datetime_to_mjd(now) - 1.05),
            limit: Some(20_000),
            ..Default::default()
        })?;
        let newest = recent
            .iter()
            .filter(|r| naming::is_science(&r.kind))
            .max_by(|a, b| crate::health::newest_order(a, b))
            .cloned();
        let mut per_hour = vec![0u64; 24];
        let mut noise: Vec<Vec<f64>> = vec![Vec::new(); 24];
        let now_ns = now.timestamp_nanos_opt().unwrap_or(0);
        for r in &recent {
            let age_h = (now_ns - r.mtime_ns) as f64 / 3.6e12;
            if !(0.0..24.0).contains(&age_h) {
                continue;
            }
            let bin = 23 - age_h as usize;
            per_hour[bin] += 1;
            if let Some(n) = r.noise_jy.filter(|_| naming::is_science(&r.kind)) {
                noise[bin].push(n * 1e3);
            }
        }
        let noise_per_hour = noise
            .into_iter()
            .map(|mut v| {
                v.sort_by(f64::total_cmp);
                (!v.is_empty()).then(|| v[v.len() / 2])
            })
            .collect();
        let ov = Overview {
            overall: Some(health::overall(&checks)),
            checks,
            since,
            images: counts.images,
            sources,
            variable: self.store.variable_count()?,
            jobs: self.store.job_state_counts()?,
            backlog: if lease.is_some() { backlog } else { 0 },
            lease,
            newest: newest.clone(),
            per_hour,
            noise_per_hour,
            latency: self.latency()?,
            at: Some(now),
        };
        self.send(Update::Overview(Box::new(ov)));
        let side = self.want.overview_side.max(16);
        if let Some(n) = newest {
            if self.newest_picture != Some((n.id, side)) {
                self.newest_picture = Some((n.id, side));
                let pic = self.picture(&n, 1, side)?;
                self.send(Update::OverviewPicture(Box::new(pic)));
            }
        }
        Ok(())
    }

    /// Median and p99 ingest latency (s) from the cumulative histogram.
    fn latency(&self) -> anyhow::Result<Option<(f64, f64)>> {
        let total = self.store.counter(crate::store::schema::KEY_DONE_TOTAL)?;
        if total == 0 {
            return Ok(None);
        }
        let mut cum = Vec::new();
        for b in LATENCY_BUCKETS {
            cum.push((*b, self.store.counter(&crate::store::latency_key(*b))?));
        }
        let q = |p: f64| -> f64 {
            let want = (p * total as f64).ceil() as u64;
            cum.iter()
                .find(|(_, n)| *n >= want)
                .map_or(f64::INFINITY, |(b, _)| *b)
        };
        Ok(Some((q(0.5), q(0.99))))
    }

    fn picture(&self, rec: &ImageRecord, zoom: u32, side: usize) -> anyhow::Result<PictureData> {
        let thumb = picture::read_thumb(std::path::Path::new(&rec.path), side, zoom)
            .map_err(|e| format!("{}: {e}", rec.path));
        let markers = self
            .store
            .detections_of_image(rec.id)?
            .into_iter()
            .filter(|d| !d.forced)
            .map(|d| (d.x_pix, d.y_pix))
            .collect();
        Ok(PictureData {
            image_id: rec.id,
            zoom,
            thumb,
            markers,
        })
    }

    fn jobs(&mut self) -> anyhow::Result<()> {
        let now = Utc::now();
        let mut active = self.store.jobs_in_state("running", 200)?;
        active.extend(self.store.jobs_in_state("queued", 200)?);
        let mut failed = self.store.jobs_in_state("failed", 500)?;
        failed.sort_by(|a, b| b.finished_at.cmp(&a.finished_at));
        let mut incomplete = self.store.jobs_in_state("incomplete", 500)?;
        incomplete.sort_by(|a, b| b.finished_at.cmp(&a.finished_at));
        let runs = crate::stats::recent_runs(
            &self.store,
            &self.cfg.runs,
            now,
            now - chrono::Duration::hours(24),
        )?;
        // Job outcomes since the last round go to the log.
        let fresh = self.store.jobs_finished_since(self.jobs_seen_ms + 1)?;
        for j in &fresh {
            let at = j
                .finished_at
                .as_deref()
                .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
                .map(|t| t.with_timezone(&Utc));
            if let Some(at) = at {
                self.jobs_seen_ms = self.jobs_seen_ms.max(at.timestamp_millis());
                let name = crate::output::file_name(&j.path);
                let text = match &j.reason {
                    Some(r) => format!("{name}: {r}"),
                    None => format!("{name} ({} ms)", j.duration_ms.unwrap_or(0.0).round()),
                };
                push_log(
                    &self.log,
                    LogLine {
                        at,
                        level: j.state.clone(),
                        text,
                    },
                );
            }
        }
        self.send(Update::Jobs(Box::new(JobsData {
            counts: self.store.job_state_counts()?,
            failed,
            incomplete,
            active,
            runs,
        })));
        Ok(())
    }

    fn images(&mut self, generation: u64) -> anyhow::Result<()> {
        let w = self.want.images.clone();
        if w.len == 0 || self.sent_images.as_ref() == Some(&(w.clone(), generation)) {
            return Ok(());
        }
        let indexed = w.sort == 0 && w.filter.is_empty();
        let page = if indexed {
            self.images_by_time(&w)?
        } else {
            let (need, new) = rebuild(self.image_order.as_ref(), &w, generation);
            if need {
                if new {
                    // A new order: say so first (a million rows take a few seconds).
                    self.send(Update::Images(building(&w, IMAGE_COLUMNS)));
                }
                self.image_order = Some(self.build_image_order(&w, generation)?);
            }
            page_by_ids(&self.store, IMAGES, "images", self.image_order.as_ref(), &w)?
        };
        self.send(Update::Images(page));
        self.sent_images = Some((w, generation));
        Ok(())
    }

    /// A page in time order straight from the time index: cost is the rows skipped and read
    /// (walking from whichever end of the index is nearer).
    fn images_by_time(&self, w: &TableWant) -> anyhow::Result<Page<ImageRecord>> {
        let rtx = self.store.read()?;
        let by_time = rtx.open_table(IMAGE_BY_TIME)?;
        let t = rtx.open_table(IMAGES)?;
        let total = by_time.len()? as usize;
        let start = w.start.min(total);
        let len = w.len.min(total - start);
        // The rows' positions in the index's own (ascending) order: [asc_lo, asc_lo + len).
        let asc_lo = if w.desc { total - start - len } else { start };
        let key_id = |e: Result<_, redb::StorageError>| -> Result<u64, redb::StorageError> {
            e.map(|(k, _): (redb::AccessGuard<(i64, u64)>, _)| k.value().1)
        };
        let mut ids: Vec<u64> = if asc_lo <= total / 2 {
            by_time
                .iter()?
                .skip(asc_lo)
                .take(len)
                .map(key_id)
                .collect::<Result<_, _>>()?
        } else {
            // Nearer the other end: walk from there.
            let mut v: Vec<u64> = by_time
                .iter()?
                .rev()
                .skip(total - asc_lo - len)
                .take(len)
                .map(key_id)
                .collect::<Result<_, _>>()?;
            v.reverse();
            v
        };
        if w.desc {
            ids.reverse();
        }
        let mut rows = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(v) = t.get(id)? {
                rows.push(decode::<ImageRecord>("images", v.value())?);
            }
        }
        Ok(Page {
            want: w.clone(),
            total,
            rows,
            building: None,
        })
    }

    fn build_image_order(&self, w: &TableWant, generation: u64) -> anyhow::Result<Order> {
        let t0 = Instant::now();
        let needle = w.filter.to_lowercase();
        let hit = |r: &ImageKeys| {
            lower_contains(&crate::output::file_name(&r.path), &needle)
                || lower_contains(&r.kind, &needle)
                || lower_contains(r.field_name.as_deref().unwrap_or(""), &needle)
                || lower_contains(&r.state, &needle)
        };
        let ids = if matches!(w.sort, 1 | 2 | 3 | 8) {
            let keyed = scan_parallel(&self.store, IMAGES, "images", |r: ImageKeys| {
                if !hit(&r) {
                    return None;
                }
                let key = match w.sort {
                    1 => text_key(&crate::output::file_name(&r.path)),
                    2 => text_key(&r.kind),
                    3 => text_key(r.field_name.as_deref().unwrap_or("")),
                    _ => text_key(&r.state),
                };
                Some((key, r.mjd.unwrap_or(0.0), r.id))
            })?;
            sorted_ids(keyed, w.desc, |a, b| a.cmp(b))
        } else {
            let keyed = scan_parallel(&self.store, IMAGES, "images", |r: ImageKeys| {
                if !hit(&r) {
                    return None;
                }
                let key = match w.sort {
                    4 => r.noise_jy,
                    5 => r.dynamic_range,
                    6 => r.beam_major_arcsec,
                    7 => r.n_sources.map(f64::from),
                    _ => r.mjd,
                };
                Some((num_key(key), r.mjd.unwrap_or(0.0), r.id))
            })?;
            sorted_ids(keyed, w.desc, |a, b| a.total_cmp(b))
        };
        Ok(Order::new(w, ids, generation, t0))
    }

    fn sources(&mut self, generation: u64) -> anyhow::Result<()> {
        let w = self.want.sources.clone();
        if w.len == 0 || self.sent_sources.as_ref() == Some(&(w.clone(), generation)) {
            return Ok(());
        }
        let (need, new) = rebuild(self.source_order.as_ref(), &w, generation);
        if need {
            if new {
                self.send(Update::Sources(building(&w, SOURCE_COLUMNS)));
            }
            self.source_order = Some(self.build_source_order(&w, generation)?);
        }
        let page = page_by_ids(
            &self.store,
            SOURCES,
            "sources",
            self.source_order.as_ref(),
            &w,
        )?;
        self.send(Update::Sources(page));
        self.sent_sources = Some((w, generation));
        Ok(())
    }

    fn build_source_order(&self, w: &TableWant, generation: u64) -> anyhow::Result<Order> {
        let t0 = Instant::now();
        let needle = w.filter.to_lowercase();
        let hit = |s: &SourceKeys| {
            lower_contains(&s.name, &needle) || (needle == "variable" && s.is_variable)
        };
        let ids = if w.sort == 0 {
            let keyed = scan_parallel(&self.store, SOURCES, "sources", |s: SourceKeys| {
                hit(&s).then(|| (text_key(&s.name), 0.0, s.id))
            })?;
            sorted_ids(keyed, w.desc, |a, b| a.cmp(b))
        } else {
            let keyed = scan_parallel(&self.store, SOURCES, "sources", |s: SourceKeys| {
                if !hit(&s) {
                    return None;
                }
                let key = match w.sort {
                    1 => s.ra_deg,
                    2 => s.dec_deg,
                    3 => s.n_detections as f64,
                    4 => s.mean_flux_jy,
                    5 => s.v,
                    6 => s.eta,
                    // Variables first, each group by eta.
                    7 => f64::from(u8::from(s.is_variable)) * 1e12 + s.eta.max(0.0),
                    _ => s.last_detected_mjd,
                };
                Some((num_key(Some(key)), 0.0, s.id))
            })?;
            sorted_ids(keyed, w.desc, |a, b| a.total_cmp(b))
        };
        Ok(Order::new(w, ids, generation, t0))
    }

    fn image_detail(&mut self, generation: u64) -> anyhow::Result<()> {
        let Some(key) = self.want.image_detail else {
            self.sent_image_detail = None;
            return Ok(());
        };
        if self.sent_image_detail.is_some_and(|s| s.0 == key) {
            // The picture does not change with other commits; the record might.
            if self.sent_image_detail.is_some_and(|s| s.1 == generation) {
                return Ok(());
            }
        }
        let (id, zoom, side) = key;
        let Some(rec) = self.store.image(id)? else {
            self.send(Update::Status(format!(
                "image {id} is no longer in the index"
            )));
            self.sent_image_detail = Some((key, generation));
            return Ok(());
        };
        let cards = match crate::fits::scan(std::path::Path::new(&rec.path)) {
            Ok(s) => match crate::fits::meta::find_image(&s.layout) {
                Ok((hdu, _)) => hdu.header.cards.iter().map(|c| c.raw.clone()).collect(),
                Err(e) => vec![format!("cannot read the header: {e}")],
            },
            Err(e) => vec![format!("cannot read the header: {e}")],
        };
        let picture = self.picture(&rec, zoom, side)?;
        self.send(Update::ImageDetail(Box::new(ImageDetail {
            rec,
            cards,
            picture,
        })));
        self.sent_image_detail = Some((key, generation));
        Ok(())
    }

    fn source_detail(&mut self, generation: u64) -> anyhow::Result<()> {
        let Some(id) = self.want.source_detail else {
            self.sent_source_detail = None;
            return Ok(());
        };
        if self.sent_source_detail == Some((id, generation)) {
            return Ok(());
        }
        if let Some(src) = self.store.source(&id.to_string())? {
            let lc = self.store.lightcurve(id)?;
            self.send(Update::SourceDetail(Box::new(SourceDetail { src, lc })));
        }
        self.sent_source_detail = Some((id, generation));
        Ok(())
    }
}
