//! The Swedish web app: pages rendered by templates, forms that work without
//! JavaScript. Generic list/new/edit pages serve every [`Resource`]; the
//! working-document, measure, meeting and priority pages are their own.

use crate::AppState;
use crate::auth::{CsrfForm, CurrentUser};
use crate::error::AppError;
use crate::form::{Field, attach_errors};
use crate::resource::{Lookups, Resource};
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use tryggve_core::access::Action;
use tryggve_core::meeting::Meeting;
use tryggve_core::priority::Priority;
use tryggve_core::register::{Area, Council, Organisation, Person, User};
use tryggve_core::situation::Incident;
use tryggve_core::workdoc::{Collaboration, Measure};

mod accessibility;
mod admin;
mod followup;
mod home;
mod import;
mod lagesbild;
mod login;
mod meetings;
mod records;

pub use admin::audit_to_csv;
pub use followup::since_point;
pub use lagesbild::member_viewer;
pub use records::swedish_when;
pub use records::{FollowUpInput, author_name, check_follow_up};

/// What every page's frame needs: title, user menu, CSRF token, demo banner.
pub struct Layout {
    pub title: String,
    pub user: Option<UserInfo>,
    pub csrf: String,
    pub demo: bool,
    /// The path of the current section, to mark it in the navigation.
    pub section: &'static str,
}

pub struct UserInfo {
    pub username: String,
    pub role: &'static str,
    pub is_admin: bool,
    /// May edit working documents (and so import earlier minutes).
    pub can_edit: bool,
}

impl Layout {
    pub fn new(
        state: &AppState,
        user: Option<&CurrentUser>,
        title: impl Into<String>,
        section: &'static str,
    ) -> Layout {
        Layout {
            title: title.into(),
            user: user.map(|u| UserInfo {
                username: u.user.username.clone(),
                role: u.user.role.label(),
                is_admin: u.may(Action::ManageUsers),
                can_edit: u.may(Action::EditWorkingDocuments),
            }),
            csrf: user.and_then(|u| u.csrf.clone()).unwrap_or_default(),
            demo: state.config.demo,
            section,
        }
    }

    pub fn is_current(&self, href: &str) -> bool {
        href == self.section
    }

    /// The navigation: (path, label), shown to logged-in users.
    pub fn nav(&self) -> Vec<(&'static str, &'static str)> {
        let mut v = vec![
            ("/", "Översikt"),
            (Collaboration::PATH, "Platssamverkan"),
            (Incident::PATH, "Händelser"),
            ("/lagesbild", "Lägesbild"),
            ("/uppfoljning", "Att följa upp"),
            ("/sedan", "Ändrat"),
            (Priority::PATH, "Prioriteringar"),
            (Meeting::PATH, "Möten"),
            (Organisation::PATH, "Organisationer"),
            (Person::PATH, "Personer"),
            (Area::PATH, "Områden"),
        ];
        if self.user.as_ref().is_some_and(|u| u.can_edit) {
            v.push(("/import/protokoll", "Importera protokoll"));
        }
        if self.user.as_ref().is_some_and(|u| u.is_admin) {
            v.extend([
                (User::PATH, "Användare"),
                (Council::PATH, "Råd"),
                ("/lagrum", "Lagrum"),
                ("/admin/klassning", "Klassning"),
                ("/admin/logg", "Logg"),
                ("/admin/tillganglighet", "Tillgänglighetsrapporter"),
            ]);
        }
        v
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    message: &'static str,
}

/// An error as a page (the API has its own JSON form in `AppError`).
pub fn error_page(e: AppError, user: Option<&CurrentUser>) -> Response {
    e.log();
    let status = e.status();
    let layout = Layout {
        title: "Fel".into(),
        user: user.map(|u| UserInfo {
            username: u.user.username.clone(),
            role: u.user.role.label(),
            is_admin: false,
            can_edit: false,
        }),
        csrf: user.and_then(|u| u.csrf.clone()).unwrap_or_default(),
        demo: false,
        section: "",
    };
    (status, ErrorPage { layout, message: e.message() }).into_response()
}

pub async fn not_found(crate::auth::MaybeUser(user): crate::auth::MaybeUser) -> Response {
    error_page(AppError::NotFound, user.as_ref())
}

pub async fn static_file(Path(file): Path<String>) -> Response {
    match file.as_str() {
        "style.css" => ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], include_str!("../../static/style.css"))
            .into_response(),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

pub(crate) fn routes() -> Router<AppState> {
    let r = Router::new()
        .route("/", get(home::home))
        .route("/login", get(login::form).post(login::submit))
        .route("/login/oidc", get(login::oidc_start))
        .route("/login/oidc/callback", get(login::oidc_callback))
        .route("/logout", axum::routing::post(login::logout))
        .route(
            "/tillganglighet",
            get(accessibility::statement)
                .post(accessibility::submit)
                .layer(axum::extract::DefaultBodyLimit::max(accessibility::BODY_LIMIT)),
        )
        .route("/admin/tillganglighet", get(accessibility::reports))
        .route("/admin/klassning", get(admin::classification_defaults).post(admin::save_classification_default))
        .route("/admin/logg", get(admin::audit))
        .route("/admin/logg.csv", get(admin::audit_csv))
        .route("/logg/mina", get(admin::my_reads))
        .route(
            "/import/protokoll",
            get(import::upload_form)
                .post(import::upload)
                .layer(axum::extract::DefaultBodyLimit::max(import::BODY_LIMIT)),
        )
        .route("/import/protokoll/{id}", get(import::review).post(import::decide))
        .route("/uppfoljning", get(followup::overview))
        .route("/sedan", get(followup::since))
        .route("/platser/{id}", get(followup::dossier))
        .route("/sok", get(followup::search))
        .route("/moten/{id}", get(meetings::meeting))
        .route("/moten/{id}/dagordning", axum::routing::post(meetings::agenda_change))
        .route("/moten/{id}/protokoll/{version}/{format}", get(meetings::draft))
        .route("/moten/{id}/justera", get(meetings::approve_form).post(meetings::approve))
        .route("/protokoll", get(meetings::published))
        .route("/protokoll/{id}", get(meetings::approved))
        .route("/protokoll/{id}/{version}/{format}", get(meetings::approved_file))
        .route("/protokoll/{id}/publicera", axum::routing::post(meetings::publish))
        .route("/lagesbild", get(lagesbild::view))
        .route("/lagesbild/rapport/{format}", get(lagesbild::report))
        .route("/lagesbild/offentlig/{format}", get(lagesbild::public_report))
        .route("/lagesbild/text", axum::routing::post(lagesbild::save_text))
        .route("/lagesbild/frys", axum::routing::post(lagesbild::freeze))
        .route("/lagesbild/fryst/{id}", get(lagesbild::frozen))
        .route("/lagesbild/fryst/{id}/rapport/{format}", get(lagesbild::frozen_report))
        .route("/atgarder/{id}/status", axum::routing::post(followup::quick_status));
    let r = records::routes(r);
    let r = crud::<Organisation>(r, true);
    let r = crud::<Person>(r, true);
    let r = crud::<Area>(r, true);
    let r = crud::<User>(r, true);
    let r = crud::<Council>(r, true);
    let r = crud::<tryggve_core::secrecy::LegalReference>(r, true);
    let r = crud::<Collaboration>(r, false);
    let r = crud::<Measure>(r, false);
    let r = crud::<Priority>(r, false);
    let r = crud::<Incident>(r, true);
    crud::<Meeting>(r, false)
}

/// List, new and edit pages for a resource. With `detail_is_edit`, the
/// record's own path shows its edit form; otherwise `records` serves it.
fn crud<T: Resource>(r: Router<AppState>, detail_is_edit: bool) -> Router<AppState> {
    let r = r
        .route(T::PATH, get(list::<T>).post(create::<T>))
        .route(&format!("{}/ny", T::PATH), get(new::<T>))
        .route(&format!("{}/{{id}}/redigera", T::PATH), get(edit::<T>).post(update::<T>));
    if detail_is_edit { r.route(&format!("{}/{{id}}", T::PATH), get(edit::<T>)) } else { r }
}

#[derive(Template, WebTemplate)]
#[template(path = "list.html")]
struct ListPage {
    layout: Layout,
    heading: &'static str,
    columns: &'static [&'static str],
    rows: Vec<(String, Vec<String>)>,
    new_href: Option<String>,
}

async fn list<T: Resource>(State(s): State<AppState>, user: CurrentUser) -> Response {
    let result: Result<Response, AppError> = async {
        if let Some(a) = T::read_action() {
            user.require(a)?;
        }
        let lk = Lookups::load(&s.db).await?;
        let records = T::list(&s.db, &user.viewer()).await?;
        let rows = records.iter().map(|r| (format!("{}/{}", T::PATH, r.id()), r.row(&lk))).collect();
        Ok(ListPage {
            layout: Layout::new(&s, Some(&user), T::TITLE, T::PATH),
            heading: T::TITLE,
            columns: T::columns(),
            rows,
            new_href: user.may(T::write_action()).then(|| format!("{}/ny", T::PATH)),
        }
        .into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

#[derive(Template, WebTemplate)]
#[template(path = "form.html")]
pub struct FormPage {
    pub layout: Layout,
    pub heading: String,
    pub action: String,
    pub fields: Vec<Field>,
    pub version: String,
    /// Errors that belong to no shown field.
    pub general_errors: Vec<String>,
    /// On a stale edit: the record as it is now stored, shown beside the user's text.
    pub conflict: Option<Vec<Field>>,
    pub readonly: bool,
    pub back: String,
}

impl FormPage {
    pub fn has_errors(&self) -> bool {
        !self.general_errors.is_empty() || self.fields.iter().any(|f| f.error.is_some())
    }
}

/// The form for a new record; query parameters prefill it (`/atgarder/ny?collaboration_id=1&kind=problem`).
async fn new<T: Resource>(
    State(s): State<AppState>,
    user: CurrentUser,
    uri: axum::http::Uri,
    prefill: Result<axum::extract::Query<T::Input>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let result: Result<Response, AppError> = async {
        user.require(T::write_action())?;
        let lk = Lookups::load(&s.db).await?;
        let input = match prefill {
            Ok(q) if uri_has_query(&uri) => q.0,
            _ => T::defaults(&lk, &user),
        };
        Ok(form_page::<T>(&s, &user, &lk, None, &input, None, None).into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

async fn edit<T: Resource>(State(s): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Response {
    let result: Result<Response, AppError> = async {
        if let Some(a) = T::read_action() {
            user.require(a)?;
        }
        let id: T::Id = id.parse().map_err(|_| AppError::NotFound)?;
        let lk = Lookups::load(&s.db).await?;
        let record = crate::access_log::get::<T>(&s, &user, id).await?;
        Ok(form_page::<T>(&s, &user, &lk, Some(&record), &record.to_input(&lk), None, None).into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

fn uri_has_query(uri: &axum::http::Uri) -> bool {
    uri.query().is_some_and(|q| !q.is_empty())
}

fn form_page<T: Resource>(
    s: &AppState,
    user: &CurrentUser,
    lk: &Lookups,
    existing: Option<&T>,
    input: &T::Input,
    errors: Option<&tryggve_core::FieldErrors>,
    conflict: Option<&T>,
) -> FormPage {
    let mut fields = T::fields(input, lk);
    let general_errors = errors.map(|e| attach_errors(&mut fields, e)).unwrap_or_default();
    let (heading, action, back) = match existing {
        Some(r) => (
            format!("Redigera {}: {}", T::SINGULAR, r.label()),
            format!("{}/{}/redigera", T::PATH, r.id()),
            format!("{}/{}", T::PATH, r.id()),
        ),
        None => (format!("Ny {}", T::SINGULAR), T::PATH.to_owned(), T::PATH.to_owned()),
    };
    FormPage {
        layout: Layout::new(s, Some(user), heading.clone(), T::PATH),
        heading,
        action,
        fields,
        version: match conflict {
            Some(c) => c.version().to_string(),
            None => T::input_version(input).to_owned(),
        },
        general_errors,
        conflict: conflict.map(|c| T::fields(&c.to_input(lk), lk)),
        readonly: !user.may(T::write_action()),
        back,
    }
}

async fn create<T: Resource>(State(s): State<AppState>, CsrfForm(user, input): CsrfForm<T::Input>) -> Response {
    let result: Result<Response, AppError> = async {
        user.require(T::write_action())?;
        let lk = Lookups::load(&s.db).await?;
        let mut errors = match T::from_input(&input, None, &lk, &user) {
            Ok(record) => {
                let errors = T::check_refs(&s.db, &user.viewer(), &record).await?;
                if errors.is_empty() {
                    match T::create(&s.db, &user.actor(), &record).await {
                        Ok(id) => {
                            return Ok(Redirect::to(&format!("{}/{id}", T::PATH)).into_response());
                        }
                        Err(tryggve_db::DbError::Duplicate) => duplicate(T::UNIQUE_FIELD),
                        Err(e) => return Err(e.into()),
                    }
                } else {
                    errors
                }
            }
            Err(e) => e,
        };
        errors.0.dedup();
        let page = form_page::<T>(&s, &user, &lk, None, &input, Some(&errors), None);
        Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

fn duplicate(field: &str) -> tryggve_core::FieldErrors {
    let mut e = tryggve_core::FieldErrors::new();
    e.add(field, "Det finns redan en post med det namnet.");
    e
}

async fn update<T: Resource>(
    State(s): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(user, input): CsrfForm<T::Input>,
) -> Response {
    let result: Result<Response, AppError> = async {
        user.require(T::write_action())?;
        let id: T::Id = id.parse().map_err(|_| AppError::NotFound)?;
        let lk = Lookups::load(&s.db).await?;
        let viewer = user.viewer();
        let existing = T::get(&s.db, &viewer, id).await?;
        let errors = match T::from_input(&input, Some(&existing), &lk, &user) {
            Ok(record) => {
                let errors = T::check_refs(&s.db, &viewer, &record).await?;
                if errors.is_empty() {
                    match T::update(&s.db, &user.actor(), &viewer, &record).await {
                        Ok(()) => return Ok(Redirect::to(&format!("{}/{id}", T::PATH)).into_response()),
                        Err(tryggve_db::DbError::Conflict { .. }) => {
                            // Someone saved first: keep the user's text and show the stored version beside it.
                            let current = T::get(&s.db, &viewer, id).await?;
                            let mut e = tryggve_core::FieldErrors::new();
                            e.add(
                                "version",
                                "Någon annan har sparat ändringar medan du redigerade. Din text finns kvar nedan; \
                                 den sparade versionen visas bredvid. Spara igen för att ersätta den med din text.",
                            );
                            let page = form_page::<T>(&s, &user, &lk, Some(&current), &input, Some(&e), Some(&current));
                            return Ok((StatusCode::CONFLICT, page).into_response());
                        }
                        Err(tryggve_db::DbError::Duplicate) => duplicate(T::UNIQUE_FIELD),
                        Err(e) => return Err(e.into()),
                    }
                } else {
                    errors
                }
            }
            Err(e) => e,
        };
        let page = form_page::<T>(&s, &user, &lk, Some(&existing), &input, Some(&errors), None);
        Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}
