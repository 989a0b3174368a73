//! The generic document every writer takes: a title block, a flat list of
//! blocks, and tables with an optional group heading between rows.
//!
//! It holds plain text only. A newline inside a paragraph, a bullet or a cell
//! is a line break; nothing else in the text has meaning to any writer. The
//! model knows no format and no domain: view models (the working document,
//! minutes, the lägesbild report) map themselves onto it.

use std::borrow::Cow;

/// A document in reading order. Language is Swedish; paper is A4.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Document {
    /// The document's title, also its metadata title.
    pub title: String,
    /// Lines under the title: body, date, convener, classification …
    pub subtitle: Vec<String>,
    pub blocks: Vec<Block>,
    /// Landscape A4 (wide tables such as the working document).
    pub landscape: bool,
    /// Text at the foot of every page (PDF, DOCX) or of the page (HTML),
    /// beside the page number. May be empty.
    pub footer: String,
}

/// One piece of the document's body.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading; `level` 1 is the largest, levels past 3 look like 3.
    Heading {
        level: u8,
        text: String,
    },
    Paragraph(String),
    /// A bulleted list, one string per item.
    Bullets(Vec<String>),
    Table(Table),
    /// Small print: sources, explanations, "synthetic data" labels.
    Note(String),
    /// A vector picture (chart, map) with its text alternative. HTML embeds
    /// the SVG as an image; PDF and DOCX show `alt` in a framed box the width
    /// of the picture, so the content is never silently lost.
    Svg {
        svg: String,
        alt: String,
        width_mm: f32,
    },
}

/// A table with one header row. Rows are either cells or a group heading that
/// spans the whole width (a problem area, a place).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// Shown above the table (and used as its accessible caption). May be empty.
    pub caption: String,
    pub header: Vec<String>,
    pub rows: Vec<Row>,
    /// Relative column widths, one per header cell; missing or non-positive
    /// values count as 1.
    pub column_widths: Vec<f32>,
}

/// A row of a [`Table`].
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    /// One text per column; missing cells are empty, extra cells are ignored.
    Cells(Vec<String>),
    /// A heading spanning all columns, for the rows that follow it.
    Group(String),
}

impl Table {
    pub fn new(caption: impl Into<String>, header: &[&str], column_widths: &[f32]) -> Self {
        Table {
            caption: caption.into(),
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
            column_widths: column_widths.to_vec(),
        }
    }

    pub fn push_row(&mut self, cells: Vec<String>) {
        self.rows.push(Row::Cells(cells));
    }

    pub fn push_group(&mut self, heading: impl Into<String>) {
        self.rows.push(Row::Group(heading.into()));
    }

    /// The number of columns, which the header decides.
    pub fn columns(&self) -> usize {
        self.header.len().max(1)
    }

    /// Column widths as fractions of the table's width, summing to 1.
    pub fn fractions(&self) -> Vec<f32> {
        let n = self.columns();
        let raw: Vec<f32> = (0..n)
            .map(|i| self.column_widths.get(i).copied().filter(|w| w.is_finite() && *w > 0.0).unwrap_or(1.0))
            .collect();
        let sum: f32 = raw.iter().sum();
        raw.into_iter().map(|w| w / sum).collect()
    }

    /// The cell texts of a row padded or cut to the number of columns.
    pub(crate) fn cells<'a>(&self, cells: &'a [String]) -> Vec<&'a str> {
        (0..self.columns()).map(|i| cells.get(i).map(String::as_str).unwrap_or("")).collect()
    }
}

/// Text as every format can hold it: line ends become `\n`, and characters
/// that XML 1.0 forbids (control characters other than tab and newline,
/// U+FFFE, U+FFFF) are dropped. They are invisible, so the text a reader sees
/// stays intact; without this one stray control character from a paste would
/// make a DOCX or XLSX file unreadable.
pub(crate) fn clean(text: &str) -> Cow<'_, str> {
    let allowed = |c: char| !(c.is_control() && c != '\n' && c != '\t') && c != '\u{FFFE}' && c != '\u{FFFF}';
    if text.chars().all(allowed) {
        return Cow::Borrowed(text);
    }
    let unified = text.replace("\r\n", "\n").replace('\r', "\n");
    Cow::Owned(unified.chars().filter(|&c| allowed(c)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_keeps_ordinary_text_and_markup_as_is() {
        let text = "Åtgärd – <b>&amp;</b> #set \\x $ { } %\n\tny rad";
        assert!(matches!(clean(text), Cow::Borrowed(t) if t == text));
    }

    #[test]
    fn clean_unifies_line_ends_and_drops_control_characters() {
        assert_eq!(clean("a\r\nb\rc\u{0}d\u{1b}e\u{FFFF}"), "a\nb\ncde");
    }

    #[test]
    fn fractions_sum_to_one_and_default_missing_widths() {
        let t = Table::new("", &["a", "b", "c"], &[2.0, 0.0]);
        let f = t.fractions();
        assert_eq!(f.len(), 3);
        assert!((f.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!((f[0] - 0.5).abs() < 1e-6);
    }
}
