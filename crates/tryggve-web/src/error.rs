//! Errors at the HTTP edge. The user sees a Swedish message (a page) or a
//! JSON error; the detail of an unexpected error is logged once, with its
//! cause chain, and never shown.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tryggve_core::FieldErrors;
use tryggve_db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("not logged in")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("stale version")]
    Conflict { current: i64 },
    #[error("invalid input: {0}")]
    Invalid(FieldErrors),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => AppError::NotFound,
            DbError::Conflict { current } => AppError::Conflict { current },
            DbError::Duplicate => {
                let mut f = FieldErrors::new();
                f.add("name", "Det namnet finns redan.");
                AppError::Invalid(f)
            }
            DbError::MissingReference => {
                let mut f = FieldErrors::new();
                f.add(
                    "general",
                    "Något som uppgiften hänvisar till finns inte längre. Ladda om sidan och försök igen.",
                );
                AppError::Invalid(f)
            }
            other => AppError::Internal(format!("{other:?}")),
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(e: FieldErrors) -> Self {
        AppError::Invalid(e)
    }
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The Swedish message shown to the user.
    pub fn message(&self) -> &'static str {
        match self {
            AppError::NotFound => "Sidan eller posten finns inte, eller så saknar du behörighet att se den.",
            AppError::Unauthorized => "Du behöver logga in.",
            AppError::Forbidden => "Du har inte behörighet att göra det här.",
            AppError::Conflict { .. } => "Posten har ändrats av någon annan sedan du öppnade den.",
            AppError::Invalid(_) => "Uppgifterna behöver rättas.",
            AppError::BadRequest(_) => "Begäran kunde inte tolkas.",
            AppError::Internal(_) => "Något gick fel hos oss. Försök igen om en stund.",
        }
    }

    pub(crate) fn log(&self) {
        if let AppError::Internal(detail) = self {
            tracing::error!(detail = %detail, "internal error");
        }
    }
}

/// The JSON form, used by the API.
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let mut body = json!({ "error": self.code(), "message": self.message() });
        match &self {
            AppError::Invalid(f) => body["fields"] = serde_json::to_value(f).unwrap_or_default(),
            AppError::Conflict { current } => body["current_version"] = json!(current),
            AppError::BadRequest(d) => body["detail"] = json!(d),
            _ => {}
        }
        (self.status(), Json(body)).into_response()
    }
}

impl AppError {
    fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::Unauthorized => "unauthorized",
            AppError::Forbidden => "forbidden",
            AppError::Conflict { .. } => "conflict",
            AppError::Invalid(_) => "invalid",
            AppError::BadRequest(_) => "bad_request",
            AppError::Internal(_) => "internal",
        }
    }
}
