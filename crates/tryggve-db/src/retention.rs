//! Retention (gallring): removing what the records plan says need not be
//! kept, and keeping a record of what was removed (`retention_log`, plus an
//! audit entry). The audit log itself is never purged.

use crate::{Actor, Db, Result, on_tx, with_pool};
use chrono::NaiveDateTime;
use serde::Serialize;

/// One retention rule as run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RetentionResult {
    pub record_type: &'static str,
    pub rule: String,
    pub action: &'static str,
    pub count: u64,
}

impl Db {
    /// Purges incidents that happened before `cutoff`, and sessions that have
    /// expired. With `dry_run`, counts and changes nothing.
    pub async fn run_retention(
        &self,
        actor: &Actor,
        incidents_before: Option<NaiveDateTime>,
        dry_run: bool,
    ) -> Result<Vec<RetentionResult>> {
        let mut out = vec![];
        let now = actor.at;
        let mut tx = self.begin(actor.clone()).await?;
        if let Some(cutoff) = incidents_before {
            let n: i64 = on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM incidents WHERE occurred_at < $1")
                .bind(cutoff).fetch_one(&mut *c).await?);
            if !dry_run && n > 0 {
                on_tx!(tx, c => {
                    sqlx::query("DELETE FROM record_orgs WHERE record_type = 'incident' AND record_id IN (SELECT id FROM incidents WHERE occurred_at < $1)")
                        .bind(cutoff).execute(&mut *c).await?;
                    sqlx::query("DELETE FROM incidents WHERE occurred_at < $1").bind(cutoff).execute(&mut *c).await?;
                });
            }
            out.push(RetentionResult {
                record_type: "incident",
                rule: format!("händelser som inträffade före {}", cutoff.format("%Y-%m-%d")),
                action: "purged",
                count: n as u64,
            });
        }
        let n: i64 = on_tx!(tx, c => sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE expires_at < $1")
            .bind(now).fetch_one(&mut *c).await?);
        if !dry_run && n > 0 {
            on_tx!(tx, c => { sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(now).execute(&mut *c).await?; });
        }
        out.push(RetentionResult {
            record_type: "session",
            rule: "utgångna inloggningar".into(),
            action: "purged",
            count: n as u64,
        });
        if dry_run {
            return Ok(out);
        }
        for r in &out {
            let id = tx.next_id("retention_log").await?;
            let at = actor.at;
            on_tx!(tx, c => {
                sqlx::query("INSERT INTO retention_log (id, at, record_type, rule, action, count, detail) VALUES ($1, $2, $3, $4, $5, $6, '{}')")
                    .bind(id).bind(at).bind(r.record_type).bind(&r.rule).bind(r.action).bind(r.count as i64)
                    .execute(&mut *c).await?;
            });
        }
        tx.audit("retention", "retention_log", None, serde_json::to_value(&out)?).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// The record of what retention removed, newest first.
    pub async fn retention_log(&self) -> Result<Vec<(NaiveDateTime, String, String, String, i64)>> {
        Ok(with_pool!(self, p => sqlx::query_as(
            "SELECT at, record_type, rule, action, count FROM retention_log ORDER BY id DESC").fetch_all(p).await?))
    }
}
