//! Working documents: collaborations, measures and follow-ups. Every read
//! takes the viewer and filters in SQL; a measure is visible only when its
//! collaboration is too.

use crate::audit::diff;
use crate::register::code;
use crate::{Actor, Db, DbError, Result, Tx, on_tx, viewer_params, visible, with_pool};
use sqlx::Row;
use std::collections::HashMap;
use tryggve_core::workdoc::{Collaboration, FollowUp, Measure, MeasureKind, MeasureStatus, MeasureTag};
use tryggve_core::*;

macro_rules! map_collaboration {
    ($r:expr) => {
        Collaboration {
            id: CollaborationId($r.try_get("id")?),
            council_id: CouncilId($r.try_get("council_id")?),
            name: $r.try_get("name")?,
            summary: $r.try_get("summary")?,
            narrative: $r.try_get("narrative")?,
            place_ids: vec![],
            classification: code(Classification::parse, $r.try_get("classification")?)?,
            restricted_to: vec![],
            legal_reference_id: None,
            version: $r.try_get("version")?,
        }
    };
}

macro_rules! map_measure {
    ($r:expr) => {
        Measure {
            id: MeasureId($r.try_get("id")?),
            collaboration_id: CollaborationId($r.try_get("collaboration_id")?),
            kind: code(MeasureKind::parse, $r.try_get("kind")?)?,
            position: $r.try_get("position")?,
            problem: $r.try_get("problem")?,
            place_id: $r.try_get::<Option<i64>, _>("place_id")?.map(AreaId),
            action: $r.try_get("action")?,
            participants_text: $r.try_get("participants_text")?,
            participant_ids: vec![],
            responsible_text: $r.try_get("responsible_text")?,
            responsible_org_id: $r.try_get::<Option<i64>, _>("responsible_org_id")?.map(OrgId),
            responsible_person_id: $r.try_get::<Option<i64>, _>("responsible_person_id")?.map(PersonId),
            status: code(MeasureStatus::parse, $r.try_get("status")?)?,
            status_text: $r.try_get("status_text")?,
            classification: code(Classification::parse, $r.try_get("classification")?)?,
            restricted_to: vec![],
            legal_reference_id: None,
            version: $r.try_get("version")?,
            start_date: $r.try_get("start_date")?,
            due_date: $r.try_get("due_date")?,
            next_follow_up: $r.try_get("next_follow_up")?,
            follow_up_body: $r.try_get("follow_up_body")?,
            tags: serde_json::from_str::<Vec<String>>(&$r.try_get::<String, _>("tags")?)?
                .iter()
                .map(|t| code(MeasureTag::parse, t.clone()))
                .collect::<Result<Vec<_>>>()?,
            expected_effect: $r.try_get("expected_effect")?,
            priority_ids: vec![],
            created_at: $r.try_get("created_at")?,
        }
    };
}

macro_rules! map_follow_up {
    ($r:expr) => {
        FollowUp {
            id: FollowUpId($r.try_get("id")?),
            measure_id: MeasureId($r.try_get("measure_id")?),
            date: $r.try_get("date")?,
            author: $r.try_get("author")?,
            author_user_id: $r.try_get::<Option<i64>, _>("author_user_id")?.map(UserId),
            text: $r.try_get("text")?,
            new_status: match $r.try_get::<Option<String>, _>("new_status")? {
                Some(s) => Some(code(MeasureStatus::parse, s)?),
                None => None,
            },
            created_at: $r.try_get("created_at")?,
        }
    };
}

const COLLAB_SQL: &str = concat!(
    "SELECT c.id, c.council_id, c.name, c.summary, c.narrative, c.classification, c.version FROM collaborations c WHERE ",
    visible!("c", "collaboration"),
    " AND ($4 = 0 OR c.council_id = $4) AND ($5 = 0 OR c.id = $5) ORDER BY c.id"
);

const MEASURE_SQL: &str = concat!(
    "SELECT m.id, m.collaboration_id, m.kind, m.position, m.problem, m.place_id, m.action, m.participants_text, \
     m.responsible_text, m.responsible_org_id, m.responsible_person_id, m.status, m.status_text, m.classification, m.version, \
     m.start_date, m.due_date, m.next_follow_up, m.follow_up_body, m.tags, m.expected_effect, m.created_at \
     FROM measures m JOIN collaborations c ON c.id = m.collaboration_id WHERE ",
    visible!("m", "measure"),
    " AND ",
    visible!("c", "collaboration"),
    " AND ($4 = 0 OR m.collaboration_id = $4) AND ($5 = 0 OR m.id = $5) ORDER BY m.id"
);

const FOLLOW_UP_SQL: &str = concat!(
    "SELECT f.id, f.measure_id, f.date, f.author, f.author_user_id, f.text, f.new_status, f.created_at \
     FROM follow_ups f JOIN measures m ON m.id = f.measure_id JOIN collaborations c ON c.id = m.collaboration_id WHERE ",
    visible!("m", "measure"),
    " AND ",
    visible!("c", "collaboration"),
    " AND ($4 = 0 OR f.measure_id = $4) ORDER BY f.id"
);

impl Db {
    /// Rows of a (parent, position, child) link table, grouped by parent in position order.
    pub(crate) async fn links(&self, sql: &'static str) -> Result<HashMap<i64, Vec<i64>>> {
        let rows: Vec<(i64, i64)> = with_pool!(self, p => sqlx::query_as(sql).fetch_all(p).await?);
        let mut map: HashMap<i64, Vec<i64>> = HashMap::new();
        for (k, v) in rows {
            map.entry(k).or_default().push(v);
        }
        Ok(map)
    }

    /// The collaborations `viewer` may see, of one council or (None) of all.
    pub async fn collaborations(&self, viewer: &Viewer, council: Option<CouncilId>) -> Result<Vec<Collaboration>> {
        self.collaborations_where(viewer, council.map_or(0, |c| c.0), 0).await
    }

    pub async fn collaboration(&self, viewer: &Viewer, id: CollaborationId) -> Result<Collaboration> {
        self.collaborations_where(viewer, 0, id.0).await?.pop().ok_or(DbError::NotFound)
    }

    async fn collaborations_where(&self, viewer: &Viewer, council: i64, id: i64) -> Result<Vec<Collaboration>> {
        let (a, l, o) = viewer_params(viewer);
        let mut list = with_pool!(self, p => {
            let rows = sqlx::query(COLLAB_SQL).bind(a).bind(l).bind(o).bind(council).bind(id).fetch_all(p).await?;
            rows.iter().map(|r| Ok(map_collaboration!(r))).collect::<Result<Vec<_>>>()?
        });
        let mut secrecy = self.record_secrecy("collaboration").await?;
        let mut places = self
            .links("SELECT collaboration_id, area_id FROM collaboration_places ORDER BY collaboration_id, position")
            .await?;
        for c in &mut list {
            (c.restricted_to, c.legal_reference_id) = secrecy.remove(&c.id.0).unwrap_or_default();
            c.place_ids = places.remove(&c.id.0).unwrap_or_default().into_iter().map(AreaId).collect();
        }
        Ok(list)
    }

    pub async fn create_collaboration(&self, actor: &Actor, collab: &Collaboration) -> Result<CollaborationId> {
        let mut tx = self.begin(actor.clone()).await?;
        let id = CollaborationId(tx.next_id("collaborations").await?);
        let collab = Collaboration { id, version: 1, ..collab.clone() };
        tx.insert_collaboration(&collab).await?;
        tx.audit("create", "collaboration", Some(id.0), diff(None, Some(&collab))).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn update_collaboration(&self, actor: &Actor, viewer: &Viewer, c: &Collaboration) -> Result<()> {
        let old = self.collaboration(viewer, c.id).await?;
        if old.version != c.version {
            return Err(DbError::Conflict { current: old.version });
        }
        let mut tx = self.begin(actor.clone()).await?;
        let n = on_tx!(tx, conn => {
            let n = sqlx::query("UPDATE collaborations SET council_id = $1, name = $2, summary = $3, narrative = $4, \
                                 classification = $5, version = version + 1 WHERE id = $6 AND version = $7")
                .bind(c.council_id.0).bind(&c.name).bind(&c.summary).bind(&c.narrative)
                .bind(c.classification.as_str()).bind(c.id.0).bind(c.version)
                .execute(&mut *conn).await?.rows_affected();
            sqlx::query("DELETE FROM collaboration_places WHERE collaboration_id = $1").bind(c.id.0).execute(&mut *conn).await?;
            n
        });
        if n == 0 {
            return Err(DbError::Conflict { current: old.version + 1 });
        }
        tx.set_record_secrecy("collaboration", c.id.0, &c.restricted_to, c.legal_reference_id).await?;
        tx.insert_collaboration_places(c).await?;
        tx.index_collaboration(c).await?;
        tx.audit("update", "collaboration", Some(c.id.0), diff(Some(&old), Some(c))).await?;
        tx.commit().await
    }

    /// The measures `viewer` may see, of one collaboration or (None) of all.
    pub async fn measures(&self, viewer: &Viewer, collaboration: Option<CollaborationId>) -> Result<Vec<Measure>> {
        self.measures_where(viewer, collaboration.map_or(0, |c| c.0), 0).await
    }

    pub async fn measure(&self, viewer: &Viewer, id: MeasureId) -> Result<Measure> {
        self.measures_where(viewer, 0, id.0).await?.pop().ok_or(DbError::NotFound)
    }

    async fn measures_where(&self, viewer: &Viewer, collab: i64, id: i64) -> Result<Vec<Measure>> {
        let (a, l, o) = viewer_params(viewer);
        let mut list = with_pool!(self, p => {
            let rows = sqlx::query(MEASURE_SQL).bind(a).bind(l).bind(o).bind(collab).bind(id).fetch_all(p).await?;
            rows.iter().map(|r| Ok(map_measure!(r))).collect::<Result<Vec<_>>>()?
        });
        let mut secrecy = self.record_secrecy("measure").await?;
        let mut parts = self
            .links("SELECT measure_id, organisation_id FROM measure_participants ORDER BY measure_id, position")
            .await?;
        let mut prios = self
            .links("SELECT measure_id, priority_id FROM measure_priorities ORDER BY measure_id, priority_id")
            .await?;
        for m in &mut list {
            (m.restricted_to, m.legal_reference_id) = secrecy.remove(&m.id.0).unwrap_or_default();
            m.participant_ids = parts.remove(&m.id.0).unwrap_or_default().into_iter().map(OrgId).collect();
            m.priority_ids = prios.remove(&m.id.0).unwrap_or_default().into_iter().map(PriorityId).collect();
        }
        Ok(list)
    }

    pub async fn create_measure(&self, actor: &Actor, measure: &Measure) -> Result<MeasureId> {
        let mut tx = self.begin(actor.clone()).await?;
        let id = MeasureId(tx.next_id("measures").await?);
        let mut measure = Measure { id, version: 1, ..measure.clone() };
        if measure.position <= 0 {
            // A new row goes last in its table.
            let (collab, kind) = (measure.collaboration_id.0, measure.kind.as_str());
            measure.position = on_tx!(tx, c => sqlx::query_scalar::<_, i64>(
                "SELECT COALESCE(MAX(position), 0) + 1 FROM measures WHERE collaboration_id = $1 AND kind = $2")
                .bind(collab).bind(kind).fetch_one(&mut *c).await?);
        }
        tx.insert_measure(&measure).await?;
        tx.audit("create", "measure", Some(id.0), diff(None, Some(&measure))).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// `m.version` is the version the edit was based on.
    pub async fn update_measure(&self, actor: &Actor, viewer: &Viewer, m: &Measure) -> Result<()> {
        let old = self.measure(viewer, m.id).await?;
        if old.version != m.version {
            return Err(DbError::Conflict { current: old.version });
        }
        let tags = tags_json(&m.tags)?;
        let mut tx = self.begin(actor.clone()).await?;
        let n = on_tx!(tx, c => {
            let n = sqlx::query("UPDATE measures SET kind = $1, position = $2, problem = $3, place_id = $4, action = $5, \
                                 participants_text = $6, responsible_text = $7, responsible_org_id = $8, \
                                 responsible_person_id = $9, status = $10, status_text = $11, classification = $12, \
                                 start_date = $15, due_date = $16, next_follow_up = $17, follow_up_body = $18, tags = $19, \
                                 expected_effect = $20, version = version + 1 WHERE id = $13 AND version = $14")
                .bind(m.kind.as_str()).bind(m.position).bind(&m.problem).bind(m.place_id.map(|p| p.0))
                .bind(&m.action).bind(&m.participants_text).bind(&m.responsible_text)
                .bind(m.responsible_org_id.map(|o| o.0)).bind(m.responsible_person_id.map(|p| p.0))
                .bind(m.status.as_str()).bind(&m.status_text).bind(m.classification.as_str())
                .bind(m.id.0).bind(m.version)
                .bind(m.start_date).bind(m.due_date).bind(m.next_follow_up).bind(&m.follow_up_body).bind(&tags)
                .bind(&m.expected_effect)
                .execute(&mut *c).await?.rows_affected();
            sqlx::query("DELETE FROM measure_participants WHERE measure_id = $1").bind(m.id.0).execute(&mut *c).await?;
            sqlx::query("DELETE FROM measure_priorities WHERE measure_id = $1").bind(m.id.0).execute(&mut *c).await?;
            n
        });
        if n == 0 {
            return Err(DbError::Conflict { current: old.version + 1 });
        }
        tx.insert_participants(m).await?;
        tx.insert_measure_priorities(m).await?;
        tx.set_record_secrecy("measure", m.id.0, &m.restricted_to, m.legal_reference_id).await?;
        tx.index_measure(m).await?;
        tx.audit("update", "measure", Some(m.id.0), diff(Some(&old), Some(m))).await?;
        tx.commit().await
    }

    /// Follow-ups of the measures `viewer` may see, of one measure or (None) all, oldest first.
    pub async fn follow_ups(&self, viewer: &Viewer, measure: Option<MeasureId>) -> Result<Vec<FollowUp>> {
        let (a, l, o) = viewer_params(viewer);
        let m = measure.map_or(0, |m| m.0);
        with_pool!(self, p => {
            let rows = sqlx::query(FOLLOW_UP_SQL).bind(a).bind(l).bind(o).bind(m).fetch_all(p).await?;
            rows.iter().map(|r| Ok(map_follow_up!(r))).collect::<Result<Vec<_>>>()
        })
    }

    /// Adds a dated, signed note to a measure the viewer may see. When the
    /// note changes the status, the measure's status changes in the same
    /// transaction; `measure_version` guards against a concurrent edit then.
    pub async fn add_follow_up(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        f: &FollowUp,
        measure_version: i64,
    ) -> Result<FollowUpId> {
        let measure = self.measure(viewer, f.measure_id).await?;
        let mut tx = self.begin(actor.clone()).await?;
        if let Some(status) = f.new_status.filter(|s| *s != measure.status) {
            if measure.version != measure_version {
                return Err(DbError::Conflict { current: measure.version });
            }
            let n = on_tx!(tx, c => sqlx::query(
                "UPDATE measures SET status = $1, version = version + 1 WHERE id = $2 AND version = $3")
                .bind(status.as_str()).bind(measure.id.0).bind(measure_version)
                .execute(&mut *c).await?.rows_affected());
            if n == 0 {
                return Err(DbError::Conflict { current: measure.version + 1 });
            }
            let detail = serde_json::json!({ "status": [measure.status.as_str(), status.as_str()] });
            tx.audit("update", "measure", Some(measure.id.0), detail).await?;
        }
        let id = FollowUpId(tx.next_id("follow_ups").await?);
        let f = FollowUp { id, ..f.clone() };
        tx.insert_follow_up(&f).await?;
        tx.audit("create", "follow_up", Some(id.0), diff(None, Some(&f))).await?;
        tx.commit().await?;
        Ok(id)
    }
}

impl Tx {
    pub(crate) async fn insert_collaboration(&mut self, k: &Collaboration) -> Result<()> {
        on_tx!(self, c => {
            sqlx::query("INSERT INTO collaborations (id, council_id, name, summary, narrative, classification, version) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(k.id.0).bind(k.council_id.0).bind(&k.name).bind(&k.summary).bind(&k.narrative)
                .bind(k.classification.as_str()).bind(k.version)
                .execute(&mut *c).await?;
        });
        self.index_collaboration(k).await?;
        self.insert_collaboration_places(k).await?;
        self.set_record_secrecy("collaboration", k.id.0, &k.restricted_to, k.legal_reference_id).await
    }

    async fn index_collaboration(&mut self, k: &Collaboration) -> Result<()> {
        let body = format!("{}\n{}\n{}", k.name, k.summary, k.narrative);
        self.index("collaboration", k.id.0, Some(k.id.0), &body).await
    }

    async fn insert_collaboration_places(&mut self, k: &Collaboration) -> Result<()> {
        for (i, a) in k.place_ids.iter().enumerate() {
            on_tx!(self, c => {
                sqlx::query("INSERT INTO collaboration_places (collaboration_id, position, area_id) VALUES ($1, $2, $3)")
                    .bind(k.id.0).bind(i as i64).bind(a.0).execute(&mut *c).await?;
            });
        }
        Ok(())
    }

    pub(crate) async fn insert_measure(&mut self, m: &Measure) -> Result<()> {
        let tags = tags_json(&m.tags)?;
        on_tx!(self, c => {
            sqlx::query("INSERT INTO measures (id, collaboration_id, kind, position, problem, place_id, action, \
                         participants_text, responsible_text, responsible_org_id, responsible_person_id, status, \
                         status_text, classification, version, start_date, due_date, next_follow_up, follow_up_body, tags, \
                         expected_effect, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)")
                .bind(m.id.0).bind(m.collaboration_id.0).bind(m.kind.as_str()).bind(m.position).bind(&m.problem)
                .bind(m.place_id.map(|p| p.0)).bind(&m.action).bind(&m.participants_text).bind(&m.responsible_text)
                .bind(m.responsible_org_id.map(|o| o.0)).bind(m.responsible_person_id.map(|p| p.0))
                .bind(m.status.as_str()).bind(&m.status_text).bind(m.classification.as_str()).bind(m.version)
                .bind(m.start_date).bind(m.due_date).bind(m.next_follow_up).bind(&m.follow_up_body).bind(&tags)
                .bind(&m.expected_effect).bind(m.created_at)
                .execute(&mut *c).await?;
        });
        self.insert_participants(m).await?;
        self.insert_measure_priorities(m).await?;
        self.index_measure(m).await?;
        self.set_record_secrecy("measure", m.id.0, &m.restricted_to, m.legal_reference_id).await
    }

    async fn insert_measure_priorities(&mut self, m: &Measure) -> Result<()> {
        for p in &m.priority_ids {
            on_tx!(self, c => {
                sqlx::query("INSERT INTO measure_priorities (measure_id, priority_id) VALUES ($1, $2)")
                    .bind(m.id.0).bind(p.0).execute(&mut *c).await?;
            });
        }
        Ok(())
    }

    /// Keeps the search index of a record in step with it (same transaction).
    pub(crate) async fn index(
        &mut self,
        record_type: &str,
        id: i64,
        collaboration: Option<i64>,
        body: &str,
    ) -> Result<()> {
        on_tx!(self, c => {
            sqlx::query("DELETE FROM search_index WHERE record_type = $1 AND record_id = $2")
                .bind(record_type).bind(id).execute(&mut *c).await?;
            sqlx::query("INSERT INTO search_index (record_type, record_id, collaboration_id, body) VALUES ($1, $2, $3, $4)")
                .bind(record_type).bind(id).bind(collaboration).bind(body).execute(&mut *c).await?;
        });
        Ok(())
    }

    async fn index_measure(&mut self, m: &Measure) -> Result<()> {
        let body =
            [&m.problem, &m.action, &m.participants_text, &m.responsible_text, &m.status_text, &m.expected_effect]
                .map(|s| s.as_str())
                .join("\n");
        self.index("measure", m.id.0, Some(m.collaboration_id.0), &body).await
    }

    async fn insert_participants(&mut self, m: &Measure) -> Result<()> {
        for (i, o) in m.participant_ids.iter().enumerate() {
            on_tx!(self, c => {
                sqlx::query("INSERT INTO measure_participants (measure_id, position, organisation_id) VALUES ($1, $2, $3)")
                    .bind(m.id.0).bind(i as i64).bind(o.0).execute(&mut *c).await?;
            });
        }
        Ok(())
    }

    pub(crate) async fn insert_follow_up(&mut self, f: &FollowUp) -> Result<()> {
        on_tx!(self, c => {
            sqlx::query("INSERT INTO follow_ups (id, measure_id, date, author, author_user_id, text, new_status, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(f.id.0).bind(f.measure_id.0).bind(f.date).bind(&f.author).bind(f.author_user_id.map(|u| u.0))
                .bind(&f.text).bind(f.new_status.map(|s| s.as_str())).bind(chrono::SubsecRound::trunc_subsecs(f.created_at, 0))
                .execute(&mut *c).await?;
        });
        self.index("follow_up", f.id.0, None, &f.text).await?;
        Ok(())
    }
}

fn tags_json(tags: &[MeasureTag]) -> Result<String> {
    Ok(serde_json::to_string(&tags.iter().map(|t| t.as_str()).collect::<Vec<_>>())?)
}
