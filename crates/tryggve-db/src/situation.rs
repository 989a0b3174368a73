//! The situation picture's storage: the category checklist, incidents
//! (filtered by the viewer in SQL) and indicator series.

use crate::audit::diff;
use crate::register::code;
use crate::{Actor, Backend, Db, DbError, Result, Tx, TxInner, on_tx, viewer_params, visible, with_pool};
use chrono::NaiveDate;
use sqlx::Row;
use std::collections::HashMap;
use tryggve_core::situation::*;
use tryggve_core::*;

/// What a bulk import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    pub added: u64,
    /// Rows already there (same source and id): not added again.
    pub unchanged: u64,
}

/// Which incidents to list. Dates are local calendar dates, inclusive.
#[derive(Debug, Clone, Default)]
pub struct IncidentFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Incidents placed in any of these areas (the caller expands a hierarchy).
    pub area_ids: Vec<AreaId>,
    pub categories: Vec<String>,
    pub source_kinds: Vec<SourceKind>,
    pub reliability: Vec<Reliability>,
    pub limit: Option<i64>,
    /// Newest first (lists), instead of oldest first (computations).
    pub newest_first: bool,
}

macro_rules! map_incident {
    ($r:expr) => {
        Incident {
            id: IncidentId($r.try_get("id")?),
            occurred_at: $r.try_get("occurred_at")?,
            utc_offset_minutes: $r.try_get("utc_offset_minutes")?,
            occurred_until: $r.try_get("occurred_until")?,
            time_precision: code(TimePrecision::parse, $r.try_get("time_precision")?)?,
            reported_at: $r.try_get("reported_at")?,
            organisation_id: $r.try_get::<Option<i64>, _>("organisation_id")?.map(OrgId),
            reported_by: $r.try_get::<Option<i64>, _>("reported_by")?.map(UserId),
            category: $r.try_get("category")?,
            lon: $r.try_get("lon")?,
            lat: $r.try_get("lat")?,
            area_id: $r.try_get::<Option<i64>, _>("area_id")?.map(AreaId),
            position_precision: code(PositionPrecision::parse, $r.try_get("position_precision")?)?,
            description: $r.try_get("description")?,
            source_kind: code(SourceKind::parse, $r.try_get("source_kind")?)?,
            reliability: code(Reliability::parse, $r.try_get("reliability")?)?,
            classification: code(Classification::parse, $r.try_get("classification")?)?,
            restricted_to: vec![],
            legal_reference_id: None,
            source: $r.try_get("source")?,
            external_id: $r.try_get("external_id")?,
            synthetic: $r.try_get("synthetic")?,
            version: $r.try_get("version")?,
        }
    };
}

const INCIDENT_COLUMNS: &str = "i.id, i.occurred_at, i.utc_offset_minutes, i.occurred_until, i.time_precision, i.reported_at, \
    i.organisation_id, i.reported_by, i.category, i.lon, i.lat, i.area_id, i.position_precision, i.description, \
    i.source_kind, i.reliability, i.classification, i.source, i.external_id, i.synthetic, i.version";

/// The columns an insert writes, in bind order.
const INSERT_COLUMNS: &str = "id, occurred_at, utc_offset_minutes, occurred_until, time_precision, reported_at, \
    organisation_id, reported_by, category, lon, lat, area_id, position_precision, description, source_kind, \
    reliability, classification, source, external_id, synthetic, version";
const INSERT_WIDTH: usize = 21;
/// Rows per multi-row INSERT on PostgreSQL (21 parameters each stays under its limit).
const CHUNK_POSTGRES: usize = 400;
/// Rows per multi-row INSERT on SQLite. Binding looks each numbered parameter
/// up by a linear scan, so a statement's cost grows with the square of its
/// parameters: short statements load a million rows several times faster.
const CHUNK_SQLITE: usize = 25;

/// id, name, kind, unit, source, licence, retrieved_on
type SeriesRow = (i64, String, String, String, String, String, Option<NaiveDate>);

/// A dynamically bound value.
enum Bind {
    Int(i64),
    Text(String),
}

/// Binds `binds` after the parameters already on `q`.
macro_rules! bind_all {
    ($q:expr, $binds:expr) => {{
        let mut q = $q;
        for b in $binds {
            q = match b {
                Bind::Int(i) => q.bind(i),
                Bind::Text(s) => q.bind(s),
            };
        }
        q
    }};
}

/// What the situation picture counts of an incident: its date as written,
/// its source, category and place. No text, no people.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentFact {
    /// The local calendar date (`Incident::local_date`).
    pub date: NaiveDate,
    pub source_kind: SourceKind,
    pub category: String,
    pub area_id: Option<AreaId>,
    pub position_precision: PositionPrecision,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
}

impl Db {
    /// The category checklist in its order.
    pub async fn categories(&self) -> Result<Vec<IncidentCategory>> {
        let rows: Vec<(String, String, i64, bool)> = with_pool!(self, p => sqlx::query_as(
            "SELECT code, label, position, active FROM incident_categories ORDER BY position, code").fetch_all(p).await?);
        Ok(rows
            .into_iter()
            .map(|(code, label, position, active)| IncidentCategory { code, label, position, active })
            .collect())
    }

    /// Adds or changes a category of the checklist.
    pub async fn save_category(&self, actor: &Actor, c: &IncidentCategory) -> Result<()> {
        let old = self.categories().await?.into_iter().find(|x| x.code == c.code);
        let mut tx = self.begin(actor.clone()).await?;
        tx.upsert_category(c).await?;
        tx.audit("update", "incident_category", None, diff(old.as_ref(), Some(c))).await?;
        tx.commit().await
    }

    /// The incidents `viewer` may see that match `f`, oldest first.
    pub async fn incidents(&self, viewer: &Viewer, f: &IncidentFilter) -> Result<Vec<Incident>> {
        let (a, l, o) = viewer_params(viewer);
        let mut binds: Vec<Bind> = vec![];
        let sql = format!(
            "SELECT {INCIDENT_COLUMNS} FROM incidents i WHERE {}{}",
            visible!("i", "incident"),
            self.incident_conditions(f, &mut binds, true)
        );
        let sql = sqlx::AssertSqlSafe(sql);
        let mut list = with_pool!(self, p => {
            let q = bind_all!(sqlx::query(sql).bind(a).bind(l).bind(o), binds);
            let rows = q.fetch_all(p).await?;
            rows.iter().map(|r| Ok(map_incident!(r))).collect::<Result<Vec<_>>>()?
        });
        let mut secrecy = self.record_secrecy("incident").await?;
        for i in &mut list {
            (i.restricted_to, i.legal_reference_id) = secrecy.remove(&i.id.0).unwrap_or_default();
        }
        Ok(list)
    }

    /// What the situation picture needs of the incidents `viewer` may see
    /// that match `f`, oldest first: the rows of `incidents`, narrowed to
    /// the columns it counts, so that a picture over many thousand
    /// incidents decodes no text and no times it does not use.
    pub async fn incident_facts(&self, viewer: &Viewer, f: &IncidentFilter) -> Result<Vec<IncidentFact>> {
        let (a, l, o) = viewer_params(viewer);
        let mut binds: Vec<Bind> = vec![];
        // The date as written: the first ten characters of SQLite's text, PostgreSQL's date part.
        let date = match self.backend() {
            Backend::Sqlite => "SUBSTR(i.occurred_at, 1, 10)",
            Backend::Postgres => "CAST(i.occurred_at AS DATE)",
        };
        let sql = format!(
            "SELECT {date} AS local_date, i.source_kind, i.category, i.area_id, i.position_precision, i.lon, i.lat \
             FROM incidents i WHERE {}{}",
            visible!("i", "incident"),
            self.incident_conditions(f, &mut binds, true)
        );
        let sql = sqlx::AssertSqlSafe(sql);
        Ok(with_pool!(self, p => {
            let q = bind_all!(sqlx::query(sql).bind(a).bind(l).bind(o), binds);
            let rows = q.fetch_all(p).await?;
            rows.iter()
                .map(|r| {
                    Ok(IncidentFact {
                        date: r.try_get("local_date")?,
                        source_kind: code(SourceKind::parse, r.try_get("source_kind")?)?,
                        category: r.try_get("category")?,
                        area_id: r.try_get::<Option<i64>, _>("area_id")?.map(AreaId),
                        position_precision: code(PositionPrecision::parse, r.try_get("position_precision")?)?,
                        lon: r.try_get("lon")?,
                        lat: r.try_get("lat")?,
                    })
                })
                .collect::<Result<Vec<_>>>()?
        }))
    }

    /// Is any of the incidents `viewer` may see that match `f` synthetic?
    /// (`f`'s order and limit do not matter here.)
    pub async fn any_synthetic_incident(&self, viewer: &Viewer, f: &IncidentFilter) -> Result<bool> {
        let (a, l, o) = viewer_params(viewer);
        let mut binds: Vec<Bind> = vec![];
        let sql = format!(
            "SELECT i.id FROM incidents i WHERE {}{} AND i.synthetic = TRUE LIMIT 1",
            visible!("i", "incident"),
            self.incident_conditions(f, &mut binds, false)
        );
        let sql = sqlx::AssertSqlSafe(sql);
        let found: Option<i64> = with_pool!(self, p => {
            let q = bind_all!(sqlx::query_scalar(sql).bind(a).bind(l).bind(o), binds);
            q.fetch_optional(p).await?
        });
        Ok(found.is_some())
    }

    /// The conditions of `f` after `visible!` (parameters from `$4` on),
    /// then, if `order`, its order and limit.
    fn incident_conditions(&self, f: &IncidentFilter, binds: &mut Vec<Bind>, order: bool) -> String {
        let mut sql = String::new();
        let param = |b: Bind, binds: &mut Vec<Bind>| {
            binds.push(b);
            format!("${}", binds.len() + 3)
        };
        if let Some(from) = f.from {
            let p = param(Bind::Text(format!("{from} 00:00:00")), binds);
            sql.push_str(&format!(" AND i.occurred_at >= {}", self.timestamp(&p)));
        }
        if let Some(to) = f.to.and_then(|d| d.succ_opt()) {
            let p = param(Bind::Text(format!("{to} 00:00:00")), binds);
            sql.push_str(&format!(" AND i.occurred_at < {}", self.timestamp(&p)));
        }
        let list = |name: &str, values: Vec<Bind>, binds: &mut Vec<Bind>| {
            let ps: Vec<String> = values.into_iter().map(|v| param(v, binds)).collect();
            format!(" AND {name} IN ({})", ps.join(", "))
        };
        if !f.area_ids.is_empty() {
            sql.push_str(&list("i.area_id", f.area_ids.iter().map(|a| Bind::Int(a.0)).collect(), binds));
        }
        if !f.categories.is_empty() {
            sql.push_str(&list("i.category", f.categories.iter().map(|c| Bind::Text(c.clone())).collect(), binds));
        }
        if !f.source_kinds.is_empty() {
            let v = f.source_kinds.iter().map(|s| Bind::Text(s.as_str().into())).collect();
            sql.push_str(&list("i.source_kind", v, binds));
        }
        if !f.reliability.is_empty() {
            let v = f.reliability.iter().map(|s| Bind::Text(s.as_str().into())).collect();
            sql.push_str(&list("i.reliability", v, binds));
        }
        if order {
            sql.push_str(if f.newest_first {
                " ORDER BY i.occurred_at DESC, i.id DESC"
            } else {
                " ORDER BY i.occurred_at, i.id"
            });
            if let Some(limit) = f.limit {
                sql.push_str(&format!(" LIMIT {}", limit.clamp(0, 1_000_000)));
            }
        }
        sql
    }

    /// Updates the query planner's statistics of the incidents, after a large
    /// import. (PostgreSQL's autovacuum does it by itself, where it runs.)
    pub async fn analyze_incidents(&self) -> Result<()> {
        with_pool!(self, p => { sqlx::query("ANALYZE incidents").execute(p).await?; });
        Ok(())
    }

    /// A text parameter as a timestamp (PostgreSQL compares types strictly).
    fn timestamp(&self, p: &str) -> String {
        match self.backend() {
            Backend::Sqlite => p.to_owned(),
            Backend::Postgres => format!("CAST({p} AS TIMESTAMP)"),
        }
    }

    pub async fn incident(&self, viewer: &Viewer, id: IncidentId) -> Result<Incident> {
        let (a, l, o) = viewer_params(viewer);
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {INCIDENT_COLUMNS} FROM incidents i WHERE {} AND i.id = $4",
            visible!("i", "incident")
        ));
        let mut list = with_pool!(self, p => {
            let rows = sqlx::query(sql).bind(a).bind(l).bind(o).bind(id.0).fetch_all(p).await?;
            rows.iter().map(|r| Ok(map_incident!(r))).collect::<Result<Vec<_>>>()?
        });
        let mut i = list.pop().ok_or(DbError::NotFound)?;
        (i.restricted_to, i.legal_reference_id) =
            self.record_secrecy("incident").await?.remove(&i.id.0).unwrap_or_default();
        Ok(i)
    }

    /// Reports one incident (the web form, the API).
    pub async fn create_incident(&self, actor: &Actor, incident: &Incident) -> Result<IncidentId> {
        let mut tx = self.begin(actor.clone()).await?;
        let id = IncidentId(tx.next_id("incidents").await?);
        let incident = Incident { id, version: 1, ..incident.clone() };
        tx.insert_incidents(std::slice::from_ref(&incident)).await?;
        tx.set_record_secrecy("incident", id.0, &incident.restricted_to, incident.legal_reference_id).await?;
        // The free text is not logged: it may describe people.
        let mut detail = diff(None, Some(&incident));
        if let Some(m) = detail.as_object_mut() {
            m.remove("description");
        }
        tx.audit("create", "incident", Some(id.0), detail).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes an incident; `i.version` is the version the edit was based on.
    pub async fn update_incident(&self, actor: &Actor, viewer: &Viewer, i: &Incident) -> Result<()> {
        let old = self.incident(viewer, i.id).await?;
        if old.version != i.version {
            return Err(DbError::Conflict { current: old.version });
        }
        let mut tx = self.begin(actor.clone()).await?;
        let n = on_tx!(tx, c => sqlx::query(
            "UPDATE incidents SET occurred_at = $1, utc_offset_minutes = $2, occurred_until = $3, time_precision = $4, \
             organisation_id = $5, category = $6, lon = $7, lat = $8, area_id = $9, position_precision = $10, \
             description = $11, source_kind = $12, reliability = $13, classification = $14, version = version + 1 \
             WHERE id = $15 AND version = $16")
            .bind(i.occurred_at).bind(i.utc_offset_minutes).bind(i.occurred_until).bind(i.time_precision.as_str())
            .bind(i.organisation_id.map(|o| o.0)).bind(&i.category).bind(i.lon).bind(i.lat).bind(i.area_id.map(|a| a.0))
            .bind(i.position_precision.as_str()).bind(&i.description).bind(i.source_kind.as_str())
            .bind(i.reliability.as_str()).bind(i.classification.as_str()).bind(i.id.0).bind(i.version)
            .execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(DbError::Conflict { current: old.version + 1 });
        }
        tx.set_record_secrecy("incident", i.id.0, &i.restricted_to, i.legal_reference_id).await?;
        let mut detail = diff(Some(&old), Some(i));
        if let Some(m) = detail.as_object_mut()
            && m.remove("description").is_some()
        {
            m.insert("description".into(), serde_json::json!("(ändrad)"));
        }
        tx.audit("update", "incident", Some(i.id.0), detail).await?;
        tx.commit().await
    }

    /// Adds a batch of incidents in one transaction. Rows whose (source,
    /// external id) is already stored are left as they are, so importing the
    /// same file twice adds nothing.
    pub async fn import_incidents(&self, actor: &Actor, what: &str, incidents: &[Incident]) -> Result<ImportSummary> {
        let mut tx = self.begin(actor.clone()).await?;
        if let TxInner::Postgres(t) = &mut tx.inner {
            // The batch numbers its rows itself: keep other writers out until it commits.
            sqlx::query("LOCK TABLE incidents IN SHARE ROW EXCLUSIVE MODE").execute(&mut **t).await?;
        }
        let first = tx.next_id("incidents").await?;
        let numbered: Vec<Incident> =
            (first..).zip(incidents).map(|(id, i)| Incident { id: IncidentId(id), version: 1, ..i.clone() }).collect();
        let added = tx.insert_incidents(&numbered).await?;
        let summary = ImportSummary { added, unchanged: incidents.len() as u64 - added };
        tx.audit(
            "import",
            "incident",
            None,
            serde_json::json!({ "file": what, "added": summary.added, "unchanged": summary.unchanged }),
        )
        .await?;
        tx.reset_sequence("incidents").await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// Adds or updates an indicator series and its observations.
    pub async fn import_indicator(&self, actor: &Actor, s: &IndicatorSeries) -> Result<ImportSummary> {
        let mut tx = self.begin(actor.clone()).await?;
        let existing: Option<i64> = on_tx!(tx, c => sqlx::query_scalar("SELECT id FROM indicator_series WHERE name = $1")
            .bind(&s.name).fetch_optional(&mut *c).await?);
        let id = match existing {
            Some(id) => {
                on_tx!(tx, c => { sqlx::query("UPDATE indicator_series SET kind = $1, unit = $2, source = $3, licence = $4, retrieved_on = $5 WHERE id = $6")
                    .bind(&s.kind).bind(&s.unit).bind(&s.source).bind(&s.licence).bind(s.retrieved_on).bind(id)
                    .execute(&mut *c).await?; });
                id
            }
            None => {
                let id = tx.next_id("indicator_series").await?;
                tx.insert_series(&IndicatorSeries { id: IndicatorId(id), observations: vec![], ..s.clone() }).await?;
                id
            }
        };
        let before: i64 = on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM indicator_observations WHERE series_id = $1")
            .bind(id).fetch_one(&mut *c).await?);
        tx.upsert_observations(IndicatorId(id), &s.observations).await?;
        let after: i64 = on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM indicator_observations WHERE series_id = $1")
            .bind(id).fetch_one(&mut *c).await?);
        let added = (after - before) as u64;
        let summary = ImportSummary { added, unchanged: s.observations.len() as u64 - added };
        tx.audit("import", "indicator_series", Some(id), serde_json::json!({ "name": s.name, "added": added })).await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// Every indicator series with its observations.
    pub async fn indicators(&self) -> Result<Vec<IndicatorSeries>> {
        let series: Vec<SeriesRow> = with_pool!(self, p => sqlx::query_as(
            "SELECT id, name, kind, unit, source, licence, retrieved_on FROM indicator_series ORDER BY id").fetch_all(p).await?);
        let obs = with_pool!(self, p => {
            let rows = sqlx::query("SELECT series_id, area_name, area_id, dimension, period_start, period_end, value, preliminary \
                                    FROM indicator_observations ORDER BY series_id, area_name, dimension, period_start")
                .fetch_all(p).await?;
            rows.iter()
                .map(|r| {
                    Ok((r.try_get::<i64, _>("series_id")?, Observation {
                        area_name: r.try_get("area_name")?,
                        area_id: r.try_get::<Option<i64>, _>("area_id")?.map(AreaId),
                        dimension: r.try_get("dimension")?,
                        period_start: r.try_get("period_start")?,
                        period_end: r.try_get("period_end")?,
                        value: r.try_get("value")?,
                        preliminary: r.try_get("preliminary")?,
                    }))
                })
                .collect::<Result<Vec<_>>>()?
        });
        let mut by: HashMap<i64, Vec<Observation>> = HashMap::new();
        for (sid, o) in obs {
            by.entry(sid).or_default().push(o);
        }
        Ok(series
            .into_iter()
            .map(|(id, name, kind, unit, source, licence, retrieved_on)| IndicatorSeries {
                id: IndicatorId(id),
                name,
                kind,
                unit,
                source,
                licence,
                retrieved_on,
                observations: by.remove(&id).unwrap_or_default(),
            })
            .collect())
    }
}

impl Tx {
    pub(crate) async fn upsert_category(&mut self, c: &IncidentCategory) -> Result<()> {
        on_tx!(self, conn => {
            sqlx::query("INSERT INTO incident_categories (code, label, position, active) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (code) DO UPDATE SET label = excluded.label, position = excluded.position, active = excluded.active")
                .bind(&c.code).bind(&c.label).bind(c.position).bind(c.active)
                .execute(&mut *conn).await?;
        });
        Ok(())
    }

    /// Inserts incidents with their ids, skipping (source, external_id)
    /// duplicates; returns how many were added.
    pub(crate) async fn insert_incidents(&mut self, list: &[Incident]) -> Result<u64> {
        let mut added = 0;
        let rows = match self.inner {
            TxInner::Sqlite(_) => CHUNK_SQLITE,
            TxInner::Postgres(_) => CHUNK_POSTGRES,
        };
        for chunk in list.chunks(rows) {
            let mut sql = format!("INSERT INTO incidents ({INSERT_COLUMNS}) VALUES ");
            for (r, _) in chunk.iter().enumerate() {
                if r > 0 {
                    sql.push(',');
                }
                sql.push('(');
                for c in 0..INSERT_WIDTH {
                    if c > 0 {
                        sql.push(',');
                    }
                    sql.push_str(&format!("${}", r * INSERT_WIDTH + c + 1));
                }
                sql.push(')');
            }
            sql.push_str(" ON CONFLICT (source, external_id) DO NOTHING");
            let sql = sqlx::AssertSqlSafe(sql);
            added += on_tx!(self, c => {
                let mut q = sqlx::query(sql);
                for i in chunk {
                    q = q.bind(i.id.0).bind(i.occurred_at).bind(i.utc_offset_minutes).bind(i.occurred_until)
                        .bind(i.time_precision.as_str()).bind(i.reported_at).bind(i.organisation_id.map(|o| o.0))
                        .bind(i.reported_by.map(|u| u.0)).bind(&i.category).bind(i.lon).bind(i.lat)
                        .bind(i.area_id.map(|a| a.0)).bind(i.position_precision.as_str()).bind(&i.description)
                        .bind(i.source_kind.as_str()).bind(i.reliability.as_str()).bind(i.classification.as_str())
                        .bind(&i.source).bind(&i.external_id).bind(i.synthetic).bind(i.version);
                }
                q.execute(&mut *c).await?.rows_affected()
            });
        }
        Ok(added)
    }

    pub(crate) async fn insert_series(&mut self, s: &IndicatorSeries) -> Result<()> {
        on_tx!(self, c => {
            sqlx::query("INSERT INTO indicator_series (id, name, kind, unit, source, licence, retrieved_on) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(s.id.0).bind(&s.name).bind(&s.kind).bind(&s.unit).bind(&s.source).bind(&s.licence).bind(s.retrieved_on)
                .execute(&mut *c).await?;
        });
        Ok(())
    }

    pub(crate) async fn upsert_observations(&mut self, id: IndicatorId, list: &[Observation]) -> Result<()> {
        for o in list {
            on_tx!(self, c => {
                sqlx::query("INSERT INTO indicator_observations (series_id, area_name, area_id, dimension, period_start, period_end, value, preliminary) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (series_id, area_name, dimension, period_start) \
                             DO UPDATE SET area_id = excluded.area_id, period_end = excluded.period_end, value = excluded.value, preliminary = excluded.preliminary")
                    .bind(id.0).bind(&o.area_name).bind(o.area_id.map(|a| a.0)).bind(&o.dimension).bind(o.period_start)
                    .bind(o.period_end).bind(o.value).bind(o.preliminary)
                    .execute(&mut *c).await?;
            });
        }
        Ok(())
    }

    /// Moves a PostgreSQL identity sequence past the largest id.
    pub(crate) async fn reset_sequence(&mut self, table: &'static str) -> Result<()> {
        if let TxInner::Postgres(t) = &mut self.inner {
            let sql = sqlx::AssertSqlSafe(format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
            ));
            sqlx::query(sql).execute(&mut **t).await?;
        }
        Ok(())
    }
}
