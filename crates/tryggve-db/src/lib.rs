//! Storage: the only crate that speaks SQL.
//!
//! One [`Db`] serves both backends. The backend follows the URL scheme
//! (`sqlite:` or `postgres://`); the same SQL text runs on both (`$N`
//! placeholders), written once inside [`with_pool!`] / [`on_tx!`], which
//! expand it for each backend's concrete connection type.
//!
//! Rules this crate keeps:
//! - reads that can return classified rows take a [`Viewer`] and filter in
//!   SQL (see [`visibility`]), never fetch-then-filter;
//! - every write happens in a [`Tx`] together with its audit row;
//! - updates name the version they were based on and fail with
//!   [`DbError::Conflict`] when the record has moved on.

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tryggve_core::Viewer;

pub mod accessibility;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod changes;
pub mod lagesbild;
pub mod meetings;
mod migrate;
pub mod minutes_import;
pub mod register;
pub mod retention;
pub mod schema;
pub mod search;
pub mod secrecy;
pub mod situation;
pub mod transfer;
pub mod visibility;
pub mod workdoc;

pub use audit::Change;

/// Which database engine a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("record not found")]
    NotFound,
    /// The record was changed by someone else since the version the edit was based on.
    #[error("record has changed (now version {current})")]
    Conflict { current: i64 },
    /// A unique value (a name, a user name) is already taken.
    #[error("already exists")]
    Duplicate,
    /// A reference points at a record that is no longer there (it was removed meanwhile).
    #[error("a referenced record no longer exists")]
    MissingReference,
    #[error("the database is not empty")]
    NotEmpty,
    #[error("unsupported database URL (use sqlite: or postgres://): {0}")]
    BadUrl(String),
    #[error("stored data could not be read: {0}")]
    Corrupt(String),
    #[error(transparent)]
    Sql(sqlx::Error),
}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => DbError::Duplicate,
            sqlx::Error::Database(d) if d.is_foreign_key_violation() => DbError::MissingReference,
            sqlx::Error::RowNotFound => DbError::NotFound,
            _ => DbError::Sql(e),
        }
    }
}

impl From<serde_json::Error> for DbError {
    fn from(e: serde_json::Error) -> Self {
        DbError::Corrupt(e.to_string())
    }
}

pub type Result<T, E = DbError> = std::result::Result<T, E>;

#[derive(Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// A handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Db {
    pub(crate) pool: Pool,
    /// SQLite allows one writer at a time: writers queue here instead of
    /// failing with SQLITE_BUSY.
    write_lock: Arc<tokio::sync::Mutex<()>>,
}

/// Runs `$body` with `$p` bound to the backend's pool.
#[macro_export]
#[doc(hidden)]
macro_rules! with_pool {
    ($db:expr, $p:ident => $body:expr) => {
        match &$db.pool {
            $crate::Pool::Sqlite($p) => $body,
            $crate::Pool::Postgres($p) => $body,
        }
    };
}

/// Runs `$body` with `$c` bound to the transaction's connection
/// (`&mut SqliteConnection` or `&mut PgConnection`); use `&mut *$c` per query.
#[macro_export]
#[doc(hidden)]
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match &mut $tx.inner {
            $crate::TxInner::Sqlite(t) => {
                let $c: &mut sqlx::SqliteConnection = &mut **t;
                $body
            }
            $crate::TxInner::Postgres(t) => {
                let $c: &mut sqlx::PgConnection = &mut **t;
                $body
            }
        }
    };
}

pub(crate) enum TxInner {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

/// A write transaction, attributed to the user who makes the change.
pub struct Tx {
    pub(crate) inner: TxInner,
    pub(crate) actor: Actor,
    _guard: Option<tokio::sync::OwnedMutexGuard<()>>,
}

/// Who makes a change: recorded in the audit log.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<tryggve_core::UserId>,
    pub username: String,
    pub at: chrono::NaiveDateTime,
}

impl Actor {
    /// A change made by the system itself (demo load, CLI administration).
    pub fn system(at: chrono::NaiveDateTime) -> Actor {
        Actor { user_id: None, username: "system".into(), at }
    }
}

impl Db {
    /// Connects to `url` (`sqlite:PATH`, `sqlite::memory:` is not supported
    /// because each pooled connection would get its own database) and applies
    /// pending migrations.
    pub async fn connect(url: &str) -> Result<Db> {
        let pool = if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)
                .map_err(|_| DbError::BadUrl(url.to_owned()))?
                .create_if_missing(true)
                .foreign_keys(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .busy_timeout(Duration::from_secs(10));
            Pool::Sqlite(SqlitePoolOptions::new().max_connections(8).connect_with(opts).await?)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // No JIT: once the statistics are there, a lägesbild's queries at a million
            // incidents pass the cost where PostgreSQL starts compiling, and compiling
            // takes longer (0.15 s) than running them.
            let opts =
                PgConnectOptions::from_str(url).map_err(|_| DbError::BadUrl(url.to_owned()))?.options([("jit", "off")]);
            Pool::Postgres(
                PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(opts)
                    .await?,
            )
        } else {
            return Err(DbError::BadUrl(url.to_owned()));
        };
        let db = Db { pool, write_lock: Arc::new(tokio::sync::Mutex::new(())) };
        migrate::run(&db).await?;
        db.backfill_audit_hashes().await?;
        Ok(db)
    }

    /// A PostgreSQL connection that runs no migrations: for creating and
    /// dropping databases (tests, operations).
    pub async fn connect_admin(url: &str) -> Result<Db> {
        let opts = PgConnectOptions::from_str(url).map_err(|_| DbError::BadUrl(url.to_owned()))?;
        let pool = PgPoolOptions::new().max_connections(2).connect_with(opts).await?;
        Ok(Db { pool: Pool::Postgres(pool), write_lock: Arc::new(tokio::sync::Mutex::new(())) })
    }

    /// Creates a PostgreSQL database (name: lower-case letters, digits and `_`).
    pub async fn create_database(&self, name: &str) -> Result<()> {
        let sql = sqlx::AssertSqlSafe(format!("CREATE DATABASE {}", check_identifier(name)?));
        with_pool!(self, p => { sqlx::query(sql).execute(p).await?; });
        Ok(())
    }

    pub async fn drop_database(&self, name: &str) -> Result<()> {
        let sql = sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", check_identifier(name)?));
        with_pool!(self, p => { sqlx::query(sql).execute(p).await?; });
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Starts a write transaction on behalf of `actor`.
    pub async fn begin(&self, actor: Actor) -> Result<Tx> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => {
                let guard = self.write_lock.clone().lock_owned().await;
                Tx { inner: TxInner::Sqlite(p.begin().await?), actor, _guard: Some(guard) }
            }
            Pool::Postgres(p) => Tx { inner: TxInner::Postgres(p.begin().await?), actor, _guard: None },
        })
    }

    /// Is the database reachable? (`GET /health`)
    pub async fn ping(&self) -> Result<()> {
        with_pool!(self, p => { sqlx::query("SELECT 1").execute(p).await?; });
        Ok(())
    }

    /// Connections of the pool: (open, idle), for the operator's metrics.
    pub fn pool_connections(&self) -> (u32, u32) {
        with_pool!(self, p => (p.size(), p.num_idle() as u32))
    }

    /// True when no council, organisation, area or user exists yet.
    pub async fn is_empty(&self) -> Result<bool> {
        let sql = "SELECT (SELECT COUNT(*) FROM councils) + (SELECT COUNT(*) FROM organisations) \
                   + (SELECT COUNT(*) FROM areas) + (SELECT COUNT(*) FROM users)";
        let n: i64 = with_pool!(self, p => sqlx::query_scalar(sql).fetch_one(p).await?);
        Ok(n == 0)
    }

    pub async fn close(&self) {
        with_pool!(self, p => p.close().await)
    }
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        match self.inner {
            TxInner::Sqlite(t) => t.commit().await?,
            TxInner::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// The id the next inserted row of `table` gets. SQLite writers are
    /// serialised by the write lock, so MAX+1 is safe there; PostgreSQL uses
    /// the identity sequence.
    pub(crate) async fn next_id(&mut self, table: &'static str) -> Result<i64> {
        let id: i64 = match &mut self.inner {
            TxInner::Sqlite(t) => {
                let sql = sqlx::AssertSqlSafe(format!("SELECT COALESCE(MAX(id), 0) + 1 FROM {table}"));
                sqlx::query_scalar(sql).fetch_one(&mut **t).await?
            }
            TxInner::Postgres(t) => {
                sqlx::query_scalar("SELECT nextval(pg_get_serial_sequence($1, 'id'))")
                    .bind(table)
                    .fetch_one(&mut **t)
                    .await?
            }
        };
        Ok(id)
    }
}

fn check_identifier(name: &str) -> Result<&str> {
    if !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
        Ok(name)
    } else {
        Err(DbError::BadUrl(format!("not a database name: {name:?}")))
    }
}

/// Parameters every viewer-filtered query binds first, as `$1`, `$2`, `$3`
/// (see [`visibility`]).
pub(crate) fn viewer_params(v: &Viewer) -> (bool, bool, i64) {
    (v.is_admin(), v.is_logged_in(), v.organisation_id.map_or(-1, |o| o.0))
}
