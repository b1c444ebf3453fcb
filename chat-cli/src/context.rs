//! What every command needs: the client for the chosen server and profile, and the printer.

use std::path::PathBuf;

use chat_client::Client;
use chat_client::profile::{self, Profile, Profiles};

use crate::failure::Failure;
use crate::output::Printer;

/// The server used when neither a flag, a variable nor the profile names one.
pub const DEFAULT_SERVER: &str = "http://127.0.0.1:8080";

/// The state of one invocation.
pub struct Context {
    /// The client, with the token when there is one.
    pub client: Client,
    /// Human or JSON output.
    pub out: Printer,
    profile_name: String,
    config_dir: PathBuf,
    server: String,
}

impl Context {
    /// Resolves server and token: flag or `CHAT_SERVER`, then the profile, then the default;
    /// `CHAT_TOKEN` overrides the profile's token. A profile other than the default must exist
    /// unless `creates_profile` (`login` and `register` create it).
    pub fn new(
        server: Option<String>,
        profile_name: String,
        json: bool,
        creates_profile: bool,
    ) -> Result<Self, Failure> {
        let config_dir = profile::config_dir()?;
        let profiles = Profiles::load(&config_dir)?;
        if !creates_profile
            && profile_name != profile::DEFAULT_PROFILE
            && !profiles.profiles.contains_key(&profile_name)
        {
            return Err(unknown_profile(&profile_name, &profiles));
        }
        let saved = profiles.get(&profile_name);
        let server = server
            .or_else(|| saved.server.clone())
            .unwrap_or_else(|| DEFAULT_SERVER.to_owned());
        let token = std::env::var("CHAT_TOKEN")
            .ok()
            .filter(|t| !t.is_empty())
            .or(saved.token);
        let mut builder =
            Client::builder(&server).user_agent(concat!("chat-cli/", env!("CARGO_PKG_VERSION")));
        if let Some(token) = token {
            builder = builder.token(token);
        }
        Ok(Self {
            client: builder.build()?,
            out: Printer::new(json),
            profile_name,
            config_dir,
            server,
        })
    }

    /// The profile in use.
    pub fn profile_name(&self) -> &str {
        &self.profile_name
    }

    /// Remembers the server, the client's current token and the username in the profile.
    pub fn save_session(&self, username: &str) -> Result<(), Failure> {
        let mut profiles = Profiles::load(&self.config_dir)?;
        profiles.set(
            &self.profile_name,
            Profile {
                server: Some(self.server.clone()),
                token: self.client.token(),
                username: Some(username.to_owned()),
            },
        );
        profiles.save(&self.config_dir)?;
        Ok(())
    }

    /// Forgets the profile's token (keeping its server).
    pub fn forget_token(&self) -> Result<(), Failure> {
        let mut profiles = Profiles::load(&self.config_dir)?;
        let mut profile = profiles.get(&self.profile_name);
        profile.token = None;
        profiles.set(&self.profile_name, profile);
        profiles.save(&self.config_dir)?;
        Ok(())
    }
}

/// The error for a `--profile` that names no saved profile.
fn unknown_profile(name: &str, profiles: &Profiles) -> Failure {
    let existing: Vec<&str> = profiles.profiles.keys().map(String::as_str).collect();
    let known = if existing.is_empty() {
        "there are no profiles yet".to_owned()
    } else {
        format!("the profiles are: {}", existing.join(", "))
    };
    Failure::usage(format!(
        "no profile named {name:?} ({known}); `chat --profile {name} login --username NAME` \
         creates it"
    ))
}
