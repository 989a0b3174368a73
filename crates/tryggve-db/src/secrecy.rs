//! Secrecy: which organisations a restricted record is shared with
//! (`record_orgs`), the provision of law it cites (`record_legal_references`),
//! the administrator's list of provisions and the classification each record
//! type starts with.

use crate::audit::diff;
use crate::register::code;
use crate::{Actor, Db, DbError, Result, Tx, on_tx, with_pool};
use std::collections::HashMap;
use tryggve_core::secrecy::{ClassificationDefault, LegalReference};
use tryggve_core::{Classification, LegalRefId, OrgId};

/// The organisations and legal reference of one restricted record.
pub(crate) type Secrecy = (Vec<OrgId>, Option<LegalRefId>);

impl Db {
    /// For each restricted record of `record_type`: the organisations it is shared with and the provision it cites.
    pub(crate) async fn record_secrecy(&self, record_type: &str) -> Result<HashMap<i64, Secrecy>> {
        let (orgs, refs): (Vec<(i64, i64)>, Vec<(i64, i64)>) = with_pool!(self, p => (
            sqlx::query_as("SELECT record_id, organisation_id FROM record_orgs WHERE record_type = $1 \
                            ORDER BY record_id, organisation_id")
                .bind(record_type).fetch_all(p).await?,
            sqlx::query_as("SELECT record_id, legal_reference_id FROM record_legal_references WHERE record_type = $1")
                .bind(record_type).fetch_all(p).await?,
        ));
        let mut map: HashMap<i64, Secrecy> = HashMap::new();
        for (r, o) in orgs {
            map.entry(r).or_default().0.push(OrgId(o));
        }
        for (r, l) in refs {
            map.entry(r).or_default().1 = Some(LegalRefId(l));
        }
        Ok(map)
    }

    /// The administrator's list of provisions, in id order.
    pub async fn legal_references(&self) -> Result<Vec<LegalReference>> {
        let rows: Vec<(i64, String, String, bool, i64)> = with_pool!(self, p => sqlx::query_as(
            "SELECT id, code, title, active, version FROM legal_references ORDER BY id").fetch_all(p).await?);
        Ok(rows
            .into_iter()
            .map(|(id, code, title, active, version)| LegalReference {
                id: LegalRefId(id),
                code,
                title,
                active,
                version,
            })
            .collect())
    }

    pub async fn legal_reference(&self, id: LegalRefId) -> Result<LegalReference> {
        self.legal_references().await?.into_iter().find(|r| r.id == id).ok_or(DbError::NotFound)
    }

    pub async fn create_legal_reference(&self, actor: &Actor, r: &LegalReference) -> Result<LegalRefId> {
        let mut tx = self.begin(actor.clone()).await?;
        let id = LegalRefId(tx.next_id("legal_references").await?);
        let r = LegalReference { id, version: 1, ..r.clone() };
        tx.insert_legal_reference(&r).await?;
        tx.audit("create", "legal_reference", Some(id.0), diff(None, Some(&r))).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn update_legal_reference(&self, actor: &Actor, r: &LegalReference) -> Result<()> {
        crate::register::versioned_update!(
            self,
            actor,
            "legal_reference",
            self.legal_reference(r.id).await?,
            r,
            "UPDATE legal_references SET code = $1, title = $2, active = $3, version = version + 1 \
             WHERE id = $4 AND version = $5",
            &r.code,
            &r.title,
            r.active,
            r.id.0,
            r.version
        );
        Ok(())
    }

    /// The classification each record type starts with, where the administrator has set one.
    pub async fn classification_defaults(&self) -> Result<Vec<ClassificationDefault>> {
        let rows: Vec<(String, String, Option<i64>)> = with_pool!(self, p => sqlx::query_as(
            "SELECT record_type, classification, legal_reference_id FROM classification_defaults ORDER BY record_type")
            .fetch_all(p).await?);
        rows.into_iter()
            .map(|(record_type, c, l)| {
                Ok(ClassificationDefault {
                    record_type,
                    classification: code(Classification::parse, c)?,
                    legal_reference_id: l.map(LegalRefId),
                })
            })
            .collect()
    }

    /// Sets the classification new records of a type start with (checked by the caller).
    pub async fn set_classification_default(&self, actor: &Actor, d: &ClassificationDefault) -> Result<()> {
        let old = self.classification_defaults().await?.into_iter().find(|x| x.record_type == d.record_type);
        let mut tx = self.begin(actor.clone()).await?;
        tx.insert_classification_default(d).await?;
        tx.audit("update", "classification_default", None, diff(old.as_ref(), Some(d))).await?;
        tx.commit().await
    }
}

impl Tx {
    /// Replaces the organisations and the legal reference of one record.
    pub(crate) async fn set_record_secrecy(
        &mut self,
        record_type: &str,
        id: i64,
        orgs: &[OrgId],
        legal: Option<LegalRefId>,
    ) -> Result<()> {
        on_tx!(self, c => {
            sqlx::query("DELETE FROM record_orgs WHERE record_type = $1 AND record_id = $2")
                .bind(record_type).bind(id).execute(&mut *c).await?;
            for o in orgs {
                sqlx::query("INSERT INTO record_orgs (record_type, record_id, organisation_id) VALUES ($1, $2, $3)")
                    .bind(record_type).bind(id).bind(o.0).execute(&mut *c).await?;
            }
            sqlx::query("DELETE FROM record_legal_references WHERE record_type = $1 AND record_id = $2")
                .bind(record_type).bind(id).execute(&mut *c).await?;
            if let Some(l) = legal {
                sqlx::query("INSERT INTO record_legal_references (record_type, record_id, legal_reference_id) \
                             VALUES ($1, $2, $3)")
                    .bind(record_type).bind(id).bind(l.0).execute(&mut *c).await?;
            }
        });
        Ok(())
    }

    pub(crate) async fn insert_legal_reference(&mut self, r: &LegalReference) -> Result<()> {
        on_tx!(self, c => {
            sqlx::query("INSERT INTO legal_references (id, code, title, active, version) VALUES ($1, $2, $3, $4, $5)")
                .bind(r.id.0).bind(&r.code).bind(&r.title).bind(r.active).bind(r.version)
                .execute(&mut *c).await?;
        });
        Ok(())
    }

    pub(crate) async fn insert_classification_default(&mut self, d: &ClassificationDefault) -> Result<()> {
        on_tx!(self, c => {
            sqlx::query("DELETE FROM classification_defaults WHERE record_type = $1")
                .bind(&d.record_type).execute(&mut *c).await?;
            sqlx::query("INSERT INTO classification_defaults (record_type, classification, legal_reference_id) \
                         VALUES ($1, $2, $3)")
                .bind(&d.record_type).bind(d.classification.as_str()).bind(d.legal_reference_id.map(|l| l.0))
                .execute(&mut *c).await?;
        });
        Ok(())
    }
}
