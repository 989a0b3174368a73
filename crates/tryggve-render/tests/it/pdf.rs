//! PDF: the text extracted by lopdf holds the headings, the rows and the
//! Swedish letters; long tables span pages with the header row on each; the
//! metadata names the title and the language.

use lopdf::{Document, Object};
use tryggve_render::workdoc::{TITLE, workdoc_pdf};

use crate::fixture::{HOSTILE, bare, hostile, liljeholmen, long, squash};

/// The text of each page, in page order.
fn pages(bytes: &[u8]) -> Vec<String> {
    let doc = Document::load_mem(bytes).expect("the PDF parses");
    doc.get_pages().keys().map(|&n| doc.extract_text(&[n]).expect("text extracts")).collect()
}

#[test]
fn the_working_document_pdf_holds_title_headings_rows_and_swedish_letters() {
    let bytes = workdoc_pdf(&liljeholmen()).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let text = squash(&pages(&bytes).concat());
    for expected in [
        TITLE,
        "Platssamverkan Liljeholmen",
        "Datum: 2021-09-17",
        "Sammankallande: Clas Cederlid, Trygg- och säkerhetsstrateg",
        "Sekretess: Intern",
        "Problem – åtgärder/insatser",
        "Utveckling – åtgärder/insatser",
        "Problemområde",
        "Utvecklingsområde",
        "Status/uppföljning",
        "Liljeholmen, Trekantsparken: Ordningsstörningar, brottslighet och unga i destruktiva miljöer.",
        "Katrinebergsbacken: Missbrukare som samlas i backen och skapar otrygghet.",
        "Inga kontakter tagna än.",
        "Nästa uppföljning: 2021-10-15",
        "Parkinganjör, samhällsplanerare, kommunikatör, T&S strateg SDF, TK, CityCon, resurs H-Å SDF",
        "Sida 1 av",
    ] {
        assert!(text.contains(&squash(expected)), "missing {expected:?} in {text}");
    }
}

#[test]
fn a_long_table_spans_pages_and_repeats_its_header_row_on_each() {
    let bytes = workdoc_pdf(&long()).unwrap();
    let pages = pages(&bytes);
    let n = pages.len();
    assert!(n >= 3, "{n} pages");
    let mut with_problem_table = 0;
    for (i, page) in pages.iter().enumerate() {
        let page = squash(page);
        assert!(page.contains(&format!("Sida {} av {n}", i + 1)), "page number on page {}", i + 1);
        if page.contains("Problemområde") {
            with_problem_table += 1;
            for column in ["Åtgärd/insats", "Deltagare", "Sammankallande/ansvarig", "Status/uppföljning"] {
                assert!(bare(&page).contains(column), "{column} on page {}", i + 1);
            }
        }
    }
    assert!(with_problem_table >= 2, "the header row repeats: {with_problem_table}");
    // Every row is there once: 12 groups of five rows plus the original five.
    let all = squash(&pages.concat());
    assert_eq!(all.matches("Inga kontakter tagna än.").count(), 13);
}

#[test]
fn the_pdf_names_its_title_language_and_page_count() {
    let bytes = workdoc_pdf(&long()).unwrap();
    let doc = Document::load_mem(&bytes).unwrap();
    let catalog = doc.catalog().unwrap();
    let lang = catalog.get(b"Lang").and_then(Object::as_str).unwrap();
    assert_eq!(lang, b"sv");
    assert!(catalog.get(b"StructTreeRoot").is_ok(), "the PDF is tagged");
    let info = doc.trailer.get(b"Info").and_then(Object::as_reference).and_then(|id| doc.get_dictionary(id)).unwrap();
    let title = info.get(b"Title").unwrap();
    assert_eq!(lopdf::decode_text_string(title).unwrap(), TITLE);
    let pages = doc.get_pages().len();
    let root_pages =
        catalog.get(b"Pages").and_then(Object::as_reference).and_then(|id| doc.get_dictionary(id)).unwrap();
    assert_eq!(root_pages.get(b"Count").and_then(Object::as_i64).unwrap(), pages as i64);
}

#[test]
fn hostile_text_comes_out_of_the_pdf_literally() {
    let bytes = workdoc_pdf(&hostile()).unwrap();
    let text = squash(&pages(&bytes).concat());
    assert!(text.matches(&squash(HOSTILE)).count() >= 7, "{text}");
}

#[test]
fn the_working_document_pdf_passes_pdf_ua_and_has_bookmarks() {
    let bytes = workdoc_pdf(&liljeholmen()).unwrap();
    let xmp = String::from_utf8_lossy(&bytes);
    assert!(xmp.contains("<pdfuaid:part>1</pdfuaid:part>"), "krilla's PDF/UA-1 check passed");
    let doc = Document::load_mem(&bytes).unwrap();
    let outlines = doc.catalog().unwrap().get(b"Outlines").and_then(Object::as_reference);
    assert!(outlines.is_ok(), "headings are bookmarks");
}

#[test]
fn text_the_font_cannot_draw_still_gives_a_pdf() {
    let mut view = liljeholmen();
    view.summary = "Trygghetsvandring 🚶 – 中文".into();
    let bytes = workdoc_pdf(&view).unwrap();
    let text = pages(&bytes).concat();
    assert!(text.contains("Trygghetsvandring"));
    assert!(!String::from_utf8_lossy(&bytes).contains("<pdfuaid:part>"), "no PDF/UA claim with missing glyphs");
}

fn picture_document(svg: &str) -> tryggve_render::Document {
    tryggve_render::Document {
        title: "Lägesbild".into(),
        blocks: vec![
            tryggve_render::Block::Paragraph("Före bilden.".into()),
            tryggve_render::Block::Svg {
                svg: svg.into(),
                alt: "Stapeldiagram: klotter per stadsdel".into(),
                width_mm: 120.0,
            },
            tryggve_render::Block::Paragraph("Efter bilden.".into()),
        ],
        ..Default::default()
    }
}

#[test]
fn a_picture_is_drawn_as_vectors_with_its_text_as_text() {
    let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">
        <rect x="10" y="10" width="80" height="60" fill="#3182bd"/>
        <text x="100" y="50" font-size="12">Västberga 14 &amp; Örnberg</text>
        <image href="karta.png" width="10" height="10"/>
    </svg>"##;
    let bytes = tryggve_render::to_pdf(&picture_document(svg)).unwrap();
    let text = squash(&pages(&bytes).concat());
    // krilla-svg places SVG glyphs one by one, so lopdf sees gaps between them.
    assert!(bare(&text).contains("Förebilden.Västberga14&ÖrnbergEfterbilden."), "{text}");
    assert!(!text.contains("Stapeldiagram"), "the alternative is in the tags, not on the page");
    assert!(String::from_utf8_lossy(&bytes).contains("<pdfuaid:part>1</pdfuaid:part>"));
}

#[test]
fn a_picture_that_does_not_parse_shows_its_text_alternative() {
    let bytes = tryggve_render::to_pdf(&picture_document("<svg")).unwrap();
    let text = squash(&pages(&bytes).concat());
    assert!(text.contains("Före bilden. Stapeldiagram: klotter per stadsdel Efter bilden."), "{text}");
}
