//! Earlier minutes and working documents (`tryggve import minutes`): text or
//! Markdown as Word exports it, and DOCX, read into a [`MinutesDraft`] and
//! resolved against the register into proposed records of the export format.
//!
//! | step | module |
//! |---|---|
//! | text / DOCX → headings, paragraphs, list items, tables with their lines | [`blocks`], [`docx`] |
//! | blocks → a draft of the meeting, its items, priorities, collaborations and working documents | [`parse`] |
//! | Swedish dates and times | [`swedish`] |
//! | whole-word names and near-duplicate spellings | [`names`] |
//! | draft + register → records to create, merge suggestions, what did not resolve | [`resolve`] |
//!
//! Pure: bytes in, a draft out; the draft and the register in, a proposal
//! out. Nothing is dropped silently: structure the parser does not recognise
//! is listed in [`MinutesDraft::unrecognised`] with its line and the reason.
//! Hostile input gives a draft full of unrecognised lines or a Swedish error,
//! never a panic.

pub mod blocks;
pub mod docx;
pub mod names;
pub mod parse;
pub mod resolve;
pub mod swedish;

use crate::{ImportError, Problem};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use tryggve_core::priority::{Method, StartingPoint};
use tryggve_core::workdoc::MeasureKind;

pub use resolve::{MergeSuggestion, Proposal, resolve};

/// What one set of minutes says, as written, before anything is resolved.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MinutesDraft {
    /// The body that met, from the title ("Hägersten-Älvsjös lokala brottsförebyggande råd").
    pub body: String,
    /// The date in the title.
    pub title_date: Option<NaiveDate>,
    pub starts_at: Option<NaiveDateTime>,
    pub ends_at: Option<NaiveDateTime>,
    pub location: String,
    pub online: bool,
    pub opening: String,
    pub attendees: Vec<DraftAttendee>,
    pub items: Vec<DraftItem>,
    pub priorities: Vec<DraftPriority>,
    pub collaborations: Vec<DraftCollaboration>,
    pub next_meeting: Option<DraftNextMeeting>,
    pub contact: Option<DraftContact>,
    /// Texts that appeared twice with small differences; the later is kept.
    pub duplicates: Vec<DuplicateText>,
    pub unrecognised: Vec<Unrecognised>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DraftAttendee {
    pub name: String,
    pub title: String,
    pub line: usize,
}

/// An agenda item with its notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DraftItem {
    pub heading: String,
    pub body: String,
    pub kind: tryggve_core::meeting::AgendaKind,
    /// Speaks of matters that do not belong in the public minutes (health, individuals).
    pub internal: bool,
    /// The names of the place collaborations it is about.
    pub collaborations: Vec<String>,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DraftPriority {
    pub title: String,
    pub summary: String,
    pub plan_title: String,
    pub starting_points: Vec<StartingPoint>,
    pub methods: Vec<Method>,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DraftCollaboration {
    pub name: String,
    pub summary: String,
    pub narrative: String,
    pub rows: Vec<DraftRow>,
    pub line: usize,
}

/// One row of a working-document table, cell by cell as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DraftRow {
    pub kind: MeasureKind,
    pub problem: String,
    pub action: String,
    pub participants: String,
    pub responsible: String,
    pub status: String,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DraftNextMeeting {
    pub starts_at: NaiveDateTime,
    pub ends_at: Option<NaiveDateTime>,
    pub location: String,
    pub online: bool,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DraftContact {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DuplicateText {
    pub heading: String,
    /// Where each copy starts; the last is the one kept.
    pub lines: Vec<usize>,
}

/// A piece of the document the parser did not turn into anything.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unrecognised {
    /// The line (text) or paragraph number (DOCX) where it starts.
    pub line: usize,
    pub text: String,
    pub reason: String,
}

/// Reads minutes: DOCX when the bytes are a ZIP archive, otherwise UTF-8
/// text or Markdown (a byte-order mark is allowed).
pub fn read(file: &str, bytes: &[u8]) -> Result<MinutesDraft, ImportError> {
    let blocks = if bytes.starts_with(b"PK\x03\x04") {
        docx::docx_blocks(bytes).map_err(|e| ImportError {
            file: file.to_owned(),
            problems: vec![Problem { line: 0, field: "(DOCX)".into(), message: e.0 }],
            total: 1,
        })?
    } else {
        blocks::text_blocks(crate::utf8(file, bytes)?)
    };
    Ok(parse::parse(&blocks))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(style: &str, text: &str) -> String {
        let style =
            if style.is_empty() { String::new() } else { format!(r#"<w:pPr><w:pStyle w:val="{style}"/></w:pPr>"#) };
        format!("<w:p>{style}<w:r><w:t>{text}</w:t></w:r></w:p>")
    }

    fn row(cells: &[&str]) -> String {
        let cells: String = cells.iter().map(|c| format!("<w:tc>{}</w:tc>", p("", c))).collect();
        format!("<w:tr>{cells}</w:tr>")
    }

    #[test]
    fn a_docx_gives_the_same_draft_as_text() {
        let body = [
            p("Heading2", "Rådet i Byn 2022-03-04"),
            p("Heading3", "Närvarande:"),
            format!("<w:tbl>{}</w:tbl>", row(&["Anna Berg", "Ordförande"])),
            p("Heading3", "Platssamverkan Torget"),
            r#"<w:p><w:r><w:rPr><w:i/></w:rPr><w:t>Centrum och torg.</w:t></w:r></w:p>"#.to_owned(),
            format!(
                "<w:tbl>{}{}</w:tbl>",
                row(&["Problemområde", "Åtgärd/insats", "Deltagare", "Ansvarig", "Status/uppföljning"]),
                row(&["Torget: klotter", "Sanering", "SDF &amp; polis", "SDF", "Genomförd"])
            ),
        ]
        .concat();
        let xml = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{body}</w:body></w:document>"#
        );
        let d = read("protokoll.docx", &docx::write_docx(&xml)).unwrap();
        assert_eq!(d.body, "Rådet i Byn");
        assert_eq!(d.attendees[0].title, "Ordförande");
        let c = &d.collaborations[0];
        assert_eq!(c.summary, "Centrum och torg.");
        assert_eq!((c.rows[0].participants.as_str(), c.rows[0].status.as_str()), ("SDF & polis", "Genomförd"));
        assert!(d.unrecognised.is_empty(), "{:?}", d.unrecognised);
    }

    #[test]
    fn text_that_is_not_utf8_names_its_line() {
        let e = read("p.txt", b"rad ett\nrad \xff").unwrap_err();
        assert_eq!(e.problems[0].line, 2);
    }
}
