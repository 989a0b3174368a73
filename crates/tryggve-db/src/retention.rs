//! Retention (gallring): removing or anonymising what the records plan says
//! need not be kept, and keeping a record of what was removed
//! (`retention_log`, plus an audit entry). One rule per record type:
//!
//! | record type | rule |
//! | --- | --- |
//! | incident | older than the cutoff: purged, or anonymised (description, position and reporter removed; it still counts in statistics) |
//! | follow_up | notes on a closed measure with no activity since the cutoff: text and author removed, the date and status change kept |
//! | person | someone in the register who is not staff, with no change since the cutoff: name, title and contact details removed |
//! | session | expired logins: purged |
//! | accessibility_report | reports from the public older than the cutoff (they may hold a name and contact details): purged |
//! | pending_import | uploaded minutes not accepted, or accepted, before the cutoff (the document's text waits there): purged |
//!
//! Collaborations, measures, priorities, meetings, approved minutes, frozen
//! lägesbilder and the audit log are the council's public record and are kept.

use crate::{Actor, Db, Result, on_tx, with_pool};
use chrono::NaiveDateTime;
use serde::Serialize;

/// What to do with a record past its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RetentionAction {
    Purge,
    Anonymise,
}

impl RetentionAction {
    pub fn parse(s: &str) -> std::result::Result<RetentionAction, String> {
        match s.trim() {
            "purge" => Ok(RetentionAction::Purge),
            "anonymise" | "anonymize" => Ok(RetentionAction::Anonymise),
            other => Err(format!("unknown retention action {other:?} (purge or anonymise)")),
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            RetentionAction::Purge => "purged",
            RetentionAction::Anonymise => "anonymised",
        }
    }
}

/// The cutoffs of a run: a record type without one is kept.
#[derive(Debug, Clone, Default)]
pub struct RetentionPolicy {
    /// Incidents that happened before this, and what to do with them.
    pub incidents: Option<(NaiveDateTime, RetentionAction)>,
    /// Follow-ups of closed measures without activity since this are anonymised.
    pub follow_ups: Option<NaiveDateTime>,
    /// People who are not staff, unchanged since this, are anonymised.
    pub people: Option<NaiveDateTime>,
    /// Accessibility reports that came in before this are purged.
    pub accessibility_reports: Option<NaiveDateTime>,
    /// Pending minutes imports uploaded before this are purged.
    pub pending_imports: Option<NaiveDateTime>,
}

/// One retention rule as run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RetentionResult {
    pub record_type: &'static str,
    pub rule: String,
    pub action: &'static str,
    pub count: u64,
}

/// An incident retention has already anonymised.
const ANONYMISED_INCIDENT: &str = "(description = '' AND lon IS NULL AND reported_by IS NULL)";

/// Closed measures (done, closed or cancelled) with no follow-up or change since $1.
const QUIET_CLOSED_MEASURES: &str = "SELECT m.id FROM measures m WHERE m.status IN ('done', 'closed', 'cancelled') \
     AND m.created_at < $1 \
     AND NOT EXISTS (SELECT 1 FROM follow_ups g WHERE g.measure_id = m.id AND g.created_at >= $1) \
     AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.record_type = 'measure' AND a.record_id = m.id AND a.at >= $1)";

/// People who are not staff, not yet anonymised, whose last change (or the
/// import that brought them in) is before $1.
const QUIET_NON_STAFF: &str = "SELECT p.id FROM people p WHERE p.staff = FALSE \
     AND p.name <> 'Gallrad person ' || p.id \
     AND COALESCE((SELECT MAX(a.at) FROM audit_log a WHERE a.record_type = 'person' AND a.record_id = p.id), \
                  (SELECT MAX(a.at) FROM audit_log a WHERE a.action = 'import')) < $1";

impl Db {
    /// Applies `policy`, and removes expired logins. With `dry_run`, counts and changes nothing.
    pub async fn run_retention(
        &self,
        actor: &Actor,
        policy: &RetentionPolicy,
        dry_run: bool,
    ) -> Result<Vec<RetentionResult>> {
        let mut out = vec![];
        let now = actor.at;
        let mut tx = self.begin(actor.clone()).await?;
        let day = |t: NaiveDateTime| t.format("%Y-%m-%d").to_string();

        if let Some((cutoff, action)) = policy.incidents {
            // Anonymising again what is already anonymised is no work and not counted.
            let count = match action {
                RetentionAction::Purge => "SELECT COUNT(*) FROM incidents WHERE occurred_at < $1".to_owned(),
                RetentionAction::Anonymise => {
                    format!("SELECT COUNT(*) FROM incidents WHERE occurred_at < $1 AND NOT {ANONYMISED_INCIDENT}")
                }
            };
            let n: i64 = on_tx!(tx, c => sqlx::query_scalar(sqlx::AssertSqlSafe(count.clone()))
                .bind(cutoff).fetch_one(&mut *c).await?);
            if !dry_run && n > 0 {
                match action {
                    RetentionAction::Purge => on_tx!(tx, c => {
                        for table in ["record_orgs", "record_legal_references"] {
                            let sql = sqlx::AssertSqlSafe(format!(
                                "DELETE FROM {table} WHERE record_type = 'incident' \
                                 AND record_id IN (SELECT id FROM incidents WHERE occurred_at < $1)"));
                            sqlx::query(sql).bind(cutoff).execute(&mut *c).await?;
                        }
                        sqlx::query("DELETE FROM incidents WHERE occurred_at < $1").bind(cutoff).execute(&mut *c).await?;
                    }),
                    RetentionAction::Anonymise => {
                        let update = sqlx::AssertSqlSafe(format!(
                            "UPDATE incidents SET description = '', lon = NULL, lat = NULL, reported_by = NULL, \
                             position_precision = CASE WHEN area_id IS NULL THEN 'unknown' ELSE 'area' END, \
                             version = version + 1 WHERE occurred_at < $1 AND NOT {ANONYMISED_INCIDENT}"
                        ));
                        on_tx!(tx, c => { sqlx::query(update).bind(cutoff).execute(&mut *c).await?; });
                    }
                }
            }
            out.push(RetentionResult {
                record_type: "incident",
                rule: format!("händelser som inträffade före {}", day(cutoff)),
                action: action.as_str(),
                count: n as u64,
            });
        }

        if let Some(cutoff) = policy.follow_ups {
            let where_ = format!("measure_id IN ({QUIET_CLOSED_MEASURES}) AND NOT (text = '' AND author = '')");
            let count = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM follow_ups WHERE {where_}"));
            let n: i64 = on_tx!(tx, c => sqlx::query_scalar(count).bind(cutoff).fetch_one(&mut *c).await?);
            if !dry_run && n > 0 {
                let update = sqlx::AssertSqlSafe(format!(
                    "UPDATE follow_ups SET text = '', author = '', author_user_id = NULL WHERE {where_}"
                ));
                on_tx!(tx, c => { sqlx::query(update).bind(cutoff).execute(&mut *c).await?; });
            }
            out.push(RetentionResult {
                record_type: "follow_up",
                rule: format!("uppföljningar av avslutade åtgärder utan aktivitet sedan {}", day(cutoff)),
                action: RetentionAction::Anonymise.as_str(),
                count: n as u64,
            });
        }

        if let Some(cutoff) = policy.people {
            let ids: Vec<i64> =
                on_tx!(tx, c => sqlx::query_scalar(QUIET_NON_STAFF).bind(cutoff).fetch_all(&mut *c).await?);
            if !dry_run {
                for id in &ids {
                    on_tx!(tx, c => {
                        sqlx::query("UPDATE people SET name = 'Gallrad person ' || id, title = '', email = '', phone = '', \
                                     aliases = '[]', version = version + 1 WHERE id = $1")
                            .bind(id).execute(&mut *c).await?;
                    });
                }
            }
            out.push(RetentionResult {
                record_type: "person",
                rule: format!("personer som inte deltar i arbetet, oförändrade sedan {}", day(cutoff)),
                action: RetentionAction::Anonymise.as_str(),
                count: ids.len() as u64,
            });
        }

        // Rows purged whole, by a time column: (record type, table, column, cutoff, rule).
        let purges = [
            (
                "accessibility_report",
                "accessibility_reports",
                "created_at",
                policy.accessibility_reports,
                "rapporter om tillgänglighet som kom in före",
            ),
            (
                "pending_import",
                "pending_imports",
                "uploaded_at",
                policy.pending_imports,
                "protokollimporter laddade upp före",
            ),
            ("session", "sessions", "expires_at", Some(now), "utgångna inloggningar"),
        ];
        for (record_type, table, column, cutoff, rule) in purges {
            let Some(cutoff) = cutoff else { continue };
            let count = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table} WHERE {column} < $1"));
            let n: i64 = on_tx!(tx, c => sqlx::query_scalar(count).bind(cutoff).fetch_one(&mut *c).await?);
            if !dry_run && n > 0 {
                let delete = sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE {column} < $1"));
                on_tx!(tx, c => { sqlx::query(delete).bind(cutoff).execute(&mut *c).await?; });
            }
            out.push(RetentionResult {
                record_type,
                rule: if record_type == "session" { rule.to_owned() } else { format!("{rule} {}", day(cutoff)) },
                action: RetentionAction::Purge.as_str(),
                count: n as u64,
            });
        }
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
