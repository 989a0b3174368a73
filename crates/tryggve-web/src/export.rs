//! Sending a rendered document: the format from the URL (`pdf`, `html`,
//! `docx`, `xlsx`), the right content type, and a file name to save as.

use crate::error::AppError;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use tryggve_render::Document;

/// A file name made of letters, digits and dashes (å, ä, ö become a, a, o).
pub fn file_stem(s: &str) -> String {
    let mut out = String::new();
    for c in s.to_lowercase().chars() {
        let c = match c {
            'å' | 'ä' => 'a',
            'ö' => 'o',
            'é' => 'e',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        };
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    out.trim_matches('-').to_owned()
}

fn render_error(e: tryggve_render::RenderError) -> AppError {
    AppError::Internal(format!("rendering failed: {e}"))
}

/// Renders `doc` as `format` and answers with it as a download (HTML is shown).
pub fn respond(doc: &Document, format: &str, name: &str) -> Result<Response, AppError> {
    let (bytes, content_type, inline) = match format {
        "pdf" => (tryggve_render::to_pdf(doc).map_err(render_error)?, "application/pdf", false),
        "docx" => (
            tryggve_render::to_docx(doc).map_err(render_error)?,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            false,
        ),
        "html" => (tryggve_render::to_html(doc).map_err(render_error)?.into_bytes(), "text/html; charset=utf-8", true),
        _ => return Err(AppError::NotFound),
    };
    let disposition = if inline { "inline".to_owned() } else { format!("attachment; filename=\"{name}.{format}\"") };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CONTENT_SECURITY_POLICY, document_policy(&bytes)),
        ],
        bytes,
    )
        .into_response())
}

/// The policy of a standalone document: nothing may load or run, except its
/// own stylesheet (allowed by hash, never by 'unsafe-inline') and its
/// embedded pictures.
pub fn document_policy(bytes: &[u8]) -> String {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let text = String::from_utf8_lossy(bytes);
    let mut styles = String::new();
    let mut rest = text.as_ref();
    while let Some(i) = rest.find("<style>") {
        let after = &rest[i + "<style>".len()..];
        let Some(j) = after.find("</style>") else { break };
        let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(&after.as_bytes()[..j]));
        styles.push_str(&format!(" 'sha256-{hash}'"));
        rest = &after[j..];
    }
    let style = if styles.is_empty() { " 'none'".to_owned() } else { styles };
    format!(
        "default-src 'none'; style-src{style}; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn file_names_are_plain() {
        assert_eq!(super::file_stem("Platssamverkan Älvsjö/Solberga"), "platssamverkan-alvsjo-solberga");
    }
}
