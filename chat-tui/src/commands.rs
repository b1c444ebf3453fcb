//! Slash commands: parsed into [`Command`] with chat-core's newtypes, so a bad lobby name or
//! username is refused in the input line, before anything goes to the server.

use chat_core::v1::{Description, Emoji, LobbyName, MessageContent, Username};

/// Every command with its usage and what it does, for completion and `/help`.
pub const COMMANDS: &[(&str, &str, &str)] = &[
    ("/join", "/join <lobby>", "join a public lobby by name"),
    ("/create", "/create <name> [private]", "create a lobby"),
    ("/leave", "/leave", "leave this lobby (or close this chat)"),
    ("/dm", "/dm <user>", "open a direct chat"),
    ("/invite", "/invite <user>", "add a user to this lobby"),
    ("/kick", "/kick <user>", "remove a user from this lobby"),
    ("/topic", "/topic [text]", "show or set this lobby's topic"),
    ("/delete", "/delete", "delete your last message here"),
    (
        "/reply",
        "/reply <text>",
        "answer the newest message here, quoting it",
    ),
    (
        "/react",
        "/react <emoji>",
        "react to the newest message (👍 or :+1:)",
    ),
    (
        "/unreact",
        "/unreact <emoji>",
        "take your reaction to the newest message back",
    ),
    (
        "/pin",
        "/pin",
        "pin the newest message (lobby admins; anyone in a chat)",
    ),
    ("/unpin", "/unpin", "unpin the newest pinned message"),
    ("/members", "/members", "toggle the member list"),
    ("/community", "/community", "discover public lobbies"),
    ("/help", "/help", "show key bindings and commands"),
    ("/quit", "/quit", "leave chat-tui"),
];

/// The command names, for completion.
pub fn names() -> Vec<&'static str> {
    COMMANDS.iter().map(|(name, _, _)| *name).collect()
}

/// A parsed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Join a public lobby by name.
    Join(LobbyName),
    /// Create a lobby.
    Create {
        /// Its name.
        name: LobbyName,
        /// Private instead of public.
        private: bool,
    },
    /// Leave the current lobby, or close the current chat.
    Leave,
    /// Open a direct chat.
    Dm(Username),
    /// Add a user to the current lobby.
    Invite(Username),
    /// Remove a user from the current lobby.
    Kick(Username),
    /// Show (`None`) or set the current lobby's topic.
    Topic(Option<Description>),
    /// Delete the user's last message in the current conversation.
    Delete,
    /// Answer the newest message of the current conversation.
    Reply(MessageContent),
    /// React to the newest message (`true`) or take the reaction back.
    React(Emoji, bool),
    /// Pin the newest message (`true`), or unpin the newest pinned one.
    Pin(bool),
    /// Toggle the member list.
    Members,
    /// Open the community view.
    Community,
    /// Show help.
    Help,
    /// Quit.
    Quit,
}

/// Why a command line was refused; the text is shown in the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandError(pub String);

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn usage(name: &str) -> CommandError {
    let usage = COMMANDS
        .iter()
        .find(|(n, _, _)| *n == name)
        .map_or(name, |(_, usage, _)| usage);
    CommandError(format!("usage: {usage}"))
}

/// Parses a line starting with `/`.
pub fn parse(line: &str) -> Result<Command, CommandError> {
    let line = line.trim();
    let (name, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let rest = rest.trim();
    let args: Vec<&str> = rest.split_whitespace().collect();
    let one = |name: &str| match args.as_slice() {
        [one] => Ok(one.trim_start_matches(['#', '@'])),
        _ => Err(usage(name)),
    };
    let invalid = |e: chat_core::v1::ValidationError| CommandError(e.to_string());
    match name {
        "/join" => Ok(Command::Join(
            LobbyName::parse(one(name)?).map_err(invalid)?,
        )),
        "/create" => match args.as_slice() {
            [lobby] | [lobby, "public"] => Ok(Command::Create {
                name: LobbyName::parse(lobby.trim_start_matches('#')).map_err(invalid)?,
                private: false,
            }),
            [lobby, "private"] => Ok(Command::Create {
                name: LobbyName::parse(lobby.trim_start_matches('#')).map_err(invalid)?,
                private: true,
            }),
            _ => Err(usage(name)),
        },
        "/leave" | "/part" => Ok(Command::Leave),
        "/dm" | "/msg" | "/query" => {
            Ok(Command::Dm(Username::parse(one("/dm")?).map_err(invalid)?))
        }
        "/invite" => Ok(Command::Invite(
            Username::parse(one(name)?).map_err(invalid)?,
        )),
        "/kick" => Ok(Command::Kick(Username::parse(one(name)?).map_err(invalid)?)),
        "/topic" if rest.is_empty() => Ok(Command::Topic(None)),
        "/topic" => Ok(Command::Topic(Some(
            Description::parse(rest).map_err(invalid)?,
        ))),
        "/delete" => Ok(Command::Delete),
        "/reply" if rest.is_empty() => Err(usage(name)),
        "/reply" => Ok(Command::Reply(
            MessageContent::parse(rest).map_err(invalid)?,
        )),
        "/react" | "/unreact" => Ok(Command::React(
            Emoji::parse(one(name)?).map_err(invalid)?,
            name == "/react",
        )),
        "/pin" => Ok(Command::Pin(true)),
        "/unpin" => Ok(Command::Pin(false)),
        "/members" => Ok(Command::Members),
        "/community" => Ok(Command::Community),
        "/help" => Ok(Command::Help),
        "/quit" | "/exit" => Ok(Command::Quit),
        other => Err(CommandError(format!(
            "unknown command {other}; /help lists them"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_parse_with_their_arguments() {
        assert_eq!(
            parse("/join #general"),
            Ok(Command::Join(LobbyName::parse("general").expect("name")))
        );
        assert_eq!(
            parse("/create ops private"),
            Ok(Command::Create {
                name: LobbyName::parse("ops").expect("name"),
                private: true
            })
        );
        assert_eq!(
            parse("/dm @bob"),
            Ok(Command::Dm(Username::parse("bob").expect("name")))
        );
        assert_eq!(parse("/topic"), Ok(Command::Topic(None)));
        assert_eq!(
            parse("/topic be nice  to each other"),
            Ok(Command::Topic(Some(
                Description::parse("be nice  to each other").expect("topic")
            )))
        );
        assert_eq!(parse("/quit"), Ok(Command::Quit));
    }

    #[test]
    fn bad_commands_explain_themselves() {
        assert_eq!(
            parse("/kick"),
            Err(CommandError("usage: /kick <user>".into()))
        );
        assert!(parse("/frobnicate").is_err_and(|e| e.0.contains("unknown command")));
        assert!(parse("/dm NOT VALID").is_err());
        assert!(parse("/invite Bad!Name").is_err());
    }
}
