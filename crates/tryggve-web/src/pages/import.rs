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

/// Names of the proposal's records and of the register's, for headings and facts.
struct Names<'a> {
    doc: &'a ExportDocument,
    lk: &'a Lookups,
}

impl<'a> Names<'a> {
    fn new(doc: &'a ExportDocument, lk: &'a Lookups) -> Names<'a> {
        Names { doc, lk }
    }

    /// (provisional id, heading) of each proposed record of a kind, in the proposal's order.
    fn records(&self, kind: Kind) -> Vec<(i64, String)> {
        let d = self.doc;
        match kind {
            Kind::Council => d.councils.iter().map(|x| (x.id.0, x.name.clone())).collect(),
            Kind::Person => d.people.iter().map(|x| (x.id.0, x.name.clone())).collect(),
            Kind::Collaboration => d.collaborations.iter().map(|x| (x.id.0, x.name.clone())).collect(),
            Kind::Measure => d.measures.iter().map(|x| (x.id.0, measure_label(x))).collect(),
            Kind::Priority => d.priorities.iter().map(|x| (x.id.0, x.title.clone())).collect(),
            Kind::Meeting => d
                .meetings
                .iter()
                .map(|x| (x.id.0, format!("{} {}", x.body, x.starts_at.format("%Y-%m-%d %H:%M"))))
                .collect(),
        }
    }

    fn council(&self, id: i64) -> String {
        let d = self.doc.councils.iter().find(|c| c.id.0 == id).map(|c| c.name.clone());
        d.or_else(|| self.lk.councils.iter().find(|c| c.id.0 == id).map(|c| c.name.clone())).unwrap_or_default()
    }

    fn person(&self, id: i64) -> String {
        let d = self.doc.people.iter().find(|p| p.id.0 == id).map(|p| format!("{} (ny)", p.name));
        d.or_else(|| self.lk.people.iter().find(|p| p.id.0 == id).map(|p| p.name.clone())).unwrap_or_default()
    }

    fn collaboration(&self, id: i64) -> String {
        self.doc
            .collaborations
            .iter()
            .find(|c| c.id.0 == id)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| format!("#{id}"))
    }

    fn area(&self, id: i64) -> String {
        self.lk.areas.iter().find(|a| a.id.0 == id).map(|a| a.name.clone()).unwrap_or_default()
    }

    fn org(&self, id: i64) -> String {
        self.lk.organisations.iter().find(|o| o.id.0 == id).map(|o| o.name.clone()).unwrap_or_default()
    }
}

/// A measure by its problem and action (rows of one table often share the problem).
fn measure_label(m: &tryggve_core::workdoc::Measure) -> String {
    match (m.problem.trim().is_empty(), m.action.trim().is_empty()) {
        (false, false) => format!("{} – {}", short(&m.problem, 70), short(&m.action, 50)),
        (false, true) => short(&m.problem, 90),
        (true, _) => short(&m.action, 90),
    }
}

/// "1 åtgärd", "3 åtgärder".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The start of a long text, for a heading.
fn short(s: &str, max: usize) -> String {
    let first = s.lines().next().unwrap_or("").trim();
    if first.chars().count() > max {
        format!("{}…", first.chars().take(max).collect::<String>().trim_end())
    } else if first.is_empty() {
        "(utan text)".into()
    } else {
        first.to_owned()
    }
}

/// The key fields of a proposed record, shown as they will be stored.
fn facts(doc: &ExportDocument, n: &Names, kind: Kind, id: i64) -> Vec<(&'static str, String)> {
    let nonempty = |v: Vec<(&'static str, String)>| v.into_iter().filter(|(_, x)| !x.is_empty()).collect();
    match kind {
        Kind::Council => {
            let c = doc.councils.iter().find(|x| x.id.0 == id);
            nonempty(vec![("Område", c.and_then(|c| c.area_id).map(|a| n.area(a.0)).unwrap_or_default())])
        }
        Kind::Person => {
            let Some(p) = doc.people.iter().find(|x| x.id.0 == id) else { return vec![] };
            nonempty(vec![
                ("Organisation", p.organisation_id.map(|o| n.org(o.0)).unwrap_or_default()),
                ("Andra stavningar", p.aliases.join(", ")),
                ("E-post", p.email.clone()),
                ("Telefon", p.phone.clone()),
            ])
        }
        Kind::Collaboration => {
            let Some(c) = doc.collaborations.iter().find(|x| x.id.0 == id) else { return vec![] };
            let measures = doc.measures.iter().filter(|m| m.collaboration_id == c.id).count();
            nonempty(vec![
                ("Råd", n.council(c.council_id.0)),
                ("Platser", c.place_ids.iter().map(|a| n.area(a.0)).collect::<Vec<_>>().join(", ")),
                ("Beskrivning", c.narrative.clone()),
                ("Åtgärder", measures.to_string()),
            ])
        }
        Kind::Measure => {
            let Some(m) = doc.measures.iter().find(|x| x.id.0 == id) else { return vec![] };
            let mut responsible = m.responsible_text.clone();
            let resolved: Vec<String> = m
                .responsible_person_id
                .map(|p| n.person(p.0))
                .into_iter()
                .chain(m.responsible_org_id.map(|o| n.org(o.0)))
                .filter(|x| !x.is_empty())
                .collect();
            if !resolved.is_empty() {
                responsible = format!("{responsible} → {}", resolved.join(", "));
            }
            let participants: Vec<String> = m.participant_ids.iter().map(|o| n.org(o.0)).collect();
            let mut participants_text = m.participants_text.clone();
            if !participants.is_empty() {
                participants_text = format!("{participants_text} → {}", participants.join(", "));
            }
            let status = if m.status_text.is_empty() {
                m.status.label().to_owned()
            } else {
                format!("{} – {}", m.status.label(), m.status_text)
            };
            nonempty(vec![
                ("Platssamverkan", n.collaboration(m.collaboration_id.0)),
                ("Tabell", m.kind.label().to_owned()),
                ("Plats", m.place_id.map(|a| n.area(a.0)).unwrap_or_default()),
                ("Deltagare", participants_text),
                ("Sammankallande/ansvarig", responsible),
                ("Status", status),
            ])
        }
        Kind::Priority => {
            let Some(p) = doc.priorities.iter().find(|x| x.id.0 == id) else { return vec![] };
            nonempty(vec![
                ("Råd", n.council(p.council_id.0)),
                ("Plan", p.plan_title.clone()),
                ("Sammanfattning", p.summary.clone()),
                ("Utgångspunkter", p.starting_points.len().to_string()),
                ("Metoder", p.methods.len().to_string()),
            ])
        }
        Kind::Meeting => {
            let Some(m) = doc.meetings.iter().find(|x| x.id.0 == id) else { return vec![] };
            let ends = m.ends_at.map(|e| format!("–{}", e.format("%H:%M"))).unwrap_or_default();
            let attendees: Vec<String> = m.attendees.iter().map(|a| n.person(a.person_id.0)).collect();
            nonempty(vec![
                ("Råd", n.council(m.council_id.0)),
                ("Tid", format!("{}{ends}", m.starts_at.format("%Y-%m-%d %H:%M"))),
                ("Digitalt", if m.online { "Ja".into() } else { String::new() }),
                ("Närvarande", attendees.join(", ")),
                ("Kontaktperson", m.contact_person_id.map(|p| n.person(p.0)).unwrap_or_default()),
                ("Punkter på dagordningen", m.items.len().to_string()),
            ])
        }
    }
}

/// One editable value: where it is posted, how it is checked, what it holds.
struct Spec {
    part: String,
    label: String,
    kind: &'static str,
    value: String,
    check: Check,
    /// Checked for personal data when changed.
    personal: bool,
}

#[derive(Clone, Copy)]
enum Check {
    RequiredLine,
    OptionalLine,
    Text,
    Classification,
}

fn spec(part: &str, label: &str, check: Check, value: &str, personal: bool) -> Spec {
    let kind = match check {
        Check::RequiredLine | Check::OptionalLine => "line",
        Check::Text => "text",
        Check::Classification => "classification",
    };
    Spec { part: part.into(), label: label.into(), kind, value: value.to_owned(), check, personal }
}

fn class(c: Classification) -> &'static str {
    c.as_str()
}

/// The editable values of a proposed record.
fn specs(doc: &ExportDocument, kind: Kind, id: i64) -> Vec<Spec> {
    use Check::*;
    match kind {
        Kind::Council => doc
            .councils
            .iter()
            .filter(|x| x.id.0 == id)
            .flat_map(|c| [spec("name", "Namn", RequiredLine, &c.name, true)])
            .collect(),
        Kind::Person => doc
            .people
            .iter()
            .filter(|x| x.id.0 == id)
            .flat_map(|p| {
                [
                    spec("name", "Namn", RequiredLine, &p.name, false),
                    spec("title", "Titel", OptionalLine, &p.title, true),
                ]
            })
            .collect(),
        Kind::Collaboration => doc
            .collaborations
            .iter()
            .filter(|x| x.id.0 == id)
            .flat_map(|c| {
                [
                    spec("name", "Namn", RequiredLine, &c.name, true),
                    spec("summary", "Sammanfattning", Text, &c.summary, true),
                    spec("classification", "Klassning", Classification, class(c.classification), false),
                ]
            })
            .collect(),
        Kind::Measure => doc
            .measures
            .iter()
            .filter(|x| x.id.0 == id)
            .flat_map(|m| {
                [
                    spec("problem", "Problemområde", Text, &m.problem, true),
                    spec("action", "Åtgärd/insats", Text, &m.action, true),
                    spec("classification", "Klassning", Classification, class(m.classification), false),
                ]
            })
            .collect(),
        Kind::Priority => doc
            .priorities
            .iter()
            .filter(|x| x.id.0 == id)
            .flat_map(|p| {
                [
                    spec("title", "Rubrik", RequiredLine, &p.title, true),
                    spec("classification", "Klassning", Classification, class(p.classification), false),
                ]
            })
            .collect(),
        Kind::Meeting => {
            let Some(m) = doc.meetings.iter().find(|x| x.id.0 == id) else { return vec![] };
            let mut v = vec![
                spec("location", "Plats", OptionalLine, &m.location, true),
                spec("classification", "Klassning", Classification, class(m.classification), false),
            ];
            for (i, item) in m.items.iter().enumerate() {
                let n = i + 1;
                v.push(spec(
                    &format!("item-{i}.heading"),
                    &format!("Punkt {n}: rubrik"),
                    RequiredLine,
                    &item.heading,
                    true,
                ));
                v.push(spec(
                    &format!("item-{i}.classification"),
                    &format!("Punkt {n}: klassning"),
                    Classification,
                    class(item.classification),
                    false,
                ));
            }
            v
        }
    }
}

/// What leaving a record out also does, said beside it.
fn dependents_note(doc: &ExportDocument, kind: Kind, id: i64) -> String {
    match kind {
        Kind::Council => {
            let collabs: Vec<_> = doc.collaborations.iter().filter(|c| c.council_id.0 == id).map(|c| c.id).collect();
            let measures = doc.measures.iter().filter(|m| collabs.contains(&m.collaboration_id)).count();
            let priorities = doc.priorities.iter().filter(|p| p.council_id.0 == id).count();
            let meetings = doc.meetings.iter().filter(|m| m.council_id.0 == id).count();
            let parts = [
                (collabs.len(), count(collabs.len(), "platssamverkan", "platssamverkan")),
                (measures, count(measures, "åtgärd", "åtgärder")),
                (priorities, count(priorities, "prioriterat område", "prioriterade områden")),
                (meetings, count(meetings, "möte", "möten")),
            ];
            let parts: Vec<String> = parts.into_iter().filter(|(n, _)| *n > 0).map(|(_, t)| t).collect();
            if parts.is_empty() {
                String::new()
            } else {
                format!("Tas rådet inte med, tas inte heller dess {} med.", and_list(&parts))
            }
        }
        Kind::Collaboration => {
            let n = doc.measures.iter().filter(|m| m.collaboration_id.0 == id).count();
            if n == 0 {
                String::new()
            } else {
                format!("Tas platssamverkan inte med, tas inte heller dess {} med.", count(n, "åtgärd", "åtgärder"))
            }
        }
        Kind::Person => {
            let measures = doc.measures.iter().filter(|m| m.responsible_person_id.is_some_and(|p| p.0 == id)).count();
            let meetings = doc
                .meetings
                .iter()
                .filter(|m| {
                    m.attendees.iter().any(|a| a.person_id.0 == id)
                        || m.contact_person_id.is_some_and(|p| p.0 == id)
                        || m.invited.iter().any(|p| p.0 == id)
                })
                .count();
            let parts =
                [(measures, count(measures, "åtgärd", "åtgärder")), (meetings, count(meetings, "möte", "möten"))];
            let parts: Vec<String> = parts.into_iter().filter(|(n, _)| *n > 0).map(|(_, t)| t).collect();
            if parts.is_empty() {
                String::new()
            } else {
                format!(
                    "Tas personen inte med, kopplas hen bort från {}; texten som står där finns kvar.",
                    and_list(&parts)
                )
            }
        }
        Kind::Measure | Kind::Priority | Kind::Meeting => String::new(),
    }
}

/// "a", "a och b", "a, b och c".
fn and_list(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} och {last}", rest.join(", ")),
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

/// The decisions applied to the proposal: the records to write and the receipt, or the errors to show.
fn apply(
    stored: &Stored,
    posted: &Posted,
    lk: &Lookups,
    user: &CurrentUser,
) -> Result<(ExportDocument, Receipt), FieldErrors> {
    let mut doc = stored.create.clone();
    let mut errors = FieldErrors::new();
    let private = lk.private_names();
    let names = Names::new(&stored.create, lk);

    // Edited values, checked like the record forms check them.
    for kind in Kind::ALL {
        for (id, _) in names.records(kind) {
            let key = format!("{}-{id}", kind.key());
            for sp in specs(&stored.create, kind, id) {
                let name = format!("{key}.{}", sp.part);
                let Some(value) = posted.get(&name) else { continue };
                let value = match check(&mut errors, &name, sp.check, value) {
                    Some(v) => v,
                    None => continue,
                };
                if sp.personal && value != sp.value {
                    crate::form::check_personal_data(&mut errors, &name, &value, &private);
                }
                set(&mut doc, kind, id, &sp.part, value);
            }
        }
    }
    for m in &doc.measures {
        if m.problem.is_empty() && m.action.is_empty() {
            errors.add(&format!("measure-{}.problem", m.id.0), "Beskriv problemet eller åtgärden.");
        }
    }

    // What was left out, and what goes with it.
    let rejected =
        |kind: Kind, id: i64| posted.get(&format!("{}-{id}.decision", kind.key())).is_some_and(|d| d == "reject");
    let mut left_out: Vec<ReceiptLine> = vec![];
    let mut out =
        |kind: Kind, name: String, why: String| left_out.push(ReceiptLine { kind: kind.singular().into(), name, why });
    let gone_councils: BTreeSet<i64> =
        doc.councils.iter().filter(|c| rejected(Kind::Council, c.id.0)).map(|c| c.id.0).collect();
    let gone_people: BTreeSet<i64> =
        doc.people.iter().filter(|p| rejected(Kind::Person, p.id.0)).map(|p| p.id.0).collect();
    let council_name = |id: i64| doc.councils.iter().find(|c| c.id.0 == id).map(|c| c.name.clone()).unwrap_or_default();
    let mut gone_collabs = BTreeSet::new();
    let mut gone_priorities = BTreeSet::new();
    let mut gone_measures = BTreeSet::new();
    let mut gone_meetings = BTreeSet::new();
    for c in &doc.councils {
        if gone_councils.contains(&c.id.0) {
            out(Kind::Council, c.name.clone(), "avvisad".into());
        }
    }
    for p in &doc.people {
        if gone_people.contains(&p.id.0) {
            out(Kind::Person, p.name.clone(), "avvisad".into());
        }
    }
    for c in &doc.collaborations {
        if rejected(Kind::Collaboration, c.id.0) {
            out(Kind::Collaboration, c.name.clone(), "avvisad".into());
        } else if gone_councils.contains(&c.council_id.0) {
            out(Kind::Collaboration, c.name.clone(), format!("rådet {} avvisades", council_name(c.council_id.0)));
        } else {
            continue;
        }
        gone_collabs.insert(c.id.0);
    }
    for m in &doc.measures {
        let label = measure_label(m);
        if rejected(Kind::Measure, m.id.0) {
            out(Kind::Measure, label, "avvisad".into());
        } else if gone_collabs.contains(&m.collaboration_id.0) {
            let collab = doc.collaborations.iter().find(|c| c.id == m.collaboration_id).map(|c| c.name.clone());
            out(Kind::Measure, label, format!("platssamverkan {} togs inte med", collab.unwrap_or_default()));
        } else {
            continue;
        }
        gone_measures.insert(m.id.0);
    }
    for p in &doc.priorities {
        if rejected(Kind::Priority, p.id.0) {
            out(Kind::Priority, p.title.clone(), "avvisad".into());
        } else if gone_councils.contains(&p.council_id.0) {
            out(Kind::Priority, p.title.clone(), format!("rådet {} avvisades", council_name(p.council_id.0)));
        } else {
            continue;
        }
        gone_priorities.insert(p.id.0);
    }
    for m in &doc.meetings {
        let label = format!("{} {}", m.body, m.starts_at.format("%Y-%m-%d %H:%M"));
        if rejected(Kind::Meeting, m.id.0) {
            out(Kind::Meeting, label, "avvisad".into());
        } else if gone_councils.contains(&m.council_id.0) {
            out(Kind::Meeting, label, format!("rådet {} avvisades", council_name(m.council_id.0)));
        } else {
            continue;
        }
        gone_meetings.insert(m.id.0);
    }

    doc.councils.retain(|c| !gone_councils.contains(&c.id.0));
    doc.people.retain(|p| !gone_people.contains(&p.id.0));
    doc.collaborations.retain(|c| !gone_collabs.contains(&c.id.0));
    doc.priorities.retain(|p| !gone_priorities.contains(&p.id.0));
    doc.measures.retain(|m| !gone_measures.contains(&m.id.0));
    doc.meetings.retain(|m| !gone_meetings.contains(&m.id.0));
    // References to left-out records are dropped; the text beside them stays.
    for m in &mut doc.measures {
        if m.responsible_person_id.is_some_and(|p| gone_people.contains(&p.0)) {
            m.responsible_person_id = None;
        }
        m.priority_ids.retain(|p| !gone_priorities.contains(&p.0));
    }
    for m in &mut doc.meetings {
        m.attendees.retain(|a| !gone_people.contains(&a.person_id.0));
        m.invited.retain(|p| !gone_people.contains(&p.0));
        if m.contact_person_id.is_some_and(|p| gone_people.contains(&p.0)) {
            m.contact_person_id = None;
        }
        for item in &mut m.items {
            item.collaboration_ids.retain(|c| !gone_collabs.contains(&c.0));
            if item.measure_id.is_some_and(|x| gone_measures.contains(&x.0)) {
                item.measure_id = None;
            }
        }
    }

    // The register (councils, people) is kept by those who may edit it.
    if !user.may(Action::EditRegister) {
        for c in &doc.councils {
            errors.add(
                &format!("council-{}", c.id.0),
                "Bara sammankallande och administratörer får lägga in nya råd. Avvisa rådet eller be någon av dem importera.",
            );
        }
        for p in &doc.people {
            errors.add(
                &format!("person-{}", p.id.0),
                "Bara sammankallande och administratörer får lägga in nya personer. Avvisa personen eller be någon av dem importera.",
            );
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let mut created = vec![];
    let mut line =
        |kind: Kind, name: String| created.push(ReceiptLine { kind: kind.singular().into(), name, why: String::new() });
    doc.councils.iter().for_each(|x| line(Kind::Council, x.name.clone()));
    doc.people.iter().for_each(|x| line(Kind::Person, x.name.clone()));
    doc.collaborations.iter().for_each(|x| line(Kind::Collaboration, x.name.clone()));
    doc.measures.iter().for_each(|x| line(Kind::Measure, measure_label(x)));
    doc.priorities.iter().for_each(|x| line(Kind::Priority, x.title.clone()));
    doc.meetings
        .iter()
        .for_each(|x| line(Kind::Meeting, format!("{} {}", x.body, x.starts_at.format("%Y-%m-%d %H:%M"))));
    Ok((doc, Receipt { created, left_out, existing: stored.existing.len() }))
}

/// Accepted records whose natural key (the importer's, see `tryggve_import::minutes::resolve`)
/// the register has come to hold since the upload: another import of the same document.
fn already_stored(doc: &ExportDocument, now: &ExportDocument) -> Vec<String> {
    use tryggve_import::minutes::names::norm;
    let mut found = vec![];
    for c in &doc.councils {
        if now.councils.iter().any(|x| norm(&x.name) == norm(&c.name)) {
            found.push(format!("rådet {}", c.name));
        }
    }
    for p in &doc.people {
        if now
            .people
            .iter()
            .any(|x| norm(&x.name) == norm(&p.name) || x.aliases.iter().any(|a| norm(a) == norm(&p.name)))
        {
            found.push(format!("personen {}", p.name));
        }
    }
    for c in &doc.collaborations {
        if now.collaborations.iter().any(|x| x.council_id == c.council_id && norm(&x.name) == norm(&c.name)) {
            found.push(format!("platssamverkan {}", c.name));
        }
    }
    for m in &doc.measures {
        let same = |x: &tryggve_core::workdoc::Measure| {
            x.collaboration_id == m.collaboration_id
                && x.kind == m.kind
                && norm(&x.problem) == norm(&m.problem)
                && norm(&x.action) == norm(&m.action)
        };
        if now.measures.iter().any(same) {
            found.push(format!("åtgärden {}", measure_label(m)));
        }
    }
    for p in &doc.priorities {
        if now.priorities.iter().any(|x| x.council_id == p.council_id && norm(&x.title) == norm(&p.title)) {
            found.push(format!("det prioriterade området {}", p.title));
        }
    }
    for m in &doc.meetings {
        if now.meetings.iter().any(|x| x.council_id == m.council_id && x.starts_at == m.starts_at) {
            found.push(format!("mötet {}", m.starts_at.format("%Y-%m-%d %H:%M")));
        }
    }
    found
}

/// Checks one posted value; `None` (with the error added) when it does not pass.
fn check(errors: &mut FieldErrors, field: &str, c: Check, value: &str) -> Option<String> {
    match c {
        Check::RequiredLine => errors.check(field, text::required_line(value, MAX_LINE)),
        Check::OptionalLine => errors.check(field, text::optional_line(value, MAX_LINE)),
        Check::Text => errors.check(field, text::free_text(value, 2000)),
        Check::Classification => match Classification::parse(value) {
            Ok(c @ (Classification::Public | Classification::Internal)) => Some(c.as_str().to_owned()),
            _ => {
                errors.add(field, "Välj offentlig eller intern.");
                None
            }
        },
    }
}

/// Puts a checked value into the proposed record.
fn set(doc: &mut ExportDocument, kind: Kind, id: i64, part: &str, value: String) {
    let classification = || Classification::parse(&value).unwrap_or(Classification::Internal);
    match kind {
        Kind::Council => {
            if let Some(c) = doc.councils.iter_mut().find(|x| x.id.0 == id)
                && part == "name"
            {
                c.name = value;
            }
        }
        Kind::Person => {
            if let Some(p) = doc.people.iter_mut().find(|x| x.id.0 == id) {
                match part {
                    "name" => p.name = value,
                    "title" => p.title = value,
                    _ => {}
                }
            }
        }
        Kind::Collaboration => {
            if let Some(c) = doc.collaborations.iter_mut().find(|x| x.id.0 == id) {
                match part {
                    "name" => c.name = value,
                    "summary" => c.summary = value,
                    "classification" => c.classification = classification(),
                    _ => {}
                }
            }
        }
        Kind::Measure => {
            if let Some(m) = doc.measures.iter_mut().find(|x| x.id.0 == id) {
                match part {
                    "problem" => m.problem = value,
                    "action" => m.action = value,
                    "classification" => m.classification = classification(),
                    _ => {}
                }
            }
        }
        Kind::Priority => {
            if let Some(p) = doc.priorities.iter_mut().find(|x| x.id.0 == id) {
                match part {
                    "title" => p.title = value,
                    "classification" => p.classification = classification(),
                    _ => {}
                }
            }
        }
        Kind::Meeting => {
            let c = classification();
            let Some(m) = doc.meetings.iter_mut().find(|x| x.id.0 == id) else { return };
            match part {
                "location" => m.location = value,
                "classification" => m.classification = c,
                _ => {
                    let Some((item, field)) = part.strip_prefix("item-").and_then(|r| r.split_once('.')) else {
                        return;
                    };
                    let Some(item) = item.parse::<usize>().ok().and_then(|i| m.items.get_mut(i)) else { return };
                    match field {
                        "heading" => item.heading = value,
                        "classification" => item.classification = c,
                        _ => {}
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
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
