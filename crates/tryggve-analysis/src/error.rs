//! The crate's error type: every way the situation-picture computation can
//! fail, each naming the file and, for bad input, the exact place in it
//! (line and field of the incident file, JSON path of the area file), so a
//! user can find and fix the offending record.
//!
//! This module only describes failures; it never decides what to do about
//! them (the binary chooses how to show them).

use std::fmt;
use std::path::PathBuf;

/// A field of the incident file (`id,occurred_at,category,lon,lat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Id,
    OccurredAt,
    Category,
    Lon,
    Lat,
}

impl Field {
    /// The column name as written in the header.
    pub fn name(self) -> &'static str {
        match self {
            Field::Id => "id",
            Field::OccurredAt => "occurred_at",
            Field::Category => "category",
            Field::Lon => "lon",
            Field::Lat => "lat",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What is wrong with one line (or one field of it) of the incident file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CsvProblem {
    #[error("the file is empty (expected the header `id,occurred_at,category,lon,lat`)")]
    Empty,
    #[error("wrong header: expected `id,occurred_at,category,lon,lat`, found {found:?}")]
    WrongHeader { found: String },
    #[error("CR LF line endings are not supported; the file must use LF only")]
    CrLf,
    #[error("expected 5 fields, found {found}")]
    FieldCount { found: usize },
    #[error("truncated file: the last line does not end with a line feed")]
    Truncated,
    #[error("line longer than {limit} bytes: not an incident file")]
    LineTooLong { limit: usize },
    #[error("invalid UTF-8")]
    InvalidUtf8,
    #[error("empty value")]
    EmptyValue,
    #[error("not a number: {0:?}")]
    NotANumber(String),
    #[error("out of range: {value} (allowed {min} to {max})")]
    OutOfRange { value: f64, min: f64, max: f64 },
    #[error("not an RFC 3339 date-time (YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)): {0:?}")]
    BadDateTime(String),
    #[error("no such date: {0:?}")]
    NoSuchDate(String),
    #[error("contains a character not allowed here ({0:?}): {1:?}")]
    ForbiddenChar(char, String),
    #[error("position cannot be projected to SWEREF 99 TM: lon {lon}, lat {lat}")]
    NotProjectable { lon: f64, lat: f64 },
}

/// Any failure of the situation-picture computation.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    /// Reading an input or writing the output failed.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A bad line or field in the incident file. `line` is 1-based and
    /// counts the header as line 1.
    #[error("{} line {line}{}: {problem}", path.display(), field.map(|f| format!(", field {f}")).unwrap_or_default())]
    Csv { path: PathBuf, line: u64, field: Option<Field>, problem: CsvProblem },

    /// The area file is not the GeoJSON the SPEC describes. `location` is a
    /// JSON path such as `features[3].geometry.coordinates[0][2]`, or a
    /// line and column for syntax errors.
    #[error("{}: {location}: {problem}", path.display())]
    GeoJson { path: PathBuf, location: String, problem: String },

    /// The hotspot cell size is not a positive whole number of metres.
    #[error("invalid cell size {0}: must be a whole number of metres between 1 and 1000000")]
    InvalidCellSize(f64),
}

impl AnalysisError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        AnalysisError::Io { path: path.into(), source }
    }
}
