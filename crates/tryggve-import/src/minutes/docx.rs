//! DOCX → the same [`Block`]s as text. Reads `word/document.xml` from the
//! ZIP container (`zip`) as a stream of XML events (`quick-xml`): paragraph
//! styles give headings (`Heading1`, `Rubrik1`, `Title`), runs give bold and
//! italic, numbered paragraphs are list items, and tables are tables whose
//! cells hold their paragraphs on separate lines. A block's `line` is the
//! number of its paragraph in the document (1-based, table paragraphs included).

use super::blocks::{Block, Row};
use quick_xml::events::{BytesStart, Event};
use std::io::Read;

/// The most a `document.xml` may decompress to: far beyond any minutes, well below harm.
const MAX_XML: u64 = 64 * 1024 * 1024;

/// Why a DOCX could not be read, in Swedish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocxError(pub String);

/// Reads a DOCX file's body as blocks.
pub fn docx_blocks(bytes: &[u8]) -> Result<Vec<Block>, DocxError> {
    let xml = document_xml(bytes)?;
    let mut r = Walker::default();
    let mut reader = quick_xml::Reader::from_str(&xml);
    loop {
        let event = reader.read_event().map_err(|e| {
            DocxError(format!("word/document.xml är inte giltig XML (vid byte {}): {e}", reader.buffer_position()))
        })?;
        match event {
            Event::Start(e) => r.start(&e),
            Event::Empty(e) => {
                r.start(&e);
                r.end(e.local_name().as_ref());
            }
            Event::End(e) => r.end(e.local_name().as_ref()),
            Event::Text(t) => r.text(&t.xml10_content()),
            Event::GeneralRef(g) => {
                let c = match g.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => named_entity(&g.xml10_content()),
                };
                if let Some(c) = c {
                    r.text(&c.to_string());
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(r.out)
}

fn named_entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    }
}

fn document_xml(bytes: &[u8]) -> Result<String, DocxError> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| DocxError(format!("filen är inte en läsbar DOCX (ZIP-arkiv): {e}")))?;
    let file = zip.by_name("word/document.xml").map_err(|_| DocxError("DOCX-filen saknar word/document.xml".into()))?;
    let mut xml = String::new();
    file.take(MAX_XML + 1)
        .read_to_string(&mut xml)
        .map_err(|e| DocxError(format!("word/document.xml kunde inte läsas som UTF-8: {e}")))?;
    if xml.len() as u64 > MAX_XML {
        return Err(DocxError("word/document.xml är för stor".into()));
    }
    Ok(xml)
}

/// A paragraph being read.
#[derive(Default)]
struct Para {
    text: String,
    level: Option<u8>,
    list: bool,
    /// Characters of visible text in bold / italic runs, and in all runs.
    bold_chars: usize,
    italic_chars: usize,
    chars: usize,
}

/// State while walking the XML.
#[derive(Default)]
struct Walker {
    out: Vec<Block>,
    paragraphs: usize,
    para: Option<Para>,
    run_bold: bool,
    run_italic: bool,
    in_run_props: bool,
    /// Inside paragraph properties, where `w:tab` is a tab stop, not a tab.
    in_para_props: bool,
    in_text: bool,
    /// Open tables (nested tables are flattened into their outer cell).
    tables: Vec<Vec<Row>>,
    cell: Option<String>,
    row: Option<Row>,
}

fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == name)
        .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
}

/// `w:b` / `w:i` switch on unless `w:val` says "0", "false" or "none".
fn on(e: &BytesStart) -> bool {
    !matches!(attr(e, "w:val").as_deref(), Some("0" | "false" | "none"))
}

fn heading_level(style: &str) -> Option<u8> {
    let s = style.to_lowercase();
    if s == "title" || s == "rubrik" {
        return Some(1);
    }
    let n = s.strip_prefix("heading").or_else(|| s.strip_prefix("rubrik"))?;
    n.trim().parse::<u8>().ok().filter(|n| (1..=9).contains(n))
}

impl Walker {
    fn start(&mut self, e: &BytesStart) {
        match e.local_name().as_ref() {
            "p" => {
                self.paragraphs += 1;
                self.para = Some(Para::default());
            }
            "pStyle" => {
                if let (Some(p), Some(v)) = (self.para.as_mut(), attr(e, "w:val")) {
                    p.level = heading_level(&v);
                }
            }
            "numPr" => {
                if let Some(p) = self.para.as_mut() {
                    p.list = true;
                }
            }
            "r" => {
                self.run_bold = false;
                self.run_italic = false;
            }
            "rPr" => self.in_run_props = true,
            "b" if self.in_run_props => self.run_bold = on(e),
            "i" if self.in_run_props => self.run_italic = on(e),
            "t" => self.in_text = true,
            "pPr" => self.in_para_props = true,
            "tab" if !self.in_para_props => self.text("\t"),
            "br" | "cr" => self.text("\n"),
            "tbl" => self.tables.push(vec![]),
            "tr" if self.tables.len() == 1 => self.row = Some(Row { cells: vec![], line: self.paragraphs + 1 }),
            "tc" if self.tables.len() == 1 => self.cell = Some(String::new()),
            _ => {}
        }
    }

    fn end(&mut self, name: &str) {
        match name {
            "p" => self.end_paragraph(),
            "rPr" => self.in_run_props = false,
            "pPr" => self.in_para_props = false,
            "t" => self.in_text = false,
            "tc" if self.tables.len() == 1 => {
                if let (Some(row), Some(cell)) = (self.row.as_mut(), self.cell.take()) {
                    row.cells.push(cell.trim().to_owned());
                }
            }
            "tr" if self.tables.len() == 1 => {
                if let (Some(t), Some(row)) = (self.tables.last_mut(), self.row.take()) {
                    t.push(row);
                }
            }
            "tbl" => {
                let rows = self.tables.pop().unwrap_or_default();
                if self.tables.is_empty()
                    && let Some(first) = rows.first()
                {
                    let line = first.line;
                    self.out.push(Block::Table { rows, line });
                }
            }
            _ => {}
        }
    }

    fn text(&mut self, t: &str) {
        if !(self.in_text || t == "\t" || t == "\n") {
            return;
        }
        let Some(p) = self.para.as_mut() else { return };
        let visible = t.chars().filter(|c| !c.is_whitespace()).count();
        p.chars += visible;
        if self.run_bold {
            p.bold_chars += visible;
        }
        if self.run_italic {
            p.italic_chars += visible;
        }
        p.text.push_str(t);
    }

    fn end_paragraph(&mut self) {
        let Some(p) = self.para.take() else { return };
        if let Some(cell) = self.cell.as_mut() {
            if !cell.is_empty() {
                cell.push('\n');
            }
            cell.push_str(p.text.trim());
            return;
        }
        if !self.tables.is_empty() {
            return;
        }
        let text = p.text.trim().to_owned();
        if text.is_empty() {
            return;
        }
        let line = self.paragraphs;
        self.out.push(match (p.level, p.list) {
            (Some(level), _) => Block::Heading { level, text, line },
            (None, true) => Block::ListItem { text, line },
            (None, false) => Block::Paragraph {
                text,
                bold: p.chars > 0 && p.bold_chars == p.chars,
                italic: p.chars > 0 && p.italic_chars == p.chars && p.bold_chars < p.chars,
                line,
            },
        });
    }
}

/// Builds a small DOCX in memory.
#[cfg(test)]
pub fn write_docx(document_xml: &str) -> Vec<u8> {
    use std::io::Write;
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        z.start_file("word/document.xml", opts).expect("zip entry");
        z.write_all(document_xml.as_bytes()).expect("zip write");
        z.finish().expect("zip finish");
    }
    buf.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(inner: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>{inner}</w:body></w:document>"#
        )
    }

    #[test]
    fn headings_bold_runs_lists_and_tables() {
        let xml = body(
            r#"<w:p><w:pPr><w:pStyle w:val="Heading2"/></w:pPr><w:r><w:t>Närvarande:</w:t></w:r></w:p>
            <w:p><w:r><w:rPr><w:b/></w:rPr><w:t>Sammanträdet öppnades</w:t></w:r></w:p>
            <w:p><w:pPr><w:numPr><w:ilvl w:val="0"/></w:numPr></w:pPr><w:r><w:t>Komet &amp; ABC</w:t></w:r></w:p>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>Problemområde</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Åtgärd</w:t></w:r></w:p></w:tc></w:tr>
            <w:tr><w:tc><w:p><w:r><w:t>rad ett</w:t></w:r></w:p><w:p><w:r><w:t>rad två</w:t></w:r></w:p></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>
            <w:p><w:r><w:rPr><w:i/><w:b w:val="0"/></w:rPr><w:t>Kursiv</w:t></w:r></w:p>"#,
        );
        let blocks = docx_blocks(&write_docx(&xml)).unwrap();
        assert_eq!(blocks[0], Block::Heading { level: 2, text: "Närvarande:".into(), line: 1 });
        assert_eq!(
            blocks[1],
            Block::Paragraph { text: "Sammanträdet öppnades".into(), bold: true, italic: false, line: 2 }
        );
        assert_eq!(blocks[2], Block::ListItem { text: "Komet & ABC".into(), line: 3 });
        let Block::Table { rows, line } = &blocks[3] else { panic!("{blocks:?}") };
        assert_eq!(*line, 4);
        assert_eq!(rows[1].cells, ["rad ett\nrad två", ""]);
        assert_eq!(blocks[4], Block::Paragraph { text: "Kursiv".into(), bold: false, italic: true, line: 9 });
    }

    #[test]
    fn broken_files_are_refused_in_swedish() {
        assert!(docx_blocks(b"PK\x03\x04 not really").unwrap_err().0.contains("DOCX"));
        let no_doc = {
            use std::io::Write;
            let mut buf = std::io::Cursor::new(Vec::new());
            let mut z = zip::ZipWriter::new(&mut buf);
            z.start_file("x.txt", zip::write::SimpleFileOptions::default()).unwrap();
            z.write_all(b"x").unwrap();
            z.finish().unwrap();
            buf.into_inner()
        };
        assert!(docx_blocks(&no_doc).unwrap_err().0.contains("word/document.xml"));
        // An unclosed element at the end is read as far as it goes, without a panic.
        let _ = docx_blocks(&write_docx("<w:p><w:t>öppen"));
        assert!(docx_blocks(&write_docx("<a></b>")).is_err());
    }
}
