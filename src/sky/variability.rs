//! Variability from running sums, O(1) per measurement (DESIGN.md item 6).
//!
//! With w = 1/sigma^2 over N measurements: eta = N/(N-1) (mean(w S^2) - mean(w S)^2 / mean(w))
//! (the reduced weighted chi-square about the weighted mean, as VAST's code and TraP compute it);
//! V = std(S) / mean(S) with the sample standard deviation.

use crate::store::records::SourceSums;

/// Adds (`sign` = 1) or removes (`sign` = -1) one flux measurement.
pub fn add_flux(s: &mut SourceSums, flux: f64, err: f64, sign: f64) {
    let w = 1.0 / (err * err).max(1e-300);
    s.sw += sign * w;
    s.sws += sign * w * flux;
    s.sws2 += sign * w * flux * flux;
    s.ss += sign * flux;
    s.ss2 += sign * flux * flux;
    if sign > 0.0 {
        s.n += 1;
    } else {
        s.n = s.n.saturating_sub(1);
    }
}

/// (V, eta) of the sums; zero with fewer than two measurements.
pub fn metrics(s: &SourceSums) -> (f64, f64) {
    if s.n < 2 {
        return (0.0, 0.0);
    }
    let n = s.n as f64;
    let mean = s.ss / n;
    let var = ((s.ss2 - n * mean * mean) / (n - 1.0)).max(0.0);
    let v = if mean != 0.0 {
        var.sqrt() / mean.abs()
    } else {
        0.0
    };
    let eta = (n / (n - 1.0)) * (s.sws2 / n - (s.sws / n).powi(2) / (s.sw / n));
    (v, eta.max(0.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_direct_formulas_and_removal_undoes_addition() {
        let f = [1.0, 1.2, 0.8, 1.1, 0.95];
        let e = [0.1, 0.1, 0.2, 0.1, 0.05];
        let mut s = SourceSums::default();
        for (x, er) in f.iter().zip(e) {
            add_flux(&mut s, *x, er, 1.0);
        }
        let (v, eta) = metrics(&s);
        let n = 5.0;
        let mean = f.iter().sum::<f64>() / n;
        let sd = (f.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        assert!((v - sd / mean).abs() < 1e-12);
        let w: Vec<f64> = e.iter().map(|x| 1.0 / (x * x)).collect();
        let wmean = f.iter().zip(&w).map(|(x, w)| x * w).sum::<f64>() / w.iter().sum::<f64>();
        let chi2 = f
            .iter()
            .zip(&w)
            .map(|(x, w)| w * (x - wmean).powi(2))
            .sum::<f64>();
        assert!(
            (eta - chi2 / (n - 1.0)).abs() < 1e-9,
            "{eta} vs {}",
            chi2 / (n - 1.0)
        );
        add_flux(&mut s, 5.0, 0.3, 1.0);
        add_flux(&mut s, 5.0, 0.3, -1.0);
        let (v2, eta2) = metrics(&s);
        assert!((v - v2).abs() < 1e-9 && (eta - eta2).abs() < 1e-6);
    }
}
