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
    let line = t
        .lines()
        .find(|l| l.starts_with("tryggve_http_requests_total{") && l.contains(r#"route="/samverkan/{id}""#))
        .unwrap_or_else(|| panic!("no counter for /samverkan/{{id}}:\n{t}"));
    assert!(line.contains(r#"status="200""#) && line.contains(r#"method="GET""#), "{line}");
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
