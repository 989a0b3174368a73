//! What the fuzz targets share: a register to resolve names against (the
//! demo council's, built once) and checks of the importers' promises.

use std::sync::LazyLock;

use tryggve_core::export::ExportDocument;
use tryggve_core::situation::{EST_CATEGORIES, IncidentCategory};
use tryggve_import::register::Register;
use tryggve_import::{ImportError, MAX_PROBLEMS};

/// The demo council's export document: areas with polygons and points,
/// organisations, people, a council and its meetings.
pub static DEMO: LazyLock<ExportDocument> = LazyLock::new(|| {
    ExportDocument::parse(include_str!("../../demo/hagersten-alvsjo.json")).expect("the demo document reads")
});

/// The register the incident, police and indicator importers resolve names
/// against: the demo's areas and organisations and the EST checklist.
pub static REGISTER: LazyLock<Register> = LazyLock::new(|| Register {
    areas: DEMO.areas.clone(),
    organisations: DEMO.organisations.clone(),
    categories: EST_CATEGORIES
        .iter()
        .enumerate()
        .map(|(k, (code, label))| IncidentCategory {
            code: (*code).to_owned(),
            label: (*label).to_owned(),
            position: k as i64,
            active: true,
        })
        .collect(),
});

/// An upper bound on the number of lines of `bytes`, whichever of CR, LF or
/// CR LF ends them.
pub fn line_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n' || b == b'\r').count() + 1
}

/// What every import error promises: it says something, keeps at most
/// [`MAX_PROBLEMS`] of its `total`, and each problem has a field and a message
/// and a line no greater than `max_line` (0 is the file as a whole).
pub fn check_error(e: &ImportError, max_line: usize, file_level_allowed: bool) {
    assert!(!e.problems.is_empty(), "an error without problems: {e:?}");
    assert!(e.problems.len() <= MAX_PROBLEMS, "{} problems kept", e.problems.len());
    assert!(e.total >= e.problems.len(), "total {} < kept {}", e.total, e.problems.len());
    for p in &e.problems {
        assert!(!p.field.is_empty(), "a problem without a field: {p:?}");
        assert!(!p.message.is_empty(), "a problem without a message: {p:?}");
        assert!(p.line <= max_line, "line {} of a {max_line}-line input: {p:?}", p.line);
        assert!(file_level_allowed || p.line > 0, "a problem without a line: {p:?}");
    }
    let _ = e.to_string();
}

/// A ZIP archive (stored, uncompressed) of the given files, so that a target
/// can fuzz the XML inside an office document instead of its compression.
pub fn zip(files: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in files {
        z.start_file(*name, opts).expect("zip entry");
        z.write_all(bytes).expect("zip write");
    }
    z.finish().expect("zip finish");
    buf.into_inner()
}

/// A one-sheet XLSX workbook around the given worksheet, shared strings and
/// styles XML.
pub fn xlsx(sheet: &[u8], shared_strings: &[u8], styles: &[u8]) -> Vec<u8> {
    const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#;
    const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
    const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
    const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;
    zip(&[
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", shared_strings),
        ("xl/styles.xml", styles),
    ])
}

/// Splits `data` at the byte `0xFF` (never part of UTF-8) into up to `n` parts.
pub fn parts(data: &[u8], n: usize) -> Vec<&[u8]> {
    let mut out: Vec<&[u8]> = data.splitn(n, |&b| b == 0xFF).collect();
    out.resize(n, &[]);
    out
}
