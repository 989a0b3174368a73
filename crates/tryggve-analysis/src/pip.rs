//! Point in polygon: which area contains a point (SPEC A.1).
//!
//! Owns the exact "covers" test of one area ([`AreaShape::covers`]) and the
//! spatial index over all areas ([`AreaIndex::locate`]):
//!
//! - **Closed areas.** A point on an outer or hole ring belongs to the area
//!   (DE-9IM *intersects*). Crossing parity over all rings of all polygons
//!   of an area handles holes, enclaves in holes and MultiPolygons; every
//!   side decision is the exact [`orient2d`] predicate, so answers on
//!   borders and vertices are exact for the binary64 coordinates.
//! - **Tie-break.** Among matching areas the byte-wise smallest name wins:
//!   areas are kept sorted by name, an area's index is its rank, and the
//!   index returns the smallest matching index.
//! - **Index.** A uniform grid over the areas' bounding box. A cell that no
//!   edge's bounding box touches lies wholly inside or outside each area,
//!   so its answer is precomputed; only points in cells crossed by a border
//!   run exact tests, and then only against the areas whose borders cross
//!   that cell (each area's edges are further bucketed into horizontal
//!   bands so a test reads only the edges at the point's latitude).
//!
//! Coordinates are planar (raw degrees); nothing is projected here.

use std::cmp::Ordering;

use crate::areas::{Area, Position};
use crate::orient::orient2d;

/// One area prepared for exact point tests.
#[derive(Debug, Clone)]
pub struct AreaShape {
    name: String,
    /// Position of the area in the slice the index was built from.
    source: usize,
    bbox: BBox,
    /// Edge lists per horizontal band (CSR: band b owns
    /// `band_edges[band_start[b]..band_start[b + 1]]`).
    band_start: Vec<u32>,
    band_edges: Vec<Edge>,
    band_origin: f64,
    band_scale: f64,
}

#[derive(Debug, Clone, Copy, Default)]
struct Edge {
    a: Position,
    b: Position,
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct BBox {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

impl BBox {
    const EMPTY: BBox = BBox { x0: f64::INFINITY, y0: f64::INFINITY, x1: f64::NEG_INFINITY, y1: f64::NEG_INFINITY };

    fn add(&mut self, (x, y): Position) {
        self.x0 = self.x0.min(x);
        self.y0 = self.y0.min(y);
        self.x1 = self.x1.max(x);
        self.y1 = self.y1.max(y);
    }

    fn union(&mut self, other: &BBox) {
        self.add((other.x0, other.y0));
        self.add((other.x1, other.y1));
    }

    #[inline]
    fn contains(&self, (x, y): Position) -> bool {
        x >= self.x0 && x <= self.x1 && y >= self.y0 && y <= self.y1
    }
}

/// A monotone map from a coordinate to a bucket 0..count: `x ≤ x'` implies
/// `bucket(x) ≤ bucket(x')`, so an edge whose range contains a point's
/// coordinate is always filed under the point's bucket.
#[inline]
fn bucket(v: f64, origin: f64, scale: f64, count: usize) -> usize {
    // `as usize` saturates (negative → 0) and truncates, i.e. floors here.
    (((v - origin) * scale) as usize).min(count - 1)
}

fn scale_for(extent: f64, count: usize) -> f64 {
    if extent > 0.0 { count as f64 / extent } else { 0.0 }
}

impl AreaShape {
    /// Prepares an area: collects its edges and buckets them into bands.
    pub fn new(area: &Area) -> AreaShape {
        let mut edges = Vec::new();
        let mut bbox = BBox::EMPTY;
        for ring in area.polygons.iter().flat_map(|p| &p.rings) {
            // Rings are closed by the reader; closing them here again keeps
            // the parity count right for rings built by other code.
            for (k, &a) in ring.iter().enumerate() {
                let b = ring[(k + 1) % ring.len()];
                bbox.add(a);
                if a != b {
                    edges.push(Edge { a, b });
                }
            }
        }
        // About four edges per band for an evenly spread outline.
        let bands = (edges.len() / 4).clamp(1, 4096);
        let band_origin = bbox.y0;
        let band_scale = scale_for(bbox.y1 - bbox.y0, bands);
        let band_of = |y: f64| bucket(y, band_origin, band_scale, bands);
        let mut counts = vec![0u32; bands + 1];
        for e in &edges {
            let (lo, hi) = (e.a.1.min(e.b.1), e.a.1.max(e.b.1));
            for b in band_of(lo)..=band_of(hi) {
                counts[b + 1] += 1;
            }
        }
        for b in 0..bands {
            counts[b + 1] += counts[b];
        }
        let mut fill = counts.clone();
        let mut band_edges = vec![Edge::default(); counts[bands] as usize];
        for e in &edges {
            let (lo, hi) = (e.a.1.min(e.b.1), e.a.1.max(e.b.1));
            for b in band_of(lo)..=band_of(hi) {
                band_edges[fill[b] as usize] = *e;
                fill[b] += 1;
            }
        }
        AreaShape { name: area.name.clone(), source: 0, bbox, band_start: counts, band_edges, band_origin, band_scale }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether the closed area contains `p`: inside, or on any ring
    /// (outer or hole), and not inside a hole. Exact.
    pub fn covers(&self, p: Position) -> bool {
        if !self.bbox.contains(p) {
            return false;
        }
        let bands = self.band_start.len() - 1;
        let b = bucket(p.1, self.band_origin, self.band_scale, bands);
        let edges = &self.band_edges[self.band_start[b] as usize..self.band_start[b + 1] as usize];
        let (x, y) = p;
        let mut inside = false;
        for e in edges {
            let (a, b) = (e.a, e.b);
            if (a.1 > y) != (b.1 > y) {
                // The edge crosses the horizontal line through p (half-open
                // in y, so a vertex on the line is counted once).
                if x < a.0.min(b.0) {
                    inside = !inside;
                } else if x <= a.0.max(b.0) {
                    match orient2d(a, b, p) {
                        Ordering::Equal => return true,
                        o => {
                            // The crossing is right of p when p is left of
                            // an upward edge or right of a downward one.
                            if (o == Ordering::Greater) == (b.1 > a.1) {
                                inside = !inside;
                            }
                        }
                    }
                }
            } else if (a.1 == y || b.1 == y)
                && x >= a.0.min(b.0)
                && x <= a.0.max(b.0)
                && orient2d(a, b, p) == Ordering::Equal
            {
                // On a horizontal edge or at a vertex on p's line.
                return true;
            }
        }
        inside
    }
}

/// Marks grid cells whose points need exact tests (high bit), and the one
/// cell state where the answer must be computed from scratch.
const MIXED: u32 = 1 << 31;
const SLOW: u32 = u32::MAX;
/// In a mixed cell's candidate list: this area covers the whole cell.
const CERTAIN: u32 = 1 << 31;

/// All areas, sorted by name, with a grid index for fast lookups.
#[derive(Debug, Clone)]
pub struct AreaIndex {
    shapes: Vec<AreaShape>,
    bbox: BBox,
    gx: usize,
    gy: usize,
    sx: f64,
    sy: f64,
    /// Per cell: 0 = no area, k = area k-1 covers the whole cell,
    /// `MIXED | m` = see `mixed[m]`, `SLOW` = test every area.
    cells: Vec<u32>,
    /// Per mixed cell: a range of `candidates`.
    mixed: Vec<(u32, u32)>,
    /// Area indices in name order; `CERTAIN | k` ends a list.
    candidates: Vec<u32>,
}

impl AreaIndex {
    /// Builds the index. Areas are sorted by the bytes of their names: an
    /// area's index `k` in [`AreaIndex::name`] and [`AreaIndex::locate`] is
    /// its rank in that order, **not** its position in `areas` (use
    /// [`AreaIndex::source_index`] for that).
    pub fn new(areas: &[Area]) -> AreaIndex {
        let mut shapes: Vec<AreaShape> =
            areas.iter().enumerate().map(|(k, a)| AreaShape { source: k, ..AreaShape::new(a) }).collect();
        shapes.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
        let mut bbox = BBox::EMPTY;
        for s in &shapes {
            bbox.union(&s.bbox);
        }
        let edge_count: usize = shapes.iter().map(|s| s.band_edges.len()).sum();
        let mut index = AreaIndex {
            shapes,
            bbox,
            gx: 1,
            gy: 1,
            sx: 0.0,
            sy: 0.0,
            cells: vec![0],
            mixed: Vec::new(),
            candidates: Vec::new(),
        };
        if index.shapes.is_empty() {
            return index;
        }
        // About eight cells per edge: cells then are a few edges long, and
        // most points fall in cells no border crosses.
        let target = (edge_count * 8).clamp(1024, 1 << 21) as f64;
        let (w, h) = (bbox.x1 - bbox.x0, bbox.y1 - bbox.y0);
        let aspect = if w > 0.0 && h > 0.0 { w / h } else { 1.0 };
        index.gx = ((target * aspect).sqrt().round() as usize).clamp(1, 8192);
        index.gy = ((target / index.gx as f64).round() as usize).clamp(1, 8192);
        index.sx = scale_for(w, index.gx);
        index.sy = scale_for(h, index.gy);
        index.build_cells();
        index
    }

    /// Number of areas.
    pub fn len(&self) -> usize {
        self.shapes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.shapes.is_empty()
    }

    /// Name of the area with index `k` (names ascend with `k`).
    pub fn name(&self, k: usize) -> &str {
        &self.shapes[k].name
    }

    /// Position in the slice given to [`AreaIndex::new`] of the area with
    /// index `k`.
    pub fn source_index(&self, k: usize) -> usize {
        self.shapes[k].source
    }

    /// The area with the byte-wise smallest name among those whose closed
    /// point set contains `p`, or `None` when `p` is in no area.
    #[inline]
    pub fn locate(&self, p: Position) -> Option<usize> {
        if !self.bbox.contains(p) {
            return None;
        }
        let cell = self.cells[self.cell_of(p)];
        if cell & MIXED == 0 {
            return cell.checked_sub(1).map(|k| k as usize);
        }
        if cell == SLOW {
            return self.locate_slow(p);
        }
        let (start, len) = self.mixed[(cell & !MIXED) as usize];
        for &c in &self.candidates[start as usize..(start + len) as usize] {
            if c & CERTAIN != 0 {
                return Some((c & !CERTAIN) as usize);
            }
            if self.shapes[c as usize].covers(p) {
                return Some(c as usize);
            }
        }
        None
    }

    /// The same answer as [`AreaIndex::locate`] by testing every area.
    pub fn locate_slow(&self, p: Position) -> Option<usize> {
        self.shapes.iter().position(|s| s.covers(p))
    }

    /// The first of `areas` (ascending indices) that covers `p`, skipping
    /// those listed in `except` (sorted by area).
    fn first_covering(&self, areas: &[u32], p: Position, except: &[(u32, u32)]) -> Option<usize> {
        areas
            .iter()
            .map(|&k| k as usize)
            .find(|&k| except.binary_search_by_key(&(k as u32), |&(_, a)| a).is_err() && self.shapes[k].covers(p))
    }

    #[inline]
    fn cell_of(&self, (x, y): Position) -> usize {
        let cx = bucket(x, self.bbox.x0, self.sx, self.gx);
        let cy = bucket(y, self.bbox.y0, self.sy, self.gy);
        cy * self.gx + cx
    }

    /// A point well inside cell (cx, cy), if its coordinates map back there.
    fn centre(&self, cx: usize, cy: usize) -> Option<Position> {
        let x = self.bbox.x0 + (cx as f64 + 0.5) / self.sx;
        let y = self.bbox.y0 + (cy as f64 + 0.5) / self.sy;
        let p = (x.min(self.bbox.x1), y.min(self.bbox.y1));
        (self.bbox.contains(p) && self.cell_of(p) == cy * self.gx + cx).then_some(p)
    }

    fn build_cells(&mut self) {
        let (gx, gy) = (self.gx, self.gy);
        // (cell, area) for every cell an edge's bounding box touches.
        let mut touched: Vec<(u32, u32)> = Vec::new();
        for (k, s) in self.shapes.iter().enumerate() {
            let mut seen = Vec::new();
            for e in &s.band_edges {
                let x = (
                    bucket(e.a.0.min(e.b.0), self.bbox.x0, self.sx, gx),
                    bucket(e.a.0.max(e.b.0), self.bbox.x0, self.sx, gx),
                );
                let y = (
                    bucket(e.a.1.min(e.b.1), self.bbox.y0, self.sy, gy),
                    bucket(e.a.1.max(e.b.1), self.bbox.y0, self.sy, gy),
                );
                for cy in y.0..=y.1 {
                    for cx in x.0..=x.1 {
                        seen.push((cy * gx + cx) as u32);
                    }
                }
            }
            seen.sort_unstable();
            seen.dedup();
            touched.extend(seen.into_iter().map(|c| (c, k as u32)));
        }
        touched.sort_unstable();

        // Rows each area's bounding box spans: only those areas can cover
        // a point of the row.
        let row_span: Vec<(usize, usize)> = self
            .shapes
            .iter()
            .map(|s| (bucket(s.bbox.y0, self.bbox.y0, self.sy, gy), bucket(s.bbox.y1, self.bbox.y0, self.sy, gy)))
            .collect();
        let mut cells = vec![0u32; gx * gy];
        let mut t = 0;
        let mut row_areas: Vec<u32> = Vec::new();
        for cy in 0..gy {
            row_areas.clear();
            row_areas.extend((0..self.shapes.len() as u32).filter(|&k| {
                let (lo, hi) = row_span[k as usize];
                lo <= cy && cy <= hi
            }));
            // Label of the run of untouched cells we are in, if computed:
            // horizontally adjacent untouched cells form one border-free
            // rectangle, so they share their answer.
            let mut run: Option<u32> = None;
            for cx in 0..gx {
                let cell = cy * gx + cx;
                let from = t;
                while t < touched.len() && touched[t].0 as usize == cell {
                    t += 1;
                }
                let here = &touched[from..t];
                if here.is_empty() {
                    let label = match run {
                        Some(label) => label,
                        None => {
                            let label = match self.centre(cx, cy) {
                                Some(p) => self.first_covering(&row_areas, p, &[]).map_or(0, |k| k as u32 + 1),
                                None => SLOW,
                            };
                            run = Some(label);
                            label
                        }
                    };
                    cells[cell] = label;
                } else {
                    run = None;
                    cells[cell] = self.mixed_cell(cx, cy, here, &row_areas);
                }
            }
        }
        self.cells = cells;
    }

    /// Candidate list for a cell that the borders of the areas `here`
    /// cross: those areas in name order, cut off at the first area that
    /// covers the whole cell.
    fn mixed_cell(&mut self, cx: usize, cy: usize, here: &[(u32, u32)], row_areas: &[u32]) -> u32 {
        let Some(p) = self.centre(cx, cy) else {
            return SLOW;
        };
        // Areas with no border in the cell cover all of it or none of it.
        let whole = self.first_covering(row_areas, p, here);
        let start = self.candidates.len() as u32;
        for &(_, k) in here {
            if whole.is_some_and(|w| k as usize > w) {
                break;
            }
            self.candidates.push(k);
        }
        if let Some(w) = whole {
            self.candidates.push(CERTAIN | w as u32);
        }
        let len = self.candidates.len() as u32 - start;
        self.mixed.push((start, len));
        MIXED | (self.mixed.len() as u32 - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::areas::Polygon;

    fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<Position> {
        vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]
    }

    fn area(name: &str, polygons: Vec<Vec<Vec<Position>>>) -> Area {
        Area { name: name.into(), polygons: polygons.into_iter().map(|rings| Polygon { rings }).collect() }
    }

    #[test]
    fn square_with_hole_boundaries_are_inside() {
        let mut hole = square(2.0, 2.0, 4.0, 4.0);
        hole.reverse();
        let s = AreaShape::new(&area("A", vec![vec![square(0.0, 0.0, 10.0, 10.0), hole]]));
        assert!(s.covers((1.0, 1.0)));
        assert!(s.covers((0.0, 0.0)), "vertex");
        assert!(s.covers((5.0, 0.0)), "bottom edge");
        assert!(s.covers((10.0, 7.0)), "right edge");
        assert!(s.covers((2.0, 3.0)), "hole edge");
        assert!(s.covers((4.0, 4.0)), "hole vertex");
        assert!(!s.covers((3.0, 3.0)), "in the hole");
        assert!(!s.covers((3.0, 2.0 + 1e-12)), "just inside the hole");
        assert!(!s.covers((10.0 + 1e-12, 7.0)));
        assert!(!s.covers((11.0, 5.0)));
    }

    #[test]
    fn indices_follow_name_order_and_map_back_to_the_input() {
        let areas = vec![
            area("b", vec![vec![square(0.0, 0.0, 1.0, 1.0)]]),
            area("a", vec![vec![square(2.0, 0.0, 3.0, 1.0)]]),
            area("Ö", vec![vec![square(4.0, 0.0, 5.0, 1.0)]]),
        ];
        let index = AreaIndex::new(&areas);
        let k = index.locate((0.5, 0.5)).unwrap();
        assert_eq!((k, index.name(k), index.source_index(k)), (1, "b", 0));
        let k = index.locate((2.5, 0.5)).unwrap();
        assert_eq!((k, index.name(k), index.source_index(k)), (0, "a", 1));
        let k = index.locate((4.5, 0.5)).unwrap();
        assert_eq!((k, index.source_index(k)), (2, 2));
        assert_eq!(index.locate((1.5, 0.5)), None);
    }

    #[test]
    fn unclosed_rings_are_closed() {
        let open = vec![(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0)];
        let s = AreaShape::new(&area("A", vec![vec![open]]));
        assert!(s.covers((2.0, 2.0)));
        assert!(s.covers((0.0, 2.0)), "on the closing edge");
        assert!(!s.covers((5.0, 2.0)));
    }

    #[test]
    fn index_agrees_with_testing_every_area() {
        // A checkerboard of triangles and squares with shared borders.
        let mut areas = Vec::new();
        for i in 0..6 {
            for j in 0..6 {
                let (x, y) = (i as f64 * 0.01 + 18.0, j as f64 * 0.01 + 59.3);
                if (i + j) % 2 == 0 {
                    areas.push(area(&format!("sq{i}{j}"), vec![vec![square(x, y, x + 0.01, y + 0.01)]]));
                } else {
                    areas.push(area(
                        &format!("tri{i}{j}"),
                        vec![vec![vec![(x, y), (x + 0.01, y), (x, y + 0.01), (x, y)]]],
                    ));
                }
            }
        }
        let index = AreaIndex::new(&areas);
        let mut state = 12345u64;
        for _ in 0..20_000 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let u = (state >> 11) as f64 / (1u64 << 53) as f64;
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let v = (state >> 11) as f64 / (1u64 << 53) as f64;
            // Snap half the points to a lattice so many land on borders.
            let (mut x, mut y) = (17.995 + u * 0.07, 59.295 + v * 0.07);
            if state.is_multiple_of(2) {
                x = (x * 1000.0).round() / 1000.0;
                y = (y * 1000.0).round() / 1000.0;
            }
            assert_eq!(index.locate((x, y)), index.locate_slow((x, y)), "({x}, {y})");
        }
    }
}
