//! The export document: everything a user may see, as one JSON document with
//! a versioned schema. It is also the import format, the demo council's
//! format and how a council moves between databases.
//!
//! Invariant: export → import into an empty database → export gives the same
//! bytes. Records are therefore listed in id order and every field that the
//! database keeps is in the document.

use crate::access::Classification;
use crate::ids::*;
use crate::meeting::{Meeting, Minutes};
use crate::priority::Priority;
use crate::register::{Area, Council, Organisation, Person, User, check_geometry};
use crate::secrecy::{ClassificationDefault, LegalReference};
use crate::situation::{Incident, IncidentCategory, IndicatorSeries, Narrative, ReportingOrganisation, Snapshot};
use crate::workdoc::{Collaboration, FollowUp, Measure};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

pub const EXPORT_FORMAT: &str = "tryggve-export";
pub const EXPORT_VERSION: u32 = 1;

/// Schema version 1 of the export document. Documented in `docs/export-format.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportDocument {
    pub format: String,
    pub version: u32,
    pub councils: Vec<Council>,
    pub organisations: Vec<Organisation>,
    pub people: Vec<Person>,
    pub users: Vec<User>,
    pub areas: Vec<Area>,
    pub collaborations: Vec<Collaboration>,
    pub measures: Vec<Measure>,
    pub follow_ups: Vec<FollowUp>,
    pub priorities: Vec<Priority>,
    pub meetings: Vec<Meeting>,
    /// The category checklist (added in 1.1; optional when reading).
    #[serde(default)]
    pub incident_categories: Vec<IncidentCategory>,
    #[serde(default)]
    pub incidents: Vec<Incident>,
    #[serde(default)]
    pub indicators: Vec<IndicatorSeries>,
    #[serde(default)]
    pub reporting_organisations: Vec<ReportingOrganisation>,
    #[serde(default)]
    pub narratives: Vec<Narrative>,
    #[serde(default)]
    pub snapshots: Vec<Snapshot>,
    #[serde(default)]
    pub minutes: Vec<Minutes>,
    /// The provisions restricted records cite (added in 1.2; optional when reading).
    #[serde(default)]
    pub legal_references: Vec<LegalReference>,
    /// The classification new records of each type start with.
    #[serde(default)]
    pub classification_defaults: Vec<ClassificationDefault>,
}

/// A problem in an import document, with the JSON path where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct ImportError {
    pub path: String,
    pub message: String,
}

impl ImportError {
    fn at(path: impl Into<String>, message: impl Into<String>) -> Self {
        ImportError { path: path.into(), message: message.into() }
    }
}

impl ExportDocument {
    pub fn empty() -> Self {
        ExportDocument {
            format: EXPORT_FORMAT.into(),
            version: EXPORT_VERSION,
            councils: vec![],
            organisations: vec![],
            people: vec![],
            users: vec![],
            areas: vec![],
            collaborations: vec![],
            measures: vec![],
            follow_ups: vec![],
            priorities: vec![],
            meetings: vec![],
            incident_categories: vec![],
            incidents: vec![],
            indicators: vec![],
            reporting_organisations: vec![],
            narratives: vec![],
            snapshots: vec![],
            minutes: vec![],
            legal_references: vec![],
            classification_defaults: vec![],
        }
    }

    /// Parses a document, naming the JSON path of the first problem.
    pub fn parse(json: &str) -> Result<ExportDocument, ImportError> {
        let de = &mut serde_json::Deserializer::from_str(json);
        let doc: ExportDocument = serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            ImportError::at(if path == "." { "$".to_string() } else { format!("$.{path}") }, format!("{inner}"))
        })?;
        doc.check()?;
        Ok(doc)
    }

    /// Checks what types cannot: the format, unique ids, references that
    /// resolve within the document, and geometry.
    pub fn check(&self) -> Result<(), ImportError> {
        if self.format != EXPORT_FORMAT {
            return Err(ImportError::at("$.format", format!("\"{EXPORT_FORMAT}\" väntades")));
        }
        if self.version != EXPORT_VERSION {
            return Err(ImportError::at(
                "$.version",
                format!("version {} stöds inte (den här versionen läser {EXPORT_VERSION})", self.version),
            ));
        }
        let councils = unique("councils", self.councils.iter().map(|c| c.id.0))?;
        let orgs = unique("organisations", self.organisations.iter().map(|o| o.id.0))?;
        let people = unique("people", self.people.iter().map(|p| p.id.0))?;
        let areas = unique("areas", self.areas.iter().map(|a| a.id.0))?;
        let collabs = unique("collaborations", self.collaborations.iter().map(|c| c.id.0))?;
        let measures = unique("measures", self.measures.iter().map(|m| m.id.0))?;
        unique("users", self.users.iter().map(|u| u.id.0))?;
        unique("follow_ups", self.follow_ups.iter().map(|f| f.id.0))?;
        unique("priorities", self.priorities.iter().map(|p| p.id.0))?;
        unique("meetings", self.meetings.iter().map(|m| m.id.0))?;
        unique("incidents", self.incidents.iter().map(|i| i.id.0))?;
        unique("indicators", self.indicators.iter().map(|i| i.id.0))?;
        let users: HashSet<i64> = self.users.iter().map(|u| u.id.0).collect();
        let legal = unique("legal_references", self.legal_references.iter().map(|r| r.id.0))?;
        let secret = |c: Classification, r: Option<LegalRefId>, path: String| -> Result<(), ImportError> {
            match r {
                Some(r) if !legal.contains(&r.0) => Err(ImportError::at(path, "okänt lagrum")),
                None if c == Classification::Restricted => {
                    Err(ImportError::at(path, "en begränsad uppgift måste ange sitt lagrum"))
                }
                _ => Ok(()),
            }
        };
        let mut types = HashSet::new();
        for (i, d) in self.classification_defaults.iter().enumerate() {
            if !crate::secrecy::RECORD_TYPES.iter().any(|(t, _)| *t == d.record_type) || !types.insert(&d.record_type) {
                return Err(ImportError::at(
                    format!("$.classification_defaults[{i}].record_type"),
                    "okänd eller dubblerad posttyp",
                ));
            }
            secret(
                d.classification,
                d.legal_reference_id,
                format!("$.classification_defaults[{i}].legal_reference_id"),
            )?;
        }

        let mut names = HashSet::new();
        for (i, u) in self.users.iter().enumerate() {
            if !names.insert(u.username.as_str()) {
                return Err(ImportError::at(format!("$.users[{i}].username"), "användarnamnet finns redan"));
            }
        }

        let refer = |ok: bool, path: String, what: &str| {
            if ok { Ok(()) } else { Err(ImportError::at(path, format!("okänd {what}"))) }
        };
        for (i, c) in self.councils.iter().enumerate() {
            if let Some(a) = c.area_id {
                refer(areas.contains(&a.0), format!("$.councils[{i}].area_id"), "area")?;
            }
        }
        for (i, p) in self.people.iter().enumerate() {
            if let Some(o) = p.organisation_id {
                refer(orgs.contains(&o.0), format!("$.people[{i}].organisation_id"), "organisation")?;
            }
        }
        for (i, u) in self.users.iter().enumerate() {
            if let Some(o) = u.organisation_id {
                refer(orgs.contains(&o.0), format!("$.users[{i}].organisation_id"), "organisation")?;
            }
            if let Some(p) = u.person_id {
                refer(people.contains(&p.0), format!("$.users[{i}].person_id"), "person")?;
            }
            for (j, c) in u.councils.iter().enumerate() {
                refer(councils.contains(&c.0), format!("$.users[{i}].councils[{j}]"), "råd")?;
            }
        }
        // Parents must come before children so that the hierarchy can be inserted in order.
        let mut seen = HashSet::new();
        for (i, a) in self.areas.iter().enumerate() {
            if let Some(p) = a.parent_id {
                refer(
                    seen.contains(&p.0),
                    format!("$.areas[{i}].parent_id"),
                    "överordnat område (det måste stå före)",
                )?;
            }
            if let Some(g) = &a.geometry {
                check_geometry(g).map_err(|m| ImportError::at(format!("$.areas[{i}].geometry"), m))?;
            }
            seen.insert(a.id.0);
        }
        for (i, c) in self.collaborations.iter().enumerate() {
            refer(councils.contains(&c.council_id.0), format!("$.collaborations[{i}].council_id"), "råd")?;
            for (j, p) in c.place_ids.iter().enumerate() {
                refer(areas.contains(&p.0), format!("$.collaborations[{i}].place_ids[{j}]"), "plats")?;
            }
            check_orgs(&orgs, &c.restricted_to, &format!("$.collaborations[{i}].restricted_to"))?;
            secret(c.classification, c.legal_reference_id, format!("$.collaborations[{i}].legal_reference_id"))?;
        }
        for (i, m) in self.measures.iter().enumerate() {
            let at = |f: &str| format!("$.measures[{i}].{f}");
            refer(collabs.contains(&m.collaboration_id.0), at("collaboration_id"), "platssamverkan")?;
            if let Some(p) = m.place_id {
                refer(areas.contains(&p.0), at("place_id"), "plats")?;
            }
            check_orgs(&orgs, &m.participant_ids, &at("participant_ids"))?;
            check_orgs(&orgs, &m.restricted_to, &at("restricted_to"))?;
            secret(m.classification, m.legal_reference_id, at("legal_reference_id"))?;
            if let Some(o) = m.responsible_org_id {
                refer(orgs.contains(&o.0), at("responsible_org_id"), "organisation")?;
            }
            if let Some(p) = m.responsible_person_id {
                refer(people.contains(&p.0), at("responsible_person_id"), "person")?;
            }
        }
        for (i, f) in self.follow_ups.iter().enumerate() {
            refer(measures.contains(&f.measure_id.0), format!("$.follow_ups[{i}].measure_id"), "åtgärd")?;
            if let Some(u) = f.author_user_id {
                refer(users.contains(&u.0), format!("$.follow_ups[{i}].author_user_id"), "användare")?;
            }
        }
        let mut codes: HashSet<&str> = HashSet::new();
        for (i, c) in self.incident_categories.iter().enumerate() {
            if c.code.is_empty() || !codes.insert(c.code.as_str()) {
                return Err(ImportError::at(format!("$.incident_categories[{i}].code"), "tom eller dubblerad kod"));
            }
        }
        for (i, x) in self.incidents.iter().enumerate() {
            let at = |f: &str| format!("$.incidents[{i}].{f}");
            if !self.incident_categories.is_empty() {
                refer(codes.contains(x.category.as_str()), at("category"), "kategori")?;
            }
            if let Some(a) = x.area_id {
                refer(areas.contains(&a.0), at("area_id"), "område")?;
            }
            if let Some(o) = x.organisation_id {
                refer(orgs.contains(&o.0), at("organisation_id"), "organisation")?;
            }
            if let Some(u) = x.reported_by {
                refer(users.contains(&u.0), at("reported_by"), "användare")?;
            }
            check_orgs(&orgs, &x.restricted_to, &at("restricted_to"))?;
            secret(x.classification, x.legal_reference_id, at("legal_reference_id"))?;
        }
        for (i, r) in self.reporting_organisations.iter().enumerate() {
            refer(
                orgs.contains(&r.organisation_id.0),
                format!("$.reporting_organisations[{i}].organisation_id"),
                "organisation",
            )?;
            if r.cadence_days <= 0 {
                return Err(ImportError::at(
                    format!("$.reporting_organisations[{i}].cadence_days"),
                    "måste vara minst 1",
                ));
            }
        }
        for (i, n) in self.narratives.iter().enumerate() {
            refer(areas.contains(&n.area_id.0), format!("$.narratives[{i}].area_id"), "område")?;
        }
        let meetings: HashSet<i64> = self.meetings.iter().map(|m| m.id.0).collect();
        for (i, m) in self.minutes.iter().enumerate() {
            refer(meetings.contains(&m.meeting_id.0), format!("$.minutes[{i}].meeting_id"), "möte")?;
        }
        for (i, s) in self.snapshots.iter().enumerate() {
            refer(areas.contains(&s.area_id.0), format!("$.snapshots[{i}].area_id"), "område")?;
        }
        for (i, s) in self.indicators.iter().enumerate() {
            for (j, o) in s.observations.iter().enumerate() {
                if let Some(a) = o.area_id {
                    refer(areas.contains(&a.0), format!("$.indicators[{i}].observations[{j}].area_id"), "område")?;
                }
            }
        }
        for (i, p) in self.priorities.iter().enumerate() {
            refer(councils.contains(&p.council_id.0), format!("$.priorities[{i}].council_id"), "råd")?;
            check_orgs(&orgs, &p.restricted_to, &format!("$.priorities[{i}].restricted_to"))?;
            secret(p.classification, p.legal_reference_id, format!("$.priorities[{i}].legal_reference_id"))?;
        }
        for (i, m) in self.meetings.iter().enumerate() {
            refer(councils.contains(&m.council_id.0), format!("$.meetings[{i}].council_id"), "råd")?;
            if let Some(p) = m.contact_person_id {
                refer(people.contains(&p.0), format!("$.meetings[{i}].contact_person_id"), "person")?;
            }
            for (j, a) in m.attendees.iter().enumerate() {
                refer(people.contains(&a.person_id.0), format!("$.meetings[{i}].attendees[{j}].person_id"), "person")?;
            }
            check_orgs(&orgs, &m.restricted_to, &format!("$.meetings[{i}].restricted_to"))?;
            secret(m.classification, m.legal_reference_id, format!("$.meetings[{i}].legal_reference_id"))?;
        }
        Ok(())
    }

    /// Deterministic JSON: pretty-printed, records in id order, ending with a newline.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("export document serialises");
        s.push('\n');
        s
    }
}

fn unique(what: &str, ids: impl Iterator<Item = i64>) -> Result<HashSet<i64>, ImportError> {
    let mut set = HashSet::new();
    for (i, id) in ids.enumerate() {
        if id <= 0 {
            return Err(ImportError::at(format!("$.{what}[{i}].id"), "id måste vara ett positivt heltal"));
        }
        if !set.insert(id) {
            return Err(ImportError::at(format!("$.{what}[{i}].id"), format!("id {id} förekommer två gånger")));
        }
    }
    Ok(set)
}

fn check_orgs(orgs: &HashSet<i64>, ids: &[OrgId], path: &str) -> Result<(), ImportError> {
    for (j, o) in ids.iter().enumerate() {
        if !orgs.contains(&o.0) {
            return Err(ImportError::at(format!("{path}[{j}]"), "okänd organisation"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_document_names_the_json_path_of_the_problem() {
        let mut v = serde_json::to_value(ExportDocument::empty()).unwrap();
        v["organisations"] =
            serde_json::json!([{ "id": 1, "name": "Polisen", "kind": "spaceship", "aliases": [], "version": 1 }]);
        let err = ExportDocument::parse(&v.to_string()).unwrap_err();
        assert_eq!(err.path, "$.organisations[0].kind");
    }

    #[test]
    fn a_dangling_reference_is_refused_with_its_path() {
        let mut v = serde_json::to_value(ExportDocument::empty()).unwrap();
        v["people"] = serde_json::json!([{ "id": 1, "name": "A", "title": "", "organisation_id": 9,
            "email": "", "phone": "", "aliases": [], "version": 1 }]);
        let err = ExportDocument::parse(&v.to_string()).unwrap_err();
        assert_eq!(err.path, "$.people[0].organisation_id");
    }

    #[test]
    fn wrong_format_and_version_are_refused() {
        let mut d = ExportDocument::empty();
        d.version = 99;
        assert_eq!(ExportDocument::parse(&d.to_json()).unwrap_err().path, "$.version");
        assert!(ExportDocument::parse("{").is_err());
    }
}
