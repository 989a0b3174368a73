//! The PDF's one font family, DejaVu Sans regular and bold, compiled into the
//! binary (`fonts/`, with its licence). This module maps text to glyphs and
//! measures it; the layout and the painter use the same numbers, so a line
//! that was measured to fit is drawn exactly that wide.
//!
//! There is no shaping beyond one glyph per character (no kerning, no
//! ligatures): enough for Swedish and the other Latin, Greek and Cyrillic
//! text DejaVu covers. A character the font lacks is drawn as the font's
//! empty box but still extracts as itself.

use krilla::text::{Font, GlyphId, KrillaGlyph};
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::raw::TableProvider;
use skrifa::{FontRef, MetadataProvider};

use crate::RenderError;

pub(crate) static REGULAR: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");
pub(crate) static BOLD: &[u8] = include_bytes!("../../fonts/DejaVuSans-Bold.ttf");

/// One face: glyph lookup, advances in em, and the krilla font to draw with.
pub(crate) struct Face {
    pub(crate) font: Font,
    charmap: skrifa::charmap::Charmap<'static>,
    metrics: GlyphMetrics<'static>,
    units_per_em: f32,
}

pub(crate) struct Fonts {
    pub(crate) regular: Face,
    pub(crate) bold: Face,
}

impl Fonts {
    pub(crate) fn load() -> Result<Fonts, RenderError> {
        Ok(Fonts { regular: Face::load(REGULAR)?, bold: Face::load(BOLD)? })
    }

    pub(crate) fn face(&self, bold: bool) -> &Face {
        if bold { &self.bold } else { &self.regular }
    }

    /// The width of `text` in points at `size`.
    pub(crate) fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let face = self.face(bold);
        text.chars().map(|c| face.advance(c)).sum::<f32>() * size
    }
}

impl Face {
    fn load(data: &'static [u8]) -> Result<Face, RenderError> {
        let font_ref = FontRef::new(data).map_err(|e| RenderError::Pdf(format!("font: {e}")))?;
        let font =
            Font::new(data.into(), 0).ok_or_else(|| RenderError::Pdf("the embedded font cannot be read".into()))?;
        let units_per_em = f32::from(font_ref.head().map(|h| h.units_per_em()).unwrap_or(2048));
        Ok(Face {
            font,
            charmap: font_ref.charmap(),
            metrics: font_ref.glyph_metrics(Size::unscaled(), LocationRef::default()),
            units_per_em,
        })
    }

    fn glyph(&self, c: char) -> skrifa::GlyphId {
        self.charmap.map(c).unwrap_or(skrifa::GlyphId::NOTDEF)
    }

    /// The advance of `c` in em.
    fn advance(&self, c: char) -> f32 {
        self.metrics.advance_width(self.glyph(c)).unwrap_or(0.0) / self.units_per_em
    }

    /// The glyphs of one line of text, each pointing back at the characters
    /// it stands for (so text extraction and copying give the text back).
    pub(crate) fn glyphs(&self, text: &str) -> Vec<KrillaGlyph> {
        text.char_indices()
            .map(|(i, c)| {
                let id = GlyphId::new(self.glyph(c).to_u32());
                KrillaGlyph::new(id, self.advance(c), 0.0, 0.0, 0.0, i..i + c.len_utf8(), None)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swedish_letters_have_glyphs_and_widths() {
        let fonts = Fonts::load().unwrap();
        for c in "åäöÅÄÖé–•".chars() {
            assert_ne!(fonts.regular.glyph(c), skrifa::GlyphId::NOTDEF, "{c}");
            assert_ne!(fonts.bold.glyph(c), skrifa::GlyphId::NOTDEF, "{c}");
        }
        let plain = fonts.width("Åtgärd", 10.0, false);
        assert!(plain > 20.0 && plain < 50.0, "{plain}");
        assert!(fonts.width("Åtgärd", 10.0, true) > plain);
    }
}
