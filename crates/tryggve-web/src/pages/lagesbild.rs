//! The lägesbild page: map, charts, changes in words, the narrative, who has
//! reported, the report as HTML and PDF, and frozen snapshots compared with
//! the live picture.

use super::{Layout, error_page};
use crate::AppState;
use crate::auth::{CsrfForm, CurrentUser};
use crate::error::AppError;
use crate::form::flex_string;
use crate::lagesbild::LagesbildView;
use crate::resource::Lookups;
use crate::situation::PictureQuery;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use serde::Deserialize;
use tryggve_core::access::Action;
use tryggve_core::situation::{Narrative, Reliability, Snapshot, SourceKind};
use tryggve_core::{AreaId, Classification, FieldErrors, NarrativeId, SnapshotId, Viewer};

#[derive(Template, WebTemplate)]
#[template(path = "lagesbild.html")]
pub struct LagesbildPage {
    layout: Layout,
    v: LagesbildView,
    areas: Vec<(AreaId, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    reliabilities: Vec<(&'static str, &'static str)>,
    filter_kind: String,
    filter_reliability: String,
    filter_category: String,
    query: String,
    can_freeze: bool,
    can_edit_narrative: bool,
    narrative_version: i64,
    snapshot: Option<Snapshot>,
    snapshots: Vec<Snapshot>,
    /// For a frozen lägesbild: (source, then, now) counts.
    comparison: Option<Vec<(String, u64, u64)>>,
}

impl LagesbildPage {
    /// An SVG graphic as a data URI for an `<img>`: drawn by our own code, and
    /// an image cannot run script even if it tried.
    pub fn data_uri(&self, svg: &str) -> String {
        format!("data:image/svg+xml;base64,{}", base64::engine::general_purpose::STANDARD.encode(svg))
    }

    /// The chart of the k-th indicator series, as a data URI ("" when there is none).
    pub fn indicator_uri(&self, k: &usize) -> String {
        self.v.graphics.indicators.get(*k).map(|g| self.data_uri(g)).unwrap_or_default()
    }

    pub fn missing_reporters(&self) -> Vec<String> {
        self.v.reporters.iter().filter(|r| !r.reported).map(|r| r.organisation.clone()).collect()
    }
}

/// The viewer whose picture is frozen: a council member of no particular
/// organisation, so a snapshot holds public and internal records only.
pub fn member_viewer() -> Viewer {
    Viewer {
        user_id: Some(tryggve_core::UserId(0)),
        organisation_id: None,
        role: Some(tryggve_core::access::Role::Reader),
    }
}

async fn page(
    s: &AppState,
    user: &CurrentUser,
    v: LagesbildView,
    q: &PictureQuery,
    raw: String,
    snapshot: Option<Snapshot>,
    comparison: Option<Vec<(String, u64, u64)>>,
) -> Result<Response, AppError> {
    let lk = Lookups::load(&s.db).await?;
    let narrative_version = s.db.narrative(&user.viewer(), v.area_id, v.from, v.to).await?.map_or(0, |n| n.version);
    let snapshots = s.db.snapshots(Some(v.area_id)).await?;
    Ok(LagesbildPage {
        layout: Layout::new(s, Some(user), format!("Lägesbild {}", v.area_name), "/lagesbild"),
        areas: crate::lagesbild::selectable_areas(&lk),
        kinds: SourceKind::ALL.iter().map(|k| (k.as_str(), k.label())).collect(),
        reliabilities: Reliability::ALL.iter().map(|k| (k.as_str(), k.label())).collect(),
        filter_kind: q.source_kind.clone().unwrap_or_default(),
        filter_reliability: q.reliability.clone().unwrap_or_default(),
        filter_category: q.category.clone().unwrap_or_default(),
        query: raw,
        can_freeze: user.may(Action::EditWorkingDocuments),
        can_edit_narrative: user.may(Action::EditWorkingDocuments),
        narrative_version,
        snapshot,
        snapshots,
        comparison,
        v,
    }
    .into_response())
}

pub async fn view(
    State(s): State<AppState>,
    user: CurrentUser,
    Query(q): Query<PictureQuery>,
    RawQuery(raw): RawQuery,
) -> Response {
    let result: Result<Response, AppError> = async {
        let v = crate::lagesbild::build(&s.db, &user.viewer(), &q, crate::auth::now().date()).await?;
        let raw = raw.unwrap_or_else(|| format!("area={}&from={}&to={}", v.area_id, v.from, v.to));
        page(&s, &user, v, &q, raw, None, None).await
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

/// The report as PDF or HTML, from the same view model as the page.
pub async fn report(
    State(s): State<AppState>,
    user: CurrentUser,
    Path(format): Path<String>,
    Query(q): Query<PictureQuery>,
) -> Response {
    let result: Result<Response, AppError> = async {
        let v = crate::lagesbild::build(&s.db, &user.viewer(), &q, crate::auth::now().date()).await?;
        report_response(&v, &format, crate::lagesbild::Audience::Internal)
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

/// The public report: built for an anonymous reader, small counts hidden.
/// Anyone may download it, logged in or not.
pub async fn public_report(
    State(s): State<AppState>,
    crate::auth::MaybeUser(user): crate::auth::MaybeUser,
    Path(format): Path<String>,
    Query(q): Query<PictureQuery>,
) -> Response {
    let result: Result<Response, AppError> = async {
        let v = crate::lagesbild::build(&s.db, &Viewer::anonymous(), &q, crate::auth::now().date()).await?;
        let audience = crate::lagesbild::Audience::Public { min_count: s.config.public_min_count };
        report_response(&v, &format, audience)
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, user.as_ref()))
}

pub fn report_response(
    v: &LagesbildView,
    format: &str,
    audience: crate::lagesbild::Audience,
) -> Result<Response, AppError> {
    let version = if audience == crate::lagesbild::Audience::Internal { "" } else { "-offentlig" };
    let name = format!("lagesbild-{}-{}-{}{version}", crate::export::file_stem(&v.area_name), v.from, v.to);
    let doc = crate::lagesbild::report(v, audience);
    crate::export::respond(&doc, format, &name)
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PeriodForm {
    #[serde(default, deserialize_with = "flex_string")]
    pub area: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub from: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub to: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub body: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub version: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub meeting_id: String,
}

fn period(f: &PeriodForm) -> Result<(AreaId, chrono::NaiveDate, chrono::NaiveDate), AppError> {
    let mut e = FieldErrors::new();
    let area = e.check("area", f.area.trim().parse::<i64>().map(AreaId).map_err(|_| "Okänt område.".to_string()));
    let from = e.check("from", tryggve_core::text::date(&f.from));
    let to = e.check("to", tryggve_core::text::date(&f.to));
    match (area, from, to) {
        (Some(a), Some(f), Some(t)) if e.is_empty() => Ok((a, f, t)),
        _ => Err(AppError::Invalid(e)),
    }
}

pub async fn save_text(State(s): State<AppState>, CsrfForm(user, f): CsrfForm<PeriodForm>) -> Response {
    let result: Result<Response, AppError> = async {
        user.require(Action::EditWorkingDocuments)?;
        let (area, from, to) = period(&f)?;
        let mut found = FieldErrors::new();
        crate::form::check_personal_data(&mut found, "body", &f.body, &s.db.private_names().await?);
        if !found.is_empty() {
            return Err(AppError::Invalid(found));
        }
        let body = tryggve_core::text::free_text(&f.body, tryggve_core::text::MAX_TEXT).map_err(|m| {
            let mut e = FieldErrors::new();
            e.add("body", m);
            AppError::Invalid(e)
        })?;
        let n = Narrative {
            id: NarrativeId(0),
            area_id: area,
            period_from: from,
            period_to: to,
            body,
            classification: Classification::Internal,
            version: f.version.trim().parse().unwrap_or(0),
        };
        s.db.save_narrative(&user.actor(), &user.viewer(), &n).await?;
        Ok(Redirect::to(&format!("/lagesbild?area={}&from={from}&to={to}", area.0)).into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

/// Freezes the lägesbild as a council member sees it.
pub async fn freeze(State(s): State<AppState>, CsrfForm(user, f): CsrfForm<PeriodForm>) -> Response {
    let result: Result<Response, AppError> = async {
        user.require(Action::EditWorkingDocuments)?;
        let (area, from, to) = period(&f)?;
        let q = PictureQuery {
            area: Some(area.0.to_string()),
            from: Some(from.to_string()),
            to: Some(to.to_string()),
            ..Default::default()
        };
        let meeting = f.meeting_id.trim().parse::<i64>().ok().map(tryggve_core::MeetingId);
        let snap = crate::lagesbild::freeze(&s.db, &user.actor(), &q, meeting, crate::auth::now().date()).await?;
        Ok(Redirect::to(&format!("/lagesbild/fryst/{}", snap.id)).into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

pub async fn frozen(State(s): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Response {
    let result: Result<Response, AppError> = async {
        let (snap, v, comparison) = crate::lagesbild::thaw(&s.db, id.parse().map_err(|_| AppError::NotFound)?).await?;
        let q = PictureQuery::default();
        page(&s, &user, v, &q, String::new(), Some(snap), Some(comparison)).await
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

pub async fn frozen_report(
    State(s): State<AppState>,
    user: CurrentUser,
    Path((id, format)): Path<(String, String)>,
) -> Response {
    let result: Result<Response, AppError> = async {
        let id: SnapshotId = id.parse().map_err(|_| AppError::NotFound)?;
        let (_, v, _) = crate::lagesbild::thaw(&s.db, id).await?;
        report_response(&v, &format, crate::lagesbild::Audience::Internal)
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}
