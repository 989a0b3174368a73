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
            "status": "ongoing", "classification": "restricted", "restricted_to": [police]
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
