//! Working documents: place collaborations, their measures (problem
//! responses and development measures) and the dated follow-ups on them.

use crate::access::Classification;
use crate::ids::*;
use crate::register::labelled_enum;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

labelled_enum!(
    /// Which of a working document's two tables a measure belongs to.
    MeasureKind {
        Problem = "problem" / "Problem – åtgärder/insatser",
        Development = "development" / "Utveckling – åtgärder/insatser",
    }
);

labelled_enum!(
    /// Where a measure stands. The free-text follow-up sits beside it.
    MeasureStatus {
        NotStarted = "not_started" / "Ej påbörjad",
        Planned = "planned" / "Planerad",
        Ongoing = "ongoing" / "Pågående",
        Done = "done" / "Genomförd",
        Closed = "closed" / "Avslutad",
        Paused = "paused" / "Vilande",
        Cancelled = "cancelled" / "Avbruten",
    }
);

impl MeasureStatus {
    /// Done, closed and cancelled measures need no further follow-up.
    pub fn is_open(self) -> bool {
        !matches!(self, MeasureStatus::Done | MeasureStatus::Closed | MeasureStatus::Cancelled)
    }
}

/// A standing collaboration around one or more places (platssamverkan).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Collaboration {
    pub id: CollaborationId,
    pub council_id: CouncilId,
    pub name: String,
    /// The short description of the area and its problems (the seed's italic line).
    pub summary: String,
    /// The collaboration's narrative: what has happened, what is planned.
    pub narrative: String,
    pub place_ids: Vec<AreaId>,
    pub classification: Classification,
    pub restricted_to: Vec<OrgId>,
    pub version: i64,
}

/// One row of a working document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measure {
    pub id: MeasureId,
    pub collaboration_id: CollaborationId,
    pub kind: MeasureKind,
    /// Order within its table.
    pub position: i64,
    /// The problem or development area (Problemområde / Utvecklingsområde).
    pub problem: String,
    pub place_id: Option<AreaId>,
    /// What is done (Åtgärd/insats).
    pub action: String,
    /// Participants as written (Deltagare); resolved organisations in `participant_ids`.
    pub participants_text: String,
    pub participant_ids: Vec<OrgId>,
    /// Convener / responsible as written (Sammankallande/ansvarig).
    pub responsible_text: String,
    pub responsible_org_id: Option<OrgId>,
    pub responsible_person_id: Option<PersonId>,
    pub status: MeasureStatus,
    /// The free-text status and follow-up (Status/uppföljning).
    pub status_text: String,
    pub classification: Classification,
    pub restricted_to: Vec<OrgId>,
    pub version: i64,
}

/// A dated, signed note on how a measure goes; may change its status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUp {
    pub id: FollowUpId,
    pub measure_id: MeasureId,
    pub date: NaiveDate,
    pub author: String,
    pub author_user_id: Option<UserId>,
    pub text: String,
    pub new_status: Option<MeasureStatus>,
    pub created_at: NaiveDateTime,
}
