//! The PDF layout engine: turns a [`Document`] into pages of positioned text
//! and rectangles, plus the document's logical structure (headings,
//! paragraphs, lists, tables) for the tagged PDF. It draws nothing and knows
//! no PDF; `pdf::paint` does that.
//!
//! Rules it keeps: A4 with fixed margins; paragraphs and cells are word
//! wrapped, breaking inside a word only when the word alone is wider than the
//! line; a heading stays with what follows; a table's caption stays with its
//! header and first row; a row that fits on a page is never split, a row
//! taller than a page is split between lines; the header row repeats at the
//! top of every page a table continues on; every page gets "Sida X av Y".
//! Coordinates are points from the page's top-left corner, y growing down.

use super::fonts::Fonts;
use crate::document::{Block, Document, Row, Table, clean};

const A4_SHORT: f32 = 595.276;
const A4_LONG: f32 = 841.89;
const MARGIN_X: f32 = 42.52; // 15 mm
const MARGIN_TOP: f32 = 42.52;
const MARGIN_BOTTOM: f32 = 56.69; // 20 mm, the footer lives here
const FOOTER_BASELINE_FROM_BOTTOM: f32 = 28.35; // 10 mm

const LEADING: f32 = 1.25;
/// Baseline below the top of a line box, in em, centring DejaVu's ascent
/// (0.928) and descent (0.236) in a line of [`LEADING`].
const BASELINE: f32 = 0.97;

const TITLE: f32 = 16.0;
const SUBTITLE: f32 = 10.0;
const HEADINGS: [f32; 3] = [13.0, 11.5, 10.0];
const BODY: f32 = 10.0;
const NOTE: f32 = 8.0;
const CELL: f32 = 8.5;
const CAPTION: f32 = 10.0;
const FOOTER: f32 = 8.0;
const CELL_PAD_X: f32 = 4.0;
const CELL_PAD_Y: f32 = 3.0;
const BULLET_INDENT: f32 = 14.0;

const BLACK: u8 = 0;
const GREY_TEXT: u8 = 64;
const RULE: u8 = 128;
const HEADER_FILL: u8 = 217;
const GROUP_FILL: u8 = 242;

/// Who a piece of page content belongs to in the tagged PDF.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Mark {
    /// Real content of the structure node with this index.
    Content(usize),
    /// Decoration or pagination, skipped by screen readers.
    Artifact(Artifact),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Artifact {
    /// Rules and fills.
    Layout,
    /// The footer text.
    Footer,
    /// "Sida X av Y".
    PageNumber,
    /// A table header row repeated after a page break.
    Repeated,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    Text {
        x: f32,
        baseline: f32,
        size: f32,
        bold: bool,
        grey: u8,
        text: String,
        mark: Mark,
    },
    /// The `index`th picture of the document, scaled into this box.
    Picture {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        index: usize,
        mark: Mark,
    },
    /// A rectangle from its top-left corner; always a layout artifact.
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<u8>,
        stroke: Option<u8>,
    },
}

#[derive(Debug, Default)]
pub(crate) struct Page {
    pub(crate) items: Vec<Item>,
}

/// The logical role of a structure node.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    /// A heading of this level (the title is 1) with its text.
    Heading(u16, String),
    Paragraph,
    List,
    ListItem,
    Label,
    ListBody,
    Table,
    Caption,
    TableHead,
    TableBody,
    TableRow,
    /// A header cell; `row` marks a group heading for the rows below it.
    HeaderCell {
        row: bool,
        span: u32,
    },
    Cell,
    Figure(String),
}

#[derive(Debug)]
pub(crate) struct Node {
    pub(crate) kind: Kind,
    pub(crate) children: Vec<usize>,
}

/// Where a heading starts, for the PDF's outline (bookmarks).
#[derive(Debug)]
pub(crate) struct Anchor {
    pub(crate) level: u16,
    pub(crate) text: String,
    pub(crate) page: usize,
    pub(crate) y: f32,
}

pub(crate) struct Layout {
    pub(crate) width: f32,
    pub(crate) height: f32,
    pub(crate) pages: Vec<Page>,
    pub(crate) anchors: Vec<Anchor>,
    pub(crate) nodes: Vec<Node>,
    /// Top-level nodes in reading order.
    pub(crate) roots: Vec<usize>,
}

/// `pictures` holds the natural size (width, height) of each `Block::Svg` in
/// document order, or `None` for one that cannot be drawn, which is then
/// shown as its text alternative in a frame.
pub(crate) fn layout(document: &Document, fonts: &Fonts, pictures: &[Option<(f32, f32)>]) -> Layout {
    let (width, height) = if document.landscape { (A4_LONG, A4_SHORT) } else { (A4_SHORT, A4_LONG) };
    let mut b = Builder {
        fonts,
        left: MARGIN_X,
        right: width - MARGIN_X,
        top: MARGIN_TOP,
        bottom: height - MARGIN_BOTTOM,
        y: MARGIN_TOP,
        pages: vec![Page::default()],
        anchors: Vec::new(),
        nodes: Vec::new(),
        roots: Vec::new(),
        pictures: 0,
    };
    b.title(document);
    for (i, block) in document.blocks.iter().enumerate() {
        match block {
            Block::Heading { level, text } => {
                let next = b.lead_height(document.blocks.get(i + 1));
                b.heading(*level, text, next)
            }
            Block::Paragraph(text) => b.paragraph(text, BODY, BLACK, 6.0),
            Block::Note(text) => b.paragraph(text, NOTE, GREY_TEXT, 6.0),
            Block::Bullets(items) => b.bullets(items),
            Block::Table(table) => b.table(table),
            Block::Svg { alt, width_mm, .. } => {
                let index = b.pictures;
                b.pictures += 1;
                match pictures.get(index).copied().flatten() {
                    Some(size) => b.picture(index, size, alt, *width_mm),
                    None => b.figure(alt, *width_mm),
                }
            }
        }
    }
    b.footers(&clean(&document.footer), width, height);
    Layout { width, height, pages: b.pages, anchors: b.anchors, nodes: b.nodes, roots: b.roots }
}

struct Builder<'a> {
    fonts: &'a Fonts,
    left: f32,
    right: f32,
    top: f32,
    bottom: f32,
    /// Where the next line box starts on the current (last) page.
    y: f32,
    pages: Vec<Page>,
    anchors: Vec<Anchor>,
    nodes: Vec<Node>,
    roots: Vec<usize>,
    /// Pictures met so far.
    pictures: usize,
}

/// A table laid out in columns, its texts wrapped.
struct Grid {
    xs: Vec<f32>,
    widths: Vec<f32>,
    header: Prepared,
    rows: Vec<Prepared>,
    caption: Vec<String>,
}

impl Grid {
    /// Caption, header row and first row: never parted by a page break.
    fn lead_height(&self) -> f32 {
        caption_height(&self.caption) + self.header.height() + self.rows.first().map_or(0.0, Prepared::height)
    }
}

fn caption_height(lines: &[String]) -> f32 {
    if lines.is_empty() { 0.0 } else { lines.len() as f32 * CAPTION * LEADING + 3.0 }
}

/// A table row wrapped into lines, with its height.
enum Prepared {
    Cells(Vec<Vec<String>>),
    Group(Vec<String>),
}

impl Prepared {
    fn lines(&self) -> usize {
        match self {
            Prepared::Cells(cells) => cells.iter().map(Vec::len).max().unwrap_or(1).max(1),
            Prepared::Group(lines) => lines.len().max(1),
        }
    }

    fn height(&self) -> f32 {
        self.lines() as f32 * CELL * LEADING + 2.0 * CELL_PAD_Y
    }
}

impl Builder<'_> {
    fn node(&mut self, kind: Kind, parent: Option<usize>) -> usize {
        let id = self.nodes.len();
        self.nodes.push(Node { kind, children: Vec::new() });
        match parent {
            Some(p) => self.nodes[p].children.push(id),
            None => self.roots.push(id),
        }
        id
    }

    fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("there is always a page")
    }

    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = self.top;
    }

    fn room(&self) -> f32 {
        self.bottom - self.y
    }

    fn at_top(&self) -> bool {
        self.y <= self.top + 0.01
    }

    /// Starts a new page unless `height` fits here or this page is still empty.
    fn ensure(&mut self, height: f32) {
        if self.room() < height - 0.01 && !self.at_top() {
            self.new_page();
        }
    }

    /// Marks where a heading starts, after any page break before it.
    fn anchor(&mut self, level: u16, text: &str) {
        let page = self.pages.len() - 1;
        self.anchors.push(Anchor { level, text: text.to_string(), page, y: self.y });
    }

    fn space(&mut self, points: f32) {
        if !self.at_top() {
            self.y = (self.y + points).min(self.bottom);
        }
    }

    fn wrap(&self, text: &str, width: f32, size: f32, bold: bool) -> Vec<String> {
        wrap(self.fonts, text, width, size, bold)
    }

    fn text(&mut self, x: f32, top: f32, size: f32, bold: bool, grey: u8, text: &str, mark: Mark) {
        if text.is_empty() {
            return;
        }
        let baseline = top + size * BASELINE;
        self.page().items.push(Item::Text { x, baseline, size, bold, grey, text: text.to_string(), mark });
    }

    /// Lines of running text, breaking to a new page between any two lines.
    fn lines(&mut self, lines: &[String], x: f32, size: f32, bold: bool, grey: u8, node: usize) {
        let line_height = size * LEADING;
        for line in lines {
            self.ensure(line_height);
            self.text(x, self.y, size, bold, grey, line, Mark::Content(node));
            self.y += line_height;
        }
    }

    fn title(&mut self, document: &Document) {
        let width = self.right - self.left;
        let title = clean(&document.title).into_owned();
        let node = self.node(Kind::Heading(1, title.clone()), None);
        let lines = self.wrap(&title, width, TITLE, true);
        self.anchor(1, &title);
        self.lines(&lines, self.left, TITLE, true, BLACK, node);
        self.y += 4.0;
        for line in &document.subtitle {
            let node = self.node(Kind::Paragraph, None);
            let lines = self.wrap(&clean(line), width, SUBTITLE, false);
            self.lines(&lines, self.left, SUBTITLE, false, BLACK, node);
        }
        self.y += 10.0;
    }

    /// A heading, kept on one page with the `next` points that follow it.
    fn heading(&mut self, level: u8, text: &str, next: f32) {
        let index = usize::from(level.clamp(1, 3)) - 1;
        let size = HEADINGS[index];
        let lines = self.wrap(&clean(text), self.right - self.left, size, true);
        let text = clean(text).replace('\n', " ");
        let before = [14.0, 10.0, 8.0][index];
        let own = before + lines.len() as f32 * size * LEADING + 4.0;
        self.ensure((own + next).min(self.bottom - self.top));
        self.space(before);
        let level = u16::from(level.clamp(1, 5)) + 1;
        let node = self.node(Kind::Heading(level, text.clone()), None);
        self.anchor(level, &text);
        self.lines(&lines, self.left, size, true, BLACK, node);
        self.y += 4.0;
    }

    fn paragraph(&mut self, text: &str, size: f32, grey: u8, after: f32) {
        let lines = self.wrap(&clean(text), self.right - self.left, size, false);
        let node = self.node(Kind::Paragraph, None);
        self.lines(&lines, self.left, size, false, grey, node);
        self.y += after;
    }

    fn bullets(&mut self, items: &[String]) {
        let list = self.node(Kind::List, None);
        let width = self.right - self.left - BULLET_INDENT;
        for item in items {
            let entry = self.node(Kind::ListItem, Some(list));
            let label = self.node(Kind::Label, Some(entry));
            let body = self.node(Kind::ListBody, Some(entry));
            let lines = self.wrap(&clean(item), width, BODY, false);
            self.ensure(BODY * LEADING);
            self.text(self.left + 3.0, self.y, BODY, false, BLACK, "•", Mark::Content(label));
            self.lines(&lines, self.left + BULLET_INDENT, BODY, false, BLACK, body);
            self.y += 2.0;
        }
        self.y += 4.0;
    }

    /// A picture at `width_mm` (at most the text width), its height from its
    /// aspect ratio, shrunk to fit a page if it is taller.
    fn picture(&mut self, index: usize, (natural_w, natural_h): (f32, f32), alt: &str, width_mm: f32) {
        let full = self.right - self.left;
        let mut w = if width_mm.is_finite() && width_mm > 0.0 { (width_mm * 72.0 / 25.4).min(full) } else { full };
        let mut h = w * natural_h / natural_w;
        let page_height = self.bottom - self.top;
        if h > page_height {
            w *= page_height / h;
            h = page_height;
        }
        let node = self.node(Kind::Figure(clean(alt).into_owned()), None);
        self.space(4.0);
        self.ensure(h);
        let (x, y) = (self.left, self.y);
        self.page().items.push(Item::Picture { x, y, w, h, index, mark: Mark::Content(node) });
        self.y += h + 8.0;
    }

    /// A picture that cannot be drawn: its text alternative in a frame of
    /// the picture's width.
    fn figure(&mut self, alt: &str, width_mm: f32) {
        let full = self.right - self.left;
        let width = if width_mm.is_finite() && width_mm > 0.0 { (width_mm * 72.0 / 25.4).min(full) } else { full };
        let alt = clean(alt);
        let shown = if alt.trim().is_empty() { "Bild" } else { &alt };
        let pad = 8.0;
        let lines = self.wrap(shown, width - 2.0 * pad, BODY, false);
        let height = lines.len() as f32 * BODY * LEADING + 2.0 * pad;
        let node = self.node(Kind::Figure(alt.to_string()), None);
        self.ensure(height);
        if height <= self.room() {
            let (x, y) = (self.left, self.y);
            self.page().items.push(Item::Rect { x, y, w: width, h: height, fill: None, stroke: Some(RULE) });
            self.y += pad;
            self.lines(&lines, self.left + pad, BODY, false, GREY_TEXT, node);
            self.y += pad;
        } else {
            self.lines(&lines, self.left + pad, BODY, false, GREY_TEXT, node);
        }
        self.y += 8.0;
    }

    /// A table's columns and its text wrapped into cells.
    fn grid(&self, table: &Table) -> Grid {
        let full = self.right - self.left;
        let mut xs = Vec::new();
        let mut widths = Vec::new();
        let mut x = self.left;
        for fraction in table.fractions() {
            xs.push(x);
            widths.push(fraction * full);
            x += fraction * full;
        }
        let inner = |w: f32| (w - 2.0 * CELL_PAD_X).max(1.0);
        let header: Vec<Vec<String>> = (0..table.columns())
            .map(|i| self.wrap(&clean(table.header.get(i).map_or("", String::as_str)), inner(widths[i]), CELL, true))
            .collect();
        let rows = table
            .rows
            .iter()
            .map(|row| match row {
                Row::Cells(cells) => Prepared::Cells(
                    table
                        .cells(cells)
                        .into_iter()
                        .enumerate()
                        .map(|(i, text)| self.wrap(&clean(text), inner(widths[i]), CELL, false))
                        .collect(),
                ),
                Row::Group(text) => Prepared::Group(self.wrap(&clean(text), inner(full), CELL, true)),
            })
            .collect();
        let caption =
            if table.caption.is_empty() { Vec::new() } else { self.wrap(&clean(&table.caption), full, CAPTION, true) };
        Grid { xs, widths, header: Prepared::Cells(header), rows, caption }
    }

    /// The height of what must stay together at the start of `block`, so a
    /// heading before it can keep with it.
    fn lead_height(&self, block: Option<&Block>) -> f32 {
        match block {
            None => 0.0,
            Some(Block::Table(table)) => 6.0 + self.grid(table).lead_height(),
            Some(Block::Svg { .. }) => 2.0 * BODY * LEADING + 16.0,
            Some(_) => 2.0 * BODY * LEADING,
        }
    }

    fn table(&mut self, table: &Table) {
        let Grid { xs, widths, header, rows, caption } = self.grid(table);
        let caption_lines = caption;
        let table_node = self.node(Kind::Table, None);
        let page_height = self.bottom - self.top;
        let lead = caption_height(&caption_lines) + header.height() + rows.first().map_or(0.0, Prepared::height);
        self.space(6.0);
        self.ensure(lead.min(page_height));
        if !caption_lines.is_empty() {
            let caption = self.node(Kind::Caption, Some(table_node));
            self.lines(&caption_lines, self.left, CAPTION, true, BLACK, caption);
            self.y += 3.0;
        }
        let head = self.node(Kind::TableHead, Some(table_node));
        let head_row = self.node(Kind::TableRow, Some(head));
        let header_cells: Vec<usize> =
            (0..table.columns()).map(|_| self.node(Kind::HeaderCell { row: false, span: 1 }, Some(head_row))).collect();
        let body = self.node(Kind::TableBody, Some(table_node));
        let draw_header = |b: &mut Self, repeated: bool| {
            let marks: Vec<Mark> = header_cells
                .iter()
                .map(|&n| if repeated { Mark::Artifact(Artifact::Repeated) } else { Mark::Content(n) })
                .collect();
            b.row_slice(&header, &xs, &widths, 0, header.lines(), &marks, Some(HEADER_FILL), true);
        };
        draw_header(self, false);

        for (i, row) in rows.iter().enumerate() {
            let row_node = self.node(Kind::TableRow, Some(body));
            let marks: Vec<Mark> = match row {
                Prepared::Cells(cells) => {
                    cells.iter().map(|_| Mark::Content(self.node(Kind::Cell, Some(row_node)))).collect()
                }
                Prepared::Group(_) => {
                    let span = table.columns() as u32;
                    vec![Mark::Content(self.node(Kind::HeaderCell { row: true, span }, Some(row_node)))]
                }
            };
            let (fill, bold) = match row {
                Prepared::Group(_) => (Some(GROUP_FILL), true),
                Prepared::Cells(_) => (None, false),
            };
            let height = row.height();
            let room_below_header = page_height - header.height();
            if height <= room_below_header {
                // A group heading stays with the row after it, when both fit on a page.
                let next = rows.get(i + 1).map_or(0.0, Prepared::height);
                let keep = if matches!(row, Prepared::Group(_)) && height + next <= room_below_header {
                    height + next
                } else {
                    height
                };
                if keep > self.room() {
                    self.new_page();
                    draw_header(self, true);
                }
            } else if self.room() < 2.0 * CELL_PAD_Y + 3.0 * CELL * LEADING {
                self.new_page();
                draw_header(self, true);
            }
            // Lines of the row, split between pages only if it is taller than one.
            let total = row.lines();
            let mut start = 0;
            while start < total {
                let fit = ((self.room() - 2.0 * CELL_PAD_Y) / (CELL * LEADING)).floor().max(1.0) as usize;
                let end = (start + fit).min(total);
                self.row_slice(row, &xs, &widths, start, end, &marks, fill, bold);
                start = end;
                if start < total {
                    self.new_page();
                    draw_header(self, true);
                }
            }
        }
        self.y += 8.0;
    }

    /// Lines `start..end` of a row as one band across the page at `self.y`.
    fn row_slice(
        &mut self,
        row: &Prepared,
        xs: &[f32],
        widths: &[f32],
        start: usize,
        end: usize,
        marks: &[Mark],
        fill: Option<u8>,
        bold: bool,
    ) {
        let line_height = CELL * LEADING;
        let height = (end - start) as f32 * line_height + 2.0 * CELL_PAD_Y;
        let y = self.y;
        let cells: Vec<(f32, f32, &[String])> = match row {
            Prepared::Cells(cells) => cells.iter().enumerate().map(|(i, c)| (xs[i], widths[i], c.as_slice())).collect(),
            Prepared::Group(lines) => vec![(xs[0], widths.iter().sum(), lines.as_slice())],
        };
        for &(x, w, _) in &cells {
            self.page().items.push(Item::Rect { x, y, w, h: height, fill, stroke: Some(RULE) });
        }
        for (k, (x, _, lines)) in cells.into_iter().enumerate() {
            let mark = marks.get(k).copied().unwrap_or(Mark::Artifact(Artifact::Layout));
            for (j, line) in lines.iter().enumerate().take(end).skip(start) {
                let top = y + CELL_PAD_Y + (j - start) as f32 * line_height;
                self.text(x + CELL_PAD_X, top, CELL, bold, BLACK, line, mark);
            }
        }
        self.y += height;
    }

    fn footers(&mut self, footer: &str, width: f32, height: f32) {
        let count = self.pages.len();
        let top = height - FOOTER_BASELINE_FROM_BOTTOM - FOOTER * BASELINE;
        for n in 0..count {
            let number = format!("Sida {} av {}", n + 1, count);
            let number_width = self.fonts.width(&number, FOOTER, false);
            let x_number = width - MARGIN_X - number_width;
            let room = x_number - MARGIN_X - 12.0;
            let text = fit(self.fonts, &footer.replace('\n', " "), room, FOOTER);
            let page = &mut self.pages[n];
            if !text.is_empty() {
                page.items.push(Item::Text {
                    x: MARGIN_X,
                    baseline: top + FOOTER * BASELINE,
                    size: FOOTER,
                    bold: false,
                    grey: GREY_TEXT,
                    text,
                    mark: Mark::Artifact(Artifact::Footer),
                });
            }
            page.items.push(Item::Text {
                x: x_number,
                baseline: top + FOOTER * BASELINE,
                size: FOOTER,
                bold: false,
                grey: GREY_TEXT,
                text: number,
                mark: Mark::Artifact(Artifact::PageNumber),
            });
        }
    }
}

/// `text` shortened with "…" to fit `width`.
fn fit(fonts: &Fonts, text: &str, width: f32, size: f32) -> String {
    if fonts.width(text, size, false) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        out.push(c);
        if fonts.width(&out, size, false) + fonts.width("…", size, false) > width {
            out.pop();
            break;
        }
    }
    out.push('…');
    out
}

/// Word wrap: each `\n` starts a new line; lines break at spaces, after a
/// slash or hyphen between letters ("Sammankallande/|ansvarig"), and inside a
/// word only when the word alone is wider than `width`. Spaces at a break are
/// dropped; all other characters are kept as written.
pub(crate) fn wrap(fonts: &Fonts, text: &str, width: f32, size: f32, bold: bool) -> Vec<String> {
    let measure = |s: &str| fonts.width(s, size, bold);
    let mut out = Vec::new();
    for hard in text.replace('\t', " ").split('\n').map(str::to_string) {
        let mut line = String::new();
        let mut line_width = 0.0;
        for segment in break_opportunities(&hard) {
            let word = segment.trim_end_matches(' ');
            let spaces = &segment[word.len()..];
            let word_width = measure(word);
            if !line.is_empty() && line_width + word_width > width {
                out.push(line.trim_end_matches(' ').to_string());
                line.clear();
                line_width = 0.0;
            }
            if line.is_empty() && word_width > width {
                // A word wider than the line: break it between characters.
                for c in word.chars() {
                    let w = measure(c.encode_utf8(&mut [0; 4]));
                    if !line.is_empty() && line_width + w > width {
                        out.push(std::mem::take(&mut line));
                        line_width = 0.0;
                    }
                    line.push(c);
                    line_width += w;
                }
            } else {
                line.push_str(word);
                line_width += word_width;
            }
            line.push_str(spaces);
            line_width += measure(spaces);
        }
        out.push(line.trim_end_matches(' ').to_string());
    }
    out
}

/// `line` cut after each run of spaces and after a `/` or `-` that joins two
/// letters (not digits: "14/6-8/8" stays whole); the pieces concatenate to
/// `line`.
fn break_opportunities(line: &str) -> Vec<&str> {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut pieces = Vec::new();
    let mut start = 0;
    for (k, &(i, c)) in chars.iter().enumerate() {
        let next = chars.get(k + 1).map(|&(_, n)| n);
        let previous = k.checked_sub(1).map(|p| chars[p].1);
        let cut = match c {
            ' ' => next.is_some_and(|n| n != ' '),
            '/' | '-' => previous.is_some_and(char::is_alphabetic) && next.is_some_and(char::is_alphabetic),
            _ => false,
        };
        if cut {
            let end = i + c.len_utf8();
            pieces.push(&line[start..end]);
            start = end;
        }
    }
    if start < line.len() || pieces.is_empty() {
        pieces.push(&line[start..]);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fonts() -> Fonts {
        Fonts::load().unwrap()
    }

    #[test]
    fn wrap_breaks_at_spaces_and_keeps_every_word() {
        let f = fonts();
        let text = "Liljeholmen, Trekantsparken: Ordningsstörningar, brottslighet och unga i destruktiva miljöer.";
        let lines = wrap(&f, text, 120.0, 10.0, false);
        assert!(lines.len() > 2, "{lines:?}");
        for line in &lines {
            assert!(f.width(line, 10.0, false) <= 120.0, "{line}");
        }
        assert_eq!(lines.join(" "), text);
    }

    #[test]
    fn wrap_keeps_hard_line_breaks_and_empty_lines() {
        let lines = wrap(&fonts(), "Pågående\n\nNästa uppföljning: 2021-10-01", 500.0, 10.0, false);
        assert_eq!(lines, ["Pågående", "", "Nästa uppföljning: 2021-10-01"]);
    }

    #[test]
    fn break_opportunities_follow_spaces_slashes_and_hyphens_between_letters() {
        assert_eq!(break_opportunities("a  b/c - d-e"), ["a  ", "b/", "c ", "- ", "d-", "e"]);
        assert_eq!(break_opportunities("14/6-8/8"), ["14/6-8/8"]);
        assert_eq!(break_opportunities(""), [""]);
        assert_eq!(break_opportunities("/x"), ["/x"]);
    }

    #[test]
    fn wrap_breaks_a_word_wider_than_the_line() {
        let f = fonts();
        let word = "Trygghetsskapandeinformationsskyltsuppsättningsprojektet";
        let lines = wrap(&f, word, 60.0, 10.0, false);
        assert!(lines.len() > 2);
        assert_eq!(lines.concat(), word);
    }

    fn long_table(rows: usize) -> Document {
        let mut table = Table::new("Tabell", &["A", "B"], &[1.0, 3.0]);
        for i in 0..rows {
            table.push_row(vec![format!("rad {i}"), "text ".repeat(20)]);
        }
        Document { title: "T".into(), blocks: vec![Block::Table(table)], ..Document::default() }
    }

    #[test]
    fn a_long_table_repeats_its_header_on_every_page_and_numbers_pages() {
        let layout = layout(&long_table(120), &fonts(), &[]);
        assert!(layout.pages.len() >= 3);
        let n = layout.pages.len();
        for (i, page) in layout.pages.iter().enumerate() {
            let texts: Vec<&str> = page
                .items
                .iter()
                .filter_map(|it| match it {
                    Item::Text { text, .. } => Some(text.as_str()),
                    _ => None,
                })
                .collect();
            assert!(texts.contains(&"A") && texts.contains(&"B"), "header on page {}", i + 1);
            let number = format!("Sida {} av {}", i + 1, n);
            assert!(texts.contains(&number.as_str()));
            for it in &page.items {
                if let Item::Text { baseline, .. } = it {
                    assert!(*baseline < layout.height - MARGIN_BOTTOM + 30.0);
                }
            }
        }
    }

    #[test]
    fn a_row_taller_than_a_page_is_split_between_lines() {
        let mut table = Table::new("", &["A"], &[1.0]);
        table.push_row(vec!["rad\n".repeat(200)]);
        let doc = Document { blocks: vec![Block::Table(table)], ..Document::default() };
        let layout = layout(&doc, &fonts(), &[]);
        assert!(layout.pages.len() >= 3);
        let rows: usize = layout
            .pages
            .iter()
            .flat_map(|p| &p.items)
            .filter(|it| matches!(it, Item::Text { text, .. } if text == "rad"))
            .count();
        assert_eq!(rows, 200);
    }
}
