//! Collaborations and measures as editable resources.

use super::{Lookups, Resource, classification_options, enum_options, parse_version};
use crate::auth::CurrentUser;
use crate::form::{Field, flex_list, flex_string};
use serde::Deserialize;
use tryggve_core::access::Action;
use tryggve_core::register::AreaKind;
use tryggve_core::text::{self, MAX_LINE, MAX_TEXT};
use tryggve_core::workdoc::*;
use tryggve_core::*;
use tryggve_db::{Actor, Db, Result as DbResult};

/// Classification and, when restricted, the organisations it is shared with
/// and the legal reference that makes it secret. An API client may leave the
/// classification out: the record then gets its type's default.
pub fn check_classification(
    e: &mut FieldErrors,
    lk: &Lookups,
    record_type: &str,
    class: &str,
    orgs: &[String],
    legal: &str,
) -> (Classification, Vec<OrgId>, Option<LegalRefId>) {
    let (class, legal) = lk.classification_input(record_type, class, legal);
    let c = e.check("classification", Classification::parse(&class)).unwrap_or_default();
    let legal = lk.check_legal(e, &legal);
    let orgs = lk.check_orgs(e, "restricted_to", orgs);
    let (orgs, legal) = tryggve_core::secrecy::check(c, orgs, legal, &lk.legal_references, e);
    (c, orgs, legal)
}

/// The classification fields of a form; an empty classification (a new form
/// prefilled from a link) shows the record type's default.
pub fn classification_fields(record_type: &str, class: &str, orgs: &[String], legal: &str, lk: &Lookups) -> [Field; 3] {
    let (class, legal) = lk.classification_input(record_type, class, legal);
    let (class, legal) = (class.as_str(), legal.as_str());
    [
        Field::new("classification", "Klassning", "select", class)
            .options(classification_options())
            .hint("Offentlig syns i den offentliga versionen av protokollet; intern för rådets organisationer; begränsad bara för de valda organisationerna."),
        Field::new("restricted_to", "Begränsad till", "checkboxes", "").options(lk.org_options()).values(orgs),
        Field::new("legal_reference_id", "Lagrum (för begränsad)", "select", legal)
            .options(lk.legal_options(legal))
            .hint("Den bestämmelse som gör uppgiften sekretessbelagd, till exempel OSL 26 kap. 1 §. Krävs för begränsade uppgifter."),
    ]
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CollaborationInput {
    #[serde(default, deserialize_with = "flex_string")]
    pub council_id: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub name: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub summary: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub narrative: String,
    #[serde(default, deserialize_with = "flex_list")]
    pub place_ids: Vec<String>,
    #[serde(default, deserialize_with = "flex_string")]
    pub classification: String,
    #[serde(default, deserialize_with = "flex_list")]
    pub restricted_to: Vec<String>,
    #[serde(default, deserialize_with = "flex_string")]
    pub legal_reference_id: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub version: String,
}

impl Resource for Collaboration {
    const RECORD_TYPE: &'static str = "collaboration";
    fn restricted(&self) -> bool {
        self.classification == Classification::Restricted
    }
    type Id = CollaborationId;
    type Input = CollaborationInput;
    const API: &'static str = "collaborations";
    const PATH: &'static str = "/samverkan";
    const TITLE: &'static str = "Platssamverkan";
    const SINGULAR: &'static str = "platssamverkan";

    fn id(&self) -> CollaborationId {
        self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
    fn label(&self) -> String {
        self.name.clone()
    }
    fn write_action() -> Action {
        Action::EditWorkingDocuments
    }
    async fn list(db: &Db, v: &Viewer) -> DbResult<Vec<Self>> {
        db.collaborations(v, None).await
    }
    async fn get(db: &Db, v: &Viewer, id: CollaborationId) -> DbResult<Self> {
        db.collaboration(v, id).await
    }
    async fn create(db: &Db, actor: &Actor, r: &Self) -> DbResult<CollaborationId> {
        db.create_collaboration(actor, r).await
    }
    async fn update(db: &Db, actor: &Actor, v: &Viewer, r: &Self) -> DbResult<()> {
        db.update_collaboration(actor, v, r).await
    }
    fn to_input(&self, _: &Lookups) -> CollaborationInput {
        CollaborationInput {
            council_id: self.council_id.to_string(),
            name: self.name.clone(),
            summary: self.summary.clone(),
            narrative: self.narrative.clone(),
            place_ids: self.place_ids.iter().map(|p| p.to_string()).collect(),
            classification: self.classification.as_str().into(),
            restricted_to: self.restricted_to.iter().map(|o| o.to_string()).collect(),
            legal_reference_id: self.legal_reference_id.map(|r| r.to_string()).unwrap_or_default(),
            version: self.version.to_string(),
        }
    }
    fn from_input(
        i: &CollaborationInput,
        existing: Option<&Self>,
        lk: &Lookups,
        _: &CurrentUser,
    ) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let council_id = lk.check_council(&mut e, "council_id", &i.council_id);
        let name = e.check("name", text::required_line(&i.name, MAX_LINE));
        let summary = e.check("summary", text::free_text(&i.summary, 2000));
        let narrative = e.check("narrative", text::free_text(&i.narrative, MAX_TEXT));
        crate::form::check_personal_data(&mut e, "narrative", &i.narrative, &lk.private_names());
        crate::form::check_personal_data(&mut e, "summary", &i.summary, &lk.private_names());
        let place_ids = i.place_ids.iter().filter_map(|p| lk.check_area(&mut e, "place_ids", p)).collect();
        let (classification, restricted_to, legal_reference_id) = check_classification(
            &mut e,
            lk,
            Self::RECORD_TYPE,
            &i.classification,
            &i.restricted_to,
            &i.legal_reference_id,
        );
        let version = parse_version(&mut e, existing.is_some(), &i.version);
        e.into_result(|| Collaboration {
            id: existing.map_or(CollaborationId(0), |x| x.id),
            council_id: council_id.unwrap_or(CouncilId(0)),
            name: name.unwrap_or_default(),
            summary: summary.unwrap_or_default(),
            narrative: narrative.unwrap_or_default(),
            place_ids,
            classification,
            restricted_to,
            legal_reference_id,
            version,
        })
    }
    fn fields(i: &CollaborationInput, lk: &Lookups) -> Vec<Field> {
        let [c, r, l] =
            classification_fields(Self::RECORD_TYPE, &i.classification, &i.restricted_to, &i.legal_reference_id, lk);
        vec![
            Field::new("council_id", "Råd", "select", &i.council_id).options(lk.council_options()).required(),
            Field::new("name", "Namn", "text", &i.name).required(),
            Field::new("summary", "Kort beskrivning av området och problemen", "textarea", &i.summary),
            Field::new("narrative", "Lägesbeskrivning", "textarea", &i.narrative)
                .hint("Vad som hänt och vad som planeras. Stycken skiljs åt med en tom rad."),
            Field::new("place_ids", "Platser och områden", "checkboxes", "")
                .options(lk.area_options(&[AreaKind::District, AreaKind::Place]))
                .values(&i.place_ids),
            c,
            r,
            l,
        ]
    }
    fn input_version(i: &CollaborationInput) -> &str {
        &i.version
    }
    fn columns() -> &'static [&'static str] {
        &["Namn", "Råd", "Klassning"]
    }
    fn row(&self, lk: &Lookups) -> Vec<String> {
        vec![self.name.clone(), lk.council_name(self.council_id), self.classification.label().into()]
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct MeasureInput {
    #[serde(default, deserialize_with = "flex_string")]
    pub collaboration_id: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub kind: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub position: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub problem: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub place_id: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub action: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub participants_text: String,
    #[serde(default, deserialize_with = "flex_list")]
    pub participant_ids: Vec<String>,
    #[serde(default, deserialize_with = "flex_string")]
    pub responsible_text: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub responsible_org_id: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub responsible_person_id: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub status: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub status_text: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub classification: String,
    #[serde(default, deserialize_with = "flex_list")]
    pub restricted_to: Vec<String>,
    #[serde(default, deserialize_with = "flex_string")]
    pub legal_reference_id: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub version: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub start_date: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub due_date: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub next_follow_up: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub follow_up_body: String,
    #[serde(default, deserialize_with = "flex_list")]
    pub tags: Vec<String>,
    #[serde(default, deserialize_with = "flex_string")]
    pub expected_effect: String,
    #[serde(default, deserialize_with = "flex_list")]
    pub priority_ids: Vec<String>,
}

impl Resource for Measure {
    const RECORD_TYPE: &'static str = "measure";
    fn restricted(&self) -> bool {
        self.classification == Classification::Restricted
    }
    type Id = MeasureId;
    type Input = MeasureInput;
    const API: &'static str = "measures";
    const PATH: &'static str = "/atgarder";
    const TITLE: &'static str = "Åtgärder och insatser";
    const SINGULAR: &'static str = "åtgärd";

    fn id(&self) -> MeasureId {
        self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
    fn label(&self) -> String {
        if self.action.is_empty() { self.problem.clone() } else { self.action.clone() }
    }
    fn write_action() -> Action {
        Action::EditWorkingDocuments
    }
    async fn list(db: &Db, v: &Viewer) -> DbResult<Vec<Self>> {
        db.measures(v, None).await
    }
    async fn get(db: &Db, v: &Viewer, id: MeasureId) -> DbResult<Self> {
        db.measure(v, id).await
    }
    async fn create(db: &Db, actor: &Actor, r: &Self) -> DbResult<MeasureId> {
        db.create_measure(actor, r).await
    }
    async fn update(db: &Db, actor: &Actor, v: &Viewer, r: &Self) -> DbResult<()> {
        db.update_measure(actor, v, r).await
    }
    async fn check_refs(db: &Db, v: &Viewer, r: &Self) -> DbResult<FieldErrors> {
        let mut e = FieldErrors::new();
        match db.collaboration(v, r.collaboration_id).await {
            Ok(_) => {}
            Err(tryggve_db::DbError::NotFound) => e.add("collaboration_id", "Okänd platssamverkan."),
            Err(other) => return Err(other),
        }
        Ok(e)
    }
    fn to_input(&self, _: &Lookups) -> MeasureInput {
        let opt = |o: Option<i64>| o.map(|x| x.to_string()).unwrap_or_default();
        MeasureInput {
            collaboration_id: self.collaboration_id.to_string(),
            kind: self.kind.as_str().into(),
            position: self.position.to_string(),
            problem: self.problem.clone(),
            place_id: opt(self.place_id.map(|p| p.0)),
            action: self.action.clone(),
            participants_text: self.participants_text.clone(),
            participant_ids: self.participant_ids.iter().map(|o| o.to_string()).collect(),
            responsible_text: self.responsible_text.clone(),
            responsible_org_id: opt(self.responsible_org_id.map(|o| o.0)),
            responsible_person_id: opt(self.responsible_person_id.map(|p| p.0)),
            status: self.status.as_str().into(),
            status_text: self.status_text.clone(),
            classification: self.classification.as_str().into(),
            restricted_to: self.restricted_to.iter().map(|o| o.to_string()).collect(),
            legal_reference_id: self.legal_reference_id.map(|r| r.to_string()).unwrap_or_default(),
            version: self.version.to_string(),
            start_date: self.start_date.map(|d| d.to_string()).unwrap_or_default(),
            due_date: self.due_date.map(|d| d.to_string()).unwrap_or_default(),
            next_follow_up: self.next_follow_up.map(|d| d.to_string()).unwrap_or_default(),
            follow_up_body: self.follow_up_body.clone(),
            tags: self.tags.iter().map(|t| t.as_str().to_owned()).collect(),
            expected_effect: self.expected_effect.clone(),
            priority_ids: self.priority_ids.iter().map(|p| p.to_string()).collect(),
        }
    }
    fn from_input(
        i: &MeasureInput,
        existing: Option<&Self>,
        lk: &Lookups,
        _: &CurrentUser,
    ) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let collaboration_id = match e.check("collaboration_id", crate::form::opt_id(&i.collaboration_id)) {
            Some(Some(c)) => Some(CollaborationId(c)),
            Some(None) => {
                e.add("collaboration_id", "Välj en platssamverkan.");
                None
            }
            None => None,
        };
        let kind = e.check("kind", MeasureKind::parse(&i.kind));
        let position = e.check("position", text::optional_count(&i.position)).flatten().unwrap_or(0);
        let problem = e.check("problem", text::free_text(&i.problem, 2000));
        let place_id = lk.check_area(&mut e, "place_id", &i.place_id);
        let action = e.check("action", text::free_text(&i.action, 2000));
        if problem.as_deref() == Some("") && action.as_deref() == Some("") {
            e.add("problem", "Beskriv problemet eller åtgärden.");
        }
        let participants_text = e.check("participants_text", text::free_text(&i.participants_text, 2000));
        let participant_ids = lk.check_orgs(&mut e, "participant_ids", &i.participant_ids);
        let responsible_text = e.check("responsible_text", text::free_text(&i.responsible_text, MAX_LINE));
        let responsible_org_id = lk.check_org(&mut e, "responsible_org_id", &i.responsible_org_id);
        let responsible_person_id = lk.check_person(&mut e, "responsible_person_id", &i.responsible_person_id);
        let status = e.check("status", MeasureStatus::parse(&i.status));
        let status_text = e.check("status_text", text::free_text(&i.status_text, MAX_TEXT));
        for (field, value) in [("problem", &i.problem), ("action", &i.action), ("status_text", &i.status_text)] {
            crate::form::check_personal_data(&mut e, field, value, &lk.private_names());
        }
        let (classification, restricted_to, legal_reference_id) = check_classification(
            &mut e,
            lk,
            Self::RECORD_TYPE,
            &i.classification,
            &i.restricted_to,
            &i.legal_reference_id,
        );
        let version = parse_version(&mut e, existing.is_some(), &i.version);
        let start_date = e.check("start_date", text::optional_date(&i.start_date)).flatten();
        let due_date = e.check("due_date", text::optional_date(&i.due_date)).flatten();
        if let (Some(s), Some(d)) = (start_date, due_date)
            && d < s
        {
            e.add("due_date", "Klart-datumet ligger före startdatumet.");
        }
        let next_follow_up = e.check("next_follow_up", text::optional_date(&i.next_follow_up)).flatten();
        let follow_up_body =
            e.check("follow_up_body", text::optional_line(&i.follow_up_body, MAX_LINE)).unwrap_or_default();
        let tags: Vec<MeasureTag> = i.tags.iter().filter_map(|t| e.check("tags", MeasureTag::parse(t))).collect();
        let expected_effect = e.check("expected_effect", text::free_text(&i.expected_effect, 2000)).unwrap_or_default();
        let priority_ids: Vec<PriorityId> = i
            .priority_ids
            .iter()
            .filter_map(|p| {
                match p.trim().parse::<i64>().ok().and_then(|id| lk.priorities.iter().find(|x| x.0.0 == id)) {
                    Some(x) => Some(x.0),
                    None => {
                        e.add("priority_ids", "Okänt prioriterat område.");
                        None
                    }
                }
            })
            .collect();
        e.into_result(|| Measure {
            start_date,
            due_date,
            next_follow_up,
            follow_up_body,
            tags,
            expected_effect,
            priority_ids,
            created_at: existing.map_or_else(crate::auth::now, |x| x.created_at),
            id: existing.map_or(MeasureId(0), |x| x.id),
            collaboration_id: collaboration_id.unwrap_or(CollaborationId(0)),
            kind: kind.unwrap_or(MeasureKind::Problem),
            position,
            problem: problem.unwrap_or_default(),
            place_id,
            action: action.unwrap_or_default(),
            participants_text: participants_text.unwrap_or_default(),
            participant_ids,
            responsible_text: responsible_text.unwrap_or_default(),
            responsible_org_id,
            responsible_person_id,
            status: status.unwrap_or(MeasureStatus::NotStarted),
            status_text: status_text.unwrap_or_default(),
            classification,
            restricted_to,
            legal_reference_id,
            version,
        })
    }
    fn fields(i: &MeasureInput, lk: &Lookups) -> Vec<Field> {
        let none = || vec![(String::new(), "(ingen)".to_owned())];
        let mut places = none();
        places.extend(lk.area_options(&[AreaKind::District, AreaKind::Place]));
        let mut orgs = none();
        orgs.extend(lk.org_options());
        let mut people = none();
        people.extend(lk.person_options());
        let [c, r, l] =
            classification_fields(Self::RECORD_TYPE, &i.classification, &i.restricted_to, &i.legal_reference_id, lk);
        vec![
            Field::new("kind", "Tabell", "select", &i.kind)
                .options(enum_options(MeasureKind::ALL, MeasureKind::as_str, MeasureKind::label))
                .required(),
            Field::new("problem", "Problemområde / utvecklingsområde", "textarea", &i.problem),
            Field::new("place_id", "Plats", "select", &i.place_id).options(places),
            Field::new("action", "Åtgärd/insats", "textarea", &i.action),
            Field::new("participants_text", "Deltagare (som det skrivs)", "textarea", &i.participants_text),
            Field::new("participant_ids", "Deltagande organisationer", "checkboxes", "")
                .options(lk.org_options())
                .values(&i.participant_ids),
            Field::new("responsible_text", "Sammankallande/ansvarig (som det skrivs)", "text", &i.responsible_text),
            Field::new("responsible_org_id", "Ansvarig organisation", "select", &i.responsible_org_id).options(orgs),
            Field::new("responsible_person_id", "Ansvarig person", "select", &i.responsible_person_id).options(people),
            Field::new("status", "Status", "select", &i.status)
                .options(enum_options(MeasureStatus::ALL, MeasureStatus::as_str, MeasureStatus::label))
                .required(),
            Field::new("status_text", "Status/uppföljning", "textarea", &i.status_text),
            Field::new("start_date", "Startdatum", "date", &i.start_date).hint("ÅÅÅÅ-MM-DD"),
            Field::new("due_date", "Klart senast", "date", &i.due_date)
                .hint("ÅÅÅÅ-MM-DD. Passerat datum markeras som försenat."),
            Field::new("next_follow_up", "Nästa uppföljning (datum)", "date", &i.next_follow_up).hint("ÅÅÅÅ-MM-DD"),
            Field::new("follow_up_body", "Följs upp vid nästa möte med", "text", &i.follow_up_body)
                .hint("Mötets namn, till exempel Hägersten-Älvsjös lokala brottsförebyggande råd."),
            Field::new("tags", "Typ av åtgärd (Brå)", "checkboxes", "")
                .options(enum_options(MeasureTag::ALL, MeasureTag::as_str, MeasureTag::label))
                .values(&i.tags),
            Field::new("expected_effect", "Förväntad effekt", "textarea", &i.expected_effect),
            Field::new("priority_ids", "Hör till prioriterat område", "checkboxes", "")
                .options(lk.priorities.iter().map(|(id, t)| (id.to_string(), t.clone())).collect())
                .values(&i.priority_ids),
            Field::new("position", "Ordning i tabellen", "number", &i.position)
                .hint("Lämna tomt för att lägga raden sist."),
            c,
            r,
            l,
        ]
    }
    fn input_version(i: &MeasureInput) -> &str {
        &i.version
    }
    fn columns() -> &'static [&'static str] {
        &["Problemområde", "Åtgärd/insats", "Status"]
    }
    fn row(&self, _: &Lookups) -> Vec<String> {
        vec![self.problem.clone(), self.action.clone(), self.status.label().into()]
    }
}
