//! `chat`: the command line for chat users and admins. See `chat --help`.
//!
//! Exit codes: 0 success, 1 usage error, 2 the server refused (its error code is printed),
//! 3 the server cannot be reached.

mod cli;
mod commands;
mod context;
mod failure;
mod input;
mod output;
mod resolve;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use cli::{Cli, Command, Shell};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with success; real usage errors exit 1.
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    if let Command::Completions { shell } = cli.command {
        let shell = match shell {
            Shell::Bash => clap_complete::Shell::Bash,
            Shell::Zsh => clap_complete::Shell::Zsh,
            Shell::Fish => clap_complete::Shell::Fish,
            Shell::Powershell => clap_complete::Shell::PowerShell,
        };
        clap_complete::generate(shell, &mut Cli::command(), "chat", &mut std::io::stdout());
        return ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            let message = failure.message();
            if !message.is_empty() {
                eprintln!("{message}");
            }
            ExitCode::from(failure.exit_code())
        }
    }
}
