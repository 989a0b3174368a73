//! Users, browser sessions and API tokens. Session ids and tokens are stored
//! only as SHA-256 hashes; password hashes leave this crate only for login
//! checks and an administrator's export.

use crate::audit::diff;
use crate::register::{code, select_all, versioned_update};
use crate::{Actor, Db, DbError, Result, Tx, on_tx, with_pool};
use chrono::NaiveDateTime;
use sqlx::Row;
use std::collections::HashMap;
use tryggve_core::access::Role;
use tryggve_core::register::User;
use tryggve_core::*;

macro_rules! map_user {
    ($r:expr) => {
        User {
            id: UserId($r.try_get("id")?),
            username: $r.try_get("username")?,
            person_id: $r.try_get::<Option<i64>, _>("person_id")?.map(PersonId),
            organisation_id: $r.try_get::<Option<i64>, _>("organisation_id")?.map(OrgId),
            role: code(Role::parse, $r.try_get("role")?)?,
            councils: vec![],
            disabled: $r.try_get("disabled")?,
            password_hash: $r.try_get("password_hash")?,
            version: $r.try_get("version")?,
        }
    };
}

const USER_COLS: &str =
    "SELECT id, username, person_id, organisation_id, role, disabled, password_hash, version FROM users";

impl Db {
    async fn with_councils(&self, mut users: Vec<User>) -> Result<Vec<User>> {
        let pairs: Vec<(i64, i64)> = with_pool!(self, p => sqlx::query_as(
            "SELECT user_id, council_id FROM user_councils ORDER BY user_id, council_id").fetch_all(p).await?);
        let mut map: HashMap<i64, Vec<CouncilId>> = HashMap::new();
        for (u, c) in pairs {
            map.entry(u).or_default().push(CouncilId(c));
        }
        for u in &mut users {
            u.councils = map.remove(&u.id.0).unwrap_or_default();
        }
        Ok(users)
    }

    /// All users, without password hashes.
    pub async fn users(&self) -> Result<Vec<User>> {
        let users = select_all!(self, USER_COLS, "ORDER BY id", map_user)?;
        let mut users = self.with_councils(users).await?;
        users.iter_mut().for_each(|u| u.password_hash = None);
        Ok(users)
    }

    /// All users with their password hashes (an administrator's export only).
    pub async fn users_with_hashes(&self) -> Result<Vec<User>> {
        let users = select_all!(self, USER_COLS, "ORDER BY id", map_user)?;
        self.with_councils(users).await
    }

    pub async fn user(&self, id: UserId) -> Result<User> {
        let mut u = self.user_with_hash(&id.0.to_string(), true).await?;
        u.password_hash = None;
        Ok(u)
    }

    /// The user with this name, including the password hash (for login).
    pub async fn user_for_login(&self, username: &str) -> Result<User> {
        self.user_with_hash(username, false).await
    }

    async fn user_with_hash(&self, key: &str, by_id: bool) -> Result<User> {
        let users = if by_id {
            let id: i64 = key.parse().map_err(|_| DbError::NotFound)?;
            select_all!(self, USER_COLS, "WHERE id = $1", map_user, id)?
        } else {
            select_all!(self, USER_COLS, "WHERE username = $1", map_user, key)?
        };
        let u = users.into_iter().next().ok_or(DbError::NotFound)?;
        let mut v = self.with_councils(vec![u]).await?;
        Ok(v.remove(0))
    }

    pub async fn create_user(&self, actor: &Actor, user: &User) -> Result<UserId> {
        let mut tx = self.begin(actor.clone()).await?;
        let id = UserId(tx.next_id("users").await?);
        let user = User { id, version: 1, ..user.clone() };
        tx.insert_user(&user).await?;
        tx.audit("create", "user", Some(id.0), diff(None, Some(&user))).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Role, organisation, person, councils and disabled flag; not the password.
    pub async fn update_user(&self, actor: &Actor, u: &User) -> Result<()> {
        let old = self.user(u.id).await?;
        let new = User { password_hash: None, ..u.clone() };
        if old.version != u.version {
            return Err(DbError::Conflict { current: old.version });
        }
        let mut tx = self.begin(actor.clone()).await?;
        let n = on_tx!(tx, c => {
            let n = sqlx::query("UPDATE users SET person_id = $1, organisation_id = $2, role = $3, disabled = $4, \
                                 version = version + 1 WHERE id = $5 AND version = $6")
                .bind(u.person_id.map(|p| p.0)).bind(u.organisation_id.map(|o| o.0)).bind(u.role.as_str())
                .bind(u.disabled).bind(u.id.0).bind(u.version)
                .execute(&mut *c).await?.rows_affected();
            sqlx::query("DELETE FROM user_councils WHERE user_id = $1").bind(u.id.0).execute(&mut *c).await?;
            n
        });
        if n == 0 {
            return Err(DbError::Conflict { current: old.version + 1 });
        }
        tx.insert_user_councils(u.id, &u.councils).await?;
        if u.disabled {
            on_tx!(tx, c => { sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(u.id.0).execute(&mut *c).await?; });
        }
        tx.audit("update", "user", Some(u.id.0), diff(Some(&old), Some(&new))).await?;
        tx.commit().await
    }

    pub async fn set_password(&self, actor: &Actor, id: UserId, hash: &str) -> Result<()> {
        let user = self.user(id).await?;
        versioned_update!(
            self,
            actor,
            "user",
            user.clone(),
            &user,
            "UPDATE users SET password_hash = $1, version = version + 1 WHERE id = $2 AND version = $3",
            hash,
            id.0,
            user.version
        );
        Ok(())
    }

    /// Starts a browser session (the id is given as its hash); `method` says
    /// how the user proved who they are (`password`, `oidc`) in the audit log.
    pub async fn create_session(
        &self,
        actor: &Actor,
        user: UserId,
        id_hash: &str,
        csrf: &str,
        expires: NaiveDateTime,
        method: &str,
    ) -> Result<()> {
        let mut tx = self.begin(actor.clone()).await?;
        let now = actor.at;
        on_tx!(tx, c => {
            sqlx::query("DELETE FROM sessions WHERE expires_at < $1").bind(now).execute(&mut *c).await?;
            sqlx::query("INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(id_hash).bind(user.0).bind(csrf).bind(now).bind(expires)
                .execute(&mut *c).await?;
        });
        tx.audit("login", "user", Some(user.0), serde_json::json!({ "method": method })).await?;
        tx.commit().await
    }

    /// The user and CSRF token of a live session.
    pub async fn session(&self, id_hash: &str, now: NaiveDateTime) -> Result<Option<(User, String)>> {
        let row: Option<(i64, String)> = with_pool!(self, p => sqlx::query_as(
            "SELECT s.user_id, s.csrf_token FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.id_hash = $1 AND s.expires_at > $2 AND NOT u.disabled")
            .bind(id_hash).bind(now).fetch_optional(p).await?);
        match row {
            Some((uid, csrf)) => Ok(Some((self.user(UserId(uid)).await?, csrf))),
            None => Ok(None),
        }
    }

    pub async fn end_session(&self, actor: &Actor, id_hash: &str) -> Result<()> {
        let mut tx = self.begin(actor.clone()).await?;
        on_tx!(tx, c => { sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(&mut *c).await?; });
        tx.audit("logout", "user", actor.user_id.map(|u| u.0), serde_json::json!({})).await?;
        tx.commit().await
    }

    /// Stores a new API token for `user` (given as its hash).
    pub async fn create_token(&self, actor: &Actor, user: UserId, token_hash: &str, name: &str) -> Result<()> {
        let mut tx = self.begin(actor.clone()).await?;
        let id = tx.next_id("api_tokens").await?;
        let at = actor.at;
        on_tx!(tx, c => {
            sqlx::query("INSERT INTO api_tokens (id, user_id, token_hash, name, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(id).bind(user.0).bind(token_hash).bind(name).bind(at)
                .execute(&mut *c).await?;
        });
        tx.audit("create", "api_token", Some(id), serde_json::json!({ "user_id": user.0, "name": name })).await?;
        tx.commit().await
    }

    /// The user a bearer token belongs to, if the token is known and the user active.
    pub async fn token_user(&self, token_hash: &str) -> Result<Option<User>> {
        let uid: Option<i64> = with_pool!(self, p => sqlx::query_scalar(
            "SELECT t.user_id FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND NOT u.disabled")
            .bind(token_hash).fetch_optional(p).await?);
        match uid {
            Some(u) => Ok(Some(self.user(UserId(u)).await?)),
            None => Ok(None),
        }
    }
}

impl Tx {
    pub(crate) async fn insert_user(&mut self, u: &User) -> Result<()> {
        on_tx!(self, c => {
            sqlx::query("INSERT INTO users (id, username, person_id, organisation_id, role, password_hash, disabled, version) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                .bind(u.id.0).bind(&u.username).bind(u.person_id.map(|p| p.0)).bind(u.organisation_id.map(|o| o.0))
                .bind(u.role.as_str()).bind(&u.password_hash).bind(u.disabled).bind(u.version)
                .execute(&mut *c).await?;
        });
        self.insert_user_councils(u.id, &u.councils).await
    }

    async fn insert_user_councils(&mut self, user: UserId, councils: &[CouncilId]) -> Result<()> {
        for k in councils {
            on_tx!(self, c => {
                sqlx::query("INSERT INTO user_councils (user_id, council_id) VALUES ($1, $2)")
                    .bind(user.0).bind(k.0).execute(&mut *c).await?;
            });
        }
        Ok(())
    }
}
