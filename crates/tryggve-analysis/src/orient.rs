//! The exact planar orientation predicate that point-in-polygon rests on.
//!
//! `orient2d(a, b, p)` tells on which side of the directed line a→b the
//! point p lies, *exactly* for binary64 inputs: a fast floating-point
//! evaluation with Shewchuk's static error bound decides almost every call;
//! the rare near-collinear rest is decided by error-free expansion
//! arithmetic (two-sum / two-product), so the sign is never wrong. This is
//! what GEOS and the `geo`/`robust` crates do, and it makes "the point is on
//! the border" a well-defined, reproducible answer (SPEC A.1).
//!
//! Exactness assumes no intermediate overflow or underflow, which holds for
//! any coordinates whose magnitudes lie between about 1e-140 and 1e140 (all
//! geographic and projected coordinates).

use std::cmp::Ordering;

/// Machine epsilon as Shewchuk defines it (half an ulp of 1).
const EPS: f64 = f64::EPSILON / 2.0;
/// Error bound of the plain floating-point determinant (Shewchuk's
/// `ccwerrboundA`).
const CCW_ERR_BOUND_A: f64 = (3.0 + 16.0 * EPS) * EPS;
/// Dekker's splitter 2^27 + 1 for exact products without FMA.
const SPLITTER: f64 = 134_217_729.0;

/// Sign of the determinant | a.x-p.x  a.y-p.y ; b.x-p.x  b.y-p.y |:
/// `Greater` when p lies to the left of the directed line a→b
/// (a, b, p counter-clockwise), `Less` when to the right, `Equal` when the
/// three points are exactly collinear.
#[inline]
pub fn orient2d(a: (f64, f64), b: (f64, f64), p: (f64, f64)) -> Ordering {
    let det_left = (a.0 - p.0) * (b.1 - p.1);
    let det_right = (a.1 - p.1) * (b.0 - p.0);
    let det = det_left - det_right;
    let det_sum = if det_left > 0.0 {
        if det_right <= 0.0 {
            return sign(det);
        }
        det_left + det_right
    } else if det_left < 0.0 {
        if det_right >= 0.0 {
            return sign(det);
        }
        -det_left - det_right
    } else {
        return sign(det);
    };
    if det.abs() >= CCW_ERR_BOUND_A * det_sum {
        return sign(det);
    }
    orient2d_exact(a, b, p)
}

fn sign(x: f64) -> Ordering {
    x.partial_cmp(&0.0).unwrap_or(Ordering::Equal)
}

/// The exact sign, by summing the 16 error-free product terms of the
/// determinant into a non-overlapping expansion.
#[cold]
fn orient2d_exact(a: (f64, f64), b: (f64, f64), p: (f64, f64)) -> Ordering {
    // Each coordinate difference is exactly hi + lo.
    let acx = two_diff(a.0, p.0);
    let acy = two_diff(a.1, p.1);
    let bcx = two_diff(b.0, p.0);
    let bcy = two_diff(b.1, p.1);
    let mut terms = [0.0f64; 16];
    let mut k = 0;
    for &(u, v, s) in &[(acx, bcy, 1.0), (acy, bcx, -1.0)] {
        for x in [u.0, u.1] {
            for y in [v.0, v.1] {
                let (hi, lo) = two_product(x, y);
                terms[k] = s * hi;
                terms[k + 1] = s * lo;
                k += 2;
            }
        }
    }
    let mut expansion: Vec<f64> = Vec::with_capacity(32);
    for t in terms {
        grow_expansion(&mut expansion, t);
    }
    // Components are non-overlapping and increasing in magnitude: the last
    // non-zero one carries the sign of the sum.
    expansion.iter().rev().find(|&&c| c != 0.0).map_or(Ordering::Equal, |&c| sign(c))
}

/// a - b = hi + lo exactly.
fn two_diff(a: f64, b: f64) -> (f64, f64) {
    let x = a - b;
    let b_virtual = a - x;
    let a_virtual = x + b_virtual;
    let b_round = b_virtual - b;
    let a_round = a - a_virtual;
    (x, a_round + b_round)
}

/// a + b = hi + lo exactly.
fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let x = a + b;
    let b_virtual = x - a;
    let a_virtual = x - b_virtual;
    let b_round = b - b_virtual;
    let a_round = a - a_virtual;
    (x, a_round + b_round)
}

fn split(a: f64) -> (f64, f64) {
    let c = SPLITTER * a;
    let a_big = c - a;
    let hi = c - a_big;
    (hi, a - hi)
}

/// a * b = hi + lo exactly (Dekker; no fused multiply-add needed).
fn two_product(a: f64, b: f64) -> (f64, f64) {
    let x = a * b;
    let (ahi, alo) = split(a);
    let (bhi, blo) = split(b);
    let err1 = x - ahi * bhi;
    let err2 = err1 - alo * bhi;
    let err3 = err2 - ahi * blo;
    (x, alo * blo - err3)
}

/// Adds `b` to the expansion `e` exactly (Shewchuk's GROW-EXPANSION with
/// zero elimination), keeping it non-overlapping and increasing.
fn grow_expansion(e: &mut Vec<f64>, b: f64) {
    let mut q = b;
    let mut out = 0;
    for i in 0..e.len() {
        let (sum, err) = two_sum(q, e[i]);
        q = sum;
        if err != 0.0 {
            e[out] = err;
            out += 1;
        }
    }
    e.truncate(out);
    if q != 0.0 {
        e.push(q);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Exact reference for coordinates in [1, 2), which are all integers
    /// times 2^-52: scaled, every product fits in an i128.
    fn exact_i128(a: (i64, i64), b: (i64, i64), p: (i64, i64)) -> Ordering {
        let det = (a.0 - p.0) as i128 * (b.1 - p.1) as i128 - (a.1 - p.1) as i128 * (b.0 - p.0) as i128;
        det.cmp(&0)
    }

    fn scaled(v: i64) -> f64 {
        v as f64 / (1u64 << 52) as f64
    }

    /// Tiny deterministic generator (SplitMix64) so the test needs no crate.
    struct SplitMix(u64);
    impl SplitMix {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }
    }

    #[test]
    fn simple_orientations() {
        assert_eq!(orient2d((0.0, 0.0), (1.0, 0.0), (0.5, 1.0)), Ordering::Greater);
        assert_eq!(orient2d((0.0, 0.0), (1.0, 0.0), (0.5, -1.0)), Ordering::Less);
        assert_eq!(orient2d((0.0, 0.0), (1.0, 1.0), (3.0, 3.0)), Ordering::Equal);
    }

    #[test]
    fn decimal_points_on_a_shared_edge_are_exactly_collinear() {
        // The edge-case file's border x = 18.02 between two vertices.
        assert_eq!(orient2d((18.02, 59.30), (18.02, 59.32), (18.02, 59.305)), Ordering::Equal);
    }

    #[test]
    fn near_collinear_points_get_the_exact_sign() {
        let mut rng = SplitMix(42);
        let mut decided_by_fallback = 0;
        for _ in 0..200_000 {
            // Lattice points (units of 2^-52) in [1, 2): a, b = a + 1024 d
            // and p = a + t d exactly on the line through them, then p
            // nudged by at most 2 units, so the determinant is zero or tiny
            // next to its terms and plain floating point often errs.
            let base = 1i64 << 52;
            let span = 1u64 << 50;
            let a = (base + (rng.next() % span) as i64, base + (rng.next() % span) as i64);
            let d = ((rng.next() % (1 << 38)) as i64 - (1 << 37), (rng.next() % (1 << 38)) as i64 - (1 << 37));
            let b = (a.0 + 1024 * d.0, a.1 + 1024 * d.1);
            let t = (rng.next() % 2048) as i64;
            let p = (a.0 + t * d.0 + (rng.next() % 5) as i64 - 2, a.1 + t * d.1 + (rng.next() % 5) as i64 - 2);
            let fa = (scaled(a.0), scaled(a.1));
            let fb = (scaled(b.0), scaled(b.1));
            let fp = (scaled(p.0), scaled(p.1));
            let want = exact_i128(a, b, p);
            assert_eq!(orient2d(fa, fb, fp), want, "{a:?} {b:?} {p:?}");
            assert_eq!(orient2d_exact(fa, fb, fp), want);
            let naive = sign((fa.0 - fp.0) * (fb.1 - fp.1) - (fa.1 - fp.1) * (fb.0 - fp.0));
            if naive != want {
                decided_by_fallback += 1;
            }
        }
        // The test is only meaningful if plain floating point fails often.
        assert!(decided_by_fallback > 50, "{decided_by_fallback}");
    }
}
