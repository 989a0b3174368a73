//! The lägesbild's speed (issue 5): with a million incidents stored, how
//! fast do `GET /api/v1/situation` (the figures) and `GET /lagesbild` (the
//! whole page with its SVG graphics) answer for one district and twelve weeks?
//!
//! Loads the demo council, generates the incidents deterministically over the
//! 17 districts of Hägersten-Älvsjö and two years (stored in the order they
//! would be reported, day by day, some a week late), starts the real app on a
//! loopback port and times sequential requests with an API token.
//!
//! ```sh
//! cargo bench -p tryggve --bench lagesbild                      # SQLite, a temporary file
//! TRYGGVE_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/ \
//!     cargo bench -p tryggve --bench lagesbild                  # a fresh database on that server
//! ```
//!
//! Environment: `TRYGGVE_BENCH_DATABASE_URL` (`sqlite:FILE` of a new file, or
//! a PostgreSQL server on which the database `tryggve_bench` is created and
//! dropped again; default: a temporary SQLite file; a given SQLite file that
//! already holds the data is timed again without loading), `TRYGGVE_BENCH_INCIDENTS`
//! (default 1000000), `TRYGGVE_BENCH_REQUESTS` (per endpoint, default 200),
//! `TRYGGVE_BENCH_AREA` (default Liljeholmen).

use anyhow::{Context, Result, bail};
use chrono::{Datelike, Duration as Days, NaiveDate, NaiveDateTime};
use std::time::{Duration, Instant};
use tryggve_core::register::{Area, AreaKind};
use tryggve_core::situation::{Incident, PositionPrecision, Reliability, SourceKind, TimePrecision};
use tryggve_core::{AreaId, Classification, IncidentId, OrgId};
use tryggve_db::{Actor, Db};

mod support;
use support::{Rng, Store};

const PG_DATABASE: &str = "tryggve_bench";
/// The last day of the generated data (a Sunday); the period is the twelve weeks ending with it.
const LAST_DAY: (i32, u32, u32) = (2026, 11, 22);
const DAYS: i64 = 2 * 364;
const BATCH: usize = 10_000;
const WARM_UP: usize = 10;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok()).unwrap_or(default)
}

fn main() -> Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async {
        let store = Store::open(PG_DATABASE).await?;
        let result = run(&store).await;
        store.remove().await;
        result
    })
}

/// A district: its outer rings (WGS84), bounding box, named places and weight.
struct District {
    id: AreaId,
    rings: Vec<Vec<(f64, f64)>>,
    bbox: (f64, f64, f64, f64),
    places: Vec<(AreaId, f64, f64)>,
    weight: u32,
}

fn outer_rings(geometry: &serde_json::Value) -> Vec<Vec<(f64, f64)>> {
    let ring = |r: &serde_json::Value| -> Vec<(f64, f64)> {
        r.as_array().into_iter().flatten().filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?))).collect()
    };
    let coords = geometry.get("coordinates");
    match geometry.get("type").and_then(|t| t.as_str()) {
        Some("Polygon") => coords.and_then(|c| c.get(0)).map(ring).into_iter().collect(),
        Some("MultiPolygon") => {
            coords.and_then(|c| c.as_array()).into_iter().flatten().filter_map(|p| p.get(0)).map(ring).collect()
        }
        _ => vec![],
    }
}

fn inside(rings: &[Vec<(f64, f64)>], (x, y): (f64, f64)) -> bool {
    rings.iter().any(|ring| {
        let mut c = false;
        for k in 0..ring.len() {
            let (xi, yi) = ring[k];
            let (xj, yj) = ring[(k + ring.len() - 1) % ring.len()];
            if (yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi {
                c = !c;
            }
        }
        c
    })
}

fn districts(areas: &[Area], rng: &mut Rng) -> Result<Vec<District>> {
    let parent = areas
        .iter()
        .find(|a| a.kind == AreaKind::DistrictArea && a.name == "Hägersten-Älvsjö")
        .context("the demo's district area")?;
    let list: Vec<District> = areas
        .iter()
        .filter(|a| a.kind == AreaKind::District && a.parent_id == Some(parent.id))
        .filter_map(|a| {
            let rings = outer_rings(a.geometry.as_ref()?);
            let pts = rings.iter().flatten();
            let bbox = pts.fold((f64::MAX, f64::MAX, f64::MIN, f64::MIN), |b, &(x, y)| {
                (b.0.min(x), b.1.min(y), b.2.max(x), b.3.max(y))
            });
            let places = areas
                .iter()
                .filter(|p| p.kind == AreaKind::Place && p.parent_id == Some(a.id))
                .filter_map(|p| {
                    let c = p.geometry.as_ref()?.get("coordinates")?;
                    Some((p.id, c.get(0)?.as_f64()?, c.get(1)?.as_f64()?))
                })
                .collect();
            // Busier and quieter districts: 6–16 parts each.
            Some(District { id: a.id, rings, bbox, places, weight: 6 + rng.below(11) as u32 })
        })
        .collect();
    if list.len() != 17 {
        bail!("expected the 17 districts of Hägersten-Älvsjö with polygons, found {}", list.len());
    }
    Ok(list)
}

const KINDS: &[(SourceKind, u32)] = &[
    (SourceKind::PoliceEvent, 20),
    (SourceKind::ReportedCrime, 15),
    (SourceKind::PartnerObservation, 33),
    (SourceKind::SecurityCompany, 15),
    (SourceKind::ResidentTip, 14),
    (SourceKind::Survey, 2),
    (SourceKind::Other, 1),
];

const POLICE_CATEGORIES: &[(&str, u32)] = &[
    ("hot_vald", 18),
    ("stold", 20),
    ("inbrott", 12),
    ("trafik", 12),
    ("berusade", 10),
    ("narkotika", 9),
    ("skadegorelse", 8),
    ("brand", 5),
    ("skottlossning", 1),
    ("ovrigt", 5),
];

const PARTNER_CATEGORIES: &[(&str, u32)] = &[
    ("klotter", 22),
    ("skadegorelse", 16),
    ("nedskrapning", 14),
    ("ungdomar_stor", 11),
    ("otrygg_miljo", 8),
    ("berusade", 7),
    ("narkotika", 5),
    ("brand", 3),
    ("olovlig_bosattning", 3),
    ("stold", 4),
    ("sociala_medier", 2),
    ("hot_vald", 2),
    ("ovrigt", 3),
];

/// Evenings and nights are busier.
const HOURS: &[(u32, u32)] = &[
    (0, 5),
    (1, 4),
    (2, 3),
    (3, 2),
    (4, 1),
    (5, 1),
    (6, 1),
    (7, 2),
    (8, 3),
    (9, 3),
    (10, 3),
    (11, 4),
    (12, 4),
    (13, 4),
    (14, 4),
    (15, 5),
    (16, 5),
    (17, 6),
    (18, 7),
    (19, 8),
    (20, 8),
    (21, 8),
    (22, 7),
    (23, 6),
];

const DESCRIPTIONS: &[&str] = &[
    "",
    "Nytt klotter på fasaden mot gården.",
    "Grupp ungdomar vid entrén, stökigt men inga skador.",
    "Trasig belysning längs gångvägen.",
    "Sopor och glas vid lekplatsen.",
    "Krossad ruta i porten.",
    "Person som sov i trapphuset.",
    "Mopedåkning på gångbanan.",
];

/// One generated incident, number `n` (deterministic in `rng`), on one of
/// the `span` days up to `latest`.
fn incident(
    n: u64,
    rng: &mut Rng,
    districts: &[District],
    weights: &[(usize, u32)],
    (latest, span): (NaiveDate, i64),
) -> Incident {
    let d = &districts[*rng.weighted(weights)];
    let kind = *rng.weighted(KINDS);
    let category = match kind {
        SourceKind::PoliceEvent | SourceKind::ReportedCrime => *rng.weighted(POLICE_CATEGORIES),
        _ => *rng.weighted(PARTNER_CATEGORIES),
    };
    // Fridays and Saturdays a little busier.
    let day = loop {
        let day = latest - Days::days(rng.below(span as usize) as i64);
        let busy = matches!(day.weekday(), chrono::Weekday::Fri | chrono::Weekday::Sat);
        if busy || rng.unit() < 0.8 {
            break day;
        }
    };
    let time_precision = if rng.unit() < 0.9 { TimePrecision::Instant } else { TimePrecision::Date };
    let occurred_at: NaiveDateTime = match time_precision {
        TimePrecision::Instant => day.and_hms_opt(*rng.weighted(HOURS), rng.below(60) as u32, 0).expect("a valid time"),
        _ => day.and_hms_opt(0, 0, 0).expect("midnight"),
    };
    let summer = (4..=10).contains(&day.month());
    let offset = if summer { 120 } else { 60 };
    // Some at a named place, most at a point in the district, some only by district.
    let (area_id, position_precision, point) = if !d.places.is_empty() && rng.unit() < 0.15 {
        let (id, lon, lat) = d.places[rng.below(d.places.len())];
        let jitter = |rng: &mut Rng| (rng.unit() - 0.5) * 0.001;
        (id, PositionPrecision::Exact, Some((lon + jitter(rng), lat + jitter(rng) / 2.0)))
    } else {
        let precision = *rng.weighted(&[
            (PositionPrecision::Exact, 70),
            (PositionPrecision::Approximate, 5),
            (PositionPrecision::Area, 25),
        ]);
        let point = (precision != PositionPrecision::Area).then(|| {
            let (x0, y0, x1, y1) = d.bbox;
            let mut p = (x0, y0);
            for _ in 0..50 {
                p = (x0 + rng.unit() * (x1 - x0), y0 + rng.unit() * (y1 - y0));
                if inside(&d.rings, p) {
                    break;
                }
            }
            p
        });
        (d.id, precision, point)
    };
    let (organisation_id, reliability, classification) = match kind {
        SourceKind::PoliceEvent => (Some(3), Reliability::Verified, Classification::Public),
        SourceKind::ReportedCrime => {
            (Some(*rng.weighted(&[(4, 1), (5, 1)])), Reliability::Verified, Classification::Internal)
        }
        SourceKind::PartnerObservation => (
            Some(*rng.weighted(&[(1, 4), (7, 3), (18, 1), (19, 1), (20, 2), (21, 1)])),
            Reliability::Observed,
            Classification::Internal,
        ),
        SourceKind::SecurityCompany => {
            (Some(*rng.weighted(&[(8, 2), (9, 1)])), Reliability::Observed, Classification::Internal)
        }
        SourceKind::Survey => (Some(1), Reliability::Reported, Classification::Internal),
        _ => (None, Reliability::Reported, Classification::Internal),
    };
    let description = match kind {
        SourceKind::PoliceEvent | SourceKind::ReportedCrime => String::new(),
        _ => DESCRIPTIONS[rng.below(DESCRIPTIONS.len())].to_owned(),
    };
    Incident {
        id: IncidentId(0),
        occurred_at,
        utc_offset_minutes: offset,
        occurred_until: None,
        time_precision,
        reported_at: occurred_at - Days::minutes(offset.into()) + Days::minutes(30 + rng.below(600) as i64),
        organisation_id: organisation_id.map(OrgId),
        reported_by: None,
        category: category.to_owned(),
        lon: point.map(|p| p.0),
        lat: point.map(|p| p.1),
        area_id: Some(area_id),
        position_precision,
        description,
        source_kind: kind,
        reliability,
        classification,
        restricted_to: vec![],
        legal_reference_id: None,
        source: format!("bench-{}", kind.as_str()),
        external_id: Some(n.to_string()),
        synthetic: true,
        version: 1,
    }
}

/// Loads the demo council and `total` incidents; returns (demo, bulk, restricted) seconds.
async fn load(db: &Db, total: u64) -> Result<(f64, f64, f64)> {
    let actor = Actor::system(chrono::Utc::now().naive_utc());
    let t = Instant::now();
    let doc = tryggve_core::export::ExportDocument::parse(include_str!("../../../demo/hagersten-alvsjo.json"))
        .map_err(|e| anyhow::anyhow!("the demo document: {e}"))?;
    db.import(&actor, &doc).await?;
    let demo_s = t.elapsed().as_secs_f64();

    let mut rng = Rng(0x7472_7967_6776_6531);
    let districts = districts(&db.areas_with_geometry().await?, &mut rng)?;
    let weights: Vec<(usize, u32)> = districts.iter().enumerate().map(|(k, d)| (k, d.weight)).collect();
    let last = NaiveDate::from_ymd_opt(LAST_DAY.0, LAST_DAY.1, LAST_DAY.2).expect("a date");
    // One in 500 is restricted to an organisation: those go the way the form sends them.
    let restricted = total / 500;
    let bulk = total - restricted;

    let t = Instant::now();
    let mut n = 0u64;
    let mut batch = Vec::with_capacity(BATCH);
    while n < bulk {
        batch.clear();
        while batch.len() < BATCH && n < bulk {
            // In the order they are reported: day by day over the two years, some a week late.
            let latest = last - Days::days(DAYS - 1) + Days::days((n * DAYS as u64 / bulk) as i64);
            let span = (latest - (last - Days::days(DAYS - 1))).num_days().clamp(0, 6) + 1;
            batch.push(incident(n, &mut rng, &districts, &weights, (latest, span)));
            n += 1;
        }
        let s = db.import_incidents(&actor, "benchmark", &batch).await?;
        if s.added != batch.len() as u64 {
            bail!("batch ending at {n}: {} of {} added", s.added, batch.len());
        }
        if n.is_multiple_of(100_000) || n == bulk {
            eprintln!("  {n} incidents, {:.1} s", t.elapsed().as_secs_f64());
        }
    }
    let bulk_s = t.elapsed().as_secs_f64();

    let t = Instant::now();
    for k in 0..restricted {
        let mut i = incident(bulk + k, &mut rng, &districts, &weights, (last, DAYS));
        i.classification = Classification::Restricted;
        i.restricted_to = vec![OrgId(if k % 2 == 0 { 1 } else { 4 })];
        db.create_incident(&actor, &i).await?;
    }
    Ok((demo_s, bulk_s, t.elapsed().as_secs_f64()))
}

struct Timing {
    endpoint: &'static str,
    ms: Vec<f64>,
    bytes: usize,
}

impl Timing {
    fn quantile(&self, q: f64) -> f64 {
        let mut v = self.ms.clone();
        v.sort_by(f64::total_cmp);
        let k = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1;
        v[k]
    }
}

/// `text` percent-encoded for a query string.
fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn time(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    requests: usize,
    endpoint: &'static str,
) -> Result<(Timing, String)> {
    let mut ms = Vec::with_capacity(requests);
    let mut last = String::new();
    for k in 0..WARM_UP + requests {
        let t = Instant::now();
        let res = http.get(url).bearer_auth(token).send().await?;
        let status = res.status();
        let body = res.text().await?;
        let elapsed = t.elapsed();
        if !status.is_success() {
            bail!("{endpoint}: {status}: {}", body.chars().take(500).collect::<String>());
        }
        if k >= WARM_UP {
            ms.push(elapsed.as_secs_f64() * 1000.0);
        }
        last = body;
    }
    Ok((Timing { endpoint, ms, bytes: last.len() }, last))
}

async fn run(store: &Store) -> Result<()> {
    let total: u64 = env_or("TRYGGVE_BENCH_INCIDENTS", 1_000_000);
    let requests: usize = env_or("TRYGGVE_BENCH_REQUESTS", 200).max(1);
    let area = std::env::var("TRYGGVE_BENCH_AREA").unwrap_or_else(|_| "Liljeholmen".into());

    eprintln!("lägesbild benchmark on {}: loading the demo and {total} incidents", store.backend());
    let db = Db::connect(store.url()).await?;
    // A given SQLite file that is already loaded is timed again as it is.
    let loaded = if db.is_empty().await? {
        let t = Instant::now();
        let (demo_s, bulk_s, restricted_s) = load(&db, total).await?;
        let load_s = t.elapsed().as_secs_f64();
        format!(
            "{total} incidents loaded in {load_s:.1} s (demo {demo_s:.1} s, {} in batches of {BATCH}: {bulk_s:.1} s, \
             {} restricted one by one: {restricted_s:.1} s)",
            total - total / 500,
            total / 500
        )
    } else {
        "a database loaded before (not loaded again)".to_owned()
    };
    // PostgreSQL plans with statistics, which autovacuum gathers soon after a large
    // load where it runs; SQLite has none unless asked, and Tryggve does not ask.
    let statistics = if matches!(store, Store::Postgres { .. }) {
        let t = Instant::now();
        db.analyze_incidents().await?;
        format!(", statistics gathered (ANALYZE, {:.1} s)", t.elapsed().as_secs_f64())
    } else {
        String::new()
    };

    // A token of the convener, who presents the lägesbild.
    let user = db.user_for_login("clas").await?;
    let token = tryggve_web::auth::random_token();
    let actor = Actor::system(chrono::Utc::now().naive_utc());
    db.create_token(&actor, user.id, &tryggve_web::auth::sha256_hex(&token), "benchmark").await?;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let app = tryggve_web::router(db.clone(), tryggve_web::WebConfig::default());
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    tryggve_web::police_feed::install_tls_provider();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()?;

    let last = NaiveDate::from_ymd_opt(LAST_DAY.0, LAST_DAY.1, LAST_DAY.2).expect("a date");
    let (from, to) = ((last - Days::days(7 * 12 - 1)).to_string(), last.to_string());
    let query = format!("area={}&from={from}&to={to}", encode(&area));
    let api_url = format!("{base}/api/v1/situation?{query}");
    let (api, figures) = time(&http, &api_url, &token, requests, "GET /api/v1/situation").await?;
    let (page, html) = time(&http, &format!("{base}/lagesbild?{query}"), &token, requests, "GET /lagesbild").await?;
    server.abort();
    db.close().await;

    let figures: serde_json::Value = serde_json::from_str(&figures)?;
    let in_picture: u64 = figures["totals"].as_array().into_iter().flatten().filter_map(|t| t["count"].as_u64()).sum();
    if !html.contains("<svg") && !html.contains("data:image/svg+xml") {
        bail!("the page has no graphics");
    }

    println!();
    println!("lägesbild benchmark, {} ({})", store.backend(), std::env::consts::ARCH);
    println!("  {loaded}{statistics}");
    println!("  area {area}, {from} – {to} (12 weeks): {in_picture} incidents in the period, all sources");
    println!("  {requests} sequential requests per endpoint after {WARM_UP} warm-up, API token of a convener");
    println!();
    println!("| endpoint | min ms | p50 ms | p95 ms | max ms | response |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for t in [&api, &page] {
        println!(
            "| {} | {:.1} | {:.1} | {:.1} | {:.1} | {} kB |",
            t.endpoint,
            t.quantile(0.0),
            t.quantile(0.5),
            t.quantile(0.95),
            t.quantile(1.0),
            t.bytes / 1024
        );
    }
    Ok(())
}
