//! The lägesbild's own records: narratives per area and period, the
//! reporting organisations and who reported, and frozen snapshots (which the
//! database itself refuses to change).

use crate::audit::diff;
use crate::register::code;
use crate::{Actor, Db, DbError, Result, on_tx, viewer_params, visible, with_pool};
use chrono::NaiveDate;
use sqlx::Row;
use tryggve_core::situation::{Narrative, ReportingOrganisation, Snapshot};
use tryggve_core::*;

const NARRATIVE_SQL: &str = concat!(
    "SELECT n.id, n.area_id, n.period_from, n.period_to, n.body, n.classification, n.version FROM situation_narratives n WHERE ",
    visible!("n", "narrative"),
    " AND n.area_id = $4 AND n.period_from = $5 AND n.period_to = $6"
);

impl Db {
    /// The narrative of exactly this area and period, if the viewer may see it.
    pub async fn narrative(
        &self,
        viewer: &Viewer,
        area: AreaId,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Option<Narrative>> {
        let (a, l, o) = viewer_params(viewer);
        with_pool!(self, p => {
            let row = sqlx::query(NARRATIVE_SQL).bind(a).bind(l).bind(o).bind(area.0).bind(from).bind(to).fetch_optional(p).await?;
            row.map(|r| -> Result<Narrative> {
                Ok(Narrative {
                    id: NarrativeId(r.try_get("id")?),
                    area_id: AreaId(r.try_get("area_id")?),
                    period_from: r.try_get("period_from")?,
                    period_to: r.try_get("period_to")?,
                    body: r.try_get("body")?,
                    classification: code(Classification::parse, r.try_get("classification")?)?,
                    version: r.try_get("version")?,
                })
            })
            .transpose()
        })
    }

    /// Every narrative the viewer may see (exports), in id order.
    pub async fn narratives(&self, viewer: &Viewer) -> Result<Vec<Narrative>> {
        let (a, l, o) = viewer_params(viewer);
        let sql = concat!(
            "SELECT n.id, n.area_id, n.period_from, n.period_to, n.body, n.classification, n.version FROM situation_narratives n WHERE ",
            visible!("n", "narrative"),
            " ORDER BY n.id"
        );
        with_pool!(self, p => {
            let rows = sqlx::query(sql).bind(a).bind(l).bind(o).fetch_all(p).await?;
            rows.iter()
                .map(|r| {
                    Ok(Narrative {
                        id: NarrativeId(r.try_get("id")?),
                        area_id: AreaId(r.try_get("area_id")?),
                        period_from: r.try_get("period_from")?,
                        period_to: r.try_get("period_to")?,
                        body: r.try_get("body")?,
                        classification: code(Classification::parse, r.try_get("classification")?)?,
                        version: r.try_get("version")?,
                    })
                })
                .collect()
        })
    }

    /// Writes the narrative of an area and period. `n.version` is the version
    /// the edit was based on (0 for a new one).
    pub async fn save_narrative(&self, actor: &Actor, viewer: &Viewer, n: &Narrative) -> Result<NarrativeId> {
        let old = self
            .narrative(
                &Viewer { role: Some(tryggve_core::access::Role::Admin), ..viewer.clone() },
                n.area_id,
                n.period_from,
                n.period_to,
            )
            .await?;
        let mut tx = self.begin(actor.clone()).await?;
        let id = match &old {
            Some(o) => {
                if o.version != n.version {
                    return Err(DbError::Conflict { current: o.version });
                }
                let changed = on_tx!(tx, c => sqlx::query(
                    "UPDATE situation_narratives SET body = $1, classification = $2, version = version + 1 WHERE id = $3 AND version = $4")
                    .bind(&n.body).bind(n.classification.as_str()).bind(o.id.0).bind(n.version)
                    .execute(&mut *c).await?.rows_affected());
                if changed == 0 {
                    return Err(DbError::Conflict { current: o.version + 1 });
                }
                o.id
            }
            None => {
                if n.version != 0 {
                    return Err(DbError::Conflict { current: 0 });
                }
                let id = tx.next_id("situation_narratives").await?;
                on_tx!(tx, c => {
                    sqlx::query("INSERT INTO situation_narratives (id, area_id, period_from, period_to, body, classification, version) \
                                 VALUES ($1, $2, $3, $4, $5, $6, 1)")
                        .bind(id).bind(n.area_id.0).bind(n.period_from).bind(n.period_to).bind(&n.body).bind(n.classification.as_str())
                        .execute(&mut *c).await?;
                });
                NarrativeId(id)
            }
        };
        let new = Narrative { id, ..n.clone() };
        tx.audit(
            if old.is_some() { "update" } else { "create" },
            "narrative",
            Some(id.0),
            diff(old.as_ref(), Some(&new)),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn reporting_organisations(&self) -> Result<Vec<ReportingOrganisation>> {
        let rows: Vec<(i64, i64)> = with_pool!(self, p => sqlx::query_as(
            "SELECT organisation_id, cadence_days FROM reporting_organisations ORDER BY organisation_id").fetch_all(p).await?);
        Ok(rows
            .into_iter()
            .map(|(o, c)| ReportingOrganisation { organisation_id: OrgId(o), cadence_days: c })
            .collect())
    }

    /// Names an organisation as a reporter every `cadence_days`, or (None) no longer.
    pub async fn set_reporting_organisation(&self, actor: &Actor, org: OrgId, cadence_days: Option<i64>) -> Result<()> {
        let mut tx = self.begin(actor.clone()).await?;
        on_tx!(tx, c => {
            sqlx::query("DELETE FROM reporting_organisations WHERE organisation_id = $1").bind(org.0).execute(&mut *c).await?;
            if let Some(days) = cadence_days {
                sqlx::query("INSERT INTO reporting_organisations (organisation_id, cadence_days) VALUES ($1, $2)")
                    .bind(org.0).bind(days).execute(&mut *c).await?;
            }
        });
        tx.audit("update", "reporting_organisation", Some(org.0), serde_json::json!({ "cadence_days": cadence_days }))
            .await?;
        tx.commit().await
    }

    /// Per organisation, the days in the period with incidents it reported
    /// that the viewer may see (several on one day count once). A bulk import
    /// is delivered at once, so the day of the incident counts, not the day
    /// of the delivery.
    pub async fn report_days(&self, viewer: &Viewer, from: NaiveDate, to: NaiveDate) -> Result<Vec<(OrgId, i64)>> {
        let (a, l, o) = viewer_params(viewer);
        let sql = concat!(
            "SELECT i.organisation_id, COUNT(DISTINCT DATE(i.occurred_at)) AS days FROM incidents i WHERE ",
            visible!("i", "incident"),
            " AND i.organisation_id IS NOT NULL AND i.occurred_at >= $4 AND i.occurred_at < $5 GROUP BY i.organisation_id"
        );
        let (start, end) = (
            from.and_hms_opt(0, 0, 0).unwrap_or_default(),
            to.succ_opt().unwrap_or(to).and_hms_opt(0, 0, 0).unwrap_or_default(),
        );
        let rows: Vec<(i64, i64)> = with_pool!(self, p => sqlx::query_as(sql).bind(a).bind(l).bind(o).bind(start).bind(end).fetch_all(p).await?);
        Ok(rows.into_iter().map(|(o, n)| (OrgId(o), n)).collect())
    }

    /// Freezes a lägesbild: the next version for its area and period.
    pub async fn create_snapshot(&self, actor: &Actor, s: &Snapshot) -> Result<Snapshot> {
        let mut tx = self.begin(actor.clone()).await?;
        let id = tx.next_id("situation_snapshots").await?;
        let version: i64 = on_tx!(tx, c => sqlx::query_scalar(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM situation_snapshots WHERE area_id = $1 AND period_from = $2 AND period_to = $3")
            .bind(s.area_id.0).bind(s.period_from).bind(s.period_to).fetch_one(&mut *c).await?);
        let snap = Snapshot {
            id: SnapshotId(id),
            version,
            created_at: actor.at,
            created_by: actor.username.clone(),
            ..s.clone()
        };
        on_tx!(tx, c => {
            sqlx::query("INSERT INTO situation_snapshots (id, area_id, period_from, period_to, version, meeting_id, created_at, created_by, content, content_hash) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                .bind(id).bind(snap.area_id.0).bind(snap.period_from).bind(snap.period_to).bind(version)
                .bind(snap.meeting_id.map(|m| m.0)).bind(snap.created_at).bind(&snap.created_by).bind(&snap.content).bind(&snap.content_hash)
                .execute(&mut *c).await?;
        });
        tx.audit("create", "snapshot", Some(id), serde_json::json!({ "area_id": snap.area_id, "from": snap.period_from, "to": snap.period_to, "version": version, "content_hash": snap.content_hash })).await?;
        tx.commit().await?;
        Ok(snap)
    }

    /// Snapshots, newest first; of one area or (None) all.
    pub async fn snapshots(&self, area: Option<AreaId>) -> Result<Vec<Snapshot>> {
        self.snapshots_where(area.map_or(0, |a| a.0), 0).await
    }

    pub async fn snapshot(&self, id: SnapshotId) -> Result<Snapshot> {
        self.snapshots_where(0, id.0).await?.pop().ok_or(DbError::NotFound)
    }

    async fn snapshots_where(&self, area: i64, id: i64) -> Result<Vec<Snapshot>> {
        with_pool!(self, p => {
            let rows = sqlx::query("SELECT id, area_id, period_from, period_to, version, meeting_id, created_at, created_by, content, content_hash \
                                    FROM situation_snapshots WHERE ($1 = 0 OR area_id = $1) AND ($2 = 0 OR id = $2) ORDER BY id DESC")
                .bind(area).bind(id).fetch_all(p).await?;
            rows.iter()
                .map(|r| {
                    Ok(Snapshot {
                        id: SnapshotId(r.try_get("id")?),
                        area_id: AreaId(r.try_get("area_id")?),
                        period_from: r.try_get("period_from")?,
                        period_to: r.try_get("period_to")?,
                        version: r.try_get("version")?,
                        meeting_id: r.try_get::<Option<i64>, _>("meeting_id")?.map(MeetingId),
                        created_at: r.try_get("created_at")?,
                        created_by: r.try_get("created_by")?,
                        content: r.try_get("content")?,
                        content_hash: r.try_get("content_hash")?,
                    })
                })
                .collect()
        })
    }

    /// Tries to change a frozen snapshot (tests prove the database refuses).
    #[doc(hidden)]
    pub async fn try_alter_snapshot(&self, id: SnapshotId, content: &str) -> Result<()> {
        let mut tx = self.begin(Actor::system(chrono::Utc::now().naive_utc())).await?;
        on_tx!(tx, c => { sqlx::query("UPDATE situation_snapshots SET content = $1 WHERE id = $2").bind(content).bind(id.0).execute(&mut *c).await?; });
        tx.commit().await
    }
}

impl crate::Tx {
    pub(crate) async fn insert_reporting_organisation(&mut self, r: &ReportingOrganisation) -> Result<()> {
        on_tx!(self, c => {
            sqlx::query("INSERT INTO reporting_organisations (organisation_id, cadence_days) VALUES ($1, $2)")
                .bind(r.organisation_id.0).bind(r.cadence_days).execute(&mut *c).await?;
        });
        Ok(())
    }

    pub(crate) async fn insert_narrative(&mut self, n: &Narrative) -> Result<()> {
        on_tx!(self, c => {
            sqlx::query("INSERT INTO situation_narratives (id, area_id, period_from, period_to, body, classification, version) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(n.id.0).bind(n.area_id.0).bind(n.period_from).bind(n.period_to).bind(&n.body)
                .bind(n.classification.as_str()).bind(n.version)
                .execute(&mut *c).await?;
        });
        Ok(())
    }

    pub(crate) async fn insert_snapshot(&mut self, s: &Snapshot) -> Result<()> {
        on_tx!(self, c => {
            sqlx::query("INSERT INTO situation_snapshots (id, area_id, period_from, period_to, version, meeting_id, created_at, created_by, content, content_hash) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                .bind(s.id.0).bind(s.area_id.0).bind(s.period_from).bind(s.period_to).bind(s.version)
                .bind(s.meeting_id.map(|m| m.0)).bind(s.created_at).bind(&s.created_by).bind(&s.content).bind(&s.content_hash)
                .execute(&mut *c).await?;
        });
        Ok(())
    }
}
