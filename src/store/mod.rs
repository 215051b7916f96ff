//! The embedded store: one redb file shared by every obsmon process on the machine.
//!
//! Invariants:
//! - The database is opened in [`ConcurrencyMode::MultiWriter`]: a cron run, a watcher and any
//!   number of dashboards may have it open at once; redb serialises write transactions.
//! - Every commit bumps `generation` in [`schema::META`], so readers can follow changes cheaply.
//! - An image's row, its secondary-index entries, its file-state entry and its job commit in one
//!   transaction: a crash never leaves half an image.
//! - `IMAGE_BY_PATH`, `IMAGE_BY_TIME` and `FILES` always agree with `IMAGES` (property-tested).

pub mod lease;
pub mod records;
pub mod schema;
mod sources;

pub use sources::{SourceQuery, FLAG_AMBIGUOUS};

pub use schema::LATENCY_BUCKETS;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use redb::{
    ConcurrencyMode, Database, ReadTransaction, ReadableDatabase, ReadableTable,
    ReadableTableMetadata, Table, TableHandle, WriteTransaction,
};

use records::{Detection, ImageRecord, JobRecord};
use schema::*;

/// Errors of the store. Each says what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file was written by another schema version of obsmon.
    #[error(
        "database {path} has schema version {found}, this obsmon uses {expected}: \
         move the file aside (or pass another --db) and re-index, the FITS files are the source"
    )]
    SchemaMismatch {
        /// The database file.
        path: PathBuf,
        /// Its version.
        found: u64,
        /// Ours.
        expected: u64,
    },
    /// redb refused to open the file.
    #[error("cannot open database {path}: {source}")]
    Open {
        /// The database file.
        path: PathBuf,
        /// Why.
        source: redb::DatabaseError,
    },
    /// A storage-level error.
    #[error("database error: {0}")]
    Redb(#[from] redb::Error),
    /// A stored record that does not decode (a bug, or a damaged file).
    #[error("corrupt record in {table}: {source}")]
    Decode {
        /// The table.
        table: &'static str,
        /// Why.
        source: serde_json::Error,
    },
    /// Creating the database directory failed.
    #[error("cannot create {path}: {source}")]
    Io {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

macro_rules! from_redb {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                StoreError::Redb(e.into())
            }
        }
    )*};
}
from_redb!(
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

/// Result of a store call.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What is known of a path from earlier runs (the change-detection key).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileState {
    /// Size when last seen.
    pub size: u64,
    /// mtime (ns) when last seen.
    pub mtime_ns: i64,
    /// Outcome of the last attempt.
    pub status: FileStatus,
}

/// The outcome of the last attempt on a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum FileStatus {
    /// Indexed; an image row exists.
    Indexed = 0,
    /// Failed; retried when the file changes.
    Failed = 1,
    /// Incomplete; retried when the file changes.
    Incomplete = 2,
    /// Not an image; not retried unless it changes.
    Skipped = 3,
    /// Indexed once, now gone from disk.
    Missing = 4,
}

impl FileStatus {
    fn from_u8(v: u8) -> FileStatus {
        match v {
            0 => FileStatus::Indexed,
            1 => FileStatus::Failed,
            2 => FileStatus::Incomplete,
            3 => FileStatus::Skipped,
            _ => FileStatus::Missing,
        }
    }
}

/// The result of one indexing attempt, ready to commit.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The file.
    pub path: String,
    /// The job row (state done, failed, incomplete or skipped); `None` for a file that is not
    /// FITS and has no FITS name (remembered so it is not sniffed again, but not a job).
    pub job: Option<JobRecord>,
    /// The image row, for `done`.
    pub image: Option<ImageRecord>,
    /// Stored change key.
    pub file: FileState,
    /// Detections found in the image (associated at commit).
    pub detections: Vec<Detection>,
    /// Forced measurements at known sources' positions, by source id (used for the sources the
    /// finder missed).
    pub forced: Vec<(u64, Detection)>,
    /// The image's beam major axis, arcsec (the association pre-cut).
    pub beam_major_arcsec: Option<f64>,
}

/// Filters for [`Store::images`].
#[derive(Debug, Clone, Default)]
pub struct ImageQuery {
    /// At most this many rows.
    pub limit: Option<usize>,
    /// Only images observed at or after this MJD.
    pub since_mjd: Option<f64>,
    /// Only this product type.
    pub kind: Option<String>,
    /// Only this field name.
    pub field: Option<String>,
    /// Include rows of files that have vanished.
    pub include_missing: bool,
}

/// The open database.
pub struct Store {
    db: Database,
    path: PathBuf,
    params: crate::sky::SourceParams,
}

impl Store {
    /// Opens (creating if needed) the database at `path` in multi-writer mode and checks the
    /// schema version.
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_with_cache(path, 64 * 1024 * 1024)
    }

    /// [`Store::open`] with a page cache of `cache_bytes` (the dashboard keeps it small: its
    /// reads are pages of rows and whole-table scans, neither helped by a large cache).
    pub fn open_with_cache(path: &Path, cache_bytes: usize) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let db = Database::builder()
            .set_concurrency_mode(ConcurrencyMode::MultiWriter)
            .set_cache_size(cache_bytes)
            .create(path)
            .map_err(|source| StoreError::Open {
                path: path.to_path_buf(),
                source,
            })?;
        let store = Store {
            db,
            path: path.to_path_buf(),
            params: Default::default(),
        };
        store.init_schema()?;
        Ok(store)
    }

    /// Sets the association and variability parameters used by commits.
    pub fn set_params(&mut self, p: crate::sky::SourceParams) {
        self.params = p;
    }

    /// The association and variability parameters.
    pub fn params(&self) -> &crate::sky::SourceParams {
        &self.params
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn init_schema(&self) -> Result<()> {
        let rtx = self.db.begin_read()?;
        let found = match rtx.open_table(META) {
            Ok(t) => t.get(KEY_SCHEMA)?.map(|v| v.value()),
            Err(redb::TableError::TableDoesNotExist(_)) => None,
            Err(e) => return Err(e.into()),
        };
        drop(rtx);
        match found {
            Some(v) if v == SCHEMA_VERSION => {
                // Tables added within a schema version are created on first open.
                let rtx = self.db.begin_read()?;
                let missing = [
                    rtx.open_table(LEASE).is_err(),
                    rtx.open_table(SIZE_SAMPLES).is_err(),
                    rtx.open_table(SOURCE_BY_NAME).is_err(),
                ]
                .contains(&true);
                let no_job_index = rtx.open_table(JOB_BY_STATE).is_err();
                drop(rtx);
                self.backfill_missing_count()?;
                if missing || no_job_index {
                    let wtx = self.db.begin_write()?;
                    // Another process may have added them between our read and write.
                    let backfill =
                        no_job_index && wtx.list_tables()?.all(|t| t.name() != "job_by_state");
                    schema::create_all(&wtx)?;
                    if backfill {
                        backfill_job_indexes(&wtx)?;
                    }
                    wtx.commit()?;
                }
                Ok(())
            }
            Some(v) => Err(StoreError::SchemaMismatch {
                path: self.path.clone(),
                found: v,
                expected: SCHEMA_VERSION,
            }),
            None => {
                let wtx = self.db.begin_write()?;
                {
                    let mut meta = wtx.open_table(META)?;
                    // Another process may have initialised it between our read and write.
                    let existing = meta.get(KEY_SCHEMA)?.map(|v| v.value());
                    if let Some(v) = existing {
                        if v != SCHEMA_VERSION {
                            return Err(StoreError::SchemaMismatch {
                                path: self.path.clone(),
                                found: v,
                                expected: SCHEMA_VERSION,
                            });
                        }
                    } else {
                        meta.insert(KEY_SCHEMA, SCHEMA_VERSION)?;
                        meta.insert(KEY_GENERATION, 0)?;
                        meta.insert(KEY_IMAGES_MISSING, 0)?;
                    }
                    schema::create_all(&wtx)?;
                }
                wtx.commit()?;
                Ok(())
            }
        }
    }

    /// Counts the missing image rows of a database written before the count was kept (once).
    fn backfill_missing_count(&self) -> Result<()> {
        let known = {
            let rtx = self.db.begin_read()?;
            let meta = rtx.open_table(META)?;
            let v = meta.get(KEY_IMAGES_MISSING)?.is_some();
            v
        };
        if known {
            return Ok(());
        }
        let wtx = self.db.begin_write()?;
        {
            let mut meta = wtx.open_table(META)?;
            if meta.get(KEY_IMAGES_MISSING)?.is_none() {
                let images = wtx.open_table(IMAGES)?;
                let mut n = 0u64;
                for e in images.iter()? {
                    let (_, v) = e?;
                    let rec: ImageRecord = decode("images", v.value())?;
                    n += u64::from(rec.state == "missing");
                }
                meta.insert(KEY_IMAGES_MISSING, n)?;
            }
        }
        wtx.commit()?;
        Ok(())
    }

    /// Image rows of files that are still there (rows minus missing ones): O(1).
    pub fn indexed_image_count(&self) -> Result<u64> {
        let rtx = self.db.begin_read()?;
        let rows = rtx.open_table(IMAGES)?.len()?;
        let missing = rtx
            .open_table(META)?
            .get(KEY_IMAGES_MISSING)?
            .map(|v| v.value())
            .unwrap_or(0);
        Ok(rows.saturating_sub(missing))
    }

    /// Begins a read transaction (a consistent snapshot).
    pub fn read(&self) -> Result<ReadTransaction> {
        Ok(self.db.begin_read()?)
    }

    /// Begins a write transaction. Callers must finish with [`Store::commit`].
    pub fn write(&self) -> Result<WriteTransaction> {
        Ok(self.db.begin_write()?)
    }

    /// Bumps the generation counter and commits.
    pub fn commit(&self, wtx: WriteTransaction) -> Result<()> {
        {
            let mut meta = wtx.open_table(META)?;
            bump(&mut meta, KEY_GENERATION)?;
        }
        wtx.commit()?;
        Ok(())
    }

    /// The generation counter: changes whenever anything is committed.
    pub fn generation(&self) -> Result<u64> {
        let rtx = self.db.begin_read()?;
        let meta = rtx.open_table(META)?;
        let generation = meta.get(KEY_GENERATION)?.map(|v| v.value());
        Ok(generation.unwrap_or(0))
    }

    /// Every known path with its change key (one read transaction; no record decoding).
    pub fn file_states(&self) -> Result<HashMap<String, FileState>> {
        let rtx = self.db.begin_read()?;
        let files = rtx.open_table(FILES)?;
        let mut out = HashMap::with_capacity(files.len()? as usize);
        for entry in files.iter()? {
            let (k, v) = entry?;
            let (size, mtime_ns, status) = v.value();
            out.insert(
                k.value().to_string(),
                FileState {
                    size,
                    mtime_ns,
                    status: FileStatus::from_u8(status),
                },
            );
        }
        Ok(out)
    }

    /// The change key of one path.
    pub fn file_state(&self, path: &str) -> Result<Option<FileState>> {
        let rtx = self.db.begin_read()?;
        let files = rtx.open_table(FILES)?;
        let v = files.get(path)?.map(|v| {
            let (size, mtime_ns, status) = v.value();
            FileState {
                size,
                mtime_ns,
                status: FileStatus::from_u8(status),
            }
        });
        Ok(v)
    }

    /// Commits a batch of outcomes in one transaction. Each image is whole within it.
    pub fn commit_outcomes(&self, outcomes: &mut [Outcome]) -> Result<()> {
        if outcomes.is_empty() {
            return Ok(());
        }
        let t0 = std::time::Instant::now();
        let wtx = self.db.begin_write()?;
        {
            let mut t = Tables::open(&wtx, self.params)?;
            for o in outcomes.iter_mut() {
                t.apply(o)?;
            }
        }
        let t1 = t0.elapsed();
        self.commit(wtx)?;
        tracing::debug!(
            images = outcomes.len(),
            apply_ms = t1.as_secs_f64() * 1e3,
            total_ms = t0.elapsed().as_secs_f64() * 1e3,
            "committed"
        );
        Ok(())
    }

    /// Records jobs as `queued` (one transaction for the whole backlog).
    pub fn enqueue(&self, jobs: &mut [JobRecord]) -> Result<()> {
        if jobs.is_empty() {
            return Ok(());
        }
        let wtx = self.db.begin_write()?;
        {
            let mut t = Tables::open(&wtx, self.params)?;
            for j in jobs.iter_mut() {
                t.put_job(j, false)?;
            }
        }
        self.commit(wtx)
    }

    /// Forgets the stored attempt at `path` (its change key) and re-queues its job, so the next
    /// scan of the live indexer or of a cron run tries the file again. The file is not touched.
    pub fn forget_file(&self, path: &str) -> Result<()> {
        let wtx = self.db.begin_write()?;
        {
            let mut t = Tables::open(&wtx, self.params)?;
            t.files.remove(path)?;
            let id = t.job_by_path.get(path)?.map(|v| v.value());
            let old = match id {
                Some(id) => t.jobs.get(id)?.map(|v| v.value().to_vec()),
                None => None,
            };
            if let Some(old) = old {
                let mut job: JobRecord = decode("jobs", &old)?;
                job.state = "queued".into();
                job.reason = Some("retry requested".into());
                job.queued_at = Some(crate::fits::meta::iso(chrono::Utc::now()));
                job.finished_at = None;
                t.put_job(&mut job, false)?;
            }
        }
        self.commit(wtx)
    }

    /// Marks indexed paths as missing (rows kept, `state = missing`, `missing_since` set).
    pub fn mark_missing(&self, paths: &[String], now_iso: &str) -> Result<usize> {
        if paths.is_empty() {
            return Ok(0);
        }
        let wtx = self.db.begin_write()?;
        let mut n = 0;
        {
            let mut t = Tables::open(&wtx, self.params)?;
            for p in paths {
                if t.mark_missing(p, now_iso)? {
                    n += 1;
                }
            }
        }
        self.commit(wtx)?;
        Ok(n)
    }

    /// One image by id.
    pub fn image(&self, id: u64) -> Result<Option<ImageRecord>> {
        image_in(&self.db.begin_read()?, id)
    }

    /// One image by path.
    pub fn image_by_path(&self, path: &str) -> Result<Option<ImageRecord>> {
        let rtx = self.db.begin_read()?;
        let by_path = rtx.open_table(IMAGE_BY_PATH)?;
        let Some(id) = by_path.get(path)?.map(|v| v.value()) else {
            return Ok(None);
        };
        image_in(&rtx, id)
    }

    /// Images newest first (by observation time), filtered. Walks the time index backwards and
    /// stops at `limit`: cost is proportional to the rows returned, not to the table.
    pub fn images(&self, q: &ImageQuery) -> Result<Vec<ImageRecord>> {
        let rtx = self.db.begin_read()?;
        let by_time = rtx.open_table(IMAGE_BY_TIME)?;
        let images = rtx.open_table(IMAGES)?;
        let limit = q.limit.unwrap_or(usize::MAX);
        let mut out = Vec::new();
        let lower = q.since_mjd.map(mjd_key).unwrap_or(i64::MIN);
        for entry in by_time.range((lower, 0)..)?.rev() {
            if out.len() >= limit {
                break;
            }
            let (k, _) = entry?;
            let (_, id) = k.value();
            let Some(v) = images.get(id)? else { continue };
            let rec: ImageRecord = decode("images", v.value())?;
            if !q.include_missing && rec.state == "missing" {
                continue;
            }
            if q.kind.as_deref().is_some_and(|k| k != rec.kind) {
                continue;
            }
            if q.field
                .as_deref()
                .is_some_and(|f| Some(f) != rec.field_name.as_deref())
            {
                continue;
            }
            out.push(rec);
        }
        Ok(out)
    }

    /// Jobs, most recently finished first, optionally of one state.
    pub fn jobs(&self, state: Option<&str>, limit: Option<usize>) -> Result<Vec<JobRecord>> {
        let rtx = self.db.begin_read()?;
        let jobs = rtx.open_table(JOBS)?;
        let mut out = Vec::new();
        for entry in jobs.iter()? {
            let (_, v) = entry?;
            let job: JobRecord = decode("jobs", v.value())?;
            if state.is_none_or(|s| s == job.state) {
                out.push(job);
            }
        }
        out.sort_by(|a, b| b.finished_at.cmp(&a.finished_at).then(b.id.cmp(&a.id)));
        if let Some(l) = limit {
            out.truncate(l);
        }
        Ok(out)
    }

    /// Jobs in one state, most recently created first, at most `limit` (reads only those rows).
    pub fn jobs_in_state(&self, state: &str, limit: usize) -> Result<Vec<JobRecord>> {
        let rtx = self.db.begin_read()?;
        let by_state = rtx.open_table(JOB_BY_STATE)?;
        let jobs = rtx.open_table(JOBS)?;
        let code = state_code(state);
        let mut out = Vec::new();
        for e in by_state.range((code, 0)..=(code, u64::MAX))?.rev() {
            if out.len() >= limit {
                break;
            }
            let id = e?.0.value().1;
            if let Some(v) = jobs.get(id)? {
                out.push(decode("jobs", v.value())?);
            }
        }
        Ok(out)
    }

    /// Jobs that finished at or after `since_ms` (ms since the epoch), oldest first.
    pub fn jobs_finished_since(&self, since_ms: i64) -> Result<Vec<JobRecord>> {
        let rtx = self.db.begin_read()?;
        let by_finished = rtx.open_table(JOB_BY_FINISHED)?;
        let jobs = rtx.open_table(JOBS)?;
        let mut out = Vec::new();
        for e in by_finished.range((since_ms, 0)..)? {
            let id = e?.0.value().1;
            if let Some(v) = jobs.get(id)? {
                out.push(decode("jobs", v.value())?);
            }
        }
        Ok(out)
    }

    /// Number of jobs in each state of [`records::JOB_STATES`] (kept by every commit: O(1)).
    pub fn job_state_counts(&self) -> Result<Vec<(&'static str, u64)>> {
        let rtx = self.db.begin_read()?;
        let meta = rtx.open_table(META)?;
        let mut out = Vec::new();
        for s in records::JOB_STATES {
            let key = format!("{KEY_JOBS_STATE_PREFIX}{s}");
            out.push((*s, meta.get(key.as_str())?.map(|v| v.value()).unwrap_or(0)));
        }
        Ok(out)
    }

    /// Number of sky sources flagged variable (kept by every commit: O(1)).
    pub fn variable_count(&self) -> Result<u64> {
        self.counter(KEY_VARIABLE_SOURCES)
    }

    /// The job of one path.
    pub fn job_by_path(&self, path: &str) -> Result<Option<JobRecord>> {
        let rtx = self.db.begin_read()?;
        let by_path = rtx.open_table(JOB_BY_PATH)?;
        let Some(id) = by_path.get(path)?.map(|v| v.value()) else {
            return Ok(None);
        };
        let jobs = rtx.open_table(JOBS)?;
        let rec = jobs.get(id)?.map(|v| decode("jobs", v.value())).transpose();
        rec
    }

    /// A META counter (0 when absent).
    pub fn counter(&self, key: &str) -> Result<u64> {
        let rtx = self.db.begin_read()?;
        let meta = rtx.open_table(META)?;
        let v = meta.get(key)?.map(|v| v.value()).unwrap_or(0);
        Ok(v)
    }

    /// Records the database size now (at most one sample an hour), for the growth check.
    pub fn sample_size(&self) -> Result<()> {
        let now = chrono::Utc::now().timestamp();
        let size = std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0);
        let last = {
            let rtx = self.db.begin_read()?;
            let t = rtx.open_table(SIZE_SAMPLES)?;
            let v = t.last()?.map(|(k, _)| k.value());
            v
        };
        if last.is_some_and(|l| now - l < 3600) {
            return Ok(());
        }
        let wtx = self.db.begin_write()?;
        {
            let mut t = wtx.open_table(SIZE_SAMPLES)?;
            t.insert(now, size)?;
        }
        wtx.commit()?;
        Ok(())
    }

    /// Samples the database size (see [`Store::sample_size`]) until `stop` is set: what every
    /// long-running process does for the growth check.
    pub fn sample_size_until(&self, stop: &std::sync::atomic::AtomicBool) {
        use std::sync::atomic::Ordering;
        while !stop.load(Ordering::Relaxed) {
            if let Err(e) = self.sample_size() {
                tracing::debug!("database size sample: {e}");
            }
            // A minute between looks (a sample is kept at most hourly); stop seen within 0.1 s.
            for _ in 0..600 {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        }
    }

    /// Size samples (Unix seconds, bytes), oldest first.
    pub fn size_samples(&self) -> Result<Vec<(i64, u64)>> {
        let rtx = self.db.begin_read()?;
        let t = rtx.open_table(SIZE_SAMPLES)?;
        let mut out = Vec::new();
        for e in t.iter()? {
            let (k, v) = e?;
            out.push((k.value(), v.value()));
        }
        Ok(out)
    }

    /// Every image row (including missing ones).
    pub fn all_images(&self) -> Result<Vec<ImageRecord>> {
        let rtx = self.db.begin_read()?;
        let t = rtx.open_table(IMAGES)?;
        let mut out = Vec::new();
        for e in t.iter()? {
            let (_, v) = e?;
            out.push(decode("images", v.value())?);
        }
        Ok(out)
    }

    /// Row counts of the source tables: (sky sources, detections).
    pub fn source_counts(&self) -> Result<(u64, u64)> {
        let rtx = self.db.begin_read()?;
        let s = rtx.open_table(SOURCES)?.len()?;
        let d = rtx.open_table(DETECTIONS)?.len()?;
        Ok((s, d))
    }

    /// Counts of rows per table, for stats and tests.
    pub fn counts(&self) -> Result<Counts> {
        let rtx = self.db.begin_read()?;
        Ok(Counts {
            images: rtx.open_table(IMAGES)?.len()?,
            jobs: rtx.open_table(JOBS)?.len()?,
            files: rtx.open_table(FILES)?.len()?,
        })
    }
}

/// Row counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    /// Image rows (including missing).
    pub images: u64,
    /// Job rows.
    pub jobs: u64,
    /// Known paths.
    pub files: u64,
}

/// The tables a write transaction touches, opened once per transaction.
struct Tables<'t> {
    meta: Table<'t, &'static str, u64>,
    images: Table<'t, u64, &'static [u8]>,
    by_path: Table<'t, &'static str, u64>,
    by_time: Table<'t, (i64, u64), ()>,
    jobs: Table<'t, u64, &'static [u8]>,
    job_by_path: Table<'t, &'static str, u64>,
    files: Table<'t, &'static str, (u64, i64, u8)>,
    detections: Table<'t, u64, &'static [u8]>,
    job_by_state: Table<'t, (u8, u64), ()>,
    job_by_finished: Table<'t, (i64, u64), ()>,
    det_by_image: Table<'t, (u64, u64), ()>,
    det_by_source: Table<'t, (u64, i64, u64), ()>,
    sources: Table<'t, u64, &'static [u8]>,
    source_cells: Table<'t, (u64, u64), ()>,
    source_by_name: Table<'t, &'static str, u64>,
    params: crate::sky::SourceParams,
}

impl<'t> Tables<'t> {
    fn open(wtx: &'t WriteTransaction, params: crate::sky::SourceParams) -> Result<Self> {
        Ok(Tables {
            meta: wtx.open_table(META)?,
            images: wtx.open_table(IMAGES)?,
            by_path: wtx.open_table(IMAGE_BY_PATH)?,
            by_time: wtx.open_table(IMAGE_BY_TIME)?,
            jobs: wtx.open_table(JOBS)?,
            job_by_path: wtx.open_table(JOB_BY_PATH)?,
            files: wtx.open_table(FILES)?,
            job_by_state: wtx.open_table(JOB_BY_STATE)?,
            job_by_finished: wtx.open_table(JOB_BY_FINISHED)?,
            detections: wtx.open_table(DETECTIONS)?,
            det_by_image: wtx.open_table(DET_BY_IMAGE)?,
            det_by_source: wtx.open_table(DET_BY_SOURCE)?,
            sources: wtx.open_table(SOURCES)?,
            source_cells: wtx.open_table(SOURCE_CELLS)?,
            source_by_name: wtx.open_table(SOURCE_BY_NAME)?,
            params,
        })
    }

    fn apply(&mut self, o: &mut Outcome) -> Result<()> {
        let path = o.path.clone();
        if let Some(job) = o.job.as_mut() {
            self.put_job(job, true)?;
        }

        let old_id = self.by_path.get(path.as_str())?.map(|v| v.value());
        if let Some(id) = old_id {
            // A changed image takes its old detections out of their sky sources first.
            self.remove_image_detections(id)?;
        }
        if let Some(img) = o.image.as_mut() {
            let id = match old_id {
                Some(id) => {
                    self.remove_time_entry(id)?;
                    id
                }
                None => {
                    let id = bump(&mut self.meta, KEY_NEXT_IMAGE)?;
                    self.by_path.insert(path.as_str(), id)?;
                    id
                }
            };
            img.id = id;
            if img.n_sources.is_some() {
                let beam = o.beam_major_arcsec.unwrap_or(0.0);
                img.n_sources = Some(o.detections.len() as u32);
                self.associate(id, beam, &mut o.detections, &mut o.forced)?;
            }
            self.images.insert(id, encode(img).as_slice())?;
            self.by_time
                .insert((mjd_key(img.mjd.unwrap_or(0.0)), id), ())?;
        } else if let Some(id) = old_id {
            // The file changed into something that is no longer an indexable image: its old row
            // would describe pixels that are not there any more.
            self.remove_time_entry(id)?;
            self.images.remove(id)?;
            self.by_path.remove(path.as_str())?;
        }
        self.files.insert(
            path.as_str(),
            (o.file.size, o.file.mtime_ns, o.file.status as u8),
        )?;
        self.count_outcome(o)?;
        Ok(())
    }

    /// Monotonic counters for Prometheus: outcomes and the ingest-latency histogram.
    fn count_outcome(&mut self, o: &Outcome) -> Result<()> {
        let Some(job) = &o.job else { return Ok(()) };
        match job.state.as_str() {
            "done" => {
                bump(&mut self.meta, KEY_DONE_TOTAL)?;
                let now_ns = chrono::Utc::now().timestamp_nanos_opt().unwrap_or(0);
                let lat_s = ((now_ns - o.file.mtime_ns) as f64 / 1e9).max(0.0);
                let sum = self
                    .meta
                    .get(KEY_LATENCY_SUM_MS)?
                    .map(|v| v.value())
                    .unwrap_or(0);
                self.meta
                    .insert(KEY_LATENCY_SUM_MS, sum + (lat_s * 1000.0) as u64)?;
                for b in LATENCY_BUCKETS {
                    if lat_s <= *b {
                        bump(&mut self.meta, &latency_key(*b))?;
                    }
                }
            }
            "failed" => {
                bump(&mut self.meta, KEY_FAILED_TOTAL)?;
            }
            _ => {}
        }
        Ok(())
    }

    /// Inserts or replaces the job row of `job.path`. With `attempt`, counts one more attempt.
    fn put_job(&mut self, job: &mut JobRecord, attempt: bool) -> Result<()> {
        // The job row of a path is reused: attempts accumulate.
        let existing = self.job_by_path.get(job.path.as_str())?.map(|v| v.value());
        let job_id = match existing {
            Some(id) => {
                let old = self.jobs.get(id)?.map(|v| v.value().to_vec());
                if let Some(old) = old {
                    let old: JobRecord = decode("jobs", &old)?;
                    job.attempts = old.attempts + u32::from(attempt);
                    self.unindex_job(&old)?;
                }
                id
            }
            None => {
                let id = bump(&mut self.meta, KEY_NEXT_JOB)?;
                self.job_by_path.insert(job.path.as_str(), id)?;
                job.attempts = u32::from(attempt);
                id
            }
        };
        job.id = job_id;
        self.jobs.insert(job_id, encode(job).as_slice())?;
        index_job(
            &mut self.meta,
            &mut self.job_by_state,
            &mut self.job_by_finished,
            job,
        )
    }

    /// Takes a job row's entries out of the job indexes and its state count.
    fn unindex_job(&mut self, old: &JobRecord) -> Result<()> {
        self.job_by_state.remove((state_code(&old.state), old.id))?;
        self.job_by_finished.remove((finished_ms(old), old.id))?;
        let key = format!("{KEY_JOBS_STATE_PREFIX}{}", old.state);
        let n = self.meta.get(key.as_str())?.map(|v| v.value()).unwrap_or(0);
        self.meta.insert(key.as_str(), n.saturating_sub(1))?;
        Ok(())
    }

    /// Takes an image row out of the time index (it is about to be replaced or removed), and
    /// out of the missing count if it was missing.
    fn remove_time_entry(&mut self, id: u64) -> Result<()> {
        let old = self.images.get(id)?.map(|v| v.value().to_vec());
        if let Some(bytes) = old {
            let rec: ImageRecord = decode("images", &bytes)?;
            self.by_time.remove((mjd_key(rec.mjd.unwrap_or(0.0)), id))?;
            if rec.state == "missing" {
                let n = self
                    .meta
                    .get(KEY_IMAGES_MISSING)?
                    .map(|v| v.value())
                    .unwrap_or(0);
                self.meta.insert(KEY_IMAGES_MISSING, n.saturating_sub(1))?;
            }
        }
        Ok(())
    }

    fn mark_missing(&mut self, path: &str, now_iso: &str) -> Result<bool> {
        let Some((size, mtime_ns, _)) = self.files.get(path)?.map(|v| v.value()) else {
            return Ok(false);
        };
        self.files
            .insert(path, (size, mtime_ns, FileStatus::Missing as u8))?;
        let Some(id) = self.by_path.get(path)?.map(|v| v.value()) else {
            return Ok(false);
        };
        let Some(bytes) = self.images.get(id)?.map(|v| v.value().to_vec()) else {
            return Ok(false);
        };
        let mut rec: ImageRecord = decode("images", &bytes)?;
        if rec.state == "missing" {
            return Ok(false);
        }
        // A vanished image's detections leave their sky sources.
        self.remove_image_detections(id)?;
        rec.state = "missing".into();
        rec.missing_since = Some(now_iso.to_string());
        bump(&mut self.meta, KEY_IMAGES_MISSING)?;
        self.images.insert(id, encode(&rec).as_slice())?;
        Ok(true)
    }
}

/// Adds a job row's entries to the job indexes and its state count.
fn index_job(
    meta: &mut Table<&'static str, u64>,
    by_state: &mut Table<(u8, u64), ()>,
    by_finished: &mut Table<(i64, u64), ()>,
    job: &JobRecord,
) -> Result<()> {
    by_state.insert((state_code(&job.state), job.id), ())?;
    by_finished.insert((finished_ms(job), job.id), ())?;
    bump(meta, &format!("{KEY_JOBS_STATE_PREFIX}{}", job.state))?;
    Ok(())
}

/// Builds the job indexes, the per-state counts and the variable-source count of a database
/// written before they existed (once, when it is first opened by this version).
fn backfill_job_indexes(wtx: &WriteTransaction) -> Result<()> {
    let mut meta = wtx.open_table(META)?;
    let mut by_state = wtx.open_table(JOB_BY_STATE)?;
    let mut by_finished = wtx.open_table(JOB_BY_FINISHED)?;
    let jobs = wtx.open_table(JOBS)?;
    for e in jobs.iter()? {
        let (_, v) = e?;
        let job: JobRecord = decode("jobs", v.value())?;
        index_job(&mut meta, &mut by_state, &mut by_finished, &job)?;
    }
    let sources = wtx.open_table(SOURCES)?;
    let mut variable = 0;
    for e in sources.iter()? {
        let (_, v) = e?;
        let s: records::SkySource = decode("sources", v.value())?;
        variable += u64::from(s.is_variable);
    }
    meta.insert(KEY_VARIABLE_SOURCES, variable)?;
    Ok(())
}

/// Index of a job state in [`records::JOB_STATES`] (unknown states sort last).
pub fn state_code(state: &str) -> u8 {
    records::JOB_STATES
        .iter()
        .position(|s| *s == state)
        .unwrap_or(records::JOB_STATES.len()) as u8
}

/// `finished_at` of a job in ms since the epoch; 0 when it has not finished.
fn finished_ms(job: &JobRecord) -> i64 {
    job.finished_at
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map_or(0, |t| t.timestamp_millis())
}

/// One image row within a read transaction.
fn image_in(rtx: &ReadTransaction, id: u64) -> Result<Option<ImageRecord>> {
    let images = rtx.open_table(IMAGES)?;
    let rec = images
        .get(id)?
        .map(|v| decode("images", v.value()))
        .transpose();
    rec
}

/// META key of one latency bucket.
pub fn latency_key(le: f64) -> String {
    format!("latency_le_{le}")
}

/// Time index key: MJD in milliseconds.
pub fn mjd_key(mjd: f64) -> i64 {
    (mjd * 86_400_000.0).round() as i64
}

fn bump(meta: &mut Table<&'static str, u64>, key: &str) -> Result<u64> {
    let next = meta.get(key)?.map(|v| v.value()).unwrap_or(0) + 1;
    meta.insert(key, next)?;
    Ok(next)
}

/// Serialises a record (JSON: self-describing, so adding a field needs no migration).
pub fn encode<T: serde::Serialize>(rec: &T) -> Vec<u8> {
    // Serialising plain data structs to a Vec cannot fail.
    serde_json::to_vec(rec).unwrap_or_default()
}

/// Deserialises a record.
pub fn decode<T: serde::de::DeserializeOwned>(table: &'static str, bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|source| StoreError::Decode { table, source })
}
