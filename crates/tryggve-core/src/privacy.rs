//! Personal data in free text: the detector that keeps identities out of the
//! shared records.
//!
//! [`scan`] finds, in Swedish free text, personal identity numbers and
//! coordination numbers, phone numbers, e-mail addresses, vehicle
//! registration numbers and the names of people in the register that the
//! caller passes. [`mask`] replaces what was found, [`mask_public`] masks
//! text for a public output (what `scan` finds and what merely looks like
//! it), [`message`] tells the writer what kinds were found. The module is pure and works over
//! characters: every offset counts Unicode scalar values (Rust `char`s, not
//! bytes), end exclusive, so "å" counts as one wherever the text goes.
//!
//! Precision matters as much as recall: a check that cries wolf at every
//! date, time, permit or case code is switched off by its users. So each
//! pattern is strict about its shape and its surroundings:
//!
//! - **Identity and coordination numbers** are taken in every common form —
//!   `ÅÅMMDD-NNNN`, `ÅÅMMDD+NNNN` (100 years or older), `ÅÅMMDDNNNN`,
//!   `ÅÅÅÅMMDD-NNNN`, `ÅÅÅÅMMDDNNNN`, with a space (or an en dash) instead
//!   of the dash — only when the Luhn check digit is right and the first six
//!   digits are a date (a coordination number's day is the day plus 60).
//!   Dates (`20210917`), permits (`220902`), order numbers and organisation
//!   numbers (whose "month" is 20 or more) are therefore not findings.
//! - **Phone numbers** are Swedish: a national number starts with a single
//!   `0` and has 8–10 digits, either unbroken or as an area code (`08`, or
//!   three or four digits) and groups separated by a space, a dash, an en
//!   dash or " - "
//!   (`08-123 45 67`, `08 508 23 326`, `070-123 45 67`, `0701234567`,
//!   `(08) 123 45 67`); an international one starts with `+46` or `0046`
//!   (optionally `(0)`) and has 7–9 more digits. Not findings: two four-digit
//!   groups that are both clock times (`0900-1100`), a day-month-year date
//!   (`01-02-2023`), a number inside a longer one (`2021-09-17`), and numbers
//!   introduced by a word that names another kind of number (order,
//!   diarienummer, faktura, projekt …) or a week, time or year (vecka, kl,
//!   år). Times like `09.00-11.00`, years, counts and postcodes never start
//!   with a lone `0` followed by enough digits. A bare ten-digit number that
//!   is also a valid identity number is one, unless a phone word (tel,
//!   mobil, ring, sms …) stands right before it.
//! - **E-mail addresses**: a local part, `@`, and a domain with a dot and an
//!   alphabetic top-level domain of two letters or more.
//! - **Vehicle registration numbers** have the Swedish plate shape: three
//!   letters from the plate alphabet (A–Z without I, Q and V), an optional
//!   space or dash, two digits, then a digit or a letter other than O
//!   (`ABC 123`, `ABC123`, `ABC 12A`). Such a token is a finding when a
//!   vehicle word (bil, skåpbilen, fordon, regnr, skylt, moped, a car make …)
//!   stands within twelve words before it or six after (the sentence and the
//!   end of the one before). Without that context `ABC 123` is also how an
//!   abbreviation and a number look ("SDF 123", "EST 123"), so it is not a
//!   finding; only the newer shape ending in a letter (`ABC 12A`), written in
//!   capitals, counts on its own, and then only when nothing suggests an
//!   abbreviation or a code: the letters are not a known Swedish authority or
//!   law abbreviation (SDF, SOL, LSS, OSL …), the same three capitals are not
//!   used on their own elsewhere in the text, and the word before does not
//!   name a code (nr, rum, paragraf, åtgärd, kurs …). Lower-case plates count
//!   only with vehicle context. "LOV 3" or "LVU 12" never match (V, too few
//!   digits).
//! - **Names of people in the register** (the caller passes those who are
//!   not staff) are matched as whole words, case-insensitively with Swedish
//!   letters, any run of white space between the parts of a name, and a
//!   genitive `s` or `:s` included ("Sara Linds mamma"). Only the names as
//!   passed are looked for: "Kalle Nilsson" does not make "Nilsson" alone a
//!   finding.
//!
//! Case codes such as `U-2025-014` are what the text should use instead, and
//! are never findings.

use serde::{Deserialize, Serialize};

/// What kind of personal data a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    PersonalIdentityNumber,
    CoordinationNumber,
    PhoneNumber,
    Email,
    VehicleRegistration,
    RegisteredName,
}

impl FindingKind {
    /// Every kind, in the order they are listed to users.
    pub const ALL: [FindingKind; 6] = [
        FindingKind::PersonalIdentityNumber,
        FindingKind::CoordinationNumber,
        FindingKind::PhoneNumber,
        FindingKind::Email,
        FindingKind::VehicleRegistration,
        FindingKind::RegisteredName,
    ];

    /// The Swedish name of the kind, as shown to the person who wrote the text.
    pub fn label(self) -> &'static str {
        match self {
            FindingKind::PersonalIdentityNumber => "personnummer",
            FindingKind::CoordinationNumber => "samordningsnummer",
            FindingKind::PhoneNumber => "telefonnummer",
            FindingKind::Email => "e-postadress",
            FindingKind::VehicleRegistration => "registreringsnummer",
            FindingKind::RegisteredName => "namn på en person i registret",
        }
    }

    /// Which kind wins when two findings of the same length cover the same text.
    fn rank(self) -> u8 {
        match self {
            FindingKind::PersonalIdentityNumber | FindingKind::CoordinationNumber => 0,
            FindingKind::Email => 1,
            FindingKind::PhoneNumber => 2,
            FindingKind::VehicleRegistration => 3,
            FindingKind::RegisteredName => 4,
        }
    }
}

/// One piece of personal data in a text. `start` and `end` are character
/// offsets (not bytes), `end` exclusive; `text` is what was found — personal
/// data itself: show it to the person who wrote it, never log it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// What replaces each finding in [`mask`].
pub const MASK: &str = "[maskerat]";

/// Find the personal data in `text`. `names` are the names of people in the
/// register who are not staff (blank entries are ignored). The findings are
/// sorted by `start` and do not overlap; where two candidates overlap the
/// longer one is kept.
pub fn scan(text: &str, names: &[&str]) -> Vec<Finding> {
    let c: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    identity_numbers(&c, &mut found);
    phone_numbers(&c, &mut found);
    emails(&c, &mut found);
    plates(&c, &mut found);
    registered_names(&c, names, &mut found);

    // Longest first, then by kind and position; keep what does not overlap.
    found.sort_by_key(|&(kind, start, end)| (std::cmp::Reverse(end - start), kind.rank(), start));
    let mut kept: Vec<Candidate> = Vec::new();
    for cand in found {
        if kept.iter().all(|&(_, s, e)| cand.2 <= s || cand.1 >= e) {
            kept.push(cand);
        }
    }
    kept.sort_by_key(|&(_, start, _)| start);
    kept.into_iter()
        .map(|(kind, start, end)| Finding { kind, start, end, text: c[start..end].iter().collect() })
        .collect()
}

/// `text` with every finding replaced by [`MASK`]. Findings may come in any
/// order; overlapping ones are masked as one, and offsets past the end of
/// the text are clamped.
pub fn mask(text: &str, findings: &[Finding]) -> String {
    mask_spans(text, findings.iter().map(|f| (f.start, f.end)).collect())
}

/// Text for a public output: masks everything [`scan`] finds (with `names`)
/// and, beyond it, whatever merely has the shape of an identity number, an
/// e-mail address or a phone number. `scan` refuses text on save and so must
/// not cry wolf (a checksum decides); a public record errs on the side of
/// hiding, so a ten-digit number with a dash is masked whatever its checksum.
pub fn mask_public(text: &str, names: &[&str]) -> String {
    let mut spans: Vec<(usize, usize)> = scan(text, names).iter().map(|f| (f.start, f.end)).collect();
    spans.extend(shaped_like_personal_data(text));
    mask_spans(text, spans)
}

/// Replaces each character span (start, end) by [`MASK`], merging overlaps.
fn mask_spans(text: &str, mut spans: Vec<(usize, usize)>) -> String {
    spans.retain(|(s, e)| s < e);
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s < last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut spans = merged.into_iter().peekable();
    for (i, ch) in text.chars().enumerate() {
        while spans.peek().is_some_and(|&(_, e)| e <= i) {
            spans.next();
        }
        match spans.peek() {
            Some(&(s, _)) if s == i => out.push_str(MASK),
            Some(&(s, _)) if s < i => {}
            _ => out.push(ch),
        }
    }
    out
}

/// Character spans of words that look like personal data by shape alone: a
/// 10- or 12-digit number of digits, `-` and `+`; a word with `@` and `.`;
/// a number starting with 0 or +46 that, with the digit groups after it,
/// has 8–12 digits.
fn shaped_like_personal_data(text: &str) -> Vec<(usize, usize)> {
    let c: Vec<char> = text.chars().collect();
    let edge = |ch: char| matches!(ch, ',' | '.' | ';' | ':' | '(' | ')');
    let numeric = |w: &[char]| w.iter().all(|ch| ch.is_ascii_digit() || matches!(ch, '-' | '+'));
    let digits = |w: &[char]| w.iter().filter(|ch| ch.is_ascii_digit()).count();
    // Words, without the punctuation around them.
    let mut words = vec![];
    let mut i = 0;
    while i < c.len() {
        if c[i].is_whitespace() {
            i += 1;
            continue;
        }
        let mut a = i;
        while i < c.len() && !c[i].is_whitespace() {
            i += 1;
        }
        let mut b = i;
        while a < b && edge(c[a]) {
            a += 1;
        }
        while b > a && edge(c[b - 1]) {
            b -= 1;
        }
        if a < b {
            words.push((a, b));
        }
    }
    let mut out = vec![];
    let mut k = 0;
    while k < words.len() {
        let (a, b) = words[k];
        let w = &c[a..b];
        if (w.contains(&'@') && w.contains(&'.')) || (numeric(w) && matches!(digits(w), 10 | 12)) {
            out.push((a, b));
            k += 1;
            continue;
        }
        if w[0] == '0' || w.starts_with(&['+', '4', '6']) {
            let (mut j, mut n) = (k, 0);
            while j < words.len() && numeric(&c[words[j].0..words[j].1]) {
                n += digits(&c[words[j].0..words[j].1]);
                j += 1;
                if n >= 8 {
                    break;
                }
            }
            if (8..=12).contains(&n) {
                out.push((a, words[j - 1].1));
                k = j;
                continue;
            }
        }
        k += 1;
    }
    out
}

/// A Swedish message for the person who wrote the text, naming the kinds
/// found (never the values), or `None` when nothing was found.
pub fn message(findings: &[Finding]) -> Option<String> {
    let kinds: Vec<&str> =
        FindingKind::ALL.iter().filter(|k| findings.iter().any(|f| f.kind == **k)).map(|k| k.label()).collect();
    if kinds.is_empty() {
        return None;
    }
    Some(format!(
        "Texten ser ut att innehålla personuppgifter ({}). Skriv om texten utan dem; \
         använd ärendekoder (till exempel U-2025-014) i stället för uppgifter om enskilda personer.",
        kinds.join(", ")
    ))
}

type Candidate = (FindingKind, usize, usize);

// ---------------------------------------------------------------------------
// Shared helpers over characters

fn is_digit(c: &[char], i: usize) -> bool {
    c.get(i).is_some_and(char::is_ascii_digit)
}

/// End of the run of ASCII digits starting at `i`.
fn digits_end(c: &[char], i: usize) -> usize {
    let mut j = i;
    while is_digit(c, j) {
        j += 1;
    }
    j
}

fn digit(ch: char) -> u32 {
    ch.to_digit(10).unwrap_or(0)
}

/// Punctuation that joins digits into one larger number (dates, ranges,
/// decimals, paragraph references): a number next to it is part of something else.
fn is_number_joiner(ch: char) -> bool {
    matches!(ch, '-' | '–' | '/' | ':' | '.' | ',')
}

/// May a number start at `i`? Not inside a word or another number.
fn left_ok(c: &[char], i: usize) -> bool {
    if i == 0 {
        return true;
    }
    let prev = c[i - 1];
    if prev.is_alphanumeric() {
        return false;
    }
    !(is_number_joiner(prev) && i >= 2 && c[i - 2].is_ascii_digit())
}

/// May a number end at `e`? Not inside a word, and not continued by a
/// joiner and more digits ("2021-09-17", "12.5", "3/4").
fn right_ok(c: &[char], e: usize) -> bool {
    match c.get(e) {
        None => true,
        Some(ch) if ch.is_alphanumeric() => false,
        Some(&ch) => !(is_number_joiner(ch) && is_digit(c, e + 1)),
    }
}

fn fold(ch: char) -> char {
    ch.to_lowercase().next().unwrap_or(ch)
}

/// Up to `n` words before `start`, nearest first, lower-cased, with
/// surrounding punctuation (but not inner dots: "reg.nr") removed.
fn words_before(c: &[char], start: usize, n: usize) -> Vec<String> {
    let mut words = Vec::new();
    let mut i = start;
    while words.len() < n && i > 0 {
        while i > 0 && c[i - 1].is_whitespace() {
            i -= 1;
        }
        let end = i;
        while i > 0 && !c[i - 1].is_whitespace() {
            i -= 1;
        }
        if i == end {
            break;
        }
        words.push(clean_word(&c[i..end]));
    }
    words
}

/// Up to `n` words from `end` on, nearest first, cleaned as in [`words_before`].
fn words_after(c: &[char], end: usize, n: usize) -> Vec<String> {
    let mut words = Vec::new();
    let mut i = end;
    while words.len() < n && i < c.len() {
        while i < c.len() && c[i].is_whitespace() {
            i += 1;
        }
        let start = i;
        while i < c.len() && !c[i].is_whitespace() {
            i += 1;
        }
        if i == start {
            break;
        }
        words.push(clean_word(&c[start..i]));
    }
    words
}

fn clean_word(w: &[char]) -> String {
    let keep = |ch: &char| ch.is_alphanumeric() || *ch == '§';
    let first = w.iter().position(keep).unwrap_or(w.len());
    let last = w.iter().rposition(keep).map_or(first, |p| p + 1);
    w[first..last].iter().map(|&ch| fold(ch)).collect()
}

// ---------------------------------------------------------------------------
// Personal identity and coordination numbers

fn identity_numbers(c: &[char], out: &mut Vec<Candidate>) {
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
fn identity_number_at(c: &[char], i: usize, run: usize) -> Option<Candidate> {
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
fn luhn(ten: &[char]) -> bool {
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

fn is_leap(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn days_in_month(month: u32, leap: bool) -> u32 {
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// ---------------------------------------------------------------------------
// Phone numbers

/// Is `w` one of the space-separated words in `list`?
fn listed(list: &str, w: &str) -> bool {
    list.split(' ').any(|x| x == w)
}

/// Does `w` start with one of the space-separated words in `list`?
fn starts_listed(list: &str, w: &str) -> bool {
    list.split(' ').any(|x| w.starts_with(x))
}

/// Words right before a number that say it is a phone number.
fn phone_context(c: &[char], start: usize) -> bool {
    words_before(c, start, 3)
        .iter()
        .any(|w| listed("tel tfn telnr mob sms nås nummer", w) || starts_listed("tel. telefon mobil ring", w))
}

/// Words right before a number that say it is some other kind of number,
/// or a week, a time or a year.
fn other_number_context(c: &[char], start: usize) -> bool {
    const STARTS: &str = "order diarie dnr faktura ärendenr ärendenummer kundnr kundnummer referens ref beställning \
                          artikel serienummer avtal objekt organisationsnummer projekt postgiro";
    const WORDS: &str =
        "bg pg bankgiro plusgiro konto kontonummer orgnr org.nr id vecka veckorna v kl klockan år åren datum";
    words_before(c, start, 2).iter().any(|w| starts_listed(STARTS, w) || listed(WORDS, w))
}

/// A separator between a phone number's digit groups at `k`: a space, a
/// dash or an en dash, or a dash with a space on each side. Its length.
fn phone_sep(c: &[char], k: usize) -> Option<usize> {
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
fn skip_sep(c: &[char], j: usize) -> usize {
    j + phone_sep(c, j).unwrap_or(0)
}

/// The digit groups of a phone number as written.
struct Groups {
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
fn groups(c: &[char], mut j: usize, max: usize) -> Groups {
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

fn phone_numbers(c: &[char], out: &mut Vec<Candidate>) {
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
fn phone_at(c: &[char], i: usize) -> Option<usize> {
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
fn two_digits(c: &[char], k: usize) -> u32 {
    digit(c[k]) * 10 + digit(c[k + 1])
}

/// "0900-1100", "0800 1600": two clock times, not a phone number.
fn looks_like_time_range(c: &[char], g: &Groups) -> bool {
    let hhmm = |k: usize| two_digits(c, k) <= 24 && two_digits(c, k + 2) < 60;
    g.lens == [4, 4] && hhmm(g.starts[0]) && hhmm(g.starts[1])
}

/// "01-02-2023", "05 03 2024": a day, a month and a year.
fn looks_like_date(c: &[char], g: &Groups) -> bool {
    g.lens == [2, 2, 4]
        && g.seps[0] == g.seps[1]
        && (1..=31).contains(&two_digits(c, g.starts[0]))
        && (1..=12).contains(&two_digits(c, g.starts[1]))
        && matches!(two_digits(c, g.starts[2]), 19 | 20)
}

// ---------------------------------------------------------------------------
// E-mail addresses

fn emails(c: &[char], out: &mut Vec<Candidate>) {
    let local = |ch: char| ch.is_alphanumeric() || matches!(ch, '.' | '_' | '%' | '+' | '-');
    let domain = |ch: char| ch.is_alphanumeric() || matches!(ch, '.' | '-');
    let mut last_end = 0;
    for at in 0..c.len() {
        if c[at] != '@' || at < last_end {
            continue;
        }
        let mut start = at;
        while start > last_end && local(c[start - 1]) {
            start -= 1;
        }
        while start < at && matches!(c[start], '.' | '-') {
            start += 1;
        }
        let mut end = at + 1;
        while end < c.len() && domain(c[end]) {
            end += 1;
        }
        while end > at + 1 && matches!(c[end - 1], '.' | '-') {
            end -= 1;
        }
        if start == at || end == at + 1 {
            continue;
        }
        let host: String = c[at + 1..end].iter().collect();
        let labels: Vec<&str> = host.split('.').collect();
        let tld = labels.last().copied().unwrap_or("");
        if labels.len() < 2
            || labels.iter().any(|l| l.is_empty())
            || tld.chars().count() < 2
            || !tld.chars().all(char::is_alphabetic)
        {
            continue;
        }
        out.push((FindingKind::Email, start, end));
        last_end = end;
    }
}

// ---------------------------------------------------------------------------
// Vehicle registration numbers

/// Letters on Swedish plates: A–Z without I, Q and V.
fn plate_letter(ch: char) -> bool {
    let u = ch.to_ascii_uppercase();
    u.is_ascii_uppercase() && !matches!(u, 'I' | 'Q' | 'V')
}

/// Three-letter abbreviations of Swedish authorities, laws and bodies that a
/// council's text follows with a number ("SDF 12A" is not a car).
const ABBREVIATIONS: &str = "SDF SDN SOL LSS OSL PBL BRB SFS SOU EBM BUF SKR SCB MSB NTU SSP SPF HSL LPT BID KBT FHM \
                             BOX TEL NKI GDP EUR SEK ALT NUR AFS RPS NOA BBR JML DNR";

/// Lower-case words that have a plate's letters and are not plates.
const LOWER_WORDS: &str = "lgh bil rum hus box tel kap sal kvt";

/// Words that make the number before or after them a vehicle's.
fn is_vehicle_word(w: &str) -> bool {
    const WORDS: &str = "bil bilen bilens bilar bilarna bilist bilisten bilförare bilföraren reg regnr reg.nr \
                         reg.nummer mc mc:n epa taxi fordon skylt skylten skyltar kombi kombin suv suven pickup \
                         pickupen släp släpet traktor traktorn bussen lastbil";
    // Car makes; "volvon", "saaben", "bmw:n" count too.
    const MAKES: &str = "volvo saab audi bmw vw volkswagen mercedes toyota kia tesla ford opel renault peugeot skoda \
                         škoda seat nissan hyundai mazda dacia";
    const STARTS: &str = "fordon registrerings nummerskylt moped motorcykel epa- a-traktor släpvagn husbil husvagn";
    // Compounds: skåpbilen, polisbil, räddningsfordonet, nummerskylten.
    const ENDS: [&str; 9] = ["bil", "bilen", "bilens", "bilar", "bilarna", "fordon", "fordonet", "skylt", "skylten"];
    if listed(WORDS, w) || MAKES.split(' ').any(|m| w.starts_with(m) && w.len() <= m.len() + 3) {
        return true;
    }
    if w.starts_with("mobil") || w.ends_with("mobil") || w.ends_with("mobilen") {
        return false;
    }
    starts_listed(STARTS, w) || ENDS.iter().any(|s| w.len() > s.len() + 2 && w.ends_with(s))
}

/// Words right before a token that make it a code, not a plate: rooms,
/// paragraphs, the numbered items of a plan, courses, models.
fn is_code_word(w: &str) -> bool {
    listed(
        "nr nummer rum lokal sal ärende dnr kod koden order id ref paragraf § punkt bilaga bilagan linje buss \
         tillstånd version hus port plan lgh avsnitt kapitel kurs kursen kurskod projekt projektet åtgärd åtgärden \
         insats insatsen aktivitet mål delmål tabell figur modell typ blankett steg fas sida sidan",
        w,
    )
}

/// A plate shape at `i`: (end, letters as written, all in capitals).
fn plate_shape(c: &[char], i: usize) -> Option<(usize, [char; 3], bool)> {
    let letters = [*c.get(i)?, *c.get(i + 1)?, *c.get(i + 2)?];
    if !letters.iter().all(|&l| plate_letter(l)) {
        return None;
    }
    let upper = letters.iter().all(char::is_ascii_uppercase);
    if !upper && !letters.iter().all(char::is_ascii_lowercase) {
        return None;
    }
    let mut j = i + 3;
    if c.get(j).is_some_and(|&s| s == ' ' || s == '-' || s == '\u{a0}') {
        j += 1;
    }
    if !(is_digit(c, j) && is_digit(c, j + 1)) {
        return None;
    }
    let last = *c.get(j + 2)?;
    let last_ok = last.is_ascii_digit()
        || (plate_letter(last) && !last.eq_ignore_ascii_case(&'O') && last.is_ascii_uppercase() == upper);
    if !last_ok {
        return None;
    }
    let end = j + 3;
    Some((end, letters, upper))
}

/// How many words before and after a plate-shaped token are searched for a
/// vehicle word: about the sentence, and the end of the one before
/// ("Bilen stod kvar hela natten. ABC 123 syntes igen på morgonen.").
const CONTEXT_BEFORE: usize = 12;
const CONTEXT_AFTER: usize = 6;

fn plates(c: &[char], out: &mut Vec<Candidate>) {
    for i in 0..c.len() {
        if !c[i].is_ascii_alphabetic() || (i > 0 && (c[i - 1].is_alphanumeric() || matches!(c[i - 1], '-' | '@'))) {
            continue;
        }
        let Some((end, letters, upper)) = plate_shape(c, i) else { continue };
        if !right_ok(c, end) || c.get(end) == Some(&'@') {
            continue;
        }
        let word: String = letters.iter().collect();
        let before = words_before(c, i, CONTEXT_BEFORE);
        let after = words_after(c, end, CONTEXT_AFTER);
        let context = before.iter().chain(&after).any(|w| is_vehicle_word(w));
        let accept = if context {
            upper || !listed(LOWER_WORDS, &word)
        } else {
            // Without a vehicle nearby only the newer shape, ending in a letter, is
            // plate-like enough: "ABC 123" is also how an abbreviation and a number look.
            upper
                && c[end - 1].is_ascii_alphabetic()
                && !listed(ABBREVIATIONS, &word)
                && !before.first().is_some_and(|w| is_code_word(w))
                && !used_alone(c, &letters)
        };
        if accept {
            out.push((FindingKind::VehicleRegistration, i, end));
        }
    }
}

/// Are these three capitals used elsewhere in the text as a word of their
/// own, not starting a plate shape? Then they are an abbreviation.
fn used_alone(c: &[char], letters: &[char; 3]) -> bool {
    (0..c.len().saturating_sub(2)).any(|k| {
        c[k..k + 3] == letters[..]
            && (k == 0 || !c[k - 1].is_alphanumeric())
            && c.get(k + 3).is_none_or(|ch| !ch.is_alphanumeric())
            && plate_shape(c, k).is_none()
    })
}

// ---------------------------------------------------------------------------
// Names of people in the register

fn registered_names(c: &[char], names: &[&str], out: &mut Vec<Candidate>) {
    let folded: Vec<char> = c.iter().map(|&ch| fold(ch)).collect();
    // Names by the first two letters of their first word (one letter when it
    // has only one), so that each word of the text is tried only against the
    // few names that could start there: a register of hundreds stays fast.
    let mut index: std::collections::HashMap<(char, Option<char>), Vec<Vec<Vec<char>>>> = Default::default();
    for name in names {
        let parts: Vec<Vec<char>> = name.split_whitespace().map(|p| p.chars().map(fold).collect()).collect();
        if parts.is_empty() || parts.iter().map(Vec::len).sum::<usize>() < 2 {
            continue;
        }
        let key = (parts[0][0], parts[0].get(1).copied());
        index.entry(key).or_default().push(parts);
    }
    let mut i = 0;
    while i < c.len() {
        let mut end = None;
        if i == 0 || !c[i - 1].is_alphanumeric() {
            let keys = [(folded[i], folded.get(i + 1).copied()), (folded[i], None)];
            for parts in keys.iter().filter_map(|k| index.get(k)).flatten() {
                end = end.max(name_at(&folded, i, parts));
            }
        }
        match end {
            Some(e) => {
                out.push((FindingKind::RegisteredName, i, e));
                i = e;
            }
            None => i += 1,
        }
    }
}

/// The name's parts at `i` (folded text), white space between them, a whole
/// word, with a genitive "s" or ":s" included: its end.
fn name_at(folded: &[char], i: usize, parts: &[Vec<char>]) -> Option<usize> {
    let mut j = i;
    for (k, part) in parts.iter().enumerate() {
        if k > 0 {
            let ws = j;
            while folded.get(j).is_some_and(|ch| ch.is_whitespace()) {
                j += 1;
            }
            if j == ws {
                return None;
            }
        }
        if folded.get(j..j + part.len()) != Some(part.as_slice()) {
            return None;
        }
        j += part.len();
    }
    let boundary = |e: usize| folded.get(e).is_none_or(|ch| !ch.is_alphanumeric());
    for genitive in [&['s'][..], &[':', 's'][..]] {
        let e = j + genitive.len();
        if folded.get(j..e) == Some(genitive) && boundary(e) {
            return Some(e);
        }
    }
    boundary(j).then_some(j)
}

#[cfg(test)]
mod tests {
    use super::FindingKind::*;
    use super::*;

    /// (kind, text) of each finding.
    fn found(text: &str) -> Vec<(FindingKind, String)> {
        found_with(text, &[])
    }

    fn found_with(text: &str, names: &[&str]) -> Vec<(FindingKind, String)> {
        scan(text, names).into_iter().map(|f| (f.kind, f.text)).collect()
    }

    fn one(kind: FindingKind, s: &str) -> Vec<(FindingKind, String)> {
        vec![(kind, s.to_owned())]
    }

    #[test]
    fn identity_numbers_are_found_in_every_common_form() {
        for s in [
            "121212-1212",
            "121212+1212",
            "1212121212",
            "19121212-1212",
            "191212121212",
            "121212 1212",
            "19121212 1212",
            "121212–1212",
        ] {
            assert_eq!(found(&format!("Pojken, {s}, var med.")), one(PersonalIdentityNumber, s), "{s}");
        }
    }

    #[test]
    fn a_wrong_check_digit_is_not_a_finding() {
        for s in ["121212-1213", "1212121211", "19121212-1210", "191212121219"] {
            assert_eq!(found(&format!("Nummer {s} här.")), vec![], "{s}");
        }
    }

    #[test]
    fn a_number_that_is_no_date_is_not_a_finding() {
        // Valid check digits, impossible dates: month 13, 30 February, day 0, 31 April;
        // and an organisation number (its "month" is 20 or more).
        for s in ["121312-1211", "120230-1238", "120200-1234", "120431-1235", "556677-8899"] {
            assert!(luhn(&s.replace('-', "").chars().collect::<Vec<_>>()), "{s} should pass Luhn");
            assert_eq!(found(&format!("Nummer {s} här.")), vec![], "{s}");
        }
    }

    #[test]
    fn leap_days_follow_the_century_when_it_is_written() {
        // 29 February 1900 did not exist, 29 February 2000 did.
        let n1900 = with_check("19000229123");
        let n2000 = with_check("20000229123");
        assert_eq!(found(&n1900), vec![], "{n1900}");
        assert_eq!(found(&n2000), one(PersonalIdentityNumber, &n2000));
        // Without the century both are possible.
        assert_eq!(found(&n1900[2..]), one(PersonalIdentityNumber, &n1900[2..]));
    }

    /// Eleven digits (or nine) with the Luhn digit appended.
    fn with_check(prefix: &str) -> String {
        let ten: Vec<char> = prefix.chars().skip(prefix.len() - 9).collect();
        (0..10)
            .map(|d| {
                let mut t = ten.clone();
                t.push(char::from_digit(d, 10).unwrap());
                t
            })
            .find(|t| luhn(t))
            .map(|t| format!("{}{}", &prefix[..prefix.len() - 9], t.iter().collect::<String>()))
            .unwrap()
    }

    #[test]
    fn coordination_numbers_have_sixty_added_to_the_day() {
        let n = with_check("121272123"); // 12 December (19)12 → day 72
        assert_eq!(found(&format!("Samordningsnr {n}.")), one(CoordinationNumber, &n));
        let dashed = format!("{}-{}", &n[..6], &n[6..]);
        assert_eq!(found(&dashed), one(CoordinationNumber, &dashed));
        let long = with_check("19121272123");
        assert_eq!(found(&long), one(CoordinationNumber, &long));
        // Day 92 - 60 = 32: no date.
        let bad = with_check("121292121");
        assert_eq!(found(&bad), vec![]);
    }

    #[test]
    fn dates_permits_and_case_codes_are_not_findings() {
        for s in [
            "Händelsen inträffade 20210917 vid skolan.",
            "Tillstånd enligt LOV 220902 gäller.",
            "Ärendet U-2025-014 följs upp i gruppen.",
            "Vi träffar U-2025-014 och U-2025-015 på fredag.",
            "Mötet 2025-03-14 kl. 09.00-11.00 i rum 3.",
            "Mellan 0900-1100 var det lugnt.",
            "Det var 14 ungdomar vid Lövholmsvägen 18 år 2024.",
            "Ordernummer 0731-884 512 gäller skyltarna.",
            "Nummer 010101-0101 finns inte.",
            "Vecka 05-08 2025 genomförs kartläggningen.",
            "Datum 01-02-2023 antecknades.",
            "Enligt SFS 2010:800 och SOU 2021:41.",
            "Se 5 kap. 1 § OSL.",
        ] {
            assert_eq!(found(s), vec![], "{s}");
        }
    }

    #[test]
    fn phone_numbers_in_swedish_forms_are_found() {
        for s in [
            "070-123 45 67",
            "0701234567",
            "08-123 45 67",
            "08 508 23 326",
            "+46 70 123 45 67",
            "+46701234567",
            "+46 (0)70-123 45 67",
            "0046 8 123 45 67",
            "010-123 45 67",
            "031-12 34 56",
            "0480-123 45",
            "(08) 123 45 67",
            "070 - 123 45 67",
            "08–123 45 67",
            "0046-8-123 45 67",
        ] {
            assert_eq!(found(&format!("Ring {s} om något händer.")), one(PhoneNumber, s), "{s}");
        }
    }

    #[test]
    fn years_times_and_counts_are_not_phone_numbers() {
        for s in [
            "Under 2023 och 2024 ökade anmälningarna.",
            "Kl 09.00-11.00 och 13.00-15.00.",
            "Mellan 0800 och 1600.",
            "Receptionen har öppet 0800 - 1600 och 1700–1900.",
            "Dagar: 01 02 03 04 05 06 07 08.",
            "Postgiro 0123 4567-8 betalades.",
            "Vi räknade 0 incidenter, 12 samtal och 104 besök.",
            "Postnummer 117 43 Stockholm.",
            "Ring 112 eller 114 14.",
        ] {
            assert_eq!(found(s), vec![], "{s}");
        }
    }

    #[test]
    fn a_bare_ten_digit_number_after_a_phone_word_is_a_phone_number() {
        // 070123-4567 has a valid date and check digit; after "tel" it is a phone number.
        let n = with_check("070123456");
        assert_eq!(found(&format!("Tel: {n}")), one(PhoneNumber, &n));
        assert_eq!(found(&format!("Född {n}")), one(PersonalIdentityNumber, &n));
    }

    #[test]
    fn email_addresses_are_found() {
        assert_eq!(found("Skriv till sara.lind@example.se."), one(Email, "sara.lind@example.se"));
        assert_eq!(found("(kalle+lbr@skola.stockholm.se)"), one(Email, "kalle+lbr@skola.stockholm.se"));
        assert_eq!(found("Åsa-öberg@exempel.nu"), one(Email, "Åsa-öberg@exempel.nu"));
        assert_eq!(found("Vi möts @ skolan, @lbr på X och a@b."), vec![]);
    }

    #[test]
    fn plates_are_found_with_a_vehicle_nearby_or_when_unambiguous() {
        assert_eq!(found("En vit Volvo, ABC 123, stod kvar."), one(VehicleRegistration, "ABC 123"));
        assert_eq!(found("Bilen med reg.nr abc123 syntes igen."), one(VehicleRegistration, "abc123"));
        assert_eq!(found("Mopeden MLB 12A saknade lykta."), one(VehicleRegistration, "MLB 12A"));
        assert_eq!(found("Observerade GXR 48U vid torget igen."), one(VehicleRegistration, "GXR 48U"));
        assert_eq!(
            found("Bilen stod kvar hela natten. GXR 481 syntes igen på morgonen."),
            one(VehicleRegistration, "GXR 481")
        );
        assert_eq!(found("Skåpbilen hade skylten TMF-204."), one(VehicleRegistration, "TMF-204"));
    }

    #[test]
    fn abbreviations_codes_and_permits_are_not_plates() {
        for s in [
            "Enligt SDF 123 ska det rapporteras.",
            "Observerade GXR 481 vid torget igen.",
            "Rapport EST 123 lämnades till rådet.",
            "Skolan har registrerat SDF 12A i diariet.",
            "LOV 3 och LVU 12 gäller inte här.",
            "Rapporten från NTU 202 visar samma sak.",
            "Rum ABC 123 är bokat.",
            "Projektet TRY 100 startade i SKR:s regi; TRY är förkortningen.",
            "Vi satt i rum abc123.",
            "Paragraf GHK 12B i avtalet.",
            "Platsen ABO 12O ligger norr om torget.",
            "Sammanfattning: lgh 123 hade inbrott.",
        ] {
            assert_eq!(found(s), vec![], "{s}");
        }
    }

    #[test]
    fn registered_names_are_whole_words_in_any_case_with_swedish_letters() {
        let names = ["Kalle Nilsson", "Åsa Öberg", "  ", "X"];
        assert_eq!(found_with("Vi pratade med kalle nilsson.", &names), one(RegisteredName, "kalle nilsson"));
        assert_eq!(found_with("ÅSA ÖBERG kom sent.", &names), one(RegisteredName, "ÅSA ÖBERG"));
        assert_eq!(found_with("Åsa\n  Öbergs mamma ringde.", &names), one(RegisteredName, "Åsa\n  Öbergs"));
        assert_eq!(found_with("Kalle Nilsson:s cykel.", &names), one(RegisteredName, "Kalle Nilsson:s"));
        for s in ["Kalle Nilssonsson", "Kalle", "Nilsson", "Åsa Öbergsson", "Kalle-Nilsson"] {
            assert_eq!(found_with(s, &names), vec![], "{s}");
        }
    }

    #[test]
    fn offsets_count_characters_not_bytes() {
        let text = "Åäö på Lövholmsvägen: ring 070-123 45 67 eller mejla åsa@exempel.se.";
        let f = scan(text, &[]);
        assert_eq!(f.len(), 2);
        assert_eq!((f[0].kind, f[0].start, f[0].end), (PhoneNumber, 27, 40));
        assert_eq!(text.chars().skip(27).take(13).collect::<String>(), "070-123 45 67");
        assert_eq!((f[1].kind, f[1].start, f[1].end), (Email, 53, 67));
        assert_eq!(f[1].text, "åsa@exempel.se");
    }

    #[test]
    fn findings_are_sorted_and_do_not_overlap() {
        let text = "Sara Lind (sara.lind@example.se, 19121212-1212, 070-123 45 67) och bil ABC 123.";
        let f = scan(text, &["Sara Lind"]);
        let kinds: Vec<_> = f.iter().map(|f| f.kind).collect();
        assert_eq!(kinds, [RegisteredName, Email, PersonalIdentityNumber, PhoneNumber, VehicleRegistration]);
        assert!(f.windows(2).all(|w| w[0].end <= w[1].start));
    }

    #[test]
    fn masking_replaces_each_finding() {
        let text = "Åsa Öberg, 121212-1212, nås på 08-123 45 67.";
        let f = scan(text, &["Åsa Öberg"]);
        assert_eq!(mask(text, &f), "[maskerat], [maskerat], nås på [maskerat].");
        assert_eq!(mask(text, &[]), text);
        // Overlapping and out-of-range findings from elsewhere are masked as one.
        let odd = [
            Finding { kind: Email, start: 3, end: 9, text: String::new() },
            Finding { kind: Email, start: 0, end: 5, text: String::new() },
            Finding { kind: Email, start: 40, end: 99, text: String::new() },
        ];
        assert_eq!(mask(text, &odd), "[maskerat], 121212-1212, nås på 08-123 45[maskerat]");
    }

    #[test]
    fn the_message_names_kinds_not_values() {
        assert_eq!(message(&[]), None);
        let f = scan("Ring 070-123 45 67, pnr 121212-1212.", &[]);
        let m = message(&f).unwrap();
        assert!(m.contains("(personnummer, telefonnummer)"), "{m}");
        assert!(!m.contains("1212"));
    }

    #[test]
    fn any_text_gives_sorted_findings_within_it_and_never_panics() {
        // Many short strings from the characters the patterns care about; half of
        // them mostly digits, where the number patterns do their work.
        let wide: Vec<char> = "0123456789 -–+()@.:/s\nABCGXRabcåÄ".chars().collect();
        let narrow: Vec<char> = "00123456789 -+".chars().collect();
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..40_000 {
            let alphabet = if round % 2 == 0 { &wide } else { &narrow };
            let len = (next() % 40) as usize;
            let text: String = (0..len).map(|_| alphabet[(next() % alphabet.len() as u64) as usize]).collect();
            let n = text.chars().count();
            let found = scan(&text, &["Åsa Öberg", "abc"]);
            for f in &found {
                assert!(f.start < f.end && f.end <= n, "{text:?}: {f:?}");
                assert_eq!(f.text, text.chars().skip(f.start).take(f.end - f.start).collect::<String>());
            }
            assert!(found.windows(2).all(|w| w[0].end <= w[1].start), "{text:?}: {found:?}");
            let _ = mask(&text, &found);
        }
        for edge in
            ["", "0", "+", "+46", "(0", "(08)", "@", "a@", "@b.se", "0046", "08-", "08005001234", "ABC", "ABC 1", "Åsa"]
        {
            let _ = scan(edge, &["Åsa Öberg"]);
        }
    }

    #[test]
    fn kinds_serialize_in_snake_case() {
        assert_eq!(serde_json::to_string(&PersonalIdentityNumber).unwrap(), "\"personal_identity_number\"");
        assert_eq!(serde_json::to_string(&VehicleRegistration).unwrap(), "\"vehicle_registration\"");
        assert_eq!(RegisteredName.label(), "namn på en person i registret");
    }

    #[test]
    fn public_text_masks_what_scan_finds_and_what_merely_looks_like_it() {
        let m = |t: &str| mask_public(t, &["Kerstin Ödmark"]);
        // A wrong checksum is not refused on save, but a public record hides it anyway.
        assert_eq!(m("Eleven 050101-1234 har flyttat."), "Eleven [maskerat] har flyttat.");
        assert_eq!(m("Se 20050101+1234"), "Se [maskerat]");
        assert_eq!(
            m("Mejla anna.s@exempel.se eller ring 08 508 23 326 i dag."),
            "Mejla [maskerat] eller ring [maskerat] i dag."
        );
        // What scan finds: plates and the names of people who are not staff.
        assert_eq!(m("Bilen ABC 123 stod vid Kerstin Ödmarks port."), "Bilen [maskerat] stod vid [maskerat] port.");
        // Ordinary numbers, dates, permits and case codes stay.
        for keep in
            ["48 ungdomar jobbade 9 veckor 2021.", "LOV3 Trekantsparken (220902)", "Ärende U-2025-014 den 2021-09-17."]
        {
            assert_eq!(m(keep), keep);
        }
    }
}
