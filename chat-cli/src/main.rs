//! `chat`: the command line for chat users and admins. See `chat --help`.
//!
//! Exit codes: 0 success, 1 usage error, 2 the server refused (its error code is printed),
//! 3 the server cannot be reached. With `--json`, errors are JSON on stderr too.

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
            if !e.use_stderr() {
                let _ = e.print();
                return ExitCode::SUCCESS;
            }
            if json_requested() {
                let rendered = e.render().to_string();
                let message = rendered
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .trim_start_matches("error: ");
                print_json_error(&failure::Failure::usage(message));
            } else {
                let _ = e.print();
            }
            return ExitCode::from(1);
        }
    };
    let json = cli.json;
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
            let failure = failure::Failure::usage(format!("cannot start: {e}"));
            if json {
                print_json_error(&failure);
            } else {
                eprintln!("{}", failure.message());
            }
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            match (&failure, json) {
                (failure::Failure::BrokenPipe, _) => {}
                (_, true) => print_json_error(&failure),
                (_, false) => eprintln!("{}", failure.message()),
            }
            ExitCode::from(failure.exit_code())
        }
    }
}

/// Whether `--json` is among the arguments, for errors found before they are parsed.
fn json_requested() -> bool {
    std::env::args_os()
        .skip(1)
        .take_while(|arg| arg != "--")
        .any(|arg| arg == "--json")
}

/// An error as one JSON document on stderr.
fn print_json_error(failure: &failure::Failure) {
    eprintln!("{}", failure.json());
}
