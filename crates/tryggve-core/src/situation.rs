//! The situation picture's records: incidents reported by partners, the
//! police's public events and residents, and indicator series imported from
//! statistics and surveys.
//!
//! Police events, reported crimes and experienced insecurity are different
//! things: every count keeps the [`SourceKind`] beside it, and no function
//! here adds counts of different kinds together.

use crate::access::Classification;
use crate::ids::*;
use crate::register::labelled_enum;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

labelled_enum!(
    /// Where an incident comes from.
    SourceKind {
        PoliceEvent = "police_event" / "Polisens händelsenotis",
        ReportedCrime = "reported_crime" / "Anmält brott",
        PartnerObservation = "partner_observation" / "Iakttagelse från samverkanspart",
        SecurityCompany = "security_company" / "Rapport från bevakningsföretag",
        ResidentTip = "resident_tip" / "Tips från boende",
        Survey = "survey" / "Trygghetsmätning / enkät",
        Other = "other" / "Övrigt",
    }
);

labelled_enum!(
    /// How far an incident is confirmed.
    Reliability {
        Reported = "reported" / "Rapporterad",
        Observed = "observed" / "Iakttagen",
        Verified = "verified" / "Bekräftad",
    }
);

labelled_enum!(
    /// How precise an incident's position is.
    PositionPrecision {
        Exact = "exact" / "Exakt punkt",
        Approximate = "approximate" / "Ungefärlig",
        Area = "area" / "Bara område",
        Unknown = "unknown" / "Okänd",
    }
);

labelled_enum!(
    /// How precise an incident's time is.
    TimePrecision {
        Instant = "instant" / "Tidpunkt",
        Date = "date" / "Datum",
        Band = "band" / "Tidsintervall",
    }
);

/// One entry of the configurable category checklist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentCategory {
    pub code: String,
    pub label: String,
    pub position: i64,
    pub active: bool,
}

/// The EST checklist the categories are seeded with: (code, Swedish label).
pub const EST_CATEGORIES: &[(&str, &str)] = &[
    ("skadegorelse", "Skadegörelse"),
    ("klotter", "Klotter"),
    ("nedskrapning", "Nedskräpning"),
    ("brand", "Brand"),
    ("ungdomar_stor", "Ungdomar som samlas / stör ordningen"),
    ("narkotika", "Narkotika (försäljning, bruk)"),
    ("hot_vald", "Hot och våld"),
    ("berusade", "Berusade eller påverkade personer"),
    ("otrygg_miljo", "Otrygg fysisk miljö / belysning"),
    ("trafik", "Trafik / buskörning"),
    ("skottlossning", "Skottlossning / explosion"),
    ("inbrott", "Inbrott"),
    ("stold", "Stöld"),
    ("olovlig_bosattning", "Olovlig bosättning"),
    ("sociala_medier", "Sociala medier / konflikter"),
    ("ovrigt", "Övrigt"),
];

/// One dated, placed observation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub id: IncidentId,
    /// Local wall-clock time as reported, in its own UTC offset.
    pub occurred_at: NaiveDateTime,
    /// The offset of `occurred_at` from UTC, in minutes (+120 in Swedish summer).
    pub utc_offset_minutes: i32,
    /// End of the time band, when only a band is known.
    pub occurred_until: Option<NaiveDateTime>,
    pub time_precision: TimePrecision,
    /// When it was reported to Tryggve (UTC).
    pub reported_at: NaiveDateTime,
    pub organisation_id: Option<OrgId>,
    pub reported_by: Option<UserId>,
    /// A category code from the checklist.
    pub category: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// The smallest area of the register that contains it (or that the reporter chose).
    pub area_id: Option<AreaId>,
    pub position_precision: PositionPrecision,
    pub description: String,
    pub source_kind: SourceKind,
    pub reliability: Reliability,
    pub classification: Classification,
    pub restricted_to: Vec<OrgId>,
    /// The provision that makes a restricted record secret (`secrecy`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_reference_id: Option<LegalRefId>,
    /// The system it came from (`form`, `csv`, `polisen`, …); with `external_id` it identifies a re-import.
    pub source: String,
    pub external_id: Option<String>,
    /// Generated for the demo; shown as such everywhere.
    pub synthetic: bool,
    pub version: i64,
}

impl Incident {
    /// The local calendar date of the incident (the date as written, in its own offset).
    pub fn local_date(&self) -> NaiveDate {
        self.occurred_at.date()
    }
}

/// A series of figures per area and period, with where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorSeries {
    pub id: IndicatorId,
    pub name: String,
    /// `reported_crimes`, `shootings`, `survey`, `population`, …
    pub kind: String,
    pub unit: String,
    pub source: String,
    pub licence: String,
    pub retrieved_on: Option<NaiveDate>,
    pub observations: Vec<Observation>,
}

/// One figure of a series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    /// The area as named in the source; `area_id` when it matched the register.
    pub area_name: String,
    pub area_id: Option<AreaId>,
    /// What the figure is about within the series (an offence type, a survey question and group).
    pub dimension: String,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub value: f64,
    pub preliminary: bool,
}

/// The convener's own words about an area and period (the seed's "Övrig lägesbild").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Narrative {
    pub id: NarrativeId,
    pub area_id: AreaId,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub body: String,
    pub classification: Classification,
    pub version: i64,
}

/// An organisation expected to report every `cadence_days` (EST's weekly or fortnightly reporters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportingOrganisation {
    pub organisation_id: OrgId,
    pub cadence_days: i64,
}

impl ReportingOrganisation {
    /// How many reports the cadence asks for in a period of `days` days (at least one).
    pub fn expected_reports(&self, days: i64) -> i64 {
        (days / self.cadence_days.max(1)).max(1)
    }
}

/// A lägesbild as presented: immutable, versioned per area and period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub id: SnapshotId,
    pub area_id: AreaId,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub version: i64,
    pub meeting_id: Option<MeetingId>,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    /// The view model as JSON, exactly as it was presented.
    pub content: String,
    /// SHA-256 of `content`, hex.
    pub content_hash: String,
}

/// Swedish number formatting: decimal comma.
pub fn sv_number(v: f64, decimals: usize) -> String {
    format!("{v:.decimals$}").replace('.', ",")
}

/// A p-value as a council member reads it: "p = 0,003", "p < 0,001".
pub fn sv_p_value(p: f64) -> String {
    if p < 0.001 { "p < 0,001".to_owned() } else { format!("p = {}", sv_number(p, 3)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_the_swedish_way() {
        assert_eq!(sv_p_value(0.0031), "p = 0,003");
        assert_eq!(sv_p_value(0.00002), "p < 0,001");
        assert_eq!(sv_number(4.25, 1), "4,2");
        let r = ReportingOrganisation { organisation_id: OrgId(1), cadence_days: 14 };
        assert_eq!((r.expected_reports(84), r.expected_reports(3)), (6, 1));
    }
}
