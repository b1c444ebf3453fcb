//! Reading secrets and message text: never from plain arguments for passwords.

use std::io::{BufRead, IsTerminal, Read};

use chat_core::v1::MessageContent;

use crate::cli::{PasswordSource, Text};
use crate::failure::Failure;

/// Reads passwords: `--password-stdin` (one per line), else `CHAT_PASSWORD`, else a hidden
/// prompt on the terminal.
pub struct Passwords {
    stdin: bool,
}

impl Passwords {
    /// Where passwords come from for this invocation.
    pub fn new(source: &PasswordSource) -> Self {
        Self {
            stdin: source.password_stdin,
        }
    }

    /// The next password; `prompt` is shown on a terminal.
    pub fn read(&self, prompt: &str) -> Result<String, Failure> {
        if self.stdin {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            let password = line.trim_end_matches(['\n', '\r']).to_owned();
            if password.is_empty() {
                return Err(Failure::usage("no password on stdin"));
            }
            return Ok(password);
        }
        if let Ok(password) = std::env::var("CHAT_PASSWORD")
            && !password.is_empty()
        {
            return Ok(password);
        }
        if !std::io::stdin().is_terminal() {
            return Err(Failure::usage(
                "no password: use --password-stdin or CHAT_PASSWORD when not on a terminal",
            ));
        }
        Ok(rpassword::prompt_password(prompt)?)
    }
}

/// Message text from the argument, stdin (`-`) or `--file`.
pub fn message_text(text: &Text) -> Result<MessageContent, Failure> {
    let raw = match (&text.text, &text.file) {
        (_, Some(path)) => std::fs::read_to_string(path)
            .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display())))?,
        (Some(dash), None) if dash == "-" => {
            let mut buffer = String::new();
            std::io::stdin().read_to_string(&mut buffer)?;
            buffer
        }
        (Some(text), None) => text.clone(),
        (None, None) => {
            return Err(Failure::usage(
                "no text: give it as an argument, `-` for stdin, or --file",
            ));
        }
    };
    Ok(MessageContent::parse(&raw)?)
}
