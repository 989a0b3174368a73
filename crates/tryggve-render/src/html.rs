//! The HTML writer: one standalone page (no external resources) with a print
//! stylesheet for A4 — repeated table headers, no page break inside a row,
//! page numbers where the browser supports `@page` margin boxes.
//!
//! Every text goes through the askama template `templates/document.html`,
//! which escapes it; nothing here builds markup from strings. An SVG picture
//! is embedded as a `data:` image, where scripts never run.

use askama::Template;

use crate::RenderError;
use crate::document::{Block, Document, Row, clean};

#[derive(Template)]
#[template(path = "document.html")]
struct Page<'a> {
    title: String,
    subtitle: Vec<String>,
    blocks: Vec<Part<'a>>,
    footer: String,
    landscape: bool,
}

/// A block as the template shows it: headings by HTML level, text cleaned.
enum Part<'a> {
    H2(String),
    H3(String),
    H4(String),
    Paragraph(String),
    Note(String),
    Bullets(Vec<String>),
    Figure(String, String, f32),
    Table(HtmlTable<'a>),
}

struct HtmlTable<'a> {
    caption: String,
    /// Percentages of the table's width.
    widths: Vec<String>,
    header: Vec<String>,
    rows: Vec<HtmlRow<'a>>,
}

enum HtmlRow<'a> {
    Group(String),
    Cells(Vec<std::borrow::Cow<'a, str>>),
}

pub(crate) fn write(document: &Document) -> Result<String, RenderError> {
    let text = |s: &str| clean(s).into_owned();
    let blocks = document
        .blocks
        .iter()
        .map(|block| match block {
            Block::Heading { level: 0 | 1, text: t } => Part::H2(text(t)),
            Block::Heading { level: 2, text: t } => Part::H3(text(t)),
            Block::Heading { text: t, .. } => Part::H4(text(t)),
            Block::Paragraph(t) => Part::Paragraph(text(t)),
            Block::Note(t) => Part::Note(text(t)),
            Block::Bullets(items) => Part::Bullets(items.iter().map(|t| text(t)).collect()),
            Block::Svg { svg, alt, width_mm } => {
                let src = format!("data:image/svg+xml;base64,{}", base64(svg.as_bytes()));
                Part::Figure(src, text(alt), if width_mm.is_finite() { width_mm.clamp(10.0, 280.0) } else { 160.0 })
            }
            Block::Table(table) => Part::Table(HtmlTable {
                caption: text(&table.caption),
                widths: table.fractions().iter().map(|f| format!("{:.1}", f * 100.0)).collect(),
                header: (0..table.columns()).map(|i| text(table.header.get(i).map_or("", String::as_str))).collect(),
                rows: table
                    .rows
                    .iter()
                    .map(|row| match row {
                        Row::Group(t) => HtmlRow::Group(text(t)),
                        Row::Cells(cells) => HtmlRow::Cells(table.cells(cells).into_iter().map(clean).collect()),
                    })
                    .collect(),
            }),
        })
        .collect();
    let page = Page {
        title: text(&document.title),
        subtitle: document.subtitle.iter().map(|t| text(t)).collect(),
        blocks,
        footer: text(&document.footer),
        landscape: document.landscape,
    };
    Ok(page.render()?)
}

/// Standard base64 with padding, for the `data:` URL of an embedded picture.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_examples() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64("<svg>å</svg>".as_bytes()), "PHN2Zz7DpTwvc3ZnPg==");
    }
}
