//! Settings: defaults < config file < environment < flags.
//!
//! The file is `obsmon.toml` in the XDG config directory (`$XDG_CONFIG_HOME/obsmon/obsmon.toml`,
//! else `~/.config/obsmon/obsmon.toml`), or `--config PATH`. Every key is optional. An unknown key
//! or a bad value is an error that names the key, the value and what is allowed. The commented
//! default file (`obsmon config --default`, `assets/obsmon.toml`) parses to exactly
//! [`Config::default`] (tested).

// `!(v > 0.0)` is deliberate below: it also rejects NaN, which `v <= 0.0` would let through.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::analysis::finder::FinderParams;
use crate::sky::SourceParams;

/// The commented default configuration file.
pub const DEFAULT_TOML: &str = include_str!("../assets/obsmon.toml");

/// The whole configuration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where the database lives.
    pub db: Option<PathBuf>,
    /// Directories, ignore patterns and timing of the live indexer.
    pub watch: WatchConfig,
    /// The source finder.
    pub finder: FinderConfig,
    /// Association and variability.
    pub association: AssociationConfig,
    /// Health thresholds.
    pub health: HealthConfig,
    /// Pipeline runs derived from the products.
    pub runs: RunsConfig,
}

/// `[watch]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WatchConfig {
    /// Directories to watch when none are given on the command line.
    pub dirs: Vec<PathBuf>,
    /// Extra file-name patterns to ignore (`*` and `?` wildcards), besides the built-in
    /// dotfiles, `*.tmp`, `*.part`, `*~`, `*.swp`.
    pub ignore: Vec<String>,
    /// Full reconcile scan interval, seconds.
    pub rescan_secs: f64,
    /// Quiet time before a file without a close/rename event is read, seconds.
    pub settle_secs: f64,
}

/// `[finder]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FinderConfig {
    /// Seed threshold, sigma.
    pub seed_sigma: f64,
    /// Grow threshold, sigma.
    pub grow_sigma: f64,
    /// Most components per image.
    pub max_components: usize,
    /// Background cell size in beams.
    pub bkg_cell_beams: f64,
}

/// `[association]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AssociationConfig {
    /// Largest de Ruiter radius.
    pub de_ruiter_max: f64,
    /// Systematic position error per detection, arcsec.
    pub position_sys_err_arcsec: f64,
    /// Fractional flux-scale error used in eta.
    pub flux_sys_err_frac: f64,
    /// eta threshold of `is_variable`.
    pub eta_threshold: f64,
    /// V threshold of `is_variable`.
    pub v_threshold: f64,
    /// Fewest measurements for `is_variable`.
    pub min_epochs: u32,
    /// Detections needed before forced measurements are taken.
    pub forced_min_detections: u32,
}

/// `[health]`: warning and critical thresholds of each check.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HealthConfig {
    /// Age of the newest science image, minutes.
    pub newest_image_warn_min: f64,
    /// Age of the newest science image, minutes.
    pub newest_image_crit_min: f64,
    /// Free space, percent (below).
    pub disk_free_warn_pct: f64,
    /// Free space, percent (below).
    pub disk_free_crit_pct: f64,
    /// Free space floor, GB (below).
    pub disk_free_warn_gb: f64,
    /// Free space floor, GB (below).
    pub disk_free_crit_gb: f64,
    /// Files waiting (above).
    pub backlog_warn: f64,
    /// Files waiting (above).
    pub backlog_crit: f64,
    /// Age of the oldest waiting file, minutes (above).
    pub backlog_age_warn_min: f64,
    /// Age of the oldest waiting file, minutes (above).
    pub backlog_age_crit_min: f64,
    /// Failed share of the last hour's attempts, percent (above).
    pub failure_rate_warn_pct: f64,
    /// Failed share of the last hour's attempts, percent (above).
    pub failure_rate_crit_pct: f64,
    /// Incomplete files older than this many minutes are counted.
    pub incomplete_age_min: f64,
    /// Incomplete old files (above) warn.
    pub incomplete_warn: f64,
    /// Incomplete old files (above) are critical.
    pub incomplete_crit: f64,
    /// Noise of the newest science image, mJy/beam (above).
    pub noise_warn_mjy: f64,
    /// Noise of the newest science image, mJy/beam (above).
    pub noise_crit_mjy: f64,
    /// Dynamic range of the newest science image (below).
    pub dynamic_range_warn: f64,
    /// Dynamic range of the newest science image (below).
    pub dynamic_range_crit: f64,
    /// Days until the database's disk is full at the current growth (below).
    pub days_to_full_warn: f64,
    /// Days until the database's disk is full at the current growth (below).
    pub days_to_full_crit: f64,
    /// Runs stuck in `running` (above).
    pub stuck_runs_warn: f64,
}

/// `[runs]`: which products make a complete pipeline run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RunsConfig {
    /// Product types a complete run has.
    pub expected: Vec<String>,
    /// Minutes after the last product before a run missing products is `partial`.
    pub timeout_min: f64,
}

impl Default for WatchConfig {
    fn default() -> Self {
        WatchConfig {
            dirs: Vec::new(),
            ignore: Vec::new(),
            rescan_secs: 60.0,
            settle_secs: 1.0,
        }
    }
}

impl Default for FinderConfig {
    fn default() -> Self {
        let f = FinderParams::default();
        FinderConfig {
            seed_sigma: f.seed_sigma,
            grow_sigma: f.grow_sigma,
            max_components: f.max_components,
            bkg_cell_beams: SourceParams::default().bkg_cell_beams,
        }
    }
}

impl Default for AssociationConfig {
    fn default() -> Self {
        let p = SourceParams::default();
        AssociationConfig {
            de_ruiter_max: p.de_ruiter_max,
            position_sys_err_arcsec: p.position_sys_err_arcsec,
            flux_sys_err_frac: p.flux_sys_err_frac,
            eta_threshold: p.eta_threshold,
            v_threshold: p.v_threshold,
            min_epochs: p.min_epochs,
            forced_min_detections: p.forced_min_detections,
        }
    }
}

impl Default for HealthConfig {
    fn default() -> Self {
        HealthConfig {
            newest_image_warn_min: 15.0,
            newest_image_crit_min: 60.0,
            disk_free_warn_pct: 15.0,
            disk_free_crit_pct: 5.0,
            disk_free_warn_gb: 50.0,
            disk_free_crit_gb: 10.0,
            backlog_warn: 50.0,
            backlog_crit: 500.0,
            backlog_age_warn_min: 10.0,
            backlog_age_crit_min: 60.0,
            failure_rate_warn_pct: 10.0,
            failure_rate_crit_pct: 50.0,
            incomplete_age_min: 10.0,
            incomplete_warn: 0.0,
            incomplete_crit: 20.0,
            noise_warn_mjy: 1.0,
            noise_crit_mjy: 5.0,
            dynamic_range_warn: 100.0,
            dynamic_range_crit: 20.0,
            days_to_full_warn: 30.0,
            days_to_full_crit: 7.0,
            stuck_runs_warn: 0.0,
        }
    }
}

impl Default for RunsConfig {
    fn default() -> Self {
        RunsConfig {
            expected: vec!["image".into()],
            timeout_min: 30.0,
        }
    }
}

/// A configuration problem, naming the key, the value and what is allowed.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// TOML syntax, an unknown key or a value of the wrong type.
    #[error("config {path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's message (names the key and what was expected).
        message: String,
    },
    /// A value out of its allowed range.
    #[error("config {path}: {key} = {value}: {allowed}")]
    Value {
        /// The file.
        path: PathBuf,
        /// The key, e.g. `finder.seed_sigma`.
        key: String,
        /// The value given.
        value: String,
        /// What is allowed.
        allowed: String,
    },
}

impl Config {
    /// The default location of the file.
    pub fn default_path() -> PathBuf {
        let base = std::env::var_os("XDG_CONFIG_HOME")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
            .unwrap_or_else(|| PathBuf::from("."));
        base.join("obsmon").join("obsmon.toml")
    }

    /// Loads `path` (an explicit `--config`: must exist) or the default file (optional).
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let (p, required) = match path {
            Some(p) => (p.to_path_buf(), true),
            None => (Self::default_path(), false),
        };
        match std::fs::read_to_string(&p) {
            Ok(text) => Self::parse(&text, &p),
            Err(e) if !required && e.kind() == std::io::ErrorKind::NotFound => {
                Ok(Config::default())
            }
            Err(source) => Err(ConfigError::Read { path: p, source }),
        }
    }

    /// Parses and validates a file's text.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let c: Config = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: e.to_string().trim().replace('\n', " "),
        })?;
        c.validate(path)?;
        Ok(c)
    }

    fn validate(&self, path: &Path) -> Result<(), ConfigError> {
        let bad = |key: &str, value: f64, allowed: &str| ConfigError::Value {
            path: path.to_path_buf(),
            key: key.into(),
            value: value.to_string(),
            allowed: allowed.into(),
        };
        let f = &self.finder;
        if !(f.grow_sigma > 0.0) {
            return Err(bad("finder.grow_sigma", f.grow_sigma, "a positive number"));
        }
        if !(f.seed_sigma >= f.grow_sigma) {
            return Err(bad(
                "finder.seed_sigma",
                f.seed_sigma,
                "a number at least finder.grow_sigma",
            ));
        }
        if !(f.bkg_cell_beams >= 2.0) {
            return Err(bad("finder.bkg_cell_beams", f.bkg_cell_beams, "at least 2"));
        }
        let a = &self.association;
        for (k, v) in [
            ("association.de_ruiter_max", a.de_ruiter_max),
            ("association.eta_threshold", a.eta_threshold),
            ("association.v_threshold", a.v_threshold),
        ] {
            if !(v > 0.0 && v.is_finite()) {
                return Err(bad(k, v, "a positive number"));
            }
        }
        for (k, v) in [
            (
                "association.position_sys_err_arcsec",
                a.position_sys_err_arcsec,
            ),
            ("association.flux_sys_err_frac", a.flux_sys_err_frac),
        ] {
            if !(v >= 0.0 && v.is_finite()) {
                return Err(bad(k, v, "zero or a positive number"));
            }
        }
        for (k, v) in [
            ("watch.rescan_secs", self.watch.rescan_secs),
            ("watch.settle_secs", self.watch.settle_secs),
            ("runs.timeout_min", self.runs.timeout_min),
        ] {
            if !(v > 0.0 && v.is_finite()) {
                return Err(bad(k, v, "a positive number of seconds/minutes"));
            }
        }
        for t in &self.runs.expected {
            if !crate::fits::naming::TYPES.contains(&t.as_str()) {
                return Err(ConfigError::Value {
                    path: path.to_path_buf(),
                    key: "runs.expected".into(),
                    value: format!("{t:?}"),
                    allowed: format!("product types: {}", crate::fits::naming::TYPES.join(", ")),
                });
            }
        }
        let h = &self.health;
        let pairs = [
            (
                "health.newest_image",
                h.newest_image_warn_min,
                h.newest_image_crit_min,
                true,
            ),
            ("health.backlog", h.backlog_warn, h.backlog_crit, true),
            (
                "health.failure_rate",
                h.failure_rate_warn_pct,
                h.failure_rate_crit_pct,
                true,
            ),
            ("health.noise", h.noise_warn_mjy, h.noise_crit_mjy, true),
            (
                "health.disk_free_pct",
                h.disk_free_warn_pct,
                h.disk_free_crit_pct,
                false,
            ),
            (
                "health.dynamic_range",
                h.dynamic_range_warn,
                h.dynamic_range_crit,
                false,
            ),
        ];
        for (k, warn, crit, higher_is_worse) in pairs {
            let ok = if higher_is_worse {
                crit >= warn
            } else {
                crit <= warn
            };
            if !ok || !warn.is_finite() || !crit.is_finite() {
                return Err(ConfigError::Value {
                    path: path.to_path_buf(),
                    key: format!("{k} (warn/crit)"),
                    value: format!("{warn}/{crit}"),
                    allowed: if higher_is_worse {
                        "the critical threshold at or above the warning one".into()
                    } else {
                        "the critical threshold at or below the warning one".into()
                    },
                });
            }
        }
        Ok(())
    }

    /// The finder and association parameters.
    pub fn source_params(&self) -> SourceParams {
        let d = SourceParams::default();
        SourceParams {
            finder: FinderParams {
                seed_sigma: self.finder.seed_sigma,
                grow_sigma: self.finder.grow_sigma,
                max_components: self.finder.max_components,
                ..d.finder
            },
            bkg_cell_beams: self.finder.bkg_cell_beams,
            de_ruiter_max: self.association.de_ruiter_max,
            position_sys_err_arcsec: self.association.position_sys_err_arcsec,
            flux_sys_err_frac: self.association.flux_sys_err_frac,
            eta_threshold: self.association.eta_threshold,
            v_threshold: self.association.v_threshold,
            min_epochs: self.association.min_epochs,
            forced_min_detections: self.association.forced_min_detections,
        }
    }

    /// The database path: flag or environment (already merged by clap) > file > default.
    pub fn db_path(&self, flag_or_env: Option<PathBuf>) -> PathBuf {
        flag_or_env
            .or_else(|| self.db.clone())
            .unwrap_or_else(default_db_path)
    }
}

/// Does a file name match a pattern with `*` and `?` wildcards?
pub fn glob_match(pattern: &str, name: &str) -> bool {
    fn go(p: &[u8], n: &[u8]) -> bool {
        match (p.first(), n.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], n) || (!n.is_empty() && go(p, &n[1..])),
            (Some(b'?'), Some(_)) => go(&p[1..], &n[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &n[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), name.as_bytes())
}

/// The default database: `$XDG_DATA_HOME/obsmon/index.redb`, else
/// `~/.local/share/obsmon/index.redb`, else `./obsmon-index.redb`.
pub fn default_db_path() -> PathBuf {
    if let Some(d) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(d).join("obsmon").join("index.redb");
    }
    if let Some(h) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        return PathBuf::from(h)
            .join(".local")
            .join("share")
            .join("obsmon")
            .join("index.redb");
    }
    PathBuf::from("obsmon-index.redb")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_commented_default_is_the_default() {
        let c = Config::parse(DEFAULT_TOML, Path::new("obsmon.toml")).unwrap();
        assert_eq!(c, Config::default());
    }

    #[test]
    fn errors_name_key_value_and_what_is_allowed() {
        let p = Path::new("x.toml");
        let e = Config::parse("[finder]\nseed_sigmaa = 5\n", p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("seed_sigmaa") && e.contains("seed_sigma"), "{e}");
        let e = Config::parse("[finder]\nseed_sigma = 2.0\n", p)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("finder.seed_sigma = 2") && e.contains("at least"),
            "{e}"
        );
        let e = Config::parse("[finder]\nseed_sigma = \"high\"\n", p)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("seed_sigma") && e.contains("expected f64"),
            "{e}"
        );
        let e = Config::parse("[runs]\nexpected = [\"imag\"]\n", p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("\"imag\"") && e.contains("pbcor"), "{e}");
        let e = Config::parse("[health]\nbacklog_warn = 600\n", p)
            .unwrap_err()
            .to_string();
        assert!(e.contains("health.backlog"), "{e}");
    }

    #[test]
    fn globs() {
        assert!(glob_match("*.bak", "x.fits.bak"));
        assert!(glob_match("scratch_??.fits", "scratch_01.fits"));
        assert!(!glob_match("scratch_??.fits", "scratch_1.fits"));
    }
}
