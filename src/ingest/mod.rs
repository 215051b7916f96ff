//! Ingestion: discovery, change detection, parallel workers, and commits.
//!
//! [`run_index`] is the whole of `obsmon index`: walk, compare with the store, index what is new
//! or changed (newest first, on N threads), mark vanished files missing, and report.

pub mod scan;
pub mod watch;
pub mod worker;

use std::collections::{HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Mutex};
use std::time::Instant;

use chrono::Utc;
use serde::Serialize;

use crate::fits::{self, meta, Sniff};
use crate::store::records::JobRecord;
use crate::store::{FileState, FileStatus, Outcome, Store, StoreError};
use scan::Found;
pub use worker::WorkerOptions;

/// Options of one index run.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    /// Worker threads.
    pub jobs: usize,
    /// What each worker does.
    pub worker: WorkerOptions,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            jobs: default_jobs(),
            worker: WorkerOptions::default(),
        }
    }
}

/// The number of cores (at least 1).
pub fn default_jobs() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
}

/// One file that could not be indexed.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Failure {
    /// The file.
    pub path: String,
    /// Why.
    pub reason: String,
}

/// The summary of an index run; its JSON form is `obsmon index --json`.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct IndexSummary {
    /// FITS candidates examined (by content or by name).
    pub scanned: u64,
    /// Indexed (new or changed) in this run.
    pub indexed: u64,
    /// Known and unchanged (size and mtime), not read again.
    pub unchanged: u64,
    /// Failed in this run.
    pub failed: u64,
    /// Incomplete (still being written, or truncated) in this run.
    pub incomplete: u64,
    /// Not images (tables, header-only, CASA directories, vanished before reading).
    pub skipped: u64,
    /// Newly marked missing (indexed before, gone now).
    pub missing: u64,
    /// Wall time, ms.
    pub elapsed_ms: u64,
    /// Every failure of this run.
    pub failures: Vec<Failure>,
}

/// Why an index run could not run at all.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A root does not exist.
    #[error("{path}: {reason}")]
    Root {
        /// The root.
        path: PathBuf,
        /// Why.
        reason: String,
    },
}

/// Makes roots absolute (not canonical: symlinked roots keep their names).
pub fn absolute_roots(roots: &[PathBuf]) -> Result<Vec<PathBuf>, IndexError> {
    roots
        .iter()
        .map(|r| {
            if !r.exists() {
                return Err(IndexError::Root {
                    path: r.clone(),
                    reason: "no such file or directory".into(),
                });
            }
            std::path::absolute(r).map_err(|e| IndexError::Root {
                path: r.clone(),
                reason: e.to_string(),
            })
        })
        .collect()
}

/// What to do with each walked file, decided against the store.
#[derive(Debug, Default)]
pub struct Plan {
    /// New or changed FITS candidates, newest first.
    pub todo: Vec<Found>,
    /// Files with no FITS name that are not FITS: remembered, never jobs.
    pub not_fits: Vec<Found>,
    /// Known and unchanged.
    pub unchanged: u64,
    /// Known paths under the roots that are gone.
    pub vanished: Vec<String>,
    /// CASA image directories.
    pub casa_dirs: Vec<PathBuf>,
}

/// Compares a walk with the store's change keys.
pub fn plan(roots: &[PathBuf], store: &Store) -> Result<Plan, StoreError> {
    let walk = scan::walk(roots);
    for (dir, why) in &walk.unreadable {
        tracing::warn!("cannot read {}: {why}; skipping it", dir.display());
    }
    let known = store.file_states()?;
    let mut plan = Plan {
        casa_dirs: walk.casa_dirs,
        ..Default::default()
    };
    let mut present = HashSet::with_capacity(walk.files.len());
    for f in walk.files {
        let key = f.path.to_string_lossy().into_owned();
        let old = known.get(&key);
        present.insert(key);
        if let Some(old) = old {
            if old.size == f.size && old.mtime_ns == f.mtime_ns && old.status != FileStatus::Missing
            {
                plan.unchanged += 1;
                continue;
            }
        }
        let name = f.path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if !scan::has_fits_extension(name) {
            // Content decides: only FITS (or gzip, checked later) becomes a job.
            match fits::sniff(&f.path) {
                Ok(Sniff::Fits) | Ok(Sniff::Gzip) => {}
                Ok(Sniff::Empty) | Err(_) => continue,
                Ok(Sniff::Other) => {
                    plan.not_fits.push(f);
                    continue;
                }
            }
        }
        plan.todo.push(f);
    }
    plan.todo.sort_by_key(|f| std::cmp::Reverse(f.mtime_ns));
    for (path, st) in known {
        if st.status != FileStatus::Missing
            && !present.contains(&path)
            && roots.iter().any(|r| Path::new(&path).starts_with(r))
        {
            plan.vanished.push(path);
        }
    }
    Ok(plan)
}

/// Indexes every FITS file under `roots` into `store`. Safe to run while other processes use the
/// same database.
pub fn run_index(
    roots: &[PathBuf],
    store: &Store,
    opts: &IndexOptions,
) -> Result<IndexSummary, IndexError> {
    let t0 = Instant::now();
    let roots = absolute_roots(roots)?;
    let plan = plan(&roots, store)?;
    let mut summary = IndexSummary {
        unchanged: plan.unchanged,
        skipped: plan.casa_dirs.len() as u64,
        ..Default::default()
    };
    summary.scanned = plan.unchanged + plan.todo.len() as u64 + plan.casa_dirs.len() as u64;

    // Non-FITS files are remembered (so they are not sniffed again) without a job.
    let mut quiet: Vec<Outcome> = plan.not_fits.iter().map(not_fits_outcome).collect();
    store.commit_outcomes(&mut quiet)?;

    let now = Utc::now();
    let mut queued: Vec<JobRecord> = plan
        .todo
        .iter()
        .map(|f| JobRecord {
            path: f.path.to_string_lossy().into_owned(),
            state: "queued".into(),
            queued_at: Some(meta::iso(now)),
            file_size: f.size,
            mtime_ns: f.mtime_ns,
            ..Default::default()
        })
        .collect();
    store.enqueue(&mut queued)?;

    let queue: Mutex<VecDeque<PathBuf>> =
        Mutex::new(plan.todo.into_iter().map(|f| f.path).collect());
    let nworkers = opts.jobs.max(1);
    let commit_error = std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<Outcome>(64);
        for _ in 0..nworkers {
            let tx = tx.clone();
            let queue = &queue;
            let wopts = &opts.worker;
            scope.spawn(move || loop {
                let next = match queue.lock() {
                    Ok(mut q) => q.pop_front(),
                    Err(_) => None,
                };
                let Some(path) = next else { break };
                let out = worker::index_file(&path, wopts, Some(now), Some(store));
                if tx.send(out).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        // Commit whatever is ready together; each image is whole inside its transaction.
        while let Ok(first) = rx.recv() {
            let mut batch = vec![first];
            while batch.len() < 64 {
                match rx.try_recv() {
                    Ok(o) => batch.push(o),
                    Err(_) => break,
                }
            }
            for o in &batch {
                count(&mut summary, o);
            }
            if let Err(e) = store.commit_outcomes(&mut batch) {
                if let Ok(mut q) = queue.lock() {
                    q.clear();
                }
                return Some(e);
            }
        }
        None
    });
    if let Some(e) = commit_error {
        return Err(e.into());
    }
    summary.missing = store.mark_missing(&plan.vanished, &meta::iso(Utc::now()))? as u64;
    summary.elapsed_ms = t0.elapsed().as_millis() as u64;
    Ok(summary)
}

/// The record of a file that is not FITS and has no FITS name: remembered, not a job.
pub fn not_fits_outcome(f: &Found) -> Outcome {
    Outcome {
        path: f.path.to_string_lossy().into_owned(),
        job: None,
        image: None,
        detections: Vec::new(),
        forced: Vec::new(),
        beam_major_arcsec: None,
        file: FileState {
            size: f.size,
            mtime_ns: f.mtime_ns,
            status: FileStatus::Skipped,
        },
    }
}

fn count(s: &mut IndexSummary, o: &Outcome) {
    let Some(job) = &o.job else { return };
    match job.state.as_str() {
        "done" => s.indexed += 1,
        "incomplete" => s.incomplete += 1,
        "skipped" => s.skipped += 1,
        _ => {
            s.failed += 1;
            s.failures.push(Failure {
                path: job.path.clone(),
                reason: job.reason.clone().unwrap_or_default(),
            });
        }
    }
}
