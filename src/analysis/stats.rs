//! Image statistics: one robust noise estimator, used everywhere obsmon reports a noise.
//!
//! **The estimator.** sigma = 1.4826 x MAD (median absolute deviation from the median) of the
//! finite pixels, after iterative 3-sigma clipping:
//! 1. start from the exact median and MAD of a regular subsample of at most 65,536 finite pixels,
//!    and keep the pixels within median +- 5 sigma of that start;
//! 2. compute median and MAD of the kept pixels, keep those within the new median +- 3 sigma;
//! 3. repeat step 2 until the kept count changes by less than 1 in 10,000, at most 10 times.
//!
//! Medians over the full plane are taken from a 65,536-bin histogram of the kept range, so each
//! iteration is one pass over the pixels and no copy of the plane is made (peak memory stays at
//! the plane itself). The histogram resolution is (6 sigma / 65,536), far below the statistical
//! error of the estimate. Sources and artefacts are outliers that the clipping removes, so on a
//! radio image this is the noise of the source-free sky.

/// Statistics of one plane.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PlaneStats {
    /// Robust noise (see the module doc); `None` when no finite pixel.
    pub noise: Option<f64>,
    /// Median of the clipped pixels.
    pub median: Option<f64>,
    /// Largest finite pixel.
    pub peak: Option<f64>,
    /// Smallest finite pixel.
    pub min: Option<f64>,
    /// Fraction of NaN (and BLANK, and infinite) pixels.
    pub nan_fraction: f64,
    /// Finite pixels.
    pub n_finite: u64,
}

impl PlaneStats {
    /// peak / noise, when both exist and noise > 0.
    pub fn dynamic_range(&self) -> Option<f64> {
        match (self.peak, self.noise) {
            (Some(p), Some(n)) if n > 0.0 => Some(p / n),
            _ => None,
        }
    }
}

const BINS: usize = 65_536;
const SUBSAMPLE: usize = 65_536;
const MAD_TO_SIGMA: f64 = 1.4826;

/// Computes the statistics of a plane (see the module doc for the noise estimator).
pub fn plane_stats(data: &[f32]) -> PlaneStats {
    let mut n_finite = 0u64;
    let mut lo = f32::INFINITY;
    let mut hi = f32::NEG_INFINITY;
    for &v in data {
        if v.is_finite() {
            n_finite += 1;
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    let nan_fraction = if data.is_empty() {
        1.0
    } else {
        1.0 - n_finite as f64 / data.len() as f64
    };
    if n_finite == 0 {
        return PlaneStats {
            nan_fraction,
            ..Default::default()
        };
    }
    let (median, sigma) = clipped_median_sigma(data, n_finite);
    PlaneStats {
        noise: Some(sigma),
        median: Some(median),
        peak: Some(hi as f64),
        min: Some(lo as f64),
        nan_fraction,
        n_finite,
    }
}

/// Median and 1.4826 x MAD after iterative 3-sigma clipping.
pub fn clipped_median_sigma(data: &[f32], n_finite: u64) -> (f64, f64) {
    let stride = (n_finite as usize / SUBSAMPLE).max(1);
    let mut sample: Vec<f64> = data
        .iter()
        .step_by(stride)
        .filter(|v| v.is_finite())
        .map(|&v| v as f64)
        .collect();
    if sample.is_empty() {
        sample = data
            .iter()
            .filter(|v| v.is_finite())
            .map(|&v| v as f64)
            .collect();
    }
    let (mut med, mad) = exact_median_mad(&mut sample);
    let mut sigma = MAD_TO_SIGMA * mad;
    if sigma <= 0.0 || !sigma.is_finite() {
        return (med, sigma.max(0.0));
    }
    let mut nsig = 5.0;
    let mut last_count = u64::MAX;
    let mut bins = vec![0u32; BINS];
    for _ in 0..10 {
        let lo = med - nsig * sigma;
        let hi = med + nsig * sigma;
        nsig = 3.0;
        let Some((m, s, count)) = histogram_median_mad(data, lo, hi, &mut bins) else {
            break;
        };
        med = m;
        if s <= 0.0 {
            break;
        }
        sigma = MAD_TO_SIGMA * s;
        let converged = last_count != u64::MAX && last_count.abs_diff(count) * 10_000 <= count;
        last_count = count;
        if converged {
            break;
        }
    }
    (med, sigma)
}

/// Exact median and MAD of a sample (reorders it).
fn exact_median_mad(v: &mut [f64]) -> (f64, f64) {
    let med = median_in_place(v);
    for x in v.iter_mut() {
        *x = (*x - med).abs();
    }
    let mad = median_in_place(v);
    (med, mad)
}

fn median_in_place(v: &mut [f64]) -> f64 {
    let n = v.len();
    let mid = n / 2;
    let (_, m, _) = v.select_nth_unstable_by(mid, |a, b| a.total_cmp(b));
    let upper = *m;
    if n % 2 == 1 {
        upper
    } else {
        let lower = v[..mid].iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (lower + upper) / 2.0
    }
}

/// Median and MAD of the pixels in [lo, hi] from a histogram; returns (median, mad, count).
fn histogram_median_mad(
    data: &[f32],
    lo: f64,
    hi: f64,
    bins: &mut [u32],
) -> Option<(f64, f64, u64)> {
    bins.fill(0);
    let width = (hi - lo) / bins.len() as f64;
    if width <= 0.0 || !width.is_finite() {
        return None;
    }
    let scale = (1.0 / width) as f32;
    let (lo32, hi32) = (lo as f32, hi as f32);
    let last = bins.len() - 1;
    let mut count = 0u64;
    for &v in data {
        // NaN fails both comparisons and is skipped.
        if v >= lo32 && v <= hi32 {
            let k = (((v - lo32) * scale) as usize).min(last);
            bins[k] += 1;
            count += 1;
        }
    }
    if count == 0 {
        return None;
    }
    // Median: the bin where the cumulative count passes half, interpolated within it.
    let half = count as f64 / 2.0;
    let mut cum = 0u64;
    let mut kmed = 0;
    let mut median = lo;
    for (k, &c) in bins.iter().enumerate() {
        if c > 0 && (cum + c as u64) as f64 >= half {
            let frac = (half - cum as f64) / c as f64;
            median = lo + (k as f64 + frac) * width;
            kmed = k;
            break;
        }
        cum += c as u64;
    }
    // MAD: walk outwards from the median bin, nearest bin centre first.
    let centre = |k: usize| lo + (k as f64 + 0.5) * width;
    let (mut l, mut r) = (kmed as isize, kmed as isize + 1);
    let mut acc = 0u64;
    let mut mad = 0.0;
    while (acc as f64) < half {
        let dl = if l >= 0 {
            median - centre(l as usize)
        } else {
            f64::INFINITY
        };
        let dr = if (r as usize) < bins.len() {
            centre(r as usize) - median
        } else {
            f64::INFINITY
        };
        if !dl.is_finite() && !dr.is_finite() {
            break;
        }
        if dl.abs() <= dr.abs() {
            acc += bins[l as usize] as u64;
            mad = dl.abs();
            l -= 1;
        } else {
            acc += bins[r as usize] as u64;
            mad = dr.abs();
            r += 1;
        }
    }
    Some((median, mad, count))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_distr::{Distribution, Normal};

    #[test]
    fn gaussian_noise_with_sources_and_nans() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let normal = Normal::new(0.0f32, 0.001).unwrap();
        let mut data: Vec<f32> = (0..1_000_000).map(|_| normal.sample(&mut rng)).collect();
        // 1% bright outliers (sources) and 5% NaN.
        for _ in 0..10_000 {
            let i = rng.gen_range(0..data.len());
            data[i] = rng.gen_range(0.01..2.0);
        }
        for _ in 0..50_000 {
            let i = rng.gen_range(0..data.len());
            data[i] = f32::NAN;
        }
        let s = plane_stats(&data);
        let noise = s.noise.unwrap();
        assert!((noise - 0.001).abs() < 0.00002, "noise {noise}");
        assert!(s.median.unwrap().abs() < 0.00002);
        assert!(s.peak.unwrap() > 1.9);
        assert!(
            (s.nan_fraction - 0.0488).abs() < 0.002,
            "{}",
            s.nan_fraction
        );
        assert!(s.dynamic_range().unwrap() > 1900.0);
    }

    #[test]
    fn all_nan_and_constant() {
        let s = plane_stats(&[f32::NAN; 100]);
        assert_eq!(s.noise, None);
        assert_eq!(s.nan_fraction, 1.0);
        let s = plane_stats(&[2.0; 100]);
        assert_eq!(s.noise, Some(0.0));
        assert_eq!(s.dynamic_range(), None);
        assert_eq!(s.median, Some(2.0));
    }

    #[test]
    fn ignores_absurd_values() {
        let mut data = vec![0.0f32; 10_000];
        for (i, v) in data.iter_mut().enumerate() {
            *v = ((i * 7919) % 1000) as f32 / 1000.0 - 0.5;
        }
        data[5] = 3.4e38;
        data[6] = f32::INFINITY;
        let s = plane_stats(&data);
        // Uniform on [-0.5, 0.5): MAD = 0.25.
        assert!(
            (s.noise.unwrap() - 1.4826 * 0.25).abs() < 0.01,
            "{:?}",
            s.noise
        );
        assert_eq!(s.peak, Some(3.4e38f32 as f64));
    }
}
