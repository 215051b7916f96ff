//! Command-line definitions (clap). Dispatch lives in `main.rs`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Index and monitor the FITS images of a radio imaging pipeline.
///
/// With no command, runs the built-in demo. Exit codes: 0 success, 1 some files failed,
/// 2 usage or database error.
#[derive(Debug, Parser)]
#[command(name = "obsmon", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// Index DIR... once and exit (the same as `obsmon index DIR...`), for cron.
    #[arg(long, requires = "dirs")]
    pub index_only: bool,

    /// Directories to watch (with --index-only: to index).
    #[arg(value_name = "DIR")]
    pub dirs: Vec<PathBuf>,

    /// Options of the index run used with --index-only.
    #[command(flatten)]
    pub index: IndexFlags,

    /// Dashboard options (without --index-only).
    #[command(flatten)]
    pub tui: TuiFlags,

    /// With the dashboard: also serve the read-only HTTP API on ADDR (e.g. 127.0.0.1:8889).
    #[arg(long, value_name = "ADDR")]
    pub serve: Option<std::net::SocketAddr>,

    /// The database file [default: $XDG_DATA_HOME/obsmon/index.redb].
    #[arg(long, global = true, env = "OBSMON_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// The configuration file [default: $XDG_CONFIG_HOME/obsmon/obsmon.toml].
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// More log output on stderr (-v info, -vv debug).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// The command.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options shared by `index` and `--index-only`.
#[derive(Debug, Clone, Args)]
pub struct IndexFlags {
    /// Print the run's summary as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Worker threads [default: number of cores].
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Header metadata only: do not read pixels (no noise, peak, dynamic range, sources).
    #[arg(long)]
    pub no_pixels: bool,
    /// Image statistics without the source finder and association.
    #[arg(long)]
    pub no_sources: bool,
    /// After the run, write the Prometheus exposition to PATH (atomically), for node_exporter's
    /// textfile collector.
    #[arg(long, value_name = "PATH")]
    pub metrics_file: Option<PathBuf>,
}

/// Options of the dashboard.
#[derive(Debug, Clone, Args)]
pub struct TuiFlags {
    /// Colours: never, 16, 256 or truecolor [default: from NO_COLOR, COLORTERM and TERM].
    #[arg(long, value_name = "WHEN")]
    pub color: Option<obsmon::tui::theme::ColorMode>,
    /// Capture the mouse (the wheel scrolls); off by default so the terminal's own selection
    /// and copy keep working.
    #[arg(long)]
    pub mouse: bool,
}

/// Options of `obsmon watch`.
#[derive(Debug, Clone, Args)]
pub struct WatchFlags {
    /// Scan only, every SECS seconds (network filesystems, where file events do not arrive).
    #[arg(long, value_name = "SECS", num_args = 0..=1, default_missing_value = "5")]
    pub poll: Option<f64>,
    /// Full reconcile scan every SECS seconds [default: 60, or the config file's].
    #[arg(long, value_name = "SECS")]
    pub rescan: Option<f64>,
    /// Seconds a file must stay unchanged before it is read (when no close or rename is
    /// seen) [default: 1, or the config file's].
    #[arg(long, value_name = "SECS")]
    pub settle: Option<f64>,
    /// Worker threads [default: number of cores].
    #[arg(long, short = 'j', value_name = "N")]
    pub jobs: Option<usize>,
    /// Serve Prometheus metrics on ADDR (e.g. 127.0.0.1:9464) at /metrics.
    #[arg(long, value_name = "ADDR")]
    pub metrics_addr: Option<std::net::SocketAddr>,
    /// Also serve the read-only HTTP API on ADDR (e.g. 127.0.0.1:8889).
    #[arg(long, value_name = "ADDR")]
    pub serve: Option<std::net::SocketAddr>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Index every FITS image under DIR... into the database, then exit.
    Index {
        /// Directories (or files) to index.
        #[arg(required = true, value_name = "DIR")]
        dirs: Vec<PathBuf>,
        /// Options.
        #[command(flatten)]
        flags: IndexFlags,
    },
    /// Keep the index current: file events plus periodic reconcile scans (for systemd).
    Watch {
        /// Directories to watch [default: `[watch] dirs` of the config file].
        #[arg(value_name = "DIR")]
        dirs: Vec<PathBuf>,
        /// Options.
        #[command(flatten)]
        flags: WatchFlags,
    },
    /// Serve the read-only HTTP API (the original pipeline's /api/v1 endpoints).
    Serve {
        /// Address to listen on (loopback by default).
        #[arg(long, default_value = "127.0.0.1:8889")]
        addr: std::net::SocketAddr,
    },
    /// Health checks, as a Nagios/Icinga plugin (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).
    Health {
        /// Every check as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Totals, the last 24 h, per-hour series, latency and database size.
    Stats {
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Pipeline runs derived from the products that share a timestamp.
    Runs {
        /// JSON output.
        #[arg(long)]
        json: bool,
        /// At most N runs, newest first.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Print the Prometheus exposition once.
    Metrics,
    /// List indexed images, newest first.
    Images {
        /// JSON output (same as --format json).
        #[arg(long)]
        json: bool,
        /// CSV output (same as --format csv).
        #[arg(long)]
        csv: bool,
        /// At most N rows.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Only images observed at or after this time (ISO 8601, UTC).
        #[arg(long, value_name = "ISO")]
        since: Option<String>,
        /// Only this product type (image, pbcor, residual, psf, model, ...).
        #[arg(long = "type", value_name = "T")]
        kind: Option<String>,
        /// Only this field (OBJECT).
        #[arg(long, value_name = "F")]
        field: Option<String>,
        /// Include files that have vanished (state missing).
        #[arg(long)]
        missing: bool,
    },
    /// List indexing jobs (one per file: its last attempt).
    Jobs {
        /// Only jobs in this state (queued, running, done, failed, incomplete, skipped).
        #[arg(long, value_name = "S")]
        state: Option<String>,
        /// JSON output.
        #[arg(long)]
        json: bool,
        /// At most N rows.
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
    /// Show one image: its record and every header card.
    Show {
        /// A path (as indexed) or an image id.
        target: String,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// List sky sources (the same object across images).
    Sources {
        /// JSON output.
        #[arg(long)]
        json: bool,
        /// CSV output.
        #[arg(long)]
        csv: bool,
        /// Only within RA,DEC (degrees) and RADIUS (arcsec), e.g. 150.1,37.2,60.
        #[arg(long, value_name = "RA,DEC,RADIUS_ARCSEC")]
        cone: Option<String>,
        /// Only variable sources.
        #[arg(long)]
        variable: bool,
        /// Only sources detected at least N times.
        #[arg(long, default_value_t = 0, value_name = "N")]
        min_detections: u32,
        /// Order: eta, v, flux, n or name (default: id).
        #[arg(long, value_parser = ["eta", "v", "flux", "n", "name"])]
        sort: Option<String>,
        /// At most N rows.
        #[arg(long, default_value_t = 100)]
        limit: usize,
    },
    /// The light curve of one sky source (by IAU name or id).
    Lightcurve {
        /// Name (Jhhmmss.s+ddmmss) or id.
        source: String,
        /// JSON output.
        #[arg(long)]
        json: bool,
        /// CSV output.
        #[arg(long)]
        csv: bool,
    },
    /// The detections (and forced measurements) of one image (path or id).
    Detections {
        /// A path (as indexed) or an image id.
        image: String,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Write a synthetic DSA-110-like sky: N images and a truth CSV beside each.
    Synth {
        /// Where to write.
        dir: PathBuf,
        /// Number of images (epochs, 5 minutes apart).
        #[arg(long, default_value_t = 10)]
        count: u64,
        /// Image width and height, pixels.
        #[arg(long, default_value_t = 2048)]
        size: usize,
        /// Random seed (same seed, same sky).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Number of sources.
        #[arg(long, default_value_t = 300)]
        sources: usize,
    },
    /// Print the configuration in effect, or with --default the commented default file.
    Config {
        /// Print the commented default configuration (to start an obsmon.toml from).
        #[arg(long)]
        default: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// The dashboard on DIR... (indexed live in this process, or followed while another live
    /// indexer holds the database); with no DIR, follows the database only.
    Tui {
        /// Directories to index live.
        #[arg(value_name = "DIR")]
        dirs: Vec<PathBuf>,
        /// Options of the live indexer.
        #[command(flatten)]
        flags: WatchFlags,
        /// Dashboard options.
        #[command(flatten)]
        tui: TuiFlags,
    },
    /// The demo: a synthetic sky streamed into a temporary directory (removed on exit), with the
    /// dashboard on top. Without a terminal (or with --print): index a few images and print.
    Demo {
        /// With --print: number of images.
        #[arg(long, default_value_t = 8)]
        count: u64,
        /// Image size, pixels.
        #[arg(long, default_value_t = 1024)]
        size: usize,
        /// Seconds between images.
        #[arg(long, default_value_t = 3.0)]
        cadence: f64,
        /// Print a summary instead of the dashboard.
        #[arg(long)]
        print: bool,
        /// Dashboard options.
        #[command(flatten)]
        tui: TuiFlags,
    },
}
