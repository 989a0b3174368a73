//! The reviewer's decisions applied to a proposal: the records to write,
//! the edited text checked, and the receipt.

use super::review::{Check, Names, specs};
use super::*;

/// The decisions applied to the proposal: the records to write and the receipt, or the errors to show.
pub(super) fn apply(
    stored: &Stored,
    posted: &Posted,
    lk: &Lookups,
    user: &CurrentUser,
) -> Result<(ExportDocument, Receipt), FieldErrors> {
    let mut doc = stored.create.clone();
    let mut errors = FieldErrors::new();
    let private = lk.private_names();
    let names = Names::new(&stored.create, lk);

    // Edited values, checked like the record forms check them.
    for kind in Kind::ALL {
        for (id, _) in names.records(kind) {
            let key = format!("{}-{id}", kind.key());
            for sp in specs(&stored.create, kind, id) {
                let name = format!("{key}.{}", sp.part);
                let Some(value) = posted.get(&name) else { continue };
                let value = match check(&mut errors, &name, sp.check, value) {
                    Some(v) => v,
                    None => continue,
                };
                if sp.personal && value != sp.value {
                    crate::form::check_personal_data(&mut errors, &name, &value, &private);
                }
                set(&mut doc, kind, id, &sp.part, value);
            }
        }
    }
    for m in &doc.measures {
        if m.problem.is_empty() && m.action.is_empty() {
            errors.add(&format!("measure-{}.problem", m.id.0), "Beskriv problemet eller åtgärden.");
        }
    }

    // What was left out, and what goes with it.
    let rejected =
        |kind: Kind, id: i64| posted.get(&format!("{}-{id}.decision", kind.key())).is_some_and(|d| d == "reject");
    let mut left_out: Vec<ReceiptLine> = vec![];
    let mut out =
        |kind: Kind, name: String, why: String| left_out.push(ReceiptLine { kind: kind.singular().into(), name, why });
    let gone_councils: BTreeSet<i64> =
        doc.councils.iter().filter(|c| rejected(Kind::Council, c.id.0)).map(|c| c.id.0).collect();
    let gone_people: BTreeSet<i64> =
        doc.people.iter().filter(|p| rejected(Kind::Person, p.id.0)).map(|p| p.id.0).collect();
    let council_name = |id: i64| doc.councils.iter().find(|c| c.id.0 == id).map(|c| c.name.clone()).unwrap_or_default();
    let mut gone_collabs = BTreeSet::new();
    let mut gone_priorities = BTreeSet::new();
    let mut gone_measures = BTreeSet::new();
    let mut gone_meetings = BTreeSet::new();
    for c in &doc.councils {
        if gone_councils.contains(&c.id.0) {
            out(Kind::Council, c.name.clone(), "avvisad".into());
        }
    }
    for p in &doc.people {
        if gone_people.contains(&p.id.0) {
            out(Kind::Person, p.name.clone(), "avvisad".into());
        }
    }
    for c in &doc.collaborations {
        if rejected(Kind::Collaboration, c.id.0) {
            out(Kind::Collaboration, c.name.clone(), "avvisad".into());
        } else if gone_councils.contains(&c.council_id.0) {
            out(Kind::Collaboration, c.name.clone(), format!("rådet {} avvisades", council_name(c.council_id.0)));
        } else {
            continue;
        }
        gone_collabs.insert(c.id.0);
    }
    for m in &doc.measures {
        let label = measure_label(m);
        if rejected(Kind::Measure, m.id.0) {
            out(Kind::Measure, label, "avvisad".into());
        } else if gone_collabs.contains(&m.collaboration_id.0) {
            let collab = doc.collaborations.iter().find(|c| c.id == m.collaboration_id).map(|c| c.name.clone());
            out(Kind::Measure, label, format!("platssamverkan {} togs inte med", collab.unwrap_or_default()));
        } else {
            continue;
        }
        gone_measures.insert(m.id.0);
    }
    for p in &doc.priorities {
        if rejected(Kind::Priority, p.id.0) {
            out(Kind::Priority, p.title.clone(), "avvisad".into());
        } else if gone_councils.contains(&p.council_id.0) {
            out(Kind::Priority, p.title.clone(), format!("rådet {} avvisades", council_name(p.council_id.0)));
        } else {
            continue;
        }
        gone_priorities.insert(p.id.0);
    }
    for m in &doc.meetings {
        let label = format!("{} {}", m.body, m.starts_at.format("%Y-%m-%d %H:%M"));
        if rejected(Kind::Meeting, m.id.0) {
            out(Kind::Meeting, label, "avvisad".into());
        } else if gone_councils.contains(&m.council_id.0) {
            out(Kind::Meeting, label, format!("rådet {} avvisades", council_name(m.council_id.0)));
        } else {
            continue;
        }
        gone_meetings.insert(m.id.0);
    }

    doc.councils.retain(|c| !gone_councils.contains(&c.id.0));
    doc.people.retain(|p| !gone_people.contains(&p.id.0));
    doc.collaborations.retain(|c| !gone_collabs.contains(&c.id.0));
    doc.priorities.retain(|p| !gone_priorities.contains(&p.id.0));
    doc.measures.retain(|m| !gone_measures.contains(&m.id.0));
    doc.meetings.retain(|m| !gone_meetings.contains(&m.id.0));
    // References to left-out records are dropped; the text beside them stays.
    for m in &mut doc.measures {
        if m.responsible_person_id.is_some_and(|p| gone_people.contains(&p.0)) {
            m.responsible_person_id = None;
        }
        m.priority_ids.retain(|p| !gone_priorities.contains(&p.0));
    }
    for m in &mut doc.meetings {
        m.attendees.retain(|a| !gone_people.contains(&a.person_id.0));
        m.invited.retain(|p| !gone_people.contains(&p.0));
        if m.contact_person_id.is_some_and(|p| gone_people.contains(&p.0)) {
            m.contact_person_id = None;
        }
        for item in &mut m.items {
            item.collaboration_ids.retain(|c| !gone_collabs.contains(&c.0));
            if item.measure_id.is_some_and(|x| gone_measures.contains(&x.0)) {
                item.measure_id = None;
            }
        }
    }

    // The register (councils, people) is kept by those who may edit it.
    if !user.may(Action::EditRegister) {
        for c in &doc.councils {
            errors.add(
                &format!("council-{}", c.id.0),
                "Bara sammankallande och administratörer får lägga in nya råd. Avvisa rådet eller be någon av dem importera.",
            );
        }
        for p in &doc.people {
            errors.add(
                &format!("person-{}", p.id.0),
                "Bara sammankallande och administratörer får lägga in nya personer. Avvisa personen eller be någon av dem importera.",
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let mut created = vec![];
    let mut line =
        |kind: Kind, name: String| created.push(ReceiptLine { kind: kind.singular().into(), name, why: String::new() });
    doc.councils.iter().for_each(|x| line(Kind::Council, x.name.clone()));
    doc.people.iter().for_each(|x| line(Kind::Person, x.name.clone()));
    doc.collaborations.iter().for_each(|x| line(Kind::Collaboration, x.name.clone()));
    doc.measures.iter().for_each(|x| line(Kind::Measure, measure_label(x)));
    doc.priorities.iter().for_each(|x| line(Kind::Priority, x.title.clone()));
    doc.meetings
        .iter()
        .for_each(|x| line(Kind::Meeting, format!("{} {}", x.body, x.starts_at.format("%Y-%m-%d %H:%M"))));
    Ok((doc, Receipt { created, left_out, existing: stored.existing.len() }))
}

/// Accepted records whose natural key (the importer's, see `tryggve_import::minutes::resolve`)
/// the register has come to hold since the upload: another import of the same document.
pub(super) fn already_stored(doc: &ExportDocument, now: &ExportDocument) -> Vec<String> {
    use tryggve_import::minutes::names::norm;
    let mut found = vec![];
    for c in &doc.councils {
        if now.councils.iter().any(|x| norm(&x.name) == norm(&c.name)) {
            found.push(format!("rådet {}", c.name));
        }
    }
    for p in &doc.people {
        if now
            .people
            .iter()
            .any(|x| norm(&x.name) == norm(&p.name) || x.aliases.iter().any(|a| norm(a) == norm(&p.name)))
        {
            found.push(format!("personen {}", p.name));
        }
    }
    for c in &doc.collaborations {
        if now.collaborations.iter().any(|x| x.council_id == c.council_id && norm(&x.name) == norm(&c.name)) {
            found.push(format!("platssamverkan {}", c.name));
        }
    }
    for m in &doc.measures {
        let same = |x: &tryggve_core::workdoc::Measure| {
            x.collaboration_id == m.collaboration_id
                && x.kind == m.kind
                && norm(&x.problem) == norm(&m.problem)
                && norm(&x.action) == norm(&m.action)
        };
        if now.measures.iter().any(same) {
            found.push(format!("åtgärden {}", measure_label(m)));
        }
    }
    for p in &doc.priorities {
        if now.priorities.iter().any(|x| x.council_id == p.council_id && norm(&x.title) == norm(&p.title)) {
            found.push(format!("det prioriterade området {}", p.title));
        }
    }
    for m in &doc.meetings {
        if now.meetings.iter().any(|x| x.council_id == m.council_id && x.starts_at == m.starts_at) {
            found.push(format!("mötet {}", m.starts_at.format("%Y-%m-%d %H:%M")));
        }
    }
    found
}

/// Checks one posted value; `None` (with the error added) when it does not pass.
pub(super) fn check(errors: &mut FieldErrors, field: &str, c: Check, value: &str) -> Option<String> {
    match c {
        Check::RequiredLine => errors.check(field, text::required_line(value, MAX_LINE)),
        Check::OptionalLine => errors.check(field, text::optional_line(value, MAX_LINE)),
        Check::Text => errors.check(field, text::free_text(value, 2000)),
        Check::Classification => match Classification::parse(value) {
            Ok(c @ (Classification::Public | Classification::Internal)) => Some(c.as_str().to_owned()),
            _ => {
                errors.add(field, "Välj offentlig eller intern.");
                None
            }
        },
    }
}

/// Puts a checked value into the proposed record.
pub(super) fn set(doc: &mut ExportDocument, kind: Kind, id: i64, part: &str, value: String) {
    let classification = || Classification::parse(&value).unwrap_or(Classification::Internal);
    match kind {
        Kind::Council => {
            if let Some(c) = doc.councils.iter_mut().find(|x| x.id.0 == id)
                && part == "name"
            {
                c.name = value;
            }
        }
        Kind::Person => {
            if let Some(p) = doc.people.iter_mut().find(|x| x.id.0 == id) {
                match part {
                    "name" => p.name = value,
                    "title" => p.title = value,
                    _ => {}
                }
            }
        }
        Kind::Collaboration => {
            if let Some(c) = doc.collaborations.iter_mut().find(|x| x.id.0 == id) {
                match part {
                    "name" => c.name = value,
                    "summary" => c.summary = value,
                    "classification" => c.classification = classification(),
                    _ => {}
                }
            }
        }
        Kind::Measure => {
            if let Some(m) = doc.measures.iter_mut().find(|x| x.id.0 == id) {
                match part {
                    "problem" => m.problem = value,
                    "action" => m.action = value,
                    "classification" => m.classification = classification(),
                    _ => {}
                }
            }
        }
        Kind::Priority => {
            if let Some(p) = doc.priorities.iter_mut().find(|x| x.id.0 == id) {
                match part {
                    "title" => p.title = value,
                    "classification" => p.classification = classification(),
                    _ => {}
                }
            }
        }
        Kind::Meeting => {
            let c = classification();
            let Some(m) = doc.meetings.iter_mut().find(|x| x.id.0 == id) else { return };
            match part {
                "location" => m.location = value,
                "classification" => m.classification = c,
                _ => {
                    let Some((item, field)) = part.strip_prefix("item-").and_then(|r| r.split_once('.')) else {
                        return;
                    };
                    let Some(item) = item.parse::<usize>().ok().and_then(|i| m.items.get_mut(i)) else { return };
                    match field {
                        "heading" => item.heading = value,
                        "classification" => item.classification = c,
                        _ => {}
                    }
                }
            }
        }
    }
}
