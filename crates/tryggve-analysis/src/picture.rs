//! The lägesbild's figures for one area and period, from incidents already
//! filtered by what the viewer may see: counts per period, change against a
//! baseline (exact Poisson test), each district's share of incidents against
//! its share of population, hotspots (Gi*) and repeat places.
//!
//! Records carry indices (into the caller's lists of source kinds,
//! categories and areas), so this module knows nothing of the domain. Counts
//! of different source kinds are never added together: every figure is
//! keyed by its kind.

use crate::gistar::{CellCounts, hotspots as gi_hotspots};
use crate::isoweek::Date;
use crate::poisson::{baseline_mean, upper_tail};
use crate::sweref::wgs84_to_sweref99tm;
use std::collections::{BTreeMap, HashMap};

/// One incident, reduced to what the figures need.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Record {
    /// The local calendar date.
    pub date: Date,
    pub kind: usize,
    pub category: usize,
    /// The area it is counted in (a district or a place), if placed.
    pub area: Option<usize>,
    /// WGS84 position, when it is precise enough for hotspots.
    pub point: Option<(f64, f64)>,
}

/// Weeks or months.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Granularity {
    Week,
    Month,
}

impl Granularity {
    /// A sortable key and its label (`2024-W05`, `2024-03`).
    pub fn period(self, d: Date) -> (i32, String) {
        match self {
            Granularity::Week => {
                let w = d.iso_week();
                (w.key(), w.to_string())
            }
            Granularity::Month => (d.year() * 100 + d.month() as i32, format!("{:04}-{:02}", d.year(), d.month())),
        }
    }
}

/// Counts per (kind, category, period label), periods in order.
pub fn series(
    records: &[Record],
    from: Date,
    to: Date,
    g: Granularity,
) -> BTreeMap<(usize, usize), Vec<(String, u64)>> {
    let mut by: BTreeMap<(usize, usize), BTreeMap<i32, (String, u64)>> = BTreeMap::new();
    for r in records.iter().filter(|r| r.date >= from && r.date <= to) {
        let (key, label) = g.period(r.date);
        by.entry((r.kind, r.category)).or_default().entry(key).or_insert((label, 0)).1 += 1;
    }
    by.into_iter().map(|(k, v)| (k, v.into_values().collect())).collect()
}

/// A tested change of one count against its baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub kind: usize,
    pub category: usize,
    /// `None` for the whole area.
    pub area: Option<usize>,
    pub observed: u64,
    /// The mean of the baseline periods.
    pub expected: f64,
    /// P(X ≥ observed): small means a real increase.
    pub p_increase: f64,
    /// P(X ≤ observed): small means a real decrease.
    pub p_decrease: f64,
    /// Too few incidents for the test to say much (observed and expected both under 5).
    pub small_numbers: bool,
}

impl Change {
    /// Is the change significant at `alpha`, and in which direction (+1 / -1)?
    /// Small numbers are never called a change: they are flagged instead.
    pub fn direction(&self, alpha: f64) -> i8 {
        if self.small_numbers {
            0
        } else if self.p_increase < alpha && self.observed as f64 > self.expected {
            1
        } else if self.p_decrease < alpha && (self.observed as f64) < self.expected {
            -1
        } else {
            0
        }
    }
}

/// Tests the period `from..=to` against the `baseline` periods of the same
/// length just before it, per (kind, category) for the whole area and per
/// (kind, category, area) for each area.
pub fn changes(records: &[Record], from: Date, to: Date, baseline: u32) -> Vec<Change> {
    let len = to.days_since_epoch() - from.days_since_epoch() + 1;
    if len <= 0 || baseline == 0 {
        return vec![];
    }
    let start = from.days_since_epoch();
    // Window 0 is the period itself, window k the k-th period before it.
    let window = |d: Date| -> Option<usize> {
        let off = start + len - 1 - d.days_since_epoch();
        (off >= 0).then(|| (off / len) as usize).filter(|w| *w <= baseline as usize)
    };
    let mut counts: HashMap<(usize, usize, Option<usize>), Vec<u64>> = HashMap::new();
    for r in records {
        let Some(w) = window(r.date) else { continue };
        // Once for the whole area, and once for the record's own area.
        let keys = [None, r.area];
        for &area in &keys[..if r.area.is_some() { 2 } else { 1 }] {
            counts.entry((r.kind, r.category, area)).or_insert_with(|| vec![0; baseline as usize + 1])[w] += 1;
        }
    }
    let mut out: Vec<Change> = counts
        .into_iter()
        .filter_map(|((kind, category, area), v)| {
            let observed = v[0];
            let expected = baseline_mean(&v[1..])?;
            let p_increase = upper_tail(observed, expected)?;
            let p_decrease = if observed == u64::MAX { 1.0 } else { 1.0 - upper_tail(observed + 1, expected)? };
            Some(Change {
                kind,
                category,
                area,
                observed,
                expected,
                p_increase,
                p_decrease: p_decrease.clamp(0.0, 1.0),
                small_numbers: observed < 5 && expected < 5.0,
            })
        })
        .collect();
    // The clearest changes first; small numbers, which prove nothing, last.
    out.sort_by(|a, b| {
        (a.small_numbers.cmp(&b.small_numbers))
            .then(a.p_increase.min(a.p_decrease).total_cmp(&b.p_increase.min(b.p_decrease)))
            .then((a.kind, a.category, a.area).cmp(&(b.kind, b.category, b.area)))
    });
    out
}

/// One area's share of incidents against its share of population.
#[derive(Debug, Clone, PartialEq)]
pub struct Share {
    pub area: usize,
    pub count: u64,
    /// Incidents per 1 000 residents, when the population is known.
    pub rate_per_1000: Option<f64>,
    pub share_of_incidents: f64,
    /// When every compared area's population is known.
    pub share_of_population: Option<f64>,
}

/// Shares per area for one kind of source, over `areas` with their populations.
pub fn shares(records: &[Record], from: Date, to: Date, kind: usize, areas: &[(usize, Option<i64>)]) -> Vec<Share> {
    let mut count: HashMap<usize, u64> = HashMap::new();
    for r in records.iter().filter(|r| r.kind == kind && r.date >= from && r.date <= to) {
        if let Some(a) = r.area {
            *count.entry(a).or_default() += 1;
        }
    }
    let total: u64 = areas.iter().map(|(a, _)| count.get(a).copied().unwrap_or(0)).sum();
    let all_known = areas.iter().all(|(_, p)| p.is_some_and(|p| p > 0));
    let population: i64 = areas.iter().filter_map(|(_, p)| *p).sum();
    areas
        .iter()
        .map(|(a, p)| {
            let c = count.get(a).copied().unwrap_or(0);
            Share {
                area: *a,
                count: c,
                rate_per_1000: p.filter(|p| *p > 0).map(|p| c as f64 * 1000.0 / p as f64),
                share_of_incidents: if total == 0 { 0.0 } else { c as f64 / total as f64 },
                share_of_population: (all_known && population > 0).then(|| p.unwrap_or(0) as f64 / population as f64),
            }
        })
        .collect()
}

/// A hotspot cell in SWEREF 99 TM metres (south-west corner).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    pub x: f64,
    pub y: f64,
    pub count: u64,
    pub z: f64,
}

/// Gi* hotspots (z ≥ 1.96) of the located records in the period, on a square grid of `cell_m` metres.
pub fn hotspots(records: &[Record], from: Date, to: Date, cell_m: f64) -> Vec<Cell> {
    let mut counts = CellCounts::new();
    for r in records.iter().filter(|r| r.date >= from && r.date <= to) {
        if let Some((lon, lat)) = r.point
            && let Some((e, n)) = wgs84_to_sweref99tm(lon, lat)
        {
            counts.add((e / cell_m).floor() as i64, (n / cell_m).floor() as i64);
        }
    }
    gi_hotspots(&counts, 1.96)
        .into_iter()
        .map(|h| Cell { x: h.i as f64 * cell_m, y: h.j as f64 * cell_m, count: h.count, z: h.z })
        .collect()
}

/// An area with many incidents in the period, and how many it had in the period before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RepeatPlace {
    pub area: usize,
    pub count: u64,
    pub previous: u64,
}

/// The `n` areas with most incidents in the period (at least two), with the previous period's count.
pub fn repeat_places(records: &[Record], from: Date, to: Date, n: usize) -> Vec<RepeatPlace> {
    let len = to.days_since_epoch() - from.days_since_epoch() + 1;
    let (start, prev_start) = (from.days_since_epoch(), from.days_since_epoch() - len);
    let mut now: HashMap<usize, u64> = HashMap::new();
    let mut before: HashMap<usize, u64> = HashMap::new();
    for r in records {
        let Some(a) = r.area else { continue };
        let d = r.date.days_since_epoch();
        if d >= start && d < start + len {
            *now.entry(a).or_default() += 1;
        } else if d >= prev_start && d < start {
            *before.entry(a).or_default() += 1;
        }
    }
    let mut v: Vec<RepeatPlace> = now
        .into_iter()
        .filter(|(_, c)| *c >= 2)
        .map(|(area, count)| RepeatPlace { area, count, previous: before.get(&area).copied().unwrap_or(0) })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then(a.area.cmp(&b.area)));
    v.truncate(n);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Date {
        Date::new(y, m, day).unwrap()
    }

    fn rec(date: Date, kind: usize, category: usize, area: usize) -> Record {
        Record { date, kind, category, area: Some(area), point: None }
    }

    #[test]
    fn series_count_per_iso_week_across_the_year_end() {
        let r = [rec(d(2024, 12, 30), 0, 0, 0), rec(d(2025, 1, 5), 0, 0, 0), rec(d(2024, 12, 29), 0, 0, 0)];
        let s = series(&r, d(2024, 12, 1), d(2025, 1, 31), Granularity::Week);
        assert_eq!(s[&(0, 0)], vec![("2024-W52".to_string(), 1), ("2025-W01".to_string(), 2)]);
        let m = series(&r, d(2024, 12, 1), d(2025, 1, 31), Granularity::Month);
        assert_eq!(m[&(0, 0)], vec![("2024-12".to_string(), 2), ("2025-01".to_string(), 1)]);
    }

    #[test]
    fn a_jump_against_the_baseline_is_an_increase_and_noise_is_not() {
        // Four baseline weeks with 5 each, then 14 this week: P(X >= 14 | 5) ≈ 0.0007.
        let mut r = vec![];
        for w in 0..4 {
            for _ in 0..5 {
                r.push(rec(d(2024, 3, 4 + 7 * w), 0, 1, 7));
            }
        }
        for _ in 0..14 {
            r.push(rec(d(2024, 4, 2), 0, 1, 7));
        }
        r.push(rec(d(2024, 4, 3), 1, 1, 7)); // another source kind, counted apart
        let c = changes(&r, d(2024, 4, 1), d(2024, 4, 7), 4);
        let whole = c.iter().find(|c| c.kind == 0 && c.area.is_none()).unwrap();
        assert_eq!((whole.observed, whole.expected), (14, 5.0));
        assert!((whole.p_increase - 0.000698).abs() < 1e-5, "{}", whole.p_increase);
        assert_eq!(whole.direction(0.05), 1);
        assert!(!whole.small_numbers);
        let other = c.iter().find(|c| c.kind == 1 && c.area.is_none()).unwrap();
        assert_eq!(other.observed, 1);
        assert!(other.small_numbers);
        assert_eq!(other.direction(0.05), 0);
    }

    #[test]
    fn shares_and_rates_need_known_populations() {
        let r = [rec(d(2024, 1, 2), 0, 0, 0), rec(d(2024, 1, 3), 0, 0, 0), rec(d(2024, 1, 3), 0, 0, 1)];
        let s = shares(&r, d(2024, 1, 1), d(2024, 1, 31), 0, &[(0, Some(1000)), (1, Some(3000))]);
        assert_eq!(s[0].count, 2);
        assert_eq!(s[0].rate_per_1000, Some(2.0));
        assert!((s[0].share_of_incidents - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(s[0].share_of_population, Some(0.25));
        let s = shares(&r, d(2024, 1, 1), d(2024, 1, 31), 0, &[(0, Some(1000)), (1, None)]);
        assert_eq!((s[1].rate_per_1000, s[0].share_of_population), (None, None));
    }

    #[test]
    fn repeat_places_compare_with_the_period_before() {
        let mut r = vec![];
        for _ in 0..3 {
            r.push(rec(d(2024, 2, 10), 0, 0, 4));
        }
        r.push(rec(d(2024, 1, 20), 0, 0, 4));
        r.push(rec(d(2024, 2, 11), 0, 0, 5));
        let p = repeat_places(&r, d(2024, 2, 1), d(2024, 2, 29), 10);
        assert_eq!(p, vec![RepeatPlace { area: 4, count: 3, previous: 1 }]);
    }

    #[test]
    fn a_cluster_of_points_is_a_hotspot() {
        let mut r = vec![];
        for k in 0..30 {
            r.push(Record { point: Some((18.02 + k as f64 * 1e-5, 59.31)), ..rec(d(2024, 1, 2), 0, 0, 0) });
        }
        for k in 0..20 {
            r.push(Record {
                point: Some((17.95 + k as f64 * 0.004, 59.28 + k as f64 * 0.002)),
                ..rec(d(2024, 1, 2), 0, 0, 0)
            });
        }
        let h = hotspots(&r, d(2024, 1, 1), d(2024, 1, 31), 250.0);
        assert!(h.iter().any(|c| c.count >= 30), "{h:?}");
        assert!(h.iter().all(|c| c.z >= 1.96));
    }
}
