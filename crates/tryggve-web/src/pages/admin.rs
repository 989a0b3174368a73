//! The audit log, paged, for administrators.

use super::{Layout, error_page};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppError;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tryggve_core::access::Action;
use tryggve_db::audit::{AuditEntry, AuditQuery};

pub const PAGE_SIZE: i64 = 50;

#[derive(Deserialize, Default)]
pub struct AuditFilter {
    #[serde(default)]
    pub record_type: String,
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub before: Option<i64>,
}

#[derive(Template, WebTemplate)]
#[template(path = "audit.html")]
pub struct AuditPage {
    layout: Layout,
    entries: Vec<AuditEntry>,
    filter: AuditFilter,
    next_page: Option<String>,
}

pub async fn audit(State(s): State<AppState>, user: CurrentUser, Query(filter): Query<AuditFilter>) -> Response {
    let result: Result<Response, AppError> = async {
        user.require(Action::ViewAudit)?;
        let q = AuditQuery {
            record_type: Some(filter.record_type.trim().to_owned()).filter(|s| !s.is_empty()),
            username: Some(filter.username.trim().to_owned()).filter(|s| !s.is_empty()),
            action: Some(filter.action.trim().to_owned()).filter(|s| !s.is_empty()),
            before: filter.before,
            limit: PAGE_SIZE,
        };
        let entries = s.db.audit_page(&q).await?;
        let next_page = (entries.len() as i64 == PAGE_SIZE).then(|| {
            format!(
                "/admin/logg?record_type={}&username={}&action={}&before={}",
                crate::auth::urlencode(&filter.record_type),
                crate::auth::urlencode(&filter.username),
                crate::auth::urlencode(&filter.action),
                entries.last().map_or(0, |e| e.id.0)
            )
        });
        Ok(AuditPage { layout: Layout::new(&s, Some(&user), "Logg", "/admin/logg"), entries, filter, next_page }
            .into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

/// The audit log as CSV (filters as on the page), for an administrator.
pub async fn audit_csv(State(s): State<AppState>, user: CurrentUser, Query(filter): Query<AuditFilter>) -> Response {
    let result: Result<Response, AppError> = async {
        user.require(Action::ViewAudit)?;
        let q = AuditQuery {
            record_type: Some(filter.record_type.trim().to_owned()).filter(|s| !s.is_empty()),
            username: Some(filter.username.trim().to_owned()).filter(|s| !s.is_empty()),
            action: Some(filter.action.trim().to_owned()).filter(|s| !s.is_empty()),
            before: None,
            limit: 100_000,
        };
        let entries = s.db.audit_page(&q).await?;
        s.db.log_access(&user.actor(), "export", "audit_log", None, serde_json::json!({ "entries": entries.len() }))
            .await?;
        Ok((
            [
                (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (axum::http::header::CONTENT_DISPOSITION, "attachment; filename=\"logg.csv\"".to_owned()),
            ],
            audit_to_csv(&entries),
        )
            .into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

/// CSV with every field quoted (a field may hold commas, quotes and line breaks).
pub fn audit_to_csv(entries: &[AuditEntry]) -> String {
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut out = String::from("id,at,username,action,record_type,record_id,detail\n");
    for e in entries {
        out.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            e.id,
            e.at.format("%Y-%m-%d %H:%M:%S"),
            q(&e.username),
            q(&e.action),
            q(&e.record_type),
            e.record_id.map(|r| r.to_string()).unwrap_or_default(),
            q(&e.detail.to_string())
        ));
    }
    out
}

#[derive(Template, WebTemplate)]
#[template(path = "my_reads.html")]
pub struct MyReadsPage {
    layout: Layout,
    organisation: String,
    entries: Vec<AuditEntry>,
}

/// Who has read the records restricted to the user's organisation: what the data owner may know.
pub async fn my_reads(State(s): State<AppState>, user: CurrentUser) -> Response {
    let result: Result<Response, AppError> = async {
        let org = user.user.organisation_id.ok_or(AppError::Forbidden)?;
        let entries = s.db.reads_of_records_of(org, 500).await?;
        let organisation = s.db.organisation(org).await?.name;
        Ok(MyReadsPage {
            layout: Layout::new(&s, Some(&user), "Vem har läst våra uppgifter", "/logg/mina"),
            organisation,
            entries,
        }
        .into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

/// One record type's default as the classification page shows it.
pub struct DefaultRow {
    record_type: &'static str,
    label: &'static str,
    classification: String,
    legal_reference_id: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "classification_defaults.html")]
pub struct ClassificationDefaultsPage {
    layout: Layout,
    rows: Vec<DefaultRow>,
    classifications: Vec<(String, String)>,
    legal: Vec<(String, String)>,
    /// The record type whose change was refused, and why.
    error: Option<(String, String)>,
    saved: bool,
}

#[derive(Deserialize, Default)]
pub struct DefaultInput {
    #[serde(default)]
    pub record_type: String,
    #[serde(default)]
    pub classification: String,
    #[serde(default)]
    pub legal_reference_id: String,
    #[serde(default)]
    pub saved: bool,
}

async fn defaults_page(
    s: &AppState,
    user: &CurrentUser,
    error: Option<(String, String)>,
    saved: bool,
) -> Result<ClassificationDefaultsPage, AppError> {
    let lk = crate::resource::Lookups::load(&s.db).await?;
    let rows = tryggve_core::secrecy::RECORD_TYPES
        .iter()
        .map(|(t, label)| {
            let (classification, legal_reference_id) = lk.classification_input(t, "", "");
            DefaultRow { record_type: t, label, classification, legal_reference_id }
        })
        .collect();
    Ok(ClassificationDefaultsPage {
        layout: Layout::new(s, Some(user), "Klassning", "/admin/klassning"),
        rows,
        classifications: crate::resource::classification_options(),
        legal: lk.legal_options(""),
        error,
        saved,
    })
}

/// The classification each record type starts with (administrators).
pub async fn classification_defaults(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(q): Query<DefaultInput>,
) -> Response {
    let result: Result<Response, AppError> = async {
        user.require(Action::ManageSecrecy)?;
        Ok(defaults_page(&s, &user, None, q.saved).await?.into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

pub async fn save_classification_default(
    State(s): State<AppState>,
    crate::auth::CsrfForm(user, f): crate::auth::CsrfForm<DefaultInput>,
) -> Response {
    let result: Result<Response, AppError> = async {
        user.require(Action::ManageSecrecy)?;
        if !tryggve_core::secrecy::RECORD_TYPES.iter().any(|(t, _)| *t == f.record_type) {
            return Err(AppError::NotFound);
        }
        let lk = crate::resource::Lookups::load(&s.db).await?;
        let mut e = tryggve_core::FieldErrors::new();
        let classification = e.check("classification", tryggve_core::Classification::parse(&f.classification));
        let legal = lk.check_legal(&mut e, &f.legal_reference_id);
        if let Some(c) = classification {
            // A default names no organisations: those are chosen per record.
            let _ = tryggve_core::secrecy::check(c, vec![tryggve_core::OrgId(0)], legal, &lk.legal_references, &mut e);
        }
        if let Some(first) = e.0.first() {
            let page = defaults_page(&s, &user, Some((f.record_type.clone(), first.message.clone())), false).await?;
            return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        let d = tryggve_core::secrecy::ClassificationDefault {
            record_type: f.record_type.clone(),
            classification: classification.unwrap_or_default(),
            legal_reference_id: legal.filter(|_| classification == Some(tryggve_core::Classification::Restricted)),
        };
        s.db.set_classification_default(&user.actor(), &d).await?;
        Ok(axum::response::Redirect::to("/admin/klassning?saved=true").into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}
