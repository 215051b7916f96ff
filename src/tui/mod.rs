//! The terminal dashboard (`obsmon`, `obsmon DIR...`, `obsmon tui`, `obsmon demo`).
//!
//! Threads: the UI thread owns the terminal and the [`app::App`] state and runs a thin loop
//! (input, data, draw at most ~10 times a second and only when something changed); a loader
//! thread reads the store ([`data::Loader`]); the live indexer of `obsmon watch` runs in its own
//! threads when directories are given (or stands by while another process holds the lease);
//! the demo writes its synthetic sky from another. The terminal is restored on exit, on panic
//! and on SIGTERM/SIGHUP; Ctrl-Z suspends.

pub mod app;
pub mod data;
pub mod demo;
pub mod logging;
pub mod picture;
pub mod theme;
pub mod views;

use std::io::{self, Stdout};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use anyhow::Context;
use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

use crate::config::Config;
use crate::ingest::watch::WatchOptions;
use crate::store::Store;

/// Options of a dashboard session.
pub struct Options {
    /// Directories to index live in this process (empty: follow the database only).
    pub dirs: Vec<PathBuf>,
    /// The database.
    pub db: PathBuf,
    /// The configuration.
    pub cfg: Config,
    /// Colours (`None`: detect).
    pub color: Option<theme::ColorMode>,
    /// Capture the mouse (wheel scrolls).
    pub mouse: bool,
    /// Serve the HTTP API on this address too.
    pub serve: Option<std::net::SocketAddr>,
    /// The live indexer's options.
    pub watch: WatchOptions,
    /// The demo to run underneath, if any.
    pub demo: Option<demo::DemoOptions>,
    /// The log buffer that `logging::init` installed.
    pub log: data::LogBuf,
}

type Term = Terminal<CrosstermBackend<Stdout>>;

/// Puts the terminal into dashboard mode.
fn enter(mouse: bool) -> io::Result<Term> {
    enable_raw_mode()?;
    let mut out = io::stdout();
    execute!(out, EnterAlternateScreen)?;
    if mouse {
        execute!(out, EnableMouseCapture)?;
    }
    let mut t = Terminal::new(CrosstermBackend::new(out))?;
    t.hide_cursor()?;
    t.clear()?;
    Ok(t)
}

/// Gives the terminal back (safe to call twice, and from the panic hook).
pub fn leave() {
    let mut out = io::stdout();
    let _ = execute!(
        out,
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
    let _ = disable_raw_mode();
}

/// Restores the terminal before the default panic message is printed.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        leave();
        previous(info);
    }));
}

/// Runs the dashboard until q, Ctrl-C, SIGTERM or SIGHUP.
pub fn run(opts: Options) -> anyhow::Result<()> {
    let stop = crate::ingest::watch::stop_on_signals().context("cannot install signal handlers")?;
    let mut store = Store::open_with_cache(&opts.db, 24 * 1024 * 1024)?;
    store.set_params(opts.cfg.source_params());
    let store = Arc::new(store);
    let theme = theme::Theme::new(theme::ColorMode::detect(opts.color));

    let rescan_request = Arc::new(AtomicBool::new(false));
    let mut threads = Vec::new();
    let context = match &opts.demo {
        Some(d) => format!("demo {}", d.dir.display()),
        None if opts.dirs.is_empty() => format!("following {}", opts.db.display()),
        None => format!(
            "watching {}",
            opts.dirs
                .iter()
                .map(|d| d.display().to_string())
                .collect::<Vec<_>>()
                .join(" ")
        ),
    };
    if let Some(d) = opts.demo.clone() {
        let stop = Arc::clone(&stop);
        threads.push(std::thread::spawn(move || demo::stream(&d, &stop)));
    }
    if !opts.dirs.is_empty() {
        let (w_store, w_stop, dirs) = (Arc::clone(&store), Arc::clone(&stop), opts.dirs.clone());
        let mut wopts = opts.watch.clone();
        wopts.rescan_request = Some(Arc::clone(&rescan_request));
        threads.push(std::thread::spawn(move || {
            if let Err(e) = crate::ingest::watch::run_watch(&dirs, &w_store, &wopts, &w_stop) {
                tracing::error!("the live indexer stopped: {e}");
            }
        }));
        let (store, stop) = (Arc::clone(&store), Arc::clone(&stop));
        threads.push(std::thread::spawn(move || store.sample_size_until(&stop)));
    }
    if let Some(addr) = opts.serve {
        let (store, stop, cfg) = (Arc::clone(&store), Arc::clone(&stop), opts.cfg.clone());
        threads.push(std::thread::spawn(move || {
            if let Err(e) = crate::api::serve_until(addr, store, &cfg, stop) {
                tracing::error!("cannot serve the HTTP API on {addr}: {e}");
            }
        }));
    }
    let (want_tx, want_rx) = mpsc::channel();
    let (data_tx, data_rx) = mpsc::channel();
    {
        let mut loader = data::Loader::new(
            Arc::clone(&store),
            opts.cfg.clone(),
            data_tx,
            Arc::clone(&opts.log),
        );
        loader.rescan_request = Some(Arc::clone(&rescan_request));
        let stop = Arc::clone(&stop);
        threads.push(std::thread::spawn(move || loader.run(want_rx, &stop)));
    }

    let (msg_tx, msg_rx) = mpsc::channel();
    {
        let tx = msg_tx.clone();
        std::thread::spawn(move || {
            while let Ok(u) = data_rx.recv() {
                if tx.send(Msg::Data(u)).is_err() {
                    return;
                }
            }
        });
    }

    install_panic_hook();
    let mut terminal = enter(opts.mouse).context("cannot set up the terminal")?;
    spawn_input(msg_tx, Arc::clone(&stop));
    let mut app = app::App::new(theme, Arc::clone(&opts.log), context);
    let result = event_loop(
        &mut terminal,
        &mut app,
        &stop,
        &want_tx,
        &msg_rx,
        opts.mouse,
    );
    leave();
    stop.store(true, Ordering::Relaxed);
    drop(want_tx);
    for t in threads {
        let _ = t.join();
    }
    result
}

/// What wakes the UI thread: a key (or resize, mouse) or the loader's answer.
enum Msg {
    Input(Event),
    Data(data::Update),
    InputFailed(String),
}

/// Reads terminal input on its own thread so the UI thread can sleep on one channel for both
/// input and data (no polling interval between an answer and its frame).
fn spawn_input(tx: mpsc::Sender<Msg>, stop: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        while !stop.load(Ordering::Relaxed) {
            // The timeout only bounds how late a stop is seen.
            match event::poll(Duration::from_millis(250)) {
                Ok(true) => match event::read() {
                    Ok(e) => {
                        if tx.send(Msg::Input(e)).is_err() {
                            return;
                        }
                    }
                    Err(e) => {
                        let _ = tx.send(Msg::InputFailed(e.to_string()));
                        return;
                    }
                },
                Ok(false) => {}
                Err(e) => {
                    let _ = tx.send(Msg::InputFailed(e.to_string()));
                    return;
                }
            }
        }
    });
}

/// The loop: input and data in, a frame out when something changed (at most every 100 ms;
/// ratatui sends only the cells that differ, so a steady screen costs nothing on the wire).
fn event_loop(
    terminal: &mut Term,
    app: &mut app::App,
    stop: &AtomicBool,
    want_tx: &mpsc::Sender<data::Want>,
    rx: &mpsc::Receiver<Msg>,
    mouse: bool,
) -> anyhow::Result<()> {
    const FRAME: Duration = Duration::from_millis(100);
    let mut dirty = true;
    let mut last_draw = Instant::now() - FRAME;
    let mut last_tick = Instant::now();
    let mut last_want: Option<data::Want> = None;
    // Debug builds only: a panic on request, so the tests can see the terminal restored.
    let panic_at = cfg!(debug_assertions)
        .then(|| std::env::var("OBSMON_DEBUG_PANIC_AFTER_MS").ok())
        .flatten()
        .and_then(|v| v.parse::<u64>().ok())
        .map(|ms| Instant::now() + Duration::from_millis(ms));
    while !stop.load(Ordering::Relaxed) && !app.quit {
        if panic_at.is_some_and(|t| Instant::now() >= t) {
            panic!("OBSMON_DEBUG_PANIC_AFTER_MS: a panic on request");
        }
        // Ages on the Overview move once a second; other views change only with data or keys.
        if last_tick.elapsed() >= Duration::from_secs(1) {
            last_tick = Instant::now();
            dirty |= app.tab == app::Tab::Overview && app.detail.is_none();
            // A status message that expired must go.
            if app.status.is_some() && app.status_text().is_none() {
                app.status = None;
                dirty = true;
            }
        }
        if dirty && last_draw.elapsed() >= FRAME {
            terminal.draw(|f| views::draw(f, app))?;
            dirty = false;
            last_draw = Instant::now();
            let w = app.want();
            if last_want.as_ref() != Some(&w) {
                let _ = want_tx.send(w.clone());
                last_want = Some(w);
            }
        }
        let wait = if dirty {
            FRAME.saturating_sub(last_draw.elapsed())
        } else {
            Duration::from_secs(1).saturating_sub(last_tick.elapsed())
        };
        let handle = |m: Msg, app: &mut app::App| -> anyhow::Result<bool> {
            Ok(match m {
                Msg::Data(u) => app.apply(u),
                Msg::Input(Event::Key(k)) => app.key(k),
                Msg::Input(Event::Mouse(m)) if mouse => app.mouse(m),
                Msg::Input(Event::Resize(..)) => true,
                Msg::Input(_) => false,
                Msg::InputFailed(e) => anyhow::bail!("cannot read the terminal: {e}"),
            })
        };
        match rx.recv_timeout(wait) {
            Ok(m) => {
                dirty |= handle(m, app)?;
                while let Ok(m) = rx.try_recv() {
                    dirty |= handle(m, app)?;
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if app.suspend {
            app.suspend = false;
            suspend(terminal, mouse)?;
            dirty = true;
        }
    }
    Ok(())
}

/// Ctrl-Z: gives the terminal back, stops the process (SIGTSTP), and takes the terminal again
/// when the shell continues it (`fg`).
fn suspend(terminal: &mut Term, mouse: bool) -> anyhow::Result<()> {
    leave();
    // SAFETY: raising a signal on our own process; SIGTSTP's default action stops it here and
    // SIGCONT resumes after this call.
    unsafe {
        libc::raise(libc::SIGTSTP);
    }
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen)?;
    if mouse {
        execute!(io::stdout(), EnableMouseCapture)?;
    }
    terminal.hide_cursor()?;
    terminal.clear()?;
    Ok(())
}
