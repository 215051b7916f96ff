//! The dashboard's state and what keys do to it. Rendering is in `views/`; reading the
//! database is in `data.rs`; this file neither draws nor reads.

use std::cell::Cell;
use std::time::Instant;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent, MouseEventKind};

use super::data::{
    ImageDetail, JobsData, LogBuf, Overview, Page, PictureData, SourceDetail, TableWant, Update,
    Want, IMAGE_COLUMNS, SOURCE_COLUMNS,
};
use super::picture::Stretch;
use super::theme::Theme;
use crate::store::records::{ImageRecord, JobRecord, SkySource};

/// The tabs, in key order 1-6.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    /// Verdict, counters, sparklines, newest image.
    Overview,
    /// The images table.
    Images,
    /// The sources table.
    Sources,
    /// Job counts, failures, runs.
    Jobs,
    /// Every health check.
    Health,
    /// Recent events.
    Log,
}

impl Tab {
    /// All tabs in order.
    pub const ALL: [Tab; 6] = [
        Tab::Overview,
        Tab::Images,
        Tab::Sources,
        Tab::Jobs,
        Tab::Health,
        Tab::Log,
    ];

    /// The tab's title.
    pub fn title(self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::Images => "Images",
            Tab::Sources => "Sources",
            Tab::Jobs => "Jobs",
            Tab::Health => "Health",
            Tab::Log => "Log",
        }
    }

    fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

/// A paged table: selection, scroll, order, filter and the rows the loader sent.
#[derive(Debug, Clone)]
pub struct TableView<T> {
    /// Selected row (absolute).
    pub sel: usize,
    /// First visible row.
    pub top: usize,
    /// Sort column.
    pub sort: usize,
    /// Descending.
    pub desc: bool,
    /// The applied filter.
    pub filter: String,
    /// The rows received.
    pub page: Page<T>,
    /// Visible rows, set by the view when it draws.
    pub height: Cell<usize>,
    /// The sortable columns' names.
    pub columns: &'static [&'static str],
}

impl<T> TableView<T> {
    fn new(columns: &'static [&'static str], sort: usize, desc: bool) -> Self {
        TableView {
            columns,
            sel: 0,
            top: 0,
            sort,
            desc,
            filter: String::new(),
            page: Page::default(),
            height: Cell::new(20),
        }
    }

    /// Rows in the table (as the loader last counted them).
    pub fn total(&self) -> usize {
        self.page.total
    }

    /// The row at absolute position `i`, if received.
    pub fn row(&self, i: usize) -> Option<&T> {
        i.checked_sub(self.page.want.start)
            .and_then(|k| self.page.rows.get(k))
    }

    /// The selected row, if received.
    pub fn selected(&self) -> Option<&T> {
        self.row(self.sel)
    }

    /// What to ask the loader for: the visible page and one page either side, so that a page
    /// move is drawn from rows already here.
    pub fn want(&self) -> TableWant {
        let h = self.height.get().max(1);
        TableWant {
            sort: self.sort,
            desc: self.desc,
            filter: self.filter.clone(),
            start: self.top.saturating_sub(h),
            len: 3 * h,
        }
    }

    fn move_to(&mut self, sel: usize) {
        let total = self.total();
        self.sel = if total == 0 { 0 } else { sel.min(total - 1) };
        let h = self.height.get().max(1);
        if self.sel < self.top {
            self.top = self.sel;
        } else if self.sel >= self.top + h {
            self.top = self.sel + 1 - h;
        }
    }

    /// Keeps the selection inside the table after the row count changed.
    pub fn clamp(&mut self) {
        let sel = self.sel;
        self.move_to(sel);
        let h = self.height.get().max(1);
        let total = self.total();
        if self.top + h > total {
            self.top = total.saturating_sub(h);
        }
    }

    /// Moves the selection by a key; returns whether it was a movement key.
    fn navigate(&mut self, code: KeyCode) -> bool {
        let h = self.height.get().max(1);
        match code {
            KeyCode::Down | KeyCode::Char('j') => self.move_to(self.sel + 1),
            KeyCode::Up | KeyCode::Char('k') => self.move_to(self.sel.saturating_sub(1)),
            KeyCode::PageDown | KeyCode::Char(' ') => {
                self.top = (self.top + h).min(self.total().saturating_sub(h));
                self.move_to(self.sel + h)
            }
            KeyCode::PageUp => {
                self.top = self.top.saturating_sub(h);
                self.move_to(self.sel.saturating_sub(h))
            }
            KeyCode::Home | KeyCode::Char('g') => self.move_to(0),
            KeyCode::End | KeyCode::Char('G') => self.move_to(usize::MAX),
            _ => return false,
        }
        true
    }

    fn cycle_sort(&mut self, reverse: bool) {
        if reverse {
            self.desc = !self.desc;
        } else {
            self.sort = (self.sort + 1) % self.columns.len();
        }
        self.sel = 0;
        self.top = 0;
    }
}

/// An open detail view.
#[derive(Debug, Clone)]
pub enum Detail {
    /// One image: metadata, header cards, picture.
    Image {
        /// Image id.
        id: u64,
        /// Zoom to the centre: 1, 2, 4, 8.
        zoom: u32,
        /// Header scroll.
        scroll: usize,
        /// What the loader sent.
        data: Option<Box<ImageDetail>>,
    },
    /// One source: light curve and measurements.
    Source {
        /// Source id.
        id: u64,
        /// Measurement list scroll.
        scroll: usize,
        /// What the loader sent.
        data: Option<Box<SourceDetail>>,
    },
}

/// Input mode.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    /// Keys are commands.
    Normal,
    /// Typing a filter.
    Filter(String),
}

/// The whole dashboard state.
pub struct App {
    /// Current tab.
    pub tab: Tab,
    /// Colours.
    pub theme: Theme,
    /// Images table.
    pub images: TableView<ImageRecord>,
    /// Sources table.
    pub sources: TableView<SkySource>,
    /// Overview numbers.
    pub overview: Overview,
    /// The newest image's picture.
    pub overview_picture: Option<PictureData>,
    /// Jobs tab data.
    pub jobs: JobsData,
    /// Selected problem file in the Jobs tab.
    pub jobs_sel: usize,
    /// Open detail.
    pub detail: Option<Detail>,
    /// Help overlay shown.
    pub help: bool,
    /// Input mode.
    pub mode: Mode,
    /// Picture stretch.
    pub stretch: Stretch,
    /// A transient message and when it was set.
    pub status: Option<(String, Instant)>,
    /// The last loader error.
    pub error: Option<String>,
    /// Log lines.
    pub log: LogBuf,
    /// Lines scrolled up from the newest in the Log tab.
    pub log_scroll: usize,
    /// What the dashboard is looking at ("demo: ...", "watching ...", "following ...").
    pub context: String,
    /// Quit requested.
    pub quit: bool,
    /// Ctrl-Z pressed: the loop suspends the process.
    pub suspend: bool,
    /// A retry to send with the next want.
    pub retry: Option<String>,
    /// Thumbnail side wanted for the overview picture, set by the view.
    pub overview_side: Cell<usize>,
    /// Thumbnail side wanted for the detail picture, set by the view.
    pub detail_side: Cell<usize>,
}

impl App {
    /// A dashboard with nothing loaded yet.
    pub fn new(theme: Theme, log: LogBuf, context: String) -> App {
        App {
            tab: Tab::Overview,
            theme,
            images: TableView::new(IMAGE_COLUMNS, 0, true),
            // Most variable first.
            sources: TableView::new(SOURCE_COLUMNS, 6, true),
            overview: Overview::default(),
            overview_picture: None,
            jobs: JobsData::default(),
            jobs_sel: 0,
            detail: None,
            help: false,
            mode: Mode::Normal,
            stretch: Stretch::default(),
            status: None,
            error: None,
            log,
            log_scroll: 0,
            context,
            quit: false,
            suspend: false,
            retry: None,
            overview_side: Cell::new(128),
            detail_side: Cell::new(256),
        }
    }

    /// What the loader should send for the current state.
    pub fn want(&mut self) -> Want {
        let visible = |t: Tab| self.tab == t;
        Want {
            images: if visible(Tab::Images) {
                self.images.want()
            } else {
                TableWant::default()
            },
            sources: if visible(Tab::Sources) {
                self.sources.want()
            } else {
                TableWant::default()
            },
            image_detail: match &self.detail {
                Some(Detail::Image { id, zoom, .. }) => Some((*id, *zoom, self.detail_side.get())),
                _ => None,
            },
            source_detail: match &self.detail {
                Some(Detail::Source { id, .. }) => Some(*id),
                _ => None,
            },
            overview_side: self.overview_side.get(),
            retry: self.retry.take(),
        }
    }

    /// Takes in what the loader sent. Returns whether anything on screen may change.
    pub fn apply(&mut self, u: Update) -> bool {
        match u {
            Update::Overview(o) => self.overview = *o,
            Update::OverviewPicture(p) => self.overview_picture = Some(*p),
            Update::Images(p) => {
                if p.want.sort == self.images.sort
                    && p.want.desc == self.images.desc
                    && p.want.filter == self.images.filter
                {
                    self.images.page = p;
                    self.images.clamp();
                }
            }
            Update::Sources(p) => {
                if p.want.sort == self.sources.sort
                    && p.want.desc == self.sources.desc
                    && p.want.filter == self.sources.filter
                {
                    self.sources.page = p;
                    self.sources.clamp();
                }
            }
            Update::ImageDetail(d) => {
                if let Some(Detail::Image { id, data, .. }) = &mut self.detail {
                    if *id == d.rec.id {
                        *data = Some(d);
                    }
                }
            }
            Update::SourceDetail(d) => {
                if let Some(Detail::Source { id, data, .. }) = &mut self.detail {
                    if *id == d.src.id {
                        *data = Some(d);
                    }
                }
            }
            Update::Jobs(j) => {
                self.jobs = *j;
                let n = self.problem_files().len();
                self.jobs_sel = self.jobs_sel.min(n.saturating_sub(1));
            }
            Update::Status(s) => self.status = Some((s, Instant::now())),
            Update::Error(e) => self.error = Some(e),
        }
        true
    }

    /// Failed then incomplete files (the Jobs tab's selectable list).
    pub fn problem_files(&self) -> Vec<&JobRecord> {
        self.jobs
            .failed
            .iter()
            .chain(self.jobs.incomplete.iter())
            .collect()
    }

    /// Handles a key. Returns whether the screen may change.
    pub fn key(&mut self, k: KeyEvent) -> bool {
        // Key release and repeat events (kitty protocol, Windows) are not commands.
        if k.kind != KeyEventKind::Press {
            return false;
        }
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && k.code == KeyCode::Char('c') {
            self.quit = true;
            return true;
        }
        if ctrl && k.code == KeyCode::Char('z') {
            self.suspend = true;
            return true;
        }
        if let Mode::Filter(text) = &mut self.mode {
            match k.code {
                KeyCode::Enter => {
                    let text = std::mem::take(text);
                    self.mode = Mode::Normal;
                    if let Some(t) = self.table_mut() {
                        t.set_filter(text.trim().to_string());
                    }
                }
                KeyCode::Esc => self.mode = Mode::Normal,
                KeyCode::Backspace => {
                    text.pop();
                }
                KeyCode::Char(c) if !ctrl => text.push(c),
                _ => return false,
            }
            return true;
        }
        if self.help {
            // Any key closes the help (q still quits).
            self.help = false;
            if k.code == KeyCode::Char('q') {
                self.quit = true;
            }
            return true;
        }
        match k.code {
            KeyCode::Char('q') => self.quit = true,
            KeyCode::Char('?') => self.help = true,
            KeyCode::Esc => {
                if self.detail.take().is_none() {
                    return false;
                }
            }
            KeyCode::Char(c @ '1'..='6') => {
                self.detail = None;
                self.tab = Tab::ALL[(c as u8 - b'1') as usize];
            }
            KeyCode::Tab => {
                self.detail = None;
                self.tab = Tab::ALL[(self.tab.index() + 1) % Tab::ALL.len()];
            }
            KeyCode::BackTab => {
                self.detail = None;
                self.tab = Tab::ALL[(self.tab.index() + Tab::ALL.len() - 1) % Tab::ALL.len()];
            }
            _ => return self.view_key(k.code),
        }
        true
    }

    fn table_mut(&mut self) -> Option<&mut dyn TableKeys> {
        match self.tab {
            Tab::Images => Some(&mut self.images),
            Tab::Sources => Some(&mut self.sources),
            _ => None,
        }
    }

    /// Keys that mean something in the current view.
    fn view_key(&mut self, code: KeyCode) -> bool {
        if let Some(d) = &mut self.detail {
            return match d {
                Detail::Image { zoom, scroll, .. } => match code {
                    KeyCode::Char('t') => {
                        self.stretch = self.stretch.next();
                        true
                    }
                    KeyCode::Char('+') | KeyCode::Char('=') | KeyCode::Char('z') => {
                        *zoom = (*zoom * 2).min(16);
                        true
                    }
                    KeyCode::Char('-') | KeyCode::Char('Z') => {
                        *zoom = (*zoom / 2).max(1);
                        true
                    }
                    _ => scroll_key(scroll, code),
                },
                Detail::Source { scroll, .. } => scroll_key(scroll, code),
            };
        }
        match self.tab {
            Tab::Images | Tab::Sources => {
                let Some(t) = self.table_mut() else {
                    return false;
                };
                match code {
                    KeyCode::Char('/') => {
                        let current = t.filter();
                        self.mode = Mode::Filter(current);
                    }
                    KeyCode::Char('s') => t.cycle_sort(false),
                    KeyCode::Char('S') => t.cycle_sort(true),
                    KeyCode::Enter => self.open(),
                    _ => return t.navigate(code),
                }
                true
            }
            Tab::Overview => match code {
                KeyCode::Enter => {
                    if let Some(n) = &self.overview.newest {
                        self.detail = Some(Detail::Image {
                            id: n.id,
                            zoom: 1,
                            scroll: 0,
                            data: None,
                        });
                    }
                    true
                }
                KeyCode::Char('t') => {
                    self.stretch = self.stretch.next();
                    true
                }
                _ => false,
            },
            Tab::Jobs => {
                let n = self.problem_files().len();
                match code {
                    KeyCode::Down | KeyCode::Char('j') => {
                        self.jobs_sel = (self.jobs_sel + 1).min(n.saturating_sub(1))
                    }
                    KeyCode::Up | KeyCode::Char('k') => {
                        self.jobs_sel = self.jobs_sel.saturating_sub(1)
                    }
                    KeyCode::Home | KeyCode::Char('g') => self.jobs_sel = 0,
                    KeyCode::End | KeyCode::Char('G') => self.jobs_sel = n.saturating_sub(1),
                    KeyCode::Char('r') => {
                        let path = self
                            .problem_files()
                            .get(self.jobs_sel)
                            .map(|j| j.path.clone());
                        match path {
                            Some(p) => self.retry = Some(p),
                            None => {
                                self.status =
                                    Some(("no failed file to retry".into(), Instant::now()))
                            }
                        }
                    }
                    _ => return false,
                }
                true
            }
            Tab::Log => scroll_key(&mut self.log_scroll, code),
            Tab::Health => false,
        }
    }

    /// Opens the selected row's detail.
    fn open(&mut self) {
        self.detail = match self.tab {
            Tab::Images => self.images.selected().map(|r| Detail::Image {
                id: r.id,
                zoom: 1,
                scroll: 0,
                data: None,
            }),
            Tab::Sources => self.sources.selected().map(|s| Detail::Source {
                id: s.id,
                scroll: 0,
                data: None,
            }),
            _ => None,
        };
    }

    /// Mouse (only with `--mouse`): the wheel moves the selection.
    pub fn mouse(&mut self, m: MouseEvent) -> bool {
        let code = match m.kind {
            MouseEventKind::ScrollDown => KeyCode::Down,
            MouseEventKind::ScrollUp => KeyCode::Up,
            _ => return false,
        };
        self.view_key(code)
    }

    /// The transient status message, if still fresh (5 s).
    pub fn status_text(&self) -> Option<&str> {
        self.status
            .as_ref()
            .filter(|(_, t)| t.elapsed().as_secs() < 5)
            .map(|(s, _)| s.as_str())
    }
}

/// Scrolls a plain list offset.
fn scroll_key(scroll: &mut usize, code: KeyCode) -> bool {
    match code {
        KeyCode::Down | KeyCode::Char('j') => *scroll += 1,
        KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
        KeyCode::PageDown | KeyCode::Char(' ') => *scroll += 10,
        KeyCode::PageUp => *scroll = scroll.saturating_sub(10),
        KeyCode::Home | KeyCode::Char('g') => *scroll = 0,
        KeyCode::End | KeyCode::Char('G') => *scroll = usize::MAX / 2,
        _ => return false,
    }
    true
}

/// What keys do to either table, behind one face.
trait TableKeys {
    fn filter(&self) -> String;
    /// Applies a filter and goes back to the first row.
    fn set_filter(&mut self, f: String);
    fn cycle_sort(&mut self, reverse: bool);
    fn navigate(&mut self, code: KeyCode) -> bool;
}

impl<T> TableKeys for TableView<T> {
    fn filter(&self) -> String {
        self.filter.clone()
    }

    fn set_filter(&mut self, f: String) {
        self.filter = f;
        self.sel = 0;
        self.top = 0;
        self.page = Page::default();
    }

    fn cycle_sort(&mut self, reverse: bool) {
        TableView::cycle_sort(self, reverse)
    }

    fn navigate(&mut self, code: KeyCode) -> bool {
        TableView::navigate(self, code)
    }
}
