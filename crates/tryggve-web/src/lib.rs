//! The web layer: the Swedish web app, the JSON API under `/api/v1`, sessions,
//! CSRF and login. It turns requests into domain types (parse at the edge),
//! asks `tryggve-core` whether the user may act, and calls `tryggve-db`.
//! It never builds SQL and never builds HTML outside templates.

use axum::Router;
use axum::routing::get;
use std::sync::Arc;
use tryggve_db::Db;

mod access_log;
mod api;
pub mod auth;
mod error;
pub mod export;
mod followup;
mod form;
pub mod lagesbild;
pub mod metrics;
pub mod minutes;
pub mod oidc;
mod pages;
pub mod police_feed;
mod resource;
pub mod situation;
pub mod workdoc_export;

pub use error::AppError;
pub use pages::audit_to_csv;
/// The viewer a frozen lägesbild is built for: a council member of no particular organisation.
pub use pages::member_viewer as pages_member_viewer;
pub use resource::{check_password, check_username};

/// Settings the web layer needs.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Show the "Demoläge" banner and the demo accounts on the login page.
    pub demo: bool,
    /// Set the `Secure` attribute on cookies (browsers accept it on localhost too).
    pub secure_cookies: bool,
    /// How long a session lasts without logging in again.
    pub session_hours: i64,
    /// A measure without a follow-up for this many weeks has stalled.
    pub stalled_weeks: i64,
    /// Public outputs show counts under this as "färre än N".
    pub public_min_count: u64,
    /// A bearer token a Prometheus scraper must send to `/metrics`; `None` leaves it open.
    pub metrics_token: Option<String>,
    /// Login with the municipality's identity provider; `None` means off.
    pub oidc: Option<oidc::OidcConfig>,
    /// The e-mail address the accessibility statement gives for problems; empty means only its form.
    pub accessibility_contact: String,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            demo: false,
            secure_cookies: true,
            session_hours: 12,
            stalled_weeks: 8,
            public_min_count: 5,
            metrics_token: None,
            oidc: None,
            accessibility_contact: String::new(),
        }
    }
}

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<WebConfig>,
    pub(crate) limiter: Arc<auth::LoginLimiter>,
    /// The identity provider, when OpenID Connect login is configured.
    pub(crate) oidc: Option<Arc<oidc::Oidc>>,
}

/// The one app builder: `serve` and the tests call this.
pub fn router(db: Db, config: WebConfig) -> Router {
    let oidc = config.oidc.clone().and_then(|c| match oidc::Oidc::new(c) {
        Ok(o) => Some(Arc::new(o)),
        Err(e) => {
            tracing::error!(error = %e, "OpenID Connect login is off: no HTTP client");
            None
        }
    });
    let state = AppState { db, config: Arc::new(config), limiter: Arc::default(), oidc };
    Router::new()
        .route("/health", get(ready))
        .route("/health/live", get(|| async { "ok" }))
        .route("/health/ready", get(ready))
        .route("/metrics", get(metrics::endpoint))
        .route("/static/{file}", get(pages::static_file))
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        // Requests are counted by their route's pattern, noted after routing.
        .route_layer(axum::middleware::from_fn(metrics::note_route))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(security_headers))
        .layer(axum::middleware::from_fn(metrics::track))
        .with_state(state)
}

/// Readiness: the database answers. (Liveness, `/health/live`, only says the process runs.)
async fn ready(axum::extract::State(s): axum::extract::State<AppState>) -> axum::response::Response {
    use axum::response::IntoResponse;
    match s.db.ping().await {
        Ok(()) => (axum::http::StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "readiness check: database unreachable");
            (axum::http::StatusCode::SERVICE_UNAVAILABLE, "database unreachable").into_response()
        }
    }
}

/// Headers every response carries: no inline script, no framing, no referrer leaks.
async fn security_headers(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::http::HeaderValue;
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    // A standalone document sets its own, stricter policy (see `export::respond`).
    if h.contains_key("content-security-policy") {
        h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
        h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
        h.insert("x-frame-options", HeaderValue::from_static("DENY"));
        return res;
    }
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
        ),
    );
    h.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    res
}

#[cfg(test)]
mod tidy {
    //! House rules a compiler cannot check.

    fn files(dir: &std::path::Path, ext: &str, out: &mut Vec<(String, String)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                files(&p, ext, out);
            } else if p.extension().is_some_and(|x| x == ext) {
                out.push((p.display().to_string(), std::fs::read_to_string(&p).unwrap()));
            }
        }
    }

    #[test]
    fn templates_never_switch_off_escaping_and_code_never_builds_html() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut t = vec![];
        files(&root.join("templates"), "html", &mut t);
        assert!(!t.is_empty());
        for (name, text) in &t {
            let compact = text.replace(' ', "");
            assert!(!compact.contains("|safe") && !compact.contains("escape=\"none\""), "{name} disables escaping");
        }
        let mut src = vec![];
        files(&root.join("src"), "rs", &mut src);
        for (name, text) in &src {
            for needle in ["format!(\"<", "format!(r\"<", "Html(format!"] {
                assert!(!text.contains(needle) || name.ends_with("lib.rs"), "{name} builds HTML in code");
            }
        }
    }
}
