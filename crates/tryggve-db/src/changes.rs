//! "What has changed since": new rows, status changes, new follow-up notes
//! and edits in the working documents, read from the audit log (which every
//! write appends to in its own transaction) and filtered by what the viewer
//! may see, in SQL.

use crate::{Db, Result, viewer_params, visible, with_pool};
use chrono::NaiveDateTime;
use serde::Serialize;
use sqlx::Row;

/// One change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeEntry {
    pub at: NaiveDateTime,
    pub username: String,
    /// `new_measure`, `status`, `note`, `edit` or `collaboration`.
    pub kind: &'static str,
    pub collaboration_id: i64,
    pub measure_id: Option<i64>,
    /// For a status change: (old, new) status codes.
    pub status: Option<(String, String)>,
    /// The fields an edit changed.
    pub fields: Vec<String>,
}

const SQL: &str = concat!(
    "SELECT a.at, a.username, a.action, a.record_type, a.detail, c.id AS collaboration_id, COALESCE(m.id, fm.id) AS measure_id \
     FROM audit_log a \
     LEFT JOIN measures m ON a.record_type = 'measure' AND m.id = a.record_id \
     LEFT JOIN follow_ups f ON a.record_type = 'follow_up' AND f.id = a.record_id \
     LEFT JOIN measures fm ON fm.id = f.measure_id \
     LEFT JOIN collaborations c ON c.id = COALESCE(m.collaboration_id, fm.collaboration_id, \
         CASE WHEN a.record_type = 'collaboration' THEN a.record_id END) \
     WHERE a.at >= $4 AND a.action IN ('create', 'update') AND a.record_type IN ('measure', 'follow_up', 'collaboration') \
     AND c.id IS NOT NULL AND ",
    visible!("c", "collaboration"),
    " AND (m.id IS NULL OR ",
    visible!("m", "measure"),
    ") AND (fm.id IS NULL OR ",
    visible!("fm", "measure"),
    ") AND ($5 = 0 OR c.id = $5) ORDER BY a.id"
);

impl Db {
    /// Changes since `since`, of one collaboration or (0) of all, oldest first.
    pub async fn changes_since(
        &self,
        viewer: &tryggve_core::Viewer,
        since: NaiveDateTime,
        collaboration: i64,
    ) -> Result<Vec<ChangeEntry>> {
        let (a, l, o) = viewer_params(viewer);
        let rows = with_pool!(self, p => {
            let rows = sqlx::query(SQL).bind(a).bind(l).bind(o).bind(since).bind(collaboration).fetch_all(p).await?;
            rows.iter()
                .map(|r| {
                    Ok((
                        r.try_get::<NaiveDateTime, _>("at")?,
                        r.try_get::<String, _>("username")?,
                        r.try_get::<String, _>("action")?,
                        r.try_get::<String, _>("record_type")?,
                        r.try_get::<String, _>("detail")?,
                        r.try_get::<i64, _>("collaboration_id")?,
                        r.try_get::<Option<i64>, _>("measure_id")?,
                    ))
                })
                .collect::<Result<Vec<_>>>()?
        });
        let mut out = vec![];
        for (at, username, action, record_type, detail, collaboration_id, measure_id) in rows {
            let detail: serde_json::Value = serde_json::from_str(&detail)?;
            let fields: Vec<String> = detail.as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default();
            let status = detail
                .get("status")
                .and_then(|s| Some((s.get(0)?.as_str()?.to_owned(), s.get(1)?.as_str()?.to_owned())));
            let kind = match (record_type.as_str(), action.as_str()) {
                ("measure", "create") => "new_measure",
                ("measure", _) if status.is_some() => "status",
                ("measure", _) => "edit",
                ("follow_up", _) => "note",
                _ => "collaboration",
            };
            out.push(ChangeEntry { at, username, kind, collaboration_id, measure_id, status, fields });
        }
        Ok(out)
    }
}
