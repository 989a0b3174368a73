//! Vehicle registration numbers, told apart from abbreviations and codes.

use super::*;

/// Letters on Swedish plates: A–Z without I, Q and V.
pub(super) fn plate_letter(ch: char) -> bool {
    let u = ch.to_ascii_uppercase();
    u.is_ascii_uppercase() && !matches!(u, 'I' | 'Q' | 'V')
}

/// Three-letter abbreviations of Swedish authorities, laws and bodies that a
/// council's text follows with a number ("SDF 12A" is not a car).
pub(super) const ABBREVIATIONS: &str = "SDF SDN SOL LSS OSL PBL BRB SFS SOU EBM BUF SKR SCB MSB NTU SSP SPF HSL LPT BID KBT FHM \
                             BOX TEL NKI GDP EUR SEK ALT NUR AFS RPS NOA BBR JML DNR";

/// Lower-case words that have a plate's letters and are not plates.
pub(super) const LOWER_WORDS: &str = "lgh bil rum hus box tel kap sal kvt";

/// Words that make the number before or after them a vehicle's.
pub(super) fn is_vehicle_word(w: &str) -> bool {
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
pub(super) fn is_code_word(w: &str) -> bool {
    listed(
        "nr nummer rum lokal sal ärende dnr kod koden order id ref paragraf § punkt bilaga bilagan linje buss \
         tillstånd version hus port plan lgh avsnitt kapitel kurs kursen kurskod projekt projektet åtgärd åtgärden \
         insats insatsen aktivitet mål delmål tabell figur modell typ blankett steg fas sida sidan",
        w,
    )
}

/// A plate shape at `i`: (end, letters as written, all in capitals).
pub(super) fn plate_shape(c: &[char], i: usize) -> Option<(usize, [char; 3], bool)> {
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
pub(super) const CONTEXT_BEFORE: usize = 12;
pub(super) const CONTEXT_AFTER: usize = 6;

pub(super) fn plates(c: &[char], out: &mut Vec<Candidate>) {
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
pub(super) fn used_alone(c: &[char], letters: &[char; 3]) -> bool {
    (0..c.len().saturating_sub(2)).any(|k| {
        c[k..k + 3] == letters[..]
            && (k == 0 || !c[k - 1].is_alphanumeric())
            && c.get(k + 3).is_none_or(|ch| !ch.is_alphanumeric())
            && plate_shape(c, k).is_none()
    })
}

// ---------------------------------------------------------------------------
// Names of people in the register
