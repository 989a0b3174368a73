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
    use calamine::{Reader, Xlsx};
    let mut p = Problems::default();
    let mut book: Xlsx<_> = match Xlsx::new(std::io::Cursor::new(bytes)) {
        Ok(b) => b,
        Err(e) => {
            p.add(0, "(fil)", format!("inte en läsbar XLSX-fil: {e}"));
            return p.into_result(file, empty(meta));
        }
    };
    let Some(Ok(range)) = book.worksheet_range_at(0) else {
        p.add(0, "(fil)", "arbetsboken har inget blad");
        return p.into_result(file, empty(meta));
    };
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
    from_rows(file, &header, rows, reg, meta)
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
}
