//! Nothing acknowledged is lost: the real server is killed with SIGKILL
//! while it acknowledges writes, again and again; after each restart every
//! write it answered 201 to is there, and the database passes its check.
//! A SIGTERM, on the other hand, lets the requests in flight finish.

use crate::helpers::*;
use std::io::BufRead;
use std::sync::{Arc, Mutex};
use std::time::Instant;

const CYCLES: u64 = 6;
const WRITERS: usize = 4;

/// Starts `tryggve serve` on a free port; returns the process and its base URL.
fn start(url: &str) -> (std::process::Child, String) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tryggve"))
        .args(["serve", "--addr", "127.0.0.1:0"])
        .env("TRYGGVE_DATABASE_URL", url)
        .env("TRYGGVE_LOG", "warn")
        .env("TRYGGVE_SECURE_COOKIES", "false")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = std::io::BufReader::new(stdout).lines();
    let base = loop {
        let line = lines.next().expect("the server printed its address").unwrap();
        if let Some(rest) = line.strip_prefix("Tryggve is running at ") {
            break rest.trim_end_matches('/').to_owned();
        }
    };
    // Keep reading so that the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, base)
}

async fn kill_while_writing(backend: Backend) {
    let Some(test_db) = TestDb::new(backend).await else { return };
    let db = tryggve_db::Db::connect(&test_db.url).await.unwrap();
    let actor = tryggve_db::Actor::system(chrono::Utc::now().naive_utc());
    db.import(&actor, &demo_document()).await.unwrap();
    let clas = db.user_for_login("clas").await.unwrap();
    let token = tryggve_web::auth::random_token();
    db.create_token(&actor, clas.id, &tryggve_web::auth::sha256_hex(&token), "durability").await.unwrap();
    db.close().await;

    let acked: Arc<Mutex<Vec<i64>>> = Arc::default();
    tryggve_web::police_feed::install_tls_provider();
    let http = reqwest::Client::new();
    for cycle in 0..CYCLES {
        let (mut server, base) = start(&test_db.url);
        let before = acked.lock().unwrap().len();
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let (http, base, token, acked) = (http.clone(), base.clone(), token.clone(), acked.clone());
                tokio::spawn(async move {
                    for k in 0.. {
                        let body = serde_json::json!({"category": "klotter", "date": "2026-10-01",
                            "time": format!("{:02}:{:02}", w + 8, k % 60), "area_id": 16,
                            "description": format!("Skrivning {cycle}-{w}-{k}")});
                        let res =
                            http.post(format!("{base}/api/v1/incidents")).bearer_auth(&token).json(&body).send().await;
                        match res {
                            Ok(r) if r.status() == 201 => {
                                let id = r.json::<serde_json::Value>().await.ok().and_then(|v| v["id"].as_i64());
                                // The body may be cut off by the kill; then the write was not fully acknowledged.
                                if let Some(id) = id {
                                    acked.lock().unwrap().push(id);
                                }
                            }
                            Ok(r) => panic!("unexpected answer {}", r.status()),
                            Err(_) => break,
                        }
                    }
                })
            })
            .collect();
        // Once writes are being acknowledged, kill at a different moment each time.
        let waiting = Instant::now();
        while acked.lock().unwrap().len() == before && waiting.elapsed() < std::time::Duration::from_secs(20) {
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50 + 97 * cycle)).await;
        server.kill().unwrap(); // SIGKILL
        server.wait().unwrap();
        for w in writers {
            w.await.unwrap();
        }
        assert!(acked.lock().unwrap().len() > before, "cycle {cycle}: no write was acknowledged before the kill");
    }

    let db = tryggve_db::Db::connect(&test_db.url).await.unwrap();
    assert_eq!(db.integrity_problems().await.unwrap(), Vec::<String>::new());
    let admin =
        tryggve_core::Viewer { user_id: None, organisation_id: None, role: Some(tryggve_core::access::Role::Admin) };
    let stored: std::collections::HashSet<i64> =
        db.export(&admin).await.unwrap().incidents.iter().map(|i| i.id.0).collect();
    let acked = acked.lock().unwrap().clone();
    let lost: Vec<_> = acked.iter().filter(|id| !stored.contains(id)).collect();
    assert!(lost.is_empty(), "{} of {} acknowledged writes were lost: {lost:?}", lost.len(), acked.len());
    assert_eq!(db.verify_audit().await.unwrap().first_broken, None, "the audit chain survives the kills");
    db.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_sigkill_on_sqlite() {
    kill_while_writing(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_sigkill_on_postgresql() {
    kill_while_writing(Backend::Postgres).await;
}

/// SIGTERM (a deploy, a reboot) lets the requests in flight finish before the server exits.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_finishes_the_requests_in_flight() {
    let test_db = TestDb::new(Backend::Sqlite).await.unwrap();
    let db = tryggve_db::Db::connect(&test_db.url).await.unwrap();
    let actor = tryggve_db::Actor::system(chrono::Utc::now().naive_utc());
    db.import(&actor, &demo_document()).await.unwrap();
    let clas = db.user_for_login("clas").await.unwrap();
    let token = tryggve_web::auth::random_token();
    db.create_token(&actor, clas.id, &tryggve_web::auth::sha256_hex(&token), "shutdown").await.unwrap();
    db.close().await;

    let (mut server, base) = start(&test_db.url);
    tryggve_web::police_feed::install_tls_provider();
    let http = reqwest::Client::new();
    // Reports rendered as PDF take a while: start several, then ask the server to stop.
    let requests: Vec<_> = (0..8)
        .map(|_| {
            let (http, base, token) = (http.clone(), base.clone(), token.clone());
            tokio::spawn(async move {
                let res = http
                    .get(format!("{base}/lagesbild/rapport/pdf?area=2&from=2026-06-01&to=2026-08-23"))
                    .bearer_auth(&token)
                    .send()
                    .await?;
                let status = res.status();
                let body = res.bytes().await?;
                Ok::<_, reqwest::Error>((status, body))
            })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let term = std::process::Command::new("kill").args(["-TERM", &server.id().to_string()]).status().unwrap();
    assert!(term.success());
    for r in requests {
        let (status, body) = r.await.unwrap().expect("a request in flight was cut off");
        assert_eq!(status, 200);
        assert!(body.starts_with(b"%PDF"), "a whole PDF");
    }
    let exit = tokio::task::spawn_blocking(move || server.wait()).await.unwrap().unwrap();
    assert!(exit.success(), "the server exits cleanly: {exit:?}");
    // And it no longer answers.
    assert!(http.get(format!("{base}/health/live")).send().await.is_err());
}
