//! Persistence: every SQL statement of the server lives below this module.
//!
//! [`Store`] wraps the connection pool of either backend, SQLite (the zero-config default) or
//! PostgreSQL (several server nodes sharing one database). Each submodule owns the queries of
//! one table family and returns chat-core types, so the layers above never see a row or know
//! the backend. The SQL is written once, in the dialect both share: `$N` placeholders, ids as
//! UUID strings, times as milliseconds since the epoch, flags as 0/1 integers. The schema of
//! each backend lives in `migrations/sqlite/` and `migrations/postgres/`.
//!
//! Writes that must be atomic (a message and its `seq`, a lobby and its first admin) run in
//! one transaction from [`Store::begin_write`], which serializes writers on both backends:
//! SQLite's `BEGIN IMMEDIATE` takes the write lock up front (so writers queue on the busy
//! timeout instead of failing with `SQLITE_BUSY` when a read transaction tries to upgrade);
//! on PostgreSQL a transaction-scoped advisory lock does the same across every node, so the
//! read-then-write rules (the last admin, the last member, gap-free `seq`) hold cluster-wide.
//! Posted messages, the hot write, go through [`writer`], which commits concurrent posts
//! together in one such transaction (group commit).

pub mod admin;
pub mod chats;
pub mod conversations;
pub mod events;
pub mod lobbies;
pub mod login_failures;
pub mod members;
pub mod mentions;
pub mod messages;
pub mod plans;
pub mod reactions;
pub(crate) mod rows;
pub mod sessions;
mod sql;
pub mod tokens;
pub mod users;
pub mod writer;

use std::borrow::Cow;
use std::path::Path;
use std::time::Duration;

use chat_core::v1::{Timestamp, ValidationError};
use sqlx::ValueRef;
use sqlx::any::{AnyPoolOptions, AnyTypeInfo, AnyTypeInfoKind, AnyValueRef};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{Any, Executor, SqlSafeStr};
use sqlx::{AnyConnection, AnyPool, Connection as _};

// The store's tables stamp times and ids; its files import the clock from here.
pub(crate) use crate::clock::{new_id, now_millis};

/// How long a statement waits for a connection before the store reports an outage.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// A failure of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed a statement.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration could not be applied.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The database URL names no backend the server supports.
    #[error("unsupported database URL (expected sqlite:// or postgres://)")]
    UnsupportedUrl,
    /// A stored value no longer parses; the database was changed outside the server.
    #[error("corrupt row: {0}")]
    Corrupt(String),
    /// A write failed in a batch that met an outage (the batch's error itself went to the log).
    #[error("the store is unavailable ({0:?})")]
    Outage(Outage),
}

impl StoreError {
    /// Whether the statement failed on a UNIQUE or PRIMARY KEY constraint.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, Self::Database(sqlx::Error::Database(db)) if db.is_unique_violation())
    }

    /// The outage this failure is part of, if it is one: a failure of the database or its disk
    /// rather than of the statement, which the same request may get past later.
    pub fn outage(&self) -> Option<Outage> {
        let error = match self {
            Self::Database(error) => error,
            Self::Outage(outage) => return Some(*outage),
            _ => return None,
        };
        match error {
            sqlx::Error::Io(e) if is_storage_full(e) => Some(Outage::StorageFull),
            sqlx::Error::PoolTimedOut
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::WorkerCrashed => Some(Outage::Unreachable),
            sqlx::Error::Database(db) => {
                let code = db.code()?;
                // PostgreSQL's SQLSTATEs are often all digits too (42501, 22021): read as
                // SQLite result codes they would pass for "busy" or "I/O error".
                if db
                    .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
                    .is_some()
                {
                    Outage::of_sqlstate(&code)
                } else {
                    Outage::of_sqlite_code(&code)
                }
            }
            _ => None,
        }
    }
}

/// Why the store cannot serve for now. Requests that meet one are answered `503` with
/// `Retry-After`, not `500`: nothing is wrong with them, and nothing was half-written (a
/// transaction that fails is rolled back; a post retried with its nonce is not doubled).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outage {
    /// The database does not answer: restarting, unreachable, out of connections, busy.
    Unreachable,
    /// The disk under the database or the files is full.
    StorageFull,
}

impl Outage {
    /// The outage a PostgreSQL SQLSTATE stands for.
    fn of_sqlstate(code: &str) -> Option<Self> {
        match code {
            // disk_full
            "53100" => Some(Self::StorageFull),
            // connection exceptions, out of memory, too many connections, shutting down,
            // cannot connect now.
            _ if code.starts_with("08") => Some(Self::Unreachable),
            "53200" | "53300" | "57P01" | "57P02" | "57P03" => Some(Self::Unreachable),
            _ => None,
        }
    }

    /// The outage a SQLite (extended) result code, in decimal, stands for.
    fn of_sqlite_code(code: &str) -> Option<Self> {
        match code.parse::<i32>().map(|code| code & 0xff) {
            // SQLITE_FULL
            Ok(13) => Some(Self::StorageFull),
            // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_IOERR, SQLITE_CANTOPEN
            Ok(5 | 6 | 10 | 14) => Some(Self::Unreachable),
            _ => None,
        }
    }
}

/// Whether an I/O error means the disk (or the user's quota on it) is full.
pub fn is_storage_full(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
    )
}

/// A migration: version, description, SQL.
type MigrationFile = (i64, &'static str, &'static str);

/// The SQLite migrations, embedded so the binary runs from any directory.
const SQLITE_MIGRATIONS: &[MigrationFile] = &[
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
    (
        4,
        "reactions",
        include_str!("../../../migrations/sqlite/0004_reactions.sql"),
    ),
    (
        5,
        "mentions",
        include_str!("../../../migrations/sqlite/0005_mentions.sql"),
    ),
];

/// The PostgreSQL migrations: the same versions and tables as SQLite's.
const POSTGRES_MIGRATIONS: &[MigrationFile] = &[
    (
        1,
        "init",
        include_str!("../../../migrations/postgres/0001_init.sql"),
    ),
    (
        2,
        "admin",
        include_str!("../../../migrations/postgres/0002_admin.sql"),
    ),
    (
        3,
        "tokens",
        include_str!("../../../migrations/postgres/0003_tokens.sql"),
    ),
    (
        4,
        "reactions",
        include_str!("../../../migrations/postgres/0004_reactions.sql"),
    ),
    (
        5,
        "mentions",
        include_str!("../../../migrations/postgres/0005_mentions.sql"),
    ),
];

/// Which database the store talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl Backend {
    /// The backend a database URL names, if it is one we support.
    pub fn of_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Self::Postgres)
        } else {
            None
        }
    }

    fn migrations(self) -> &'static [MigrationFile] {
        match self {
            Self::Sqlite => SQLITE_MIGRATIONS,
            Self::Postgres => POSTGRES_MIGRATIONS,
        }
    }
}

/// The key of the advisory lock that serializes write transactions on PostgreSQL
/// (an arbitrary constant: "chat" in ASCII).
const WRITE_LOCK_KEY: i64 = 0x6368_6174;

/// The database behind the server.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    writer: writer::Writer,
    /// Active sessions, on SQLite only (see [`sessions`]); shared by every clone.
    sessions: Option<std::sync::Arc<sessions::SessionCache>>,
}

impl Store {
    /// Opens (creating if needed) the SQLite database at `path` and applies the migrations.
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        Self::connect(&format!("sqlite://{}?mode=rwc", path.display())).await
    }

    /// Connects to the database at `url` (`sqlite://PATH` or `postgres://…`) and applies the
    /// migrations.
    ///
    /// SQLite runs in WAL mode with `synchronous = FULL`: a transaction is on disk when its
    /// commit returns, so an acknowledged message survives both a process crash and a power
    /// loss. PostgreSQL's defaults (`synchronous_commit = on`) give the same guarantee.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let backend = Backend::of_url(url).ok_or(StoreError::UnsupportedUrl)?;
        sqlx::any::install_default_drivers();
        let options = AnyPoolOptions::new()
            .min_connections(1)
            // A request waits this long for a connection while the database is down (or every
            // connection is busy), then gets `503`: well inside any client's timeout.
            .acquire_timeout(ACQUIRE_TIMEOUT)
            // A transaction whose COMMIT failed (a full disk) stays open until the rollback
            // its drop queued on the connection runs; a connection still in one after that is
            // closed rather than lent again, where every BEGIN on it would fail.
            .after_release(|conn, _| {
                Box::pin(async move {
                    if conn.is_in_transaction() {
                        conn.ping().await?;
                    }
                    Ok(!conn.is_in_transaction())
                })
            });
        let pool = match backend {
            Backend::Sqlite => {
                options
                    .max_connections(8)
                    // The pool's liveness check before each use is a round trip to the
                    // connection's worker thread, as costly as the query itself; an embedded
                    // database has no network connection that could have died.
                    .test_before_acquire(false)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            // Per-connection settings; WAL is a property of the file but is
                            // cheap to re-assert. Deleted message text is overwritten on disk,
                            // not just unlinked.
                            conn.execute(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
                                 PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON;
                                 PRAGMA secure_delete = ON;",
                            )
                            .await?;
                            Ok(())
                        })
                    })
                    .connect(url)
                    .await?
            }
            Backend::Postgres => options.max_connections(16).connect(url).await?,
        };
        let writer = writer::Writer::spawn(pool.clone(), backend);
        let store = Self {
            pool,
            backend,
            writer,
            sessions: (backend == Backend::Sqlite).then(std::sync::Arc::default),
        };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), StoreError> {
        let migrations = self
            .backend
            .migrations()
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

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The connection pool, for the query modules.
    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Starts a write transaction that holds the database's write lock from its first
    /// statement (see the module docs).
    pub(crate) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, Any>, StoreError> {
        let mut tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        lock_writes(&mut tx, self.backend).await?;
        Ok(tx)
    }

    /// The group-commit writer of posted messages.
    pub(crate) fn writer(&self) -> &writer::Writer {
        &self.writer
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

/// A 0/1 flag column or a boolean expression, read alike from both backends: SQLite answers
/// integers for both, PostgreSQL booleans for expressions such as `x IS NULL`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Flag(pub bool);

impl From<Flag> for bool {
    fn from(flag: Flag) -> Self {
        flag.0
    }
}

impl sqlx::Type<Any> for Flag {
    fn type_info() -> AnyTypeInfo {
        <i64 as sqlx::Type<Any>>::type_info()
    }

    fn compatible(ty: &AnyTypeInfo) -> bool {
        ty.kind().is_integer() || ty.kind() == AnyTypeInfoKind::Bool
    }
}

impl<'r> sqlx::Decode<'r, Any> for Flag {
    fn decode(value: AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        if value.type_info().kind() == AnyTypeInfoKind::Bool {
            Ok(Self(<bool as sqlx::Decode<Any>>::decode(value)?))
        } else {
            Ok(Self(<i64 as sqlx::Decode<Any>>::decode(value)? != 0))
        }
    }
}

/// [`Store::begin_write`] on a connection the caller holds (the group-commit writer keeps
/// one and holds no `Store`).
pub(crate) async fn begin_write_on(
    conn: &mut AnyConnection,
    backend: Backend,
) -> Result<sqlx::Transaction<'_, Any>, StoreError> {
    let mut tx = match backend {
        Backend::Sqlite => conn.begin_with("BEGIN IMMEDIATE").await?,
        Backend::Postgres => conn.begin().await?,
    };
    lock_writes(&mut tx, backend).await?;
    Ok(tx)
}

/// PostgreSQL: takes the write lock that `BEGIN IMMEDIATE` takes on SQLite.
async fn lock_writes(tx: &mut AnyConnection, backend: Backend) -> Result<(), StoreError> {
    if backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(WRITE_LOCK_KEY)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// A flag in stored form.
pub(crate) fn flag(value: bool) -> i64 {
    i64::from(value)
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
    use super::{Backend, Outage};

    #[test]
    fn sqlstates_and_sqlite_codes_are_read_each_by_their_own_rules() {
        // Numeric SQLSTATEs that are no outage, though their low byte is SQLITE_BUSY (5),
        // SQLITE_IOERR (10) or SQLITE_CANTOPEN (14) when read as a SQLite code.
        for code in ["42501", "22021", "22026", "22030", "23505"] {
            assert_eq!(Outage::of_sqlstate(code), None, "{code}");
        }
        assert_eq!(Outage::of_sqlstate("57P01"), Some(Outage::Unreachable));
        assert_eq!(Outage::of_sqlstate("08006"), Some(Outage::Unreachable));
        assert_eq!(Outage::of_sqlstate("53100"), Some(Outage::StorageFull));
        assert_eq!(Outage::of_sqlite_code("13"), Some(Outage::StorageFull));
        // SQLITE_IOERR_WRITE (778), SQLITE_BUSY_SNAPSHOT (517)
        assert_eq!(Outage::of_sqlite_code("778"), Some(Outage::Unreachable));
        assert_eq!(Outage::of_sqlite_code("517"), Some(Outage::Unreachable));
        // SQLITE_CONSTRAINT_UNIQUE (2067)
        assert_eq!(Outage::of_sqlite_code("2067"), None);
    }

    #[test]
    fn every_migration_file_is_embedded_in_order() {
        for (backend, folder) in [(Backend::Sqlite, "sqlite"), (Backend::Postgres, "postgres")] {
            check_embedded(backend, folder);
        }
    }

    fn check_embedded(backend: Backend, folder: &str) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../migrations")
            .join(folder);
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
        let embedded: Vec<String> = backend
            .migrations()
            .iter()
            .map(|(version, description, _)| format!("{version:04}_{description}.sql"))
            .collect();
        assert_eq!(embedded, files, "add new migration files to MIGRATIONS");
    }
}
