//! `tryggve backup` and `tryggve restore`.
//!
//! SQLite: the backup is a consistent copy of the database file taken while
//! the server runs (`VACUUM INTO`), checked before it is kept; restoring
//! copies it into place. PostgreSQL: `pg_dump` in its custom format, and
//! `pg_restore`. A council moves from SQLite to PostgreSQL by restoring an
//! SQLite backup into a PostgreSQL database: it is read and written through
//! the export document, which carries every record (the audit log stays in
//! the backup file).

use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::Command;
use tryggve_db::{Actor, Backend, Db};

const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";
const PG_DUMP_MAGIC: &[u8] = b"PGDMP";

/// Writes a backup of the database at `url` to `out`.
pub async fn backup(db: &Db, url: &str, out: &Path) -> anyhow::Result<()> {
    if out.exists() {
        bail!("{} finns redan: välj ett nytt filnamn", out.display());
    }
    let tmp = sibling(out, "part");
    let _ = std::fs::remove_file(&tmp);
    match db.backend() {
        Backend::Sqlite => {
            db.backup_sqlite(&tmp).await?;
            // Check the copy before calling it a backup.
            let copy = Db::connect(&format!("sqlite:{}", tmp.display())).await?;
            let problems = copy.integrity_problems().await?;
            copy.close().await;
            if !problems.is_empty() {
                let _ = std::fs::remove_file(&tmp);
                bail!("the copy failed its integrity check: {}", problems.join("; "));
            }
        }
        Backend::Postgres => {
            let status = Command::new("pg_dump")
                .args(["--format=custom", "--no-owner", "--file"])
                .arg(&tmp)
                .arg(format!("--dbname={url}"))
                .status()
                .context("running pg_dump (install the PostgreSQL client tools)")?;
            if !status.success() {
                let _ = std::fs::remove_file(&tmp);
                bail!("pg_dump failed ({status})");
            }
        }
    }
    sync_and_rename(&tmp, out)?;
    println!("Wrote the backup {} ({} bytes).", out.display(), std::fs::metadata(out)?.len());
    Ok(())
}

/// Restores `file` into the database at `url`, which must hold no records unless `force`.
pub async fn restore(db: Db, url: &str, file: &Path, force: bool) -> anyhow::Result<()> {
    let mut head = [0u8; 16];
    let n = std::io::Read::read(
        &mut std::fs::File::open(file).with_context(|| format!("opening {}", file.display()))?,
        &mut head,
    )?;
    let kind = if head[..n].starts_with(SQLITE_MAGIC) {
        Backend::Sqlite
    } else if head[..n].starts_with(PG_DUMP_MAGIC) {
        Backend::Postgres
    } else {
        bail!("{} is neither an SQLite backup nor a pg_dump file", file.display());
    };
    if !db.is_empty().await? && !force {
        bail!("the database already holds records: restore into an empty database, or add --force to replace them");
    }
    match (kind, db.backend()) {
        (Backend::Sqlite, Backend::Sqlite) => {
            let target = PathBuf::from(url.trim_start_matches("sqlite://").trim_start_matches("sqlite:"));
            let target = PathBuf::from(target.to_string_lossy().split('?').next().unwrap_or_default());
            db.close().await;
            let tmp = sibling(&target, "restoring");
            std::fs::copy(file, &tmp).with_context(|| format!("copying {}", file.display()))?;
            for ext in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{ext}", target.display()));
            }
            sync_and_rename(&tmp, &target)?;
            let restored = Db::connect(url).await?;
            let problems = restored.integrity_problems().await?;
            if !problems.is_empty() {
                bail!("the restored database failed its integrity check: {}", problems.join("; "));
            }
        }
        (Backend::Sqlite, Backend::Postgres) => {
            // Read the backup from a copy: opening a database may bring its schema up to date.
            let tmp = std::env::temp_dir().join(format!("tryggve-restore-{}.db", std::process::id()));
            std::fs::copy(file, &tmp)?;
            let source = Db::connect(&format!("sqlite:{}", tmp.display())).await?;
            let doc = source.export(&tryggve_core::Viewer::admin()).await;
            source.close().await;
            let _ = std::fs::remove_file(&tmp);
            let doc = doc?;
            if force {
                db.clear_postgres_schema().await?;
                let db = Db::connect(url).await?;
                db.import(&Actor::system(crate::now()), &doc).await?;
            } else {
                db.import(&Actor::system(crate::now()), &doc).await?;
            }
            println!("The records were moved through the export document; the audit log stays in the backup file.");
        }
        (Backend::Postgres, Backend::Postgres) => {
            db.clear_postgres_schema().await?;
            db.close().await;
            let status = Command::new("pg_restore")
                .args(["--no-owner", "--single-transaction", "--exit-on-error"])
                .arg(format!("--dbname={url}"))
                .arg(file)
                .status()
                .context("running pg_restore (install the PostgreSQL client tools)")?;
            if !status.success() {
                bail!("pg_restore failed ({status})");
            }
            let restored = Db::connect(url).await?;
            restored.integrity_problems().await?;
        }
        (Backend::Postgres, Backend::Sqlite) => {
            bail!("a pg_dump file restores into PostgreSQL; to move to SQLite, use tryggve export and tryggve import")
        }
    }
    println!("Restored {}.", file.display());
    Ok(())
}

fn sibling(path: &Path, ext: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(format!(".{ext}"));
    PathBuf::from(s)
}

/// Makes `tmp` durable, then gives it its name in one step.
fn sync_and_rename(tmp: &Path, to: &Path) -> anyhow::Result<()> {
    std::fs::File::open(tmp)?.sync_all()?;
    std::fs::rename(tmp, to).with_context(|| format!("naming {}", to.display()))?;
    if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}
