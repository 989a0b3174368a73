//! Getis-Ord Gi* hotspot statistic on a square grid (SPEC B.3–B.5).
//!
//! Owns the counting grid and the z-score: binary queen-contiguity weights
//! that include the cell itself, over the *bounding grid* of the occupied
//! cells (empty cells count), evaluated in the exact floating-point order
//! of `esda.G_Local(x, w, transform='B', star=True)` so results are
//! bit-for-bit those of the reference tools.
//!
//! A cell with no incident in its 3×3 neighbourhood always has a negative
//! z (its G is 0 while E(G) > 0), so hotspot search visits just the
//! neighbourhoods of occupied cells: time and memory follow the number of
//! occupied cells, not the grid's extent. Counting lives in
//! [`crate::grid`]; projection and cell assignment of points are the
//! caller's business.

pub use crate::grid::CellCounts;

/// A cell whose Gi* z-score reached the threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hotspot {
    pub i: i64,
    pub j: i64,
    pub count: u64,
    pub z: f64,
}

/// The global quantities of Gi* over the bounding grid of some counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GiStar {
    pub i_min: i64,
    pub i_max: i64,
    pub j_min: i64,
    pub j_max: i64,
    /// n = nx · ny, empty cells included.
    pub n: f64,
    /// Σx and Σx² over all cells (exact: integer-valued).
    pub sy: f64,
    pub syy: f64,
}

impl GiStar {
    /// The statistic over the bounding grid of `counts`; `None` when it is
    /// undefined (fewer than 2 cells, no points, or every cell holds the
    /// same count).
    pub fn new(counts: &CellCounts) -> Option<GiStar> {
        let mut iter = counts.iter();
        let ((i0, j0), c0) = iter.next()?;
        let (mut i_min, mut i_max, mut j_min, mut j_max) = (i0, i0, j0, j0);
        let (mut sy, mut syy) = (0u128, 0u128);
        let (mut c_min, mut c_max) = (c0, c0);
        for ((i, j), c) in counts.iter() {
            i_min = i_min.min(i);
            i_max = i_max.max(i);
            j_min = j_min.min(j);
            j_max = j_max.max(j);
            c_min = c_min.min(c);
            c_max = c_max.max(c);
            sy += u128::from(c);
            syy += u128::from(c) * u128::from(c);
        }
        let nx = (i_max - i_min) as u128 + 1;
        let ny = (j_max - j_min) as u128 + 1;
        let n = nx * ny;
        let all_same = n == counts.occupied() as u128 && c_min == c_max;
        if n < 2 || all_same {
            return None;
        }
        Some(GiStar { i_min, i_max, j_min, j_max, n: n as f64, sy: sy as f64, syy: syy as f64 })
    }

    /// W_i: the number of grid cells in the 3×3 neighbourhood of `(i, j)`.
    pub fn weight_sum(&self, i: i64, j: i64) -> f64 {
        let cols = 1 + i64::from(i > self.i_min) + i64::from(i < self.i_max);
        let rows = 1 + i64::from(j > self.j_min) + i64::from(j < self.j_max);
        (cols * rows) as f64
    }

    /// z for a cell with neighbourhood sum `wy` and weight sum `w`, in the
    /// evaluation order of SPEC B.4 (no reassociation, no FMA).
    pub fn z(&self, wy: f64, w: f64) -> f64 {
        let (n, sy, syy) = (self.n, self.sy, self.syy);
        let g = wy / sy;
        let eg = w / n;
        let mut v = w * (n - w);
        v /= n - 1.0;
        v *= 1.0 / (n * n);
        let m = sy / n;
        v *= (syy / n - m * m) / (m * m);
        (g - eg) / v.sqrt()
    }

    fn contains(&self, i: i64, j: i64) -> bool {
        (self.i_min..=self.i_max).contains(&i) && (self.j_min..=self.j_max).contains(&j)
    }
}

/// Cells of the bounding grid with z ≥ `min_z`, sorted by `(i, j)`.
/// Empty cells are listed when they qualify. `min_z` must be positive
/// (only cells with an incident nearby are visited; see the module doc).
/// Empty when the statistic is undefined.
pub fn hotspots(counts: &CellCounts, min_z: f64) -> Vec<Hotspot> {
    debug_assert!(min_z > 0.0, "hotspots() visits only cells with z > 0");
    let Some(stat) = GiStar::new(counts) else {
        return Vec::new();
    };
    let mut candidates: Vec<(i64, i64)> = Vec::with_capacity(counts.occupied() * 3);
    for ((i, j), _) in counts.iter() {
        for di in -1..=1 {
            for dj in -1..=1 {
                if stat.contains(i + di, j + dj) {
                    candidates.push((i + di, j + dj));
                }
            }
        }
    }
    candidates.sort_unstable();
    candidates.dedup();
    candidates
        .into_iter()
        .filter_map(|(i, j)| {
            let mut wy = 0u64;
            for di in -1..=1 {
                for dj in -1..=1 {
                    wy += counts.get(i + di, j + dj);
                }
            }
            let z = stat.z(wy as f64, stat.weight_sum(i, j));
            (z >= min_z).then(|| Hotspot { i, j, count: counts.get(i, j), z })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// z for every cell of a dense nx × ny grid (row-major by j, then i:
    /// `x[j * nx + i]`), straight from the SPEC formula.
    fn dense_z(nx: i64, ny: i64, x: &[u64]) -> Vec<f64> {
        let mut counts = CellCounts::new();
        for j in 0..ny {
            for i in 0..nx {
                for _ in 0..x[(j * nx + i) as usize] {
                    counts.add(i, j);
                }
            }
        }
        // Force the bounding grid to the full nx × ny even with empty edges.
        let stat = GiStar {
            i_min: 0,
            i_max: nx - 1,
            j_min: 0,
            j_max: ny - 1,
            n: (nx * ny) as f64,
            sy: x.iter().sum::<u64>() as f64,
            syy: x.iter().map(|v| v * v).sum::<u64>() as f64,
        };
        let mut out = Vec::new();
        for j in 0..ny {
            for i in 0..nx {
                let mut wy = 0;
                for dj in -1..=1 {
                    for di in -1..=1 {
                        if stat.contains(i + di, j + dj) {
                            wy += x[((j + dj) * nx + i + di) as usize];
                        }
                    }
                }
                out.push(stat.z(wy as f64, stat.weight_sum(i, j)));
            }
        }
        out
    }

    #[test]
    fn hand_checked_three_by_three() {
        // x = [[1,0,0],[0,5,0],[0,0,2]] (rows j = 0,1,2):
        // n = 9, Σx = 8, Σx² = 30, mean 8/9, variance 30/9 − 64/81 = 206/81.
        let x = [1, 0, 0, 0, 5, 0, 0, 0, 2];
        let z = dense_z(3, 3, &x);
        // Corner (0,0): W = 4, wy = 1 + 5 = 6.
        // G = 6/8, E[G] = 4/9, V = 4·5/8 · 1/81 · (206/81)/(64/81)
        let v: f64 = 4.0 * 5.0 / 8.0 / 81.0 * (206.0 / 64.0);
        let want = (6.0 / 8.0 - 4.0 / 9.0) / v.sqrt();
        assert!((z[0] - want).abs() < 1e-12, "{} vs {want}", z[0]);
        assert!((z[0] - 0.969_44).abs() < 1e-5);
        // Centre (1,1): W = 9 = n, wy = Σx → G = E[G] = 1 and V = 0: 0/0.
        assert!(z[4].is_nan());
        // Edge (1,0): W = 6, wy = 1 + 5 = 6.
        let v: f64 = 6.0 * 3.0 / 8.0 / 81.0 * (206.0 / 64.0);
        let want = (6.0 / 8.0 - 6.0 / 9.0) / v.sqrt();
        assert!((z[1] - want).abs() < 1e-12);
    }

    #[test]
    fn matches_esda_on_a_five_by_four_grid() {
        // esda 2.9.0: G_Local(y, lat2W(4, 5, rook=False), transform='B',
        // star=True).Zs, with y the row-major flattening below (lat2W
        // numbers cells row by row, 5 per row).
        let x = [0, 2, 7, 1, 0, 3, 9, 12, 4, 1, 0, 5, 8, 2, 0, 0, 0, 1, 0, 0];
        let esda: [f64; 20] = [
            0.4644256894153249,
            2.2296118705433874,
            2.4998678548516766,
            1.1485879333102298,
            -0.7740428156922089,
            0.3378199803853618,
            2.645003821361313,
            3.1428868936175607,
            1.2758253726566335,
            -1.1485879333102298,
            0.06756399607707236,
            1.6492376768488193,
            2.022649981041005,
            0.4045299962082005,
            -1.2837159254643746,
            -0.9288513788306506,
            -0.3378199803853618,
            -0.06756399607707236,
            -0.7432039568477956,
            -1.3932770682459756,
        ];
        let z = dense_z(5, 4, &x);
        // Same evaluation order, so the same bits.
        for (k, (&got, &want)) in z.iter().zip(&esda).enumerate() {
            assert_eq!(got.to_bits(), want.to_bits(), "cell {k}: {got} vs {want}");
        }
    }

    #[test]
    fn sparse_hotspots_equal_the_dense_evaluation() {
        let x = [0, 2, 7, 1, 0, 3, 9, 12, 4, 1, 0, 5, 8, 2, 0, 0, 0, 1, 0, 0];
        let (nx, ny) = (5i64, 4i64);
        let z = dense_z(nx, ny, &x);
        let mut counts = CellCounts::new();
        for j in 0..ny {
            for i in 0..nx {
                for _ in 0..x[(j * nx + i) as usize] {
                    // Offset indices: the grid is anchored anywhere.
                    counts.add(i + 2600, j - 7);
                }
            }
        }
        // Occupied cells span the whole 5 × 4 grid here.
        let got = hotspots(&counts, 1.2);
        let mut want = Vec::new();
        for i in 0..nx {
            for j in 0..ny {
                let zz = z[(j * nx + i) as usize];
                if zz >= 1.2 {
                    want.push((i + 2600, j - 7, x[(j * nx + i) as usize], zz));
                }
            }
        }
        let got: Vec<_> = got.iter().map(|h| (h.i, h.j, h.count, h.z)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn undefined_statistic_gives_no_hotspots() {
        let mut counts = CellCounts::new();
        assert!(hotspots(&counts, 1.96).is_empty());
        counts.add(3, 3);
        counts.add(3, 3);
        assert!(GiStar::new(&counts).is_none(), "a single cell");
        counts.add(4, 3);
        counts.add(4, 3);
        assert!(GiStar::new(&counts).is_none(), "two cells, equal counts");
        counts.add(4, 3);
        assert!(GiStar::new(&counts).is_some());
    }
}
