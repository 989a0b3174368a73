//! Importers: the formats a council's data arrives in, turned into checked
//! domain records. Every importer reads the whole input before anything is
//! written (the caller writes in one transaction), and every problem names
//! its line (or row) and field.
//!
//! | module | format |
//! |---|---|
//! | [`incidents`] | incident CSV: the benchmark format and Tryggve's richer format |
//! | [`police`] | the Swedish police's public events feed (JSON) |
//! | [`indicators`] | indicator series: Brå's statistics export, the safety survey, SCB population, a generic CSV/XLSX |
//! | [`register`] | names of the register (areas, organisations, categories) to resolve text against |
//! | [`minutes`] | earlier minutes and working documents (text, Markdown, DOCX) as proposed records |

pub mod incidents;
pub mod indicators;
pub mod minutes;
pub mod placement;
pub mod police;
pub mod register;

use std::fmt;

/// One problem in an input, where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line (CSV), row (XLSX) or array index + 1 (JSON); 0 for the file as a whole.
    pub line: usize,
    pub field: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.field, self.message)
        } else {
            write!(f, "rad {}, fält {}: {}", self.line, self.field, self.message)
        }
    }
}

/// All problems found in an input (at most [`MAX_PROBLEMS`] are kept).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ImportError {
    pub file: String,
    pub problems: Vec<Problem>,
    /// How many problems there were in all.
    pub total: usize,
}

pub const MAX_PROBLEMS: usize = 50;

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} fel", self.file, self.total)?;
        for p in &self.problems {
            write!(f, "\n  {p}")?;
        }
        if self.total > self.problems.len() {
            write!(f, "\n  … och {} till", self.total - self.problems.len())?;
        }
        Ok(())
    }
}

/// Collects problems while a file is read.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    list: Vec<Problem>,
    total: usize,
}

impl Problems {
    pub(crate) fn add(&mut self, line: usize, field: &str, message: impl Into<String>) {
        self.total += 1;
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(Problem { line, field: field.to_owned(), message: message.into() });
        }
    }

    pub(crate) fn into_result<T>(self, file: &str, value: T) -> Result<T, ImportError> {
        if self.total == 0 {
            Ok(value)
        } else {
            Err(ImportError { file: file.to_owned(), problems: self.list, total: self.total })
        }
    }
}

/// Reads input bytes as UTF-8 (a byte-order mark is allowed), or says where it is not.
pub fn utf8<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, ImportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
        ImportError {
            file: file.to_owned(),
            problems: vec![Problem {
                line,
                field: "(kodning)".into(),
                message: "filen är inte UTF-8 (spara den som UTF-8, till exempel \"CSV UTF-8\" i Excel)".into(),
            }],
            total: 1,
        }
    })
}
