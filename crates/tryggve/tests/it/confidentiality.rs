//! Confidentiality that holds: a generated test over every role × relation
//! to the record's organisations × classification × record type × action,
//! over HTTP; reads and denials logged; a tamper-evident audit log;
//! retention with a record of what was removed.

use crate::both;
use crate::helpers::*;
use serde_json::{Value, json};
use tryggve_core::access::{Action, Role, can, can_read};
use tryggve_core::{Classification, OrgId, UserId, Viewer};

/// Record types served by the API, with a body that creates one of the given classification.
fn body(kind: &str, class: &str, orgs: &Value, marker: &str) -> Value {
    match kind {
        "measures" => {
            json!({"collaboration_id": 1, "kind": "problem", "problem": marker, "action": marker, "status": "ongoing", "classification": class, "restricted_to": orgs, "legal_reference_id": 5})
        }
        "collaborations" => {
            json!({"council_id": 1, "name": marker, "classification": class, "restricted_to": orgs, "legal_reference_id": 5})
        }
        "priorities" => {
            json!({"council_id": 1, "title": marker, "classification": class, "restricted_to": orgs, "legal_reference_id": 5})
        }
        "meetings" => {
            json!({"council_id": 1, "body": marker, "date": "2026-12-01", "start_time": "09:00", "classification": class, "restricted_to": orgs, "legal_reference_id": 5})
        }
        _ => {
            json!({"category": "klotter", "date": "2026-11-01", "time": "10:00", "description": marker, "classification": class, "restricted_to": orgs, "legal_reference_id": 5})
        }
    }
}

both!(every_role_relation_classification_record_and_action_gets_exactly_the_expected_answer, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let actor = tryggve_db::Actor::system(chrono::Utc::now().naive_utc());
    let orgs = app.db.organisations().await.unwrap();
    let owner = orgs.iter().find(|o| o.name == "Polisen LPO Skärholmen").unwrap().id;
    let other = orgs.iter().find(|o| o.name == "Stockholmshem").unwrap().id;
    // One user per role and relation, each with a token.
    let mut users: Vec<(Option<Role>, Option<OrgId>, Client, UserId)> = vec![];
    for role in Role::ALL {
        for org in [owner, other] {
            let name = format!("{}-{}", role.as_str(), org.0);
            let u = tryggve_core::register::User {
                id: UserId(0),
                username: name.clone(),
                person_id: None,
                organisation_id: Some(org),
                role,
                councils: vec![tryggve_core::CouncilId(1)],
                disabled: false,
                password_hash: None,
                version: 1,
            };
            let id = app.db.create_user(&actor, &u).await.unwrap();
            users.push((Some(role), Some(org), app.token(&name).await, id));
        }
    }
    users.push((None, None, app.client(), UserId(0)));
    let mut admin = app.token("admin").await;
    let mut checked = 0;
    for kind in ["measures", "collaborations", "priorities", "meetings", "incidents"] {
        for class in Classification::ALL {
            let restricted = if class == Classification::Restricted { json!([owner.0]) } else { json!([]) };
            let marker = format!("MATRIS-{kind}-{}", class.as_str());
            let r = admin.api_post(&format!("/{kind}"), &body(kind, class.as_str(), &restricted, &marker)).await;
            assert_eq!(r.status, 201, "{kind} {class:?}: {}", r.text);
            let record = r.json();
            let id = record["id"].as_i64().unwrap();
            let orgs_of = if class == Classification::Restricted { vec![owner] } else { vec![] };
            for (role, org, client, uid) in users.iter_mut() {
                let viewer = Viewer { user_id: role.map(|_| *uid), organisation_id: *org, role: *role };
                let readable = can_read(&viewer, class, &orgs_of);
                // read
                let res = client.api_get(&format!("/{kind}/{id}")).await;
                let expected = if role.is_none() {
                    401
                } else if readable {
                    200
                } else {
                    404
                };
                assert_eq!(res.status.as_u16(), expected, "read {kind} {class:?} by {role:?} of org {org:?}");
                // list
                let res =
                    client.api_get(&format!("/{kind}{}", if kind == "incidents" { "?limit=100000" } else { "" })).await;
                if role.is_none() {
                    assert_eq!(res.status.as_u16(), 401);
                } else {
                    let listed = res.json().as_array().unwrap().iter().any(|x| x["id"] == id);
                    assert_eq!(listed, readable, "list {kind} {class:?} by {role:?} of org {org:?}");
                }
                // search (working documents only)
                if kind == "measures" || kind == "collaborations" {
                    let res = client.api_get(&format!("/search?q={marker}")).await;
                    if role.is_some() {
                        let hit = res
                            .json()
                            .as_array()
                            .unwrap()
                            .iter()
                            .any(|h| h["excerpt"].as_str().unwrap_or("").contains(&marker));
                        assert_eq!(hit, readable, "search {kind} {class:?} by {role:?} of org {org:?}");
                    }
                }
                // edit: allowed when the role may write this kind and the record is visible
                let action = if kind == "incidents" { Action::AddFollowUp } else { Action::EditWorkingDocuments };
                let mut edit = record.clone();
                edit["version"] = admin.api_get(&format!("/{kind}/{id}")).await.json()["version"].clone();
                if kind == "meetings" {
                    edit["date"] = json!("2026-12-01");
                    edit["start_time"] = json!("09:00");
                }
                if kind == "incidents" {
                    edit["date"] = json!("2026-11-01");
                    edit["time"] = json!("10:00");
                }
                let res = client.api_put(&format!("/{kind}/{id}"), &edit).await;
                let expected = if role.is_none() {
                    401
                } else if !can(*role, action) {
                    403
                } else if !readable {
                    404
                } else {
                    200
                };
                assert_eq!(
                    res.status.as_u16(),
                    expected,
                    "edit {kind} {class:?} by {role:?} of org {org:?}: {}",
                    res.text
                );
                // delete: records are never deleted through the API
                let res = client.api(reqwest::Method::DELETE, &format!("/{kind}/{id}"), None).await;
                assert!(matches!(res.status.as_u16(), 401 | 405), "delete {kind} by {role:?}: {}", res.status);
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 5 * 3 * 11);

    // Export: what each user may see, nothing more (the CLI's export follows the same rule).
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tryggve"))
        .args(["export", "--user", &format!("member-{}", other.0)])
        .env("TRYGGVE_DATABASE_URL", &app.test_db.url)
        .env("TRYGGVE_LOG", "warn")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("MATRIS-measures-internal") && !text.contains("MATRIS-measures-restricted"));
});

both!(reads_and_denials_are_logged_and_the_owner_sees_who_read, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut admin = app.token("admin").await;
    let orgs = admin.api_get("/organisations").await.json();
    let police = orgs.as_array().unwrap().iter().find(|o| o["name"] == "Polisen LPO Skärholmen").unwrap()["id"].clone();
    let r = admin.api_post("/measures", &json!({"collaboration_id": 1, "kind": "problem", "problem": "Begränsad", "status": "ongoing", "classification": "restricted", "restricted_to": [police], "legal_reference_id": 5})).await;
    let id = r.json()["id"].as_i64().unwrap();
    let mut martin = app.token("martin").await;
    assert_eq!(martin.api_get(&format!("/measures/{id}")).await.status, 200);
    let mut yvonne = app.login("yvonne").await;
    assert_eq!(yvonne.get(&format!("/atgarder/{id}")).await.status, 404);
    let mut reader = app.token("lasare").await;
    assert_eq!(reader.api_post("/organisations", &json!({"name": "X", "kind": "other"})).await.status, 403);

    let mut log = app.login("admin").await;
    let reads = log.get("/admin/logg?action=read").await.text;
    assert!(reads.contains("martin"), "the read is logged");
    let denied = log.get("/admin/logg?action=denied").await.text;
    assert!(denied.contains("yvonne") && denied.contains("lasare"), "denied attempts are logged");
    let csv = log.get("/admin/logg.csv?action=denied").await;
    assert!(csv.text.starts_with("id,at,username,action") && csv.text.contains("\"yvonne\""));

    // The police, who own the record, see who read it and who tried.
    let mut owner = app.login("martin").await;
    let mine = owner.get("/logg/mina").await.text;
    assert!(mine.contains("martin") && mine.contains("yvonne") && mine.contains("nekades"));
});

both!(the_audit_log_is_append_only_and_its_chain_shows_tampering, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut c = app.token("clas").await;
    for k in 0..3 {
        let r = c
            .api_post(
                "/measures/1/follow-ups",
                &json!({"date": "2026-11-20", "text": format!("Avstämning {k}"), "version": 1}),
            )
            .await;
        assert_eq!(r.status, 201);
    }
    let verify = |url: String| {
        std::process::Command::new(env!("CARGO_BIN_EXE_tryggve"))
            .args(["audit", "verify"])
            .env("TRYGGVE_DATABASE_URL", url)
            .env("TRYGGVE_LOG", "warn")
            .output()
            .unwrap()
    };
    let ok = verify(app.test_db.url.clone());
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("intact"));
    assert!(app.db.try_delete_audit(2).await.is_err(), "entries cannot be deleted");
    app.db.tamper_audit_hash(3).await.unwrap();
    let broken = verify(app.test_db.url.clone());
    assert!(!broken.status.success());
    assert!(String::from_utf8_lossy(&broken.stderr).contains("entry 3"), "{}", String::from_utf8_lossy(&broken.stderr));
});

both!(retention_removes_old_incidents_and_records_what_it_removed, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut c = app.token("clas").await;
    for date in ["2019-05-01", "2020-01-15", "2026-11-01"] {
        let r = c
            .api_post(
                "/incidents",
                &json!({"category": "klotter", "date": date, "time": "10:00", "description": "Klotter"}),
            )
            .await;
        assert_eq!(r.status, 201);
    }
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_tryggve"))
            .args(args)
            .env("TRYGGVE_DATABASE_URL", &app.test_db.url)
            .env("TRYGGVE_LOG", "warn")
            .output()
            .unwrap()
    };
    let dry = run(&["retention", "run", "--dry-run"]);
    assert!(
        String::from_utf8_lossy(&dry.stdout).contains("would remove: incident: 2"),
        "{}",
        String::from_utf8_lossy(&dry.stdout)
    );
    assert_eq!(c.api_get("/incidents").await.json().as_array().unwrap().len(), 3, "a dry run changes nothing");
    let real = run(&["retention", "run"]);
    assert!(real.status.success());
    let left = c.api_get("/incidents").await.json();
    assert_eq!(left.as_array().unwrap().len(), 1);
    assert_eq!(left[0]["occurred_at"], "2026-11-01T10:00:00");
    let log = app.db.retention_log().await.unwrap();
    assert!(log.iter().any(|r| r.1 == "incident" && r.4 == 2), "{log:?}");
    assert!(run(&["audit", "verify"]).status.success(), "the chain still holds after retention");
});

both!(a_restricted_record_cites_a_legal_reference_from_the_administrators_list, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let police = app.db.organisations().await.unwrap().into_iter().find(|o| o.name == "Polisen").unwrap().id.0;
    let mut admin = app.token("admin").await;
    let measure = |legal: Value| {
        json!({"collaboration_id": 1, "kind": "problem", "problem": "Kartläggning", "status": "ongoing",
               "classification": "restricted", "restricted_to": [police], "legal_reference_id": legal})
    };
    // Without one, or with one that is not on the list, nothing is saved.
    let r = admin.api_post("/measures", &measure(Value::Null)).await;
    assert_eq!(r.status, 422);
    assert_eq!(r.json()["fields"][0]["field"], "legal_reference_id", "{}", r.text);
    let r = admin.api_post("/measures", &measure(json!(99))).await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("Okänt lagrum"), "{}", r.text);

    // The administrator keeps the list; a convener may not.
    let mut clas = app.token("clas").await;
    let r =
        clas.api_post("/legal-references", &json!({"code": "OSL 25 kap. 1 §", "title": "Hälso- och sjukvård"})).await;
    assert_eq!(r.status, 403, "{}", r.text);
    let r =
        admin.api_post("/legal-references", &json!({"code": "OSL 25 kap. 1 §", "title": "Hälso- och sjukvård"})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r.json()["id"].as_i64().unwrap();

    let r = admin.api_post("/measures", &measure(json!(id))).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let m = r.json()["id"].as_i64().unwrap();
    assert_eq!(admin.api_get(&format!("/measures/{m}")).await.json()["legal_reference_id"], id);
    let mut web = app.login("admin").await;
    let page = web.get(&format!("/atgarder/{m}")).await;
    assert!(page.text.contains("Begränsad till Polisen · OSL 25 kap. 1 §"), "{}", page.text);
    // The export carries the list and the citation, so that a move between databases keeps them.
    let export = app.db.export(&tryggve_core::Viewer { role: Some(Role::Admin), ..Viewer::anonymous() }).await.unwrap();
    assert!(export.legal_references.iter().any(|r| r.code == "OSL 25 kap. 1 §"));
    assert!(export.measures.iter().any(|x| x.id.0 == m && x.legal_reference_id.map(|l| l.0) == Some(id)));

    // A retired reference stays on the record but is no longer offered for new ones.
    let r = admin
        .api_put(&format!("/legal-references/{id}"), &json!({"code": "OSL 25 kap. 1 §", "active": false, "version": 1}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let form = web.get("/atgarder/ny?collaboration_id=1").await;
    assert!(!form.text.contains("OSL 25 kap. 1 §") && form.text.contains("OSL 26 kap. 1 §"), "{}", form.text);
    let edit = web.get(&format!("/atgarder/{m}/redigera")).await;
    assert!(edit.text.contains("OSL 25 kap. 1 §"), "the record's own reference is still shown when editing it");
    // A record that is not restricted cites nothing.
    let r = admin
        .api_post(
            "/collaborations",
            &json!({"council_id": 1, "name": "Öppen", "classification": "public", "legal_reference_id": 4}),
        )
        .await;
    assert_eq!(r.status, 201);
    assert!(r.json().get("legal_reference_id").is_none(), "{}", r.text);
});

both!(each_record_type_starts_with_the_classification_the_administrator_chose, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut web = app.login("admin").await;
    let page = web.get("/admin/klassning").await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("Händelse") && page.text.contains("Platssamverkan"));
    // Restricted needs a legal reference here too.
    let r = web.post_form("/admin/klassning", &[("record_type", "incident"), ("classification", "restricted")]).await;
    assert_eq!(r.status, 422);
    assert!(r.text.contains("lagrum"), "{}", r.text);
    let r = web.post_form("/admin/klassning", &[("record_type", "measure"), ("classification", "public")]).await;
    assert_eq!(r.status, 303, "{}", r.text);
    let r = web
        .post_form(
            "/admin/klassning",
            &[("record_type", "incident"), ("classification", "restricted"), ("legal_reference_id", "5")],
        )
        .await;
    assert_eq!(r.status, 303, "{}", r.text);

    // New forms start from the defaults …
    let form = web.get("/atgarder/ny?collaboration_id=1").await;
    assert!(form.text.contains(r#"<option value="public" selected>"#), "{}", form.text);
    let form = web.get("/handelser/ny").await;
    assert!(form.text.contains(r#"<option value="restricted" selected>"#), "{}", form.text);
    assert!(form.text.contains(r#"<option value="5" selected>"#), "{}", form.text);
    // … and so does an API client that leaves the classification out.
    let mut admin = app.token("admin").await;
    let r = admin
        .api_post(
            "/measures",
            &json!({"collaboration_id": 1, "kind": "problem", "problem": "Nytt", "status": "ongoing"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json()["classification"], "public");
    let export = app.db.export(&Viewer { role: Some(Role::Admin), ..Viewer::anonymous() }).await.unwrap();
    assert!(
        export.classification_defaults.iter().any(|d| d.record_type == "incident" && d.legal_reference_id.is_some())
    );

    // Only an administrator sets them.
    let mut clas = app.login("clas").await;
    assert_eq!(clas.get("/admin/klassning").await.status, 403);
    let r = clas.post_form("/admin/klassning", &[("record_type", "measure"), ("classification", "internal")]).await;
    assert_eq!(r.status, 403);
});

both!(names_of_people_who_are_not_staff_are_kept_out_of_shared_text, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut admin = app.token("admin").await;
    // A resident who is a contact for a collaboration is in the register, but not as staff.
    let r =
        admin.api_post("/people", &json!({"name": "Kerstin Ödmark", "aliases": ["Kerstin Ö"], "staff": false})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.json()["staff"], false);
    let mut clas = app.token("clas").await;
    let note = |text: &str| json!({"date": "2026-11-20", "text": text, "version": 1});
    let r = clas.api_post("/measures/1/follow-ups", &note("Kerstin Ödmark på Gösta Ekmans väg har ringt igen.")).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert!(r.text.contains("namn"), "{}", r.text);
    let r = clas.api_post("/measures/1/follow-ups", &note("Enligt kerstin ö har det blivit lugnare.")).await;
    assert_eq!(r.status, 422, "another spelling is found too: {}", r.text);
    // Staff are named in minutes and follow-ups as before.
    let r =
        clas.api_post("/measures/1/follow-ups", &note("Clas Cederlid och Martin Hämmerli går igenom platsen.")).await;
    assert_eq!(r.status, 201, "{}", r.text);
    // So is a collaboration's narrative.
    let r = clas
        .api_post(
            "/collaborations",
            &json!({"council_id": 1, "name": "Ny", "narrative": "Kerstin Ödmark tipsar om klotter."}),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.json()["fields"][0]["field"], "narrative");
});

both!(retention_anonymises_incidents_quiet_follow_ups_and_people_who_are_not_staff, |b| async move {
    use tryggve_db::retention::{RetentionAction, RetentionPolicy};
    let app = TestApp::demo(b).await.unwrap();
    let mut c = app.token("clas").await;
    let mut admin = app.token("admin").await;
    let r = c
        .api_post(
            "/incidents",
            &json!({"category": "klotter", "date": "2019-05-01", "time": "10:00", "area_id": 16,
                                        "lon": 18.0, "lat": 59.3, "description": "Klotter på fasaden"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let (incident, area) = (r.json()["id"].as_i64().unwrap(), r.json()["area_id"].as_i64());
    // Measure 1 is closed with a last note; measure 2 stays open.
    let note =
        |text: &str, status: &str| json!({"date": "2026-11-01", "text": text, "new_status": status, "version": 1});
    assert_eq!(c.api_post("/measures/1/follow-ups", &note("Klart, skyltarna sitter uppe.", "done")).await.status, 201);
    assert_eq!(c.api_post("/measures/2/follow-ups", &note("Pågår enligt plan.", "ongoing")).await.status, 201);
    let resident =
        admin.api_post("/people", &json!({"name": "Kerstin Ödmark", "phone": "08-123 456 78", "staff": false})).await;
    let resident = resident.json()["id"].as_i64().unwrap();

    // Everything above is "old" for a policy whose cutoff is tomorrow.
    let now = chrono::Utc::now().naive_utc();
    let tomorrow = now + chrono::Duration::days(1);
    let actor = tryggve_db::Actor::system(now);
    let report = tryggve_db::accessibility::NewAccessibilityReport {
        page: "/lagesbild".into(),
        description: "Kartan går inte att använda med skärmläsare.".into(),
        name: "Kerstin Ödmark".into(),
        contact: "08-123 456 78".into(),
    };
    app.db.create_accessibility_report(&actor, &report, now, 100).await.unwrap().unwrap();
    app.db.create_pending_import(&actor, "protokoll.txt", &json!({"create": {}})).await.unwrap();
    let policy = RetentionPolicy {
        incidents: Some((
            chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap(),
            RetentionAction::Anonymise,
        )),
        follow_ups: Some(tomorrow),
        people: Some(tomorrow),
        accessibility_reports: Some(tomorrow),
        pending_imports: Some(tomorrow),
    };
    let counts = |r: &[tryggve_db::retention::RetentionResult]| -> Vec<(&str, u64)> {
        r.iter().map(|x| (x.record_type, x.count)).collect()
    };
    let dry = app.db.run_retention(&actor, &policy, true).await.unwrap();
    assert_eq!(
        counts(&dry),
        [
            ("incident", 1),
            ("follow_up", 1),
            ("person", 1),
            ("accessibility_report", 1),
            ("pending_import", 1),
            ("session", 0)
        ]
    );
    assert_eq!(
        admin.api_get(&format!("/people/{resident}")).await.json()["name"],
        "Kerstin Ödmark",
        "a dry run changes nothing"
    );

    let done = app.db.run_retention(&actor, &policy, false).await.unwrap();
    assert_eq!(counts(&done), counts(&dry));
    // The incident still counts, without what could identify anyone.
    let i = admin.api_get(&format!("/incidents/{incident}")).await.json();
    assert_eq!((i["description"].as_str(), i["lon"].as_f64(), i["area_id"].as_i64()), (Some(""), None, area), "{i}");
    assert_eq!(i["position_precision"], "area");
    // The closed measure's note has lost its text and author; the open one's is untouched.
    let closed = admin.api_get("/measures/1/follow-ups").await.json();
    let last = closed.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["text"].as_str(), last["author"].as_str(), last["new_status"].as_str()),
        (Some(""), Some(""), Some("done"))
    );
    let open = admin.api_get("/measures/2/follow-ups").await.json();
    assert!(open.as_array().unwrap().iter().any(|f| f["text"] == "Pågår enligt plan."), "{open}");
    // The resident is anonymised; staff are not.
    let p = admin.api_get(&format!("/people/{resident}")).await.json();
    assert_eq!(
        (p["name"].as_str(), p["phone"].as_str()),
        (Some(format!("Gallrad person {resident}").as_str()), Some(""))
    );
    assert_eq!(admin.api_get("/people/1").await.json()["name"], "Abit Dundar");

    // A second run finds nothing new, and the audit chain still holds.
    let again = app.db.run_retention(&actor, &policy, true).await.unwrap();
    assert!(counts(&again).iter().all(|(_, n)| *n == 0), "{:?}", counts(&again));
    assert!(app.db.accessibility_reports(10).await.unwrap().is_empty(), "the report and its contact details are gone");
    assert!(app.db.retention_log().await.unwrap().iter().any(|r| r.1 == "person" && r.3 == "anonymised" && r.4 == 1));
    assert_eq!(app.db.verify_audit().await.unwrap().first_broken, None);
});
