//! `tryggve privacy scan`, run as the real binary: one JSON line per input
//! line, kinds and character offsets only, no database needed.

use serde_json::{Value, json};
use std::io::Write;
use std::process::{Command, Output, Stdio};

/// Runs `tryggve <args>` with `stdin`. The database URL points nowhere: the
/// command must not need one.
fn tryggve(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_tryggve"))
        .args(args)
        .env("TRYGGVE_DATABASE_URL", "postgres://nobody@nowhere.invalid/none")
        .env("TRYGGVE_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tryggve");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn json_lines(o: &Output) -> Vec<Value> {
    assert!(o.status.success(), "failed: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

const INPUT: &str = "Åsa ringde från 070-174 06 12 i går.\n\
                     \n\
                     Ärende U-2025-014, pnr 19121212-1212.\n\
                     Sara Lind mejlade sara@example.se\r\n\
                     Mötet 2025-03-14 kl. 09.00-11.00, LOV 220902.";

#[test]
fn privacy_scan_writes_kinds_and_character_offsets_per_line_without_the_text() {
    let o = tryggve(&["privacy", "scan"], INPUT.as_bytes());
    let lines = json_lines(&o);
    assert_eq!(
        lines,
        vec![
            json!({"line": 1, "findings": [{"kind": "phone_number", "start": 16, "end": 29}]}),
            json!({"line": 2, "findings": []}),
            json!({"line": 3, "findings": [{"kind": "personal_identity_number", "start": 23, "end": 36}]}),
            json!({"line": 4, "findings": [{"kind": "email", "start": 18, "end": 33}]}),
            json!({"line": 5, "findings": []}),
        ]
    );
    let stdout = String::from_utf8(o.stdout).unwrap();
    for secret in ["070-174", "19121212", "sara@", "Sara Lind"] {
        assert!(!stdout.contains(secret), "the output repeats {secret:?}");
    }
    // Keys in the documented order.
    assert!(stdout.starts_with(r#"{"line":1,"findings":[{"kind":"phone_number","start":16,"end":29}]}"#), "{stdout}");
}

#[test]
fn privacy_scan_looks_for_the_names_in_the_file_given() {
    let file = std::env::temp_dir().join(format!("tryggve-privacy-names-{}.txt", std::process::id()));
    std::fs::write(&file, "Sara Lind\n\n  Kalle Nilsson  \n").unwrap();
    let o = tryggve(&["privacy", "scan", "--names", file.to_str().unwrap()], INPUT.as_bytes());
    let _ = std::fs::remove_file(&file);
    let lines = json_lines(&o);
    assert_eq!(
        lines[3]["findings"],
        json!([
            {"kind": "registered_name", "start": 0, "end": 9},
            {"kind": "email", "start": 18, "end": 33},
        ])
    );
    assert_eq!(lines[0]["findings"].as_array().unwrap().len(), 1, "only the phone number on line 1");
}

#[test]
fn privacy_scan_refuses_input_that_is_not_utf8_and_names_the_line() {
    let o = tryggve(&["privacy", "scan"], b"ok\n\xff\xfe\n");
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("line 2 is not UTF-8"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn privacy_scan_with_a_missing_names_file_fails() {
    let o = tryggve(&["privacy", "scan", "--names", "no-such-names-file.txt"], b"text\n");
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("no-such-names-file.txt"));
}
