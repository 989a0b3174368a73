//! What the server tells an operator: Prometheus metrics at `/metrics`
//! (requests, latencies, the database pool, imports) and one structured log
//! line per request. Both name the route's pattern (`/samverkan/{id}`), never
//! the path as typed or its query, so no search term, name or id of a person
//! ends up in a metric or a log.

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use sha2::Digest;
use std::time::Instant;

type Labels = Vec<(&'static str, String)>;

/// The process's metrics: one registry, shared by the router and the
/// scheduled police feed.
pub fn metrics() -> &'static Metrics {
    static METRICS: std::sync::LazyLock<Metrics> = std::sync::LazyLock::new(Metrics::default);
    &METRICS
}

/// The server's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<Labels, Counter>,
    latency: Family<Labels, Histogram>,
    imports: Family<Labels, Counter>,
    pool_open: Gauge,
    pool_idle: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("tryggve");
        let requests = Family::<Labels, Counter>::default();
        registry.register("http_requests", "HTTP requests answered, by method, route and status", requests.clone());
        let latency = Family::<Labels, Histogram>::new_with_constructor(|| {
            Histogram::new([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0])
        });
        registry.register("http_request_duration_seconds", "Time to answer, by method and route", latency.clone());
        let imports = Family::<Labels, Counter>::default();
        registry.register("import_records", "Records brought in by imports, by source and outcome", imports.clone());
        let pool_open = Gauge::default();
        registry.register("db_pool_connections", "Open database connections", pool_open.clone());
        let pool_idle = Gauge::default();
        registry.register("db_pool_idle_connections", "Idle database connections", pool_idle.clone());
        let info = Family::<Labels, Gauge>::default();
        registry.register("build_info", "The running version", info.clone());
        info.get_or_create(&vec![("version", env!("CARGO_PKG_VERSION").to_owned())]).set(1);
        Metrics { registry, requests, latency, imports, pool_open, pool_idle }
    }
}

impl Metrics {
    /// Counts records an import added (`added`) or found already there (`skipped`).
    pub fn imported(&self, source: &str, added: u64, skipped: u64) {
        for (outcome, n) in [("added", added), ("skipped", skipped)] {
            let labels = vec![("source", source.to_owned()), ("outcome", outcome.to_owned())];
            self.imports.get_or_create(&labels).inc_by(n);
        }
    }
}

/// The route pattern a request matched, carried on its response to [`track`].
#[derive(Clone)]
struct Route(String);

/// Runs after routing (a route layer): notes the matched pattern on the response.
pub async fn note_route(req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().map(|m| Route(m.as_str().to_owned()));
    let mut res = next.run(req).await;
    if let Some(r) = route {
        res.extensions_mut().insert(r);
    }
    res
}

/// Times and counts every request (the outermost layer), and logs it by its route pattern.
pub async fn track(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().as_str().to_owned();
    let res = next.run(req).await;
    // Unmatched paths are one label, so a scan of random URLs cannot grow the metrics without bound.
    let route = res.extensions().get::<Route>().map_or_else(|| "unmatched".to_owned(), |r| r.0.clone());
    let seconds = started.elapsed().as_secs_f64();
    let status = res.status().as_u16();
    let m = metrics();
    m.requests
        .get_or_create(&vec![("method", method.clone()), ("route", route.clone()), ("status", status.to_string())])
        .inc();
    m.latency.get_or_create(&vec![("method", method.clone()), ("route", route.clone())]).observe(seconds);
    if route != "/metrics" && !route.starts_with("/health") {
        tracing::info!(target: "tryggve::http", %method, %route, status, ms = (seconds * 1000.0).round() as u64, "request");
    }
    res
}

/// `GET /metrics` in the Prometheus text format. With `metrics_token` set,
/// only a scraper that sends it as a bearer token is answered.
pub async fn endpoint(State(s): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = s.config.metrics_token.as_deref().filter(|t| !t.is_empty()) {
        let given =
            headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
        // Compared as digests, so the time taken says nothing about the token.
        let digest = |t: &str| sha2::Sha256::digest(t.as_bytes());
        if given.is_none_or(|g| digest(g) != digest(token)) {
            return StatusCode::UNAUTHORIZED.into_response();
        }
    }
    let (open, idle) = s.db.pool_connections();
    let m = metrics();
    m.pool_open.set(open.into());
    m.pool_idle.set(idle.into());
    let mut body = String::new();
    if encode(&mut body, &m.registry).is_err() {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    ([(header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")], body).into_response()
}
