//! A count table keyed by (label, category, week) that is fast for
//! incident streams in time order.
//!
//! Owns only counting. Incidents arrive sorted by time, so consecutive
//! records share their week: each week gets a dense block of
//! labels × categories counters, and a record costs one array increment in
//! a block that stays in cache. Blocks live within a memory budget; past
//! it the least recently used block is moved to a sparse hash table, and
//! if that starts to happen often (input far from time order) the table
//! switches to sparse counting for good, so no input order is slow.

use rustc_hash::FxHashMap;

/// Memory for dense week blocks, bytes.
const BLOCK_BUDGET: usize = 8 << 20;

/// Counts of (label, category, week) triples. Labels are `0..labels`;
/// categories are small integers that may grow; weeks are any `i32` key.
#[derive(Debug, Clone)]
pub struct Tally {
    labels: usize,
    /// Categories per block row; a power of two that grows on demand.
    category_cap: usize,
    /// (week, counters[label * category_cap + category], last use).
    blocks: Vec<(i32, Vec<u64>, u64)>,
    /// Block index per week.
    block_of: FxHashMap<i32, usize>,
    /// The block of the previous record: (week, index).
    last: Option<(i32, usize)>,
    sparse: FxHashMap<(u32, u32, i32), u64>,
    clock: u64,
    records: u64,
    spills: u64,
    sparse_only: bool,
}

impl Tally {
    pub fn new(labels: usize) -> Tally {
        Tally {
            labels: labels.max(1),
            category_cap: 16,
            blocks: Vec::new(),
            block_of: FxHashMap::default(),
            last: None,
            sparse: FxHashMap::default(),
            clock: 0,
            records: 0,
            spills: 0,
            sparse_only: false,
        }
    }

    /// Counts one record.
    #[inline]
    pub fn add(&mut self, label: u32, category: u32, week: i32) {
        debug_assert!((label as usize) < self.labels);
        self.records += 1;
        if self.sparse_only {
            *self.sparse.entry((label, category, week)).or_insert(0) += 1;
            return;
        }
        if category as usize >= self.category_cap {
            self.widen(category as usize + 1);
        }
        let block = match self.last {
            Some((w, b)) if w == week => b,
            _ => self.block_for(week),
        };
        if self.sparse_only {
            // block_for gave up on dense blocks just now.
            *self.sparse.entry((label, category, week)).or_insert(0) += 1;
            return;
        }
        self.blocks[block].1[label as usize * self.category_cap + category as usize] += 1;
    }

    /// Calls `f(label, category, week, count)` for every non-zero count,
    /// in no particular order; a key may come more than once (its counts
    /// then add up).
    pub fn for_each(&self, mut f: impl FnMut(u32, u32, i32, u64)) {
        for (week, counts, _) in &self.blocks {
            for (k, &n) in counts.iter().enumerate() {
                if n > 0 {
                    let (label, category) = (k / self.category_cap, k % self.category_cap);
                    f(label as u32, category as u32, *week, n);
                }
            }
        }
        for (&(label, category, week), &n) in &self.sparse {
            f(label, category, week, n);
        }
    }

    /// The block of `week`, creating or recycling one.
    fn block_for(&mut self, week: i32) -> usize {
        self.clock += 1;
        if let Some(&b) = self.block_of.get(&week) {
            self.blocks[b].2 = self.clock;
            self.last = Some((week, b));
            return b;
        }
        let block_bytes = self.labels * self.category_cap * 8;
        let b = if (self.blocks.len() + 1) * block_bytes <= BLOCK_BUDGET || self.blocks.is_empty() {
            self.blocks.push((week, vec![0; self.labels * self.category_cap], self.clock));
            self.blocks.len() - 1
        } else {
            // Recycle the least recently used block.
            let b = (0..self.blocks.len()).min_by_key(|&b| self.blocks[b].2).unwrap_or(0);
            self.spill(b);
            self.spills += 1;
            if self.spills > 64 && self.spills * 1024 > self.records {
                // Weeks keep coming back (far from time order): a spill
                // every few records would cost more than hashing.
                self.go_sparse();
                return 0;
            }
            let (w, _, used) = &mut self.blocks[b];
            *w = week;
            *used = self.clock;
            b
        };
        self.block_of.insert(week, b);
        self.last = Some((week, b));
        b
    }

    /// Moves block `b`'s counts to the sparse table, leaving it zeroed.
    fn spill(&mut self, b: usize) {
        let (week, counts, _) = &mut self.blocks[b];
        for (k, n) in counts.iter_mut().enumerate() {
            if *n > 0 {
                let key = ((k / self.category_cap) as u32, (k % self.category_cap) as u32, *week);
                *self.sparse.entry(key).or_insert(0) += std::mem::take(n);
            }
        }
        self.block_of.remove(week);
        if self.last.is_some_and(|(_, lb)| lb == b) {
            self.last = None;
        }
    }

    fn go_sparse(&mut self) {
        for b in 0..self.blocks.len() {
            self.spill(b);
        }
        self.blocks = Vec::new();
        self.block_of.clear();
        self.last = None;
        self.sparse_only = true;
    }

    /// Re-lays out every block for at least `categories` categories.
    fn widen(&mut self, categories: usize) {
        let old = self.category_cap;
        let cap = categories.next_power_of_two();
        for (_, counts, _) in &mut self.blocks {
            let mut wide = vec![0; self.labels * cap];
            for (k, &n) in counts.iter().enumerate() {
                wide[(k / old) * cap + k % old] = n;
            }
            *counts = wide;
        }
        self.category_cap = cap;
        // Fewer blocks fit the budget now.
        let block_bytes = self.labels * cap * 8;
        while self.blocks.len() > 1 && self.blocks.len() * block_bytes > BLOCK_BUDGET {
            let b = (0..self.blocks.len()).min_by_key(|&b| self.blocks[b].2).unwrap_or(0);
            self.spill(b);
            self.blocks.swap_remove(b);
            // The moved block changed its index.
            if b < self.blocks.len() {
                let week = self.blocks[b].0;
                self.block_of.insert(week, b);
            }
            self.last = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn totals(t: &Tally) -> BTreeMap<(u32, u32, i32), u64> {
        let mut m = BTreeMap::new();
        t.for_each(|l, c, w, n| *m.entry((l, c, w)).or_insert(0) += n);
        m
    }

    /// Feeds the same records to a Tally and a plain map.
    fn check(records: &[(u32, u32, i32)], labels: usize) -> Tally {
        let mut t = Tally::new(labels);
        let mut want = BTreeMap::new();
        for &(l, c, w) in records {
            t.add(l, c, w);
            *want.entry((l, c, w)).or_insert(0) += 1;
        }
        // (Not assert_eq!: a mismatch would print thousands of entries.)
        assert!(totals(&t) == want, "the tally lost or invented counts");
        t
    }

    fn lcg(state: &mut u64) -> u64 {
        *state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        *state >> 33
    }

    #[test]
    fn time_ordered_records_stay_dense() {
        let mut s = 1;
        let records: Vec<_> =
            (0..50_000).map(|k| ((lcg(&mut s) % 119) as u32, (lcg(&mut s) % 16) as u32, k / 500)).collect();
        let t = check(&records, 119);
        assert!(!t.sparse_only);
        assert_eq!(t.spills, 0);
    }

    #[test]
    fn many_categories_widen_the_blocks() {
        let mut s = 2;
        let records: Vec<_> = (0..30_000).map(|k| ((lcg(&mut s) % 7) as u32, (k % 300) as u32, k / 1000)).collect();
        check(&records, 7);
    }

    #[test]
    fn shuffled_weeks_beyond_the_budget_fall_back_to_sparse() {
        // 2000 labels × 64 categories × 8 B = 1 MiB per block: 8 fit.
        let mut s = 3;
        let records: Vec<_> = (0..40_000)
            .map(|_| ((lcg(&mut s) % 2000) as u32, (lcg(&mut s) % 64) as u32, (lcg(&mut s) % 300) as i32))
            .collect();
        let t = check(&records, 2000);
        assert!(t.sparse_only);
    }

    #[test]
    fn sorted_weeks_beyond_the_budget_spill_once_each() {
        let records: Vec<_> = (0..20_000).map(|k: i32| ((k % 2000) as u32, (k % 64) as u32, k / 1000)).collect();
        let t = check(&records, 2000);
        assert!(!t.sparse_only);
        assert_eq!(t.spills, 12);
    }
}
