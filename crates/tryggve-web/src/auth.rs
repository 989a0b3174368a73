//! Logging in: password hashing (Argon2id), browser sessions in an
//! HttpOnly, SameSite=Lax cookie, API bearer tokens, CSRF tokens, and the
//! slowdown of repeated failed logins.
//!
//! Session ids and tokens are random 256-bit values; the database keeps only
//! their SHA-256 hashes, so a copy of the database cannot be used to log in.

use crate::AppState;
use crate::error::AppError;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tryggve_core::Viewer;
use tryggve_core::access::{Action, can};
use tryggve_core::register::User;
use tryggve_db::Actor;

pub const SESSION_COOKIE: &str = "tryggve_session";
pub const LOGIN_CSRF_COOKIE: &str = "tryggve_login_csrf";

/// Hashes a password with Argon2id and a random salt (PHC string).
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| e.to_string())?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A fresh random token, hex-encoded.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).expect("the operating system provides randomness");
    hex(&b)
}

pub fn sha256_hex(s: &str) -> String {
    hex(&Sha256::digest(s.as_bytes()))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Counts recent failed logins per user name and makes the next attempt
/// wait: 0.5 s after the third failure, doubling up to 8 s.
#[derive(Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
}

impl LoginLimiter {
    const WINDOW: Duration = Duration::from_secs(15 * 60);

    pub fn delay(&self, username: &str) -> Duration {
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        match map.get(&username.to_lowercase()) {
            Some((n, at)) if at.elapsed() < Self::WINDOW && *n >= 3 => Duration::from_millis(500u64 << (n - 3).min(4)),
            _ => Duration::ZERO,
        }
    }

    pub fn failed(&self, username: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let e = map.entry(username.to_lowercase()).or_insert((0, Instant::now()));
        if e.1.elapsed() >= Self::WINDOW {
            *e = (0, Instant::now());
        }
        e.0 += 1;
        e.1 = Instant::now();
    }

    pub fn succeeded(&self, username: &str) {
        self.failures.lock().unwrap_or_else(|p| p.into_inner()).remove(&username.to_lowercase());
    }
}

/// The logged-in user of a request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    /// The session's CSRF token; `None` when authenticated by a bearer token.
    pub csrf: Option<String>,
    /// The hash of the session id (for logout).
    pub session_hash: Option<String>,
}

impl CurrentUser {
    pub fn viewer(&self) -> Viewer {
        Viewer { user_id: Some(self.user.id), organisation_id: self.user.organisation_id, role: Some(self.user.role) }
    }

    pub fn actor(&self) -> Actor {
        Actor { user_id: Some(self.user.id), username: self.user.username.clone(), at: now() }
    }

    /// Fails with 403 unless the user's role allows `action`.
    pub fn require(&self, action: Action) -> Result<(), AppError> {
        if can(Some(self.user.role), action) { Ok(()) } else { Err(AppError::Forbidden) }
    }

    pub fn may(&self, action: Action) -> bool {
        can(Some(self.user.role), action)
    }
}

/// The current time in UTC, to the whole second: both databases then keep
/// exactly what was written (PostgreSQL stores microseconds, SQLite text).
pub fn now() -> chrono::NaiveDateTime {
    use chrono::SubsecRound;
    chrono::Utc::now().naive_utc().trunc_subsecs(0)
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|kv| {
        let (k, v) = kv.trim().split_once('=')?;
        (k == name).then(|| v.to_owned())
    })
}

pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Who is asking, if anyone: a bearer token (API) or a session cookie.
pub async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Option<CurrentUser>, AppError> {
    if let Some(auth) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let token = auth.strip_prefix("Bearer ").ok_or(AppError::Unauthorized)?;
        return match state.db.token_user(&sha256_hex(token.trim())).await? {
            Some(user) => Ok(Some(CurrentUser { user, csrf: None, session_hash: None })),
            None => Err(AppError::Unauthorized),
        };
    }
    let Some(sid) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let hash = sha256_hex(&sid);
    Ok(state.db.session(&hash, now()).await?.map(|(user, csrf)| CurrentUser {
        user,
        csrf: Some(csrf),
        session_hash: Some(hash),
    }))
}

/// The request's path as the client sent it (nested routers see only their part).
fn full_path(parts: &Parts) -> String {
    parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map_or_else(|| parts.uri.path().to_owned(), |u| u.path().to_owned())
}

fn is_api(parts: &Parts) -> bool {
    full_path(parts).starts_with("/api/")
}

/// Rejection of the user extractors: pages redirect to the login page, the API answers 401.
pub struct LoginRequired {
    api: bool,
    next: String,
    error: Option<AppError>,
}

impl IntoResponse for LoginRequired {
    fn into_response(self) -> Response {
        match (self.api, self.error) {
            (true, e) => e.unwrap_or(AppError::Unauthorized).into_response(),
            (false, Some(e @ AppError::Internal(_))) => crate::pages::error_page(e, None),
            (false, _) => Redirect::to(&format!("/login?next={}", urlencode(&self.next))).into_response(),
        }
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = LoginRequired;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let reject = |error| LoginRequired { api: is_api(parts), next: full_path(parts), error };
        match authenticate(state, &parts.headers).await {
            Ok(Some(u)) => Ok(u),
            Ok(None) => Err(reject(None)),
            Err(e) => Err(reject(Some(e))),
        }
    }
}

/// The user, if logged in (public pages).
pub struct MaybeUser(pub Option<CurrentUser>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(MaybeUser(authenticate(state, &parts.headers).await.unwrap_or(None)))
    }
}

/// A form post from a logged-in user, with its CSRF token checked. The body
/// is parsed with `serde_html_form`, so repeated fields become lists.
pub struct CsrfForm<T>(pub CurrentUser, pub T);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let user = CurrentUser::from_request_parts(&mut parts, state).await.map_err(IntoResponse::into_response)?;
        let bytes = axum::body::to_bytes(body, 2 * 1024 * 1024)
            .await
            .map_err(|_| crate::pages::error_page(AppError::BadRequest("body too large".into()), Some(&user)))?;
        let token: CsrfField = serde_html_form::from_bytes(&bytes).unwrap_or_default();
        if user.csrf.is_none() || token.csrf_token.as_deref() != user.csrf.as_deref() {
            tracing::warn!(user_id = %user.user.id, "form post with a missing or wrong CSRF token");
            return Err(crate::pages::error_page(AppError::Forbidden, Some(&user)));
        }
        let value = serde_html_form::from_bytes(&bytes)
            .map_err(|e| crate::pages::error_page(AppError::BadRequest(e.to_string()), Some(&user)))?;
        Ok(CsrfForm(user, value))
    }
}

#[derive(serde::Deserialize, Default)]
struct CsrfField {
    csrf_token: Option<String>,
}

/// A JSON body for the API. With a session cookie the `X-CSRF-Token` header
/// must match the session; bearer tokens need none. A body that does not fit
/// the schema is a 422 naming the JSON path.
pub struct ApiJson<T>(pub CurrentUser, pub T);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let user = CurrentUser::from_request_parts(&mut parts, state).await.map_err(|_| AppError::Unauthorized)?;
        if let Some(csrf) = &user.csrf {
            let sent = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
            if sent != Some(csrf.as_str()) {
                return Err(AppError::Forbidden);
            }
        }
        let bytes = axum::body::to_bytes(body, 16 * 1024 * 1024)
            .await
            .map_err(|_| AppError::BadRequest("body too large".into()))?;
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        let value = serde_path_to_error::deserialize(de).map_err(|e| {
            let mut f = tryggve_core::FieldErrors::new();
            let path = e.path().to_string();
            f.add(if path == "." { "$" } else { &path }, e.into_inner().to_string());
            AppError::Invalid(f)
        })?;
        Ok(ApiJson(user, value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_verifies_against_its_hash_and_nothing_else() {
        let h = hash_password("rätt häst batteri").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("rätt häst batteri", &h));
        assert!(!verify_password("fel", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn repeated_failures_slow_down_the_next_attempt() {
        let l = LoginLimiter::default();
        l.failed("Clas");
        l.failed("clas");
        assert_eq!(l.delay("clas"), Duration::ZERO);
        l.failed("clas");
        assert_eq!(l.delay("CLAS"), Duration::from_millis(500));
        l.failed("clas");
        assert_eq!(l.delay("clas"), Duration::from_millis(1000));
        l.succeeded("clas");
        assert_eq!(l.delay("clas"), Duration::ZERO);
    }

    #[test]
    fn cookies_are_found_among_several() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, "a=1; tryggve_session=abc; b=2".parse().unwrap());
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("abc"));
        assert!(set_cookie("x", "y", 10, true).contains("HttpOnly; SameSite=Lax"));
    }
}
