//! Who may see and change what. These are the access decisions; the storage
//! layer applies the same read rule in SQL (see `tryggve-db`'s `visibility`)
//! and a test keeps the two in agreement.

use crate::ids::{OrgId, UserId};
use serde::{Deserialize, Serialize};

/// What a user may do, independent of classification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages users, the register and sees the audit log.
    Admin,
    /// Keeps the situation picture and working documents, prepares meetings.
    Convener,
    /// Council member: reads everything its organisation may see, edits working documents.
    Member,
    /// Partner reporter: reports incidents and follows up its measures.
    Reporter,
    /// Reads what its organisation may see.
    Reader,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Admin, Role::Convener, Role::Member, Role::Reporter, Role::Reader];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Convener => "convener",
            Role::Member => "member",
            Role::Reporter => "reporter",
            Role::Reader => "reader",
        }
    }

    pub fn parse(s: &str) -> Result<Role, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| format!("Okänd roll \"{}\" (admin, convener, member, reporter, reader).", s.trim()))
    }

    /// Swedish label for the interface.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Administratör",
            Role::Convener => "Sammankallande",
            Role::Member => "Rådsmedlem",
            Role::Reporter => "Rapportör",
            Role::Reader => "Läsare",
        }
    }
}

/// Who may read a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Classification {
    /// Offentlig: anyone, also without logging in, and in public minutes.
    Public,
    /// Intern: every logged-in user of the councils' organisations.
    #[default]
    Internal,
    /// Begränsad: only users of the named organisations.
    Restricted,
}

impl Classification {
    pub const ALL: [Classification; 3] = [Classification::Public, Classification::Internal, Classification::Restricted];

    pub fn as_str(self) -> &'static str {
        match self {
            Classification::Public => "public",
            Classification::Internal => "internal",
            Classification::Restricted => "restricted",
        }
    }

    pub fn parse(s: &str) -> Result<Classification, String> {
        Classification::ALL
            .into_iter()
            .find(|c| c.as_str() == s.trim())
            .ok_or_else(|| format!("Okänd klassning \"{}\".", s.trim()))
    }

    pub fn label(self) -> &'static str {
        match self {
            Classification::Public => "Offentlig",
            Classification::Internal => "Intern",
            Classification::Restricted => "Begränsad",
        }
    }
}

/// The person asking. Every read of classified records takes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Viewer {
    pub user_id: Option<UserId>,
    pub organisation_id: Option<OrgId>,
    pub role: Option<Role>,
}

impl Viewer {
    /// Someone who has not logged in: sees only public records.
    pub fn anonymous() -> Viewer {
        Viewer { user_id: None, organisation_id: None, role: None }
    }

    /// The system reading on its own behalf (export, import, backup): sees everything.
    pub fn admin() -> Viewer {
        Viewer { user_id: None, organisation_id: None, role: Some(Role::Admin) }
    }

    pub fn is_logged_in(&self) -> bool {
        self.user_id.is_some()
    }

    pub fn is_admin(&self) -> bool {
        self.role == Some(Role::Admin)
    }
}

/// The read rule: may `viewer` see a record of `classification` restricted to `orgs`?
///
/// Administrators see everything: they run the installation and move councils
/// between databases, which must lose nothing.
pub fn can_read(viewer: &Viewer, classification: Classification, orgs: &[OrgId]) -> bool {
    match classification {
        Classification::Public => true,
        _ if viewer.is_admin() => true,
        Classification::Internal => viewer.is_logged_in(),
        Classification::Restricted => viewer.organisation_id.is_some_and(|o| orgs.contains(&o)),
    }
}

/// The kinds of change the interface offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Organisations, people and areas.
    EditRegister,
    /// Users and their roles.
    ManageUsers,
    /// Collaborations, measures, priorities and meetings.
    EditWorkingDocuments,
    /// A dated follow-up note on a measure.
    AddFollowUp,
    /// Read the audit log.
    ViewAudit,
    /// The list of legal references and the default classification per record type.
    ManageSecrecy,
}

/// May a user with `role` perform `action` (on a record they may read)?
pub fn can(role: Option<Role>, action: Action) -> bool {
    use Action::*;
    use Role::*;
    let Some(role) = role else { return false };
    match action {
        EditRegister => matches!(role, Admin | Convener),
        ManageUsers | ViewAudit | ManageSecrecy => role == Admin,
        EditWorkingDocuments => matches!(role, Admin | Convener | Member),
        AddFollowUp => matches!(role, Admin | Convener | Member | Reporter),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(role: Option<Role>, org: Option<i64>) -> Viewer {
        Viewer { user_id: role.map(|_| UserId(1)), organisation_id: org.map(OrgId), role }
    }

    #[test]
    fn read_rule_over_every_role_relation_and_classification() {
        let orgs = [OrgId(7)];
        for role in [None].into_iter().chain(Role::ALL.map(Some)) {
            for (org, related) in [(None, false), (Some(7), true), (Some(8), false)] {
                let v = viewer(role, org);
                if role.is_none() && org.is_some() {
                    continue;
                }
                for c in Classification::ALL {
                    let expected = match c {
                        Classification::Public => true,
                        Classification::Internal => role.is_some(),
                        Classification::Restricted => role == Some(Role::Admin) || related,
                    };
                    assert_eq!(can_read(&v, c, &orgs), expected, "{role:?} org {org:?} {c:?}");
                }
            }
        }
    }

    #[test]
    fn only_admins_manage_users_and_anonymous_may_do_nothing() {
        for role in Role::ALL {
            assert_eq!(can(Some(role), Action::ManageUsers), role == Role::Admin);
            assert_eq!(can(Some(role), Action::ManageSecrecy), role == Role::Admin);
        }
        for a in [Action::EditRegister, Action::AddFollowUp, Action::ViewAudit] {
            assert!(!can(None, a));
        }
        assert!(can(Some(Role::Reporter), Action::AddFollowUp));
        assert!(!can(Some(Role::Reader), Action::AddFollowUp));
        assert!(!can(Some(Role::Reporter), Action::EditWorkingDocuments));
    }

    #[test]
    fn role_and_classification_names_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()).unwrap(), r);
        }
        for c in Classification::ALL {
            assert_eq!(Classification::parse(c.as_str()).unwrap(), c);
        }
        assert!(Role::parse("root").is_err());
    }
}
