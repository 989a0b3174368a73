//! Priorities and meetings of a council, filtered by the viewer in SQL.

use crate::audit::diff;
use crate::register::code;
use crate::{Actor, Db, DbError, Result, Tx, on_tx, viewer_params, visible, with_pool};
use sqlx::Row;
use tryggve_core::meeting::{AgendaKind, Attendee, Meeting, MeetingItem, Minutes};
use tryggve_core::priority::Priority;
use tryggve_core::*;

macro_rules! map_priority {
    ($r:expr) => {
        Priority {
            id: PriorityId($r.try_get("id")?),
            council_id: CouncilId($r.try_get("council_id")?),
            title: $r.try_get("title")?,
            summary: $r.try_get("summary")?,
            plan_title: $r.try_get("plan_title")?,
            starting_points: serde_json::from_str(&$r.try_get::<String, _>("starting_points")?)?,
            methods: serde_json::from_str(&$r.try_get::<String, _>("methods")?)?,
            classification: code(Classification::parse, $r.try_get("classification")?)?,
            restricted_to: vec![],
            legal_reference_id: None,
            version: $r.try_get("version")?,
        }
    };
}

macro_rules! map_meeting {
    ($r:expr) => {
        Meeting {
            id: MeetingId($r.try_get("id")?),
            council_id: CouncilId($r.try_get("council_id")?),
            body: $r.try_get("body")?,
            starts_at: $r.try_get("starts_at")?,
            ends_at: $r.try_get("ends_at")?,
            location: $r.try_get("location")?,
            online: $r.try_get("online")?,
            opening: $r.try_get("opening")?,
            contact_person_id: $r.try_get::<Option<i64>, _>("contact_person_id")?.map(PersonId),
            attendees: vec![],
            items: vec![],
            invited: vec![],
            classification: code(Classification::parse, $r.try_get("classification")?)?,
            restricted_to: vec![],
            legal_reference_id: None,
            version: $r.try_get("version")?,
        }
    };
}

const PRIORITY_SQL: &str = concat!(
    "SELECT p.id, p.council_id, p.title, p.summary, p.plan_title, p.starting_points, p.methods, p.classification, p.version \
     FROM priorities p WHERE ",
    visible!("p", "priority"),
    " AND ($4 = 0 OR p.council_id = $4) AND ($5 = 0 OR p.id = $5) ORDER BY p.id"
);

const MEETING_SQL: &str = concat!(
    "SELECT m.id, m.council_id, m.body, m.starts_at, m.ends_at, m.location, m.online, m.opening, m.contact_person_id, \
     m.classification, m.version FROM meetings m WHERE ",
    visible!("m", "meeting"),
    " AND ($4 = 0 OR m.council_id = $4) AND ($5 = 0 OR m.id = $5) ORDER BY m.id"
);

impl Db {
    pub async fn priorities(&self, viewer: &Viewer, council: Option<CouncilId>) -> Result<Vec<Priority>> {
        self.priorities_where(viewer, council.map_or(0, |c| c.0), 0).await
    }

    pub async fn priority(&self, viewer: &Viewer, id: PriorityId) -> Result<Priority> {
        self.priorities_where(viewer, 0, id.0).await?.pop().ok_or(DbError::NotFound)
    }

    async fn priorities_where(&self, viewer: &Viewer, council: i64, id: i64) -> Result<Vec<Priority>> {
        let (a, l, o) = viewer_params(viewer);
        let mut list = with_pool!(self, p => {
            let rows = sqlx::query(PRIORITY_SQL).bind(a).bind(l).bind(o).bind(council).bind(id).fetch_all(p).await?;
            rows.iter().map(|r| Ok(map_priority!(r))).collect::<Result<Vec<_>>>()?
        });
        let mut secrecy = self.record_secrecy("priority").await?;
        for p in &mut list {
            (p.restricted_to, p.legal_reference_id) = secrecy.remove(&p.id.0).unwrap_or_default();
        }
        Ok(list)
    }

    pub async fn create_priority(&self, actor: &Actor, p: &Priority) -> Result<PriorityId> {
        let mut tx = self.begin(actor.clone()).await?;
        let id = PriorityId(tx.next_id("priorities").await?);
        let p = Priority { id, version: 1, ..p.clone() };
        tx.insert_priority(&p).await?;
        tx.audit("create", "priority", Some(id.0), diff(None, Some(&p))).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn update_priority(&self, actor: &Actor, viewer: &Viewer, p: &Priority) -> Result<()> {
        let old = self.priority(viewer, p.id).await?;
        if old.version != p.version {
            return Err(DbError::Conflict { current: old.version });
        }
        let (sp, me) = (serde_json::to_string(&p.starting_points)?, serde_json::to_string(&p.methods)?);
        let mut tx = self.begin(actor.clone()).await?;
        let n = on_tx!(tx, c => sqlx::query(
            "UPDATE priorities SET title = $1, summary = $2, plan_title = $3, starting_points = $4, methods = $5, \
             classification = $6, version = version + 1 WHERE id = $7 AND version = $8")
            .bind(&p.title).bind(&p.summary).bind(&p.plan_title).bind(&sp).bind(&me)
            .bind(p.classification.as_str()).bind(p.id.0).bind(p.version)
            .execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(DbError::Conflict { current: old.version + 1 });
        }
        tx.set_record_secrecy("priority", p.id.0, &p.restricted_to, p.legal_reference_id).await?;
        tx.audit("update", "priority", Some(p.id.0), diff(Some(&old), Some(p))).await?;
        tx.commit().await
    }

    pub async fn meetings(&self, viewer: &Viewer, council: Option<CouncilId>) -> Result<Vec<Meeting>> {
        self.meetings_where(viewer, council.map_or(0, |c| c.0), 0).await
    }

    pub async fn meeting(&self, viewer: &Viewer, id: MeetingId) -> Result<Meeting> {
        self.meetings_where(viewer, 0, id.0).await?.pop().ok_or(DbError::NotFound)
    }

    async fn meetings_where(&self, viewer: &Viewer, council: i64, id: i64) -> Result<Vec<Meeting>> {
        let (a, l, o) = viewer_params(viewer);
        let mut list = with_pool!(self, p => {
            let rows = sqlx::query(MEETING_SQL).bind(a).bind(l).bind(o).bind(council).bind(id).fetch_all(p).await?;
            rows.iter().map(|r| Ok(map_meeting!(r))).collect::<Result<Vec<_>>>()?
        });
        let mut secrecy = self.record_secrecy("meeting").await?;
        let attendees: Vec<(i64, i64, String)> = with_pool!(self, p => sqlx::query_as(
            "SELECT meeting_id, person_id, title FROM meeting_attendees ORDER BY meeting_id, position").fetch_all(p).await?);
        let items: Vec<(i64, MeetingItem)> = with_pool!(self, p => {
            let rows = sqlx::query("SELECT meeting_id, heading, body, classification, kind, decision, collaborations, measure_id \
                                    FROM meeting_items ORDER BY meeting_id, position").fetch_all(p).await?;
            rows.iter()
                .map(|r| {
                    Ok((r.try_get::<i64, _>("meeting_id")?, MeetingItem {
                        heading: r.try_get("heading")?,
                        body: r.try_get("body")?,
                        classification: code(Classification::parse, r.try_get("classification")?)?,
                        kind: code(AgendaKind::parse, r.try_get("kind")?)?,
                        decision: r.try_get("decision")?,
                        collaboration_ids: serde_json::from_str::<Vec<i64>>(&r.try_get::<String, _>("collaborations")?)?
                            .into_iter()
                            .map(CollaborationId)
                            .collect(),
                        measure_id: r.try_get::<Option<i64>, _>("measure_id")?.map(MeasureId),
                    }))
                })
                .collect::<Result<Vec<_>>>()?
        });
        let invitees: Vec<(i64, i64)> = with_pool!(self, p => sqlx::query_as(
            "SELECT meeting_id, person_id FROM meeting_invitees ORDER BY meeting_id, person_id").fetch_all(p).await?);
        for m in &mut list {
            (m.restricted_to, m.legal_reference_id) = secrecy.remove(&m.id.0).unwrap_or_default();
            m.attendees = attendees
                .iter()
                .filter(|a| a.0 == m.id.0)
                .map(|a| Attendee { person_id: PersonId(a.1), title: a.2.clone() })
                .collect();
            for (_, i) in items.iter().filter(|i| i.0 == m.id.0) {
                // Items are filtered like records: an item the viewer may not see is not there.
                if tryggve_core::access::can_read(viewer, i.classification, &m.restricted_to) {
                    m.items.push(i.clone());
                }
            }
            m.invited = invitees.iter().filter(|x| x.0 == m.id.0).map(|x| PersonId(x.1)).collect();
        }
        Ok(list)
    }

    pub async fn create_meeting(&self, actor: &Actor, m: &Meeting) -> Result<MeetingId> {
        let mut tx = self.begin(actor.clone()).await?;
        let id = MeetingId(tx.next_id("meetings").await?);
        let m = Meeting { id, version: 1, ..m.clone() };
        tx.insert_meeting(&m).await?;
        tx.audit("create", "meeting", Some(id.0), diff(None, Some(&m))).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Replaces a meeting's fields, attendees and items.
    pub async fn update_meeting(&self, actor: &Actor, viewer: &Viewer, m: &Meeting) -> Result<()> {
        let old = self.meeting(viewer, m.id).await?;
        if old.version != m.version {
            return Err(DbError::Conflict { current: old.version });
        }
        let mut tx = self.begin(actor.clone()).await?;
        let n = on_tx!(tx, c => {
            let n = sqlx::query("UPDATE meetings SET body = $1, starts_at = $2, ends_at = $3, location = $4, online = $5, \
                                 opening = $6, contact_person_id = $7, classification = $8, version = version + 1 \
                                 WHERE id = $9 AND version = $10")
                .bind(&m.body).bind(m.starts_at).bind(m.ends_at).bind(&m.location).bind(m.online).bind(&m.opening)
                .bind(m.contact_person_id.map(|p| p.0)).bind(m.classification.as_str()).bind(m.id.0).bind(m.version)
                .execute(&mut *c).await?.rows_affected();
            sqlx::query("DELETE FROM meeting_attendees WHERE meeting_id = $1").bind(m.id.0).execute(&mut *c).await?;
            n
        });
        if n == 0 {
            return Err(DbError::Conflict { current: old.version + 1 });
        }
        // Items the editor cannot see are kept as they are; only visible ones are replaced.
        tx.replace_visible_items(viewer, m).await?;
        tx.insert_attendees(m).await?;
        tx.insert_invitees(m).await?;
        tx.set_record_secrecy("meeting", m.id.0, &m.restricted_to, m.legal_reference_id).await?;
        tx.audit("update", "meeting", Some(m.id.0), diff(Some(&old), Some(m))).await?;
        tx.commit().await
    }
}

impl Tx {
    pub(crate) async fn insert_priority(&mut self, p: &Priority) -> Result<()> {
        let (sp, me) = (serde_json::to_string(&p.starting_points)?, serde_json::to_string(&p.methods)?);
        on_tx!(self, c => {
            sqlx::query("INSERT INTO priorities (id, council_id, title, summary, plan_title, starting_points, methods, \
                         classification, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .bind(p.id.0).bind(p.council_id.0).bind(&p.title).bind(&p.summary).bind(&p.plan_title)
                .bind(&sp).bind(&me).bind(p.classification.as_str()).bind(p.version)
                .execute(&mut *c).await?;
        });
        self.set_record_secrecy("priority", p.id.0, &p.restricted_to, p.legal_reference_id).await
    }

    pub(crate) async fn insert_meeting(&mut self, m: &Meeting) -> Result<()> {
        on_tx!(self, c => {
            sqlx::query("INSERT INTO meetings (id, council_id, body, starts_at, ends_at, location, online, opening, \
                         contact_person_id, classification, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
                .bind(m.id.0).bind(m.council_id.0).bind(&m.body).bind(m.starts_at).bind(m.ends_at).bind(&m.location)
                .bind(m.online).bind(&m.opening).bind(m.contact_person_id.map(|p| p.0))
                .bind(m.classification.as_str()).bind(m.version)
                .execute(&mut *c).await?;
        });
        self.insert_attendees(m).await?;
        self.insert_invitees(m).await?;
        self.insert_items(m, 0).await?;
        self.set_record_secrecy("meeting", m.id.0, &m.restricted_to, m.legal_reference_id).await
    }

    async fn insert_attendees(&mut self, m: &Meeting) -> Result<()> {
        for (i, a) in m.attendees.iter().enumerate() {
            on_tx!(self, c => {
                sqlx::query("INSERT INTO meeting_attendees (meeting_id, position, person_id, title) VALUES ($1, $2, $3, $4)")
                    .bind(m.id.0).bind(i as i64).bind(a.person_id.0).bind(&a.title).execute(&mut *c).await?;
            });
        }
        Ok(())
    }

    async fn insert_invitees(&mut self, m: &Meeting) -> Result<()> {
        on_tx!(self, c => {
            sqlx::query("DELETE FROM meeting_invitees WHERE meeting_id = $1").bind(m.id.0).execute(&mut *c).await?;
            for p in &m.invited {
                sqlx::query("INSERT INTO meeting_invitees (meeting_id, person_id) VALUES ($1, $2)")
                    .bind(m.id.0).bind(p.0).execute(&mut *c).await?;
            }
        });
        Ok(())
    }

    async fn insert_items(&mut self, m: &Meeting, first_position: i64) -> Result<()> {
        for (i, it) in m.items.iter().enumerate() {
            on_tx!(self, c => {
                sqlx::query("INSERT INTO meeting_items (meeting_id, position, heading, body, classification, kind, decision, \
                             collaborations, measure_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                    .bind(m.id.0).bind(first_position + i as i64).bind(&it.heading).bind(&it.body)
                    .bind(it.classification.as_str()).bind(it.kind.as_str()).bind(&it.decision)
                    .bind(serde_json::to_string(&it.collaboration_ids.iter().map(|c| c.0).collect::<Vec<_>>())?)
                    .bind(it.measure_id.map(|x| x.0))
                    .execute(&mut *c).await?;
            });
        }
        Ok(())
    }

    async fn replace_visible_items(&mut self, viewer: &Viewer, m: &Meeting) -> Result<()> {
        let existing: Vec<(i64, String)> = on_tx!(self, c => sqlx::query_as(
            "SELECT position, classification FROM meeting_items WHERE meeting_id = $1 ORDER BY position")
            .bind(m.id.0).fetch_all(&mut *c).await?);
        let mut next = 0;
        for (pos, class) in existing {
            let class = code(Classification::parse, class)?;
            if tryggve_core::access::can_read(viewer, class, &m.restricted_to) {
                on_tx!(self, c => {
                    sqlx::query("DELETE FROM meeting_items WHERE meeting_id = $1 AND position = $2")
                        .bind(m.id.0).bind(pos).execute(&mut *c).await?;
                });
            } else {
                next = next.max(pos + 1);
            }
        }
        self.insert_items(m, next).await
    }
}

macro_rules! map_minutes {
    ($r:expr) => {
        Minutes {
            id: MinutesId($r.try_get("id")?),
            meeting_id: MeetingId($r.try_get("meeting_id")?),
            version: $r.try_get("version")?,
            approved_at: $r.try_get("approved_at")?,
            approved_by: $r.try_get("approved_by")?,
            internal_content: $r.try_get("internal_content")?,
            public_content: $r.try_get("public_content")?,
            content_hash: $r.try_get("content_hash")?,
            public_hash: $r.try_get("public_hash")?,
            published: $r.try_get("published")?,
        }
    };
}

const MINUTES_COLS: &str = "SELECT id, meeting_id, version, approved_at, approved_by, internal_content, public_content, \
    content_hash, public_hash, published FROM minutes";

impl Db {
    /// Approves minutes: stores both versions frozen, as the next version for the meeting.
    pub async fn approve_minutes(&self, actor: &Actor, m: &Minutes) -> Result<Minutes> {
        let mut tx = self.begin(actor.clone()).await?;
        let id = tx.next_id("minutes").await?;
        let version: i64 = on_tx!(tx, c => sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) + 1 FROM minutes WHERE meeting_id = $1")
            .bind(m.meeting_id.0).fetch_one(&mut *c).await?);
        let minutes = Minutes {
            id: MinutesId(id),
            version,
            approved_at: actor.at,
            approved_by: actor.username.clone(),
            ..m.clone()
        };
        tx.insert_minutes(&minutes).await?;
        tx.audit("approve", "minutes", Some(id), serde_json::json!({
            "meeting_id": minutes.meeting_id, "version": version, "content_hash": minutes.content_hash, "public_hash": minutes.public_hash,
            "published": minutes.published,
        })).await?;
        tx.commit().await?;
        Ok(minutes)
    }

    /// Publishes (or withdraws) the public version on the page that needs no login.
    pub async fn publish_minutes(&self, actor: &Actor, id: MinutesId, published: bool) -> Result<()> {
        let mut tx = self.begin(actor.clone()).await?;
        let n = on_tx!(tx, c => sqlx::query("UPDATE minutes SET published = $1 WHERE id = $2").bind(published).bind(id.0)
            .execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(DbError::NotFound);
        }
        tx.audit(if published { "publish" } else { "unpublish" }, "minutes", Some(id.0), serde_json::json!({})).await?;
        tx.commit().await
    }

    /// The approved minutes of a meeting (every version, newest first), or of all meetings.
    pub async fn minutes_of(&self, meeting: Option<MeetingId>) -> Result<Vec<Minutes>> {
        let sql = sqlx::AssertSqlSafe(format!("{MINUTES_COLS} WHERE ($1 = 0 OR meeting_id = $1) ORDER BY id DESC"));
        with_pool!(self, p => {
            let rows = sqlx::query(sql).bind(meeting.map_or(0, |m| m.0)).fetch_all(p).await?;
            rows.iter().map(|r| Ok(map_minutes!(r))).collect::<Result<Vec<_>>>()
        })
    }

    pub async fn minutes(&self, id: MinutesId) -> Result<Minutes> {
        let sql = sqlx::AssertSqlSafe(format!("{MINUTES_COLS} WHERE id = $1"));
        with_pool!(self, p => {
            let rows = sqlx::query(sql).bind(id.0).fetch_all(p).await?;
            rows.iter().map(|r| Ok(map_minutes!(r))).collect::<Result<Vec<_>>>()?.pop().ok_or(DbError::NotFound)
        })
    }

    /// Tries to change approved minutes (tests prove the database refuses).
    #[doc(hidden)]
    pub async fn try_alter_minutes(&self, id: MinutesId, content: &str) -> Result<()> {
        let mut tx = self.begin(Actor::system(chrono::Utc::now().naive_utc())).await?;
        on_tx!(tx, c => { sqlx::query("UPDATE minutes SET public_content = $1 WHERE id = $2").bind(content).bind(id.0).execute(&mut *c).await?; });
        tx.commit().await
    }
}

impl Tx {
    pub(crate) async fn insert_minutes(&mut self, m: &Minutes) -> Result<()> {
        on_tx!(self, c => {
            sqlx::query("INSERT INTO minutes (id, meeting_id, version, approved_at, approved_by, internal_content, public_content, \
                         content_hash, public_hash, published) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)")
                .bind(m.id.0).bind(m.meeting_id.0).bind(m.version).bind(m.approved_at).bind(&m.approved_by)
                .bind(&m.internal_content).bind(&m.public_content).bind(&m.content_hash).bind(&m.public_hash).bind(m.published)
                .execute(&mut *c).await?;
        });
        Ok(())
    }
}
