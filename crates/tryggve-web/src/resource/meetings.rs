//! Priorities and meetings as editable resources. Their nested parts
//! (starting points, methods) are edited as structured text: a heading line,
//! then its content, blocks separated by a blank line.

use super::workdoc::{check_classification, classification_fields};
use super::{Lookups, Resource, parse_version};
use crate::auth::CurrentUser;
use crate::form::{Field, flex_list, flex_string};
use serde::Deserialize;
use tryggve_core::access::Action;
use tryggve_core::meeting::{Attendee, Meeting};
use tryggve_core::priority::{Method, Priority, StartingPoint};
use tryggve_core::text::{self, MAX_LINE, MAX_TEXT};
use tryggve_core::*;
use tryggve_db::{Actor, Db, Result as DbResult};

/// Starting points as text: each block is a heading line followed by `- point` lines.
pub fn starting_points_text(sp: &[StartingPoint]) -> String {
    sp.iter()
        .map(|s| {
            let mut b = s.heading.clone();
            for i in &s.items {
                b.push_str("\n- ");
                b.push_str(i);
            }
            b
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

pub fn parse_starting_points(s: &str) -> Vec<StartingPoint> {
    blocks(s)
        .into_iter()
        .map(|lines| StartingPoint {
            heading: lines[0].trim().to_owned(),
            items: lines[1..].iter().map(|l| l.trim().trim_start_matches(['-', '▫', '•']).trim().to_owned()).collect(),
        })
        .collect()
}

/// Methods as text: each block starts with `## Title`, the rest is its body.
pub fn methods_text(m: &[Method]) -> String {
    m.iter().map(|m| format!("## {}\n{}", m.title, m.body)).collect::<Vec<_>>().join("\n\n")
}

pub fn parse_methods(s: &str) -> Vec<Method> {
    let mut out: Vec<Method> = vec![];
    for line in s.replace("\r\n", "\n").lines() {
        if let Some(t) = line.strip_prefix("## ") {
            out.push(Method { title: t.trim().to_owned(), body: String::new() });
        } else if let Some(m) = out.last_mut() {
            if !m.body.is_empty() || !line.trim().is_empty() {
                m.body.push_str(line);
                m.body.push('\n');
            }
        } else if !line.trim().is_empty() {
            out.push(Method { title: line.trim().to_owned(), body: String::new() });
        }
    }
    for m in &mut out {
        m.body = m.body.trim_end().to_owned();
    }
    out
}

fn blocks(s: &str) -> Vec<Vec<&str>> {
    let mut out: Vec<Vec<&str>> = vec![];
    let mut cur: Vec<&str> = vec![];
    for line in s.lines() {
        if line.trim().is_empty() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push(line);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Starting points as the form's text, or as the JSON list `GET` returns.
fn starting_points_or_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum V {
        Text(String),
        List(Vec<StartingPoint>),
        None(()),
    }
    Ok(match Option::<V>::deserialize(d)? {
        Some(V::Text(s)) => s,
        Some(V::List(l)) => starting_points_text(&l),
        Some(V::None(())) | None => String::new(),
    })
}

/// Methods as the form's text, or as the JSON list `GET` returns.
fn methods_or_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum V {
        Text(String),
        List(Vec<Method>),
        None(()),
    }
    Ok(match Option::<V>::deserialize(d)? {
        Some(V::Text(s)) => s,
        Some(V::List(l)) => methods_text(&l),
        Some(V::None(())) | None => String::new(),
    })
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PriorityInput {
    #[serde(default, deserialize_with = "flex_string")]
    pub council_id: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub title: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub summary: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub plan_title: String,
    /// Text (a form) or the list the API returns.
    #[serde(default, deserialize_with = "starting_points_or_text")]
    pub starting_points: String,
    #[serde(default, deserialize_with = "methods_or_text")]
    pub methods: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub classification: String,
    #[serde(default, deserialize_with = "flex_list")]
    pub restricted_to: Vec<String>,
    #[serde(default, deserialize_with = "flex_string")]
    pub legal_reference_id: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub version: String,
}

impl Resource for Priority {
    const RECORD_TYPE: &'static str = "priority";
    fn restricted(&self) -> bool {
        self.classification == Classification::Restricted
    }
    type Id = PriorityId;
    type Input = PriorityInput;
    const API: &'static str = "priorities";
    const PATH: &'static str = "/prioriteringar";
    const TITLE: &'static str = "Prioriterade områden";
    const SINGULAR: &'static str = "prioriterat område";

    fn id(&self) -> PriorityId {
        self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
    fn label(&self) -> String {
        self.title.clone()
    }
    fn write_action() -> Action {
        Action::EditWorkingDocuments
    }
    async fn list(db: &Db, v: &Viewer) -> DbResult<Vec<Self>> {
        db.priorities(v, None).await
    }
    async fn get(db: &Db, v: &Viewer, id: PriorityId) -> DbResult<Self> {
        db.priority(v, id).await
    }
    async fn create(db: &Db, actor: &Actor, r: &Self) -> DbResult<PriorityId> {
        db.create_priority(actor, r).await
    }
    async fn update(db: &Db, actor: &Actor, v: &Viewer, r: &Self) -> DbResult<()> {
        db.update_priority(actor, v, r).await
    }
    fn to_input(&self, _: &Lookups) -> PriorityInput {
        PriorityInput {
            council_id: self.council_id.to_string(),
            title: self.title.clone(),
            summary: self.summary.clone(),
            plan_title: self.plan_title.clone(),
            starting_points: starting_points_text(&self.starting_points),
            methods: methods_text(&self.methods),
            classification: self.classification.as_str().into(),
            restricted_to: self.restricted_to.iter().map(|o| o.to_string()).collect(),
            legal_reference_id: self.legal_reference_id.map(|r| r.to_string()).unwrap_or_default(),
            version: self.version.to_string(),
        }
    }
    fn from_input(
        i: &PriorityInput,
        existing: Option<&Self>,
        lk: &Lookups,
        _: &CurrentUser,
    ) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let council_id = lk.check_council(&mut e, "council_id", &i.council_id);
        let title = e.check("title", text::required_line(&i.title, MAX_LINE));
        let summary = e.check("summary", text::free_text(&i.summary, MAX_TEXT));
        let plan_title = e.check("plan_title", text::optional_line(&i.plan_title, MAX_LINE));
        let sp = e.check("starting_points", text::free_text(&i.starting_points, MAX_TEXT));
        let me = e.check("methods", text::free_text(&i.methods, MAX_TEXT * 2));
        let (classification, restricted_to, legal_reference_id) = check_classification(
            &mut e,
            lk,
            Self::RECORD_TYPE,
            &i.classification,
            &i.restricted_to,
            &i.legal_reference_id,
        );
        let version = parse_version(&mut e, existing.is_some(), &i.version);
        e.into_result(|| Priority {
            id: existing.map_or(PriorityId(0), |x| x.id),
            council_id: council_id.unwrap_or(CouncilId(0)),
            title: title.unwrap_or_default(),
            summary: summary.unwrap_or_default(),
            plan_title: plan_title.unwrap_or_default(),
            starting_points: parse_starting_points(&sp.unwrap_or_default()),
            methods: parse_methods(&me.unwrap_or_default()),
            classification,
            restricted_to,
            legal_reference_id,
            version,
        })
    }
    fn fields(i: &PriorityInput, lk: &Lookups) -> Vec<Field> {
        let [c, r, l] =
            classification_fields(Self::RECORD_TYPE, &i.classification, &i.restricted_to, &i.legal_reference_id, lk);
        vec![
            Field::new("council_id", "Råd", "select", &i.council_id).options(lk.council_options()).required(),
            Field::new("title", "Rubrik", "text", &i.title).required(),
            Field::new("summary", "Sammanfattning", "textarea", &i.summary),
            Field::new("plan_title", "Handlingsplan", "text", &i.plan_title),
            Field::new("starting_points", "Prioriterade utgångspunkter", "textarea", &i.starting_points)
                .hint("En rubrik per stycke, följd av punkter som börjar med \"- \". Tom rad mellan styckena."),
            Field::new("methods", "Metoder och arbetssätt", "textarea", &i.methods)
                .hint("Varje metod börjar med en rad \"## Rubrik\" följd av dess text."),
            c,
            r,
            l,
        ]
    }
    fn input_version(i: &PriorityInput) -> &str {
        &i.version
    }
    fn columns() -> &'static [&'static str] {
        &["Rubrik", "Råd", "Klassning"]
    }
    fn row(&self, lk: &Lookups) -> Vec<String> {
        vec![self.title.clone(), lk.council_name(self.council_id), self.classification.label().into()]
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct MeetingInput {
    #[serde(default, deserialize_with = "flex_string")]
    pub council_id: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub body: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub date: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub start_time: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub end_time: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub location: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub online: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub opening: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub contact_person_id: String,
    #[serde(default, deserialize_with = "flex_list")]
    pub attendee_ids: Vec<String>,
    #[serde(default, deserialize_with = "flex_list")]
    pub invited_ids: Vec<String>,
    #[serde(default, deserialize_with = "flex_string")]
    pub classification: String,
    #[serde(default, deserialize_with = "flex_list")]
    pub restricted_to: Vec<String>,
    #[serde(default, deserialize_with = "flex_string")]
    pub legal_reference_id: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub version: String,
}

impl Resource for Meeting {
    const RECORD_TYPE: &'static str = "meeting";
    fn restricted(&self) -> bool {
        self.classification == Classification::Restricted
    }
    type Id = MeetingId;
    type Input = MeetingInput;
    const API: &'static str = "meetings";
    const PATH: &'static str = "/moten";
    const TITLE: &'static str = "Möten";
    const SINGULAR: &'static str = "möte";

    fn id(&self) -> MeetingId {
        self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
    fn label(&self) -> String {
        format!("{} {}", self.body, self.starts_at.format("%Y-%m-%d"))
    }
    fn write_action() -> Action {
        Action::EditWorkingDocuments
    }
    async fn list(db: &Db, v: &Viewer) -> DbResult<Vec<Self>> {
        db.meetings(v, None).await
    }
    async fn get(db: &Db, v: &Viewer, id: MeetingId) -> DbResult<Self> {
        db.meeting(v, id).await
    }
    async fn create(db: &Db, actor: &Actor, r: &Self) -> DbResult<MeetingId> {
        db.create_meeting(actor, r).await
    }
    async fn update(db: &Db, actor: &Actor, v: &Viewer, r: &Self) -> DbResult<()> {
        db.update_meeting(actor, v, r).await
    }
    fn to_input(&self, _: &Lookups) -> MeetingInput {
        MeetingInput {
            council_id: self.council_id.to_string(),
            body: self.body.clone(),
            date: self.starts_at.format("%Y-%m-%d").to_string(),
            start_time: self.starts_at.format("%H:%M").to_string(),
            end_time: self.ends_at.map(|t| t.format("%H:%M").to_string()).unwrap_or_default(),
            location: self.location.clone(),
            online: if self.online { "on".into() } else { String::new() },
            opening: self.opening.clone(),
            contact_person_id: self.contact_person_id.map(|p| p.to_string()).unwrap_or_default(),
            attendee_ids: self.attendees.iter().map(|a| a.person_id.to_string()).collect(),
            invited_ids: self.invited.iter().map(|p| p.to_string()).collect(),
            classification: self.classification.as_str().into(),
            restricted_to: self.restricted_to.iter().map(|o| o.to_string()).collect(),
            legal_reference_id: self.legal_reference_id.map(|r| r.to_string()).unwrap_or_default(),
            version: self.version.to_string(),
        }
    }
    fn from_input(
        i: &MeetingInput,
        existing: Option<&Self>,
        lk: &Lookups,
        _: &CurrentUser,
    ) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let council_id = lk.check_council(&mut e, "council_id", &i.council_id);
        let body = e.check("body", text::required_line(&i.body, MAX_LINE));
        let date = e.check("date", text::date(&i.date));
        let start = e.check("start_time", text::time(&i.start_time));
        let end = if i.end_time.trim().is_empty() { None } else { e.check("end_time", text::time(&i.end_time)) };
        if let (Some(s), Some(t)) = (start, end)
            && t <= s
        {
            e.add("end_time", "Mötet måste sluta efter att det börjar.");
        }
        let location = e.check("location", text::optional_line(&i.location, MAX_LINE));
        let opening = e.check("opening", text::free_text(&i.opening, MAX_TEXT));
        let contact_person_id = lk.check_person(&mut e, "contact_person_id", &i.contact_person_id);
        let mut attendees = vec![];
        for a in &i.attendee_ids {
            if let Some(pid) = lk.check_person(&mut e, "attendee_ids", a) {
                // Keep the title a person had at this meeting; a new attendee gets their current title.
                let title = existing
                    .and_then(|m| m.attendees.iter().find(|x| x.person_id == pid))
                    .map(|x| x.title.clone())
                    .or_else(|| lk.people.iter().find(|p| p.id == pid).map(|p| p.title.clone()))
                    .unwrap_or_default();
                attendees.push(Attendee { person_id: pid, title });
            }
        }
        let invited: Vec<PersonId> =
            i.invited_ids.iter().filter_map(|p| lk.check_person(&mut e, "invited_ids", p)).collect();
        let (classification, restricted_to, legal_reference_id) = check_classification(
            &mut e,
            lk,
            Self::RECORD_TYPE,
            &i.classification,
            &i.restricted_to,
            &i.legal_reference_id,
        );
        let version = parse_version(&mut e, existing.is_some(), &i.version);
        e.into_result(|| {
            let day = date.unwrap_or_default();
            Meeting {
                id: existing.map_or(MeetingId(0), |x| x.id),
                council_id: council_id.unwrap_or(CouncilId(0)),
                body: body.unwrap_or_default(),
                starts_at: day.and_time(start.unwrap_or_default()),
                ends_at: end.map(|t| day.and_time(t)),
                location: location.unwrap_or_default(),
                online: matches!(i.online.as_str(), "on" | "true" | "1"),
                opening: opening.unwrap_or_default(),
                contact_person_id,
                attendees,
                items: existing.map(|m| m.items.clone()).unwrap_or_default(),
                invited,
                classification,
                restricted_to,
                legal_reference_id,
                version,
            }
        })
    }
    fn fields(i: &MeetingInput, lk: &Lookups) -> Vec<Field> {
        let mut people = vec![(String::new(), "(ingen)".to_owned())];
        people.extend(lk.person_options());
        let [c, r, l] =
            classification_fields(Self::RECORD_TYPE, &i.classification, &i.restricted_to, &i.legal_reference_id, lk);
        vec![
            Field::new("council_id", "Råd", "select", &i.council_id).options(lk.council_options()).required(),
            Field::new("body", "Mötets namn eller grupp", "text", &i.body).required(),
            Field::new("date", "Datum", "date", &i.date).required().hint("ÅÅÅÅ-MM-DD"),
            Field::new("start_time", "Börjar", "time", &i.start_time).required().hint("TT:MM"),
            Field::new("end_time", "Slutar", "time", &i.end_time).hint("TT:MM"),
            Field::new("location", "Plats eller länk", "text", &i.location),
            Field::new("online", "Digitalt möte", "checkbox", &i.online),
            Field::new("opening", "Öppnande", "textarea", &i.opening),
            Field::new("contact_person_id", "Kontaktperson", "select", &i.contact_person_id).options(people),
            Field::new("invited_ids", "Inbjudna", "checkboxes", "").options(lk.person_options()).values(&i.invited_ids),
            Field::new("attendee_ids", "Närvarande", "checkboxes", "")
                .options(lk.person_options())
                .values(&i.attendee_ids),
            c,
            r,
            l,
        ]
    }
    fn input_version(i: &MeetingInput) -> &str {
        &i.version
    }
    fn columns() -> &'static [&'static str] {
        &["Möte", "Datum", "Tid", "Plats"]
    }
    fn row(&self, _: &Lookups) -> Vec<String> {
        vec![
            self.body.clone(),
            self.starts_at.format("%Y-%m-%d").to_string(),
            match self.ends_at {
                Some(e) => format!("{}–{}", self.starts_at.format("%H.%M"), e.format("%H.%M")),
                None => self.starts_at.format("%H.%M").to_string(),
            },
            self.location.clone(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starting_points_and_methods_round_trip_through_their_text_form() {
        let sp = vec![
            StartingPoint { heading: "Civilsamhället".into(), items: vec!["Samverkan mellan myndigheter".into()] },
            StartingPoint { heading: "Skola".into(), items: vec!["a".into(), "b".into()] },
        ];
        assert_eq!(parse_starting_points(&starting_points_text(&sp)), sp);
        let m = vec![
            Method { title: "SSPF".into(), body: "Mötesformen följs upp.\n\n- punkt".into() },
            Method { title: "MVP".into(), body: String::new() },
        ];
        assert_eq!(parse_methods(&methods_text(&m)), m);
    }
}
