//! Priorities (prioriterade områden) and their starting points and methods.

use crate::access::Classification;
use crate::ids::*;
use serde::{Deserialize, Serialize};

/// A heading with its points, as in the seed's "Prioriterade utgångspunkter".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StartingPoint {
    pub heading: String,
    pub items: Vec<String>,
}

/// A method or way of working under a priority ("Samlokalisering socialtjänst och polis").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Method {
    pub title: String,
    pub body: String,
}

/// What the council has decided to focus on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Priority {
    pub id: PriorityId,
    pub council_id: CouncilId,
    pub title: String,
    pub summary: String,
    /// The action plan the priority belongs to.
    pub plan_title: String,
    pub starting_points: Vec<StartingPoint>,
    pub methods: Vec<Method>,
    pub classification: Classification,
    pub restricted_to: Vec<OrgId>,
    /// The provision that makes a restricted record secret (`secrecy`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_reference_id: Option<LegalRefId>,
    pub version: i64,
}
