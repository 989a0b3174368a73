//! Personal identity and coordination numbers: date, century sign and check digit.

use super::phone::phone_context;
use super::*;

pub(super) fn identity_numbers(c: &[char], out: &mut Vec<Candidate>) {
    let mut i = 0;
    while i < c.len() {
        if !c[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let run = digits_end(c, i);
        if left_ok(c, i)
            && let Some(found) = identity_number_at(c, i, run)
        {
            out.push(found);
        }
        i = run;
    }
}

/// The digits `c[i..run]` (a whole run) and what follows, read as an identity number.
pub(super) fn identity_number_at(c: &[char], i: usize, run: usize) -> Option<Candidate> {
    let n = run - i;
    let (digits, end): (Vec<char>, usize) = match n {
        10 | 12 => (c[i..run].to_vec(), run),
        6 | 8 => {
            // "+" (100 years or older) only ever follows the six-digit form.
            let sep = *c.get(run)?;
            if !(matches!(sep, '-' | '–' | ' ' | '\u{a0}') || (sep == '+' && n == 6)) {
                return None;
            }
            let tail = run + 1;
            if digits_end(c, tail) != tail + 4 {
                return None;
            }
            (c[i..run].iter().chain(&c[tail..tail + 4]).copied().collect(), tail + 4)
        }
        _ => return None,
    };
    if !right_ok(c, end) {
        return None;
    }
    let century = if digits.len() == 12 {
        let cc = digit(digits[0]) * 10 + digit(digits[1]);
        if !(18..=20).contains(&cc) {
            return None;
        }
        Some(cc)
    } else {
        None
    };
    let ten = &digits[digits.len() - 10..];
    if !luhn(ten) {
        return None;
    }
    let yy = digit(ten[0]) * 10 + digit(ten[1]);
    let month = digit(ten[2]) * 10 + digit(ten[3]);
    let day = digit(ten[4]) * 10 + digit(ten[5]);
    let (day, kind) =
        if day > 60 { (day - 60, FindingKind::CoordinationNumber) } else { (day, FindingKind::PersonalIdentityNumber) };
    let leap = match century {
        Some(cc) => is_leap(cc * 100 + yy),
        // Without the century, 00 may be 1900 or 2000; either way possible.
        None => yy.is_multiple_of(4),
    };
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(month, leap) {
        return None;
    }
    // A bare ten-digit number that starts with 0 and follows a phone word is a phone number.
    if digits.len() == 10 && n == 10 && ten[0] == '0' && phone_context(c, i) {
        return None;
    }
    Some((kind, i, end))
}

/// The Luhn check over the ten digits ÅÅMMDDNNNN.
pub(super) fn luhn(ten: &[char]) -> bool {
    let sum: u32 = ten
        .iter()
        .enumerate()
        .map(|(k, &ch)| {
            let d = digit(ch) * if k % 2 == 0 { 2 } else { 1 };
            d / 10 + d % 10
        })
        .sum();
    sum.is_multiple_of(10)
}

pub(super) fn is_leap(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

pub(super) fn days_in_month(month: u32, leap: bool) -> u32 {
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// ---------------------------------------------------------------------------
// Phone numbers
