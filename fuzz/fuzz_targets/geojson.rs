//! Area GeoJSON on arbitrary bytes: the area file reader of the lägesbild
//! (`parse_areas`), the register's geometry check (`check_geometry`, used by
//! the area form, the API and the export import) and placement over the
//! register's polygons. They may refuse, never panic; what is accepted can
//! be indexed, and the index gives the same answer as testing every area.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use tryggve_analysis::areas::{Position, parse_areas};
use tryggve_analysis::pip::AreaIndex;
use tryggve_core::AreaId;
use tryggve_core::register::{Area, AreaKind, check_geometry};
use tryggve_import::placement::Placer;

/// Points worth asking about: every vertex, the midpoints of the edges, and
/// a few points around the first vertex.
fn probes(rings: impl Iterator<Item = Vec<Position>>) -> Vec<Position> {
    let mut out = vec![];
    for ring in rings.take(16) {
        for w in ring.windows(2).take(64) {
            let (a, b) = (w[0], w[1]);
            out.push(a);
            out.push((a.0 / 2.0 + b.0 / 2.0, a.1 / 2.0 + b.1 / 2.0));
        }
        if let Some(&(x, y)) = ring.first() {
            for (dx, dy) in [(1e-9, 1e-9), (-1e-7, 0.0), (0.0, 3e-3), (0.5, -0.5)] {
                out.push((x + dx, y + dy));
            }
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    match parse_areas(data, Path::new("fuzz.geojson")) {
        Err(e) => {
            let _ = e.to_string();
        }
        Ok(areas) => {
            for a in &areas {
                assert!(!a.polygons.is_empty());
                for p in &a.polygons {
                    assert!(!p.rings.is_empty());
                    for r in &p.rings {
                        assert!(r.len() >= 4 && r.first() == r.last());
                        assert!(r.iter().all(|(x, y)| x.is_finite() && y.is_finite()));
                    }
                }
            }
            let index = AreaIndex::new(&areas);
            assert_eq!(index.len(), areas.len());
            let rings = areas.iter().flat_map(|a| a.polygons.iter().flat_map(|p| p.rings.iter().cloned()));
            for p in probes(rings) {
                let fast = index.locate(p);
                assert_eq!(fast, index.locate_slow(p), "locate and locate_slow differ at {p:?}");
                if let Some(k) = fast {
                    assert!(index.source_index(k) < areas.len());
                }
            }
        }
    }

    // The same bytes as one register geometry: what the check accepts as a
    // polygon is placed in, or left out of, the index; it never panics.
    let Ok(geometry) = serde_json::from_slice::<Value>(data) else { return };
    if check_geometry(&geometry).is_err() {
        return;
    }
    let area = Area {
        id: AreaId(7),
        parent_id: None,
        kind: AreaKind::District,
        name: "Fuzz".into(),
        aliases: vec![],
        population: None,
        geometry: Some(geometry.clone()),
        version: 1,
    };
    let placer = Placer::new(std::slice::from_ref(&area));
    let first = geometry.get("coordinates").and_then(|mut c| {
        while let Some(a) = c.as_array() {
            if a.first()?.is_number() {
                return Some((a[0].as_f64()?, a.get(1)?.as_f64()?));
            }
            c = a.first()?;
        }
        None
    });
    if let Some((x, y)) = first {
        for p in [(x, y), (x + 1e-6, y + 1e-6), (0.0, 0.0)] {
            assert!(placer.locate(p.0, p.1).is_none_or(|id| id == AreaId(7)));
        }
    }
});
