//! Secrecy: the legal references (lagrum) that make a record restricted, and
//! the classification each record type starts with.
//!
//! A restricted (begränsad) record is secret under a provision of the Public
//! Access to Information and Secrecy Act (offentlighets- och sekretesslagen,
//! OSL), and says which: "OSL 26 kap. 1 §" for social services, "OSL 23 kap.
//! 2 §" for pupil welfare. The list of provisions is the administrator's, so
//! that a council uses the references its lawyers have agreed on.

use crate::access::Classification;
use crate::ids::{LegalRefId, OrgId};
use crate::text::{self, MAX_LINE};
use crate::validate::FieldErrors;
use serde::{Deserialize, Serialize};

/// A provision of law that makes information secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalReference {
    pub id: LegalRefId,
    /// How it is cited: "OSL 26 kap. 1 §".
    pub code: String,
    /// What it protects: "Sekretess inom socialtjänsten".
    pub title: String,
    /// Retired references stay on the records that cite them but cannot be chosen for new ones.
    pub active: bool,
    pub version: i64,
}

impl LegalReference {
    /// "OSL 26 kap. 1 § (Sekretess inom socialtjänsten)".
    pub fn label(&self) -> String {
        if self.title.is_empty() { self.code.clone() } else { format!("{} ({})", self.code, self.title) }
    }

    /// Checks a code and title as an administrator typed them.
    pub fn check(code: &str, title: &str) -> Result<(String, String), FieldErrors> {
        let mut e = FieldErrors::new();
        let code = e.check("code", text::required_line(code, 80));
        let title = e.check("title", text::optional_line(title, MAX_LINE));
        e.into_result(|| (code.unwrap_or_default(), title.unwrap_or_default()))
    }
}

/// The record types that carry a classification, with their Swedish names.
pub const RECORD_TYPES: &[(&str, &str)] = &[
    ("collaboration", "Platssamverkan"),
    ("measure", "Åtgärd i arbetsdokument"),
    ("priority", "Prioriterat område"),
    ("meeting", "Möte"),
    ("incident", "Händelse"),
];

/// The Swedish name of a record type, or the code itself for an unknown one.
pub fn record_type_label(record_type: &str) -> &str {
    RECORD_TYPES.iter().find(|(t, _)| *t == record_type).map_or(record_type, |(_, l)| l)
}

/// The classification a new record of a type starts with, as the administrator set it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassificationDefault {
    pub record_type: String,
    pub classification: Classification,
    /// The legal reference a restricted default cites.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_reference_id: Option<LegalRefId>,
}

/// The built-in default where the administrator has set none: internal, the
/// council's organisations.
pub fn builtin_default(record_type: &str) -> ClassificationDefault {
    ClassificationDefault {
        record_type: record_type.to_owned(),
        classification: Classification::Internal,
        legal_reference_id: None,
    }
}

/// What classification demands of a record: a restricted record names the
/// organisations it is shared with and the provision that makes it secret,
/// which must be one of `references`; other records name neither.
///
/// Returns the organisations and reference to store (cleared unless restricted),
/// or the problems as field errors on `restricted_to` and `legal_reference_id`.
pub fn check(
    classification: Classification,
    restricted_to: Vec<OrgId>,
    legal_reference_id: Option<LegalRefId>,
    references: &[LegalReference],
    e: &mut FieldErrors,
) -> (Vec<OrgId>, Option<LegalRefId>) {
    if classification != Classification::Restricted {
        return (vec![], None);
    }
    if restricted_to.is_empty() {
        e.add("restricted_to", "Välj minst en organisation som får se en begränsad uppgift.");
    }
    match legal_reference_id {
        None => e.add(
            "legal_reference_id",
            "En begränsad uppgift måste ange sitt lagrum (till exempel OSL 26 kap. 1 §). \
             Administratören lägger till lagrum under Administration → Lagrum.",
        ),
        Some(id) if !references.iter().any(|r| r.id == id) => e.add("legal_reference_id", "Okänt lagrum."),
        Some(_) => {}
    }
    (restricted_to, legal_reference_id)
}

/// A count as a public output shows it: counts from 1 up to `min_count - 1`
/// could point at a person or a household, so they read "färre än N".
/// Zero and counts of `min_count` or more are shown as they are.
pub fn public_count(n: u64, min_count: u64) -> String {
    if n > 0 && n < min_count { format!("färre än {min_count}") } else { n.to_string() }
}

/// Whether a count is hidden in public outputs (and so is everything derived from it).
pub fn is_suppressed(n: u64, min_count: u64) -> bool {
    n > 0 && n < min_count
}

#[cfg(test)]
mod tests {
    use super::*;

    fn osl() -> Vec<LegalReference> {
        vec![LegalReference {
            id: LegalRefId(1),
            code: "OSL 26 kap. 1 §".into(),
            title: "Sekretess inom socialtjänsten".into(),
            active: true,
            version: 1,
        }]
    }

    #[test]
    fn a_restricted_record_needs_organisations_and_a_known_legal_reference() {
        let mut e = FieldErrors::new();
        check(Classification::Restricted, vec![], None, &osl(), &mut e);
        let fields: Vec<_> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["restricted_to", "legal_reference_id"]);

        let mut e = FieldErrors::new();
        check(Classification::Restricted, vec![OrgId(1)], Some(LegalRefId(9)), &osl(), &mut e);
        assert_eq!(e.0.iter().map(|f| f.message.as_str()).collect::<Vec<_>>(), ["Okänt lagrum."]);

        let mut e = FieldErrors::new();
        let kept = check(Classification::Restricted, vec![OrgId(1)], Some(LegalRefId(1)), &osl(), &mut e);
        assert!(e.is_empty());
        assert_eq!(kept, (vec![OrgId(1)], Some(LegalRefId(1))));
    }

    #[test]
    fn records_that_are_not_restricted_carry_no_organisations_or_reference() {
        for c in [Classification::Public, Classification::Internal] {
            let mut e = FieldErrors::new();
            assert_eq!(check(c, vec![OrgId(1)], Some(LegalRefId(1)), &osl(), &mut e), (vec![], None));
            assert!(e.is_empty());
        }
    }

    #[test]
    fn a_legal_reference_is_labelled_with_its_code_and_what_it_protects() {
        assert_eq!(osl()[0].label(), "OSL 26 kap. 1 § (Sekretess inom socialtjänsten)");
        assert!(LegalReference::check("  ", "x").is_err());
        assert_eq!(LegalReference::check(" OSL 23 kap. 2 § ", "").unwrap().0, "OSL 23 kap. 2 §");
    }

    #[test]
    fn public_outputs_hide_counts_under_the_threshold_but_not_zero() {
        assert_eq!(public_count(0, 5), "0");
        assert_eq!(public_count(1, 5), "färre än 5");
        assert_eq!(public_count(4, 5), "färre än 5");
        assert_eq!(public_count(5, 5), "5");
        assert_eq!(public_count(3, 0), "3", "a threshold of 0 hides nothing");
        assert!(is_suppressed(2, 3) && !is_suppressed(3, 3) && !is_suppressed(0, 3));
    }
}
