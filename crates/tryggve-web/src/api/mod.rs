//! The JSON API under `/api/v1`, described by `openapi.json`. Authenticated by
//! session (with an `X-CSRF-Token` header on writes) or by a bearer token.
//! Status codes: 401 not logged in, 403 not allowed, 404 unknown or not
//! visible, 409 stale version, 422 invalid input with a list of field errors.

use crate::AppState;
use crate::auth::{ApiJson, CurrentUser};
use crate::error::AppError;
use crate::resource::{Lookups, Resource};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tryggve_core::access::Action;
use tryggve_core::meeting::Meeting;
use tryggve_core::priority::Priority;
use tryggve_core::register::{Area, Council, Organisation, Person, User};
use tryggve_core::situation::Incident;
use tryggve_core::workdoc::{Collaboration, Measure};
use tryggve_core::*;

pub const OPENAPI: &str = include_str!("openapi.json");

pub(crate) fn routes() -> Router<AppState> {
    let r = Router::new()
        .route("/openapi.json", get(|| async { ([(header::CONTENT_TYPE, "application/json")], OPENAPI) }))
        .route("/me", get(me))
        .route("/measures/{id}/follow-ups", get(follow_ups).post(add_follow_up))
        .route("/incident-categories", get(categories))
        .route("/indicators", get(indicators))
        .route("/situation", get(situation))
        .route("/follow-up", get(follow_up_overview))
        .route("/changes", get(changes))
        .route("/areas/{id}/dossier", get(dossier))
        .route("/search", get(search));
    let r = resource::<Organisation>(r);
    let r = resource::<Person>(r);
    let r = resource::<Area>(r);
    let r = resource::<Council>(r);
    let r = resource::<User>(r);
    let r = resource::<tryggve_core::secrecy::LegalReference>(r);
    let r = resource::<Collaboration>(r);
    let r = resource::<Measure>(r);
    let r = resource::<Priority>(r);
    let r = r
        .route("/incidents", get(incidents).post(create::<Incident>))
        .route("/incidents/{id}", get(one::<Incident>).put(update::<Incident>));
    resource::<Meeting>(r).fallback(|| async { AppError::NotFound })
}

fn resource<T: Resource>(r: Router<AppState>) -> Router<AppState> {
    r.route(&format!("/{}", T::API), get(list::<T>).post(create::<T>))
        .route(&format!("/{}/{{id}}", T::API), get(one::<T>).put(update::<T>))
}

async fn me(user: CurrentUser) -> Response {
    Json(json!({
        "id": user.user.id, "username": user.user.username, "role": user.user.role,
        "organisation_id": user.user.organisation_id, "councils": user.user.councils,
        "csrf_token": user.csrf,
    }))
    .into_response()
}

async fn list<T: Resource>(State(s): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    if let Some(a) = T::read_action() {
        user.require(a)?;
    }
    Ok(Json(T::list(&s.db, &user.viewer()).await?).into_response())
}

async fn one<T: Resource>(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    if let Some(a) = T::read_action() {
        user.require(a)?;
    }
    let id: T::Id = id.parse().map_err(|_| AppError::NotFound)?;
    Ok(Json(crate::access_log::get::<T>(&s, &user, id).await?).into_response())
}

async fn create<T: Resource>(
    State(s): State<AppState>,
    ApiJson(user, input): ApiJson<T::Input>,
) -> Result<Response, AppError> {
    if !user.may(T::write_action()) {
        return Err(crate::access_log::forbidden(&s, &user, T::RECORD_TYPE).await);
    }
    let lk = Lookups::load(&s.db).await?;
    let record = T::from_input(&input, None, &lk, &user)?;
    let errors = T::check_refs(&s.db, &user.viewer(), &record).await?;
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let id = T::create(&s.db, &user.actor(), &record).await.map_err(|e| duplicate::<T>(e))?;
    let created = T::get(&s.db, &user.viewer(), id).await?;
    Ok((StatusCode::CREATED, [(header::LOCATION, format!("/api/v1/{}/{id}", T::API))], Json(created)).into_response())
}

fn duplicate<T: Resource>(e: tryggve_db::DbError) -> AppError {
    match e {
        tryggve_db::DbError::Duplicate => {
            let mut f = FieldErrors::new();
            f.add(T::UNIQUE_FIELD, "Det finns redan en post med det namnet.");
            AppError::Invalid(f)
        }
        other => other.into(),
    }
}

async fn update<T: Resource>(
    State(s): State<AppState>,
    Path(id): Path<String>,
    ApiJson(user, input): ApiJson<T::Input>,
) -> Result<Response, AppError> {
    if !user.may(T::write_action()) {
        return Err(crate::access_log::forbidden(&s, &user, T::RECORD_TYPE).await);
    }
    let id: T::Id = id.parse().map_err(|_| AppError::NotFound)?;
    let viewer = user.viewer();
    let existing = crate::access_log::get::<T>(&s, &user, id).await?;
    let lk = Lookups::load(&s.db).await?;
    let record = T::from_input(&input, Some(&existing), &lk, &user)?;
    let errors = T::check_refs(&s.db, &viewer, &record).await?;
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    T::update(&s.db, &user.actor(), &viewer, &record).await.map_err(|e| duplicate::<T>(e))?;
    Ok(Json(T::get(&s.db, &viewer, id).await?).into_response())
}

async fn follow_ups(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id: MeasureId = id.parse().map_err(|_| AppError::NotFound)?;
    let viewer = user.viewer();
    s.db.measure(&viewer, id).await?;
    Ok(Json(s.db.follow_ups(&viewer, Some(id)).await?).into_response())
}

async fn add_follow_up(
    State(s): State<AppState>,
    Path(id): Path<String>,
    ApiJson(user, input): ApiJson<crate::pages::FollowUpInput>,
) -> Result<Response, AppError> {
    user.require(Action::AddFollowUp)?;
    let id: MeasureId = id.parse().map_err(|_| AppError::NotFound)?;
    let viewer = user.viewer();
    s.db.measure(&viewer, id).await?;
    let author = crate::pages::author_name(&s, &user).await?;
    let (f, version) = crate::pages::check_follow_up(&input, id, &user, author, &s.db.private_names().await?)?;
    let fid = s.db.add_follow_up(&user.actor(), &viewer, &f, version).await?;
    let created =
        s.db.follow_ups(&viewer, Some(id)).await?.into_iter().find(|x| x.id == fid).ok_or(AppError::NotFound)?;
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

async fn categories(State(s): State<AppState>, _user: CurrentUser) -> Result<Response, AppError> {
    Ok(Json(s.db.categories().await?).into_response())
}

async fn indicators(State(s): State<AppState>, _user: CurrentUser) -> Result<Response, AppError> {
    Ok(Json(s.db.indicators().await?).into_response())
}

async fn situation(
    State(s): State<AppState>,
    user: CurrentUser,
    axum::extract::Query(q): axum::extract::Query<crate::situation::PictureQuery>,
) -> Result<Response, AppError> {
    let today = crate::auth::now().date();
    Ok(Json(crate::situation::build(&s.db, &user.viewer(), &q, today).await?).into_response())
}

/// `GET /api/v1/incidents?from=&to=&area=&category=&source_kind=&reliability=&limit=`,
/// newest first; `area` includes everything below it.
async fn incidents(
    State(s): State<AppState>,
    user: CurrentUser,
    axum::extract::Query(q): axum::extract::Query<crate::situation::IncidentQuery>,
) -> Result<Response, AppError> {
    let filter = crate::situation::incident_filter(&s.db, &q).await?;
    Ok(Json(s.db.incidents(&user.viewer(), &filter).await?).into_response())
}

/// What is due at each body's next meeting, what has stalled, and the caller's own measures.
async fn follow_up_overview(State(s): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    let o = crate::followup::overview(&s.db, &user, crate::auth::now().date(), s.config.stalled_weeks).await?;
    Ok(Json(o).into_response())
}

#[derive(serde::Deserialize, Default)]
struct SinceQuery {
    #[serde(default)]
    since: String,
}

/// Changes in the working documents since `since` (YYYY-MM-DD), or since the last meeting.
async fn changes(
    State(s): State<AppState>,
    user: CurrentUser,
    axum::extract::Query(q): axum::extract::Query<SinceQuery>,
) -> Result<Response, AppError> {
    let (at, meeting) = crate::pages::since_point(&s, &user, &q.since).await?;
    Ok(Json(crate::followup::since(&s.db, &user.viewer(), at, meeting, crate::auth::now().date()).await?)
        .into_response())
}

async fn dossier(State(s): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Result<Response, AppError> {
    let id: AreaId = id.parse().map_err(|_| AppError::NotFound)?;
    Ok(Json(crate::followup::dossier(&s.db, &user.viewer(), id, crate::auth::now().date()).await?).into_response())
}

#[derive(serde::Deserialize, Default)]
struct SearchQuery {
    #[serde(default)]
    q: String,
}

async fn search(
    State(s): State<AppState>,
    user: CurrentUser,
    axum::extract::Query(q): axum::extract::Query<SearchQuery>,
) -> Result<Response, AppError> {
    Ok(Json(crate::followup::search(&s.db, &user.viewer(), &q.q).await?).into_response())
}
