//! A pseudo-terminal running the real binary, read back through a terminal emulator (vt100).
//! Shared by the dashboard's end-to-end tests and its scale benchmark.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The binary on a pty.
pub struct Pty {
    /// The process.
    pub child: Child,
    master: std::fs::File,
    screen: Arc<Mutex<vt100::Parser>>,
}

impl Pty {
    /// Starts `obsmon ARGS` on a new pty of `rows` x `cols`.
    pub fn spawn(args: &[&str], rows: u16, cols: u16) -> Pty {
        Pty::spawn_env(args, rows, cols, &[])
    }

    /// [`Pty::spawn`] with extra environment variables.
    pub fn spawn_env(args: &[&str], rows: u16, cols: u16, env: &[(&str, &str)]) -> Pty {
        let (mut master, mut slave) = (0, 0);
        let ws = libc::winsize {
            ws_row: rows,
            ws_col: cols,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: openpty writes two fds into the given ints; the null pointers ask for no name
        // and default terminal settings.
        let rc = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                &ws,
            )
        };
        assert_eq!(rc, 0, "openpty failed");
        // SAFETY: both fds were just opened for us and are owned here only.
        let (master, slave) =
            unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_obsmon"));
        cmd.args(args)
            .envs(env.iter().copied())
            .env("TERM", "xterm-256color")
            .env_remove("NO_COLOR")
            .stdin(Stdio::from(slave.try_clone().unwrap()))
            .stdout(Stdio::from(slave.try_clone().unwrap()))
            .stderr(Stdio::from(slave));
        // SAFETY: only async-signal-safe calls between fork and exec: a new session with the
        // pty as its controlling terminal, as a login shell would have.
        unsafe {
            cmd.pre_exec(|| {
                libc::setsid();
                libc::ioctl(0, libc::TIOCSCTTY, 0);
                Ok(())
            });
        }
        let child = cmd.spawn().unwrap();
        let master = std::fs::File::from(master);
        let screen = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let (mut reader, parser) = (master.try_clone().unwrap(), Arc::clone(&screen));
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                parser.lock().unwrap().process(&buf[..n]);
            }
        });
        Pty {
            child,
            master,
            screen,
        }
    }

    /// The screen as text.
    pub fn text(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    /// Waits until `what` is on screen; the screen then.
    pub fn wait_for(&self, what: &str, secs: u64) -> String {
        let end = Instant::now() + Duration::from_secs(secs);
        loop {
            let t = self.text();
            if t.contains(what) {
                return t;
            }
            assert!(
                Instant::now() < end,
                "{what:?} did not appear in {secs} s:\n{t}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Types `keys`.
    pub fn send(&mut self, keys: &str) {
        self.master.write_all(keys.as_bytes()).unwrap();
        self.master.flush().unwrap();
        std::thread::sleep(Duration::from_millis(150));
    }

    /// Resizes the terminal (the kernel sends SIGWINCH to the program).
    pub fn resize(&mut self, rows: u16, cols: u16) {
        use std::os::fd::AsRawFd;
        let ws = libc::winsize {
            ws_row: rows,
            ws_col: cols,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        self.screen.lock().unwrap().set_size(rows, cols);
        // SAFETY: TIOCSWINSZ reads one winsize from the pointer; the fd is our open master.
        let rc = unsafe { libc::ioctl(self.master.as_raw_fd(), libc::TIOCSWINSZ, &ws) };
        assert_eq!(rc, 0, "TIOCSWINSZ failed");
    }

    /// Waits for the process to exit.
    pub fn wait_exit(&mut self, secs: u64) -> std::process::ExitStatus {
        let end = Instant::now() + Duration::from_secs(secs);
        loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                // Let the reader take in the last bytes.
                std::thread::sleep(Duration::from_millis(200));
                return s;
            }
            assert!(Instant::now() < end, "no exit within {secs} s");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Whether the terminal is back to normal (main screen, cursor shown).
    pub fn restored(&self) -> bool {
        let p = self.screen.lock().unwrap();
        !p.screen().alternate_screen() && !p.screen().hide_cursor()
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
