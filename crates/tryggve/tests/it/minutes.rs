//! Minutes generated from the records: the seed's structure, two versions
//! from the same records, approval that freezes them, and a public page.

use crate::both;
use crate::documents::{docx_text, pdf_text};
use crate::helpers::*;
use serde_json::json;

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of an HTML page, tags removed and entities decoded.
fn html_text(html: &str) -> String {
    let body = html.split("</style>").last().unwrap_or(html);
    let mut out = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    squash(
        &out.replace("&#34;", "\"")
            .replace("&#39;", "'")
            .replace("&#60;", "<")
            .replace("&#62;", ">")
            .replace("&#38;", "&"),
    )
}

both!(the_demo_minutes_hold_everything_the_seed_does, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut c = app.login("clas").await;
    let internal = html_text(&c.get("/moten/1/protokoll/intern/html").await.text);
    let doc = demo_document();
    for a in &doc.meetings[0].attendees {
        let p = doc.people.iter().find(|p| p.id == a.person_id).unwrap();
        assert!(internal.contains(&squash(&format!("{} {}", p.name, a.title))), "attendee {} {}", p.name, a.title);
    }
    for m in &doc.measures {
        for t in [&m.action, &m.status_text] {
            assert!(internal.contains(&squash(t)), "row text {t:?} is in the internal minutes");
        }
    }
    for needle in [
        "Fredagen den 17 september 2021 kl. 09.00-11.00",
        "Skype",
        "En klar majoritet av skjutningarna i stadsdelsområdet är så kallade provskjutningar",
        "Prioriterat område – Unga i risk för kriminalitet",
        "Samlokalisering socialtjänst och polis",
        "Platssamverkan Fruängen/Västertorp/Hägerstensåsen",
        "Kommande möten",
        "Plats: Telefonvägen 30, lokal meddelas senare.",
        "Fredagen den 25 mars 2022 kl. 09.00-11.00",
        "Kontakt: Clas Cederlid 08 508 23 326",
        "clas.cederlid@stockholm.se",
    ] {
        assert!(internal.contains(needle), "the minutes lack {needle:?}");
    }
    // The summer-jobs paragraph is one record, shown under both collaborations it concerns, with one number.
    assert_eq!(internal.matches("totalt 48 ungdomar").count(), 2);
    assert!(!internal.contains("46 ungdomar"));

    let public = html_text(&c.get("/moten/1/protokoll/offentlig/html").await.text);
    assert!(public.contains("Offentlig version") && public.contains("LOV 3 OV och vaktare"));
    // Team Samhandling works with named young people: internal, and gone without a trace.
    assert!(!public.contains("Team Samhandling. Samverkan kring kartlagd minder grupp"));
    assert!(!public.contains("psykisk ohälsa"), "an internal item leaves no heading behind");
    assert!(internal.contains("psykisk ohälsa"));
});

both!(the_public_minutes_never_contain_what_is_not_public, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut admin = app.token("admin").await;
    let orgs = admin.api_get("/organisations").await.json();
    let police = orgs.as_array().unwrap().iter().find(|o| o["name"] == "Polisen LPO Skärholmen").unwrap()["id"].clone();
    // Records of every classification, each with a string of its own.
    for (class, restricted, text) in [
        ("internal", json!([]), "INTERN-RAD-7731"),
        ("restricted", json!([police.clone()]), "BEGRANSAD-RAD-9914"),
        ("public", json!([]), "OFFENTLIG-RAD-1203"),
    ] {
        let r = admin
            .api_post(
                "/measures",
                &json!({"collaboration_id": 1, "kind": "problem", "problem": text, "action": text,
            "status": "ongoing", "classification": class, "restricted_to": restricted, "legal_reference_id": 5}),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let r = admin
        .api_post(
            "/collaborations",
            &json!({"council_id": 1, "name": "Platssamverkan HEMLIG-SAMVERKAN-5521", "classification": "internal"}),
        )
        .await;
    assert_eq!(r.status, 201);
    let mut c = app.login("admin").await;
    c.get("/moten/1").await;
    let res = c
        .post_form(
            "/moten/1/dagordning",
            &[
                ("op", "add"),
                ("heading", "Sekretessbelagd punkt INTERN-PUNKT-3310"),
                ("kind", "free"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text);
    let m = admin.api_get("/meetings/1").await.json();
    let pos = m["items"].as_array().unwrap().len() - 1;
    c.get("/moten/1").await;
    let res = c
        .post_form(
            "/moten/1/dagordning",
            &[
                ("op", "save"),
                ("position", &pos.to_string()),
                ("body", "Anteckning om INTERN-PUNKT-3310"),
                ("decision", ""),
                ("classification", "internal"),
                ("version", &m["version"].to_string()),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text);

    let secrets = ["INTERN-RAD-7731", "BEGRANSAD-RAD-9914", "HEMLIG-SAMVERKAN-5521", "INTERN-PUNKT-3310"];
    let html = html_text(&c.get("/moten/1/protokoll/offentlig/html").await.text);
    let (_, pdf) = c.get_bytes("/moten/1/protokoll/offentlig/pdf").await;
    let (_, docx) = c.get_bytes("/moten/1/protokoll/offentlig/docx").await;
    for (format, text) in [("html", html), ("pdf", squash(&pdf_text(&pdf))), ("docx", squash(&docx_text(&docx)))] {
        assert!(text.contains("OFFENTLIG-RAD-1203"), "{format}: the public row is there");
        for s in secrets {
            assert!(!text.contains(s), "{format} leaks {s}");
        }
    }
    // The internal version has them (the admin sees all).
    let internal = html_text(&c.get("/moten/1/protokoll/intern/html").await.text);
    for s in ["INTERN-RAD-7731", "BEGRANSAD-RAD-9914", "INTERN-PUNKT-3310"] {
        assert!(internal.contains(s));
    }
});

both!(hostile_text_comes_out_inert_and_intact_in_every_minutes_format, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let evil = "<script>alert(1)</script> & #set text(red) \\textbf{x} $x$ {{7*7}} ]]> \"q\"";
    let mut admin = app.token("admin").await;
    let r = admin.api_post("/measures", &json!({"collaboration_id": 1, "kind": "problem", "problem": "Fientlig text", "action": evil, "status": "ongoing", "classification": "public"})).await;
    assert_eq!(r.status, 201);
    let mut c = app.login("clas").await;
    let page = c.get("/moten/1/protokoll/offentlig/html").await;
    assert!(!page.text.contains("<script>alert"), "no live markup");
    assert!(html_text(&page.text).contains(&squash(evil)));
    let (_, pdf) = c.get_bytes("/moten/1/protokoll/offentlig/pdf").await;
    assert!(squash(&pdf_text(&pdf)).contains("\\textbf{x} $x$ {{7*7}}"));
    let (_, docx) = c.get_bytes("/moten/1/protokoll/offentlig/docx").await;
    assert!(docx_text(&docx).contains(evil));
});

both!(approved_minutes_are_a_frozen_public_record, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut c = app.login("clas").await;
    let form = c.get("/moten/1/justera").await;
    assert!(
        form.text.contains("Protokollet blir en allmän handling"),
        "the interface says so before the convener confirms"
    );
    let res = c.post_form("/moten/1/justera", &[("publish", "on")]).await;
    assert_eq!(res.status, 422, "approval needs the confirmation");
    c.get("/moten/1/justera").await;
    let res = c.post_form("/moten/1/justera", &[("confirm", "yes"), ("publish", "on")]).await;
    assert_eq!(res.status, 303, "{}", res.text);
    let at = res.location().to_owned();
    // Anyone may read the published public version, without logging in.
    let mut anon = app.client();
    let public = anon.get(&at).await;
    assert_eq!(public.status, 200);
    assert!(public.text.contains("Justerat") && public.text.contains("Kontrollsumma (SHA-256)"));
    assert!(anon.get("/protokoll").await.text.contains("Hägersten-Älvsjös lokala brottsförebyggande råd 2021-09-17"));
    assert_eq!(anon.get(&format!("{at}/intern/pdf")).await.status, 404, "the internal version needs a login");
    let (status, pdf) = anon.get_bytes(&format!("{at}/offentlig/pdf")).await;
    assert_eq!(status, 200);
    assert!(pdf_text(&pdf).contains("Närvarande"));

    // Later changes do not touch the approved minutes, and the database refuses to alter them.
    let mut api = app.token("clas").await;
    let mut m = api.api_get("/measures/2").await.json();
    m["status_text"] = json!("ÄNDRAT-EFTER-JUSTERING");
    assert_eq!(api.api_put("/measures/2", &m).await.status, 200);
    assert!(!anon.get(&at).await.text.contains("ÄNDRAT-EFTER-JUSTERING"));
    let id: i64 = at.rsplit('/').next().unwrap().parse().unwrap();
    assert!(app.db.try_alter_minutes(tryggve_core::MinutesId(id), "{}").await.is_err());
    // Withdrawn from the public page, it answers 404 to those not logged in.
    c.get("/moten/1").await;
    let res = c.post_form(&format!("/protokoll/{id}/publicera"), &[]).await;
    assert_eq!(res.status, 303);
    assert_eq!(anon.get(&at).await.status, 404);
});

both!(an_agenda_from_a_template_with_a_decision_that_becomes_a_measure, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut api = app.token("clas").await;
    let r = api.api_post("/meetings", &json!({"council_id": 1, "body": "Lägesbildsgruppen", "date": "2026-12-04", "start_time": "09:00", "location": "Telefonvägen 30", "classification": "internal"})).await;
    assert_eq!(r.status, 201);
    let id = r.json()["id"].as_i64().unwrap();
    let mut c = app.login("clas").await;
    c.get(&format!("/moten/{id}")).await;
    let res = c.post_form(&format!("/moten/{id}/dagordning"), &[("op", "template_est"), ("version", "1")]).await;
    assert_eq!(res.status, 303);
    let m = api.api_get(&format!("/meetings/{id}")).await.json();
    let headings: Vec<&str> = m["items"].as_array().unwrap().iter().map(|i| i["heading"].as_str().unwrap()).collect();
    assert_eq!(headings, ["Inrapportering", "Lägesbild", "Prioritering", "Insatser", "Återkoppling"]);
    c.get(&format!("/moten/{id}")).await;
    let res =
        c.post_form(&format!("/moten/{id}/dagordning"), &[("op", "up"), ("position", "2"), ("version", "2")]).await;
    assert_eq!(res.status, 303);
    let m = api.api_get(&format!("/meetings/{id}")).await.json();
    assert_eq!(m["items"][1]["heading"], "Prioritering", "items can be reordered");
    c.get(&format!("/moten/{id}")).await;
    let res = c
        .post_form(
            &format!("/moten/{id}/dagordning"),
            &[
                ("op", "save"),
                ("position", "3"),
                ("body", "Klottret i Västberga ökar."),
                ("decision", "Stockholmshem sanerar klotter inom 24 timmar i Västberga."),
                ("classification", "public"),
                ("create_measure_in", "1"),
                ("responsible_org_id", "20"),
                ("next_follow_up", "2027-01-15"),
                ("version", "3"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text);
    let m = api.api_get(&format!("/meetings/{id}")).await.json();
    let measure_id = m["items"][3]["measure_id"].as_i64().expect("the action point links to its measure");
    let measure = api.api_get(&format!("/measures/{measure_id}")).await.json();
    assert_eq!(measure["action"], "Stockholmshem sanerar klotter inom 24 timmar i Västberga.");
    assert_eq!(
        (measure["responsible_org_id"].as_i64(), measure["next_follow_up"].as_str()),
        (Some(20), Some("2027-01-15"))
    );
    assert_eq!(measure["follow_up_body"], "Lägesbildsgruppen");
    let page = c.get(&format!("/moten/{id}")).await;
    assert!(page.text.contains(&format!("/atgarder/{measure_id}")));
    let minutes = html_text(&c.get(&format!("/moten/{id}/protokoll/intern/html")).await.text);
    assert!(minutes.contains("Beslut: Stockholmshem sanerar klotter"));
});

both!(personal_data_is_refused_in_shared_records_with_what_was_found, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut c = app.login("clas").await;
    c.get("/atgarder/6").await;
    let res = c
        .post_form(
            "/atgarder/6/uppfoljning",
            &[
                ("date", "2026-11-20"),
                ("text", "Pratade med eleven 121212-1212, mamman nås på 070-123 45 67."),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(res.status, 422);
    assert!(res.text.contains("personnummer") && res.text.contains("telefonnummer"), "the user sees what was found");
    assert!(res.text.contains("Pratade med eleven"), "and the text is kept for rewriting");
    let mut api = app.token("clas").await;
    assert!(api.api_get("/measures/6/follow-ups").await.json().as_array().unwrap().is_empty(), "nothing was saved");
    let r = api.api_post("/incidents", &json!({"category": "klotter", "date": "2026-11-01", "description": "Bilen ABC 123 stod parkerad, kontakt kalle@example.com"})).await;
    assert_eq!(r.status, 422, "{}", r.text);
    // A case code is not personal data: group work about young people uses them.
    let r = api
        .api_post(
            "/measures/6/follow-ups",
            &json!({"date": "2026-11-20", "text": "Ärende U-2025-014 följs upp i Team samhandling.", "version": 1}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
});
