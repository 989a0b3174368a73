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
            before: filter.before,
            limit: PAGE_SIZE,
        };
        let entries = s.db.audit_page(&q).await?;
        let next_page = (entries.len() as i64 == PAGE_SIZE).then(|| {
            format!(
                "/admin/logg?record_type={}&username={}&before={}",
                crate::auth::urlencode(&filter.record_type),
                crate::auth::urlencode(&filter.username),
                entries.last().map_or(0, |e| e.id.0)
            )
        });
        Ok(AuditPage { layout: Layout::new(&s, Some(&user), "Logg", "/admin/logg"), entries, filter, next_page }
            .into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}
