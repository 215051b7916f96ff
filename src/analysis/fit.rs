//! Levenberg-Marquardt fit of a sum of elliptical Gaussians to island pixels.
//!
//! Parameters per component: amplitude, x0, y0, sigma along the major axis, sigma along the minor
//! axis, and the angle of the major axis from +x (radians). Derivatives are analytic; the normal
//! equations (at most 6 x 8 = 48 unknowns) are solved by Gaussian elimination.

/// One Gaussian: `[amp, x0, y0, sigma_major, sigma_minor, theta]`.
pub type Gauss = [f64; 6];

/// Pixels to fit: (x, y, value above background).
#[derive(Debug, Clone, Default)]
pub struct Samples {
    /// x of each pixel.
    pub x: Vec<f64>,
    /// y of each pixel.
    pub y: Vec<f64>,
    /// Value above the background.
    pub v: Vec<f64>,
}

/// Evaluates one Gaussian and, optionally, its six partial derivatives.
#[inline]
fn eval(p: &Gauss, x: f64, y: f64, grad: Option<&mut [f64]>) -> f64 {
    let [a, x0, y0, sa, sb, th] = *p;
    let (s, c) = th.sin_cos();
    let (dx, dy) = (x - x0, y - y0);
    let u = dx * c + dy * s;
    let v = -dx * s + dy * c;
    let (sa2, sb2) = (sa * sa, sb * sb);
    let e = (-0.5 * (u * u / sa2 + v * v / sb2)).exp();
    let g = a * e;
    if let Some(d) = grad {
        d[0] = e;
        d[1] = g * (u * c / sa2 - v * s / sb2);
        d[2] = g * (u * s / sa2 + v * c / sb2);
        d[3] = g * u * u / (sa2 * sa);
        d[4] = g * v * v / (sb2 * sb);
        d[5] = g * u * v * (1.0 / sb2 - 1.0 / sa2);
    }
    g
}

/// The model value of a sum of Gaussians at (x, y).
pub fn model(ps: &[Gauss], x: f64, y: f64) -> f64 {
    ps.iter().map(|p| eval(p, x, y, None)).sum()
}

/// Bounds that keep a fit physical.
#[derive(Debug, Clone, Copy)]
pub struct Bounds {
    /// Smallest sigma, pixels.
    pub min_sigma: f64,
    /// Largest sigma, pixels.
    pub max_sigma: f64,
    /// Allowed x range of centres.
    pub x: (f64, f64),
    /// Allowed y range of centres.
    pub y: (f64, f64),
}

/// Fits `init` to the samples. Returns the fitted components and whether the fit converged
/// within bounds.
pub fn fit(samples: &Samples, init: &[Gauss], bounds: &Bounds) -> (Vec<Gauss>, bool) {
    let k = init.len();
    let np = 6 * k;
    let n = samples.v.len();
    if n <= np || k == 0 {
        return (init.to_vec(), false);
    }
    let mut p: Vec<Gauss> = init.to_vec();
    let mut chi2 = chi_square(samples, &p);
    let mut lambda = 1e-3;
    let mut jtj = vec![0.0; np * np];
    let mut jtr = vec![0.0; np];
    let mut grad = vec![0.0; np];
    let mut converged = false;
    for _ in 0..60 {
        jtj.fill(0.0);
        jtr.fill(0.0);
        for i in 0..n {
            let (x, y) = (samples.x[i], samples.y[i]);
            let mut m = 0.0;
            for (j, g) in p.iter().enumerate() {
                m += eval(g, x, y, Some(&mut grad[6 * j..6 * j + 6]));
            }
            let r = samples.v[i] - m;
            for a in 0..np {
                let ga = grad[a];
                if ga == 0.0 {
                    continue;
                }
                jtr[a] += ga * r;
                for b in a..np {
                    jtj[a * np + b] += ga * grad[b];
                }
            }
        }
        for a in 0..np {
            for b in 0..a {
                jtj[a * np + b] = jtj[b * np + a];
            }
        }
        let mut improved = false;
        for _ in 0..10 {
            let mut m = jtj.clone();
            for a in 0..np {
                m[a * np + a] *= 1.0 + lambda;
                if m[a * np + a] == 0.0 {
                    m[a * np + a] = lambda;
                }
            }
            let Some(delta) = solve(&mut m, &jtr, np) else {
                lambda *= 10.0;
                continue;
            };
            let mut trial = p.clone();
            for (j, g) in trial.iter_mut().enumerate() {
                for q in 0..6 {
                    g[q] += delta[6 * j + q];
                }
                normalise(g, bounds);
            }
            let c2 = chi_square(samples, &trial);
            if c2.is_finite() && c2 < chi2 {
                let rel = (chi2 - c2) / chi2.max(1e-300);
                p = trial;
                chi2 = c2;
                lambda = (lambda * 0.3).max(1e-9);
                improved = true;
                if rel < 1e-7 {
                    converged = true;
                }
                break;
            }
            lambda *= 10.0;
        }
        if !improved {
            // No step lowers chi-square: at a minimum (or stuck).
            converged = true;
            break;
        }
        if converged {
            break;
        }
    }
    let ok = converged
        && p.iter().all(|g| {
            g.iter().all(|v| v.is_finite())
                && g[0] > 0.0
                && g[3] > bounds.min_sigma * 1.01
                && g[3] < bounds.max_sigma * 0.99
                && g[4] > bounds.min_sigma * 1.01
                && (bounds.x.0..=bounds.x.1).contains(&g[1])
                && (bounds.y.0..=bounds.y.1).contains(&g[2])
        });
    (p, ok)
}

/// Keeps a component in bounds with major >= minor and theta in (-pi/2, pi/2].
fn normalise(g: &mut Gauss, b: &Bounds) {
    g[3] = g[3].abs().clamp(b.min_sigma, b.max_sigma);
    g[4] = g[4].abs().clamp(b.min_sigma, b.max_sigma);
    if g[4] > g[3] {
        g.swap(3, 4);
        g[5] += std::f64::consts::FRAC_PI_2;
    }
    let pi = std::f64::consts::PI;
    g[5] = (g[5] + pi / 2.0).rem_euclid(pi) - pi / 2.0;
    g[1] = g[1].clamp(b.x.0, b.x.1);
    g[2] = g[2].clamp(b.y.0, b.y.1);
}

fn chi_square(s: &Samples, p: &[Gauss]) -> f64 {
    (0..s.v.len())
        .map(|i| {
            let r = s.v[i] - model(p, s.x[i], s.y[i]);
            r * r
        })
        .sum()
}

/// Solves m x = r (m is n x n, overwritten) by Gaussian elimination with partial pivoting.
fn solve(m: &mut [f64], r: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut b = r.to_vec();
    for col in 0..n {
        let piv =
            (col..n).max_by(|&i, &j| m[i * n + col].abs().total_cmp(&m[j * n + col].abs()))?;
        if m[piv * n + col].abs() < 1e-300 {
            return None;
        }
        if piv != col {
            for k in 0..n {
                m.swap(piv * n + k, col * n + k);
            }
            b.swap(piv, col);
        }
        let d = m[col * n + col];
        for row in col + 1..n {
            let f = m[row * n + col] / d;
            if f == 0.0 {
                continue;
            }
            for k in col..n {
                m[row * n + k] -= f * m[col * n + k];
            }
            b[row] -= f * b[col];
        }
    }
    let mut x = vec![0.0; n];
    for row in (0..n).rev() {
        let mut s = b[row];
        for k in row + 1..n {
            s -= m[row * n + k] * x[k];
        }
        x[row] = s / m[row * n + row];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_two_blended_gaussians() {
        let truth = [
            [1.0, 10.3, 12.1, 2.5, 1.8, 0.4],
            [0.6, 16.2, 13.0, 2.2, 2.0, -0.2],
        ];
        let mut s = Samples::default();
        for y in 0..26 {
            for x in 0..28 {
                let (xf, yf) = (x as f64, y as f64);
                s.x.push(xf);
                s.y.push(yf);
                s.v.push(model(&truth, xf, yf));
            }
        }
        let init = [
            [0.9, 10.0, 12.0, 2.0, 2.0, 0.0],
            [0.5, 16.0, 13.0, 2.0, 2.0, 0.0],
        ];
        let b = Bounds {
            min_sigma: 0.3,
            max_sigma: 20.0,
            x: (0.0, 27.0),
            y: (0.0, 25.0),
        };
        let (p, ok) = fit(&s, &init, &b);
        assert!(ok);
        for (g, t) in p.iter().zip(truth.iter()) {
            for q in 0..6 {
                assert!((g[q] - t[q]).abs() < 1e-4, "{g:?} vs {t:?}");
            }
        }
    }
}
