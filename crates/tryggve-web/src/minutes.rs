//! Minutes as a view of the records, in the seed's structure: title with
//! body and date; Närvarande; Tidpunkt; Plats; the opening; the numbered
//! items — the lägesbild, statistics, priorities and methods, each place
//! collaboration's narrative and working-document tables — Övrigt; Kommande
//! möten with place, time and contact. One view model, rendered as HTML, PDF
//! and DOCX; built in two versions from the same records: internal (what
//! the reader may see) and public (only what is public, free text masked,
//! and nothing left behind of what was removed: no titles, counts or empty
//! headings).

use crate::error::AppError;
use crate::resource::Lookups;
use serde::{Deserialize, Serialize};
use tryggve_core::meeting::{AgendaKind, MeetingItem};
use tryggve_core::workdoc::MeasureKind;
use tryggve_core::{MeetingId, Viewer};
use tryggve_db::Db;

/// Which version of the minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Version {
    /// Everything the reader may see.
    Internal,
    /// Only what is public; personal data masked. This becomes the allmän handling.
    Public,
}

impl Version {
    pub fn parse(s: &str) -> Option<Version> {
        match s {
            "internal" | "intern" => Some(Version::Internal),
            "public" | "offentlig" => Some(Version::Public),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Version::Internal => "Intern version – innehåller uppgifter som inte är offentliga",
            Version::Public => "Offentlig version",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MinutesView {
    pub version: Version,
    pub meeting_id: MeetingId,
    pub body: String,
    pub date: String,
    pub present: Vec<(String, String)>,
    pub when: String,
    pub place: String,
    pub opening: String,
    pub sections: Vec<Section>,
    pub next_meetings: Vec<NextMeeting>,
    pub contact: Option<Contact>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Section {
    pub heading: String,
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Part {
    Heading(String),
    Summary(String),
    Paragraph(String),
    Bullets(Vec<String>),
    /// A working-document table: heading, first column, rows of five cells.
    Workdoc {
        heading: String,
        first_column: String,
        rows: Vec<[String; 5]>,
    },
    Decision(String),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NextMeeting {
    pub place: String,
    pub when: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Contact {
    pub name: String,
    pub phone: String,
    pub email: String,
}

fn paragraphs(s: &str) -> Vec<String> {
    s.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).map(str::to_owned).collect()
}

/// Notes as parts: lines starting with "- " become bullets.
fn text_parts(s: &str, mask: &dyn Fn(&str) -> String) -> Vec<Part> {
    let mut out = vec![];
    for p in paragraphs(s) {
        let lines: Vec<&str> = p.lines().collect();
        if lines.iter().all(|l| l.trim_start().starts_with("- ")) {
            out.push(Part::Bullets(lines.iter().map(|l| mask(l.trim_start().trim_start_matches("- "))).collect()));
        } else {
            out.push(Part::Paragraph(mask(&p)));
        }
    }
    out
}

/// The viewer a version is built for.
pub fn viewer_for(version: Version, reader: &Viewer) -> Viewer {
    match version {
        Version::Internal => reader.clone(),
        Version::Public => Viewer::anonymous(),
    }
}

/// Builds the minutes of a meeting in one version.
pub async fn build(db: &Db, reader: &Viewer, meeting: MeetingId, version: Version) -> Result<MinutesView, AppError> {
    let viewer = viewer_for(version, reader);
    // A reader who may not see the meeting at all gets nothing; the public
    // version of a non-public meeting does not exist.
    let m = db.meeting(&viewer, meeting).await?;
    let lk = Lookups::load(db).await?;
    let public = version == Version::Public;
    let names = lk.private_names();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let mask = |s: &str| if public { tryggve_core::privacy::mask_public(s, &names) } else { s.to_owned() };
    let items_of =
        |kinds: &[AgendaKind]| -> Vec<&MeetingItem> { m.items.iter().filter(|i| kinds.contains(&i.kind)).collect() };
    let item_parts = |i: &MeetingItem| -> Vec<Part> {
        let mut v = text_parts(&i.body, &mask);
        if !i.decision.trim().is_empty() {
            v.push(Part::Decision(mask(i.decision.trim())));
        }
        v
    };

    // 1. The lägesbild, statistics, priorities and the place collaborations.
    let mut first = vec![];
    let lagesbild: Vec<&MeetingItem> = items_of(&[AgendaKind::Lagesbild]);
    let snapshot = db
        .snapshots(None)
        .await?
        .into_iter()
        .find(|s| s.meeting_id == Some(m.id))
        .and_then(|s| serde_json::from_str::<crate::lagesbild::LagesbildView>(&s.content).ok());
    if !lagesbild.is_empty() || (snapshot.is_some() && !public) {
        first.push(Part::Heading("Lokal lägesbild".into()));
        // A frozen lägesbild counts internal reports too: the public version leaves its figures out.
        if let Some(v) = snapshot.as_ref().filter(|_| !public) {
            first.push(Part::Paragraph(format!(
                "Lägesbilden för {} {} – {}, som den presenterades:",
                v.area_name, v.from, v.to
            )));
            first.push(Part::Bullets(v.picture.totals.iter().map(|t| format!("{}: {}", t.label, t.count)).collect()));
            if !v.change_sentences.is_empty() {
                first.push(Part::Bullets(v.change_sentences.clone()));
            }
        }
        for i in &lagesbild {
            if i.heading != "Lokal lägesbild" {
                first.push(Part::Heading(i.heading.clone()));
            }
            first.extend(item_parts(i));
        }
    }
    for i in items_of(&[AgendaKind::Statistics]) {
        first.push(Part::Heading(i.heading.clone()));
        first.extend(item_parts(i));
    }
    let priorities = db.priorities(&viewer, Some(m.council_id)).await?;
    let prio_items = items_of(&[AgendaKind::Priorities]);
    if !priorities.is_empty() || !prio_items.is_empty() {
        first.push(Part::Heading("Prioriterade områden, insatser, uppföljning".into()));
        for i in prio_items {
            first.extend(item_parts(i));
        }
        for p in &priorities {
            first.push(Part::Heading(format!("Prioriterat område – {}", p.title)));
            first.extend(text_parts(&p.summary, &mask));
            if !p.plan_title.is_empty() {
                first.push(Part::Heading(p.plan_title.clone()));
            }
            if !p.starting_points.is_empty() {
                first.push(Part::Heading("Prioriterade utgångspunkter".into()));
                for sp in &p.starting_points {
                    first.push(Part::Paragraph(format!("{}:", sp.heading)));
                    first.push(Part::Bullets(sp.items.iter().map(|x| mask(x)).collect()));
                }
            }
            if !p.methods.is_empty() {
                first.push(Part::Heading("Relevanta metoder och arbetssätt".into()));
                for me in &p.methods {
                    first.push(Part::Heading(me.title.clone()));
                    first.extend(text_parts(&me.body, &mask));
                }
            }
        }
    }
    let collaborations = db.collaborations(&viewer, Some(m.council_id)).await?;
    let measures = db.measures(&viewer, None).await?;
    let collab_items = items_of(&[AgendaKind::Collaboration]);
    let mut places = vec![];
    for c in &collaborations {
        let mut parts = vec![Part::Heading(c.name.clone())];
        if !c.summary.is_empty() {
            parts.push(Part::Summary(mask(&c.summary)));
        }
        parts.extend(text_parts(&c.narrative, &mask));
        let mut rows_any = false;
        for kind in MeasureKind::ALL {
            let mut rows: Vec<_> = measures.iter().filter(|x| x.collaboration_id == c.id && x.kind == *kind).collect();
            rows.sort_by_key(|x| (x.position, x.id));
            if rows.is_empty() {
                continue;
            }
            rows_any = true;
            parts.push(Part::Workdoc {
                heading: kind.label().to_owned(),
                first_column: match kind {
                    MeasureKind::Problem => "Problemområde".into(),
                    MeasureKind::Development => "Utvecklingsområde".into(),
                },
                rows: rows
                    .iter()
                    .map(|x| {
                        let status = if x.status_text.is_empty() {
                            x.status.label().to_owned()
                        } else {
                            format!("{}\n{}", x.status.label(), mask(&x.status_text))
                        };
                        [
                            mask(&x.problem),
                            mask(&x.action),
                            mask(&x.participants_text),
                            mask(&x.responsible_text),
                            status,
                        ]
                    })
                    .collect(),
            });
        }
        // One record shown under each collaboration it is about.
        for i in collab_items.iter().filter(|i| i.collaboration_ids.contains(&c.id)) {
            if i.heading != c.name {
                parts.push(Part::Heading(i.heading.clone()));
            }
            parts.extend(item_parts(i));
        }
        if rows_any || parts.len() > 1 {
            places.extend(parts);
        }
    }
    if !places.is_empty() {
        first.push(Part::Heading("Riktat arbete mot avgränsade platser och utsatta områden".into()));
        first.extend(places);
    }
    let mut sections = vec![];
    if !first.is_empty() {
        sections.push(Section {
            heading: "Lokal lägesbild, prioriterade områden, insatser och uppföljning.".into(),
            parts: first,
        });
    }
    // Items of the EST cycle and free items, in agenda order.
    for i in items_of(&[
        AgendaKind::Reporting,
        AgendaKind::Prioritisation,
        AgendaKind::Measures,
        AgendaKind::Feedback,
        AgendaKind::Free,
    ]) {
        let parts = item_parts(i);
        sections.push(Section { heading: i.heading.clone(), parts });
    }
    let other: Vec<Part> = items_of(&[AgendaKind::Other]).into_iter().flat_map(item_parts).collect();
    sections.push(Section { heading: "Övrigt".into(), parts: other });

    let meetings = db.meetings(&viewer, Some(m.council_id)).await?;
    let next_meetings = meetings
        .iter()
        .filter(|x| x.starts_at > m.starts_at && x.body == m.body)
        .min_by_key(|x| x.starts_at)
        .map(|x| NextMeeting { place: x.location.clone(), when: crate::pages::swedish_when(x) })
        .into_iter()
        .collect();
    let contact = match m.contact_person_id {
        Some(p) => {
            let p = db.person(p).await?;
            Some(Contact { name: p.name, phone: p.phone, email: p.email })
        }
        None => None,
    };
    Ok(MinutesView {
        version,
        meeting_id: m.id,
        body: m.body.clone(),
        date: m.starts_at.format("%Y-%m-%d").to_string(),
        present: m.attendees.iter().map(|a| (lk.person_name(Some(a.person_id)), a.title.clone())).collect(),
        when: crate::pages::swedish_when(&m),
        place: if m.online { format!("{} (digitalt)", m.location) } else { m.location.clone() },
        opening: mask(&m.opening),
        sections,
        next_meetings,
        contact,
    })
}

/// The minutes as a document for the writers; `status` is "Utkast" or the approval line.
pub fn document(v: &MinutesView, status: &str) -> tryggve_render::Document {
    use tryggve_render::{Block, Table};
    let mut blocks = vec![Block::Heading { level: 2, text: "Närvarande".into() }];
    let mut t = Table::new("", &["Namn", "Titel"], &[2.0, 3.0]);
    for (n, title) in &v.present {
        t.push_row(vec![n.clone(), title.clone()]);
    }
    blocks.push(Block::Table(t));
    blocks.push(Block::Heading { level: 2, text: "Tidpunkt".into() });
    blocks.push(Block::Paragraph(v.when.clone()));
    blocks.push(Block::Heading { level: 2, text: "Plats".into() });
    blocks.push(Block::Paragraph(v.place.clone()));
    if !v.opening.is_empty() {
        blocks.push(Block::Paragraph(v.opening.clone()));
    }
    for (n, s) in v.sections.iter().enumerate() {
        blocks.push(Block::Heading { level: 2, text: format!("{}. {}", n + 1, s.heading) });
        for p in &s.parts {
            blocks.push(match p {
                Part::Heading(h) => Block::Heading { level: 3, text: h.clone() },
                Part::Summary(t) => Block::Note(t.clone()),
                Part::Paragraph(t) => Block::Paragraph(t.clone()),
                Part::Bullets(b) => Block::Bullets(b.clone()),
                Part::Decision(d) => Block::Paragraph(format!("Beslut: {d}")),
                Part::Workdoc { heading, first_column, rows } => {
                    let mut t = Table::new(
                        heading.clone(),
                        &[
                            first_column.as_str(),
                            "Åtgärd/insats",
                            "Deltagare",
                            "Sammankallande/ ansvarig",
                            "Status/uppföljning",
                        ],
                        &[3.0, 3.0, 3.0, 2.0, 3.0],
                    );
                    for r in rows {
                        t.push_row(r.to_vec());
                    }
                    Block::Table(t)
                }
            });
        }
    }
    let n = v.sections.len() + 1;
    blocks.push(Block::Heading { level: 2, text: format!("{n}. Kommande möten") });
    for nm in &v.next_meetings {
        blocks.push(Block::Paragraph(format!("Plats: {}", nm.place)));
        blocks.push(Block::Paragraph(format!("Tid: {}.", nm.when)));
    }
    if let Some(c) = &v.contact {
        let mut line = format!("Kontakt: {}", c.name);
        if !c.phone.is_empty() {
            line.push_str(&format!(" {}", c.phone));
        }
        if !c.email.is_empty() {
            line.push_str(&format!("\n{}", c.email));
        }
        blocks.push(Block::Paragraph(line));
    }
    tryggve_render::Document {
        title: format!("{} {}", v.body, v.date),
        subtitle: vec!["Minnesanteckningar".into(), v.version.label().into(), status.to_owned()],
        blocks,
        landscape: false,
        footer: format!("{} {} · {}", v.body, v.date, v.version.label()),
    }
}
