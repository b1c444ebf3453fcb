//! `idle`: opens N authenticated WebSocket connections spread over U users, holds them, and
//! reports how fast they opened and what each costs the server in resident memory.
//!
//! The connections are raw (no [`chat_client::Gateway`], which would cost a task and queues
//! per connection here): TCP connect, WebSocket handshake, `auth` frame, `ready`, an empty
//! `resume`; then one small task per connection keeps reading so the server's pings are
//! answered. One source address has about 28,000 ephemeral ports, so the client sockets are
//! bound to 127.0.0.1, 127.0.0.2, … in turn (all of 127/8 is loopback on Linux) when the
//! server is on IPv4 loopback.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail, ensure};
use chat_core::v1::{ClientFrame, Cursors, ServerFrame};
use futures_util::{SinkExt, StreamExt, stream};
use serde::Serialize;
use tokio::net::{TcpSocket, TcpStream};
use tokio::sync::watch;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use crate::Common;
use crate::progress::Live;
use crate::report::{Table, per_sec};
use crate::system;
use crate::users::Users;

/// Connections one source address is given at most by default (below the ~28k ephemeral
/// ports of Linux's default range).
const PER_SOURCE_ADDRESS: usize = 25_000;

/// How long one connection may take to open (connect, handshake, `ready`).
const OPEN_TIMEOUT: Duration = Duration::from_secs(30);

type Socket = WebSocketStream<TcpStream>;

/// Settings of `idle`.
#[derive(Debug, Clone)]
pub struct IdleSettings {
    /// Connections to open.
    pub connections: usize,
    /// Users they are spread over (the server's `CHAT_MAX_CONNECTIONS_PER_USER` must allow
    /// connections / users each).
    pub users: usize,
    /// Source addresses 127.0.0.1, 127.0.0.2, …; `None`: one per 25,000 connections.
    pub source_ips: Option<usize>,
    /// The server's process id, to read its resident memory.
    pub server_pid: Option<u32>,
    /// Connections being opened at once.
    pub connect_concurrency: usize,
}

impl Default for IdleSettings {
    fn default() -> Self {
        Self {
            connections: 1000,
            users: 100,
            source_ips: None,
            server_pid: None,
            connect_concurrency: 256,
        }
    }
}

/// The figures of `idle`.
#[derive(Debug, Clone, Serialize)]
pub struct IdleReport {
    /// Connections asked for.
    pub requested: usize,
    /// Users they were spread over.
    pub users: usize,
    /// Source addresses used (0: the server is not on IPv4 loopback, none was bound).
    pub source_ips: usize,
    /// Connections opened (authenticated and resumed).
    pub opened: u64,
    /// Connections that failed to open.
    pub failed: u64,
    /// How long opening them all took, in seconds.
    pub open_secs: f64,
    /// Connections opened per second.
    pub connections_per_sec: f64,
    /// How long they were held after settling, in seconds.
    pub held_secs: f64,
    /// Open connections that ended while held.
    pub dropped: u64,
    /// The server's resident memory before opening, in KiB (`null`: no `--server-pid`).
    pub server_rss_before_kib: Option<u64>,
    /// The server's resident memory once all were open and had settled, in KiB.
    pub server_rss_after_kib: Option<u64>,
    /// Server memory per open connection, in KiB.
    pub server_rss_per_connection_kib: Option<f64>,
    /// The first failure, if any.
    pub first_error: Option<String>,
}

impl IdleReport {
    pub(crate) fn fill(&self, table: &mut Table) {
        table.heading(format!(
            "idle: {} connections over {} users from {} source address(es)",
            self.requested, self.users, self.source_ips
        ));
        table.row("opened", self.opened);
        table.row("failed", self.failed);
        table.row("open time", format!("{:.2} s", self.open_secs));
        table.row("connections/s", per_sec(self.connections_per_sec));
        table.row("dropped while held", self.dropped);
        table.row("held", format!("{:.1} s", self.held_secs));
        let kib = |v: Option<u64>| v.map_or("unknown".to_owned(), |v| format!("{v} KiB"));
        table.row("server RSS before", kib(self.server_rss_before_kib));
        table.row("server RSS after", kib(self.server_rss_after_kib));
        table.row(
            "server RSS per connection",
            self.server_rss_per_connection_kib
                .map_or("unknown (no --server-pid)".to_owned(), |v| {
                    format!("{v:.1} KiB")
                }),
        );
        if let Some(error) = &self.first_error {
            table.note(format!("first error: {error}"));
        }
    }
}

/// Runs `idle` against `common.server`: opens, settles for the warm-up, reads the server's
/// memory, holds for the duration.
pub async fn run(common: &Common, settings: &IdleSettings) -> anyhow::Result<IdleReport> {
    ensure!(
        settings.connections >= 1 && settings.users >= 1,
        "idle needs a connection and a user"
    );
    let (server, ws_url) = target(&common.server).await?;
    let source_ips = match server.ip() {
        IpAddr::V4(ip) if ip.is_loopback() => settings
            .source_ips
            .unwrap_or_else(|| settings.connections.div_ceil(PER_SOURCE_ADDRESS))
            .clamp(1, 254),
        _ => 0,
    };
    let progress = common.progress();
    let users = Users::new(&common.server);
    let tokens: Vec<String> = users
        .register("i", settings.users, &progress)
        .await?
        .iter()
        .map(|u| u.token())
        .collect::<anyhow::Result<_>>()?;

    let rss = |pid: Option<u32>| -> anyhow::Result<Option<u64>> {
        pid.map(|pid| system::rss_kib(pid).with_context(|| format!("reading the memory of {pid}")))
            .transpose()
    };
    let rss_before = rss(settings.server_pid)?;

    let (stop_tx, stop) = watch::channel(false);
    let dropped = Arc::new(AtomicU64::new(0));
    let bar = progress.counter("opening connections", settings.connections as u64);
    let started = Instant::now();
    let mut opened = 0_u64;
    let mut failed = 0_u64;
    let mut first_error = None;
    let mut holders = Vec::with_capacity(settings.connections);
    let mut opening = stream::iter(0..settings.connections)
        .map(|i| {
            let source = (source_ips > 0).then(|| source_address(i % source_ips));
            open(server, source, &ws_url, &tokens[i % tokens.len()])
        })
        .buffer_unordered(settings.connect_concurrency.max(1));
    while let Some(result) = opening.next().await {
        bar.inc(1);
        match result {
            Ok(socket) => {
                opened += 1;
                holders.push(tokio::spawn(hold(socket, stop.clone(), dropped.clone())));
            }
            Err(e) => {
                failed += 1;
                first_error.get_or_insert_with(|| format!("{e:#}"));
            }
        }
    }
    drop(opening);
    let open_secs = started.elapsed().as_secs_f64();
    bar.finish_and_clear();

    // Settle for the warm-up (the server finishes its per-connection work, allocators
    // settle), read its memory, then hold for the duration.
    let window = common.window();
    let live = Arc::new(Live::default());
    live.ok.store(opened, Ordering::Relaxed);
    let bar = progress.timed("idle", window, live);
    tokio::time::sleep_until(window.from.into()).await;
    let rss_after = rss(settings.server_pid)?;
    tokio::time::sleep_until(window.until.into()).await;
    drop(bar);

    let dropped_while_held = dropped.load(Ordering::Relaxed);
    stop_tx.send_replace(true);
    for holder in holders {
        holder.await.context("a connection holder failed")?;
    }
    let per_connection = match (rss_before, rss_after) {
        (Some(before), Some(after)) if opened > 0 => {
            Some((after as f64 - before as f64) / opened as f64)
        }
        _ => None,
    };
    Ok(IdleReport {
        requested: settings.connections,
        users: settings.users,
        source_ips,
        opened,
        failed,
        open_secs,
        connections_per_sec: opened as f64 / open_secs.max(1e-9),
        held_secs: window.secs(),
        dropped: dropped_while_held,
        server_rss_before_kib: rss_before,
        server_rss_after_kib: rss_after,
        server_rss_per_connection_kib: per_connection,
        first_error,
    })
}

/// The `n`th source address: 127.0.0.1, 127.0.0.2, …
fn source_address(n: usize) -> IpAddr {
    let [_, _, c, d] = u32::try_from(n + 1).unwrap_or(1).to_be_bytes();
    IpAddr::V4(Ipv4Addr::new(127, 0, c, d))
}

/// The server's socket address and WebSocket URL, from its `http://` URL.
async fn target(server: &str) -> anyhow::Result<(SocketAddr, String)> {
    let Some(rest) = server.strip_prefix("http://") else {
        bail!("idle opens plain ws:// connections: give an http:// server URL, not {server}");
    };
    let authority = rest.split('/').next().unwrap_or_default();
    ensure!(!authority.is_empty(), "no host in {server}");
    let with_port = if authority.ends_with(']') || !authority.contains(':') {
        format!("{authority}:80")
    } else {
        authority.to_owned()
    };
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host(&with_port)
        .await
        .with_context(|| format!("resolving {with_port}"))?
        .collect();
    // `localhost` may resolve to ::1 first while the server listens on 127.0.0.1 only (the
    // default), and only IPv4 loopback can spread over many source addresses.
    let addr = addrs
        .iter()
        .find(|a| a.is_ipv4())
        .or(addrs.first())
        .copied()
        .ok_or_else(|| anyhow!("{with_port} resolves to no address"))?;
    Ok((addr, format!("ws://{authority}/api/v1/ws")))
}

/// Opens one authenticated connection: connect (from `source`), handshake, `auth`, `ready`,
/// empty `resume`.
async fn open(
    server: SocketAddr,
    source: Option<IpAddr>,
    url: &str,
    token: &str,
) -> anyhow::Result<Socket> {
    let opening = async {
        let socket = if server.is_ipv4() {
            TcpSocket::new_v4()
        } else {
            TcpSocket::new_v6()
        }
        .context("creating a socket")?;
        if let Some(source) = source {
            socket
                .bind(SocketAddr::new(source, 0))
                .with_context(|| format!("binding to {source}"))?;
        }
        let stream = socket
            .connect(server)
            .await
            .with_context(|| format!("connecting to {server}"))?;
        stream.set_nodelay(true)?;
        let request = url.into_client_request()?;
        let (mut ws, _) = tokio_tungstenite::client_async(request, stream)
            .await
            .context("the WebSocket handshake")?;
        send(
            &mut ws,
            &ClientFrame::Auth {
                token: token.to_owned(),
                resume: None,
            },
        )
        .await?;
        loop {
            match ws.next().await {
                Some(Ok(Message::Text(text))) => {
                    if let ServerFrame::Ready { .. } = serde_json::from_str(&text)? {
                        break;
                    }
                }
                Some(Ok(Message::Close(frame))) => bail!("closed by the server: {frame:?}"),
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e).context("reading ready"),
                None => bail!("the connection ended before ready"),
            }
        }
        send(
            &mut ws,
            &ClientFrame::Resume {
                cursors: Cursors::new(),
            },
        )
        .await?;
        Ok(ws)
    };
    tokio::time::timeout(OPEN_TIMEOUT, opening)
        .await
        .map_err(|_| anyhow!("opening took over {OPEN_TIMEOUT:?}"))?
}

async fn send(ws: &mut Socket, frame: &ClientFrame) -> anyhow::Result<()> {
    ws.send(Message::text(serde_json::to_string(frame)?))
        .await
        .context("sending a frame")
}

/// Keeps reading (tungstenite answers pings as it reads) until told to stop; a connection
/// that ends before is counted as dropped.
async fn hold(mut ws: Socket, mut stop: watch::Receiver<bool>, dropped: Arc<AtomicU64>) {
    loop {
        tokio::select! {
            () = crate::stopped(&mut stop) => {
                let _ = tokio::time::timeout(Duration::from_secs(5), ws.close(None)).await;
                return;
            }
            message = ws.next() => match message {
                Some(Ok(_)) => {}
                Some(Err(_)) | None => {
                    dropped.fetch_add(1, Ordering::Relaxed);
                    return;
                }
            },
        }
    }
}
