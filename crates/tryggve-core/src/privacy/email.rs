//! E-mail addresses.

use super::*;

pub(super) fn emails(c: &[char], out: &mut Vec<Candidate>) {
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
