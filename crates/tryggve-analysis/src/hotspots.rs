//! Task B: Getis-Ord Gi* hotspots on a square SWEREF 99 TM grid (SPEC §4).
//!
//! Owns the pipeline and the `hotspots.csv` format: each worker projects
//! its located incidents ([`crate::sweref`]) and counts them per grid cell
//! ([`crate::grid::CellCounts`]); the counts are merged, Gi* is evaluated
//! ([`crate::gistar::hotspots`]) and the cells with z ≥ 1.96 are written,
//! sorted by cell_x then cell_y.

use std::path::Path;
use std::time::Instant;

use crate::Phases;
use crate::aggregate::push_decimal;
use crate::error::{AnalysisError, CsvProblem, Field};
use crate::gistar::{Hotspot, hotspots};
use crate::grid::CellCounts;
use crate::incidents::{FieldError, Incident, IncidentSink, scan_incidents};
use crate::output::AtomicOutput;
use crate::sweref::wgs84_to_sweref99tm;

/// The significance threshold of SPEC B.5 (one-sided 2.5 %).
pub const MIN_Z: f64 = 1.96;
/// The output header.
pub const HOTSPOTS_HEADER: &str = "cell_x,cell_y,count,gi_star_z\n";

/// Runs Task B with square cells of `cell_m` metres (a whole number, 1 to
/// 1 000 000) and writes `hotspots.csv` to `out` (replaced only on
/// success).
pub fn run_hotspots(incidents: &Path, cell_m: f64, out: &Path) -> Result<Phases, AnalysisError> {
    if !(cell_m.fract() == 0.0 && (1.0..=1_000_000.0).contains(&cell_m)) {
        return Err(AnalysisError::InvalidCellSize(cell_m));
    }
    let mut phases = Phases::default();
    let t = Instant::now();
    let mut output = AtomicOutput::create(out)?;
    let sinks = scan_incidents(incidents, || GridCounts::new(cell_m))?;
    let t = phases.lap("scan", t);

    let mut counts = CellCounts::new();
    for sink in sinks {
        counts.merge(&sink.counts);
    }
    let found = hotspots(&counts, MIN_Z);
    let t = phases.lap("gistar", t);

    output.write(&hotspots_csv(&found, cell_m as i64))?;
    output.commit()?;
    phases.lap("write", t);
    Ok(phases)
}

/// One worker's grid counts.
#[derive(Debug, Clone)]
pub struct GridCounts {
    cell_m: f64,
    pub counts: CellCounts,
}

impl GridCounts {
    pub fn new(cell_m: f64) -> Self {
        GridCounts { cell_m, counts: CellCounts::new() }
    }
}

impl IncidentSink for GridCounts {
    #[inline]
    fn accept(&mut self, incident: &Incident<'_>) -> Result<(), FieldError> {
        let Some((lon, lat)) = incident.position else {
            return Ok(());
        };
        let (e, n) = wgs84_to_sweref99tm(lon, lat)
            .ok_or(FieldError { field: Field::Lon, problem: CsvProblem::NotProjectable { lon, lat } })?;
        // SPEC B.3: binary64 division, then floor.
        let i = floor_i64(e / self.cell_m);
        let j = floor_i64(n / self.cell_m);
        self.counts.add(i, j);
        Ok(())
    }
}

/// ⌊x⌋ for |x| < 2^62. Same as `x.floor() as i64`, but without the libm
/// call that `floor` is on the baseline x86-64 target.
#[inline]
fn floor_i64(x: f64) -> i64 {
    let t = x as i64; // truncates toward zero
    t - i64::from((t as f64) > x)
}

/// The `hotspots.csv` text; `z` with six decimals, correctly rounded.
pub fn hotspots_csv(found: &[Hotspot], cell_m: i64) -> Vec<u8> {
    use std::io::Write;
    let mut out = Vec::with_capacity(HOTSPOTS_HEADER.len() + found.len() * 40);
    out.extend_from_slice(HOTSPOTS_HEADER.as_bytes());
    for h in found {
        // Writing to a Vec cannot fail.
        let _ = write!(out, "{},{},", h.i * cell_m, h.j * cell_m);
        push_decimal(&mut out, h.count);
        let _ = writeln!(out, ",{:.6}", h.z);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floor_matches_the_standard_library() {
        for x in [
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.0,
            -1.0,
            2686.9999999999995,
            -2686.0000000000005,
            26_330.25,
            -1e-300,
            4.5e15,
            -4.5e15,
        ] {
            assert_eq!(floor_i64(x), x.floor() as i64, "{x}");
        }
    }
}
