//! IAU-style names: `Jhhmmss.s+ddmmss` (truncated, not rounded, as the IAU recommends).

/// The name of a position (degrees).
pub fn iau_name(ra_deg: f64, dec_deg: f64) -> String {
    let ra_h = ra_deg.rem_euclid(360.0) / 15.0;
    let h = ra_h.floor();
    let m = ((ra_h - h) * 60.0).floor();
    let s = ((ra_h - h) * 60.0 - m) * 60.0;
    // Truncate to 0.1 s.
    let s10 = (s * 10.0).floor() as u32;
    let sign = if dec_deg < 0.0 { '-' } else { '+' };
    let d = dec_deg.abs();
    let dd = d.floor();
    let dm = ((d - dd) * 60.0).floor();
    let ds = (((d - dd) * 60.0 - dm) * 60.0).floor();
    format!(
        "J{:02}{:02}{:02}.{}{}{:02}{:02}{:02}",
        h as u32,
        m as u32,
        s10 / 10,
        s10 % 10,
        sign,
        dd as u32,
        dm as u32,
        ds as u32
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(iau_name(150.0, 37.2), "J100000.0+371200");
        assert_eq!(iau_name(83.633_21, 22.014_47), "J053431.9+220052");
        assert_eq!(iau_name(0.0001, -0.5), "J000000.0-003000");
    }
}
