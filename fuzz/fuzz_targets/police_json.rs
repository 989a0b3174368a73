//! The police events feed importer on arbitrary bytes, against the demo
//! register. It may refuse, never panic; problems name the line of a JSON
//! syntax error or the event's place in the list, and accepted events carry
//! a real UTC offset and a register area.
#![no_main]

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use tryggve_core::Classification;
use tryggve_core::situation::SourceKind;
use tryggve_fuzz::{REGISTER, check_error, line_count};
use tryggve_import::police::{SOURCE, parse, parse_datetime};

fuzz_target!(|data: &[u8]| {
    let reported_at = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap().and_hms_opt(12, 0, 0).unwrap();
    if let Ok(s) = std::str::from_utf8(data) {
        // Offsets in the feed are at most ±14:00 (UTC+14 is the largest in use).
        if let Some((_, offset)) = parse_datetime(s) {
            assert!(offset.abs() <= 14 * 60 + 59, "offset {offset} from {s:?}");
        }
    }
    match parse("fuzz.json", data, &REGISTER, reported_at) {
        // A syntax error names its line; a bad event its index + 1 (never more than the bytes).
        Err(e) => check_error(&e, line_count(data).max(data.len()), true),
        Ok(parsed) => {
            let mut ids = HashSet::new();
            for i in &parsed.incidents {
                assert!(i.utc_offset_minutes.abs() <= 14 * 60 + 59, "offset {} accepted", i.utc_offset_minutes);
                assert_eq!(i.source, SOURCE);
                assert_eq!(i.source_kind, SourceKind::PoliceEvent);
                assert_eq!(i.classification, Classification::Public);
                let area = i.area_id.expect("every accepted event has an area");
                assert!(REGISTER.areas.iter().any(|a| a.id == area));
                let id = i.external_id.clone().expect("every event has an id");
                assert!(!id.is_empty());
                assert!(ids.insert(id), "an event id twice");
            }
        }
    }
});
