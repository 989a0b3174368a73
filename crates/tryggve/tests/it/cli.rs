//! The command line, run as the real binary.

use crate::both;
use crate::helpers::*;
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn tryggve(url: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tryggve"))
        .args(args)
        .env("TRYGGVE_DATABASE_URL", url)
        .env("TRYGGVE_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tryggve");
    if let Some(s) = stdin {
        child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "failed: {}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

both!(export_import_export_is_byte_identical, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    // Something beyond the demo: a follow-up and a restricted record.
    let mut c = app.token("clas").await;
    let res = c.api_post("/measures/2/follow-ups", &serde_json::json!({"date": "2026-11-01", "text": "Avstämning gjord.", "new_status": "ongoing", "version": 1})).await;
    assert_eq!(res.status, 201);
    let first = ok(&tryggve(&app.test_db.url, &["export", "--user", "admin"], None));
    let doc: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert_eq!(doc["format"], "tryggve-export");
    assert!(
        doc["users"][0]["password_hash"].as_str().unwrap().starts_with("$argon2id$"),
        "an admin export keeps the accounts"
    );

    let file =
        app.test_db.dir.clone().unwrap_or_else(std::env::temp_dir).join(format!("export-{}.json", std::process::id()));
    std::fs::write(&file, &first).unwrap();
    let target = TestDb::new(b).await.unwrap();
    let out = ok(&tryggve(&target.url, &["import", file.to_str().unwrap()], None));
    assert!(out.contains("Imported 1 councils"));
    let second = ok(&tryggve(&target.url, &["export", "--user", "admin"], None));
    assert!(first == second, "the second export differs from the first");

    // The moved accounts still log in, and new records get fresh ids.
    let moved = tryggve_db::Db::connect(&target.url).await.unwrap();
    let u = moved.user_for_login("clas").await.unwrap();
    assert!(tryggve_web::auth::verify_password(DEMO_PASSWORD, u.password_hash.as_deref().unwrap()));
    let out =
        ok(&tryggve(&target.url, &["user", "add", "ny.anvandare", "--role", "reader"], Some("ett långt lösenord\n")));
    assert!(out.contains("Added user ny.anvandare"));
    moved.close().await;

    // Importing into a database that is not empty is refused.
    let again = tryggve(&target.url, &["import", file.to_str().unwrap()], None);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));
    let _ = std::fs::remove_file(&file);
});

both!(a_broken_import_names_the_json_path_and_writes_nothing, |b| async move {
    let target = TestDb::new(b).await.unwrap();
    let dir = std::env::temp_dir();
    let mut doc: serde_json::Value = serde_json::from_str(&demo_document().to_json()).unwrap();
    doc["measures"][3]["status"] = serde_json::json!("half-done");
    let file = dir.join(format!("broken-{}-{:?}.json", std::process::id(), b));
    std::fs::write(&file, doc.to_string()).unwrap();
    let out = tryggve(&target.url, &["import", file.to_str().unwrap()], None);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("$.measures[3].status"), "{err}");

    doc["measures"][3]["status"] = serde_json::json!("ongoing");
    doc["measures"][3]["participant_ids"] = serde_json::json!([4242]);
    std::fs::write(&file, doc.to_string()).unwrap();
    let out = tryggve(&target.url, &["import", file.to_str().unwrap()], None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("$.measures[3].participant_ids[0]"), "{err}");

    std::fs::write(&file, "{\"format\": \"tryggve-export\", \"version\": 1, \"councils\": [").unwrap();
    let out = tryggve(&target.url, &["import", file.to_str().unwrap()], None);
    assert!(!out.status.success());

    let db = tryggve_db::Db::connect(&target.url).await.unwrap();
    assert!(db.is_empty().await.unwrap(), "nothing was written");
    db.close().await;
    let _ = std::fs::remove_file(&file);
});

both!(user_add_and_token_create_give_a_working_api_token, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let url = &app.test_db.url;
    let out = tryggve(
        url,
        &["user", "add", "fältassistent", "--role", "reporter", "--org", "Sth.stads mobila OV"],
        Some("hemligt-och-långt\n"),
    );
    ok(&out);
    let short = tryggve(url, &["user", "add", "kort", "--role", "reader"], Some("kort\n"));
    assert!(!short.status.success(), "a short password is refused");
    let bad_role = tryggve(url, &["user", "add", "x", "--role", "king"], Some("hemligt-och-långt\n"));
    assert!(!bad_role.status.success());
    let dup = tryggve(url, &["user", "add", "fältassistent", "--role", "reader"], Some("hemligt-och-långt\n"));
    assert!(String::from_utf8_lossy(&dup.stderr).contains("already exists"));

    let out = ok(&tryggve(url, &["token", "create", "--user", "fältassistent"], None));
    let token = out.lines().last().unwrap().trim().to_owned();
    assert_eq!(token.len(), 64);
    let mut c = app.client();
    c.bearer = Some(token);
    let me = c.api_get("/me").await.json();
    assert_eq!(me["username"], "fältassistent");
    assert_eq!(me["role"], "reporter");
    let orgs = c.api_get(&format!("/organisations/{}", me["organisation_id"])).await.json();
    assert_eq!(orgs["name"], "Stockholms stads mobila ordningsvakter", "the alias found the organisation");
    let mut login = app.client();
    assert_eq!(login.login("fältassistent", "hemligt-och-långt").await.status, 303);
});

both!(a_members_export_holds_only_what_they_may_see, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut admin = app.token("admin").await;
    let orgs = admin.api_get("/organisations").await.json();
    let police = orgs.as_array().unwrap().iter().find(|o| o["name"] == "Polisen LPO Skärholmen").unwrap()["id"].clone();
    let res = admin
        .api_post(
            "/measures",
            &serde_json::json!({"collaboration_id": 2, "kind": "problem", "problem": "Endast polisen",
        "status": "ongoing", "classification": "restricted", "restricted_to": [police], "legal_reference_id": 5}),
        )
        .await;
    assert_eq!(res.status, 201);
    let yvonne = ok(&tryggve(&app.test_db.url, &["export", "--user", "yvonne"], None));
    assert!(!yvonne.contains("Endast polisen"));
    assert!(!yvonne.contains("$argon2"), "no password hashes outside an admin's export");
    let martin = ok(&tryggve(&app.test_db.url, &["export", "--user", "martin"], None));
    assert!(martin.contains("Endast polisen"));
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_council_moves_from_sqlite_to_postgresql_without_losing_anything() {
    let Some(pg) = TestDb::new(Backend::Postgres).await else {
        eprintln!("skipped: TRYGGVE_TEST_POSTGRES_URL is not set");
        return;
    };
    let app = TestApp::demo(Backend::Sqlite).await.unwrap();
    let mut c = app.token("clas").await;
    let res = c
        .api_post(
            "/measures/7/follow-ups",
            &serde_json::json!({"date": "2026-10-30", "text": "Rutinen fungerar.", "version": 1}),
        )
        .await;
    assert_eq!(res.status, 201);
    let from_sqlite = ok(&tryggve(&app.test_db.url, &["export", "--user", "admin"], None));
    let file = app.test_db.dir.clone().unwrap().join("move.json");
    std::fs::write(&file, &from_sqlite).unwrap();
    ok(&tryggve(&pg.url, &["import", file.to_str().unwrap()], None));
    let from_postgres = ok(&tryggve(&pg.url, &["export", "--user", "admin"], None));
    assert!(from_sqlite == from_postgres, "the PostgreSQL export differs from the SQLite one");
    // New records on PostgreSQL get ids after the imported ones.
    let moved = tryggve_db::Db::connect(&pg.url).await.unwrap();
    let out = ok(&tryggve(&pg.url, &["user", "add", "efter.flytt", "--role", "reader"], Some("ett långt lösenord\n")));
    assert!(out.contains("with id 8"), "{out}");
    moved.close().await;
}
