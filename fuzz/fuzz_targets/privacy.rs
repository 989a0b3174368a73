//! The personal-data detector on arbitrary text. Input up to the first NUL
//! is a list of register names separated by `|` (for the name matcher),
//! the rest is the text. Checks what `scan` promises (findings sorted, not
//! overlapping, within the text, holding the text they cover), that `mask`
//! and `mask_public` never panic (also on findings from another text), and
//! that what `mask_public` leaves contains no identity number.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tryggve_core::privacy::{Finding, FindingKind, MASK, mask, mask_public, message, scan};

const NAMES: &[&str] = &["Sara Lind", "Kalle Nilsson", "Åsa Öberg", "Li Wu", "  "];

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else { return };
    let (extra, text) = input.split_once('\0').unwrap_or(("", input));
    let mut names: Vec<&str> = NAMES.to_vec();
    names.extend(extra.split('|').take(8));

    let chars: Vec<char> = text.chars().collect();
    let found = scan(text, &names);
    let mut last_end = 0;
    for f in &found {
        assert!(f.start < f.end, "an empty finding: {f:?}");
        assert!(f.end <= chars.len(), "a finding past the end ({} chars): {f:?}", chars.len());
        assert!(f.start >= last_end, "findings overlap or are out of order: {found:?}");
        last_end = f.end;
        assert_eq!(f.text, chars[f.start..f.end].iter().collect::<String>(), "{f:?}");
    }
    assert_eq!(message(&found).is_some(), !found.is_empty());

    // Masking replaces each finding and keeps every other character.
    let masked = mask(text, &found);
    let kept: usize = chars.len() - found.iter().map(|f| f.end - f.start).sum::<usize>();
    assert_eq!(masked.chars().count(), kept + found.len() * MASK.chars().count());

    // Findings that do not belong to the text (offsets past its end, reversed) are clamped, not a panic.
    let n = chars.len();
    let foreign = [
        Finding { kind: FindingKind::Email, start: n / 2, end: n + 5, text: String::new() },
        Finding { kind: FindingKind::Email, start: n + 3, end: n + 1, text: String::new() },
        Finding { kind: FindingKind::Email, start: 0, end: usize::MAX, text: String::new() },
    ];
    let _ = mask(text, &foreign);

    // The public version leaves no identity or coordination number behind.
    let public = mask_public(text, &names);
    for f in scan(&public, &names) {
        assert!(
            !matches!(f.kind, FindingKind::PersonalIdentityNumber | FindingKind::CoordinationNumber),
            "mask_public left {f:?} in {public:?}"
        );
    }
});
