//! What a file name says: the product type (WSClean, CASA, BANE conventions) and the pipeline
//! run it belongs to (the ISO timestamp that starts DSA-110 names).

use chrono::NaiveDateTime;

/// Product types, as stored in the `type` field.
pub const TYPES: &[&str] = &[
    "image", "pbcor", "residual", "psf", "model", "dirty", "pb", "mosaic", "beam", "rms", "bkg",
    "unknown",
];

/// The product type of a file from its name.
///
/// Order matters: `-image-pb.fits` is a primary-beam corrected image, not a `pb`; `-beam-0.fits`
/// is a beam model, while `-pb.fits` is a primary beam.
pub fn product_type(file_name: &str) -> &'static str {
    let n = file_name.to_ascii_lowercase();
    let stem = strip_fits_ext(&n);
    let ends = |s: &str| stem.ends_with(s);
    let has = |s: &str| stem.contains(s);
    if ends("-image-pb") || has("pbcor") || ends(".image.pb") {
        "pbcor"
    } else if ends("_rms") || ends("-rms") || ends(".rms") {
        "rms"
    } else if ends("_bkg") || ends("-bkg") || ends(".bkg") {
        "bkg"
    } else if ends("residual") {
        "residual"
    } else if ends("psf") {
        "psf"
    } else if ends("model") || ends("model-pb") {
        "model"
    } else if ends("dirty") {
        "dirty"
    } else if ends("-pb") || ends(".pb") || ends("_pb") || ends(".flux") {
        "pb"
    } else if has("-beam-") || ends("-beam") || ends("_beam") {
        "beam"
    } else if stem.starts_with("mosaic") || has("_mosaic") || has("-mosaic") {
        "mosaic"
    } else if ends("image") || ends(".img") || ends("-img") || has(".img-") || ends("_img") {
        "image"
    } else {
        "unknown"
    }
}

/// Is this a science product (pixel statistics and the source finder apply)?
pub fn is_science(kind: &str) -> bool {
    matches!(kind, "image" | "pbcor" | "mosaic" | "unknown")
}

/// Should pixel statistics be computed (science products and their residual/dirty siblings)?
pub fn wants_stats(kind: &str) -> bool {
    is_science(kind) || matches!(kind, "residual" | "dirty")
}

/// The file name without `.fits`, `.fit`, `.fts`, and a compression suffix.
pub fn strip_fits_ext(name: &str) -> &str {
    let mut s = name;
    for ext in [".gz", ".fz"] {
        if s.len() > ext.len() && s[s.len() - ext.len()..].eq_ignore_ascii_case(ext) {
            s = &s[..s.len() - ext.len()];
        }
    }
    for ext in [".fits", ".fit", ".fts"] {
        if s.len() > ext.len() && s[s.len() - ext.len()..].eq_ignore_ascii_case(ext) {
            return &s[..s.len() - ext.len()];
        }
    }
    s
}

/// The ISO timestamp that starts a DSA-110 name (`2025-10-28T13:30:07.img-image.fits`), which is
/// also the run's `group_id`.
pub fn name_timestamp(file_name: &str) -> Option<(String, NaiveDateTime)> {
    let head = file_name.get(..19)?;
    let t = NaiveDateTime::parse_from_str(head, "%Y-%m-%dT%H:%M:%S").ok()?;
    Some((head.to_string(), t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_products() {
        let cases = [
            ("2025-10-28T13:30:07.img-image.fits", "image"),
            ("2025-10-28T13:30:07.img-image-pb.fits", "pbcor"),
            ("2025-10-28T13:30:07.img-residual.fits", "residual"),
            ("2025-10-28T13:30:07.img-psf.fits", "psf"),
            ("2025-10-28T13:30:07.img-model.fits", "model"),
            ("2025-10-28T13:30:07.img-dirty.fits", "dirty"),
            ("obs-MFS-image.fits", "image"),
            ("obs-t0003-image.fits", "image"),
            ("obs-MFS-image-pb.fits", "pbcor"),
            ("obs-pb.fits", "pb"),
            ("obs.image.pbcor.fits", "pbcor"),
            ("obs.image.fits", "image"),
            ("obs.residual.fits", "residual"),
            ("obs.psf.fits", "psf"),
            ("obs.pb.fits", "pb"),
            ("mosaic_2025-10-28.fits", "mosaic"),
            ("field_rms.fits", "rms"),
            ("field_bkg.fits", "bkg"),
            ("obs-beam-0.fits", "beam"),
            ("random.fits", "unknown"),
            ("obs-MFS-image.fits.fz", "image"),
            ("obs-MFS-IMAGE.FITS.gz", "image"),
        ];
        for (name, want) in cases {
            assert_eq!(product_type(name), want, "{name}");
        }
    }

    #[test]
    fn group_from_name() {
        let (g, t) = name_timestamp("2025-10-28T13:30:07.img-image.fits").unwrap();
        assert_eq!(g, "2025-10-28T13:30:07");
        assert_eq!(t.and_utc().timestamp(), 1_761_658_207);
        assert!(name_timestamp("image.fits").is_none());
        assert!(name_timestamp("2025-13-28T13:30:07.fits").is_none());
    }
}
