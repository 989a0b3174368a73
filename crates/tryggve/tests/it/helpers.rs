//! The test harness: a real server on a free port over a fresh database per
//! test — SQLite always, PostgreSQL when `TRYGGVE_TEST_POSTGRES_URL` names a
//! server (CI sets it, and then a PostgreSQL test never skips).

use reqwest::StatusCode;
use reqwest::header::{COOKIE, HeaderMap, SET_COOKIE};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;
use tryggve_core::export::ExportDocument;
use tryggve_db::{Actor, Db};

pub const DEMO_PASSWORD: &str = "demo-tryggve";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh, empty database; removed again when dropped.
pub struct TestDb {
    pub url: String,
    pub dir: Option<PathBuf>,
    pg: Option<(String, String)>,
}

fn unique() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!("{}_{}_{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst), chrono::Utc::now().timestamp_micros())
}

pub fn postgres_url() -> Option<String> {
    match std::env::var("TRYGGVE_TEST_POSTGRES_URL") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            assert!(
                std::env::var("CI").is_err(),
                "CI must set TRYGGVE_TEST_POSTGRES_URL: the PostgreSQL tests are never skipped there"
            );
            None
        }
    }
}

impl TestDb {
    /// `None` when the backend is PostgreSQL and no server is configured.
    pub async fn new(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(format!("tryggve-test-{}", unique()));
                std::fs::create_dir_all(&dir).unwrap();
                Some(TestDb { url: format!("sqlite:{}", dir.join("t.db").display()), dir: Some(dir), pg: None })
            }
            Backend::Postgres => {
                let admin = postgres_url()?;
                let name = format!("tryggve_t_{}", unique());
                let admin_db = Db::connect_admin(&admin).await.expect("connect to the PostgreSQL test server");
                admin_db.create_database(&name).await.expect("create test database");
                let url = match admin.rfind('/') {
                    Some(i) if admin[..i].contains("://") && i > admin.find("://").unwrap() + 2 => {
                        format!("{}/{}", &admin[..i], name)
                    }
                    _ => format!("{}/{}", admin.trim_end_matches('/'), name),
                };
                Some(TestDb { url, dir: None, pg: Some((admin, name)) })
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        if let Some((admin, name)) = self.pg.take() {
            // Drop runs outside async code: use a short-lived runtime on its own thread.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(async {
                    if let Ok(db) = Db::connect_admin(&admin).await {
                        let _ = db.drop_database(&name).await;
                        db.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// A running server over a test database.
pub struct TestApp {
    pub base: String,
    pub db: Db,
    pub test_db: TestDb,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

pub fn demo_document() -> ExportDocument {
    ExportDocument::parse(include_str!("../../../../demo/hagersten-alvsjo.json")).expect("demo document parses")
}

impl TestApp {
    /// A server over an empty database.
    pub async fn empty(backend: Backend) -> Option<TestApp> {
        Self::with_config(backend, tryggve_web::WebConfig { demo: true, ..Default::default() }).await
    }

    /// A server over an empty database, configured as given.
    pub async fn with_config(backend: Backend, config: tryggve_web::WebConfig) -> Option<TestApp> {
        let test_db = TestDb::new(backend).await?;
        let db = Db::connect(&test_db.url).await.expect("connect");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = tryggve_web::router(db.clone(), config);
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Some(TestApp { base, db, test_db, server })
    }

    /// A server over the demo council, every demo account with the demo password.
    pub async fn demo(backend: Backend) -> Option<TestApp> {
        let app = Self::empty(backend).await?;
        let mut doc = demo_document();
        let hash = tryggve_web::auth::hash_password(DEMO_PASSWORD).unwrap();
        for u in &mut doc.users {
            u.password_hash = Some(hash.clone());
        }
        app.db.import(&Actor::system(chrono::Utc::now().naive_utc()), &doc).await.expect("import demo");
        Some(app)
    }

    pub fn client(&self) -> Client {
        tryggve_web::police_feed::install_tls_provider();
        Client {
            base: self.base.clone(),
            http: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap(),
            cookies: BTreeMap::new(),
            csrf: None,
            bearer: None,
        }
    }

    /// A client logged in as a demo user.
    pub async fn login(&self, username: &str) -> Client {
        let mut c = self.client();
        let res = c.login(username, DEMO_PASSWORD).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "login as {username}: {}", res.text);
        c
    }

    /// A client authenticated with a fresh API token of `username`.
    pub async fn token(&self, username: &str) -> Client {
        let user = self.db.user_for_login(username).await.unwrap();
        let token = tryggve_web::auth::random_token();
        self.db
            .create_token(
                &Actor::system(chrono::Utc::now().naive_utc()),
                user.id,
                &tryggve_web::auth::sha256_hex(&token),
                "test",
            )
            .await
            .unwrap();
        let mut c = self.client();
        c.bearer = Some(token);
        c
    }
}

/// A response, read whole.
pub struct Res {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub text: String,
}

impl Res {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }

    pub fn location(&self) -> &str {
        self.headers.get("location").and_then(|v| v.to_str().ok()).unwrap_or("")
    }
}

/// A browser-like client: keeps cookies, finds the CSRF token in the last page.
pub struct Client {
    base: String,
    http: reqwest::Client,
    pub cookies: BTreeMap<String, String>,
    pub csrf: Option<String>,
    pub bearer: Option<String>,
}

/// The first `name="csrf_token" value="…"` in a page.
pub fn csrf_in(html: &str) -> Option<String> {
    let i = html.find("name=\"csrf_token\" value=\"")? + "name=\"csrf_token\" value=\"".len();
    Some(html[i..i + html[i..].find('"')?].to_owned())
}

impl Client {
    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    async fn send(&mut self, req: reqwest::RequestBuilder) -> Res {
        let mut req = req.header(COOKIE, self.cookie_header());
        if let Some(t) = &self.bearer {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.expect("request");
        for v in res.headers().get_all(SET_COOKIE) {
            let v = v.to_str().unwrap();
            let (kv, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = kv.split_once('=').unwrap();
            if val.is_empty() || attrs.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), val.to_owned());
            }
        }
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap_or_default();
        if let Some(t) = csrf_in(&text) {
            self.csrf = Some(t);
        }
        Res { status, headers, text }
    }

    /// A download: status and the raw bytes.
    pub async fn get_bytes(&mut self, path: &str) -> (u16, Vec<u8>) {
        let mut req = self.http.get(format!("{}{path}", self.base)).header(COOKIE, self.cookie_header());
        if let Some(t) = &self.bearer {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.expect("request");
        (res.status().as_u16(), res.bytes().await.unwrap().to_vec())
    }

    pub async fn get(&mut self, path: &str) -> Res {
        let r = self.http.get(format!("{}{path}", self.base));
        self.send(r).await
    }

    /// Posts a form; the CSRF token of the last page is added unless given.
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Res {
        let mut body: Vec<(String, String)> = fields.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        if !fields.iter().any(|(k, _)| *k == "csrf_token") {
            body.push(("csrf_token".into(), self.csrf.clone().unwrap_or_default()));
        }
        let encoded =
            body.iter().map(|(k, v)| format!("{}={}", urlencoding(k), urlencoding(v))).collect::<Vec<_>>().join("&");
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(encoded);
        self.send(r).await
    }

    pub async fn login(&mut self, username: &str, password: &str) -> Res {
        self.get("/login").await;
        self.post_form("/login", &[("username", username), ("password", password), ("next", "/")]).await
    }

    /// The session's CSRF token for API writes.
    async fn api_csrf(&mut self) -> Option<String> {
        if self.bearer.is_some() {
            return None;
        }
        let me = self.get("/api/v1/me").await;
        me.json()["csrf_token"].as_str().map(str::to_owned)
    }

    pub async fn api(&mut self, method: reqwest::Method, path: &str, body: Option<&Value>) -> Res {
        let csrf = if method == reqwest::Method::GET { None } else { self.api_csrf().await };
        let mut r = self.http.request(method, format!("{}/api/v1{path}", self.base));
        if let Some(t) = csrf {
            r = r.header("x-csrf-token", t);
        }
        if let Some(b) = body {
            r = r.json(b);
        }
        self.send(r).await
    }

    pub async fn api_get(&mut self, path: &str) -> Res {
        self.api(reqwest::Method::GET, path, None).await
    }

    pub async fn api_post(&mut self, path: &str, body: &Value) -> Res {
        self.api(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn api_put(&mut self, path: &str, body: &Value) -> Res {
        self.api(reqwest::Method::PUT, path, Some(body)).await
    }
}

fn urlencoding(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            b' ' => "+".to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Runs a test body once per backend: `both!(name, |app: Backend| async { … })`.
#[macro_export]
macro_rules! both {
    ($name:ident, $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                ($body)($crate::helpers::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if $crate::helpers::postgres_url().is_none() {
                    eprintln!("skipped: TRYGGVE_TEST_POSTGRES_URL is not set");
                    return;
                }
                ($body)($crate::helpers::Backend::Postgres).await
            }
        }
    };
}
