//! Meetings of a council or of one of its groups.

use crate::access::Classification;
use crate::ids::*;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// Someone present at a meeting, with the title they had there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attendee {
    pub person_id: PersonId,
    pub title: String,
}

/// A numbered section of a meeting's record (a paragraph of the minutes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeetingItem {
    pub heading: String,
    pub body: String,
    pub classification: Classification,
}

/// A meeting. Times are local (Europe/Stockholm) wall-clock times.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Meeting {
    pub id: MeetingId,
    pub council_id: CouncilId,
    /// The body that meets ("Hägersten-Älvsjös lokala brottsförebyggande råd").
    pub body: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: Option<NaiveDateTime>,
    /// A room or address; for an online meeting the service or link.
    pub location: String,
    pub online: bool,
    pub opening: String,
    pub contact_person_id: Option<PersonId>,
    pub attendees: Vec<Attendee>,
    pub items: Vec<MeetingItem>,
    pub classification: Classification,
    pub restricted_to: Vec<OrgId>,
    pub version: i64,
}
