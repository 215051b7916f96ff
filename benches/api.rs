//! The HTTP API under the original pipeline's benchmark method: for each endpoint, 500 requests
//! at concurrency 50 from a separate process (this one; the server is the release binary): 50
//! clients with a keep-alive connection each, 10 requests each, against a database of 100,000
//! images and 50,000 sky sources. `--fresh` opens a new connection per request instead. The
//! load generator is one thread driving 50 connections (tokio), as wrk or ab would: it shares
//! the two cores with the server. Each figure is the median of `--rounds` (9) rounds. The
//! measurement starts `--warm` (6) seconds after the server, which warms its aggregates at start.
//! `--gzip` sends `Accept-Encoding: gzip, deflate` as browsers and Python clients do.
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
    // Ask for gzip, as browsers and Python's requests/httpx do.
    let gz = flag("--gzip");
    let rounds = arg("--rounds", 9usize);
    // The load generator: one thread, 50 connections driven by tokio, so that it takes as
    // little of the two cores from the server as a good load tool would (wrk, ab).
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
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
    // The server computes its table-scanning aggregates in the background at start; measure
    // the server as it runs after that (`--warm 0` measures the cold start instead).
    std::thread::sleep(Duration::from_secs_f64(arg("--warm", 6.0)));
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
        // Each figure is the median over `rounds` rounds of 500 requests (one round lasts
        // ~30-50 ms, so single rounds carry scheduler noise).
        let mut cols: Vec<Vec<f64>> = vec![Vec::new(); 7];
        for _ in 0..rounds {
            let (mut lat, wall) = rt.block_on(round(&addr, ep, fresh, gz));
            lat.sort_by(|a, b| a.total_cmp(b));
            let pct = |q: f64| lat[((lat.len() as f64 - 1.0) * q).round() as usize];
            let row = [
                lat[0],
                lat.iter().sum::<f64>() / lat.len() as f64,
                pct(0.5),
                pct(0.95),
                pct(0.99),
                lat[lat.len() - 1],
                lat.len() as f64 / wall,
            ];
            for (c, v) in cols.iter_mut().zip(row) {
                c.push(v);
            }
        }
        let m: Vec<f64> = cols.iter().map(|c| median(c)).collect();
        println!(
            "{:<18} {:>9.1} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>9.0}",
            ep, first, m[0], m[1], m[2], m[3], m[4], m[5], m[6]
        );
    }
    // SAFETY: SIGTERM to our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let _ = child.wait();
}

/// One round: 50 concurrent clients, 10 requests each (keep-alive, or a new connection per
/// request with `fresh`). Returns each request's latency, ms.
async fn round(addr: &str, ep: &str, fresh: bool, gz: bool) -> (Vec<f64>, f64) {
    type Conn = tokio::io::BufReader<tokio::net::TcpStream>;
    async fn connect(addr: &str) -> Conn {
        let c = tokio::net::TcpStream::connect(addr).await.unwrap();
        c.set_nodelay(true).unwrap();
        tokio::io::BufReader::with_capacity(256 * 1024, c)
    }
    // Keep-alive clients connect before the clock starts, as wrk does: the figures are of
    // requests, not of TCP handshakes (`--fresh` times a connection per request instead).
    let mut conns: Vec<Option<Conn>> = Vec::new();
    for _ in 0..50 {
        conns.push(if fresh {
            None
        } else {
            Some(connect(addr).await)
        });
    }
    let start = Instant::now();
    let mut tasks = Vec::new();
    for mut conn in conns {
        let (addr, ep) = (addr.to_string(), ep.to_string());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(10);
            for _ in 0..10 {
                let t = Instant::now();
                if conn.is_none() {
                    conn = Some(connect(&addr).await);
                }
                let c = conn.as_mut().unwrap();
                let st = async_get(c, &ep, fresh, gz).await;
                assert_eq!(st, 200);
                lat.push(t.elapsed().as_secs_f64() * 1000.0);
                if fresh {
                    conn = None;
                }
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    (all, start.elapsed().as_secs_f64())
}

/// One GET; reads the head and exactly Content-Length bytes of body.
async fn async_get(
    s: &mut tokio::io::BufReader<tokio::net::TcpStream>,
    path: &str,
    close: bool,
    gz: bool,
) -> u16 {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
    let req = format!(
        "GET {path} HTTP/1.1\r\nHost: localhost\r\n{}{}\r\n",
        if close { "Connection: close\r\n" } else { "" },
        if gz {
            "Accept-Encoding: gzip, deflate\r\n"
        } else {
            ""
        }
    );
    s.get_mut().write_all(req.as_bytes()).await.unwrap();
    let mut head = String::new();
    loop {
        let n = s.read_line(&mut head).await.unwrap();
        assert!(n > 0, "connection closed");
        if head.ends_with("\r\n\r\n") {
            break;
        }
    }
    let text = head.to_ascii_lowercase();
    let len: usize = text
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    // Drain the body without keeping it (a load tool does not parse it either).
    let mut left = len;
    while left > 0 {
        let buf = s.fill_buf().await.unwrap();
        assert!(!buf.is_empty(), "connection closed mid-body");
        let n = buf.len().min(left);
        s.consume(n);
        left -= n;
    }
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
