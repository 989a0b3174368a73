//! Places located incidents in the smallest containing area of the register
//! (district before district area before municipality; places are points
//! and contain nothing), through the analysis crate's spatial index.

use tryggve_analysis::pip::AreaIndex;
use tryggve_core::AreaId;
use tryggve_core::register::{Area, AreaKind};
use tryggve_core::situation::Incident;

/// One spatial index per level of the hierarchy, smallest level first.
pub struct Placer {
    levels: Vec<(AreaIndex, Vec<AreaId>)>,
}

impl Placer {
    /// Builds the indexes from the register's areas with polygon geometry.
    pub fn new(areas: &[Area]) -> Placer {
        let mut levels = vec![];
        for kind in [AreaKind::District, AreaKind::DistrictArea, AreaKind::Municipality] {
            let with_polygons: Vec<&Area> = areas
                .iter()
                .filter(|a| a.kind == kind)
                .filter(|a| {
                    a.geometry
                        .as_ref()
                        .and_then(|g| g.get("type"))
                        .and_then(|t| t.as_str())
                        .is_some_and(|t| t == "Polygon" || t == "MultiPolygon")
                })
                .collect();
            if with_polygons.is_empty() {
                continue;
            }
            let features: Vec<serde_json::Value> = with_polygons
                .iter()
                .map(|a| {
                    serde_json::json!({
                        "type": "Feature",
                        "properties": { "name": a.id.0.to_string() },
                        "geometry": a.geometry,
                    })
                })
                .collect();
            let fc = serde_json::json!({ "type": "FeatureCollection", "features": features }).to_string();
            // The register's geometry was checked when it was saved; an area
            // the index cannot read is left out of placement rather than failing it.
            match tryggve_analysis::areas::parse_areas(fc.as_bytes(), std::path::Path::new("register")) {
                Ok(parsed) => {
                    let ids = parsed.iter().map(|a| AreaId(a.name.parse().unwrap_or(0))).collect();
                    levels.push((AreaIndex::new(&parsed), ids));
                }
                Err(_) => continue,
            }
        }
        Placer { levels }
    }

    /// The smallest area containing the point.
    pub fn locate(&self, lon: f64, lat: f64) -> Option<AreaId> {
        self.levels.iter().find_map(|(index, ids)| index.locate((lon, lat)).map(|k| ids[index.source_index(k)]))
    }

    /// Sets the area of every located incident that has none.
    pub fn place(&self, incidents: &mut [Incident]) {
        for i in incidents.iter_mut() {
            if i.area_id.is_none()
                && let (Some(lon), Some(lat)) = (i.lon, i.lat)
            {
                i.area_id = self.locate(lon, lat);
            }
        }
    }
}
