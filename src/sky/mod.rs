//! From pixels to sky sources: measurement and forced photometry ([`measure`]), variability
//! ([`variability`]) and IAU names ([`naming`]). Association runs inside the image's write
//! transaction, in `store::sources`.

pub mod measure;
pub mod naming;
pub mod variability;

use crate::analysis::finder::FinderParams;

/// Every parameter of source finding and association (configurable; these are the defaults).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SourceParams {
    /// Finder thresholds and caps.
    pub finder: FinderParams,
    /// Background grid cell, in beams (major axis FWHM) per side.
    pub bkg_cell_beams: f64,
    /// Largest de Ruiter radius for an association.
    pub de_ruiter_max: f64,
    /// Systematic position error added in quadrature to every detection, arcsec.
    pub position_sys_err_arcsec: f64,
    /// Systematic fractional flux error added in quadrature for variability (flux-scale
    /// calibration uncertainty).
    pub flux_sys_err_frac: f64,
    /// eta above this flags a variable.
    pub eta_threshold: f64,
    /// V above this flags a variable.
    pub v_threshold: f64,
    /// Fewest measurements before a source can be variable.
    pub min_epochs: u32,
    /// Sources detected at least this often get forced measurements where they are missed.
    pub forced_min_detections: u32,
}

impl Default for SourceParams {
    fn default() -> Self {
        SourceParams {
            finder: FinderParams::default(),
            bkg_cell_beams: 12.0,
            de_ruiter_max: 5.68,
            position_sys_err_arcsec: 1.0,
            flux_sys_err_frac: 0.03,
            eta_threshold: 2.0,
            v_threshold: 0.1,
            min_epochs: 3,
            forced_min_detections: 2,
        }
    }
}

/// HEALPix depth of the sky-source index (cells of ~52 arcsec).
pub const HEALPIX_DEPTH: u8 = 12;

/// The HEALPix cell of a position (degrees).
pub fn cell_of(ra_deg: f64, dec_deg: f64) -> u64 {
    cdshealpix::nested::hash(HEALPIX_DEPTH, ra_deg.to_radians(), dec_deg.to_radians())
}

/// Cell ranges (at [`HEALPIX_DEPTH`]) covering a cone.
pub fn cone_ranges(ra_deg: f64, dec_deg: f64, radius_deg: f64) -> Vec<std::ops::Range<u64>> {
    let r = radius_deg.to_radians().clamp(1e-9, std::f64::consts::PI);
    cdshealpix::nested::cone_coverage_approx(
        HEALPIX_DEPTH,
        ra_deg.to_radians(),
        dec_deg.to_radians(),
        r,
    )
    .to_ranges()
    .into_vec()
}
