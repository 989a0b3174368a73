//! Documents from one view model: a small generic [`Document`] (title, blocks,
//! tables) and one writer per output format — HTML with a print stylesheet,
//! PDF, DOCX and, for tables, XLSX.
//!
//! Callers build a view model for what they show (the working document in
//! [`workdoc`]; minutes and the lägesbild report later), map it onto a
//! [`Document`] once, and hand that to any writer. The writers never interpret
//! text: markup, XML specials and typesetting syntax written by a user come out
//! literally in every format.
//!
//! The crate is pure: a value in, bytes out. No database, no HTTP, no clock
//! (dates arrive as text in the view model), no files read at run time (the
//! PDF font is compiled in).

mod document;
mod docx;
mod html;
mod pdf;
pub mod svg;
pub mod workdoc;
mod xlsx;
mod xml;

pub use document::{Block, Document, Row, Table};

/// What can go wrong while producing a document. The inputs are plain values,
/// so in practice these are limits of a format (an XLSX cell holds at most
/// 32 767 characters) or a bug.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("HTML template: {0}")]
    Html(#[from] askama::Error),
    #[error("PDF: {0}")]
    Pdf(String),
    #[error("XLSX: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("DOCX: {0}")]
    Docx(#[from] zip::result::ZipError),
    #[error("writing the document: {0}")]
    Io(#[from] std::io::Error),
}

/// The document as a Word file (WordprocessingML). Tables are real Word tables
/// whose header row repeats after a page break.
pub fn to_docx(document: &Document) -> Result<Vec<u8>, RenderError> {
    docx::write(document)
}

/// The document as a PDF, laid out in-process on A4 with the embedded DejaVu
/// Sans. Pages are numbered "Sida 2 av 5" in the footer.
pub fn to_pdf(document: &Document) -> Result<Vec<u8>, RenderError> {
    pdf::write(document)
}

/// The document as one standalone HTML page (UTF-8, no external resources)
/// with a print stylesheet for A4.
pub fn to_html(document: &Document) -> Result<String, RenderError> {
    html::write(document)
}

/// Tables as an Excel workbook, one sheet per `(sheet name, table)`. Sheet
/// names are made valid for Excel (at most 31 characters, none of `[]:*?/\`,
/// unique); the header row is bold, frozen and has filters.
pub fn to_xlsx(sheets: &[(&str, &Table)]) -> Result<Vec<u8>, RenderError> {
    xlsx::write(sheets)
}
