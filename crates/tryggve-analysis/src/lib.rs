//! The situation picture (*lägesbild*) computation: pure, fast, and
//! bit-for-bit reproducible against the benchmark SPEC.
//!
//! Two tasks, each a single function the binary calls:
//!
//! - [`run_aggregate`] (Task A): incidents per area × category × ISO week.
//! - [`run_hotspots`] (Task B): Getis-Ord Gi* hotspots on a SWEREF 99 TM
//!   grid.
//!
//! and the building blocks they are made of, for the rest of the app:
//!
//! | module | owns |
//! |---|---|
//! | [`areas`] | reading the area GeoJSON |
//! | [`pip`] | exact point-in-polygon and the spatial index over areas |
//! | [`orient`] | the exact orientation predicate |
//! | [`incidents`] | the streaming, parallel incident CSV reader |
//! | [`fields`] | number and timestamp field parsers |
//! | [`isoweek`] | calendar dates and ISO weeks |
//! | [`sweref`] | WGS84 → SWEREF 99 TM projection |
//! | [`grid`] | incident counts per grid cell |
//! | [`gistar`] | the Gi* statistic and hotspot search |
//! | [`poisson`] | the exact one-sided Poisson test |
//! | [`tally`] | counts per (label, category, week) |
//! | [`aggregate`], [`hotspots`] | the two tasks and their output formats |
//! | [`output`] | all-or-nothing output files |
//!
//! Nothing here touches a database, the network or the clock (except to
//! time phases); errors ([`AnalysisError`]) name the file, line and field.

pub mod aggregate;
pub mod areas;
pub mod error;
pub mod fields;
pub mod gistar;
pub mod grid;
pub mod hotspots;
pub mod incidents;
pub mod isoweek;
pub mod orient;
pub mod output;
pub mod picture;
pub mod pip;
pub mod poisson;
pub mod sweref;
pub mod tally;

use std::fmt::Write;
use std::time::Instant;

pub use aggregate::run_aggregate;
pub use error::{AnalysisError, CsvProblem, Field};
pub use hotspots::run_hotspots;

/// Wall-clock seconds spent per phase of a run, in order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Phases {
    pub entries: Vec<(&'static str, f64)>,
}

impl Phases {
    /// Records the time since `since` under `name`; returns now.
    pub fn lap(&mut self, name: &'static str, since: Instant) -> Instant {
        let now = Instant::now();
        self.entries.push((name, now.duration_since(since).as_secs_f64()));
        now
    }

    /// `{"phases": {"read": 0.12, ...}}`, the one-line JSON the benchmark
    /// harness picks up from stderr.
    pub fn to_json(&self) -> String {
        let mut s = String::from("{\"phases\": {");
        for (k, (name, secs)) in self.entries.iter().enumerate() {
            if k > 0 {
                s.push_str(", ");
            }
            // Phase names are fixed identifiers: no escaping needed.
            let _ = write!(s, "\"{name}\": {secs:.6}");
        }
        s.push_str("}}");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_render_as_json() {
        let p = Phases { entries: vec![("read", 0.12), ("join", 0.3)] };
        assert_eq!(p.to_json(), r#"{"phases": {"read": 0.120000, "join": 0.300000}}"#);
        assert_eq!(Phases::default().to_json(), r#"{"phases": {}}"#);
    }
}
