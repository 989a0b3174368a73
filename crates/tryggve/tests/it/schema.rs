//! The SQLite and PostgreSQL migrations describe the same schema.

use crate::helpers::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_two_backends_have_the_same_tables_and_columns() {
    let lite = TestDb::new(Backend::Sqlite).await.unwrap();
    let lite_db = tryggve_db::Db::connect(&lite.url).await.unwrap();
    let sqlite = tryggve_db::schema::columns(&lite_db).await.unwrap();
    assert!(sqlite.iter().any(|c| c.0 == "measures" && c.1 == "status_text"));
    let Some(pg) = TestDb::new(Backend::Postgres).await else {
        eprintln!("skipped the PostgreSQL half: TRYGGVE_TEST_POSTGRES_URL is not set");
        return;
    };
    let pg_db = tryggve_db::Db::connect(&pg.url).await.unwrap();
    let postgres = tryggve_db::schema::columns(&pg_db).await.unwrap();
    let only = |a: &Vec<(String, String, &'static str, bool)>, b: &Vec<(String, String, &'static str, bool)>| {
        a.iter().filter(|x| !b.contains(x)).cloned().collect::<Vec<_>>()
    };
    assert!(
        sqlite == postgres,
        "only in SQLite: {:?}\nonly in PostgreSQL: {:?}",
        only(&sqlite, &postgres),
        only(&postgres, &sqlite)
    );
    lite_db.close().await;
    pg_db.close().await;
}
