//! Reading FITS files: structure and header in Rust ([`header`]), metadata ([`meta`]), world
//! coordinates ([`wcs`]), pixels through cfitsio ([`read`]), and a writer for synthetic files
//! ([`write`]).

pub mod header;
pub mod meta;
pub mod naming;
pub mod read;
pub mod wcs;
pub mod write;

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

pub use header::{Hdu, HduKind, Header, Layout};

/// Why a file could not be indexed. The `Display` text is the `reason` stored with the job.
#[derive(Debug, thiserror::Error)]
pub enum FitsError {
    /// Zero bytes.
    #[error("empty file (0 bytes)")]
    Empty,
    /// Content does not start with `SIMPLE  =`.
    #[error("not a FITS file (does not start with a SIMPLE card)")]
    NotFits,
    /// Shorter than its headers declare: still being written, or truncated.
    #[error("incomplete: {0}")]
    Incomplete(String),
    /// A header that cannot describe a valid file.
    #[error("bad header: {0}")]
    BadHeader(String),
    /// A valid FITS file without a 2-D image in it (tables, header only, 1-D data).
    #[error("no image: {0}")]
    NoImage(String),
    /// The operating system refused or failed a read.
    #[error("cannot read: {0}")]
    Io(#[from] io::Error),
    /// cfitsio reported an error while reading pixels.
    #[error("cfitsio: {0}")]
    Cfitsio(String),
}

impl FitsError {
    /// True when retrying later may succeed (the writer is not done yet).
    pub fn is_incomplete(&self) -> bool {
        matches!(self, FitsError::Incomplete(_) | FitsError::Empty)
    }
    /// True when the file is valid FITS but holds nothing to index.
    pub fn is_skip(&self) -> bool {
        matches!(self, FitsError::NoImage(_))
    }
}

/// How the file's bytes are stored on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// Plain FITS (possibly with tile-compressed HDUs inside).
    Plain,
    /// The whole file gzip-compressed (`.fits.gz`).
    Gzip,
}

/// A file whose structure has been checked: every HDU is complete.
#[derive(Debug, Clone)]
pub struct Scanned {
    /// Every HDU with its header.
    pub layout: Layout,
    /// Plain or gzip.
    pub container: Container,
}

/// Does the file start like FITS (or like gzip)? Reads 9 bytes. Used by discovery.
pub fn sniff(path: &Path) -> io::Result<Sniff> {
    let mut f = File::open(path)?;
    let mut buf = [0u8; 9];
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(if n == 0 {
        Sniff::Empty
    } else if header::is_fits_start(&buf[..n]) {
        Sniff::Fits
    } else if n >= 2 && buf[0] == 0x1f && buf[1] == 0x8b {
        sniff_gzip(path)?
    } else if b"SIMPLE  =".starts_with(&buf[..n]) {
        Sniff::Empty
    } else {
        Sniff::Other
    })
}

/// Looks inside a gzip file: FITS only when the decompressed content starts with SIMPLE.
fn sniff_gzip(path: &Path) -> io::Result<Sniff> {
    let mut gz = flate2::read::MultiGzDecoder::new(File::open(path)?);
    let mut buf = [0u8; 9];
    let mut n = 0;
    while n < buf.len() {
        match gz.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            // A gzip stream still being written: decide when it is complete.
            Err(_) => return Ok(Sniff::Gzip),
        }
    }
    Ok(if header::is_fits_start(&buf[..n]) {
        Sniff::Fits
    } else if n < buf.len() {
        Sniff::Gzip
    } else {
        Sniff::Other
    })
}

/// What the first bytes of a file say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniff {
    /// Starts with `SIMPLE  =`.
    Fits,
    /// Gzip whose content cannot be told yet (too short so far).
    Gzip,
    /// Nothing (or only the beginning of a SIMPLE card) written yet.
    Empty,
    /// Anything else.
    Other,
}

/// Checks the whole structure of a file (both plain and gzip) without reading pixel data.
pub fn scan(path: &Path) -> Result<Scanned, FitsError> {
    let file = File::open(path)?;
    let len = file.metadata()?.len();
    if len == 0 {
        return Err(FitsError::Empty);
    }
    let mut reader = BufReader::with_capacity(64 * 1024, file);
    let mut magic = [0u8; 2];
    let n = reader.read(&mut magic)?;
    reader.seek(SeekFrom::Start(0))?;
    if n == 2 && magic == [0x1f, 0x8b] {
        let mut gz = flate2::read::MultiGzDecoder::new(reader);
        let layout = header::read_layout(&mut gz, None, &mut |r, n| {
            io::copy(&mut r.by_ref().take(n), &mut io::sink())
        })
        .map_err(|e| match e {
            FitsError::Io(io) if io.kind() == io::ErrorKind::UnexpectedEof => {
                FitsError::Incomplete("gzip stream ends early".into())
            }
            other => other,
        })?;
        // Read to the end so a truncated stream (missing trailer) is caught now, not by cfitsio.
        io::copy(&mut gz, &mut io::sink()).map_err(|e| {
            if e.kind() == io::ErrorKind::UnexpectedEof {
                FitsError::Incomplete("gzip stream ends early".into())
            } else {
                FitsError::Io(e)
            }
        })?;
        return Ok(Scanned {
            layout,
            container: Container::Gzip,
        });
    }
    let layout = header::read_layout(&mut reader, Some(len), &mut |r, n| {
        let here = r.stream_position()?;
        let to = (here + n).min(len);
        r.seek(SeekFrom::Start(to))?;
        Ok(to - here)
    })?;
    Ok(Scanned {
        layout,
        container: Container::Plain,
    })
}
