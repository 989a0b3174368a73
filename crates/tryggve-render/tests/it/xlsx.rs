//! XLSX: calamine reads one sheet per table with the header and the cell
//! texts; the sheet XML has the frozen header row, the autofilter and the
//! merged group rows.

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use tryggve_render::workdoc::workdoc_xlsx;
use tryggve_render::{Table, to_xlsx};

use crate::fixture::{HOSTILE, hostile, liljeholmen};

fn sheets(bytes: &[u8]) -> Vec<(String, Vec<Vec<String>>)> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("calamine opens the XLSX");
    let names = book.sheet_names();
    names
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            let rows = range
                .rows()
                .map(|row| {
                    row.iter()
                        .map(|cell| match cell {
                            Data::String(s) => s.clone(),
                            Data::Empty => String::new(),
                            other => panic!("every cell is text, not {other:?}"),
                        })
                        .collect()
                })
                .collect();
            (name, rows)
        })
        .collect()
}

fn sheet_xml(bytes: &[u8], n: usize) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name(&format!("xl/worksheets/sheet{n}.xml")).unwrap().read_to_string(&mut xml).unwrap();
    xml
}

#[test]
fn the_working_document_xlsx_has_a_sheet_per_table_with_header_and_cells() {
    let bytes = workdoc_xlsx(&liljeholmen()).unwrap();
    let sheets = sheets(&bytes);
    let names: Vec<&str> = sheets.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Problem", "Utveckling"]);

    let problems = &sheets[0].1;
    assert_eq!(
        problems[0],
        ["Problemområde", "Åtgärd/insats", "Deltagare", "Sammankallande/ansvarig", "Status/uppföljning"]
    );
    assert_eq!(problems[1][0], "Liljeholmen, Trekantsparken", "the group row");
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
    assert_eq!(problems[6][4], "Planerad\nFöljs upp vid mötet den 1/6.");
    assert_eq!(problems.len(), 7);
    let development = &sheets[1].1;
    assert_eq!(development[0][0], "Utvecklingsområde");
    assert_eq!(development[3][1], "Sommarjobbare på torget mellan 14/6-8/8");
    assert_eq!(development.len(), 4);
}

#[test]
fn the_header_row_is_frozen_and_filtered_and_group_rows_are_merged() {
    let bytes = workdoc_xlsx(&liljeholmen()).unwrap();
    let problems = sheet_xml(&bytes, 1);
    assert!(problems.contains(r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#));
    assert!(problems.contains(r#"<autoFilter ref="A1:E7"/>"#), "{problems}");
    assert!(problems.contains(r#"<mergeCell ref="A2:E2"/>"#));
    let development = sheet_xml(&bytes, 2);
    assert!(development.contains(r#"state="frozen""#));
    assert!(development.contains(r#"<autoFilter ref="A1:E4"/>"#));
}

#[test]
fn sheet_names_are_made_valid_and_unique() {
    let table = Table::new("", &["A"], &[1.0]);
    let bytes = to_xlsx(&[("Problem", &table), ("problem", &table), ("Plats: A/B [2021]?", &table)]).unwrap();
    let names: Vec<String> = sheets(&bytes).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["Problem", "problem (2)", "Plats- A-B -2021--"]);
}

#[test]
fn hostile_text_comes_out_of_the_xlsx_literally() {
    let bytes = workdoc_xlsx(&hostile()).unwrap();
    let book = sheets(&bytes);
    let problems = &book[0].1;
    assert_eq!(problems[1][0], HOSTILE);
    assert_eq!(&problems[2][..4], [HOSTILE, HOSTILE, HOSTILE, HOSTILE]);
    assert_eq!(problems[2][4], format!("Pågående\n{HOSTILE}\nNästa uppföljning: 2021-10-15"));
    // A cell that starts like a formula stays text.
    let mut table = Table::new("", &["A"], &[1.0]);
    table.push_row(vec!["=1+1".into()]);
    let bytes = to_xlsx(&[("Formel", &table)]).unwrap();
    assert_eq!(sheets(&bytes)[0].1[1][0], "=1+1");
}
