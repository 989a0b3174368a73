//! The situation picture's inputs: the incident form, the API, and imports
//! of incidents and indicators — all or nothing, idempotent, with errors
//! naming line and field.

use crate::both;
use crate::helpers::*;
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn demo_file(name: &str) -> String {
    format!("{}/../../demo/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn tryggve(url: &str, args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tryggve"))
        .args(args)
        .env("TRYGGVE_DATABASE_URL", url)
        .env("TRYGGVE_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().flush().unwrap();
    child.wait_with_output().unwrap()
}

fn out(o: &Output) -> String {
    assert!(o.status.success(), "{}\n{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn write_tmp(app: &TestApp, name: &str, text: &str) -> String {
    let p = app.test_db.dir.clone().unwrap_or_else(std::env::temp_dir).join(format!("{}-{name}", std::process::id()));
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

both!(an_incident_reported_in_the_form_is_placed_in_its_district, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut c = app.login("rapportor").await;
    let form = c.get("/handelser/ny").await;
    assert_eq!(form.status, 200);
    assert!(form.text.contains("Klotter") && form.text.contains("Trekantsparken"));
    // A point in Liljeholmen (near Liljeholmstorget), no place chosen.
    let res = c
        .post_form(
            "/handelser",
            &[
                ("category", "klotter"),
                ("date", "2026-11-20"),
                ("time", "21:15"),
                ("lon", "18.0225"),
                ("lat", "59.3105"),
                ("description", "Nytt klotter på gavlen mot torget."),
                ("source_kind", "partner_observation"),
                ("reliability", "observed"),
                ("classification", "internal"),
            ],
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.text);
    let mut api = app.token("clas").await;
    let list = api.api_get("/incidents").await.json();
    let i = &list[0];
    assert_eq!(i["category"], "klotter");
    assert_eq!(i["occurred_at"], "2026-11-20T21:15:00");
    assert_eq!(i["utc_offset_minutes"], 60, "Swedish winter time");
    assert_eq!(i["position_precision"], "exact");
    let area = api.api_get(&format!("/areas/{}", i["area_id"])).await.json();
    assert_eq!(area["name"], "Liljeholmen");
    assert_eq!(i["source"], "form");

    let res = c
        .post_form("/handelser", &[("category", "spöken"), ("date", "2026-13-01"), ("lon", "181"), ("lat", "59")])
        .await;
    assert_eq!(res.status, 422);
    assert!(
        res.text.contains("Välj en kategori.")
            && res.text.contains("Ogiltigt datum")
            && res.text.contains("Skriv ett tal mellan -180 och 180")
    );
    let mut reader = app.login("lasare").await;
    assert_eq!(reader.get("/handelser/ny").await.status, 403, "a reader cannot report");
});

both!(police_events_import_placed_by_name_and_only_once, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let url = &app.test_db.url;
    let first = out(&tryggve(url, &["incidents", "import-police", &demo_file("polisen-handelser.json")]));
    assert!(first.contains("Added 297 incidents"), "{first}");
    let again = out(&tryggve(url, &["incidents", "import-police", &demo_file("polisen-handelser.json")]));
    assert!(again.contains("Added 0 incidents; 297 were already there."), "{again}");
    let mut c = app.token("clas").await;
    let list = c.api_get("/incidents").await.json();
    let list = list.as_array().unwrap();
    assert!(list.iter().all(|i| i["source_kind"] == "police_event" && i["reliability"] == "reported"));
    // "En man iakttogs när denne försökte bryta sig in i ett källarförråd i Aspudden."
    let e = list.iter().find(|i| i["external_id"] == "649803").expect("event 649803");
    assert_eq!(e["category"], "inbrott");
    assert_eq!(e["occurred_at"], "2026-08-18T11:23:22");
    assert_eq!(e["utc_offset_minutes"], 120);
    let area = c.api_get(&format!("/areas/{}", e["area_id"])).await.json();
    assert_eq!(area["name"], "Aspudden");
    assert_ne!(e["position_precision"], "exact", "the feed's position is never exact");
});

both!(an_incident_csv_imports_all_or_nothing_and_once, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let url = app.test_db.url.clone();
    let good = write_tmp(
        &app,
        "good.csv",
        "id,occurred_at,category,lon,lat\n1,2024-12-30T23:30:00+01:00,klotter,18.0225,59.3105\n2,2023-01-01T00:30:00+01:00,stöld,,\n3,2024-03-31T02:30:00+02:00,skadegörelse,17.99,59.30\n",
    );
    let o = out(&tryggve(&url, &["incidents", "import", &good, "--source", "väktarbolaget"]));
    assert!(o.contains("Added 3 incidents"), "{o}");
    let o = out(&tryggve(&url, &["incidents", "import", &good, "--source", "väktarbolaget"]));
    assert!(o.contains("Added 0 incidents; 3 were already there."), "{o}");

    let bad = write_tmp(
        &app,
        "bad.csv",
        "id,occurred_at,category,lon,lat\n10,2024-01-01T10:00:00Z,klotter,18.02,59.31\n11,2024-01-01T25:00:00Z,klotter,18.02,59.31\n12,2024-01-01T10:00:00Z,klotter,18.02,north\n",
    );
    let o = tryggve(&url, &["incidents", "import", &bad]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("rad 3, fält occurred_at") && err.contains("rad 4, fält lat"), "{err}");
    let truncated = write_tmp(
        &app,
        "trunc.csv",
        "id,occurred_at,category,lon,lat\n20,2024-01-01T10:00:00Z,klotter,18.02,59.31\n21,2024-01-01T10:00",
    );
    assert!(!tryggve(&url, &["incidents", "import", &truncated]).status.success());
    let header = write_tmp(&app, "header.csv", "nr;datum;typ\n1;2024-01-01;klotter\n");
    let o = tryggve(&url, &["incidents", "import", &header]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("rad 1"), "the header is named");
    let latin1 =
        app.test_db.dir.clone().unwrap_or_else(std::env::temp_dir).join(format!("{}-latin1.csv", std::process::id()));
    std::fs::write(&latin1, b"id,occurred_at,category,lon,lat\n30,2024-01-01T10:00:00Z,st\xf6ld,,\n").unwrap();
    let o = tryggve(&url, &["incidents", "import", latin1.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("UTF-8"));

    let mut c = app.token("admin").await;
    let all = c.api_get("/incidents").await.json();
    assert_eq!(all.as_array().unwrap().len(), 3, "nothing of the broken files was written");
});

both!(indicator_series_import_with_their_source_and_only_once, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let url = &app.test_db.url;
    let o = out(&tryggve(url, &["indicators", "import", &fixture("bra_monthly.csv")]));
    assert!(o.contains("added 82 figures"), "{o}");
    let o = out(&tryggve(url, &["indicators", "import", &fixture("bra_monthly.csv")]));
    assert!(o.contains("added 0 figures; 82 were already there"), "{o}");
    out(&tryggve(url, &["indicators", "import", &fixture("trygghetsmatning.csv")]));
    out(&tryggve(url, &["indicators", "import", &fixture("population_2024.csv")]));
    let mut c = app.token("clas").await;
    let series = c.api_get("/indicators").await.json();
    let bra = series.as_array().unwrap().iter().find(|s| s["kind"] == "reported_crimes").unwrap();
    assert!(bra["source"].as_str().unwrap().contains("Brå"));
    let boden_total = bra["observations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["area_name"] == "Boden" && o["dimension"].as_str().unwrap().starts_with("Totalt antal brott"))
        .unwrap();
    assert_eq!(boden_total["value"], 225.0);
    assert_eq!(boden_total["preliminary"], true);
    let pop = series.as_array().unwrap().iter().find(|s| s["kind"] == "population").unwrap();
    let sthlm = pop["observations"].as_array().unwrap().iter().find(|o| o["area_name"] == "Stockholm").unwrap();
    assert!(sthlm["area_id"].is_number(), "matched to the register's municipality");

    let broken = write_tmp(
        &app,
        "s.csv",
        "area,period_start,period_end,dimension,value\nÄlvsjö,2021-01-01,2021-06-30,mot person,tre\n",
    );
    let o = tryggve(url, &["indicators", "import", &broken, "--name", "Skjutningar", "--kind", "shootings"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("rad 2, fält value"));
});

both!(the_situation_picture_counts_by_kind_and_finds_a_real_increase, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    // Västberga: five klotter reports a week for four weeks, then fourteen.
    let mut csv = String::from("external_id,occurred_at,category,place,reliability,source_kind\n");
    let mut n = 0;
    for (week_start, count) in
        [("2026-10-05", 5), ("2026-10-12", 5), ("2026-10-19", 5), ("2026-10-26", 5), ("2026-11-02", 14)]
    {
        for k in 0..count {
            n += 1;
            let day =
                chrono::NaiveDate::parse_from_str(week_start, "%Y-%m-%d").unwrap() + chrono::Duration::days(k % 7);
            csv.push_str(&format!(
                "v{n},{day}T2{}:00:00+01:00,klotter,Västberga,observed,partner_observation\n",
                k % 4
            ));
        }
    }
    // A police event the same week: another kind, counted apart.
    csv.push_str("p1,2026-11-03T12:00:00+01:00,klotter,Västberga,reported,police_event\n");
    let file = write_tmp(&app, "vastberga.csv", &csv);
    out(&tryggve(&app.test_db.url, &["incidents", "import", &file, "--source", "fältgruppen"]));
    let mut c = app.token("clas").await;
    let pic = c.api_get("/situation?area=Hägersten-Älvsjö&from=2026-11-02&to=2026-11-08&baseline=4").await;
    assert_eq!(pic.status, 200, "{}", pic.text);
    let pic = pic.json();
    assert!(pic["note"].as_str().unwrap().contains("läggs aldrig ihop"));
    let totals = pic["totals"].as_array().unwrap();
    assert_eq!(totals.len(), 2, "two source kinds this week, never added up: {}", pic["totals"]);
    let partner = totals.iter().find(|t| t["source_kind"] == "partner_observation").unwrap();
    assert_eq!(partner["count"], 14);
    assert_eq!(totals.iter().find(|t| t["source_kind"] == "police_event").unwrap()["count"], 1);
    let change = pic["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|ch| {
            ch["area_name"] == "Västberga" && ch["category"] == "klotter" && ch["source_kind"] == "partner_observation"
        })
        .expect("a change for Västberga")
        .clone();
    assert_eq!(change["observed"], 14);
    assert_eq!(change["expected"], 5.0);
    assert_eq!(change["direction"], "increase");
    assert!(change["p_increase"].as_f64().unwrap() < 0.001);
    let vastberga =
        pic["districts"][0]["rows"].as_array().unwrap().iter().find(|r| r["name"] == "Västberga").unwrap().clone();
    assert_eq!(vastberga["share_of_incidents"], 1.0);
    assert_eq!(pic["repeat_places"][0]["name"], "Västberga");
    assert_eq!(pic["repeat_places"][0]["previous"], 5);

    let monthly = c.api_get("/situation?area=Västberga&from=2026-10-01&to=2026-11-30&granularity=month").await.json();
    let series = monthly["series"].as_array().unwrap();
    let points = &series.iter().find(|x| x["source_kind"] == "partner_observation").unwrap()["points"];
    assert_eq!(points[0], serde_json::json!(["2026-10", 20]));
    assert_eq!(points[1], serde_json::json!(["2026-11", 14]));

    let bad = c.api_get("/situation?area=Atlantis&from=2026-11-31&granularity=day").await;
    assert_eq!(bad.status, 422);
    let fields: Vec<_> =
        bad.json()["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap().to_owned()).collect();
    assert_eq!(fields, ["area", "from", "granularity"]);
});

both!(an_xlsx_series_imports_and_a_bad_cell_names_its_row, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let url = &app.test_db.url;
    let o = out(&tryggve(
        url,
        &[
            "indicators",
            "import",
            &fixture("shootings.xlsx"),
            "--name",
            "Skjutningar",
            "--kind",
            "shootings",
            "--unit",
            "antal",
            "--source",
            "Polisen",
            "--retrieved",
            "2021-09-10",
        ],
    ));
    assert!(o.contains("added 3 figures"), "{o}");
    let mut c = app.token("clas").await;
    let s = c.api_get("/indicators").await.json();
    let sh = s.as_array().unwrap().iter().find(|x| x["name"] == "Skjutningar").unwrap().clone();
    assert_eq!(sh["retrieved_on"], "2021-09-10");
    let o = sh["observations"].as_array().unwrap().iter().find(|o| o["dimension"] == "provskjutning").unwrap().clone();
    assert_eq!(
        (o["period_start"].as_str(), o["period_end"].as_str(), o["value"].as_f64()),
        (Some("2021-01-01"), Some("2021-06-30"), Some(9.0))
    );
    assert!(o["area_id"].is_number());
    let bad = tryggve(url, &["indicators", "import", &fixture("shootings_broken.xlsx"), "--name", "Trasig"]);
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("rad 2, fält value"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    let not_xlsx = write_tmp(&app, "x.xlsx", "this is not a workbook");
    assert!(!tryggve(url, &["indicators", "import", &not_xlsx, "--name", "X"]).status.success());
});

both!(the_incident_list_filters_by_period_area_category_and_kind, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    out(&tryggve(&app.test_db.url, &["incidents", "import-police", &demo_file("polisen-handelser.json")]));
    let csv = "external_id,occurred_at,category,place,source_kind\na,2026-08-10T10:00:00+02:00,klotter,Trekantsparken,partner_observation\nb,2026-08-11,nedskräpning,Liljeholmen,resident_tip\n";
    let file = write_tmp(&app, "mixed.csv", csv);
    out(&tryggve(&app.test_db.url, &["incidents", "import", &file]));
    let mut c = app.token("martin").await;
    let all = c.api_get("/incidents?limit=100000").await.json();
    assert_eq!(all.as_array().unwrap().len(), 299);
    let lilje = c.api_get("/incidents?area=Liljeholmen&from=2026-08-01&to=2026-08-31").await.json();
    let lilje = lilje.as_array().unwrap();
    assert!(lilje.iter().any(|i| i["external_id"] == "a"), "a place inside the district is included");
    assert!(lilje.iter().all(|i| i["occurred_at"].as_str().unwrap().starts_with("2026-08")));
    let tips = c.api_get("/incidents?source_kind=resident_tip").await.json();
    assert_eq!(tips.as_array().unwrap().len(), 1);
    assert_eq!(tips[0]["time_precision"], "date");
    let cats = c.api_get("/incidents?category=inbrott,stold&limit=5").await.json();
    assert!(cats.as_array().unwrap().len() <= 5);
    assert!(cats.as_array().unwrap().iter().all(|i| i["category"] == "inbrott" || i["category"] == "stold"));
    let bad = c.api_get("/incidents?from=igår&category=ufo&limit=0").await;
    assert_eq!(bad.status, 422);
});

both!(the_scheduled_police_fetch_identifies_itself_and_imports_once, |b| async move {
    use std::sync::{Arc, Mutex};
    let app = TestApp::demo(b).await.unwrap();
    // A stand-in for the feed on loopback, serving the real sample and noting the User-Agent.
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen2 = seen.clone();
    let body = std::fs::read(demo_file("polisen-handelser.json")).unwrap();
    let feed = axum::Router::new().route(
        "/api/events",
        axum::routing::get(move |headers: axum::http::HeaderMap| {
            let ua = headers.get("user-agent").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
            seen2.lock().unwrap().push(ua);
            let body = body.clone();
            async move { ([("content-type", "application/json")], body) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api/events", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, feed).await.unwrap() });
    let cfg = tryggve_web::police_feed::FeedConfig {
        url: url.clone(),
        interval: std::time::Duration::from_secs(1),
        contact: "trygghet@example.org".into(),
    };
    let client = tryggve_web::police_feed::client(&cfg).unwrap();
    let (first, _) = tryggve_web::police_feed::fetch_once(&app.db, &client, &url).await.unwrap();
    assert_eq!(first.added, 297);
    let (second, _) = tryggve_web::police_feed::fetch_once(&app.db, &client, &url).await.unwrap();
    assert_eq!((second.added, second.unchanged), (0, 297));
    let ua = seen.lock().unwrap()[0].clone();
    assert!(ua.starts_with("Tryggve/") && ua.contains("trygghet@example.org"), "{ua}");
    assert_eq!(
        cfg.interval.max(tryggve_web::police_feed::MIN_INTERVAL).as_secs(),
        60,
        "never more than a call a minute"
    );
    server.abort();
});
