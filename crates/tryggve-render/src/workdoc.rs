//! The working document ("Arbetsdokument för problem, åtgärder/insatser och
//! utveckling") as a view model, and its mapping onto [`Document`].
//!
//! The view holds display text only: the caller (the web crate, the CLI) has
//! already chosen what the viewer may see, resolved names and formatted
//! dates. The layout follows the council's Word document: per table the five
//! columns Problemområde | Åtgärd/insats | Deltagare | Sammankallande/ansvarig
//! | Status/uppföljning, landscape.

use crate::document::{Block, Document, Table};
use crate::{RenderError, to_docx, to_html, to_pdf, to_xlsx};

pub const TITLE: &str = "Arbetsdokument för problem, åtgärder/insatser och utveckling";

/// The columns after the first, as in the council's document.
pub const COLUMNS: [&str; 4] = ["Åtgärd/insats", "Deltagare", "Sammankallande/ansvarig", "Status/uppföljning"];

/// Relative widths of the five columns.
const WIDTHS: [f32; 5] = [3.0, 3.0, 2.4, 2.0, 3.0];

/// One place collaboration's working document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkdocView {
    /// "Platssamverkan Liljeholmen".
    pub collaboration: String,
    /// The council, e.g. "Hägersten-Älvsjös lokala brottsförebyggande råd".
    pub council: String,
    /// The date the document speaks for, as it should be printed ("2021-09-17").
    pub date: String,
    /// "Clas Cederlid, Trygg- och säkerhetsstrateg".
    pub convener: String,
    /// The classification label ("Offentlig", "Intern", "Begränsad").
    pub classification: String,
    /// The collaboration's description of its area; may be empty.
    pub summary: String,
    pub tables: Vec<WorkdocTable>,
}

/// One table: "Problem – åtgärder/insatser" or "Utveckling – åtgärder/insatser".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkdocTable {
    pub heading: String,
    /// "Problemområde" or "Utvecklingsområde".
    pub first_column: String,
    pub groups: Vec<WorkdocGroup>,
}

/// Rows under one problem area or place; an empty heading shows no group row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkdocGroup {
    pub heading: String,
    pub rows: Vec<WorkdocRow>,
}

/// One measure as a row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkdocRow {
    pub problem: String,
    pub action: String,
    pub participants: String,
    pub responsible: String,
    /// The status label, e.g. "Pågående".
    pub status: String,
    /// The latest follow-up text.
    pub status_text: String,
    /// The next follow-up as it should be printed; empty when none is set.
    pub next_follow_up: String,
}

impl WorkdocRow {
    /// The status cell: the label, the follow-up text on the next line, then
    /// "Nästa uppföljning: …" when set.
    pub fn status_cell(&self) -> String {
        let next =
            (!self.next_follow_up.trim().is_empty()).then(|| format!("Nästa uppföljning: {}", self.next_follow_up));
        [Some(self.status.clone()), Some(self.status_text.clone()), next]
            .into_iter()
            .flatten()
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl WorkdocTable {
    /// The table with the seed's five columns and a group row per named group.
    pub fn table(&self) -> Table {
        let first = if self.first_column.is_empty() { "Problemområde" } else { &self.first_column };
        let mut header = vec![first];
        header.extend(COLUMNS);
        let mut table = Table::new("", &header, &WIDTHS);
        for group in &self.groups {
            if !group.heading.trim().is_empty() {
                table.push_group(group.heading.clone());
            }
            for row in &group.rows {
                table.push_row(vec![
                    row.problem.clone(),
                    row.action.clone(),
                    row.participants.clone(),
                    row.responsible.clone(),
                    row.status_cell(),
                ]);
            }
        }
        table
    }

    /// A sheet name: the heading up to its dash ("Problem", "Utveckling").
    pub fn sheet_name(&self) -> &str {
        let name = self.heading.split(" – ").next().unwrap_or("").split(" - ").next().unwrap_or("").trim();
        if name.is_empty() { &self.heading } else { name }
    }
}

impl WorkdocView {
    pub fn document(&self) -> Document {
        let subtitle = [
            self.collaboration.clone(),
            self.council.clone(),
            labelled("Datum", &self.date),
            labelled("Sammankallande", &self.convener),
            labelled("Sekretess", &self.classification),
        ]
        .into_iter()
        .filter(|s| !s.trim().is_empty())
        .collect();
        let mut blocks = Vec::new();
        if !self.summary.trim().is_empty() {
            blocks.push(Block::Paragraph(self.summary.clone()));
        }
        for table in &self.tables {
            blocks.push(Block::Heading { level: 1, text: table.heading.clone() });
            let table = table.table();
            let empty = table.rows.is_empty();
            blocks.push(Block::Table(table));
            if empty {
                blocks.push(Block::Note("Inga åtgärder/insatser.".into()));
            }
        }
        let footer = [TITLE, &self.collaboration, &self.date, &self.classification]
            .into_iter()
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" – ");
        Document { title: TITLE.into(), subtitle, blocks, landscape: true, footer }
    }
}

fn labelled(label: &str, value: &str) -> String {
    if value.trim().is_empty() { String::new() } else { format!("{label}: {value}") }
}

pub fn workdoc_docx(view: &WorkdocView) -> Result<Vec<u8>, RenderError> {
    to_docx(&view.document())
}

pub fn workdoc_pdf(view: &WorkdocView) -> Result<Vec<u8>, RenderError> {
    to_pdf(&view.document())
}

pub fn workdoc_html(view: &WorkdocView) -> Result<String, RenderError> {
    to_html(&view.document())
}

/// One sheet per table, named after the table ("Problem", "Utveckling").
pub fn workdoc_xlsx(view: &WorkdocView) -> Result<Vec<u8>, RenderError> {
    let tables: Vec<Table> = view.tables.iter().map(WorkdocTable::table).collect();
    let sheets: Vec<(&str, &Table)> = view.tables.iter().map(WorkdocTable::sheet_name).zip(tables.iter()).collect();
    to_xlsx(&sheets)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Row;

    #[test]
    fn the_status_cell_stacks_label_text_and_next_follow_up() {
        let mut row = WorkdocRow {
            status: "Pågående".into(),
            status_text: "Insatser följs upp i realtid.".into(),
            ..WorkdocRow::default()
        };
        assert_eq!(row.status_cell(), "Pågående\nInsatser följs upp i realtid.");
        row.next_follow_up = "2021-10-01".into();
        assert_eq!(row.status_cell(), "Pågående\nInsatser följs upp i realtid.\nNästa uppföljning: 2021-10-01");
        row.status_text.clear();
        assert_eq!(row.status_cell(), "Pågående\nNästa uppföljning: 2021-10-01");
    }

    #[test]
    fn groups_with_a_heading_become_group_rows() {
        let table = WorkdocTable {
            heading: "Problem – åtgärder/insatser".into(),
            first_column: "Problemområde".into(),
            groups: vec![
                WorkdocGroup { heading: "Trekantsparken".into(), rows: vec![WorkdocRow::default()] },
                WorkdocGroup { heading: String::new(), rows: vec![WorkdocRow::default()] },
            ],
        };
        let t = table.table();
        assert_eq!(t.header[0], "Problemområde");
        assert_eq!(t.header.len(), 5);
        assert!(matches!(&t.rows[0], Row::Group(h) if h == "Trekantsparken"));
        assert!(matches!(&t.rows[1], Row::Cells(_)));
        assert!(matches!(&t.rows[2], Row::Cells(_)));
        assert_eq!(table.sheet_name(), "Problem");
    }
}
