//! Text and Markdown as Word exports them → a flat sequence of [`Block`]s.
//!
//! The minutes parser never looks at characters again after this: it sees
//! headings with their level, paragraphs (bold or italic as a whole), list
//! items and tables of cells, each with the line it starts on. DOCX arrives
//! at the same blocks through [`super::docx`].
//!
//! Inline markup is flattened here: `**bold**`, `*italic*`, `<b>…</b>`,
//! `[text](url)` and Markdown's backslash escapes become plain text. Table
//! cells keep HTML lists (`<ul><li>…</li></ul>`) for [`cell_lines`] to split.

/// One structural piece of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// `# …` to `###### …`, or a DOCX heading style.
    Heading { level: u8, text: String, line: usize },
    /// Text between blank lines. `\n` marks a hard line break.
    Paragraph { text: String, bold: bool, italic: bool, line: usize },
    /// `- …`, `* …`, `• …`, or a numbered DOCX paragraph.
    ListItem { text: String, line: usize },
    /// Tab-separated lines, or a DOCX table.
    Table { rows: Vec<Row>, line: usize },
}

/// One row of a table: its cells as written (inline markup flattened, HTML lists kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub cells: Vec<String>,
    pub line: usize,
}

impl Block {
    pub fn line(&self) -> usize {
        match self {
            Block::Heading { line, .. }
            | Block::Paragraph { line, .. }
            | Block::ListItem { line, .. }
            | Block::Table { line, .. } => *line,
        }
    }

    /// The block's text as a reader sees it (a table: its cells, tab-separated).
    pub fn text(&self) -> String {
        match self {
            Block::Heading { text, .. } | Block::Paragraph { text, .. } | Block::ListItem { text, .. } => text.clone(),
            Block::Table { rows, .. } => rows.iter().map(|r| r.cells.join("\t")).collect::<Vec<_>>().join("\n"),
        }
    }
}

/// Splits a text document into blocks. Never fails: every line ends up in a block.
pub fn text_blocks(text: &str) -> Vec<Block> {
    let mut out = vec![];
    let mut para: Vec<(usize, &str)> = vec![];
    let mut table: Vec<Row> = vec![];
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim_end_matches('\r');
        let is_row = line.contains('\t') && !line.trim().is_empty();
        if !is_row {
            flush_table(&mut out, &mut table);
        }
        if is_row {
            flush_paragraph(&mut out, &mut para);
            table.push(Row { cells: line.split('\t').map(|c| inline(c.trim())).collect(), line: line_no });
        } else if line.trim().is_empty() {
            flush_paragraph(&mut out, &mut para);
        } else if let Some((level, rest)) = heading(line) {
            flush_paragraph(&mut out, &mut para);
            out.push(Block::Heading { level, text: inline(rest), line: line_no });
        } else if let Some(rest) = list_item(line) {
            flush_paragraph(&mut out, &mut para);
            out.push(Block::ListItem { text: inline(rest), line: line_no });
        } else {
            para.push((line_no, line));
        }
    }
    flush_table(&mut out, &mut table);
    flush_paragraph(&mut out, &mut para);
    out
}

fn flush_table(out: &mut Vec<Block>, table: &mut Vec<Row>) {
    if let Some(first) = table.first() {
        let line = first.line;
        out.push(Block::Table { rows: std::mem::take(table), line });
    }
}

/// Joins a paragraph's lines: a line ending in two spaces (Markdown's hard
/// break) keeps its break, other lines are joined with a space.
fn flush_paragraph(out: &mut Vec<Block>, para: &mut Vec<(usize, &str)>) {
    let Some(&(line, _)) = para.first() else { return };
    let mut raw = String::new();
    for (i, (_, l)) in para.iter().enumerate() {
        if i > 0 {
            raw.push(if para[i - 1].1.ends_with("  ") { '\n' } else { ' ' });
        }
        raw.push_str(l.trim());
    }
    para.clear();
    let raw = raw.trim();
    let bold = wrapped(raw, "**") || wrapped(raw, "__");
    let italic = !bold && (wrapped(raw, "*") || wrapped(raw, "_"));
    let text = inline(raw);
    if !text.is_empty() {
        out.push(Block::Paragraph { text, bold, italic, line });
    }
}

/// Is the whole text wrapped in `mark` (and not just starting and ending with one)?
fn wrapped(s: &str, mark: &str) -> bool {
    s.len() > 2 * mark.len()
        && s.starts_with(mark)
        && s.ends_with(mark)
        && s[mark.len()..s.len() - mark.len()].matches(mark).count() == 0
}

fn heading(line: &str) -> Option<(u8, &str)> {
    let t = line.trim_start();
    let hashes = t.chars().take_while(|c| *c == '#').count();
    let rest = t.get(hashes..)?;
    if (1..=6).contains(&hashes) && (rest.starts_with(' ') || rest.is_empty()) {
        Some((hashes as u8, rest.trim()))
    } else {
        None
    }
}

fn list_item(line: &str) -> Option<&str> {
    let t = line.trim_start();
    ["- ", "* ", "• ", "– "].iter().find_map(|m| t.strip_prefix(m)).or_else(|| (t == "-" || t == "*").then_some(""))
}

/// Flattens inline markup to plain text.
pub fn inline(s: &str) -> String {
    let s = links(s);
    let s = unescape(&s);
    let s = strip_tags(&s, &["b", "strong", "i", "em", "u", "span"]);
    let s = s.replace("**", "").replace("__", "");
    let s = strip_emphasis_stars(&s);
    s.split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ").replace(" \n", "\n").replace("\n ", "\n")
}

/// `[text](target)` → `text`.
fn links(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let close = closing_bracket(after);
        let target = close.and_then(|c| after.get(c + 1..)).filter(|t| t.starts_with('('));
        match (close, target.and_then(|t| t.find(')'))) {
            (Some(c), Some(end)) => {
                out.push_str(&rest[..open]);
                out.push_str(&after[..c]);
                rest = &after[c + 1 + end + 1..];
            }
            _ => {
                out.push_str(&rest[..open + 1]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The index of the `]` that closes a link text, skipping escaped brackets.
fn closing_bracket(s: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match c {
            '\\' => escaped = !escaped,
            ']' if !escaped => return Some(i),
            _ => escaped = false,
        }
    }
    None
}

/// Drops Markdown's backslash escapes. Word's exports escape twice (`\\_`),
/// so any run of backslashes before punctuation goes.
fn unescape(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c == '\\' {
            let mut j = i;
            while chars.get(j) == Some(&'\\') {
                j += 1;
            }
            if chars.get(j).is_some_and(|n| n.is_ascii_punctuation()) {
                i = j;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Removes the named inline HTML tags (with any attributes), keeping their text.
fn strip_tags(s: &str, tags: &[&str]) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let end = after.find('>');
        let name = after.trim_start_matches('/').split(|c: char| !c.is_ascii_alphanumeric()).next().unwrap_or("");
        match end {
            Some(e) if tags.iter().any(|t| t.eq_ignore_ascii_case(name)) => rest = &after[e + 1..],
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `*word*` → `word`, leaving lone stars (footnote marks, "x * y") alone.
fn strip_emphasis_stars(s: &str) -> String {
    if s.matches('*').count() < 2 {
        return s.to_owned();
    }
    let trimmed = s.trim();
    if wrapped(trimmed, "*") {
        return trimmed.trim_matches('*').to_owned();
    }
    s.to_owned()
}

/// The lines of a table cell: items of an HTML list (`<li>`), or the cell's
/// own lines, with list bullets (`▫`, `•`, `-`) taken off and empty lines dropped.
pub fn cell_lines(cell: &str) -> Vec<String> {
    let parts: Vec<&str> = if find_ci(cell, "<li").is_some() {
        let mut v = vec![];
        let mut rest = cell;
        while let Some(i) = find_ci(rest, "<li") {
            let after = rest.get(i..).unwrap_or("");
            let start = after.find('>').map_or(after.len(), |e| e + 1);
            let body = after.get(start..).unwrap_or("");
            let end = find_ci(body, "</li").unwrap_or(body.len());
            v.push(body.get(..end).unwrap_or(""));
            rest = body.get(end..).unwrap_or("");
        }
        v
    } else {
        cell.split('\n').collect()
    };
    parts
        .iter()
        .map(|p| strip_all_tags(p))
        .map(|p| p.trim().trim_start_matches(['▫', '•', '-', '–', '*', '·']).trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

/// The byte offset of an ASCII `needle` in `hay`, ignoring ASCII case.
fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    hay.as_bytes().windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Text without any HTML tags.
pub fn strip_all_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut depth = false;
    for c in s.chars() {
        match c {
            '<' => depth = true,
            '>' if depth => depth = false,
            c if !depth => out.push(c),
            _ => {}
        }
    }
    out.replace("&nbsp;", " ").replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_paragraphs_lists_and_tables_keep_their_lines() {
        let b = text_blocks(
            "## Titel\n\nEtt stycke\nsom fortsätter.\n\n- punkt\nA\tB\nC\tD\n\n**Fet rad**\n*Kursiv rad*\n",
        );
        assert_eq!(b[0], Block::Heading { level: 2, text: "Titel".into(), line: 1 });
        assert_eq!(
            b[1],
            Block::Paragraph { text: "Ett stycke som fortsätter.".into(), bold: false, italic: false, line: 3 }
        );
        assert_eq!(b[2], Block::ListItem { text: "punkt".into(), line: 6 });
        let Block::Table { rows, line } = &b[3] else { panic!("{b:?}") };
        assert_eq!((*line, rows.len(), rows[1].cells.clone()), (7, 2, vec!["C".to_string(), "D".to_string()]));
        // Two lines without a blank between them are one paragraph: bold and italic mix, so neither.
        assert!(matches!(&b[4], Block::Paragraph { bold: false, italic: false, line: 10, .. }));
    }

    #[test]
    fn a_hard_break_inside_bold_keeps_the_paragraph_bold() {
        let b = text_blocks("**Platssamverkan Fruängen  \nProblem åtgärder/insatser**\n");
        assert_eq!(
            b,
            [Block::Paragraph {
                text: "Platssamverkan Fruängen\nProblem åtgärder/insatser".into(),
                bold: true,
                italic: false,
                line: 1
            }]
        );
    }

    #[test]
    fn inline_markup_links_and_double_escapes_become_plain_text() {
        assert_eq!(inline("På **sommartorgen** i <b>Älvsjö:</b>"), "På sommartorgen i Älvsjö:");
        assert_eq!(inline("[Verktygslåda \\(stockholm.se\\)](#)"), "Verktygslåda (stockholm.se)");
        assert_eq!(
            inline("[https://x.se/?utm\\\\_source=a](https://x.se/?utm_source=a)"),
            "https://x.se/?utm_source=a"
        );
        assert_eq!(inline("[ej en länk"), "[ej en länk");
        assert_eq!(inline("a < b"), "a < b");
    }

    #[test]
    fn html_lists_in_cells_become_items() {
        let cell = r#"<ul style="list-style-type: none"> <li>▫ främjande</li> <li>▫ samlad kompetens</li> </ul>"#;
        assert_eq!(cell_lines(cell), ["främjande", "samlad kompetens"]);
        assert_eq!(cell_lines("<ul><li>utan slut"), ["utan slut"]);
        assert_eq!(cell_lines("rad ett\n- rad två"), ["rad ett", "rad två"]);
    }
}
