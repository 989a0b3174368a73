//! Importing earlier minutes from the web app (`/import/protokoll`): upload a
//! text, Markdown or DOCX file; the importer's proposal is kept as a pending
//! import; the review page lists every proposed record with its key fields,
//! and the reviewer takes each one along (as proposed or edited) or leaves it
//! out. Nothing is written before the decisions are posted; then the
//! accepted records are written in one transaction and the pending import is
//! marked done, so posting the same decisions again writes nothing.
//!
//! Leaving a record out also leaves out what cannot exist without it: a
//! council's collaborations, priorities and meetings, and a collaboration's
//! measures. Records that merely refer to a left-out record keep their text
//! and lose the reference (a measure's responsible person, a meeting's
//! attendee or contact, an agenda item's collaboration). The review page
//! says so beside each record, and the receipt lists what was left out and why.
//!
//! Edited text passes the same checks as the record forms: the length and
//! character checks of `tryggve_core::text`, and the personal-data check on
//! every text the reviewer changed (the document's own wording is taken as
//! written, as the command-line import does).
//!
//! Here: the upload, the stored proposal and the handlers; `review` builds
//! what the review page shows of each record, `decisions` applies the
//! reviewer's choices.

use super::{Layout, error_page};
use crate::AppState;
use crate::auth::{CsrfForm, CurrentUser};
use crate::error::AppError;
use crate::resource::Lookups;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};
use tryggve_core::FieldErrors;
use tryggve_core::Viewer;
use tryggve_core::access::{Action, Classification};
use tryggve_core::export::ExportDocument;
use tryggve_core::text::{self, MAX_LINE};

mod decisions;
mod review;

use decisions::{already_stored, apply};
use review::*;

/// The largest file accepted.
pub const UPLOAD_LIMIT: usize = 5 * 1024 * 1024;
/// The request body limit of the upload: the file plus the form's other fields and framing.
pub const BODY_LIMIT: usize = UPLOAD_LIMIT + 64 * 1024;

const PATH: &str = "/import/protokoll";
const RECORD_TYPE: &str = "pending_import";

// ---- the stored proposal ----

/// The importer's proposal as stored (`tryggve_import::minutes::Proposal` in JSON).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Stored {
    create: ExportDocument,
    #[serde(default)]
    existing: Vec<StoredExisting>,
    #[serde(default)]
    merge_suggestions: Vec<StoredMerge>,
    #[serde(default)]
    unresolved: Vec<StoredUnresolved>,
    #[serde(default)]
    unrecognised: Vec<StoredUnrecognised>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredExisting {
    kind: String,
    id: i64,
    name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredMerge {
    kind: String,
    names: Vec<String>,
    suggested: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredUnresolved {
    line: usize,
    field: String,
    text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredUnrecognised {
    line: usize,
    text: String,
    reason: String,
}

/// What the receipt shows, stored with the finished import.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Receipt {
    created: Vec<ReceiptLine>,
    left_out: Vec<ReceiptLine>,
    existing: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReceiptLine {
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub why: String,
}

// ---- record kinds ----

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Council,
    Person,
    Collaboration,
    Measure,
    Priority,
    Meeting,
}

impl Kind {
    const ALL: [Kind; 6] =
        [Kind::Council, Kind::Person, Kind::Collaboration, Kind::Measure, Kind::Priority, Kind::Meeting];

    fn key(self) -> &'static str {
        match self {
            Kind::Council => "council",
            Kind::Person => "person",
            Kind::Collaboration => "collaboration",
            Kind::Measure => "measure",
            Kind::Priority => "priority",
            Kind::Meeting => "meeting",
        }
    }

    fn from_key(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.key() == s)
    }

    fn singular(self) -> &'static str {
        match self {
            Kind::Council => "Råd",
            Kind::Person => "Person",
            Kind::Collaboration => "Platssamverkan",
            Kind::Measure => "Åtgärd",
            Kind::Priority => "Prioriterat område",
            Kind::Meeting => "Möte",
        }
    }

    fn plural(self) -> &'static str {
        match self {
            Kind::Council => "Råd",
            Kind::Person => "Personer",
            Kind::Collaboration => "Platssamverkan",
            Kind::Measure => "Åtgärder",
            Kind::Priority => "Prioriterade områden",
            Kind::Meeting => "Möten",
        }
    }
}

fn kind_label(key: &str) -> String {
    match key {
        "organisation" => "Organisation".into(),
        "text" => "Text som står två gånger".into(),
        k => Kind::from_key(k).map_or_else(|| k.to_owned(), |k| k.singular().to_owned()),
    }
}

// ---- view models ----

/// One editable value of a proposed record.
pub struct EditField {
    /// The form field's name: `{kind}-{id}.{part}`.
    pub name: String,
    /// The HTML id (`f-…`).
    pub id: String,
    pub label: String,
    /// `line`, `text` or `classification`.
    pub kind: &'static str,
    pub value: String,
    pub error: Option<String>,
}

/// One proposed record on the review page.
pub struct RecordView {
    /// `{kind}-{id}`: the prefix of its form fields.
    pub key: String,
    pub title: String,
    pub accepted: bool,
    pub facts: Vec<(&'static str, String)>,
    pub fields: Vec<EditField>,
    /// What leaving it out also leaves out or detaches.
    pub note: String,
    pub error: Option<String>,
}

pub struct Group {
    pub id: &'static str,
    pub heading: &'static str,
    pub records: Vec<RecordView>,
}

#[derive(Template, WebTemplate)]
#[template(path = "import_upload.html")]
pub struct UploadPage {
    layout: Layout,
    errors: Vec<String>,
    open: Vec<(i64, String, String)>,
    limit_mb: usize,
}

#[derive(Template, WebTemplate)]
#[template(path = "import_review.html")]
pub struct ReviewPage {
    layout: Layout,
    id: i64,
    file_name: String,
    uploaded_at: String,
    groups: Vec<Group>,
    existing: Vec<(String, String)>,
    merges: Vec<(String, String, String)>,
    unresolved: Vec<StoredUnresolved>,
    unrecognised: Vec<StoredUnrecognised>,
    /// (anchor, message) of every error, for the summary at the top.
    errors: Vec<(String, String)>,
    nothing_new: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "import_receipt.html")]
pub struct ReceiptPage {
    layout: Layout,
    file_name: String,
    done_at: String,
    created: Vec<ReceiptLine>,
    left_out: Vec<ReceiptLine>,
    existing: usize,
    summary: String,
}

// ---- access ----

/// Only users who may edit working documents use the importer; a refusal is logged.
async fn require(s: &AppState, user: &CurrentUser) -> Result<(), AppError> {
    if user.may(Action::EditWorkingDocuments) {
        Ok(())
    } else {
        Err(crate::access_log::forbidden(s, user, RECORD_TYPE).await)
    }
}

/// A pending import is the uploader's (and an administrator's); to anyone else it does not exist.
async fn load(
    s: &AppState,
    user: &CurrentUser,
    id: &str,
) -> Result<tryggve_db::minutes_import::PendingImport, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let p = s.db.pending_import(id).await?;
    if p.uploaded_by != Some(user.user.id) && !user.may(Action::ManageUsers) {
        return Err(AppError::NotFound);
    }
    Ok(p)
}

// ---- upload ----

pub async fn upload_form(State(s): State<AppState>, user: CurrentUser) -> Response {
    let result: Result<Response, AppError> = async {
        require(&s, &user).await?;
        Ok(upload_page(&s, &user, vec![]).await?.into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

async fn upload_page(s: &AppState, user: &CurrentUser, errors: Vec<String>) -> Result<UploadPage, AppError> {
    let open =
        s.db.open_pending_imports(user.user.id)
            .await?
            .into_iter()
            .map(|(id, name, at)| (id, name, at.format("%Y-%m-%d %H:%M").to_string()))
            .collect();
    Ok(UploadPage {
        layout: Layout::new(s, Some(user), "Importera protokoll", PATH),
        errors,
        open,
        limit_mb: UPLOAD_LIMIT / (1024 * 1024),
    })
}

/// Reads the upload (`csrf_token`, `file`), parses and resolves it, keeps the proposal, and shows its review page.
pub async fn upload(
    State(s): State<AppState>,
    user: CurrentUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let result: Result<Response, AppError> = async {
        require(&s, &user).await?;
        match take_upload(&s, &user, multipart).await? {
            Ok(id) => Ok(Redirect::to(&format!("{PATH}/{id}")).into_response()),
            Err((status, message)) => Ok((status, upload_page(&s, &user, vec![message]).await?).into_response()),
        }
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

/// The stored pending import's id, or why the file was refused (status and a Swedish message).
async fn take_upload(
    s: &AppState,
    user: &CurrentUser,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Result<i64, (StatusCode, String)>, AppError> {
    let refuse = |message: &str| Ok(Err((StatusCode::UNPROCESSABLE_ENTITY, message.to_owned())));
    let mut multipart = multipart.map_err(|e| AppError::BadRequest(e.body_text()))?;
    let (mut token, mut file_name, mut bytes) = (None, String::new(), Vec::new());
    let mut too_large = false;
    'fields: loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                too_large = true;
                break;
            }
            Err(e) => return Err(AppError::BadRequest(e.body_text())),
        };
        match field.name() {
            Some("csrf_token") => token = field.text().await.ok(),
            Some("file") => {
                file_name = clean_file_name(field.file_name().unwrap_or(""));
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) if bytes.len() + chunk.len() > UPLOAD_LIMIT => {
                            too_large = true;
                            break 'fields;
                        }
                        Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
                        Ok(None) => break,
                        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                            too_large = true;
                            break 'fields;
                        }
                        Err(e) => return Err(AppError::BadRequest(e.body_text())),
                    }
                }
            }
            _ => {}
        }
    }
    if too_large {
        let mb = UPLOAD_LIMIT / (1024 * 1024);
        return Ok(Err((StatusCode::PAYLOAD_TOO_LARGE, format!("Filen är för stor: högst {mb} MB."))));
    }
    if user.csrf.is_none() || token.as_deref() != user.csrf.as_deref() {
        tracing::warn!(user_id = %user.user.id, "upload with a missing or wrong CSRF token");
        return Err(AppError::Forbidden);
    }
    if bytes.is_empty() {
        return refuse("Välj en fil med ett protokoll.");
    }
    if file_name.is_empty() {
        file_name = "protokoll".into();
    }
    let draft = match tryggve_import::minutes::read(&file_name, &bytes) {
        Ok(d) => d,
        Err(e) => {
            let problems: Vec<String> = e.problems.iter().map(|p| p.to_string()).collect();
            return refuse(&format!("Filen kunde inte läsas: {}", problems.join("; ")));
        }
    };
    let register = s.db.register_and_records(&Viewer::admin()).await?;
    let proposal = match tryggve_import::minutes::resolve(&draft, &register) {
        Ok(p) => p,
        Err(e) => return refuse(&format!("Filen ser inte ut som ett protokoll: {e}.")),
    };
    let mut stored: Stored =
        serde_json::from_value(serde_json::to_value(&proposal).map_err(internal)?).map_err(internal)?;
    hide_what_the_uploader_may_not_see(s, user, &mut stored).await?;
    let json = serde_json::to_value(&stored).map_err(internal)?;
    Ok(Ok(s.db.create_pending_import(&user.actor(), &file_name, &json).await?))
}

fn internal(e: serde_json::Error) -> AppError {
    AppError::Internal(e.to_string())
}

/// The file name as sent, without a path, control characters or excess length.
fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    base.chars().filter(|c| !c.is_control()).take(200).collect::<String>().trim().to_owned()
}

/// Names of stored records the uploader may not read are not shown on the review page.
async fn hide_what_the_uploader_may_not_see(s: &AppState, user: &CurrentUser, p: &mut Stored) -> Result<(), AppError> {
    let seen = s.db.register_and_records(&user.viewer()).await?;
    let mut visible: BTreeSet<(&str, i64)> = BTreeSet::new();
    visible.extend(seen.councils.iter().map(|x| ("council", x.id.0)));
    visible.extend(seen.people.iter().map(|x| ("person", x.id.0)));
    visible.extend(seen.collaborations.iter().map(|x| ("collaboration", x.id.0)));
    visible.extend(seen.measures.iter().map(|x| ("measure", x.id.0)));
    visible.extend(seen.priorities.iter().map(|x| ("priority", x.id.0)));
    visible.extend(seen.meetings.iter().map(|x| ("meeting", x.id.0)));
    for e in &mut p.existing {
        if !visible.contains(&(e.kind.as_str(), e.id)) {
            e.name = "(en post som du inte har behörighet att läsa)".into();
        }
    }
    Ok(())
}

// ---- review ----

pub async fn review(State(s): State<AppState>, user: CurrentUser, Path(id): Path<String>) -> Response {
    let result: Result<Response, AppError> = async {
        require(&s, &user).await?;
        let p = load(&s, &user, &id).await?;
        if p.done_at.is_some() {
            return Ok(receipt_page(&s, &user, &p)?.into_response());
        }
        let stored: Stored = serde_json::from_value(p.proposal.clone()).map_err(internal)?;
        let lk = Lookups::load(&s.db).await?;
        Ok(review_page(&s, &user, &p, &stored, &lk, &HashMap::new(), &FieldErrors::new()).into_response())
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

fn receipt_page(
    s: &AppState,
    user: &CurrentUser,
    p: &tryggve_db::minutes_import::PendingImport,
) -> Result<ReceiptPage, AppError> {
    let r: Receipt = match &p.result {
        Some(v) => serde_json::from_value(v.clone()).map_err(internal)?,
        None => Receipt::default(),
    };
    let count = |k: Kind| r.created.iter().filter(|l| l.kind == k.singular()).count();
    let summary = format!(
        "Skapade {} råd, {} personer, {} platssamverkan, {} åtgärder, {} prioriterade områden och {} möten.",
        count(Kind::Council),
        count(Kind::Person),
        count(Kind::Collaboration),
        count(Kind::Measure),
        count(Kind::Priority),
        count(Kind::Meeting),
    );
    Ok(ReceiptPage {
        layout: Layout::new(s, Some(user), "Importen är klar", PATH),
        file_name: p.file_name.clone(),
        done_at: p.done_at.map(|d| d.format("%Y-%m-%d %H:%M").to_string()).unwrap_or_default(),
        created: r.created,
        left_out: r.left_out,
        existing: r.existing,
        summary,
    })
}

/// Everything the review form may post: `{kind}-{id}.decision` and `{kind}-{id}.{part}`.
type Posted = HashMap<String, String>;

fn review_page(
    s: &AppState,
    user: &CurrentUser,
    p: &tryggve_db::minutes_import::PendingImport,
    stored: &Stored,
    lk: &Lookups,
    posted: &Posted,
    errors: &FieldErrors,
) -> ReviewPage {
    let names = Names::new(&stored.create, lk);
    let doc = &stored.create;
    let mut groups = vec![];
    let mut summary = vec![];
    for kind in Kind::ALL {
        let mut records = vec![];
        for (id, title) in names.records(kind) {
            let key = format!("{}-{id}", kind.key());
            let accepted = posted.get(&format!("{key}.decision")).is_none_or(|d| d != "reject");
            let fields = specs(doc, kind, id)
                .into_iter()
                .map(|spec| {
                    let name = format!("{key}.{}", spec.part);
                    let value = posted.get(&name).cloned().unwrap_or(spec.value);
                    let id = format!("f-{}", name.replace('.', "-"));
                    let error = errors.get(&name).map(str::to_owned);
                    if let Some(e) = &error {
                        summary.push((id.clone(), format!("{}: {e}", spec.label)));
                    }
                    EditField { name, id, label: spec.label, kind: spec.kind, value, error }
                })
                .collect();
            let error = errors.get(&key).map(str::to_owned);
            if let Some(e) = &error {
                summary.push((format!("r-{key}"), e.clone()));
            }
            records.push(RecordView {
                title: format!("{}: {title}", kind.singular()),
                accepted,
                facts: facts(doc, &names, kind, id),
                fields,
                note: dependents_note(doc, kind, id),
                error,
                key,
            });
        }
        groups.push(Group { id: kind.key(), heading: kind.plural(), records });
    }
    for e in &errors.0 {
        if e.field == "general" {
            summary.push(("beslut".into(), e.message.clone()));
        }
    }
    let nothing_new = groups.iter().all(|g| g.records.is_empty());
    ReviewPage {
        layout: Layout::new(s, Some(user), format!("Granska import: {}", p.file_name), PATH),
        id: p.id,
        file_name: p.file_name.clone(),
        uploaded_at: p.uploaded_at.format("%Y-%m-%d %H:%M").to_string(),
        groups,
        existing: stored.existing.iter().map(|e| (kind_label(&e.kind), e.name.clone())).collect(),
        merges: stored
            .merge_suggestions
            .iter()
            .map(|m| (kind_label(&m.kind), m.names.join(", "), m.suggested.clone()))
            .collect(),
        unresolved: stored.unresolved.clone(),
        unrecognised: stored.unrecognised.clone(),
        errors: summary,
        nothing_new,
    }
}

// ---- decisions ----

/// Posts the decisions: writes what was accepted (as edited), once.
pub async fn decide(
    State(s): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(user, posted): CsrfForm<Posted>,
) -> Response {
    let result: Result<Response, AppError> = async {
        require(&s, &user).await?;
        let p = load(&s, &user, &id).await?;
        let back = Redirect::to(&format!("{PATH}/{}", p.id)).into_response();
        if p.done_at.is_some() {
            return Ok(back);
        }
        let stored: Stored = serde_json::from_value(p.proposal.clone()).map_err(internal)?;
        let lk = Lookups::load(&s.db).await?;
        let (doc, receipt) = match apply(&stored, &posted, &lk, &user) {
            Ok(x) => x,
            Err(errors) => {
                let page = review_page(&s, &user, &p, &stored, &lk, &posted, &errors);
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
            }
        };
        let stale = already_stored(&doc, &s.db.register_and_records(&Viewer::admin()).await?);
        if !stale.is_empty() {
            let mut errors = FieldErrors::new();
            errors.add(
                "general",
                format!(
                    "Sedan filen laddades upp har någon lagt in {}, så ingenting sparades. Ladda upp filen igen \
                     för ett nytt förslag.",
                    and_list(&stale)
                ),
            );
            let page = review_page(&s, &user, &p, &stored, &lk, &posted, &errors);
            return Ok((StatusCode::CONFLICT, page).into_response());
        }
        let receipt = serde_json::to_value(&receipt).map_err(internal)?;
        match s.db.import_pending_minutes(&user.actor(), p.id, &doc, &receipt).await {
            Ok(_) => Ok(back),
            Err(e @ (tryggve_db::DbError::Duplicate | tryggve_db::DbError::MissingReference)) => {
                let mut errors = FieldErrors::new();
                errors.add(
                    "general",
                    if matches!(e, tryggve_db::DbError::Duplicate) {
                        "Någon av posterna har lagts in av någon annan sedan filen laddades upp, så ingenting \
                         sparades. Ladda upp filen igen för ett nytt förslag."
                    } else {
                        "Registret har ändrats sedan filen laddades upp: något som förslaget hänvisar till \
                         (en organisation, person eller plats) finns inte längre, så ingenting sparades. \
                         Ladda upp filen igen för ett nytt förslag."
                    },
                );
                let page = review_page(&s, &user, &p, &stored, &lk, &posted, &errors);
                Ok((StatusCode::CONFLICT, page).into_response())
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    result.unwrap_or_else(|e| error_page(e, Some(&user)))
}

#[cfg(test)]
mod tests {
    use super::decisions::check;
    use super::*;

    #[test]
    fn a_file_name_loses_its_path_and_control_characters() {
        assert_eq!(clean_file_name("C:\\Users\\anna\\protokoll 2021.docx"), "protokoll 2021.docx");
        assert_eq!(clean_file_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_file_name("a\u{0}b\nc.txt"), "abc.txt");
    }

    #[test]
    fn counts_and_lists_read_as_swedish() {
        assert_eq!(count(1, "möte", "möten"), "1 möte");
        assert_eq!(count(3, "åtgärd", "åtgärder"), "3 åtgärder");
        let l = |v: &[&str]| and_list(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(l(&["a"]), "a");
        assert_eq!(l(&["a", "b", "c"]), "a, b och c");
    }

    #[test]
    fn only_public_and_internal_are_offered() {
        let mut e = FieldErrors::new();
        assert_eq!(check(&mut e, "x", Check::Classification, "public").as_deref(), Some("public"));
        assert_eq!(check(&mut e, "x", Check::Classification, "restricted"), None);
        assert_eq!(e.get("x"), Some("Välj offentlig eller intern."));
    }
}
