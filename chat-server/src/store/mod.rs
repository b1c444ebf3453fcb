//! Persistence: every SQL statement of the server lives below this module.
//!
//! [`Store`] wraps the connection pool. Each submodule owns the queries of one table family
//! and returns chat-core types, so the layers above never see a row. Times are stored as
//! milliseconds since the epoch and ids as UUID strings.
//!
//! Writes that must be atomic (a message and its `seq`, a lobby and its first admin) run in
//! one transaction started with `BEGIN IMMEDIATE`: SQLite then takes the write lock up front,
//! so concurrent writers queue on the busy timeout instead of failing with `SQLITE_BUSY` when
//! a read transaction tries to upgrade.

pub mod admin;
pub mod chats;
pub mod conversations;
pub mod events;
pub mod lobbies;
pub mod login_failures;
pub mod members;
pub mod messages;
pub mod sessions;
pub mod tokens;
pub mod users;

use std::borrow::Cow;
use std::path::Path;
use std::time::Duration;

use chat_core::v1::{Timestamp, ValidationError};
use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use uuid::Uuid;

/// A failure of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed a statement.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration could not be applied.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value no longer parses; the database was changed outside the server.
    #[error("corrupt row: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// Whether the statement failed on a UNIQUE or PRIMARY KEY constraint.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, Self::Database(sqlx::Error::Database(db)) if db.is_unique_violation())
    }
}

/// The migrations, embedded so the binary runs from any directory.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "init",
        include_str!("../../../migrations/sqlite/0001_init.sql"),
    ),
    (
        2,
        "admin",
        include_str!("../../../migrations/sqlite/0002_admin.sql"),
    ),
    (
        3,
        "tokens",
        include_str!("../../../migrations/sqlite/0003_tokens.sql"),
    ),
];

/// The database behind the server.
#[derive(Clone, Debug)]
pub struct Store {
    pool: SqlitePool,
}

impl Store {
    /// Opens (creating if needed) the SQLite database at `path` and applies the migrations.
    ///
    /// WAL mode with `synchronous = FULL`: a transaction is on disk when its commit returns,
    /// so an acknowledged message survives both a process crash and a power loss.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true)
            // Deleted message text is overwritten on disk, not just unlinked.
            .pragma("secure_delete", "on");
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        let store = Self { pool };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let migrations = MIGRATIONS
            .iter()
            .map(|&(version, description, sql)| {
                Migration::new(
                    version,
                    Cow::Borrowed(description),
                    MigrationType::Simple,
                    sql.into_sql_str(),
                    false,
                )
            })
            .collect();
        Migrator::with_migrations(migrations)
            .run(&self.pool)
            .await?;
        Ok(())
    }

    /// The connection pool, for the query modules.
    pub(crate) fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Starts a write transaction that holds SQLite's write lock from its first statement.
    pub(crate) async fn begin_write(
        &self,
    ) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, StoreError> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection, waiting for statements in flight.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// A new time-ordered id.
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// Now, in stored form.
pub fn now_millis() -> i64 {
    Timestamp::from(time::OffsetDateTime::now_utc()).unix_millis()
}

/// Parses a stored id.
pub(crate) fn parse_id<T: std::str::FromStr>(text: &str) -> Result<T, StoreError> {
    text.parse()
        .map_err(|_| StoreError::Corrupt(format!("bad id {text:?}")))
}

/// Parses a stored string into a validated chat-core type.
pub(crate) fn parse_text<T>(text: String) -> Result<T, StoreError>
where
    T: TryFrom<String, Error = ValidationError>,
{
    T::try_from(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Converts a stored time.
pub(crate) fn timestamp(millis: i64) -> Result<Timestamp, StoreError> {
    Timestamp::from_unix_millis(millis)
        .ok_or_else(|| StoreError::Corrupt(format!("bad time {millis}")))
}

/// Converts a stored counter, which is never negative.
pub(crate) fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// Escapes `%`, `_` and `\` so user text matches literally in `LIKE ... ESCAPE '\'`.
pub(crate) fn like_prefix(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Splits the `limit + 1` rows of a keyset query into the page and whether more follow.
pub(crate) fn split_page<T>(mut rows: Vec<T>, limit: chat_core::v1::PageLimit) -> (Vec<T>, bool) {
    let limit = limit.get() as usize;
    let more = rows.len() > limit;
    rows.truncate(limit);
    (rows, more)
}

/// The cursor of the next page of a list sorted by username, given whether more follow and
/// the username of this page's last row.
pub(crate) fn username_cursor(
    more: bool,
    last: Option<&chat_core::v1::Username>,
) -> Option<chat_core::v1::Cursor> {
    last.filter(|_| more)
        .and_then(|name| chat_core::v1::Cursor::new(name.as_str()).ok())
}

#[cfg(test)]
mod tests {
    use super::MIGRATIONS;

    #[test]
    fn every_migration_file_is_embedded_in_order() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/sqlite");
        let mut files: Vec<String> = std::fs::read_dir(&dir)
            .expect("the migrations directory")
            .map(|entry| {
                entry
                    .expect("entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .filter(|name| name.ends_with(".sql"))
            .collect();
        files.sort();
        let embedded: Vec<String> = MIGRATIONS
            .iter()
            .map(|(version, description, _)| format!("{version:04}_{description}.sql"))
            .collect();
        assert_eq!(embedded, files, "add new migration files to MIGRATIONS");
    }
}
