//! The demo council is the seed: the minutes of 17 September 2021.

use crate::both;
use crate::helpers::*;
use serde_json::Value;

fn texts(list: &Value, field: &str) -> Vec<String> {
    list.as_array().unwrap().iter().map(|x| x[field].as_str().unwrap_or("").to_owned()).collect()
}

both!(the_demo_council_holds_the_seeds_records, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut c = app.login("clas").await;

    let meetings = c.api_get("/meetings").await.json();
    let m = &meetings[0];
    assert_eq!(m["starts_at"], "2021-09-17T09:00:00");
    assert_eq!(m["ends_at"], "2021-09-17T11:00:00");
    assert_eq!(m["location"], "Skype");
    assert_eq!(m["attendees"].as_array().unwrap().len(), 12, "the 12 attendees");
    let next = &meetings[1];
    assert_eq!(next["starts_at"], "2022-03-25T09:00:00");
    assert!(next["location"].as_str().unwrap().starts_with("Telefonvägen 30"));

    let people = c.api_get("/people").await.json();
    let by_id = |id: &Value| people.as_array().unwrap().iter().find(|p| &p["id"] == id).unwrap().clone();
    let first = by_id(&m["attendees"][0]["person_id"]);
    assert_eq!(first["name"], "Abit Dundar");
    assert_eq!(m["attendees"][0]["title"], "Ordförande stadsdelsnämnden");
    let last = by_id(&m["attendees"][11]["person_id"]);
    assert_eq!(last["name"], "Bengt Jansson");
    assert!(last["aliases"].as_array().unwrap().iter().any(|a| a == "Bent Jansson"), "the misspelling is an alias");
    let contact = by_id(&m["contact_person_id"]);
    assert_eq!(contact["name"], "Clas Cederlid");
    assert_eq!(contact["phone"], "08 508 23 326");

    let collabs = c.api_get("/collaborations").await.json();
    assert_eq!(
        texts(&collabs, "name"),
        [
            "Platssamverkan Liljeholmen",
            "Platssamverkan Fruängen/Västertorp/Hägerstensåsen",
            "Platssamverkan Älvsjö/Solberga"
        ]
    );
    let measures = c.api_get("/measures").await.json();
    let rows = measures.as_array().unwrap();
    assert_eq!(rows.iter().filter(|r| r["kind"] == "problem").count(), 20);
    assert_eq!(rows.iter().filter(|r| r["kind"] == "development").count(), 13);
    let per =
        |cid: &Value, kind: &str| rows.iter().filter(|r| &r["collaboration_id"] == cid && r["kind"] == kind).count();
    assert_eq!((per(&collabs[0]["id"], "problem"), per(&collabs[0]["id"], "development")), (7, 5));
    assert_eq!((per(&collabs[1]["id"], "problem"), per(&collabs[1]["id"], "development")), (8, 4));
    assert_eq!((per(&collabs[2]["id"], "problem"), per(&collabs[2]["id"], "development")), (5, 4));

    // A sample of rows, exactly as written in the seed.
    let find =
        |action: &str| rows.iter().find(|r| r["action"] == action).unwrap_or_else(|| panic!("row {action}")).clone();
    let r = find("LOV 3 OV och vaktare");
    assert_eq!(r["problem"], "Liljeholmen, Trekantsparken: Ordningsstörningar");
    assert_eq!(r["participants_text"], "Stockholms stads mobila OV och vaktare");
    assert_eq!(r["responsible_text"], "SLK/Avam");
    assert_eq!(r["status_text"], "Pågående utifrån beviljade LOV3 Trekantsparken (220902) och befintliga LOV2 områden");
    let r = find("Se över möjligheterna att söka alkoholförbud på platsen.");
    assert_eq!(r["problem"], "Katrinebergsbacken: Missbrukare som samlas i backen och skapar otrygghet.");
    assert_eq!(r["status_text"], "Inga kontakter tagna än.");
    assert_eq!(r["status"], "not_started");
    let r = find("Ny parkväg med belysning till Mälärhöjdens IP i Fruängen");
    assert_eq!(r["participants_text"], "Samverkan mellan SDF, TK och Idrottsförvaltningen");
    assert_eq!(r["status"], "done");
    let r = find("Anslagstavlor");
    assert_eq!((r["problem"].as_str(), r["responsible_text"].as_str()), (Some("Öka trygghet"), Some("SDF")));
    let r = find("Initiera samverkan och mellan berörda aktörer.");
    assert_eq!(r["participants_text"], "Stockholms hem, SHIS, Ungdomens hus, Fält, Rainbow stödboende");
    assert_eq!(r["status_text"], "Följs upp vid nästa möte");

    let prio = c.api_get("/priorities").await.json();
    assert_eq!(prio[0]["title"], "Unga i risk för kriminalitet");
    assert_eq!(prio[0]["starting_points"].as_array().unwrap().len(), 4);
    let methods = texts(&prio[0]["methods"], "title");
    assert!(methods.iter().any(|t| t == "Samlokalisering socialtjänst och polis"), "{methods:?}");

    // The aliases the seed needs resolve to one organisation each.
    let orgs = c.api_get("/organisations").await.json();
    let has = |alias: &str| {
        orgs.as_array().unwrap().iter().filter(|o| o["aliases"].as_array().unwrap().iter().any(|a| a == alias)).count()
    };
    assert_eq!(has("Sth.stads mobila OV"), 1);
    assert_eq!(has("Stockholms stads mobila OV"), 1);
    assert_eq!((has("Avam"), has("Avsn")), (1, 1));

    // The 17 districts of Hägersten-Älvsjö with their polygons.
    let areas = c.api_get("/areas").await.json();
    let districts: Vec<_> = areas.as_array().unwrap().iter().filter(|a| a["kind"] == "district").collect();
    assert_eq!(districts.len(), 17);
    let area = c.api_get(&format!("/areas/{}", districts[0]["id"])).await.json();
    assert!(matches!(area["geometry"]["type"].as_str(), Some("Polygon" | "MultiPolygon")));
    assert!(areas.as_array().unwrap().iter().any(|a| a["name"] == "Trekantsparken" && a["kind"] == "place"));
});

both!(the_working_document_page_shows_every_row_of_the_seed, |b| async move {
    let app = TestApp::demo(b).await.unwrap();
    let mut c = app.login("lasare").await;
    let page = c.get("/samverkan/1").await;
    assert_eq!(page.status, 200);
    assert!(page.text.contains("Platssamverkan Liljeholmen"));
    assert!(page.text.contains("Problem – åtgärder/insatser") && page.text.contains("Utveckling – åtgärder/insatser"));
    assert!(page.text.contains("Fastighetskontoret"));
    assert_eq!(page.text.matches("href=\"/atgarder/").count(), 12, "7 problem and 5 development rows");
    assert!(page.text.contains("Demoläge"), "the demo banner is visible");
});

/// The seed minutes, when the project's shared folder is beside the checkout (always in CI).
fn seed_text() -> Option<String> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/seed/000_64878e962ac09484.txt");
    match std::fs::read_to_string(path) {
        Ok(s) => Some(s),
        Err(_) => {
            assert!(std::env::var("CI").is_err(), "CI has the shared folder beside the checkout");
            None
        }
    }
}

#[test]
fn every_demo_row_is_written_exactly_as_in_the_seed() {
    let Some(seed) = seed_text() else {
        eprintln!("skipped: the seed is not beside the checkout");
        return;
    };
    let doc = demo_document();
    assert_eq!(doc.measures.len(), 33);
    for m in &doc.measures {
        for (field, text) in [
            ("action", &m.action),
            ("participants_text", &m.participants_text),
            ("responsible_text", &m.responsible_text),
            ("status_text", &m.status_text),
        ] {
            assert!(seed.contains(text.as_str()), "measure {} {field} {text:?} is not in the seed", m.id);
        }
        // Problem cells lose only their <b> markup.
        let plain = m.problem.as_str();
        assert!(
            seed.contains(plain) || seed.replace("<b>", "").replace("</b>", "").contains(plain),
            "measure {} problem {plain:?} is not in the seed",
            m.id
        );
    }
    let meeting = &doc.meetings[0];
    for a in &meeting.attendees {
        let person = doc.people.iter().find(|p| p.id == a.person_id).unwrap();
        assert!(seed.contains(&format!("{}\t{}", person.name, a.title)), "attendee {} {}", person.name, a.title);
    }
    assert!(seed.contains(&meeting.opening));
}
