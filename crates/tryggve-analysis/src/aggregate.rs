//! Task A: incidents per area × category × ISO week (SPEC §3).
//!
//! Owns the counting and the `aggregate.csv` format: each worker locates
//! its incidents in the [`AreaIndex`] and counts them under
//! (area label, category, week) in its own table; the tables are merged,
//! sorted byte-wise by area, category and week, and written. The labels
//! `(unlocated)` and `(outside)` take part in the byte-wise order like any
//! name.

use std::path::Path;
use std::time::Instant;

use rustc_hash::FxHashMap;

use crate::Phases;
use crate::areas::load_areas;
use crate::error::AnalysisError;
use crate::incidents::{FieldError, Incident, IncidentSink, scan_incidents};
use crate::isoweek::IsoWeek;
use crate::output::AtomicOutput;
use crate::pip::AreaIndex;
use crate::tally::Tally;

/// Label of incidents without a position.
pub const UNLOCATED: &str = "(unlocated)";
/// Label of located incidents in no area.
pub const OUTSIDE: &str = "(outside)";
/// The output header.
pub const AGGREGATE_HEADER: &str = "area,category,iso_week,count\n";

/// Label ids inside a sink: these two, then area k as `AREA0 + k`.
const LABEL_UNLOCATED: u32 = 0;
const LABEL_OUTSIDE: u32 = 1;
const AREA0: u32 = 2;

/// Runs Task A: reads the areas and the incidents and writes
/// `aggregate.csv` to `out` (replaced only on success).
pub fn run_aggregate(areas: &Path, incidents: &Path, out: &Path) -> Result<Phases, AnalysisError> {
    let mut phases = Phases::default();
    let t = Instant::now();
    let mut output = AtomicOutput::create(out)?;
    let index = AreaIndex::new(&load_areas(areas)?);
    let t = phases.lap("areas", t);

    let sinks = scan_incidents(incidents, || AggregateCounts::new(&index))?;
    let t = phases.lap("scan", t);

    let table = AggregateTable::merge(&index, sinks);
    output.write(&table.to_csv())?;
    output.commit()?;
    phases.lap("write", t);
    Ok(phases)
}

/// One worker's counts.
#[derive(Debug)]
pub struct AggregateCounts<'a> {
    index: &'a AreaIndex,
    categories: FxHashMap<Box<str>, u32>,
    counts: Tally,
}

impl<'a> AggregateCounts<'a> {
    pub fn new(index: &'a AreaIndex) -> Self {
        AggregateCounts { index, categories: FxHashMap::default(), counts: Tally::new(index.len() + AREA0 as usize) }
    }

    fn category_id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.categories.get(name) {
            return id;
        }
        let id = self.categories.len() as u32;
        self.categories.insert(name.into(), id);
        id
    }
}

impl IncidentSink for AggregateCounts<'_> {
    #[inline]
    fn accept(&mut self, incident: &Incident<'_>) -> Result<(), FieldError> {
        let label = match incident.position {
            None => LABEL_UNLOCATED,
            Some(p) => self.index.locate(p).map_or(LABEL_OUTSIDE, |k| AREA0 + k as u32),
        };
        let category = self.category_id(incident.category);
        self.counts.add(label, category, incident.week.key());
        Ok(())
    }
}

/// The merged counts, ready to be listed in output order.
#[derive(Debug)]
pub struct AggregateTable<'a> {
    /// All labels (area names and the two special labels), byte-ordered.
    labels: Vec<&'a str>,
    /// All categories, byte-ordered.
    categories: Vec<Box<str>>,
    /// (label rank, category rank, week key, count), sorted, keys unique.
    rows: Vec<(u32, u32, i32, u64)>,
}

impl<'a> AggregateTable<'a> {
    /// Merges the workers' counts.
    pub fn merge(index: &'a AreaIndex, sinks: Vec<AggregateCounts<'_>>) -> AggregateTable<'a> {
        // Labels in byte order, and the rank of each sink label id.
        let mut labels: Vec<(&str, u32)> = vec![(UNLOCATED, LABEL_UNLOCATED), (OUTSIDE, LABEL_OUTSIDE)];
        labels.extend((0..index.len()).map(|k| (index.name(k), AREA0 + k as u32)));
        labels.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
        let mut label_rank = vec![0u32; labels.len()];
        for (rank, &(_, id)) in labels.iter().enumerate() {
            label_rank[id as usize] = rank as u32;
        }

        let mut categories: Vec<Box<str>> = sinks.iter().flat_map(|s| s.categories.keys().cloned()).collect();
        categories.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
        categories.dedup();

        let mut rows: Vec<(u32, u32, i32, u64)> = Vec::new();
        for sink in &sinks {
            let mut category_rank = vec![0u32; sink.categories.len()];
            for (name, &id) in &sink.categories {
                category_rank[id as usize] = categories
                    .binary_search_by(|c| c.as_bytes().cmp(name.as_bytes()))
                    .expect("every category was collected") as u32;
            }
            sink.counts.for_each(|l, c, w, n| {
                rows.push((label_rank[l as usize], category_rank[c as usize], w, n));
            });
        }
        let rows = sort_and_sum(rows, labels.len(), categories.len());
        AggregateTable { labels: labels.into_iter().map(|(name, _)| name).collect(), categories, rows }
    }

    /// (area label, category, week, count) in output order.
    pub fn rows(&self) -> impl Iterator<Item = (&str, &str, IsoWeek, u64)> + '_ {
        self.rows
            .iter()
            .map(|&(l, c, w, n)| (self.labels[l as usize], &*self.categories[c as usize], IsoWeek::from_key(w), n))
    }

    /// The `aggregate.csv` text: header and one line per row.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(AGGREGATE_HEADER.len() + self.rows.len() * 40);
        out.extend_from_slice(AGGREGATE_HEADER.as_bytes());
        for &(l, c, w, n) in &self.rows {
            out.extend_from_slice(self.labels[l as usize].as_bytes());
            out.push(b',');
            out.extend_from_slice(self.categories[c as usize].as_bytes());
            out.push(b',');
            IsoWeek::from_key(w).push_to(&mut out);
            out.push(b',');
            push_decimal(&mut out, n);
            out.push(b'\n');
        }
        out
    }
}

/// Sorts (label, category, week, count) rows and adds up rows with equal
/// keys (workers share keys). When the key space is small, as it is for
/// any real period, a dense counting table replaces the comparison sort.
fn sort_and_sum(mut rows: Vec<(u32, u32, i32, u64)>, labels: usize, categories: usize) -> Vec<(u32, u32, i32, u64)> {
    let (Some(w_min), Some(w_max)) = (rows.iter().map(|r| r.2).min(), rows.iter().map(|r| r.2).max()) else {
        return rows;
    };
    let weeks = (i64::from(w_max) - i64::from(w_min) + 1) as usize;
    let cells = labels.saturating_mul(categories).saturating_mul(weeks);
    if cells <= (1 << 22) {
        let mut dense = vec![0u64; cells];
        for &(l, c, w, n) in &rows {
            dense[(l as usize * categories + c as usize) * weeks + (w - w_min) as usize] += n;
        }
        return dense
            .iter()
            .enumerate()
            .filter(|&(_, &n)| n > 0)
            .map(|(k, &n)| {
                let (lc, w) = (k / weeks, k % weeks);
                let (l, c) = (lc / categories, lc % categories);
                (l as u32, c as u32, w_min + w as i32, n)
            })
            .collect();
    }
    rows.sort_unstable();
    rows.dedup_by(|later, kept| {
        let same = (later.0, later.1, later.2) == (kept.0, kept.1, kept.2);
        if same {
            kept.3 += later.3;
        }
        same
    });
    rows
}

/// Appends `n` in plain decimal.
pub(crate) fn push_decimal(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut k = digits.len();
    loop {
        k -= 1;
        digits[k] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[k..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_and_sorting_merges_agree() {
        let mut rows = Vec::new();
        let mut state = 7u64;
        for _ in 0..5000 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
            let r = state >> 20;
            rows.push(((r % 9) as u32, (r / 9 % 5) as u32, 2023 * 64 + (r / 45 % 60) as i32, 1 + r % 3));
        }
        // Few categories: dense table; a huge category count: sorting.
        let dense = sort_and_sum(rows.clone(), 9, 5);
        let sorted = sort_and_sum(rows.clone(), 9, 1 << 30);
        assert_eq!(dense, sorted);
        assert!(dense.windows(2).all(|w| (w[0].0, w[0].1, w[0].2) < (w[1].0, w[1].1, w[1].2)));
        let total: u64 = rows.iter().map(|r| r.3).sum();
        assert_eq!(dense.iter().map(|r| r.3).sum::<u64>(), total);
    }

    #[test]
    fn decimals() {
        let mut out = Vec::new();
        for n in [0, 7, 10, 1234567890, u64::MAX] {
            out.clear();
            push_decimal(&mut out, n);
            assert_eq!(out, n.to_string().as_bytes());
        }
    }
}
