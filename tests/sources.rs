//! Source finding, association and variability on synthetic images with injected sources,
//! written to disk and indexed for real. Prints the measured figures.

mod common;

use std::collections::HashSet;
use std::path::Path;

use obsmon::fits::wcs::separation_deg;
use obsmon::ingest::{run_index, IndexOptions};
use obsmon::store::records::{Detection, SkySource};
use obsmon::store::{SourceQuery, Store};
use obsmon::synth::{Sky, SkyConfig};

const NOISE: f64 = 0.95e-3;
const BEAM: f64 = 12.0;

fn index(dir: &Path, store: &Store) {
    let s = run_index(&[dir.to_path_buf()], store, &IndexOptions::default()).unwrap();
    assert_eq!(s.failed, 0, "{:?}", s.failures);
}

fn image_detections(store: &Store, path: &Path) -> Vec<Detection> {
    let rec = store
        .image_by_path(&path.to_string_lossy())
        .unwrap()
        .unwrap();
    store
        .detections_of_image(rec.id)
        .unwrap()
        .into_iter()
        .filter(|d| !d.forced)
        .collect()
}

fn nearest(dets: &[Detection], ra: f64, dec: f64) -> Option<(&Detection, f64)> {
    dets.iter()
        .map(|d| (d, separation_deg(ra, dec, d.ra_deg, d.dec_deg) * 3600.0))
        .min_by(|a, b| a.1.total_cmp(&b.1))
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

#[test]
fn finder_association_and_variability_on_ten_epochs() {
    let dir = tempfile::tempdir().unwrap();
    let imgs = dir.path().join("imgs");
    std::fs::create_dir(&imgs).unwrap();
    let sky = Sky::new(SkyConfig {
        size: 2048,
        n_sources: 400,
        variable_fraction: 0.1,
        seed: 42,
        ..Default::default()
    });
    for e in 0..10 {
        sky.write_epoch(&imgs, e).unwrap();
    }
    let store = Store::open(&dir.path().join("s.redb")).unwrap();
    index(&imgs, &store);

    let (mut complete, mut bright) = (Vec::new(), 0usize);
    let (mut pos_err, mut bias) = (Vec::new(), Vec::new());
    let mut false_dets = 0;
    for e in 0..10 {
        let path = std::path::absolute(imgs.join(sky.file_name(e))).unwrap();
        let dets = image_detections(&store, &path);
        let mut matched = HashSet::new();
        for s in &sky.sources {
            let flux = sky.flux_at(s, e);
            let snr = flux / NOISE;
            let hit = nearest(&dets, s.ra_deg, s.dec_deg).filter(|(_, d)| *d < 0.5 * BEAM);
            if let Some((d, _)) = hit {
                matched.insert(d.id);
            }
            if snr >= 10.0 {
                complete.push(hit.is_some());
            }
            if snr >= 20.0 {
                bright += 1;
                if let Some((d, sep)) = hit {
                    pos_err.push(sep);
                    bias.push(d.peak_jy / flux - 1.0);
                }
            }
        }
        false_dets += dets.iter().filter(|d| !matched.contains(&d.id)).count();
    }
    let completeness = complete.iter().filter(|c| **c).count() as f64 / complete.len() as f64;
    let med_pos = median(pos_err.clone()) / BEAM;
    let med_bias = median(bias.iter().map(|b| b.abs()).collect());
    println!(
        "completeness (true SNR >= 10): {:.4} of {}; median position error (SNR >= 20): {:.4} beam; \
         median |peak bias| (SNR >= 20): {:.4}; unmatched detections in 10 epochs with sources: {}",
        completeness,
        complete.len(),
        med_pos,
        med_bias,
        false_dets
    );
    assert!(completeness >= 0.98);
    assert!(med_pos <= 0.1);
    assert!(med_bias <= 0.03);
    assert_eq!(pos_err.len(), bright, "every SNR >= 20 source found");

    // Variability across the 10 epochs.
    let all = store
        .sources(&SourceQuery {
            limit: None,
            ..Default::default()
        })
        .unwrap();
    let find = |ra: f64, dec: f64| -> Option<&SkySource> {
        all.iter()
            .map(|s| (s, separation_deg(ra, dec, s.ra_deg, s.dec_deg) * 3600.0))
            .filter(|(_, d)| *d < 0.5 * BEAM)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(s, _)| s)
    };
    let (mut var_n, mut var_flagged, mut steady_n, mut steady_flagged) = (0, 0, 0, 0);
    for s in &sky.sources {
        if s.mean_flux_jy / NOISE < 20.0 {
            continue;
        }
        let found = find(s.ra_deg, s.dec_deg).expect("bright source has a sky source");
        assert_eq!(
            found.n_detections, 10,
            "one sky source per object: {found:?}"
        );
        if s.variable {
            var_n += 1;
            var_flagged += found.is_variable as usize;
        } else {
            steady_n += 1;
            steady_flagged += found.is_variable as usize;
        }
    }
    println!(
        "variables flagged: {var_flagged}/{var_n}; steady sources flagged: {steady_flagged}/{steady_n}"
    );
    assert!(var_n >= 10);
    assert_eq!(var_flagged, var_n);
    assert!((steady_flagged as f64) < 0.01 * steady_n as f64);
    assert_eq!(
        store.variable_count().unwrap() as usize,
        all.iter().filter(|s| s.is_variable).count(),
        "the kept variable count equals a count of the rows"
    );

    // Light curves: time ordered, one point per epoch.
    let v = all
        .iter()
        .find(|s| s.is_variable && s.n_detections == 10)
        .unwrap();
    let lc = store.lightcurve(v.id).unwrap();
    assert_eq!(lc.len(), 10);
    assert!(lc.windows(2).all(|w| w[0].mjd < w[1].mjd));
    assert_eq!(store.source(&v.name).unwrap().unwrap().id, v.id);

    // A cone search finds exactly the sources within the radius.
    let c = &sky.sources[0];
    let cone = store
        .sources(&SourceQuery {
            cone: Some((c.ra_deg, c.dec_deg, 300.0)),
            ..Default::default()
        })
        .unwrap();
    let brute: Vec<u64> = all
        .iter()
        .filter(|s| separation_deg(c.ra_deg, c.dec_deg, s.ra_deg, s.dec_deg) * 3600.0 <= 300.0)
        .map(|s| s.id)
        .collect();
    let mut got: Vec<u64> = cone.iter().map(|s| s.id).collect();
    got.sort_unstable();
    assert_eq!(got, brute);
}

#[test]
fn pure_noise_gives_almost_no_detections() {
    let dir = tempfile::tempdir().unwrap();
    let imgs = dir.path().join("noise");
    std::fs::create_dir(&imgs).unwrap();
    for seed in 0..10 {
        let sky = Sky::new(SkyConfig {
            size: 2048,
            n_sources: 0,
            seed: 1000 + seed,
            start: chrono::DateTime::from_timestamp(1_761_658_207 + seed as i64 * 300, 0).unwrap(),
            ..Default::default()
        });
        sky.write_epoch(&imgs, 0).unwrap();
    }
    let store = Store::open(&dir.path().join("n.redb")).unwrap();
    index(&imgs, &store);
    let n: u32 = store
        .images(&Default::default())
        .unwrap()
        .iter()
        .map(|r| r.n_sources.unwrap())
        .sum();
    println!("false detections in 10 pure-noise 2048 px images: {n}");
    assert!(n <= 2);
}

#[test]
fn forced_measurements_and_reindex_consistency() {
    let dir = tempfile::tempdir().unwrap();
    let imgs = dir.path().join("imgs");
    std::fs::create_dir(&imgs).unwrap();
    // One bright steady source that vanishes in the third epoch.
    let cfg = SkyConfig {
        size: 256,
        n_sources: 1,
        snr_range: (100.0, 100.0),
        variable_fraction: 0.0,
        ..Default::default()
    };
    let sky = Sky::new(cfg.clone());
    sky.write_epoch(&imgs, 0).unwrap();
    sky.write_epoch(&imgs, 1).unwrap();
    let store = Store::open(&dir.path().join("f.redb")).unwrap();
    index(&imgs, &store);
    let gone = Sky::new(SkyConfig {
        n_sources: 0,
        ..cfg.clone()
    });
    gone.write_epoch(&imgs, 2).unwrap();
    index(&imgs, &store);
    let srcs = store.sources(&Default::default()).unwrap();
    assert_eq!(srcs.len(), 1, "{srcs:?}");
    let s = &srcs[0];
    assert_eq!((s.n_detections, s.n_forced), (2, 1));
    let lc = store.lightcurve(s.id).unwrap();
    assert_eq!(lc.len(), 3);
    assert!(lc[2].forced);
    assert!(
        lc[2].peak_jy.abs() < 5.0 * NOISE,
        "a fall, not a gap: {:?}",
        lc[2]
    );
    assert!(s.is_variable, "100 mJy -> 0 is variable: {s:?}");
    assert_eq!(
        store.variable_count().unwrap(),
        1,
        "the kept count follows the flag"
    );

    // The second epoch vanishes: its detection leaves the source.
    std::fs::remove_file(imgs.join(sky.file_name(1))).unwrap();
    index(&imgs, &store);
    let s = store.source(&s.id.to_string()).unwrap().unwrap();
    assert_eq!((s.n_detections, s.n_forced), (1, 1));
    assert_eq!(store.lightcurve(s.id).unwrap().len(), 2);

    // The first epoch vanishes too: only a forced measurement is left, then nothing.
    std::fs::remove_file(imgs.join(sky.file_name(0))).unwrap();
    std::fs::remove_file(imgs.join(gone.file_name(2))).unwrap();
    index(&imgs, &store);
    assert!(store.sources(&Default::default()).unwrap().is_empty());
    assert_eq!(
        store.variable_count().unwrap(),
        0,
        "a deleted variable leaves the count"
    );
}
