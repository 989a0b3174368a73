//! Organisations, people, areas, councils and users as editable resources.

use super::{Lookups, Resource, enum_options, parse_version};
use crate::auth::CurrentUser;
use crate::form::{Field, flex_flag, flex_list, flex_string};
use serde::Deserialize;
use tryggve_core::access::{Action, Role};
use tryggve_core::register::*;
use tryggve_core::text::{self, MAX_LINE, MAX_TEXT};
use tryggve_core::*;
use tryggve_db::{Actor, Db, Result as DbResult};

fn aliases(errors: &mut FieldErrors, list: &[String]) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for a in list {
        if let Some(a) = errors.check("aliases", text::required_line(a, MAX_LINE))
            && !out.contains(&a)
        {
            out.push(a);
        }
    }
    out
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct OrganisationInput {
    #[serde(default, deserialize_with = "flex_string")]
    pub name: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub kind: String,
    #[serde(default, deserialize_with = "flex_list")]
    pub aliases: Vec<String>,
    #[serde(default, deserialize_with = "flex_string")]
    pub version: String,
}

impl Resource for Organisation {
    const RECORD_TYPE: &'static str = "organisation";
    type Id = OrgId;
    type Input = OrganisationInput;
    const API: &'static str = "organisations";
    const PATH: &'static str = "/organisationer";
    const TITLE: &'static str = "Organisationer";
    const SINGULAR: &'static str = "organisation";

    fn id(&self) -> OrgId {
        self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
    fn label(&self) -> String {
        self.name.clone()
    }
    fn write_action() -> Action {
        Action::EditRegister
    }
    async fn list(db: &Db, _: &Viewer) -> DbResult<Vec<Self>> {
        db.organisations().await
    }
    async fn get(db: &Db, _: &Viewer, id: OrgId) -> DbResult<Self> {
        db.organisation(id).await
    }
    async fn create(db: &Db, actor: &Actor, r: &Self) -> DbResult<OrgId> {
        db.create_organisation(actor, r).await
    }
    async fn update(db: &Db, actor: &Actor, _: &Viewer, r: &Self) -> DbResult<()> {
        db.update_organisation(actor, r).await
    }
    fn to_input(&self, _: &Lookups) -> OrganisationInput {
        OrganisationInput {
            name: self.name.clone(),
            kind: self.kind.as_str().into(),
            aliases: self.aliases.clone(),
            version: self.version.to_string(),
        }
    }
    fn from_input(
        i: &OrganisationInput,
        existing: Option<&Self>,
        _: &Lookups,
        _: &CurrentUser,
    ) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = e.check("name", text::required_line(&i.name, MAX_LINE));
        let kind = e.check("kind", OrgKind::parse(&i.kind));
        let aliases = aliases(&mut e, &i.aliases);
        let version = parse_version(&mut e, existing.is_some(), &i.version);
        e.into_result(|| Organisation {
            id: existing.map_or(OrgId(0), |x| x.id),
            name: name.unwrap_or_default(),
            kind: kind.unwrap_or(OrgKind::Other),
            aliases,
            version,
        })
    }
    fn fields(i: &OrganisationInput, _: &Lookups) -> Vec<Field> {
        vec![
            Field::new("name", "Namn", "text", &i.name).required(),
            Field::new("kind", "Typ av organisation", "select", &i.kind)
                .options(enum_options(OrgKind::ALL, OrgKind::as_str, OrgKind::label))
                .required(),
            Field::new("aliases", "Andra namn och stavningar", "textarea", &i.aliases.join("\n"))
                .hint("Ett namn per rad, till exempel förkortningar eller stavningar som förekommer i dokument."),
        ]
    }
    fn input_version(i: &OrganisationInput) -> &str {
        &i.version
    }
    fn columns() -> &'static [&'static str] {
        &["Namn", "Typ", "Andra namn"]
    }
    fn row(&self, _: &Lookups) -> Vec<String> {
        vec![self.name.clone(), self.kind.label().into(), self.aliases.join(", ")]
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PersonInput {
    #[serde(default, deserialize_with = "flex_string")]
    pub name: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub title: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub organisation_id: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub email: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub phone: String,
    #[serde(default, deserialize_with = "flex_list")]
    pub aliases: Vec<String>,
    /// `true` (or empty) for staff, `false` for others; see [`Person::staff`].
    #[serde(default, deserialize_with = "flex_flag")]
    pub staff: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub version: String,
}

/// A yes/no select or JSON boolean; empty means yes.
fn parse_yes(s: &str) -> Result<bool, String> {
    match s.trim() {
        "" | "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        other => Err(format!("Okänt värde \"{other}\" (true eller false).")),
    }
}

impl Resource for Person {
    const RECORD_TYPE: &'static str = "person";
    type Id = PersonId;
    type Input = PersonInput;
    const API: &'static str = "people";
    const PATH: &'static str = "/personer";
    const TITLE: &'static str = "Personer";
    const SINGULAR: &'static str = "person";

    fn id(&self) -> PersonId {
        self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
    fn label(&self) -> String {
        self.name.clone()
    }
    fn write_action() -> Action {
        Action::EditRegister
    }
    async fn list(db: &Db, _: &Viewer) -> DbResult<Vec<Self>> {
        db.people().await
    }
    async fn get(db: &Db, _: &Viewer, id: PersonId) -> DbResult<Self> {
        db.person(id).await
    }
    async fn create(db: &Db, actor: &Actor, r: &Self) -> DbResult<PersonId> {
        db.create_person(actor, r).await
    }
    async fn update(db: &Db, actor: &Actor, _: &Viewer, r: &Self) -> DbResult<()> {
        db.update_person(actor, r).await
    }
    fn to_input(&self, _: &Lookups) -> PersonInput {
        PersonInput {
            name: self.name.clone(),
            title: self.title.clone(),
            organisation_id: self.organisation_id.map(|o| o.to_string()).unwrap_or_default(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            aliases: self.aliases.clone(),
            staff: self.staff.to_string(),
            version: self.version.to_string(),
        }
    }
    fn from_input(
        i: &PersonInput,
        existing: Option<&Self>,
        lk: &Lookups,
        _: &CurrentUser,
    ) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = e.check("name", text::required_line(&i.name, MAX_LINE));
        let title = e.check("title", text::optional_line(&i.title, MAX_LINE));
        let organisation_id = lk.check_org(&mut e, "organisation_id", &i.organisation_id);
        let email = e.check("email", text::optional_line(&i.email, MAX_LINE));
        if let Some(m) = &email
            && !m.is_empty()
            && (!m.contains('@') || m.contains(' ') || m.starts_with('@') || m.ends_with('@'))
        {
            e.add("email", "Skriv en e-postadress som namn@exempel.se.");
        }
        let phone = e.check("phone", text::optional_line(&i.phone, 40));
        let aliases = aliases(&mut e, &i.aliases);
        let staff = e.check("staff", parse_yes(&i.staff)).unwrap_or(true);
        let version = parse_version(&mut e, existing.is_some(), &i.version);
        e.into_result(|| Person {
            id: existing.map_or(PersonId(0), |x| x.id),
            name: name.unwrap_or_default(),
            title: title.unwrap_or_default(),
            organisation_id,
            email: email.unwrap_or_default(),
            phone: phone.unwrap_or_default(),
            aliases,
            staff,
            version,
        })
    }
    fn fields(i: &PersonInput, lk: &Lookups) -> Vec<Field> {
        let mut orgs = vec![(String::new(), "(ingen)".to_owned())];
        orgs.extend(lk.org_options());
        vec![
            Field::new("name", "Namn", "text", &i.name).required(),
            Field::new("title", "Titel eller roll", "text", &i.title),
            Field::new("organisation_id", "Organisation", "select", &i.organisation_id).options(orgs),
            Field::new("email", "E-post i tjänsten", "text", &i.email),
            Field::new("phone", "Telefon i tjänsten", "text", &i.phone),
            Field::new("aliases", "Andra stavningar", "textarea", &i.aliases.join("\n")).hint("En per rad."),
            Field::new("staff", "Roll i registret", "select", if i.staff.is_empty() { "true" } else { &i.staff })
                .options(vec![
                    ("true".into(), "Deltar i arbetet för en organisation".into()),
                    ("false".into(), "Annan person (boende, kontaktperson)".into()),
                ])
                .hint("Namn på personer som inte deltar i arbetet får inte stå i delade texter: Tryggve varnar om de skrivs in i en anteckning, uppföljning eller ett protokoll."),
        ]
    }
    fn input_version(i: &PersonInput) -> &str {
        &i.version
    }
    fn columns() -> &'static [&'static str] {
        &["Namn", "Titel", "Organisation", "Roll i registret"]
    }
    fn row(&self, lk: &Lookups) -> Vec<String> {
        let role = if self.staff { "Deltar i arbetet" } else { "Annan person" };
        vec![self.name.clone(), self.title.clone(), lk.org_name(self.organisation_id), role.into()]
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct AreaInput {
    #[serde(default, deserialize_with = "flex_string")]
    pub name: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub kind: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub parent_id: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub population: String,
    #[serde(default, deserialize_with = "flex_list")]
    pub aliases: Vec<String>,
    /// GeoJSON geometry as text (a form) or as a JSON object (the API).
    #[serde(default, deserialize_with = "geometry_text")]
    pub geometry: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub version: String,
}

fn geometry_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Option::<serde_json::Value>::deserialize(d)? {
        Some(serde_json::Value::String(s)) => s,
        Some(serde_json::Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    })
}

impl Resource for Area {
    const RECORD_TYPE: &'static str = "area";
    type Id = AreaId;
    type Input = AreaInput;
    const API: &'static str = "areas";
    const PATH: &'static str = "/omraden";
    const TITLE: &'static str = "Områden";
    const SINGULAR: &'static str = "område";

    fn id(&self) -> AreaId {
        self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
    fn label(&self) -> String {
        self.name.clone()
    }
    fn write_action() -> Action {
        Action::EditRegister
    }
    async fn list(db: &Db, _: &Viewer) -> DbResult<Vec<Self>> {
        db.areas().await
    }
    async fn get(db: &Db, _: &Viewer, id: AreaId) -> DbResult<Self> {
        db.area(id).await
    }
    async fn create(db: &Db, actor: &Actor, r: &Self) -> DbResult<AreaId> {
        db.create_area(actor, r).await
    }
    async fn update(db: &Db, actor: &Actor, _: &Viewer, r: &Self) -> DbResult<()> {
        db.update_area(actor, r).await
    }
    fn to_input(&self, _: &Lookups) -> AreaInput {
        AreaInput {
            name: self.name.clone(),
            kind: self.kind.as_str().into(),
            parent_id: self.parent_id.map(|p| p.to_string()).unwrap_or_default(),
            population: self.population.map(|p| p.to_string()).unwrap_or_default(),
            aliases: self.aliases.clone(),
            geometry: self.geometry.as_ref().map(|g| g.to_string()).unwrap_or_default(),
            version: self.version.to_string(),
        }
    }
    fn from_input(i: &AreaInput, existing: Option<&Self>, lk: &Lookups, _: &CurrentUser) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = e.check("name", text::required_line(&i.name, MAX_LINE));
        let kind = e.check("kind", AreaKind::parse(&i.kind));
        let parent_id = lk.check_area(&mut e, "parent_id", &i.parent_id);
        if let Some(kind) = kind {
            let parent_kind = parent_id.and_then(|p| lk.areas.iter().find(|a| a.id == p)).map(|a| a.kind);
            match (kind.parent_kind(), parent_kind) {
                (None, None) => {}
                (None, Some(_)) => e.add("parent_id", "En kommun har inget överordnat område."),
                (Some(want), got) if got != Some(want) => {
                    e.add("parent_id", format!("Välj ett överordnat område av typen {}.", want.label().to_lowercase()))
                }
                _ => {}
            }
            if existing.is_some_and(|x| Some(x.id) == parent_id) {
                e.add("parent_id", "Ett område kan inte ligga i sig självt.");
            }
        }
        let population = e.check("population", text::optional_count(&i.population)).flatten();
        let aliases = aliases(&mut e, &i.aliases);
        let geometry = if i.geometry.trim().is_empty() {
            None
        } else {
            match serde_json::from_str::<serde_json::Value>(&i.geometry) {
                Ok(g) => match check_geometry(&g) {
                    Ok(()) => Some(g),
                    Err(m) => {
                        e.add("geometry", format!("Ogiltig GeoJSON-geometri: {m}."));
                        None
                    }
                },
                Err(err) => {
                    e.add(
                        "geometry",
                        format!("Geometrin är inte giltig JSON (rad {}, kolumn {}).", err.line(), err.column()),
                    );
                    None
                }
            }
        };
        let version = parse_version(&mut e, existing.is_some(), &i.version);
        e.into_result(|| Area {
            id: existing.map_or(AreaId(0), |x| x.id),
            parent_id,
            kind: kind.unwrap_or(AreaKind::Place),
            name: name.unwrap_or_default(),
            aliases,
            population,
            geometry,
            version,
        })
    }
    fn fields(i: &AreaInput, lk: &Lookups) -> Vec<Field> {
        let mut parents = vec![(String::new(), "(inget)".to_owned())];
        parents.extend(lk.area_options(&[AreaKind::Municipality, AreaKind::DistrictArea, AreaKind::District]));
        vec![
            Field::new("name", "Namn", "text", &i.name).required(),
            Field::new("kind", "Nivå", "select", &i.kind)
                .options(enum_options(AreaKind::ALL, AreaKind::as_str, AreaKind::label))
                .required(),
            Field::new("parent_id", "Ligger i", "select", &i.parent_id)
                .options(parents)
                .hint("Kommun → stadsdelsområde → stadsdel → plats."),
            Field::new("population", "Folkmängd", "number", &i.population),
            Field::new("aliases", "Andra namn och stavningar", "textarea", &i.aliases.join("\n")).hint("Ett per rad."),
            Field::new("geometry", "Geometri (GeoJSON, WGS84)", "textarea", &i.geometry)
                .hint("En GeoJSON-geometri: en punkt för en plats, en polygon för en stadsdel."),
        ]
    }
    fn input_version(i: &AreaInput) -> &str {
        &i.version
    }
    fn columns() -> &'static [&'static str] {
        &["Namn", "Nivå", "Ligger i", "Folkmängd"]
    }
    fn row(&self, lk: &Lookups) -> Vec<String> {
        vec![
            self.name.clone(),
            self.kind.label().into(),
            lk.area_name(self.parent_id),
            self.population.map(|p| p.to_string()).unwrap_or_default(),
        ]
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CouncilInput {
    #[serde(default, deserialize_with = "flex_string")]
    pub name: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub area_id: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub description: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub version: String,
}

impl Resource for Council {
    const RECORD_TYPE: &'static str = "council";
    type Id = CouncilId;
    type Input = CouncilInput;
    const API: &'static str = "councils";
    const PATH: &'static str = "/rad";
    const TITLE: &'static str = "Råd";
    const SINGULAR: &'static str = "råd";

    fn id(&self) -> CouncilId {
        self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
    fn label(&self) -> String {
        self.name.clone()
    }
    fn write_action() -> Action {
        Action::ManageUsers
    }
    async fn list(db: &Db, _: &Viewer) -> DbResult<Vec<Self>> {
        db.councils().await
    }
    async fn get(db: &Db, _: &Viewer, id: CouncilId) -> DbResult<Self> {
        db.council(id).await
    }
    async fn create(db: &Db, actor: &Actor, r: &Self) -> DbResult<CouncilId> {
        db.create_council(actor, r).await
    }
    async fn update(db: &Db, actor: &Actor, _: &Viewer, r: &Self) -> DbResult<()> {
        db.update_council(actor, r).await
    }
    fn to_input(&self, _: &Lookups) -> CouncilInput {
        CouncilInput {
            name: self.name.clone(),
            area_id: self.area_id.map(|a| a.to_string()).unwrap_or_default(),
            description: self.description.clone(),
            version: self.version.to_string(),
        }
    }
    fn from_input(
        i: &CouncilInput,
        existing: Option<&Self>,
        lk: &Lookups,
        _: &CurrentUser,
    ) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let name = e.check("name", text::required_line(&i.name, MAX_LINE));
        let area_id = lk.check_area(&mut e, "area_id", &i.area_id);
        let description = e.check("description", text::free_text(&i.description, MAX_TEXT));
        let version = parse_version(&mut e, existing.is_some(), &i.version);
        e.into_result(|| Council {
            id: existing.map_or(CouncilId(0), |x| x.id),
            name: name.unwrap_or_default(),
            area_id,
            description: description.unwrap_or_default(),
            version,
        })
    }
    fn fields(i: &CouncilInput, lk: &Lookups) -> Vec<Field> {
        let mut areas = vec![(String::new(), "(inget)".to_owned())];
        areas.extend(lk.area_options(&[AreaKind::Municipality, AreaKind::DistrictArea]));
        vec![
            Field::new("name", "Namn", "text", &i.name).required(),
            Field::new("area_id", "Område", "select", &i.area_id).options(areas),
            Field::new("description", "Beskrivning", "textarea", &i.description),
        ]
    }
    fn input_version(i: &CouncilInput) -> &str {
        &i.version
    }
    fn columns() -> &'static [&'static str] {
        &["Namn", "Område"]
    }
    fn row(&self, lk: &Lookups) -> Vec<String> {
        vec![self.name.clone(), lk.area_name(self.area_id)]
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct UserInput {
    #[serde(default, deserialize_with = "flex_string")]
    pub username: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub role: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub organisation_id: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub person_id: String,
    #[serde(default, deserialize_with = "flex_list")]
    pub councils: Vec<String>,
    #[serde(default, deserialize_with = "flex_string")]
    pub disabled: String,
    /// A new password; empty keeps the current one when editing.
    #[serde(default, deserialize_with = "flex_string")]
    pub password: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub version: String,
}

/// Shortest password accepted.
pub const MIN_PASSWORD: usize = 10;

/// Checks a user name: letters, digits, `.`, `-` and `_`.
pub fn check_username(s: &str) -> Result<String, String> {
    let u = text::required_line(s, 64)?;
    if u.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | '@')) {
        Ok(u)
    } else {
        Err("Användarnamnet får bara innehålla bokstäver, siffror och . - _ @".into())
    }
}

pub fn check_password(s: &str) -> Result<String, String> {
    if s.chars().count() < MIN_PASSWORD {
        Err(format!("Lösenordet måste ha minst {MIN_PASSWORD} tecken."))
    } else if s.len() > 1024 {
        Err("Lösenordet är för långt.".into())
    } else {
        Ok(s.to_owned())
    }
}

impl Resource for User {
    const RECORD_TYPE: &'static str = "user";
    type Id = UserId;
    type Input = UserInput;
    const API: &'static str = "users";
    const PATH: &'static str = "/anvandare";
    const TITLE: &'static str = "Användare";
    const SINGULAR: &'static str = "användare";
    const UNIQUE_FIELD: &'static str = "username";

    fn id(&self) -> UserId {
        self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
    fn label(&self) -> String {
        self.username.clone()
    }
    fn read_action() -> Option<Action> {
        Some(Action::ManageUsers)
    }
    fn write_action() -> Action {
        Action::ManageUsers
    }
    async fn list(db: &Db, _: &Viewer) -> DbResult<Vec<Self>> {
        db.users().await
    }
    async fn get(db: &Db, _: &Viewer, id: UserId) -> DbResult<Self> {
        db.user(id).await
    }
    async fn create(db: &Db, actor: &Actor, r: &Self) -> DbResult<UserId> {
        db.create_user(actor, r).await
    }
    async fn update(db: &Db, actor: &Actor, _: &Viewer, r: &Self) -> DbResult<()> {
        db.update_user(actor, r).await?;
        if let Some(hash) = &r.password_hash {
            db.set_password(actor, r.id, hash).await?;
        }
        Ok(())
    }
    fn to_input(&self, _: &Lookups) -> UserInput {
        UserInput {
            username: self.username.clone(),
            role: self.role.as_str().into(),
            organisation_id: self.organisation_id.map(|o| o.to_string()).unwrap_or_default(),
            person_id: self.person_id.map(|p| p.to_string()).unwrap_or_default(),
            councils: self.councils.iter().map(|c| c.to_string()).collect(),
            disabled: if self.disabled { "on".into() } else { String::new() },
            password: String::new(),
            version: self.version.to_string(),
        }
    }
    fn from_input(
        i: &UserInput,
        existing: Option<&Self>,
        lk: &Lookups,
        user: &CurrentUser,
    ) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let username = match existing {
            Some(x) => Some(x.username.clone()),
            None => e.check("username", check_username(&i.username)),
        };
        let role = e.check("role", Role::parse(&i.role));
        let organisation_id = lk.check_org(&mut e, "organisation_id", &i.organisation_id);
        let person_id = lk.check_person(&mut e, "person_id", &i.person_id);
        let councils: Vec<CouncilId> =
            i.councils.iter().filter_map(|c| lk.check_council(&mut e, "councils", c)).collect();
        let disabled = matches!(i.disabled.as_str(), "on" | "true" | "1");
        if existing.is_some_and(|x| x.id == user.user.id) && (disabled || role != Some(Role::Admin)) {
            e.add("role", "Du kan inte ta bort din egen administratörsbehörighet eller stänga av dig själv.");
        }
        let password_hash = if i.password.is_empty() && existing.is_some() {
            None
        } else {
            e.check("password", check_password(&i.password))
                .map(|p| crate::auth::hash_password(&p))
                .and_then(|r| e.check("password", r))
        };
        let version = parse_version(&mut e, existing.is_some(), &i.version);
        e.into_result(|| User {
            id: existing.map_or(UserId(0), |x| x.id),
            username: username.unwrap_or_default(),
            person_id,
            organisation_id,
            role: role.unwrap_or(Role::Reader),
            councils,
            disabled,
            password_hash,
            version,
        })
    }
    fn fields(i: &UserInput, lk: &Lookups) -> Vec<Field> {
        let mut orgs = vec![(String::new(), "(ingen)".to_owned())];
        orgs.extend(lk.org_options());
        let mut people = vec![(String::new(), "(ingen)".to_owned())];
        people.extend(lk.person_options());
        let roles = Role::ALL.iter().map(|r| (r.as_str().to_owned(), r.label().to_owned())).collect();
        vec![
            Field::new("username", "Användarnamn", "text", &i.username).required(),
            Field::new("role", "Roll", "select", &i.role).options(roles).required(),
            Field::new("organisation_id", "Organisation", "select", &i.organisation_id)
                .options(orgs)
                .hint("Avgör vilka begränsade uppgifter användaren ser."),
            Field::new("person_id", "Person i registret", "select", &i.person_id).options(people),
            Field::new("councils", "Råd", "checkboxes", "").options(lk.council_options()).values(&i.councils),
            Field::new("disabled", "Avstängd", "checkbox", &i.disabled),
            Field::new("password", "Nytt lösenord", "password", "")
                .hint("Minst 10 tecken. Lämna tomt för att behålla det nuvarande."),
        ]
    }
    fn input_version(i: &UserInput) -> &str {
        &i.version
    }
    fn columns() -> &'static [&'static str] {
        &["Användarnamn", "Roll", "Organisation", "Person", "Status"]
    }
    fn row(&self, lk: &Lookups) -> Vec<String> {
        vec![
            self.username.clone(),
            self.role.label().into(),
            lk.org_name(self.organisation_id),
            lk.person_name(self.person_id),
            if self.disabled { "Avstängd".into() } else { "Aktiv".into() },
        ]
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct LegalReferenceInput {
    #[serde(default, deserialize_with = "flex_string")]
    pub code: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub title: String,
    /// `true` (or empty) while it may be chosen for new records.
    #[serde(default, deserialize_with = "flex_flag")]
    pub active: String,
    #[serde(default, deserialize_with = "flex_string")]
    pub version: String,
}

impl Resource for tryggve_core::secrecy::LegalReference {
    const RECORD_TYPE: &'static str = "legal_reference";
    type Id = LegalRefId;
    type Input = LegalReferenceInput;
    const API: &'static str = "legal-references";
    const PATH: &'static str = "/lagrum";
    const TITLE: &'static str = "Lagrum";
    const SINGULAR: &'static str = "lagrum";

    fn id(&self) -> LegalRefId {
        self.id
    }
    fn version(&self) -> i64 {
        self.version
    }
    fn label(&self) -> String {
        self.code.clone()
    }
    fn write_action() -> Action {
        Action::ManageSecrecy
    }
    async fn list(db: &Db, _: &Viewer) -> DbResult<Vec<Self>> {
        db.legal_references().await
    }
    async fn get(db: &Db, _: &Viewer, id: LegalRefId) -> DbResult<Self> {
        db.legal_reference(id).await
    }
    async fn create(db: &Db, actor: &Actor, r: &Self) -> DbResult<LegalRefId> {
        db.create_legal_reference(actor, r).await
    }
    async fn update(db: &Db, actor: &Actor, _: &Viewer, r: &Self) -> DbResult<()> {
        db.update_legal_reference(actor, r).await
    }
    fn to_input(&self, _: &Lookups) -> LegalReferenceInput {
        LegalReferenceInput {
            code: self.code.clone(),
            title: self.title.clone(),
            active: self.active.to_string(),
            version: self.version.to_string(),
        }
    }
    fn from_input(
        i: &LegalReferenceInput,
        existing: Option<&Self>,
        _: &Lookups,
        _: &CurrentUser,
    ) -> Result<Self, FieldErrors> {
        let (checked, mut e) = match Self::check(&i.code, &i.title) {
            Ok(c) => (Some(c), FieldErrors::new()),
            Err(e) => (None, e),
        };
        let active = e.check("active", parse_yes(&i.active)).unwrap_or(true);
        let version = parse_version(&mut e, existing.is_some(), &i.version);
        e.into_result(|| {
            let (code, title) = checked.unwrap_or_default();
            Self { id: existing.map_or(LegalRefId(0), |x| x.id), code, title, active, version }
        })
    }
    fn fields(i: &LegalReferenceInput, _: &Lookups) -> Vec<Field> {
        vec![
            Field::new("code", "Lagrum", "text", &i.code)
                .required()
                .hint("Som det citeras, till exempel OSL 26 kap. 1 §."),
            Field::new("title", "Vad det skyddar", "text", &i.title)
                .hint("Till exempel Sekretess inom socialtjänsten."),
            Field::new("active", "Kan väljas", "select", if i.active.is_empty() { "true" } else { &i.active }).options(
                vec![
                    ("true".into(), "Ja".into()),
                    ("false".into(), "Nej (finns kvar på uppgifter som redan anger det)".into()),
                ],
            ),
        ]
    }
    fn input_version(i: &LegalReferenceInput) -> &str {
        &i.version
    }
    fn columns() -> &'static [&'static str] {
        &["Lagrum", "Vad det skyddar", "Kan väljas"]
    }
    fn row(&self, _: &Lookups) -> Vec<String> {
        vec![self.code.clone(), self.title.clone(), if self.active { "Ja" } else { "Nej" }.into()]
    }
}
