//! The live indexer on a real directory with a real watcher: slow writes, renames, deletes,
//! bursts, new subdirectories, killed writers, SIGKILLed indexers, and several processes on one
//! database.

mod common;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use obsmon::fits::write::FitsWriter;
use obsmon::ingest::watch::{run_watch, WatchOptions};
use obsmon::store::Store;

fn small_fits(peak: f32) -> Vec<u8> {
    let mut w = FitsWriter::new();
    sin_wcs(&mut w, 64, 10.0, 20.0);
    let mut bytes = w.header_bytes(-32, &[64, 64], false);
    bytes.extend(f32_bytes(&plane(64, peak)));
    bytes
}

fn abs(p: &Path) -> String {
    std::path::absolute(p)
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

/// Polls until `f` is true or the timeout passes.
fn wait_for(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + timeout;
    while Instant::now() < end {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    f()
}

fn opts() -> WatchOptions {
    WatchOptions {
        settle: Duration::from_millis(300),
        rescan: Duration::from_secs(3),
        jobs: 2,
        ..Default::default()
    }
}

#[test]
fn live_watching_of_a_real_directory() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("stage");
    fs::create_dir(&d).unwrap();
    let store = Arc::new(Store::open(&dir.path().join("w.redb")).unwrap());
    let stop = Arc::new(AtomicBool::new(false));
    let handle = {
        let (store, stop, d) = (Arc::clone(&store), Arc::clone(&stop), d.clone());
        std::thread::spawn(move || run_watch(&[d], &store, &opts(), &stop).unwrap())
    };
    assert!(wait_for(Duration::from_secs(5), || store
        .lease()
        .unwrap()
        .is_some()));

    // A file written slowly in chunks: indexed complete, with its real peak.
    let slow = d.join("slow-image.fits");
    let bytes = small_fits(3.0);
    {
        let mut f = fs::File::create(&slow).unwrap();
        for chunk in bytes.chunks(4000) {
            f.write_all(chunk).unwrap();
            f.flush().unwrap();
            std::thread::sleep(Duration::from_millis(60));
        }
    }
    // An atomic tmp -> final rename: a new file at its final name.
    let renamed = d.join("renamed-image.fits");
    fs::write(d.join("renamed-image.fits.tmp"), small_fits(4.0)).unwrap();
    fs::rename(d.join("renamed-image.fits.tmp"), &renamed).unwrap();
    // A subdirectory created and filled at once.
    let sub = d.join("new-sub");
    fs::create_dir(&sub).unwrap();
    for i in 0..20 {
        fs::write(sub.join(format!("s{i:02}-image.fits")), small_fits(1.0)).unwrap();
    }
    // A writer killed mid-file.
    let full = dir.path().join("full.fits");
    fs::write(&full, small_fits(2.0)).unwrap();
    let killed = d.join("killed-image.fits");
    let mut writer = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "head -c 9000 {} > {}; sleep 30",
            full.display(),
            killed.display()
        ))
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    writer.kill().unwrap();
    writer.wait().unwrap();

    let image = |p: &Path| store.image_by_path(&abs(p)).unwrap();
    assert!(
        wait_for(Duration::from_secs(10), || {
            image(&slow).is_some()
                && image(&renamed).is_some()
                && (0..20).all(|i| image(&sub.join(format!("s{i:02}-image.fits"))).is_some())
        }),
        "files were not indexed in time"
    );
    assert_eq!(image(&slow).unwrap().peak_jy, Some(3.0));
    let job = store.job_by_path(&abs(&renamed)).unwrap().unwrap();
    assert_eq!(
        (job.state.as_str(), job.attempts),
        ("done", 1),
        "renamed file indexed once"
    );
    assert!(wait_for(Duration::from_secs(5), || {
        store
            .job_by_path(&abs(&killed))
            .unwrap()
            .is_some_and(|j| j.state == "incomplete")
    }));
    assert!(image(&killed).is_none(), "nothing half-written is indexed");

    // A burst of 500 files: every one indexed, each exactly once.
    let burst = d.join("burst");
    fs::create_dir(&burst).unwrap();
    let one = small_fits(1.5);
    for i in 0..500 {
        let tmp = burst.join(format!("b{i:03}-image.fits.part"));
        fs::write(&tmp, &one).unwrap();
        fs::rename(&tmp, burst.join(format!("b{i:03}-image.fits"))).unwrap();
    }
    assert!(
        wait_for(Duration::from_secs(60), || {
            (0..500).all(|i| image(&burst.join(format!("b{i:03}-image.fits"))).is_some())
        }),
        "burst not indexed"
    );
    for i in 0..500 {
        let j = store
            .job_by_path(&abs(&burst.join(format!("b{i:03}-image.fits"))))
            .unwrap()
            .unwrap();
        assert_eq!(j.attempts, 1, "{} indexed more than once", j.path);
    }

    // A delete: the row stays, marked missing.
    fs::remove_file(&slow).unwrap();
    assert!(wait_for(Duration::from_secs(10), || {
        image(&slow).is_some_and(|r| r.state == "missing")
    }));

    // The watched directory removed and re-created: watching resumes.
    fs::remove_dir_all(&d).unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    fs::create_dir(&d).unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let after = d.join("after-image.fits");
    fs::write(&after, small_fits(5.0)).unwrap();
    assert!(
        wait_for(Duration::from_secs(10), || image(&after).is_some()),
        "not watching after the directory was re-created"
    );

    // Stop: within 2 seconds, lease released.
    let t0 = Instant::now();
    stop.store(true, Ordering::Relaxed);
    let stats = handle.join().unwrap();
    assert!(t0.elapsed() < Duration::from_secs(2), "{:?}", t0.elapsed());
    assert!(stats.indexed >= 523, "{stats:?}");
    assert!(store.lease().unwrap().is_none());
}

fn spawn_watch(dir: &Path, db: &Path) -> Child {
    obsmon()
        .args(["watch", "--settle", "0.2", "--rescan", "2"])
        .arg(dir)
        .arg("--db")
        .arg(db)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn count_images(db: &Path) -> Vec<serde_json::Value> {
    let out = run(db, &["images", "--json", "--limit", "100000"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Kills `obsmon watch` with SIGKILL at random moments while files stream in, 20 rounds.
#[test]
fn crash_test_sigkill_while_files_stream_in() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("stage");
    fs::create_dir(&d).unwrap();
    let db = dir.path().join("crash.redb");
    let bytes = small_fits(2.0);
    let mut complete: Vec<PathBuf> = Vec::new();
    let mut rng_state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut rand = move |n: u64| {
        rng_state ^= rng_state << 13;
        rng_state ^= rng_state >> 7;
        rng_state ^= rng_state << 17;
        rng_state % n
    };
    for round in 0..20 {
        let mut child = spawn_watch(&d, &db);
        let deadline = Instant::now() + Duration::from_millis(150 + rand(500));
        let mut i = 0;
        while Instant::now() < deadline {
            let p = d.join(format!("r{round:02}-{i:03}-image.fits"));
            if i % 3 == 0 {
                // Plain write in two steps.
                let mut f = fs::File::create(&p).unwrap();
                f.write_all(&bytes[..bytes.len() / 2]).unwrap();
                f.write_all(&bytes[bytes.len() / 2..]).unwrap();
            } else {
                let tmp = d.join(format!("r{round:02}-{i:03}-image.fits.tmp"));
                fs::write(&tmp, &bytes).unwrap();
                fs::rename(&tmp, &p).unwrap();
            }
            complete.push(p);
            i += 1;
            std::thread::sleep(Duration::from_millis(rand(30)));
        }
        // A file left half-written for good.
        fs::write(
            d.join(format!("r{round:02}-half-image.fits")),
            &bytes[..5000],
        )
        .unwrap();
        child.kill().unwrap();
        child.wait().unwrap();
    }
    // A last, clean run catches up; then the database must hold each complete file once.
    let mut child = spawn_watch(&d, &db);
    let want = complete.len();
    let incomplete = || {
        let out = run(&db, &["jobs", "--state", "incomplete", "--json"]);
        serde_json::from_slice::<Vec<serde_json::Value>>(&out.stdout)
            .unwrap()
            .len()
    };
    // Every complete file indexed and every half-written one tried (not merely queued).
    let ok = wait_for(Duration::from_secs(60), || {
        count_images(&db).len() >= want && incomplete() == 20
    });
    // SAFETY: sending SIGTERM to our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let t0 = Instant::now();
    let status = child.wait().unwrap();
    assert!(t0.elapsed() < Duration::from_secs(2));
    assert!(status.success(), "{status:?}");
    assert!(ok, "only {} of {want} indexed", count_images(&db).len());
    let rows = count_images(&db);
    let mut paths: Vec<String> = rows
        .iter()
        .map(|r| r["path"].as_str().unwrap().to_string())
        .collect();
    paths.sort();
    let n = paths.len();
    paths.dedup();
    assert_eq!(paths.len(), n, "a file indexed twice");
    assert_eq!(n, want, "every complete file exactly once");
    assert!(
        paths.iter().all(|p| !p.contains("half")),
        "half-written file indexed"
    );
    let jobs = run(&db, &["jobs", "--json"]);
    assert_eq!(
        incomplete(),
        20,
        "{}",
        String::from_utf8_lossy(&jobs.stdout)
    );
    println!("crash test: 20 SIGKILL rounds, {want} complete files, each indexed once");
}

/// A watcher, a cron `--index-only`, two readers and a second writer on one database at once.
#[test]
fn many_processes_share_one_database() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("stage");
    fs::create_dir(&d).unwrap();
    let db = dir.path().join("shared.redb");
    let mut watcher = spawn_watch(&d, &db);
    // Wait for the lease.
    assert!(wait_for(Duration::from_secs(10), || {
        db.exists() && Store::open(&db).unwrap().lease().unwrap().is_some()
    }));
    let stop = Arc::new(AtomicBool::new(false));
    let readers: Vec<_> = (0..2)
        .map(|_| {
            let (db, stop) = (db.clone(), Arc::clone(&stop));
            std::thread::spawn(move || {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    let _ = count_images(&db);
                    n += 1;
                }
                n
            })
        })
        .collect();
    // A second writer in this process, on its own directory tree's records.
    let second = {
        let (db, stop) = (db.clone(), Arc::clone(&stop));
        std::thread::spawn(move || {
            let store = Store::open(&db).unwrap();
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                let path = format!("/elsewhere/{n}.fits");
                let mut o = vec![obsmon::store::Outcome {
                    path: path.clone(),
                    job: Some(obsmon::store::records::JobRecord {
                        path,
                        state: "failed".into(),
                        reason: Some("test".into()),
                        ..Default::default()
                    }),
                    image: None,
                    file: obsmon::store::FileState {
                        size: 1,
                        mtime_ns: 1,
                        status: obsmon::store::FileStatus::Failed,
                    },
                    detections: Vec::new(),
                    forced: Vec::new(),
                    beam_major_arcsec: None,
                }];
                store.commit_outcomes(&mut o).unwrap();
                n += 1;
                std::thread::sleep(Duration::from_millis(5));
            }
            n
        })
    };
    let bytes = small_fits(1.0);
    for i in 0..100 {
        fs::write(d.join(format!("c{i:03}-image.fits")), &bytes).unwrap();
        if i == 50 {
            // The cron run finds the live lease and exits 0 at once.
            let t0 = Instant::now();
            let out = run(&db, &["--index-only", d.to_str().unwrap(), "-v"]);
            assert_eq!(out.status.code(), Some(0));
            assert!(t0.elapsed() < Duration::from_secs(2));
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains("live indexer pid"), "{err}");
            assert!(err.contains("keeps"), "{err}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(wait_for(Duration::from_secs(30), || count_images(&db)
        .len()
        == 100));
    stop.store(true, Ordering::Relaxed);
    let reads: Vec<i32> = readers.into_iter().map(|r| r.join().unwrap()).collect();
    let writes = second.join().unwrap();
    unsafe { libc::kill(watcher.id() as i32, libc::SIGTERM) };
    assert!(watcher.wait().unwrap().success());
    assert!(reads.iter().all(|&n| n > 0) && writes > 0);
    let store = Store::open(&db).unwrap();
    assert_eq!(store.counts().unwrap().images, 100);
    assert_eq!(
        store.jobs(Some("failed"), None).unwrap().len() as i32,
        writes
    );
    println!("concurrency: reader queries {reads:?}, second-writer commits {writes}");
}

/// Files that are not FITS (the truth CSVs `obsmon synth` writes beside each image, as a
/// pipeline writes logs) leave the backlog once looked at. A regression: the open of each sniff
/// came back as a file event and put the file in the backlog again, for ever (until the next
/// reconcile scan).
#[test]
fn non_fits_files_leave_the_backlog() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("stage");
    fs::create_dir(&d).unwrap();
    let db = dir.path().join("b.redb");
    let mut w = obsmon()
        .args(["watch", "--settle", "0.5", "--rescan", "600"])
        .arg(&d)
        .arg("--db")
        .arg(&db)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(800));
    let out = obsmon()
        .args(["synth", "--count", "3", "--size", "128"])
        .arg(&d)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert!(wait_for(Duration::from_secs(10), || count_images(&db)
        .len()
        == 3));
    // Settle and more than two heartbeats (2 s each) later, nothing is waiting.
    std::thread::sleep(Duration::from_secs(5));
    let out = run(&db, &["health", "--json"]);
    let _ = w.kill();
    let _ = w.wait();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let backlog = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "backlog")
        .unwrap()["value"]
        .clone();
    assert_eq!(backlog, serde_json::json!(0.0), "{v}");
}
