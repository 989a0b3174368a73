//! What backup and restore need from the database: an online, consistent
//! copy of an SQLite database, an integrity check, and (for restoring a
//! PostgreSQL dump) an empty schema. Running `pg_dump` and copying files is
//! the binary's business.

use crate::{Backend, Db, DbError, Result, with_pool};
use std::path::Path;

impl Db {
    /// Writes a consistent copy of the SQLite database as it is at this
    /// moment to `out` (which must not exist), while others go on reading and
    /// writing: `VACUUM INTO` reads in one transaction.
    pub async fn backup_sqlite(&self, out: &Path) -> Result<()> {
        if self.backend() != Backend::Sqlite {
            return Err(DbError::Corrupt("an SQLite backup needs an SQLite database".into()));
        }
        let target = out.to_str().ok_or_else(|| DbError::Corrupt("the backup path is not UTF-8".into()))?;
        with_pool!(self, p => { sqlx::query("VACUUM INTO $1").bind(target).execute(p).await?; });
        Ok(())
    }

    /// The database's own check: SQLite's `PRAGMA integrity_check` and
    /// foreign keys; on PostgreSQL, which checks its pages itself, that every
    /// table of the schema can be read through. Empty when all is well.
    pub async fn integrity_problems(&self) -> Result<Vec<String>> {
        match self.backend() {
            Backend::Sqlite => {
                let mut problems: Vec<String> =
                    with_pool!(self, p => sqlx::query_scalar("PRAGMA integrity_check").fetch_all(p).await?);
                problems.retain(|s| s != "ok");
                let fks: Vec<(String, i64)> = with_pool!(self, p => sqlx::query_as("SELECT \"table\", rowid FROM pragma_foreign_key_check").fetch_all(p).await?);
                problems.extend(fks.into_iter().map(|(t, r)| format!("{t} row {r}: a reference points nowhere")));
                Ok(problems)
            }
            Backend::Postgres => {
                let tables: Vec<String> = with_pool!(self, p => sqlx::query_scalar(
                    "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1")
                    .fetch_all(p).await?);
                for t in tables {
                    let sql = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM \"{}\"", t.replace('"', "")));
                    let _: i64 = with_pool!(self, p => sqlx::query_scalar(sql).fetch_one(p).await?);
                }
                Ok(vec![])
            }
        }
    }

    /// Empties a PostgreSQL database's schema, so that a dump can be restored into it.
    pub async fn clear_postgres_schema(&self) -> Result<()> {
        if self.backend() != Backend::Postgres {
            return Err(DbError::Corrupt("not a PostgreSQL database".into()));
        }
        with_pool!(self, p => {
            sqlx::query("DROP SCHEMA public CASCADE").execute(p).await?;
            sqlx::query("CREATE SCHEMA public").execute(p).await?;
        });
        Ok(())
    }
}
