//! The audit log: one row per change, written in the same transaction as the
//! change, never updated or deleted.

use crate::{Db, Result, Tx, on_tx, with_pool};
use chrono::NaiveDateTime;
use serde::Serialize;
use serde_json::{Map, Value};
use sqlx::Row;
use tryggve_core::{AuditId, UserId};

/// What changed, as `{field: [old, new]}` (created records: `{field: [null, new]}`).
pub type Change = Value;

/// The fields that differ between two versions of a record. Password hashes
/// and versions are never written to the log.
pub fn diff<T: Serialize>(old: Option<&T>, new: Option<&T>) -> Change {
    let obj = |v: Option<&T>| match v.map(serde_json::to_value) {
        Some(Ok(Value::Object(m))) => m,
        _ => Map::new(),
    };
    let (old, new) = (obj(old), obj(new));
    let mut out = Map::new();
    let keys: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for k in keys {
        if k == "password_hash" || k == "version" {
            continue;
        }
        let (a, b) = (old.get(k).unwrap_or(&Value::Null), new.get(k).unwrap_or(&Value::Null));
        if a != b {
            out.insert(k.clone(), Value::Array(vec![a.clone(), b.clone()]));
        }
    }
    Value::Object(out)
}

impl Tx {
    /// Appends an audit row for a change made in this transaction.
    pub async fn audit(
        &mut self,
        action: &str,
        record_type: &str,
        record_id: Option<i64>,
        detail: Change,
    ) -> Result<()> {
        let (user_id, username, at) = (self.actor.user_id.map(|u| u.0), self.actor.username.clone(), self.actor.at);
        let detail = detail.to_string();
        on_tx!(self, c => {
            sqlx::query(
                "INSERT INTO audit_log (at, user_id, username, action, record_type, record_id, detail) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(at)
            .bind(user_id)
            .bind(&username)
            .bind(action)
            .bind(record_type)
            .bind(record_id)
            .bind(&detail)
            .execute(&mut *c)
            .await?;
        });
        Ok(())
    }
}

/// One audit row as shown to an administrator.
#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub id: AuditId,
    pub at: NaiveDateTime,
    pub user_id: Option<UserId>,
    pub username: String,
    pub action: String,
    pub record_type: String,
    pub record_id: Option<i64>,
    pub detail: Value,
}

/// Filters for paging through the log.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub record_type: Option<String>,
    pub username: Option<String>,
    /// Entries with an id below this (the previous page's last id).
    pub before: Option<i64>,
    pub limit: i64,
}

impl Db {
    /// Newest first. Only administrators reach this (checked by the caller).
    pub async fn audit_page(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
        let sql = "SELECT id, at, user_id, username, action, record_type, record_id, detail FROM audit_log \
                   WHERE ($1 = '' OR record_type = $1) AND ($2 = '' OR username = $2) AND id < $3 \
                   ORDER BY id DESC LIMIT $4";
        with_pool!(self, p => {
            let rows = sqlx::query(sql)
                .bind(q.record_type.clone().unwrap_or_default())
                .bind(q.username.clone().unwrap_or_default())
                .bind(q.before.unwrap_or(i64::MAX))
                .bind(q.limit.clamp(1, 500))
                .fetch_all(p)
                .await?;
            rows.iter()
                .map(|r| {
                    Ok(AuditEntry {
                        id: AuditId(r.try_get("id")?),
                        at: r.try_get("at")?,
                        user_id: r.try_get::<Option<i64>, _>("user_id")?.map(UserId),
                        username: r.try_get("username")?,
                        action: r.try_get("action")?,
                        record_type: r.try_get("record_type")?,
                        record_id: r.try_get("record_id")?,
                        detail: serde_json::from_str(&r.try_get::<String, _>("detail")?)?,
                    })
                })
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_lists_changed_fields_and_never_password_hashes() {
        let a = json!({"name": "A", "kind": "police", "password_hash": "x", "version": 1});
        let b = json!({"name": "B", "kind": "police", "password_hash": "y", "version": 2});
        assert_eq!(diff(Some(&a), Some(&b)), json!({"name": ["A", "B"]}));
        assert_eq!(diff(None, Some(&json!({"name": "A"}))), json!({"name": [null, "A"]}));
    }
}
