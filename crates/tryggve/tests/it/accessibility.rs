//! The accessibility statement: open to everyone, naming the law and the
//! supervisory authority; its report form works without logging in, refuses
//! an empty description, and only administrators read the reports.

use crate::both;
use crate::helpers::*;

both!(the_statement_is_open_and_names_the_law_and_the_supervisory_authority, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut anon = app.client();
    let page = anon.get("/tillganglighet").await;
    assert_eq!(page.status, 200, "{}", page.text);
    for needle in [
        "Lagen om tillgänglighet till digital offentlig service (2018:1937)",
        "Myndigheten för digital förvaltning (DIGG)",
        "WCAG 2.1",
        "axe-core",
        "Senaste bedömningen gjordes den",
        "Kartor och diagram är bilder",
        "PDF",
        "name=\"description\"",
    ] {
        assert!(page.text.to_lowercase().contains(&needle.to_lowercase()), "the statement lacks {needle:?}");
    }
    // Linked from the footer of every page, the login page included.
    let login = anon.get("/login").await;
    assert!(login.text.contains("<a href=\"/tillganglighet\">Tillgänglighet</a>"));
    let mut clas = app.login("clas").await;
    assert!(clas.get("/samverkan/1").await.text.contains("href=\"/tillganglighet\""));
});

both!(an_anonymous_report_is_stored_and_only_an_administrator_reads_it, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut anon = app.client();
    anon.get("/tillganglighet").await;
    let text = "Kartan i lägesbilden går inte att förstora med tangentbordet.";
    let res = anon
        .post_form(
            "/tillganglighet",
            &[("description", text), ("page", "/lagesbild"), ("name", "Eva"), ("contact", "eva@example.se")],
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert!(res.text.contains("Tack för din rapport"), "a receipt: {}", res.text);
    let stored = app.db.accessibility_reports(10).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(
        (stored[0].description.as_str(), stored[0].page.as_str(), stored[0].contact.as_str()),
        (text, "/lagesbild", "eva@example.se")
    );
    // The audit row names the report but not what it says or who wrote it.
    let log = app.db.audit_page(&tryggve_db::audit::AuditQuery { limit: 5, ..Default::default() }).await.unwrap();
    let entry = log.iter().find(|e| e.record_type == "accessibility_report").expect("the report is audited");
    assert!(!entry.detail.to_string().contains("eva@example.se") && !entry.detail.to_string().contains("Kartan"));

    // Without the form's own token nothing is stored.
    let mut other = app.client();
    let forged = other.post_form("/tillganglighet", &[("description", "Falsk"), ("csrf_token", "x")]).await;
    assert_eq!(forged.status, 403);
    assert_eq!(app.db.accessibility_reports(10).await.unwrap().len(), 1);

    let mut admin = app.login("admin").await;
    let list = admin.get("/admin/tillganglighet").await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert!(list.text.contains(text) && list.text.contains("eva@example.se"));
    for user in ["clas", "yvonne", "lasare"] {
        let mut c = app.login(user).await;
        let res = c.get("/admin/tillganglighet").await;
        assert_eq!(res.status, 403, "{user}");
        assert!(!res.text.contains(text));
    }
    assert_eq!(anon.get("/admin/tillganglighet").await.status, 303, "anonymous visitors are sent to log in");
});

both!(an_empty_description_is_refused_with_a_swedish_field_error, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut anon = app.client();
    anon.get("/tillganglighet").await;
    let res = anon.post_form("/tillganglighet", &[("description", "   "), ("name", "Eva")]).await;
    assert_eq!(res.status, 422, "{}", res.text);
    assert!(res.text.contains("Beskriv problemet."), "{}", res.text);
    assert!(res.text.contains("error-summary") && res.text.contains("aria-invalid=\"true\""));
    assert!(res.text.contains("value=\"Eva\""), "what was typed is kept");
    let too_long = "a".repeat(4001);
    let res = anon.post_form("/tillganglighet", &[("description", &too_long)]).await;
    assert_eq!(res.status, 422);
    assert!(res.text.contains("högst 4 000 tecken"));
    assert!(app.db.accessibility_reports(10).await.unwrap().is_empty(), "nothing is stored");
});

both!(the_form_takes_a_limited_number_of_reports_an_hour, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut anon = app.client();
    anon.get("/tillganglighet").await;
    // `REPORTS_PER_HOUR` in tryggve-web's pages/accessibility.rs.
    const LIMIT: usize = 30;
    for n in 0..LIMIT {
        let res = anon.post_form("/tillganglighet", &[("description", &format!("Rapport {n}"))]).await;
        assert_eq!(res.status, 200, "report {n}: {}", res.text);
    }
    let res = anon.post_form("/tillganglighet", &[("description", "En för mycket")]).await;
    assert_eq!(res.status, 429);
    assert!(res.text.contains("Försök igen om en stund"), "{}", res.text);
    let stored = app.db.accessibility_reports(1000).await.unwrap();
    assert_eq!(stored.len(), LIMIT);
});
