//! The renderer's integration tests: each format is produced from the same
//! working document, opened again with an independent reader (a zip and XML
//! parser for DOCX, calamine for XLSX, lopdf for PDF) and checked for its
//! texts, structure, and that hostile text comes out inert and intact.

mod docx;
mod fixture;
mod html;
mod pdf;
mod xlsx;

/// Equal input gives equal bytes in every format (no clock, no randomness),
/// so a frozen document can be reproduced and compared.
#[test]
fn every_format_is_deterministic() {
    use tryggve_render::workdoc::{workdoc_docx, workdoc_html, workdoc_pdf, workdoc_xlsx};
    let view = fixture::liljeholmen();
    assert_eq!(workdoc_pdf(&view).unwrap(), workdoc_pdf(&view).unwrap());
    assert_eq!(workdoc_docx(&view).unwrap(), workdoc_docx(&view).unwrap());
    assert_eq!(workdoc_xlsx(&view).unwrap(), workdoc_xlsx(&view).unwrap());
    assert_eq!(workdoc_html(&view).unwrap(), workdoc_html(&view).unwrap());
}
