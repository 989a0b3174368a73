//! The browser harness: `tests/browser/flows.mjs` drives real headless
//! Chromium (Debian's `chromium`) through the main flows against a demo
//! server and audits every page with axe-core. `.ci/run` installs Chromium
//! and the npm packages; outside CI the test says so and skips when they are
//! missing.

use crate::helpers::*;
use std::path::PathBuf;
use std::process::Command;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_main_flows_work_in_headless_chromium_and_pass_axe() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let ready = dir.join("node_modules/playwright-core").exists() && std::path::Path::new(&chromium).exists();
    if !ready {
        assert!(std::env::var("CI").is_err(), "CI must install Chromium and the browser test packages");
        eprintln!("skipped: install Debian's chromium and run `npm ci` in tests/browser");
        return;
    }
    let app = TestApp::demo(Backend::Sqlite).await.unwrap();
    let base = app.base.clone();
    let out = tokio::task::spawn_blocking(move || {
        Command::new("node").arg("flows.mjs").arg(&base).current_dir(&dir).env("CHROMIUM", chromium).output()
    })
    .await
    .unwrap()
    .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    assert!(out.status.success(), "browser flows failed:\n{stderr}\n{stdout}");
}
