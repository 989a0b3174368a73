//! A meeting's agenda and minutes: the agenda from a template, filled from
//! the records (the frozen lägesbild, what changed since the last meeting,
//! what is due and what has stalled); notes and decisions per item, a
//! decision that becomes a measure; the minutes in two versions; approval
//! (justering) that makes them a public record; and the public page.

use super::{Layout, error_page};
use crate::AppState;
use crate::auth::{CsrfForm, CurrentUser, MaybeUser};
use crate::error::AppError;
use crate::followup::MeasureRef;
use crate::form::flex_string;
use crate::minutes::Version;
use crate::resource::{Lookups, Resource};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tryggve_core::access::Action;
use tryggve_core::meeting::{AgendaKind, AgendaTemplate, Meeting, MeetingItem, Minutes, agenda};
use tryggve_core::workdoc::{Measure, MeasureKind, MeasureStatus};
use tryggve_core::*;

pub struct AttendeeRow {
    pub name: String,
    pub title: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "meeting.html")]
pub struct MeetingPage {
    layout: Layout,
    m: Meeting,
    when: String,
    attendees: Vec<AttendeeRow>,
    invited: Vec<String>,
    contact: Option<tryggve_core::register::Person>,
    next: Option<Meeting>,
    can_edit: bool,
    kinds: Vec<(&'static str, &'static str)>,
    collaborations: Vec<(i64, String)>,
    organisations: Vec<(String, String)>,
    due: Vec<MeasureRef>,
    stalled: Vec<MeasureRef>,
    changes: Vec<crate::followup::ChangeView>,
    snapshots: Vec<tryggve_core::situation::Snapshot>,
    minutes: Vec<Minutes>,
}

fn parse_id<T: std::str::FromStr>(s: &str) -> Result<T, AppError> {
    s.parse().map_err(|_| AppError::NotFound)
}

pub async fn meeting(State(s): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Response {
    let result: Result<Response, AppError> = async {
        let viewer = user.viewer();
        let m = s.db.meeting(&viewer, parse_id(&id)?).await?;
        let lk = Lookups::load(&s.db).await?;
        let day = m.starts_at.date();
        let w = crate::followup::Working::load(&s.db, &viewer).await?;
        let council_collabs: Vec<&tryggve_core::workdoc::Collaboration> =
            w.collaborations.iter().filter(|c| c.council_id == m.council_id).collect();
        let in_council = |x: &Measure| council_collabs.iter().any(|c| c.id == x.collaboration_id);
        let due = w
            .measures
            .iter()
            .filter(|x| in_council(x) && tryggve_core::workdoc::due_at_meeting(x, &m.body, day))
            .map(|x| w.describe(x, &lk, day, s.config.stalled_weeks))
            .collect();
        let stalled = w
            .measures
            .iter()
            .filter(|x| in_council(x))
            .map(|x| w.describe(x, &lk, day, s.config.stalled_weeks))
            .filter(|r| !r.attention.is_empty())
            .collect();
        let meetings = s.db.meetings(&viewer, Some(m.council_id)).await?;
        let previous = meetings.iter().filter(|x| x.starts_at < m.starts_at).max_by_key(|x| x.starts_at);
        let changes = match previous {
            Some(p) => crate::followup::since(&s.db, &viewer, p.starts_at, None, day).await?.changes,
            None => vec![],
        };
        let contact = match m.contact_person_id {
            Some(p) => Some(s.db.person(p).await?),
            None => None,
        };
        let next = meetings.iter().filter(|x| x.starts_at > m.starts_at).min_by_key(|x| x.starts_at).cloned();
        Ok(MeetingPage {
            layout: Layout::new(
                &s,
                Some(&user),
                format!("{} {}", m.body, m.starts_at.format("%Y-%m-%d")),
                Meeting::PATH,
            ),
            when: super::swedish_when(&m),
            attendees: m
                .attendees
                .iter()
                .map(|a| AttendeeRow { name: lk.person_name(Some(a.person_id)), title: a.title.clone() })
                .collect(),
            invited: m.invited.iter().map(|p| lk.person_name(Some(*p))).collect(),
            contact,
            next,
            can_edit: user.may(Action::EditWorkingDocuments),
            kinds: AgendaKind::ALL.iter().map(|k| (k.as_str(), k.label())).collect(),
            collaborations: council_collabs.iter().map(|c| (c.id.0, c.name.clone())).collect(),
            organisations: lk.org_options(),
            due,
            stalled,
            changes,
            snapshots: s.db.snapshots(None).await?.into_iter().filter(|x| x.meeting_id == Some(m.id)).collect(),
            minutes: s.db.minutes_of(Some(m.id)).await?,
            m,
        }
        .into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

/// One change to the agenda, posted from the meeting page.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AgendaForm {
    /// `template_council`, `template_est`, `add`, `up`, `down`, `save`, `remove`.
    #[serde(default, deserialize_with = "flex_string")]
    pub op: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub position: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub heading: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub kind: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub body: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub decision: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub classification: String,
    /// Make the decision a measure in this collaboration …
    #[serde(default, deserialize_with = "flex_string")]
    pub create_measure_in: String,
    /// … with this responsible organisation and follow-up date.
    #[serde(default, deserialize_with = "flex_string")]
    pub responsible_org_id: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub next_follow_up: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub version: String,
}

pub async fn agenda_change(
    State(s): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(user, f): CsrfForm<AgendaForm>,
) -> Response {
    let result: Result<Response, AppError> = async {
        user.require(Action::EditWorkingDocuments)?;
        let viewer = user.viewer();
        let mut m = s.db.meeting(&viewer, parse_id(&id)?).await?;
        m.version = crate::form::version(&f.version).map_err(|msg| field("version", msg))?;
        let pos: usize = f.position.trim().parse().unwrap_or(usize::MAX);
        match f.op.as_str() {
            "template_council" | "template_est" => {
                let template = if f.op == "template_est" { AgendaTemplate::Est } else { AgendaTemplate::Council };
                let collabs: Vec<(CollaborationId, String)> =
                    s.db.collaborations(&viewer, Some(m.council_id))
                        .await?
                        .into_iter()
                        .map(|c| (c.id, c.name))
                        .collect();
                m.items.extend(agenda(template, &collabs));
            }
            "add" => {
                let heading = text::required_line(&f.heading, text::MAX_LINE).map_err(|msg| field("heading", msg))?;
                let kind = AgendaKind::parse(&f.kind).unwrap_or(AgendaKind::Free);
                m.items.push(MeetingItem {
                    heading,
                    body: String::new(),
                    classification: Classification::Public,
                    kind,
                    decision: String::new(),
                    collaboration_ids: vec![],
                    measure_id: None,
                });
            }
            "up" if pos > 0 && pos < m.items.len() => m.items.swap(pos, pos - 1),
            "down" if pos + 1 < m.items.len() => m.items.swap(pos, pos + 1),
            "remove" if pos < m.items.len() => {
                m.items.remove(pos);
            }
            "save" if pos < m.items.len() => {
                let mut e = FieldErrors::new();
                let body = e.check("body", text::free_text(&f.body, text::MAX_TEXT));
                let decision = e.check("decision", text::free_text(&f.decision, 5000));
                let names = s.db.private_names().await?;
                crate::form::check_personal_data(&mut e, "body", &f.body, &names);
                crate::form::check_personal_data(&mut e, "decision", &f.decision, &names);
                let classification = e.check("classification", Classification::parse(&f.classification));
                if classification == Some(Classification::Restricted) {
                    e.add("classification", "En dagordningspunkt kan vara offentlig eller intern.");
                }
                let next = e.check("next_follow_up", text::optional_date(&f.next_follow_up)).flatten();
                if !e.is_empty() {
                    return Err(AppError::Invalid(e));
                }
                let item = &mut m.items[pos];
                item.body = body.unwrap_or_default();
                item.decision = decision.unwrap_or_default();
                item.classification = classification.unwrap_or(Classification::Public);
                if let Some(collab) =
                    f.create_measure_in.trim().parse::<i64>().ok().filter(|_| item.measure_id.is_none())
                {
                    if item.decision.trim().is_empty() {
                        return Err(field("decision", "Skriv beslutet som åtgärden ska bygga på.".into()));
                    }
                    let c =
                        s.db.collaboration(&viewer, CollaborationId(collab))
                            .await
                            .map_err(|_| field("create_measure_in", "Okänd platssamverkan.".into()))?;
                    let org = f.responsible_org_id.trim().parse::<i64>().ok().map(OrgId);
                    let measure = Measure {
                        id: MeasureId(0),
                        collaboration_id: c.id,
                        kind: MeasureKind::Problem,
                        position: 0,
                        problem: item.heading.clone(),
                        place_id: None,
                        action: item.decision.clone(),
                        participants_text: String::new(),
                        participant_ids: vec![],
                        responsible_text: org.map(|o| format!("org {o}")).unwrap_or_default(),
                        responsible_org_id: org,
                        responsible_person_id: None,
                        status: MeasureStatus::Planned,
                        status_text: format!("Beslut på mötet {}", m.starts_at.format("%Y-%m-%d")),
                        classification: item.classification,
                        restricted_to: vec![],
                        legal_reference_id: None,
                        version: 1,
                        start_date: Some(m.starts_at.date()),
                        due_date: None,
                        next_follow_up: next,
                        follow_up_body: m.body.clone(),
                        tags: vec![],
                        expected_effect: String::new(),
                        priority_ids: vec![],
                        created_at: crate::auth::now(),
                    };
                    let lk = Lookups::load(&s.db).await?;
                    let measure = Measure { responsible_text: lk.org_name(org), ..measure };
                    item.measure_id = Some(s.db.create_measure(&user.actor(), &measure).await?);
                }
            }
            _ => return Err(AppError::BadRequest(format!("unknown agenda operation {:?}", f.op))),
        }
        s.db.update_meeting(&user.actor(), &viewer, &m).await?;
        Ok(Redirect::to(&format!("/moten/{}#dagordning", m.id)).into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

fn field(name: &str, msg: String) -> AppError {
    let mut e = FieldErrors::new();
    e.add(name, msg);
    AppError::Invalid(e)
}

/// The minutes in a version and format, as they are now (a draft).
pub async fn draft(
    State(s): State<AppState>,
    user: CurrentUser,
    Path((id, version, format)): Path<(String, String, String)>,
) -> Response {
    let result: Result<Response, AppError> = async {
        let version = Version::parse(&version).ok_or(AppError::NotFound)?;
        let v = crate::minutes::build(&s.db, &user.viewer(), parse_id(&id)?, version).await?;
        let doc = crate::minutes::document(&v, "Utkast – ej justerat");
        let name =
            format!("minnesanteckningar-{}-{}-{}", crate::export::file_stem(&v.body), v.date, version_word(version));
        crate::export::respond(&doc, &format, &name)
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

fn version_word(v: Version) -> &'static str {
    match v {
        Version::Internal => "intern",
        Version::Public => "offentlig",
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "approve.html")]
pub struct ApprovePage {
    layout: Layout,
    m: Meeting,
    preview: String,
}

/// Before approval: what becomes a public record, and the warning that says so.
pub async fn approve_form(State(s): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Response {
    let result: Result<Response, AppError> = async {
        user.require(Action::EditWorkingDocuments)?;
        let m = s.db.meeting(&user.viewer(), parse_id(&id)?).await?;
        let preview = format!("/moten/{}/protokoll/offentlig/html", m.id);
        Ok(ApprovePage { layout: Layout::new(&s, Some(&user), "Justera protokollet", Meeting::PATH), m, preview }
            .into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ApproveForm {
    #[serde(default, deserialize_with = "flex_string")]
    pub confirm: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub publish: String,
}

fn sha256(s: &str) -> String {
    Sha256::digest(s.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Approves the minutes: both versions frozen with their hashes, as the next version.
pub async fn approve(
    State(s): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(user, f): CsrfForm<ApproveForm>,
) -> Response {
    let result: Result<Response, AppError> = async {
        user.require(Action::EditWorkingDocuments)?;
        if f.confirm != "yes" {
            return Err(field("confirm", "Bekräfta att protokollet blir en allmän handling.".into()));
        }
        let m = s.db.meeting(&user.viewer(), parse_id(&id)?).await?;
        // The internal version as a council member sees it; the public one for everyone.
        let internal = crate::minutes::build(&s.db, &super::member_viewer(), m.id, Version::Internal).await?;
        let public = crate::minutes::build(&s.db, &user.viewer(), m.id, Version::Public).await?;
        let internal = serde_json::to_string(&internal).map_err(|e| AppError::Internal(e.to_string()))?;
        let public = serde_json::to_string(&public).map_err(|e| AppError::Internal(e.to_string()))?;
        let minutes = Minutes {
            id: MinutesId(0),
            meeting_id: m.id,
            version: 0,
            approved_at: crate::auth::now(),
            approved_by: String::new(),
            content_hash: sha256(&internal),
            public_hash: sha256(&public),
            internal_content: internal,
            public_content: public,
            published: f.publish == "on",
        };
        let saved = s.db.approve_minutes(&user.actor(), &minutes).await?;
        Ok(Redirect::to(&format!("/protokoll/{}", saved.id)).into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

fn approval_line(m: &Minutes) -> String {
    format!(
        "Justerat {} av {}, version {}. Kontrollsumma (SHA-256) {}.",
        m.approved_at.format("%Y-%m-%d"),
        m.approved_by,
        m.version,
        m.public_hash
    )
}

/// Approved minutes: the public version, to anyone once published and to logged-in users always.
pub async fn approved(State(s): State<AppState>, MaybeUser(user): MaybeUser, Path(id): Path<String>) -> Response {
    approved_file(State(s), MaybeUser(user), Path((id, "offentlig".into(), "html".into()))).await
}

/// Approved minutes as a file: `offentlig` for anyone when published, `intern` for members.
pub async fn approved_file(
    State(s): State<AppState>,
    MaybeUser(user): MaybeUser,
    Path((id, version, format)): Path<(String, String, String)>,
) -> Response {
    let result: Result<Response, AppError> = async {
        let minutes = s.db.minutes(parse_id(&id)?).await?;
        let version = Version::parse(&version).ok_or(AppError::NotFound)?;
        let content = match version {
            Version::Public if minutes.published || user.is_some() => &minutes.public_content,
            Version::Internal if user.is_some() => &minutes.internal_content,
            _ => return Err(AppError::NotFound),
        };
        let v: crate::minutes::MinutesView =
            serde_json::from_str(content).map_err(|e| AppError::Internal(e.to_string()))?;
        let name = format!(
            "protokoll-{}-{}-v{}-{}",
            crate::export::file_stem(&v.body),
            v.date,
            minutes.version,
            version_word(version)
        );
        crate::export::respond(&crate::minutes::document(&v, &approval_line(&minutes)), &format, &name)
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, user.as_ref()))
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PublishForm {
    #[serde(default, deserialize_with = "flex_string")]
    pub publish: String,
}

pub async fn publish(
    State(s): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(user, f): CsrfForm<PublishForm>,
) -> Response {
    let result: Result<Response, AppError> = async {
        user.require(Action::EditWorkingDocuments)?;
        let id: MinutesId = parse_id(&id)?;
        s.db.publish_minutes(&user.actor(), id, f.publish == "on").await?;
        Ok(Redirect::to(&format!("/protokoll/{id}")).into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

/// The published minutes, newest first: the public list that needs no login.
#[derive(Template, WebTemplate)]
#[template(path = "minutes_list.html")]
pub struct MinutesList {
    layout: Layout,
    rows: Vec<(i64, String, i64)>,
}

pub async fn published(State(s): State<AppState>, MaybeUser(user): MaybeUser) -> Response {
    let result: Result<Response, AppError> = async {
        let rows =
            s.db.minutes_of(None)
                .await?
                .into_iter()
                .filter(|m| m.published)
                .filter_map(|m| {
                    let v: crate::minutes::MinutesView = serde_json::from_str(&m.public_content).ok()?;
                    Some((m.id.0, format!("{} {}", v.body, v.date), m.version))
                })
                .collect();
        Ok(MinutesList { layout: Layout::new(&s, user.as_ref(), "Protokoll", "/protokoll"), rows }.into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, user.as_ref()))
}
