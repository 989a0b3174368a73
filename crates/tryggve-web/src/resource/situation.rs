//! Incidents as an editable resource: the quick report form (which works on
//! a phone and without JavaScript), the list of the latest, and the API.

use super::workdoc::{check_classification, classification_fields};
use super::{Lookups, Resource, enum_options, parse_version};
use crate::auth::CurrentUser;
use crate::form::{Field, flex_list, flex_string};
use serde::Deserialize;
use tryggve_core::access::Action;
use tryggve_core::register::AreaKind;
use tryggve_core::situation::*;
use tryggve_core::text;
use tryggve_core::*;
use tryggve_db::situation::IncidentFilter;
use tryggve_db::{Actor, Db, Result as DbResult};

/// How many incidents the list shows (the newest).
pub const LIST_LIMIT: i64 = 500;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct IncidentInput {
    #[serde(default, deserialize_with = "flex_string")]
    pub date: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub time: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub category: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub area_id: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub lon: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub lat: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub description: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub source_kind: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub reliability: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub classification: String,
    #[serde(default, deserialize_with = "flex_list")]
    pub restricted_to: Vec<String>,
    #[serde(default, deserialize_with = "flex_string")]
    pub legal_reference_id: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub version: String,
}

fn coordinate(e: &mut FieldErrors, field: &str, s: &str, min: f64, max: f64) -> Option<f64> {
    let t = s.trim().replace(',', ".");
    if t.is_empty() {
        return None;
    }
    match t.parse::<f64>() {
        Ok(v) if v.is_finite() && (min..=max).contains(&v) => Some(v),
        _ => {
            e.add(field, format!("Skriv ett tal mellan {min} och {max}, till exempel 18.0234."));
            None
        }
    }
}

impl Resource for Incident {
    const RECORD_TYPE: &'static str = "incident";
    fn restricted(&self) -> bool {
        self.classification == Classification::Restricted
    }
    type Id = IncidentId;
    type Input = IncidentInput;
    const API: &'static str = "incidents";
    const PATH: &'static str = "/handelser";
    const TITLE: &'static str = "Händelser";
    const SINGULAR: &'static str = "händelse";

    fn id(&self) -> IncidentId {
        self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
    fn label(&self) -> String {
        format!("{} {}", self.category, self.occurred_at.format("%Y-%m-%d %H.%M"))
    }
    fn write_action() -> Action {
        Action::AddFollowUp
    }
    async fn list(db: &Db, v: &Viewer) -> DbResult<Vec<Self>> {
        db.incidents(v, &IncidentFilter { limit: Some(LIST_LIMIT), newest_first: true, ..Default::default() }).await
    }
    async fn get(db: &Db, v: &Viewer, id: IncidentId) -> DbResult<Self> {
        db.incident(v, id).await
    }
    async fn create(db: &Db, actor: &Actor, r: &Self) -> DbResult<IncidentId> {
        let mut r = r.clone();
        place(db, &mut r).await?;
        db.create_incident(actor, &r).await
    }
    async fn update(db: &Db, actor: &Actor, v: &Viewer, r: &Self) -> DbResult<()> {
        let mut r = r.clone();
        place(db, &mut r).await?;
        db.update_incident(actor, v, &r).await
    }
    fn defaults(_lk: &Lookups, _user: &CurrentUser) -> IncidentInput {
        let now = crate::auth::now();
        // The form shows Swedish local time; the server clock is UTC.
        let offset = tryggve_import::incidents::stockholm_offset_minutes(now.date());
        let local = now + chrono::Duration::minutes(offset as i64);
        IncidentInput {
            date: local.format("%Y-%m-%d").to_string(),
            time: local.format("%H:%M").to_string(),
            source_kind: SourceKind::PartnerObservation.as_str().into(),
            reliability: Reliability::Observed.as_str().into(),
            ..Default::default()
        }
    }
    fn to_input(&self, _: &Lookups) -> IncidentInput {
        IncidentInput {
            date: self.occurred_at.format("%Y-%m-%d").to_string(),
            time: if self.time_precision == TimePrecision::Date {
                String::new()
            } else {
                self.occurred_at.format("%H:%M").to_string()
            },
            category: self.category.clone(),
            area_id: self.area_id.map(|a| a.to_string()).unwrap_or_default(),
            lon: self.lon.map(|v| v.to_string()).unwrap_or_default(),
            lat: self.lat.map(|v| v.to_string()).unwrap_or_default(),
            description: self.description.clone(),
            source_kind: self.source_kind.as_str().into(),
            reliability: self.reliability.as_str().into(),
            classification: self.classification.as_str().into(),
            restricted_to: self.restricted_to.iter().map(|o| o.to_string()).collect(),
            legal_reference_id: self.legal_reference_id.map(|r| r.to_string()).unwrap_or_default(),
            version: self.version.to_string(),
        }
    }
    fn from_input(
        i: &IncidentInput,
        existing: Option<&Self>,
        lk: &Lookups,
        user: &CurrentUser,
    ) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let date = e.check("date", text::date(&i.date));
        let time = if i.time.trim().is_empty() { None } else { e.check("time", text::time(&i.time)) };
        let category = match lk.categories.iter().find(|c| c.code == i.category.trim()) {
            Some(c) => Some(c.code.clone()),
            None => {
                e.add("category", "Välj en kategori.");
                None
            }
        };
        let area_id = lk.check_area(&mut e, "area_id", &i.area_id);
        let lon = coordinate(&mut e, "lon", &i.lon, -180.0, 180.0);
        let lat = coordinate(&mut e, "lat", &i.lat, -90.0, 90.0);
        if i.lon.trim().is_empty() != i.lat.trim().is_empty() {
            e.add("lat", "Ange både longitud och latitud, eller ingen av dem.");
        }
        let description = e.check("description", text::free_text(&i.description, 5000));
        crate::form::check_personal_data(&mut e, "description", &i.description, &lk.private_names());
        let source_kind = if i.source_kind.trim().is_empty() {
            Some(SourceKind::PartnerObservation)
        } else {
            e.check("source_kind", SourceKind::parse(&i.source_kind))
        };
        let reliability = if i.reliability.trim().is_empty() {
            Some(Reliability::Reported)
        } else {
            e.check("reliability", Reliability::parse(&i.reliability))
        };
        let (classification, restricted_to, legal_reference_id) = check_classification(
            &mut e,
            lk,
            Self::RECORD_TYPE,
            &i.classification,
            &i.restricted_to,
            &i.legal_reference_id,
        );
        let version = parse_version(&mut e, existing.is_some(), &i.version);
        e.into_result(|| {
            let day = date.unwrap_or_default();
            let (occurred_at, precision) = match time {
                Some(t) => (day.and_time(t), TimePrecision::Instant),
                None => (day.and_hms_opt(0, 0, 0).unwrap_or_default(), TimePrecision::Date),
            };
            let (lon, lat) = if lon.is_some() && lat.is_some() { (lon, lat) } else { (None, None) };
            Incident {
                id: existing.map_or(IncidentId(0), |x| x.id),
                occurred_at,
                utc_offset_minutes: tryggve_import::incidents::stockholm_offset_minutes(day),
                occurred_until: None,
                time_precision: precision,
                reported_at: existing.map_or_else(crate::auth::now, |x| x.reported_at),
                organisation_id: existing.map_or(user.user.organisation_id, |x| x.organisation_id),
                reported_by: existing.map_or(Some(user.user.id), |x| x.reported_by),
                category: category.unwrap_or_default(),
                lon,
                lat,
                area_id,
                position_precision: match (lon, area_id) {
                    (Some(_), _) => PositionPrecision::Exact,
                    (None, Some(_)) => PositionPrecision::Area,
                    _ => PositionPrecision::Unknown,
                },
                description: description.unwrap_or_default(),
                source_kind: source_kind.unwrap_or(SourceKind::Other),
                reliability: reliability.unwrap_or(Reliability::Reported),
                classification,
                restricted_to,
                legal_reference_id,
                source: existing.map_or_else(|| "form".to_owned(), |x| x.source.clone()),
                external_id: existing.and_then(|x| x.external_id.clone()),
                synthetic: existing.is_some_and(|x| x.synthetic),
                version,
            }
        })
    }
    fn fields(i: &IncidentInput, lk: &Lookups) -> Vec<Field> {
        let mut places = vec![(String::new(), "(välj plats eller ange punkt nedan)".to_owned())];
        places.extend(lk.area_options(&[AreaKind::Place, AreaKind::District]));
        let mut cats = vec![(String::new(), "(välj)".to_owned())];
        cats.extend(lk.categories.iter().filter(|c| c.active).map(|c| (c.code.clone(), c.label.clone())));
        let [c, r, l] =
            classification_fields(Self::RECORD_TYPE, &i.classification, &i.restricted_to, &i.legal_reference_id, lk);
        vec![
            Field::new("category", "Vad har hänt?", "select", &i.category).options(cats).required(),
            Field::new("area_id", "Var?", "select", &i.area_id).options(places),
            Field::new("date", "Datum", "date", &i.date).required().hint("ÅÅÅÅ-MM-DD"),
            Field::new("time", "Klockslag", "time", &i.time).hint("TT:MM. Lämna tomt om bara dagen är känd."),
            Field::new("description", "Beskrivning", "textarea", &i.description)
                .hint("Beskriv platsen och situationen. Skriv inte namn eller personnummer."),
            Field::new("lon", "Longitud (valfritt)", "text", &i.lon).hint("Till exempel 18.0234"),
            Field::new("lat", "Latitud (valfritt)", "text", &i.lat).hint("Till exempel 59.3098"),
            Field::new("source_kind", "Källa", "select", &i.source_kind).options(enum_options(
                SourceKind::ALL,
                SourceKind::as_str,
                SourceKind::label,
            )),
            Field::new("reliability", "Tillförlitlighet", "select", &i.reliability).options(enum_options(
                Reliability::ALL,
                Reliability::as_str,
                Reliability::label,
            )),
            c,
            r,
            l,
        ]
    }
    fn input_version(i: &IncidentInput) -> &str {
        &i.version
    }
    fn columns() -> &'static [&'static str] {
        &["Tid", "Kategori", "Plats", "Källa", "Tillförlitlighet"]
    }
    fn row(&self, lk: &Lookups) -> Vec<String> {
        let cat =
            lk.categories.iter().find(|c| c.code == self.category).map_or(self.category.clone(), |c| c.label.clone());
        vec![
            match self.time_precision {
                TimePrecision::Date => self.occurred_at.format("%Y-%m-%d").to_string(),
                _ => self.occurred_at.format("%Y-%m-%d %H.%M").to_string(),
            },
            if self.synthetic { format!("{cat} (syntetisk)") } else { cat },
            lk.area_name(self.area_id),
            self.source_kind.label().into(),
            self.reliability.label().into(),
        ]
    }
}

/// Places a located incident in the smallest area of the register that contains it.
async fn place(db: &Db, i: &mut Incident) -> DbResult<()> {
    if let (Some(lon), Some(lat)) = (i.lon, i.lat) {
        let areas = db.areas_with_geometry().await?;
        let located = tryggve_import::placement::Placer::new(&areas).locate(lon, lat);
        // A chosen place is more specific than the district the point falls in.
        let chosen_is_place =
            i.area_id.and_then(|a| areas.iter().find(|x| x.id == a)).is_some_and(|a| a.kind == AreaKind::Place);
        if !chosen_is_place {
            i.area_id = located.or(i.area_id);
        }
    }
    Ok(())
}
