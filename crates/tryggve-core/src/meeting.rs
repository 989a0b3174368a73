//! Meetings of a council or of one of its groups.

use crate::access::Classification;
use crate::ids::*;
use crate::register::labelled_enum;
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// Someone present at a meeting, with the title they had there.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attendee {
    pub person_id: PersonId,
    pub title: String,
}

labelled_enum!(
    /// What an agenda item is: the minutes fill some kinds from the records.
    AgendaKind {
        Opening = "opening" / "Mötets öppnande",
        Lagesbild = "lagesbild" / "Lokal lägesbild",
        Statistics = "statistics" / "Statistik",
        Priorities = "priorities" / "Prioriterade områden, insatser och uppföljning",
        Collaboration = "collaboration" / "Platssamverkan",
        Other = "other" / "Övrigt",
        NextMeetings = "next_meetings" / "Kommande möten",
        Reporting = "reporting" / "Inrapportering",
        Prioritisation = "prioritisation" / "Prioritering",
        Measures = "measures" / "Insatser",
        Feedback = "feedback" / "Återkoppling",
        Free = "free" / "Punkt",
    }
);

/// An item of a meeting's agenda, with its notes and decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeetingItem {
    pub heading: String,
    /// Notes from the meeting (free text).
    pub body: String,
    pub classification: Classification,
    #[serde(default = "free_kind")]
    pub kind: AgendaKind,
    /// What the meeting decided.
    #[serde(default)]
    pub decision: String,
    /// The collaborations the item is about: one record, shown under each of them.
    #[serde(default)]
    pub collaboration_ids: Vec<CollaborationId>,
    /// A measure the decision created: the action point.
    #[serde(default)]
    pub measure_id: Option<MeasureId>,
}

fn free_kind() -> AgendaKind {
    AgendaKind::Free
}

/// Which agenda a new meeting starts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgendaTemplate {
    /// The council's standard: opening; lägesbild, priorities and measures with each place collaboration; övrigt; kommande möten.
    Council,
    /// EST's cycle: inrapportering → lägesbild → prioritering → insatser → återkoppling.
    Est,
}

/// The items a template gives, one per collaboration where the template has them.
pub fn agenda(template: AgendaTemplate, collaborations: &[(CollaborationId, String)]) -> Vec<MeetingItem> {
    let item = |kind: AgendaKind, heading: &str| MeetingItem {
        heading: heading.to_owned(),
        body: String::new(),
        classification: Classification::Public,
        kind,
        decision: String::new(),
        collaboration_ids: vec![],
        measure_id: None,
    };
    match template {
        AgendaTemplate::Council => {
            let mut v = vec![
                item(AgendaKind::Opening, "Mötets öppnande"),
                item(AgendaKind::Lagesbild, "Lokal lägesbild"),
                item(AgendaKind::Priorities, "Prioriterade områden, insatser och uppföljning"),
            ];
            v.extend(collaborations.iter().map(|(id, name)| MeetingItem {
                collaboration_ids: vec![*id],
                ..item(AgendaKind::Collaboration, name)
            }));
            v.push(item(AgendaKind::Other, "Övrigt"));
            v.push(item(AgendaKind::NextMeetings, "Kommande möten"));
            v
        }
        AgendaTemplate::Est => vec![
            item(AgendaKind::Reporting, "Inrapportering"),
            item(AgendaKind::Lagesbild, "Lägesbild"),
            item(AgendaKind::Prioritisation, "Prioritering"),
            item(AgendaKind::Measures, "Insatser"),
            item(AgendaKind::Feedback, "Återkoppling"),
        ],
    }
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
    /// People invited (attendance is `attendees`).
    #[serde(default)]
    pub invited: Vec<PersonId>,
    pub classification: Classification,
    pub restricted_to: Vec<OrgId>,
    /// The provision that makes a restricted record secret (`secrecy`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_reference_id: Option<LegalRefId>,
    pub version: i64,
}

/// Approved (justerade) minutes: a public record, frozen with a content hash;
/// a correction is a new version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Minutes {
    pub id: MinutesId,
    pub meeting_id: MeetingId,
    pub version: i64,
    pub approved_at: NaiveDateTime,
    pub approved_by: String,
    /// The minutes' view model (JSON) as approved: the internal version …
    pub internal_content: String,
    /// … and the public version.
    pub public_content: String,
    /// SHA-256 of `internal_content` and of `public_content`.
    pub content_hash: String,
    pub public_hash: String,
    /// Shown on the public page without login.
    pub published: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_council_template_has_an_item_per_collaboration_in_the_seeds_order() {
        let items = agenda(AgendaTemplate::Council, &[(CollaborationId(1), "Platssamverkan Liljeholmen".into())]);
        let kinds: Vec<AgendaKind> = items.iter().map(|i| i.kind).collect();
        assert_eq!(
            kinds,
            [
                AgendaKind::Opening,
                AgendaKind::Lagesbild,
                AgendaKind::Priorities,
                AgendaKind::Collaboration,
                AgendaKind::Other,
                AgendaKind::NextMeetings
            ]
        );
        assert_eq!(items[3].collaboration_ids, [CollaborationId(1)]);
        let est: Vec<String> = agenda(AgendaTemplate::Est, &[]).into_iter().map(|i| i.heading).collect();
        assert_eq!(est, ["Inrapportering", "Lägesbild", "Prioritering", "Insatser", "Återkoppling"]);
    }
}
