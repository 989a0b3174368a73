//! One id type per entity, so that an organisation id can never be passed
//! where a measure id is expected. Ids are database-assigned integers; the
//! inner value is public only to the storage and serialisation layers.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($($(#[$doc:meta])* $name:ident),* $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }
    )*};
}

id_type!(
    /// A local crime-prevention council (lokalt brottsförebyggande råd).
    CouncilId,
    /// An organisation in the register.
    OrgId,
    /// A person in the register.
    PersonId,
    /// A login.
    UserId,
    /// An area of the hierarchy (municipality, district area, district, place).
    AreaId,
    /// A place collaboration (platssamverkan).
    CollaborationId,
    /// A measure (åtgärd/insats) in a working document.
    MeasureId,
    /// A dated follow-up note on a measure.
    FollowUpId,
    /// A priority (prioriterat område).
    PriorityId,
    /// A meeting of a council or of one of its groups.
    MeetingId,
    /// An entry in the audit log.
    AuditId,
    /// An incident (händelse, iakttagelse, tips).
    IncidentId,
    /// An indicator series (statistik, trygghetsmätning).
    IndicatorId,
    /// The convener's narrative of an area and period.
    NarrativeId,
    /// A frozen lägesbild.
    SnapshotId,
    /// Approved minutes.
    MinutesId,
    /// A provision of law that makes information secret (OSL chapter and section).
    LegalRefId,
);
