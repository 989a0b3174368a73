//! Logging who saw what: reads of restricted records, and attempts that
//! were denied — by role, or at a record the user may not see (which the
//! user is told does not exist).

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::resource::Resource;
use tryggve_core::Viewer;

/// Logs the read when the record is restricted.
pub async fn read<T: Resource>(s: &AppState, user: &CurrentUser, record: &T) -> Result<(), AppError> {
    if record.restricted() {
        let id = record.id().to_string().parse::<i64>().ok();
        s.db.log_access(&user.actor(), "read", T::RECORD_TYPE, id, serde_json::json!({})).await?;
    }
    Ok(())
}

/// Fetches a record for the user; when it exists but is hidden from them,
/// logs the denied attempt and answers "not found" all the same.
pub async fn get<T: Resource>(s: &AppState, user: &CurrentUser, id: T::Id) -> Result<T, AppError> {
    match T::get(&s.db, &user.viewer(), id).await {
        Ok(r) => {
            read(s, user, &r).await?;
            Ok(r)
        }
        Err(tryggve_db::DbError::NotFound) => {
            let everyone = Viewer { role: Some(tryggve_core::access::Role::Admin), ..user.viewer() };
            if T::get(&s.db, &everyone, id).await.is_ok() {
                let rid = id.to_string().parse::<i64>().ok();
                s.db.log_access(
                    &user.actor(),
                    "denied",
                    T::RECORD_TYPE,
                    rid,
                    serde_json::json!({ "reason": "classification" }),
                )
                .await?;
            }
            Err(AppError::NotFound)
        }
        Err(e) => Err(e.into()),
    }
}

/// Logs a request refused for the user's role.
pub async fn forbidden(s: &AppState, user: &CurrentUser, what: &str) -> AppError {
    if let Err(e) = s.db.log_access(&user.actor(), "denied", what, None, serde_json::json!({ "reason": "role" })).await
    {
        tracing::error!(error = %e, "could not log a denied attempt");
    }
    AppError::Forbidden
}
