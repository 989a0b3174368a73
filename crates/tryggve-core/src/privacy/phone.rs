//! Swedish phone numbers, told apart from dates, times, case numbers and amounts.

use super::*;

/// Words right before a number that say it is a phone number.
pub(super) fn phone_context(c: &[char], start: usize) -> bool {
    words_before(c, start, 3)
        .iter()
        .any(|w| listed("tel tfn telnr mob sms nås nummer", w) || starts_listed("tel. telefon mobil ring", w))
}

/// Words right before a number that say it is some other kind of number,
/// or a week, a time or a year.
pub(super) fn other_number_context(c: &[char], start: usize) -> bool {
    const STARTS: &str = "order diarie dnr faktura ärendenr ärendenummer kundnr kundnummer referens ref beställning \
                          artikel serienummer avtal objekt organisationsnummer projekt postgiro";
    const WORDS: &str =
        "bg pg bankgiro plusgiro konto kontonummer orgnr org.nr id vecka veckorna v kl klockan år åren datum";
    words_before(c, start, 2).iter().any(|w| starts_listed(STARTS, w) || listed(WORDS, w))
}

/// A separator between a phone number's digit groups at `k`: a space, a
/// dash or an en dash, or a dash with a space on each side. Its length.
pub(super) fn phone_sep(c: &[char], k: usize) -> Option<usize> {
    let dash = |k: usize| c.get(k).is_some_and(|&ch| matches!(ch, '-' | '–'));
    let space = |k: usize| c.get(k).is_some_and(|&ch| matches!(ch, ' ' | '\u{a0}'));
    if space(k) && dash(k + 1) && space(k + 2) {
        Some(3)
    } else if space(k) || dash(k) {
        Some(1)
    } else {
        None
    }
}

/// `j`, or past the separator at `j` when there is one.
pub(super) fn skip_sep(c: &[char], j: usize) -> usize {
    j + phone_sep(c, j).unwrap_or(0)
}

/// The digit groups of a phone number as written.
pub(super) struct Groups {
    /// Just past the last digit.
    end: usize,
    /// Digits in all.
    total: usize,
    /// Where each group starts, and how long it is.
    starts: Vec<usize>,
    lens: Vec<usize>,
    /// The first non-space character of each separator.
    seps: Vec<char>,
}

/// Digit groups from `j`, each separated by one separator, as long as the
/// total stays within `max` digits.
pub(super) fn groups(c: &[char], mut j: usize, max: usize) -> Groups {
    let mut g = Groups { end: j, total: 0, starts: Vec::new(), lens: Vec::new(), seps: Vec::new() };
    loop {
        let run = digits_end(c, j);
        if run == j || g.total + (run - j) > max {
            break;
        }
        g.total += run - j;
        g.starts.push(j);
        g.lens.push(run - j);
        g.end = run;
        match phone_sep(c, run) {
            Some(n) if is_digit(c, run + n) => {
                g.seps.push(c[run + n / 2]);
                j = run + n;
            }
            _ => break,
        }
    }
    g.seps.truncate(g.lens.len().saturating_sub(1));
    g
}

pub(super) fn phone_numbers(c: &[char], out: &mut Vec<Candidate>) {
    let mut i = 0;
    while i < c.len() {
        match phone_at(c, i) {
            Some(end) => {
                out.push((FindingKind::PhoneNumber, i, end));
                i = end;
            }
            None => i += 1,
        }
    }
}

/// A phone number starting at `i`: its end.
pub(super) fn phone_at(c: &[char], i: usize) -> Option<usize> {
    let ch = c[i];
    if !(ch == '+' || ch == '(' || ch == '0') || !left_ok(c, i) {
        return None;
    }
    let end = if ch == '+' || (ch == '0' && c.get(i..i + 4) == Some(&['0', '0', '4', '6'][..])) {
        // International: +46 or 0046, optional separator, optional (0), then 7–9 digits.
        let mut j = if ch == '+' { i + 1 } else { i + 4 };
        if ch == '+' {
            if c.get(j..j + 2) != Some(&['4', '6'][..]) {
                return None;
            }
            j += 2;
        }
        j = skip_sep(c, j);
        if c.get(j..j + 3) == Some(&['(', '0', ')'][..]) {
            j = skip_sep(c, j + 3);
        }
        if !is_digit(c, j) || c[j] == '0' {
            return None;
        }
        let g = groups(c, j, 9);
        if !(7..=9).contains(&g.total) {
            return None;
        }
        g.end
    } else if ch == '(' {
        // "(08) 123 45 67": an area code in brackets.
        let area = digits_end(c, i + 1);
        if !(2..=4).contains(&(area - i - 1)) || c[i + 1] != '0' || c[i + 2] == '0' || c.get(area) != Some(&')') {
            return None;
        }
        let j = skip_sep(c, area + 1);
        let g = groups(c, j, 10 - (area - i - 1));
        if g.total + (area - i - 1) < 8 {
            return None;
        }
        g.end
    } else {
        // National: a single leading 0, 8–10 digits in all.
        if !is_digit(c, i + 1) || c[i + 1] == '0' {
            return None;
        }
        let g = groups(c, i, 10);
        // The first group is an area code unless the number is written without
        // separators: 08 or three or four digits. "010101-0101" has the shape of an
        // identity number, "01 02 03 04" is a list.
        if !(8..=10).contains(&g.total) {
            return None;
        }
        let area_code = g.lens.len() == 1 || (3..=4).contains(&g.lens[0]) || (g.lens[0] == 2 && c[i + 1] == '8');
        if !area_code || looks_like_time_range(c, &g) || looks_like_date(c, &g) {
            return None;
        }
        g.end
    };
    if !right_ok(c, end) || other_number_context(c, i) {
        return None;
    }
    Some(end)
}

/// The two-digit number at `k`.
pub(super) fn two_digits(c: &[char], k: usize) -> u32 {
    digit(c[k]) * 10 + digit(c[k + 1])
}

/// "0900-1100", "0800 1600": two clock times, not a phone number.
pub(super) fn looks_like_time_range(c: &[char], g: &Groups) -> bool {
    let hhmm = |k: usize| two_digits(c, k) <= 24 && two_digits(c, k + 2) < 60;
    g.lens == [4, 4] && hhmm(g.starts[0]) && hhmm(g.starts[1])
}

/// "01-02-2023", "05 03 2024": a day, a month and a year.
pub(super) fn looks_like_date(c: &[char], g: &Groups) -> bool {
    g.lens == [2, 2, 4]
        && g.seps[0] == g.seps[1]
        && (1..=31).contains(&two_digits(c, g.starts[0]))
        && (1..=12).contains(&two_digits(c, g.starts[1]))
        && matches!(two_digits(c, g.starts[2]), 19 | 20)
}

// ---------------------------------------------------------------------------
// E-mail addresses
