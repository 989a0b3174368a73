//! A busy morning (issue 9): 50 users at once for 60 seconds, mixing the
//! pages people read with the writes they make, against the real app on a
//! loopback port. Reports latency percentiles and throughput per kind of
//! request, and fails on any error or lost update.
//!
//! ```sh
//! cargo bench -p tryggve --bench load                                # SQLite, a temporary file
//! TRYGGVE_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ \
//!     cargo bench -p tryggve --bench load                            # a fresh database on that server
//! ```
//!
//! Environment: `TRYGGVE_BENCH_DATABASE_URL` (as for the lägesbild
//! benchmark; the PostgreSQL database is `tryggve_load`),
//! `TRYGGVE_LOAD_USERS` (default 50), `TRYGGVE_LOAD_SECONDS` (default 60).
//!
//! Lost updates: every edit of a measure names the version it read, as the
//! forms do. A stale edit is refused (409) and retried after reading again.
//! At the end each measure's version must be its first version plus the
//! edits that were acknowledged, and every acknowledged incident and
//! follow-up must be stored.

use anyhow::{Result, bail};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tryggve_db::{Actor, Db};

mod support;
use support::{Rng, Store};

const DEMO: &str = include_str!("../../../demo/hagersten-alvsjo.json");
/// Who the users are: the demo's members and its convener.
const ACCOUNTS: &[&str] = &["clas", "martin", "alvaro", "yvonne"];

/// Kinds of request, with how often each is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Op {
    WorkingDocument,
    Measure,
    Lagesbild,
    FollowUpOverview,
    ReportIncident,
    AddFollowUp,
    EditMeasure,
}

const MIX: &[(Op, u32)] = &[
    (Op::WorkingDocument, 25),
    (Op::Measure, 15),
    (Op::Lagesbild, 10),
    (Op::FollowUpOverview, 10),
    (Op::ReportIncident, 20),
    (Op::AddFollowUp, 10),
    (Op::EditMeasure, 10),
];

impl Op {
    fn label(self) -> &'static str {
        match self {
            Op::WorkingDocument => "GET /samverkan/{id} (page)",
            Op::Measure => "GET /api/v1/measures/{id}",
            Op::Lagesbild => "GET /lagesbild (page)",
            Op::FollowUpOverview => "GET /uppfoljning (page)",
            Op::ReportIncident => "POST /api/v1/incidents",
            Op::AddFollowUp => "POST /api/v1/measures/{id}/follow-ups",
            Op::EditMeasure => "PUT /api/v1/measures/{id}",
        }
    }
}

#[derive(Default)]
struct Tally {
    ms: HashMap<Op, Vec<f64>>,
    errors: Vec<String>,
    conflicts: u64,
    incidents: Vec<i64>,
    follow_ups: u64,
    edits: HashMap<i64, u64>,
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok()).unwrap_or(default)
}

fn main() -> Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async {
        let store = Store::open("tryggve_load").await?;
        let result = run(&store).await;
        store.remove().await;
        result
    })
}

async fn run(store: &Store) -> Result<()> {
    let users: usize = env_or("TRYGGVE_LOAD_USERS", 50);
    let seconds: u64 = env_or("TRYGGVE_LOAD_SECONDS", 60);
    let db = Db::connect(store.url()).await?;
    let actor = Actor::system(chrono::Utc::now().naive_utc());
    let doc = tryggve_core::export::ExportDocument::parse(DEMO).map_err(|e| anyhow::anyhow!("demo: {e}"))?;
    db.import(&actor, &doc).await?;
    let measures: Vec<(i64, i64)> = doc.measures.iter().map(|m| (m.id.0, m.version)).collect();
    let mut tokens = vec![];
    for k in 0..users {
        let user = db.user_for_login(ACCOUNTS[k % ACCOUNTS.len()]).await?;
        let token = tryggve_web::auth::random_token();
        db.create_token(&actor, user.id, &tryggve_web::auth::sha256_hex(&token), "load").await?;
        tokens.push(token);
    }

    // Loopback only: the server is this process's own.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let app = tryggve_web::router(db.clone(), tryggve_web::WebConfig::default());
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    tryggve_web::police_feed::install_tls_provider();
    let http = reqwest::Client::builder().pool_max_idle_per_host(users).build()?;

    eprintln!("load on {}: {users} users for {seconds} s", store.backend());
    let tally = Arc::new(Mutex::new(Tally::default()));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = tokens
        .into_iter()
        .enumerate()
        .map(|(k, token)| {
            let (http, base, tally, measures) = (http.clone(), base.clone(), tally.clone(), measures.clone());
            tokio::spawn(async move { user(k as u64, &http, &base, &token, &measures, deadline, &tally).await })
        })
        .collect();
    for t in tasks {
        t.await?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    server.abort();

    let tally = Arc::try_unwrap(tally).map_err(|_| anyhow::anyhow!("tally still shared"))?.into_inner().unwrap();
    report(store.backend(), users, elapsed, &tally);
    check(&db, &measures, &tally).await?;
    db.close().await;
    if !tally.errors.is_empty() {
        bail!("{} errors, the first: {}", tally.errors.len(), tally.errors[0]);
    }
    Ok(())
}

/// One user: pick a request by the mix, make it, note how long it took.
async fn user(
    k: u64,
    http: &reqwest::Client,
    base: &str,
    token: &str,
    measures: &[(i64, i64)],
    deadline: Instant,
    tally: &Mutex<Tally>,
) {
    let mut rng = Rng(0x5EED_0000 + k);
    let mut n = 0u64;
    while Instant::now() < deadline {
        n += 1;
        let op = *rng.weighted(MIX);
        let measure = measures[rng.below(measures.len())].0;
        let t = Instant::now();
        let outcome = match op {
            Op::WorkingDocument => {
                get(http, &format!("{base}/samverkan/{}", 1 + rng.below(3)), token).await.map(|_| None)
            }
            Op::Measure => get(http, &format!("{base}/api/v1/measures/{measure}"), token).await.map(|_| None),
            Op::Lagesbild => {
                get(http, &format!("{base}/lagesbild?area=2&from=2026-06-01&to=2026-08-23"), token).await.map(|_| None)
            }
            Op::FollowUpOverview => get(http, &format!("{base}/uppfoljning"), token).await.map(|_| None),
            Op::ReportIncident => {
                let body = json!({"category": "klotter", "date": "2026-08-20", "time": format!("{:02}:{:02}", 6 + k % 16, n % 60),
                                  "area_id": 16, "description": format!("Klotter, last {k}-{n}")});
                send(http.post(format!("{base}/api/v1/incidents")).bearer_auth(token).json(&body), 201).await
            }
            Op::AddFollowUp => follow_up(http, base, token, measure, k, n).await,
            Op::EditMeasure => edit(http, base, token, measure, k, n, tally).await.map(|_| None),
        };
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        let mut tl = tally.lock().unwrap();
        tl.ms.entry(op).or_default().push(ms);
        match outcome {
            Ok(Some(v)) if op == Op::ReportIncident => tl.incidents.extend(v["id"].as_i64()),
            Ok(_) if op == Op::AddFollowUp => tl.follow_ups += 1,
            Ok(_) => {}
            Err(e) => tl.errors.push(format!("{}: {e}", op.label())),
        }
    }
}

async fn get(http: &reqwest::Client, url: &str, token: &str) -> Result<()> {
    let res = http.get(url).bearer_auth(token).send().await?;
    let status = res.status();
    res.bytes().await?;
    if !status.is_success() {
        bail!("{url}: {status}");
    }
    Ok(())
}

async fn send(req: reqwest::RequestBuilder, expect: u16) -> Result<Option<Value>> {
    let res = req.send().await?;
    let status = res.status().as_u16();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    if status != expect {
        bail!("{status}: {body}");
    }
    Ok(Some(body))
}

/// Reads a measure and adds a follow-up naming the version read, as the form does.
async fn follow_up(http: &reqwest::Client, base: &str, token: &str, id: i64, k: u64, n: u64) -> Result<Option<Value>> {
    for _ in 0..20 {
        let m: Value = http.get(format!("{base}/api/v1/measures/{id}")).bearer_auth(token).send().await?.json().await?;
        let body = json!({"date": "2026-08-20", "text": format!("Avstämning {k}-{n}."), "version": m["version"]});
        let res =
            http.post(format!("{base}/api/v1/measures/{id}/follow-ups")).bearer_auth(token).json(&body).send().await?;
        match res.status().as_u16() {
            201 => return Ok(Some(res.json().await?)),
            409 => continue,
            s => bail!("{s}: {}", res.text().await.unwrap_or_default()),
        }
    }
    bail!("measure {id}: follow-up still conflicting after 20 tries")
}

/// Reads a measure, changes its status text and saves it naming the version
/// read; a conflict means someone else saved first: read again and retry.
async fn edit(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    id: i64,
    k: u64,
    n: u64,
    tally: &Mutex<Tally>,
) -> Result<()> {
    let url = format!("{base}/api/v1/measures/{id}");
    for _ in 0..20 {
        let mut m: Value = http.get(&url).bearer_auth(token).send().await?.json().await?;
        m["status_text"] = json!(format!("Uppdaterad av användare {k} ({n})."));
        let res = http.put(&url).bearer_auth(token).json(&m).send().await?;
        match res.status().as_u16() {
            200 => {
                *tally.lock().unwrap().edits.entry(id).or_default() += 1;
                return Ok(());
            }
            409 => tally.lock().unwrap().conflicts += 1,
            s => bail!("{s}: {}", res.text().await.unwrap_or_default()),
        }
    }
    bail!("measure {id}: still conflicting after 20 tries")
}

/// Nothing acknowledged is missing and no edit was lost.
async fn check(db: &Db, measures: &[(i64, i64)], tally: &Tally) -> Result<()> {
    let admin =
        tryggve_core::Viewer { user_id: None, organisation_id: None, role: Some(tryggve_core::access::Role::Admin) };
    let doc = db.export(&admin).await?;
    let stored: std::collections::HashSet<i64> = doc.incidents.iter().map(|i| i.id.0).collect();
    let missing = tally.incidents.iter().filter(|i| !stored.contains(i)).count();
    let lost: Vec<String> = measures
        .iter()
        .filter_map(|(id, first)| {
            let now = doc.measures.iter().find(|m| m.id.0 == *id)?.version;
            let edits = tally.edits.get(id).copied().unwrap_or(0) as i64;
            (now != first + edits).then(|| format!("measure {id}: version {now}, expected {}", first + edits))
        })
        .collect();
    let follow_ups = doc.follow_ups.len() as u64;
    println!(
        "checked: {} incidents and {} follow-ups acknowledged, {missing} missing; {} edits, {} refused as stale and retried, {} lost",
        tally.incidents.len(),
        tally.follow_ups,
        tally.edits.values().sum::<u64>(),
        tally.conflicts,
        lost.len()
    );
    if missing > 0 || !lost.is_empty() || follow_ups < tally.follow_ups {
        bail!("lost writes: {missing} incidents, follow-ups {follow_ups} < {}; {lost:?}", tally.follow_ups);
    }
    Ok(())
}

fn quantile(v: &[f64], q: f64) -> f64 {
    let k = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1;
    v[k]
}

fn report(backend: &str, users: usize, elapsed: f64, tally: &Tally) {
    let total: usize = tally.ms.values().map(Vec::len).sum();
    println!(
        "\n{backend}: {users} users, {elapsed:.0} s, {total} requests, {:.0} requests/s, {} errors\n",
        total as f64 / elapsed,
        tally.errors.len()
    );
    println!("| request | count | p50 ms | p95 ms | p99 ms | max ms |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    let mut ops: Vec<_> = tally.ms.iter().collect();
    ops.sort_by_key(|(op, _)| **op);
    let mut all = vec![];
    for (op, ms) in ops {
        let mut v = ms.clone();
        v.sort_by(f64::total_cmp);
        all.extend_from_slice(&v);
        println!(
            "| {} | {} | {:.1} | {:.1} | {:.1} | {:.1} |",
            op.label(),
            v.len(),
            quantile(&v, 0.5),
            quantile(&v, 0.95),
            quantile(&v, 0.99),
            v.last().copied().unwrap_or(0.0)
        );
    }
    all.sort_by(f64::total_cmp);
    if !all.is_empty() {
        println!(
            "| all | {} | {:.1} | {:.1} | {:.1} | {:.1} |",
            all.len(),
            quantile(&all, 0.5),
            quantile(&all, 0.95),
            quantile(&all, 0.99),
            all.last().copied().unwrap_or(0.0)
        );
    }
}
