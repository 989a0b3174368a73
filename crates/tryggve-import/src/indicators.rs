//! Indicator series: figures per area and period with their source.
//!
//! | format | recognised by | series |
//! |---|---|---|
//! | Brå's statistics export | header starting `År,Månad,Kvartal,Periodtyp` | reported crimes per offence (`Brott`), count |
//! | Stockholm's safety survey key figures | header `survey_year,area_level,area,indicator,…` | percent per indicator and group |
//! | SCB population per municipality | header `kommun_kod,kommun_namn,population` | population |
//! | generic | header `area,period_start,period_end,dimension,value` (CSV, or the first sheet of an XLSX file) | as the caller names it |

use crate::register::Register;
use crate::{ImportError, Problems};
use chrono::NaiveDate;
use tryggve_core::IndicatorId;
use tryggve_core::situation::{IndicatorSeries, Observation};

/// What a generic file does not say about its series.
#[derive(Debug, Clone, Default)]
pub struct SeriesMeta {
    pub name: String,
    pub kind: String,
    pub unit: String,
    pub source: String,
    pub licence: String,
    pub retrieved_on: Option<NaiveDate>,
}

/// Reads a CSV file in any of the known formats.
pub fn parse_csv(file: &str, bytes: &[u8], reg: &Register, meta: &SeriesMeta) -> Result<IndicatorSeries, ImportError> {
    let text = crate::utf8(file, bytes)?;
    let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let header: Vec<String> =
        rdr.headers().map(|h| h.iter().map(|s| s.trim().to_owned()).collect()).unwrap_or_default();
    let mut rows = vec![];
    let mut p = Problems::default();
    for (n, r) in rdr.records().enumerate() {
        match r {
            Ok(r) => {
                rows.push((r.position().map_or(n + 2, |x| x.line() as usize), r.iter().map(str::to_owned).collect()))
            }
            Err(e) => p.add(e.position().map_or(n + 2, |x| x.line() as usize), "(rad)", e.to_string()),
        }
    }
    if p.total > 0 {
        return p.into_result(file, empty(meta));
    }
    from_rows(file, &header, rows, reg, meta)
}

/// Reads the first sheet of an XLSX file in the generic format.
pub fn parse_xlsx(file: &str, bytes: &[u8], reg: &Register, meta: &SeriesMeta) -> Result<IndicatorSeries, ImportError> {
    let mut p = Problems::default();
    // The XLSX reader is a dependency: a panic in it (an arithmetic overflow
    // on a malformed cell reference, in builds that check overflow) refuses
    // the file instead of ending the process.
    let sheet = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| xlsx_rows(bytes)))
        .unwrap_or_else(|_| Err("inte en läsbar XLSX-fil".to_owned()));
    let (header, rows) = match sheet {
        Ok(sheet) => sheet,
        Err(m) => {
            p.add(0, "(fil)", m);
            return p.into_result(file, empty(meta));
        }
    };
    from_rows(file, &header, rows, reg, meta)
}

/// At most this many cells (rows × columns between the outermost cells) in
/// a sheet: the reader allocates the whole rectangle, so two cells far apart
/// in a tiny file would otherwise ask for gigabytes.
const MAX_SHEET_CELLS: u64 = 1_000_000;

/// The header and the non-empty rows (with their row numbers) of the first sheet.
fn xlsx_rows(bytes: &[u8]) -> Result<(Vec<String>, Vec<(usize, Vec<String>)>), String> {
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> =
        Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| format!("inte en läsbar XLSX-fil: {e}"))?;
    let Some(name) = book.sheet_names().first().cloned() else { return Err("arbetsboken har inget blad".into()) };
    // Measure the sheet cell by cell before it is read as one rectangle.
    if let Ok(mut cells) = book.worksheet_cells_reader(&name) {
        let (mut r0, mut r1, mut c0, mut c1) = (u32::MAX, 0, u32::MAX, 0);
        while let Ok(Some(cell)) = cells.next_cell() {
            let (r, c) = cell.get_position();
            (r0, r1, c0, c1) = (r0.min(r), r1.max(r), c0.min(c), c1.max(c));
        }
        if r0 <= r1 {
            let (rows, cols) = (u64::from(r1 - r0) + 1, u64::from(c1 - c0) + 1);
            if rows * cols > MAX_SHEET_CELLS {
                return Err(format!(
                    "bladet spänner över {rows} rader och {cols} kolumner; högst {MAX_SHEET_CELLS} celler läses"
                ));
            }
        }
    }
    let Some(Ok(range)) = book.worksheet_range_at(0) else { return Err("arbetsboken har inget blad".into()) };
    let mut it = range.rows();
    let header: Vec<String> =
        it.next().map(|r| r.iter().map(|c| c.to_string().trim().to_owned()).collect()).unwrap_or_default();
    let rows = it
        .enumerate()
        .map(|(i, r)| {
            let cells = r
                .iter()
                .map(|c| match c {
                    calamine::Data::DateTime(d) => d.as_datetime().map(|t| t.date().to_string()).unwrap_or_default(),
                    other => other.to_string(),
                })
                .collect();
            (i + 2, cells)
        })
        .filter(|(_, cells): &(usize, Vec<String>)| cells.iter().any(|c| !c.trim().is_empty()))
        .collect();
    Ok((header, rows))
}

fn empty(meta: &SeriesMeta) -> IndicatorSeries {
    IndicatorSeries {
        id: IndicatorId(0),
        name: meta.name.clone(),
        kind: meta.kind.clone(),
        unit: meta.unit.clone(),
        source: meta.source.clone(),
        licence: meta.licence.clone(),
        retrieved_on: meta.retrieved_on,
        observations: vec![],
    }
}

fn from_rows(
    file: &str,
    header: &[String],
    rows: Vec<(usize, Vec<String>)>,
    reg: &Register,
    meta: &SeriesMeta,
) -> Result<IndicatorSeries, ImportError> {
    let mut p = Problems::default();
    let col = |name: &str| header.iter().position(|h| h == name);
    let mut series = empty(meta);
    let starts = |cols: &[&str]| cols.iter().all(|c| col(c).is_some());
    let format = if starts(&["År", "Periodtyp", "Period_start", "Period_slut", "Kommun", "Brott", "Antal"]) {
        "bra"
    } else if starts(&["survey_year", "area", "indicator", "group", "value_percent"]) {
        "survey"
    } else if starts(&["kommun_kod", "kommun_namn", "population"]) {
        "population"
    } else if starts(&["area", "period_start", "period_end", "value"]) {
        "generic"
    } else {
        p.add(1, "(rubrikrad)", "okänt format: väntade Brås export, trygghetsmätningens nyckeltal, SCB:s folkmängd eller kolumnerna area,period_start,period_end,dimension,value");
        return p.into_result(file, series);
    };
    let default_meta = |name: &str, kind: &str, unit: &str, source: &str, licence: &str| {
        let or = |given: &str, d: &str| if given.is_empty() { d.to_owned() } else { given.to_owned() };
        (
            or(&meta.name, name),
            or(&meta.kind, kind),
            or(&meta.unit, unit),
            or(&meta.source, source),
            or(&meta.licence, licence),
        )
    };
    (series.name, series.kind, series.unit, series.source, series.licence) = match format {
        "bra" => default_meta(
            "Anmälda brott (Brå)",
            "reported_crimes",
            "antal",
            "Brottsförebyggande rådet (Brå), officiell statistik över anmälda brott",
            "Offentlig statistik",
        ),
        "survey" => default_meta(
            "Trygghetsmätning, Stockholms stad",
            "survey",
            "procent",
            "Stockholms stads trygghetsmätning",
            "Offentliga uppgifter",
        ),
        "population" => default_meta(
            "Folkmängd (SCB)",
            "population",
            "personer",
            "Statistiska centralbyrån (SCB)",
            "Offentlig statistik",
        ),
        _ => {
            if meta.name.is_empty() {
                p.add(0, "name", "ange seriens namn");
            }
            default_meta("", "other", "", "", "")
        }
    };
    let mut seen = std::collections::HashSet::new();
    for (line, cells) in rows {
        let get = |c: &str| col(c).and_then(|i| cells.get(i)).map(|s| s.trim()).unwrap_or("");
        let before = p.total;
        let (area_name, dimension, start, end, value, preliminary) = match format {
            "bra" => {
                let area = get("Kommun").to_owned();
                let dim = format!("{} ({})", get("Brott"), get("Brott_ID"));
                let s = date(&mut p, line, "Period_start", get("Period_start"));
                let e = date(&mut p, line, "Period_slut", get("Period_slut"));
                let v = number(&mut p, line, "Antal", get("Antal"));
                (area, dim, s, e, v, get("Preliminär").eq_ignore_ascii_case("true"))
            }
            "survey" => {
                let year = get("survey_year");
                let y: Option<i32> = year.parse().ok().filter(|y| (1900..=2200).contains(y));
                if y.is_none() {
                    p.add(line, "survey_year", format!("\"{year}\" är inget årtal"));
                }
                let y = y.unwrap_or(2000);
                let dim = format!("{} ({})", get("indicator"), get("group"));
                let v = number(&mut p, line, "value_percent", get("value_percent"));
                (
                    get("area").to_owned(),
                    dim,
                    NaiveDate::from_ymd_opt(y, 1, 1),
                    NaiveDate::from_ymd_opt(y, 12, 31),
                    v,
                    false,
                )
            }
            "population" => {
                let v = number(&mut p, line, "population", get("population"));
                let (s, e) = (NaiveDate::from_ymd_opt(2024, 12, 31), NaiveDate::from_ymd_opt(2024, 12, 31));
                (get("kommun_namn").to_owned(), String::new(), s, e, v, false)
            }
            _ => {
                let s = date(&mut p, line, "period_start", get("period_start"));
                let e = date(&mut p, line, "period_end", get("period_end"));
                let v = number(&mut p, line, "value", get("value"));
                (get("area").to_owned(), get("dimension").to_owned(), s, e, v, get("preliminary") == "true")
            }
        };
        if area_name.is_empty() {
            p.add(line, if format == "bra" { "Kommun" } else { "area" }, "området saknas");
        }
        if let (Some(s), Some(e)) = (start, end)
            && e < s
        {
            p.add(line, "period_end", "perioden slutar före början");
        }
        if p.total > before {
            continue;
        }
        let (Some(period_start), Some(period_end), Some(value)) = (start, end, value) else { continue };
        if !seen.insert((area_name.clone(), dimension.clone(), period_start)) {
            p.add(line, "(rad)", "samma område, dimension och period förekommer redan i filen");
            continue;
        }
        series.observations.push(Observation {
            area_id: reg.area_id(&area_name),
            area_name,
            dimension,
            period_start,
            period_end,
            value,
            preliminary,
        });
    }
    if series.observations.is_empty() && p.total == 0 {
        p.add(0, "(fil)", "filen innehåller inga värden");
    }
    p.into_result(file, series)
}

fn date(p: &mut Problems, line: usize, field: &str, s: &str) -> Option<NaiveDate> {
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    if d.is_none() {
        p.add(line, field, format!("ogiltigt datum \"{s}\" (skriv ÅÅÅÅ-MM-DD)"));
    }
    d
}

fn number(p: &mut Problems, line: usize, field: &str, s: &str) -> Option<f64> {
    let t = s.replace([' ', '\u{a0}'], "").replace(',', ".");
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        _ => {
            p.add(line, field, format!("\"{s}\" är inget tal"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generic_file_reads_and_names_bad_cells() {
        let meta = SeriesMeta { name: "Skjutningar".into(), kind: "shootings".into(), ..Default::default() };
        let ok = parse_csv(
            "s.csv",
            "area,period_start,period_end,dimension,value\nÄlvsjö,2021-01-01,2021-06-30,mot person,3\n".as_bytes(),
            &Register::default(),
            &meta,
        )
        .unwrap();
        assert_eq!(ok.observations.len(), 1);
        assert_eq!(ok.observations[0].value, 3.0);
        let bad = parse_csv("s.csv", "area,period_start,period_end,dimension,value\nÄlvsjö,2021-01-01,2021-06-31,x,3\n,2021-01-01,2021-06-30,x,tre\n".as_bytes(), &Register::default(), &meta).unwrap_err();
        let got: Vec<(usize, &str)> = bad.problems.iter().map(|p| (p.line, p.field.as_str())).collect();
        assert_eq!(got, [(2, "period_end"), (3, "value"), (3, "area")]);
        assert!(parse_csv("s.csv", b"a,b\n1,2\n", &Register::default(), &meta).is_err());
    }

    /// A one-sheet workbook around the given `<sheetData>` content.
    fn workbook(sheet_data: &str) -> Vec<u8> {
        use std::io::Write;
        let files = [
            (
                "[Content_Types].xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.to_owned(),
            ),
            (
                "_rels/.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.to_owned(),
            ),
            (
                "xl/workbook.xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Blad1" sheetId="1" r:id="rId1"/></sheets></workbook>"#.to_owned(),
            ),
            (
                "xl/_rels/workbook.xml.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.to_owned(),
            ),
            (
                "xl/worksheets/sheet1.xml",
                format!(r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheet_data}</sheetData></worksheet>"#),
            ),
        ];
        let mut buf = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut buf);
        for (name, text) in files {
            z.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
            z.write_all(text.as_bytes()).unwrap();
        }
        z.finish().unwrap();
        buf.into_inner()
    }

    fn cell(r: &str, text: &str) -> String {
        format!(r#"<c r="{r}" t="inlineStr"><is><t>{text}</t></is></c>"#)
    }

    const HEADER: &str = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>area</t></is></c><c r="B1" t="inlineStr"><is><t>period_start</t></is></c><c r="C1" t="inlineStr"><is><t>period_end</t></is></c><c r="D1" t="inlineStr"><is><t>value</t></is></c></row>"#;

    #[test]
    fn the_test_workbook_reads() {
        let meta = SeriesMeta { name: "S".into(), ..Default::default() };
        let row = [cell("A2", "Älvsjö"), cell("B2", "2021-01-01"), cell("C2", "2021-06-30"), cell("D2", "3")].concat();
        let s =
            parse_xlsx("s.xlsx", &workbook(&format!("{HEADER}<row r=\"2\">{row}</row>")), &Register::default(), &meta)
                .unwrap();
        assert_eq!(s.observations.len(), 1);
    }

    /// Found by fuzzing (`indicators`): a cell reference with a long run of
    /// letters overflowed the XLSX reader's column arithmetic, a panic in
    /// builds that check overflow.
    #[test]
    fn fuzz_a_cell_reference_with_a_long_column_is_refused() {
        let long = format!("{}B1", "h".repeat(100));
        let sheet = format!("{HEADER}<row r=\"2\">{}</row>", cell(&long, "x"));
        let e = parse_xlsx("s.xlsx", &workbook(&sheet), &Register::default(), &SeriesMeta::default()).unwrap_err();
        assert_eq!((e.problems[0].line, e.problems[0].field.as_str()), (0, "(fil)"));
    }

    /// Found while fixing the above: two cells far apart make the reader
    /// allocate the whole rectangle between them (here 16 384 × 1 000 000).
    #[test]
    fn fuzz_a_sheet_spanning_millions_of_cells_is_refused_before_it_is_read() {
        let sheet = format!("{HEADER}<row r=\"1000000\">{}</row>", cell("XFD1000000", "x"));
        let e = parse_xlsx("s.xlsx", &workbook(&sheet), &Register::default(), &SeriesMeta::default()).unwrap_err();
        assert_eq!((e.problems[0].line, e.problems[0].field.as_str()), (0, "(fil)"));
        assert!(e.problems[0].message.contains("1000000 rader och 16384 kolumner"), "{e}");
    }
}
