//! The demo: a synthetic DSA-110-like sky streamed into a temporary directory, as a pipeline
//! would write it: an image every few seconds (each the next 5-minute epoch), some sources
//! varying, and now and then a file written in two halves seconds apart (the indexer must see
//! it incomplete, then done) or a corrupt file (it must fail with its reason).

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::Utc;

use crate::ingest::watch::sleep_or_stop;
use crate::synth::{Sky, SkyConfig};

/// What the demo writes.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// The directory to write into (the dashboard watches it).
    pub dir: PathBuf,
    /// Image side, pixels.
    pub size: usize,
    /// Seconds between images once the first ones are written.
    pub cadence: Duration,
    /// Images written at once at the start (so tables and sparklines have something).
    pub backfill: u64,
}

/// Every this many epochs, a file is written in two halves.
const HALF_WRITTEN_EVERY: u64 = 7;
/// Every this many epochs, a corrupt file appears beside the image.
const CORRUPT_EVERY: u64 = 11;

/// Writes epochs until `stop` is set.
pub fn stream(o: &DemoOptions, stop: &AtomicBool) {
    let cadence_s = 300;
    let sources = (o.size * o.size / 14_000).clamp(20, 600);
    let sky = Sky::new(SkyConfig {
        size: o.size,
        n_sources: sources,
        variable_fraction: 0.08,
        start: Utc::now() - chrono::Duration::seconds(cadence_s * o.backfill as i64),
        cadence_s,
        ..Default::default()
    });
    let mut epoch = 0u64;
    while !stop.load(Ordering::Relaxed) {
        if epoch >= o.backfill && sleep_or_stop(o.cadence, stop) {
            return;
        }
        let result = if epoch >= o.backfill && epoch.is_multiple_of(HALF_WRITTEN_EVERY) {
            write_in_halves(&sky, o, epoch, stop)
        } else {
            sky.write_epoch(&o.dir, epoch).map(|_| ())
        };
        if let Err(e) = result {
            tracing::warn!("demo: cannot write epoch {epoch}: {e}");
        }
        if epoch >= o.backfill && epoch.is_multiple_of(CORRUPT_EVERY) {
            let name = sky
                .file_name(epoch)
                .replace("-image.fits", "-residual.fits");
            let _ = std::fs::write(o.dir.join(name), corrupt_fits());
        }
        epoch += 1;
    }
}

/// A complete FITS file whose header is nonsense (BITPIX 17): it must fail, with the reason.
fn corrupt_fits() -> Vec<u8> {
    let mut h = String::new();
    for card in [
        "SIMPLE  =                    T",
        "BITPIX  =                   17 / not a FITS pixel type",
        "NAXIS   =                    2",
        "NAXIS1  =                   16",
        "NAXIS2  =                   16",
        "END",
    ] {
        h.push_str(&format!("{card:<80}"));
    }
    let mut bytes = h.into_bytes();
    bytes.resize(2880 * 2, b' ');
    bytes
}

/// Writes an image's first half, waits, then the rest: what a slow network write looks like.
fn write_in_halves(
    sky: &Sky,
    o: &DemoOptions,
    epoch: u64,
    stop: &AtomicBool,
) -> std::io::Result<()> {
    let (data, _) = sky.render(epoch);
    let n = o.size as u64;
    let mut bytes = Vec::new();
    sky.header(epoch)
        .write_f32(&mut bytes, &[n, n, 1, 1], &data)?;
    let path = o.dir.join(sky.file_name(epoch));
    let mut f = std::fs::File::create(&path)?;
    let half = bytes.len() / 2;
    f.write_all(&bytes[..half])?;
    f.flush()?;
    sleep_or_stop(Duration::from_secs(3), stop);
    f.write_all(&bytes[half..])?;
    f.flush()
}
