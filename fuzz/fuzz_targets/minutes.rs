//! The minutes parser on arbitrary bytes: as text (any UTF-8) and as DOCX
//! (anything that starts like a ZIP archive). It may refuse, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = tryggve_import::minutes::read("fuzz.txt", data);
    let mut zip = b"PK\x03\x04".to_vec();
    zip.extend_from_slice(data);
    let _ = tryggve_import::minutes::read("fuzz.docx", &zip);
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = tryggve_import::minutes::swedish::when(text, Some(2021));
        let _ =
            tryggve_import::minutes::names::near_duplicate_groups(&text.lines().map(str::to_owned).collect::<Vec<_>>());
    }
});
