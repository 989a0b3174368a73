//! Importing earlier minutes from the web app (`/import/protokoll`): the
//! convener uploads the seed minutes, reviews the proposal (rejecting one
//! measure, renaming a collaboration) and accepts; exactly the accepted and
//! edited records are written, once. A reader is refused, a personal
//! identity number typed into an edited field is refused with nothing
//! written, and a DOCX file goes the same way as text.

use crate::both;
use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::Value;
use tryggve_core::Viewer;
use tryggve_core::access::Role;
use tryggve_core::export::ExportDocument;
use tryggve_db::Actor;

const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/minutes_2021-09-17.txt");

/// A server whose register holds the demo's areas and organisations and two
/// users — `clas` (convener) and `lasare` (reader) — but no council yet.
async fn app(b: Backend) -> TestApp {
    let app = TestApp::empty(b).await.unwrap();
    let demo = demo_document();
    let hash = tryggve_web::auth::hash_password(DEMO_PASSWORD).unwrap();
    let mut doc = ExportDocument::empty();
    doc.areas = demo.areas;
    doc.organisations = demo.organisations;
    doc.users = demo
        .users
        .into_iter()
        .filter(|u| u.username == "clas" || u.username == "lasare")
        .map(|mut u| {
            u.person_id = None;
            u.councils = vec![];
            u.password_hash = Some(hash.clone());
            u
        })
        .collect();
    app.db.import(&Actor::system(chrono::Utc::now().naive_utc()), &doc).await.unwrap();
    app
}

/// Posts a file as `multipart/form-data` with the session's CSRF token, as a browser does.
async fn upload(app: &TestApp, c: &mut Client, file_name: &str, bytes: &[u8]) -> Res {
    c.get("/import/protokoll").await;
    let token = c.csrf.clone().unwrap_or_default();
    let boundary = "----tryggve-test-boundary-7d1f";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n").as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let cookies = c.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}/import/protokoll", app.base))
        .header("cookie", cookies)
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    Res { status, headers, text: res.text().await.unwrap() }
}

/// The pending import's id from the review page's address.
fn pending_id(location: &str) -> i64 {
    location.rsplit('/').next().unwrap().parse().unwrap_or_else(|_| panic!("not a review page: {location:?}"))
}

async fn export(app: &TestApp) -> ExportDocument {
    app.db.export(&Viewer { user_id: None, organisation_id: None, role: Some(Role::Admin) }).await.unwrap()
}

/// Row counts of every table but the audit log (which records reads and refusals too).
async fn counts(app: &TestApp) -> Vec<(&'static str, i64)> {
    app.db.table_counts().await.unwrap().into_iter().filter(|(t, _)| *t != "audit_log").collect()
}

fn seed() -> Vec<u8> {
    std::fs::read(SEED).unwrap()
}

both!(the_convener_reviews_edits_and_accepts_the_seed_minutes, |b| async move {
    let app = app(b).await;
    let mut clas = app.login("clas").await;
    let res = upload(&app, &mut clas, "minutes_2021-09-17.txt", &seed()).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let id = pending_id(res.location());
    assert_eq!(export(&app).await.councils.len(), 0, "uploading writes no record");

    let page = clas.get(res.location()).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    for name in [
        "Platssamverkan Liljeholmen",
        "Platssamverkan Fruängen/Västertorp/Hägerstensåsen",
        "Platssamverkan Älvsjö/Solberga",
    ] {
        assert!(page.text.contains(name), "the review page lists {name}");
    }
    let merges = &page.text[page.text.find("id=\"dubbletter\"").unwrap()..page.text.find("id=\"oklara\"").unwrap()];
    assert!(merges.contains("Bent Jansson") && merges.contains("Bengt Jansson"), "{merges}");
    assert!(page.text.contains("id=\"okant\"") && page.text.contains("Information om samverkan"));

    // The proposal as stored gives the provisional ids the form fields are named by.
    let proposal = app.db.pending_import(id).await.unwrap().proposal;
    let create = &proposal["create"];
    let collab =
        create["collaborations"].as_array().unwrap().iter().find(|c| c["name"] == "Platssamverkan Liljeholmen");
    let collab_id = collab.unwrap()["id"].as_i64().unwrap();
    let measures = create["measures"].as_array().unwrap();
    assert_eq!(measures.len(), 33);
    let rejected: &Value = &measures[4];
    let rejected_key = format!("measure-{}.decision", rejected["id"]);
    let name_field = format!("collaboration-{collab_id}.name");
    let decisions = [(rejected_key.as_str(), "reject"), (name_field.as_str(), "Platssamverkan Liljeholmen centrum")];

    let res = clas.post_form(&format!("/import/protokoll/{id}"), &decisions).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let receipt = clas.get(res.location()).await;
    assert!(
        receipt
            .text
            .contains("Skapade 1 råd, 14 personer, 3 platssamverkan, 32 åtgärder, 1 prioriterade områden och 2 möten"),
        "{}",
        receipt.text
    );
    assert!(receipt.text.contains("Inte importerat") && receipt.text.contains("avvisad"));

    // Exactly what was accepted, as edited.
    let got = export(&app).await;
    assert_eq!(
        [got.councils.len(), got.people.len(), got.collaborations.len(), got.priorities.len(), got.meetings.len()],
        [1, 14, 3, 1, 2]
    );
    assert_eq!(got.measures.len(), 32);
    let names: Vec<&str> = got.collaborations.iter().map(|c| c.name.as_str()).collect();
    assert!(names.contains(&"Platssamverkan Liljeholmen centrum"), "{names:?}");
    assert!(!names.contains(&"Platssamverkan Liljeholmen"), "{names:?}");
    let key = |problem: &str, action: &str, kind: &str| (problem.to_owned(), action.to_owned(), kind.to_owned());
    let rejected_key = key(
        rejected["problem"].as_str().unwrap(),
        rejected["action"].as_str().unwrap(),
        rejected["kind"].as_str().unwrap(),
    );
    assert!(
        !got.measures.iter().any(|m| key(&m.problem, &m.action, m.kind.as_str()) == rejected_key),
        "the rejected measure was not written"
    );
    let renamed = got.collaborations.iter().find(|c| c.name == "Platssamverkan Liljeholmen centrum").unwrap();
    let in_renamed = got.measures.iter().filter(|m| m.collaboration_id == renamed.id).count();
    let proposed_in_it = measures.iter().filter(|m| m["collaboration_id"] == collab_id).count();
    let rejected_in_it = usize::from(rejected["collaboration_id"] == collab_id);
    assert_eq!(in_renamed, proposed_in_it - rejected_in_it, "the edited collaboration kept its measures");
    assert_eq!(app.db.verify_audit().await.unwrap().first_broken, None);

    // Posting the same decisions again writes nothing.
    let before = counts(&app).await;
    let again = clas.post_form(&format!("/import/protokoll/{id}"), &decisions).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.text);
    assert_eq!(counts(&app).await, before, "a second post creates nothing");
});

both!(a_reader_may_not_import_minutes, |b| async move {
    let app = app(b).await;
    let mut clas = app.login("clas").await;
    let res = upload(&app, &mut clas, "minutes.txt", &seed()).await;
    let review = res.location().to_owned();

    let mut reader = app.login("lasare").await;
    assert_eq!(reader.get("/import/protokoll").await.status, StatusCode::FORBIDDEN);
    assert_eq!(reader.get(&review).await.status, StatusCode::FORBIDDEN);
    let res = upload(&app, &mut reader, "minutes.txt", &seed()).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let res = reader.post_form(&review, &[]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(export(&app).await.councils.len(), 0);
    let audit = app
        .db
        .audit_page(&tryggve_db::audit::AuditQuery {
            action: Some("denied".into()),
            username: Some("lasare".into()),
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(audit.iter().any(|e| e.record_type == "pending_import"), "the refusals are logged");

    // An upload without the session's CSRF token is refused too.
    let mut clas = app.login("clas").await;
    clas.get("/import/protokoll").await;
    clas.csrf = Some("fel".into());
    let before = counts(&app).await;
    let res = clas.post_form(&review, &[("csrf_token", "fel")]).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(counts(&app).await, before);
});

both!(a_personal_identity_number_in_an_edit_is_refused_and_nothing_is_written, |b| async move {
    let app = app(b).await;
    let mut clas = app.login("clas").await;
    let res = upload(&app, &mut clas, "minutes.txt", &seed()).await;
    let id = pending_id(res.location());
    clas.get(res.location()).await;
    let proposal = app.db.pending_import(id).await.unwrap().proposal;
    let collab_id = proposal["create"]["collaborations"][0]["id"].as_i64().unwrap();
    let field = format!("collaboration-{collab_id}.name");
    let typed = "Platssamverkan 19121212-1212";
    let before = counts(&app).await;
    let res = clas.post_form(&format!("/import/protokoll/{id}"), &[(field.as_str(), typed)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.text);
    assert!(res.text.contains("Texten innehåller personuppgifter"), "{}", res.text);
    assert!(res.text.contains(&format!("value=\"{typed}\"")), "the typed text is kept");
    assert!(res.text.contains("aria-invalid=\"true\""));
    assert_eq!(counts(&app).await, before, "nothing was written");
    assert!(app.db.pending_import(id).await.unwrap().done_at.is_none(), "the import still waits for review");
});

/// A small DOCX: a title, one attendee, one collaboration with a working-document table.
fn docx() -> Vec<u8> {
    use std::io::Write;
    fn p(style: &str, text: &str) -> String {
        let style =
            if style.is_empty() { String::new() } else { format!(r#"<w:pPr><w:pStyle w:val="{style}"/></w:pPr>"#) };
        format!("<w:p>{style}<w:r><w:t>{text}</w:t></w:r></w:p>")
    }
    fn row(cells: &[&str]) -> String {
        let cells: String = cells.iter().map(|c| format!("<w:tc>{}</w:tc>", p("", c))).collect();
        format!("<w:tr>{cells}</w:tr>")
    }
    let body = [
        p("Heading2", "Rådet i Byn 2022-03-04"),
        p("Heading3", "Närvarande:"),
        format!("<w:tbl>{}</w:tbl>", row(&["Anna Berg", "Ordförande"])),
        p("Heading3", "Platssamverkan Torget"),
        format!(
            "<w:tbl>{}{}</w:tbl>",
            row(&["Problemområde", "Åtgärd/insats", "Deltagare", "Ansvarig", "Status/uppföljning"]),
            row(&["Torget: klotter", "Sanering", "Polis", "Polis", "Genomförd"])
        ),
    ]
    .concat();
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
    );
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    z.start_file("word/document.xml", opts).unwrap();
    z.write_all(xml.as_bytes()).unwrap();
    z.finish().unwrap();
    buf.into_inner()
}

both!(a_docx_upload_is_reviewed_and_imported, |b| async move {
    let app = app(b).await;
    let mut clas = app.login("clas").await;
    let res = upload(&app, &mut clas, "protokoll.docx", &docx()).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let twin = upload(&app, &mut clas, "kopia.docx", &docx()).await.location().to_owned();
    let page = clas.get(res.location()).await;
    assert!(page.text.contains("Platssamverkan Torget") && page.text.contains("Torget: klotter"), "{}", page.text);
    let res = clas.post_form(res.location(), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let got = export(&app).await;
    assert_eq!(got.councils.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["Rådet i Byn"]);
    assert_eq!(got.collaborations.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["Platssamverkan Torget"]);
    assert_eq!(got.measures.len(), 1);
    assert_eq!(got.measures[0].problem, "Torget: klotter");

    // A second pending import of the same document, decided later, is refused rather than written twice.
    clas.get(&twin).await;
    let before = counts(&app).await;
    let res = clas.post_form(&twin, &[]).await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.text);
    assert!(res.text.contains("Sedan filen laddades upp har någon lagt in rådet Rådet i Byn"), "{}", res.text);
    assert_eq!(counts(&app).await, before);

    // The same document again proposes nothing new.
    let res = upload(&app, &mut clas, "protokoll.docx", &docx()).await;
    let id = pending_id(res.location());
    let again = app.db.pending_import(id).await.unwrap().proposal;
    for section in ["councils", "people", "collaborations", "measures", "priorities", "meetings"] {
        assert_eq!(again["create"][section], serde_json::json!([]), "{section}");
    }
    let page = clas.get(res.location()).await;
    assert!(page.text.contains("inget som inte redan finns"), "{}", page.text);

    // A file over 5 MB is refused.
    let res = upload(&app, &mut clas, "stor.txt", &vec![b'a'; 6 * 1024 * 1024]).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(res.text.contains("Filen är för stor"), "{}", res.text);

    // A file that is not minutes is refused with a Swedish message, and nothing is kept.
    let res = upload(&app, &mut clas, "anteckning.txt", b"Bara lite text utan rubrik.\n").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text.contains("hittade ingen rubrik med rådets namn och datum"), "{}", res.text);
});
