//! `chat-bench`: the command line over the `chat_bench` scenarios. Parses flags, raises the
//! open-files limit, runs one scenario and prints its report (a table, or JSON with
//! `--json`); exits non-zero when the report says the server got something wrong.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use chat_bench::scenarios::fanout::FanoutSettings;
use chat_bench::scenarios::history::HistorySettings;
use chat_bench::scenarios::idle::IdleSettings;
use chat_bench::scenarios::login::LoginSettings;
use chat_bench::scenarios::me::MeSettings;
use chat_bench::scenarios::persist::PersistSettings;
use chat_bench::scenarios::{fanout, history, idle, login, me, persist};
use chat_bench::{Common, Report, system};
use clap::{Parser, Subcommand};

/// Measures a chat server on the wire.
#[derive(Debug, Parser)]
#[command(name = "chat-bench", version)]
struct Cli {
    /// The server's base URL.
    #[arg(long, global = true, default_value = "http://127.0.0.1:8080")]
    server: String,
    /// Seconds to run before measuring (excluded from every figure).
    #[arg(long, global = true, value_name = "SECS", default_value = "2", value_parser = secs)]
    warmup: Duration,
    /// Seconds to measure.
    #[arg(long, global = true, value_name = "SECS", default_value = "10", value_parser = secs)]
    duration: Duration,
    /// Print the report as one JSON object instead of a table (and draw no progress bars).
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    scenario: Scenario,
}

#[derive(Debug, Subcommand)]
enum Scenario {
    /// Rooms of members, some sending: deliveries/s, send->receive latency, exactly-once check.
    Fanout {
        /// Rooms.
        #[arg(long, default_value_t = FanoutSettings::default().rooms)]
        rooms: usize,
        /// Members per room, each its own user and gateway.
        #[arg(long, default_value_t = FanoutSettings::default().members)]
        members: usize,
        /// Members who send, spread over the rooms.
        #[arg(long, default_value_t = FanoutSettings::default().senders)]
        senders: usize,
        /// Messages per second from all senders together (0: as fast as acks allow).
        #[arg(long, default_value_t = FanoutSettings::default().rate)]
        rate: u64,
        /// Sends awaiting their ack per sender.
        #[arg(long, default_value_t = FanoutSettings::default().window)]
        window: usize,
        /// Characters per message.
        #[arg(long, default_value_t = FanoutSettings::default().payload)]
        payload: usize,
        /// Seconds members get, after the senders stop, to receive every acknowledged message.
        #[arg(long, value_name = "SECS", default_value = "30", value_parser = secs)]
        drain_timeout: Duration,
    },
    /// Many idle authenticated WebSockets: connections/s and server memory per connection.
    Idle {
        /// Connections to open.
        #[arg(long, default_value_t = IdleSettings::default().connections)]
        connections: usize,
        /// Users they are spread over (the server's CHAT_MAX_CONNECTIONS_PER_USER must allow
        /// connections / users).
        #[arg(long, default_value_t = IdleSettings::default().users)]
        users: usize,
        /// Source addresses 127.0.0.1, 127.0.0.2, ... (default: one per 25,000 connections).
        #[arg(long)]
        source_ips: Option<usize>,
        /// The server's process id, to report its memory per connection.
        #[arg(long)]
        server_pid: Option<u32>,
        /// Connections being opened at once.
        #[arg(long, default_value_t = IdleSettings::default().connect_concurrency)]
        connect_concurrency: usize,
    },
    /// Random "50 before" history pages from a seeded lobby: requests/s and latency.
    History {
        /// Messages to seed the lobby with (not measured).
        #[arg(long, default_value_t = HistorySettings::default().messages)]
        messages: u64,
        /// Concurrent readers.
        #[arg(long, default_value_t = HistorySettings::default().concurrency)]
        concurrency: usize,
        /// Seeding users, each with its own gateway.
        #[arg(long, default_value_t = HistorySettings::default().seeders)]
        seeders: usize,
        /// Sends awaiting their ack per seeder.
        #[arg(long, default_value_t = HistorySettings::default().seed_window)]
        seed_window: usize,
        /// Characters per seeded message.
        #[arg(long, default_value_t = HistorySettings::default().payload)]
        payload: usize,
    },
    /// Senders posting as fast as acks return: durable messages/s and ack latency.
    Persist {
        /// Senders, each its own user and gateway.
        #[arg(long, default_value_t = PersistSettings::default().senders)]
        senders: usize,
        /// Sends awaiting their ack per sender.
        #[arg(long, default_value_t = PersistSettings::default().window)]
        window: usize,
        /// Lobbies the senders are spread over.
        #[arg(long, default_value_t = PersistSettings::default().rooms)]
        rooms: usize,
        /// Characters per message.
        #[arg(long, default_value_t = PersistSettings::default().payload)]
        payload: usize,
    },
    /// A login storm beside a background fan-out: logins/s against local bcrypt capacity.
    Login {
        /// Users to log in as.
        #[arg(long, default_value_t = LoginSettings::default().users)]
        users: usize,
        /// Concurrent login clients.
        #[arg(long, default_value_t = LoginSettings::default().concurrency)]
        concurrency: usize,
        /// Members of the background fan-out's room.
        #[arg(long, default_value_t = LoginSettings::default().fanout_members)]
        fanout_members: usize,
        /// Messages per second of the background fan-out.
        #[arg(long, default_value_t = LoginSettings::default().fanout_rate)]
        fanout_rate: u64,
        /// The server's bcrypt cost (CHAT_BCRYPT_COST), timed locally.
        #[arg(long, default_value_t = LoginSettings::default().bcrypt_cost)]
        bcrypt_cost: u32,
    },
    /// Authenticated GET /api/v1/users/me: requests/s and latency.
    Me {
        /// Concurrent clients.
        #[arg(long, default_value_t = MeSettings::default().concurrency)]
        concurrency: usize,
    },
}

fn secs(text: &str) -> Result<Duration, String> {
    match text.parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs >= 0.0 => Ok(Duration::from_secs_f64(secs)),
        _ => Err(format!("`{text}` is not a number of seconds")),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    if let Err(e) = system::raise_open_files_limit() {
        eprintln!("warning: cannot raise the open-files limit: {e}");
    }
    let common = Common {
        server: cli.server,
        warmup: cli.warmup,
        duration: cli.duration,
        progress: !cli.json,
    };
    let report = run(&common, cli.scenario)
        .await
        .with_context(|| format!("benchmarking {}", common.server))?;
    if cli.json {
        println!("{}", report.to_json()?);
    } else {
        print!("{}", report.to_table());
    }
    let failures = report.failures();
    for failure in &failures {
        eprintln!("FAILED: {failure}");
    }
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

async fn run(common: &Common, scenario: Scenario) -> anyhow::Result<Report> {
    Ok(match scenario {
        Scenario::Fanout {
            rooms,
            members,
            senders,
            rate,
            window,
            payload,
            drain_timeout,
        } => {
            let settings = FanoutSettings {
                rooms,
                members,
                senders,
                rate,
                window,
                payload,
                drain_timeout,
            };
            Report::Fanout(fanout::run(common, &settings).await?)
        }
        Scenario::Idle {
            connections,
            users,
            source_ips,
            server_pid,
            connect_concurrency,
        } => {
            let settings = IdleSettings {
                connections,
                users,
                source_ips,
                server_pid,
                connect_concurrency,
            };
            Report::Idle(idle::run(common, &settings).await?)
        }
        Scenario::History {
            messages,
            concurrency,
            seeders,
            seed_window,
            payload,
        } => {
            let settings = HistorySettings {
                messages,
                concurrency,
                seeders,
                seed_window,
                payload,
            };
            Report::History(history::run(common, &settings).await?)
        }
        Scenario::Persist {
            senders,
            window,
            rooms,
            payload,
        } => {
            let settings = PersistSettings {
                senders,
                window,
                rooms,
                payload,
            };
            Report::Persist(persist::run(common, &settings).await?)
        }
        Scenario::Login {
            users,
            concurrency,
            fanout_members,
            fanout_rate,
            bcrypt_cost,
        } => {
            let settings = LoginSettings {
                users,
                concurrency,
                fanout_members,
                fanout_rate,
                bcrypt_cost,
                ..LoginSettings::default()
            };
            Report::Login(login::run(common, &settings).await?)
        }
        Scenario::Me { concurrency } => {
            Report::Me(me::run(common, &MeSettings { concurrency }).await?)
        }
    })
}
