//! Reading the area file: a GeoJSON `FeatureCollection` of named
//! `Polygon` / `MultiPolygon` features in WGS84 lon/lat (SPEC §2.1).
//!
//! Owns parsing and validation only: every problem is reported with the
//! file and the JSON path of the offending value
//! (`features[3].geometry.coordinates[0][2]`). Coordinates are kept exactly
//! as the correctly rounded binary64 of their decimal text; nothing is
//! projected, simplified or re-oriented here. Point-in-polygon lives in
//! [`crate::pip`].

use std::collections::HashSet;
use std::path::Path;

use serde_json::Value;

use crate::error::AnalysisError;

/// A position (longitude, latitude) in degrees, used as a planar point.
pub type Position = (f64, f64);

/// A polygon: the exterior ring first, then its holes. Rings are closed
/// (first position = last) and have at least four positions.
#[derive(Debug, Clone, PartialEq)]
pub struct Polygon {
    pub rings: Vec<Vec<Position>>,
}

/// A named area (district) made of one or more polygons.
#[derive(Debug, Clone, PartialEq)]
pub struct Area {
    pub name: String,
    pub polygons: Vec<Polygon>,
}

/// Reads and validates an area file.
pub fn load_areas(path: &Path) -> Result<Vec<Area>, AnalysisError> {
    let bytes = std::fs::read(path).map_err(|e| AnalysisError::io(path, e))?;
    parse_areas(&bytes, path)
}

/// Parses and validates the text of an area file; `path` only names the
/// file in errors.
pub fn parse_areas(bytes: &[u8], path: &Path) -> Result<Vec<Area>, AnalysisError> {
    let err =
        |location: String, problem: String| AnalysisError::GeoJson { path: path.to_path_buf(), location, problem };
    if let Err(e) = std::str::from_utf8(bytes) {
        let offset = e.valid_up_to();
        let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
        return Err(err(format!("line {line}"), "invalid UTF-8".into()));
    }
    let root: Value = serde_json::from_slice(bytes).map_err(|e| {
        // serde_json appends " at line L column C"; the location says it.
        let message = e.to_string();
        let message = message.rsplit_once(" at line ").map_or(&*message, |(m, _)| m);
        err(format!("line {} column {}", e.line(), e.column()), format!("invalid JSON: {message}"))
    })?;
    let kind = root.get("type").and_then(Value::as_str);
    if kind != Some("FeatureCollection") {
        return Err(err("type".into(), format!("expected \"FeatureCollection\", found {}", brief(root.get("type")))));
    }
    let features = root
        .get("features")
        .and_then(Value::as_array)
        .ok_or_else(|| err("features".into(), "missing or not an array".into()))?;

    let mut names = HashSet::new();
    let mut areas = Vec::with_capacity(features.len());
    for (k, feature) in features.iter().enumerate() {
        let at = |rest: &str| format!("features[{k}]{rest}");
        let name = feature
            .get("properties")
            .and_then(|p| p.get("name"))
            .ok_or_else(|| err(at(".properties.name"), "missing".into()))?;
        let name = name.as_str().ok_or_else(|| err(at(".properties.name"), format!("not a string: {name}")))?;
        check_name(name).map_err(|p| err(at(".properties.name"), p))?;
        if !names.insert(name.to_owned()) {
            return Err(err(at(".properties.name"), format!("duplicate name {name:?}")));
        }
        let geometry =
            feature.get("geometry").filter(|g| !g.is_null()).ok_or_else(|| err(at(".geometry"), "missing".into()))?;
        let coords = geometry.get("coordinates").ok_or_else(|| err(at(".geometry.coordinates"), "missing".into()))?;
        let polygons = match geometry.get("type").and_then(Value::as_str) {
            Some("Polygon") => {
                vec![polygon(coords, &at(".geometry.coordinates")).map_err(|(loc, problem)| err(loc, problem))?]
            }
            Some("MultiPolygon") => {
                let parts = coords.as_array().ok_or_else(|| err(at(".geometry.coordinates"), "not an array".into()))?;
                if parts.is_empty() {
                    return Err(err(at(".geometry.coordinates"), "no polygons".into()));
                }
                parts
                    .iter()
                    .enumerate()
                    .map(|(p, part)| polygon(part, &at(&format!(".geometry.coordinates[{p}]"))))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|(loc, problem)| err(loc, problem))?
            }
            _ => {
                return Err(err(
                    at(".geometry.type"),
                    format!("expected \"Polygon\" or \"MultiPolygon\", found {}", brief(geometry.get("type"))),
                ));
            }
        };
        areas.push(Area { name: name.to_owned(), polygons });
    }
    Ok(areas)
}

/// SPEC §2.1: non-empty, does not start with `(`, no `,` `"` CR LF.
fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("empty name".into());
    }
    if name.starts_with('(') {
        return Err(format!("name must not start with '(': {name:?}"));
    }
    if let Some(c) = name.chars().find(|c| matches!(c, ',' | '"' | '\r' | '\n')) {
        return Err(format!("name contains {c:?}: {name:?}"));
    }
    Ok(())
}

type Located = (String, String);

fn polygon(value: &Value, at: &str) -> Result<Polygon, Located> {
    let rings = value.as_array().ok_or_else(|| (at.to_owned(), "not an array of rings".to_owned()))?;
    if rings.is_empty() {
        return Err((at.to_owned(), "polygon without rings".into()));
    }
    let rings = rings
        .iter()
        .enumerate()
        .map(|(r, ring_value)| ring(ring_value, &format!("{at}[{r}]")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Polygon { rings })
}

fn ring(value: &Value, at: &str) -> Result<Vec<Position>, Located> {
    let positions = value.as_array().ok_or_else(|| (at.to_owned(), "not an array of positions".to_owned()))?;
    let ring = positions
        .iter()
        .enumerate()
        .map(|(p, pos)| position(pos, &format!("{at}[{p}]")))
        .collect::<Result<Vec<_>, _>>()?;
    if ring.len() < 4 {
        return Err((at.to_owned(), format!("a ring needs at least 4 positions, found {}", ring.len())));
    }
    if ring.first() != ring.last() {
        return Err((at.to_owned(), "ring is not closed (first and last positions differ)".into()));
    }
    Ok(ring)
}

fn position(value: &Value, at: &str) -> Result<Position, Located> {
    let bad = || (at.to_owned(), format!("expected [lon, lat] numbers, found {}", brief(Some(value))));
    let items = value.as_array().ok_or_else(bad)?;
    if items.len() < 2 {
        return Err(bad());
    }
    let lon = items[0].as_f64().ok_or_else(bad)?;
    let lat = items[1].as_f64().ok_or_else(bad)?;
    if !(lon.is_finite() && lat.is_finite()) {
        return Err(bad());
    }
    Ok((lon, lat))
}

/// A short rendering of a JSON value for error messages.
fn brief(value: Option<&Value>) -> String {
    match value {
        None => "nothing".into(),
        Some(v) => {
            let s = v.to_string();
            if s.chars().count() > 40 { format!("{}…", s.chars().take(40).collect::<String>()) } else { s }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vec<Area>, String> {
        parse_areas(text.as_bytes(), Path::new("areas.geojson")).map_err(|e| e.to_string())
    }

    const SQUARE: &str = "[[[0,0],[1,0],[1,1],[0,1],[0,0]]]";

    fn collection(features: &[String]) -> String {
        format!("{{\"type\":\"FeatureCollection\",\"features\":[{}]}}", features.join(","))
    }

    fn feature(name: &str, kind: &str, coords: &str) -> String {
        format!(
            "{{\"type\":\"Feature\",\"properties\":{{\"name\":{name}}},\"geometry\":{{\"type\":\"{kind}\",\"coordinates\":{coords}}}}}"
        )
    }

    #[test]
    fn reads_polygons_and_multipolygons() {
        let text = collection(&[
            feature("\"A\"", "Polygon", SQUARE),
            feature("\"B\"", "MultiPolygon", &format!("[{SQUARE},{SQUARE}]")),
        ]);
        let areas = parse(&text).unwrap();
        assert_eq!(areas.len(), 2);
        assert_eq!(areas[1].polygons.len(), 2);
        assert_eq!(areas[0].polygons[0].rings[0][2], (1.0, 1.0));
    }

    #[test]
    fn coordinates_are_correctly_rounded() {
        let text = collection(&[feature(
            "\"A\"",
            "Polygon",
            "[[[17.9430265,59.3327645],[18.0000001,59.3],[18.1,59.4],[17.9430265,59.3327645]]]",
        )]);
        let areas = parse(&text).unwrap();
        let ring = &areas[0].polygons[0].rings[0];
        assert_eq!(ring[0].0, "17.9430265".parse::<f64>().unwrap());
        assert_eq!(ring[0].1, "59.3327645".parse::<f64>().unwrap());
        assert_eq!(ring[1].0, "18.0000001".parse::<f64>().unwrap());
    }

    #[test]
    fn errors_name_the_json_path() {
        let cases = [
            (
                collection(&[
                    feature("\"A\"", "Polygon", SQUARE),
                    feature("\"B\"", "Polygon", "[[[0,0],[1,0],[1,\"x\"],[0,1],[0,0]]]"),
                ]),
                "features[1].geometry.coordinates[0][2]: expected [lon, lat] numbers",
            ),
            (
                collection(&[feature("\"A\"", "Polygon", "[[[0,0],[1,0],[1,1],[0,1]]]")]),
                "features[0].geometry.coordinates[0]: ring is not closed",
            ),
            (
                collection(&[feature("\"A\"", "Polygon", "[[[0,0],[1,0],[0,0]]]")]),
                "features[0].geometry.coordinates[0]: a ring needs at least 4 positions",
            ),
            (
                collection(&[feature("\"A\"", "Polygon", SQUARE), feature("\"A\"", "Polygon", SQUARE)]),
                "features[1].properties.name: duplicate name \"A\"",
            ),
            (
                collection(&[feature("\"(x)\"", "Polygon", SQUARE)]),
                "features[0].properties.name: name must not start with '('",
            ),
            (collection(&[feature("\"a,b\"", "Polygon", SQUARE)]), "features[0].properties.name: name contains ','"),
            (collection(&[feature("7", "Polygon", SQUARE)]), "features[0].properties.name: not a string: 7"),
            (
                collection(&[feature("\"A\"", "Point", "[0,0]")]),
                "features[0].geometry.type: expected \"Polygon\" or \"MultiPolygon\"",
            ),
            (
                collection(&[feature(
                    "\"A\"",
                    "MultiPolygon",
                    &format!("[{SQUARE},[[[0,0],[1,0],[1,1],[0,1],[0,null]]]]"),
                )]),
                "features[0].geometry.coordinates[1][0][4]: expected [lon, lat]",
            ),
            (
                "{\"type\":\"Feature\"}".to_owned(),
                "areas.geojson: type: expected \"FeatureCollection\", found \"Feature\"",
            ),
            (
                "{\"type\":\"FeatureCollection\",\n\"features\":[".to_owned(),
                "areas.geojson: line 2 column 12: invalid JSON: EOF while parsing a list",
            ),
        ];
        for (text, want) in cases {
            let got = parse(&text).unwrap_err();
            assert!(got.contains(want), "{got}\n  does not contain\n{want}");
        }
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let mut bytes = b"{\"type\":\"FeatureCollection\",\n\"features\":[\"".to_vec();
        bytes.extend_from_slice(&[0xC3, 0x28]);
        bytes.extend_from_slice(b"\"]}");
        let got = parse_areas(&bytes, Path::new("areas.geojson")).unwrap_err().to_string();
        assert_eq!(got, "areas.geojson: line 2: invalid UTF-8");
    }
}
