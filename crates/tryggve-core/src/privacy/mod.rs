//! Personal data in free text: the detector that keeps identities out of the
//! shared records.
//!
//! [`scan`] finds, in Swedish free text, personal identity numbers and
//! coordination numbers, phone numbers, e-mail addresses, vehicle
//! registration numbers and the names of people in the register that the
//! caller passes. [`mask`] replaces what was found, [`mask_public`] masks
//! text for a public output (what `scan` finds and what merely looks like
//! it), [`message`] tells the writer what kinds were found. The module is
//! pure and works over characters: every offset counts Unicode scalar values
//! (Rust `char`s, not bytes), end exclusive, so "å" counts as one wherever
//! the text goes. One submodule per kind — `identity`, `phone`, `email`,
//! `plate`, `names` — and `shape` for what public masking adds; the shared
//! helpers (digits, word context, folding) are here.
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

mod email;
mod identity;
mod names;
mod phone;
mod plate;
mod shape;

use email::emails;
use identity::identity_numbers;
use names::registered_names;
use phone::phone_numbers;
use plate::plates;
use shape::shaped_like_personal_data;

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

pub(super) type Candidate = (FindingKind, usize, usize);

// ---------------------------------------------------------------------------
// Shared helpers over characters

pub(super) fn is_digit(c: &[char], i: usize) -> bool {
    c.get(i).is_some_and(char::is_ascii_digit)
}

/// End of the run of ASCII digits starting at `i`.
pub(super) fn digits_end(c: &[char], i: usize) -> usize {
    let mut j = i;
    while is_digit(c, j) {
        j += 1;
    }
    j
}

pub(super) fn digit(ch: char) -> u32 {
    ch.to_digit(10).unwrap_or(0)
}

/// Punctuation that joins digits into one larger number (dates, ranges,
/// decimals, paragraph references): a number next to it is part of something else.
pub(super) fn is_number_joiner(ch: char) -> bool {
    matches!(ch, '-' | '–' | '/' | ':' | '.' | ',')
}

/// May a number start at `i`? Not inside a word or another number.
pub(super) fn left_ok(c: &[char], i: usize) -> bool {
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
pub(super) fn right_ok(c: &[char], e: usize) -> bool {
    match c.get(e) {
        None => true,
        Some(ch) if ch.is_alphanumeric() => false,
        Some(&ch) => !(is_number_joiner(ch) && is_digit(c, e + 1)),
    }
}

pub(super) fn fold(ch: char) -> char {
    ch.to_lowercase().next().unwrap_or(ch)
}

/// Up to `n` words before `start`, nearest first, lower-cased, with
/// surrounding punctuation (but not inner dots: "reg.nr") removed.
pub(super) fn words_before(c: &[char], start: usize, n: usize) -> Vec<String> {
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
pub(super) fn words_after(c: &[char], end: usize, n: usize) -> Vec<String> {
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

pub(super) fn clean_word(w: &[char]) -> String {
    let keep = |ch: &char| ch.is_alphanumeric() || *ch == '§';
    let first = w.iter().position(keep).unwrap_or(w.len());
    let last = w.iter().rposition(keep).map_or(first, |p| p + 1);
    w[first..last].iter().map(|&ch| fold(ch)).collect()
}

// ---------------------------------------------------------------------------
// Personal identity and coordination numbers

/// Is `w` one of the space-separated words in `list`?
pub(super) fn listed(list: &str, w: &str) -> bool {
    list.split(' ').any(|x| x == w)
}

/// Does `w` start with one of the space-separated words in `list`?
pub(super) fn starts_listed(list: &str, w: &str) -> bool {
    list.split(' ').any(|x| w.starts_with(x))
}

#[cfg(test)]
mod tests {
    use super::FindingKind::*;
    use super::identity::luhn;
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
