//! The live indexer: notify events as hints, a reconcile scan as the truth, complete files only,
//! newest first, one lease holder per database.
//!
//! One control thread owns the pending set and the commits; N worker threads index files from a
//! newest-first queue. Events only say "look at this path soon"; a path is dispatched when it is
//! quiet (a close-after-write or a rename was seen, or its size and mtime have not changed for the
//! settle time). Every `rescan` (and at start) a full walk reconciles the store with the disk, so
//! nothing depends on an event arriving: NFS mounts, queue overflows and watches created too late
//! are all caught by the scan.

use std::collections::{BinaryHeap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime};

use chrono::Utc;
use notify::event::{AccessKind, AccessMode, CreateKind, EventKind, ModifyKind, RenameMode};
use notify::{RecursiveMode, Watcher};

use super::{absolute_roots, plan, scan, worker, IndexError, WorkerOptions};
use crate::fits::{self, meta, Sniff};
use crate::store::lease::{self, Acquire, Lease};
use crate::store::{Outcome, Store};

/// Options of the live indexer.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// Scan only, every this often (network filesystems); `None`: notify events plus rescans.
    pub poll: Option<Duration>,
    /// Full reconcile scan interval.
    pub rescan: Duration,
    /// A file unchanged for this long is complete enough to try.
    pub settle: Duration,
    /// Worker threads.
    pub jobs: usize,
    /// What each worker does.
    pub worker: WorkerOptions,
    /// Set by another thread (the dashboard's retry key) to ask for a reconcile scan now.
    pub rescan_request: Option<std::sync::Arc<AtomicBool>>,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            poll: None,
            rescan: Duration::from_secs(60),
            settle: Duration::from_millis(1000),
            jobs: super::default_jobs(),
            worker: WorkerOptions::default(),
            rescan_request: None,
        }
    }
}

/// Counters of a watch session (for logs and tests).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WatchStats {
    /// Files committed as done.
    pub indexed: u64,
    /// Full scans run.
    pub scans: u64,
    /// Whether the session fell back to polling.
    pub polling: bool,
}

#[derive(Debug)]
struct Pending {
    size: u64,
    mtime_ns: i64,
    last_change: Instant,
    first_seen: Instant,
    /// A close-after-write or rename-to was seen for the current size and mtime.
    complete_hint: bool,
}

#[derive(Default)]
struct Queue {
    heap: BinaryHeap<(i64, PathBuf)>,
    queued: HashSet<PathBuf>,
    in_flight: HashSet<PathBuf>,
    stop: bool,
}

/// Runs the live indexer until `stop` is set. Waits (standing by) while another live indexer
/// holds the lease.
pub fn run_watch(
    roots: &[PathBuf],
    store: &Store,
    opts: &WatchOptions,
    stop: &AtomicBool,
) -> Result<WatchStats, IndexError> {
    let roots = absolute_roots(roots)?;
    let mine = Lease::mine(&roots);
    let mut announced = false;
    loop {
        match store.acquire_lease(&mine)? {
            Acquire::Acquired(prev) => {
                if let Some(p) = prev {
                    tracing::warn!(
                        "took over the stale lease of pid {} on {} (no heartbeat for {} s)",
                        p.pid,
                        p.host,
                        (lease::now_ms() - p.heartbeat_ms) / 1000
                    );
                }
                break;
            }
            Acquire::Held(other) => {
                if !announced {
                    tracing::info!(
                        "live indexer pid {} on {} keeps the database current; standing by",
                        other.pid,
                        other.host
                    );
                    announced = true;
                }
                if sleep_or_stop(lease::HEARTBEAT, stop) {
                    return Ok(WatchStats::default());
                }
            }
        }
    }
    tracing::info!("watching {:?}", roots);
    let result = Engine::new(&roots, store, opts, stop, &mine).run();
    if let Err(e) = store.release_lease(&mine) {
        tracing::warn!("could not release the lease: {e}");
    }
    result
}

/// A stop flag set by SIGINT, SIGTERM and SIGHUP (the SSH session closing): every
/// long-running command stops cleanly on them.
pub fn stop_on_signals() -> std::io::Result<std::sync::Arc<AtomicBool>> {
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    for sig in [
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
    ] {
        signal_hook::flag::register(sig, std::sync::Arc::clone(&stop))?;
    }
    Ok(stop)
}

/// Sleeps `d`, or less when `stop` is set; returns whether it is.
pub(crate) fn sleep_or_stop(d: Duration, stop: &AtomicBool) -> bool {
    let end = Instant::now() + d;
    while Instant::now() < end {
        if stop.load(Ordering::Relaxed) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    stop.load(Ordering::Relaxed)
}

struct Engine<'a> {
    roots: &'a [PathBuf],
    store: &'a Store,
    opts: &'a WatchOptions,
    stop: &'a AtomicBool,
    mine: &'a Lease,
    pending: HashMap<PathBuf, Pending>,
    stats: WatchStats,
}

impl<'a> Engine<'a> {
    fn new(
        roots: &'a [PathBuf],
        store: &'a Store,
        opts: &'a WatchOptions,
        stop: &'a AtomicBool,
        mine: &'a Lease,
    ) -> Self {
        Engine {
            roots,
            store,
            opts,
            stop,
            mine,
            pending: HashMap::new(),
            stats: WatchStats::default(),
        }
    }

    fn run(mut self) -> Result<WatchStats, IndexError> {
        let (ev_tx, ev_rx) = mpsc::channel::<notify::Result<notify::Event>>();
        let mut watcher = None;
        let mut polling = self.opts.poll.is_some();
        if !polling {
            match notify::recommended_watcher(move |e| {
                let _ = ev_tx.send(e);
            }) {
                Ok(w) => watcher = Some(w),
                Err(e) => {
                    tracing::warn!("file events unavailable ({e}); polling instead");
                    polling = true;
                }
            }
        }
        let mut watched: HashMap<PathBuf, Option<(u64, u64)>> = HashMap::new();
        if let Some(w) = watcher.as_mut() {
            for r in self.roots {
                if let Err(e) = w.watch(r, RecursiveMode::Recursive) {
                    tracing::warn!(
                        "cannot watch {} ({e}); falling back to polling (raise \
                         fs.inotify.max_user_watches to use events)",
                        r.display()
                    );
                    polling = true;
                    break;
                }
                watched.insert(r.clone(), root_id(r));
            }
        }
        self.stats.polling = polling;
        let scan_every = match (polling, self.opts.poll) {
            (_, Some(p)) => p.min(self.opts.rescan),
            (true, None) => Duration::from_secs(5).min(self.opts.rescan),
            (false, None) => self.opts.rescan,
        };

        let queue = (Mutex::new(Queue::default()), Condvar::new());
        let (res_tx, res_rx) = mpsc::channel::<Outcome>();
        let store = self.store;
        let wopts = &self.opts.worker;
        let result = std::thread::scope(|scope| {
            for _ in 0..self.opts.jobs.max(1) {
                let res_tx = res_tx.clone();
                let queue = &queue;
                scope.spawn(move || worker_loop(queue, wopts, store, res_tx));
            }
            drop(res_tx);
            let r = self.control(
                &queue,
                &res_rx,
                &ev_rx,
                watcher.as_mut(),
                &mut watched,
                scan_every,
            );
            // Shut down: workers finish the file in hand, then their results are committed.
            if let Ok(mut q) = queue.0.lock() {
                q.stop = true;
                q.heap.clear();
                q.queued.clear();
            }
            queue.1.notify_all();
            let mut rest: Vec<Outcome> = res_rx.iter().collect();
            if let Err(e) = self.commit(&mut rest, &queue) {
                tracing::error!("final commit failed: {e}");
            }
            r
        });
        result.map(|_| self.stats.clone())
    }

    fn control(
        &mut self,
        queue: &(Mutex<Queue>, Condvar),
        res_rx: &mpsc::Receiver<Outcome>,
        ev_rx: &mpsc::Receiver<notify::Result<notify::Event>>,
        mut watcher: Option<&mut notify::RecommendedWatcher>,
        watched: &mut HashMap<PathBuf, Option<(u64, u64)>>,
        scan_every: Duration,
    ) -> Result<(), IndexError> {
        let mut last_scan: Option<Instant> = None;
        let mut last_beat = Instant::now();
        let mut last_root_check = Instant::now();
        let mut rescan_now = true;
        while !self.stop.load(Ordering::Relaxed) {
            // Events: hints about paths.
            let deadline = Instant::now() + Duration::from_millis(50);
            while let Ok(ev) =
                ev_rx.recv_timeout(deadline.saturating_duration_since(Instant::now()))
            {
                match ev {
                    Ok(ev) => {
                        if ev.need_rescan() {
                            rescan_now = true;
                        }
                        self.on_event(&ev, &mut rescan_now);
                    }
                    Err(e) => {
                        tracing::warn!("file event error: {e}; rescanning");
                        rescan_now = true;
                    }
                }
                if Instant::now() >= deadline {
                    break;
                }
            }
            if let Some(r) = &self.opts.rescan_request {
                if r.swap(false, Ordering::Relaxed) {
                    rescan_now = true;
                }
            }
            // The scan: the source of truth.
            if rescan_now || last_scan.is_none_or(|t| t.elapsed() >= scan_every) {
                rescan_now = false;
                last_scan = Some(Instant::now());
                self.reconcile()?;
            }
            // Roots removed and re-created lose their watch: re-add it.
            if last_root_check.elapsed() >= Duration::from_secs(1) {
                last_root_check = Instant::now();
                if let Some(w) = watcher.as_deref_mut() {
                    for r in self.roots {
                        let now_id = root_id(r);
                        let before = watched.get(r).copied().flatten();
                        if now_id.is_some() && now_id != before {
                            let _ = w.unwatch(r);
                            match w.watch(r, RecursiveMode::Recursive) {
                                Ok(()) => {
                                    tracing::warn!(
                                        "{} re-appeared; watching it again",
                                        r.display()
                                    );
                                    rescan_now = true;
                                }
                                Err(e) => tracing::warn!("cannot re-watch {}: {e}", r.display()),
                            }
                        } else if now_id.is_none() && before.is_some() {
                            tracing::warn!("{} disappeared; waiting for it", r.display());
                        }
                        watched.insert(r.clone(), now_id);
                    }
                }
            }
            self.dispatch(queue);
            // Results.
            let mut batch: Vec<Outcome> = Vec::new();
            while let Ok(o) = res_rx.try_recv() {
                batch.push(o);
                if batch.len() >= 16 {
                    break;
                }
            }
            self.commit(&mut batch, queue)?;
            if last_beat.elapsed() >= lease::HEARTBEAT {
                last_beat = Instant::now();
                let (n, oldest) = self.backlog(queue);
                match self.store.heartbeat(self.mine, n, oldest) {
                    Ok(true) => {}
                    Ok(false) => {
                        tracing::error!("another process took the lease; stopping");
                        return Ok(());
                    }
                    Err(e) => tracing::warn!("heartbeat failed: {e}"),
                }
            }
        }
        Ok(())
    }

    fn on_event(&mut self, ev: &notify::Event, rescan_now: &mut bool) {
        match ev.kind {
            EventKind::Create(CreateKind::Folder) => {
                // Files written before the new directory's watch existed are caught by a scan.
                *rescan_now = true;
            }
            // Opens and reads (our own sniffing and indexing among them) change nothing; only a
            // close after writing says something.
            EventKind::Access(a) if a != AccessKind::Close(AccessMode::Write) => {}
            EventKind::Remove(_) => {
                let gone: Vec<String> = ev
                    .paths
                    .iter()
                    .filter(|p| !p.exists())
                    .map(|p| p.to_string_lossy().into_owned())
                    .collect();
                for p in &ev.paths {
                    self.pending.remove(p);
                }
                if !gone.is_empty() {
                    // Directories vanish with their files: the scan sorts out which.
                    *rescan_now = true;
                }
            }
            _ => {
                let complete = matches!(
                    ev.kind,
                    EventKind::Access(AccessKind::Close(AccessMode::Write))
                        | EventKind::Modify(ModifyKind::Name(RenameMode::To))
                        | EventKind::Modify(ModifyKind::Name(RenameMode::Both))
                );
                let paths: Vec<&PathBuf> = match ev.kind {
                    // For a rename pair, only the destination is a file to look at.
                    EventKind::Modify(ModifyKind::Name(RenameMode::Both)) => {
                        ev.paths.last().into_iter().collect()
                    }
                    EventKind::Modify(ModifyKind::Name(RenameMode::From)) => Vec::new(),
                    _ => ev.paths.iter().collect(),
                };
                for p in paths {
                    self.hint(p, complete);
                }
            }
        }
    }

    /// A path may have changed: track it until it is quiet.
    fn hint(&mut self, path: &Path, complete: bool) {
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            return;
        };
        if scan::ignored_name(name) || !self.roots.iter().any(|r| path.starts_with(r)) {
            return;
        }
        let Ok(md) = std::fs::metadata(path) else {
            return;
        };
        if !md.is_file() {
            return;
        }
        let (size, mtime_ns) = (md.len(), scan::mtime_ns(&md));
        let now = Instant::now();
        let e = self.pending.entry(path.to_path_buf()).or_insert(Pending {
            size,
            mtime_ns,
            last_change: now,
            first_seen: now,
            complete_hint: false,
        });
        if e.size != size || e.mtime_ns != mtime_ns {
            e.size = size;
            e.mtime_ns = mtime_ns;
            e.last_change = now;
            e.complete_hint = false;
        }
        if complete {
            e.complete_hint = true;
        }
    }

    fn reconcile(&mut self) -> Result<(), IndexError> {
        self.stats.scans += 1;
        let p = plan(self.roots, self.store)?;
        for f in &p.todo {
            // Catch-up: a file older than the settle time is already quiet.
            let age = SystemTime::now()
                .duration_since(SystemTime::UNIX_EPOCH)
                .map(|d| d.as_nanos() as i64 - f.mtime_ns)
                .unwrap_or(0);
            let quiet = age >= self.opts.settle.as_nanos() as i64;
            self.hint(&f.path, quiet);
        }
        if !p.not_fits.is_empty() {
            let mut quiet: Vec<Outcome> = p.not_fits.iter().map(super::not_fits_outcome).collect();
            self.store.commit_outcomes(&mut quiet)?;
        }
        if !p.vanished.is_empty() {
            let n = self
                .store
                .mark_missing(&p.vanished, &meta::iso(Utc::now()))?;
            if n > 0 {
                tracing::info!("{n} files vanished (marked missing)");
            }
        }
        Ok(())
    }

    /// Moves quiet pending paths to the work queue.
    fn dispatch(&mut self, queue: &(Mutex<Queue>, Condvar)) {
        let settle = self.opts.settle;
        let mut ready = Vec::new();
        let mut gone = Vec::new();
        for (path, p) in self.pending.iter_mut() {
            let Ok(md) = std::fs::metadata(path) else {
                gone.push(path.clone());
                continue;
            };
            let (size, mtime_ns) = (md.len(), scan::mtime_ns(&md));
            if size != p.size || mtime_ns != p.mtime_ns {
                p.size = size;
                p.mtime_ns = mtime_ns;
                p.last_change = Instant::now();
                p.complete_hint = false;
                continue;
            }
            if p.complete_hint || p.last_change.elapsed() >= settle {
                ready.push((path.clone(), size, mtime_ns));
            }
        }
        for g in gone {
            self.pending.remove(&g);
        }
        if ready.is_empty() {
            return;
        }
        let Ok(mut q) = queue.0.lock() else { return };
        for (path, size, mtime_ns) in ready {
            if q.in_flight.contains(&path) || q.queued.contains(&path) {
                continue;
            }
            // Already indexed (or tried) with this size and mtime: events repeat themselves.
            let known = self
                .store
                .file_state(&path.to_string_lossy())
                .ok()
                .flatten();
            // (size, mtime) were stat'ed just above: no second stat.
            if known.is_some_and(|k| {
                k.size == size
                    && k.mtime_ns == mtime_ns
                    && k.status != crate::store::FileStatus::Missing
            }) {
                self.pending.remove(&path);
                continue;
            }
            // Non-FITS content without a FITS name is not a job.
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !scan::has_fits_extension(name)
                && !matches!(fits::sniff(&path), Ok(Sniff::Fits) | Ok(Sniff::Gzip))
            {
                self.pending.remove(&path);
                continue;
            }
            self.pending.remove(&path);
            q.queued.insert(path.clone());
            q.heap.push((mtime_ns, path));
        }
        drop(q);
        queue.1.notify_all();
    }

    fn commit(
        &mut self,
        batch: &mut [Outcome],
        queue: &(Mutex<Queue>, Condvar),
    ) -> Result<(), IndexError> {
        if batch.is_empty() {
            return Ok(());
        }
        self.store.commit_outcomes(batch)?;
        if let Ok(mut q) = queue.0.lock() {
            for o in batch.iter() {
                q.in_flight.remove(Path::new(&o.path));
            }
        }
        for o in batch.iter() {
            let Some(job) = &o.job else { continue };
            match job.state.as_str() {
                "done" => {
                    self.stats.indexed += 1;
                    tracing::info!("indexed {}", o.path);
                }
                "failed" => {
                    tracing::warn!("{}: {}", o.path, job.reason.as_deref().unwrap_or("failed"))
                }
                "incomplete" => tracing::debug!("{}: still incomplete", o.path),
                _ => {}
            }
        }
        Ok(())
    }

    fn backlog(&self, queue: &(Mutex<Queue>, Condvar)) -> (u64, u64) {
        let (queued, flying) = queue
            .0
            .lock()
            .map(|q| (q.heap.len(), q.in_flight.len()))
            .unwrap_or((0, 0));
        let oldest = self
            .pending
            .values()
            .map(|p| p.first_seen.elapsed().as_secs())
            .max()
            .unwrap_or(0);
        ((queued + flying + self.pending.len()) as u64, oldest)
    }
}

fn worker_loop(
    queue: &(Mutex<Queue>, Condvar),
    wopts: &WorkerOptions,
    store: &Store,
    res_tx: mpsc::Sender<Outcome>,
) {
    loop {
        let path = {
            let Ok(mut q) = queue.0.lock() else { return };
            loop {
                if q.stop {
                    return;
                }
                if let Some((_, p)) = q.heap.pop() {
                    q.queued.remove(&p);
                    q.in_flight.insert(p.clone());
                    break p;
                }
                q = match queue.1.wait_timeout(q, Duration::from_millis(200)) {
                    Ok((g, _)) => g,
                    Err(_) => return,
                };
            }
        };
        let out = worker::index_file(&path, wopts, None, Some(store));
        if res_tx.send(out).is_err() {
            return;
        }
    }
}

/// (device, inode) of a root, to notice it being removed and re-created.
fn root_id(p: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        std::fs::metadata(p).ok().map(|_| (0, 0))
    }
}
