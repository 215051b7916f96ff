//! Discovery: a recursive walk of the watched directories that lists candidate FITS files with
//! their size and mtime (stat only; content is sniffed later, and only for new or changed files).

use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// A file found by the walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The path as reached from the root (symlinks not resolved, so names stay the pipeline's).
    pub path: PathBuf,
    /// Bytes.
    pub size: u64,
    /// Modification time, ns since the epoch.
    pub mtime_ns: i64,
}

/// What the walk found.
#[derive(Debug, Default)]
pub struct Walk {
    /// Regular files not ignored by name.
    pub files: Vec<Found>,
    /// CASA image directories (`*.image/` and the like): not FITS, counted as skipped.
    pub casa_dirs: Vec<PathBuf>,
    /// Directories that could not be read, with the reason.
    pub unreadable: Vec<(PathBuf, String)>,
}

static EXTRA_IGNORES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();

/// Adds the configured ignore patterns (`[watch] ignore`); set once at start-up.
pub fn set_extra_ignores(patterns: Vec<String>) {
    let _ = EXTRA_IGNORES.set(patterns);
}

/// Is this name ignored (hidden, temporary, editor backups, or a configured pattern)?
pub fn ignored_name(name: &str) -> bool {
    EXTRA_IGNORES
        .get()
        .is_some_and(|p| p.iter().any(|p| crate::config::glob_match(p, name)))
        || name.starts_with('.')
        || name.ends_with(".tmp")
        || name.ends_with(".part")
        || name.ends_with('~')
        || name.ends_with(".swp")
}

/// Does the name carry a FITS extension? Files with one are reported when they are not FITS;
/// files without one are looked at by content and silently passed over when not FITS.
pub fn has_fits_extension(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        ".fits", ".fit", ".fts", ".fits.gz", ".fits.fz", ".fit.gz", ".fz",
    ]
    .iter()
    .any(|e| n.ends_with(e))
}

/// CASA writes images as directories (`x.image`, `x.image.pbcor`, `x.residual`, ...), recognised
/// by the `table.dat` inside.
fn is_casa_image_dir(path: &Path) -> bool {
    path.join("table.dat").is_file()
}

/// Walks each root recursively. Symlinks are followed; a directory reached twice (a link loop, or
/// two links to one place) is walked once.
pub fn walk(roots: &[PathBuf]) -> Walk {
    let mut out = Walk::default();
    let mut seen_dirs = HashSet::new();
    let mut stack: Vec<PathBuf> = roots.to_vec();
    while let Some(dir) = stack.pop() {
        let meta = match fs::metadata(&dir) {
            Ok(m) => m,
            Err(e) => {
                out.unreadable.push((dir, e.to_string()));
                continue;
            }
        };
        if meta.is_file() {
            // A root may be a single file.
            out.files.push(found(dir, &meta));
            continue;
        }
        if !seen_dirs.insert(dir_key(&dir, &meta)) {
            continue;
        }
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                out.unreadable.push((dir, e.to_string()));
                continue;
            }
        };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if ignored_name(name) {
                continue;
            }
            let path = entry.path();
            // fs::metadata follows symlinks; a dangling link is skipped.
            let Ok(meta) = fs::metadata(&path) else {
                continue;
            };
            if meta.is_dir() {
                if is_casa_image_dir(&path) {
                    out.casa_dirs.push(path);
                } else {
                    stack.push(path);
                }
            } else if meta.is_file() {
                out.files.push(found(path, &meta));
            }
        }
    }
    out
}

fn found(path: PathBuf, meta: &fs::Metadata) -> Found {
    Found {
        path,
        size: meta.len(),
        mtime_ns: mtime_ns(meta),
    }
}

/// mtime in ns since the epoch (0 when the platform has none).
pub fn mtime_ns(meta: &fs::Metadata) -> i64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map(|d| d.as_nanos().min(i64::MAX as u128) as i64)
        .unwrap_or(0)
}

#[cfg(unix)]
fn dir_key(_: &Path, meta: &fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn dir_key(path: &Path, _: &fs::Metadata) -> (u64, u64) {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .hash(&mut h);
    (0, h.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(ignored_name(".hidden.fits"));
        assert!(ignored_name("x.fits.tmp"));
        assert!(ignored_name("x.fits.part"));
        assert!(ignored_name("x.fits~"));
        assert!(!ignored_name("2025-10-28T13:30:07.img-image.fits"));
        assert!(has_fits_extension("a.FITS"));
        assert!(has_fits_extension("a.fits.fz"));
        assert!(!has_fits_extension("a.txt"));
    }

    #[cfg(unix)]
    #[test]
    fn follows_links_without_looping() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        fs::create_dir(&sub).unwrap();
        fs::write(sub.join("a.fits"), b"x").unwrap();
        std::os::unix::fs::symlink(dir.path(), sub.join("loop")).unwrap();
        fs::create_dir(dir.path().join("x.image")).unwrap();
        fs::write(dir.path().join("x.image").join("table.dat"), b"").unwrap();
        let w = walk(&[dir.path().to_path_buf()]);
        assert_eq!(w.files.len(), 1);
        assert_eq!(w.casa_dirs.len(), 1);
    }
}
