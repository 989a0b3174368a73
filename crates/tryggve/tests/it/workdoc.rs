//! Working documents under use: concurrent edits, follow-ups and their
//! history, and classification enforced in every read.

use crate::both;
use crate::helpers::*;
use serde_json::json;

both!(two_people_editing_the_same_row_the_second_is_told_and_loses_nothing, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut clas = app.login("clas").await;
    let mut yvonne = app.login("yvonne").await;
    let a = clas.get("/atgarder/5/redigera").await;
    let b2 = yvonne.get("/atgarder/5/redigera").await;
    assert_eq!((a.status.as_u16(), b2.status.as_u16()), (200, 200));

    let form = |status_text: &str| {
        vec![
            ("collaboration_id", "1".to_string()),
            ("kind", "problem".into()),
            ("problem", "Ordningsstörningar och nedskräpning vid skolavslutning".into()),
            ("action", "Kontakt tas med gymnasieskolorna".into()),
            ("status", "ongoing".into()),
            ("status_text", status_text.to_string()),
            ("classification", "internal".into()),
            ("version", "1".into()),
        ]
    };
    let f1 = form("Clas: kontakt tagen med tre skolor.");
    let f1: Vec<(&str, &str)> = f1.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(clas.post_form("/atgarder/5/redigera", &f1).await.status, 303);

    let f2 = form("Yvonne: socialtjänsten deltar vid avslutningen.");
    let f2: Vec<(&str, &str)> = f2.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = yvonne.post_form("/atgarder/5/redigera", &f2).await;
    assert_eq!(res.status, 409);
    assert!(res.text.contains("Någon annan har sparat ändringar"));
    assert!(res.text.contains("Yvonne: socialtjänsten deltar vid avslutningen."), "her unsaved text is kept");
    assert!(res.text.contains("Clas: kontakt tagen med tre skolor."), "the stored text is shown beside it");
    assert!(res.text.contains("name=\"version\" value=\"2\""), "saving again is a deliberate overwrite");

    let m = clas.api_get("/measures/5").await.json();
    assert_eq!(m["status_text"], "Clas: kontakt tagen med tre skolor.");
});

both!(a_follow_up_is_dated_signed_and_changes_the_status, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut c = app.login("clas").await;
    let page = c.get("/atgarder/6").await;
    assert!(page.text.contains("Ingen uppföljning har registrerats ännu."));
    let res = c
        .post_form(
            "/atgarder/6/uppfoljning",
            &[
                ("date", "2026-11-20"),
                ("text", "Ansökan om alkoholförbud är inskickad."),
                ("new_status", "ongoing"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text);
    let page = c.get("/atgarder/6").await;
    assert!(page.text.contains("2026-11-20"));
    assert!(page.text.contains("Clas Cederlid"), "signed with the user's name");
    assert!(page.text.contains("Ansökan om alkoholförbud är inskickad."));
    let m = c.api_get("/measures/6").await.json();
    assert_eq!(m["status"], "ongoing");
    let history = c.api_get("/measures/6/follow-ups").await.json();
    assert_eq!(history.as_array().unwrap().len(), 1);
    assert_eq!(history[0]["new_status"], "ongoing");

    let res = c.post_form("/atgarder/6/uppfoljning", &[("date", "20/11"), ("text", ""), ("version", "2")]).await;
    assert_eq!(res.status, 422);
    assert!(res.text.contains("Ogiltigt datum"));
    assert!(res.text.contains("Skriv vad som hänt."));
    assert_eq!(c.api_get("/measures/6/follow-ups").await.json().as_array().unwrap().len(), 1, "nothing written");
});

both!(a_restricted_measure_is_seen_only_by_its_organisations, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut admin = app.token("admin").await;
    let orgs = admin.api_get("/organisations").await.json();
    let police = orgs.as_array().unwrap().iter().find(|o| o["name"] == "Polisen LPO Skärholmen").unwrap()["id"].clone();
    let res = admin
        .api_post("/measures", &json!({
            "collaboration_id": 1, "kind": "problem", "problem": "Hemlig kartläggning av nätverk", "action": "Spaning",
            "status": "ongoing", "classification": "restricted", "restricted_to": [police], "legal_reference_id": 5
        }))
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let id = res.json()["id"].clone();

    let mut martin = app.token("martin").await; // Polisen LPO Skärholmen
    assert_eq!(martin.api_get(&format!("/measures/{id}")).await.status, 200);
    let mut yvonne = app.token("yvonne").await; // the district administration
    assert_eq!(yvonne.api_get(&format!("/measures/{id}")).await.status, 404);
    let list = yvonne.api_get("/measures").await.json();
    assert!(!list.as_array().unwrap().iter().any(|m| m["id"] == id), "not listed");
    let mut page_user = app.login("yvonne").await;
    let page = page_user.get("/samverkan/1").await;
    assert!(!page.text.contains("Hemlig kartläggning"), "not on the working document page");
    let mut anon = app.client();
    assert_eq!(anon.api_get(&format!("/measures/{id}")).await.status, 401);

    // A restricted record must name who may see it.
    let res = admin
        .api_post("/measures", &json!({"collaboration_id": 1, "kind": "problem", "problem": "x", "status": "ongoing", "classification": "restricted"}))
        .await;
    assert_eq!(res.status, 422);
    assert_eq!(res.json()["fields"][0]["field"], "restricted_to");
});

both!(a_new_row_goes_last_in_its_table, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut c = app.login("clas").await;
    let page =
        c.get("/atgarder/ny?collaboration_id=3&kind=development&status=not_started&classification=internal").await;
    assert_eq!(page.status, 200);
    let res = c
        .post_form(
            "/atgarder",
            &[
                ("collaboration_id", "3"),
                ("kind", "development"),
                ("problem", "Belysning i gångtunneln"),
                ("action", "Trygghetsvandring"),
                ("status", "planned"),
                ("classification", "internal"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text);
    let id = res.location().trim_start_matches("/atgarder/").to_owned();
    let m = c.api_get(&format!("/measures/{id}")).await.json();
    assert_eq!(m["position"], 5, "after the four development rows of Älvsjö/Solberga");
});

both!(due_stalled_and_my_measures_follow_the_records, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut c = app.token("clas").await;
    // A council meeting next month, and a row to be followed up there.
    let next = (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).format("%Y-%m-%d").to_string();
    let res = c.api_post("/meetings", &json!({"council_id": 1, "body": "Hägersten-Älvsjös lokala brottsförebyggande råd",
        "date": next, "start_time": "09:00", "end_time": "11:00", "location": "Telefonvägen 30", "classification": "public"})).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let mut m = c.api_get("/measures/6").await.json();
    m["follow_up_body"] = json!("Hägersten-Älvsjös lokala brottsförebyggande råd");
    m["due_date"] = json!("2026-01-31");
    m["tags"] = json!(["situationell"]);
    m["priority_ids"] = json!([1]);
    let res = c.api_put("/measures/6", &m).await;
    assert_eq!(res.status, 200, "{}", res.text);
    let saved = res.json();
    assert_eq!((saved["tags"][0].as_str(), saved["priority_ids"][0].as_i64()), (Some("situationell"), Some(1)));

    let o = c.api_get("/follow-up").await.json();
    let due = &o["due"][0];
    assert_eq!(due["body"], "Hägersten-Älvsjös lokala brottsförebyggande råd");
    assert!(due["measures"].as_array().unwrap().iter().any(|r| r["id"] == 6), "due at the next council meeting");
    let att = o["needs_attention"].as_array().unwrap();
    let row6 = att.iter().find(|r| r["id"] == 6).expect("row 6 needs attention");
    assert!(row6["attention"].as_array().unwrap().iter().any(|a| a["reason"] == "overdue"));
    // "Inga kontakter tagna än": not started for years.
    assert!(att.iter().any(|r| r["attention"].as_array().unwrap().iter().any(|a| a["reason"] == "not_started")));
    // Done and closed rows never need attention.
    assert!(att.iter().all(|r| r["status"] != "Avslutad" && r["status"] != "Genomförd"));
    // The district administration takes part in most rows; an organisation in none has none.
    assert!(o["mine"].as_array().unwrap().len() > 10);
    let mut reporter = app.token("rapportor").await;
    let theirs = reporter.api_get("/follow-up").await.json();
    assert!(theirs["mine"].as_array().unwrap().iter().all(|r| r["id"] != 1));

    let mut page = app.login("clas").await;
    let html = page.get("/uppfoljning").await;
    assert_eq!(html.status, 200);
    assert!(html.text.contains("Försenad") && html.text.contains("Ej påbörjad efter"));
    let doc = page.get("/samverkan/1").await.text;
    assert!(doc.contains("Försenad"), "overdue rows are flagged on the working document");
});

both!(since_the_last_meeting_lists_new_rows_status_changes_and_notes, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut c = app.token("clas").await;
    let res = c.api_post("/measures/2/follow-ups", &json!({"date": "2026-11-20", "text": "Ny avstämning med ordningsvakterna.", "new_status": "paused", "version": 1})).await;
    assert_eq!(res.status, 201);
    let res = c.api_post("/measures", &json!({"collaboration_id": 1, "kind": "problem", "problem": "Ny problembild vid tunnelbanan", "action": "Trygghetsvandring", "status": "planned"})).await;
    assert_eq!(res.status, 201);
    let since = c.api_get("/changes").await.json();
    // The demo's last meeting is the one planned for 25 March 2022.
    assert!(
        since["since_meeting"].as_str().unwrap().contains("2022-03-25"),
        "since the last meeting: {}",
        since["since_meeting"]
    );
    let kinds: Vec<&str> =
        since["changes"].as_array().unwrap().iter().map(|x| x["change"]["kind"].as_str().unwrap()).collect();
    assert!(kinds.contains(&"status") && kinds.contains(&"note") && kinds.contains(&"new_measure"), "{kinds:?}");
    let status = since["changes"].as_array().unwrap().iter().find(|x| x["change"]["kind"] == "status").unwrap();
    assert!(status["text"].as_str().unwrap().contains("från Pågående till Vilande"), "{}", status["text"]);
    let later = c.api_get("/changes?since=2099-01-01").await.json();
    assert!(later["changes"].as_array().unwrap().is_empty());
    assert_eq!(c.api_get("/changes?since=igår").await.status, 422);
    let mut page = app.login("lasare").await;
    let html = page.get("/sedan").await;
    assert!(html.text.contains("Ny uppföljning") && html.text.contains("Status ändrad"));
});

both!(a_place_dossier_gathers_problems_measures_incidents_and_collaborations, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut c = app.token("clas").await;
    let areas = c.api_get("/areas").await.json();
    let tp = areas.as_array().unwrap().iter().find(|a| a["name"] == "Trekantsparken").unwrap()["id"].clone();
    let res = c.api_post("/incidents", &json!({"category": "klotter", "area_id": tp, "date": "2026-11-01", "time": "22:00", "description": "Klotter på fiskestugan."})).await;
    assert_eq!(res.status, 201, "{}", res.text);
    let d = c.api_get(&format!("/areas/{tp}/dossier")).await.json();
    assert_eq!(d["area"]["name"], "Trekantsparken");
    assert!(d["collaborations"].as_array().unwrap().iter().any(|k| k["name"] == "Platssamverkan Liljeholmen"));
    assert!(d["measures"].as_array().unwrap().len() >= 3, "the Trekantsparken rows");
    assert_eq!(d["incidents"].as_array().unwrap().len(), 1);
    let mut page = app.login("lasare").await;
    let html = page.get(&format!("/platser/{tp}")).await;
    assert_eq!(html.status, 200);
    assert!(html.text.contains("Whats.App grupp"));
    assert_eq!(page.get("/platser/99999").await.status, 404);
});

both!(search_finds_swedish_words_and_never_what_the_viewer_may_not_see, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut c = app.token("yvonne").await;
    let hits = c.api_get("/search?q=alkoholförbud").await.json();
    assert!(
        hits.as_array()
            .unwrap()
            .iter()
            .any(|h| h["hit"]["record_type"] == "measure" && h["collaboration"] == "Platssamverkan Liljeholmen"),
        "{hits}"
    );
    let prefix = c.api_get("/search?q=trygghetsvandr").await.json();
    assert!(!prefix.as_array().unwrap().is_empty(), "a word's beginning finds it");
    let hostile = c.api_get("/search?q=%22%29%28*%20OR%20NEAR%2F%3A").await;
    assert_eq!(hostile.status, 200, "search syntax in a query is just text");
    // A restricted row is no hit for those outside it.
    let mut admin = app.token("admin").await;
    let orgs = admin.api_get("/organisations").await.json();
    let police = orgs.as_array().unwrap().iter().find(|o| o["name"] == "Polisen LPO Skärholmen").unwrap()["id"].clone();
    let res = admin
        .api_post(
            "/measures",
            &json!({"collaboration_id": 2, "kind": "problem", "problem": "Spaningsuppdrag kring vapengömma",
        "status": "ongoing", "classification": "restricted", "restricted_to": [police], "legal_reference_id": 5}),
        )
        .await;
    assert_eq!(res.status, 201);
    assert!(c.api_get("/search?q=vapengömma").await.json().as_array().unwrap().is_empty());
    let mut martin = app.token("martin").await;
    assert_eq!(martin.api_get("/search?q=vapengömma").await.json().as_array().unwrap().len(), 1);
    let mut page = app.login("yvonne").await;
    let html = page.get("/sok?q=Fiskestugan").await;
    assert!(html.text.contains("träffar"));
});

both!(a_rows_own_form_saves_its_status_and_a_stale_one_keeps_the_text, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut clas = app.login("clas").await;
    let mut yvonne = app.login("yvonne").await;
    clas.get("/samverkan/1").await;
    yvonne.get("/samverkan/1").await;
    let res = clas
        .post_form(
            "/atgarder/6/status",
            &[
                ("status", "ongoing"),
                ("status_text", "Ansökan skickad."),
                ("next_follow_up", "2026-12-01"),
                ("due_date", ""),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text);
    assert!(res.location().ends_with("#rad-6"));
    let res = yvonne
        .post_form(
            "/atgarder/6/status",
            &[
                ("status", "planned"),
                ("status_text", "Socialtjänsten vill vara med."),
                ("next_follow_up", ""),
                ("due_date", ""),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, 409);
    assert!(res.text.contains("Socialtjänsten vill vara med.") && res.text.contains("Ansökan skickad."));
    let mut api = app.token("clas").await;
    let m = api.api_get("/measures/6").await.json();
    assert_eq!((m["status"].as_str(), m["next_follow_up"].as_str()), (Some("ongoing"), Some("2026-12-01")));
    let bad = clas
        .post_form("/atgarder/6/status", &[("status", "done"), ("next_follow_up", "snart"), ("version", "2")])
        .await;
    assert_eq!(bad.status, 422);
});
