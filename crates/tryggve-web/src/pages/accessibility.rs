//! The accessibility statement (tillgänglighetsredogörelse, `/tillganglighet`)
//! in the structure the supervisory authority (DIGG) asks for, with a form
//! anyone may use to report an accessibility problem, and the reports for
//! administrators (`/admin/tillganglighet`).
//!
//! The form works without logging in. Like the login form it is protected by
//! a double-submit CSRF cookie; the body is small, every field has a length
//! limit, and at most [`REPORTS_PER_HOUR`] reports are taken in an hour, so
//! that the form cannot be used to flood the database. A report is about the
//! site, not a shared record: it is stored as written (no personal-data
//! check) and shown only to administrators.

use super::{Layout, error_page};
use crate::AppState;
use crate::auth::{self, CurrentUser, MaybeUser, cookie, random_token, set_cookie};
use crate::error::AppError;
use crate::form::Field;
use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tryggve_core::access::Action;
use tryggve_db::Actor;
use tryggve_db::accessibility::{AccessibilityReport, NewAccessibilityReport};

pub const REPORT_CSRF_COOKIE: &str = "tryggve_report_csrf";

/// The most reports taken from everyone together in one hour. The server sees
/// no reliable client address behind a reverse proxy, so the limit is shared;
/// beyond it the page points to the e-mail address, when one is configured.
pub const REPORTS_PER_HOUR: i64 = 30;

/// Request bodies of the form are refused above this size.
pub const BODY_LIMIT: usize = 32 * 1024;

const DESCRIPTION_MAX: usize = 4000;
const SHORT_MAX: usize = 200;
const PAGE_MAX: usize = 500;

/// When the statement and the service were last reviewed (shown on the page).
const LAST_REVIEW: &str = "29 november 2026";

#[derive(Deserialize, Default)]
pub struct ReportForm {
    #[serde(default)]
    page: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    csrf_token: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "accessibility.html")]
pub struct StatementPage {
    layout: Layout,
    contact: String,
    last_review: &'static str,
    /// The report form's own CSRF token (the page may also carry the session's, for logging out).
    report_token: String,
    fields: Vec<Field>,
    /// A problem with the whole form (expired page, too many reports).
    form_error: Option<String>,
    /// After a successful report: its number and when it came in.
    receipt: Option<Receipt>,
}

pub struct Receipt {
    pub id: i64,
    pub at: String,
    pub has_contact: bool,
}

impl StatementPage {
    fn has_errors(&self) -> bool {
        self.form_error.is_some() || self.fields.iter().any(|f| f.error.is_some())
    }
}

fn fields(f: &ReportForm) -> Vec<Field> {
    vec![
        Field::new("description", "Beskriv problemet", "textarea", &f.description).required().hint(
            "Vad försökte du göra, och vad hindrade dig? Berätta gärna vilket hjälpmedel du använder. \
             Högst 4 000 tecken. Rapporten sparas som du skriver den och visas bara för \
             Tryggves administratörer.",
        ),
        Field::new("page", "Vilken sida gäller det?", "text", &f.page)
            .hint("Sidans adress eller namn, till exempel /lagesbild. Ifylld med sidan du kom från."),
        Field::new("name", "Ditt namn (valfritt)", "text", &f.name),
        Field::new("contact", "E-post eller telefon (valfritt)", "text", &f.contact)
            .hint("Om du vill ha svar. Uppgiften visas bara för administratörerna."),
    ]
}

/// The path of the page the visitor came from, when it is on this site.
fn referring_page(headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let referer = headers.get(header::REFERER).and_then(|v| v.to_str().ok());
    let (Some(host), Some(referer)) = (host, referer) else { return String::new() };
    let Some(rest) = referer.strip_prefix("http://").or_else(|| referer.strip_prefix("https://")) else {
        return String::new();
    };
    match rest.strip_prefix(host) {
        Some(path) if path.starts_with('/') && !path.starts_with("/tillganglighet") => {
            path.chars().take(PAGE_MAX).collect()
        }
        _ => String::new(),
    }
}

/// The page with a fresh CSRF cookie for its form.
fn render(
    s: &AppState,
    user: Option<&CurrentUser>,
    fields: Vec<Field>,
    form_error: Option<String>,
    receipt: Option<Receipt>,
    status: StatusCode,
) -> Response {
    let token = random_token();
    let page = StatementPage {
        layout: Layout::new(s, user, "Tillgänglighet", "/tillganglighet"),
        contact: s.config.accessibility_contact.trim().to_owned(),
        last_review: LAST_REVIEW,
        report_token: token.clone(),
        fields,
        form_error,
        receipt,
    };
    (status, [(header::SET_COOKIE, set_cookie(REPORT_CSRF_COOKIE, &token, 3600, s.config.secure_cookies))], page)
        .into_response()
}

/// `GET /tillganglighet`: the statement and the form, open to everyone.
pub async fn statement(State(s): State<AppState>, MaybeUser(user): MaybeUser, headers: HeaderMap) -> Response {
    let form = ReportForm { page: referring_page(&headers), ..ReportForm::default() };
    render(&s, user.as_ref(), fields(&form), None, None, StatusCode::OK)
}

/// Checks a report; Swedish messages per field.
fn check(f: &ReportForm) -> Result<NewAccessibilityReport, Vec<(&'static str, String)>> {
    let mut errors = vec![];
    let description = f.description.trim();
    if description.is_empty() {
        errors.push(("description", "Beskriv problemet.".to_owned()));
    } else if description.chars().count() > DESCRIPTION_MAX {
        errors.push(("description", "Beskrivningen får vara högst 4 000 tecken.".to_owned()));
    }
    for (name, value, max) in
        [("page", &f.page, PAGE_MAX), ("name", &f.name, SHORT_MAX), ("contact", &f.contact, SHORT_MAX)]
    {
        if value.trim().chars().count() > max {
            errors.push((name, format!("Högst {max} tecken.")));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(NewAccessibilityReport {
        page: f.page.trim().to_owned(),
        description: description.to_owned(),
        name: f.name.trim().to_owned(),
        contact: f.contact.trim().to_owned(),
    })
}

/// `POST /tillganglighet`: stores a report and shows its receipt.
pub async fn submit(
    State(s): State<AppState>,
    MaybeUser(user): MaybeUser,
    headers: HeaderMap,
    Form(f): Form<ReportForm>,
) -> Response {
    let mut shown = fields(&f);
    let expected = cookie(&headers, REPORT_CSRF_COOKIE);
    if expected.is_none() || expected.as_deref() != Some(f.csrf_token.as_str()) {
        tracing::info!("accessibility report with a missing or wrong CSRF token");
        let message = "Sidan hade gått ut. Skicka rapporten igen.".to_owned();
        return render(&s, user.as_ref(), shown, Some(message), None, StatusCode::FORBIDDEN);
    }
    let report = match check(&f) {
        Ok(r) => r,
        Err(errors) => {
            for (name, message) in errors {
                if let Some(field) = shown.iter_mut().find(|x| x.name == name) {
                    field.error = Some(message);
                }
            }
            return render(&s, user.as_ref(), shown, None, None, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let actor = match &user {
        Some(u) => u.actor(),
        None => Actor { user_id: None, username: "anonym".into(), at: auth::now() },
    };
    let since = actor.at - chrono::Duration::hours(1);
    match s.db.create_accessibility_report(&actor, &report, since, REPORTS_PER_HOUR).await {
        Ok(Some(id)) => {
            tracing::info!(report = id, "accessibility report received");
            let receipt = Receipt {
                id,
                at: actor.at.format("%Y-%m-%d %H.%M").to_string(),
                has_contact: !report.contact.is_empty(),
            };
            render(&s, user.as_ref(), fields(&ReportForm::default()), None, Some(receipt), StatusCode::OK)
        }
        Ok(None) => {
            tracing::warn!("accessibility reports: the hourly limit is reached");
            let contact = s.config.accessibility_contact.trim();
            let message = if contact.is_empty() {
                "Många rapporter har kommit in den senaste timmen. Försök igen om en stund.".to_owned()
            } else {
                format!(
                    "Många rapporter har kommit in den senaste timmen. Försök igen om en stund eller skriv till {contact}."
                )
            };
            render(&s, user.as_ref(), shown, Some(message), None, StatusCode::TOO_MANY_REQUESTS)
        }
        Err(e) => error_page(e.into(), user.as_ref()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "accessibility_reports.html")]
pub struct ReportsPage {
    layout: Layout,
    reports: Vec<AccessibilityReport>,
}

/// `GET /admin/tillganglighet`: the latest reports, for administrators.
pub async fn reports(State(s): State<AppState>, user: CurrentUser) -> Response {
    let result: Result<Response, AppError> = async {
        user.require(Action::ManageUsers)?;
        let reports = s.db.accessibility_reports(500).await?;
        Ok(ReportsPage {
            layout: Layout::new(&s, Some(&user), "Rapporter om tillgänglighet", "/admin/tillganglighet"),
            reports,
        }
        .into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_referring_page_is_kept_only_from_this_site() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "tryggve.example.se".parse().unwrap());
        h.insert(header::REFERER, "https://tryggve.example.se/lagesbild?area=3".parse().unwrap());
        assert_eq!(referring_page(&h), "/lagesbild?area=3");
        h.insert(header::REFERER, "https://evil.example/lagesbild".parse().unwrap());
        assert_eq!(referring_page(&h), "");
        h.insert(header::REFERER, "https://tryggve.example.se.evil.example/x".parse().unwrap());
        assert_eq!(referring_page(&h), "");
        h.insert(header::REFERER, "https://tryggve.example.se/tillganglighet".parse().unwrap());
        assert_eq!(referring_page(&h), "");
    }

    #[test]
    fn a_report_needs_a_description_and_short_fields() {
        let f = ReportForm { description: "   ".into(), ..ReportForm::default() };
        assert_eq!(check(&f).unwrap_err(), vec![("description", "Beskriv problemet.".to_owned())]);
        let f = ReportForm { description: "x".repeat(4001), name: "n".repeat(201), ..ReportForm::default() };
        let fields: Vec<_> = check(&f).unwrap_err().into_iter().map(|(n, _)| n).collect();
        assert_eq!(fields, ["description", "name"]);
        let f = ReportForm { description: " Kartan saknar text. ".into(), ..ReportForm::default() };
        assert_eq!(check(&f).unwrap().description, "Kartan saknar text.");
    }
}
