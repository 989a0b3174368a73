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

/// The hash of an entry: SHA-256 over the previous entry's hash and every
/// field as stored, so that changing, removing or reordering an entry breaks
/// every hash after it.
pub fn entry_hash(
    prev: &str,
    id: i64,
    at: &chrono::NaiveDateTime,
    user_id: Option<i64>,
    username: &str,
    action: &str,
    record_type: &str,
    record_id: Option<i64>,
    detail: &str,
) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [
        prev.to_owned(),
        id.to_string(),
        at.format("%Y-%m-%d %H:%M:%S").to_string(),
        user_id.map(|u| u.to_string()).unwrap_or_default(),
        username.to_owned(),
        action.to_owned(),
        record_type.to_owned(),
        record_id.map(|r| r.to_string()).unwrap_or_default(),
        detail.to_owned(),
    ] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

impl Tx {
    /// Appends an audit row for a change made in this transaction, chained to
    /// the one before it.
    pub async fn audit(
        &mut self,
        action: &str,
        record_type: &str,
        record_id: Option<i64>,
        detail: Change,
    ) -> Result<()> {
        use chrono::SubsecRound;
        let (user_id, username) = (self.actor.user_id.map(|u| u.0), self.actor.username.clone());
        // Whole seconds: both databases then keep exactly what was hashed.
        let at = self.actor.at.trunc_subsecs(0);
        let detail = detail.to_string();
        if let crate::TxInner::Postgres(t) = &mut self.inner {
            // One writer of the chain at a time, until this transaction ends.
            sqlx::query("SELECT pg_advisory_xact_lock(7482541)").execute(&mut **t).await?;
        }
        let id = self.next_id("audit_log").await?;
        let prev: Option<Option<String>> = on_tx!(self, c => sqlx::query_scalar(
            "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetch_optional(&mut *c).await?);
        let prev = prev.flatten().unwrap_or_default();
        let hash = entry_hash(&prev, id, &at, user_id, &username, action, record_type, record_id, &detail);
        on_tx!(self, c => {
            sqlx::query(
                "INSERT INTO audit_log (id, at, user_id, username, action, record_type, record_id, detail, prev_hash, hash) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(id)
            .bind(at)
            .bind(user_id)
            .bind(&username)
            .bind(action)
            .bind(record_type)
            .bind(record_id)
            .bind(&detail)
            .bind(&prev)
            .bind(&hash)
            .execute(&mut *c)
            .await?;
        });
        Ok(())
    }
}

/// The outcome of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub entries: u64,
    /// The first entry whose hash does not match (it or one before it was changed or removed).
    pub first_broken: Option<i64>,
}

impl Db {
    /// Recomputes every hash in order and compares it with the stored one.
    pub async fn verify_audit(&self) -> Result<Verification> {
        let rows = self.audit_rows().await?;
        let mut prev = String::new();
        for (n, r) in rows.iter().enumerate() {
            let expected = entry_hash(&prev, r.0, &r.1, r.2, &r.3, &r.4, &r.5, r.6, &r.7);
            if r.8.as_deref() != Some(prev.as_str()) || r.9.as_deref() != Some(expected.as_str()) {
                return Ok(Verification { entries: n as u64, first_broken: Some(r.0) });
            }
            prev = expected;
        }
        Ok(Verification { entries: rows.len() as u64, first_broken: None })
    }

    async fn audit_rows(&self) -> Result<Vec<AuditRow>> {
        with_pool!(self, p => {
            let rows = sqlx::query("SELECT id, at, user_id, username, action, record_type, record_id, detail, prev_hash, hash \
                                    FROM audit_log ORDER BY id").fetch_all(p).await?;
            rows.iter()
                .map(|r| {
                    Ok((
                        r.try_get("id")?,
                        r.try_get("at")?,
                        r.try_get("user_id")?,
                        r.try_get("username")?,
                        r.try_get("action")?,
                        r.try_get("record_type")?,
                        r.try_get("record_id")?,
                        r.try_get("detail")?,
                        r.try_get("prev_hash")?,
                        r.try_get("hash")?,
                    ))
                })
                .collect::<Result<Vec<AuditRow>>>()
        })
    }

    /// Chains entries written before the chain existed (run once after the migration).
    pub(crate) async fn backfill_audit_hashes(&self) -> Result<()> {
        let missing: i64 = with_pool!(self, p => sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE hash IS NULL").fetch_one(p).await?);
        if missing == 0 {
            return Ok(());
        }
        let rows = self.audit_rows().await?;
        let mut tx = self.begin(crate::Actor::system(chrono::Utc::now().naive_utc())).await?;
        let mut prev = String::new();
        for r in rows {
            let hash = entry_hash(&prev, r.0, &r.1, r.2, &r.3, &r.4, &r.5, r.6, &r.7);
            if r.9.is_none() {
                on_tx!(tx, c => {
                    sqlx::query("UPDATE audit_log SET prev_hash = $1, hash = $2 WHERE id = $3")
                        .bind(&prev).bind(&hash).bind(r.0).execute(&mut *c).await?;
                });
            }
            prev = hash;
        }
        tx.commit().await
    }
}

/// id, at, user_id, username, action, record_type, record_id, detail, prev_hash, hash
type AuditRow =
    (i64, NaiveDateTime, Option<i64>, String, String, String, Option<i64>, String, Option<String>, Option<String>);

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
    pub action: Option<String>,
    /// Entries with an id below this (the previous page's last id).
    pub before: Option<i64>,
    pub limit: i64,
}

impl Db {
    /// Newest first. Only administrators reach this (checked by the caller).
    pub async fn audit_page(&self, q: &AuditQuery) -> Result<Vec<AuditEntry>> {
        let sql = "SELECT id, at, user_id, username, action, record_type, record_id, detail FROM audit_log \
                   WHERE ($1 = '' OR record_type = $1) AND ($2 = '' OR username = $2) AND id < $3 \
                   AND ($5 = '' OR action = $5) ORDER BY id DESC LIMIT $4";
        with_pool!(self, p => {
            let rows = sqlx::query(sql)
                .bind(q.record_type.clone().unwrap_or_default())
                .bind(q.username.clone().unwrap_or_default())
                .bind(q.before.unwrap_or(i64::MAX))
                .bind(q.limit.clamp(1, 100_000))
                .bind(q.action.clone().unwrap_or_default())
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

impl Db {
    /// Logs an access that changes nothing: a read of a restricted record,
    /// or an attempt that was denied.
    pub async fn log_access(
        &self,
        actor: &crate::Actor,
        action: &str,
        record_type: &str,
        record_id: Option<i64>,
        detail: Change,
    ) -> Result<()> {
        let mut tx = self.begin(actor.clone()).await?;
        tx.audit(action, record_type, record_id, detail).await?;
        tx.commit().await
    }

    /// Reads of records restricted to `org`, newest first: what the data owner may see.
    pub async fn reads_of_records_of(&self, org: tryggve_core::OrgId, limit: i64) -> Result<Vec<AuditEntry>> {
        let sql = "SELECT a.id, a.at, a.user_id, a.username, a.action, a.record_type, a.record_id, a.detail FROM audit_log a \
                   WHERE a.action IN ('read', 'denied') AND EXISTS (SELECT 1 FROM record_orgs ro WHERE ro.record_type = a.record_type \
                   AND ro.record_id = a.record_id AND ro.organisation_id = $1) ORDER BY a.id DESC LIMIT $2";
        with_pool!(self, p => {
            let rows = sqlx::query(sql).bind(org.0).bind(limit.clamp(1, 1000)).fetch_all(p).await?;
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

impl Db {
    /// Test support: overwrites one entry's stored hash (the triggers allow
    /// that column, so `verify_audit` must be what catches it).
    #[doc(hidden)]
    pub async fn tamper_audit_hash(&self, id: i64) -> Result<()> {
        with_pool!(self, p => { sqlx::query("UPDATE audit_log SET hash = 'tampered' WHERE id = $1").bind(id).execute(p).await?; });
        Ok(())
    }

    /// Test support: tries to delete an entry (the database must refuse).
    #[doc(hidden)]
    pub async fn try_delete_audit(&self, id: i64) -> Result<()> {
        with_pool!(self, p => { sqlx::query("DELETE FROM audit_log WHERE id = $1").bind(id).execute(p).await?; });
        Ok(())
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
