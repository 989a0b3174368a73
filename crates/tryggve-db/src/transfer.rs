//! Export and import of whole councils (`tryggve export` / `tryggve import`,
//! the demo load, and moving between SQLite and PostgreSQL).
//!
//! Export lists what the viewer may see, in id order; import writes a whole
//! document into an empty database in one transaction, keeping every id and
//! version, so that export → import → export is byte-identical.

use crate::{Actor, Db, DbError, Result, Tx, TxInner, with_pool};
use tryggve_core::Viewer;
use tryggve_core::export::ExportDocument;

/// Tables with an identity column, in insert order.
const ID_TABLES: &[&str] = &[
    "areas",
    "councils",
    "organisations",
    "legal_references",
    "people",
    "users",
    "collaborations",
    "measures",
    "follow_ups",
    "priorities",
    "meetings",
    "api_tokens",
    "audit_log",
    "incidents",
    "indicator_series",
    "situation_narratives",
    "situation_snapshots",
    "minutes",
    "retention_log",
];

impl Db {
    /// The register and the council records that minutes speak of, as
    /// `viewer` may see them: councils, organisations, people, areas (without
    /// geometry), collaborations, measures, priorities and meetings. What an
    /// import of minutes resolves names against; no incidents, indicators or
    /// other bulk of a whole export.
    pub async fn register_and_records(&self, viewer: &Viewer) -> Result<ExportDocument> {
        self.records(viewer, false).await
    }

    async fn records(&self, viewer: &Viewer, geometry: bool) -> Result<ExportDocument> {
        let mut doc = ExportDocument::empty();
        doc.councils = self.councils().await?;
        doc.organisations = self.organisations().await?;
        doc.people = self.people().await?;
        doc.areas = if geometry { self.areas_with_geometry().await? } else { self.areas().await? };
        doc.collaborations = self.collaborations(viewer, None).await?;
        doc.measures = self.measures(viewer, None).await?;
        doc.priorities = self.priorities(viewer, None).await?;
        doc.meetings = self.meetings(viewer, None).await?;
        Ok(doc)
    }

    /// Everything `viewer` may see. Password hashes only for administrators.
    pub async fn export(&self, viewer: &Viewer) -> Result<ExportDocument> {
        let mut doc = self.records(viewer, true).await?;
        doc.legal_references = self.legal_references().await?;
        doc.classification_defaults = self.classification_defaults().await?;
        doc.users = if viewer.is_admin() {
            self.users_with_hashes().await?
        } else {
            self.users().await?.into_iter().filter(|u| Some(u.id) == viewer.user_id).collect()
        };
        doc.follow_ups = self.follow_ups(viewer, None).await?;
        doc.incident_categories = self.categories().await?;
        doc.incidents = self.incidents(viewer, &crate::situation::IncidentFilter::default()).await?;
        doc.indicators = self.indicators().await?;
        doc.reporting_organisations = self.reporting_organisations().await?;
        doc.narratives = self.narratives(viewer).await?;
        doc.snapshots = self.snapshots(None).await?.into_iter().rev().collect();
        // Approved minutes are public records; the internal version only for those who may see it all.
        doc.minutes = self.minutes_of(None).await?.into_iter().rev().collect();
        if !viewer.is_admin() {
            doc.minutes.iter_mut().for_each(|m| m.internal_content = String::new());
        }
        if !viewer.is_admin() {
            // Only an administrator's export holds other users: refer to them by name only.
            let me = viewer.user_id;
            doc.follow_ups.iter_mut().filter(|f| f.author_user_id != me).for_each(|f| f.author_user_id = None);
            doc.incidents.iter_mut().filter(|i| i.reported_by != me).for_each(|i| i.reported_by = None);
        }
        Ok(doc)
    }

    /// Writes a checked document into an empty database, all or nothing.
    pub async fn import(&self, actor: &Actor, doc: &ExportDocument) -> Result<()> {
        doc.check().map_err(|e| DbError::Corrupt(e.to_string()))?;
        if !self.is_empty().await? {
            return Err(DbError::NotEmpty);
        }
        let mut tx = self.begin(actor.clone()).await?;
        for a in &doc.areas {
            tx.insert_area(a).await?;
        }
        for c in &doc.councils {
            tx.insert_council(c).await?;
        }
        for o in &doc.organisations {
            tx.insert_organisation(o).await?;
        }
        for r in &doc.legal_references {
            tx.insert_legal_reference(r).await?;
        }
        for d in &doc.classification_defaults {
            tx.insert_classification_default(d).await?;
        }
        for p in &doc.people {
            tx.insert_person(p).await?;
        }
        for u in &doc.users {
            tx.insert_user(u).await?;
        }
        for c in &doc.collaborations {
            tx.insert_collaboration(c).await?;
        }
        for m in &doc.measures {
            tx.insert_measure(m).await?;
        }
        for f in &doc.follow_ups {
            tx.insert_follow_up(f).await?;
        }
        for p in &doc.priorities {
            tx.insert_priority(p).await?;
        }
        for m in &doc.meetings {
            tx.insert_meeting(m).await?;
        }
        for c in &doc.incident_categories {
            tx.upsert_category(c).await?;
        }
        let added = tx.insert_incidents(&doc.incidents).await?;
        if added != doc.incidents.len() as u64 {
            return Err(DbError::Corrupt("two incidents share a source and external id".into()));
        }
        for i in doc.incidents.iter().filter(|i| !i.restricted_to.is_empty()) {
            tx.set_record_secrecy("incident", i.id.0, &i.restricted_to, i.legal_reference_id).await?;
        }
        for s in &doc.indicators {
            tx.insert_series(s).await?;
            tx.upsert_observations(s.id, &s.observations).await?;
        }
        for r in &doc.reporting_organisations {
            tx.insert_reporting_organisation(r).await?;
        }
        for n in &doc.narratives {
            tx.insert_narrative(n).await?;
        }
        for sn in &doc.snapshots {
            tx.insert_snapshot(sn).await?;
        }
        for m in &doc.minutes {
            tx.insert_minutes(m).await?;
        }
        let counts = serde_json::json!({
            "councils": doc.councils.len(), "organisations": doc.organisations.len(), "people": doc.people.len(),
            "users": doc.users.len(), "areas": doc.areas.len(), "collaborations": doc.collaborations.len(),
            "measures": doc.measures.len(), "follow_ups": doc.follow_ups.len(), "priorities": doc.priorities.len(),
            "meetings": doc.meetings.len(), "incidents": doc.incidents.len(), "indicators": doc.indicators.len(),
        });
        tx.audit("import", "export_document", None, counts).await?;
        tx.reset_sequences().await?;
        tx.commit().await
    }
}

impl Tx {
    /// After rows were inserted with explicit ids, PostgreSQL's identity
    /// sequences must move past them.
    async fn reset_sequences(&mut self) -> Result<()> {
        if let TxInner::Postgres(t) = &mut self.inner {
            for table in ID_TABLES {
                let sql = sqlx::AssertSqlSafe(format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
                ));
                sqlx::query(sql).execute(&mut **t).await?;
            }
        }
        Ok(())
    }
}

impl Db {
    /// Number of rows in each table (tests and the operator's `status`).
    pub async fn table_counts(&self) -> Result<Vec<(&'static str, i64)>> {
        let mut out = vec![];
        for table in ID_TABLES {
            let sql = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"));
            let n: i64 = with_pool!(self, p => sqlx::query_scalar(sql).fetch_one(p).await?);
            out.push((*table, n));
        }
        Ok(out)
    }
}
