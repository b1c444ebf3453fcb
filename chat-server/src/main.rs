//! The `chat-server` binary: reads the configuration, starts the server, stops on Ctrl-C or
//! SIGTERM. `chat-server admin grant|revoke <username>` manages server admins instead.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context;
use chat_server::{Config, Server};
use clap::{Parser, Subcommand};
use tracing_subscriber::EnvFilter;

/// The reference chat server.
#[derive(Debug, Parser)]
#[command(name = "chat-server", version, about = "The reference chat server")]
struct Cli {
    #[command(flatten)]
    config: Config,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Manage server admins, working on the configured database.
    #[command(subcommand)]
    Admin(AdminCommand),
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Make a user a server admin.
    Grant {
        /// The username.
        username: String,
    },
    /// Take server admin away from a user.
    Revoke {
        /// The username.
        username: String,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // A missing .env is normal; a broken one is worth saying.
    if let Err(e) = dotenvy::dotenv()
        && !e.not_found()
    {
        eprintln!("warning: ignoring .env: {e}");
    }
    let Cli { config, command } = Cli::parse();
    let dropped = Arc::new(AtomicU64::new(0));
    let log_sink = {
        let dropped = Arc::clone(&dropped);
        move || LogSink {
            dropped: Arc::clone(&dropped),
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_new(&config.log).context("invalid CHAT_LOG filter")?)
        .with_ansi(std::io::stdout().is_terminal())
        .with_writer(log_sink)
        .init();
    if let Some(Command::Admin(action)) = command {
        let (username, admin) = match &action {
            AdminCommand::Grant { username } => (username, true),
            AdminCommand::Revoke { username } => (username, false),
        };
        chat_server::manage::set_admin(&config, username, admin).await?;
        println!(
            "{username} is {}a server admin",
            if admin { "now " } else { "no longer " }
        );
        return Ok(());
    }
    match chat_server::server::raise_open_files_limit() {
        Ok(Some(limit)) => tracing::debug!(limit, "open files limit"),
        Ok(None) => tracing::debug!("no open files limit"),
        Err(error) => tracing::warn!(%error, "cannot raise the open files limit"),
    }
    let server = Server::build(config)
        .await
        .context("cannot start the server")?;
    server
        .run(shutdown_signal())
        .await
        .context("server failed")?;
    let dropped = dropped.load(Ordering::Relaxed);
    if dropped > 0 {
        tracing::warn!(
            dropped,
            "log lines could not be written (the log sink was gone)"
        );
    }
    Ok(())
}

/// Where log lines go: standard output, or nowhere when it is gone.
///
/// A server must never die or hang because its log sink went away (its reader exited, a
/// pipe closed): a failed write is counted and forgotten. Reporting the failure — what
/// tracing-subscriber does with a writer error — would write to standard error, which is
/// usually the same closed pipe, and printing there panics, killing whatever task was
/// logging (once it was the task that stops the server on SIGTERM).
struct LogSink {
    dropped: Arc<AtomicU64>,
}

impl Write for LogSink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if std::io::stdout().lock().write_all(buf).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        // Nothing to report when the sink is gone; the lines were counted.
        let _ = std::io::stdout().lock().flush();
        Ok(())
    }
}

/// Completes on Ctrl-C or, on Unix, SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
