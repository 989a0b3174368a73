//! The minutes importer on arbitrary bytes: as text (any UTF-8) and as DOCX
//! (input starting with `DOCX:` becomes `word/document.xml` of an archive,
//! anything else is also tried as a damaged archive), then resolved against
//! the demo register. It may refuse, never panic; a text draft's line numbers
//! are lines of the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tryggve_fuzz::{DEMO, check_error, line_count, zip};
use tryggve_import::minutes::{MinutesDraft, read, resolve};

/// Every line number a draft holds.
fn lines(d: &MinutesDraft) -> Vec<usize> {
    let mut v: Vec<usize> = vec![];
    v.extend(d.attendees.iter().map(|a| a.line));
    v.extend(d.items.iter().map(|i| i.line));
    v.extend(d.priorities.iter().map(|p| p.line));
    for c in &d.collaborations {
        v.push(c.line);
        v.extend(c.rows.iter().map(|r| r.line));
    }
    v.extend(d.next_meeting.iter().map(|n| n.line));
    v.extend(d.contact.iter().map(|c| c.line));
    v.extend(d.duplicates.iter().flat_map(|d| d.lines.iter().copied()));
    v.extend(d.unrecognised.iter().map(|u| u.line));
    v
}

fn resolve_and_check(draft: &MinutesDraft) {
    if let Ok(p) = resolve(draft, &DEMO) {
        serde_json::to_string(&p).expect("a proposal serialises");
    }
}

fuzz_target!(|data: &[u8]| {
    if let Some(xml) = data.strip_prefix(b"DOCX:") {
        let docx = zip(&[("word/document.xml", xml)]);
        match read("fuzz.docx", &docx) {
            Err(e) => check_error(&e, 0, true),
            Ok(draft) => resolve_and_check(&draft),
        }
        return;
    }
    match read("fuzz.txt", data) {
        // Bytes that start like a ZIP archive are read as DOCX whatever the name.
        Err(e) => check_error(&e, line_count(data), data.starts_with(b"PK\x03\x04")),
        Ok(draft) => {
            let max = line_count(data);
            for l in lines(&draft) {
                assert!(l <= max, "line {l} in a {max}-line text");
            }
            resolve_and_check(&draft);
        }
    }
    let mut damaged = b"PK\x03\x04".to_vec();
    damaged.extend_from_slice(data);
    if let Err(e) = read("fuzz.docx", &damaged) {
        check_error(&e, 0, true);
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = tryggve_import::minutes::swedish::when(text, Some(2021));
        // Names are short: the lines of a text that could be one, as the resolver meets them.
        let names: Vec<String> = text.lines().filter(|l| l.chars().count() <= 60).take(64).map(str::to_owned).collect();
        let _ = tryggve_import::minutes::names::near_duplicate_groups(&names);
    }
});
