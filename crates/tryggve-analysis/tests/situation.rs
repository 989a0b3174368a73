//! The two tasks end to end, against answers made by other tools (see
//! `fixtures/README.md`), and every kind of bad input.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use tryggve_analysis::aggregate::{AggregateCounts, AggregateTable};
use tryggve_analysis::areas::load_areas;
use tryggve_analysis::incidents::scan_reader;
use tryggve_analysis::pip::AreaIndex;
use tryggve_analysis::{AnalysisError, CsvProblem, Field, run_aggregate, run_hotspots};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel)
}

/// A fresh, empty directory for one test.
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> TempDir {
        // Tests run in parallel threads of one process: number the dirs.
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "tryggve-analysis-{tag}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    /// Names of the files in the directory, sorted.
    fn files(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

// ---------------------------------------------------------------- Task A

#[test]
fn conformance_case_aggregate_equals_the_hand_derived_answer_byte_for_byte() {
    let dir = TempDir::new("edge-a");
    let out = dir.path("aggregate.csv");
    run_aggregate(&fixture("edgecases/areas.geojson"), &fixture("edgecases/incidents.csv"), &out).unwrap();
    assert_eq!(read(&out), read(&fixture("edgecases/expected_aggregate.csv")));
    assert_eq!(dir.files(), vec!["aggregate.csv"]);
}

#[test]
fn stockholm_sample_aggregate_equals_duckdb() {
    let dir = TempDir::new("sthlm-a");
    let out = dir.path("aggregate.csv");
    run_aggregate(&fixture("stockholm/stadsdelar.geojson"), &fixture("stockholm_5k/incidents.csv"), &out).unwrap();
    assert_eq!(read(&out), read(&fixture("stockholm_5k/expected_aggregate.csv")));
}

#[test]
fn an_existing_output_file_is_replaced_on_success() {
    let dir = TempDir::new("replace");
    let out = dir.write("aggregate.csv", "old");
    run_aggregate(&fixture("edgecases/areas.geojson"), &fixture("edgecases/incidents.csv"), &out).unwrap();
    assert!(read(&out).starts_with("area,category,iso_week,count\n"));
}

#[test]
fn no_incidents_give_only_the_header() {
    let dir = TempDir::new("empty-a");
    let inc = dir.write("incidents.csv", "id,occurred_at,category,lon,lat\n");
    let out = dir.path("aggregate.csv");
    run_aggregate(&fixture("edgecases/areas.geojson"), &inc, &out).unwrap();
    assert_eq!(read(&out), "area,category,iso_week,count\n");
    let out = dir.path("hotspots.csv");
    run_hotspots(&inc, 250.0, &out).unwrap();
    assert_eq!(read(&out), "cell_x,cell_y,count,gi_star_z\n");
}

/// SPEC §1: byte order, so Ä (C3 84) < Å (C3 85) < Ö (C3 96), unlike
/// Swedish alphabetical order, and `(` sorts before letters.
#[test]
fn labels_sort_bytewise_with_the_special_labels_and_swedish_letters() {
    let dir = TempDir::new("order");
    let inc = dir.write(
        "incidents.csv",
        "id,occurred_at,category,lon,lat\n\
         1,2024-01-01T10:00:00+01:00,öl,18.095,59.305\n\
         2,2024-01-01T10:00:00+01:00,Öl,18.007,59.307\n\
         3,2024-01-01T10:00:00+01:00,a,18.075,59.305\n\
         4,2024-01-01T10:00:00+01:00,a,,\n\
         5,2024-01-01T10:00:00+01:00,a,18.5,59.0\n\
         6,2024-01-01T10:00:00+01:00,a,18.01,\n",
    );
    let out = dir.path("aggregate.csv");
    run_aggregate(&fixture("edgecases/areas.geojson"), &inc, &out).unwrap();
    assert_eq!(
        read(&out),
        "area,category,iso_week,count\n\
         (outside),a,2024-W01,1\n\
         (unlocated),a,2024-W01,2\n\
         Ärla,öl,2024-W01,1\n\
         Åby,Öl,2024-W01,1\n\
         Ödeby,a,2024-W01,1\n"
    );
}

#[test]
fn thread_count_does_not_change_the_result() {
    // About 4 MiB: several chunks per worker.
    let base = read(&fixture("stockholm_5k/incidents.csv"));
    let body: String = base.lines().skip(1).map(|l| format!("{l}\n")).collect();
    let mut text = String::from("id,occurred_at,category,lon,lat\n");
    for _ in 0..13 {
        text.push_str(&body);
    }
    let areas = load_areas(&fixture("stockholm/stadsdelar.geojson")).unwrap();
    let index = AreaIndex::new(&areas);
    let csv_with = |threads: usize| {
        let sinks =
            scan_reader(Path::new("big.csv"), text.as_bytes(), threads, || AggregateCounts::new(&index)).unwrap();
        AggregateTable::merge(&index, sinks).to_csv()
    };
    let one = csv_with(1);
    assert_eq!(one, csv_with(2));
    assert_eq!(one, csv_with(5));
    // And 13 copies of the sample count 13 times the sample's answer.
    let single = read(&fixture("stockholm_5k/expected_aggregate.csv"));
    let scaled: String = single
        .lines()
        .enumerate()
        .map(|(k, l)| {
            if k == 0 {
                format!("{l}\n")
            } else {
                let (head, n) = l.rsplit_once(',').unwrap();
                format!("{head},{}\n", n.parse::<u64>().unwrap() * 13)
            }
        })
        .collect();
    assert_eq!(String::from_utf8(one).unwrap(), scaled);
}

// ---------------------------------------------------------------- Task B

#[test]
fn conformance_case_hotspots_equal_the_reference_tools() {
    let dir = TempDir::new("edge-b");
    let out = dir.path("hotspots.csv");
    run_hotspots(&fixture("edgecases/incidents.csv"), 250.0, &out).unwrap();
    assert_eq!(read(&out), read(&fixture("edgecases/expected_hotspots.csv")));
}

#[test]
fn stockholm_sample_hotspots_equal_duckdb_and_esda() {
    let dir = TempDir::new("sthlm-b");
    let out = dir.path("hotspots.csv");
    run_hotspots(&fixture("stockholm_5k/incidents.csv"), 250.0, &out).unwrap();
    assert_eq!(read(&out), read(&fixture("stockholm_5k/expected_hotspots.csv")));
}

#[test]
fn one_cell_or_only_unlocated_incidents_give_only_the_header() {
    let dir = TempDir::new("degenerate-b");
    let out = dir.path("hotspots.csv");
    for body in
        ["1,2024-01-01T10:00:00Z,a,18.0,59.3\n2,2024-01-01T10:00:00Z,a,18.0,59.3\n", "1,2024-01-01T10:00:00Z,a,,\n"]
    {
        let inc = dir.write("incidents.csv", format!("id,occurred_at,category,lon,lat\n{body}"));
        run_hotspots(&inc, 250.0, &out).unwrap();
        assert_eq!(read(&out), "cell_x,cell_y,count,gi_star_z\n");
    }
}

#[test]
fn cell_size_must_be_a_positive_whole_number() {
    let dir = TempDir::new("cell");
    let out = dir.path("hotspots.csv");
    for cell in [0.0, -250.0, 250.5, f64::NAN, f64::INFINITY, 2e6] {
        let err = run_hotspots(&fixture("edgecases/incidents.csv"), cell, &out).unwrap_err();
        assert!(matches!(err, AnalysisError::InvalidCellSize(_)), "{cell}: {err}");
    }
    assert!(dir.files().is_empty());
    // Other whole sizes work, with cell corners at multiples of the size.
    run_hotspots(&fixture("stockholm_5k/incidents.csv"), 500.0, &out).unwrap();
    let text = read(&out);
    assert!(text.lines().count() > 1);
    for line in text.lines().skip(1) {
        let x: i64 = line.split(',').next().unwrap().parse().unwrap();
        assert_eq!(x % 500, 0);
    }
}

// ---------------------------------------------------------------- points in polygons

/// Every point of a `points_expected.csv` fixture gets the area GEOS gave it.
fn check_points(areas: &str, points: &str) {
    let index = AreaIndex::new(&load_areas(&fixture(areas)).unwrap());
    let text = read(&fixture(points));
    let mut kinds = std::collections::BTreeMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let p = (f[0].parse::<f64>().unwrap(), f[1].parse::<f64>().unwrap());
        let got = index.locate(p).map_or("(outside)", |k| index.name(k));
        assert_eq!(got, f[2], "{} point {:?}", f[3], p);
        assert_eq!(index.locate(p), index.locate_slow(p));
        *kinds.entry(f[3].to_owned()).or_insert(0) += 1;
    }
    assert!(kinds.values().sum::<u32>() > 4000, "{kinds:?}");
}

#[test]
fn stockholm_districts_random_points_and_shared_border_vertices_match_geos() {
    check_points("stockholm/stadsdelar.geojson", "stockholm/points_expected.csv");
}

#[test]
fn synthetic_districts_holes_and_multipolygons_match_geos() {
    check_points("synthetic/areas.geojson", "synthetic/points_expected.csv");
}

// ---------------------------------------------------------------- bad input

const HEADER: &str = "id,occurred_at,category,lon,lat\n";
const GOOD: &str = "1,2024-01-01T10:00:00+01:00,stöld,18.03,59.31\n";

/// Runs both tasks on an incident file with `body` after the header (or
/// the raw bytes when `raw`), expects the same error from both, and that
/// nothing was left behind.
fn bad_incidents(raw: Option<&[u8]>, body: &str) -> AnalysisError {
    let dir = TempDir::new("bad");
    let bytes = raw.map_or_else(|| format!("{HEADER}{body}").into_bytes(), <[u8]>::to_vec);
    let inc = dir.write("incidents.csv", bytes);
    let a = run_aggregate(&fixture("edgecases/areas.geojson"), &inc, &dir.path("aggregate.csv")).unwrap_err();
    let b = run_hotspots(&inc, 250.0, &dir.path("hotspots.csv")).unwrap_err();
    assert_eq!(a.to_string(), b.to_string());
    assert_eq!(dir.files(), vec!["incidents.csv"], "output or temp file left behind");
    a
}

fn csv_error(e: &AnalysisError) -> (u64, Option<Field>, &CsvProblem) {
    match e {
        AnalysisError::Csv { line, field, problem, .. } => (*line, *field, problem),
        other => panic!("not a CSV error: {other}"),
    }
}

#[test]
fn a_bad_number_names_file_line_and_field() {
    let mut body = GOOD.repeat(15);
    body.push_str("17,2024-01-01T10:00:00+01:00,stöld,18.03,5x.3\n");
    body.push_str(GOOD);
    let e = bad_incidents(None, &body);
    assert!(e.to_string().ends_with("incidents.csv line 17, field lat: not a number: \"5x.3\""), "{e}");
    assert_eq!(csv_error(&e), (17, Some(Field::Lat), &CsvProblem::NotANumber("5x.3".into())));
}

#[test]
fn each_kind_of_bad_record_is_reported_at_its_line_and_field() {
    let cases: &[(&str, u64, Option<Field>, &str)] = &[
        ("1,2024-13-01T10:00:00Z,a,18,59\n", 2, Some(Field::OccurredAt), "no such date"),
        ("1,2023-02-29T10:00:00Z,a,18,59\n", 2, Some(Field::OccurredAt), "no such date"),
        ("1,2024-01-01 10:00:00Z,a,18,59\n", 2, Some(Field::OccurredAt), "not an RFC 3339"),
        ("1,2024-01-01T10:00:00,a,18,59\n", 2, Some(Field::OccurredAt), "not an RFC 3339"),
        ("1,2024-01-01T10:00:00Z,,18,59\n", 2, Some(Field::Category), "empty value"),
        (",2024-01-01T10:00:00Z,a,18,59\n", 2, Some(Field::Id), "empty value"),
        ("1,2024-01-01T10:00:00Z,\"a\",18,59\n", 2, Some(Field::Category), "not allowed"),
        ("1,2024-01-01T10:00:00Z,a,181,59\n", 2, Some(Field::Lon), "out of range"),
        ("1,2024-01-01T10:00:00Z,a,18,-91\n", 2, Some(Field::Lat), "out of range"),
        ("1,2024-01-01T10:00:00Z,a,nan,59\n", 2, Some(Field::Lon), "not a number"),
        ("1,2024-01-01T10:00:00Z,a,18\n", 2, None, "expected 5 fields, found 4"),
        ("1,2024-01-01T10:00:00Z,a,18,59,x\n", 2, None, "expected 5 fields, found 6"),
        ("1,2024-01-01T10:00:00Z,a,18,59\r\n", 2, None, "CR LF"),
        ("\n", 2, None, "expected 5 fields, found 1"),
    ];
    for &(line, want_line, want_field, want_text) in cases {
        let e = bad_incidents(None, line);
        let (got_line, got_field, _) = csv_error(&e);
        assert_eq!((got_line, got_field), (want_line, want_field), "{line:?}: {e}");
        assert!(e.to_string().contains(want_text), "{line:?}: {e}");
    }
}

#[test]
fn header_problems_are_line_one() {
    for (raw, want) in [
        (&b""[..], "the file is empty"),
        (b"id;occurred_at;category;lon;lat\n", "wrong header"),
        (b"id,occurred_at,category,lon,lat,extra\n", "wrong header"),
        (b"id,occurred_at,category,lon,lat\r\n", "CR LF"),
        (b"id,occurred_at,category,lon,lat", "truncated"),
    ] {
        let e = bad_incidents(Some(raw), "");
        assert_eq!(csv_error(&e).0, 1, "{e}");
        assert!(e.to_string().contains(want), "{e}");
    }
    // A byte-order mark before the header is accepted.
    let dir = TempDir::new("bom");
    let inc = dir.write("incidents.csv", format!("\u{feff}{HEADER}{GOOD}"));
    run_aggregate(&fixture("edgecases/areas.geojson"), &inc, &dir.path("a.csv")).unwrap();
}

#[test]
fn a_last_line_without_line_feed_is_a_truncated_file() {
    let e = bad_incidents(None, &format!("{GOOD}{GOOD}2,2024-01-01T10:00:00Z,a,18.03,59.3"));
    assert_eq!(csv_error(&e), (4, None, &CsvProblem::Truncated));
}

#[test]
fn a_line_too_long_to_be_a_record_stops_the_reading() {
    let huge = "x".repeat(17 << 20);
    let e = bad_incidents(None, &format!("{GOOD}{huge}"));
    assert_eq!(csv_error(&e), (3, None, &CsvProblem::LineTooLong { limit: 16 << 20 }));
    let e = bad_incidents(Some(huge.as_bytes()), "");
    assert_eq!(csv_error(&e).0, 1);
    assert!(e.to_string().contains("wrong header"), "{e}");
}

#[test]
fn invalid_utf8_names_line_and_field() {
    let mut raw = format!("{HEADER}{GOOD}{GOOD}1,2024-01-01T10:00:00Z,st").into_bytes();
    raw.extend_from_slice(&[0xF6, b'l']); // Latin-1 "ö"
    raw.extend_from_slice(b"d,18.03,59.3\n");
    let e = bad_incidents(Some(&raw), "");
    assert_eq!(csv_error(&e), (4, Some(Field::Category), &CsvProblem::InvalidUtf8));
}

#[test]
fn the_first_bad_line_is_reported_even_far_into_a_large_file() {
    // Several MiB, so the lines are spread over chunks and workers; the
    // first error must win and its line number must count every chunk.
    let mut body = String::new();
    for k in 0..120_000u32 {
        let line = match k {
            70_000 => "x,2024-01-01T10:00:00Z,a,18.03,59.3x\n".to_owned(),
            100_000 => "x,2024-01-01T10:00:00Z,,18.03,59.3\n".to_owned(),
            _ => format!("{k},2024-01-01T10:00:00+01:00,stöld,18.03,59.{k:06}\n"),
        };
        body.push_str(&line);
    }
    let e = bad_incidents(None, &body);
    assert_eq!(csv_error(&e), (70_002, Some(Field::Lat), &CsvProblem::NotANumber("59.3x".into())));
    // With the first error fixed, the second is found.
    let fixed = body.replace("59.3x", "59.3");
    let e = bad_incidents(None, &fixed);
    assert_eq!(csv_error(&e), (100_002, Some(Field::Category), &CsvProblem::EmptyValue));
}

#[test]
fn missing_inputs_and_unwritable_outputs_are_io_errors_naming_the_path() {
    let dir = TempDir::new("io");
    let missing = dir.path("nope.csv");
    let e = run_hotspots(&missing, 250.0, &dir.path("h.csv")).unwrap_err();
    assert!(matches!(e, AnalysisError::Io { .. }), "{e}");
    assert!(e.to_string().contains("nope.csv"), "{e}");
    let e =
        run_aggregate(&dir.path("nope.geojson"), &fixture("edgecases/incidents.csv"), &dir.path("a.csv")).unwrap_err();
    assert!(e.to_string().contains("nope.geojson"), "{e}");
    let e = run_aggregate(
        &fixture("edgecases/areas.geojson"),
        &fixture("edgecases/incidents.csv"),
        &dir.path("no/such/dir/a.csv"),
    )
    .unwrap_err();
    assert!(matches!(e, AnalysisError::Io { .. }), "{e}");
    assert!(dir.files().is_empty());
}

#[test]
fn broken_geojson_names_the_feature_and_leaves_no_output() {
    let dir = TempDir::new("geojson");
    let text = read(&fixture("edgecases/areas.geojson")).replacen("[18.04,59.30]", "[18.04]", 1);
    let areas = dir.write("areas.geojson", text);
    let out = dir.path("aggregate.csv");
    let e = run_aggregate(&areas, &fixture("edgecases/incidents.csv"), &out).unwrap_err();
    assert!(
        e.to_string().contains(
            "areas.geojson: features[1].geometry.coordinates[0][1]: expected [lon, lat] numbers, found [18.04]"
        ),
        "{e}"
    );
    assert_eq!(dir.files(), vec!["areas.geojson"]);
}
