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
