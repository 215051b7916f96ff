//! The dashboard at scale: a database of 1,000,000 images and 200,000 sky sources (the
//! generator's metadata; built once into target/bench-data), then
//! - in this process, with the library's loader and views drawing into a 200x60 TestBackend:
//!   the first frame (open the store, read the overview, draw), the first page of the Images
//!   and Sources tabs, and a page scroll (PgDn: the key, the loader's read, the draw), near the
//!   top and at the far end of the table;
//! - the real binary on a pseudo-terminal (`obsmon tui --db DB`): time to the first frame with
//!   the counters on it, resident memory after visiting every tab and sorting the images by
//!   noise (and its peak), and CPU while idle for 10 s on the Overview.
//!
//! `cargo bench --bench tui [-- --images 1000000 --sources 200000 --runs 5]`.

mod common;
#[path = "../tests/common/pty.rs"]
mod pty;

use common::*;

use std::path::Path;
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};
use obsmon::config::Config;
use obsmon::store::Store;
use obsmon::tui::app::App;
use obsmon::tui::data::{Loader, LogBuf, Update};
use obsmon::tui::theme::{ColorMode, Theme};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

struct Session {
    app: App,
    loader: Loader,
    rx: mpsc::Receiver<Update>,
    term: Terminal<TestBackend>,
}

impl Session {
    fn open(db: &Path) -> Session {
        let store = Store::open(db).unwrap();
        let (tx, rx) = mpsc::channel();
        let log = LogBuf::default();
        let loader = Loader::new(Arc::new(store), Config::default(), tx, log.clone());
        let app = App::new(Theme::new(ColorMode::Ansi256), log, "bench".into());
        let term = Terminal::new(TestBackend::new(200, 60)).unwrap();
        Session {
            app,
            loader,
            rx,
            term,
        }
    }

    /// One round of what the event loop does: draw, tell the loader, take its answers, draw.
    fn round(&mut self) {
        let app = &self.app;
        self.term
            .draw(|f| obsmon::tui::views::draw(f, app))
            .unwrap();
        self.loader.set_want(self.app.want());
        self.loader.step().unwrap();
        while let Ok(u) = self.rx.try_recv() {
            self.app.apply(u);
        }
        let app = &self.app;
        self.term
            .draw(|f| obsmon::tui::views::draw(f, app))
            .unwrap();
    }

    fn key(&mut self, code: KeyCode) {
        self.app.key(KeyEvent {
            code,
            modifiers: KeyModifiers::NONE,
            kind: KeyEventKind::Press,
            state: KeyEventState::NONE,
        });
        self.round();
    }

    fn screen(&self) -> String {
        let buf = self.term.backend().buffer();
        buf.content().iter().map(|c| c.symbol()).collect()
    }
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn p99(v: &[f64]) -> f64 {
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    s[((s.len() - 1) as f64 * 0.99).round() as usize]
}

fn main() {
    let n_images = arg("--images", 1_000_000usize);
    let n_sources = arg("--sources", 200_000usize);
    let runs = arg("--runs", 5usize);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&root).unwrap();
    let db = root.join(format!("tui-{n_images}-{n_sources}.redb"));
    if !db.exists() {
        eprintln!("building {} (once) ...", db.display());
        let t0 = Instant::now();
        // The newest image is from now: the last 24 h hold 288 of them, as at the telescope.
        let first = chrono::Utc::now().timestamp() - n_images as i64 * 300;
        build(&db, n_images, n_sources, first);
        eprintln!("built in {:.0} s", t0.elapsed().as_secs_f64());
    }
    let size_mb = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0) as f64 / 1e6;
    println!("database: {n_images} images, {n_sources} sources, {size_mb:.0} MB");

    // In process.
    let (mut first, mut images_first, mut sources_first) = (Vec::new(), Vec::new(), Vec::new());
    let (mut scroll_top, mut scroll_end, mut scroll_src) = (Vec::new(), Vec::new(), Vec::new());
    let mut noise_order = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let mut s = Session::open(&db);
        s.round();
        first.push(ms(t));
        assert!(
            s.screen().contains(&format!("{n_images}")),
            "counters on the first frame"
        );

        let t = Instant::now();
        s.key(KeyCode::Char('2'));
        s.round();
        images_first.push(ms(t));
        for _ in 0..50 {
            let t = Instant::now();
            s.key(KeyCode::PageDown);
            scroll_top.push(ms(t));
        }
        s.key(KeyCode::Char('G'));
        for _ in 0..50 {
            let t = Instant::now();
            s.key(KeyCode::PageUp);
            scroll_end.push(ms(t));
        }
        assert!(s.screen().contains(&format!("/{n_images}")));
        // Another order: one scan of every image row, kept until the data changes.
        let t = Instant::now();
        s.app.images.sort = 4;
        s.app.images.sel = 0;
        s.app.images.top = 0;
        s.round();
        s.round();
        noise_order.push(ms(t));
        assert!(s.screen().contains("by noise"));

        let t = Instant::now();
        s.key(KeyCode::Char('3'));
        s.round();
        sources_first.push(ms(t));
        assert!(
            s.screen().contains(&format!("/{n_sources}")),
            "sources listed"
        );
        for _ in 0..50 {
            let t = Instant::now();
            s.key(KeyCode::PageDown);
            scroll_src.push(ms(t));
        }
    }
    println!("in process (200x60, median of {runs} runs):");
    println!(
        "  first frame (open, overview, draw)   {:7.1} ms",
        median(&first)
    );
    println!(
        "  Images tab, first page               {:7.1} ms",
        median(&images_first)
    );
    println!(
        "  Images sorted by noise (full scan)   {:7.1} ms",
        median(&noise_order)
    );
    println!(
        "  Sources tab, first page (eta order)  {:7.1} ms",
        median(&sources_first)
    );
    for (name, v) in [
        ("PgDn, images near the top", &scroll_top),
        ("PgUp, images at the far end", &scroll_end),
        ("PgDn, sources", &scroll_src),
    ] {
        println!(
            "  {name:<36} median {:5.2} ms  p99 {:5.2} ms  max {:5.2} ms",
            median(v),
            p99(v),
            v.iter().copied().fold(0.0, f64::max)
        );
    }

    // The real binary on a pty.
    let (mut ext_first, mut rss, mut cpu) = (Vec::new(), Vec::new(), Vec::new());
    let mut peak = Vec::new();
    for _ in 0..runs.min(3) {
        let t = Instant::now();
        let mut p = pty::Pty::spawn(&["tui", "--db", db.to_str().unwrap()], 60, 200);
        p.wait_for(&format!("{n_images}   sources {n_sources}"), 30);
        ext_first.push(ms(t));
        for k in ["2", "G", "g", "s", "s", "s", "s"] {
            p.send(k);
        }
        // The million-row order by noise is built (the title loses "sorting").
        p.wait_for("by noise ↓", 30);
        let end = Instant::now() + Duration::from_secs(60);
        while p.text().contains("sorting") && Instant::now() < end {
            std::thread::sleep(Duration::from_millis(100));
        }
        for k in ["3", "4", "5", "6", "1"] {
            p.send(k);
            std::thread::sleep(Duration::from_millis(600));
        }
        p.wait_for("images/hour", 10);
        std::thread::sleep(Duration::from_secs(2));
        let pid = p.child.id();
        rss.push(rss_mb(pid, "VmRSS:"));
        peak.push(rss_mb(pid, "VmHWM:"));
        let (c0, t0) = (cpu_ticks(pid), Instant::now());
        std::thread::sleep(Duration::from_secs(10));
        let ticks = cpu_ticks(pid) - c0;
        // SAFETY: sysconf has no preconditions.
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
        cpu.push(100.0 * ticks as f64 / hz / t0.elapsed().as_secs_f64());
        p.send("q");
        p.wait_exit(10);
    }
    println!(
        "real binary on a pty (200x60, median of {} runs):",
        ext_first.len()
    );
    println!(
        "  spawn to first frame with counters   {:7.1} ms",
        median(&ext_first)
    );
    println!(
        "  resident memory after every tab      {:7.1} MB",
        median(&rss)
    );
    println!(
        "  peak resident memory (VmHWM)         {:7.1} MB",
        median(&peak)
    );
    println!(
        "  CPU while idle (10 s)                {:7.2} %",
        median(&cpu)
    );
}

fn rss_mb(pid: u32, field: &str) -> f64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|k| k.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn cpu_ticks(pid: u32) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name (which may hold spaces) : utime is the 14th, stime the 15th.
    let rest = s.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let get = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    get(11) + get(12)
}
