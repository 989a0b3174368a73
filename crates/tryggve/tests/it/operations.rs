//! What an operator relies on: liveness and readiness, Prometheus metrics
//! that count requests by route pattern and never carry what was typed.

use crate::both;
use crate::helpers::*;

both!(liveness_readiness_and_metrics_answer_and_name_routes_not_paths, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut anon = app.client();
    assert_eq!(anon.get("/health/live").await.status, 200);
    let ready = anon.get("/health/ready").await;
    assert_eq!((ready.status.as_u16(), ready.text.as_str()), (200, "ok"));

    // A few requests, one with a search term that must not reach the metrics.
    let mut c = app.login("clas").await;
    assert_eq!(c.get("/samverkan/1").await.status, 200);
    assert_eq!(c.get("/sok?q=Kerstin+%C3%96dmark").await.status, 200);
    assert_eq!(c.get("/finns-inte-9f3a").await.status, 404);

    let m = anon.get("/metrics").await;
    assert_eq!(m.status, 200);
    assert!(m.headers["content-type"].to_str().unwrap().starts_with("application/openmetrics-text"));
    let t = &m.text;
    // The registry is the process's, shared with the other tests: look for this test's request among them.
    let counted = t.lines().any(|l| {
        l.starts_with("tryggve_http_requests_total{")
            && l.contains(r#"route="/samverkan/{id}""#)
            && l.contains(r#"status="200""#)
            && l.contains(r#"method="GET""#)
    });
    assert!(counted, "no counter for GET /samverkan/{{id}} 200:\n{t}");
    assert!(t.contains("tryggve_http_request_duration_seconds_bucket{"), "latency histogram");
    assert!(t.contains("tryggve_db_pool_connections "), "pool gauge");
    assert!(t.contains("tryggve_build_info{"), "version");
    assert!(t.contains(r#"route="unmatched""#), "unknown paths share one label");
    for secret in ["Kerstin", "%C3%96dmark", "finns-inte-9f3a"] {
        assert!(!t.contains(secret), "{secret} leaked into the metrics");
    }
});

both!(metrics_can_require_a_token, |b| async move {
    let config = tryggve_web::WebConfig { metrics_token: Some("s3cret-scrape".into()), ..Default::default() };
    let app = TestApp::with_config(b, config).await.unwrap();
    let mut anon = app.client();
    assert_eq!(anon.get("/metrics").await.status, 401);
    let mut scraper = app.client();
    scraper.bearer = Some("wrong".into());
    assert_eq!(scraper.get("/metrics").await.status, 401);
    scraper.bearer = Some("s3cret-scrape".into());
    assert_eq!(scraper.get("/metrics").await.status, 200);
});

/// The server's JSON log lines parse, and carry no user name, search term,
/// password or record text, whatever the requests held.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_are_structured_and_hold_no_personal_data() {
    let test_db = TestDb::new(Backend::Sqlite).await.unwrap();
    let db = tryggve_db::Db::connect(&test_db.url).await.unwrap();
    let actor = tryggve_db::Actor::system(chrono::Utc::now().naive_utc());
    let mut doc = demo_document();
    let hash = tryggve_web::auth::hash_password(DEMO_PASSWORD).unwrap();
    doc.users.iter_mut().for_each(|u| u.password_hash = Some(hash.clone()));
    db.import(&actor, &doc).await.unwrap();
    db.close().await;
    let log = test_db.dir.as_ref().unwrap().join("server.log");
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_tryggve"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("TRYGGVE_DATABASE_URL", &test_db.url)
        .env("TRYGGVE_LOG_FORMAT", "json")
        .env("TRYGGVE_LOG", "info")
        .env("TRYGGVE_SECURE_COOKIES", "false")
        .stdout(std::process::Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let stdout = server.stdout.take().unwrap();
    let base = std::io::BufRead::lines(std::io::BufReader::new(stdout))
        .map_while(Result::ok)
        .find_map(|l| l.strip_prefix("Tryggve is running at ").map(|b| b.trim_end_matches('/').to_owned()))
        .unwrap();

    tryggve_web::police_feed::install_tls_provider();
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    // A failed login, a search for a person's name, a missing page.
    let page = http.get(format!("{base}/login")).send().await.unwrap();
    let cookies: Vec<String> = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_owned))
        .collect();
    let token = csrf_in(&page.text().await.unwrap()).unwrap();
    let form = [("username", "clas"), ("password", "fel-Lösenord-77"), ("csrf_token", token.as_str())];
    let res = http.post(format!("{base}/login")).header("cookie", cookies.join("; ")).form(&form).send().await.unwrap();
    assert_eq!(res.status(), 401, "a wrong password is refused");
    http.get(format!("{base}/sok?q=Kerstin+%C3%96dmark")).send().await.unwrap();
    http.get(format!("{base}/samverkan/1")).send().await.unwrap();
    http.get(format!("{base}/personnummer-19121212-1212")).send().await.unwrap();
    let term = std::process::Command::new("kill").args(["-TERM", &server.id().to_string()]).status().unwrap();
    assert!(term.success());
    server.wait().unwrap();

    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<serde_json::Value> =
        text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"))).collect();
    assert!(lines.iter().any(|l| l["fields"]["route"] == "/samverkan/{id}"), "requests are logged:\n{text}");
    assert!(lines.iter().any(|l| l["fields"]["message"] == "failed login"), "{text}");
    for secret in ["clas", "fel-Lösenord-77", "Kerstin", "%C3%96dmark", "19121212", "Platssamverkan Liljeholmen"] {
        assert!(!text.contains(secret), "{secret} is in the log:\n{text}");
    }
}
