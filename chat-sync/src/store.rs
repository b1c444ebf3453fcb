//! Where a gateway keeps its [`ResumeState`] between runs, so an application that restarts
//! resumes its conversations where it stopped instead of adopting the server's position and
//! missing what happened while it was down.
//!
//! [`MemoryStore`] keeps it for the life of the process (several gateways in turn, one after
//! the other); [`FileStore`] keeps it in a JSON file, replaced atomically (a temporary file
//! renamed over it), so a crash mid-write leaves the previous state, never half of one. The
//! trait is synchronous and small: the state is a few bytes per conversation.

use std::sync::Mutex;

use crate::resume::ResumeState;

/// Why the state could not be loaded or saved.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// Reading or writing the file failed.
    #[error("resume store {path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
    /// The file holds something that is not a saved state.
    #[error("resume store {path}: not a saved state: {source}")]
    Corrupt {
        /// The file.
        path: String,
        /// What did not parse.
        #[source]
        source: serde_json::Error,
    },
    /// Another thread panicked while saving.
    #[error("resume store: a save panicked")]
    Poisoned,
}

/// Keeps a gateway's resume state between connections and runs.
pub trait ResumeStore: std::fmt::Debug {
    /// The saved state; `None` when nothing was saved yet.
    fn load(&self) -> Result<Option<ResumeState>, StoreError>;

    /// Replaces the saved state.
    fn save(&self, state: &ResumeState) -> Result<(), StoreError>;
}

/// A store in memory: the state outlives one gateway, not the process.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<Option<ResumeState>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl ResumeStore for MemoryStore {
    fn load(&self) -> Result<Option<ResumeState>, StoreError> {
        Ok(self.state.lock().map_err(|_| StoreError::Poisoned)?.clone())
    }

    fn save(&self, state: &ResumeState) -> Result<(), StoreError> {
        *self.state.lock().map_err(|_| StoreError::Poisoned)? = Some(state.clone());
        Ok(())
    }
}

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub use file::FileStore;

/// The file-backed store; browsers have no file system, so it is left out of their build.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
mod file {
    use std::io::Write;
    use std::path::{Path, PathBuf};
    use std::sync::Mutex;

    use super::{ResumeStore, StoreError};
    use crate::resume::ResumeState;

    /// A store in a JSON file, replaced atomically on every save.
    #[derive(Debug)]
    pub struct FileStore {
        path: PathBuf,
        /// Saves of one store take turns: they share the temporary file.
        writing: Mutex<()>,
    }

    impl FileStore {
        /// A store at `path`; the file is created by the first save (its directory must
        /// exist).
        pub fn new(path: impl Into<PathBuf>) -> Self {
            Self {
                path: path.into(),
                writing: Mutex::new(()),
            }
        }

        /// The file.
        pub fn path(&self) -> &Path {
            &self.path
        }

        fn io(&self, source: std::io::Error) -> StoreError {
            StoreError::Io {
                path: self.path.display().to_string(),
                source,
            }
        }

        /// The temporary file: next to the real one, so the rename stays on one file system
        /// (and is atomic); the process id keeps two processes from sharing it.
        fn temporary(&self) -> PathBuf {
            let mut name = self.path.file_name().unwrap_or_default().to_os_string();
            name.push(format!(".{}.tmp", std::process::id()));
            self.path.with_file_name(name)
        }
    }

    impl ResumeStore for FileStore {
        fn load(&self) -> Result<Option<ResumeState>, StoreError> {
            let text = match std::fs::read_to_string(&self.path) {
                Ok(text) => text,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(self.io(e)),
            };
            serde_json::from_str(&text)
                .map(Some)
                .map_err(|source| StoreError::Corrupt {
                    path: self.path.display().to_string(),
                    source,
                })
        }

        fn save(&self, state: &ResumeState) -> Result<(), StoreError> {
            let text = serde_json::to_vec(state).map_err(|source| StoreError::Corrupt {
                path: self.path.display().to_string(),
                source,
            })?;
            let _turn = self.writing.lock().map_err(|_| StoreError::Poisoned)?;
            let temporary = self.temporary();
            let written = std::fs::File::create(&temporary).and_then(|mut file| {
                file.write_all(&text)?;
                // On disk before the rename, or a crash could leave an empty file in place.
                file.sync_all()
            });
            if let Err(e) = written.and_then(|()| std::fs::rename(&temporary, &self.path)) {
                let _ = std::fs::remove_file(&temporary);
                return Err(self.io(e));
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(seq: u64) -> ResumeState {
        let conversation = "00000000-0000-7000-8000-000000000007"
            .parse()
            .expect("a conversation id");
        ResumeState {
            user: Some(
                "00000000-0000-7000-8000-000000000001"
                    .parse()
                    .expect("a user id"),
            ),
            cursors: [(conversation, seq)].into_iter().collect(),
            resync: [conversation].into_iter().collect(),
        }
    }

    #[test]
    fn the_memory_store_gives_back_what_was_saved() {
        let store = MemoryStore::new();
        assert_eq!(store.load().expect("loads"), None);
        store.save(&state(3)).expect("saves");
        store.save(&state(4)).expect("saves");
        assert_eq!(store.load().expect("loads"), Some(state(4)));
    }

    #[test]
    fn the_file_store_survives_a_new_instance_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("resume.json");
        let store = FileStore::new(&path);
        assert_eq!(store.load().expect("loads"), None);
        store.save(&state(3)).expect("saves");
        store.save(&state(9)).expect("saves");
        assert_eq!(FileStore::new(&path).load().expect("loads"), Some(state(9)));
        let files: Vec<_> = std::fs::read_dir(dir.path())
            .expect("lists")
            .map(|entry| entry.expect("an entry").file_name())
            .collect();
        assert_eq!(files, vec![std::ffi::OsString::from("resume.json")]);
    }

    #[test]
    fn a_corrupt_file_is_an_error_not_an_empty_state() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("resume.json");
        std::fs::write(&path, "{ not json").expect("writes");
        assert!(matches!(
            FileStore::new(&path).load(),
            Err(StoreError::Corrupt { .. })
        ));
    }

    #[test]
    fn saving_into_a_missing_directory_fails_cleanly() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let store = FileStore::new(dir.path().join("missing").join("resume.json"));
        assert!(matches!(store.save(&state(1)), Err(StoreError::Io { .. })));
    }
}
