//! The optional scheduled fetch of the police's public events feed.
//!
//! It follows the feed's rules: a descriptive User-Agent that says who is
//! asking, and never more than one call a minute whatever the configuration
//! says. Each fetch is imported like `tryggve incidents import-police`:
//! placed by name, deduplicated by event id, all or nothing. It runs only
//! when a URL is configured, so never in the tests (which call
//! [`fetch_once`] against a server on loopback).

use std::time::Duration;
use tryggve_db::situation::ImportSummary;
use tryggve_db::{Actor, Db};

/// The shortest interval between two calls.
pub const MIN_INTERVAL: Duration = Duration::from_secs(60);

#[derive(Debug, Clone)]
pub struct FeedConfig {
    pub url: String,
    pub interval: Duration,
    /// Who runs this installation (an address or URL), sent in the User-Agent.
    pub contact: String,
}

impl FeedConfig {
    pub fn user_agent(&self) -> String {
        // Header values must be visible ASCII: anything else in the contact is left out.
        let contact: String = self.contact.chars().filter(|c| c.is_ascii_graphic() || *c == ' ').collect();
        let contact = if contact.trim().is_empty() { "no contact configured".to_owned() } else { contact };
        format!("Tryggve/{} (local crime-prevention council; {contact})", env!("CARGO_PKG_VERSION"))
    }
}

/// What went wrong in one fetch.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("fetching the feed: {0}")]
    Http(#[from] reqwest::Error),
    #[error("the feed answered {0}")]
    Status(u16),
    #[error("{0}")]
    Import(#[from] tryggve_import::ImportError),
    #[error("storing the events: {0}")]
    Db(#[from] tryggve_db::DbError),
}

/// Installs the process-wide TLS provider every HTTP client needs; a second
/// call is a harmless no-op.
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

pub fn client(cfg: &FeedConfig) -> Result<reqwest::Client, reqwest::Error> {
    install_tls_provider();
    reqwest::Client::builder().user_agent(cfg.user_agent()).timeout(Duration::from_secs(30)).build()
}

/// Fetches the feed once and imports what belongs to the register.
pub async fn fetch_once(db: &Db, client: &reqwest::Client, url: &str) -> Result<(ImportSummary, usize), FeedError> {
    let res = client.get(url).send().await?;
    if !res.status().is_success() {
        return Err(FeedError::Status(res.status().as_u16()));
    }
    let bytes = res.bytes().await?;
    let register = tryggve_import::register::Register {
        areas: db.areas_with_geometry().await?,
        organisations: db.organisations().await?,
        categories: db.categories().await?,
    };
    let now = crate::auth::now();
    let parsed = tryggve_import::police::parse("polisens händelser", &bytes, &register, now)?;
    let summary = db.import_incidents(&Actor::system(now), "polisens händelser (hämtning)", &parsed.incidents).await?;
    crate::metrics::metrics().imported("polisen", summary.added, summary.unchanged);
    Ok((summary, parsed.outside))
}

/// Runs the fetch forever at the configured interval (at least a minute).
pub fn spawn(db: Db, cfg: FeedConfig) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let client = match client(&cfg) {
            Ok(c) => c,
            Err(e) => {
                tracing::error!(error = %e, "the police feed client could not be built; the feed is off");
                return;
            }
        };
        let interval = cfg.interval.max(MIN_INTERVAL);
        loop {
            match fetch_once(&db, &client, &cfg.url).await {
                Ok((s, outside)) => {
                    tracing::info!(added = s.added, unchanged = s.unchanged, outside, "police feed fetched")
                }
                Err(e) => tracing::warn!(error = %e, "police feed fetch failed; trying again at the next interval"),
            }
            tokio::time::sleep(interval).await;
        }
    })
}
