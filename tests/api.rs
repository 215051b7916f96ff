//! The HTTP API over real HTTP: `obsmon serve` on a database indexed from synthetic images.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Child;
use std::time::Duration;

use common::*;
use obsmon::synth::{Sky, SkyConfig};
use serde_json::Value;

struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        // SAFETY: SIGTERM to our own child.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let _ = self.child.wait();
    }
}

fn start(db: &Path) -> Server {
    let addr = free_addr();
    let child = obsmon()
        .args(["serve", "--addr", &addr])
        .arg("--db")
        .arg(db)
        .spawn()
        .unwrap();
    for _ in 0..100 {
        if TcpStream::connect(&addr).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Server { child, addr }
}

/// GET a path; returns (status, content type, body).
fn get_raw(addr: &str, path: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = String::new();
    s.read_to_string(&mut buf).unwrap();
    let (head, body) = buf.split_once("\r\n\r\n").unwrap();
    let status: u16 = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let ctype = head
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("content-type:"))
        .map(|l| l[13..].trim().to_string())
        .unwrap_or_default();
    (status, ctype, body.to_string())
}

fn get(addr: &str, path: &str) -> (u16, Value) {
    let (st, ctype, body) = get_raw(addr, path);
    assert!(ctype.starts_with("application/json"), "{path}: {ctype}");
    (
        st,
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}")),
    )
}

#[test]
fn every_endpoint_shape_paging_filters_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("imgs");
    std::fs::create_dir(&d).unwrap();
    let sky = Sky::new(SkyConfig {
        size: 256,
        n_sources: 12,
        snr_range: (50.0, 500.0),
        variable_fraction: 0.3,
        ..Default::default()
    });
    for e in 0..4 {
        sky.write_epoch(&d, e).unwrap();
    }
    std::fs::write(d.join("2025-10-28T13:30:07.img-residual.fits"), b"broken").unwrap();
    let db = dir.path().join("api.redb");
    assert_eq!(
        run(&db, &["index", d.to_str().unwrap()]).status.code(),
        Some(1)
    );
    let srv = start(&db);
    let a = srv.addr.as_str();

    // Health, both paths.
    for p in ["/api/v1/health", "/api/health"] {
        let (st, v) = get(a, p);
        assert_eq!(st, 200);
        for k in ["status", "service", "version", "api_version", "timestamp"] {
            assert!(v.get(k).is_some(), "{p}: {k}");
        }
        assert!(["healthy", "degraded", "unhealthy"].contains(&v["status"].as_str().unwrap()));
        assert!(v.get("checks").is_none());
    }
    let (_, v) = get(a, "/api/v1/health?detailed=true");
    assert_eq!(v["checks"].as_array().unwrap().len(), 12);
    assert_eq!(get(a, "/api/v1/health?detailed=maybe").0, 400);

    // Images: shape, newest first, paging.
    let (st, v) = get(a, "/api/v1/images");
    assert_eq!(st, 200);
    assert_eq!(v["total"], 4);
    let items = v["items"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    for k in [
        "id",
        "path",
        "qa_grade",
        "created_at",
        "run_id",
        "pointing_ra_deg",
        "pointing_dec_deg",
        "noise_jy",
        "beam_major_arcsec",
        "freq_ghz",
        "n_sources",
    ] {
        assert!(items[0].get(k).is_some(), "images item lacks {k}");
    }
    assert_eq!(items[0]["qa_grade"], "good");
    assert!(items[0]["run_id"]
        .as_str()
        .unwrap()
        .starts_with("job-2025-10-28-"));
    assert!(items[0]["date_obs"].as_str() > items[1]["date_obs"].as_str());
    let (_, p1) = get(a, "/api/v1/images?limit=2&offset=1");
    assert_eq!(p1["items"].as_array().unwrap().len(), 2);
    assert_eq!(p1["items"][0]["id"], items[1]["id"]);
    assert_eq!(
        (p1["limit"].as_u64(), p1["offset"].as_u64()),
        (Some(2), Some(1))
    );
    let id = items[0]["id"].as_u64().unwrap();
    let (st, one) = get(a, &format!("/api/v1/images/{id}"));
    assert_eq!(st, 200);
    assert_eq!(one["path"], items[0]["path"]);
    assert_eq!(get(a, "/api/v1/images/999999").0, 404);
    assert_eq!(get(a, "/api/v1/images/abc").0, 400);
    assert_eq!(get(a, "/api/v1/images?limit=0").0, 400);
    assert_eq!(get(a, "/api/v1/images?limit=1001").0, 400);
    assert_eq!(get(a, "/api/v1/images?offset=-1").0, 400);
    assert_eq!(get(a, "/api/v1/images?bogus=1").0, 400);

    // Sources: filters and paging.
    let (_, all) = get(a, "/api/v1/sources?limit=1000");
    let n = all["total"].as_u64().unwrap();
    assert!(n >= 12, "{n}");
    let s0 = &all["items"][0];
    for k in [
        "id",
        "name",
        "ra_deg",
        "dec_deg",
        "n_detections",
        "mean_flux_jy",
        "v",
        "eta",
        "is_variable",
        "first_detected_mjd",
        "last_detected_mjd",
    ] {
        assert!(s0.get(k).is_some(), "sources item lacks {k}");
    }
    assert!(s0.get("sums").is_none());
    let (_, var) = get(a, "/api/v1/sources?variable=true");
    let nv = var["total"].as_u64().unwrap();
    assert!(nv >= 1 && nv < n, "{nv} of {n}");
    assert!(var["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["is_variable"] == true));
    let (_, md) = get(a, "/api/v1/sources?min_detections=4");
    assert!(md["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["n_detections"].as_u64() >= Some(4)));
    let (ra, dec) = (
        s0["ra_deg"].as_f64().unwrap(),
        s0["dec_deg"].as_f64().unwrap(),
    );
    let (_, cone) = get(
        a,
        &format!("/api/v1/sources?ra={ra}&dec={dec}&radius_arcsec=5"),
    );
    assert_eq!(cone["total"], 1);
    assert_eq!(cone["items"][0]["id"], s0["id"]);
    assert_eq!(get(a, "/api/v1/sources?ra=1&dec=2").0, 400);
    assert_eq!(get(a, "/api/v1/sources?ra=x&dec=2&radius_arcsec=3").0, 400);
    let (_, pg) = get(a, "/api/v1/sources?limit=3&offset=2");
    assert_eq!(pg["items"][0]["id"], all["items"][2]["id"]);
    let sid = s0["id"].as_u64().unwrap();
    let (st, one) = get(a, &format!("/api/v1/sources/{sid}"));
    assert_eq!((st, one["id"].as_u64()), (200, Some(sid)));
    let name = one["name"].as_str().unwrap().to_string();
    assert_eq!(
        get(a, &format!("/api/v1/sources/{name}")).1["id"],
        one["id"]
    );
    let (st, lc) = get(a, &format!("/api/v1/sources/{sid}/lightcurve"));
    assert_eq!(st, 200);
    let m = lc["measurements"].as_array().unwrap();
    assert!(!m.is_empty());
    for k in [
        "mjd",
        "peak_jy",
        "peak_err_jy",
        "flux_jy",
        "forced",
        "image_id",
        "snr",
    ] {
        assert!(m[0].get(k).is_some(), "lightcurve point lacks {k}");
    }
    assert_eq!(get(a, "/api/v1/sources/999999").0, 404);
    assert_eq!(get(a, "/api/v1/sources/999999/lightcurve").0, 404);

    // Jobs = pipeline runs.
    let (_, jobs) = get(a, "/api/v1/jobs");
    assert_eq!(jobs["total"], 4);
    let j0 = &jobs["items"][0];
    for k in ["run_id", "status", "started_at", "finished_at"] {
        assert!(j0.get(k).is_some(), "jobs item lacks {k}");
    }
    let (_, failed) = get(a, "/api/v1/jobs?status=failed");
    assert_eq!(failed["total"], 1, "the run with a broken residual");
    let rid = failed["items"][0]["run_id"].as_str().unwrap().to_string();
    assert_eq!(rid, "job-2025-10-28-133007");
    let (st, run) = get(a, &format!("/api/v1/jobs/{rid}"));
    assert_eq!(st, 200);
    assert_eq!(run["products"].as_array().unwrap().len(), 2);
    assert_eq!(run["file_jobs"].as_array().unwrap().len(), 2);
    assert_eq!(get(a, "/api/v1/jobs?status=done").0, 400);
    assert_eq!(get(a, "/api/v1/jobs/job-1999-01-01-000000").0, 404);

    // Stats.
    let (_, stats) = get(a, "/api/v1/stats");
    assert_eq!(stats["totals"]["images"], 4);
    assert!(stats["recent_images"].as_array().unwrap().len() == 4);
    assert_eq!(stats["jobs_by_status"]["failed"], 1);
    assert!(stats["_meta"]["generated_at"].as_str().is_some());

    // Metrics, unknown paths, and nothing outside the database.
    let (st, ctype, body) = get_raw(a, "/metrics");
    assert_eq!(st, 200);
    assert!(ctype.starts_with("text/plain"));
    assert!(body.contains("obsmon_images{type=\"image\"} 4"));
    for p in [
        "/",
        "/api/v1",
        "/api/v1/nothing",
        "/etc/passwd",
        "/api/v1/images/../../etc/passwd",
    ] {
        let (st, v) = get(a, p);
        assert_eq!(st, 404, "{p}");
        assert_eq!(v["status"], 404);
    }

    // A client that accepts gzip gets the same JSON compressed (and one that refuses it, plain).
    let plain = get(a, "/api/v1/images").1;
    let raw = |enc: &str| -> (String, Vec<u8>) {
        let mut s = TcpStream::connect(a).unwrap();
        write!(
            s,
            "GET /api/v1/images HTTP/1.1\r\nHost: x\r\nAccept-Encoding: {enc}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut buf = Vec::new();
        s.read_to_end(&mut buf).unwrap();
        let split = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
        let head = String::from_utf8_lossy(&buf[..split]).to_ascii_lowercase();
        (head, buf[split + 4..].to_vec())
    };
    let (head, body) = raw("gzip, deflate");
    assert!(head.contains("content-encoding: gzip"), "{head}");
    let mut json = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&body[..]), &mut json).unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&json).unwrap(), plain);
    assert!(
        body.len() * 3 < json.len(),
        "{} -> {}",
        json.len(),
        body.len()
    );
    let (head, _) = raw("gzip;q=0, identity");
    assert!(!head.contains("content-encoding"), "{head}");
}
