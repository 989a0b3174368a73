//! Writing what `tryggve import minutes` proposes: new councils, people,
//! collaborations, measures, priorities and meetings beside what the
//! database holds, in one transaction, each record audited.
//!
//! The proposal's ids are provisional (they follow the register as it was
//! read); here every record gets a fresh id from the table and references
//! between the new records are renumbered with it. References to records
//! already in the database are kept as they are.

use crate::audit::diff;
use crate::{Actor, Db, Result, Tx};
use std::collections::HashMap;
use tryggve_core::export::ExportDocument;

/// How many records of each kind an import of minutes created.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct MinutesImported {
    pub councils: usize,
    pub people: usize,
    pub collaborations: usize,
    pub measures: usize,
    pub priorities: usize,
    pub meetings: usize,
}

/// Provisional id → stored id, per table.
#[derive(Default)]
struct Renumber {
    councils: HashMap<i64, i64>,
    people: HashMap<i64, i64>,
    collaborations: HashMap<i64, i64>,
    measures: HashMap<i64, i64>,
    priorities: HashMap<i64, i64>,
}

fn renumbered(map: &HashMap<i64, i64>, id: i64) -> i64 {
    map.get(&id).copied().unwrap_or(id)
}

impl Db {
    /// Creates the records of a proposal (`create` holds only new records).
    pub async fn import_minutes(&self, actor: &Actor, create: &ExportDocument) -> Result<MinutesImported> {
        let mut tx = self.begin(actor.clone()).await?;
        let mut ids = Renumber::default();
        for c in &create.councils {
            let id = tx.next_id("councils").await?;
            ids.councils.insert(c.id.0, id);
            let c = tryggve_core::register::Council { id: tryggve_core::CouncilId(id), ..c.clone() };
            tx.insert_council(&c).await?;
            tx.audit("create", "council", Some(id), diff(None, Some(&c))).await?;
        }
        for p in &create.people {
            let id = tx.next_id("people").await?;
            ids.people.insert(p.id.0, id);
            let p = tryggve_core::register::Person { id: tryggve_core::PersonId(id), ..p.clone() };
            tx.insert_person(&p).await?;
            tx.audit("create", "person", Some(id), diff(None, Some(&p))).await?;
        }
        write_collaborations(&mut tx, create, &mut ids).await?;
        write_priorities(&mut tx, create, &mut ids).await?;
        write_measures(&mut tx, create, &mut ids).await?;
        write_meetings(&mut tx, create, &ids).await?;
        let counts = MinutesImported {
            councils: create.councils.len(),
            people: create.people.len(),
            collaborations: create.collaborations.len(),
            measures: create.measures.len(),
            priorities: create.priorities.len(),
            meetings: create.meetings.len(),
        };
        tx.audit("import", "minutes", None, serde_json::to_value(&counts)?).await?;
        tx.commit().await?;
        Ok(counts)
    }
}

async fn write_collaborations(tx: &mut Tx, doc: &ExportDocument, ids: &mut Renumber) -> Result<()> {
    for c in &doc.collaborations {
        let id = tx.next_id("collaborations").await?;
        ids.collaborations.insert(c.id.0, id);
        let mut c = c.clone();
        c.id = tryggve_core::CollaborationId(id);
        c.council_id.0 = renumbered(&ids.councils, c.council_id.0);
        tx.insert_collaboration(&c).await?;
        tx.audit("create", "collaboration", Some(id), diff(None, Some(&c))).await?;
    }
    Ok(())
}

async fn write_priorities(tx: &mut Tx, doc: &ExportDocument, ids: &mut Renumber) -> Result<()> {
    for p in &doc.priorities {
        let id = tx.next_id("priorities").await?;
        ids.priorities.insert(p.id.0, id);
        let mut p = p.clone();
        p.id = tryggve_core::PriorityId(id);
        p.council_id.0 = renumbered(&ids.councils, p.council_id.0);
        tx.insert_priority(&p).await?;
        tx.audit("create", "priority", Some(id), diff(None, Some(&p))).await?;
    }
    Ok(())
}

async fn write_measures(tx: &mut Tx, doc: &ExportDocument, ids: &mut Renumber) -> Result<()> {
    for m in &doc.measures {
        let id = tx.next_id("measures").await?;
        ids.measures.insert(m.id.0, id);
        let mut m = m.clone();
        m.id = tryggve_core::MeasureId(id);
        m.collaboration_id.0 = renumbered(&ids.collaborations, m.collaboration_id.0);
        if let Some(p) = m.responsible_person_id.as_mut() {
            p.0 = renumbered(&ids.people, p.0);
        }
        m.priority_ids.iter_mut().for_each(|p| p.0 = renumbered(&ids.priorities, p.0));
        tx.insert_measure(&m).await?;
        tx.audit("create", "measure", Some(id), diff(None, Some(&m))).await?;
    }
    Ok(())
}

async fn write_meetings(tx: &mut Tx, doc: &ExportDocument, ids: &Renumber) -> Result<()> {
    for m in &doc.meetings {
        let id = tx.next_id("meetings").await?;
        let mut m = m.clone();
        m.id = tryggve_core::MeetingId(id);
        m.council_id.0 = renumbered(&ids.councils, m.council_id.0);
        if let Some(p) = m.contact_person_id.as_mut() {
            p.0 = renumbered(&ids.people, p.0);
        }
        m.attendees.iter_mut().for_each(|a| a.person_id.0 = renumbered(&ids.people, a.person_id.0));
        m.invited.iter_mut().for_each(|p| p.0 = renumbered(&ids.people, p.0));
        for item in &mut m.items {
            item.collaboration_ids.iter_mut().for_each(|c| c.0 = renumbered(&ids.collaborations, c.0));
            if let Some(x) = item.measure_id.as_mut() {
                x.0 = renumbered(&ids.measures, x.0);
            }
        }
        tx.insert_meeting(&m).await?;
        tx.audit("create", "meeting", Some(id), diff(None, Some(&m))).await?;
    }
    Ok(())
}
