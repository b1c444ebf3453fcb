//! Saved sessions: named profiles holding a server URL and a token, shared by the `chat` CLI
//! and the terminal client.
//!
//! The file is `config.toml` in `$CHAT_CONFIG_DIR`, or in the platform's config directory
//! (`~/.config/chat/` on Linux). It holds tokens, so it is created readable by its owner only
//! (0600, in a 0700 directory) and rewritten atomically.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The profile used when none is named.
pub const DEFAULT_PROFILE: &str = "default";

/// One saved session.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// The server's base URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server: Option<String>,
    /// The bearer token, if signed in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// Who the token belongs to, for display.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

/// All profiles, as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profiles {
    /// Profiles by name.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// Why the profiles could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    /// No config directory could be found.
    #[error("no config directory: set CHAT_CONFIG_DIR")]
    NoConfigDir,
    /// Reading or writing failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The failure.
        source: std::io::Error,
    },
    /// The file is not valid.
    #[error("{path} is not a valid profile file: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// The directory holding `config.toml`.
pub fn config_dir() -> Result<PathBuf, ProfileError> {
    if let Some(dir) = std::env::var_os("CHAT_CONFIG_DIR") {
        return Ok(PathBuf::from(dir));
    }
    dirs::config_dir()
        .map(|d| d.join("chat"))
        .ok_or(ProfileError::NoConfigDir)
}

impl Profiles {
    /// The file in `dir`.
    pub fn path_in(dir: &Path) -> PathBuf {
        dir.join("config.toml")
    }

    /// Reads the profiles in `dir`; none yet is not an error.
    pub fn load(dir: &Path) -> Result<Self, ProfileError> {
        let path = Self::path_in(dir);
        match std::fs::read_to_string(&path) {
            Ok(text) => toml::from_str(&text).map_err(|e| ProfileError::Invalid {
                path,
                message: e.to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(source) => Err(ProfileError::Io { path, source }),
        }
    }

    /// Writes the profiles to `dir`, readable by the owner only.
    pub fn save(&self, dir: &Path) -> Result<(), ProfileError> {
        let path = Self::path_in(dir);
        let io = |source| ProfileError::Io {
            path: path.clone(),
            source,
        };
        create_private_dir(dir).map_err(io)?;
        let text = toml::to_string_pretty(self).map_err(|e| ProfileError::Invalid {
            path: path.clone(),
            message: e.to_string(),
        })?;
        // Write a private temporary file, then rename: readers never see half a file, and
        // the token is never readable by others, not even for a moment.
        let temporary = dir.join(".config.toml.tmp");
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&temporary).map_err(io)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(0o600))
                .map_err(io)?;
        }
        file.write_all(text.as_bytes()).map_err(io)?;
        file.sync_all().map_err(io)?;
        std::fs::rename(&temporary, &path).map_err(io)
    }

    /// The named profile (empty when absent).
    pub fn get(&self, name: &str) -> Profile {
        self.profiles.get(name).cloned().unwrap_or_default()
    }

    /// Replaces the named profile.
    pub fn set(&mut self, name: &str, profile: Profile) {
        self.profiles.insert(name.to_owned(), profile);
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_round_trip_and_stay_private() {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = dir.path().join("nested");
        let mut profiles = Profiles::load(&config).expect("empty is fine");
        assert_eq!(profiles, Profiles::default());
        profiles.set(
            "work",
            Profile {
                server: Some("http://h:1".into()),
                token: Some("t".into()),
                username: Some("alice".into()),
            },
        );
        profiles.save(&config).expect("saved");
        assert_eq!(
            Profiles::load(&config)
                .expect("loaded")
                .get("work")
                .token
                .as_deref(),
            Some("t")
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(Profiles::path_in(&config))
                .expect("file")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert_eq!(profiles.get("missing"), Profile::default());
    }
}
