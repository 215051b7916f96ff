//! Table definitions and the schema version.
//!
//! Values of the main tables are JSON-encoded records ([`super::records`]); the change-detection
//! table `FILES` uses a fixed tuple so a re-scan of many files decodes nothing.

use redb::{TableDefinition, WriteTransaction};

/// Bump when a table's key or value type changes meaning. Adding a JSON field does not need it.
pub const SCHEMA_VERSION: u64 = 1;

/// Counters and settings: `schema_version`, `generation`, `next_image_id`, `next_job_id`.
pub const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
/// Image id -> JSON [`super::records::ImageRecord`].
pub const IMAGES: TableDefinition<u64, &[u8]> = TableDefinition::new("images");
/// Path -> image id.
pub const IMAGE_BY_PATH: TableDefinition<&str, u64> = TableDefinition::new("image_by_path");
/// (MJD in ms, image id) -> (), for newest-first listing and time ranges.
pub const IMAGE_BY_TIME: TableDefinition<(i64, u64), ()> = TableDefinition::new("image_by_time");
/// Job id -> JSON [`super::records::JobRecord`].
pub const JOBS: TableDefinition<u64, &[u8]> = TableDefinition::new("jobs");
/// Path -> job id.
pub const JOB_BY_PATH: TableDefinition<&str, u64> = TableDefinition::new("job_by_path");
/// Path -> (size, mtime ns, status) of the last attempt: the change-detection key.
pub const FILES: TableDefinition<&str, (u64, i64, u8)> = TableDefinition::new("files");

/// Detection id -> JSON [`super::records::Detection`].
pub const DETECTIONS: TableDefinition<u64, &[u8]> = TableDefinition::new("detections");
/// (image id, detection id) -> ().
pub const DET_BY_IMAGE: TableDefinition<(u64, u64), ()> = TableDefinition::new("det_by_image");
/// (source id, MJD ms, detection id) -> (): a source's light curve in time order.
pub const DET_BY_SOURCE: TableDefinition<(u64, i64, u64), ()> =
    TableDefinition::new("det_by_source");
/// Source id -> JSON [`super::records::SkySource`].
pub const SOURCES: TableDefinition<u64, &[u8]> = TableDefinition::new("sources");
/// (HEALPix cell at depth 12, source id) -> (): the spatial index for association and cones.
pub const SOURCE_CELLS: TableDefinition<(u64, u64), ()> = TableDefinition::new("source_cells");
/// Name -> source id.
pub const SOURCE_BY_NAME: TableDefinition<&str, u64> = TableDefinition::new("source_by_name");

/// "indexer" -> JSON [`super::lease::Lease`]: who keeps the directories current.
pub const LEASE: TableDefinition<&str, &[u8]> = TableDefinition::new("lease");

/// Unix seconds -> database file size in bytes: samples for the growth-rate check.
pub const SIZE_SAMPLES: TableDefinition<i64, u64> = TableDefinition::new("size_samples");
/// META key: images committed as done, ever (a Prometheus counter).
pub const KEY_DONE_TOTAL: &str = "indexed_total";
/// META key: attempts committed as failed, ever.
pub const KEY_FAILED_TOTAL: &str = "failed_total";
/// META key: sum of ingest latencies (file mtime -> commit), ms.
pub const KEY_LATENCY_SUM_MS: &str = "latency_sum_ms";
/// Upper bounds (seconds) of the ingest-latency histogram buckets; META keys `latency_le_<b>`.
pub const LATENCY_BUCKETS: &[f64] = &[0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 300.0, 3600.0];

/// META key of the last detection id handed out.
pub const KEY_NEXT_DET: &str = "next_detection_id";
/// META key of the last source id handed out.
pub const KEY_NEXT_SOURCE: &str = "next_source_id";
/// META key of the live indexer's backlog (files waiting to be indexed).
pub const KEY_BACKLOG: &str = "backlog";
/// META key of the age in seconds of the oldest file in the backlog.
pub const KEY_BACKLOG_OLDEST_S: &str = "backlog_oldest_s";
/// META key of the schema version.
pub const KEY_SCHEMA: &str = "schema_version";
/// META key of the commit counter.
pub const KEY_GENERATION: &str = "generation";
/// META key of the last image id handed out.
pub const KEY_NEXT_IMAGE: &str = "next_image_id";
/// META key of the last job id handed out.
pub const KEY_NEXT_JOB: &str = "next_job_id";

/// Jobs by state: (index of the state in `JOB_STATES`, job id). Lists of failed or incomplete
/// files without reading every job. Invariant: exactly one entry per job row, for its state.
pub const JOB_BY_STATE: TableDefinition<(u8, u64), ()> = TableDefinition::new("job_by_state");
/// Jobs by finish time: (finished_at in ms since the epoch, 0 when unfinished; job id). Recent
/// failures and recent runs without reading every job. Invariant: one entry per job row.
pub const JOB_BY_FINISHED: TableDefinition<(i64, u64), ()> =
    TableDefinition::new("job_by_finished");
/// META key prefix of the per-state job counts (`jobs_state_failed`, ...), kept in the same
/// transaction as the job rows.
pub const KEY_JOBS_STATE_PREFIX: &str = "jobs_state_";
/// META key of the number of image rows whose file has vanished (`state = missing`), kept with the
/// rows: listings count indexed images without reading them.
pub const KEY_IMAGES_MISSING: &str = "images_missing";
/// META key of the number of sky sources flagged variable, kept with the source rows.
pub const KEY_VARIABLE_SOURCES: &str = "variable_sources";

/// Creates every table, so readers never meet a missing one.
pub fn create_all(wtx: &WriteTransaction) -> Result<(), redb::TableError> {
    wtx.open_table(IMAGES)?;
    wtx.open_table(IMAGE_BY_PATH)?;
    wtx.open_table(IMAGE_BY_TIME)?;
    wtx.open_table(JOBS)?;
    wtx.open_table(JOB_BY_PATH)?;
    wtx.open_table(FILES)?;
    wtx.open_table(DETECTIONS)?;
    wtx.open_table(DET_BY_IMAGE)?;
    wtx.open_table(DET_BY_SOURCE)?;
    wtx.open_table(SOURCES)?;
    wtx.open_table(SOURCE_CELLS)?;
    wtx.open_table(SOURCE_BY_NAME)?;
    wtx.open_table(LEASE)?;
    wtx.open_table(SIZE_SAMPLES)?;
    wtx.open_table(JOB_BY_STATE)?;
    wtx.open_table(JOB_BY_FINISHED)?;
    Ok(())
}
