//! Browsing and editing the register in the web app: field errors in
//! Swedish with the user's input kept, hostile text shown inert, roles.

use crate::both;
use crate::helpers::*;

both!(a_new_organisation_is_saved_and_audited, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut c = app.login("clas").await;
    c.get("/organisationer/ny").await;
    let res = c
        .post_form(
            "/organisationer",
            &[("name", "Fältgruppen Söder"), ("kind", "social_services"), ("aliases", "Fält Söder\nFältarna")],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text);
    let page = c.get(res.location()).await;
    assert!(page.text.contains("Fältgruppen Söder"));
    assert!(page.text.contains("Fält Söder\nFältarna"));
    let mut admin = app.login("admin").await;
    let log = admin.get("/admin/logg?record_type=organisation").await;
    assert!(log.text.contains("clas") && log.text.contains("Fältgruppen Söder"), "the change is in the audit log");
});

both!(a_wrong_field_re_renders_the_form_with_a_message_and_the_typed_text, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut c = app.login("clas").await;
    c.get("/personer/ny").await;
    let res = c
        .post_form(
            "/personer",
            &[("name", "  "), ("title", "Fältassistent"), ("email", "inte-en-adress"), ("organisation_id", "99999")],
        )
        .await;
    assert_eq!(res.status, 422);
    assert!(res.text.contains("Fältet får inte vara tomt."));
    assert!(res.text.contains("Skriv en e-postadress som namn@exempel.se."));
    assert!(res.text.contains("Okänd organisation."));
    assert!(res.text.contains("value=\"Fältassistent\""), "typed text is kept");
    assert!(res.text.contains("aria-invalid=\"true\""));

    c.get("/moten/ny").await;
    let res = c
        .post_form("/moten", &[("council_id", "1"), ("body", "Rådet"), ("date", "2025-02-30"), ("start_time", "9")])
        .await;
    assert_eq!(res.status, 422);
    assert!(res.text.contains("Ogiltigt datum &#34;2025-02-30&#34;: skriv ÅÅÅÅ-MM-DD."), "{}", res.text);
    assert!(res.text.contains("Ogiltig tid"));
});

both!(hostile_text_is_shown_as_text_never_as_markup, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut c = app.login("clas").await;
    c.get("/organisationer/ny").await;
    let evil = "<script>alert('x')</script> & {{ 7*7 }} \"quoted\"";
    let res = c.post_form("/organisationer", &[("name", evil), ("kind", "other")]).await;
    assert_eq!(res.status, 303);
    let list = c.get("/organisationer").await;
    assert!(!list.text.contains("<script>alert"), "no raw script tag");
    assert!(
        list.text.contains("&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62; &#38; {{ 7*7 }} &#34;quoted&#34;"),
        "the name is shown escaped and intact"
    );
});

both!(a_reader_browses_but_cannot_edit_and_only_admins_manage_users, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut c = app.login("lasare").await;
    assert_eq!(c.get("/organisationer").await.status, 200);
    assert_eq!(c.get("/organisationer/ny").await.status, 403);
    let edit = c.get("/organisationer/1").await;
    assert_eq!(edit.status, 200);
    assert!(edit.text.contains("readonly") && !edit.text.contains(">Spara<"));
    assert_eq!(c.get("/anvandare").await.status, 403);
    assert_eq!(c.get("/admin/logg").await.status, 403);
    let mut admin = app.login("admin").await;
    let users = admin.get("/anvandare").await;
    assert_eq!(users.status, 200);
    assert!(users.text.contains("rapportor"));
});

both!(every_main_page_renders_for_a_convener, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut c = app.login("clas").await;
    for path in [
        "/",
        "/samverkan",
        "/samverkan/2",
        "/atgarder/1",
        "/atgarder/1/redigera",
        "/prioriteringar",
        "/prioriteringar/1",
        "/moten",
        "/moten/1",
        "/organisationer",
        "/personer",
        "/personer/1",
        "/omraden",
        "/omraden/3",
        "/rad",
    ] {
        let res = c.get(path).await;
        assert_eq!(res.status, 200, "{path}");
        assert!(res.text.contains("<html lang=\"sv\">"), "{path}");
    }
    let meeting = c.get("/moten/1").await.text;
    assert!(meeting.contains("Fredagen den 17 september 2021 kl. 09.00-11.00"));
    assert!(meeting.contains("Telefonvägen 30"));
    assert_eq!(c.get("/samverkan/9999").await.status, 404);
    assert_eq!(c.get("/samverkan/abc").await.status, 404);
    assert_eq!(c.get("/ingen-sida").await.status, 404);
});

both!(an_area_with_broken_geojson_is_refused_with_the_reason, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut c = app.login("clas").await;
    c.get("/omraden/ny").await;
    let res = c
        .post_form(
            "/omraden",
            &[
                ("name", "Ny plats"),
                ("kind", "place"),
                ("parent_id", "3"),
                ("geometry", "{\"type\": \"Point\", \"coordinates\": [18.0"),
            ],
        )
        .await;
    assert_eq!(res.status, 422);
    assert!(res.text.contains("Geometrin är inte giltig JSON"));
    let res = c
        .post_form(
            "/omraden",
            &[
                ("name", "Ny plats"),
                ("kind", "place"),
                ("parent_id", "3"),
                ("geometry", "{\"type\": \"Point\", \"coordinates\": [218.0, 59.3]}"),
            ],
        )
        .await;
    assert_eq!(res.status, 422);
    assert!(res.text.contains("ogiltig koordinat"));
    let res = c.post_form("/omraden", &[("name", "Fel nivå"), ("kind", "district"), ("parent_id", "")]).await;
    assert_eq!(res.status, 422);
    assert!(res.text.contains("Välj ett överordnat område av typen stadsdelsområde."));
});
