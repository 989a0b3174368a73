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

labelled_enum!(
    /// Brå's kinds of place-based measure.
    /// The variants are named as Brå names them, so that code and serialised form agree.
    MeasureTag {
        Utformning = "utformning" / "Utformning",
        Aktivering = "aktivering" / "Aktivering",
        Underhall = "underhall" / "Underhåll",
        Social = "social" / "Social",
        Situationell = "situationell" / "Situationell",
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
    /// The provision that makes a restricted record secret (`secrecy`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_reference_id: Option<LegalRefId>,
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
    /// The provision that makes a restricted record secret (`secrecy`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_reference_id: Option<LegalRefId>,
    pub version: i64,
    #[serde(default)]
    pub start_date: Option<NaiveDate>,
    #[serde(default)]
    pub due_date: Option<NaiveDate>,
    /// The next follow-up on a date …
    #[serde(default)]
    pub next_follow_up: Option<NaiveDate>,
    /// … and/or at the next meeting of this body (a meeting's `body`).
    #[serde(default)]
    pub follow_up_body: String,
    #[serde(default)]
    pub tags: Vec<MeasureTag>,
    #[serde(default)]
    pub expected_effect: String,
    #[serde(default)]
    pub priority_ids: Vec<PriorityId>,
    #[serde(default = "before_tryggve")]
    pub created_at: NaiveDateTime,
}

/// The creation time of records that came from before Tryggve (the database's default too).
pub fn before_tryggve() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2000, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0)).expect("a valid date")
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

/// Why a measure needs the council's attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Attention {
    /// Past its due date and still open.
    Overdue { days: i64 },
    /// Open, and no follow-up (or creation) for this many weeks.
    NoFollowUp { weeks: i64 },
    /// Still "not started" this many weeks after it was created (the seed's "Inga kontakter tagna än").
    NotStarted { weeks: i64 },
}

impl Attention {
    /// Swedish wording for the interface.
    pub fn describe(&self) -> String {
        match self {
            Attention::Overdue { days } => format!("Försenad: skulle vara klar för {days} dagar sedan"),
            Attention::NoFollowUp { weeks } => format!("Ingen uppföljning på {weeks} veckor"),
            Attention::NotStarted { weeks } => format!("Ej påbörjad efter {weeks} veckor"),
        }
    }
}

/// What is wrong with an open measure today. `last_follow_up` is the date of
/// its latest follow-up note; without one, its creation counts.
pub fn attention(
    m: &Measure,
    last_follow_up: Option<NaiveDate>,
    today: NaiveDate,
    stalled_weeks: i64,
) -> Vec<Attention> {
    let mut out = vec![];
    if !m.status.is_open() {
        return out;
    }
    if let Some(due) = m.due_date
        && due < today
    {
        out.push(Attention::Overdue { days: (today - due).num_days() });
    }
    let since = last_follow_up.unwrap_or(m.created_at.date()).max(m.created_at.date());
    let weeks = (today - since).num_weeks();
    if m.status == MeasureStatus::NotStarted {
        let age = (today - m.created_at.date()).num_weeks();
        if age >= stalled_weeks {
            out.push(Attention::NotStarted { weeks: age });
        }
    } else if weeks >= stalled_weeks {
        out.push(Attention::NoFollowUp { weeks });
    }
    out
}

/// Is an open measure due at the meeting of `body` on `meeting_day`: it is
/// to be followed up at that body's next meeting, or its follow-up or due
/// date falls on or before the meeting?
pub fn due_at_meeting(m: &Measure, body: &str, meeting_day: NaiveDate) -> bool {
    m.status.is_open()
        && ((!m.follow_up_body.is_empty() && m.follow_up_body.eq_ignore_ascii_case(body))
            || m.next_follow_up.is_some_and(|d| d <= meeting_day)
            || m.due_date.is_some_and(|d| d <= meeting_day))
}

/// Is this one of "my measures": the user's organisation is responsible or
/// takes part, or the user is the responsible person?
pub fn is_mine(m: &Measure, org: Option<OrgId>, person: Option<PersonId>) -> bool {
    org.is_some_and(|o| m.responsible_org_id == Some(o) || m.participant_ids.contains(&o))
        || person.is_some_and(|p| m.responsible_person_id == Some(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn measure(status: MeasureStatus) -> Measure {
        Measure {
            id: MeasureId(1),
            collaboration_id: CollaborationId(1),
            kind: MeasureKind::Problem,
            position: 1,
            problem: String::new(),
            place_id: None,
            action: String::new(),
            participants_text: String::new(),
            participant_ids: vec![OrgId(3)],
            responsible_text: String::new(),
            responsible_org_id: Some(OrgId(2)),
            responsible_person_id: None,
            status,
            status_text: String::new(),
            classification: Classification::Internal,
            restricted_to: vec![],
            legal_reference_id: None,
            version: 1,
            start_date: None,
            due_date: None,
            next_follow_up: None,
            follow_up_body: String::new(),
            tags: vec![],
            expected_effect: String::new(),
            priority_ids: vec![],
            created_at: d(2026, 1, 5).and_hms_opt(10, 0, 0).unwrap(),
        }
    }

    #[test]
    fn stalled_overdue_and_not_started_over_a_table_of_cases() {
        let today = d(2026, 3, 30); // 12 weeks after creation
        let cases: &[(MeasureStatus, Option<NaiveDate>, Option<NaiveDate>, &[Attention])] = &[
            (MeasureStatus::Ongoing, Some(d(2026, 3, 20)), None, &[]),
            (MeasureStatus::Ongoing, Some(d(2026, 1, 20)), None, &[Attention::NoFollowUp { weeks: 9 }]),
            (MeasureStatus::Ongoing, None, None, &[Attention::NoFollowUp { weeks: 12 }]),
            (MeasureStatus::NotStarted, None, None, &[Attention::NotStarted { weeks: 12 }]),
            (MeasureStatus::Planned, Some(d(2026, 3, 29)), Some(d(2026, 3, 1)), &[Attention::Overdue { days: 29 }]),
            (MeasureStatus::Done, None, Some(d(2026, 3, 1)), &[]),
            (MeasureStatus::Cancelled, None, None, &[]),
        ];
        for (status, last, due, expected) in cases {
            let mut m = measure(*status);
            m.due_date = *due;
            assert_eq!(attention(&m, *last, today, 8), expected.to_vec(), "{status:?} {last:?} {due:?}");
        }
    }

    #[test]
    fn due_at_the_next_meeting_by_body_or_date() {
        let mut m = measure(MeasureStatus::Ongoing);
        assert!(!due_at_meeting(&m, "Rådet", d(2026, 4, 1)));
        m.follow_up_body = "Rådet".into();
        assert!(due_at_meeting(&m, "rådet", d(2026, 4, 1)), "the body name is matched without regard to case");
        m.follow_up_body.clear();
        m.next_follow_up = Some(d(2026, 3, 25));
        assert!(due_at_meeting(&m, "Rådet", d(2026, 4, 1)));
        assert!(!due_at_meeting(&m, "Rådet", d(2026, 3, 20)));
        m.status = MeasureStatus::Closed;
        assert!(!due_at_meeting(&m, "Rådet", d(2026, 4, 1)));
    }

    #[test]
    fn my_measures_are_those_my_organisation_owns_or_joins() {
        let m = measure(MeasureStatus::Ongoing);
        assert!(is_mine(&m, Some(OrgId(2)), None));
        assert!(is_mine(&m, Some(OrgId(3)), None));
        assert!(!is_mine(&m, Some(OrgId(4)), None));
        assert!(!is_mine(&m, None, Some(PersonId(9))));
    }
}
