//! Settings and where things live. (Precedence: defaults < config file < environment < flags.)

use std::path::PathBuf;

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
