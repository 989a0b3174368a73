//! The register: councils, organisations, people and areas. Shared by all
//! councils; readable by every logged-in user (the web layer checks that).

use crate::audit::diff;
use crate::{Actor, Db, DbError, Result, Tx, on_tx, with_pool};
use sqlx::Row;
use tryggve_core::register::{Area, AreaKind, Council, OrgKind, Organisation, Person};
use tryggve_core::*;

pub(crate) fn json_list(s: String) -> Result<Vec<String>> {
    Ok(serde_json::from_str(&s)?)
}

pub(crate) fn code<T>(parse: fn(&str) -> Result<T, String>, s: String) -> Result<T> {
    parse(&s).map_err(DbError::Corrupt)
}

macro_rules! map_org {
    ($r:expr) => {
        Organisation {
            id: OrgId($r.try_get("id")?),
            name: $r.try_get("name")?,
            kind: code(OrgKind::parse, $r.try_get("kind")?)?,
            aliases: json_list($r.try_get("aliases")?)?,
            version: $r.try_get("version")?,
        }
    };
}

macro_rules! map_person {
    ($r:expr) => {
        Person {
            id: PersonId($r.try_get("id")?),
            name: $r.try_get("name")?,
            title: $r.try_get("title")?,
            organisation_id: $r.try_get::<Option<i64>, _>("organisation_id")?.map(OrgId),
            email: $r.try_get("email")?,
            phone: $r.try_get("phone")?,
            aliases: json_list($r.try_get("aliases")?)?,
            staff: $r.try_get("staff")?,
            version: $r.try_get("version")?,
        }
    };
}

macro_rules! map_area {
    ($r:expr) => {
        Area {
            id: AreaId($r.try_get("id")?),
            parent_id: $r.try_get::<Option<i64>, _>("parent_id")?.map(AreaId),
            kind: code(AreaKind::parse, $r.try_get("kind")?)?,
            name: $r.try_get("name")?,
            aliases: json_list($r.try_get("aliases")?)?,
            population: $r.try_get("population")?,
            geometry: match $r.try_get::<Option<String>, _>("geometry")? {
                Some(g) => Some(serde_json::from_str(&g)?),
                None => None,
            },
            version: $r.try_get("version")?,
        }
    };
}

macro_rules! map_council {
    ($r:expr) => {
        Council {
            id: CouncilId($r.try_get("id")?),
            name: $r.try_get("name")?,
            area_id: $r.try_get::<Option<i64>, _>("area_id")?.map(AreaId),
            description: $r.try_get("description")?,
            version: $r.try_get("version")?,
        }
    };
}

const ORG_COLS: &str = "SELECT id, name, kind, aliases, version FROM organisations";
const PERSON_COLS: &str = "SELECT id, name, title, organisation_id, email, phone, aliases, staff, version FROM people";
const AREA_COLS: &str = "SELECT id, parent_id, kind, name, aliases, population, geometry, version FROM areas";
const COUNCIL_COLS: &str = "SELECT id, name, area_id, description, version FROM councils";

/// Runs a SELECT built from a column list and a tail, mapping every row.
macro_rules! select_all {
    ($db:expr, $cols:expr, $tail:expr, $map:ident $(, $bind:expr)*) => {{
        let sql = sqlx::AssertSqlSafe(format!("{} {}", $cols, $tail));
        with_pool!($db, p => {
            let rows = sqlx::query(sql).$(bind($bind).)*fetch_all(p).await?;
            rows.iter().map(|r| Ok($map!(r))).collect::<Result<Vec<_>>>()
        })
    }};
}
pub(crate) use select_all;

/// Updates one versioned row: fails with NotFound or Conflict, otherwise
/// audits the difference and commits.
macro_rules! versioned_update {
    ($db:expr, $actor:expr, $record_type:literal, $old:expr, $new:expr, $sql:literal $(, $bind:expr)*) => {{
        let old = $old;
        if old.version != $new.version {
            return Err(DbError::Conflict { current: old.version });
        }
        let mut tx = $db.begin($actor.clone()).await?;
        let n = on_tx!(tx, c => sqlx::query($sql)$(.bind($bind))*.execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(DbError::Conflict { current: old.version + 1 });
        }
        tx.audit("update", $record_type, Some(old.id.0), diff(Some(&old), Some($new))).await?;
        tx.commit().await?;
    }};
}
pub(crate) use versioned_update;

fn one<T>(mut v: Vec<T>) -> Result<T> {
    v.pop().ok_or(DbError::NotFound)
}

impl Db {
    pub async fn organisations(&self) -> Result<Vec<Organisation>> {
        select_all!(self, ORG_COLS, "ORDER BY id", map_org)
    }

    pub async fn organisation(&self, id: OrgId) -> Result<Organisation> {
        one(select_all!(self, ORG_COLS, "WHERE id = $1", map_org, id.0)?)
    }

    pub async fn create_organisation(&self, actor: &Actor, org: &Organisation) -> Result<OrgId> {
        let mut tx = self.begin(actor.clone()).await?;
        let id = OrgId(tx.next_id("organisations").await?);
        let org = Organisation { id, version: 1, ..org.clone() };
        tx.insert_organisation(&org).await?;
        tx.audit("create", "organisation", Some(id.0), diff(None, Some(&org))).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// `org.version` is the version the edit was based on.
    pub async fn update_organisation(&self, actor: &Actor, org: &Organisation) -> Result<()> {
        let aliases = serde_json::to_string(&org.aliases)?;
        versioned_update!(
            self,
            actor,
            "organisation",
            self.organisation(org.id).await?,
            org,
            "UPDATE organisations SET name = $1, kind = $2, aliases = $3, version = version + 1 WHERE id = $4 AND version = $5",
            &org.name,
            org.kind.as_str(),
            &aliases,
            org.id.0,
            org.version
        );
        Ok(())
    }

    pub async fn people(&self) -> Result<Vec<Person>> {
        select_all!(self, PERSON_COLS, "ORDER BY id", map_person)
    }

    /// Names and other spellings of the people in the register who are not
    /// staff: shared free text must not mention them.
    pub async fn private_names(&self) -> Result<Vec<String>> {
        let people = select_all!(self, PERSON_COLS, "WHERE staff = FALSE ORDER BY id", map_person)?;
        Ok(people.iter().flat_map(Person::spellings).cloned().collect())
    }

    pub async fn person(&self, id: PersonId) -> Result<Person> {
        one(select_all!(self, PERSON_COLS, "WHERE id = $1", map_person, id.0)?)
    }

    pub async fn create_person(&self, actor: &Actor, person: &Person) -> Result<PersonId> {
        let mut tx = self.begin(actor.clone()).await?;
        let id = PersonId(tx.next_id("people").await?);
        let person = Person { id, version: 1, ..person.clone() };
        tx.insert_person(&person).await?;
        tx.audit("create", "person", Some(id.0), diff(None, Some(&person))).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn update_person(&self, actor: &Actor, p: &Person) -> Result<()> {
        let aliases = serde_json::to_string(&p.aliases)?;
        versioned_update!(
            self,
            actor,
            "person",
            self.person(p.id).await?,
            p,
            "UPDATE people SET name = $1, title = $2, organisation_id = $3, email = $4, phone = $5, aliases = $6, \
             staff = $7, version = version + 1 WHERE id = $8 AND version = $9",
            &p.name,
            &p.title,
            p.organisation_id.map(|o| o.0),
            &p.email,
            &p.phone,
            &aliases,
            p.staff,
            p.id.0,
            p.version
        );
        Ok(())
    }

    /// All areas, without geometry (lists and pickers).
    pub async fn areas(&self) -> Result<Vec<Area>> {
        let mut areas = select_all!(
            self,
            "SELECT id, parent_id, kind, name, aliases, population, NULL AS geometry, version FROM areas",
            "ORDER BY id",
            map_area
        )?;
        areas.iter_mut().for_each(|a| a.geometry = None);
        Ok(areas)
    }

    /// All areas with their geometry (exports, maps).
    pub async fn areas_with_geometry(&self) -> Result<Vec<Area>> {
        select_all!(self, AREA_COLS, "ORDER BY id", map_area)
    }

    pub async fn area(&self, id: AreaId) -> Result<Area> {
        one(select_all!(self, AREA_COLS, "WHERE id = $1", map_area, id.0)?)
    }

    pub async fn create_area(&self, actor: &Actor, area: &Area) -> Result<AreaId> {
        let mut tx = self.begin(actor.clone()).await?;
        let id = AreaId(tx.next_id("areas").await?);
        let area = Area { id, version: 1, ..area.clone() };
        tx.insert_area(&area).await?;
        tx.audit("create", "area", Some(id.0), diff(None, Some(&area))).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn update_area(&self, actor: &Actor, a: &Area) -> Result<()> {
        let aliases = serde_json::to_string(&a.aliases)?;
        let geometry = a.geometry.as_ref().map(|g| g.to_string());
        versioned_update!(
            self,
            actor,
            "area",
            self.area(a.id).await?,
            a,
            "UPDATE areas SET parent_id = $1, kind = $2, name = $3, aliases = $4, population = $5, geometry = $6, \
             version = version + 1 WHERE id = $7 AND version = $8",
            a.parent_id.map(|p| p.0),
            a.kind.as_str(),
            &a.name,
            &aliases,
            a.population,
            geometry,
            a.id.0,
            a.version
        );
        Ok(())
    }

    pub async fn councils(&self) -> Result<Vec<Council>> {
        select_all!(self, COUNCIL_COLS, "ORDER BY id", map_council)
    }

    pub async fn council(&self, id: CouncilId) -> Result<Council> {
        one(select_all!(self, COUNCIL_COLS, "WHERE id = $1", map_council, id.0)?)
    }

    pub async fn create_council(&self, actor: &Actor, council: &Council) -> Result<CouncilId> {
        let mut tx = self.begin(actor.clone()).await?;
        let id = CouncilId(tx.next_id("councils").await?);
        let council = Council { id, version: 1, ..council.clone() };
        tx.insert_council(&council).await?;
        tx.audit("create", "council", Some(id.0), diff(None, Some(&council))).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn update_council(&self, actor: &Actor, k: &Council) -> Result<()> {
        versioned_update!(
            self,
            actor,
            "council",
            self.council(k.id).await?,
            k,
            "UPDATE councils SET name = $1, area_id = $2, description = $3, version = version + 1 WHERE id = $4 AND version = $5",
            &k.name,
            k.area_id.map(|a| a.0),
            &k.description,
            k.id.0,
            k.version
        );
        Ok(())
    }
}

impl Tx {
    pub(crate) async fn insert_organisation(&mut self, o: &Organisation) -> Result<()> {
        let aliases = serde_json::to_string(&o.aliases)?;
        on_tx!(self, c => {
            sqlx::query("INSERT INTO organisations (id, name, kind, aliases, version) VALUES ($1, $2, $3, $4, $5)")
                .bind(o.id.0).bind(&o.name).bind(o.kind.as_str()).bind(&aliases).bind(o.version)
                .execute(&mut *c).await?;
        });
        Ok(())
    }

    pub(crate) async fn insert_person(&mut self, p: &Person) -> Result<()> {
        let aliases = serde_json::to_string(&p.aliases)?;
        on_tx!(self, c => {
            sqlx::query("INSERT INTO people (id, name, title, organisation_id, email, phone, aliases, staff, version) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                .bind(p.id.0).bind(&p.name).bind(&p.title).bind(p.organisation_id.map(|o| o.0))
                .bind(&p.email).bind(&p.phone).bind(&aliases).bind(p.staff).bind(p.version)
                .execute(&mut *c).await?;
        });
        Ok(())
    }

    pub(crate) async fn insert_area(&mut self, a: &Area) -> Result<()> {
        let aliases = serde_json::to_string(&a.aliases)?;
        let geometry = a.geometry.as_ref().map(|g| g.to_string());
        on_tx!(self, c => {
            sqlx::query("INSERT INTO areas (id, parent_id, kind, name, aliases, population, geometry, version) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(a.id.0).bind(a.parent_id.map(|p| p.0)).bind(a.kind.as_str()).bind(&a.name)
                .bind(&aliases).bind(a.population).bind(geometry).bind(a.version)
                .execute(&mut *c).await?;
        });
        Ok(())
    }

    pub(crate) async fn insert_council(&mut self, k: &Council) -> Result<()> {
        on_tx!(self, c => {
            sqlx::query("INSERT INTO councils (id, name, area_id, description, version) VALUES ($1, $2, $3, $4, $5)")
                .bind(k.id.0).bind(&k.name).bind(k.area_id.map(|a| a.0)).bind(&k.description).bind(k.version)
                .execute(&mut *c).await?;
        });
        Ok(())
    }
}
