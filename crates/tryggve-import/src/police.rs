//! The Swedish police's public events feed ("händelsenotiser"): a JSON array
//! of `{id, datetime, name, summary, url, type, location {name, gps}}`, as the
//! API returns it (and archives of it, which may add `details {preamble, body}`).
//!
//! The feed's position is only the municipality's or county's centre, so an
//! event is placed by the most specific register area its text names, and
//! its position is marked approximate. Events that name no register area
//! and are not located in a municipality of the register are left out and
//! counted. Events are police reports, never verified incidents.

use crate::register::Register;
use crate::{ImportError, Problems};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::Deserialize;
use serde_json::Value;
use tryggve_core::register::AreaKind;
use tryggve_core::situation::{Incident, PositionPrecision, Reliability, SourceKind, TimePrecision};
use tryggve_core::{Classification, IncidentId};

/// The `source` of every police event: with the event id, the dedup key.
pub const SOURCE: &str = "polisen";

#[derive(Debug, Deserialize)]
struct Event {
    id: Value,
    datetime: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    url: String,
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    location: Option<Location>,
    #[serde(default)]
    details: Option<Details>,
}

/// The feed's `gps` is only the municipality's centre and is not used.
#[derive(Debug, Deserialize)]
struct Location {
    #[serde(default)]
    name: String,
}

#[derive(Debug, Deserialize, Default)]
struct Details {
    #[serde(default)]
    preamble: Option<String>,
    #[serde(default)]
    body: Option<String>,
}

/// The events that belong to the register, and how many did not.
#[derive(Debug)]
pub struct Parsed {
    pub incidents: Vec<Incident>,
    pub outside: usize,
}

/// The checklist category for a police event type.
pub fn category_for_type(t: &str) -> &'static str {
    let t = t.to_lowercase();
    let has = |w: &str| t.contains(w);
    if has("skottlossning") || has("explosion") || has("sprängning") {
        "skottlossning"
    } else if has("inbrott") {
        "inbrott"
    } else if has("stöld") || has("snatteri") || has("bedrägeri") {
        "stold"
    } else if has("skadegörelse") {
        "skadegorelse"
    } else if has("brand") || has("mordbrand") {
        "brand"
    } else if has("narkotika") {
        "narkotika"
    } else if has("misshandel")
        || has("rån")
        || has("hot")
        || has("våld")
        || has("mord")
        || has("knivlagen")
        || has("vapen")
    {
        "hot_vald"
    } else if has("fylleri") || has("rattfylleri") || has("berusad") {
        "berusade"
    } else if has("trafik") || has("olovlig körning") || has("motorfordon") {
        "trafik"
    } else if has("bråk") || has("ordningslagen") || has("ofredande") || has("störning") {
        "ungdomar_stor"
    } else {
        "ovrigt"
    }
}

/// `2026-08-22 9:48:12 +02:00` (the hour is not zero-padded) → local time and offset.
pub fn parse_datetime(s: &str) -> Option<(NaiveDateTime, i32)> {
    let mut parts = s.split_whitespace();
    let date = NaiveDate::parse_from_str(parts.next()?, "%Y-%m-%d").ok()?;
    let time = NaiveTime::parse_from_str(parts.next()?, "%H:%M:%S").ok()?;
    let off = parts.next()?;
    if parts.next().is_some() {
        return None;
    }
    let sign = match off.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let (h, m) = off[1..].split_once(':')?;
    // Unsigned digits only: `parse` would also take "+-202" (and overflow on a long one).
    let two_digits = |s: &str| (1..=2).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
    if !two_digits(h) || !two_digits(m) {
        return None;
    }
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    if h > 14 || m > 59 {
        return None;
    }
    Some((date.and_time(time), sign * (h * 60 + m)))
}

pub fn parse(file: &str, bytes: &[u8], reg: &Register, reported_at: NaiveDateTime) -> Result<Parsed, ImportError> {
    let text = crate::utf8(file, bytes)?;
    let mut problems = Problems::default();
    let events: Vec<Value> = match serde_json::from_str(text) {
        Ok(Value::Array(a)) => a,
        Ok(_) => {
            problems.add(0, "$", "en JSON-lista med händelser väntades");
            return problems.into_result(file, Parsed { incidents: vec![], outside: 0 });
        }
        Err(e) => {
            problems.add(e.line(), "(json)", format!("{e}"));
            return problems.into_result(file, Parsed { incidents: vec![], outside: 0 });
        }
    };
    let municipalities: Vec<_> = reg.areas.iter().filter(|a| a.kind == AreaKind::Municipality).collect();
    let mut out = Vec::new();
    let mut outside = 0;
    let mut seen = std::collections::HashSet::new();
    for (i, v) in events.into_iter().enumerate() {
        let n = i + 1;
        let e: Event = match serde_json::from_value(v) {
            Ok(e) => e,
            Err(err) => {
                problems.add(n, &format!("$[{i}]"), err.to_string());
                continue;
            }
        };
        let id = match &e.id {
            Value::Number(x) => x.to_string(),
            Value::String(s) if !s.trim().is_empty() => s.trim().to_owned(),
            _ => {
                problems.add(n, &format!("$[{i}].id"), "id saknas");
                continue;
            }
        };
        let Some((occurred_at, offset)) = parse_datetime(&e.datetime) else {
            problems.add(n, &format!("$[{i}].datetime"), format!("ogiltig tid \"{}\"", e.datetime));
            continue;
        };
        if !seen.insert(id.clone()) {
            // Archives repeat events; the first (newest) version is kept.
            continue;
        }
        let details = e.details.unwrap_or_default();
        let text = [
            e.name.as_str(),
            e.summary.as_str(),
            details.preamble.as_deref().unwrap_or(""),
            details.body.as_deref().unwrap_or(""),
        ]
        .join("\n");
        let location = e.location.as_ref().map(|l| l.name.as_str()).unwrap_or("");
        let placed = reg.area_in_text(&text);
        let municipality = municipalities.iter().find(|m| {
            m.name.eq_ignore_ascii_case(location) || m.aliases.iter().any(|a| a.eq_ignore_ascii_case(location))
        });
        let area = match (placed, municipality) {
            (Some(a), _) => a,
            (None, Some(m)) => *m,
            (None, None) => {
                outside += 1;
                continue;
            }
        };
        let (lon, lat) = point_of(&area.geometry).unwrap_or_default();
        let has_point = point_of(&area.geometry).is_some();
        let mut description = e.summary.trim().to_owned();
        if let Some(p) = details.body.as_deref().filter(|b| !b.trim().is_empty()) {
            description.push_str("\n\n");
            description.push_str(p.trim());
        }
        out.push(Incident {
            id: IncidentId(0),
            occurred_at,
            utc_offset_minutes: offset,
            occurred_until: None,
            time_precision: TimePrecision::Instant,
            reported_at,
            organisation_id: None,
            reported_by: None,
            category: category_for_type(&e.kind).to_owned(),
            lon: has_point.then_some(lon),
            lat: has_point.then_some(lat),
            area_id: Some(area.id),
            position_precision: if has_point { PositionPrecision::Approximate } else { PositionPrecision::Area },
            description: format!("{}\n{}\n\nhttps://polisen.se{}", e.name.trim(), description, e.url.trim())
                .trim()
                .to_owned(),
            source_kind: SourceKind::PoliceEvent,
            reliability: Reliability::Reported,
            classification: Classification::Public,
            restricted_to: vec![],
            legal_reference_id: None,
            source: SOURCE.to_owned(),
            external_id: Some(id),
            synthetic: false,
            version: 1,
        });
    }
    problems.into_result(file, Parsed { incidents: out, outside })
}

/// The coordinates of a GeoJSON point.
fn point_of(g: &Option<Value>) -> Option<(f64, f64)> {
    let g = g.as_ref()?;
    if g.get("type")?.as_str()? != "Point" {
        return None;
    }
    let c = g.get("coordinates")?.as_array()?;
    Some((c.first()?.as_f64()?, c.get(1)?.as_f64()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_without_a_leading_zero_and_offsets_parse() {
        let (t, off) = parse_datetime("2026-08-22 9:48:12 +02:00").unwrap();
        assert_eq!(t.to_string(), "2026-08-22 09:48:12");
        assert_eq!(off, 120);
        assert_eq!(parse_datetime("2026-01-02 23:05:00 +01:00").unwrap().1, 60);
        assert!(parse_datetime("2026-08-22T09:48:12+02:00").is_none());
        assert!(parse_datetime("2026-02-30 9:48:12 +02:00").is_none());
    }

    /// Found by fuzzing (`police_json`): a sign inside the offset ("+-202:00")
    /// was accepted as an offset of -202 hours, and a long one overflowed.
    #[test]
    fn fuzz_a_signed_or_long_offset_is_refused() {
        for s in [
            "2026-08-18 11:23:22 +-202:00",
            "2026-08-18 11:23:22 +-99999999:00",
            "2026-08-18 11:23:22 +02:-30",
            "2026-08-18 11:23:22 +02:+3",
            "2026-08-18 11:23:22 +002:00",
        ] {
            assert_eq!(parse_datetime(s), None, "{s}");
        }
        let feed = br#"[{"id": 1, "datetime": "2026-08-18 11:23:22 +-202:00", "name": "x", "location": {"name": "Stockholm"}}]"#;
        let e = parse("f.json", feed, &Register::default(), NaiveDateTime::default()).unwrap_err();
        assert_eq!((e.problems[0].line, e.problems[0].field.as_str()), (1, "$[0].datetime"));
        assert_eq!(parse_datetime("2026-08-18 9:23:22 -01:30").unwrap().1, -90);
    }

    #[test]
    fn event_types_map_to_the_checklist() {
        assert_eq!(category_for_type("Skottlossning"), "skottlossning");
        assert_eq!(category_for_type("Stöld/inbrott"), "inbrott");
        assert_eq!(category_for_type("Misshandel, grov"), "hot_vald");
        assert_eq!(category_for_type("Rattfylleri"), "berusade");
        assert_eq!(category_for_type("Sammanfattning natt"), "ovrigt");
    }
}
