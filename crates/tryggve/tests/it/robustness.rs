//! No user input produces a server error: every form of the app, filled
//! with hostile and malformed values, answers with a saved record or field
//! errors — never a 500.

use crate::both;
use crate::helpers::*;

const NASTY: &[&str] = &[
    "",
    " ",
    "<script>alert(1)</script>",
    "'; DROP TABLE measures; --",
    "\u{0}nul",
    "9223372036854775808",
    "-1",
    "1e309",
    "{{ 7*7 }} {% if %}",
    "𝕿𝖗𝖞𝖌𝖌𝖛𝖊 ✓ åäö",
    "2021-13-45",
    "25:61",
    "\\u0000 \" \\",
];

/// The names of the inputs of the first form with `action` on a page.
fn field_names(html: &str) -> Vec<String> {
    let mut names = vec![];
    for part in html.split("name=\"").skip(1) {
        let name = &part[..part.find('"').unwrap_or(0)];
        if !name.is_empty() && name != "csrf_token" && !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
    }
    names
}

both!(no_form_input_produces_a_server_error, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut c = app.login("admin").await;
    let long = "x".repeat(30_000);
    let (mut saved, mut refused) = (0, 0);
    for (form, action) in [
        ("/organisationer/ny", "/organisationer"),
        ("/personer/ny", "/personer"),
        ("/omraden/ny", "/omraden"),
        ("/anvandare/ny", "/anvandare"),
        ("/rad/ny", "/rad"),
        ("/samverkan/ny", "/samverkan"),
        ("/atgarder/ny", "/atgarder"),
        ("/prioriteringar/ny", "/prioriteringar"),
        ("/moten/ny", "/moten"),
        ("/atgarder/1/redigera", "/atgarder/1/redigera"),
        ("/moten/1/redigera", "/moten/1/redigera"),
        ("/atgarder/2", "/atgarder/2/uppfoljning"),
    ] {
        let page = c.get(form).await;
        assert_eq!(page.status, 200, "{form}");
        let names = field_names(&page.text);
        assert!(!names.is_empty(), "{form} has fields");
        for (i, nasty) in NASTY.iter().chain([&long.as_str()]).enumerate() {
            c.get(form).await;
            let fields: Vec<(&str, &str)> =
                names.iter().map(|n| (n.as_str(), if n == "version" && i % 2 == 0 { "1" } else { *nasty })).collect();
            let res = c.post_form(action, &fields).await;
            assert!(matches!(res.status.as_u16(), 303 | 409 | 422), "{action} with {nasty:?} answered {}", res.status);
            if res.status == 303 { saved += 1 } else { refused += 1 }
        }
    }
    assert!(refused > 100, "saved {saved}, refused {refused}: the forms were really posted");
    let mut api = app.token("admin").await;
    for path in
        ["/organisations", "/people", "/areas", "/users", "/collaborations", "/measures", "/priorities", "/meetings"]
    {
        for body in [
            serde_json::json!(null),
            serde_json::json!([]),
            serde_json::json!({"name": {"nested": true}}),
            serde_json::json!({"name": "\u{0}", "kind": "police", "council_id": -5, "collaboration_id": "x"}),
        ] {
            let res = api.api_post(path, &body).await;
            assert!(
                matches!(res.status.as_u16(), 201 | 422),
                "POST {path} {body} answered {}: {}",
                res.status,
                res.text
            );
        }
    }
});

both!(a_reference_to_a_record_that_is_gone_is_named_not_a_server_error, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let actor = tryggve_db::Actor::system(chrono::Utc::now().naive_utc());
    let person = tryggve_core::register::Person {
        id: tryggve_core::PersonId(0),
        name: "Ny Person".into(),
        title: String::new(),
        organisation_id: Some(tryggve_core::OrgId(9999)),
        email: String::new(),
        phone: String::new(),
        aliases: vec![],
        staff: true,
        version: 1,
    };
    // The database refuses it; the error says what kind of problem it is, so a page can explain it.
    let e = app.db.create_person(&actor, &person).await.unwrap_err();
    assert!(matches!(e, tryggve_db::DbError::MissingReference), "{e:?}");
    assert!(app.db.people().await.unwrap().iter().all(|p| p.name != "Ny Person"), "nothing was written");
});
