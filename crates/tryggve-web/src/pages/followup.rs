//! Pages that keep the working documents alive: the follow-up overview,
//! what changed since a date, a place's dossier, search, and the quick
//! status edit of a working-document row.

use super::{Layout, error_page};
use crate::AppState;
use crate::auth::{CsrfForm, CurrentUser};
use crate::error::AppError;
use crate::followup::{Dossier, HitView, Overview, Since};
use crate::form::flex_string;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tryggve_core::access::Action;
use tryggve_core::text;
use tryggve_core::workdoc::MeasureStatus;
use tryggve_core::{AreaId, FieldErrors, MeasureId};

#[derive(Template, WebTemplate)]
#[template(path = "followup.html")]
pub struct FollowUpPage {
    layout: Layout,
    o: Overview,
}

pub async fn overview(State(s): State<AppState>, user: CurrentUser) -> Response {
    let result: Result<Response, AppError> = async {
        let o = crate::followup::overview(&s.db, &user, crate::auth::now().date(), s.config.stalled_weeks).await?;
        Ok(FollowUpPage { layout: Layout::new(&s, Some(&user), "Att följa upp", "/uppfoljning"), o }.into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

#[derive(Deserialize, Default)]
pub struct SinceQuery {
    #[serde(default)]
    pub datum: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "since.html")]
pub struct SincePage {
    layout: Layout,
    s: Since,
    date: String,
}

/// The point in time a "since" query means: a given date, or the last meeting.
pub async fn since_point(
    s: &AppState,
    user: &CurrentUser,
    date: &str,
) -> Result<(chrono::NaiveDateTime, Option<String>), AppError> {
    let today = crate::auth::now().date();
    if date.trim().is_empty() {
        return Ok(match crate::followup::last_meeting(&s.db, &user.viewer(), today).await? {
            Some(m) => (m.starts_at, Some(format!("{} {}", m.body, m.starts_at.format("%Y-%m-%d")))),
            None => ((today - chrono::Duration::days(30)).and_hms_opt(0, 0, 0).unwrap_or_default(), None),
        });
    }
    let d = text::date(date).map_err(|m| {
        let mut e = FieldErrors::new();
        e.add("datum", m);
        AppError::Invalid(e)
    })?;
    Ok((d.and_hms_opt(0, 0, 0).unwrap_or_default(), None))
}

pub async fn since(State(s): State<AppState>, user: CurrentUser, Query(q): Query<SinceQuery>) -> Response {
    let result: Result<Response, AppError> = async {
        let (at, meeting) = since_point(&s, &user, &q.datum).await?;
        let data = crate::followup::since(&s.db, &user.viewer(), at, meeting, crate::auth::now().date()).await?;
        Ok(SincePage {
            layout: Layout::new(&s, Some(&user), "Ändrat sedan", "/sedan"),
            date: at.format("%Y-%m-%d").to_string(),
            s: data,
        }
        .into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

#[derive(Template, WebTemplate)]
#[template(path = "dossier.html")]
pub struct DossierPage {
    layout: Layout,
    d: Dossier,
}

pub async fn dossier(State(s): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Response {
    let result: Result<Response, AppError> = async {
        let id: AreaId = id.parse().map_err(|_| AppError::NotFound)?;
        let d = crate::followup::dossier(&s.db, &user.viewer(), id, crate::auth::now().date()).await?;
        Ok(DossierPage { layout: Layout::new(&s, Some(&user), d.area.name.clone(), "/omraden"), d }.into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    pub q: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "search.html")]
pub struct SearchPage {
    layout: Layout,
    q: String,
    hits: Vec<HitView>,
}

pub async fn search(State(s): State<AppState>, user: CurrentUser, Query(q): Query<SearchQuery>) -> Response {
    let result: Result<Response, AppError> = async {
        let hits = crate::followup::search(&s.db, &user.viewer(), &q.q).await?;
        Ok(SearchPage { layout: Layout::new(&s, Some(&user), "Sök", "/sok"), q: q.q, hits }.into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

/// The few fields of a row that change from meeting to meeting.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct StatusInput {
    #[serde(default, deserialize_with = "flex_string")]
    pub status: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub status_text: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub next_follow_up: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub due_date: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub version: String,
}

/// Saves a row's status, status text and dates from its own form on the
/// working-document page; back to the page, or to the row on an error.
pub async fn quick_status(
    State(s): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(user, input): CsrfForm<StatusInput>,
) -> Response {
    let result: Result<Response, AppError> = async {
        user.require(Action::EditWorkingDocuments)?;
        let id: MeasureId = id.parse().map_err(|_| AppError::NotFound)?;
        let viewer = user.viewer();
        let mut m = s.db.measure(&viewer, id).await?;
        let mut e = FieldErrors::new();
        let status = e.check("status", MeasureStatus::parse(&input.status));
        let status_text = e.check("status_text", text::free_text(&input.status_text, text::MAX_TEXT));
        crate::form::check_personal_data(&mut e, "status_text", &input.status_text, &s.db.private_names().await?);
        let next = e.check("next_follow_up", text::optional_date(&input.next_follow_up));
        let due = e.check("due_date", text::optional_date(&input.due_date));
        let version = e.check("version", crate::form::version(&input.version));
        if !e.is_empty() {
            return Err(AppError::Invalid(e));
        }
        (m.status, m.status_text, m.next_follow_up, m.due_date, m.version) = (
            status.unwrap_or(m.status),
            status_text.unwrap_or_default(),
            next.flatten(),
            due.flatten(),
            version.unwrap_or(m.version),
        );
        s.db.update_measure(&user.actor(), &viewer, &m).await?;
        Ok(Redirect::to(&format!("/samverkan/{}#rad-{}", m.collaboration_id, m.id)).into_response())
    }
    .await;
    match result {
        Ok(r) => r,
        Err(AppError::Conflict { .. }) => match conflict_page(&s, &user, &id, input).await {
            Ok(r) => r,
            Err(e) => error_page(e, Some(&user)),
        },
        Err(e) => error_page(e, Some(&user)),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "quick_conflict.html")]
pub struct QuickConflictPage {
    layout: Layout,
    m: tryggve_core::workdoc::Measure,
    mine: StatusInput,
    statuses: Vec<(&'static str, &'static str)>,
}

/// Someone saved the row first: show their version beside the user's
/// unsaved text, with a form (on the new version) to save it anyway.
async fn conflict_page(s: &AppState, user: &CurrentUser, id: &str, mine: StatusInput) -> Result<Response, AppError> {
    let id: MeasureId = id.parse().map_err(|_| AppError::NotFound)?;
    let m = s.db.measure(&user.viewer(), id).await?;
    let page = QuickConflictPage {
        layout: Layout::new(s, Some(user), "Raden har ändrats", "/samverkan"),
        statuses: MeasureStatus::ALL.iter().map(|x| (x.as_str(), x.label())).collect(),
        mine,
        m,
    };
    Ok((StatusCode::CONFLICT, page).into_response())
}
