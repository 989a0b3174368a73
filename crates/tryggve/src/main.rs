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

mod config;
mod demo;

use config::Config;

#[derive(Parser)]
#[command(
    name = "tryggve",
    version,
    about = "Tryggve: the working system of a local crime-prevention council"
)]
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
    /// Write everything a user may see as one JSON document to standard output.
    Export {
        #[arg(long)]
        user: String,
    },
    /// Read an export document into an empty database, all or nothing.
    Import { file: PathBuf },
    /// The situation picture's computations (see the benchmark specification).
    Situation {
        #[command(subcommand)]
        command: SituationCommand,
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
    let mut cfg = Config::load(cli.config.as_deref())?;
    if let Some(url) = cli.database_url {
        cfg.database_url = url;
    }
    init_tracing(&cfg.log_format);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let url = cfg.database_url()?;
        let db = Db::connect(&url)
            .await
            .with_context(|| format!("opening the database {}", redact(&url)))?;
        let result = match cli.command {
            Command::Init => {
                println!("The database is ready: {}", redact(&url));
                Ok(())
            }
            Command::Serve { demo, addr } => serve(&db, cfg, demo, addr).await,
            Command::User {
                command: UserCommand::Add { name, role, org },
            } => user_add(&db, &name, &role, org).await,
            Command::Token {
                command: TokenCommand::Create { user, name },
            } => token_create(&db, &user, &name).await,
            Command::Export { user } => export(&db, &user).await,
            Command::Import { file } => import(&db, &file).await,
            Command::Situation { .. } => unreachable!("handled before the database is opened"),
        };
        db.close().await;
        result
    })
}

fn init_tracing(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("TRYGGVE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = if format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
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
            bail!(
                "--demo needs an empty database or one that holds the demo; this one holds other data"
            );
        }
    }
    let addr = addr.unwrap_or(cfg.addr.clone());
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .with_context(|| format!("listening on {addr}"))?;
    let local = listener.local_addr()?;
    let web = tryggve_web::WebConfig {
        demo,
        secure_cookies: cfg.secure_cookies,
        session_hours: cfg.session_hours,
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
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
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
            let found = orgs.iter().find(|x| {
                x.name.to_lowercase() == key || x.aliases.iter().any(|a| a.to_lowercase() == key)
            });
            Some(
                found
                    .with_context(|| format!("no organisation is called {o:?}"))?
                    .id,
            )
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
    db.create_token(
        &Actor::system(now()),
        u.id,
        &tryggve_web::auth::sha256_hex(&token),
        name,
    )
    .await?;
    println!(
        "Created an API token for {}. Keep it secret; it is shown only once:",
        u.username
    );
    println!("{token}");
    Ok(())
}

async fn export(db: &Db, user: &str) -> anyhow::Result<()> {
    let u = find_user(db, user).await?;
    let viewer = Viewer {
        user_id: Some(u.id),
        organisation_id: u.organisation_id,
        role: Some(u.role),
    };
    let doc = db.export(&viewer).await?;
    let mut out = std::io::stdout().lock();
    out.write_all(doc.to_json().as_bytes())?;
    out.flush()?;
    Ok(())
}

async fn import(db: &Db, file: &std::path::Path) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let doc =
        ExportDocument::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
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

fn situation(command: &SituationCommand) -> anyhow::Result<()> {
    let phases = match command {
        SituationCommand::Aggregate {
            areas,
            incidents,
            out,
        } => tryggve_analysis::run_aggregate(areas, incidents, out)?,
        SituationCommand::Hotspots {
            incidents,
            cell,
            out,
        } => tryggve_analysis::run_hotspots(incidents, *cell, out)?,
    };
    eprintln!("{}", phases.to_json());
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_passwords_are_not_printed() {
        assert_eq!(
            super::redact("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(
            super::redact("sqlite:data/tryggve.db"),
            "sqlite:data/tryggve.db"
        );
    }
}
