//! The live-indexer lease: one process keeps the watched directories current; the others follow.
//!
//! Invariants: the lease row is read and written inside one write transaction (redb serialises
//! writers across processes), so two processes never both believe they hold it. A lease whose
//! heartbeat is older than [`STALE_AFTER`] (three missed heartbeats) may be taken over.

use std::time::Duration;

use redb::ReadableTable;
use serde::{Deserialize, Serialize};

use super::schema::{KEY_BACKLOG, KEY_BACKLOG_OLDEST_S, LEASE, META};
use super::{decode, encode, Result, Store};

/// Interval between heartbeats.
pub const HEARTBEAT: Duration = Duration::from_secs(2);
/// A lease without a heartbeat for this long is stale.
pub const STALE_AFTER: Duration = Duration::from_secs(6);

/// Who holds the lease.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Lease {
    /// Process id.
    pub pid: u32,
    /// Host name.
    pub host: String,
    /// The directories it keeps current.
    pub dirs: Vec<String>,
    /// When it took the lease (Unix ms).
    pub since_ms: i64,
    /// Last heartbeat (Unix ms).
    pub heartbeat_ms: i64,
}

impl Lease {
    /// A lease for this process.
    pub fn mine(dirs: &[std::path::PathBuf]) -> Lease {
        let now = now_ms();
        Lease {
            pid: std::process::id(),
            host: hostname(),
            dirs: dirs
                .iter()
                .map(|d| d.to_string_lossy().into_owned())
                .collect(),
            since_ms: now,
            heartbeat_ms: now,
        }
    }

    /// Is the heartbeat recent, and (on this host) is the process still alive?
    pub fn is_fresh(&self) -> bool {
        if now_ms() - self.heartbeat_ms > STALE_AFTER.as_millis() as i64 {
            return false;
        }
        // A holder on this machine that no longer exists (killed with -9, power cut of a
        // container) is stale at once rather than after three missed heartbeats.
        self.host != hostname() || pid_alive(self.pid)
    }

    fn same_holder(&self, other: &Lease) -> bool {
        self.pid == other.pid && self.host == other.host
    }
}

/// The result of trying to take the lease.
#[derive(Debug, Clone, PartialEq)]
pub enum Acquire {
    /// Ours now; `Some` when a stale lease was taken over.
    Acquired(Option<Lease>),
    /// Another live indexer holds it.
    Held(Lease),
}

/// Does a process with this pid exist on this machine?
pub fn pid_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only checks for existence and permission; it sends nothing.
    let rc = unsafe { libc::kill(pid, 0) };
    rc == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// The lease row in an open lease table.
fn held(t: &redb::Table<&'static str, &'static [u8]>) -> Result<Option<Lease>> {
    let v = t.get("indexer")?;
    v.map(|v| decode("lease", v.value())).transpose()
}

/// Milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// This machine's host name.
pub fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: gethostname writes at most buf.len() bytes into buf.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr() as *mut libc::c_char, buf.len()) };
    if rc != 0 {
        return "unknown".into();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

impl Store {
    /// The current lease, if any.
    pub fn lease(&self) -> Result<Option<Lease>> {
        let rtx = self.read()?;
        let t = rtx.open_table(LEASE)?;
        let v = t.get("indexer")?;
        v.map(|v| decode("lease", v.value())).transpose()
    }

    /// Takes the lease if it is free, stale, or already ours.
    pub fn acquire_lease(&self, mine: &Lease) -> Result<Acquire> {
        let wtx = self.write()?;
        let out = {
            let mut t = wtx.open_table(LEASE)?;
            let current = held(&t)?;
            match current {
                Some(c) if c.is_fresh() && !c.same_holder(mine) => Acquire::Held(c),
                other => {
                    t.insert("indexer", encode(mine).as_slice())?;
                    Acquire::Acquired(other.filter(|c| !c.same_holder(mine)))
                }
            }
        };
        wtx.commit()?;
        Ok(out)
    }

    /// Renews our heartbeat and records the backlog. Returns false when another process has
    /// taken the lease (we were presumed dead).
    pub fn heartbeat(&self, mine: &Lease, backlog: u64, oldest_s: u64) -> Result<bool> {
        let wtx = self.write()?;
        let ok = {
            let mut t = wtx.open_table(LEASE)?;
            let current = held(&t)?;
            match current {
                Some(c) if !c.same_holder(mine) => false,
                _ => {
                    let mut l = mine.clone();
                    l.heartbeat_ms = now_ms();
                    t.insert("indexer", encode(&l).as_slice())?;
                    let mut meta = wtx.open_table(META)?;
                    meta.insert(KEY_BACKLOG, backlog)?;
                    meta.insert(KEY_BACKLOG_OLDEST_S, oldest_s)?;
                    true
                }
            }
        };
        // Not a data change: the generation counter is left alone.
        wtx.commit()?;
        Ok(ok)
    }

    /// Gives the lease up (clean shutdown).
    pub fn release_lease(&self, mine: &Lease) -> Result<()> {
        let wtx = self.write()?;
        {
            let mut t = wtx.open_table(LEASE)?;
            let holder = held(&t)?;
            if holder.is_some_and(|h| h.same_holder(mine)) {
                t.remove("indexer")?;
                let mut meta = wtx.open_table(META)?;
                meta.insert(KEY_BACKLOG, 0)?;
                meta.insert(KEY_BACKLOG_OLDEST_S, 0)?;
            }
        }
        wtx.commit()?;
        Ok(())
    }

    /// The backlog recorded by the live indexer: (files, age of the oldest in seconds).
    pub fn backlog(&self) -> Result<(u64, u64)> {
        let rtx = self.read()?;
        let meta = rtx.open_table(META)?;
        let b = meta.get(KEY_BACKLOG)?.map(|v| v.value()).unwrap_or(0);
        let o = meta
            .get(KEY_BACKLOG_OLDEST_S)?
            .map(|v| v.value())
            .unwrap_or(0);
        Ok((b, o))
    }
}
