//! Pixels through cfitsio: the first 2-D plane of the chosen image HDU as f32, with BSCALE/BZERO
//! applied and BLANK (and NaN) pixels as NaN. Only files that passed [`super::scan`] get here, so
//! the sizes cfitsio will trust have been checked against the file.

use std::path::Path;

use fitsio::FitsFile;

use super::meta::ImagePlane;
use super::FitsError;

/// A 2-D plane of pixels, row-major (x fastest), `nx * ny` values.
#[derive(Debug, Clone)]
pub struct Plane {
    /// Width (NAXIS1).
    pub nx: usize,
    /// Height (NAXIS2).
    pub ny: usize,
    /// Pixel values; NaN where the file has none.
    pub data: Vec<f32>,
}

impl Plane {
    /// The value at 0-based (x, y).
    #[inline]
    pub fn at(&self, x: usize, y: usize) -> f32 {
        self.data[y * self.nx + x]
    }
}

/// Reads the first plane of `plane.hdu` from `path`. `FitsFile` is not `Send`: each worker opens
/// its own, and it is closed before this returns.
pub fn read_plane(path: &Path, plane: &ImagePlane) -> Result<Plane, FitsError> {
    let nx = usize::try_from(plane.shape[0]).map_err(|_| too_big(plane))?;
    let ny = usize::try_from(plane.shape[1]).map_err(|_| too_big(plane))?;
    let n = nx.checked_mul(ny).ok_or_else(|| too_big(plane))?;
    let mut fits = FitsFile::open(path).map_err(|e| FitsError::Cfitsio(e.to_string()))?;
    let mut data = vec![0f32; n];
    let mut status = 0;
    let mut hdutype = 0;
    let mut anynul = 0;
    // SAFETY: the pointer comes from an open FitsFile that outlives both calls, `data` holds
    // exactly `n` floats, and cfitsio writes at most `nelem = n` values into it.
    unsafe {
        let raw = fits.as_raw();
        fitsio::sys::ffmahd(raw, plane.hdu as i32 + 1, &mut hdutype, &mut status);
        if status == 0 {
            // A non-zero null value turns on BLANK checking; NaN marks missing pixels.
            fitsio::sys::ffgpve(
                raw,
                1,
                1,
                n as i64,
                f32::NAN,
                data.as_mut_ptr(),
                &mut anynul,
                &mut status,
            );
        }
    }
    fitsio::errors::check_status(status).map_err(|e| FitsError::Cfitsio(e.to_string()))?;
    Ok(Plane { nx, ny, data })
}

fn too_big(plane: &ImagePlane) -> FitsError {
    FitsError::BadHeader(format!("image of {:?} pixels is too large", plane.shape))
}
