//! Checked text and dates: the constructors every user-supplied string passes
//! through before it becomes part of a record.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

/// Longest single-line value (names, titles, short labels).
pub const MAX_LINE: usize = 300;
/// Longest free text (narratives, follow-ups, descriptions).
pub const MAX_TEXT: usize = 20_000;

/// A trimmed, non-empty line of at most `max` characters without control characters.
pub fn required_line(s: &str, max: usize) -> Result<String, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err("Fältet får inte vara tomt.".into());
    }
    line(t, max)
}

/// Like [`required_line`] but empty is allowed.
pub fn optional_line(s: &str, max: usize) -> Result<String, String> {
    line(s.trim(), max)
}

fn line(t: &str, max: usize) -> Result<String, String> {
    let n = t.chars().count();
    if n > max {
        return Err(format!("Texten är för lång ({n} tecken, högst {max})."));
    }
    if t.chars().any(|c| c.is_control()) {
        return Err("Texten får inte innehålla radbrytningar eller styrtecken.".into());
    }
    Ok(t.to_owned())
}

/// Free text of at most `max` characters; line breaks are kept (normalised to `\n`).
pub fn free_text(s: &str, max: usize) -> Result<String, String> {
    let t = s.replace("\r\n", "\n").replace('\r', "\n");
    let t = t.trim();
    let n = t.chars().count();
    if n > max {
        return Err(format!("Texten är för lång ({n} tecken, högst {max})."));
    }
    if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err("Texten innehåller otillåtna styrtecken.".into());
    }
    Ok(t.to_owned())
}

/// A date written `ÅÅÅÅ-MM-DD`.
pub fn date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("Ogiltigt datum \"{}\": skriv ÅÅÅÅ-MM-DD.", s.trim()))
}

/// An optional date: empty means none.
pub fn optional_date(s: &str) -> Result<Option<NaiveDate>, String> {
    if s.trim().is_empty() { Ok(None) } else { date(s).map(Some) }
}

/// A time of day written `HH:MM` (a dot is accepted, as Swedish minutes write `09.00`).
pub fn time(s: &str) -> Result<NaiveTime, String> {
    let t = s.trim().replace('.', ":");
    NaiveTime::parse_from_str(&t, "%H:%M").map_err(|_| format!("Ogiltig tid \"{}\": skriv TT:MM.", s.trim()))
}

/// A local date and time from separate date and time fields.
pub fn date_time(d: &str, t: &str) -> Result<NaiveDateTime, String> {
    Ok(date(d)?.and_time(time(t)?))
}

/// An optional non-negative whole number.
pub fn optional_count(s: &str) -> Result<Option<i64>, String> {
    let t = s.trim().replace([' ', '\u{a0}'], "");
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<i64>() {
        Ok(v) if v >= 0 => Ok(Some(v)),
        _ => Err(format!("\"{}\" är inte ett heltal större än eller lika med noll.", s.trim())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_line_rejects_blank_long_and_control_characters() {
        assert!(required_line("  ", 10).is_err());
        assert!(required_line("abcdefghijk", 10).is_err());
        assert!(required_line("a\u{7}b", 10).is_err());
        assert_eq!(required_line("  Polisen ", 10).unwrap(), "Polisen");
    }

    #[test]
    fn dates_and_times_in_swedish_forms_parse() {
        assert_eq!(date("2021-09-17").unwrap(), NaiveDate::from_ymd_opt(2021, 9, 17).unwrap());
        assert!(date("17/9 2021").is_err());
        assert!(date("2021-02-30").is_err());
        assert_eq!(time("09.00").unwrap(), NaiveTime::from_hms_opt(9, 0, 0).unwrap());
        assert!(time("25:00").is_err());
    }

    #[test]
    fn free_text_keeps_line_breaks_and_counts_characters_not_bytes() {
        assert_eq!(free_text("a\r\nb", 10).unwrap(), "a\nb");
        assert!(free_text(&"å".repeat(11), 10).is_err());
        assert!(free_text(&"å".repeat(10), 10).is_ok());
    }

    #[test]
    fn counts_accept_spaces_as_thousand_separators() {
        assert_eq!(optional_count("12 345").unwrap(), Some(12345));
        assert_eq!(optional_count("").unwrap(), None);
        assert!(optional_count("-3").is_err());
    }
}

/// Masks what looks like personal data in free text for public outputs:
/// personal identity and coordination numbers (with or without century,
/// with `-`, `+` or nothing), e-mail addresses and phone numbers. Unlike
/// [`crate::privacy::scan`], which refuses text on save and so must not cry
/// wolf, this mask is deliberately loose: any number shaped like an identity
/// number is masked, valid checksum or not, because a public record errs on
/// the side of hiding.
pub fn mask_personal_data(s: &str) -> String {
    let words: Vec<&str> = s.split_inclusive(char::is_whitespace).collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < words.len() {
        let w = words[i];
        let core = w
            .trim_end_matches(char::is_whitespace)
            .trim_matches(|c: char| matches!(c, ',' | '.' | ';' | ':' | '(' | ')'));
        let digits: String = core.chars().filter(char::is_ascii_digit).collect();
        let only_id_chars = !core.is_empty() && core.chars().all(|c| c.is_ascii_digit() || matches!(c, '-' | '+'));
        if core.contains('@') && core.contains('.') {
            out.push_str(&w.replace(core, "[maskerat]"));
            i += 1;
            continue;
        }
        if only_id_chars && (digits.len() == 10 || digits.len() == 12) {
            out.push_str(&w.replace(core, "[maskerat]"));
            i += 1;
            continue;
        }
        // A phone number: starts with 0 or +46 and, with the following digit groups, has 8–12 digits.
        if core.starts_with('0') || core.starts_with("+46") {
            let mut j = i;
            let mut n = 0;
            while j < words.len() {
                let c = words[j]
                    .trim_end_matches(char::is_whitespace)
                    .trim_matches(|c: char| matches!(c, ',' | '.' | ';' | ':'));
                if c.is_empty() || !c.chars().all(|ch| ch.is_ascii_digit() || matches!(ch, '-' | '+')) {
                    break;
                }
                n += c.chars().filter(char::is_ascii_digit).count();
                j += 1;
                if n >= 8 {
                    break;
                }
            }
            if (8..=12).contains(&n) {
                out.push_str("[maskerat]");
                if let Some(last) = words.get(j - 1)
                    && last.ends_with(char::is_whitespace)
                {
                    out.push(' ');
                }
                i = j;
                continue;
            }
        }
        out.push_str(w);
        i += 1;
    }
    out
}

#[cfg(test)]
mod mask_tests {
    use super::mask_personal_data as m;

    #[test]
    fn identity_numbers_mail_and_phone_numbers_are_masked_and_other_numbers_kept() {
        assert_eq!(m("Eleven 050101-1234 har flyttat."), "Eleven [maskerat] har flyttat.");
        assert_eq!(m("Se 20050101+1234"), "Se [maskerat]");
        assert_eq!(
            m("Mejla anna.s@exempel.se eller ring 08 508 23 326 i dag."),
            "Mejla [maskerat] eller ring [maskerat] i dag."
        );
        assert_eq!(m("48 ungdomar jobbade 9 veckor 2021."), "48 ungdomar jobbade 9 veckor 2021.");
        assert_eq!(m("LOV3 Trekantsparken (220902)"), "LOV3 Trekantsparken (220902)");
    }
}
