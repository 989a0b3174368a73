//! Logging in with the municipality's identity provider: OpenID Connect, the
//! authorization code flow with PKCE (RFC 7636). This module owns the
//! protocol — discovery, the logins under way, the code exchange, the ID
//! token's validation — and the mapping of its claims to a Tryggve user.
//! `pages/login.rs` turns the result into a session exactly as a password
//! login does.
//!
//! Signatures are verified by `jsonwebtoken` (its RustCrypto backend) against
//! the provider's published keys; nothing here does cryptography itself.
//! Tokens, codes and verifiers are never logged.
//!
//! A login under way (state, nonce, PKCE verifier, where to return) is kept
//! in memory for ten minutes, keyed by the hash of a random cookie. Nothing
//! of it needs to outlive the process: a restart in the middle of a login
//! only means clicking the button again, and no migration is needed.

use crate::auth::{self, random_token, sha256_hex};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tryggve_core::UserId;
use tryggve_core::access::Role;
use tryggve_core::register::User;
use tryggve_db::{Actor, Db, DbError};

/// The cookie that ties a login under way to the browser that started it.
pub const OIDC_COOKIE: &str = "tryggve_oidc";
/// How long a login may take at the identity provider.
pub const LOGIN_TTL: Duration = Duration::from_secs(10 * 60);
/// Logins under way at most at once (a bound on memory, not a rate limit).
const MAX_PENDING: usize = 10_000;
/// How long discovery and the provider's keys are reused.
const CACHE_TTL: Duration = Duration::from_secs(60 * 60);
/// A token signed with a key we do not know refetches the keys at most this often.
const KEY_REFETCH: Duration = Duration::from_secs(30);

/// The signature algorithms accepted on an ID token. Never `none`, never an
/// HMAC (which would make the client secret a signing key).
const ALGORITHMS: [Algorithm; 9] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

/// The provider and how its claims map to users (see `tryggve.example.toml`).
#[derive(Clone)]
pub struct OidcConfig {
    /// The issuer URL; discovery is at `{issuer}/.well-known/openid-configuration`.
    pub issuer: String,
    pub client_id: String,
    /// `None`: a public client, protected by PKCE alone.
    pub client_secret: Option<String>,
    /// Tryggve's `/login/oidc/callback` as registered at the provider.
    pub redirect_url: String,
    /// Space-separated; `openid` is always included.
    pub scopes: String,
    /// The claim holding the user name (`sub` when it is missing).
    pub username_claim: String,
    /// A claim naming the user's organisation in the register (name or alias).
    pub organisation_claim: Option<String>,
    /// A claim holding the role (admin, convener, member, reporter, reader).
    pub role_claim: Option<String>,
    /// Create unknown users, and keep organisation and role in step with the claims.
    pub auto_create: bool,
    /// The text of the login page's button.
    pub button_label: String,
}

impl std::fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret.as_ref().map(|_| "…"))
            .field("redirect_url", &self.redirect_url)
            .field("scopes", &self.scopes)
            .field("username_claim", &self.username_claim)
            .field("organisation_claim", &self.organisation_claim)
            .field("role_claim", &self.role_claim)
            .field("auto_create", &self.auto_create)
            .finish()
    }
}

impl OidcConfig {
    /// A configuration with the documented defaults.
    pub fn new(issuer: &str, client_id: &str, redirect_url: &str) -> OidcConfig {
        OidcConfig {
            issuer: issuer.trim_end_matches('/').to_owned(),
            client_id: client_id.to_owned(),
            client_secret: None,
            redirect_url: redirect_url.to_owned(),
            scopes: "openid profile email".into(),
            username_claim: "preferred_username".into(),
            organisation_claim: None,
            role_claim: None,
            auto_create: true,
            button_label: "Logga in med kommunens konto".into(),
        }
    }

    /// Settings that cannot work are refused at start-up rather than at the first login.
    pub fn check(&self) -> Result<(), String> {
        let issuer = reqwest::Url::parse(&self.issuer).map_err(|e| format!("oidc_issuer: {e}"))?;
        if issuer.scheme() != "https" && !(issuer.scheme() == "http" && is_loopback(&issuer)) {
            return Err("oidc_issuer must be an https URL (plain http only on 127.0.0.1 or localhost)".into());
        }
        if self.client_id.trim().is_empty() {
            return Err("oidc_client_id is needed when oidc_issuer is set".into());
        }
        let redirect = reqwest::Url::parse(&self.redirect_url).map_err(|e| format!("oidc_redirect_url: {e}"))?;
        if !redirect.path().ends_with("/login/oidc/callback") {
            return Err("oidc_redirect_url must end in /login/oidc/callback".into());
        }
        if self.username_claim.trim().is_empty() {
            return Err("oidc_username_claim must name a claim".into());
        }
        Ok(())
    }

    fn scope(&self) -> String {
        let mut scopes: Vec<&str> = self.scopes.split_whitespace().collect();
        if !scopes.contains(&"openid") {
            scopes.insert(0, "openid");
        }
        scopes.join(" ")
    }
}

fn is_loopback(u: &reqwest::Url) -> bool {
    match u.host_str() {
        Some("localhost") => true,
        Some(h) => {
            h.trim_start_matches('[').trim_end_matches(']').parse::<std::net::IpAddr>().is_ok_and(|a| a.is_loopback())
        }
        None => false,
    }
}

/// Why a login failed. The user sees `message()`; the log gets `Display`,
/// which never contains a token.
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("no login under way for this browser (cookie missing, unknown or expired)")]
    Expired,
    #[error("the state does not match the login under way")]
    StateMismatch,
    #[error("the answer names another issuer")]
    WrongIssuer,
    #[error("the provider answered with error {0:?}")]
    Denied(String),
    #[error("the callback has no code")]
    NoCode,
    #[error("provider: {0}")]
    Provider(String),
    #[error("ID token refused: {0}")]
    InvalidToken(&'static str),
    #[error("no usable user name in claim {0:?}")]
    NoUsername(String),
    #[error("organisation {0:?} is not in the register")]
    UnknownOrganisation(String),
    #[error("no such user, and oidc_auto_create is off")]
    UnknownUser,
    #[error("the user is disabled")]
    Disabled,
    #[error("too many logins under way")]
    Busy,
    #[error("database: {0}")]
    Database(String),
}

impl OidcError {
    /// The Swedish message on the login page.
    pub fn message(&self) -> &'static str {
        match self {
            OidcError::Expired => "Inloggningen hade gått ut eller startades i en annan webbläsare. Försök igen.",
            OidcError::StateMismatch | OidcError::WrongIssuer | OidcError::InvalidToken(_) | OidcError::NoCode => {
                "Inloggningen kunde inte kontrolleras. Försök igen."
            }
            OidcError::Denied(_) => "Inloggningen avbröts hos kommunens inloggningstjänst.",
            OidcError::Provider(_) => "Kommunens inloggningstjänst svarar inte som väntat. Försök igen om en stund.",
            OidcError::NoUsername(_) => "Inloggningstjänsten skickade inget användarnamn som Tryggve kan använda.",
            OidcError::UnknownOrganisation(_) => {
                "Din organisation finns inte i Tryggves register. Kontakta administratören."
            }
            OidcError::UnknownUser => "Det finns inget Tryggvekonto för dig. Kontakta administratören.",
            OidcError::Disabled => "Kontot är avstängt. Kontakta administratören.",
            OidcError::Busy => "Många inloggningar pågår just nu. Försök igen om en stund.",
            OidcError::Database(_) => "Något gick fel hos oss. Försök igen om en stund.",
        }
    }

    pub fn status(&self) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        match self {
            OidcError::Expired | OidcError::StateMismatch | OidcError::WrongIssuer | OidcError::NoCode => {
                StatusCode::BAD_REQUEST
            }
            OidcError::Denied(_) | OidcError::InvalidToken(_) | OidcError::NoUsername(_) => StatusCode::UNAUTHORIZED,
            OidcError::UnknownOrganisation(_) | OidcError::UnknownUser | OidcError::Disabled => StatusCode::FORBIDDEN,
            OidcError::Provider(_) => StatusCode::BAD_GATEWAY,
            OidcError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            OidcError::Database(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Logged once, at the level its cause deserves.
    pub fn log(&self) {
        match self {
            OidcError::Provider(_) | OidcError::Database(_) => tracing::error!(reason = %self, "OIDC login failed"),
            _ => tracing::warn!(reason = %self, "OIDC login refused"),
        }
    }
}

fn provider_error(what: &str, e: impl std::fmt::Display) -> OidcError {
    OidcError::Provider(format!("{what}: {e}"))
}

/// The parts of the provider's discovery document that are used.
#[derive(Debug, Clone, Deserialize)]
struct Metadata {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
    #[serde(default)]
    code_challenge_methods_supported: Option<Vec<String>>,
    #[serde(default)]
    token_endpoint_auth_methods_supported: Option<Vec<String>>,
}

/// A login under way.
struct Pending {
    state: String,
    nonce: String,
    verifier: String,
    next: String,
    started: Instant,
}

/// Where to send the browser, and the cookie that ties it to the login.
pub struct Start {
    pub location: String,
    pub cookie: String,
}

/// The query of `/login/oidc/callback`.
#[derive(Debug, Default, Deserialize)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    /// The issuer of the answer (RFC 9207), when the provider sends it.
    pub iss: Option<String>,
}

/// The provider's answer, validated and reduced to what Tryggve uses.
#[derive(Debug, Clone, PartialEq)]
pub struct Identity {
    pub username: String,
    /// The organisation claim's value, when the claim is configured and present.
    pub organisation: Option<String>,
    /// The role, when a role claim is configured (a missing claim is `reader`).
    pub role: Option<Role>,
}

/// The identity provider as the web layer sees it: configuration, an HTTP
/// client, cached discovery and keys, and the logins under way.
pub struct Oidc {
    pub config: OidcConfig,
    http: reqwest::Client,
    metadata: tokio::sync::Mutex<Option<(Arc<Metadata>, Instant)>>,
    keys: tokio::sync::Mutex<Option<(Arc<Vec<Jwk>>, Instant)>>,
    pending: Mutex<HashMap<String, Pending>>,
}

impl Oidc {
    pub fn new(config: OidcConfig) -> Result<Oidc, String> {
        crate::police_feed::install_tls_provider();
        let http = reqwest::Client::builder()
            .user_agent(concat!("Tryggve/", env!("CARGO_PKG_VERSION")))
            .timeout(Duration::from_secs(15))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Oidc {
            config,
            http,
            metadata: tokio::sync::Mutex::new(None),
            keys: tokio::sync::Mutex::new(None),
            pending: Mutex::new(HashMap::new()),
        })
    }

    async fn metadata(&self) -> Result<Arc<Metadata>, OidcError> {
        let mut cached = self.metadata.lock().await;
        if let Some((m, at)) = cached.as_ref()
            && at.elapsed() < CACHE_TTL
        {
            return Ok(m.clone());
        }
        let url = format!("{}/.well-known/openid-configuration", self.config.issuer);
        let m: Metadata = self.get_json(&url, "discovery").await?;
        // The discovery document must be the issuer's own (OpenID Connect Discovery 1.0, §4.3).
        if m.issuer.trim_end_matches('/') != self.config.issuer {
            return Err(OidcError::Provider(format!("discovery names issuer {:?}", m.issuer)));
        }
        if let Some(methods) = &m.code_challenge_methods_supported
            && !methods.iter().any(|x| x == "S256")
        {
            return Err(OidcError::Provider("the provider does not support PKCE with S256".into()));
        }
        let m = Arc::new(m);
        *cached = Some((m.clone(), Instant::now()));
        Ok(m)
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, url: &str, what: &str) -> Result<T, OidcError> {
        let res = self.http.get(url).send().await.map_err(|e| provider_error(what, e.without_url()))?;
        if !res.status().is_success() {
            return Err(OidcError::Provider(format!("{what}: HTTP {}", res.status())));
        }
        res.json().await.map_err(|e| provider_error(what, e.without_url()))
    }

    /// The provider's signing keys; fetched again when `refresh` and the last fetch is not too recent.
    async fn keys(&self, meta: &Metadata, refresh: bool) -> Result<Arc<Vec<Jwk>>, OidcError> {
        let mut cached = self.keys.lock().await;
        if let Some((k, at)) = cached.as_ref()
            && at.elapsed() < if refresh { KEY_REFETCH } else { CACHE_TTL }
        {
            return Ok(k.clone());
        }
        let set: Value = self.get_json(&meta.jwks_uri, "keys").await?;
        // One key the library cannot read must not hide the others.
        let keys: Vec<Jwk> = set
            .get("keys")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|k| serde_json::from_value(k.clone()).ok()).collect())
            .unwrap_or_default();
        let keys = Arc::new(keys);
        *cached = Some((keys.clone(), Instant::now()));
        Ok(keys)
    }

    /// Begins a login: remembers state, nonce and verifier, and names the
    /// provider's authorization URL to send the browser to.
    pub async fn start(&self, next: String) -> Result<Start, OidcError> {
        let meta = self.metadata().await?;
        let p = Pending {
            state: random_token(),
            nonce: random_token(),
            verifier: random_token(),
            next,
            started: Instant::now(),
        };
        let mut url = reqwest::Url::parse(&meta.authorization_endpoint)
            .map_err(|e| provider_error("authorization_endpoint", e))?;
        url.query_pairs_mut()
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.config.client_id)
            .append_pair("redirect_uri", &self.config.redirect_url)
            .append_pair("scope", &self.config.scope())
            .append_pair("state", &p.state)
            .append_pair("nonce", &p.nonce)
            .append_pair("code_challenge", &pkce_challenge(&p.verifier))
            .append_pair("code_challenge_method", "S256");
        let cookie = random_token();
        {
            let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            pending.retain(|_, p| p.started.elapsed() < LOGIN_TTL);
            if pending.len() >= MAX_PENDING {
                return Err(OidcError::Busy);
            }
            pending.insert(sha256_hex(&cookie), p);
        }
        Ok(Start { location: url.into(), cookie })
    }

    /// Completes a login: the browser's cookie and the provider's answer in,
    /// the validated identity and the local path to return to out. A login
    /// under way is used once, whatever the outcome.
    pub async fn finish(&self, cookie: Option<&str>, cb: &Callback) -> Result<(Identity, String), OidcError> {
        let p = cookie
            .and_then(|c| self.pending.lock().unwrap_or_else(|e| e.into_inner()).remove(&sha256_hex(c)))
            .filter(|p| p.started.elapsed() < LOGIN_TTL)
            .ok_or(OidcError::Expired)?;
        if cb.state.as_deref() != Some(p.state.as_str()) {
            return Err(OidcError::StateMismatch);
        }
        // An answer from another provider (a mix-up attack) names its own issuer.
        if cb.iss.as_deref().is_some_and(|i| i.trim_end_matches('/') != self.config.issuer) {
            return Err(OidcError::WrongIssuer);
        }
        if let Some(e) = &cb.error {
            // Only the error code, which the protocol restricts to a short ASCII word.
            return Err(OidcError::Denied(e.chars().take(64).collect()));
        }
        let code = cb.code.as_deref().filter(|c| !c.is_empty()).ok_or(OidcError::NoCode)?;
        let meta = self.metadata().await?;
        let id_token = self.exchange(&meta, code, &p.verifier).await?;
        let claims = match self.validate(&meta, &id_token, &p.nonce, false).await {
            Err(TokenError::NoKey) => self.validate(&meta, &id_token, &p.nonce, true).await,
            other => other,
        }
        .map_err(|e| OidcError::InvalidToken(e.reason()))?;
        Ok((identity(&self.config, &claims)?, p.next))
    }

    async fn validate(
        &self,
        meta: &Metadata,
        token: &str,
        nonce: &str,
        refresh: bool,
    ) -> Result<Map<String, Value>, TokenError> {
        let keys = self.keys(meta, refresh).await.map_err(|e| {
            e.log();
            TokenError::NoKey
        })?;
        // The issuer exactly as the provider spells it (some end it in a slash).
        validate_id_token(token, &keys, &meta.issuer, &self.config.client_id, nonce)
    }

    /// Exchanges the code for tokens at the token endpoint, with the PKCE verifier.
    async fn exchange(&self, meta: &Metadata, code: &str, verifier: &str) -> Result<String, OidcError> {
        let mut form = vec![
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", self.config.redirect_url.as_str()),
            ("code_verifier", verifier),
        ];
        let mut req = self.http.post(&meta.token_endpoint).header(reqwest::header::ACCEPT, "application/json");
        match &self.config.client_secret {
            Some(secret) if use_post_auth(meta) => {
                form.push(("client_id", &self.config.client_id));
                form.push(("client_secret", secret));
            }
            // RFC 6749 §2.3.1: both parts are form-encoded before Basic encoding.
            Some(secret) => req = req.basic_auth(form_encode(&self.config.client_id), Some(form_encode(secret))),
            None => form.push(("client_id", &self.config.client_id)),
        }
        let res = req.form(&form).send().await.map_err(|e| provider_error("token", e.without_url()))?;
        let status = res.status();
        let body: Value = res.json().await.map_err(|e| provider_error("token", e.without_url()))?;
        if !status.is_success() {
            let error = body.get("error").and_then(Value::as_str).unwrap_or("").chars().take(64).collect::<String>();
            return Err(OidcError::Provider(format!("token endpoint: HTTP {status} {error:?}")));
        }
        body.get("id_token")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| OidcError::Provider("token endpoint: no id_token".into()))
    }
}

/// `client_secret_post` only when the provider says it does not take Basic.
fn use_post_auth(meta: &Metadata) -> bool {
    meta.token_endpoint_auth_methods_supported
        .as_ref()
        .is_some_and(|m| !m.iter().any(|x| x == "client_secret_basic") && m.iter().any(|x| x == "client_secret_post"))
}

/// `application/x-www-form-urlencoded` for one value (RFC 6749 §2.3.1 asks
/// it of Basic credentials).
fn form_encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The PKCE S256 challenge: base64url (no padding) of the verifier's SHA-256.
pub fn pkce_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Why an ID token was refused (for the log).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    Malformed,
    Algorithm,
    /// No published key fits the token (perhaps the provider rotated its keys).
    NoKey,
    Signature,
    Expired,
    Issuer,
    Audience,
    Nonce,
    Claims,
}

impl TokenError {
    fn reason(self) -> &'static str {
        match self {
            TokenError::Malformed => "malformed",
            TokenError::Algorithm => "algorithm not accepted",
            TokenError::NoKey => "no matching signing key",
            TokenError::Signature => "bad signature",
            TokenError::Expired => "expired",
            TokenError::Issuer => "wrong issuer",
            TokenError::Audience => "wrong audience",
            TokenError::Nonce => "wrong nonce",
            TokenError::Claims => "missing or invalid claims",
        }
    }
}

/// Checks an ID token (OpenID Connect Core 1.0, §3.1.3.7): its signature
/// against one of the provider's keys, `iss`, `aud` (and `azp` when there
/// are several audiences), `exp` (a minute's leeway) and `nonce`. Returns
/// its claims.
pub fn validate_id_token(
    token: &str,
    keys: &[Jwk],
    issuer: &str,
    client_id: &str,
    nonce: &str,
) -> Result<Map<String, Value>, TokenError> {
    let header = jsonwebtoken::decode_header(token).map_err(|_| TokenError::Malformed)?;
    let alg = header.alg;
    if !ALGORITHMS.contains(&alg) {
        return Err(TokenError::Algorithm);
    }
    let candidates: Vec<DecodingKey> = keys
        .iter()
        .filter(|k| header.kid.is_none() || k.common.key_id == header.kid)
        .filter(|k| matches!(k.common.public_key_use, None | Some(PublicKeyUse::Signature)))
        .filter(|k| k.common.key_algorithm.is_none_or(|a| Algorithm::try_from(a).is_ok_and(|a| a == alg)))
        .filter(|k| usable_key(k))
        .filter_map(|k| DecodingKey::from_jwk(k).ok())
        .filter(|k| k.family() == alg.family())
        .collect();
    if candidates.is_empty() {
        return Err(TokenError::NoKey);
    }
    let mut v = Validation::new(alg);
    v.set_issuer(&[issuer]);
    v.set_audience(&[client_id]);
    v.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
    v.leeway = 60;
    let mut last = TokenError::Signature;
    for key in &candidates {
        use jsonwebtoken::errors::ErrorKind;
        match jsonwebtoken::decode::<Map<String, Value>>(token, key, &v) {
            Ok(data) => {
                let claims = data.claims;
                if let Some(Value::Array(aud)) = claims.get("aud")
                    && aud.len() > 1
                    && claims.get("azp").and_then(Value::as_str) != Some(client_id)
                {
                    return Err(TokenError::Audience);
                }
                if claims.get("nonce").and_then(Value::as_str) != Some(nonce) {
                    return Err(TokenError::Nonce);
                }
                return Ok(claims);
            }
            Err(e) => {
                last = match e.kind() {
                    ErrorKind::InvalidSignature | ErrorKind::InvalidRsaKey(_) => TokenError::Signature,
                    ErrorKind::InvalidEcdsaKey | ErrorKind::InvalidEddsaKey => TokenError::Signature,
                    ErrorKind::ExpiredSignature | ErrorKind::ImmatureSignature => return Err(TokenError::Expired),
                    ErrorKind::InvalidIssuer => return Err(TokenError::Issuer),
                    ErrorKind::InvalidAudience => return Err(TokenError::Audience),
                    ErrorKind::InvalidToken | ErrorKind::Base64(_) | ErrorKind::Json(_) | ErrorKind::Utf8(_) => {
                        return Err(TokenError::Malformed);
                    }
                    ErrorKind::MissingRequiredClaim(_) | ErrorKind::InvalidClaimFormat(_) => {
                        return Err(TokenError::Claims);
                    }
                    _ => TokenError::Signature,
                };
            }
        }
    }
    Err(last)
}

/// Keys the verifier can take without surprises: an Ed25519 key must be 32 bytes.
fn usable_key(k: &Jwk) -> bool {
    match &k.algorithm {
        AlgorithmParameters::OctetKeyPair(p) => URL_SAFE_NO_PAD.decode(&p.x).is_ok_and(|x| x.len() == 32),
        AlgorithmParameters::RSA(_) | AlgorithmParameters::EllipticCurve(_) => true,
        // Shared secrets and unknown kinds are never signing keys here.
        _ => false,
    }
}

/// The claims mapped as configured: user name (falling back to `sub`),
/// organisation name, role.
pub fn identity(cfg: &OidcConfig, claims: &Map<String, Value>) -> Result<Identity, OidcError> {
    let text = |name: &str| claims.get(name).and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty());
    let raw = text(&cfg.username_claim).or_else(|| text("sub"));
    let username = raw
        .and_then(|u| crate::check_username(u).ok())
        .ok_or_else(|| OidcError::NoUsername(cfg.username_claim.clone()))?;
    let organisation = cfg.organisation_claim.as_deref().and_then(text).map(str::to_owned);
    let role = cfg.role_claim.as_deref().map(|c| role_from(claims.get(c)));
    Ok(Identity { username, organisation, role })
}

/// A role claim may be one value or a list; the most capable known role
/// wins, and anything unknown or missing is `reader`.
fn role_from(v: Option<&Value>) -> Role {
    let values: Vec<&str> = match v {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let roles: Vec<Role> = values.iter().filter_map(|s| Role::parse(&s.to_lowercase()).ok()).collect();
    if roles.is_empty() && !values.is_empty() {
        tracing::warn!(values = ?values, "OIDC role claim has no known role; using reader");
    }
    Role::ALL.into_iter().find(|r| roles.contains(r)).unwrap_or(Role::Reader)
}

/// The Tryggve user for a validated identity. With `auto_create` an unknown
/// user is created (in every council, like `tryggve user add`), and a known
/// one gets the organisation and role the claims say; without it the user
/// must exist and keeps what the administrator set.
pub async fn sign_in(db: &Db, cfg: &OidcConfig, id: &Identity) -> Result<User, OidcError> {
    let dberr = |e: DbError| OidcError::Database(format!("{e:?}"));
    let organisation_id = match &id.organisation {
        Some(name) => {
            let wanted = name.to_lowercase();
            let orgs = db.organisations().await.map_err(dberr)?;
            let found = orgs.iter().find(|o| {
                o.name.trim().to_lowercase() == wanted || o.aliases.iter().any(|a| a.trim().to_lowercase() == wanted)
            });
            Some(found.ok_or_else(|| OidcError::UnknownOrganisation(name.clone()))?.id)
        }
        None => None,
    };
    let now = auth::now();
    let user = match db.user_for_login(&id.username).await {
        Ok(u) => u,
        Err(DbError::NotFound) if cfg.auto_create => {
            let councils = db.councils().await.map_err(dberr)?.into_iter().map(|c| c.id).collect();
            let new = User {
                id: UserId(0),
                username: id.username.clone(),
                person_id: None,
                organisation_id,
                role: id.role.unwrap_or(Role::Reader),
                councils,
                disabled: false,
                password_hash: None,
                version: 0,
            };
            // The user is both the subject and the cause of the change.
            let actor = Actor { user_id: None, username: id.username.clone(), at: now };
            let uid = db.create_user(&actor, &new).await.map_err(dberr)?;
            tracing::info!(user_id = %uid, "user created at first OIDC login");
            return db.user(uid).await.map_err(dberr);
        }
        Err(DbError::NotFound) => return Err(OidcError::UnknownUser),
        Err(e) => return Err(dberr(e)),
    };
    if user.disabled {
        return Err(OidcError::Disabled);
    }
    if !cfg.auto_create {
        return Ok(User { password_hash: None, ..user });
    }
    let mut updated = User { password_hash: None, ..user.clone() };
    if organisation_id.is_some() {
        updated.organisation_id = organisation_id;
    }
    if let Some(role) = id.role {
        updated.role = role;
    }
    if updated.organisation_id == user.organisation_id && updated.role == user.role {
        return Ok(updated);
    }
    let actor = Actor { user_id: Some(user.id), username: user.username.clone(), at: now };
    db.update_user(&actor, &updated).await.map_err(dberr)?;
    tracing::info!(user_id = %user.id, "organisation or role updated from OIDC claims");
    db.user(user.id).await.map_err(dberr)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{EncodingKey, Header};
    use serde_json::json;

    const ISS: &str = "https://idp.example.se";
    const CLIENT: &str = "tryggve";

    /// A fresh Ed25519 key (PKCS#8 around 32 random bytes) and its public JWK.
    fn key(kid: &str) -> (EncodingKey, Jwk) {
        let mut der =
            vec![0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20];
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).unwrap();
        der.extend_from_slice(&seed);
        let enc = EncodingKey::from_ed_der(&der);
        let mut jwk = Jwk::from_encoding_key(&enc, Algorithm::EdDSA).unwrap();
        jwk.common.key_id = Some(kid.into());
        (enc, jwk)
    }

    fn claims(nonce: &str) -> Value {
        let now = jsonwebtoken::get_current_timestamp();
        json!({
            "iss": ISS, "aud": CLIENT, "sub": "a1", "exp": now + 300, "iat": now, "nonce": nonce,
            "preferred_username": "anna.oidc", "organisation": "Polisen LPO Skärholmen", "tryggve_role": "member",
        })
    }

    fn sign(key: &EncodingKey, kid: &str, claims: &Value) -> String {
        let mut h = Header::new(Algorithm::EdDSA);
        h.kid = Some(kid.into());
        jsonwebtoken::encode(&h, claims, key).unwrap()
    }

    fn check(token: &str, keys: &[Jwk]) -> Result<Map<String, Value>, TokenError> {
        validate_id_token(token, keys, ISS, CLIENT, "n-1")
    }

    #[test]
    fn a_token_signed_by_the_provider_with_the_right_nonce_is_accepted() {
        let (k, jwk) = key("k1");
        let c = check(&sign(&k, "k1", &claims("n-1")), &[jwk]).unwrap();
        assert_eq!(c["preferred_username"], "anna.oidc");
    }

    #[test]
    fn a_tampered_token_is_refused() {
        let (k, jwk) = key("k1");
        let token = sign(&k, "k1", &claims("n-1"));
        let parts: Vec<&str> = token.split('.').collect();
        // The same signature over claims that now say admin.
        let mut c = claims("n-1");
        c["tryggve_role"] = json!("admin");
        let forged = format!("{}.{}.{}", parts[0], URL_SAFE_NO_PAD.encode(c.to_string()), parts[2]);
        assert_eq!(check(&forged, std::slice::from_ref(&jwk)), Err(TokenError::Signature));
        // A flipped bit in the signature.
        let mut sig = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
        sig[0] ^= 1;
        let flipped = format!("{}.{}.{}", parts[0], parts[1], URL_SAFE_NO_PAD.encode(sig));
        assert_eq!(check(&flipped, &[jwk]), Err(TokenError::Signature));
    }

    #[test]
    fn a_token_signed_by_another_key_is_refused_even_with_the_same_kid() {
        let (_, published) = key("k1");
        let (attacker, _) = key("k1");
        assert_eq!(check(&sign(&attacker, "k1", &claims("n-1")), &[published]), Err(TokenError::Signature));
    }

    #[test]
    fn a_token_whose_kid_is_not_published_asks_for_fresh_keys() {
        let (k, jwk) = key("k1");
        assert_eq!(check(&sign(&k, "k2", &claims("n-1")), &[jwk]), Err(TokenError::NoKey));
    }

    #[test]
    fn a_wrong_nonce_issuer_audience_or_an_expired_token_is_refused() {
        let (k, jwk) = key("k1");
        let keys = [jwk];
        assert_eq!(check(&sign(&k, "k1", &claims("n-2")), &keys), Err(TokenError::Nonce));
        let mut c = claims("n-1");
        c.as_object_mut().unwrap().remove("nonce");
        assert_eq!(check(&sign(&k, "k1", &c), &keys), Err(TokenError::Nonce));
        let mut c = claims("n-1");
        c["iss"] = json!("https://evil.example");
        assert_eq!(check(&sign(&k, "k1", &c), &keys), Err(TokenError::Issuer));
        let mut c = claims("n-1");
        c["aud"] = json!("another-client");
        assert_eq!(check(&sign(&k, "k1", &c), &keys), Err(TokenError::Audience));
        let mut c = claims("n-1");
        c["aud"] = json!([CLIENT, "another-client"]);
        assert_eq!(check(&sign(&k, "k1", &c), &keys), Err(TokenError::Audience), "several audiences need azp");
        c["azp"] = json!(CLIENT);
        assert!(check(&sign(&k, "k1", &c), &keys).is_ok());
        let mut c = claims("n-1");
        c["exp"] = json!(jsonwebtoken::get_current_timestamp() - 120);
        assert_eq!(check(&sign(&k, "k1", &c), &keys), Err(TokenError::Expired));
        let mut c = claims("n-1");
        c.as_object_mut().unwrap().remove("sub");
        assert_eq!(check(&sign(&k, "k1", &c), &keys), Err(TokenError::Claims));
    }

    #[test]
    fn unsigned_and_shared_secret_tokens_are_refused() {
        let (_, jwk) = key("k1");
        let body = URL_SAFE_NO_PAD.encode(claims("n-1").to_string());
        let none = format!("{}.{body}.", URL_SAFE_NO_PAD.encode(r#"{"alg":"none","kid":"k1"}"#));
        assert!(check(&none, std::slice::from_ref(&jwk)).is_err());
        // HS256 "signed" with the public key's bytes: the classic key confusion.
        let x = match &jwk.algorithm {
            AlgorithmParameters::OctetKeyPair(p) => p.x.clone(),
            _ => unreachable!(),
        };
        let hs = EncodingKey::from_secret(x.as_bytes()).unwrap();
        let mut h = Header::new(Algorithm::HS256);
        h.kid = Some("k1".into());
        let token = jsonwebtoken::encode(&h, &claims("n-1"), &hs).unwrap();
        assert_eq!(check(&token, &[jwk]), Err(TokenError::Algorithm));
        assert_eq!(check("not.a.token", &[]), Err(TokenError::Malformed));
    }

    #[test]
    fn the_pkce_challenge_is_the_rfc_7636_example() {
        // RFC 7636, appendix B.
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn claims_map_to_user_name_organisation_and_role() {
        let mut cfg = OidcConfig::new(ISS, CLIENT, "http://127.0.0.1:8080/login/oidc/callback");
        let c = claims("n").as_object().unwrap().clone();
        assert_eq!(
            identity(&cfg, &c).unwrap(),
            Identity { username: "anna.oidc".into(), organisation: None, role: None }
        );
        cfg.organisation_claim = Some("organisation".into());
        cfg.role_claim = Some("tryggve_role".into());
        let id = identity(&cfg, &c).unwrap();
        assert_eq!(id.organisation.as_deref(), Some("Polisen LPO Skärholmen"));
        assert_eq!(id.role, Some(Role::Member));
        let mut c2 = c.clone();
        c2.remove("preferred_username");
        c2.insert("tryggve_role".into(), json!(["reader", "Convener", "superuser"]));
        let id = identity(&cfg, &c2).unwrap();
        assert_eq!(id.username, "a1", "falls back to sub");
        assert_eq!(id.role, Some(Role::Convener), "the most capable known role");
        c2.remove("tryggve_role");
        assert_eq!(identity(&cfg, &c2).unwrap().role, Some(Role::Reader), "no claim: reader");
        c2.insert("sub".into(), json!("<script>"));
        assert!(matches!(identity(&cfg, &c2), Err(OidcError::NoUsername(_))));
    }

    #[test]
    fn settings_that_cannot_work_are_refused() {
        let ok =
            OidcConfig::new("https://idp.example.se/realms/x/", CLIENT, "https://t.example.se/login/oidc/callback");
        assert_eq!(ok.issuer, "https://idp.example.se/realms/x");
        assert!(ok.check().is_ok());
        assert_eq!(ok.scope(), "openid profile email");
        assert!(OidcConfig::new("http://idp.example.se", CLIENT, "https://t/login/oidc/callback").check().is_err());
        assert!(
            OidcConfig::new("http://127.0.0.1:9", CLIENT, "http://127.0.0.1:8080/login/oidc/callback").check().is_ok()
        );
        assert!(OidcConfig::new("https://idp.example.se", "", "https://t/login/oidc/callback").check().is_err());
        assert!(OidcConfig::new("https://idp.example.se", CLIENT, "https://t/elsewhere").check().is_err());
        let secret = OidcConfig { client_secret: Some("hemligt".into()), ..ok };
        assert!(!format!("{secret:?}").contains("hemligt"));
        assert_eq!(OidcConfig { scopes: "profile".into(), ..secret }.scope(), "openid profile");
    }

    #[test]
    fn client_credentials_are_form_encoded_for_basic_auth() {
        assert_eq!(form_encode("a b:c/ö"), "a+b%3Ac%2F%C3%B6");
    }
}
