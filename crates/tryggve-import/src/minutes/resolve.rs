//! A draft + the register → the records to create ([`Proposal`]).
//!
//! Rules, in the order they are applied:
//!
//! - **The council** is the register's council of the title's name, or a new
//!   one whose area is the register area named in the title ("Hägersten-
//!   Älvsjös …" → Hägersten-Älvsjö).
//! - **People** are matched by name or alias. An attendee not in the register
//!   is proposed with the title written beside the name and the organisation
//!   the title names last ("Kommunpolis Lpo Skärholmen"); when the title names none,
//!   the council's own administration (the register's district administration
//!   named after the council's area). A responsible text names a person by
//!   name, by a near-duplicate of a name (which becomes an alias of a person
//!   this import creates), or by a title of two or more words that one person
//!   holds ("Trygg- och säkerhetsstrateg SDF"); a capitalised pair of words
//!   not in the register is proposed as a new person ("kommunikatör Sandra Lind").
//! - **Organisations** in participant and responsible texts are the register's
//!   names and aliases found as whole words in each comma-, slash- or
//!   "och"-separated part; a part that names none is resolved through a
//!   near-duplicate of exactly one name, or listed as unresolved. The
//!   responsible organisation is the first one named, else the responsible
//!   person's. The importer never creates organisations: the register is the
//!   council's to keep, and what did not resolve is listed for review.
//! - **Places**: a measure's place is the most specific area named in its
//!   problem (else its action); two different areas at that level leave it
//!   empty. A collaboration's places are the places named anywhere in its
//!   section. Multi-word place names also match word by word within one
//!   sentence, allowing inflection ("Fruängens och Västertorps
//!   tunnelbanestationer").
//! - **Status** follows the status text ([`status_of`]); **classification** is
//!   public, as the minutes were, except rows about individuals and items on
//!   health, which are internal.
//! - **Importing twice creates nothing.** Each record has a natural key:
//!   council by name; person by name or alias; collaboration by council and
//!   name; measure by collaboration, table, problem and action; priority by
//!   council and title; meeting by council and start time. A record whose key
//!   the register already holds is not proposed again (it is listed under
//!   `existing`).

use super::names::{self, find_words, near_duplicate_groups, norm, similar};
use super::swedish;
use super::{DraftRow, MinutesDraft, Unrecognised};
use chrono::NaiveDateTime;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use tryggve_core::access::Classification;
use tryggve_core::export::ExportDocument;
use tryggve_core::ids::*;
use tryggve_core::meeting::{Attendee, Meeting, MeetingItem};
use tryggve_core::priority::Priority;
use tryggve_core::register::{Area, AreaKind, Council, OrgKind, Person};
use tryggve_core::workdoc::{Collaboration, Measure, MeasureKind, MeasureStatus, before_tryggve};

/// What an import would do.
#[derive(Debug, Clone, Serialize)]
pub struct Proposal {
    /// The records to create, as an export document; their ids follow the register's.
    pub create: ExportDocument,
    /// Records of the document the register already holds: not created again.
    pub existing: Vec<Existing>,
    pub merge_suggestions: Vec<MergeSuggestion>,
    /// Names in participant and responsible texts that match nothing in the register.
    pub unresolved: Vec<Unresolved>,
    pub unrecognised: Vec<Unrecognised>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Existing {
    pub kind: &'static str,
    pub id: i64,
    pub name: String,
}

/// Spellings that look like one and the same, and the one to keep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MergeSuggestion {
    /// `person`, `organisation`, or `text` (a paragraph copied twice).
    pub kind: &'static str,
    pub names: Vec<String>,
    pub suggested: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unresolved {
    pub line: usize,
    pub field: &'static str,
    pub text: String,
}

/// Why a draft cannot become records.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ResolveError(pub String);

/// A measure's status from its status text (or, with none, from its action).
pub fn status_of(status: &str, action: &str) -> MeasureStatus {
    let s = status.trim().to_lowercase();
    if s.is_empty() {
        return if swedish::names_a_day(action) { MeasureStatus::Planned } else { MeasureStatus::NotStarted };
    }
    let words: Vec<&str> = s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let has = |w: &str| words.contains(&w);
    let done = s.contains("genomförd") || s.contains("genomfört") || has("klar") || has("klart") || perfect(&words);
    if s.contains("avslutad") || s.contains("avslutat") {
        MeasureStatus::Closed
    } else if s.contains("avbrut") {
        MeasureStatus::Cancelled
    } else if ["inga kontakter", "ej påbörjad", "inte påbörjad", "ej startad", "inte startad"]
        .iter()
        .any(|p| s.contains(p))
    {
        MeasureStatus::NotStarted
    } else if done {
        MeasureStatus::Done
    } else if s.contains("pågå") {
        MeasureStatus::Ongoing
    } else if s.contains("vilande") {
        MeasureStatus::Paused
    } else if s.contains("följs upp") || has("kommer") || s.contains("planer") || swedish::names_a_day(&s) {
        MeasureStatus::Planned
    } else {
        MeasureStatus::Ongoing
    }
}

/// "har fått", "har informerats": something has been done.
fn perfect(words: &[&str]) -> bool {
    words.windows(2).any(|w| matches!(w, ["har", v] if v.ends_with('t') || v.ends_with("ts")))
}

/// Rows about individuals ("kartlagd grupp och individer") are internal.
fn measure_classification(row: &DraftRow) -> Classification {
    let text = format!("{} {} {}", row.problem, row.action, row.status).to_lowercase();
    if text.contains("individ") { Classification::Internal } else { Classification::Public }
}

/// Next free id per record type.
struct Ids {
    next: BTreeMap<&'static str, i64>,
}

impl Ids {
    fn new(reg: &ExportDocument) -> Ids {
        let max = |v: Vec<i64>| v.into_iter().max().unwrap_or(0) + 1;
        let next = BTreeMap::from([
            ("council", max(reg.councils.iter().map(|x| x.id.0).collect())),
            ("person", max(reg.people.iter().map(|x| x.id.0).collect())),
            ("collaboration", max(reg.collaborations.iter().map(|x| x.id.0).collect())),
            ("measure", max(reg.measures.iter().map(|x| x.id.0).collect())),
            ("priority", max(reg.priorities.iter().map(|x| x.id.0).collect())),
            ("meeting", max(reg.meetings.iter().map(|x| x.id.0).collect())),
        ]);
        Ids { next }
    }

    fn take(&mut self, kind: &'static str) -> i64 {
        let n = self.next.entry(kind).or_insert(1);
        *n += 1;
        *n - 1
    }
}

/// An organisation name found in a text.
struct OrgMatch {
    at: usize,
    len: usize,
    org: OrgId,
    written: String,
}

struct Resolver<'a> {
    reg: &'a ExportDocument,
    out: ExportDocument,
    ids: Ids,
    existing: Vec<Existing>,
    unresolved: Vec<Unresolved>,
    /// People of the register and those this import proposes.
    people: Vec<Person>,
    home_org: Option<OrgId>,
    /// Spellings met, with what they resolved to.
    org_spellings: Vec<(String, Option<OrgId>)>,
    person_spellings: Vec<(String, PersonId)>,
}

/// Resolves a draft against the register (the current export document).
pub fn resolve(draft: &MinutesDraft, reg: &ExportDocument) -> Result<Proposal, ResolveError> {
    if draft.body.is_empty() {
        return Err(ResolveError(
            "hittade ingen rubrik med rådets namn och datum (till exempel \
             \"## Hägersten-Älvsjös lokala brottsförebyggande råd 2021-09-17\")"
                .into(),
        ));
    }
    let mut r = Resolver {
        reg,
        out: ExportDocument::empty(),
        ids: Ids::new(reg),
        existing: vec![],
        unresolved: vec![],
        people: reg.people.clone(),
        home_org: None,
        org_spellings: vec![],
        person_spellings: vec![],
    };
    let council = r.council(draft);
    let attendees = r.attendees(draft);
    let collabs = r.collaborations(draft, council);
    r.priorities(draft, council);
    let contact = r.contact(draft);
    r.meetings(draft, council, attendees, &collabs, contact);
    let mut merges = r.merge_suggestions();
    merges.extend(draft.duplicates.iter().map(|d| {
        let names: Vec<String> = d.lines.iter().map(|l| format!("{} (rad {l})", d.heading)).collect();
        MergeSuggestion { kind: "text", suggested: names.last().cloned().unwrap_or_default(), names }
    }));
    Ok(Proposal {
        create: r.out,
        existing: r.existing,
        merge_suggestions: merges,
        unresolved: r.unresolved,
        unrecognised: draft.unrecognised.clone(),
    })
}

impl Resolver<'_> {
    fn council(&mut self, d: &MinutesDraft) -> CouncilId {
        if let Some(c) = self.reg.councils.iter().find(|c| norm(&c.name) == norm(&d.body)) {
            self.existing.push(Existing { kind: "council", id: c.id.0, name: c.name.clone() });
            self.home_org = self.home_org_of(c.area_id);
            return c.id;
        }
        let area_id = self.area_named_in(&d.body);
        let id = CouncilId(self.ids.take("council"));
        self.out.councils.push(Council { id, name: d.body.clone(), area_id, description: String::new(), version: 1 });
        self.home_org = self.home_org_of(area_id);
        id
    }

    /// The area whose name (or alias) is the longest one in the text.
    fn area_named_in(&self, text: &str) -> Option<AreaId> {
        let hay = text.to_lowercase();
        self.reg
            .areas
            .iter()
            .flat_map(|a| std::iter::once(&a.name).chain(&a.aliases).map(move |n| (a, n)))
            .filter(|(_, n)| !find_words(&hay, n).is_empty())
            .max_by_key(|(_, n)| n.chars().count())
            .map(|(a, _)| a.id)
    }

    /// The council's own administration: a district administration named after its area.
    fn home_org_of(&self, area: Option<AreaId>) -> Option<OrgId> {
        let area = self.reg.areas.iter().find(|a| Some(a.id) == area)?;
        let name = norm(&area.name);
        self.reg
            .organisations
            .iter()
            .filter(|o| o.kind == OrgKind::DistrictAdministration && norm(&o.name).contains(&name))
            .map(|o| o.id)
            .min()
    }

    // ---- organisations ----

    /// Organisations named in a text, in order, a longer name hiding one inside it.
    fn orgs_in(&self, text: &str) -> Vec<OrgMatch> {
        let hay = text.to_lowercase();
        let mut found: Vec<OrgMatch> = vec![];
        for o in &self.reg.organisations {
            for name in std::iter::once(&o.name).chain(&o.aliases) {
                let len = name.trim().to_lowercase().len();
                for at in find_words(&hay, name) {
                    let written = written_at(text, &hay, at, len);
                    found.push(OrgMatch { at, len, org: o.id, written });
                }
            }
        }
        let inside = |m: &OrgMatch, n: &OrgMatch| n.len > m.len && n.at <= m.at && m.at + m.len <= n.at + n.len;
        let keep: Vec<bool> = found.iter().map(|m| !found.iter().any(|n| inside(m, n))).collect();
        let mut found: Vec<OrgMatch> = found.into_iter().zip(keep).filter(|(_, k)| *k).map(|(m, _)| m).collect();
        found.sort_by_key(|m| (m.at, std::cmp::Reverse(m.len)));
        found
    }

    /// The one organisation a near-duplicate spelling stands for.
    fn org_near(&self, part: &str) -> Option<OrgId> {
        if part.split_whitespace().count() > 4 {
            return None;
        }
        let hits: BTreeSet<OrgId> = self
            .reg
            .organisations
            .iter()
            .filter(|o| std::iter::once(&o.name).chain(&o.aliases).any(|n| similar(part, n)))
            .map(|o| o.id)
            .collect();
        (hits.len() == 1).then(|| hits.into_iter().next()).flatten()
    }

    /// "Polis, fältassistenter, ungdomsjouren, Sth.stads mobila OV" → organisations.
    fn participants(&mut self, text: &str, line: usize) -> Vec<OrgId> {
        let mut ids = BTreeSet::new();
        for part in parts(text) {
            let found = self.orgs_in(&part);
            if found.is_empty() {
                let near = self.org_near(&part);
                self.org_spellings.push((part.clone(), near));
                match near {
                    Some(o) => {
                        ids.insert(o);
                    }
                    None => self.unresolved(line, "deltagare", &part),
                }
            }
            for m in found {
                ids.insert(m.org);
                self.org_spellings.push((m.written, Some(m.org)));
            }
        }
        ids.into_iter().collect()
    }

    fn unresolved(&mut self, line: usize, field: &'static str, text: &str) {
        if !self.unresolved.iter().any(|u| u.field == field && norm(&u.text) == norm(text)) {
            self.unresolved.push(Unresolved { line, field, text: text.to_owned() });
        }
    }

    // ---- people ----

    fn person_named(&self, name: &str) -> Option<PersonId> {
        let n = norm(name);
        self.people.iter().find(|p| norm(&p.name) == n || p.aliases.iter().any(|a| norm(a) == n)).map(|p| p.id)
    }

    /// A person whose name the spelling nearly is; the spelling becomes an
    /// alias when the person is one this import creates.
    fn person_near(&mut self, name: &str) -> Option<PersonId> {
        let hits: Vec<PersonId> = self.people.iter().filter(|p| similar(name, &p.name)).map(|p| p.id).collect();
        let [id] = hits.as_slice() else { return None };
        if let Some(p) = self.out.people.iter_mut().find(|p| p.id == *id)
            && !p.aliases.iter().any(|a| norm(a) == norm(name))
        {
            p.aliases.push(name.to_owned());
        }
        if let Some(p) = self.people.iter_mut().find(|p| p.id == *id)
            && !p.aliases.iter().any(|a| norm(a) == norm(name))
        {
            p.aliases.push(name.to_owned());
        }
        Some(*id)
    }

    fn new_person(&mut self, name: &str, title: &str, org: Option<OrgId>) -> PersonId {
        let id = PersonId(self.ids.take("person"));
        let p = Person {
            id,
            name: name.to_owned(),
            title: title.to_owned(),
            organisation_id: org.or(self.home_org),
            email: String::new(),
            phone: String::new(),
            aliases: vec![],
            staff: true,
            version: 1,
        };
        self.out.people.push(p.clone());
        self.people.push(p);
        id
    }

    fn attendees(&mut self, d: &MinutesDraft) -> Vec<Attendee> {
        let mut out = vec![];
        for a in &d.attendees {
            let id = match self.person_named(&a.name).or_else(|| self.person_near(&a.name)) {
                Some(id) => {
                    self.note_existing_person(id);
                    id
                }
                None => {
                    // A title names the role first and the unit last: "Kommunpolis Lpo Globen".
                    let org = self.orgs_in(&a.title).last().map(|m| m.org);
                    self.new_person(&a.name, &a.title, org)
                }
            };
            self.person_spellings.push((a.name.clone(), id));
            out.push(Attendee { person_id: id, title: a.title.clone() });
        }
        out
    }

    fn note_existing_person(&mut self, id: PersonId) {
        if let Some(p) = self.reg.people.iter().find(|p| p.id == id)
            && !self.existing.iter().any(|e| e.kind == "person" && e.id == id.0)
        {
            self.existing.push(Existing { kind: "person", id: id.0, name: p.name.clone() });
        }
    }

    /// The person a responsible text names, if any (see the module's rules).
    fn responsible_person(&mut self, text: &str, org: Option<OrgId>) -> Option<PersonId> {
        let hay = text.to_lowercase();
        let by_name = self
            .people
            .iter()
            .flat_map(|p| p.spellings().map(move |n| (p.id, n)))
            .filter_map(|(id, n)| find_words(&hay, n).first().map(|at| (*at, id, n.clone())))
            .min_by_key(|(at, _, _)| *at);
        if let Some((_, id, n)) = by_name {
            self.note_existing_person(id);
            self.person_spellings.push((n, id));
            return Some(id);
        }
        if let Some((at, name)) = names::name_candidates(text).into_iter().next() {
            let id = match self.person_near(&name) {
                Some(id) => id,
                None => self.new_person(&name, &title_before(text, at), org),
            };
            self.person_spellings.push((name, id));
            return Some(id);
        }
        self.person_by_title(&hay)
    }

    fn person_by_title(&self, hay: &str) -> Option<PersonId> {
        let text = norm(hay);
        let hits: BTreeSet<PersonId> = self
            .people
            .iter()
            .filter(|p| {
                norm(&p.title).split_whitespace().count() >= 2 && !find_words(&text, &norm(&p.title)).is_empty()
            })
            .map(|p| p.id)
            .collect();
        (hits.len() == 1).then(|| hits.into_iter().next()).flatten()
    }

    fn person_org(&self, id: PersonId) -> Option<OrgId> {
        self.people.iter().find(|p| p.id == id).and_then(|p| p.organisation_id)
    }

    // ---- places ----

    fn areas_in(&self, text: &str) -> Vec<&Area> {
        let hay = text.to_lowercase();
        self.reg
            .areas
            .iter()
            .filter(|a| a.kind != AreaKind::Municipality)
            .filter(|a| {
                std::iter::once(&a.name)
                    .chain(&a.aliases)
                    .any(|n| !find_words(&hay, n).is_empty() || words_in_one_sentence(&hay, n))
            })
            .collect()
    }

    /// The most specific area named, unless two are named at that level.
    fn place_in(&self, text: &str) -> Result<Option<AreaId>, ()> {
        let found = self.areas_in(text);
        let Some(best) = found.iter().map(|a| a.kind.size_rank()).min() else { return Ok(None) };
        let ids: BTreeSet<AreaId> = found.iter().filter(|a| a.kind.size_rank() == best).map(|a| a.id).collect();
        if ids.len() == 1 { Ok(ids.into_iter().next()) } else { Err(()) }
    }

    fn measure_place(&self, row: &DraftRow) -> Option<AreaId> {
        match self.place_in(&row.problem) {
            Ok(Some(a)) => Some(a),
            Ok(None) => self.place_in(&row.action).ok().flatten(),
            Err(()) => None,
        }
    }

    // ---- records ----

    fn collaborations(&mut self, d: &MinutesDraft, council: CouncilId) -> BTreeMap<String, CollaborationId> {
        let mut ids = BTreeMap::new();
        for c in &d.collaborations {
            let found =
                self.reg.collaborations.iter().find(|x| x.council_id == council && norm(&x.name) == norm(&c.name));
            let id = match found {
                Some(x) => {
                    self.existing.push(Existing { kind: "collaboration", id: x.id.0, name: x.name.clone() });
                    x.id
                }
                None => {
                    let id = CollaborationId(self.ids.take("collaboration"));
                    let mut texts = vec![c.name.clone(), c.summary.clone(), c.narrative.clone()];
                    texts.extend(c.rows.iter().flat_map(|r| [r.problem.clone(), r.action.clone()]));
                    let places: BTreeSet<AreaId> = texts
                        .iter()
                        .flat_map(|t| self.areas_in(t))
                        .filter(|a| a.kind == AreaKind::Place)
                        .map(|a| a.id)
                        .collect();
                    self.out.collaborations.push(Collaboration {
                        id,
                        council_id: council,
                        name: c.name.clone(),
                        summary: c.summary.clone(),
                        narrative: c.narrative.clone(),
                        place_ids: places.into_iter().collect(),
                        classification: Classification::Public,
                        restricted_to: vec![],
                        legal_reference_id: None,
                        version: 1,
                    });
                    id
                }
            };
            ids.insert(c.name.clone(), id);
            self.measures(id, &c.rows);
        }
        ids
    }

    fn measures(&mut self, collab: CollaborationId, rows: &[DraftRow]) {
        let key = |kind: MeasureKind, problem: &str, action: &str| (kind.as_str(), norm(problem), norm(action));
        let stored: Vec<&Measure> = self.reg.measures.iter().filter(|m| m.collaboration_id == collab).collect();
        let mut position: BTreeMap<&str, i64> = BTreeMap::new();
        for m in &stored {
            let p = position.entry(m.kind.as_str()).or_insert(0);
            *p = (*p).max(m.position);
        }
        for row in rows {
            let k = key(row.kind, &row.problem, &row.action);
            if let Some(m) = stored.iter().find(|m| key(m.kind, &m.problem, &m.action) == k) {
                self.existing.push(Existing { kind: "measure", id: m.id.0, name: m.problem.clone() });
                continue;
            }
            let pos = position.entry(row.kind.as_str()).or_insert(0);
            *pos += 1;
            let measure = self.measure(collab, row, *pos);
            self.out.measures.push(measure);
        }
    }

    fn measure(&mut self, collab: CollaborationId, row: &DraftRow, position: i64) -> Measure {
        let participant_ids = self.participants(&row.participants, row.line);
        let orgs = self.orgs_in(&row.responsible);
        for m in &orgs {
            self.org_spellings.push((m.written.clone(), Some(m.org)));
        }
        let first_org = orgs.first().map(|m| m.org);
        let person = self.responsible_person(&row.responsible, first_org);
        if !row.responsible.is_empty() && first_org.is_none() && person.is_none() {
            self.unresolved(row.line, "ansvarig", &row.responsible);
        }
        Measure {
            id: MeasureId(self.ids.take("measure")),
            collaboration_id: collab,
            kind: row.kind,
            position,
            problem: row.problem.clone(),
            place_id: self.measure_place(row),
            action: row.action.clone(),
            participants_text: row.participants.clone(),
            participant_ids,
            responsible_text: row.responsible.clone(),
            responsible_org_id: first_org.or_else(|| person.and_then(|p| self.person_org(p))),
            responsible_person_id: person,
            status: status_of(&row.status, &row.action),
            status_text: row.status.clone(),
            classification: measure_classification(row),
            restricted_to: vec![],
            legal_reference_id: None,
            version: 1,
            start_date: None,
            due_date: None,
            next_follow_up: None,
            follow_up_body: String::new(),
            tags: vec![],
            expected_effect: String::new(),
            priority_ids: vec![],
            created_at: before_tryggve(),
        }
    }

    fn priorities(&mut self, d: &MinutesDraft, council: CouncilId) {
        for p in &d.priorities {
            if let Some(x) =
                self.reg.priorities.iter().find(|x| x.council_id == council && norm(&x.title) == norm(&p.title))
            {
                self.existing.push(Existing { kind: "priority", id: x.id.0, name: x.title.clone() });
                continue;
            }
            self.out.priorities.push(Priority {
                id: PriorityId(self.ids.take("priority")),
                council_id: council,
                title: p.title.clone(),
                summary: p.summary.clone(),
                plan_title: p.plan_title.clone(),
                starting_points: p.starting_points.clone(),
                methods: p.methods.clone(),
                classification: Classification::Public,
                restricted_to: vec![],
                legal_reference_id: None,
                version: 1,
            });
        }
    }

    /// The contact person: found by name, given the e-mail and phone written
    /// when this import creates the person.
    fn contact(&mut self, d: &MinutesDraft) -> Option<PersonId> {
        let c = d.contact.as_ref()?;
        if c.name.is_empty() {
            return None;
        }
        let id = match self.person_named(&c.name).or_else(|| self.person_near(&c.name)) {
            Some(id) => id,
            None => self.new_person(&c.name, "", None),
        };
        self.person_spellings.push((c.name.clone(), id));
        if let Some(p) = self.out.people.iter_mut().find(|p| p.id == id) {
            if p.email.is_empty() {
                p.email = c.email.clone();
            }
            if p.phone.is_empty() {
                p.phone = c.phone.clone();
            }
        }
        Some(id)
    }

    fn meetings(
        &mut self,
        d: &MinutesDraft,
        council: CouncilId,
        attendees: Vec<Attendee>,
        collabs: &BTreeMap<String, CollaborationId>,
        contact: Option<PersonId>,
    ) {
        let starts = d.starts_at.or_else(|| d.title_date.and_then(|t| t.and_hms_opt(0, 0, 0)));
        if d.starts_at.is_none() {
            self.unresolved(0, "tidpunkt", "mötets tidpunkt saknas; rubrikens datum används");
        }
        if let Some(starts_at) = starts {
            let items = d
                .items
                .iter()
                .map(|i| MeetingItem {
                    heading: i.heading.clone(),
                    body: i.body.clone(),
                    classification: if i.internal { Classification::Internal } else { Classification::Public },
                    kind: i.kind,
                    decision: String::new(),
                    collaboration_ids: i.collaborations.iter().filter_map(|c| collabs.get(c).copied()).collect(),
                    measure_id: None,
                })
                .collect();
            let m = self.meeting(council, &d.body, starts_at, d.ends_at, &d.location, d.online);
            self.add_meeting(Meeting { opening: d.opening.clone(), contact_person_id: contact, attendees, items, ..m });
        }
        if let Some(n) = &d.next_meeting {
            let m = self.meeting(council, &d.body, n.starts_at, n.ends_at, &n.location, n.online);
            self.add_meeting(Meeting { contact_person_id: contact, ..m });
        }
    }

    fn meeting(
        &self,
        council: CouncilId,
        body: &str,
        starts_at: NaiveDateTime,
        ends_at: Option<NaiveDateTime>,
        location: &str,
        online: bool,
    ) -> Meeting {
        Meeting {
            id: MeetingId(0),
            council_id: council,
            body: body.to_owned(),
            starts_at,
            ends_at,
            location: location.to_owned(),
            online,
            opening: String::new(),
            contact_person_id: None,
            attendees: vec![],
            items: vec![],
            invited: vec![],
            classification: Classification::Public,
            restricted_to: vec![],
            legal_reference_id: None,
            version: 1,
        }
    }

    fn add_meeting(&mut self, m: Meeting) {
        let same = |x: &Meeting| x.council_id == m.council_id && x.starts_at == m.starts_at;
        if let Some(x) = self.reg.meetings.iter().find(|x| same(x)) {
            self.existing.push(Existing { kind: "meeting", id: x.id.0, name: format!("{} {}", x.body, x.starts_at) });
            return;
        }
        if self.out.meetings.iter().any(same) {
            return;
        }
        let id = MeetingId(self.ids.take("meeting"));
        self.out.meetings.push(Meeting { id, ..m });
    }

    // ---- near-duplicates ----

    fn merge_suggestions(&self) -> Vec<MergeSuggestion> {
        let mut out = vec![];
        let people: Vec<String> = self.person_spellings.iter().map(|(n, _)| n.clone()).collect();
        for group in near_duplicate_groups(&people) {
            let ids: BTreeSet<PersonId> = self
                .person_spellings
                .iter()
                .filter(|(n, _)| group.iter().any(|g| norm(g) == norm(n)))
                .map(|(_, id)| *id)
                .collect();
            let suggested = match ids.iter().collect::<Vec<_>>().as_slice() {
                [id] => self.people.iter().find(|p| p.id == **id).map(|p| p.name.clone()),
                _ => None,
            };
            out.push(MergeSuggestion {
                kind: "person",
                suggested: suggested.unwrap_or_else(|| longest(&group)),
                names: group,
            });
        }
        let orgs: Vec<String> = self.org_spellings.iter().map(|(n, _)| n.clone()).collect();
        for group in near_duplicate_groups(&orgs) {
            let ids: BTreeSet<OrgId> = self
                .org_spellings
                .iter()
                .filter(|(n, _)| group.iter().any(|g| norm(g) == norm(n)))
                .filter_map(|(_, id)| *id)
                .collect();
            if ids.len() > 1 {
                continue; // spellings of different organisations that merely look alike
            }
            let suggested = ids
                .iter()
                .next()
                .and_then(|id| self.reg.organisations.iter().find(|o| o.id == *id))
                .map(|o| o.name.clone());
            out.push(MergeSuggestion {
                kind: "organisation",
                suggested: suggested.unwrap_or_else(|| longest(&group)),
                names: group,
            });
        }
        out
    }
}

fn longest(group: &[String]) -> String {
    group.iter().max_by_key(|g| g.chars().count()).cloned().unwrap_or_default()
}

/// The parts of a participant list: split at commas, semicolons, slashes and "och"/"samt".
fn parts(text: &str) -> Vec<String> {
    text.split([',', ';', '/'])
        .flat_map(|p| p.split(" och ").flat_map(|q| q.split(" samt ")).map(str::to_owned).collect::<Vec<_>>())
        .map(|p| p.trim().trim_end_matches('.').trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

/// The text as written at a byte offset of its lower-case form (which can
/// differ in length when case changes a character's width).
fn written_at(text: &str, hay: &str, at: usize, len: usize) -> String {
    if hay.len() == text.len()
        && let Some(s) = text.get(at..at + len)
    {
        return s.to_owned();
    }
    hay.get(at..at + len).unwrap_or("").to_owned()
}

/// "kommunikatör Sandra Lind" → "Kommunikatör": the lower-case word before a name.
fn title_before(text: &str, at: usize) -> String {
    let before = text.get(..at).unwrap_or("");
    let word = before.split(|c: char| c.is_whitespace() || c == '/' || c == ',').rfind(|w| !w.is_empty()).unwrap_or("");
    if word.chars().next().is_some_and(char::is_lowercase)
        || (word.chars().count() > 3 && word.chars().skip(1).all(char::is_lowercase))
    {
        let mut cs = word.chars();
        cs.next().map(|c| c.to_uppercase().chain(cs).collect()).unwrap_or_default()
    } else {
        String::new()
    }
}

/// A name of several words whose words all occur, possibly inflected
/// ("tunnelbanestationer", "Fruängen" for "Fruängens"), in one sentence.
fn words_in_one_sentence(hay: &str, name: &str) -> bool {
    let tokens: Vec<String> = norm(name).split_whitespace().map(str::to_owned).collect();
    if tokens.len() < 2 {
        return false;
    }
    hay.split(['.', '!', '?', '\n', ':']).any(|sentence| {
        let words: Vec<&str> = sentence.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
        tokens.iter().all(|t| words.iter().any(|w| inflected(w, t)))
    })
}

/// Is `word` the name word `t`, inflected (a suffix of at most four letters) or without its genitive "s"?
fn inflected(word: &str, t: &str) -> bool {
    (word.starts_with(t) && word.chars().count() <= t.chars().count() + 4)
        || t.strip_suffix('s').is_some_and(|stem| stem.chars().count() >= 4 && word == stem)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_follows_the_words_of_the_status_text() {
        let cases = [
            ("Pågående insatser som följs upp i realtid.", "", MeasureStatus::Ongoing),
            ("Följs upp vid mötet den 1/6.", "", MeasureStatus::Planned),
            ("Inga kontakter tagna än.", "", MeasureStatus::NotStarted),
            ("Skolorna har fått kontaktvägar och rutiner", "", MeasureStatus::Done),
            ("Socialförvaltningen har informerats", "", MeasureStatus::Done),
            ("Insatsen genomförd", "", MeasureStatus::Done),
            ("Avslutad 8/8", "", MeasureStatus::Closed),
            ("Möte 12 oktober", "", MeasureStatus::Planned),
            ("Utegygmet i och kommer under vår/so", "", MeasureStatus::Planned),
            ("Statistiskt mycket orosanmälningar maj-juni", "", MeasureStatus::Ongoing),
            ("Kontakt med Fastighetskontoret är tagen.", "", MeasureStatus::Ongoing),
            ("", "Företagsdilog 22 oktober mm", MeasureStatus::Planned),
            ("", "Anslagstavlor", MeasureStatus::NotStarted),
        ];
        for (status, action, expected) in cases {
            assert_eq!(status_of(status, action), expected, "{status:?} / {action:?}");
        }
    }

    #[test]
    fn participant_lists_split_at_commas_slashes_and_och() {
        assert_eq!(
            parts("Stockholms stads mobila OV och vaktare, socialtjänst/ familjeenheten, polis."),
            ["Stockholms stads mobila OV", "vaktare", "socialtjänst", "familjeenheten", "polis"]
        );
    }

    #[test]
    fn inflected_place_names_match_within_a_sentence() {
        let hay = "tryggare sverige ska analysera fruängens och västertorps tunnelbanestationer. centrum.";
        assert!(words_in_one_sentence(hay, "Västertorps tunnelbanestation"));
        assert!(words_in_one_sentence("fruängen, otrygghet i området centrum/skola", "Fruängens centrum"));
        assert!(!words_in_one_sentence("centrummiljö i fruängen", "Fruängens centrum"));
        assert!(!words_in_one_sentence("fruängen. centrum", "Fruängens centrum"));
    }

    #[test]
    fn a_title_before_a_name_is_capitalised() {
        let at = |text: &str, name: &str| title_before(text, text.find(name).unwrap());
        assert_eq!(at("Social omsorg och kommunikatör Sandra Lind", "Sandra"), "Kommunikatör");
        assert_eq!(at("Samhällsplanerare Kajsa Pärke SDF", "Kajsa"), "Samhällsplanerare");
        assert_eq!(at("SDF/Bent Jansson", "Bent"), "");
    }
}
