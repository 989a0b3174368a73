//! Reports of accessibility problems, sent by anyone from the accessibility
//! statement (`/tillganglighet`). A report is about the site, not a record
//! of the council: it is stored as written, is not filtered by viewer (only
//! administrators are shown the list) and its audit row names the report
//! but never its text or the sender's contact details.

use crate::{Actor, Db, Result, on_tx, with_pool};
use chrono::NaiveDateTime;
use serde::Serialize;

/// A report as the sender wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewAccessibilityReport {
    /// The page the problem is on (an address or a name); may be empty.
    pub page: String,
    pub description: String,
    /// The sender's name; may be empty.
    pub name: String,
    /// An e-mail address or phone number for an answer; may be empty.
    pub contact: String,
}

/// A stored report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessibilityReport {
    pub id: i64,
    pub created_at: NaiveDateTime,
    pub page: String,
    pub description: String,
    pub name: String,
    pub contact: String,
}

impl Db {
    /// Stores a report received at `actor.at`, unless `limit` reports or
    /// more have come in since `since` (then `None`, and nothing is stored).
    pub async fn create_accessibility_report(
        &self,
        actor: &Actor,
        r: &NewAccessibilityReport,
        since: NaiveDateTime,
        limit: i64,
    ) -> Result<Option<i64>> {
        let mut tx = self.begin(actor.clone()).await?;
        let recent: i64 = on_tx!(tx, c => sqlx::query_scalar(
            "SELECT COUNT(*) FROM accessibility_reports WHERE created_at >= $1")
            .bind(since).fetch_one(&mut *c).await?);
        if recent >= limit {
            return Ok(None);
        }
        let id = tx.next_id("accessibility_reports").await?;
        let at = actor.at;
        on_tx!(tx, c => {
            sqlx::query("INSERT INTO accessibility_reports (id, created_at, page, description, name, contact) \
                         VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(id).bind(at).bind(&r.page).bind(&r.description).bind(&r.name).bind(&r.contact)
                .execute(&mut *c).await?;
        });
        // The text and the contact details stay out of the audit log, which is never changed or thinned.
        tx.audit("create", "accessibility_report", Some(id), serde_json::json!({})).await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// The latest `limit` reports, newest first.
    pub async fn accessibility_reports(&self, limit: i64) -> Result<Vec<AccessibilityReport>> {
        let rows: Vec<(i64, NaiveDateTime, String, String, String, String)> = with_pool!(self, p => sqlx::query_as(
            "SELECT id, created_at, page, description, name, contact FROM accessibility_reports \
             ORDER BY id DESC LIMIT $1")
            .bind(limit).fetch_all(p).await?);
        Ok(rows
            .into_iter()
            .map(|(id, created_at, page, description, name, contact)| AccessibilityReport {
                id,
                created_at,
                page,
                description,
                name,
                contact,
            })
            .collect())
    }
}
