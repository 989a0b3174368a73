//! The incident CSV importer (both formats) on arbitrary bytes, against the
//! demo register, followed by placement. It may refuse, never panic; every
//! problem names a line of the file, and what it accepts is checked.
#![no_main]

use std::collections::HashSet;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use tryggve_core::Classification;
use tryggve_core::situation::{PositionPrecision, Reliability, SourceKind, TimePrecision};
use tryggve_fuzz::{REGISTER, check_error, line_count};
use tryggve_import::incidents::{Options, parse};
use tryggve_import::placement::Placer;

static OPTIONS: LazyLock<Options> = LazyLock::new(|| Options {
    source: "fuzz".into(),
    reported_at: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap().and_hms_opt(12, 0, 0).unwrap(),
    organisation_id: None,
    reported_by: None,
    source_kind: SourceKind::PartnerObservation,
    reliability: Reliability::Reported,
    classification: Classification::Internal,
    synthetic: true,
});

static PLACER: LazyLock<Placer> = LazyLock::new(|| Placer::new(&REGISTER.areas));

fuzz_target!(|data: &[u8]| {
    let mut calls = 0;
    match parse("fuzz.csv", data, &REGISTER, &OPTIONS, &mut |_| calls += 1) {
        Err(e) => check_error(&e, line_count(data), false),
        Ok(mut list) => {
            let mut ids = HashSet::new();
            for i in &list {
                assert!(REGISTER.categories.iter().any(|c| c.code == i.category), "{i:?}");
                assert_eq!(i.lon.is_some(), i.lat.is_some(), "{i:?}");
                assert!(i.lon.is_none_or(|v| v.is_finite() && (-180.0..=180.0).contains(&v)), "{i:?}");
                assert!(i.lat.is_none_or(|v| v.is_finite() && (-90.0..=90.0).contains(&v)), "{i:?}");
                assert!(i.occurred_until.is_none_or(|u| u >= i.occurred_at), "{i:?}");
                assert_eq!(i.occurred_until.is_some(), i.time_precision == TimePrecision::Band, "{i:?}");
                assert!(i.utc_offset_minutes.abs() < 24 * 60, "{i:?}");
                assert_ne!(i.classification, Classification::Restricted);
                assert!(i.description.chars().count() <= 5000);
                assert_eq!(i.lon.is_some(), i.position_precision == PositionPrecision::Exact, "{i:?}");
                if let Some(id) = &i.external_id {
                    assert!(!id.is_empty());
                    assert!(ids.insert(id.clone()), "duplicate id {id:?} accepted");
                }
            }
            PLACER.place(&mut list);
            for i in &list {
                if let Some(a) = i.area_id {
                    assert!(REGISTER.areas.iter().any(|r| r.id == a), "placed in an unknown area: {i:?}");
                }
            }
        }
    }
});
