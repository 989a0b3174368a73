//! Logging in with the municipality's identity provider, end to end against a
//! real OpenID Connect provider: `tests/oidc/provider.mjs` runs the npm
//! package `oidc-provider` on 127.0.0.1, and these tests drive the
//! authorization code flow with PKCE over HTTP as a browser would, keeping
//! cookies per host and following redirects by hand. `.ci/run` installs the
//! package (`npm ci` in `tests/oidc`); outside CI the tests say so and skip
//! when it is missing.
//!
//! What a provider cannot be made to do on request — sign a forged ID token,
//! answer with another nonce — is tested beside the validation in
//! `tryggve-web/src/oidc.rs` with keys made there.

use crate::both;
use crate::helpers::*;
use reqwest::StatusCode;
use reqwest::Url;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use tryggve_core::access::Role;
use tryggve_db::audit::AuditQuery;
use tryggve_db::{Actor, Db};
use tryggve_web::oidc::OidcConfig;

const CALLBACK: &str = "/login/oidc/callback";
const SECRET: &str = "tryggve-test-client-secret-0123456789";

fn provider_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/oidc")
}

/// Whether the provider can run here; outside CI a missing install skips the test.
fn ready() -> bool {
    if provider_dir().join("node_modules/oidc-provider").exists() {
        return true;
    }
    assert!(std::env::var("CI").is_err(), "CI must run `npm ci` in tests/oidc: the OIDC login tests never skip there");
    eprintln!("skipped: run `npm ci` in tests/oidc to test login with a real OpenID Connect provider");
    false
}

/// The provider process, in its own process group, killed when dropped
/// (also when the test panics); its log is printed if the test failed.
struct Provider {
    child: Child,
    issuer: String,
    log: PathBuf,
}

impl Provider {
    async fn start(clients: Value) -> Provider {
        let log = std::env::temp_dir().join(format!(
            "tryggve-oidc-provider-{}-{}.log",
            std::process::id(),
            chrono::Utc::now().timestamp_micros()
        ));
        let mut cmd = Command::new("node");
        cmd.arg("provider.mjs")
            .current_dir(provider_dir())
            .env("OIDC_CLIENTS", clients.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("provider log file"));
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
        let mut child = cmd.spawn().expect("start node (is Node.js installed?)");
        let stdout = child.stdout.take().unwrap();
        let mut provider = Provider { child, issuer: String::new(), log };
        let line = tokio::time::timeout(
            std::time::Duration::from_secs(30),
            tokio::task::spawn_blocking(move || {
                let mut out = BufReader::new(stdout);
                let mut line = String::new();
                let read = out.read_line(&mut line).map(|_| line);
                // Anything after it is drained, so that the provider never writes into a closed pipe.
                std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
                read
            }),
        )
        .await
        .expect("the provider says where it listens within 30 s")
        .unwrap()
        .unwrap();
        let ready: Value = serde_json::from_str(&line)
            .unwrap_or_else(|_| panic!("provider did not start: {line:?}\n{}", provider.log_text()));
        provider.issuer = ready["issuer"].as_str().unwrap().to_owned();
        provider
    }

    fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        #[cfg(unix)]
        let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", self.child.id())]).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- OIDC provider log ---\n{}", self.log_text());
        }
        let _ = std::fs::remove_file(&self.log);
    }
}

/// Tryggve with OIDC login, over the demo council, next to its provider.
struct Setup {
    base: String,
    db: Db,
    _provider: Provider,
    server: tokio::task::JoinHandle<()>,
    _test_db: TestDb,
}

impl Drop for Setup {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Setup {
    /// `client` is the provider's registration of Tryggve (its redirect URI is
    /// added); `configure` adjusts Tryggve's side.
    async fn new(backend: Backend, client: Value, configure: impl FnOnce(&mut OidcConfig)) -> Setup {
        let test_db = TestDb::new(backend).await.unwrap();
        let db = Db::connect(&test_db.url).await.expect("connect");
        let mut doc = demo_document();
        let hash = tryggve_web::auth::hash_password(DEMO_PASSWORD).unwrap();
        for u in &mut doc.users {
            u.password_hash = Some(hash.clone());
        }
        db.import(&Actor::system(chrono::Utc::now().naive_utc()), &doc).await.expect("import demo");
        // Tryggve's port must be known before the provider registers the redirect URI.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let redirect = format!("{base}{CALLBACK}");
        let mut client = client;
        client["redirect_uris"] = json!([redirect]);
        client["grant_types"] = json!(["authorization_code"]);
        client["response_types"] = json!(["code"]);
        let provider = Provider::start(json!([client])).await;
        let mut oidc = OidcConfig::new(&provider.issuer, client["client_id"].as_str().unwrap(), &redirect);
        oidc.client_secret = client["client_secret"].as_str().map(str::to_owned);
        oidc.organisation_claim = Some("organisation".into());
        oidc.role_claim = Some("tryggve_role".into());
        configure(&mut oidc);
        oidc.check().unwrap();
        let config = tryggve_web::WebConfig { oidc: Some(oidc), ..Default::default() };
        let app = tryggve_web::router(db.clone(), config);
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Setup { base, db, _provider: provider, server, _test_db: test_db }
    }

    fn is_callback(&self, u: &Url) -> bool {
        u.as_str().starts_with(&format!("{}{CALLBACK}", self.base))
    }

    /// From Tryggve's OIDC button through the provider to the callback URL,
    /// which is returned unvisited.
    async fn to_callback(&self, b: &mut Browser) -> Url {
        match b.follow(&format!("{}/login/oidc?next=/handelser", self.base), |u| self.is_callback(u)).await {
            Err(u) => u,
            Ok((u, res)) => panic!("the flow ended at {u} ({}) before the callback: {}", res.status, res.text),
        }
    }

    /// The whole flow; returns where it ended and the last answer.
    async fn login(&self, b: &mut Browser) -> (Url, Res) {
        b.follow(&format!("{}/login/oidc?next=/handelser", self.base), |_| false).await.unwrap()
    }

    async fn user(&self) -> tryggve_core::register::User {
        self.db.user_for_login("anna.oidc").await.unwrap()
    }

    async fn org_id(&self, name: &str) -> tryggve_core::OrgId {
        self.db.organisations().await.unwrap().into_iter().find(|o| o.name == name).unwrap().id
    }
}

/// A browser without a cookie jar crate: cookies per host and port, sent
/// back to that host only; redirects followed by hand.
#[derive(Default)]
struct Browser {
    jar: BTreeMap<String, BTreeMap<String, String>>,
}

fn authority(u: &Url) -> String {
    format!("{}:{}", u.host_str().unwrap_or(""), u.port_or_known_default().unwrap_or(0))
}

impl Browser {
    fn http() -> reqwest::Client {
        tryggve_web::police_feed::install_tls_provider();
        reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
    }

    fn has_cookie(&self, base: &str, name: &str) -> bool {
        self.jar.get(&authority(&Url::parse(base).unwrap())).is_some_and(|c| c.contains_key(name))
    }

    async fn send(&mut self, url: &Url, req: reqwest::RequestBuilder) -> Res {
        let host = authority(url);
        let cookies = self.jar.get(&host).map(|c| c.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>());
        let req = match cookies {
            Some(c) if !c.is_empty() => req.header(COOKIE, c.join("; ")),
            _ => req,
        };
        let res = req.send().await.expect("request");
        let jar = self.jar.entry(host).or_default();
        for v in res.headers().get_all(SET_COOKIE) {
            let v = v.to_str().unwrap();
            let (kv, attrs) = v.split_once(';').unwrap_or((v, ""));
            let (k, val) = kv.trim().split_once('=').unwrap();
            let attrs = attrs.to_ascii_lowercase();
            if val.is_empty() || attrs.contains("max-age=0") || attrs.contains("expires=thu, 01 jan 1970") {
                jar.remove(k);
            } else {
                jar.insert(k.to_owned(), val.to_owned());
            }
        }
        let status = res.status();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap_or_default();
        Res { status, headers, text }
    }

    async fn get(&mut self, url: &Url) -> Res {
        let req = Self::http().get(url.clone());
        self.send(url, req).await
    }

    async fn post_form(&mut self, url: &Url, fields: &[(&str, &str)]) -> Res {
        let req = Self::http().post(url.clone()).form(fields);
        self.send(url, req).await
    }

    /// GETs `start` and follows redirects. `Ok` with the last URL and answer
    /// when a page answers; `Err(url)` without visiting it when `stop(url)`.
    async fn follow(&mut self, start: &str, stop: impl Fn(&Url) -> bool) -> Result<(Url, Res), Url> {
        let mut url = Url::parse(start).unwrap();
        for _ in 0..20 {
            if stop(&url) {
                return Err(url);
            }
            let res = self.get(&url).await;
            if !res.status.is_redirection() {
                return Ok((url, res));
            }
            let location = res.headers.get(LOCATION).and_then(|l| l.to_str().ok()).unwrap_or_default();
            url = url.join(location).unwrap();
        }
        panic!("more than 20 redirects, last {url}");
    }
}

fn with_state(u: &Url, state: &str) -> Url {
    let pairs: Vec<(String, String)> = u
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "state" { state.to_owned() } else { v.into_owned() };
            (k.into_owned(), v)
        })
        .collect();
    let mut out = u.clone();
    out.query_pairs_mut().clear().extend_pairs(pairs);
    out
}

both!(a_user_of_the_identity_provider_logs_in_with_organisation_and_role_from_the_claims, |b| async move {
    if !ready() {
        return;
    }
    let confidential = json!({
        "client_id": "tryggve", "client_secret": SECRET, "token_endpoint_auth_method": "client_secret_basic",
    });
    let s = Setup::new(b, confidential, |_| {}).await;
    let skarholmen = s.org_id("Polisen LPO Skärholmen").await;

    // The login page offers the provider next to the local form.
    let mut browser = Browser::default();
    let page = browser.get(&Url::parse(&format!("{}/login?next=/handelser", s.base)).unwrap()).await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("Logga in med kommunens konto"), "{}", page.text);
    assert!(page.text.contains("href=\"/login/oidc?next=/handelser\""), "{}", page.text);
    assert!(page.text.contains("name=\"password\""), "local accounts remain");

    // The whole flow, through the provider's login and consent, back to the page asked for.
    let (end, res) = s.login(&mut browser).await;
    assert_eq!(end.as_str(), format!("{}/handelser", s.base));
    assert_eq!(res.status, 200, "{}", res.text);
    assert!(browser.has_cookie(&s.base, "tryggve_session"));
    assert!(!browser.has_cookie(&s.base, "tryggve_oidc"), "the login under way is forgotten");
    let me = browser.get(&Url::parse(&format!("{}/api/v1/me", s.base)).unwrap()).await.json();
    assert_eq!(me["username"], "anna.oidc");
    assert_eq!(me["role"], "member");
    assert_eq!(me["organisation_id"], json!(skarholmen));

    // Created at the first login, in every council, without a password.
    let anna = s.user().await;
    assert_eq!((anna.role, anna.organisation_id), (Role::Member, Some(skarholmen)));
    let councils: Vec<_> = s.db.councils().await.unwrap().into_iter().map(|c| c.id).collect();
    assert_eq!(anna.councils, councils);
    assert!(anna.password_hash.is_none());

    // The audit log records the creation and the login, with its method.
    let q = AuditQuery { username: Some("anna.oidc".into()), limit: 100, ..Default::default() };
    let log = s.db.audit_page(&q).await.unwrap();
    let login = log.iter().find(|e| e.action == "login").expect("a login entry");
    assert_eq!((login.record_type.as_str(), login.record_id), ("user", Some(anna.id.0)));
    assert_eq!(login.detail["method"], "oidc");
    assert!(log.iter().any(|e| e.action == "create" && e.record_type == "user"));

    // The claims win at the next login when the administrator changed what they map to.
    let admin = Actor::system(chrono::Utc::now().naive_utc());
    let changed = tryggve_core::register::User { role: Role::Reader, organisation_id: None, ..anna.clone() };
    s.db.update_user(&admin, &changed).await.unwrap();
    let mut again = Browser::default();
    let (end, _) = s.login(&mut again).await;
    assert_eq!(end.path(), "/handelser");
    let anna = s.user().await;
    assert_eq!((anna.role, anna.organisation_id), (Role::Member, Some(skarholmen)));

    // A wrong state is refused, and uses up the login under way.
    let mut c = Browser::default();
    let callback = s.to_callback(&mut c).await;
    let res = c.get(&with_state(&callback, "forged")).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.text.contains("Inloggningen kunde inte kontrolleras."), "{}", res.text);
    assert!(!c.has_cookie(&s.base, "tryggve_session"));
    let res = c.get(&callback).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.text.contains("Inloggningen hade gått ut"), "{}", res.text);
    assert!(!c.has_cookie(&s.base, "tryggve_session"));

    // The provider's answer works only in the browser that started the login, and only once.
    let mut d = Browser::default();
    let callback = s.to_callback(&mut d).await;
    let mut other = Browser::default();
    let res = other.get(&callback).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "another browser cannot use the code");
    assert!(!other.has_cookie(&s.base, "tryggve_session"));
    let mut replay = Browser { jar: d.jar.clone() };
    assert!(replay.has_cookie(&s.base, "tryggve_oidc"));
    let res = d.get(&callback).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.headers[LOCATION], "/handelser");
    assert!(d.has_cookie(&s.base, "tryggve_session"));
    let res = replay.get(&callback).await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "the same answer, with the same cookie, a second time");
    assert!(!replay.has_cookie(&s.base, "tryggve_session"));

    // A disabled user is refused even though the provider vouches for them.
    let anna = s.user().await;
    s.db.update_user(&admin, &tryggve_core::register::User { disabled: true, ..anna }).await.unwrap();
    let (_, res) = s.login(&mut Browser::default()).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.text.contains("Kontot är avstängt."), "{}", res.text);

    // Local accounts keep working beside the provider.
    let mut local = Browser::default();
    let login = Url::parse(&format!("{}/login", s.base)).unwrap();
    let page = local.get(&login).await;
    let csrf = csrf_in(&page.text).unwrap();
    let res = local
        .post_form(&login, &[("username", "clas"), ("password", DEMO_PASSWORD), ("next", "/"), ("csrf_token", &csrf)])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.text);
    let q = AuditQuery { username: Some("clas".into()), limit: 100, ..Default::default() };
    let log = s.db.audit_page(&q).await.unwrap();
    assert_eq!(log.iter().find(|e| e.action == "login").unwrap().detail["method"], "password");
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_public_client_logs_in_with_pkce_alone_and_existing_users_keep_their_role_without_auto_create() {
    if !ready() {
        return;
    }
    let public = json!({ "client_id": "tryggve-public", "token_endpoint_auth_method": "none" });
    let s = Setup::new(Backend::Sqlite, public, |c| c.auto_create = false).await;

    // Unknown to Tryggve, and not created.
    let (_, res) = s.login(&mut Browser::default()).await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text);
    assert!(res.text.contains("Det finns inget Tryggvekonto för dig."), "{}", res.text);
    assert!(s.db.user_for_login("anna.oidc").await.is_err());

    // Once the administrator has added her, she logs in as what they chose.
    let admin = Actor::system(chrono::Utc::now().naive_utc());
    let anna = tryggve_core::register::User {
        id: tryggve_core::UserId(0),
        username: "anna.oidc".into(),
        person_id: None,
        organisation_id: None,
        role: Role::Reporter,
        councils: vec![],
        disabled: false,
        password_hash: None,
        version: 0,
    };
    s.db.create_user(&admin, &anna).await.unwrap();
    let mut b = Browser::default();
    let (end, res) = s.login(&mut b).await;
    assert_eq!(end.path(), "/handelser", "{}", res.text);
    let me = b.get(&Url::parse(&format!("{}/api/v1/me", s.base)).unwrap()).await.json();
    assert_eq!(me["username"], "anna.oidc");
    assert_eq!(me["role"], "reporter", "without auto_create the claims do not change the role");
    assert_eq!(me["organisation_id"], Value::Null);
}
