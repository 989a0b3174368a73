//! Incident counts per square grid cell `(i, j)`.
//!
//! Owns only counting. Incidents of one municipality fall in a compact
//! block of cells, so counts live in a dense window (a plain array, one
//! increment per incident, cache-resident) that grows to cover the cells
//! seen; a cell that would stretch the window beyond [`DENSE_CELLS`] goes
//! to a sparse hash table instead, so an outlier far away costs one table
//! entry, not a huge array. Which cells a point falls in is the caller's
//! business (see [`crate::hotspots`]).

use rustc_hash::FxHashMap;

/// Largest dense window, in cells (8 MiB of counters).
pub const DENSE_CELLS: usize = 1 << 20;

/// Incident counts per grid cell; empty cells cost nothing outside the
/// dense window.
#[derive(Debug, Clone, Default)]
pub struct CellCounts {
    /// The dense window: cells `i0..i0 + w` × `j0..j0 + h`, row-major by j.
    i0: i64,
    j0: i64,
    w: usize,
    h: usize,
    dense: Vec<u64>,
    /// Cells outside the window.
    sparse: FxHashMap<(i64, i64), u64>,
}

impl CellCounts {
    pub fn new() -> CellCounts {
        CellCounts::default()
    }

    /// Counts one more incident in cell `(i, j)`.
    #[inline]
    pub fn add(&mut self, i: i64, j: i64) {
        self.add_n(i, j, 1);
    }

    /// Counts `n` more incidents in cell `(i, j)`.
    #[inline]
    pub fn add_n(&mut self, i: i64, j: i64, n: u64) {
        match self.slot(i, j) {
            Some(k) => self.dense[k] += n,
            None => self.add_outside(i, j, n),
        }
    }

    /// Adds all counts of `other` to `self`.
    pub fn merge(&mut self, other: &CellCounts) {
        for ((i, j), n) in other.iter() {
            self.add_n(i, j, n);
        }
    }

    /// The count of one cell (0 when empty).
    #[inline]
    pub fn get(&self, i: i64, j: i64) -> u64 {
        match self.slot(i, j) {
            Some(k) => self.dense[k],
            None => self.sparse.get(&(i, j)).copied().unwrap_or(0),
        }
    }

    /// Number of occupied cells.
    pub fn occupied(&self) -> usize {
        self.dense.iter().filter(|&&n| n > 0).count() + self.sparse.len()
    }

    /// Occupied cells and their counts, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = ((i64, i64), u64)> + '_ {
        let w = self.w.max(1);
        let dense = self.dense.iter().enumerate().filter(|&(_, &n)| n > 0).map(move |(k, &n)| {
            let (di, dj) = (k % w, k / w);
            ((self.i0 + di as i64, self.j0 + dj as i64), n)
        });
        dense.chain(self.sparse.iter().map(|(&c, &n)| (c, n)))
    }

    /// Index of `(i, j)` in the dense window.
    #[inline]
    fn slot(&self, i: i64, j: i64) -> Option<usize> {
        let di = i.wrapping_sub(self.i0) as u64;
        let dj = j.wrapping_sub(self.j0) as u64;
        (di < self.w as u64 && dj < self.h as u64).then(|| dj as usize * self.w + di as usize)
    }

    /// Grows the window to take `(i, j)`, or counts it in the sparse table.
    #[cold]
    fn add_outside(&mut self, i: i64, j: i64, n: u64) {
        if self.w == 0 {
            // First cell: a window of 64 × 64 around it.
            self.reshape(i - 32, j - 32, 64, 64);
        } else {
            // At least double the side that must grow, else just reach.
            // (Saturating and i128: cell indices may be anything.)
            let grow = |lo: i64, len: usize, x: i64| -> (i64, i64) {
                let len = len as i64;
                let hi = lo + len; // exclusive
                if x < lo {
                    (x.min(lo.saturating_sub(len)), hi)
                } else if x >= hi {
                    (lo, x.saturating_add(1).max(hi.saturating_add(len)))
                } else {
                    (lo, hi)
                }
            };
            let fits = |(x0, x1): (i64, i64), (y0, y1): (i64, i64)| {
                let cells = (i128::from(x1) - i128::from(x0)) * (i128::from(y1) - i128::from(y0));
                cells <= DENSE_CELLS as i128
            };
            let reach = |lo: i64, len: usize, x: i64| (lo.min(x), (lo + len as i64).max(x.saturating_add(1)));
            for (xs, ys) in [
                (grow(self.i0, self.w, i), grow(self.j0, self.h, j)),
                (reach(self.i0, self.w, i), reach(self.j0, self.h, j)),
            ] {
                if fits(xs, ys) {
                    self.reshape(xs.0, ys.0, (xs.1 - xs.0) as usize, (ys.1 - ys.0) as usize);
                    break;
                }
            }
        }
        match self.slot(i, j) {
            Some(k) => self.dense[k] += n,
            None => *self.sparse.entry((i, j)).or_insert(0) += n,
        }
    }

    /// Moves the counts into a window at `(i0, j0)` of `w` × `h` cells
    /// (which contains the old one), taking in sparse cells it now covers.
    fn reshape(&mut self, i0: i64, j0: i64, w: usize, h: usize) {
        let old =
            std::mem::replace(self, CellCounts { i0, j0, w, h, dense: vec![0; w * h], sparse: FxHashMap::default() });
        for ((i, j), n) in old.iter() {
            match self.slot(i, j) {
                Some(k) => self.dense[k] += n,
                None => {
                    self.sparse.insert((i, j), n);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn lcg(state: &mut u64) -> u64 {
        *state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        *state >> 33
    }

    fn check(cells: &[(i64, i64)]) -> CellCounts {
        let mut c = CellCounts::new();
        let mut want = BTreeMap::new();
        for &(i, j) in cells {
            c.add(i, j);
            *want.entry((i, j)).or_insert(0u64) += 1;
        }
        let got: BTreeMap<_, _> = c.iter().collect();
        assert!(got == want, "counts differ");
        assert_eq!(c.occupied(), want.len());
        for (&(i, j), &n) in &want {
            assert_eq!(c.get(i, j), n);
        }
        assert_eq!(c.get(i64::MAX, 0), 0);
        c
    }

    #[test]
    fn a_compact_cloud_is_all_dense() {
        let mut s = 1;
        let cells: Vec<_> =
            (0..20_000).map(|_| (2600 + (lcg(&mut s) % 100) as i64, 26300 + (lcg(&mut s) % 104) as i64)).collect();
        let c = check(&cells);
        assert!(c.sparse.is_empty());
    }

    #[test]
    fn far_outliers_go_to_the_sparse_table() {
        let mut cells = vec![(0, 0), (5, 5), (-3, 7)];
        cells.extend([(10_000_000, 0), (0, -9_000_000), (i64::MIN, 3)]);
        cells.extend([(1, 1), (10_000_000, 0), (2000, 0), (i64::MAX, i64::MIN)]);
        let c = check(&cells);
        assert_eq!(c.sparse.len(), 4);
    }

    #[test]
    fn growing_the_window_takes_in_sparse_cells_it_reaches() {
        // (3000, 0) is too far for the first window, then growth in steps
        // towards it brings it inside.
        let mut cells = vec![(0, 0), (0, 2000), (3000, 0)];
        cells.extend((1..40).map(|k| (k * 80, 1000)));
        check(&cells);
    }

    #[test]
    fn merging_adds_counts() {
        let mut a = CellCounts::new();
        a.add(1, 1);
        let mut b = CellCounts::new();
        b.add(1, 1);
        b.add(2, 1);
        b.add(5_000_000, 1);
        a.merge(&b);
        assert_eq!(a.get(1, 1), 2);
        assert_eq!(a.get(2, 1), 1);
        assert_eq!(a.get(5_000_000, 1), 1);
        assert_eq!(a.occupied(), 3);
    }
}
