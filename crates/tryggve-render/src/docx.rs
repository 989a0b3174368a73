//! The DOCX writer: WordprocessingML written directly into a zip.
//!
//! Why not a DOCX crate: docx-rs (the maintained one) cannot mark a table
//! row as a header row that repeats after a page break (`w:tblHeader`), which
//! the working document needs, and it would add a second major version of
//! `zip` plus an XML reader we never use. The parts below are the few Word
//! needs for this content: styles (Title, Subtitle, Heading 1–3, Note),
//! bullet numbering, a footer with "Sida X av Y" fields, core properties with
//! title and language, and the body. All text passes through [`Xml`], which
//! escapes it.

use std::io::Write;

use zip::ZipWriter;
use zip::write::SimpleFileOptions;

use crate::RenderError;
use crate::document::{Block, Document, Row, Table, clean};
use crate::xml::Xml;

/// A4 in twentieths of a point.
const A4_SHORT: u32 = 11906;
const A4_LONG: u32 = 16838;
const MARGIN: u32 = 1021; // 1.8 cm
const HEADER_FILL: &str = "D9D9D9";
const GROUP_FILL: &str = "F2F2F2";

pub(crate) fn write(document: &Document) -> Result<Vec<u8>, RenderError> {
    let mut zip = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let parts: [(&str, String); 9] = [
        ("[Content_Types].xml", CONTENT_TYPES.to_string()),
        ("_rels/.rels", PACKAGE_RELS.to_string()),
        ("docProps/core.xml", core_properties(document)),
        ("docProps/app.xml", APP_PROPERTIES.to_string()),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.to_string()),
        ("word/styles.xml", STYLES.to_string()),
        ("word/numbering.xml", NUMBERING.to_string()),
        ("word/footer1.xml", footer(document)),
        ("word/document.xml", body(document)),
    ];
    for (name, content) in parts {
        zip.start_file(name, options)?;
        zip.write_all(content.as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

fn core_properties(document: &Document) -> String {
    let mut x = Xml::new();
    x.open(
        "cp:coreProperties",
        &[
            ("xmlns:cp", "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"),
            ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
            ("xmlns:dcterms", "http://purl.org/dc/terms/"),
        ],
    );
    x.element("dc:title", &[], &clean(&document.title));
    x.element("dc:language", &[], "sv-SE");
    x.close("cp:coreProperties");
    x.finish()
}

/// The footer text on the left, "Sida X av Y" at the right edge.
fn footer(document: &Document) -> String {
    let right_edge = text_width(document).to_string();
    let mut x = Xml::new();
    x.open("w:ftr", &[("xmlns:w", W_NS)]);
    x.open("w:p", &[]);
    x.open("w:pPr", &[]).empty("w:pStyle", &[("w:val", "Footer")]);
    x.open("w:tabs", &[]).empty("w:tab", &[("w:val", "right"), ("w:pos", &right_edge)]).close("w:tabs");
    x.close("w:pPr");
    let text = clean(&document.footer);
    if !text.is_empty() {
        run(&mut x, &text.replace('\n', " "), false);
        x.open("w:r", &[]).empty("w:tab", &[]).close("w:r");
    }
    run(&mut x, "Sida ", false);
    field(&mut x, "PAGE");
    run(&mut x, " av ", false);
    field(&mut x, "NUMPAGES");
    x.close("w:p");
    x.close("w:ftr");
    x.finish()
}

fn field(x: &mut Xml, instruction: &'static str) {
    x.open("w:fldSimple", &[("w:instr", instruction)]);
    run(x, "1", false);
    x.close("w:fldSimple");
}

fn page_size(document: &Document) -> (u32, u32) {
    if document.landscape { (A4_LONG, A4_SHORT) } else { (A4_SHORT, A4_LONG) }
}

fn text_width(document: &Document) -> u32 {
    page_size(document).0 - 2 * MARGIN
}

fn body(document: &Document) -> String {
    let (width, height) = page_size(document);
    let text_width = text_width(document);
    let mut x = Xml::new();
    x.open("w:document", &[("xmlns:w", W_NS), ("xmlns:r", R_NS)]);
    x.open("w:body", &[]);
    paragraph(&mut x, Some("Title"), &document.title, false);
    for (i, line) in document.subtitle.iter().enumerate() {
        let last = i + 1 == document.subtitle.len();
        paragraph(&mut x, Some(if last { "SubtitleLast" } else { "Subtitle" }), line, false);
    }
    for block in &document.blocks {
        match block {
            Block::Heading { level, text } => {
                let style = match level {
                    0 | 1 => "Heading1",
                    2 => "Heading2",
                    _ => "Heading3",
                };
                paragraph(&mut x, Some(style), text, false);
            }
            Block::Paragraph(text) => paragraph(&mut x, None, text, false),
            Block::Note(text) => paragraph(&mut x, Some("Note"), text, false),
            Block::Bullets(items) => {
                for item in items {
                    x.open("w:p", &[]);
                    x.open("w:pPr", &[]);
                    x.empty("w:pStyle", &[("w:val", "ListBullet")]);
                    x.open("w:numPr", &[]).empty("w:ilvl", &[("w:val", "0")]).empty("w:numId", &[("w:val", "1")]);
                    x.close("w:numPr").close("w:pPr");
                    runs(&mut x, item, false);
                    x.close("w:p");
                }
            }
            Block::Table(table) => write_table(&mut x, table, text_width),
            Block::Svg { alt, .. } => paragraph(&mut x, Some("Figure"), alt, false),
        }
    }
    let (w, h) = (width.to_string(), height.to_string());
    let margin = MARGIN.to_string();
    x.open("w:sectPr", &[]);
    x.empty("w:footerReference", &[("w:type", "default"), ("r:id", "rIdFooter")]);
    let orient = if document.landscape { "landscape" } else { "portrait" };
    x.empty("w:pgSz", &[("w:w", &w), ("w:h", &h), ("w:orient", orient)]);
    x.empty(
        "w:pgMar",
        &[
            ("w:top", &margin),
            ("w:right", &margin),
            ("w:bottom", &margin),
            ("w:left", &margin),
            ("w:header", "567"),
            ("w:footer", "454"),
            ("w:gutter", "0"),
        ],
    );
    x.close("w:sectPr");
    x.close("w:body");
    x.close("w:document");
    x.finish()
}

fn write_table(x: &mut Xml, table: &Table, text_width: u32) {
    if !table.caption.is_empty() {
        paragraph(x, Some("TableCaption"), &table.caption, false);
    }
    let widths: Vec<String> =
        table.fractions().iter().map(|f| ((f * text_width as f32).round() as u32).to_string()).collect();
    let total = text_width.to_string();
    x.open("w:tbl", &[]);
    x.open("w:tblPr", &[]);
    x.empty("w:tblStyle", &[("w:val", "TableGrid")]);
    x.empty("w:tblW", &[("w:w", &total), ("w:type", "dxa")]);
    x.empty("w:tblLayout", &[("w:type", "fixed")]);
    if !table.caption.is_empty() {
        x.empty("w:tblCaption", &[("w:val", &clean(&table.caption))]);
    }
    x.close("w:tblPr");
    x.open("w:tblGrid", &[]);
    for w in &widths {
        x.empty("w:gridCol", &[("w:w", w)]);
    }
    x.close("w:tblGrid");

    // The header row repeats on every page the table reaches; no row splits
    // across pages unless it is taller than a page.
    x.open("w:tr", &[]);
    x.open("w:trPr", &[]).empty("w:cantSplit", &[]).empty("w:tblHeader", &[]).close("w:trPr");
    for (i, text) in table.header.iter().enumerate() {
        cell(x, &widths[i.min(widths.len() - 1)], None, Some(HEADER_FILL), text, true);
    }
    x.close("w:tr");
    let span = table.columns().to_string();
    for row in &table.rows {
        x.open("w:tr", &[]);
        x.open("w:trPr", &[]).empty("w:cantSplit", &[]).close("w:trPr");
        match row {
            Row::Cells(cells) => {
                for (i, text) in table.cells(cells).into_iter().enumerate() {
                    cell(x, &widths[i], None, None, text, false);
                }
            }
            Row::Group(heading) => cell(x, &total, Some(&span), Some(GROUP_FILL), heading, true),
        }
        x.close("w:tr");
    }
    x.close("w:tbl");
    // Two tables in a row would merge into one without a paragraph between.
    paragraph(x, Some("AfterTable"), "", false);
}

fn cell(x: &mut Xml, width: &str, span: Option<&str>, fill: Option<&str>, text: &str, bold: bool) {
    x.open("w:tc", &[]);
    x.open("w:tcPr", &[]);
    x.empty("w:tcW", &[("w:w", width), ("w:type", "dxa")]);
    if let Some(span) = span {
        x.empty("w:gridSpan", &[("w:val", span)]);
    }
    if let Some(fill) = fill {
        x.empty("w:shd", &[("w:val", "clear"), ("w:color", "auto"), ("w:fill", fill)]);
    }
    x.close("w:tcPr");
    paragraph(x, Some("TableText"), text, bold);
    x.close("w:tc");
}

fn paragraph(x: &mut Xml, style: Option<&'static str>, text: &str, bold: bool) {
    x.open("w:p", &[]);
    if let Some(style) = style {
        x.open("w:pPr", &[]).empty("w:pStyle", &[("w:val", style)]).close("w:pPr");
    }
    runs(x, text, bold);
    x.close("w:p");
}

/// The text as runs: a newline becomes a line break (`w:br`) and a tab a tab,
/// so the paragraph keeps its lines as written.
fn runs(x: &mut Xml, text: &str, bold: bool) {
    let text = clean(text);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            x.open("w:r", &[]).empty("w:br", &[]).close("w:r");
        }
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                x.open("w:r", &[]).empty("w:tab", &[]).close("w:r");
            }
            if !piece.is_empty() {
                run(x, piece, bold);
            }
        }
    }
}

fn run(x: &mut Xml, text: &str, bold: bool) {
    x.open("w:r", &[]);
    if bold {
        x.open("w:rPr", &[]).empty("w:b", &[]).close("w:rPr");
    }
    x.element("w:t", &[("xml:space", "preserve")], text);
    x.close("w:r");
}

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/numbering.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.numbering+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"#;

const PACKAGE_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"#;

const APP_PROPERTIES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Tryggve</Application></Properties>"#;

const DOCUMENT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rIdNumbering" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering" Target="numbering.xml"/><Relationship Id="rIdFooter" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/></Relationships>"#;

const NUMBERING: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="singleLevel"/><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="360" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>"#;

/// Arial (or its metric twin Liberation Sans) is on every office machine; the
/// language is Swedish so Word spell-checks and hyphenates as Swedish.
const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial" w:eastAsia="Arial" w:cs="Arial"/><w:sz w:val="20"/><w:szCs w:val="20"/><w:lang w:val="sv-SE" w:eastAsia="sv-SE" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="120" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:after="120"/></w:pPr><w:rPr><w:b/><w:sz w:val="36"/><w:szCs w:val="36"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Subtitle"><w:name w:val="Subtitle"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:spacing w:after="0"/></w:pPr><w:rPr><w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="SubtitleLast"><w:name w:val="Subtitle Last"/><w:basedOn w:val="Subtitle"/><w:next w:val="Normal"/><w:pPr><w:spacing w:after="240"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="360" w:after="120"/><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="1"/></w:pPr><w:rPr><w:b/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Heading3"><w:name w:val="heading 3"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="200" w:after="80"/><w:outlineLvl w:val="2"/></w:pPr><w:rPr><w:b/><w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Note"><w:name w:val="Note"/><w:basedOn w:val="Normal"/><w:qFormat/><w:rPr><w:color w:val="404040"/><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Figure"><w:name w:val="Figure"/><w:basedOn w:val="Normal"/><w:pPr><w:pBdr><w:top w:val="single" w:sz="4" w:space="4" w:color="808080"/><w:left w:val="single" w:sz="4" w:space="4" w:color="808080"/><w:bottom w:val="single" w:sz="4" w:space="4" w:color="808080"/><w:right w:val="single" w:sz="4" w:space="4" w:color="808080"/></w:pBdr></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="ListBullet"><w:name w:val="List Bullet"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:after="60"/></w:pPr></w:style>
<w:style w:type="paragraph" w:styleId="TableCaption"><w:name w:val="Table Caption"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:spacing w:before="200" w:after="80"/></w:pPr><w:rPr><w:b/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="TableText"><w:name w:val="Table Text"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:before="20" w:after="20" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="AfterTable"><w:name w:val="After Table"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:after="0"/></w:pPr><w:rPr><w:sz w:val="8"/><w:szCs w:val="8"/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Footer"><w:name w:val="footer"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:after="0"/></w:pPr><w:rPr><w:color w:val="404040"/><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:basedOn w:val="TableNormal"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="808080"/><w:left w:val="single" w:sz="4" w:space="0" w:color="808080"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="808080"/><w:right w:val="single" w:sz="4" w:space="0" w:color="808080"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="808080"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="808080"/></w:tblBorders></w:tblPr></w:style>
</w:styles>"#;
