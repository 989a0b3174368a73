//! The exact one-sided Poisson test: is an observed count (incidents in an
//! area this period) surprisingly high against the mean of a baseline
//! (the same area in earlier periods)?
//!
//! The p-value is P(X ≥ observed) for X ~ Poisson(expected), summed exactly
//! from the probability mass function — no normal approximation. Each term
//! is computed in log space with Loader's saddle-point form (the
//! Stirling-error and deviance terms, as R's `dpois` does), so it stays
//! accurate to about 1e-13 relative even for counts in the tens of
//! thousands or p-values far below the smallest `f64` a naive `μ^k / k!`
//! could reach. Owns only the arithmetic; what counts as "surprising" is
//! the caller's decision.

use std::f64::consts::PI;

/// The outcome of testing one observed count against a baseline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PoissonTest {
    pub observed: u64,
    /// The Poisson mean the count is tested against.
    pub expected: f64,
    /// P(X ≥ observed | X ~ Poisson(expected)).
    pub p_value: f64,
}

/// Tests `observed` against the mean of `baseline` (counts of earlier
/// periods of the same length). `None` when the baseline is empty.
pub fn test_increase(observed: u64, baseline: &[u64]) -> Option<PoissonTest> {
    let expected = baseline_mean(baseline)?;
    Some(PoissonTest { observed, expected, p_value: upper_tail(observed, expected)? })
}

/// Mean of the baseline counts; `None` when there are none.
pub fn baseline_mean(baseline: &[u64]) -> Option<f64> {
    if baseline.is_empty() {
        return None;
    }
    let total: u128 = baseline.iter().map(|&c| u128::from(c)).sum();
    Some(total as f64 / baseline.len() as f64)
}

/// P(X ≥ k) for X ~ Poisson(mean). `None` when `mean` is negative or not
/// finite.
pub fn upper_tail(k: u64, mean: f64) -> Option<f64> {
    if !(mean.is_finite() && mean >= 0.0) {
        return None;
    }
    if k == 0 {
        return Some(1.0);
    }
    if mean == 0.0 {
        return Some(0.0);
    }
    let kf = k as f64;
    if kf > mean {
        // Terms fall from k upward: t_{j+1} = t_j · μ/(j+1).
        let mut term = pmf(kf, mean);
        let mut sum = 0.0;
        let mut j = kf;
        while term > sum * 1e-17 {
            sum += term;
            j += 1.0;
            term *= mean / j;
        }
        Some(sum.min(1.0))
    } else {
        // The upper tail is large here: 1 − P(X ≤ k−1), summing the lower
        // tail from k−1 downward where the terms fall: t_{j−1} = t_j · j/μ.
        let mut j = kf - 1.0;
        let mut term = pmf(j, mean);
        let mut sum = 0.0;
        loop {
            sum += term;
            if j == 0.0 || term <= sum * 1e-17 {
                break;
            }
            term *= j / mean;
            j -= 1.0;
        }
        Some((1.0 - sum).max(0.0))
    }
}

/// P(X = x) for X ~ Poisson(mean), x a non-negative integer value:
/// e^{−stirlerr(x) − bd0(x, μ)} / √(2πx) (Loader 2000).
fn pmf(x: f64, mean: f64) -> f64 {
    if x == 0.0 {
        return (-mean).exp();
    }
    (-stirling_error(x) - deviance(x, mean)).exp() / (2.0 * PI * x).sqrt()
}

/// ln(x!) − ln(√(2πx) (x/e)^x), the error of Stirling's formula.
fn stirling_error(x: f64) -> f64 {
    if x <= 15.0 {
        let mut factorial = 1.0f64; // exact up to 18!
        let mut i = 2.0;
        while i <= x {
            factorial *= i;
            i += 1.0;
        }
        return factorial.ln() - (x + 0.5) * x.ln() + x - 0.5 * (2.0 * PI).ln();
    }
    const S0: f64 = 1.0 / 12.0;
    const S1: f64 = 1.0 / 360.0;
    const S2: f64 = 1.0 / 1260.0;
    const S3: f64 = 1.0 / 1680.0;
    const S4: f64 = 1.0 / 1188.0;
    let xx = x * x;
    (S0 - (S1 - (S2 - (S3 - S4 / xx) / xx) / xx) / xx) / x
}

/// x ln(x/μ) + μ − x, computed without cancellation when x ≈ μ.
fn deviance(x: f64, mean: f64) -> f64 {
    if (x - mean).abs() < 0.1 * (x + mean) {
        let v = (x - mean) / (x + mean);
        let v2 = v * v;
        let mut s = (x - mean) * v;
        let mut ej = 2.0 * x * v;
        let mut j = 1.0;
        loop {
            ej *= v2;
            let next = s + ej / (2.0 * j + 1.0);
            if next == s {
                return s;
            }
            s = next;
            j += 1.0;
        }
    }
    x * (x / mean).ln() + mean - x
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (k, μ, P(X ≥ k)) computed with 80-digit decimal arithmetic.
    const KNOWN: &[(u64, f64, f64)] = &[
        (14, 5.0, 0.000697989979139987),
        (15, 5.0, 0.00022625367617675553),
        (1, 0.5, 0.3934693402873666),
        (5, 5.0, 0.5595067149347875),
        (3, 10.0, 0.9972306042844884),
        (30, 10.0, 2.5099512015279076e-07),
        (100, 50.0, 3.200065324585125e-10),
        (1000, 900.0, 0.0005499022657117829),
        (10, 0.01, 2.7307942836962466e-27),
        (200, 20.0, 4.663501789078654e-124),
        (1, 1e-09, 9.999999995e-10),
        (50000, 49000.0, 3.3847542280794912e-06),
        (2, 2.5, 0.7127025048163542),
    ];

    #[test]
    fn upper_tail_matches_high_precision_values() {
        for &(k, mean, want) in KNOWN {
            let got = upper_tail(k, mean).unwrap();
            let rel = ((got - want) / want).abs();
            assert!(rel < 1e-12, "P(X >= {k} | {mean}) = {got}, want {want} (rel {rel:e})");
        }
    }

    #[test]
    fn edge_cases() {
        assert_eq!(upper_tail(0, 7.0), Some(1.0));
        assert_eq!(upper_tail(0, 0.0), Some(1.0));
        assert_eq!(upper_tail(3, 0.0), Some(0.0));
        assert_eq!(upper_tail(3, -1.0), None);
        assert_eq!(upper_tail(3, f64::NAN), None);
        assert_eq!(upper_tail(3, f64::INFINITY), None);
        // So far in the tail that the answer underflows to zero.
        assert_eq!(upper_tail(2000, 1.0), Some(0.0));
    }

    #[test]
    fn tail_is_decreasing_in_k() {
        let mut prev = 1.0;
        for k in 0..80 {
            let p = upper_tail(k, 17.3).unwrap();
            assert!(p <= prev, "k = {k}");
            prev = p;
        }
    }

    #[test]
    fn test_against_a_baseline_uses_its_mean() {
        let t = test_increase(14, &[4, 6, 5, 5]).unwrap();
        assert_eq!(t.expected, 5.0);
        assert!((t.p_value - 0.000697989979139987).abs() < 1e-15);
        assert_eq!(test_increase(3, &[]), None);
    }
}
