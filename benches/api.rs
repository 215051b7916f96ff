//! The HTTP API under the original pipeline's benchmark method: for each endpoint, 500 requests
//! at concurrency 50 from a separate process (this one; the server is the release binary): 50
//! clients with a keep-alive connection each, 10 requests each, against a database of 100,000
//! images and 50,000 sky sources. `--fresh` opens a new connection per request instead.
//!
//! `cargo bench --bench api [-- --images 100000 --sources 50000]`. The database is built once
//! into target/bench-data.

mod common;
use common::*;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let n_images = arg("--images", 100_000);
    let n_sources = arg("--sources", 50_000);
    let fresh = flag("--fresh");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    std::fs::create_dir_all(&root).unwrap();
    let db = root.join(format!("api-{n_images}-{n_sources}.redb"));
    if !db.exists() {
        eprintln!("building {} ...", db.display());
        let t0 = Instant::now();
        build(&db, n_images, n_sources, 1_761_658_207);
        eprintln!("built in {:.1} s", t0.elapsed().as_secs_f64());
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_obsmon"))
        .args(["serve", "--addr", &addr])
        .arg("--db")
        .arg(&db)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    while TcpStream::connect(&addr).is_err() {
        std::thread::sleep(Duration::from_millis(50));
    }
    println!(
        "{:<18} {:>9} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>9}",
        "endpoint", "first_ms", "min", "mean", "median", "p95", "p99", "max", "req/s"
    );
    for ep in [
        "/api/v1/images",
        "/api/v1/sources",
        "/api/v1/jobs",
        "/api/v1/stats",
        "/api/v1/health",
    ] {
        // The first request fills the server's cache for this endpoint.
        let t0 = Instant::now();
        let (st, _) = request(&addr, ep);
        assert_eq!(st, 200, "{ep}");
        let first = t0.elapsed().as_secs_f64() * 1000.0;
        let start = Instant::now();
        let handles: Vec<_> = (0..50)
            .map(|_| {
                let addr = addr.clone();
                std::thread::spawn(move || {
                    let mut conn = (!fresh).then(|| {
                        let c = TcpStream::connect(&addr).unwrap();
                        c.set_nodelay(true).unwrap();
                        c
                    });
                    (0..10)
                        .map(|_| {
                            let t = Instant::now();
                            let st = match conn.as_mut() {
                                Some(c) => keep_alive(c, ep),
                                None => request(&addr, ep).0,
                            };
                            assert_eq!(st, 200);
                            t.elapsed().as_secs_f64() * 1000.0
                        })
                        .collect::<Vec<f64>>()
                })
            })
            .collect();
        let mut lat: Vec<f64> = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect();
        let wall = start.elapsed().as_secs_f64();
        lat.sort_by(|a, b| a.total_cmp(b));
        let pct = |q: f64| lat[((lat.len() as f64 - 1.0) * q).round() as usize];
        println!(
            "{:<18} {:>9.1} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>9.0}",
            ep,
            first,
            lat[0],
            lat.iter().sum::<f64>() / lat.len() as f64,
            pct(0.5),
            pct(0.95),
            pct(0.99),
            lat[lat.len() - 1],
            lat.len() as f64 / wall
        );
    }
    // SAFETY: SIGTERM to our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let _ = child.wait();
}

/// One request on a persistent connection; reads exactly Content-Length bytes of body.
fn keep_alive(s: &mut TcpStream, path: &str) -> u16 {
    write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        s.read_exact(&mut byte).unwrap();
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let len: usize = text
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    s.read_exact(&mut body).unwrap();
    text[9..12].parse().unwrap()
}

fn request(addr: &str, path: &str) -> (u16, usize) {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let status = std::str::from_utf8(&buf[9..12]).unwrap().parse().unwrap();
    (status, buf.len())
}
