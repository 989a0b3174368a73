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

/// The real police events that mention the demo's places.
pub const POLICE_EVENTS: &[u8] = include_bytes!("../../../demo/polisen-handelser.json");
/// Synthetic partner reports for the demo period, marked as such.
pub const SYNTHETIC_REPORTS: &[u8] = include_bytes!("../../../demo/syntetiska-rapporter.csv");

/// Imports the demo into an empty database and gives each demo account the
/// demo password; then the police events and the synthetic partner reports,
/// so that the lägesbild has something to show.
pub async fn load(db: &Db) -> anyhow::Result<()> {
    let mut doc = document()?;
    let hash = tryggve_web::auth::hash_password(PASSWORD).map_err(anyhow::Error::msg)?;
    for u in &mut doc.users {
        u.password_hash = Some(hash.clone());
    }
    let now = tryggve_web::auth::now();
    let actor = Actor::system(now);
    db.import(&actor, &doc).await?;
    let register = tryggve_import::register::Register {
        areas: db.areas_with_geometry().await?,
        organisations: db.organisations().await?,
        categories: db.categories().await?,
    };
    let police = tryggve_import::police::parse("polisen-handelser.json", POLICE_EVENTS, &register, now)?;
    db.import_incidents(&actor, "demo: polisens händelser", &police.incidents).await?;
    let opts = tryggve_import::incidents::Options {
        source: "demo-syntetisk".into(),
        reported_at: now,
        organisation_id: None,
        reported_by: None,
        source_kind: tryggve_core::situation::SourceKind::PartnerObservation,
        reliability: tryggve_core::situation::Reliability::Observed,
        classification: tryggve_core::Classification::Internal,
        synthetic: true,
    };
    let mut reports =
        tryggve_import::incidents::parse("syntetiska-rapporter.csv", SYNTHETIC_REPORTS, &register, &opts, &mut |_| {})?;
    tryggve_import::placement::Placer::new(&register.areas).place(&mut reports);
    db.import_incidents(&actor, "demo: syntetiska rapporter", &reports).await?;
    Ok(())
}

/// Does the database hold the demo council (so `serve --demo` may run on it again)?
pub async fn is_demo(db: &Db) -> anyhow::Result<bool> {
    let doc = document()?;
    let councils = db.councils().await?;
    Ok(councils.len() == 1 && councils[0].name == doc.councils[0].name)
}
