//! Search across the working documents: collaborations, measures and
//! follow-ups, through `search_index` (kept in step by every write). SQLite
//! uses FTS5 with prefix matching; PostgreSQL full text with the Swedish
//! configuration (stemming and stop words). Results obey classification in
//! the same SQL: a hit in a record the viewer may not see is no hit.

use crate::{Backend, Db, Result, viewer_params, visible, with_pool};
use serde::Serialize;
use sqlx::Row;

/// One search hit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// `collaboration`, `measure` or `follow_up`.
    pub record_type: String,
    pub record_id: i64,
    /// The collaboration the hit belongs to.
    pub collaboration_id: i64,
    /// The measure, for a measure or follow-up.
    pub measure_id: Option<i64>,
    pub text: String,
}

/// The words of a query: letters and digits only, so that no input can be
/// read as search syntax.
pub fn words(q: &str) -> Vec<String> {
    q.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| w.to_lowercase()).take(12).collect()
}

const VISIBLE: &str = concat!(
    "c.id IS NOT NULL AND ",
    visible!("c", "collaboration"),
    " AND (m.id IS NULL OR ",
    visible!("m", "measure"),
    ") AND (fm.id IS NULL OR ",
    visible!("fm", "measure"),
    ")"
);

const JOINS: &str = "LEFT JOIN measures m ON si.record_type = 'measure' AND m.id = si.record_id \
    LEFT JOIN follow_ups f ON si.record_type = 'follow_up' AND f.id = si.record_id \
    LEFT JOIN measures fm ON fm.id = f.measure_id \
    LEFT JOIN collaborations c ON c.id = COALESCE(m.collaboration_id, fm.collaboration_id, \
        CASE WHEN si.record_type = 'collaboration' THEN si.record_id END)";

impl Db {
    /// Hits for all the words of `query` (each may be the start of a word), best first.
    pub async fn search(&self, viewer: &tryggve_core::Viewer, query: &str, limit: i64) -> Result<Vec<Hit>> {
        let words = words(query);
        if words.is_empty() {
            return Ok(vec![]);
        }
        let (a, l, o) = viewer_params(viewer);
        let cols =
            "si.record_type, si.record_id, si.body, c.id AS collaboration_id, COALESCE(m.id, fm.id) AS measure_id";
        let (sql, q) = match self.backend() {
            Backend::Sqlite => (
                format!(
                    "SELECT {cols} FROM search_fts JOIN search_index si ON si.rowid = search_fts.rowid {JOINS} \
                     WHERE search_fts MATCH $4 AND {VISIBLE} ORDER BY bm25(search_fts) LIMIT $5"
                ),
                words.iter().map(|w| format!("\"{w}\"*")).collect::<Vec<_>>().join(" "),
            ),
            Backend::Postgres => (
                format!(
                    "SELECT {cols} FROM search_index si {JOINS} \
                     WHERE si.tsv @@ to_tsquery('swedish', $4) AND {VISIBLE} \
                     ORDER BY ts_rank(si.tsv, to_tsquery('swedish', $4)) DESC, si.record_type, si.record_id LIMIT $5"
                ),
                words.iter().map(|w| format!("{w}:*")).collect::<Vec<_>>().join(" & "),
            ),
        };
        let sql = sqlx::AssertSqlSafe(sql);
        with_pool!(self, p => {
            let rows = sqlx::query(sql).bind(a).bind(l).bind(o).bind(&q).bind(limit.clamp(1, 500)).fetch_all(p).await?;
            rows.iter()
                .map(|r| {
                    Ok(Hit {
                        record_type: r.try_get("record_type")?,
                        record_id: r.try_get("record_id")?,
                        collaboration_id: r.try_get("collaboration_id")?,
                        measure_id: r.try_get("measure_id")?,
                        text: r.try_get("body")?,
                    })
                })
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn queries_are_reduced_to_words() {
        assert_eq!(super::words("\"klotter\" OR trekantsparken*"), ["klotter", "or", "trekantsparken"]);
        assert_eq!(super::words("NEAR(a b) -x ^y"), ["near", "a", "b", "x", "y"]);
        assert!(super::words("\"*:()").is_empty());
    }
}
