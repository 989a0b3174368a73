//! Writes the test suite's Liljeholmen working document in all four formats
//! into a folder, and how long each took: for looking at the output by eye.
//!
//! `cargo run --release -p tryggve-render --example workdoc -- OUT_DIR [long]`

#[path = "../tests/it/fixture.rs"]
#[allow(dead_code)]
mod fixture;

use std::time::Instant;

use tryggve_render::workdoc::{workdoc_docx, workdoc_html, workdoc_pdf, workdoc_xlsx};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().ok_or("usage: workdoc OUT_DIR [long]")?);
    let view = if args.next().as_deref() == Some("long") { fixture::long() } else { fixture::liljeholmen() };
    std::fs::create_dir_all(&dir)?;
    let start = Instant::now();
    let pdf = workdoc_pdf(&view)?;
    println!("pdf  {:>8} bytes {:?}", pdf.len(), start.elapsed());
    std::fs::write(dir.join("arbetsdokument.pdf"), pdf)?;
    let start = Instant::now();
    let docx = workdoc_docx(&view)?;
    println!("docx {:>8} bytes {:?}", docx.len(), start.elapsed());
    std::fs::write(dir.join("arbetsdokument.docx"), docx)?;
    let start = Instant::now();
    let xlsx = workdoc_xlsx(&view)?;
    println!("xlsx {:>8} bytes {:?}", xlsx.len(), start.elapsed());
    std::fs::write(dir.join("arbetsdokument.xlsx"), xlsx)?;
    let start = Instant::now();
    let html = workdoc_html(&view)?;
    println!("html {:>8} bytes {:?}", html.len(), start.elapsed());
    std::fs::write(dir.join("arbetsdokument.html"), html)?;
    Ok(())
}
