//! The register: organisations, people, users and areas. Shared by all
//! councils of an installation.

use crate::access::Role;
use crate::ids::*;
use serde::{Deserialize, Serialize};

macro_rules! labelled_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $code:literal / $label:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The stable code used in the database, the API and exports.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),* }
            }

            /// The Swedish label shown in the interface.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),* }
            }

            pub fn parse(s: &str) -> Result<$name, String> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s.trim())
                    .ok_or_else(|| format!("Okänt värde \"{}\".", s.trim()))
            }
        }
    };
}
pub(crate) use labelled_enum;

labelled_enum!(
    /// What kind of body an organisation is.
    OrgKind {
        DistrictAdministration = "district_administration" / "Stadsdelsförvaltning",
        MunicipalAgency = "municipal_agency" / "Kommunal förvaltning",
        Police = "police" / "Polis",
        School = "school" / "Skola",
        SocialServices = "social_services" / "Socialtjänst",
        HousingCompany = "housing_company" / "Bostadsbolag / fastighetsägare",
        SecurityCompany = "security_company" / "Bevakningsföretag",
        RescueService = "rescue_service" / "Räddningstjänst",
        Transit = "transit" / "Kollektivtrafik",
        CivilSociety = "civil_society" / "Civilsamhälle / förening",
        Business = "business" / "Näringsliv",
        Other = "other" / "Övrigt",
    }
);

labelled_enum!(
    /// Level of an area in the hierarchy.
    AreaKind {
        Municipality = "municipality" / "Kommun",
        DistrictArea = "district_area" / "Stadsdelsområde",
        District = "district" / "Stadsdel",
        Place = "place" / "Plats",
    }
);

impl AreaKind {
    /// How large an area of this kind is: 0 for a place, up to 3 for a municipality.
    pub fn size_rank(self) -> u8 {
        match self {
            AreaKind::Place => 0,
            AreaKind::District => 1,
            AreaKind::DistrictArea => 2,
            AreaKind::Municipality => 3,
        }
    }

    /// The kind an area's parent must have.
    pub fn parent_kind(self) -> Option<AreaKind> {
        match self {
            AreaKind::Municipality => None,
            AreaKind::DistrictArea => Some(AreaKind::Municipality),
            AreaKind::District => Some(AreaKind::DistrictArea),
            AreaKind::Place => Some(AreaKind::District),
        }
    }
}

/// An organisation that takes part in the council's work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organisation {
    pub id: OrgId,
    pub name: String,
    pub kind: OrgKind,
    /// Other spellings met in documents ("Sth.stads mobila OV").
    pub aliases: Vec<String>,
    pub version: i64,
}

/// A person in the register, in their professional role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub id: PersonId,
    pub name: String,
    pub title: String,
    pub organisation_id: Option<OrgId>,
    pub email: String,
    pub phone: String,
    /// Other spellings met in documents ("Bent Jansson").
    pub aliases: Vec<String>,
    /// Someone who takes part in the work for an organisation, whose name may
    /// appear in minutes. The register may also hold others (a resident who
    /// is a contact, a shop owner): their names are kept out of shared text.
    #[serde(default = "staff", skip_serializing_if = "is_staff")]
    pub staff: bool,
    pub version: i64,
}

fn staff() -> bool {
    true
}

fn is_staff(staff: &bool) -> bool {
    *staff
}

impl Person {
    /// The name and the other spellings met in documents.
    pub fn spellings(&self) -> impl Iterator<Item = &String> {
        std::iter::once(&self.name).chain(&self.aliases)
    }
}

/// A login. The password hash leaves the database only in an administrator's export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub person_id: Option<PersonId>,
    pub organisation_id: Option<OrgId>,
    pub role: Role,
    pub councils: Vec<CouncilId>,
    pub disabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password_hash: Option<String>,
    pub version: i64,
}

/// An area: municipality, district area, district or place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Area {
    pub id: AreaId,
    pub parent_id: Option<AreaId>,
    pub kind: AreaKind,
    pub name: String,
    pub aliases: Vec<String>,
    pub population: Option<i64>,
    /// GeoJSON geometry (WGS84): a polygon for districts, a point for places.
    pub geometry: Option<serde_json::Value>,
    pub version: i64,
}

/// A council (lokalt brottsförebyggande råd). Collaborations, priorities and
/// meetings belong to one; the register is shared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Council {
    pub id: CouncilId,
    pub name: String,
    pub area_id: Option<AreaId>,
    pub description: String,
    pub version: i64,
}

/// Checks a GeoJSON geometry value: the type is known and coordinates are
/// finite longitude/latitude pairs. Returns the JSON path of the first problem.
pub fn check_geometry(g: &serde_json::Value) -> Result<(), String> {
    let ty = g.get("type").and_then(|t| t.as_str()).ok_or("geometri saknar \"type\"")?;
    let coords = g.get("coordinates").ok_or("geometri saknar \"coordinates\"")?;
    let depth = match ty {
        "Point" => 0,
        "LineString" | "MultiPoint" => 1,
        "Polygon" | "MultiLineString" => 2,
        "MultiPolygon" => 3,
        other => return Err(format!("okänd geometrityp \"{other}\"")),
    };
    check_positions(coords, depth, "coordinates")
}

fn check_positions(v: &serde_json::Value, depth: usize, path: &str) -> Result<(), String> {
    let arr = v.as_array().ok_or_else(|| format!("{path}: en lista väntades"))?;
    if depth == 0 {
        let ok = arr.len() >= 2
            && arr.iter().all(|x| x.as_f64().is_some_and(f64::is_finite))
            && arr[0].as_f64().is_some_and(|lon| (-180.0..=180.0).contains(&lon))
            && arr[1].as_f64().is_some_and(|lat| (-90.0..=90.0).contains(&lat));
        return if ok { Ok(()) } else { Err(format!("{path}: ogiltig koordinat")) };
    }
    for (i, x) in arr.iter().enumerate() {
        check_positions(x, depth - 1, &format!("{path}[{i}]"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn geometry_check_names_the_path_of_a_bad_coordinate() {
        assert!(check_geometry(&json!({"type": "Point", "coordinates": [18.0, 59.3]})).is_ok());
        let bad = json!({"type": "Polygon", "coordinates": [[[18.0, 59.3], [18.1, 99.0]]]});
        assert_eq!(check_geometry(&bad).unwrap_err(), "coordinates[0][1]: ogiltig koordinat");
        assert!(check_geometry(&json!({"type": "Circle", "coordinates": []})).is_err());
    }

    #[test]
    fn area_parents_follow_the_hierarchy() {
        assert_eq!(AreaKind::Place.parent_kind(), Some(AreaKind::District));
        assert_eq!(AreaKind::Municipality.parent_kind(), None);
        assert_eq!(OrgKind::parse("police").unwrap(), OrgKind::Police);
    }
}

#[cfg(test)]
mod serde_codes {
    use crate::situation::{PositionPrecision, Reliability, SourceKind, TimePrecision};
    use crate::workdoc::{MeasureKind, MeasureStatus, MeasureTag};

    /// The serialised form (API, exports) and the stable code (database, forms) are one and the same.
    #[test]
    fn every_enum_serialises_as_its_code() {
        macro_rules! check {
            ($($t:ty),*) => {$(
                for v in <$t>::ALL {
                    assert_eq!(serde_json::to_value(v).unwrap(), serde_json::json!(v.as_str()), "{}", stringify!($t));
                }
            )*};
        }
        check!(
            super::OrgKind,
            super::AreaKind,
            MeasureKind,
            MeasureStatus,
            MeasureTag,
            SourceKind,
            Reliability,
            PositionPrecision,
            TimePrecision
        );
    }
}
