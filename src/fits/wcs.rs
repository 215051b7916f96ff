//! Celestial world coordinates: pixel <-> sky for the two celestial axes of an image.
//!
//! A small module of our own, following Calabretta & Greisen (2002, A&A 395, 1077; "Paper II"):
//! linear transform (CD, or PC with CDELT, or CDELT with CROTA2), a projection (SIN with its
//! PV2_1/PV2_2 slant, which covers NCP; TAN, ARC, ZEA, STG, AIT, CAR, SFL, and the AIPS `NCP`
//! code), then the spherical rotation set by CRVAL, LONPOLE and LATPOLE. Galactic images are
//! rotated to equatorial J2000 so that every position obsmon reports is RA/Dec. Tested against the
//! reference images in `shared/fits-samples` and round trips.

use super::header::Header;

const D2R: f64 = std::f64::consts::PI / 180.0;
const R2D: f64 = 180.0 / std::f64::consts::PI;

/// The supported projections.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Projection {
    /// Orthographic, with the slant parameters (xi, eta) = (PV2_1, PV2_2).
    Sin {
        /// PV2_1.
        xi: f64,
        /// PV2_2.
        eta: f64,
    },
    /// Gnomonic.
    Tan,
    /// Zenithal equidistant.
    Arc,
    /// Zenithal equal area.
    Zea,
    /// Stereographic.
    Stg,
    /// Hammer-Aitoff.
    Ait,
    /// Plate carree.
    Car,
    /// Sanson-Flamsteed.
    Sfl,
}

impl Projection {
    fn zenithal(self) -> bool {
        !matches!(self, Projection::Ait | Projection::Car | Projection::Sfl)
    }
}

/// The sky frame of the celestial axes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frame {
    /// RA/Dec.
    Equatorial,
    /// GLON/GLAT (converted to equatorial J2000 on output).
    Galactic,
}

/// A celestial WCS for one image.
#[derive(Debug, Clone)]
pub struct Wcs {
    /// Three-letter projection code as written (NCP reported as NCP).
    pub code: String,
    proj: Projection,
    frame: Frame,
    /// 0-based axis numbers of longitude and latitude.
    lon_axis: usize,
    lat_axis: usize,
    crpix: [f64; 2],
    /// Pixel offset -> intermediate world (degrees), and its inverse.
    m: [[f64; 2]; 2],
    minv: [[f64; 2]; 2],
    /// Celestial coordinates of the native pole, and native longitude of the celestial pole (rad).
    alpha_p: f64,
    delta_p: f64,
    phi_p: f64,
}

/// Why a header's WCS was not usable.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WcsError {
    /// No pair of celestial CTYPEs.
    #[error("no celestial axes (CTYPE RA/DEC or GLON/GLAT)")]
    NoCelestialAxes,
    /// A projection this module does not implement.
    #[error("unsupported projection {0}")]
    Unsupported(String),
    /// Scale or matrix missing or singular.
    #[error("bad WCS: {0}")]
    Bad(String),
}

impl Wcs {
    /// Builds the WCS from a header with `naxis` axes (the image's own header).
    pub fn from_header(h: &Header, naxis: usize) -> Result<Wcs, WcsError> {
        let mut lon = None;
        let mut lat = None;
        let mut code = String::new();
        let mut frame = Frame::Equatorial;
        for i in 0..naxis.max(2) {
            let Some(ct) = h.str(&format!("CTYPE{}", i + 1)) else {
                continue;
            };
            let ct = ct.to_ascii_uppercase();
            let (head, tail) = ct.split_at(ct.len().min(4));
            match head {
                "RA--" | "RA" | "GLON" => {
                    lon = Some(i);
                    if head == "GLON" {
                        frame = Frame::Galactic;
                    }
                    code = tail.trim_start_matches('-').to_string();
                }
                "DEC-" | "DEC" | "GLAT" => lat = Some(i),
                _ => {}
            }
        }
        let (Some(lon_axis), Some(lat_axis)) = (lon, lat) else {
            return Err(WcsError::NoCelestialAxes);
        };
        let pv = |m: usize| h.f64(&format!("PV{}_{}", lat_axis + 1, m));
        let proj = match code.as_str() {
            "SIN" => Projection::Sin {
                xi: pv(1).unwrap_or(0.0),
                eta: pv(2).unwrap_or(0.0),
            },
            "NCP" => {
                // AIPS NCP = SIN with xi = 0, eta = cot(dec0).
                let dec0 = h.f64(&format!("CRVAL{}", lat_axis + 1)).unwrap_or(90.0) * D2R;
                if dec0.sin().abs() < 1e-12 {
                    return Err(WcsError::Bad("NCP at the equator".into()));
                }
                Projection::Sin {
                    xi: 0.0,
                    eta: dec0.cos() / dec0.sin(),
                }
            }
            "TAN" => Projection::Tan,
            "ARC" => Projection::Arc,
            "ZEA" => Projection::Zea,
            "STG" => Projection::Stg,
            "AIT" => Projection::Ait,
            "CAR" => Projection::Car,
            "SFL" | "GLS" => Projection::Sfl,
            "" => Projection::Car,
            other => return Err(WcsError::Unsupported(other.to_string())),
        };
        let ax = [lon_axis + 1, lat_axis + 1];
        let key = |k: &str, a: usize| h.f64(&format!("{k}{a}"));
        let crpix = [
            key("CRPIX", ax[0]).unwrap_or(0.0),
            key("CRPIX", ax[1]).unwrap_or(0.0),
        ];
        let crval = [
            key("CRVAL", ax[0]).unwrap_or(0.0),
            key("CRVAL", ax[1]).unwrap_or(0.0),
        ];
        let cd = |i: usize, j: usize| h.f64(&format!("CD{}_{}", ax[i], ax[j]));
        let m = if (0..2).any(|i| (0..2).any(|j| cd(i, j).is_some())) {
            [
                [cd(0, 0).unwrap_or(0.0), cd(0, 1).unwrap_or(0.0)],
                [cd(1, 0).unwrap_or(0.0), cd(1, 1).unwrap_or(0.0)],
            ]
        } else {
            let cdelt = [
                key("CDELT", ax[0]).ok_or_else(|| WcsError::Bad("CDELT missing".into()))?,
                key("CDELT", ax[1]).ok_or_else(|| WcsError::Bad("CDELT missing".into()))?,
            ];
            let pc = |i: usize, j: usize| {
                h.f64(&format!("PC{}_{}", ax[i], ax[j]))
                    .or_else(|| h.f64(&format!("PC{:03}{:03}", ax[i], ax[j])))
            };
            let has_pc = (0..2).any(|i| (0..2).any(|j| pc(i, j).is_some()));
            let p = if has_pc {
                [
                    [pc(0, 0).unwrap_or(1.0), pc(0, 1).unwrap_or(0.0)],
                    [pc(1, 0).unwrap_or(0.0), pc(1, 1).unwrap_or(1.0)],
                ]
            } else if let Some(rot) = h.f64(&format!("CROTA{}", ax[1])) {
                let (s, c) = (rot * D2R).sin_cos();
                let r = cdelt[1] / cdelt[0];
                [[c, -s * r], [s / r, c]]
            } else {
                [[1.0, 0.0], [0.0, 1.0]]
            };
            [
                [cdelt[0] * p[0][0], cdelt[0] * p[0][1]],
                [cdelt[1] * p[1][0], cdelt[1] * p[1][1]],
            ]
        };
        let det = m[0][0] * m[1][1] - m[0][1] * m[1][0];
        if !det.is_finite() || det.abs() < 1e-300 {
            return Err(WcsError::Bad("singular pixel scale matrix".into()));
        }
        let minv = [
            [m[1][1] / det, -m[0][1] / det],
            [-m[1][0] / det, m[0][0] / det],
        ];
        let (phi0, theta0) = if proj.zenithal() {
            (0.0, 90.0)
        } else {
            (0.0, 0.0)
        };
        let (a0, d0) = (crval[0] * D2R, crval[1] * D2R);
        let default_lonpole = if d0 >= theta0 * D2R { 0.0 } else { 180.0 };
        let lonpole = h
            .f64("LONPOLE")
            .or_else(|| h.f64(&format!("PV{}_3", ax[0])))
            .unwrap_or(if theta0 == 90.0 {
                180.0
            } else {
                default_lonpole
            });
        let latpole = h
            .f64("LATPOLE")
            .or_else(|| h.f64(&format!("PV{}_4", ax[0])))
            .unwrap_or(90.0);
        let phi_p = lonpole * D2R;
        let (alpha_p, delta_p) = if theta0 == 90.0 {
            (a0, d0)
        } else {
            native_pole(a0, d0, phi_p, phi0 * D2R, theta0 * D2R, latpole * D2R)?
        };
        Ok(Wcs {
            code: if code.is_empty() { "CAR".into() } else { code },
            proj,
            frame,
            lon_axis,
            lat_axis,
            crpix,
            m,
            minv,
            alpha_p,
            delta_p,
            phi_p,
        })
    }

    /// 0-based axis numbers (longitude, latitude) in the header.
    pub fn axes(&self) -> (usize, usize) {
        (self.lon_axis, self.lat_axis)
    }

    /// Pixel size in arcsec (geometric mean of the two axes).
    pub fn cell_arcsec(&self) -> f64 {
        (self.m[0][0] * self.m[1][1] - self.m[0][1] * self.m[1][0])
            .abs()
            .sqrt()
            * 3600.0
    }

    /// Sky position (RA, Dec in degrees, J2000 for galactic images) of a 1-based FITS pixel
    /// position on the celestial axes. `None` outside the projection's domain.
    pub fn pix_to_sky(&self, px: f64, py: f64) -> Option<(f64, f64)> {
        let (dx, dy) = (px - self.crpix[0], py - self.crpix[1]);
        let x = self.m[0][0] * dx + self.m[0][1] * dy;
        let y = self.m[1][0] * dx + self.m[1][1] * dy;
        let (phi, theta) = self.deproject(x, y)?;
        let (lon, lat) = self.native_to_celestial(phi, theta);
        let (ra, dec) = match self.frame {
            Frame::Equatorial => (lon, lat),
            Frame::Galactic => galactic_to_j2000(lon, lat),
        };
        let ra = (ra * R2D).rem_euclid(360.0);
        Some((ra, dec * R2D))
    }

    /// 1-based FITS pixel position of a sky position (RA, Dec degrees). `None` when the position
    /// is not on the projection (e.g. the far hemisphere of SIN).
    pub fn sky_to_pix(&self, ra: f64, dec: f64) -> Option<(f64, f64)> {
        let (lon, lat) = match self.frame {
            Frame::Equatorial => (ra * D2R, dec * D2R),
            Frame::Galactic => j2000_to_galactic(ra * D2R, dec * D2R),
        };
        let (phi, theta) = self.celestial_to_native(lon, lat);
        let (x, y) = self.project(phi, theta)?;
        let px = self.minv[0][0] * x + self.minv[0][1] * y + self.crpix[0];
        let py = self.minv[1][0] * x + self.minv[1][1] * y + self.crpix[1];
        Some((px, py))
    }

    fn native_to_celestial(&self, phi: f64, theta: f64) -> (f64, f64) {
        let (sd, cd) = self.delta_p.sin_cos();
        let (st, ct) = theta.sin_cos();
        let dphi = phi - self.phi_p;
        let (sp, cp) = dphi.sin_cos();
        let a = self.alpha_p + (-ct * sp).atan2(st * cd - ct * sd * cp);
        let d = (st * sd + ct * cd * cp).clamp(-1.0, 1.0).asin();
        (a, d)
    }

    fn celestial_to_native(&self, a: f64, d: f64) -> (f64, f64) {
        let (sdp, cdp) = self.delta_p.sin_cos();
        let (sd, cd) = d.sin_cos();
        let (sa, ca) = (a - self.alpha_p).sin_cos();
        let phi = self.phi_p + (-cd * sa).atan2(sd * cdp - cd * sdp * ca);
        let theta = (sd * sdp + cd * cdp * ca).clamp(-1.0, 1.0).asin();
        (phi, theta)
    }

    /// Intermediate (x, y) degrees -> native (phi, theta) radians.
    fn deproject(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        let r = x.hypot(y);
        let phi_z = if r == 0.0 { 0.0 } else { x.atan2(-y) };
        match self.proj {
            Projection::Sin { xi, eta } => {
                let (xr, yr) = (x * D2R, y * D2R);
                if xi == 0.0 && eta == 0.0 {
                    let rr = r * D2R;
                    if rr > 1.0 {
                        return None;
                    }
                    return Some((phi_z, rr.acos()));
                }
                let a = xi * xi + eta * eta + 1.0;
                let b = xi * (xr - xi) + eta * (yr - eta);
                let c = (xr - xi).powi(2) + (yr - eta).powi(2) - 1.0;
                let disc = b * b - a * c;
                if disc < 0.0 {
                    return None;
                }
                let s1 = (-b + disc.sqrt()) / a;
                let s2 = (-b - disc.sqrt()) / a;
                // The solution nearer the native pole (theta near 90 deg).
                let st = if (s1 - 1.0).abs() <= (s2 - 1.0).abs() {
                    s1
                } else {
                    s2
                };
                if !(-1.0..=1.0 + 1e-12).contains(&st) {
                    return None;
                }
                let theta = st.min(1.0).asin();
                let z = 1.0 - st;
                let phi = (xr - xi * z).atan2(-(yr - eta * z));
                Some((phi, theta))
            }
            Projection::Tan => Some((phi_z, (R2D).atan2(r))),
            Projection::Arc => Some((phi_z, (90.0 - r) * D2R)),
            Projection::Zea => {
                let s = r * D2R / 2.0;
                if s > 1.0 {
                    return None;
                }
                Some((phi_z, std::f64::consts::FRAC_PI_2 - 2.0 * s.asin()))
            }
            Projection::Stg => Some((
                phi_z,
                std::f64::consts::FRAC_PI_2 - 2.0 * (r * D2R / 2.0).atan(),
            )),
            Projection::Car => Some((x * D2R, y * D2R)),
            Projection::Sfl => {
                let theta = y * D2R;
                let c = theta.cos();
                if c.abs() < 1e-12 {
                    return Some((0.0, theta));
                }
                let phi = x * D2R / c;
                (phi.abs() <= std::f64::consts::PI + 1e-9).then_some((phi, theta))
            }
            Projection::Ait => {
                let z2 = 1.0 - (x * D2R / 4.0).powi(2) - (y * D2R / 2.0).powi(2);
                if z2 < 0.5 {
                    return None;
                }
                let z = z2.sqrt();
                let phi = 2.0 * (z * x * D2R / 2.0).atan2(2.0 * z2 - 1.0);
                let theta = (y * D2R * z).clamp(-1.0, 1.0).asin();
                Some((phi, theta))
            }
        }
    }

    /// Native (phi, theta) radians -> intermediate (x, y) degrees.
    fn project(&self, phi: f64, theta: f64) -> Option<(f64, f64)> {
        let (sp, cp) = phi.sin_cos();
        let zen = |r: f64| Some((r * sp, -r * cp));
        match self.proj {
            Projection::Sin { xi, eta } => {
                let (st, ct) = theta.sin_cos();
                // Only the hemisphere facing the observer is visible.
                let visible_limit = if xi == 0.0 && eta == 0.0 { 0.0 } else { -1.0 };
                if st < visible_limit {
                    return None;
                }
                let z = 1.0 - st;
                Some((R2D * (ct * sp + xi * z), -R2D * (ct * cp - eta * z)))
            }
            Projection::Tan => {
                if theta <= 0.0 {
                    return None;
                }
                zen(R2D * theta.cos() / theta.sin())
            }
            Projection::Arc => zen(90.0 - theta * R2D),
            Projection::Zea => zen(2.0 * R2D * ((std::f64::consts::FRAC_PI_2 - theta) / 2.0).sin()),
            Projection::Stg => {
                if theta <= -std::f64::consts::FRAC_PI_2 + 1e-12 {
                    return None;
                }
                zen(2.0 * R2D * ((std::f64::consts::FRAC_PI_2 - theta) / 2.0).tan())
            }
            Projection::Car => {
                let phi = wrap_pi(phi);
                Some((phi * R2D, theta * R2D))
            }
            Projection::Sfl => {
                let phi = wrap_pi(phi);
                Some((phi * theta.cos() * R2D, theta * R2D))
            }
            Projection::Ait => {
                let phi = wrap_pi(phi);
                let g = R2D * (2.0 / (1.0 + theta.cos() * (phi / 2.0).cos())).sqrt();
                Some((2.0 * g * theta.cos() * (phi / 2.0).sin(), g * theta.sin()))
            }
        }
    }
}

fn wrap_pi(a: f64) -> f64 {
    let two_pi = 2.0 * std::f64::consts::PI;
    let mut a = a.rem_euclid(two_pi);
    if a > std::f64::consts::PI {
        a -= two_pi;
    }
    a
}

/// Celestial coordinates of the native pole for non-zenithal projections (Paper II eq. 8-10).
fn native_pole(
    a0: f64,
    d0: f64,
    phi_p: f64,
    phi0: f64,
    theta0: f64,
    latpole: f64,
) -> Result<(f64, f64), WcsError> {
    let dphi = phi_p - phi0;
    let base = theta0.sin().atan2(theta0.cos() * dphi.cos());
    let denom = (1.0 - (theta0.cos() * dphi.sin()).powi(2)).sqrt();
    let arg = d0.sin() / denom;
    if arg.abs() > 1.0 + 1e-12 {
        return Err(WcsError::Bad(
            "no valid native pole for CRVAL/LONPOLE".into(),
        ));
    }
    let acos = arg.clamp(-1.0, 1.0).acos();
    let cands = [base + acos, base - acos];
    let valid: Vec<f64> = cands
        .iter()
        .copied()
        .filter(|d| d.abs() <= std::f64::consts::FRAC_PI_2 + 1e-12)
        .collect();
    let delta_p = match valid.as_slice() {
        [] => return Err(WcsError::Bad("no valid native pole".into())),
        [d] => *d,
        [a, b, ..] => {
            if (a - latpole).abs() <= (b - latpole).abs() {
                *a
            } else {
                *b
            }
        }
    }
    .clamp(-std::f64::consts::FRAC_PI_2, std::f64::consts::FRAC_PI_2);
    let alpha_p = if (d0.abs() - std::f64::consts::FRAC_PI_2).abs() < 1e-12 {
        a0
    } else if (delta_p.abs() - std::f64::consts::FRAC_PI_2).abs() < 1e-12 {
        // The native pole at a celestial pole: alpha_p is set by the reference point.
        if delta_p > 0.0 {
            a0 + dphi - std::f64::consts::PI
        } else {
            a0 - dphi
        }
    } else {
        let sda = dphi.sin() * theta0.cos() / d0.cos();
        let cda = (theta0.sin() - delta_p.sin() * d0.sin()) / (delta_p.cos() * d0.cos());
        a0 - sda.atan2(cda)
    };
    Ok((alpha_p, delta_p))
}

/// Galactic -> equatorial J2000 rotation matrix (the transpose of the ICRS -> galactic matrix of
/// the Hipparcos catalogue, vol. 1 sec. 1.5.3).
const GAL_TO_EQ: [[f64; 3]; 3] = [
    [-0.054_875_539_390, 0.494_109_453_633, -0.867_666_135_681],
    [-0.873_437_104_725, -0.444_829_594_298, -0.198_076_389_622],
    [-0.483_834_991_775, 0.746_982_248_696, 0.455_983_794_523],
];

fn rotate(m: &[[f64; 3]; 3], transpose: bool, lon: f64, lat: f64) -> (f64, f64) {
    let v = [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()];
    let mut out = [0.0; 3];
    for (i, o) in out.iter_mut().enumerate() {
        *o = (0..3)
            .map(|j| if transpose { m[j][i] } else { m[i][j] } * v[j])
            .sum();
    }
    (out[1].atan2(out[0]), out[2].clamp(-1.0, 1.0).asin())
}

/// Galactic (l, b) -> equatorial J2000 (RA, Dec), radians.
pub fn galactic_to_j2000(l: f64, b: f64) -> (f64, f64) {
    rotate(&GAL_TO_EQ, false, l, b)
}

/// Equatorial J2000 (RA, Dec) -> galactic (l, b), radians.
pub fn j2000_to_galactic(ra: f64, dec: f64) -> (f64, f64) {
    // The matrix is a rotation: its transpose is its inverse.
    rotate(&GAL_TO_EQ, true, ra, dec)
}

/// Angular distance between two positions, degrees in, degrees out (haversine, stable when small).
pub fn separation_deg(ra1: f64, dec1: f64, ra2: f64, dec2: f64) -> f64 {
    let (d1, d2) = (dec1 * D2R, dec2 * D2R);
    let dd = d2 - d1;
    let da = (ra2 - ra1) * D2R;
    let h = (dd / 2.0).sin().powi(2) + d1.cos() * d2.cos() * (da / 2.0).sin().powi(2);
    2.0 * h.sqrt().min(1.0).asin() * R2D
}

#[cfg(test)]
mod tests {
    use super::super::header::{parse_card, Header};
    use super::*;

    fn header(cards: &[&str]) -> Header {
        Header {
            cards: cards
                .iter()
                .map(|s| {
                    let mut b = [b' '; 80];
                    b[..s.len()].copy_from_slice(s.as_bytes());
                    parse_card(&b)
                })
                .collect(),
        }
    }

    fn simple(proj: &str, dec: f64) -> Header {
        let ct1 = format!("CTYPE1  = 'RA---{proj}'");
        let ct2 = format!("CTYPE2  = 'DEC--{proj}'");
        let cv2 = format!("CRVAL2  = {dec}");
        header(&[
            &ct1,
            &ct2,
            "CRPIX1  = 100.5",
            "CRPIX2  = 80.0",
            "CRVAL1  = 150.0",
            &cv2,
            "CDELT1  = -0.01",
            "CDELT2  = 0.01",
        ])
    }

    #[test]
    fn reference_pixel_maps_to_crval() {
        for proj in [
            "SIN", "TAN", "ARC", "ZEA", "STG", "NCP", "AIT", "CAR", "SFL",
        ] {
            for dec in [-66.0, 0.0, 37.5, 89.0] {
                if proj == "NCP" && dec == 0.0 {
                    continue;
                }
                let w = Wcs::from_header(&simple(proj, dec), 2).unwrap();
                let (ra, d) = w.pix_to_sky(100.5, 80.0).unwrap();
                assert!(
                    separation_deg(ra, d, 150.0, dec) < 1e-9,
                    "{proj} {dec}: {ra} {d}"
                );
            }
        }
    }

    #[test]
    fn round_trips() {
        for proj in [
            "SIN", "TAN", "ARC", "ZEA", "STG", "NCP", "AIT", "CAR", "SFL",
        ] {
            for dec in [-66.0, 10.0, 71.6] {
                let w = Wcs::from_header(&simple(proj, dec), 2).unwrap();
                for (px, py) in [(1.0, 1.0), (200.0, 13.0), (57.3, 160.0)] {
                    let (ra, d) = w.pix_to_sky(px, py).unwrap();
                    let (qx, qy) = w.sky_to_pix(ra, d).unwrap();
                    assert!(
                        (qx - px).abs() < 1e-6 && (qy - py).abs() < 1e-6,
                        "{proj} {dec}"
                    );
                }
            }
        }
    }

    #[test]
    fn pixel_scale_and_orientation() {
        // One pixel west (x+1 with negative CDELT1) moves RA down by cdelt/cos(dec).
        let w = Wcs::from_header(&simple("SIN", 60.0), 2).unwrap();
        let (ra, dec) = w.pix_to_sky(101.5, 80.0).unwrap();
        assert!((ra - (150.0 - 0.01 / 60f64.to_radians().cos())).abs() < 1e-6);
        assert!((dec - 60.0).abs() < 1e-4);
        assert!((w.cell_arcsec() - 36.0).abs() < 1e-9);
    }

    #[test]
    fn galactic_centre_and_pole() {
        let (ra, dec) = galactic_to_j2000(0.0, 0.0);
        // Reference values: astropy 8.0.2, SkyCoord(l, b, frame='galactic').fk5.
        assert!((ra.to_degrees().rem_euclid(360.0) - 266.404_996).abs() < 1e-4);
        assert!((dec.to_degrees() + 28.936_172).abs() < 1e-4);
        let (ra, dec) = galactic_to_j2000(0.0, std::f64::consts::FRAC_PI_2);
        assert!((ra.to_degrees().rem_euclid(360.0) - 192.859_481).abs() < 1e-4);
        assert!((dec.to_degrees() - 27.128_251).abs() < 1e-4);
    }
}
