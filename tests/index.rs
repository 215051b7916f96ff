//! `obsmon index` on files the test writes: good, odd-but-valid, and broken.

mod common;

use std::fs;
use std::io::Write;
use std::path::Path;

use common::*;
use obsmon::fits::write::{raw_card, FitsWriter, Val};
use obsmon::ingest::{run_index, worker, IndexOptions};
use obsmon::store::records::ImageRecord;
use obsmon::store::Store;

fn index(dir: &Path, store: &Store) -> obsmon::ingest::IndexSummary {
    run_index(&[dir.to_path_buf()], store, &IndexOptions::default()).unwrap()
}

fn job(store: &Store, path: &Path) -> (String, String) {
    let abs = std::path::absolute(path).unwrap();
    let j = store
        .job_by_path(&abs.to_string_lossy())
        .unwrap()
        .unwrap_or_else(|| panic!("no job for {}", path.display()));
    (j.state, j.reason.unwrap_or_default())
}

fn image(store: &Store, path: &Path) -> ImageRecord {
    let abs = std::path::absolute(path).unwrap();
    store
        .image_by_path(&abs.to_string_lossy())
        .unwrap()
        .unwrap_or_else(|| panic!("no image row for {}", path.display()))
}

/// Writes every kind of bad and odd input named in the foundation issue into one directory.
fn write_zoo(d: &Path) {
    // A zero-byte file.
    fs::write(d.join("empty.fits"), b"").unwrap();
    // Random bytes named .fits.
    let junk: Vec<u8> = (0..5000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    fs::write(d.join("random.fits"), &junk).unwrap();
    // A header without END, and nothing after it (a writer that stopped mid-header).
    let mut h = Vec::new();
    for c in [
        "SIMPLE  = T",
        "BITPIX  = -32",
        "NAXIS   = 2",
        "NAXIS1  = 10",
        "NAXIS2  = 10",
    ] {
        h.extend_from_slice(&raw_card(c));
    }
    h.resize(2880, b' ');
    fs::write(d.join("noend.fits"), &h).unwrap();
    // A header without END followed by binary data.
    let mut h2 = h.clone();
    h2.extend(std::iter::repeat_n(0xA5u8, 2880));
    fs::write(d.join("noend-binary.fits"), &h2).unwrap();
    // A truncated data unit.
    let mut w = FitsWriter::new();
    sin_wcs(&mut w, 100, 10.0, 20.0);
    let mut bytes = w.header_bytes(-32, &[100, 100], false);
    bytes.extend(f32_bytes(&plane(100, 1.0)).into_iter().take(20_000));
    fs::write(d.join("truncated.fits"), &bytes).unwrap();
    // A header claiming NAXIS1 = NAXIS2 = 10^9.
    let mut huge = FitsWriter::new().header_bytes(-32, &[1_000_000_000, 1_000_000_000], false);
    huge.extend(vec![0u8; 2880]);
    fs::write(d.join("huge.fits"), &huge).unwrap();
    // An all-NaN image.
    let mut w = FitsWriter::new();
    sin_wcs(&mut w, 32, 10.0, 20.0);
    write_f32(
        &d.join("allnan.fits"),
        &w,
        &[32, 32],
        &vec![f32::NAN; 32 * 32],
    );
    // BITPIX 16 with BSCALE/BZERO/BLANK: physical = 0.5 * raw + 100; raw -32768 is blank.
    let mut w = FitsWriter::new();
    w.key("BSCALE", Val::Float(0.5))
        .key("BZERO", Val::Float(100.0))
        .key("BLANK", Val::Int(-32768));
    sin_wcs(&mut w, 20, 10.0, 20.0);
    let mut raw: Vec<i16> = (0..400).map(|i| (i % 7) as i16 - 3).collect();
    raw[0] = -32768;
    raw[1] = -32768;
    raw[210] = 1000; // physical 600
    let mut bytes = w.header_bytes(16, &[20, 20], false);
    bytes.extend(i16_bytes(&raw));
    fs::write(d.join("scaled16.fits"), &bytes).unwrap();
    // A 4-D WSClean-style image.
    let mut w = FitsWriter::new();
    w.key("BUNIT", Val::Str("JY/BEAM".into()))
        .key("BMAJ", Val::Float(12.0 / 3600.0))
        .key("BMIN", Val::Float(11.0 / 3600.0))
        .key("BPA", Val::Float(33.0));
    sin_wcs(&mut w, 64, 150.0, 37.2);
    w.key("CTYPE3", Val::Str("FREQ".into()))
        .key("CRPIX3", Val::Float(1.0))
        .key("CRVAL3", Val::Float(1.405e9))
        .key("CDELT3", Val::Float(2.5e8))
        .key("CTYPE4", Val::Str("STOKES".into()))
        .key("CRVAL4", Val::Float(1.0))
        .key("DATE-OBS", Val::Str("2025-10-28T13:30:07.0".into()))
        .key("TELESCOP", Val::Str("DSA-110".into()));
    write_f32(
        &d.join("obs-MFS-image.fits"),
        &w,
        &[64, 64, 1, 1],
        &plane(64, 0.5),
    );
    // A 3-D cube: 3 planes; the first plane's peak is 2.0, the others' 9.0.
    let mut w = FitsWriter::new();
    sin_wcs(&mut w, 16, 10.0, 20.0);
    w.key("CTYPE3", Val::Str("FREQ".into()))
        .key("CRPIX3", Val::Float(2.0))
        .key("CRVAL3", Val::Float(1.4e9))
        .key("CDELT3", Val::Float(1e6));
    let mut cube = plane(16, 2.0);
    cube.extend(plane(16, 9.0));
    cube.extend(plane(16, 9.0));
    write_f32(&d.join("cube.fits"), &w, &[16, 16, 3], &cube);
    // An image in an extension behind an empty primary HDU.
    let mut bytes = FitsWriter::new().header_bytes(8, &[], false);
    let mut w = FitsWriter::new();
    sin_wcs(&mut w, 24, 45.0, -30.0);
    bytes.extend(w.header_bytes(-32, &[24, 24], true));
    bytes.extend(f32_bytes(&plane(24, 3.0)));
    fs::write(d.join("extension.fits"), &bytes).unwrap();
    // gzip: whole, and truncated.
    let mut w = FitsWriter::new();
    sin_wcs(&mut w, 32, 10.0, 20.0);
    let mut raw = w.header_bytes(-32, &[32, 32], false);
    raw.extend(f32_bytes(&plane(32, 4.0)));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&raw).unwrap();
    let gz = gz.finish().unwrap();
    fs::write(d.join("gzipped.fits.gz"), &gz).unwrap();
    fs::write(d.join("gzip-truncated.fits.gz"), &gz[..gz.len() / 2]).unwrap();
    // Tile-compressed, written by cfitsio itself.
    write_tile_compressed(&d.join("tiled.fits.fz"));
    // No WCS at all.
    write_f32(
        &d.join("nowcs.fits"),
        &FitsWriter::new(),
        &[16, 16],
        &plane(16, 1.0),
    );
    // Not FITS and not named FITS: ignored; a CASA image directory: skipped.
    fs::write(d.join("notes.txt"), b"hello").unwrap();
    fs::create_dir(d.join("obs.image")).unwrap();
    fs::write(d.join("obs.image").join("table.dat"), b"").unwrap();
    // A temporary name: ignored.
    fs::write(d.join("partial.fits.tmp"), b"SIMPLE  =").unwrap();
}

fn write_tile_compressed(path: &Path) {
    use fitsio::images::{ImageDescription, ImageType};
    let spec = format!("{}[compress]", path.display());
    let mut f = fitsio::FitsFile::create(&spec).open().unwrap();
    let desc = ImageDescription {
        data_type: ImageType::Float,
        dimensions: &[40, 40],
    };
    let hdu = f.create_image("SCI", &desc).unwrap();
    hdu.write_key(&mut f, "CTYPE1", "RA---TAN").unwrap();
    hdu.write_key(&mut f, "CTYPE2", "DEC--TAN").unwrap();
    hdu.write_key(&mut f, "CRPIX1", 20.5).unwrap();
    hdu.write_key(&mut f, "CRPIX2", 20.5).unwrap();
    hdu.write_key(&mut f, "CRVAL1", 200.0).unwrap();
    hdu.write_key(&mut f, "CRVAL2", -10.0).unwrap();
    hdu.write_key(&mut f, "CDELT1", -0.001).unwrap();
    hdu.write_key(&mut f, "CDELT2", 0.001).unwrap();
    hdu.write_image(&mut f, &plane(40, 7.0)).unwrap();
}

#[test]
fn every_bad_and_odd_input_ends_in_the_right_state() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_zoo(d);
    let store = Store::open(&dir.path().join("db").join("x.redb")).unwrap();
    let s = index(d, &store);

    let expect = [
        ("empty.fits", "incomplete", "empty"),
        ("random.fits", "failed", "not a FITS file"),
        ("noend.fits", "incomplete", "without an END card"),
        ("noend-binary.fits", "failed", "END card missing"),
        ("truncated.fits", "incomplete", "needs 43200 bytes"),
        ("huge.fits", "failed", "1000000000 x 1000000000"),
        (
            "gzip-truncated.fits.gz",
            "incomplete",
            "gzip stream ends early",
        ),
        ("allnan.fits", "done", ""),
        ("scaled16.fits", "done", ""),
        ("obs-MFS-image.fits", "done", ""),
        ("cube.fits", "done", ""),
        ("extension.fits", "done", ""),
        ("gzipped.fits.gz", "done", ""),
        ("tiled.fits.fz", "done", ""),
        ("nowcs.fits", "done", ""),
    ];
    for (name, state, reason) in expect {
        let (st, why) = job(&store, &d.join(name));
        assert_eq!(st, state, "{name}: {why}");
        assert!(
            why.contains(reason),
            "{name}: reason {why:?} lacks {reason:?}"
        );
    }
    assert_eq!(s.failed, 3, "{s:?}");
    assert_eq!(s.incomplete, 4, "{s:?}");
    assert_eq!(s.indexed, 8, "{s:?}");
    assert_eq!(s.skipped, 1, "CASA directory: {s:?}");
    assert_eq!(s.failures.len(), 3);
    // Ignored names and non-FITS files are not jobs.
    for name in ["notes.txt", "partial.fits.tmp"] {
        let abs = std::path::absolute(d.join(name)).unwrap();
        assert!(store.job_by_path(&abs.to_string_lossy()).unwrap().is_none());
    }

    let nan = image(&store, &d.join("allnan.fits"));
    assert_eq!(nan.nan_fraction, Some(1.0));
    assert_eq!(nan.noise_jy, None);
    assert_eq!(nan.peak_jy, None);

    let s16 = image(&store, &d.join("scaled16.fits"));
    assert_eq!(s16.bitpix, Some(16));
    assert_eq!(s16.peak_jy, Some(600.0));
    assert_eq!(s16.min_jy, Some(98.5));
    assert!((s16.nan_fraction.unwrap() - 2.0 / 400.0).abs() < 1e-12);

    let ws = image(&store, &d.join("obs-MFS-image.fits"));
    assert_eq!(ws.shape, vec![64, 64, 1, 1]);
    assert_eq!(ws.kind, "image");
    assert_eq!(ws.freq_ghz, Some(1.405));
    assert_eq!(ws.bandwidth_mhz, Some(250.0));
    assert!((ws.beam_major_arcsec.unwrap() - 12.0).abs() < 1e-9);
    assert!((ws.beam_minor_arcsec.unwrap() - 11.0).abs() < 1e-9);
    assert_eq!(ws.beam_pa_deg, Some(33.0));
    assert_eq!(ws.time_source, "header");
    assert_eq!(ws.date_obs.as_deref(), Some("2025-10-28T13:30:07Z"));
    assert!((ws.mjd.unwrap() - 60976.562581).abs() < 1e-5);
    assert_eq!(ws.telescope.as_deref(), Some("DSA-110"));
    assert_eq!(ws.projection.as_deref(), Some("SIN"));
    assert!((ws.cellsize_arcsec.unwrap() - 2.5).abs() < 1e-9);
    // The centre pixel (32.5, 32.5) is half a pixel from CRPIX (33): not CRVAL.
    let (ra, dec) = (ws.center_ra_deg.unwrap(), ws.center_dec_deg.unwrap());
    assert!((dec - (37.2 - 0.5 * 2.5 / 3600.0)).abs() < 1e-7, "{dec}");
    assert!(
        (ra - (150.0 + 0.5 * 2.5 / 3600.0 / 37.2f64.to_radians().cos())).abs() < 1e-7,
        "{ra}"
    );
    assert_eq!(ws.peak_jy, Some(0.5));
    let noise = ws.noise_jy.unwrap();
    // Uniform noise on [-1e-3, 1e-3): MAD = 0.5e-3.
    assert!((noise - 1.4826 * 0.5e-3).abs() < 0.05e-3, "{noise}");
    assert!((ws.dynamic_range.unwrap() - 0.5 / noise).abs() < 1e-6);

    let cube = image(&store, &d.join("cube.fits"));
    assert_eq!(cube.peak_jy, Some(2.0), "first plane only");
    assert!((cube.freq_ghz.unwrap() - 1.399).abs() < 1e-12);

    let ext = image(&store, &d.join("extension.fits"));
    assert_eq!(ext.hdu, Some(1));
    assert_eq!(ext.peak_jy, Some(3.0));
    assert!((ext.center_dec_deg.unwrap() + 30.0).abs() < 0.01);

    assert_eq!(image(&store, &d.join("gzipped.fits.gz")).peak_jy, Some(4.0));
    let tiled = image(&store, &d.join("tiled.fits.fz"));
    assert_eq!(tiled.hdu, Some(1));
    assert_eq!(tiled.shape, vec![40, 40]);
    assert_eq!(tiled.projection.as_deref(), Some("TAN"));
    // RICE quantisation of floats is lossy: the peak survives to a part in 1e3.
    assert!((tiled.peak_jy.unwrap() - 7.0).abs() < 7e-3);

    let nowcs = image(&store, &d.join("nowcs.fits"));
    assert_eq!(nowcs.center_ra_deg, None);
    assert_eq!(nowcs.projection, None);
    assert_eq!(nowcs.time_source, "mtime");
    assert!(nowcs
        .warnings
        .iter()
        .any(|w| w.contains("no celestial axes")));

    // The database is readable and consistent after all that.
    let c = store.counts().unwrap();
    assert_eq!(c.images, 8);
}

#[test]
fn vanished_and_unreadable_files() {
    let dir = tempfile::tempdir().unwrap();
    // A file deleted between discovery and reading.
    let gone = dir.path().join("gone.fits");
    let out = worker::index_file(&gone, &Default::default(), None, None);
    let job = out.job.unwrap();
    assert_eq!(job.state, "skipped");
    assert!(job.reason.unwrap().contains("vanished"));
    assert!(out.image.is_none());

    // An unreadable file. Root reads everything, so as root the same reason path is taken by a
    // file that is a directory's worth of permission trouble: a path below a regular file.
    let locked = dir.path().join("locked.fits");
    let mut w = FitsWriter::new();
    sin_wcs(&mut w, 8, 1.0, 2.0);
    write_f32(&locked, &w, &[8, 8], &plane(8, 1.0));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    }
    let readable_anyway = fs::File::open(&locked).is_ok();
    let target = if readable_anyway {
        eprintln!("NOTICE: running as root, permission bits do not apply; using ENOTDIR instead");
        locked.join("inner.fits")
    } else {
        locked.clone()
    };
    let job = worker::index_file(&target, &Default::default(), None, None)
        .job
        .unwrap();
    assert_eq!(job.state, "failed", "{job:?}");
    let reason = job.reason.unwrap();
    assert!(
        reason.contains("ermission denied") || reason.contains("Not a directory"),
        "{reason}"
    );
}

#[test]
fn change_detection_missing_and_reindex() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("imgs");
    fs::create_dir(&d).unwrap();
    let store = Store::open(&dir.path().join("x.redb")).unwrap();
    let a = d.join("a-image.fits");
    let b = d.join("b-image.fits");
    let mut w = FitsWriter::new();
    sin_wcs(&mut w, 32, 10.0, 20.0);
    write_f32(&a, &w, &[32, 32], &plane(32, 1.0));
    write_f32(&b, &w, &[32, 32], &plane(32, 2.0));
    let s1 = index(&d, &store);
    assert_eq!((s1.indexed, s1.unchanged), (2, 0));
    let id_a = image(&store, &a).id;
    let gen1 = store.generation().unwrap();

    // Unchanged: nothing read, nothing written.
    let s2 = index(&d, &store);
    assert_eq!((s2.indexed, s2.unchanged, s2.scanned), (0, 2, 2));
    assert_eq!(
        store.generation().unwrap(),
        gen1,
        "an unchanged re-scan commits nothing"
    );

    // Changed: re-indexed in place (same id, new values).
    std::thread::sleep(std::time::Duration::from_millis(20));
    write_f32(&a, &w, &[32, 32], &plane(32, 5.0));
    let s3 = index(&d, &store);
    assert_eq!((s3.indexed, s3.unchanged), (1, 1));
    let ra = image(&store, &a);
    assert_eq!(ra.id, id_a);
    assert_eq!(ra.peak_jy, Some(5.0));
    assert_eq!(store.job_by_path(&ra.path).unwrap().unwrap().attempts, 2);

    // Vanished: marked missing, not deleted; hidden from listings unless asked for.
    fs::remove_file(&b).unwrap();
    let s4 = index(&d, &store);
    assert_eq!(s4.missing, 1);
    let rb = image(&store, &b);
    assert_eq!(rb.state, "missing");
    assert!(rb.missing_since.is_some());
    let listed = store.images(&Default::default()).unwrap();
    assert_eq!(listed.len(), 1);
    let all = store
        .images(&obsmon::store::ImageQuery {
            include_missing: true,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(all.len(), 2);
    // And back again.
    write_f32(&b, &w, &[32, 32], &plane(32, 2.0));
    let s5 = index(&d, &store);
    assert_eq!(s5.indexed, 1);
    assert_eq!(image(&store, &b).state, "indexed");
}

#[test]
fn cli_exit_codes_json_and_queries() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("imgs");
    fs::create_dir(&d).unwrap();
    let db = dir.path().join("cli.redb");
    let mut w = FitsWriter::new();
    sin_wcs(&mut w, 32, 10.0, 20.0);
    w.key("DATE-OBS", Val::Str("2025-10-28T13:30:07".into()))
        .key("OBJECT", Val::Str("FIELD_A".into()));
    write_f32(
        &d.join("2025-10-28T13:30:07.img-image.fits"),
        &w,
        &[32, 32],
        &plane(32, 1.0),
    );
    write_f32(
        &d.join("2025-10-28T13:30:07.img-residual.fits"),
        &w,
        &[32, 32],
        &plane(32, 0.01),
    );

    // Success is silent, exit 0.
    let out = run(&db, &["--index-only", d.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{out:?}");

    // A failure: exit 1, one line `path: reason` on stderr, JSON summary on stdout.
    fs::write(d.join("bad.fits"), b"this is not fits at all").unwrap();
    let out = run(&db, &["index", d.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.fits: not a FITS file"), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for key in [
        "scanned",
        "indexed",
        "unchanged",
        "failed",
        "incomplete",
        "skipped",
        "missing",
        "elapsed_ms",
        "failures",
    ] {
        assert!(v.get(key).is_some(), "missing {key} in {v}");
    }
    assert_eq!(v["failed"], 1);
    assert_eq!(v["unchanged"], 2);
    assert_eq!(
        v["failures"][0]["reason"],
        "not a FITS file (does not start with a SIMPLE card)"
    );

    // Usage error: exit 2.
    let out = run(&db, &["index"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&db, &["index", "/no/such/dir"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/dir"));

    // images --json: newest first, issue field names, filters.
    let out = run(&db, &["images", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 2);
    for key in [
        "id",
        "path",
        "file_size",
        "mtime",
        "hdu",
        "shape",
        "bitpix",
        "type",
        "pbcor",
        "group_id",
        "field_name",
        "telescope",
        "bunit",
        "beam_major_arcsec",
        "beam_minor_arcsec",
        "beam_pa_deg",
        "center_ra_deg",
        "center_dec_deg",
        "imsize_x",
        "imsize_y",
        "cellsize_arcsec",
        "projection",
        "freq_ghz",
        "bandwidth_mhz",
        "date_obs",
        "mjd",
        "time_source",
        "integration_sec",
        "noise_jy",
        "median_jy",
        "peak_jy",
        "min_jy",
        "dynamic_range",
        "nan_fraction",
        "state",
        "indexed_at",
        "index_ms",
    ] {
        assert!(rows[0].get(key).is_some(), "missing {key}");
    }
    assert_eq!(rows[0]["group_id"], "2025-10-28T13:30:07");
    assert_eq!(rows[0]["field_name"], "FIELD_A");
    let out = run(&db, &["images", "--json", "--type", "residual"]);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["type"], "residual");
    let out = run(&db, &["images", "--json", "--since", "2025-10-29T00:00:00"]);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(rows.is_empty());
    let out = run(&db, &["images", "--csv"]);
    let csv = String::from_utf8_lossy(&out.stdout);
    assert!(
        csv.starts_with("id,path,file_size,mtime,hdu,shape"),
        "{csv}"
    );
    assert_eq!(csv.lines().count(), 3);

    // jobs --state failed.
    let out = run(&db, &["jobs", "--state", "failed", "--json"]);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0]["path"].as_str().unwrap().ends_with("bad.fits"));
    let out = run(&db, &["jobs", "--state", "bogus"]);
    assert_eq!(out.status.code(), Some(2));

    // show: the record plus every header card.
    let p = d.join("2025-10-28T13:30:07.img-image.fits");
    let out = run(&db, &["show", p.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let header = v["header"].as_array().unwrap();
    assert!(header
        .iter()
        .any(|c| c.as_str().unwrap().starts_with("OBJECT  = 'FIELD_A")));
    let id = v["id"].as_u64().unwrap().to_string();
    let out = run(&db, &["show", &id]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("CTYPE1  = 'RA---SIN'"));
}

#[test]
fn schema_mismatch_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.redb");
    {
        let rdb = redb::Database::builder()
            .set_concurrency_mode(redb::ConcurrencyMode::MultiWriter)
            .create(&db)
            .unwrap();
        let w = rdb.begin_write().unwrap();
        {
            let mut t = w.open_table(obsmon::store::schema::META).unwrap();
            t.insert("schema_version", 999).unwrap();
        }
        w.commit().unwrap();
    }
    let err = Store::open(&db).err().unwrap().to_string();
    assert!(err.contains("schema version 999"), "{err}");
    assert!(err.contains("re-index"), "{err}");
    let out = run(&db, &["images"]);
    assert_eq!(out.status.code(), Some(2));
}

/// The real-world samples: each indexed or skipped with a reason, values as astropy reads them.
#[test]
fn real_world_samples() {
    let Some(samples) = samples() else { return };
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("s.redb")).unwrap();
    let s = index(&samples, &store);
    assert_eq!(s.failed, 0, "{:?}", s.failures);
    assert!(s.indexed >= 25, "{s:?}");
    // Centres from astropy 8.0.2 (pixel_to_world_values at the central pixel; galactic images
    // converted with SkyCoord(...).fk5).
    let centres = [
        ("1904-66_AIT.fits", 284.902841, -66.307205),
        ("1904-66_CAR.fits", 284.901536, -66.305948),
        ("1904-66_NCP.fits", 284.903769, -66.310392),
        ("1904-66_TAN.fits", 284.908745, -66.300031),
        ("1904-66_ZEA.fits", 284.905027, -66.307520),
        ("1904-66_SIN.lb.fits", 287.923240, -65.934512),
        ("PD_2000_sub.fits", 17.560381, -46.239964),
        ("VAST_0012-06A.EPOCH01.I.TEST.fits", 7.957887, -11.039455),
        ("WCS_edge.fits", 332.561559, 33.542939),
        ("comp.fits", 50.210124, -37.378811),
        ("equatorial_3d.fits", 59.992925, 31.994000),
        ("galactic_2d.fits", 266.401639, -28.939065),
        ("scale.fits", 266.958832, -29.417569),
        ("small_5D.fits", 285.020999, -66.221201),
    ];
    for (name, ra, dec) in centres {
        let r = image(&store, &samples.join(name));
        let (gra, gdec) = (r.center_ra_deg.unwrap(), r.center_dec_deg.unwrap());
        assert!(
            (gra - ra).abs() < 2e-6 && (gdec - dec).abs() < 2e-6,
            "{name}: {gra} {gdec}"
        );
    }
    let aips = image(&store, &samples.join("AIPS_header.fits"));
    assert_eq!(
        aips.beam_major_arcsec,
        Some(45.0),
        "beam from the AIPS HISTORY card"
    );
    let cube = image(&store, &samples.join("1904-66_SIN_cube.fits"));
    assert!(cube.freq_ghz.is_some(), "lower-case 'freq' axis");
    for (name, why) in [
        ("group.fits", "random-groups"),
        ("lofar.fits", "1-D"),
        ("m33_beams_bintable.fits.gz", "no image HDU"),
        ("NGC0925.bima.mmom0.fits.gz", "header only"),
    ] {
        let (st, reason) = job(&store, &samples.join(name));
        assert_eq!(st, "skipped", "{name}");
        assert!(reason.contains(why), "{name}: {reason}");
    }
}
