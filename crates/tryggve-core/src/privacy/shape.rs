//! What merely has the shape of personal data, for masking public text.

/// Character spans of words that look like personal data by shape alone: a
/// 10- or 12-digit number of digits, `-` and `+`; a word with `@` and `.`;
/// a number starting with 0 or +46 that, with the digit groups after it,
/// has 8–12 digits.
pub(super) fn shaped_like_personal_data(text: &str) -> Vec<(usize, usize)> {
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
