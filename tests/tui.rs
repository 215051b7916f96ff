//! The dashboard drawn into ratatui's TestBackend from a real database (synthetic images with
//! injected sources, written and indexed by the test): every tab and the help overlay at 80x24
//! and 200x60, keys driving the filter, the sort, tab switches and the details.

use std::sync::mpsc;
use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use obsmon::config::Config;
use obsmon::ingest::{run_index, IndexOptions};
use obsmon::store::Store;
use obsmon::synth::{Sky, SkyConfig};
use obsmon::tui::app::{App, Tab};
use obsmon::tui::data::{Loader, LogBuf, Update};
use obsmon::tui::theme::{ColorMode, Theme};
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use ratatui::Terminal;

struct Rig {
    _dir: tempfile::TempDir,
    app: App,
    loader: Loader,
    rx: mpsc::Receiver<Update>,
    term: Terminal<TestBackend>,
    sky: Sky,
}

const EPOCHS: u64 = 4;

fn rig(w: u16, h: u16, mode: ColorMode) -> Rig {
    let dir = tempfile::tempdir().unwrap();
    let imgs = dir.path().join("imgs");
    std::fs::create_dir(&imgs).unwrap();
    let sky = Sky::new(SkyConfig {
        size: 256,
        n_sources: 12,
        snr_range: (30.0, 300.0),
        variable_fraction: 0.25,
        start: chrono::Utc::now() - chrono::Duration::minutes(30),
        ..Default::default()
    });
    for e in 0..EPOCHS {
        sky.write_epoch(&imgs, e).unwrap();
    }
    // A corrupt file: a complete header with an impossible BITPIX.
    let mut bad = String::new();
    for c in [
        "SIMPLE  =                    T",
        "BITPIX  =                   17",
        "NAXIS   =                    0",
        "END",
    ] {
        bad.push_str(&format!("{c:<80}"));
    }
    let mut bytes = bad.into_bytes();
    bytes.resize(2880, b' ');
    std::fs::write(imgs.join("2026-01-01T00:00:00.img-residual.fits"), bytes).unwrap();
    let store = Store::open(&dir.path().join("t.redb")).unwrap();
    let s = run_index(&[imgs], &store, &IndexOptions::default()).unwrap();
    assert_eq!((s.indexed, s.failed), (EPOCHS, 1), "{:?}", s.failures);
    let (tx, rx) = mpsc::channel();
    let log = LogBuf::default();
    let loader = Loader::new(Arc::new(store), Config::default(), tx, log.clone());
    let app = App::new(Theme::new(mode), log, "test".into());
    let term = Terminal::new(TestBackend::new(w, h)).unwrap();
    let mut r = Rig {
        _dir: dir,
        app,
        loader,
        rx,
        term,
        sky,
    };
    r.settle();
    r
}

impl Rig {
    /// Draw, tell the loader what is visible, apply its answers; a few rounds.
    fn settle(&mut self) {
        for _ in 0..4 {
            self.draw();
            self.loader.set_want(self.app.want());
            self.loader.step().unwrap();
            while let Ok(u) = self.rx.try_recv() {
                self.app.apply(u);
            }
        }
        self.draw();
    }

    fn draw(&mut self) {
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
            state: crossterm::event::KeyEventState::NONE,
        });
        self.settle();
    }

    fn keys(&mut self, s: &str) {
        for c in s.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    fn screen(&self) -> String {
        let buf = self.term.backend().buffer();
        let mut s = String::new();
        for y in 0..buf.area.height {
            for x in 0..buf.area.width {
                s.push_str(buf[(x, y)].symbol());
            }
            s.push('\n');
        }
        s
    }

    fn colours(&self) -> Vec<Color> {
        let buf = self.term.backend().buffer();
        buf.content().iter().flat_map(|c| [c.fg, c.bg]).collect()
    }
}

fn has(screen: &str, what: &str) {
    assert!(screen.contains(what), "{what:?} not on screen:\n{screen}");
}

fn every_tab(w: u16, h: u16) {
    let mut r = rig(w, h, ColorMode::Ansi256);
    let newest = r.sky.file_name(EPOCHS - 1);

    // Overview: verdict, counters, sparkline titles, the newest image as a picture with markers.
    let s = r.screen();
    has(&s, "1 Overview");
    has(&s, "Health");
    has(&s, &format!("{EPOCHS}   sources"));
    has(&s, "failed 1");
    has(&s, "images/hour");
    has(&s, "▀");
    has(&s, "+");
    if w >= 100 {
        has(&s, &newest);
    }

    // Images: every image, with its noise.
    r.key(KeyCode::Char('2'));
    let s = r.screen();
    has(&s, &format!("images 1/{EPOCHS}"));
    for e in 0..EPOCHS {
        has(&s, &r.sky.file_name(e)[..19]);
    }
    has(&s, "noise mJy");
    has(&s, "0.9");

    // Sources: names, the variability columns.
    r.key(KeyCode::Tab);
    assert_eq!(r.app.tab, Tab::Sources);
    let s = r.screen();
    has(&s, "eta↓");
    has(&s, "J09");

    // Jobs: the corrupt file and its reason.
    r.key(KeyCode::Char('4'));
    let s = r.screen();
    has(&s, "failed 1");
    has(&s, "2026-01-01T00:00:00.img-residual");
    has(&s, "BITPIX");
    has(&s, "pipeline runs");

    // Health: every check with a since column.
    r.key(KeyCode::Char('5'));
    let s = r.screen();
    has(&s, "newest_image_age");
    has(&s, "since");
    has(&s, "stuck_runs");

    // Log: the files' outcomes.
    r.key(KeyCode::Char('6'));
    let s = r.screen();
    has(&s, "done");
    has(&s, "failed");

    // Help.
    r.key(KeyCode::Char('?'));
    let s = r.screen();
    has(&s, "retry the selected failed file");
    has(&s, "first / last row");
    r.key(KeyCode::Char('x'));
    assert!(!r.screen().contains("any key closes this help"));
}

#[test]
fn every_tab_at_80x24() {
    every_tab(80, 24);
}

#[test]
fn every_tab_at_200x60() {
    every_tab(200, 60);
}

#[test]
fn filter_sort_and_details_by_keys() {
    let mut r = rig(120, 40, ColorMode::Truecolor);
    r.key(KeyCode::Char('2'));
    // Filter on the second epoch's time.
    let second = r.sky.file_name(1);
    r.key(KeyCode::Char('/'));
    r.keys(&second[11..19]);
    has(&r.screen(), &format!("filter: {}", &second[11..19]));
    r.key(KeyCode::Enter);
    let s = r.screen();
    has(&s, "images 1/1");
    has(&s, &second);
    assert!(!s.contains(&r.sky.file_name(0)), "{s}");
    // Clear the filter, sort by name ascending: the oldest file first.
    r.key(KeyCode::Char('/'));
    for _ in 0..20 {
        r.key(KeyCode::Backspace);
    }
    r.key(KeyCode::Enter);
    r.key(KeyCode::Char('s'));
    r.key(KeyCode::Char('S'));
    let s = r.screen();
    has(&s, "by name ↑");
    let first = s.find(&r.sky.file_name(0)).unwrap();
    let last = s.find(&r.sky.file_name(EPOCHS - 1)).unwrap();
    assert!(first < last, "name order ascending:\n{s}");
    // G selects the last row; Enter opens it: fields, header cards, picture.
    r.key(KeyCode::Char('G'));
    has(&r.screen(), &format!("images {EPOCHS}/{EPOCHS}"));
    r.key(KeyCode::Enter);
    let s = r.screen();
    has(&s, "── header");
    has(&s, "noise");
    has(&s, "zscale · zoom 1x");
    r.key(KeyCode::Char('t'));
    r.key(KeyCode::Char('+'));
    has(&r.screen(), "asinh · zoom 2x");
    r.key(KeyCode::Esc);
    has(&r.screen(), "images 4/4");

    // A source's light curve: one measurement per epoch.
    r.key(KeyCode::Char('3'));
    r.key(KeyCode::Enter);
    let s = r.screen();
    has(&s, "light curve");
    has(&s, &format!("measurements ({EPOCHS})"));
}

#[test]
fn colour_modes() {
    // 16 colours: only the named ANSI colours.
    let r = rig(80, 24, ColorMode::Ansi16);
    assert!(r
        .colours()
        .iter()
        .all(|c| !matches!(c, Color::Rgb(..) | Color::Indexed(_))));
    // No colour: no colour at all, and the picture in greyscale glyphs (no half blocks).
    let r = rig(80, 24, ColorMode::Never);
    assert!(r.colours().iter().all(|c| *c == Color::Reset));
    let s = r.screen();
    assert!(!s.contains('▀'), "{s}");
    assert!(s.contains('@') || s.contains('%') || s.contains('#'), "{s}");
    assert!(s.contains('o'), "source markers: {s}");
}

#[test]
fn retry_requeues_a_failed_file() {
    let mut r = rig(100, 30, ColorMode::Ansi16);
    r.key(KeyCode::Char('4'));
    r.key(KeyCode::Char('r'));
    let s = r.screen();
    has(&s, "retrying 2026-01-01T00:00:00.img-residual.fits");
    has(&s, "queued 1");
}
