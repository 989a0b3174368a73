//! DOCX: the file unzips, every part is well-formed XML, and
//! word/document.xml holds the title, the date, the convener and the table
//! cells in order, with a repeating header row and a landscape page.

use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::Event;
use tryggve_render::workdoc::{TITLE, workdoc_docx};

use crate::fixture::{HOSTILE, hostile, liljeholmen};

/// What the tests read back from word/document.xml.
#[derive(Default, Debug)]
struct Body {
    /// Paragraphs outside tables: (style, text).
    paragraphs: Vec<(String, String)>,
    /// Tables as rows of cell texts (paragraphs joined by newlines).
    tables: Vec<Vec<Vec<String>>>,
    /// Per table, which rows repeat as header rows.
    header_rows: Vec<Vec<bool>>,
    landscape: bool,
}

fn part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("the DOCX is a zip");
    let mut text = String::new();
    zip.by_name(name).unwrap_or_else(|_| panic!("{name} is in the DOCX")).read_to_string(&mut text).unwrap();
    text
}

/// Every XML part parses to the end without error.
fn assert_well_formed(bytes: &[u8]) {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        let mut text = String::new();
        file.read_to_string(&mut text).unwrap();
        let mut reader = Reader::from_str(&text);
        loop {
            match reader.read_event() {
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("{name} is not well-formed: {e}"),
            }
        }
    }
}

fn read_body(bytes: &[u8]) -> Body {
    let xml = part(bytes, "word/document.xml");
    let mut reader = Reader::from_str(&xml);
    let mut body = Body::default();
    let (mut in_cell, mut in_text) = (false, false);
    let (mut paragraph, mut style, mut cell) = (String::new(), String::new(), Vec::<String>::new());
    loop {
        match reader.read_event().expect("document.xml parses") {
            Event::Eof => break,
            Event::Start(e) => match e.name().as_ref() {
                "w:tbl" => {
                    body.tables.push(Vec::new());
                    body.header_rows.push(Vec::new());
                }
                "w:tr" => {
                    body.tables.last_mut().unwrap().push(Vec::new());
                    body.header_rows.last_mut().unwrap().push(false);
                }
                "w:tc" => {
                    in_cell = true;
                    cell.clear();
                }
                "w:p" => {
                    paragraph.clear();
                    style.clear();
                }
                "w:t" => in_text = true,
                _ => {}
            },
            Event::Empty(e) => match e.name().as_ref() {
                "w:br" => paragraph.push('\n'),
                "w:tab" => paragraph.push('\t'),
                "w:tblHeader" => *body.header_rows.last_mut().unwrap().last_mut().unwrap() = true,
                "w:pStyle" => style = e.try_get_attribute("w:val").unwrap().unwrap().value.to_string(),
                "w:pgSz" => {
                    body.landscape = e.try_get_attribute("w:orient").unwrap().is_some_and(|a| a.value == "landscape")
                }
                _ => {}
            },
            Event::Text(t) if in_text => paragraph.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_text => match r.resolve_char_ref().unwrap() {
                Some(c) => paragraph.push(c),
                None => paragraph.push_str(match &*r.xml10_content() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    other => panic!("unknown entity {other}"),
                }),
            },
            Event::End(e) => match e.name().as_ref() {
                "w:t" => in_text = false,
                "w:p" if in_cell => cell.push(paragraph.clone()),
                "w:p" => body.paragraphs.push((style.clone(), paragraph.clone())),
                "w:tc" => {
                    in_cell = false;
                    body.tables.last_mut().unwrap().last_mut().unwrap().push(cell.join("\n"));
                }
                _ => {}
            },
            _ => {}
        }
    }
    body
}

#[test]
fn the_working_document_docx_has_title_date_convener_and_the_cells_in_order() {
    let bytes = workdoc_docx(&liljeholmen()).unwrap();
    assert_well_formed(&bytes);
    let body = read_body(&bytes);
    let styled = |style: &str| -> Vec<&str> {
        body.paragraphs.iter().filter(|(s, _)| s == style).map(|(_, t)| t.as_str()).collect()
    };
    assert_eq!(styled("Title"), [TITLE]);
    assert_eq!(
        styled("Subtitle"),
        [
            "Platssamverkan Liljeholmen",
            "Hägersten-Älvsjös lokala brottsförebyggande råd",
            "Datum: 2021-09-17",
            "Sammankallande: Clas Cederlid, Trygg- och säkerhetsstrateg",
        ]
    );
    assert_eq!(styled("SubtitleLast"), ["Sekretess: Intern"]);
    assert_eq!(styled("Heading1"), ["Problem – åtgärder/insatser", "Utveckling – åtgärder/insatser"]);
    assert!(body.landscape);

    assert_eq!(body.tables.len(), 2);
    let problems = &body.tables[0];
    assert_eq!(
        problems[0],
        ["Problemområde", "Åtgärd/insats", "Deltagare", "Sammankallande/ansvarig", "Status/uppföljning"]
    );
    assert_eq!(problems[1], ["Liljeholmen, Trekantsparken"], "the group row is one cell across");
    assert_eq!(
        problems[2],
        [
            "Liljeholmen, Trekantsparken: Ordningsstörningar, brottslighet och unga i destruktiva miljöer.",
            "Whats.App grupp",
            "Polis, fältassistenter, ungdomsjouren, Sth.stads mobila OV, gallerians OV.",
            "Polis adm. ansvarig",
            "Pågående\nPågående insatser som följs upp i realtid.\nNästa uppföljning: 2021-10-15",
        ]
    );
    assert_eq!(
        problems[5],
        [
            "Katrinebergsbacken: Missbrukare som samlas i backen och skapar otrygghet.",
            "Se över möjligheterna att söka alkoholförbud på platsen.",
            "",
            "Trygg- och säkerhetsstrateg SDF",
            "Ej påbörjad\nInga kontakter tagna än.",
        ]
    );
    assert_eq!(problems.len(), 7);
    let development = &body.tables[1];
    assert_eq!(development[0][0], "Utvecklingsområde");
    assert_eq!(
        development[1][2],
        "Parkinganjör, samhällsplanerare, kommunikatör, T&S strateg SDF, TK, CityCon, resurs H-Å SDF"
    );
    assert_eq!(development.len(), 4);
    for rows in &body.header_rows {
        assert_eq!(rows.iter().filter(|h| **h).count(), 1);
        assert!(rows[0], "the first row is the repeating header row");
    }
}

#[test]
fn the_docx_properties_name_the_title_and_swedish() {
    let bytes = workdoc_docx(&liljeholmen()).unwrap();
    let core = part(&bytes, "docProps/core.xml");
    assert!(core.contains(&format!("<dc:title>{TITLE}</dc:title>")));
    assert!(core.contains("<dc:language>sv-SE</dc:language>"));
    let footer = part(&bytes, "word/footer1.xml");
    assert!(footer.contains("w:instr=\"PAGE\"") && footer.contains("w:instr=\"NUMPAGES\""));
}

#[test]
fn hostile_text_comes_out_of_the_docx_literally() {
    let bytes = workdoc_docx(&hostile()).unwrap();
    assert_well_formed(&bytes);
    let body = read_body(&bytes);
    let row = &body.tables[0][2];
    assert_eq!(&row[..4], [HOSTILE, HOSTILE, HOSTILE, HOSTILE]);
    assert_eq!(row[4], format!("Pågående\n{HOSTILE}\nNästa uppföljning: 2021-10-15"));
    assert_eq!(body.tables[0][1], [HOSTILE]);
    assert!(body.paragraphs.iter().any(|(s, t)| s == "Subtitle" && t == HOSTILE));
    assert!(body.paragraphs.iter().any(|(s, t)| s.is_empty() && t == HOSTILE), "the summary");
    let xml = part(&bytes, "word/document.xml");
    assert!(!xml.contains("<script>"));
}
