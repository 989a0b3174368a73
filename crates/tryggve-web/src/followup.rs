//! What keeps the working documents alive, as view models shared by pages
//! and the API: what is due at each body's next meeting, what has stalled or
//! is overdue, the user's own measures, what changed since a date, a place's
//! dossier, and search. The rules themselves are pure functions in
//! `tryggve_core::workdoc`.

use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::resource::Lookups;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use std::collections::HashMap;
use tryggve_core::meeting::Meeting;
use tryggve_core::register::{Area, AreaKind};
use tryggve_core::situation::Incident;
use tryggve_core::workdoc::{Attention, Collaboration, Measure, attention, due_at_meeting, is_mine};
use tryggve_core::{AreaId, Viewer};
use tryggve_db::Db;
use tryggve_db::changes::ChangeEntry;
use tryggve_db::search::Hit;
use tryggve_db::situation::IncidentFilter;

/// A measure as listed in the overviews.
#[derive(Debug, Clone, Serialize)]
pub struct MeasureRef {
    pub id: i64,
    pub collaboration_id: i64,
    pub collaboration: String,
    pub problem: String,
    pub action: String,
    pub status: &'static str,
    pub responsible: String,
    pub next_follow_up: Option<NaiveDate>,
    pub follow_up_body: String,
    pub due_date: Option<NaiveDate>,
    pub last_follow_up: Option<NaiveDate>,
    pub attention: Vec<Attention>,
    /// The attention reasons in Swedish.
    pub attention_text: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DueAtMeeting {
    pub body: String,
    pub meeting_id: i64,
    pub starts_at: NaiveDateTime,
    pub measures: Vec<MeasureRef>,
}

/// The follow-up overview.
#[derive(Debug, Clone, Serialize)]
pub struct Overview {
    pub today: NaiveDate,
    pub stalled_weeks: i64,
    pub due: Vec<DueAtMeeting>,
    pub needs_attention: Vec<MeasureRef>,
    pub mine: Vec<MeasureRef>,
}

/// The measures the viewer may see, with their collaboration and last follow-up.
pub struct Working {
    pub measures: Vec<Measure>,
    pub collaborations: Vec<Collaboration>,
    pub last_follow_up: HashMap<i64, NaiveDate>,
}

impl Working {
    pub async fn load(db: &Db, viewer: &Viewer) -> Result<Working, AppError> {
        let measures = db.measures(viewer, None).await?;
        let collaborations = db.collaborations(viewer, None).await?;
        let mut last_follow_up: HashMap<i64, NaiveDate> = HashMap::new();
        for f in db.follow_ups(viewer, None).await? {
            let e = last_follow_up.entry(f.measure_id.0).or_insert(f.date);
            *e = (*e).max(f.date);
        }
        Ok(Working { measures, collaborations, last_follow_up })
    }

    pub fn describe(&self, m: &Measure, lk: &Lookups, today: NaiveDate, stalled_weeks: i64) -> MeasureRef {
        let last = self.last_follow_up.get(&m.id.0).copied();
        let att = attention(m, last, today, stalled_weeks);
        let responsible = [lk.org_name(m.responsible_org_id), lk.person_name(m.responsible_person_id)]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        MeasureRef {
            id: m.id.0,
            collaboration_id: m.collaboration_id.0,
            collaboration: self
                .collaborations
                .iter()
                .find(|c| c.id == m.collaboration_id)
                .map_or_else(String::new, |c| c.name.clone()),
            problem: m.problem.clone(),
            action: m.action.clone(),
            status: m.status.label(),
            responsible: if responsible.is_empty() { m.responsible_text.clone() } else { responsible },
            next_follow_up: m.next_follow_up,
            follow_up_body: m.follow_up_body.clone(),
            due_date: m.due_date,
            last_follow_up: last,
            attention_text: att.iter().map(Attention::describe).collect(),
            attention: att,
        }
    }
}

/// What is due, what needs attention, and the user's own measures.
pub async fn overview(db: &Db, user: &CurrentUser, today: NaiveDate, stalled_weeks: i64) -> Result<Overview, AppError> {
    let viewer = user.viewer();
    let lk = Lookups::load(db).await?;
    let w = Working::load(db, &viewer).await?;
    // The next meeting of each body.
    let meetings = db.meetings(&viewer, None).await?;
    let mut next: HashMap<String, &Meeting> = HashMap::new();
    for m in meetings.iter().filter(|m| m.starts_at.date() >= today) {
        let e = next.entry(m.body.to_lowercase()).or_insert(m);
        if m.starts_at < e.starts_at {
            *e = m;
        }
    }
    let mut next: Vec<&Meeting> = next.into_values().collect();
    next.sort_by_key(|m| m.starts_at);
    let due = next
        .into_iter()
        .map(|meeting| DueAtMeeting {
            body: meeting.body.clone(),
            meeting_id: meeting.id.0,
            starts_at: meeting.starts_at,
            measures: w
                .measures
                .iter()
                .filter(|m| due_at_meeting(m, &meeting.body, meeting.starts_at.date()))
                .map(|m| w.describe(m, &lk, today, stalled_weeks))
                .collect(),
        })
        .collect();
    let needs_attention = w
        .measures
        .iter()
        .map(|m| w.describe(m, &lk, today, stalled_weeks))
        .filter(|r| !r.attention.is_empty())
        .collect();
    let mine = w
        .measures
        .iter()
        .filter(|m| is_mine(m, user.user.organisation_id, user.user.person_id))
        .map(|m| w.describe(m, &lk, today, stalled_weeks))
        .collect();
    Ok(Overview { today, stalled_weeks, due, needs_attention, mine })
}

/// A change as shown on the "since" page.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeView {
    pub change: ChangeEntry,
    pub collaboration: String,
    pub measure: Option<MeasureRef>,
    /// Swedish description.
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Since {
    pub since: NaiveDateTime,
    /// The meeting the date came from, when it is "since the last meeting".
    pub since_meeting: Option<String>,
    pub changes: Vec<ChangeView>,
}

fn status_label(code: &str) -> &'static str {
    tryggve_core::workdoc::MeasureStatus::parse(code).map_or("?", |s| s.label())
}

/// The last meeting before today, of any body the viewer may see.
pub async fn last_meeting(db: &Db, viewer: &Viewer, today: NaiveDate) -> Result<Option<Meeting>, AppError> {
    Ok(db.meetings(viewer, None).await?.into_iter().filter(|m| m.starts_at.date() < today).max_by_key(|m| m.starts_at))
}

pub async fn since(
    db: &Db,
    viewer: &Viewer,
    since: NaiveDateTime,
    meeting: Option<String>,
    today: NaiveDate,
) -> Result<Since, AppError> {
    let lk = Lookups::load(db).await?;
    let w = Working::load(db, viewer).await?;
    let changes = db
        .changes_since(viewer, since, 0)
        .await?
        .into_iter()
        .map(|c| {
            let measure = c
                .measure_id
                .and_then(|id| w.measures.iter().find(|m| m.id.0 == id))
                .map(|m| w.describe(m, &lk, today, 8));
            let what = measure
                .as_ref()
                .map_or_else(String::new, |m| if m.action.is_empty() { m.problem.clone() } else { m.action.clone() });
            let text = match c.kind {
                "new_measure" => format!("Ny rad: {what}"),
                "status" => {
                    let (a, b) = c.status.clone().unwrap_or_default();
                    format!("Status ändrad från {} till {}: {what}", status_label(&a), status_label(&b))
                }
                "note" => format!("Ny uppföljning: {what}"),
                "edit" => format!("Ändrad ({}): {what}", c.fields.join(", ")),
                _ => "Platssamverkan ändrad".to_owned(),
            };
            ChangeView {
                collaboration: w
                    .collaborations
                    .iter()
                    .find(|k| k.id.0 == c.collaboration_id)
                    .map_or_else(String::new, |k| k.name.clone()),
                measure,
                text,
                change: c,
            }
        })
        .collect();
    Ok(Since { since, since_meeting: meeting, changes })
}

/// Everything about one place.
#[derive(Debug, Clone, Serialize)]
pub struct Dossier {
    pub area: Area,
    /// The areas inside it (for a district: its places).
    pub inside: Vec<Area>,
    pub collaborations: Vec<Collaboration>,
    pub measures: Vec<MeasureRef>,
    pub incidents: Vec<Incident>,
}

pub async fn dossier(db: &Db, viewer: &Viewer, id: AreaId, today: NaiveDate) -> Result<Dossier, AppError> {
    let lk = Lookups::load(db).await?;
    let area = lk.areas.iter().find(|a| a.id == id).cloned().ok_or(AppError::NotFound)?;
    let ids = crate::situation::descendants(&lk, id);
    let w = Working::load(db, viewer).await?;
    let collaborations: Vec<Collaboration> =
        w.collaborations.iter().filter(|c| c.place_ids.iter().any(|p| ids.contains(p))).cloned().collect();
    let measures = w
        .measures
        .iter()
        .filter(|m| m.place_id.is_some_and(|p| ids.contains(&p)))
        .map(|m| w.describe(m, &lk, today, 8))
        .collect();
    let incidents = db
        .incidents(
            viewer,
            &IncidentFilter { area_ids: ids.clone(), limit: Some(200), newest_first: true, ..Default::default() },
        )
        .await?;
    let inside =
        lk.areas.iter().filter(|a| ids.contains(&a.id) && a.id != id && a.kind == AreaKind::Place).cloned().collect();
    Ok(Dossier { area, inside, collaborations, measures, incidents })
}

/// A search hit with the names it belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct HitView {
    pub hit: Hit,
    pub collaboration: String,
    pub href: String,
    pub kind_label: &'static str,
    /// The hit's text, shortened around the first word found.
    pub excerpt: String,
}

pub async fn search(db: &Db, viewer: &Viewer, q: &str) -> Result<Vec<HitView>, AppError> {
    let hits = db.search(viewer, q, 100).await?;
    let collaborations = db.collaborations(viewer, None).await?;
    let words = tryggve_db::search::words(q);
    Ok(hits
        .into_iter()
        .map(|h| HitView {
            collaboration: collaborations
                .iter()
                .find(|c| c.id.0 == h.collaboration_id)
                .map_or_else(String::new, |c| c.name.clone()),
            href: match h.measure_id {
                Some(m) => format!("/atgarder/{m}"),
                None => format!("/samverkan/{}", h.collaboration_id),
            },
            kind_label: match h.record_type.as_str() {
                "measure" => "Åtgärd",
                "follow_up" => "Uppföljning",
                _ => "Platssamverkan",
            },
            excerpt: excerpt(&h.text, &words),
            hit: h,
        })
        .collect())
}

/// About 200 characters around the first occurrence of any of `words`.
pub fn excerpt(text: &str, words: &[String]) -> String {
    let lower = text.to_lowercase();
    let at = words.iter().filter_map(|w| lower.find(w.as_str())).min().unwrap_or(0);
    let chars: Vec<char> = text.chars().collect();
    let at_char = text[..at.min(text.len())].chars().count().min(chars.len());
    let start = at_char.saturating_sub(60);
    let end = (start + 200).min(chars.len());
    let mut s: String = chars[start..end].iter().collect::<String>().replace('\n', " ");
    if start > 0 {
        s = format!("…{s}");
    }
    if end < chars.len() {
        s.push('…');
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_excerpt_is_taken_around_the_first_hit() {
        let text = format!("{}Trekantsparken har klotter{}", "a".repeat(300), "b".repeat(300));
        let e = super::excerpt(&text, &["klotter".into()]);
        assert!(e.starts_with('…') && e.ends_with('…') && e.contains("klotter"));
        assert_eq!(super::excerpt("kort text", &["x".into()]), "kort text");
    }
}
