//! The PDF writer: lays the document out (`layout`) and paints the pages with
//! krilla, in-process, with the embedded font (`fonts`). Pictures
//! (`Block::Svg`) are drawn as vectors by krilla-svg, their text as text.
//!
//! The PDF is tagged: headings, paragraphs, lists and tables (with header
//! cells) form its structure tree in reading order, while rules, fills,
//! repeated table headers and the footer are marked as artifacts. Headings
//! are also bookmarks. Metadata carries the title and the language
//! (Swedish). krilla checks the result against PDF/UA-1, the accessibility
//! standard, and marks it so when it passes. Output is deterministic: no
//! creation date, since the crate has no clock.

mod fonts;
mod layout;

use std::num::{NonZeroU16, NonZeroU32};
use std::sync::Arc;

use krilla::color::luma;
use krilla::configure::{Accessibility, Configuration, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::error::KrillaError;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::metadata::Metadata;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{
    ArtifactType, ContentTag, Identifier, ListNumbering, Node, SpanTag, TableHeaderScope, Tag, TagGroup, TagKind,
    TagTree,
};
use krilla::{Document as PdfDocument, SerializeSettings};
use krilla_svg::{SurfaceExt, SvgSettings};

use self::fonts::Fonts;
use self::layout::{Anchor, Artifact, Item, Kind, Layout, Mark};
use crate::RenderError;
use crate::document::{Block, Document, clean};

pub(crate) fn write(document: &Document) -> Result<Vec<u8>, RenderError> {
    let fonts = Fonts::load()?;
    let pictures = pictures(document);
    let sizes: Vec<Option<(f32, f32)>> =
        pictures.iter().map(|p| p.as_ref().map(|t| (t.size().width(), t.size().height()))).collect();
    let layout = layout::layout(document, &fonts, &sizes);
    let title = clean(&document.title).into_owned();
    // PDF/UA-1 when the content allows it. It does not when the text holds a
    // character the font lacks (an emoji, say): then the same tagged PDF is
    // written without the claim, rather than no PDF at all.
    let ua = ConfigurationBuilder::new()
        .with_accessibility_validator(Accessibility::UA1)
        .finish()
        .map_err(|e| RenderError::Pdf(format!("{e:?}")))?;
    match serialize(&layout, &fonts, &pictures, &title, ua) {
        Err(KrillaError::Validation(_)) => serialize(&layout, &fonts, &pictures, &title, Configuration::default()),
        other => other,
    }
    .map_err(|e| RenderError::Pdf(format!("{e:?}")))
}

fn serialize(
    layout: &Layout,
    fonts: &Fonts,
    pictures: &[Option<usvg::Tree>],
    title: &str,
    configuration: Configuration,
) -> Result<Vec<u8>, KrillaError> {
    let settings = SerializeSettings { enable_tagging: true, configuration, ..SerializeSettings::default() };
    let mut pdf = PdfDocument::new_with(settings);
    pdf.set_metadata(Metadata::new().title(title.to_string()).language("sv".into()).creator("Tryggve".into()));
    let mut leaves: Vec<Vec<Identifier>> = vec![Vec::new(); layout.nodes.len()];
    for page in &layout.pages {
        let size = PageSettings::from_wh(layout.width, layout.height).expect("A4 is a valid page size");
        let mut pdf_page = pdf.start_page_with(size);
        let mut surface = pdf_page.surface();
        for item in &page.items {
            paint(&mut surface, fonts, pictures, item, &mut leaves);
        }
        surface.finish();
        pdf_page.finish();
    }
    let mut tree = TagTree::new().with_lang(Some("sv".into()));
    for &root in &layout.roots {
        if let Some(node) = tag_node(layout, root, &mut leaves) {
            tree.push(node);
        }
    }
    pdf.set_tag_tree(tree);
    pdf.set_outline(outline(&layout.anchors));
    pdf.finish()
}

/// Bookmarks from the headings, nested by level.
fn outline(anchors: &[Anchor]) -> Outline {
    fn children(anchors: &[Anchor], i: &mut usize, level: u16) -> Vec<OutlineNode> {
        let mut nodes = Vec::new();
        while let Some(anchor) = anchors.get(*i) {
            if anchor.level < level {
                break;
            }
            *i += 1;
            let destination = XyzDestination::new(anchor.page, Point::from_xy(0.0, anchor.y));
            let mut node = OutlineNode::new(anchor.text.clone(), destination).with_open(true);
            for child in children(anchors, i, anchor.level + 1) {
                node.push_child(child);
            }
            nodes.push(node);
        }
        nodes
    }
    let mut outline = Outline::new();
    let mut i = 0;
    while i < anchors.len() {
        let level = anchors[i].level;
        for node in children(anchors, &mut i, level) {
            outline.push_child(node);
        }
    }
    outline
}

/// The SVG of each `Block::Svg`, parsed; `None` where it does not parse or
/// has no area. usvg sees only the embedded fonts (DejaVu Sans is also the
/// default family) and loads no images from files or URLs.
fn pictures(document: &Document) -> Vec<Option<usvg::Tree>> {
    let mut fontdb = usvg::fontdb::Database::new();
    fontdb.load_font_source(usvg::fontdb::Source::Binary(Arc::new(fonts::REGULAR)));
    fontdb.load_font_source(usvg::fontdb::Source::Binary(Arc::new(fonts::BOLD)));
    let options = usvg::Options {
        font_family: "DejaVu Sans".into(),
        fontdb: Arc::new(fontdb),
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: Box::new(|_, _, _| None),
            resolve_string: Box::new(|_, _| None),
        },
        ..usvg::Options::default()
    };
    document
        .blocks
        .iter()
        .filter_map(|block| match block {
            Block::Svg { svg, .. } => Some(
                usvg::Tree::from_str(svg, &options).ok().filter(|t| t.size().width() > 0.0 && t.size().height() > 0.0),
            ),
            _ => None,
        })
        .collect()
}

fn paint(
    surface: &mut Surface,
    fonts: &Fonts,
    pictures: &[Option<usvg::Tree>],
    item: &Item,
    leaves: &mut [Vec<Identifier>],
) {
    match item {
        Item::Picture { x, y, w, h, index, mark } => {
            let (Some(Some(tree)), Some(size)) = (pictures.get(*index), Size::from_wh(*w, *h)) else { return };
            let id = match mark {
                Mark::Content(node) => Some((*node, surface.start_tagged(ContentTag::Other))),
                Mark::Artifact(kind) => {
                    surface.start_tagged(ContentTag::Artifact(artifact(*kind)));
                    None
                }
            };
            surface.push_transform(&Transform::from_translate(*x, *y));
            surface.draw_svg(tree, size, SvgSettings::default());
            surface.pop();
            surface.end_tagged();
            if let Some((node, id)) = id {
                leaves[node].push(id);
            }
        }
        Item::Text { x, baseline, size, bold, grey, text, mark } => {
            let id = match mark {
                Mark::Content(node) => Some((*node, surface.start_tagged(ContentTag::Span(SpanTag::empty())))),
                Mark::Artifact(kind) => {
                    surface.start_tagged(ContentTag::Artifact(artifact(*kind)));
                    None
                }
            };
            let face = fonts.face(*bold);
            surface.set_fill(Some(Fill { paint: luma::Color::new(*grey).into(), ..Fill::default() }));
            surface.set_stroke(None);
            surface.draw_glyphs(
                Point::from_xy(*x, *baseline),
                &face.glyphs(text),
                face.font.clone(),
                text,
                *size,
                false,
            );
            surface.end_tagged();
            if let Some((node, id)) = id {
                leaves[node].push(id);
            }
        }
        Item::Rect { x, y, w, h, fill, stroke } => {
            let Some(rect) = Rect::from_xywh(*x, *y, *w, *h) else { return };
            let mut builder = PathBuilder::new();
            builder.push_rect(rect);
            let Some(path) = builder.finish() else { return };
            surface.start_tagged(ContentTag::Artifact(artifact(Artifact::Layout)));
            surface.set_fill(fill.map(|g| Fill { paint: luma::Color::new(g).into(), ..Fill::default() }));
            surface.set_stroke(stroke.map(|g| Stroke {
                paint: luma::Color::new(g).into(),
                width: 0.5,
                ..Stroke::default()
            }));
            surface.draw_path(&path);
            surface.end_tagged();
        }
    }
}

fn artifact(kind: Artifact) -> krilla::tagging::Artifact {
    krilla::tagging::Artifact::with_kind(match kind {
        Artifact::Layout => ArtifactType::Layout,
        Artifact::Footer => ArtifactType::Footer,
        Artifact::PageNumber => ArtifactType::PageNumber,
        Artifact::Repeated => ArtifactType::PaginationOther,
    })
}

/// The structure element for `index` with its children in reading order;
/// `None` when it has no content at all (an empty cell), which krilla would
/// drop anyway.
fn tag_node(layout: &Layout, index: usize, leaves: &mut [Vec<Identifier>]) -> Option<Node> {
    let node = &layout.nodes[index];
    let mut children: Vec<Node> = std::mem::take(&mut leaves[index]).into_iter().map(Node::from).collect();
    for &child in &node.children {
        if let Some(child) = tag_node(layout, child, leaves) {
            children.push(child);
        }
    }
    if children.is_empty() {
        return None;
    }
    let kind: TagKind = match &node.kind {
        Kind::Heading(level, title) => {
            Tag::Hn(NonZeroU16::new(*level).unwrap_or(NonZeroU16::MIN), Some(title.clone())).into()
        }
        Kind::Paragraph => Tag::P.into(),
        Kind::List => Tag::L(ListNumbering::Disc).into(),
        Kind::ListItem => Tag::LI.into(),
        Kind::Label => Tag::Lbl.into(),
        Kind::ListBody => Tag::LBody.into(),
        Kind::Table => Tag::Table.into(),
        Kind::Caption => Tag::Caption.into(),
        Kind::TableHead => Tag::THead.into(),
        Kind::TableBody => Tag::TBody.into(),
        Kind::TableRow => Tag::TR.into(),
        Kind::HeaderCell { row, span } => {
            let scope = if *row { TableHeaderScope::Row } else { TableHeaderScope::Column };
            Tag::TH(scope).with_col_span(NonZeroU32::new(*span).filter(|s| s.get() > 1)).into()
        }
        Kind::Cell => Tag::TD.into(),
        Kind::Figure(alt) => Tag::Figure(Some(alt.clone()).filter(|a| !a.is_empty())).into(),
    };
    Some(TagGroup::with_children(kind, children).into())
}
