//! Writing what `tryggve import minutes` proposes: new councils, people,
//! collaborations, measures, priorities and meetings beside what the
//! database holds, in one transaction, each record audited.
//!
//! The proposal's ids are provisional (they follow the register as it was
//! read); here every record gets a fresh id from the table and references
//! between the new records are renumbered with it. References to records
//! already in the database are kept as they are.
//!
//! From the web app the proposal first waits in `pending_imports` while the
//! reviewer decides; [`Db::import_pending_minutes`] then writes the accepted
//! records and marks the pending import done in the same transaction, so a
//! second post of the same decisions writes nothing.

use crate::audit::diff;
use crate::{Actor, Db, Result, Tx, on_tx, with_pool};
use chrono::NaiveDateTime;
use std::collections::HashMap;
use tryggve_core::UserId;
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
        let counts = write_minutes(&mut tx, create).await?;
        tx.commit().await?;
        Ok(counts)
    }

    /// Keeps an uploaded document's proposal (as JSON) for review; returns its id.
    pub async fn create_pending_import(
        &self,
        actor: &Actor,
        file_name: &str,
        proposal: &serde_json::Value,
    ) -> Result<i64> {
        let mut tx = self.begin(actor.clone()).await?;
        let id = tx.next_id("pending_imports").await?;
        let (by, at, json) = (actor.user_id.map(|u| u.0), actor.at, serde_json::to_string(proposal)?);
        on_tx!(tx, c => {
            sqlx::query("INSERT INTO pending_imports (id, file_name, uploaded_by, uploaded_at, proposal) \
                         VALUES ($1, $2, $3, $4, $5)")
                .bind(id).bind(file_name).bind(by).bind(at).bind(&json)
                .execute(&mut *c).await?;
        });
        // The document's text stays out of the audit log; the file name says what was uploaded.
        tx.audit("create", "pending_import", Some(id), serde_json::json!({ "file_name": file_name })).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// A pending (or finished) import, with its proposal.
    pub async fn pending_import(&self, id: i64) -> Result<PendingImport> {
        let row: PendingRow = with_pool!(self, p => sqlx::query_as(
            "SELECT id, file_name, uploaded_by, uploaded_at, proposal, done_at, done_by, result \
             FROM pending_imports WHERE id = $1")
            .bind(id).fetch_one(p).await?);
        row.try_into()
    }

    /// The imports `user` uploaded and has not yet decided on, newest first (without their proposals).
    pub async fn open_pending_imports(&self, user: UserId) -> Result<Vec<(i64, String, NaiveDateTime)>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT id, file_name, uploaded_at FROM pending_imports \
             WHERE uploaded_by = $1 AND done_at IS NULL ORDER BY id DESC LIMIT 50")
            .bind(user.0).fetch_all(p).await?))
    }

    /// Writes the records the reviewer accepted and marks the pending import
    /// done with `result` (what was written and left out), in one
    /// transaction. `None` when it was already done: then nothing is written.
    pub async fn import_pending_minutes(
        &self,
        actor: &Actor,
        id: i64,
        create: &ExportDocument,
        result: &serde_json::Value,
    ) -> Result<Option<MinutesImported>> {
        let mut tx = self.begin(actor.clone()).await?;
        // Claiming the row first makes a second, concurrent post wait here and then find it done.
        let (at, by, json) = (actor.at, actor.user_id.map(|u| u.0), serde_json::to_string(result)?);
        let claimed = on_tx!(tx, c => sqlx::query(
            "UPDATE pending_imports SET done_at = $1, done_by = $2, result = $3 WHERE id = $4 AND done_at IS NULL")
            .bind(at).bind(by).bind(&json).bind(id)
            .execute(&mut *c).await?.rows_affected());
        if claimed == 0 {
            return Ok(None);
        }
        let counts = write_minutes(&mut tx, create).await?;
        tx.audit("update", "pending_import", Some(id), serde_json::to_value(&counts)?).await?;
        tx.commit().await?;
        Ok(Some(counts))
    }
}

/// A document uploaded for review (`/import/protokoll`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PendingImport {
    pub id: i64,
    pub file_name: String,
    pub uploaded_by: Option<UserId>,
    pub uploaded_at: NaiveDateTime,
    /// The proposal as the importer made it (JSON).
    pub proposal: serde_json::Value,
    /// When the decisions were posted; `None` while it waits for review.
    pub done_at: Option<NaiveDateTime>,
    pub done_by: Option<UserId>,
    /// What was written and left out (JSON), once done.
    pub result: Option<serde_json::Value>,
}

type PendingRow = (i64, String, Option<i64>, NaiveDateTime, String, Option<NaiveDateTime>, Option<i64>, Option<String>);

impl TryFrom<PendingRow> for PendingImport {
    type Error = crate::DbError;

    fn try_from(r: PendingRow) -> Result<PendingImport> {
        let (id, file_name, uploaded_by, uploaded_at, proposal, done_at, done_by, result) = r;
        Ok(PendingImport {
            id,
            file_name,
            uploaded_by: uploaded_by.map(UserId),
            uploaded_at,
            proposal: serde_json::from_str(&proposal)?,
            done_at,
            done_by: done_by.map(UserId),
            result: result.as_deref().map(serde_json::from_str).transpose()?,
        })
    }
}

/// Creates the records of `create` in the transaction, renumbering their ids.
async fn write_minutes(tx: &mut Tx, create: &ExportDocument) -> Result<MinutesImported> {
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
    write_collaborations(tx, create, &mut ids).await?;
    write_priorities(tx, create, &mut ids).await?;
    write_measures(tx, create, &mut ids).await?;
    write_meetings(tx, create, &ids).await?;
    let counts = MinutesImported {
        councils: create.councils.len(),
        people: create.people.len(),
        collaborations: create.collaborations.len(),
        measures: create.measures.len(),
        priorities: create.priorities.len(),
        meetings: create.meetings.len(),
    };
    tx.audit("import", "minutes", None, serde_json::to_value(&counts)?).await?;
    Ok(counts)
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
