//! One typed configuration, layered: built-in defaults, then a TOML file
//! (`--config FILE`, `TRYGGVE_CONFIG`, or `tryggve.toml` in the working
//! directory), then environment variables, then command-line flags. With no
//! configuration at all Tryggve runs on SQLite in `./data`.
//! Every setting is documented in `tryggve.example.toml`.

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `sqlite:PATH` or `postgres://…`; empty means `sqlite:<data_dir>/tryggve.db`.
    pub database_url: String,
    /// Address to listen on.
    pub addr: String,
    /// Where the embedded database and other local files live.
    pub data_dir: PathBuf,
    /// Mark cookies `Secure` (browsers accept this on localhost too).
    pub secure_cookies: bool,
    /// Session lifetime in hours.
    pub session_hours: i64,
    /// `text` or `json` log lines on standard error.
    pub log_format: String,
    /// A measure without a follow-up for this many weeks has stalled.
    pub stalled_weeks: i64,
    /// A bearer token Prometheus must send to `/metrics`; empty leaves it open (block it at the proxy).
    pub metrics_token: Secret,
    /// Public outputs show counts under this as "färre än N" (0 shows every count).
    pub public_min_count: u64,
    /// Retention: incidents are removed this many months after they happened (0 keeps them).
    pub retention_incident_months: i64,
    /// `purge` removes old incidents; `anonymise` keeps them for statistics without description, position or reporter.
    pub retention_incident_action: String,
    /// Follow-up notes of closed measures lose their text and author this many months after the last activity (0 keeps them).
    pub retention_follow_up_months: i64,
    /// People in the register who are not staff are anonymised this many months after their last change (0 keeps them).
    pub retention_person_months: i64,
    /// Accessibility reports are removed this many months after they came in (0 keeps them).
    pub retention_accessibility_report_months: i64,
    /// Minutes uploaded for review are removed this many days after the upload, accepted or not (0 keeps them).
    pub retention_pending_import_days: i64,
    /// The police's events feed to fetch on a schedule; empty means off.
    pub police_feed_url: String,
    /// Minutes between fetches (never more often than once a minute).
    pub police_feed_interval_minutes: u64,
    /// Who runs this installation, sent in the feed's User-Agent.
    pub police_feed_contact: String,
    /// OpenID Connect login: the identity provider's issuer URL; empty means off.
    pub oidc_issuer: String,
    /// Tryggve's client id at the identity provider.
    pub oidc_client_id: String,
    /// The client secret; empty means a public client (PKCE alone).
    pub oidc_client_secret: Secret,
    /// Tryggve's `/login/oidc/callback` URL as registered at the provider.
    pub oidc_redirect_url: String,
    /// Scopes asked for (`openid` is always included).
    pub oidc_scopes: String,
    /// The claim holding the user name (`sub` when the token lacks it).
    pub oidc_username_claim: String,
    /// A claim naming the user's organisation in the register; empty means not mapped.
    pub oidc_organisation_claim: String,
    /// A claim holding the role; empty means not mapped (new users are readers).
    pub oidc_role_claim: String,
    /// Create users at their first login and keep organisation and role in step with the claims.
    pub oidc_auto_create: bool,
    /// The text of the login page's button.
    pub oidc_button_label: String,
    /// The e-mail address the accessibility statement gives for reporting problems; empty means only its form.
    pub accessibility_contact: String,
}

/// A secret setting: read like a string, never shown by `Debug`.
#[derive(Clone, Default, Deserialize)]
#[serde(transparent)]
pub struct Secret(pub String);

/// Written out (only to list the settings) as an empty string, never the secret.
impl Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("")
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() { "\"\"" } else { "\"…\"" })
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            database_url: String::new(),
            addr: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("data"),
            secure_cookies: true,
            session_hours: 12,
            log_format: "text".into(),
            stalled_weeks: 8,
            metrics_token: Secret::default(),
            public_min_count: 5,
            retention_incident_months: 36,
            retention_incident_action: "purge".into(),
            retention_follow_up_months: 0,
            retention_person_months: 24,
            retention_accessibility_report_months: 24,
            retention_pending_import_days: 30,
            police_feed_url: String::new(),
            police_feed_interval_minutes: 10,
            police_feed_contact: String::new(),
            oidc_issuer: String::new(),
            oidc_client_id: String::new(),
            oidc_client_secret: Secret::default(),
            oidc_redirect_url: String::new(),
            oidc_scopes: "openid profile email".into(),
            oidc_username_claim: "preferred_username".into(),
            oidc_organisation_claim: String::new(),
            oidc_role_claim: String::new(),
            oidc_auto_create: true,
            oidc_button_label: "Logga in med kommunens konto".into(),
            accessibility_contact: String::new(),
        }
    }
}

impl Config {
    /// The retention rules as cutoffs counted back from `today`.
    pub fn retention_policy(&self, today: chrono::NaiveDate) -> anyhow::Result<tryggve_db::retention::RetentionPolicy> {
        let cutoff = |months: i64| {
            (months > 0).then(|| {
                let back = today.checked_sub_months(chrono::Months::new(months as u32)).unwrap_or(today);
                back.and_hms_opt(0, 0, 0).unwrap_or_default()
            })
        };
        let action = tryggve_db::retention::RetentionAction::parse(&self.retention_incident_action)
            .map_err(|e| anyhow::anyhow!("retention_incident_action: {e}"))?;
        Ok(tryggve_db::retention::RetentionPolicy {
            incidents: cutoff(self.retention_incident_months).map(|c| (c, action)),
            follow_ups: cutoff(self.retention_follow_up_months),
            people: cutoff(self.retention_person_months),
            accessibility_reports: cutoff(self.retention_accessibility_report_months),
            pending_imports: (self.retention_pending_import_days > 0).then(|| {
                (today - chrono::Duration::days(self.retention_pending_import_days))
                    .and_hms_opt(0, 0, 0)
                    .unwrap_or_default()
            }),
        })
    }

    /// Loads the layers below the command line.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        let file = file
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("TRYGGVE_CONFIG").map(PathBuf::from))
            .or_else(|| Some(PathBuf::from("tryggve.toml")).filter(|p| p.exists()));
        let mut cfg = match &file {
            Some(f) => {
                let text = std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?;
                toml::from_str(&text).with_context(|| format!("in configuration file {}", f.display()))?
            }
            None => Config::default(),
        };
        cfg.apply_env(|k| std::env::var(k).ok())?;
        Ok(cfg)
    }

    fn apply_env(&mut self, get: impl Fn(&str) -> Option<String>) -> anyhow::Result<()> {
        if let Some(v) = get("TRYGGVE_DATABASE_URL") {
            self.database_url = v;
        }
        if let Some(v) = get("TRYGGVE_ADDR") {
            self.addr = v;
        }
        if let Some(v) = get("TRYGGVE_DATA_DIR") {
            self.data_dir = PathBuf::from(v);
        }
        if let Some(v) = get("TRYGGVE_SECURE_COOKIES") {
            self.secure_cookies = match v.as_str() {
                "1" | "true" | "yes" => true,
                "0" | "false" | "no" => false,
                _ => bail!("TRYGGVE_SECURE_COOKIES must be true or false, not {v:?}"),
            };
        }
        if let Some(v) = get("TRYGGVE_SESSION_HOURS") {
            self.session_hours = v.parse().with_context(|| format!("TRYGGVE_SESSION_HOURS: {v:?} is not a number"))?;
        }
        if let Some(v) = get("TRYGGVE_LOG_FORMAT") {
            self.log_format = v;
        }
        if let Some(v) = get("TRYGGVE_POLICE_FEED_URL") {
            self.police_feed_url = v;
        }
        if let Some(v) = get("TRYGGVE_OIDC_ISSUER") {
            self.oidc_issuer = v;
        }
        if let Some(v) = get("TRYGGVE_OIDC_CLIENT_ID") {
            self.oidc_client_id = v;
        }
        if let Some(v) = get("TRYGGVE_METRICS_TOKEN") {
            self.metrics_token = Secret(v);
        }
        if let Some(v) = get("TRYGGVE_OIDC_CLIENT_SECRET") {
            self.oidc_client_secret = Secret(v);
        }
        if let Some(v) = get("TRYGGVE_OIDC_REDIRECT_URL") {
            self.oidc_redirect_url = v;
        }
        if let Some(v) = get("TRYGGVE_ACCESSIBILITY_CONTACT") {
            self.accessibility_contact = v;
        }
        Ok(())
    }

    /// OpenID Connect login as the web layer takes it: `None` when
    /// `oidc_issuer` is empty, an error when the settings cannot work.
    pub fn oidc(&self) -> anyhow::Result<Option<tryggve_web::oidc::OidcConfig>> {
        if self.oidc_issuer.trim().is_empty() {
            return Ok(None);
        }
        let optional = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let mut c = tryggve_web::oidc::OidcConfig::new(
            self.oidc_issuer.trim(),
            self.oidc_client_id.trim(),
            self.oidc_redirect_url.trim(),
        );
        c.client_secret = optional(&self.oidc_client_secret.0);
        c.scopes = self.oidc_scopes.clone();
        c.username_claim = self.oidc_username_claim.trim().to_owned();
        c.organisation_claim = optional(&self.oidc_organisation_claim);
        c.role_claim = optional(&self.oidc_role_claim);
        c.auto_create = self.oidc_auto_create;
        if let Some(label) = optional(&self.oidc_button_label) {
            c.button_label = label;
        }
        c.check().map_err(|e| anyhow::anyhow!("OpenID Connect settings: {e}"))?;
        Ok(Some(c))
    }

    /// The database URL, defaulting to SQLite in the data folder (which is created).
    pub fn database_url(&self) -> anyhow::Result<String> {
        if !self.database_url.is_empty() {
            return Ok(self.database_url.clone());
        }
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("creating the data folder {}", self.data_dir.display()))?;
        Ok(format!("sqlite:{}", self.data_dir.join("tryggve.db").display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_overrides_the_file_and_defaults_need_nothing() {
        let mut c: Config = toml::from_str("addr = \"0.0.0.0:9000\"\nsession_hours = 2").unwrap();
        assert_eq!(c.data_dir, PathBuf::from("data"));
        c.apply_env(|k| (k == "TRYGGVE_ADDR").then(|| "127.0.0.1:1".to_string())).unwrap();
        assert_eq!(c.addr, "127.0.0.1:1");
        assert_eq!(c.session_hours, 2);
        assert!(toml::from_str::<Config>("adr = 1").is_err(), "unknown keys are errors");
        assert!(c.apply_env(|k| (k == "TRYGGVE_SECURE_COOKIES").then(|| "maybe".to_string())).is_err());
    }

    #[test]
    fn oidc_is_off_unless_an_issuer_is_set_and_its_secret_is_never_shown() {
        assert!(Config::default().oidc().unwrap().is_none());
        let mut c: Config = toml::from_str(
            "oidc_issuer = \"https://login.kommun.example.se\"\noidc_client_id = \"tryggve\"\n\
             oidc_redirect_url = \"https://tryggve.kommun.example.se/login/oidc/callback\"\n\
             oidc_role_claim = \"tryggve_role\"",
        )
        .unwrap();
        c.apply_env(|k| (k == "TRYGGVE_OIDC_CLIENT_SECRET").then(|| "hemligt".to_string())).unwrap();
        assert!(!format!("{c:?}").contains("hemligt"));
        let o = c.oidc().unwrap().unwrap();
        assert_eq!(o.client_secret.as_deref(), Some("hemligt"));
        assert_eq!(o.role_claim.as_deref(), Some("tryggve_role"));
        assert_eq!(o.organisation_claim, None);
        assert!(o.auto_create);
        c.oidc_client_id = String::new();
        assert!(c.oidc().is_err(), "an issuer without a client id is a configuration error");
    }

    #[test]
    fn the_example_configuration_parses_and_documents_every_setting() {
        let text = include_str!("../../../tryggve.example.toml");
        let c: Config = toml::from_str(text).unwrap();
        assert_eq!(c.addr, Config::default().addr);
        let example: toml::Table = toml::from_str(text).unwrap();
        let settings = toml::Table::try_from(Config::default()).unwrap();
        let missing: Vec<&String> = settings.keys().filter(|k| !example.contains_key(*k)).collect();
        assert!(missing.is_empty(), "settings missing from tryggve.example.toml: {missing:?}");
    }
}
