//! The schema as the database reports it, normalised so that the SQLite and
//! PostgreSQL migrations can be compared (a test asserts they are equal).

use crate::{Db, Result, with_pool};

/// `(table, column, type family, nullable)` for every column, sorted.
pub async fn columns(db: &Db) -> Result<Vec<(String, String, &'static str, bool)>> {
    let mut out = vec![];
    match db.backend() {
        crate::Backend::Sqlite => {
            let tables: Vec<String> = with_pool!(db, p => sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
                .fetch_all(p).await?);
            for t in tables {
                let sql =
                    sqlx::AssertSqlSafe(format!("SELECT name, type, \"notnull\", pk FROM pragma_table_info('{t}')"));
                let cols: Vec<(String, String, i64, i64)> =
                    with_pool!(db, p => sqlx::query_as(sql).fetch_all(p).await?);
                for (name, ty, notnull, pk) in cols {
                    out.push((t.clone(), name, family(&ty), notnull == 0 && pk == 0));
                }
            }
        }
        crate::Backend::Postgres => {
            let cols: Vec<(String, String, String, String)> = with_pool!(db, p => sqlx::query_as(
                "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text FROM information_schema.columns \
                 WHERE table_schema = current_schema()").fetch_all(p).await?);
            for (t, c, ty, nullable) in cols {
                out.push((t, c, family(&ty), nullable == "YES"));
            }
        }
    }
    // Full text is each engine's own: FTS5's tables on SQLite, a tsvector column on PostgreSQL.
    let engine_specific = |t: &str, c: &str| t.starts_with("search_fts") || (t == "search_index" && c == "tsv");
    out.retain(|(t, c, _, _)| !engine_specific(t, c));
    out.sort();
    Ok(out)
}

/// Maps a declared type to what the application stores in it. SQLite keeps
/// booleans as integers and dates and times as ISO text.
fn family(ty: &str) -> &'static str {
    match ty.to_ascii_lowercase().as_str() {
        "integer" | "bigint" | "boolean" => "integer",
        "real" | "double precision" => "real",
        "text" | "date" | "timestamp" | "timestamp without time zone" => "text",
        "tsvector" => "tsvector",
        _ => "other",
    }
}
