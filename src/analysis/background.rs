//! Background and rms maps on a coarse grid, interpolated bilinearly between cell centres.
//!
//! Each cell (a few beams on a side) gets the clipped median and 1.4826 x MAD of its finite
//! pixels (one 3-sigma clipping pass after a first estimate, on every second pixel in x and y: a
//! cell of 64 x 64 pixels still has ~1,000 samples). Cells with too few finite pixels borrow the
//! nearest valid value. The full-resolution maps are never stored: a row of them is interpolated
//! when needed, so the finder's memory stays at the plane plus O(width).

/// The coarse background grid of one plane.
#[derive(Debug, Clone)]
pub struct Background {
    /// Cell size in pixels.
    pub cell: usize,
    /// Cells across (x) and down (y).
    pub gx: usize,
    /// Cells down.
    pub gy: usize,
    /// Background per cell, row-major.
    pub bkg: Vec<f32>,
    /// Rms per cell, row-major.
    pub rms: Vec<f32>,
    nx: usize,
    ny: usize,
}

impl Background {
    /// Estimates the grid for a plane of `nx` x `ny` pixels with cells of `cell` pixels.
    pub fn estimate(data: &[f32], nx: usize, ny: usize, cell: usize) -> Background {
        debug_assert_eq!(nx * ny, data.len());
        let cell = cell.clamp(8, nx.max(ny).max(8));
        let gx = nx.div_ceil(cell).max(1);
        let gy = ny.div_ceil(cell).max(1);
        let mut bkg = vec![f32::NAN; gx * gy];
        let mut rms = vec![f32::NAN; gx * gy];
        let mut buf: Vec<f32> = Vec::with_capacity(cell * cell / 4 + 4);
        for cy in 0..gy {
            for cx in 0..gx {
                buf.clear();
                let (x0, y0) = (cx * cell, cy * cell);
                let (x1, y1) = ((x0 + cell).min(nx), (y0 + cell).min(ny));
                let small = (x1 - x0) * (y1 - y0) < 1024;
                let step = if small { 1 } else { 2 };
                for y in (y0..y1).step_by(step) {
                    let row = &data[y * nx..y * nx + nx];
                    buf.extend(row[x0..x1].iter().step_by(step).filter(|v| v.is_finite()));
                }
                if buf.len() < 32 {
                    continue;
                }
                let (m, s) = clipped(&mut buf);
                bkg[cy * gx + cx] = m;
                rms[cy * gx + cx] = s;
            }
        }
        fill_gaps(&mut bkg, gx, gy);
        fill_gaps(&mut rms, gx, gy);
        Background {
            cell,
            gx,
            gy,
            bkg,
            rms,
            nx,
            ny,
        }
    }

    /// Background and rms at pixel (x, y), bilinear between cell centres.
    pub fn at(&self, x: f64, y: f64) -> (f32, f32) {
        let (i0, i1, fx) = self.axis(x, self.gx);
        let (j0, j1, fy) = self.axis(y, self.gy);
        let get = |m: &[f32]| {
            let a = m[j0 * self.gx + i0] as f64 * (1.0 - fx) + m[j0 * self.gx + i1] as f64 * fx;
            let b = m[j1 * self.gx + i0] as f64 * (1.0 - fx) + m[j1 * self.gx + i1] as f64 * fx;
            (a * (1.0 - fy) + b * fy) as f32
        };
        (get(&self.bkg), get(&self.rms))
    }

    /// Fills `bkg` and `rms` (each `nx` long) with the interpolated maps along row `y`.
    pub fn row(&self, y: usize, bkg: &mut [f32], rms: &mut [f32]) {
        // Interpolate the grid along y once per row, then along x per pixel.
        let (j0, j1, fy) = self.axis(y as f64, self.gy);
        let col = |m: &[f32]| -> Vec<f64> {
            (0..self.gx)
                .map(|i| m[j0 * self.gx + i] as f64 * (1.0 - fy) + m[j1 * self.gx + i] as f64 * fy)
                .collect()
        };
        let (cb, cr) = (col(&self.bkg), col(&self.rms));
        for x in 0..self.nx.min(bkg.len()).min(rms.len()) {
            let (i0, i1, fx) = self.axis(x as f64, self.gx);
            bkg[x] = (cb[i0] * (1.0 - fx) + cb[i1] * fx) as f32;
            rms[x] = (cr[i0] * (1.0 - fx) + cr[i1] * fx) as f32;
        }
    }

    /// The median of the cell rms values: the plane's typical local noise.
    pub fn median_rms(&self) -> f32 {
        let mut v: Vec<f32> = self.rms.iter().copied().filter(|r| r.is_finite()).collect();
        if v.is_empty() {
            return f32::NAN;
        }
        let mid = v.len() / 2;
        *v.select_nth_unstable_by(mid, |a, b| a.total_cmp(b)).1
    }

    /// Plane size.
    pub fn size(&self) -> (usize, usize) {
        (self.nx, self.ny)
    }

    fn axis(&self, p: f64, g: usize) -> (usize, usize, f64) {
        // Cell centres at (i + 0.5) * cell - 0.5.
        let t = (p + 0.5) / self.cell as f64 - 0.5;
        if g == 1 || t <= 0.0 {
            return (0, 0, 0.0);
        }
        let i0 = (t.floor() as usize).min(g - 1);
        if i0 >= g - 1 {
            return (g - 1, g - 1, 0.0);
        }
        (i0, i0 + 1, t - i0 as f64)
    }
}

/// Median and sigma (1.4826 MAD) after one 3-sigma clipping pass.
fn clipped(buf: &mut Vec<f32>) -> (f32, f32) {
    let (m, s) = median_mad(buf);
    // NaN-safe: a NaN or zero sigma cannot clip.
    if s.is_nan() || s <= 0.0 {
        return (m, s.max(0.0));
    }
    buf.retain(|v| (v - m).abs() <= 3.0 * s);
    if buf.len() < 16 {
        return (m, s);
    }
    median_mad(buf)
}

fn median_mad(buf: &mut [f32]) -> (f32, f32) {
    let mid = buf.len() / 2;
    let m = *buf.select_nth_unstable_by(mid, |a, b| a.total_cmp(b)).1;
    let mut dev: Vec<f32> = buf.iter().map(|v| (v - m).abs()).collect();
    let mad = *dev.select_nth_unstable_by(mid, |a, b| a.total_cmp(b)).1;
    (m, 1.4826 * mad)
}

/// Replaces NaN cells with the nearest valid cell (by grid distance).
fn fill_gaps(m: &mut [f32], gx: usize, gy: usize) {
    if m.iter().all(|v| v.is_finite()) {
        return;
    }
    let valid: Vec<(usize, usize, f32)> = (0..gy)
        .flat_map(|j| (0..gx).map(move |i| (i, j)))
        .filter_map(|(i, j)| {
            let v = m[j * gx + i];
            v.is_finite().then_some((i, j, v))
        })
        .collect();
    if valid.is_empty() {
        return;
    }
    for j in 0..gy {
        for i in 0..gx {
            if !m[j * gx + i].is_finite() {
                let best = valid
                    .iter()
                    .min_by_key(|(vi, vj, _)| vi.abs_diff(i).pow(2) + vj.abs_diff(j).pow(2))
                    .map(|v| v.2)
                    .unwrap_or(f32::NAN);
                m[j * gx + i] = best;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follows_a_gradient() {
        let (nx, ny) = (256, 128);
        let mut data = vec![0f32; nx * ny];
        for y in 0..ny {
            for x in 0..nx {
                // Background rising in x; "noise" from a hash with sigma ~ 0.29.
                let h = ((x * 7919 + y * 104_729) % 1000) as f32 / 1000.0 - 0.5;
                data[y * nx + x] = x as f32 * 0.01 + h;
            }
        }
        let b = Background::estimate(&data, nx, ny, 32);
        let (b0, r0) = b.at(16.0, 64.0);
        let (b1, _) = b.at(200.0, 64.0);
        assert!((b0 - 0.155).abs() < 0.05, "{b0}");
        assert!((b1 - 2.0).abs() < 0.05, "{b1}");
        assert!((r0 - 0.37).abs() < 0.05, "{r0}");
    }
}
