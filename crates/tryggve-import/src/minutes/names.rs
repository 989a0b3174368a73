//! Names in free text: whole-word matching and near-duplicate spellings.
//!
//! Minutes copied by hand from meeting to meeting spell the same thing
//! several ways: "Bent Jansson" and "Bengt Jansson", "Avam", "Avarn" and
//! "Avsn", "Sth.stads mobila OV" and "Stockholms stads mobila OV". Two
//! spellings are near-duplicates when
//!
//! - one abbreviates the other word by word, an abbreviation being written
//!   with a full stop ("Sth." for "Stockholms"), or
//! - they are long enough (8 characters or more) and differ in at most a
//!   fifth of their characters (Damerau–Levenshtein, `strsim`), or
//! - they are short, start with the same letter, have similar lengths and a
//!   Jaro–Winkler similarity of at least 0.82 (`strsim`).
//!
//! Acronyms written in capitals ("SLK", "SHIS", "TK") are never
//! near-duplicates of anything: one letter is the whole difference between
//! two authorities.

/// Lower case, dashes and full stops as spaces, white space collapsed.
pub fn norm(s: &str) -> String {
    s.to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() || c == '&' { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A character that belongs to a word when names are matched ("H-Å", "T&S").
fn word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '&'
}

/// Byte offsets where `needle` occurs in `hay` as whole words (a genitive
/// "s" may follow), both compared in lower case. `hay` must already be lower case.
pub fn find_words(hay: &str, needle: &str) -> Vec<usize> {
    let needle = needle.trim().to_lowercase();
    let mut found = vec![];
    if needle.is_empty() {
        return found;
    }
    let mut start = 0;
    while let Some(i) = hay.get(start..).and_then(|h| h.find(&needle)) {
        let at = start + i;
        let end = at + needle.len();
        let before = hay.get(..at).and_then(|h| h.chars().next_back());
        let mut after = hay.get(end..).unwrap_or("").chars();
        let ok_after = match after.next() {
            None => true,
            Some('s') => after.next().is_none_or(|c| !word_char(c)),
            Some(c) => !word_char(c) || (c == '-' && !after.next().is_some_and(char::is_alphanumeric)),
        };
        if before.is_none_or(|c| !word_char(c)) && ok_after {
            found.push(at);
        }
        start = at + needle.chars().next().map_or(1, char::len_utf8);
    }
    found
}

/// Is a name an acronym in capitals ("SLK", "BR5")?
fn acronym(s: &str) -> bool {
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    !letters.is_empty() && letters.len() <= 6 && letters.iter().all(|c| c.is_uppercase())
}

/// Words of a name with whether each was written as an abbreviation (ending in ".").
fn abbreviated_words(s: &str) -> Vec<(String, bool)> {
    let mut out = vec![];
    let mut word = String::new();
    for c in s.chars() {
        if c.is_alphanumeric() || c == '&' {
            word.extend(c.to_lowercase());
        } else if !word.is_empty() {
            out.push((std::mem::take(&mut word), c == '.'));
        }
    }
    if !word.is_empty() {
        out.push((word, false));
    }
    out
}

/// `short` abbreviates `long`: same first letter, its letters in order in `long`.
fn abbreviates(short: &str, long: &str) -> bool {
    let mut l = long.chars();
    short.chars().next() == long.chars().next() && short.len() < long.len() && short.chars().all(|c| l.any(|x| x == c))
}

fn abbreviation_of(a: &str, b: &str) -> bool {
    let (wa, wb) = (abbreviated_words(a), abbreviated_words(b));
    wa.len() == wb.len()
        && wa != wb
        && wa
            .iter()
            .zip(&wb)
            .all(|((x, xa), (y, ya))| x == y || (*xa && abbreviates(x, y)) || (*ya && abbreviates(y, x)))
}

/// Are two spellings near-duplicates (and not the same)?
pub fn similar(a: &str, b: &str) -> bool {
    let (na, nb) = (norm(a), norm(b));
    if na == nb || na.is_empty() || nb.is_empty() || acronym(a) || acronym(b) {
        return false;
    }
    if abbreviation_of(a, b) {
        return true;
    }
    let (la, lb) = (na.chars().count(), nb.chars().count());
    if la.min(lb) >= 8 {
        return strsim::normalized_damerau_levenshtein(&na, &nb) >= 0.8;
    }
    let ratio = la.min(lb) as f64 / la.max(lb) as f64;
    na.chars().next() == nb.chars().next() && ratio >= 0.7 && strsim::jaro_winkler(&na, &nb) >= 0.82
}

/// Groups of near-duplicate spellings (each group sorted, groups in order of
/// their first member), joined transitively: "Avam" ~ "Avarn" ~ "Avsn".
pub fn near_duplicate_groups(names: &[String]) -> Vec<Vec<String>> {
    let mut uniq: Vec<&String> = vec![];
    for n in names {
        if !uniq.iter().any(|u| norm(u) == norm(n)) {
            uniq.push(n);
        }
    }
    let mut group: Vec<usize> = (0..uniq.len()).collect();
    for i in 0..uniq.len() {
        for j in i + 1..uniq.len() {
            if similar(uniq[i], uniq[j]) {
                let (gi, gj) = (group[i], group[j]);
                group.iter_mut().filter(|g| **g == gj).for_each(|g| *g = gi);
            }
        }
    }
    let mut out: Vec<Vec<String>> = vec![];
    for g in 0..uniq.len() {
        let mut members: Vec<String> =
            uniq.iter().zip(&group).filter(|(_, gg)| **gg == g).map(|(n, _)| (*n).clone()).collect();
        if members.len() > 1 {
            members.sort();
            out.push(members);
        }
    }
    out
}

/// Runs of capitalised words that may be a person's name ("Sandra Lind"):
/// the last two words of each run of two or more, with their byte offset.
pub fn name_candidates(text: &str) -> Vec<(usize, String)> {
    let mut out = vec![];
    let mut run: Vec<(usize, &str)> = vec![];
    let mut flush = |run: &mut Vec<(usize, &str)>| {
        if run.len() >= 2 {
            let tail = &run[run.len() - 2..];
            out.push((tail[0].0, format!("{} {}", tail[0].1, tail[1].1)));
        }
        run.clear();
    };
    let mut offset = 0;
    for piece in text.split_inclusive(|c: char| c.is_whitespace() || c == '/' || c == ',' || c == ';') {
        let word = piece.trim_end_matches(|c: char| c.is_whitespace() || c == '/' || c == ',' || c == ';');
        let ends_run = piece.len() != word.len() && !piece.ends_with(char::is_whitespace);
        if capitalised(word) {
            run.push((offset, word));
        } else {
            flush(&mut run);
        }
        if ends_run {
            flush(&mut run);
        }
        offset += piece.len();
    }
    flush(&mut run);
    out
}

/// "Sandra", "Anna-Karin": a capital, then lower-case letters (and hyphens).
fn capitalised(w: &str) -> bool {
    let mut cs = w.chars();
    cs.next().is_some_and(char::is_uppercase)
        && w.chars().count() >= 2
        && cs.all(|c| c.is_lowercase() || c == '-')
        && !w.ends_with('-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seeds_misspellings_are_near_duplicates() {
        assert!(similar("Bent Jansson", "Bengt Jansson"));
        assert!(similar("Avam", "Avarn"));
        assert!(similar("Avsn", "Avarn"));
        assert!(similar("Sth.stads mobila OV", "Stockholms stads mobila OV"));
        assert!(similar("Preventionsamordnare", "Preventionssamordnare"));
        let groups = near_duplicate_groups(&["Avam".into(), "SLK".into(), "Avarn".into(), "Avsn".into()]);
        assert_eq!(groups, [vec!["Avam".to_string(), "Avarn".into(), "Avsn".into()]]);
    }

    #[test]
    fn different_names_and_acronyms_are_not() {
        for (a, b) in [
            ("Linda Palo", "Linda Lindblom"),
            ("SLK", "SLU"),
            ("SD", "SDF"),
            ("Explo", "Exploateringskontoret"),
            ("Fastighetsägare", "Fastighetskontoret"),
            ("kommunikatör", "Kommunpolis"),
            ("Eu- teamet", "EU-teamet"),
        ] {
            assert!(!similar(a, b), "{a} / {b}");
        }
    }

    #[test]
    fn whole_words_with_a_genitive() {
        let hay = "älvsjö centrum/solberga och älvsjös torg, hägerstensåsen, h-å sdf";
        assert_eq!(find_words(hay, "Älvsjö").len(), 2);
        assert_eq!(find_words(hay, "Hägersten"), Vec::<usize>::new());
        assert_eq!(find_words(hay, "SDF").len(), 1);
        assert_eq!(find_words(hay, "Å"), Vec::<usize>::new());
        assert!(find_words("hägersten-älvsjös råd", "hägersten").is_empty(), "a dash joins words");
    }

    #[test]
    fn capitalised_pairs_are_name_candidates() {
        let names: Vec<String> = name_candidates("Resurs H-Å SDF/Bent Jansson").into_iter().map(|(_, n)| n).collect();
        assert_eq!(names, ["Bent Jansson"]);
        let names: Vec<String> =
            name_candidates("Samhällsplanerare Kajsa Pärke SDF").into_iter().map(|(_, n)| n).collect();
        assert_eq!(names, ["Kajsa Pärke"]);
        assert!(name_candidates("Social omsorg och Avdelningen för social omsorg").is_empty());
    }
}
