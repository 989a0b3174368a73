//! Names of people in the register, whole words in any case, with the genitive.

use super::*;

pub(super) fn registered_names(c: &[char], names: &[&str], out: &mut Vec<Candidate>) {
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
pub(super) fn name_at(folded: &[char], i: usize, parts: &[Vec<char>]) -> Option<usize> {
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
