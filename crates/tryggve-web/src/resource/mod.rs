//! The records the web app and the API browse and edit, described once per
//! record type: how to list, fetch, create and update one, how its input is
//! checked and turned into a domain type (parse at the edge), and how its
//! form and list look. The generic page and API handlers use this.

use crate::auth::CurrentUser;
use crate::form::Field;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Display;
use std::future::Future;
use std::str::FromStr;
use tryggve_core::access::Action;
use tryggve_core::register::{Area, Council, Organisation, Person};
use tryggve_core::secrecy::{ClassificationDefault, LegalReference};
use tryggve_core::{FieldErrors, Viewer};
use tryggve_db::{Actor, Db, Result as DbResult};

mod meetings;
mod register;
mod situation;
mod workdoc;

/// A record type the generic handlers can serve.
pub trait Resource: Serialize + Clone + Send + Sync + Sized + 'static {
    type Id: Copy + FromStr + Display + Send + Sync;
    /// The unchecked input: read from an HTML form or an API JSON body.
    type Input: DeserializeOwned + Default + Clone + Send + Sync;

    /// API collection name (`organisations`).
    const API: &'static str;
    /// Web path (`/organisationer`).
    const PATH: &'static str;
    /// Swedish page title for the list.
    const TITLE: &'static str;
    /// Swedish name of one record ("organisation").
    const SINGULAR: &'static str;
    /// The field a duplicate-key error belongs to.
    const UNIQUE_FIELD: &'static str = "name";
    /// The record type in the audit log and in `record_orgs`.
    const RECORD_TYPE: &'static str;

    /// Is this record restricted to named organisations (so that reading it is logged)?
    fn restricted(&self) -> bool {
        false
    }

    fn id(&self) -> Self::Id;
    fn version(&self) -> i64;
    fn label(&self) -> String;

    /// What reading needs beyond being logged in.
    fn read_action() -> Option<Action> {
        None
    }
    /// What creating and editing needs.
    fn write_action() -> Action;

    fn list(db: &Db, viewer: &Viewer) -> impl Future<Output = DbResult<Vec<Self>>> + Send;
    fn get(db: &Db, viewer: &Viewer, id: Self::Id) -> impl Future<Output = DbResult<Self>> + Send;
    fn create(db: &Db, actor: &Actor, record: &Self) -> impl Future<Output = DbResult<Self::Id>> + Send;
    fn update(db: &Db, actor: &Actor, viewer: &Viewer, record: &Self) -> impl Future<Output = DbResult<()>> + Send;

    /// Checks references the register cannot (e.g. that a measure's
    /// collaboration is one the viewer may see).
    fn check_refs(_db: &Db, _viewer: &Viewer, _record: &Self) -> impl Future<Output = DbResult<FieldErrors>> + Send {
        async { Ok(FieldErrors::new()) }
    }

    /// The input of an empty "new" form.
    fn defaults(_lk: &Lookups, _user: &CurrentUser) -> Self::Input {
        Self::Input::default()
    }

    /// The input that would recreate this record (to fill an edit form).
    fn to_input(&self, lk: &Lookups) -> Self::Input;
    /// Checks the input. `existing` is the record being edited; its id is kept,
    /// and the version is taken from the input.
    fn from_input(
        input: &Self::Input,
        existing: Option<&Self>,
        lk: &Lookups,
        user: &CurrentUser,
    ) -> Result<Self, FieldErrors>;
    fn fields(input: &Self::Input, lk: &Lookups) -> Vec<Field>;
    /// The version field of an input.
    fn input_version(input: &Self::Input) -> &str;

    /// Column headings and cells of the list page.
    fn columns() -> &'static [&'static str];
    fn row(&self, lk: &Lookups) -> Vec<String>;
}

/// The register, loaded once per request for pickers and for showing names.
pub struct Lookups {
    pub organisations: Vec<Organisation>,
    pub people: Vec<Person>,
    pub areas: Vec<Area>,
    pub councils: Vec<Council>,
    pub categories: Vec<tryggve_core::situation::IncidentCategory>,
    /// Priorities every logged-in user may see (for linking measures to them).
    pub priorities: Vec<(tryggve_core::PriorityId, String)>,
    /// The provisions a restricted record may cite, and the classification each record type starts with.
    pub legal_references: Vec<LegalReference>,
    pub classification_defaults: Vec<ClassificationDefault>,
}

impl Lookups {
    pub async fn load(db: &Db) -> DbResult<Lookups> {
        Ok(Lookups {
            organisations: db.organisations().await?,
            people: db.people().await?,
            areas: db.areas().await?,
            councils: db.councils().await?,
            categories: db.categories().await?,
            priorities: {
                let member = Viewer { user_id: Some(tryggve_core::UserId(0)), organisation_id: None, role: None };
                db.priorities(&member, None).await?.into_iter().map(|p| (p.id, p.title)).collect()
            },
            legal_references: db.legal_references().await?,
            classification_defaults: db.classification_defaults().await?,
        })
    }

    /// Names (and other spellings) of the register's people who are not staff:
    /// they must not appear in shared free text.
    pub fn private_names(&self) -> Vec<String> {
        self.people.iter().filter(|p| !p.staff).flat_map(Person::spellings).cloned().collect()
    }

    /// The classification a new record of `record_type` starts with.
    pub fn classification_default(&self, record_type: &str) -> ClassificationDefault {
        self.classification_defaults
            .iter()
            .find(|d| d.record_type == record_type)
            .cloned()
            .unwrap_or_else(|| tryggve_core::secrecy::builtin_default(record_type))
    }

    /// The classification and legal reference as given, where an empty
    /// classification (a new form, an API client that leaves it out) takes
    /// the record type's default, and its legal reference unless one is given.
    pub fn classification_input(&self, record_type: &str, class: &str, legal: &str) -> (String, String) {
        if !class.trim().is_empty() {
            return (class.to_owned(), legal.to_owned());
        }
        let d = self.classification_default(record_type);
        let legal = match d.legal_reference_id {
            Some(l) if legal.trim().is_empty() => l.to_string(),
            _ => legal.to_owned(),
        };
        (d.classification.as_str().to_owned(), legal)
    }

    /// Options for a legal reference picker: the active references, and `current` even if retired.
    pub fn legal_options(&self, current: &str) -> Vec<(String, String)> {
        std::iter::once((String::new(), "— inget (ej begränsad) —".to_owned()))
            .chain(
                self.legal_references
                    .iter()
                    .filter(|r| r.active || r.id.to_string() == current.trim())
                    .map(|r| (r.id.to_string(), r.label())),
            )
            .collect()
    }

    /// "Begränsad till Polisen, Socialförvaltningen · OSL 26 kap. 1 §", or just the classification.
    pub fn secrecy_label(
        &self,
        classification: tryggve_core::Classification,
        restricted_to: &[tryggve_core::OrgId],
        legal: Option<tryggve_core::LegalRefId>,
    ) -> String {
        let mut out = classification.label().to_owned();
        if !restricted_to.is_empty() {
            let orgs: Vec<String> = restricted_to.iter().map(|o| self.org_name(Some(*o))).collect();
            out = format!("{out} till {}", orgs.join(", "));
        }
        if let Some(r) = legal.and_then(|id| self.legal_references.iter().find(|r| r.id == id)) {
            out = format!("{out} · {}", r.code);
        }
        out
    }

    /// Checks that an optional id names a legal reference in the list.
    pub fn check_legal(&self, errors: &mut FieldErrors, s: &str) -> Option<tryggve_core::LegalRefId> {
        let id = errors.check("legal_reference_id", crate::form::opt_id(s))??;
        match self.legal_references.iter().find(|r| r.id.0 == id) {
            Some(r) => Some(r.id),
            None => {
                errors.add("legal_reference_id", "Okänt lagrum.");
                None
            }
        }
    }

    pub fn org_name(&self, id: Option<tryggve_core::OrgId>) -> String {
        id.and_then(|id| self.organisations.iter().find(|o| o.id == id)).map(|o| o.name.clone()).unwrap_or_default()
    }

    pub fn person_name(&self, id: Option<tryggve_core::PersonId>) -> String {
        id.and_then(|id| self.people.iter().find(|p| p.id == id)).map(|p| p.name.clone()).unwrap_or_default()
    }

    pub fn area_name(&self, id: Option<tryggve_core::AreaId>) -> String {
        id.and_then(|id| self.areas.iter().find(|a| a.id == id)).map(|a| a.name.clone()).unwrap_or_default()
    }

    pub fn council_name(&self, id: tryggve_core::CouncilId) -> String {
        self.councils.iter().find(|c| c.id == id).map(|c| c.name.clone()).unwrap_or_default()
    }

    pub fn org_options(&self) -> Vec<(String, String)> {
        self.organisations.iter().map(|o| (o.id.to_string(), o.name.clone())).collect()
    }

    pub fn person_options(&self) -> Vec<(String, String)> {
        self.people
            .iter()
            .map(|p| {
                (p.id.to_string(), if p.title.is_empty() { p.name.clone() } else { format!("{}, {}", p.name, p.title) })
            })
            .collect()
    }

    pub fn area_options(&self, kinds: &[tryggve_core::register::AreaKind]) -> Vec<(String, String)> {
        self.areas
            .iter()
            .filter(|a| kinds.is_empty() || kinds.contains(&a.kind))
            .map(|a| (a.id.to_string(), format!("{} ({})", a.name, a.kind.label().to_lowercase())))
            .collect()
    }

    pub fn council_options(&self) -> Vec<(String, String)> {
        self.councils.iter().map(|c| (c.id.to_string(), c.name.clone())).collect()
    }

    /// Checks that an optional id names an organisation in the register.
    pub fn check_org(&self, errors: &mut FieldErrors, field: &str, s: &str) -> Option<tryggve_core::OrgId> {
        let id = errors.check(field, crate::form::opt_id(s))??;
        match self.organisations.iter().find(|o| o.id.0 == id) {
            Some(o) => Some(o.id),
            None => {
                errors.add(field, "Okänd organisation.");
                None
            }
        }
    }

    pub fn check_orgs(&self, errors: &mut FieldErrors, field: &str, list: &[String]) -> Vec<tryggve_core::OrgId> {
        list.iter().filter_map(|s| self.check_org(errors, field, s)).collect()
    }

    pub fn check_person(&self, errors: &mut FieldErrors, field: &str, s: &str) -> Option<tryggve_core::PersonId> {
        let id = errors.check(field, crate::form::opt_id(s))??;
        match self.people.iter().find(|p| p.id.0 == id) {
            Some(p) => Some(p.id),
            None => {
                errors.add(field, "Okänd person.");
                None
            }
        }
    }

    pub fn check_area(&self, errors: &mut FieldErrors, field: &str, s: &str) -> Option<tryggve_core::AreaId> {
        let id = errors.check(field, crate::form::opt_id(s))??;
        match self.areas.iter().find(|a| a.id.0 == id) {
            Some(a) => Some(a.id),
            None => {
                errors.add(field, "Okänt område.");
                None
            }
        }
    }

    pub fn check_council(&self, errors: &mut FieldErrors, field: &str, s: &str) -> Option<tryggve_core::CouncilId> {
        let id = errors.check(field, crate::form::opt_id(s))?;
        match id.and_then(|id| self.councils.iter().find(|c| c.id.0 == id)) {
            Some(c) => Some(c.id),
            None => {
                errors.add(field, "Välj ett råd.");
                None
            }
        }
    }
}

/// Options for a classification picker.
pub fn classification_options() -> Vec<(String, String)> {
    tryggve_core::Classification::ALL.iter().map(|c| (c.as_str().to_owned(), c.label().to_owned())).collect()
}

/// Options for an enum with codes and Swedish labels.
pub fn enum_options<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(String, String)> {
    all.iter().map(|v| (code(*v).to_owned(), label(*v).to_owned())).collect()
}

/// The version of an existing record, or 0 for a new one.
pub fn parse_version(errors: &mut FieldErrors, existing: bool, s: &str) -> i64 {
    if existing { errors.check("version", crate::form::version(s)).unwrap_or(0) } else { 1 }
}

pub use register::{check_password, check_username};
