//! Applies the migrations of the connected backend, in order, each in its
//! own transaction, recording them in `schema_migrations`. Migrations are
//! never edited once released; a new change is a new file.

use crate::{Db, Result, with_pool};

/// (version, SQL) per backend. Keep the two lists the same length and meaning.
const SQLITE: &[(i64, &str)] = &[
    (1, include_str!("../migrations/sqlite/0001_foundation.sql")),
    (2, include_str!("../migrations/sqlite/0002_situation.sql")),
    (3, include_str!("../migrations/sqlite/0003_workdoc.sql")),
    (4, include_str!("../migrations/sqlite/0004_lagesbild.sql")),
    (5, include_str!("../migrations/sqlite/0005_minutes.sql")),
    (6, include_str!("../migrations/sqlite/0006_audit_chain.sql")),
    (7, include_str!("../migrations/sqlite/0007_lagesbild_speed.sql")),
    (8, include_str!("../migrations/sqlite/0008_secrecy.sql")),
    (9, include_str!("../migrations/sqlite/0009_accessibility.sql")),
    (10, include_str!("../migrations/sqlite/0010_pending_imports.sql")),
];
const POSTGRES: &[(i64, &str)] = &[
    (1, include_str!("../migrations/postgres/0001_foundation.sql")),
    (2, include_str!("../migrations/postgres/0002_situation.sql")),
    (3, include_str!("../migrations/postgres/0003_workdoc.sql")),
    (4, include_str!("../migrations/postgres/0004_lagesbild.sql")),
    (5, include_str!("../migrations/postgres/0005_minutes.sql")),
    (6, include_str!("../migrations/postgres/0006_audit_chain.sql")),
    (7, include_str!("../migrations/postgres/0007_lagesbild_speed.sql")),
    (8, include_str!("../migrations/postgres/0008_secrecy.sql")),
    (9, include_str!("../migrations/postgres/0009_accessibility.sql")),
    (10, include_str!("../migrations/postgres/0010_pending_imports.sql")),
];

pub(crate) async fn run(db: &Db) -> Result<()> {
    let migrations = match db.backend() {
        crate::Backend::Sqlite => SQLITE,
        crate::Backend::Postgres => POSTGRES,
    };
    with_pool!(db, p => {
        sqlx::query("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)")
            .execute(p)
            .await?;
        for (version, sql) in migrations {
            let mut tx = p.begin().await?;
            // Serialise concurrent starters on PostgreSQL; harmless elsewhere.
            let done: Option<i64> = sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                .bind(version)
                .fetch_optional(&mut *tx)
                .await?;
            if done.is_some() {
                continue;
            }
            tracing::info!(version, "applying migration");
            sqlx::raw_sql(sqlx::AssertSqlSafe(*sql)).execute(&mut *tx).await?;
            sqlx::query("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)")
                .bind(version)
                .bind(chrono::Utc::now().naive_utc().to_string())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_migration_file_is_listed_for_its_backend() {
        for (dir, list) in [("sqlite", super::SQLITE), ("postgres", super::POSTGRES)] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(dir);
            let files = std::fs::read_dir(path)
                .unwrap()
                .filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "sql"))
                .count();
            assert_eq!(files, list.len(), "{dir}: files and the list differ");
            for (i, (v, _)) in list.iter().enumerate() {
                assert_eq!(*v, i as i64 + 1);
            }
        }
    }
}
