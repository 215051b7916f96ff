//! The real binary in a pseudo-terminal, read back through a terminal emulator (vt100): a FITS
//! file written into the watched directory appears with its name and measured noise; the
//! filter, the sort and a tab switch are driven by real key presses; q, SIGTERM and the demo's
//! exit leave the terminal restored (and the demo's temporary directory removed).

mod common;
#[path = "common/pty.rs"]
mod pty;

use std::path::Path;
use std::time::{Duration, Instant};

use pty::Pty;

use obsmon::synth::{Sky, SkyConfig};

fn sky(noise_jy: f64) -> Sky {
    Sky::new(SkyConfig {
        size: 256,
        n_sources: 8,
        snr_range: (30.0, 200.0),
        noise_jy,
        start: chrono::Utc::now() - chrono::Duration::minutes(10),
        ..Default::default()
    })
}

fn noise_on_row(screen: &str, name: &str) -> f64 {
    let line = screen
        .lines()
        .find(|l| l.contains(name))
        .unwrap_or_else(|| panic!("no row for {name}:\n{screen}"));
    // The noise column is the first number with three decimals after the name.
    let rest = &line[line.find(name).unwrap() + name.len()..];
    rest.split_whitespace()
        .find_map(|w| w.parse::<f64>().ok().filter(|_| w.contains('.')))
        .unwrap_or_else(|| panic!("no noise on {line:?}"))
}

#[test]
fn live_dashboard_in_a_real_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let imgs = dir.path().join("imgs");
    std::fs::create_dir(&imgs).unwrap();
    let db = dir.path().join("d.redb");
    let mut pty = Pty::spawn(
        &[
            "tui",
            imgs.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
            "--settle",
            "0.2",
            "--rescan",
            "2",
        ],
        30,
        100,
    );
    pty.wait_for("1 Overview", 10);
    pty.send("2");
    pty.wait_for("no images indexed yet", 10);

    // A file written while the dashboard runs: its name and measured noise (2 mJy injected).
    let s = sky(2.0e-3);
    let name0 = s.file_name(0);
    s.write_epoch(&imgs, 0).unwrap();
    let screen = pty.wait_for(&name0, 15);
    let noise = noise_on_row(&screen, &name0);
    assert!((1.9..2.1).contains(&noise), "noise {noise} mJy:\n{screen}");

    let name1 = s.file_name(1);
    s.write_epoch(&imgs, 1).unwrap();
    pty.wait_for(&name1, 15);
    pty.wait_for("images 1/2", 5);

    // Filter by key presses: only the first file stays.
    pty.send("/");
    pty.send(&name0[11..19]);
    pty.send("\r");
    let screen = pty.wait_for("images 1/1", 5);
    assert!(
        screen.contains(&name0) && !screen.contains(&name1),
        "{screen}"
    );
    // Clear it, then sort by name ascending (s, then S reverses).
    pty.send("/");
    pty.send(&"\x7f".repeat(12));
    pty.send("\r");
    pty.wait_for("images 1/2", 5);
    pty.send("s");
    pty.send("S");
    let screen = pty.wait_for("by name ↑", 5);
    assert!(screen.find(&name0) < screen.find(&name1), "{screen}");

    // A resize: the table is laid out again for the new width (wide: field and beam columns).
    pty.resize(40, 160);
    pty.wait_for("field", 5);
    pty.resize(30, 100);
    // The emulator truncates at once; wait for the program's own redraw at the new width (and
    // do not type while the resize is being handled: crossterm can hold a key that arrives in
    // the same instant as SIGWINCH until the next key).
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        !pty.text().contains("field"),
        "not laid out again:\n{}",
        pty.text()
    );
    pty.wait_for("images 1/2", 5);

    // Tab switches to Sources.
    pty.send("\t");
    pty.wait_for("sources 1/", 10);
    // Help, any key closes it; q quits with the terminal restored.
    pty.send("?");
    pty.wait_for("any key closes this help", 5);
    pty.send("x");
    pty.send("q");
    let status = pty.wait_exit(5);
    assert!(status.success(), "{status:?}");
    assert!(pty.restored(), "terminal left in the dashboard's mode");
}

#[test]
fn sigterm_restores_the_terminal_and_serve_answers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.redb");
    let addr = common::free_addr();
    let mut pty = Pty::spawn(
        &["tui", "--db", db.to_str().unwrap(), "--serve", &addr],
        24,
        80,
    );
    pty.wait_for("following", 10);
    assert!(!pty.restored());
    // The HTTP API from the same process.
    let body = {
        use std::io::{Read, Write};
        let end = Instant::now() + Duration::from_secs(10);
        let mut conn = loop {
            match std::net::TcpStream::connect(&addr) {
                Ok(c) => break c,
                Err(e) => {
                    assert!(Instant::now() < end, "no server on {addr}: {e}");
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
        };
        write!(
            conn,
            "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut s = String::new();
        conn.read_to_string(&mut s).unwrap();
        s
    };
    assert!(body.contains("\"service\":\"obsmon\""), "{body}");
    // SAFETY: signalling our own child.
    unsafe {
        libc::kill(pty.child.id() as i32, libc::SIGTERM);
    }
    let status = pty.wait_exit(5);
    assert!(status.success(), "{status:?}");
    assert!(pty.restored());
}

#[test]
fn demo_streams_and_cleans_up() {
    let mut pty = Pty::spawn(&["demo", "--size", "128", "--cadence", "0.5"], 24, 80);
    let screen = pty.wait_for("demo /", 10);
    let path = screen
        .lines()
        .find_map(|l| l.split_whitespace().skip_while(|w| *w != "demo").nth(1))
        .map(|p| Path::new(p).to_path_buf())
        .unwrap();
    assert!(path.exists(), "{}", path.display());
    // The backfill and the stream arrive: a dozen images and more.
    pty.send("2");
    let end = Instant::now() + Duration::from_secs(30);
    loop {
        let t = pty.text();
        let n = t
            .split("images 1/")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .and_then(|n| n.parse::<u32>().ok());
        if n.is_some_and(|n| n >= 14) {
            break;
        }
        assert!(Instant::now() < end, "demo did not stream:\n{t}");
        std::thread::sleep(Duration::from_millis(100));
    }
    pty.send("q");
    assert!(pty.wait_exit(10).success());
    assert!(pty.restored());
    assert!(
        !path.exists(),
        "the demo's directory {} is left",
        path.display()
    );
}

/// A panic in the dashboard (on request, debug builds only) leaves the terminal usable: main
/// screen, cursor shown, the panic message readable.
#[test]
fn a_panic_restores_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.redb");
    let mut pty = Pty::spawn_env(
        &["tui", "--db", db.to_str().unwrap()],
        24,
        80,
        &[("OBSMON_DEBUG_PANIC_AFTER_MS", "1500")],
    );
    pty.wait_for("following", 10);
    assert!(!pty.restored());
    let status = pty.wait_exit(10);
    assert_eq!(status.code(), Some(101), "{status:?}");
    assert!(pty.restored(), "terminal left in the dashboard's mode");
    pty.wait_for("a panic on request", 5);
}
