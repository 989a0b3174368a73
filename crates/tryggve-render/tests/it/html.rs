//! HTML: a standalone Swedish page with a print stylesheet; every text is
//! escaped, so hostile text shows literally and never becomes markup.

use tryggve_render::workdoc::{TITLE, workdoc_html};
use tryggve_render::{Block, Document, Table, to_html};

use crate::fixture::{HOSTILE, hostile, liljeholmen};

/// The text as a browser shows it: character references decoded (askama
/// writes `&#60;` for `<`, `&#38;` for `&` and so on).
fn decode(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest.find(';').expect("a reference ends with ;");
        let name = &rest[1..end];
        let c = match name {
            "lt" => '<',
            "gt" => '>',
            "amp" => '&',
            "quot" => '"',
            "apos" => '\'',
            _ => {
                let code = name.strip_prefix('#').expect("a numeric reference");
                let n = match code.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).unwrap(),
                    None => code.parse().unwrap(),
                };
                char::from_u32(n).unwrap()
            }
        };
        out.push(c);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

#[test]
fn the_working_document_page_is_swedish_standalone_and_printable() {
    let html = workdoc_html(&liljeholmen()).unwrap();
    assert!(html.starts_with("<!doctype html>\n<html lang=\"sv\">"));
    assert!(html.contains(&format!("<title>{TITLE}</title>")));
    assert!(html.contains(&format!("<h1>{TITLE}</h1>")));
    assert!(html.contains("<p>Datum: 2021-09-17</p>"));
    assert!(html.contains("<p>Sammankallande: Clas Cederlid, Trygg- och säkerhetsstrateg</p>"));
    assert!(html.contains("<h2>Problem – åtgärder/insatser</h2>"));
    assert!(html.contains(r#"<th scope="col">Sammankallande/ansvarig</th>"#));
    assert!(
        html.contains(r#"<tr class="group"><th scope="colgroup" colspan="5">Liljeholmen, Trekantsparken</th></tr>"#)
    );
    assert!(html.contains("T&#38;S strateg SDF"), "& is escaped");
    assert!(decode(&html).contains(
        "<td>Parkinganjör, samhällsplanerare, kommunikatör, T&S strateg SDF, TK, CityCon, resurs H-Å SDF</td>"
    ));
    assert!(
        html.contains("<td>Pågående\nPågående insatser som följs upp i realtid.\nNästa uppföljning: 2021-10-15</td>")
    );
    // Print: A4 landscape, header rows repeat, rows do not break.
    assert!(html.contains("size: A4 landscape;"));
    assert!(html.contains("thead { display: table-header-group; }"));
    assert!(html.contains("tr, img, figure { break-inside: avoid; page-break-inside: avoid; }"));
    assert!(!html.contains("http://") && !html.contains("https://"), "no external resources");
}

#[test]
fn a_small_table_renders_to_this_markup() {
    let mut table = Table::new("Tabell", &["Plats", "Antal"], &[3.0, 1.0]);
    table.push_group("Västberga");
    table.push_row(vec!["Johan Skyttes skola".into(), "14".into()]);
    let document = Document { title: "T".into(), blocks: vec![Block::Table(table)], ..Document::default() };
    let html = to_html(&document).unwrap();
    let start = html.find("<table>").unwrap();
    let end = html.find("</table>").unwrap() + "</table>".len();
    assert_eq!(
        &html[start..end],
        r#"<table>
<caption>Tabell</caption>
<colgroup><col style="width: 75.0%"><col style="width: 25.0%"></colgroup>
<thead><tr><th scope="col">Plats</th><th scope="col">Antal</th></tr></thead>
<tbody>
<tr class="group"><th scope="colgroup" colspan="2">Västberga</th></tr>
<tr><td>Johan Skyttes skola</td><td>14</td></tr>
</tbody>
</table>"#
    );
}

#[test]
fn hostile_text_is_escaped_in_the_html_and_reads_back_intact() {
    let html = workdoc_html(&hostile()).unwrap();
    assert!(!html.contains("<script"), "no markup from user text");
    assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62; &#38; #set text(red) \\textbf{x} $x$ {{7*7}}"));
    let shown = decode(&html);
    // collaboration, convener, summary, group heading, four cells, status text, footer.
    assert!(shown.matches(HOSTILE).count() >= 10, "{}", shown.matches(HOSTILE).count());
    assert!(shown.contains(&format!("<td>{HOSTILE}</td>")));
    assert!(shown.contains(&format!("<title>{TITLE}</title>")));
}

#[test]
fn a_picture_is_an_image_that_cannot_run_script() {
    let svg = r#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
    let document = Document {
        title: "Karta".into(),
        blocks: vec![Block::Svg {
            svg: svg.into(),
            alt: "Karta över \"Västberga\" & <Örnberg>".into(),
            width_mm: 120.0,
        }],
        ..Document::default()
    };
    let html = to_html(&document).unwrap();
    assert!(!html.contains("<svg") && !html.contains("<script"));
    assert!(html.contains(r#"<img src="data:image/svg+xml;base64,"#));
    assert!(html.contains(r#"alt="Karta över &#34;Västberga&#34; &#38; &#60;Örnberg&#62;""#));
}
