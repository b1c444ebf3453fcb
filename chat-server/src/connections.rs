//! Admission of TCP connections: how many one address, and the server as a whole, may hold.
//!
//! Every open connection costs a file descriptor and some memory, and a client can open
//! thousands cheaply. [`ConnectionGuard`] is salvo's per-connection fuse policy: it refuses a
//! connection (closing it at once, before any HTTP) when its address already holds
//! `max_per_ip` connections, or when the server holds `max_total`. The last sixteenth of
//! `max_total` is a reserve that only addresses holding fewer than [`RESERVE_MAX_PER_IP`]
//! connections may use, so a flood from many addresses still leaves room for health checks
//! and ordinary users. It also sets the fuse's timeouts: request heads and bodies that stall
//! are cut off (see [`crate::extract::read_body`] for the whole-body deadline).
//!
//! IPv6 addresses are counted per /64, the block one subscriber usually gets.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};

use salvo::conn::ConnCtrl;
use salvo::fuse::{ArcConnObserver, ConnObserver, FuseAction, FuseConfig, FuseInfo, FusePolicy};

use crate::config::HttpConfig;

/// In the reserve, only addresses holding fewer connections than this get one more.
pub const RESERVE_MAX_PER_IP: usize = 8;

/// File descriptors kept free for the database, Redis, stored files and the listener when
/// the connection limit is derived from the open-files limit.
const FD_RESERVE: u64 = 256;

#[derive(Debug, Default)]
struct Counts {
    total: usize,
    per_ip: HashMap<IpAddr, usize>,
}

/// The connection admission policy (see the module documentation).
#[derive(Debug, Clone)]
pub struct ConnectionGuard {
    counts: Arc<Mutex<Counts>>,
    max_per_ip: usize,
    max_total: usize,
    fuse: FuseConfig,
}

impl ConnectionGuard {
    /// The policy for these settings; `open_files` is the process's open-files limit, used
    /// when `max_connections` is 0.
    pub fn new(http: &HttpConfig, open_files: u64) -> Self {
        let max_total = if http.max_connections > 0 {
            http.max_connections
        } else {
            usize::try_from(open_files.saturating_sub(FD_RESERVE).max(64)).unwrap_or(usize::MAX)
        };
        Self {
            counts: Arc::default(),
            max_per_ip: http.max_connections_per_ip,
            max_total,
            fuse: FuseConfig::default().with_request_body_timeout(http.body_timeout),
        }
    }

    /// Connections held now (for tests and logs).
    pub fn open(&self) -> usize {
        self.lock().total
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Counts> {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn admits(&self, counts: &Counts, key: IpAddr) -> bool {
        let held = counts.per_ip.get(&key).copied().unwrap_or(0);
        if self.max_per_ip > 0 && held >= self.max_per_ip {
            return false;
        }
        if counts.total >= self.max_total {
            return false;
        }
        let reserve = self.max_total / 16;
        counts.total < self.max_total - reserve || held < RESERVE_MAX_PER_IP
    }
}

/// The key an address is counted under: IPv4 as is (also when it reaches a dual-stack
/// listener as `::ffff:a.b.c.d`), IPv6 by its /64 prefix — the block one subscriber usually
/// gets, so rotating through it gains nothing.
pub fn address_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let mut octets = v6.octets();
                octets[8..].fill(0);
                IpAddr::from(octets)
            }
        },
    }
}

fn key_of(info: &FuseInfo) -> Option<IpAddr> {
    Some(address_key(info.remote_addr.clone().into_std()?.ip()))
}

#[salvo::async_trait]
impl FusePolicy for ConnectionGuard {
    async fn decide(&self, info: &FuseInfo) -> FuseAction {
        let Some(key) = key_of(info) else {
            return FuseAction::Accept(self.fuse);
        };
        if self.admits(&self.lock(), key) {
            FuseAction::Accept(self.fuse)
        } else {
            tracing::debug!(address = %key, "connection refused: limit reached");
            FuseAction::Reject
        }
    }

    /// Counts the admitted connection until its transport is dropped. The accept loop calls
    /// this right after [`Self::decide`], with no other accept in between.
    fn observe(&self, info: &FuseInfo, _ctrl: &ConnCtrl) -> Option<ArcConnObserver> {
        let key = key_of(info)?;
        let mut counts = self.lock();
        counts.total += 1;
        *counts.per_ip.entry(key).or_insert(0) += 1;
        Some(Arc::new(Slot {
            counts: Arc::clone(&self.counts),
            key,
        }))
    }
}

/// One admitted connection; gives its place back when the connection closes.
struct Slot {
    counts: Arc<Mutex<Counts>>,
    key: IpAddr,
}

impl ConnObserver for Slot {}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        counts.total = counts.total.saturating_sub(1);
        if let Some(held) = counts.per_ip.get_mut(&self.key) {
            *held -= 1;
            if *held == 0 {
                counts.per_ip.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guard(max_per_ip: usize, max_total: usize) -> ConnectionGuard {
        let http = HttpConfig {
            max_connections_per_ip: max_per_ip,
            max_connections: max_total,
            ..HttpConfig::default()
        };
        ConnectionGuard::new(&http, 1 << 20)
    }

    fn counts(total: usize, held: &[(IpAddr, usize)]) -> Counts {
        Counts {
            total,
            per_ip: held.iter().copied().collect(),
        }
    }

    #[test]
    fn one_address_is_capped_and_the_reserve_is_kept_for_light_users() {
        let flooder = IpAddr::from([10, 0, 0, 1]);
        let visitor = IpAddr::from([10, 0, 0, 2]);
        let g = guard(100, 160);
        assert!(g.admits(&counts(99, &[(flooder, 99)]), flooder));
        assert!(!g.admits(&counts(100, &[(flooder, 100)]), flooder));
        // 150 of 160 held: inside the reserve (the last 10), heavy addresses wait.
        let busy = counts(150, &[(flooder, 50), (visitor, 2)]);
        assert!(!g.admits(&busy, flooder));
        assert!(g.admits(&busy, visitor));
        // Full is full.
        assert!(!g.admits(&counts(160, &[(visitor, 2)]), visitor));
        // 0 means no per-address limit.
        let unlimited = guard(0, 100_000);
        assert!(unlimited.admits(&counts(5_000, &[(flooder, 5_000)]), flooder));
    }

    #[test]
    fn ipv6_addresses_count_per_64_block() {
        let info = |ip: &str| FuseInfo {
            trans_proto: salvo::fuse::TransProto::Tcp,
            remote_addr: std::net::SocketAddr::new(ip.parse().expect("ip"), 1).into(),
            local_addr: std::net::SocketAddr::from(([127, 0, 0, 1], 2)).into(),
        };
        assert_eq!(
            key_of(&info("2001:db8:1:2:aaaa::1")),
            key_of(&info("2001:db8:1:2:bbbb::9"))
        );
        assert_ne!(
            key_of(&info("2001:db8:1:2::1")),
            key_of(&info("2001:db8:1:3::1"))
        );
        // IPv4 clients of a dual-stack listener count as their own IPv4 addresses.
        assert_eq!(
            key_of(&info("::ffff:10.0.0.1")),
            Some(IpAddr::from([10, 0, 0, 1]))
        );
        assert_ne!(
            key_of(&info("::ffff:10.0.0.1")),
            key_of(&info("::ffff:10.0.0.2"))
        );
    }
}
