//! The indicator importers on arbitrary bytes: as CSV (Brå, the safety
//! survey, SCB population, the generic format) and as XLSX, through the same
//! entry points the CLI uses. They may refuse, never panic; CSV problems name
//! a line of the file, and what is accepted is checked. Input starting with
//! `XLSX:` is the worksheet, shared strings and styles XML (separated by the
//! byte 0xFF) of a workbook built around them, so that the fuzzer reaches the
//! sheet reader rather than the ZIP reader.
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use tryggve_core::situation::IndicatorSeries;
use tryggve_fuzz::{REGISTER, check_error, line_count, parts, xlsx};
use tryggve_import::indicators::{SeriesMeta, parse_csv, parse_xlsx};

fn check_series(s: &IndicatorSeries) {
    assert!(!s.observations.is_empty(), "a series without values was accepted");
    assert!(!s.name.is_empty());
    let mut seen = HashSet::new();
    for o in &s.observations {
        assert!(o.value.is_finite(), "{o:?}");
        assert!(o.period_end >= o.period_start, "{o:?}");
        assert!(!o.area_name.is_empty(), "{o:?}");
        assert!(seen.insert((o.area_name.clone(), o.dimension.clone(), o.period_start)), "a repeated value: {o:?}");
        if let Some(a) = o.area_id {
            assert!(REGISTER.areas.iter().any(|r| r.id == a));
        }
    }
}

fuzz_target!(|data: &[u8]| {
    // The first byte chooses whether the generic format gets a name from the caller.
    let named = data.first().is_some_and(|b| b & 1 == 1);
    let meta = SeriesMeta { name: if named { "Fuzz".into() } else { String::new() }, ..Default::default() };
    match parse_csv("fuzz.csv", data, &REGISTER, &meta) {
        Err(e) => check_error(&e, line_count(data), true),
        Ok(s) => check_series(&s),
    }
    let workbook = match data.strip_prefix(b"XLSX:") {
        Some(rest) => {
            let p = parts(rest, 3);
            xlsx(p[0], p[1], p[2])
        }
        None => data.to_vec(),
    };
    match parse_xlsx("fuzz.xlsx", &workbook, &REGISTER, &meta) {
        // Rows of a sheet are not lines of the bytes: no bound on them.
        Err(e) => check_error(&e, usize::MAX, true),
        Ok(s) => check_series(&s),
    }
});
