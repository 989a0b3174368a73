//! Logging in and out. The login form is protected by a double-submit CSRF
//! cookie (there is no session yet); a successful login always gets a new
//! session id. With OpenID Connect configured the page also offers the
//! municipality's identity provider (`crate::oidc`), and its callback ends in
//! the same kind of session.

use super::Layout;
use crate::AppState;
use crate::auth::{
    self, CsrfForm, LOGIN_CSRF_COOKIE, SESSION_COOKIE, cookie, random_token, set_cookie, sha256_hex, urlencode,
};
use crate::oidc::{self, OIDC_COOKIE};
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tryggve_core::register::User;
use tryggve_db::Actor;

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
pub struct LoginPage {
    layout: Layout,
    next: String,
    username: String,
    error: Option<&'static str>,
    demo_accounts: bool,
    /// The identity provider's button: its link and text.
    oidc: Option<(String, String)>,
}

#[derive(Deserialize, Default)]
pub struct Next {
    next: Option<String>,
}

/// Only local paths are accepted as a place to return to after login.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

/// The login page with a fresh login CSRF cookie.
fn login_page(
    s: &AppState,
    next: String,
    username: String,
    error: Option<&'static str>,
    status: StatusCode,
) -> Response {
    let token = random_token();
    let mut layout = Layout::new(s, None, "Logga in", "/login");
    layout.csrf = token.clone();
    let oidc =
        s.oidc.as_ref().map(|o| (format!("/login/oidc?next={}", urlencode(&next)), o.config.button_label.clone()));
    let page = LoginPage { layout, next, username, error, demo_accounts: s.config.demo, oidc };
    (status, [(header::SET_COOKIE, set_cookie(LOGIN_CSRF_COOKIE, &token, 3600, s.config.secure_cookies))], page)
        .into_response()
}

pub async fn form(State(s): State<AppState>, Query(q): Query<Next>) -> Response {
    login_page(&s, safe_next(q.next.as_deref()), String::new(), None, StatusCode::OK)
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    csrf_token: String,
}

pub async fn submit(State(s): State<AppState>, headers: HeaderMap, Form(f): Form<LoginForm>) -> Response {
    let fail = |status: StatusCode, error: &'static str| {
        login_page(&s, safe_next(Some(&f.next)), f.username.clone(), Some(error), status)
    };
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE);
    if expected.is_none() || expected.as_deref() != Some(f.csrf_token.as_str()) {
        return fail(StatusCode::FORBIDDEN, "Sidan hade gått ut. Försök igen.");
    }
    let username = f.username.trim().to_owned();
    let delay = s.limiter.delay(&username);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let user = match s.db.user_for_login(&username).await {
        Ok(u) => Some(u),
        Err(tryggve_db::DbError::NotFound) => None,
        Err(e) => return super::error_page(e.into(), None),
    };
    let ok = match &user {
        Some(u) if !u.disabled => u.password_hash.as_deref().is_some_and(|h| auth::verify_password(&f.password, h)),
        _ => {
            // Spend the same time on unknown users so that names cannot be probed by timing.
            let _ = auth::verify_password(&f.password, DUMMY_HASH);
            false
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        s.limiter.failed(&username);
        tracing::info!("failed login");
        return fail(StatusCode::UNAUTHORIZED, "Fel användarnamn eller lösenord.");
    };
    s.limiter.succeeded(&username);
    start_session(&s, &user, "password", &safe_next(Some(&f.next))).await
}

/// A new session for `user` (always a new id and CSRF token), audited as a
/// login by `method`, and a redirect to `next`.
async fn start_session(s: &AppState, user: &User, method: &str, next: &str) -> Response {
    let sid = random_token();
    let csrf = random_token();
    let now = auth::now();
    let expires = now + chrono::Duration::hours(s.config.session_hours);
    let actor = Actor { user_id: Some(user.id), username: user.username.clone(), at: now };
    if let Err(e) = s.db.create_session(&actor, user.id, &sha256_hex(&sid), &csrf, expires, method).await {
        return super::error_page(e.into(), None);
    }
    let cookie = set_cookie(SESSION_COOKIE, &sid, s.config.session_hours * 3600, s.config.secure_cookies);
    let clear = set_cookie(LOGIN_CSRF_COOKIE, "", 0, s.config.secure_cookies);
    let mut res = Redirect::to(next).into_response();
    res.headers_mut().append(header::SET_COOKIE, cookie.parse().expect("cookie header"));
    res.headers_mut().append(header::SET_COOKIE, clear.parse().expect("cookie header"));
    res
}

/// `/login/oidc`: off to the identity provider, with state, nonce and PKCE
/// remembered against a short-lived cookie.
pub async fn oidc_start(State(s): State<AppState>, Query(q): Query<Next>) -> Response {
    let Some(provider) = s.oidc.clone() else {
        return super::error_page(crate::AppError::NotFound, None);
    };
    let next = safe_next(q.next.as_deref());
    match provider.start(next.clone()).await {
        Ok(start) => {
            let secs = oidc::LOGIN_TTL.as_secs() as i64;
            let mut res = Redirect::to(&start.location).into_response();
            let c = set_cookie(OIDC_COOKIE, &start.cookie, secs, s.config.secure_cookies);
            res.headers_mut().append(header::SET_COOKIE, c.parse().expect("cookie header"));
            res
        }
        Err(e) => {
            e.log();
            login_page(&s, next, String::new(), Some(e.message()), e.status())
        }
    }
}

/// `/login/oidc/callback`: the provider's answer. The state must match the
/// login this browser started, the ID token must validate, and the claims
/// must map to a user; then a session starts as after a password login.
pub async fn oidc_callback(
    State(s): State<AppState>,
    headers: HeaderMap,
    Query(cb): Query<oidc::Callback>,
) -> Response {
    let Some(provider) = s.oidc.clone() else {
        return super::error_page(crate::AppError::NotFound, None);
    };
    let sent = cookie(&headers, OIDC_COOKIE);
    let result = async {
        let (identity, next) = provider.finish(sent.as_deref(), &cb).await?;
        let user = oidc::sign_in(&s.db, &provider.config, &identity).await?;
        Ok::<_, oidc::OidcError>((user, next))
    }
    .await;
    let mut res = match result {
        Ok((user, next)) => {
            tracing::info!(user_id = %user.id, "OIDC login");
            start_session(&s, &user, "oidc", &next).await
        }
        Err(e) => {
            e.log();
            login_page(&s, "/".into(), String::new(), Some(e.message()), e.status())
        }
    };
    let clear = set_cookie(OIDC_COOKIE, "", 0, s.config.secure_cookies);
    res.headers_mut().append(header::SET_COOKIE, clear.parse().expect("cookie header"));
    res
}

/// A valid Argon2 hash of a random string, to equalise timing for unknown users.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$9hVnHPkoOChQOgvGZjC8hIdj+wyhS3tN8eM0WDXs8r8";

#[derive(Deserialize)]
pub struct Empty {}

pub async fn logout(State(s): State<AppState>, CsrfForm(user, _): CsrfForm<Empty>) -> Response {
    if let Some(h) = &user.session_hash
        && let Err(e) = s.db.end_session(&user.actor(), h).await
    {
        return super::error_page(e.into(), Some(&user));
    }
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", 0, s.config.secure_cookies).parse().expect("cookie"),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(safe_next(Some("/samverkan/1")), "/samverkan/1");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
