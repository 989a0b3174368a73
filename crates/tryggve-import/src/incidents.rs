//! Incident CSV, in two formats told apart by the header:
//!
//! - the benchmark format, exactly `id,occurred_at,category,lon,lat`
//!   (see the lägesbild benchmark specification);
//! - Tryggve's richer format (`docs/import-formats.md`): `occurred_at` and
//!   `category` are required; `external_id`, `occurred_until`, `lon`, `lat`,
//!   `place`, `description`, `source_kind`, `reliability`, `classification`,
//!   `organisation` are optional.
//!
//! Categories are checklist codes, labels or common synonyms; places are
//! register names or aliases. A row's `id`/`external_id` identifies it within
//! its source, so importing a file twice adds nothing.

use crate::register::Register;
use crate::{ImportError, Problems};
use chrono::{DateTime, NaiveDate, NaiveDateTime};
use tryggve_core::situation::{Incident, PositionPrecision, Reliability, SourceKind, TimePrecision};
use tryggve_core::{Classification, IncidentId, OrgId, UserId};

/// What the file does not say about its rows.
#[derive(Debug, Clone)]
pub struct Options {
    /// The source the rows' ids belong to (the dedup key with `external_id`).
    pub source: String,
    pub reported_at: NaiveDateTime,
    pub organisation_id: Option<OrgId>,
    pub reported_by: Option<UserId>,
    pub source_kind: SourceKind,
    pub reliability: Reliability,
    pub classification: Classification,
    pub synthetic: bool,
}

const BENCH_HEADER: &[&str] = &["id", "occurred_at", "category", "lon", "lat"];
const RICH_COLUMNS: &[&str] = &[
    "external_id",
    "occurred_at",
    "occurred_until",
    "category",
    "lon",
    "lat",
    "place",
    "description",
    "source_kind",
    "reliability",
    "classification",
    "organisation",
];

/// Parses a whole file; `progress` is called every 100 000 rows with the count so far.
pub fn parse(
    file: &str,
    bytes: &[u8],
    reg: &Register,
    opts: &Options,
    progress: &mut dyn FnMut(usize),
) -> Result<Vec<Incident>, ImportError> {
    let text = crate::utf8(file, bytes)?;
    let mut problems = Problems::default();
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(text.as_bytes());
    let header: Vec<String> = match rdr.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_owned()).collect(),
        Err(e) => {
            problems.add(1, "(rubrikrad)", e.to_string());
            return problems.into_result(file, vec![]);
        }
    };
    if header.iter().all(|h| h.is_empty()) {
        problems.add(1, "(rubrikrad)", "filen är tom eller saknar rubrikrad");
        return problems.into_result(file, vec![]);
    }
    let bench = header.iter().map(String::as_str).eq(BENCH_HEADER.iter().copied());
    if !bench {
        for (k, h) in header.iter().enumerate() {
            if h.is_empty() {
                // A column without a name (often a trailing comma) is named by its place.
                problems.add(1, &format!("(kolumn {})", k + 1), "kolumnen saknar rubrik");
            } else if !RICH_COLUMNS.contains(&h.as_str()) {
                problems.add(1, h, format!("okänd kolumn (kända: {})", RICH_COLUMNS.join(", ")));
            }
        }
        for required in ["occurred_at", "category"] {
            if !header.iter().any(|h| h == required) {
                problems.add(1, required, "kolumnen saknas");
            }
        }
        if problems.total > 0 {
            return problems.into_result(file, vec![]);
        }
    }
    let col = |name: &str| header.iter().position(|h| h == name);
    let cols = Columns {
        external_id: col(if bench { "id" } else { "external_id" }),
        occurred_at: col("occurred_at").unwrap_or(0),
        occurred_until: col("occurred_until"),
        category: col("category").unwrap_or(0),
        lon: col("lon"),
        lat: col("lat"),
        place: col("place"),
        description: col("description"),
        source_kind: col("source_kind"),
        reliability: col("reliability"),
        classification: col("classification"),
        organisation: col("organisation"),
    };
    let mut out = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (n, rec) in rdr.records().enumerate() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(n + 2, |p| p.line() as usize);
                let msg = match e.kind() {
                    csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                        format!("raden har {len} fält men rubrikraden {expected_len} (avkortad eller trasig rad?)")
                    }
                    _ => e.to_string(),
                };
                problems.add(line, "(rad)", msg);
                continue;
            }
        };
        let line = rec.position().map_or(n + 2, |p| p.line() as usize);
        if let Some(i) = parse_row(&rec, line, &cols, reg, opts, &mut problems) {
            if let Some(id) = &i.external_id
                && !seen.insert(id.clone())
            {
                problems.add(
                    line,
                    if bench { "id" } else { "external_id" },
                    format!("\"{id}\" förekommer redan tidigare i filen"),
                );
                continue;
            }
            out.push(i);
        }
        if (n + 1) % 100_000 == 0 {
            progress(n + 1);
        }
    }
    problems.into_result(file, out)
}

struct Columns {
    external_id: Option<usize>,
    occurred_at: usize,
    occurred_until: Option<usize>,
    category: usize,
    lon: Option<usize>,
    lat: Option<usize>,
    place: Option<usize>,
    description: Option<usize>,
    source_kind: Option<usize>,
    reliability: Option<usize>,
    classification: Option<usize>,
    organisation: Option<usize>,
}

fn parse_row(
    rec: &csv::StringRecord,
    line: usize,
    c: &Columns,
    reg: &Register,
    opts: &Options,
    p: &mut Problems,
) -> Option<Incident> {
    let get = |i: Option<usize>| i.and_then(|i| rec.get(i)).map(str::trim).unwrap_or("");
    let before = p.total;
    let (occurred_at, offset, mut precision) = match parse_time(get(Some(c.occurred_at))) {
        Ok(t) => t,
        Err(m) => {
            p.add(line, "occurred_at", m);
            (NaiveDateTime::default(), 0, TimePrecision::Instant)
        }
    };
    let occurred_until = match get(c.occurred_until) {
        "" => None,
        s => match parse_time(s) {
            Ok((t, _, _)) if t >= occurred_at => {
                precision = TimePrecision::Band;
                Some(t)
            }
            Ok(_) => {
                p.add(line, "occurred_until", "slutet ligger före början");
                None
            }
            Err(m) => {
                p.add(line, "occurred_until", m);
                None
            }
        },
    };
    let category_text = get(Some(c.category));
    let category = reg.category(category_text).unwrap_or_else(|| {
        p.add(line, "category", format!("okänd kategori \"{category_text}\" (kända: {})", reg.category_list()));
        String::new()
    });
    let (lon, lat) = match (get(c.lon), get(c.lat)) {
        ("", "") => (None, None),
        (lo, la) => {
            let lon = coordinate(lo, -180.0, 180.0).map_err(|m| p.add(line, "lon", m)).ok();
            let lat = coordinate(la, -90.0, 90.0).map_err(|m| p.add(line, "lat", m)).ok();
            (lon, lat)
        }
    };
    let place = get(c.place);
    let area_id = if place.is_empty() {
        None
    } else {
        let a = reg.area_id(place);
        if a.is_none() {
            p.add(line, "place", format!("\"{place}\" finns inte i registret över områden och platser"));
        }
        a
    };
    let source_kind = parse_enum(line, "source_kind", get(c.source_kind), SourceKind::parse, opts.source_kind, p);
    let reliability = parse_enum(line, "reliability", get(c.reliability), Reliability::parse, opts.reliability, p);
    let classification =
        parse_enum(line, "classification", get(c.classification), Classification::parse, opts.classification, p);
    if classification == Classification::Restricted {
        p.add(line, "classification", "begränsade händelser kan inte importeras från fil; registrera dem i formuläret");
    }
    let org = get(c.organisation);
    let organisation_id = if org.is_empty() {
        opts.organisation_id
    } else {
        let o = reg.organisation(org);
        if o.is_none() {
            p.add(line, "organisation", format!("\"{org}\" finns inte i registret"));
        }
        o
    };
    let description = get(c.description);
    if description.chars().count() > 5000 {
        p.add(line, "description", "texten är längre än 5000 tecken");
    }
    let external_id = Some(get(c.external_id)).filter(|s| !s.is_empty()).map(str::to_owned);
    if c.external_id.is_some() && external_id.is_none() {
        p.add(line, "id", "id saknas");
    }
    if p.total > before {
        return None;
    }
    Some(Incident {
        id: IncidentId(0),
        occurred_at,
        utc_offset_minutes: offset,
        occurred_until,
        time_precision: precision,
        reported_at: opts.reported_at,
        organisation_id,
        reported_by: opts.reported_by,
        category,
        lon,
        lat,
        area_id,
        position_precision: match (lon, area_id) {
            (Some(_), _) => PositionPrecision::Exact,
            (None, Some(_)) => PositionPrecision::Area,
            _ => PositionPrecision::Unknown,
        },
        description: description.to_owned(),
        source_kind,
        reliability,
        classification,
        restricted_to: vec![],
        legal_reference_id: None,
        source: opts.source.clone(),
        external_id,
        synthetic: opts.synthetic,
        version: 1,
    })
}

/// An optional enum cell: empty means the default.
fn parse_enum<T>(
    line: usize,
    field: &str,
    s: &str,
    parse: fn(&str) -> Result<T, String>,
    default: T,
    p: &mut Problems,
) -> T {
    if s.is_empty() {
        default
    } else {
        parse(s).unwrap_or_else(|m| {
            p.add(line, field, m);
            default
        })
    }
}

fn coordinate(s: &str, min: f64, max: f64) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && (min..=max).contains(&v) => Ok(v),
        Ok(_) => Err(format!("\"{s}\" ligger utanför {min}…{max}")),
        Err(_) => Err(format!("\"{s}\" är inget tal (decimalpunkt, till exempel 18.0234)")),
    }
}

/// An RFC 3339 time with offset (`2024-03-31T02:30:00+02:00`, `…Z`), or a
/// date alone (`2024-03-31`, precision "date", offset as in Stockholm).
pub fn parse_time(s: &str) -> Result<(NaiveDateTime, i32, TimePrecision), String> {
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        && s.len() == 10
    {
        let t = d.and_hms_opt(0, 0, 0).expect("midnight exists");
        return Ok((t, stockholm_offset_minutes(d), TimePrecision::Date));
    }
    match DateTime::parse_from_rfc3339(s) {
        Ok(dt) => Ok((dt.naive_local(), dt.offset().local_minus_utc() / 60, TimePrecision::Instant)),
        Err(_) => Err(format!("ogiltig tid \"{s}\" (skriv ÅÅÅÅ-MM-DDTTT:MM:SS+02:00, eller bara ÅÅÅÅ-MM-DD)")),
    }
}

/// Sweden's UTC offset on a date: +02:00 from the last Sunday of March to
/// the last Sunday of October (EU rule), +01:00 otherwise. On the two
/// change-over days the offset after the change is given.
pub fn stockholm_offset_minutes(d: NaiveDate) -> i32 {
    use chrono::Datelike;
    let last_sunday = |month: u32| {
        let mut day = NaiveDate::from_ymd_opt(d.year(), month, 31).expect("March and October have 31 days");
        while day.weekday() != chrono::Weekday::Sun {
            day = day.pred_opt().expect("a date before");
        }
        day
    };
    if d >= last_sunday(3) && d < last_sunday(10) { 120 } else { 60 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tryggve_core::situation::IncidentCategory;

    fn reg() -> Register {
        let cat = |c: &str, l: &str| IncidentCategory { code: c.into(), label: l.into(), position: 0, active: true };
        Register {
            categories: vec![cat("klotter", "Klotter"), cat("stold", "Stöld"), cat("hot_vald", "Hot och våld")],
            ..Default::default()
        }
    }

    fn opts() -> Options {
        Options {
            source: "test".into(),
            reported_at: NaiveDateTime::default(),
            organisation_id: None,
            reported_by: None,
            source_kind: SourceKind::PartnerObservation,
            reliability: Reliability::Reported,
            classification: Classification::Internal,
            synthetic: false,
        }
    }

    fn run(csv: &str) -> Result<Vec<Incident>, ImportError> {
        parse("x.csv", csv.as_bytes(), &reg(), &opts(), &mut |_| {})
    }

    #[test]
    fn the_benchmark_format_reads_with_offsets_and_unlocated_rows() {
        let v = run("id,occurred_at,category,lon,lat\n1,2024-12-30T23:30:00+01:00,stöld,18.05,59.30\n2,2023-01-01T23:30:00Z,Klotter,,\n").unwrap();
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].category, "stold");
        assert_eq!(v[0].utc_offset_minutes, 60);
        assert_eq!(v[0].occurred_at.to_string(), "2024-12-30 23:30:00");
        assert_eq!(v[1].lon, None);
        assert_eq!(v[1].position_precision, PositionPrecision::Unknown);
        assert_eq!(v[1].external_id.as_deref(), Some("2"));
    }

    #[test]
    fn every_error_names_its_line_and_field() {
        let e = run("id,occurred_at,category,lon,lat\n1,2024-13-01T00:00:00Z,stöld,18,59\n2,2024-01-01T00:00:00Z,kidnappning,18,59\n3,2024-01-01T00:00:00Z,stöld,18.x,59\n4,2024-01-01T00:00:00Z,stöld,18,95\n").unwrap_err();
        let got: Vec<(usize, &str)> = e.problems.iter().map(|p| (p.line, p.field.as_str())).collect();
        assert_eq!(got, [(2, "occurred_at"), (3, "category"), (4, "lon"), (5, "lat")]);
        assert!(e.to_string().contains("rad 3, fält category: okänd kategori \"kidnappning\""));
    }

    #[test]
    fn wrong_header_truncated_rows_duplicates_and_encoding_are_refused() {
        let e = run("id,when,category\n").unwrap_err();
        assert!(e.problems.iter().any(|p| p.field == "when"));
        let e = run("id,occurred_at,category,lon,lat\n1,2024-01-01T00:00:00Z,stöld,18\n").unwrap_err();
        assert_eq!((e.problems[0].line, e.problems[0].field.as_str()), (2, "(rad)"));
        let e =
            run("id,occurred_at,category,lon,lat\n1,2024-01-01T00:00:00Z,stöld,,\n1,2024-01-02T00:00:00Z,stöld,,\n")
                .unwrap_err();
        assert_eq!(e.problems[0].line, 3);
        let latin1 = b"id,occurred_at,category,lon,lat\n1,2024-01-01T00:00:00Z,st\xf6ld,,\n";
        let e = parse("x.csv", latin1, &reg(), &opts(), &mut |_| {}).unwrap_err();
        assert_eq!((e.problems[0].line, e.problems[0].field.as_str()), (2, "(kodning)"));
        assert!(run("").is_err());
    }

    #[test]
    fn the_rich_format_takes_dates_bands_and_descriptions() {
        let v = run("occurred_at,occurred_until,category,description,reliability\n2024-06-01,2024-06-02,hot och våld,\"Bråk, flera inblandade\",observed\n").unwrap();
        assert_eq!(v[0].time_precision, TimePrecision::Band);
        assert_eq!(v[0].utc_offset_minutes, 120);
        assert_eq!(v[0].description, "Bråk, flera inblandade");
        assert_eq!(v[0].reliability, Reliability::Observed);
        assert_eq!(v[0].external_id, None);
    }

    /// Found by fuzzing (`incidents_csv`): a header with an empty column name
    /// gave a problem whose field was empty ("rad 1, fält : okänd kolumn").
    #[test]
    fn fuzz_an_unnamed_header_column_is_named_by_its_place() {
        let e = run("occurred_at,category,\n2024-06-01,klotter,x\n").unwrap_err();
        assert_eq!(e.problems.len(), 1);
        assert_eq!((e.problems[0].line, e.problems[0].field.as_str()), (1, "(kolumn 3)"));
        assert!(e.problems.iter().all(|p| !p.field.is_empty()));
    }

    #[test]
    fn swedish_summer_time_follows_the_eu_rule() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(stockholm_offset_minutes(d(2024, 3, 30)), 60);
        assert_eq!(stockholm_offset_minutes(d(2024, 3, 31)), 120);
        assert_eq!(stockholm_offset_minutes(d(2024, 10, 26)), 120);
        assert_eq!(stockholm_offset_minutes(d(2024, 10, 27)), 60);
    }
}
