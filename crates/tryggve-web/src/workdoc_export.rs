//! A collaboration's working document as the council knows it (the seed's
//! table layout), built from the records the viewer may see, for the DOCX,
//! XLSX, PDF and print-HTML exports and `tryggve render workdoc`.

use crate::error::AppError;
use crate::resource::Lookups;
use chrono::NaiveDate;
use tryggve_core::workdoc::MeasureKind;
use tryggve_core::{CollaborationId, Viewer};
use tryggve_db::Db;
use tryggve_render::workdoc::{WorkdocGroup, WorkdocRow, WorkdocTable, WorkdocView};

/// The working document of one collaboration, dated `today`.
pub async fn view(db: &Db, viewer: &Viewer, id: CollaborationId, today: NaiveDate) -> Result<WorkdocView, AppError> {
    let c = db.collaboration(viewer, id).await?;
    let lk = Lookups::load(db).await?;
    let mut measures = db.measures(viewer, Some(id)).await?;
    measures.sort_by_key(|m| (m.position, m.id));
    // The convener: the contact person of the council's latest meeting, as in the minutes.
    let meetings = db.meetings(viewer, Some(c.council_id)).await?;
    let convener = match meetings
        .iter()
        .filter(|m| m.starts_at.date() <= today)
        .max_by_key(|m| m.starts_at)
        .and_then(|m| m.contact_person_id)
    {
        Some(p) => {
            let p = db.person(p).await?;
            if p.title.is_empty() { p.name } else { format!("{}, {}", p.name, p.title) }
        }
        None => String::new(),
    };
    let tables = MeasureKind::ALL
        .iter()
        .map(|k| {
            let rows: Vec<(String, WorkdocRow)> = measures
                .iter()
                .filter(|m| m.kind == *k)
                .map(|m| {
                    let mut next = m.next_follow_up.map(|d| d.to_string()).unwrap_or_default();
                    if !m.follow_up_body.is_empty() {
                        if !next.is_empty() {
                            next.push_str(", ");
                        }
                        next.push_str(&format!("vid nästa möte med {}", m.follow_up_body));
                    }
                    (
                        lk.area_name(m.place_id),
                        WorkdocRow {
                            problem: m.problem.clone(),
                            action: m.action.clone(),
                            participants: m.participants_text.clone(),
                            responsible: m.responsible_text.clone(),
                            status: m.status.label().to_owned(),
                            status_text: m.status_text.clone(),
                            next_follow_up: next,
                        },
                    )
                })
                .collect();
            // Grouped by problem area (the place), as on the page.
            let mut groups: Vec<WorkdocGroup> = vec![];
            for (place, row) in rows {
                let heading = if place.is_empty() { "Övrigt".to_owned() } else { place };
                match groups.iter_mut().find(|g| g.heading == heading) {
                    Some(g) => g.rows.push(row),
                    None => groups.push(WorkdocGroup { heading, rows: vec![row] }),
                }
            }
            groups.sort_by_key(|g| g.heading == "Övrigt");
            WorkdocTable {
                heading: k.label().to_owned(),
                first_column: match k {
                    MeasureKind::Problem => "Problemområde".into(),
                    MeasureKind::Development => "Utvecklingsområde".into(),
                },
                groups,
            }
        })
        .collect();
    Ok(WorkdocView {
        collaboration: c.name.clone(),
        council: lk.council_name(c.council_id),
        date: today.to_string(),
        convener,
        classification: c.classification.label().to_owned(),
        summary: c.summary.clone(),
        tables,
    })
}

/// Renders the view as `format` (`docx`, `xlsx`, `pdf`, `html`).
pub fn render(v: &WorkdocView, format: &str) -> Result<Vec<u8>, AppError> {
    let e = |e: tryggve_render::RenderError| AppError::Internal(format!("rendering failed: {e}"));
    match format {
        "docx" => tryggve_render::workdoc::workdoc_docx(v).map_err(e),
        "xlsx" => tryggve_render::workdoc::workdoc_xlsx(v).map_err(e),
        "pdf" => tryggve_render::workdoc::workdoc_pdf(v).map_err(e),
        "html" => tryggve_render::workdoc::workdoc_html(v).map(String::into_bytes).map_err(e),
        _ => Err(AppError::NotFound),
    }
}

/// The content type of each format.
pub fn content_type(format: &str) -> &'static str {
    match format {
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pdf" => "application/pdf",
        _ => "text/html; charset=utf-8",
    }
}
