//! The demo council: the Hägersten-Älvsjö minutes of 17 September 2021 as
//! data (`demo/hagersten-alvsjo.json`, in the export format), loaded into an
//! empty database by `tryggve serve --demo`, with one known password for its
//! demo accounts.

use tryggve_core::export::ExportDocument;
use tryggve_db::{Actor, Db};

pub const DOCUMENT: &str = include_str!("../../../demo/hagersten-alvsjo.json");

/// The password of every demo account (demo mode only).
pub const PASSWORD: &str = "demo-tryggve";

pub const ACCOUNTS: &[(&str, &str)] = &[
    ("admin", "administratör"),
    ("clas", "sammankallande (trygg- och säkerhetsstrateg)"),
    ("martin", "rådsmedlem (kommunpolis LPO Skärholmen)"),
    ("alvaro", "rådsmedlem (kommunpolis LPO Globen)"),
    ("yvonne", "rådsmedlem (avdelningschef social omsorg)"),
    ("rapportor", "rapportör (Stockholmshem)"),
    ("lasare", "läsare"),
];

pub fn document() -> anyhow::Result<ExportDocument> {
    ExportDocument::parse(DOCUMENT).map_err(|e| anyhow::anyhow!("the built-in demo document is broken: {e}"))
}

/// Imports the demo into an empty database and gives each demo account the demo password.
pub async fn load(db: &Db) -> anyhow::Result<()> {
    let mut doc = document()?;
    let hash = tryggve_web::auth::hash_password(PASSWORD).map_err(anyhow::Error::msg)?;
    for u in &mut doc.users {
        u.password_hash = Some(hash.clone());
    }
    db.import(&Actor::system(chrono::Utc::now().naive_utc()), &doc).await?;
    Ok(())
}

/// Does the database hold the demo council (so `serve --demo` may run on it again)?
pub async fn is_demo(db: &Db) -> anyhow::Result<bool> {
    let doc = document()?;
    let councils = db.councils().await?;
    Ok(councils.len() == 1 && councils[0].name == doc.councils[0].name)
}
