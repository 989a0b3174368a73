//! The pages that show a record as people read it: a collaboration's working
//! document, a measure with its history and follow-up form, a meeting, a
//! priority. Editing goes through the generic forms.

use super::{Layout, error_page};
use crate::AppState;
use crate::auth::{CsrfForm, CurrentUser};
use crate::error::AppError;
use crate::form::flex_string;
use crate::resource::{Lookups, Resource};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use tryggve_core::access::Action;
use tryggve_core::meeting::Meeting;
use tryggve_core::priority::Priority;
use tryggve_core::text;
use tryggve_core::workdoc::{Collaboration, FollowUp, Measure, MeasureKind, MeasureStatus};
use tryggve_core::*;

pub(super) fn routes(r: Router<AppState>) -> Router<AppState> {
    r.route("/samverkan/{id}", get(collaboration))
        .route("/samverkan/{id}/arbetsdokument/{format}", get(workdoc_download))
        .route("/atgarder/{id}", get(measure))
        .route("/atgarder/{id}/uppfoljning", post(add_follow_up))
        .route("/prioriteringar/{id}", get(priority))
}

/// Splits free text into paragraphs at blank lines (templates render each as `<p>`).
pub fn paragraphs(s: &str) -> Vec<String> {
    s.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect()
}

/// A row of a working-document table as displayed.
pub struct Row {
    pub measure: Measure,
    pub place: String,
    pub status: &'static str,
    pub attention: Vec<String>,
    pub last_follow_up: Option<chrono::NaiveDate>,
}

/// Rows about one problem area (a place, or the rows that name none).
pub struct Group {
    pub heading: String,
    pub rows: Vec<Row>,
}

pub struct Table {
    pub kind: MeasureKind,
    pub heading: &'static str,
    pub first_column: &'static str,
    pub groups: Vec<Group>,
    pub count: usize,
}

/// Groups a table's rows by their place, in the order the places first appear.
pub fn group_rows(rows: Vec<Row>) -> Vec<Group> {
    let mut groups: Vec<Group> = vec![];
    for r in rows {
        let heading = if r.place.is_empty() { "Övrigt".to_owned() } else { r.place.clone() };
        match groups.iter_mut().find(|g| g.heading == heading) {
            Some(g) => g.rows.push(r),
            None => groups.push(Group { heading, rows: vec![r] }),
        }
    }
    // Rows without a place come last.
    groups.sort_by_key(|g| g.heading == "Övrigt");
    groups
}

#[derive(Template, WebTemplate)]
#[template(path = "collaboration.html")]
pub struct CollaborationPage {
    layout: Layout,
    c: Collaboration,
    council: String,
    places: Vec<(i64, String)>,
    narrative: Vec<String>,
    tables: Vec<Table>,
    /// Classification, organisations and legal reference, as one line.
    secrecy: String,
    can_edit: bool,
    statuses: Vec<(&'static str, &'static str)>,
}

fn parse_id<T: std::str::FromStr>(s: &str) -> Result<T, AppError> {
    s.parse().map_err(|_| AppError::NotFound)
}

async fn collaboration(State(s): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Response {
    let result: Result<Response, AppError> = async {
        let viewer = user.viewer();
        let c: Collaboration = crate::access_log::get(&s, &user, parse_id(&id)?).await?;
        let lk = Lookups::load(&s.db).await?;
        let mut measures = s.db.measures(&viewer, Some(c.id)).await?;
        measures.sort_by_key(|m| (m.position, m.id));
        let mut last: std::collections::HashMap<MeasureId, chrono::NaiveDate> = Default::default();
        for f in s.db.follow_ups(&viewer, None).await? {
            let e = last.entry(f.measure_id).or_insert(f.date);
            *e = (*e).max(f.date);
        }
        let today = crate::auth::now().date();
        let tables = MeasureKind::ALL
            .iter()
            .map(|k| {
                let rows: Vec<Row> = measures
                    .iter()
                    .filter(|m| m.kind == *k)
                    .map(|m| Row {
                        measure: m.clone(),
                        place: lk.area_name(m.place_id),
                        status: m.status.label(),
                        attention: tryggve_core::workdoc::attention(
                            m,
                            last.get(&m.id).copied(),
                            today,
                            s.config.stalled_weeks,
                        )
                        .iter()
                        .map(|a| a.describe())
                        .collect(),
                        last_follow_up: last.get(&m.id).copied(),
                    })
                    .collect();
                Table {
                    kind: *k,
                    heading: k.label(),
                    first_column: match k {
                        MeasureKind::Problem => "Problemområde",
                        MeasureKind::Development => "Utvecklingsområde",
                    },
                    count: rows.len(),
                    groups: group_rows(rows),
                }
            })
            .collect();
        Ok(CollaborationPage {
            layout: Layout::new(&s, Some(&user), c.name.clone(), Collaboration::PATH),
            council: lk.council_name(c.council_id),
            places: c.place_ids.iter().map(|p| (p.0, lk.area_name(Some(*p)))).collect(),
            narrative: paragraphs(&c.narrative),
            tables,
            secrecy: lk.secrecy_label(c.classification, &c.restricted_to, c.legal_reference_id),
            can_edit: user.may(Action::EditWorkingDocuments),
            statuses: MeasureStatus::ALL.iter().map(|s| (s.as_str(), s.label())).collect(),
            c,
        }
        .into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

#[derive(Template, WebTemplate)]
#[template(path = "measure.html")]
pub struct MeasurePage {
    layout: Layout,
    m: Measure,
    collaboration: Collaboration,
    place: String,
    participants: Vec<String>,
    responsible: Vec<String>,
    history: Vec<FollowUp>,
    /// Classification, organisations and legal reference, as one line.
    secrecy: String,
    can_edit: bool,
    can_follow_up: bool,
    form: FollowUpInput,
    errors: FieldErrors,
    statuses: Vec<(&'static str, &'static str)>,
}

impl MeasurePage {
    fn status_label(&self, s: &Option<MeasureStatus>) -> &'static str {
        s.map_or("", |s| s.label())
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct FollowUpInput {
    #[serde(default, deserialize_with = "flex_string")]
    pub date: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub text: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub new_status: String,
    /// The measure's version the user saw (guards a status change).
    #[serde(default, deserialize_with = "flex_string")]
    pub version: String,
}

/// Checks a follow-up; the author is the logged-in user, never typed.
pub fn check_follow_up(
    i: &FollowUpInput,
    measure: MeasureId,
    user: &CurrentUser,
    author: String,
    private_names: &[String],
) -> Result<(FollowUp, i64), FieldErrors> {
    let mut e = FieldErrors::new();
    let date = e.check("date", text::date(&i.date));
    let body = e.check("text", text::free_text(&i.text, 5000));
    crate::form::check_personal_data(&mut e, "text", &i.text, private_names);
    if body.as_deref() == Some("") {
        e.add("text", "Skriv vad som hänt.");
    }
    let new_status =
        if i.new_status.trim().is_empty() { None } else { e.check("new_status", MeasureStatus::parse(&i.new_status)) };
    let version = e.check("version", crate::form::version(&i.version)).unwrap_or(0);
    e.into_result(|| {
        (
            FollowUp {
                id: FollowUpId(0),
                measure_id: measure,
                date: date.unwrap_or_default(),
                author,
                author_user_id: Some(user.user.id),
                text: body.unwrap_or_default(),
                new_status,
                created_at: crate::auth::now(),
            },
            version,
        )
    })
}

async fn measure_page(
    s: &AppState,
    user: &CurrentUser,
    id: MeasureId,
    form: Option<FollowUpInput>,
    errors: FieldErrors,
) -> Result<MeasurePage, AppError> {
    let viewer = user.viewer();
    let m: Measure = crate::access_log::get(s, user, id).await?;
    let collaboration = s.db.collaboration(&viewer, m.collaboration_id).await?;
    let lk = Lookups::load(&s.db).await?;
    let mut history = s.db.follow_ups(&viewer, Some(m.id)).await?;
    history.reverse();
    let responsible = [lk.org_name(m.responsible_org_id), lk.person_name(m.responsible_person_id)]
        .into_iter()
        .filter(|x| !x.is_empty())
        .collect();
    let form = form.unwrap_or_else(|| FollowUpInput {
        date: crate::auth::now().date().format("%Y-%m-%d").to_string(),
        version: m.version.to_string(),
        ..Default::default()
    });
    Ok(MeasurePage {
        layout: Layout::new(s, Some(user), m.label(), Collaboration::PATH),
        place: lk.area_name(m.place_id),
        secrecy: lk.secrecy_label(m.classification, &m.restricted_to, m.legal_reference_id),
        participants: m.participant_ids.iter().map(|o| lk.org_name(Some(*o))).collect(),
        responsible,
        history,
        can_edit: user.may(Action::EditWorkingDocuments),
        can_follow_up: user.may(Action::AddFollowUp),
        form,
        errors,
        statuses: MeasureStatus::ALL.iter().map(|s| (s.as_str(), s.label())).collect(),
        collaboration,
        m,
    })
}

async fn measure(State(s): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Response {
    let result: Result<Response, AppError> =
        async { Ok(measure_page(&s, &user, parse_id(&id)?, None, FieldErrors::new()).await?.into_response()) }.await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

/// The signature on a follow-up: the user's name in the register, else the user name.
pub async fn author_name(s: &AppState, user: &CurrentUser) -> Result<String, AppError> {
    Ok(match user.user.person_id {
        Some(p) => s.db.person(p).await.map(|p| p.name).unwrap_or_else(|_| user.user.username.clone()),
        None => user.user.username.clone(),
    })
}

async fn add_follow_up(
    State(s): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(user, input): CsrfForm<FollowUpInput>,
) -> Response {
    let result: Result<Response, AppError> = async {
        user.require(Action::AddFollowUp)?;
        let id: MeasureId = parse_id(&id)?;
        let author = author_name(&s, &user).await?;
        let errors = match check_follow_up(&input, id, &user, author, &s.db.private_names().await?) {
            Ok((f, version)) => match s.db.add_follow_up(&user.actor(), &user.viewer(), &f, version).await {
                Ok(_) => return Ok(Redirect::to(&format!("/atgarder/{id}#historik")).into_response()),
                Err(tryggve_db::DbError::Conflict { .. }) => {
                    let mut e = FieldErrors::new();
                    e.add(
                        "new_status",
                        "Åtgärden har ändrats av någon annan sedan du öppnade sidan. Se den aktuella statusen och \
                         skicka igen; din text finns kvar.",
                    );
                    let mut page = measure_page(&s, &user, id, Some(input), e).await?;
                    page.form.version = page.m.version.to_string();
                    return Ok((StatusCode::CONFLICT, page).into_response());
                }
                Err(e) => return Err(e.into()),
            },
            Err(e) => e,
        };
        let page = measure_page(&s, &user, id, Some(input), errors).await?;
        Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

#[derive(Template, WebTemplate)]
#[template(path = "priority.html")]
pub struct PriorityPage {
    layout: Layout,
    p: Priority,
    summary: Vec<String>,
    can_edit: bool,
}

async fn priority(State(s): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Response {
    let result: Result<Response, AppError> = async {
        let p = s.db.priority(&user.viewer(), parse_id(&id)?).await?;
        Ok(PriorityPage {
            layout: Layout::new(&s, Some(&user), p.title.clone(), Priority::PATH),
            summary: paragraphs(&p.summary),
            can_edit: user.may(Action::EditWorkingDocuments),
            p,
        }
        .into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

/// "Fredagen den 17 september 2021 kl. 09.00-11.00", as the minutes write it.
pub fn swedish_when(m: &Meeting) -> String {
    use chrono::Datelike;
    const DAYS: [&str; 7] = ["Måndagen", "Tisdagen", "Onsdagen", "Torsdagen", "Fredagen", "Lördagen", "Söndagen"];
    const MONTHS: [&str; 12] = [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
        "juli",
        "augusti",
        "september",
        "oktober",
        "november",
        "december",
    ];
    let d = m.starts_at.date();
    let mut s = format!(
        "{} den {} {} {} kl. {}",
        DAYS[d.weekday().num_days_from_monday() as usize],
        d.day(),
        MONTHS[d.month0() as usize],
        d.year(),
        m.starts_at.format("%H.%M")
    );
    if let Some(e) = m.ends_at {
        s.push_str(&format!("-{}", e.format("%H.%M")));
    }
    s
}

/// The working document as DOCX, XLSX, PDF or print HTML: what the viewer may see, nothing more.
async fn workdoc_download(
    State(s): State<AppState>,
    user: CurrentUser,
    Path((id, format)): Path<(String, String)>,
) -> Response {
    let result: Result<Response, AppError> = async {
        let id: CollaborationId = parse_id(&id)?;
        let v = crate::workdoc_export::view(&s.db, &user.viewer(), id, crate::auth::now().date()).await?;
        let bytes = crate::workdoc_export::render(&v, &format)?;
        let name = format!("arbetsdokument-{}-{}", crate::export::file_stem(&v.collaboration), v.date);
        let disposition =
            if format == "html" { "inline".to_owned() } else { format!("attachment; filename=\"{name}.{format}\"") };
        let policy = crate::export::document_policy(if format == "html" { &bytes } else { b"" });
        Ok((
            [
                (axum::http::header::CONTENT_TYPE, crate::workdoc_export::content_type(&format).to_owned()),
                (axum::http::header::CONTENT_DISPOSITION, disposition),
                (axum::http::header::CONTENT_SECURITY_POLICY, policy),
            ],
            bytes,
        )
            .into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meeting_times_are_written_as_in_the_minutes() {
        let d = chrono::NaiveDate::from_ymd_opt(2021, 9, 17).unwrap();
        let m = Meeting {
            id: MeetingId(1),
            council_id: CouncilId(1),
            body: "Råd".into(),
            starts_at: d.and_hms_opt(9, 0, 0).unwrap(),
            ends_at: d.and_hms_opt(11, 0, 0),
            location: String::new(),
            online: true,
            opening: String::new(),
            contact_person_id: None,
            attendees: vec![],
            items: vec![],
            invited: vec![],
            classification: Classification::Public,
            restricted_to: vec![],
            legal_reference_id: None,
            version: 1,
        };
        assert_eq!(swedish_when(&m), "Fredagen den 17 september 2021 kl. 09.00-11.00");
    }
}
