//! What the review page shows of each proposed record: its name, key facts,
//! editable fields and what leaving it out would take with it.

use super::*;

/// Names of the proposal's records and of the register's, for headings and facts.
pub(super) struct Names<'a> {
    pub(super) doc: &'a ExportDocument,
    pub(super) lk: &'a Lookups,
}

impl<'a> Names<'a> {
    pub(super) fn new(doc: &'a ExportDocument, lk: &'a Lookups) -> Names<'a> {
        Names { doc, lk }
    }

    /// (provisional id, heading) of each proposed record of a kind, in the proposal's order.
    pub(super) fn records(&self, kind: Kind) -> Vec<(i64, String)> {
        let d = self.doc;
        match kind {
            Kind::Council => d.councils.iter().map(|x| (x.id.0, x.name.clone())).collect(),
            Kind::Person => d.people.iter().map(|x| (x.id.0, x.name.clone())).collect(),
            Kind::Collaboration => d.collaborations.iter().map(|x| (x.id.0, x.name.clone())).collect(),
            Kind::Measure => d.measures.iter().map(|x| (x.id.0, measure_label(x))).collect(),
            Kind::Priority => d.priorities.iter().map(|x| (x.id.0, x.title.clone())).collect(),
            Kind::Meeting => d
                .meetings
                .iter()
                .map(|x| (x.id.0, format!("{} {}", x.body, x.starts_at.format("%Y-%m-%d %H:%M"))))
                .collect(),
        }
    }

    pub(super) fn council(&self, id: i64) -> String {
        let d = self.doc.councils.iter().find(|c| c.id.0 == id).map(|c| c.name.clone());
        d.or_else(|| self.lk.councils.iter().find(|c| c.id.0 == id).map(|c| c.name.clone())).unwrap_or_default()
    }

    pub(super) fn person(&self, id: i64) -> String {
        let d = self.doc.people.iter().find(|p| p.id.0 == id).map(|p| format!("{} (ny)", p.name));
        d.or_else(|| self.lk.people.iter().find(|p| p.id.0 == id).map(|p| p.name.clone())).unwrap_or_default()
    }

    pub(super) fn collaboration(&self, id: i64) -> String {
        self.doc
            .collaborations
            .iter()
            .find(|c| c.id.0 == id)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| format!("#{id}"))
    }

    pub(super) fn area(&self, id: i64) -> String {
        self.lk.areas.iter().find(|a| a.id.0 == id).map(|a| a.name.clone()).unwrap_or_default()
    }

    pub(super) fn org(&self, id: i64) -> String {
        self.lk.organisations.iter().find(|o| o.id.0 == id).map(|o| o.name.clone()).unwrap_or_default()
    }
}

/// A measure by its problem and action (rows of one table often share the problem).
pub(super) fn measure_label(m: &tryggve_core::workdoc::Measure) -> String {
    match (m.problem.trim().is_empty(), m.action.trim().is_empty()) {
        (false, false) => format!("{} – {}", short(&m.problem, 70), short(&m.action, 50)),
        (false, true) => short(&m.problem, 90),
        (true, _) => short(&m.action, 90),
    }
}

/// "1 åtgärd", "3 åtgärder".
pub(super) fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The start of a long text, for a heading.
pub(super) fn short(s: &str, max: usize) -> String {
    let first = s.lines().next().unwrap_or("").trim();
    if first.chars().count() > max {
        format!("{}…", first.chars().take(max).collect::<String>().trim_end())
    } else if first.is_empty() {
        "(utan text)".into()
    } else {
        first.to_owned()
    }
}

/// The key fields of a proposed record, shown as they will be stored.
pub(super) fn facts(doc: &ExportDocument, n: &Names, kind: Kind, id: i64) -> Vec<(&'static str, String)> {
    let nonempty = |v: Vec<(&'static str, String)>| v.into_iter().filter(|(_, x)| !x.is_empty()).collect();
    match kind {
        Kind::Council => {
            let c = doc.councils.iter().find(|x| x.id.0 == id);
            nonempty(vec![("Område", c.and_then(|c| c.area_id).map(|a| n.area(a.0)).unwrap_or_default())])
        }
        Kind::Person => {
            let Some(p) = doc.people.iter().find(|x| x.id.0 == id) else { return vec![] };
            nonempty(vec![
                ("Organisation", p.organisation_id.map(|o| n.org(o.0)).unwrap_or_default()),
                ("Andra stavningar", p.aliases.join(", ")),
                ("E-post", p.email.clone()),
                ("Telefon", p.phone.clone()),
            ])
        }
        Kind::Collaboration => {
            let Some(c) = doc.collaborations.iter().find(|x| x.id.0 == id) else { return vec![] };
            let measures = doc.measures.iter().filter(|m| m.collaboration_id == c.id).count();
            nonempty(vec![
                ("Råd", n.council(c.council_id.0)),
                ("Platser", c.place_ids.iter().map(|a| n.area(a.0)).collect::<Vec<_>>().join(", ")),
                ("Beskrivning", c.narrative.clone()),
                ("Åtgärder", measures.to_string()),
            ])
        }
        Kind::Measure => {
            let Some(m) = doc.measures.iter().find(|x| x.id.0 == id) else { return vec![] };
            let mut responsible = m.responsible_text.clone();
            let resolved: Vec<String> = m
                .responsible_person_id
                .map(|p| n.person(p.0))
                .into_iter()
                .chain(m.responsible_org_id.map(|o| n.org(o.0)))
                .filter(|x| !x.is_empty())
                .collect();
            if !resolved.is_empty() {
                responsible = format!("{responsible} → {}", resolved.join(", "));
            }
            let participants: Vec<String> = m.participant_ids.iter().map(|o| n.org(o.0)).collect();
            let mut participants_text = m.participants_text.clone();
            if !participants.is_empty() {
                participants_text = format!("{participants_text} → {}", participants.join(", "));
            }
            let status = if m.status_text.is_empty() {
                m.status.label().to_owned()
            } else {
                format!("{} – {}", m.status.label(), m.status_text)
            };
            nonempty(vec![
                ("Platssamverkan", n.collaboration(m.collaboration_id.0)),
                ("Tabell", m.kind.label().to_owned()),
                ("Plats", m.place_id.map(|a| n.area(a.0)).unwrap_or_default()),
                ("Deltagare", participants_text),
                ("Sammankallande/ansvarig", responsible),
                ("Status", status),
            ])
        }
        Kind::Priority => {
            let Some(p) = doc.priorities.iter().find(|x| x.id.0 == id) else { return vec![] };
            nonempty(vec![
                ("Råd", n.council(p.council_id.0)),
                ("Plan", p.plan_title.clone()),
                ("Sammanfattning", p.summary.clone()),
                ("Utgångspunkter", p.starting_points.len().to_string()),
                ("Metoder", p.methods.len().to_string()),
            ])
        }
        Kind::Meeting => {
            let Some(m) = doc.meetings.iter().find(|x| x.id.0 == id) else { return vec![] };
            let ends = m.ends_at.map(|e| format!("–{}", e.format("%H:%M"))).unwrap_or_default();
            let attendees: Vec<String> = m.attendees.iter().map(|a| n.person(a.person_id.0)).collect();
            nonempty(vec![
                ("Råd", n.council(m.council_id.0)),
                ("Tid", format!("{}{ends}", m.starts_at.format("%Y-%m-%d %H:%M"))),
                ("Digitalt", if m.online { "Ja".into() } else { String::new() }),
                ("Närvarande", attendees.join(", ")),
                ("Kontaktperson", m.contact_person_id.map(|p| n.person(p.0)).unwrap_or_default()),
                ("Punkter på dagordningen", m.items.len().to_string()),
            ])
        }
    }
}

/// One editable value: where it is posted, how it is checked, what it holds.
pub(super) struct Spec {
    pub(super) part: String,
    pub(super) label: String,
    pub(super) kind: &'static str,
    pub(super) value: String,
    pub(super) check: Check,
    /// Checked for personal data when changed.
    pub(super) personal: bool,
}

#[derive(Clone, Copy)]
pub(super) enum Check {
    RequiredLine,
    OptionalLine,
    Text,
    Classification,
}

pub(super) fn spec(part: &str, label: &str, check: Check, value: &str, personal: bool) -> Spec {
    let kind = match check {
        Check::RequiredLine | Check::OptionalLine => "line",
        Check::Text => "text",
        Check::Classification => "classification",
    };
    Spec { part: part.into(), label: label.into(), kind, value: value.to_owned(), check, personal }
}

pub(super) fn class(c: Classification) -> &'static str {
    c.as_str()
}

/// The editable values of a proposed record.
pub(super) fn specs(doc: &ExportDocument, kind: Kind, id: i64) -> Vec<Spec> {
    use Check::*;
    match kind {
        Kind::Council => doc
            .councils
            .iter()
            .filter(|x| x.id.0 == id)
            .flat_map(|c| [spec("name", "Namn", RequiredLine, &c.name, true)])
            .collect(),
        Kind::Person => doc
            .people
            .iter()
            .filter(|x| x.id.0 == id)
            .flat_map(|p| {
                [
                    spec("name", "Namn", RequiredLine, &p.name, false),
                    spec("title", "Titel", OptionalLine, &p.title, true),
                ]
            })
            .collect(),
        Kind::Collaboration => doc
            .collaborations
            .iter()
            .filter(|x| x.id.0 == id)
            .flat_map(|c| {
                [
                    spec("name", "Namn", RequiredLine, &c.name, true),
                    spec("summary", "Sammanfattning", Text, &c.summary, true),
                    spec("classification", "Klassning", Classification, class(c.classification), false),
                ]
            })
            .collect(),
        Kind::Measure => doc
            .measures
            .iter()
            .filter(|x| x.id.0 == id)
            .flat_map(|m| {
                [
                    spec("problem", "Problemområde", Text, &m.problem, true),
                    spec("action", "Åtgärd/insats", Text, &m.action, true),
                    spec("classification", "Klassning", Classification, class(m.classification), false),
                ]
            })
            .collect(),
        Kind::Priority => doc
            .priorities
            .iter()
            .filter(|x| x.id.0 == id)
            .flat_map(|p| {
                [
                    spec("title", "Rubrik", RequiredLine, &p.title, true),
                    spec("classification", "Klassning", Classification, class(p.classification), false),
                ]
            })
            .collect(),
        Kind::Meeting => {
            let Some(m) = doc.meetings.iter().find(|x| x.id.0 == id) else { return vec![] };
            let mut v = vec![
                spec("location", "Plats", OptionalLine, &m.location, true),
                spec("classification", "Klassning", Classification, class(m.classification), false),
            ];
            for (i, item) in m.items.iter().enumerate() {
                let n = i + 1;
                v.push(spec(
                    &format!("item-{i}.heading"),
                    &format!("Punkt {n}: rubrik"),
                    RequiredLine,
                    &item.heading,
                    true,
                ));
                v.push(spec(
                    &format!("item-{i}.classification"),
                    &format!("Punkt {n}: klassning"),
                    Classification,
                    class(item.classification),
                    false,
                ));
            }
            v
        }
    }
}

/// What leaving a record out also does, said beside it.
pub(super) fn dependents_note(doc: &ExportDocument, kind: Kind, id: i64) -> String {
    match kind {
        Kind::Council => {
            let collabs: Vec<_> = doc.collaborations.iter().filter(|c| c.council_id.0 == id).map(|c| c.id).collect();
            let measures = doc.measures.iter().filter(|m| collabs.contains(&m.collaboration_id)).count();
            let priorities = doc.priorities.iter().filter(|p| p.council_id.0 == id).count();
            let meetings = doc.meetings.iter().filter(|m| m.council_id.0 == id).count();
            let parts = [
                (collabs.len(), count(collabs.len(), "platssamverkan", "platssamverkan")),
                (measures, count(measures, "åtgärd", "åtgärder")),
                (priorities, count(priorities, "prioriterat område", "prioriterade områden")),
                (meetings, count(meetings, "möte", "möten")),
            ];
            let parts: Vec<String> = parts.into_iter().filter(|(n, _)| *n > 0).map(|(_, t)| t).collect();
            if parts.is_empty() {
                String::new()
            } else {
                format!("Tas rådet inte med, tas inte heller dess {} med.", and_list(&parts))
            }
        }
        Kind::Collaboration => {
            let n = doc.measures.iter().filter(|m| m.collaboration_id.0 == id).count();
            if n == 0 {
                String::new()
            } else {
                format!("Tas platssamverkan inte med, tas inte heller dess {} med.", count(n, "åtgärd", "åtgärder"))
            }
        }
        Kind::Person => {
            let measures = doc.measures.iter().filter(|m| m.responsible_person_id.is_some_and(|p| p.0 == id)).count();
            let meetings = doc
                .meetings
                .iter()
                .filter(|m| {
                    m.attendees.iter().any(|a| a.person_id.0 == id)
                        || m.contact_person_id.is_some_and(|p| p.0 == id)
                        || m.invited.iter().any(|p| p.0 == id)
                })
                .count();
            let parts =
                [(measures, count(measures, "åtgärd", "åtgärder")), (meetings, count(meetings, "möte", "möten"))];
            let parts: Vec<String> = parts.into_iter().filter(|(n, _)| *n > 0).map(|(_, t)| t).collect();
            if parts.is_empty() {
                String::new()
            } else {
                format!(
                    "Tas personen inte med, kopplas hen bort från {}; texten som står där finns kvar.",
                    and_list(&parts)
                )
            }
        }
        Kind::Measure | Kind::Priority | Kind::Meeting => String::new(),
    }
}

/// "a", "a och b", "a, b och c".
pub(super) fn and_list(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} och {last}", rest.join(", ")),
    }
}
