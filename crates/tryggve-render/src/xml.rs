//! A minimal XML writer for the DOCX parts. Element and attribute names are
//! `&'static str`, so only this crate's code chooses them; every text and
//! attribute value goes through [`escape`], so user text can never become
//! markup.

use std::fmt::Write;

pub(crate) struct Xml {
    out: String,
}

impl Xml {
    /// A new part, starting with the XML declaration.
    pub(crate) fn new() -> Self {
        Xml { out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n") }
    }

    pub(crate) fn open(&mut self, name: &'static str, attrs: &[(&'static str, &str)]) -> &mut Self {
        self.start_tag(name, attrs);
        self.out.push('>');
        self
    }

    /// An element with no content: `<name a="v"/>`.
    pub(crate) fn empty(&mut self, name: &'static str, attrs: &[(&'static str, &str)]) -> &mut Self {
        self.start_tag(name, attrs);
        self.out.push_str("/>");
        self
    }

    pub(crate) fn close(&mut self, name: &'static str) -> &mut Self {
        let _ = write!(self.out, "</{name}>");
        self
    }

    pub(crate) fn text(&mut self, text: &str) -> &mut Self {
        escape(text, &mut self.out);
        self
    }

    /// `<name>text</name>`.
    pub(crate) fn element(&mut self, name: &'static str, attrs: &[(&'static str, &str)], text: &str) -> &mut Self {
        self.open(name, attrs).text(text).close(name)
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }

    fn start_tag(&mut self, name: &'static str, attrs: &[(&'static str, &str)]) {
        let _ = write!(self.out, "<{name}");
        for (key, value) in attrs {
            let _ = write!(self.out, " {key}=\"");
            escape(value, &mut self.out);
            self.out.push('"');
        }
    }
}

/// Escapes the five XML specials; the caller has already removed characters
/// XML cannot hold (`document::clean`).
pub(crate) fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped() {
        let mut x = Xml::new();
        x.element("w:t", &[("a", "\"'<&>")], "<script>&amp;</script>");
        let out = x.finish();
        assert!(out.ends_with("<w:t a=\"&quot;&apos;&lt;&amp;&gt;\">&lt;script&gt;&amp;amp;&lt;/script&gt;</w:t>"));
    }
}
