//! Property tests: the store's indexes always agree with its rows, and no byte sequence makes the
//! FITS reader panic or allocate beyond the file.

mod common;

use std::collections::HashMap;

use obsmon::fits::write::{FitsWriter, Val};
use obsmon::store::records::{ImageRecord, JobRecord};
use obsmon::store::{FileState, FileStatus, ImageQuery, Outcome, Store};
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Op {
    /// Index path k with observation time t (None: a failed attempt).
    Put(u8, Option<u16>),
    /// The path vanished.
    Vanish(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0u8..12, proptest::option::of(0u16..500)).prop_map(|(k, t)| Op::Put(k, t)),
        (0u8..12).prop_map(Op::Vanish),
    ]
}

fn outcome(k: u8, t: Option<u16>) -> Outcome {
    let path = format!("/data/img{k}.fits");
    let image = t.map(|t| ImageRecord {
        path: path.clone(),
        mjd: Some(60000.0 + t as f64 / 100.0),
        state: "indexed".into(),
        kind: "image".into(),
        ..Default::default()
    });
    Outcome {
        detections: Vec::new(),
        forced: Vec::new(),
        beam_major_arcsec: None,
        path: path.clone(),
        job: Some(JobRecord {
            path: path.clone(),
            state: if t.is_some() { "done" } else { "failed" }.into(),
            finished_at: Some(format!("2026-01-01T00:{:02}:00Z", k)),
            ..Default::default()
        }),
        image,
        file: FileState {
            size: 1,
            mtime_ns: t.unwrap_or(0) as i64,
            status: if t.is_some() {
                FileStatus::Indexed
            } else {
                FileStatus::Failed
            },
        },
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn indexes_agree_with_rows(ops in proptest::collection::vec(op(), 1..40)) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("p.redb")).unwrap();
        // The model: path -> (mjd, missing).
        let mut model: HashMap<String, (f64, bool)> = HashMap::new();
        for op in &ops {
            match *op {
                Op::Put(k, t) => {
                    let mut o = vec![outcome(k, t)];
                    store.commit_outcomes(&mut o).unwrap();
                    let path = format!("/data/img{k}.fits");
                    match t {
                        Some(t) => { model.insert(path, (60000.0 + t as f64 / 100.0, false)); }
                        None => { model.remove(&path); }
                    }
                }
                Op::Vanish(k) => {
                    let path = format!("/data/img{k}.fits");
                    store.mark_missing(std::slice::from_ref(&path), "2026-01-01T00:00:00Z").unwrap();
                    if let Some(e) = model.get_mut(&path) { e.1 = true; }
                }
            }
        }
        let all = store.images(&ImageQuery { include_missing: true, ..Default::default() }).unwrap();
        prop_assert_eq!(all.len(), model.len());
        prop_assert_eq!(store.counts().unwrap().images as usize, model.len());
        // Newest first, each row reachable by path with the model's values.
        for w in all.windows(2) {
            prop_assert!(w[0].mjd >= w[1].mjd);
        }
        for r in &all {
            let (mjd, missing) = model[&r.path];
            prop_assert_eq!(r.mjd, Some(mjd));
            prop_assert_eq!(r.state == "missing", missing);
            let by_path = store.image_by_path(&r.path).unwrap().unwrap();
            prop_assert_eq!(by_path.id, r.id);
        }
        let live = store.images(&ImageQuery::default()).unwrap();
        prop_assert_eq!(live.len(), model.values().filter(|v| !v.1).count());
        prop_assert_eq!(store.indexed_image_count().unwrap() as usize, live.len());
        // The job indexes and per-state counts agree with the job rows.
        let jobs = store.jobs(None, None).unwrap();
        for (state, n) in store.job_state_counts().unwrap() {
            let rows = jobs.iter().filter(|j| j.state == state).count();
            prop_assert_eq!(n as usize, rows, "count of {}", state);
            prop_assert_eq!(store.jobs_in_state(state, usize::MAX).unwrap().len(), rows);
        }
        prop_assert_eq!(store.jobs_finished_since(1).unwrap().len(), jobs.len());
    }

    /// Any corruption of a valid file's bytes: the reader returns a result, never panics, and
    /// the indexing of the file ends in a job state.
    #[test]
    fn corrupted_files_never_panic(
        flips in proptest::collection::vec((0usize..8640, any::<u8>()), 1..20),
        cut in proptest::option::of(0usize..8640),
    ) {
        let mut w = FitsWriter::new();
        common::sin_wcs(&mut w, 32, 10.0, 20.0);
        w.key("BSCALE", Val::Float(2.0));
        let mut bytes = w.header_bytes(-32, &[32, 32], false);
        bytes.extend(common::f32_bytes(&common::plane(32, 1.0)));
        for (at, b) in flips {
            if at < bytes.len() { bytes[at] = b; }
        }
        if let Some(c) = cut { bytes.truncate(c); }
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.fits");
        std::fs::write(&p, &bytes).unwrap();
        let out = obsmon::ingest::worker::index_file(&p, &Default::default(), None, None);
        let job = out.job.unwrap();
        prop_assert!(["done", "failed", "incomplete", "skipped"].contains(&job.state.as_str()));
        prop_assert!(!job.reason.unwrap_or_default().contains("internal error"));
    }
}

/// A database written before the job indexes existed gets them (and the per-state counts) built
/// when it is first opened.
#[test]
fn job_indexes_are_backfilled_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.redb");
    {
        let store = Store::open(&path).unwrap();
        let mut o: Vec<Outcome> = (0..6)
            .map(|k| outcome(k, (k % 3 != 0).then_some(k as u16)))
            .collect();
        store.commit_outcomes(&mut o).unwrap();
    }
    {
        // Make it look like the earlier layout: no job indexes, no counts.
        let db = redb::Database::builder()
            .set_concurrency_mode(redb::ConcurrencyMode::MultiWriter)
            .open(&path)
            .unwrap();
        let wtx = db.begin_write().unwrap();
        wtx.delete_table(obsmon::store::schema::JOB_BY_STATE)
            .unwrap();
        wtx.delete_table(obsmon::store::schema::JOB_BY_FINISHED)
            .unwrap();
        {
            let mut meta = wtx.open_table(obsmon::store::schema::META).unwrap();
            meta.remove("jobs_state_done").unwrap();
            meta.remove("jobs_state_failed").unwrap();
        }
        wtx.commit().unwrap();
    }
    let store = Store::open(&path).unwrap();
    let counts: HashMap<&str, u64> = store.job_state_counts().unwrap().into_iter().collect();
    assert_eq!((counts["done"], counts["failed"]), (4, 2));
    assert_eq!(store.jobs_in_state("failed", 10).unwrap().len(), 2);
    assert_eq!(store.jobs_finished_since(1).unwrap().len(), 6);
}
