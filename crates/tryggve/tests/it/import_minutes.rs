//! `tryggve import minutes`: the seed minutes, imported into the register a
//! council sets up first, give the demo council's records; importing twice
//! creates nothing; a dry run writes nothing.
//!
//! The register the test starts from is the demo's areas and organisations
//! (with their aliases): the place hierarchy and the partner organisations
//! are what a council enters before it brings its documents, and the
//! importer resolves names against them but never creates them. Everything
//! else — the council, people, collaborations, measures, the priority and the
//! meetings — must come from the minutes.

use crate::both;
use crate::helpers::*;
use std::process::{Command, Output};
use tryggve_core::Viewer;
use tryggve_core::access::Role;
use tryggve_core::export::ExportDocument;
use tryggve_db::{Actor, Db};

const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/minutes_2021-09-17.txt");

fn tryggve(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tryggve"))
        .args(args)
        .env("TRYGGVE_DATABASE_URL", url)
        .env("TRYGGVE_LOG", "warn")
        .output()
        .expect("run tryggve")
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

/// A database holding the demo's register: areas and organisations.
async fn register(b: Backend) -> (TestDb, Db) {
    let test_db = TestDb::new(b).await.unwrap();
    let db = Db::connect(&test_db.url).await.unwrap();
    let demo = demo_document();
    let mut doc = ExportDocument::empty();
    doc.areas = demo.areas;
    doc.organisations = demo.organisations;
    db.import(&Actor::system(chrono::Utc::now().naive_utc()), &doc).await.unwrap();
    (test_db, db)
}

async fn export(db: &Db) -> ExportDocument {
    db.export(&Viewer { user_id: None, organisation_id: None, role: Some(Role::Admin) }).await.unwrap()
}

/// Compares one section record by record, naming the first field that differs.
fn same<T: serde::Serialize>(section: &str, imported: &[T], demo: &[T]) {
    let (a, b) = (serde_json::to_value(imported).unwrap(), serde_json::to_value(demo).unwrap());
    assert_eq!(imported.len(), demo.len(), "{section}: number of records");
    for (x, y) in a.as_array().unwrap().iter().zip(b.as_array().unwrap()) {
        for (field, value) in y.as_object().unwrap() {
            assert_eq!(&x[field], value, "{section} {}: {field}", y["id"]);
        }
        assert_eq!(x, y, "{section} {}", y["id"]);
    }
}

both!(importing_the_seed_minutes_gives_the_demo_council, |b| async move {
    let (test_db, db) = register(b).await;
    let out = ok(&tryggve(&test_db.url, &["import", "minutes", SEED]));
    assert!(out.contains("Skapade 1 råd, 14 personer, 3 platssamverkan, 33 åtgärder"), "{out}");

    let got = export(&db).await;
    let demo = demo_document();
    same("councils", &got.councils, &demo.councils);
    same("people", &got.people, &demo.people);
    same("collaborations", &got.collaborations, &demo.collaborations);
    same("measures", &got.measures, &demo.measures);
    same("priorities", &got.priorities, &demo.priorities);
    same("meetings", &got.meetings, &demo.meetings);
    // The register it started from is unchanged.
    same("organisations", &got.organisations, &demo.organisations);

    // Every record was written with its audit row, and the import as a whole too.
    let audit = db.audit_page(&tryggve_db::audit::AuditQuery { limit: 1000, ..Default::default() }).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "import" && e.record_type == "minutes"));
    assert!(audit.iter().filter(|e| e.action == "create" && e.record_type == "measure").count() >= 33);
    assert_eq!(db.verify_audit().await.unwrap().first_broken, None);
});

both!(importing_the_same_minutes_twice_creates_nothing_new, |b| async move {
    let (test_db, db) = register(b).await;
    ok(&tryggve(&test_db.url, &["import", "minutes", SEED]));
    let before = db.table_counts().await.unwrap();
    let out = ok(&tryggve(&test_db.url, &["import", "minutes", SEED]));
    assert!(
        out.contains("Skapade 0 råd, 0 personer, 0 platssamverkan, 0 åtgärder, 0 prioriterade områden och 0 möten"),
        "{out}"
    );
    let after = db.table_counts().await.unwrap();
    let changed: Vec<_> =
        before.iter().zip(&after).filter(|(x, y)| x != y && x.0 != "audit_log").map(|(x, y)| (x.0, x.1, y.1)).collect();
    assert!(changed.is_empty(), "{changed:?}");

    let dry = ok(&tryggve(&test_db.url, &["import", "minutes", SEED, "--dry-run"]));
    let proposal: serde_json::Value = serde_json::from_str(&dry).unwrap();
    for section in ["councils", "people", "collaborations", "measures", "priorities", "meetings"] {
        assert_eq!(proposal["create"][section], serde_json::json!([]), "{section}");
    }
    let existing = proposal["existing"].as_array().unwrap();
    let count = |kind: &str| existing.iter().filter(|e| e["kind"] == kind).count();
    let counts = ["council", "person", "collaboration", "measure", "priority", "meeting"].map(count);
    assert_eq!(counts, [1, 12, 3, 33, 1, 2], "what the second import found already stored");
});

both!(a_dry_run_writes_nothing_and_says_what_it_would_do, |b| async move {
    let (test_db, db) = register(b).await;
    let before = db.table_counts().await.unwrap();
    let dry = ok(&tryggve(&test_db.url, &["import", "minutes", SEED, "--dry-run"]));
    assert_eq!(db.table_counts().await.unwrap(), before, "nothing was written, not even to the audit log");

    let p: serde_json::Value = serde_json::from_str(&dry).unwrap();
    assert_eq!(p["create"]["format"], "tryggve-export");
    assert_eq!(p["create"]["measures"].as_array().unwrap().len(), 33);
    let merges = p["merge_suggestions"].as_array().unwrap();
    let has = |names: &[&str], suggested: &str| {
        merges.iter().any(|m| {
            m["suggested"] == suggested
                && names.iter().all(|n| m["names"].as_array().unwrap().contains(&serde_json::json!(n)))
        })
    };
    assert!(has(&["Bent Jansson", "Bengt Jansson"], "Bengt Jansson"), "{merges:?}");
    assert!(has(&["Avam", "Avarn", "Avsn"], "Avarn Security"), "{merges:?}");
    assert!(
        has(&["Sth.stads mobila OV", "Stockholms stads mobila OV"], "Stockholms stads mobila ordningsvakter"),
        "{merges:?}"
    );
    // What the parser did not place is listed with its line, never dropped.
    let unrecognised = p["unrecognised"].as_array().unwrap();
    assert!(
        unrecognised
            .iter()
            .any(|u| u["text"].as_str().unwrap().starts_with("Information om samverkan") && u["line"] == 68)
    );
});

both!(minutes_that_are_not_minutes_are_refused_with_a_swedish_message, |b| async move {
    let (test_db, _db) = register(b).await;
    let dir = test_db.dir.clone().unwrap_or_else(std::env::temp_dir);
    let file = dir.join(format!("not-minutes-{}.txt", std::process::id()));
    std::fs::write(&file, "Bara lite text utan rubrik.\n").unwrap();
    let o = tryggve(&test_db.url, &["import", "minutes", file.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("hittade ingen rubrik med rådets namn och datum"));
    std::fs::write(&file, b"\xff\xfe trasig").unwrap();
    let o = tryggve(&test_db.url, &["import", "minutes", file.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("rad 1"), "{}", String::from_utf8_lossy(&o.stderr));
    let _ = std::fs::remove_file(&file);
});
