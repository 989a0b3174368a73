//! `tryggve`: the one binary. `main` reads the command line and the
//! configuration, sets up logging and dispatches to a command; the commands
//! are thin wrappers around the library crates.

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use tryggve_core::access::Role;
use tryggve_core::export::ExportDocument;
use tryggve_core::register::User;
use tryggve_core::{UserId, Viewer};
use tryggve_db::{Actor, Db, DbError};

mod backup;
mod config;
mod demo;

use config::Config;

#[derive(Parser)]
#[command(name = "tryggve", version, about = "Tryggve: the working system of a local crime-prevention council")]
struct Cli {
    /// Configuration file (TOML); see tryggve.example.toml.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Database URL (`sqlite:PATH` or `postgres://…`); overrides the configuration.
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the database, or bring it up to date.
    Init,
    /// Run the web server.
    Serve {
        /// Load the Hägersten-Älvsjö demo council into an empty database.
        #[arg(long)]
        demo: bool,
        /// Address to listen on (overrides the configuration).
        #[arg(long)]
        addr: Option<String>,
    },
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// A consistent backup while the server runs: an SQLite copy, or pg_dump for PostgreSQL.
    Backup {
        /// The backup file to write (must not exist).
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a backup into an empty database (an SQLite backup also into PostgreSQL).
    Restore {
        file: PathBuf,
        /// Replace what the database holds.
        #[arg(long)]
        force: bool,
    },
    /// Write everything a user may see as one JSON document to standard output.
    Export {
        #[arg(long)]
        user: String,
    },
    /// Read an export document into an empty database, all or nothing;
    /// `import minutes FILE` reads earlier minutes into the database beside what is there.
    #[command(args_conflicts_with_subcommands = true)]
    Import {
        /// The export document (JSON).
        file: Option<PathBuf>,
        #[command(subcommand)]
        what: Option<ImportCommand>,
    },
    /// The situation picture's computations (see the benchmark specification).
    Situation {
        #[command(subcommand)]
        command: SituationCommand,
    },
    /// Bring in incidents: CSV files and the police's events feed.
    Incidents {
        #[command(subcommand)]
        command: IncidentsCommand,
    },
    /// The audit log: check its chain of hashes, or export it.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Retention (gallring): remove what need not be kept, and record what was removed.
    Retention {
        #[command(subcommand)]
        command: RetentionCommand,
    },
    /// Produce a document as a user would download it: what that user may see, nothing more.
    Render {
        #[command(subcommand)]
        command: RenderCommand,
    },
    /// Bring in indicator series: Brå statistics, safety surveys, population, generic CSV/XLSX.
    Indicators {
        #[command(subcommand)]
        command: IndicatorsCommand,
    },
    /// Personal data in free text (identity numbers, phone numbers, e-mail, plates, names).
    Privacy {
        #[command(subcommand)]
        command: PrivacyCommand,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Earlier minutes and working documents (text, Markdown or DOCX): the meeting, its
    /// attendees and items, priorities, place collaborations with their working documents,
    /// the next meeting. Records the database already holds are not created again.
    Minutes {
        file: PathBuf,
        /// Print what would be created (JSON: records, merge suggestions, what was not
        /// recognised) and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
enum PrivacyCommand {
    /// Read text from standard input, one item per line, and write one JSON object per line:
    /// {"line": N, "findings": [{"kind": …, "start": …, "end": …}]}, offsets in characters.
    /// The found text is never written. Without --names only the patterns are checked (no
    /// database is opened, so the register's names are not known).
    Scan {
        /// A file with names of people in the register to look for as well, one per line.
        #[arg(long, value_name = "FILE")]
        names: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum IncidentsCommand {
    /// Import incidents from CSV (the benchmark format or Tryggve's richer format), all or nothing.
    Import {
        file: PathBuf,
        /// The source the rows' ids belong to; importing the same source and ids again adds nothing.
        #[arg(long)]
        source: Option<String>,
        /// The reporting organisation, by name or alias.
        #[arg(long)]
        org: Option<String>,
        /// Source kind of rows that do not say (partner_observation, resident_tip, security_company, …).
        #[arg(long, default_value = "partner_observation")]
        kind: String,
        /// Mark the rows as synthetic (generated demo data).
        #[arg(long)]
        synthetic: bool,
    },
    /// Import events of the police's public events feed from a JSON file.
    ImportPolice { file: PathBuf },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Recompute every entry's hash; fails (exit 1) naming the first entry that does not match.
    Verify,
    /// Write the log as CSV to standard output.
    Export {
        /// Only entries of this action (read, denied, create, update, …).
        #[arg(long)]
        action: Option<String>,
    },
}

#[derive(Subcommand)]
enum RetentionCommand {
    /// Apply the retention rules of the configuration.
    Run {
        /// Count what would be removed, change nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
enum RenderCommand {
    /// A collaboration's working document (the seed's table layout).
    Workdoc {
        /// The collaboration, by name ("Platssamverkan Liljeholmen") or id.
        #[arg(long)]
        collaboration: String,
        /// docx, xlsx, pdf or html.
        #[arg(long)]
        format: String,
        /// Whose view: the document holds what this user may see.
        #[arg(long)]
        user: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// The minutes of a meeting.
    Minutes {
        /// The meeting's date (YYYY-MM-DD).
        #[arg(long)]
        meeting: String,
        /// The body that met, when several met that day.
        #[arg(long)]
        body: Option<String>,
        /// public or internal.
        #[arg(long)]
        version: String,
        /// pdf, docx or html.
        #[arg(long)]
        format: String,
        #[arg(long)]
        user: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// The lägesbild report of an area and period.
    Lagesbild {
        #[arg(long)]
        area: String,
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        /// pdf or html.
        #[arg(long)]
        format: String,
        /// Whose view: what this user may see, with every figure.
        #[arg(long, required_unless_present = "public", conflicts_with = "public")]
        user: Option<String>,
        /// The public version instead: public records only, small counts hidden
        /// (under `public_min_count` of the configuration).
        #[arg(long)]
        public: bool,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum IndicatorsCommand {
    /// Import an indicator series from CSV or XLSX, all or nothing; known formats name themselves.
    Import {
        file: PathBuf,
        #[arg(long)]
        name: Option<String>,
        /// reported_crimes, shootings, survey, population, …
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        source: Option<String>,
        #[arg(long)]
        licence: Option<String>,
        /// When the figures were retrieved (YYYY-MM-DD).
        #[arg(long)]
        retrieved: Option<String>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from a prompt, or from standard input when that is not a terminal.
    Add {
        name: String,
        #[arg(long)]
        role: String,
        /// The user's organisation, by name or alias.
        #[arg(long)]
        org: Option<String>,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token for a user; the token is printed as the last line.
    Create {
        #[arg(long)]
        user: String,
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

#[derive(Subcommand)]
enum SituationCommand {
    /// Task A: incidents per area × category × ISO week.
    Aggregate {
        #[arg(long)]
        areas: PathBuf,
        #[arg(long)]
        incidents: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Task B: Getis-Ord Gi* hotspots on a square grid in SWEREF 99 TM.
    Hotspots {
        #[arg(long)]
        incidents: PathBuf,
        #[arg(long, default_value_t = 250.0)]
        cell: f64,
        #[arg(long)]
        out: PathBuf,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tryggve: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    if let Command::Situation { command } = &cli.command {
        return situation(command);
    }
    if let Command::Privacy { command: PrivacyCommand::Scan { names } } = &cli.command {
        return privacy_scan(names.as_deref());
    }
    let mut cfg = Config::load(cli.config.as_deref())?;
    if let Some(url) = cli.database_url {
        cfg.database_url = url;
    }
    init_tracing(&cfg.log_format);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async move {
        let url = cfg.database_url()?;
        let db = Db::connect(&url).await.with_context(|| format!("opening the database {}", redact(&url)))?;
        let result = match cli.command {
            Command::Init => {
                println!("The database is ready: {}", redact(&url));
                Ok(())
            }
            Command::Serve { demo, addr } => serve(&db, cfg, demo, addr).await,
            Command::User { command: UserCommand::Add { name, role, org } } => user_add(&db, &name, &role, org).await,
            Command::Token { command: TokenCommand::Create { user, name } } => token_create(&db, &user, &name).await,
            Command::Backup { out } => backup::backup(&db, &url, &out).await,
            Command::Restore { file, force } => backup::restore(db.clone(), &url, &file, force).await,
            Command::Export { user } => export(&db, &user).await,
            Command::Import { what: Some(ImportCommand::Minutes { file, dry_run }), .. } => {
                import_minutes(&db, &file, dry_run).await
            }
            Command::Import { file: Some(file), what: None } => import(&db, &file).await,
            Command::Import { file: None, what: None } => {
                bail!("ange en exportfil (tryggve import FIL) eller protokoll (tryggve import minutes FIL)")
            }
            Command::Incidents { command } => incidents(&db, command).await,
            Command::Render { command } => render(&db, &cfg, command).await,
            Command::Audit { command: AuditCommand::Verify } => {
                let v = db.verify_audit().await?;
                match v.first_broken {
                    None => {
                        println!("The audit log is intact: {} entries, every hash matches.", v.entries);
                        Ok(())
                    }
                    Some(id) => Err(anyhow::anyhow!(
                        "the audit log has been changed: entry {id} does not match its hash ({} entries before it are intact)",
                        v.entries
                    )),
                }
            }
            Command::Audit { command: AuditCommand::Export { action } } => {
                let q = tryggve_db::audit::AuditQuery { action, limit: i64::MAX, ..Default::default() };
                let entries = db.audit_page(&q).await?;
                print!("{}", tryggve_web::audit_to_csv(&entries));
                Ok(())
            }
            Command::Retention { command: RetentionCommand::Run { dry_run } } => {
                let policy = cfg.retention_policy(now().date())?;
                let results = db.run_retention(&Actor::system(now()), &policy, dry_run).await?;
                for r in results {
                    let done = match (dry_run, r.action) {
                        (true, "anonymised") => "would anonymise: ",
                        (true, _) => "would remove: ",
                        (false, "anonymised") => "anonymised: ",
                        (false, _) => "removed: ",
                    };
                    println!("{done}{}: {} ({})", r.record_type, r.count, r.rule);
                }
                Ok(())
            }
            Command::Indicators {
                command: IndicatorsCommand::Import { file, name, kind, unit, source, licence, retrieved },
            } => {
                let meta = tryggve_import::indicators::SeriesMeta {
                    name: name.unwrap_or_default(),
                    kind: kind.unwrap_or_default(),
                    unit: unit.unwrap_or_default(),
                    source: source.unwrap_or_default(),
                    licence: licence.unwrap_or_default(),
                    retrieved_on: match retrieved {
                        Some(d) => Some(tryggve_core::text::date(&d).map_err(anyhow::Error::msg)?),
                        None => None,
                    },
                };
                indicators_import(&db, &file, &meta).await
            }
            Command::Situation { .. } | Command::Privacy { .. } => {
                unreachable!("handled before the database is opened")
            }
        };
        db.close().await;
        result
    })
}

fn init_tracing(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("TRYGGVE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = if format == "json" { builder.json().try_init() } else { builder.try_init() };
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

fn now() -> chrono::NaiveDateTime {
    tryggve_web::auth::now()
}

async fn serve(db: &Db, cfg: Config, demo: bool, addr: Option<String>) -> anyhow::Result<()> {
    if demo {
        if db.is_empty().await? {
            demo::load(db).await?;
            println!("Loaded the Hägersten-Älvsjö demo council.");
        } else if !demo::is_demo(db).await? {
            bail!("--demo needs an empty database or one that holds the demo; this one holds other data");
        }
    }
    let oidc = cfg.oidc()?;
    let addr = addr.unwrap_or(cfg.addr.clone());
    let listener = tokio::net::TcpListener::bind(&addr).await.with_context(|| format!("listening on {addr}"))?;
    let local = listener.local_addr()?;
    if let Some(o) = &oidc {
        println!("Login with the identity provider {} is on (client {}).", o.issuer, o.client_id);
    }
    let web = tryggve_web::WebConfig {
        demo,
        secure_cookies: cfg.secure_cookies,
        session_hours: cfg.session_hours,
        stalled_weeks: cfg.stalled_weeks,
        public_min_count: cfg.public_min_count,
        accessibility_contact: cfg.accessibility_contact.clone(),
        metrics_token: Some(cfg.metrics_token.0.clone()).filter(|t| !t.is_empty()),
        oidc,
    };
    println!("Tryggve is running at http://{local}/");
    if db.users().await?.is_empty() {
        println!("There are no users yet: add one with `tryggve user add NAME --role admin`.");
    }
    if demo {
        println!("Demo accounts (password \"{}\"):", demo::PASSWORD);
        for (name, role) in demo::ACCOUNTS {
            println!("  {name:<10} {role}");
        }
    }
    let _ = std::io::stdout().flush();
    let app = tryggve_web::router(db.clone(), web);
    if !cfg.police_feed_url.is_empty() {
        let feed = tryggve_web::police_feed::FeedConfig {
            url: cfg.police_feed_url.clone(),
            interval: std::time::Duration::from_secs(cfg.police_feed_interval_minutes.max(1) * 60),
            contact: cfg.police_feed_contact.clone(),
        };
        println!("Fetching the police's events feed every {} minutes.", cfg.police_feed_interval_minutes.max(1));
        tryggve_web::police_feed::spawn(db.clone(), feed);
    }
    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: finishing requests in flight");
}

fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let p = rpassword::prompt_password("Lösenord: ")?;
        let again = rpassword::prompt_password("Samma lösenord igen: ")?;
        if p != again {
            bail!("the passwords differ");
        }
        Ok(p)
    } else {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s)?;
        Ok(s.lines().next().unwrap_or("").to_owned())
    }
}

async fn user_add(db: &Db, name: &str, role: &str, org: Option<String>) -> anyhow::Result<()> {
    let username = tryggve_web::check_username(name).map_err(anyhow::Error::msg)?;
    let role = Role::parse(role).map_err(anyhow::Error::msg)?;
    let organisation_id = match org {
        Some(o) => {
            let orgs = db.organisations().await?;
            let key = o.trim().to_lowercase();
            let found =
                orgs.iter().find(|x| x.name.to_lowercase() == key || x.aliases.iter().any(|a| a.to_lowercase() == key));
            Some(found.with_context(|| format!("no organisation is called {o:?}"))?.id)
        }
        None => None,
    };
    let password = tryggve_web::check_password(&read_password()?).map_err(anyhow::Error::msg)?;
    let hash = tryggve_web::auth::hash_password(&password).map_err(anyhow::Error::msg)?;
    let councils = db.councils().await?.into_iter().map(|c| c.id).collect();
    let user = User {
        id: UserId(0),
        username: username.clone(),
        person_id: None,
        organisation_id,
        role,
        councils,
        disabled: false,
        password_hash: Some(hash),
        version: 1,
    };
    match db.create_user(&Actor::system(now()), &user).await {
        Ok(id) => {
            println!("Added user {username} ({}) with id {id}.", role.as_str());
            Ok(())
        }
        Err(DbError::Duplicate) => bail!("a user called {username:?} already exists"),
        Err(e) => Err(e.into()),
    }
}

async fn find_user(db: &Db, name: &str) -> anyhow::Result<User> {
    match db.user_for_login(name).await {
        Ok(u) => Ok(u),
        Err(DbError::NotFound) => bail!("no user is called {name:?}"),
        Err(e) => Err(e.into()),
    }
}

async fn token_create(db: &Db, user: &str, name: &str) -> anyhow::Result<()> {
    let u = find_user(db, user).await?;
    let token = tryggve_web::auth::random_token();
    db.create_token(&Actor::system(now()), u.id, &tryggve_web::auth::sha256_hex(&token), name).await?;
    println!("Created an API token for {}. Keep it secret; it is shown only once:", u.username);
    println!("{token}");
    Ok(())
}

async fn export(db: &Db, user: &str) -> anyhow::Result<()> {
    let u = find_user(db, user).await?;
    let viewer = Viewer { user_id: Some(u.id), organisation_id: u.organisation_id, role: Some(u.role) };
    let doc = db.export(&viewer).await?;
    let mut out = std::io::stdout().lock();
    out.write_all(doc.to_json().as_bytes())?;
    out.flush()?;
    Ok(())
}

async fn import(db: &Db, file: &std::path::Path) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let doc = ExportDocument::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    match db.import(&Actor::system(now()), &doc).await {
        Ok(()) => {
            println!(
                "Imported {} councils, {} organisations, {} people, {} users, {} areas, {} collaborations, {} measures, {} meetings.",
                doc.councils.len(),
                doc.organisations.len(),
                doc.people.len(),
                doc.users.len(),
                doc.areas.len(),
                doc.collaborations.len(),
                doc.measures.len(),
                doc.meetings.len()
            );
            Ok(())
        }
        Err(DbError::NotEmpty) => {
            bail!("the database is not empty: import needs an empty database")
        }
        Err(e) => Err(e.into()),
    }
}

/// `tryggve import minutes FILE [--dry-run]`: the proposal as JSON, or its records written in one transaction.
async fn import_minutes(db: &Db, file: &std::path::Path, dry_run: bool) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let draft = tryggve_import::minutes::read(&file_name(file), &bytes)?;
    let register = db.register_and_records(&Viewer::admin()).await?;
    let proposal =
        tryggve_import::minutes::resolve(&draft, &register).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    if dry_run {
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &proposal)?;
        writeln!(out)?;
        return Ok(());
    }
    let n = db.import_minutes(&Actor::system(now()), &proposal.create).await?;
    println!(
        "Skapade {} råd, {} personer, {} platssamverkan, {} åtgärder, {} prioriterade områden och {} möten \
         ({} poster fanns redan).",
        n.councils,
        n.people,
        n.collaborations,
        n.measures,
        n.priorities,
        n.meetings,
        proposal.existing.len()
    );
    for m in &proposal.merge_suggestions {
        eprintln!("Möjliga dubbletter ({}): {} → {}", m.kind, m.names.join(", "), m.suggested);
    }
    for u in &proposal.unrecognised {
        eprintln!("Rad {}: {} – {}", u.line, u.reason, u.text.lines().next().unwrap_or(""));
    }
    Ok(())
}

/// Writes a file whole or not at all (a temporary file renamed into place).
fn write_atomically(out: &std::path::Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = out.with_extension("tmp-tryggve");
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, out).with_context(|| format!("writing {}", out.display()))?;
    Ok(())
}

async fn render(db: &Db, cfg: &Config, command: RenderCommand) -> anyhow::Result<()> {
    let viewer_of = |u: &User| Viewer { user_id: Some(u.id), organisation_id: u.organisation_id, role: Some(u.role) };
    let today = now().date();
    let web_error = |e: tryggve_web::AppError| anyhow::anyhow!("{e}");
    match command {
        RenderCommand::Workdoc { collaboration, format, user, out } => {
            if !["docx", "xlsx", "pdf", "html"].contains(&format.as_str()) {
                bail!("--format must be docx, xlsx, pdf or html");
            }
            let u = find_user(db, &user).await?;
            let viewer = viewer_of(&u);
            let list = db.collaborations(&viewer, None).await?;
            let key = collaboration.trim().to_lowercase();
            let c = list
                .iter()
                .find(|c| c.name.to_lowercase() == key || c.id.to_string() == key)
                .with_context(|| format!("{user} may see no collaboration called {collaboration:?}"))?;
            let v = tryggve_web::workdoc_export::view(db, &viewer, c.id, today).await.map_err(web_error)?;
            let bytes = tryggve_web::workdoc_export::render(&v, &format).map_err(web_error)?;
            write_atomically(&out, &bytes)?;
            println!("Wrote {} ({} bytes).", out.display(), bytes.len());
        }
        RenderCommand::Minutes { meeting, body, version, format, user, out } => {
            if !["pdf", "docx", "html"].contains(&format.as_str()) {
                bail!("--format must be pdf, docx or html");
            }
            let version =
                tryggve_web::minutes::Version::parse(&version).context("--version must be public or internal")?;
            let day = tryggve_core::text::date(&meeting).map_err(anyhow::Error::msg)?;
            let u = find_user(db, &user).await?;
            let viewer = viewer_of(&u);
            let meetings = db.meetings(&viewer, None).await?;
            let found: Vec<_> = meetings
                .iter()
                .filter(|m| m.starts_at.date() == day)
                .filter(|m| body.as_ref().is_none_or(|b| m.body.eq_ignore_ascii_case(b.trim())))
                .collect();
            let m = match found.as_slice() {
                [m] => *m,
                [] => bail!("{user} may see no meeting on {day}"),
                _ => bail!("several bodies met on {day}: name one with --body"),
            };
            let v = tryggve_web::minutes::build(db, &viewer, m.id, version).await.map_err(web_error)?;
            // Approved minutes say so; otherwise this is a draft.
            let status = match db.minutes_of(Some(m.id)).await?.first() {
                Some(a) => {
                    format!("Justerat {} av {}, version {}", a.approved_at.format("%Y-%m-%d"), a.approved_by, a.version)
                }
                None => "Utkast – ej justerat".to_owned(),
            };
            let doc = tryggve_web::minutes::document(&v, &status);
            let bytes = match format.as_str() {
                "pdf" => tryggve_render::to_pdf(&doc)?,
                "docx" => tryggve_render::to_docx(&doc)?,
                _ => tryggve_render::to_html(&doc)?.into_bytes(),
            };
            write_atomically(&out, &bytes)?;
            println!("Wrote {} ({} bytes).", out.display(), bytes.len());
        }
        RenderCommand::Lagesbild { area, from, to, format, user, public, out } => {
            if !["pdf", "html"].contains(&format.as_str()) {
                bail!("--format must be pdf or html");
            }
            let (viewer, audience) = match user {
                Some(user) if !public => {
                    (viewer_of(&find_user(db, &user).await?), tryggve_web::lagesbild::Audience::Internal)
                }
                _ => (
                    tryggve_core::Viewer::anonymous(),
                    tryggve_web::lagesbild::Audience::Public { min_count: cfg.public_min_count },
                ),
            };
            let q = tryggve_web::situation::PictureQuery {
                area: Some(area),
                from: Some(from),
                to: Some(to),
                ..Default::default()
            };
            let v = tryggve_web::lagesbild::build(db, &viewer, &q, today).await.map_err(web_error)?;
            let doc = tryggve_web::lagesbild::report(&v, audience);
            let bytes = match format.as_str() {
                "pdf" => tryggve_render::to_pdf(&doc)?,
                _ => tryggve_render::to_html(&doc)?.into_bytes(),
            };
            write_atomically(&out, &bytes)?;
            println!("Wrote {} ({} bytes).", out.display(), bytes.len());
        }
    }
    Ok(())
}

/// The register's names, for resolving what import files write.
async fn register(db: &Db) -> anyhow::Result<tryggve_import::register::Register> {
    Ok(tryggve_import::register::Register {
        areas: db.areas_with_geometry().await?,
        organisations: db.organisations().await?,
        categories: db.categories().await?,
    })
}

fn file_name(p: &std::path::Path) -> String {
    p.file_name().map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into_owned())
}

async fn incidents(db: &Db, command: IncidentsCommand) -> anyhow::Result<()> {
    let reg = register(db).await?;
    let actor = Actor::system(now());
    let (incidents, what, outside) = match command {
        IncidentsCommand::Import { file, source, org, kind, synthetic } => {
            let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let organisation_id = match org {
                Some(o) => Some(reg.organisation(&o).with_context(|| format!("no organisation is called {o:?}"))?),
                None => None,
            };
            let opts = tryggve_import::incidents::Options {
                source: source.unwrap_or_else(|| format!("csv:{}", file_name(&file))),
                reported_at: now(),
                organisation_id,
                reported_by: None,
                source_kind: tryggve_core::situation::SourceKind::parse(&kind).map_err(anyhow::Error::msg)?,
                reliability: tryggve_core::situation::Reliability::Reported,
                classification: tryggve_core::Classification::Internal,
                synthetic,
            };
            let mut progress = |n: usize| eprintln!("  read {n} rows …");
            let mut list = tryggve_import::incidents::parse(&file_name(&file), &bytes, &reg, &opts, &mut progress)?;
            eprintln!("  placing {} incidents …", list.len());
            tryggve_import::placement::Placer::new(&reg.areas).place(&mut list);
            (list, file_name(&file), 0)
        }
        IncidentsCommand::ImportPolice { file } => {
            let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let parsed = tryggve_import::police::parse(&file_name(&file), &bytes, &reg, now())?;
            (parsed.incidents, file_name(&file), parsed.outside)
        }
    };
    eprintln!("  writing …");
    let summary = db.import_incidents(&actor, &what, &incidents).await?;
    println!("Added {} incidents; {} were already there.", summary.added, summary.unchanged);
    if outside > 0 {
        println!("{outside} events named no area of the register and were left out.");
    }
    Ok(())
}

async fn indicators_import(
    db: &Db,
    file: &std::path::Path,
    meta: &tryggve_import::indicators::SeriesMeta,
) -> anyhow::Result<()> {
    let reg = register(db).await?;
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let name = file_name(file);
    let series = if name.to_lowercase().ends_with(".xlsx") {
        tryggve_import::indicators::parse_xlsx(&name, &bytes, &reg, meta)?
    } else {
        tryggve_import::indicators::parse_csv(&name, &bytes, &reg, meta)?
    };
    let summary = db.import_indicator(&Actor::system(now()), &series).await?;
    println!("Series \"{}\": added {} figures; {} were already there.", series.name, summary.added, summary.unchanged);
    Ok(())
}

fn situation(command: &SituationCommand) -> anyhow::Result<()> {
    let phases = match command {
        SituationCommand::Aggregate { areas, incidents, out } => {
            tryggve_analysis::run_aggregate(areas, incidents, out)?
        }
        SituationCommand::Hotspots { incidents, cell, out } => tryggve_analysis::run_hotspots(incidents, *cell, out)?,
    };
    eprintln!("{}", phases.to_json());
    Ok(())
}

/// `tryggve privacy scan`: the detector over standard input, one JSON line per
/// input line. Only kinds and offsets go out; the text found is personal data.
fn privacy_scan(names_file: Option<&std::path::Path>) -> anyhow::Result<()> {
    use std::io::BufRead;
    use tryggve_core::privacy::{FindingKind, scan};

    #[derive(serde::Serialize)]
    struct Found {
        kind: FindingKind,
        start: usize,
        end: usize,
    }
    #[derive(serde::Serialize)]
    struct Line {
        line: usize,
        findings: Vec<Found>,
    }

    let names = match names_file {
        Some(path) => std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?,
        None => String::new(),
    };
    let names: Vec<&str> = names.lines().map(str::trim).filter(|n| !n.is_empty()).collect();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (i, bytes) in std::io::stdin().lock().split(b'\n').enumerate() {
        let bytes = bytes.context("reading standard input")?;
        let text = std::str::from_utf8(&bytes).with_context(|| format!("line {} is not UTF-8 text", i + 1))?;
        let text = text.strip_suffix('\r').unwrap_or(text);
        let findings = scan(text, &names).into_iter().map(|f| Found { kind: f.kind, start: f.start, end: f.end });
        serde_json::to_writer(&mut out, &Line { line: i + 1, findings: findings.collect() })?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_passwords_are_not_printed() {
        assert_eq!(super::redact("postgres://u:secret@h:5432/db"), "postgres://u:***@h:5432/db");
        assert_eq!(super::redact("sqlite:data/tryggve.db"), "sqlite:data/tryggve.db");
    }
}
