//! The JSON API: authentication, status codes and field errors.

use crate::both;
use crate::helpers::*;
use serde_json::json;

both!(the_api_needs_a_login_or_a_token, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut anon = app.client();
    assert_eq!(anon.api_get("/organisations").await.status, 401);
    anon.bearer = Some("not-a-token".into());
    assert_eq!(anon.api_get("/organisations").await.status, 401);
    let mut t = app.token("martin").await;
    let res = t.api_get("/organisations").await;
    assert_eq!(res.status, 200);
    assert!(res.json().as_array().unwrap().len() >= 20);
});

both!(the_api_creates_and_updates_with_versions, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut c = app.token("clas").await;
    let res = c
        .api_post(
            "/organisations",
            &json!({"name": "Trygghetsvärdar AB", "kind": "security_company", "aliases": ["TV AB"]}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    let org = res.json();
    assert_eq!(org["version"], 1);
    let path = res.location().trim_start_matches("/api/v1").to_owned();
    assert_eq!(path, format!("/organisations/{}", org["id"]));

    let mut edit = org.clone();
    edit["name"] = json!("Trygghetsvärdarna AB");
    let res = c.api_put(&path, &edit).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(res.json()["version"], 2);

    // The same edit again is based on version 1: refused, nothing overwritten.
    edit["name"] = json!("Något annat");
    let res = c.api_put(&path, &edit).await;
    assert_eq!(res.status, 409);
    assert_eq!(res.json()["current_version"], 2);
    assert_eq!(c.api_get(&path).await.json()["name"], "Trygghetsvärdarna AB");
});

both!(bad_api_input_gets_field_errors_and_unknown_ids_404, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut c = app.token("clas").await;
    let res = c.api_post("/organisations", &json!({"name": "", "kind": "spaceship"})).await;
    assert_eq!(res.status, 422);
    let fields: Vec<String> =
        res.json()["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap().to_owned()).collect();
    assert_eq!(fields, ["name", "kind"]);

    let res = c.api_post("/organisations", &json!({"name": ["not", {"a": "string"}]})).await;
    assert_eq!(res.status, 422, "{}", res.text);

    let res = c.api_post("/measures", &json!({"collaboration_id": 9999, "kind": "problem", "problem": "x", "status": "ongoing", "classification": "internal"})).await;
    assert_eq!(res.status, 422);
    assert_eq!(res.json()["fields"][0]["field"], "collaboration_id");

    let res = c.api_put("/organisations/1", &json!({"name": "Utan version", "kind": "police"})).await;
    assert_eq!(res.status, 422);
    assert_eq!(res.json()["fields"][0]["field"], "version");

    assert_eq!(c.api_get("/organisations/99999").await.status, 404);
    assert_eq!(c.api_get("/organisations/nonsense").await.status, 404);
    assert_eq!(c.api_get("/meetings/99999").await.status, 404);

    let res = c.api_post("/organisations", &json!({"name": "Polisen", "kind": "police"})).await;
    assert_eq!(res.status, 422, "a duplicate name is a field error: {}", res.text);
});

both!(roles_decide_what_the_api_allows, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut reader = app.token("lasare").await;
    assert_eq!(reader.api_post("/organisations", &json!({"name": "X", "kind": "other"})).await.status, 403);
    assert_eq!(reader.api_get("/users").await.status, 403);
    let mut reporter = app.token("rapportor").await;
    assert_eq!(reporter.api_put("/measures/1", &json!({})).await.status, 403);
    let res = reporter
        .api_post(
            "/measures/1/follow-ups",
            &json!({"date": "2026-11-20", "text": "Nytt klotter på fiskestugan.", "version": 1}),
        )
        .await;
    assert_eq!(res.status, 201, "a reporter may follow up: {}", res.text);
});

both!(the_openapi_document_describes_every_route, |b| async move {
    let app = TestApp::empty(b).await.unwrap();
    let mut c = app.client();
    let res = c.get("/api/v1/openapi.json").await;
    assert_eq!(res.status, 200);
    let doc = res.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/organisations",
        "/organisations/{id}",
        "/people",
        "/people/{id}",
        "/areas",
        "/areas/{id}",
        "/councils",
        "/councils/{id}",
        "/users",
        "/users/{id}",
        "/collaborations",
        "/collaborations/{id}",
        "/measures",
        "/measures/{id}",
        "/measures/{id}/follow-ups",
        "/priorities",
        "/priorities/{id}",
        "/meetings",
        "/meetings/{id}",
        "/me",
        "/incidents",
        "/incidents/{id}",
        "/incident-categories",
        "/indicators",
        "/situation",
    ] {
        assert!(paths.contains_key(p), "{p} is documented");
    }
});

both!(health_answers_while_the_database_is_reachable, |b| async move {
    let app = TestApp::empty(b).await.unwrap();
    let mut c = app.client();
    let res = c.get("/health").await;
    assert_eq!((res.status.as_u16(), res.text.as_str()), (200, "ok"));
    assert!(res.headers.get("content-security-policy").unwrap().to_str().unwrap().contains("frame-ancestors 'none'"));
    app.db.close().await;
    assert_eq!(c.get("/health").await.status, 503);
});
