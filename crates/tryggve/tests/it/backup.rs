//! Backups that can be trusted: taken while the server writes, checked,
//! restored into an empty database only (unless told), and a council moved
//! from SQLite to PostgreSQL. Runs the real binary.

use crate::helpers::*;
use serde_json::json;
use std::path::Path;

fn tryggve(url: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_tryggve"))
        .args(args)
        .env("TRYGGVE_DATABASE_URL", url)
        .env("TRYGGVE_LOG", "warn")
        .output()
        .unwrap()
}

fn ok(out: &std::process::Output) -> String {
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{text}");
    text
}

/// Everything an administrator's export holds, as its JSON.
async fn everything(url: &str) -> String {
    let db = tryggve_db::Db::connect(url).await.unwrap();
    let admin =
        tryggve_core::Viewer { user_id: None, organisation_id: None, role: Some(tryggve_core::access::Role::Admin) };
    let doc = db.export(&admin).await.unwrap().to_json();
    db.close().await;
    doc
}

async fn write_while_backing_up(app: &TestApp, out: &Path) {
    let mut c = app.token("clas").await;
    let writer = tokio::spawn(async move {
        for k in 0..40 {
            let body = json!({"category": "klotter", "date": "2026-10-01", "time": format!("10:{k:02}"), "area_id": 16, "description": "Klotter"});
            assert_eq!(c.api_post("/incidents", &body).await.status, 201);
        }
    });
    let url = app.test_db.url.clone();
    let out = out.to_owned();
    let backup = tokio::task::spawn_blocking(move || tryggve(&url, &["backup", "--out", out.to_str().unwrap()]));
    let result = backup.await.unwrap();
    writer.await.unwrap();
    assert!(ok(&result).contains("Wrote the backup"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_sqlite_backup_taken_while_writing_restores_and_moves_to_postgresql() {
    let app = TestApp::demo(Backend::Sqlite).await.unwrap();
    let dir = tempdir();
    let file = dir.join("tryggve-backup.db");
    write_while_backing_up(&app, &file).await;
    // A backup is never written over.
    let again = tryggve(&app.test_db.url, &["backup", "--out", file.to_str().unwrap()]);
    assert!(!again.status.success());
    let backed_up = everything(&format!("sqlite:{}", file.display())).await;
    assert!(backed_up.contains("Hägersten-Älvsjös lokala brottsförebyggande råd"));

    // Into an empty SQLite database: the same records, and a sound file.
    let target = TestDb::new(Backend::Sqlite).await.unwrap();
    ok(&tryggve(&target.url, &["restore", file.to_str().unwrap()]));
    assert_eq!(everything(&target.url).await, backed_up);
    let db = tryggve_db::Db::connect(&target.url).await.unwrap();
    assert_eq!(db.integrity_problems().await.unwrap(), Vec::<String>::new());
    db.close().await;
    // Not into one that holds records, unless told.
    let refused = tryggve(&target.url, &["restore", file.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("--force"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    ok(&tryggve(&target.url, &["restore", "--force", file.to_str().unwrap()]));
    assert_eq!(everything(&target.url).await, backed_up);

    // The council moves to PostgreSQL: every record comes along.
    if let Some(pg) = TestDb::new(Backend::Postgres).await {
        ok(&tryggve(&pg.url, &["restore", file.to_str().unwrap()]));
        assert_eq!(everything(&pg.url).await, backed_up);
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgresql_backup_restores_into_an_empty_database() {
    let Some(app) = TestApp::demo(Backend::Postgres).await else { return };
    let dir = tempdir();
    let file = dir.join("tryggve.dump");
    write_while_backing_up(&app, &file).await;
    let backed_up_count = app.db.table_counts().await.unwrap();
    assert!(backed_up_count.iter().any(|(t, n)| *t == "incidents" && *n >= 1));
    let target = TestDb::new(Backend::Postgres).await.unwrap();
    ok(&tryggve(&target.url, &["restore", file.to_str().unwrap()]));
    let restored = everything(&target.url).await;
    assert!(restored.contains("Platssamverkan Liljeholmen"));
    // The audit log comes along too, and still verifies.
    let out = ok(&tryggve(&target.url, &["audit", "verify"]));
    assert!(out.contains("intact"), "{out}");
    // A pg_dump file does not go into SQLite.
    let sqlite = TestDb::new(Backend::Sqlite).await.unwrap();
    assert!(!tryggve(&sqlite.url, &["restore", file.to_str().unwrap()]).status.success());
    let _ = std::fs::remove_dir_all(dir);
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "tryggve-backup-{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_micros()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
