//! Sky sources in the store: association inside the image's write transaction, removal when an
//! image changes or vanishes, and the source queries.
//!
//! Invariants:
//! - Every detection row has one `DET_BY_IMAGE` and one `DET_BY_SOURCE` entry.
//! - A source's running sums are the sums over exactly its `DET_BY_SOURCE` measurements.
//! - A source with no measurements does not exist (nor its cell and name entries).
//! - Each source is indexed under the HEALPix cell of its current mean position.

use std::collections::{HashMap, HashSet};

use redb::ReadableTable;

use super::records::{Detection, SkySource, SourceSums};
use super::{bump, decode, encode, mjd_key, Result, Store, Tables};
use crate::fits::wcs::separation_deg;
use crate::sky::{self, naming, variability};

/// Flag on a detection or source: the association was ambiguous.
pub const FLAG_AMBIGUOUS: u32 = 32;

impl Tables<'_> {
    /// Associates an image's detections with the sky sources and stores them, with the forced
    /// measurements of sources the finder missed.
    pub(super) fn associate(
        &mut self,
        image_id: u64,
        beam_major_arcsec: f64,
        dets: &mut [Detection],
        forced: &mut [(u64, Detection)],
    ) -> Result<()> {
        let p = self.params;
        let sys = p.position_sys_err_arcsec;
        // Candidate pairs (de Ruiter radius, detection, source) against the existing sources.
        let mut cache: HashMap<u64, SkySource> = HashMap::new();
        let mut pairs: Vec<(f64, usize, u64)> = Vec::new();
        let radius_deg = (beam_major_arcsec / 3600.0).max(1.0 / 3600.0);
        for (i, d) in dets.iter().enumerate() {
            for sid in self.sources_in_cone(d.ra_deg, d.dec_deg, radius_deg)? {
                let s = match cache.get(&sid) {
                    Some(s) => s,
                    None => {
                        let Some(s) = self.load_source(sid)? else {
                            continue;
                        };
                        cache.entry(sid).or_insert(s)
                    }
                };
                let sep = separation_deg(d.ra_deg, d.dec_deg, s.ra_deg, s.dec_deg);
                if sep > radius_deg {
                    continue;
                }
                let r = de_ruiter(d, s, sys);
                if r <= p.de_ruiter_max {
                    pairs.push((r, i, sid));
                }
            }
        }
        // Deterministic one-to-one resolution: closest pairs first.
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let mut det_source: Vec<Option<u64>> = vec![None; dets.len()];
        let mut taken: HashSet<u64> = HashSet::new();
        let mut contested: HashSet<u64> = HashSet::new();
        let mut had_candidate = vec![false; dets.len()];
        for &(_, i, sid) in &pairs {
            had_candidate[i] = true;
            if det_source[i].is_some() {
                continue;
            }
            if taken.contains(&sid) {
                contested.insert(sid);
                continue;
            }
            det_source[i] = Some(sid);
            taken.insert(sid);
        }
        for (i, d) in dets.iter_mut().enumerate() {
            let sid = match det_source[i] {
                Some(sid) => sid,
                None => {
                    if had_candidate[i] {
                        d.flags |= FLAG_AMBIGUOUS;
                    }
                    self.new_source(d)?
                }
            };
            d.source_id = sid;
            d.image_id = image_id;
            self.insert_measurement(d)?;
        }
        for sid in contested {
            if let Some(mut s) = self.load_source(sid)? {
                s.flags |= FLAG_AMBIGUOUS;
                self.save_source(&s)?;
            }
        }
        // Forced measurements for known sources that the finder missed here.
        for (sid, f) in forced.iter_mut() {
            if taken.contains(sid) {
                continue;
            }
            let Some(s) = self.load_source(*sid)? else {
                continue;
            };
            if s.n_detections < p.forced_min_detections {
                continue;
            }
            f.source_id = *sid;
            f.image_id = image_id;
            f.forced = true;
            self.insert_measurement(f)?;
        }
        Ok(())
    }

    fn new_source(&mut self, d: &Detection) -> Result<u64> {
        let id = bump(&mut self.meta, super::schema::KEY_NEXT_SOURCE)?;
        let name = naming::iau_name(d.ra_deg, d.dec_deg);
        let s = SkySource {
            id,
            name: name.clone(),
            ra_deg: d.ra_deg,
            dec_deg: d.dec_deg,
            sums: SourceSums {
                ref_ra: d.ra_deg,
                ref_dec: d.dec_deg,
                cell: sky::cell_of(d.ra_deg, d.dec_deg),
                ..Default::default()
            },
            ..Default::default()
        };
        self.source_cells.insert((s.sums.cell, id), ())?;
        if self.source_by_name.get(name.as_str())?.is_none() {
            self.source_by_name.insert(name.as_str(), id)?;
        }
        self.sources.insert(id, encode(&s).as_slice())?;
        Ok(id)
    }

    /// Stores a measurement and adds it to its source's sums.
    fn insert_measurement(&mut self, d: &mut Detection) -> Result<()> {
        d.id = bump(&mut self.meta, super::schema::KEY_NEXT_DET)?;
        self.detections.insert(d.id, encode(d).as_slice())?;
        self.det_by_image.insert((d.image_id, d.id), ())?;
        self.det_by_source
            .insert((d.source_id, mjd_key(d.mjd), d.id), ())?;
        let Some(mut s) = self.load_source(d.source_id)? else {
            return Ok(());
        };
        add_measurement(&mut s, d, &self.params, 1.0);
        refresh(&mut s, &self.params);
        self.save_source(&s)
    }

    /// Takes an image's measurements out of their sources and deletes them.
    pub(super) fn remove_image_detections(&mut self, image_id: u64) -> Result<()> {
        let mut ids = Vec::new();
        for e in self
            .det_by_image
            .range((image_id, 0)..=(image_id, u64::MAX))?
        {
            ids.push(e?.0.value().1);
        }
        let mut touched = HashSet::new();
        for id in ids {
            self.det_by_image.remove((image_id, id))?;
            let bytes = self.detections.remove(id)?.map(|v| v.value().to_vec());
            let Some(bytes) = bytes else { continue };
            let d: Detection = decode("detections", &bytes)?;
            self.det_by_source
                .remove((d.source_id, mjd_key(d.mjd), d.id))?;
            touched.insert(d.source_id);
        }
        let mut touched: Vec<u64> = touched.into_iter().collect();
        touched.sort_unstable();
        for sid in touched {
            self.recompute_source(sid)?;
        }
        Ok(())
    }

    /// Rebuilds a source's sums from its remaining measurements (after a removal, which cannot
    /// undo a maximum); deletes it when none remain.
    fn recompute_source(&mut self, sid: u64) -> Result<()> {
        let Some(mut s) = self.load_source(sid)? else {
            return Ok(());
        };
        let mut meas = Vec::new();
        for e in self
            .det_by_source
            .range((sid, i64::MIN, 0)..=(sid, i64::MAX, u64::MAX))?
        {
            let det_id = e?.0.value().2;
            if let Some(v) = self.detections.get(det_id)? {
                meas.push(decode::<Detection>("detections", v.value())?);
            }
        }
        self.source_cells.remove((s.sums.cell, sid))?;
        let was_variable = s.is_variable;
        if meas.is_empty() {
            self.count_variable(was_variable, false)?;
            self.sources.remove(sid)?;
            if self.source_by_name.get(s.name.as_str())?.map(|v| v.value()) == Some(sid) {
                self.source_by_name.remove(s.name.as_str())?;
            }
            return Ok(());
        }
        let cell = s.sums.cell;
        s.sums = SourceSums {
            ref_ra: s.sums.ref_ra,
            ref_dec: s.sums.ref_dec,
            cell,
            ..Default::default()
        };
        s.n_detections = 0;
        s.n_forced = 0;
        s.first_detected_mjd = 0.0;
        s.last_detected_mjd = 0.0;
        s.max_flux_jy = f64::MIN;
        s.min_flux_jy = f64::MAX;
        for d in &meas {
            add_measurement(&mut s, d, &self.params, 1.0);
        }
        refresh(&mut s, &self.params);
        self.count_variable(was_variable, s.is_variable)?;
        self.source_cells.insert((s.sums.cell, sid), ())?;
        self.sources.insert(sid, encode(&s).as_slice())?;
        Ok(())
    }

    /// Keeps the variable-source count in step with a source's flag changing.
    fn count_variable(&mut self, was: bool, is: bool) -> Result<()> {
        if was == is {
            return Ok(());
        }
        let key = super::schema::KEY_VARIABLE_SOURCES;
        let n = self.meta.get(key)?.map(|v| v.value()).unwrap_or(0);
        let n = if is { n + 1 } else { n.saturating_sub(1) };
        self.meta.insert(key, n)?;
        Ok(())
    }

    fn load_source(&self, sid: u64) -> Result<Option<SkySource>> {
        let v = self.sources.get(sid)?;
        v.map(|v| decode("sources", v.value())).transpose()
    }

    /// Saves a source, moving its cell entry when its mean position crossed a cell boundary.
    fn save_source(&mut self, s: &SkySource) -> Result<()> {
        let old = self
            .load_source(s.id)?
            .map(|o| (o.sums.cell, o.is_variable));
        if let Some((old, was_variable)) = old {
            self.count_variable(was_variable, s.is_variable)?;
            if old != s.sums.cell {
                self.source_cells.remove((old, s.id))?;
                self.source_cells.insert((s.sums.cell, s.id), ())?;
            }
        }
        self.sources.insert(s.id, encode(s).as_slice())?;
        Ok(())
    }

    fn sources_in_cone(&self, ra: f64, dec: f64, radius_deg: f64) -> Result<Vec<u64>> {
        let mut out = Vec::new();
        for r in sky::cone_ranges(ra, dec, radius_deg) {
            for e in self.source_cells.range((r.start, 0)..(r.end, 0))? {
                out.push(e?.0.value().1);
            }
        }
        Ok(out)
    }
}

/// de Ruiter radius between a detection and a source (errors in quadrature, with the systematic
/// position error added to the detection; RA wrap handled).
pub fn de_ruiter(d: &Detection, s: &SkySource, sys_arcsec: f64) -> f64 {
    let mean_dec = ((d.dec_deg + s.dec_deg) / 2.0).to_radians();
    let dra = ((d.ra_deg - s.ra_deg + 540.0).rem_euclid(360.0) - 180.0) * mean_dec.cos() * 3600.0;
    let ddec = (d.dec_deg - s.dec_deg) * 3600.0;
    let sa2 = d.ra_err_arcsec.powi(2) + sys_arcsec.powi(2) + s.ra_err_arcsec.powi(2);
    let sd2 = d.dec_err_arcsec.powi(2) + sys_arcsec.powi(2) + s.dec_err_arcsec.powi(2);
    (dra * dra / sa2.max(1e-12) + ddec * ddec / sd2.max(1e-12)).sqrt()
}

/// Adds one measurement to a source's sums and counters.
fn add_measurement(s: &mut SkySource, d: &Detection, p: &sky::SourceParams, sign: f64) {
    let sums = &mut s.sums;
    if !d.forced {
        let sys2 = p.position_sys_err_arcsec.powi(2);
        let wr = 1.0 / (d.ra_err_arcsec.powi(2) + sys2).max(1e-12);
        let wd = 1.0 / (d.dec_err_arcsec.powi(2) + sys2).max(1e-12);
        let dra = ((d.ra_deg - sums.ref_ra + 540.0).rem_euclid(360.0) - 180.0)
            * sums.ref_dec.to_radians().cos()
            * 3600.0;
        let ddec = (d.dec_deg - sums.ref_dec) * 3600.0;
        sums.w_ra += sign * wr;
        sums.w_dra += sign * wr * dra;
        sums.w_dec += sign * wd;
        sums.w_ddec += sign * wd * ddec;
        s.n_detections += 1;
        if s.first_detected_mjd == 0.0 || d.mjd < s.first_detected_mjd {
            s.first_detected_mjd = d.mjd;
        }
        s.last_detected_mjd = s.last_detected_mjd.max(d.mjd);
    } else {
        s.n_forced += 1;
    }
    let err = (d.peak_err_jy.powi(2) + (p.flux_sys_err_frac * d.peak_jy).powi(2)).sqrt();
    variability::add_flux(sums, d.peak_jy, err, sign);
    if s.sums.n == 1 {
        s.max_flux_jy = d.peak_jy;
        s.min_flux_jy = d.peak_jy;
    } else {
        s.max_flux_jy = s.max_flux_jy.max(d.peak_jy);
        s.min_flux_jy = s.min_flux_jy.min(d.peak_jy);
    }
}

/// Derived fields from the sums.
fn refresh(s: &mut SkySource, p: &sky::SourceParams) {
    let sums = &s.sums;
    if sums.w_ra > 0.0 && sums.w_dec > 0.0 {
        let dra = sums.w_dra / sums.w_ra;
        let ddec = sums.w_ddec / sums.w_dec;
        s.dec_deg = sums.ref_dec + ddec / 3600.0;
        s.ra_deg = (sums.ref_ra + dra / 3600.0 / sums.ref_dec.to_radians().cos()).rem_euclid(360.0);
        s.ra_err_arcsec = 1.0 / sums.w_ra.sqrt();
        s.dec_err_arcsec = 1.0 / sums.w_dec.sqrt();
    }
    s.mean_flux_jy = if sums.n > 0 {
        sums.ss / sums.n as f64
    } else {
        0.0
    };
    let (v, eta) = variability::metrics(sums);
    s.v = v;
    s.eta = eta;
    s.is_variable = sums.n >= p.min_epochs && (eta > p.eta_threshold || v > p.v_threshold);
    s.sums.cell = sky::cell_of(s.ra_deg, s.dec_deg);
}

/// Filters and order of [`Store::sources`].
#[derive(Debug, Clone, Default)]
pub struct SourceQuery {
    /// (ra, dec, radius arcsec).
    pub cone: Option<(f64, f64, f64)>,
    /// Only variables.
    pub variable: bool,
    /// At least this many detections.
    pub min_detections: u32,
    /// eta, v, flux, n or name (default: id).
    pub sort: Option<String>,
    /// At most this many.
    pub limit: Option<usize>,
}

impl Store {
    /// Sky sources, filtered and sorted.
    pub fn sources(&self, q: &SourceQuery) -> Result<Vec<SkySource>> {
        let rtx = self.read()?;
        let sources = rtx.open_table(super::schema::SOURCES)?;
        let mut out = Vec::new();
        let mut keep = |s: SkySource| {
            if q.variable && !s.is_variable {
                return;
            }
            if s.n_detections < q.min_detections {
                return;
            }
            if let Some((ra, dec, r)) = q.cone {
                if separation_deg(ra, dec, s.ra_deg, s.dec_deg) * 3600.0 > r {
                    return;
                }
            }
            out.push(s);
        };
        if let Some((ra, dec, r)) = q.cone {
            let cells = rtx.open_table(super::schema::SOURCE_CELLS)?;
            // Pad by a cell so sources whose mean moved within their cell are not missed.
            for range in sky::cone_ranges(ra, dec, r / 3600.0 + 0.02) {
                for e in cells.range((range.start, 0)..(range.end, 0))? {
                    let sid = e?.0.value().1;
                    if let Some(v) = sources.get(sid)? {
                        keep(decode("sources", v.value())?);
                    }
                }
            }
        } else {
            for e in sources.iter()? {
                let (_, v) = e?;
                keep(decode("sources", v.value())?);
            }
        }
        match q.sort.as_deref() {
            Some("eta") => out.sort_by(|a, b| b.eta.total_cmp(&a.eta)),
            Some("v") => out.sort_by(|a, b| b.v.total_cmp(&a.v)),
            Some("flux") => out.sort_by(|a, b| b.mean_flux_jy.total_cmp(&a.mean_flux_jy)),
            Some("n") => out.sort_by_key(|s| std::cmp::Reverse(s.n_detections)),
            Some("name") => out.sort_by(|a, b| a.name.cmp(&b.name)),
            _ => out.sort_by_key(|s| s.id),
        }
        if let Some(l) = q.limit {
            out.truncate(l);
        }
        Ok(out)
    }

    /// One source by id or name.
    pub fn source(&self, key: &str) -> Result<Option<SkySource>> {
        let rtx = self.read()?;
        let sources = rtx.open_table(super::schema::SOURCES)?;
        let id = match key.parse::<u64>() {
            Ok(id) => Some(id),
            Err(_) => {
                let names = rtx.open_table(super::schema::SOURCE_BY_NAME)?;
                let id = names.get(key)?.map(|v| v.value());
                id
            }
        };
        let Some(id) = id else { return Ok(None) };
        let v = sources.get(id)?;
        v.map(|v| decode("sources", v.value())).transpose()
    }

    /// A source's measurements in time order.
    pub fn lightcurve(&self, source_id: u64) -> Result<Vec<Detection>> {
        let rtx = self.read()?;
        let idx = rtx.open_table(super::schema::DET_BY_SOURCE)?;
        let dets = rtx.open_table(super::schema::DETECTIONS)?;
        let mut out = Vec::new();
        for e in idx.range((source_id, i64::MIN, 0)..=(source_id, i64::MAX, u64::MAX))? {
            let id = e?.0.value().2;
            if let Some(v) = dets.get(id)? {
                out.push(decode("detections", v.value())?);
            }
        }
        Ok(out)
    }

    /// An image's measurements (detections and forced).
    pub fn detections_of_image(&self, image_id: u64) -> Result<Vec<Detection>> {
        let rtx = self.read()?;
        let idx = rtx.open_table(super::schema::DET_BY_IMAGE)?;
        let dets = rtx.open_table(super::schema::DETECTIONS)?;
        let mut out = Vec::new();
        for e in idx.range((image_id, 0)..=(image_id, u64::MAX))? {
            let id = e?.0.value().1;
            if let Some(v) = dets.get(id)? {
                out.push(decode("detections", v.value())?);
            }
        }
        Ok(out)
    }

    /// Sources (id, ra, dec) detected at least `min_detections` times within a cone: the
    /// candidates for forced measurements in a new image.
    pub fn sources_for_forced(
        &self,
        ra: f64,
        dec: f64,
        radius_deg: f64,
        min_detections: u32,
    ) -> Result<Vec<(u64, f64, f64)>> {
        let rtx = self.read()?;
        let cells = rtx.open_table(super::schema::SOURCE_CELLS)?;
        let sources = rtx.open_table(super::schema::SOURCES)?;
        let mut out = Vec::new();
        for range in sky::cone_ranges(ra, dec, radius_deg) {
            for e in cells.range((range.start, 0)..(range.end, 0))? {
                let sid = e?.0.value().1;
                if let Some(v) = sources.get(sid)? {
                    let s: SkySource = decode("sources", v.value())?;
                    if s.n_detections >= min_detections {
                        out.push((sid, s.ra_deg, s.dec_deg));
                    }
                }
            }
        }
        Ok(out)
    }
}
