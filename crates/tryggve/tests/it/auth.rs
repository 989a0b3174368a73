//! Logging in and out, the session cookie, CSRF and the login slowdown.

use crate::both;
use crate::helpers::*;
use std::time::{Duration, Instant};

both!(a_user_logs_in_with_a_secure_http_only_cookie_and_out_again, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut c = app.client();
    let first = c.get("/").await;
    assert_eq!(first.status, 303);
    assert!(first.location().starts_with("/login"));

    let res = c.login("clas", DEMO_PASSWORD).await;
    assert_eq!(res.status, 303);
    let set_cookie: Vec<_> = res.headers.get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    let session = set_cookie.iter().find(|c| c.starts_with("tryggve_session=")).expect("a session cookie");
    for attr in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(session.contains(attr), "{attr} in {session}");
    }
    let home = c.get("/").await;
    assert_eq!(home.status, 200);
    assert!(home.text.contains("Hägersten-Älvsjös lokala brottsförebyggande råd"));

    let old_cookie = c.cookies.clone();
    let out = c.post_form("/logout", &[]).await;
    assert_eq!(out.status, 303);
    // The old session id no longer works, even if someone kept it.
    c.cookies = old_cookie;
    assert_eq!(c.get("/").await.status, 303);
});

both!(a_wrong_password_is_refused_with_a_swedish_message, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut c = app.client();
    let res = c.login("clas", "fel lösenord").await;
    assert_eq!(res.status, 401);
    assert!(res.text.contains("Fel användarnamn eller lösenord."));
    assert!(res.text.contains("value=\"clas\""), "the user name is kept");
    let res = c.login("ingen-sådan", "x").await;
    assert_eq!(res.status, 401);
});

both!(repeated_failed_logins_are_slowed_down, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut c = app.client();
    for _ in 0..3 {
        assert_eq!(c.login("martin", "wrong").await.status, 401);
    }
    let t = Instant::now();
    assert_eq!(c.login("martin", "wrong").await.status, 401);
    assert!(t.elapsed() >= Duration::from_millis(500), "the fourth attempt waited {:?}", t.elapsed());
    // The right password still works after the wait.
    assert_eq!(c.login("martin", DEMO_PASSWORD).await.status, 303);
});

both!(a_form_without_its_csrf_token_changes_nothing, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut c = app.login("clas").await;
    let res =
        c.post_form("/organisationer", &[("name", "Forged AB"), ("kind", "business"), ("csrf_token", "forged")]).await;
    assert_eq!(res.status, 403);
    let orgs = c.api_get("/organisations").await.json();
    assert!(!orgs.as_array().unwrap().iter().any(|o| o["name"] == "Forged AB"));
    // The login form has its own token.
    let mut anon = app.client();
    let res = anon.post_form("/login", &[("username", "clas"), ("password", DEMO_PASSWORD), ("csrf_token", "x")]).await;
    assert_eq!(res.status, 403);
});

both!(api_writes_with_a_session_need_the_csrf_header, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let c = app.login("clas").await;
    let http = reqwest::Client::new();
    let cookie = c.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
    let res = http
        .post(format!("{}/api/v1/organisations", app.base))
        .header("cookie", cookie)
        .json(&serde_json::json!({"name": "Utan token", "kind": "business"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 403);
});

both!(a_disabled_user_cannot_log_in, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut admin = app.token("admin").await;
    let users = admin.api_get("/users").await.json();
    let lasare = users.as_array().unwrap().iter().find(|u| u["username"] == "lasare").unwrap().clone();
    let mut body = lasare.clone();
    body["disabled"] = serde_json::json!(true);
    let res = admin.api_put(&format!("/users/{}", lasare["id"]), &body).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(app.client().login("lasare", DEMO_PASSWORD).await.status, 401);
});
