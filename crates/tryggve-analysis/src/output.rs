//! Writing a result file all-or-nothing.
//!
//! Owns the output protocol: write into a temporary file next to the
//! target, and rename it over the target only when everything succeeded.
//! If anything fails (or the value is dropped without `commit`), the
//! temporary file is removed, so a failed run never leaves a partial or
//! new file at the target; an existing file there is replaced only on
//! success.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::error::AnalysisError;

/// A result file being written; becomes visible at its target on
/// [`AtomicOutput::commit`].
#[derive(Debug)]
pub struct AtomicOutput {
    target: PathBuf,
    temp: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl AtomicOutput {
    /// Creates the temporary file in the target's directory (so the rename
    /// stays on one file system). Fails early if the directory is not
    /// writable.
    pub fn create(target: &Path) -> Result<AtomicOutput, AnalysisError> {
        let file_name = target.file_name().ok_or_else(|| {
            AnalysisError::io(target, std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file path"))
        })?;
        let mut temp_name = std::ffi::OsString::from(".");
        temp_name.push(file_name);
        temp_name.push(format!(".{}.tmp", std::process::id()));
        let temp = target.with_file_name(temp_name);
        let file = File::create(&temp).map_err(|e| AnalysisError::io(&temp, e))?;
        Ok(AtomicOutput { target: target.to_path_buf(), temp, writer: Some(BufWriter::with_capacity(1 << 16, file)) })
    }

    /// Appends bytes.
    pub fn write(&mut self, bytes: &[u8]) -> Result<(), AnalysisError> {
        let writer = self.writer.as_mut().expect("not yet committed");
        writer.write_all(bytes).map_err(|e| AnalysisError::io(&self.temp, e))
    }

    /// Flushes and renames the file to its target.
    pub fn commit(mut self) -> Result<(), AnalysisError> {
        let writer = self.writer.take().expect("committed once");
        let file = writer.into_inner().map_err(|e| AnalysisError::io(&self.temp, e.into_error()))?;
        drop(file);
        std::fs::rename(&self.temp, &self.target).map_err(|e| AnalysisError::io(&self.target, e))
    }
}

impl Drop for AtomicOutput {
    fn drop(&mut self) {
        if self.writer.take().is_some() || self.temp.exists() {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("tryggve-output-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn commit_makes_the_file_appear() {
        let dir = temp_dir("commit");
        let target = dir.join("out.csv");
        let mut out = AtomicOutput::create(&target).unwrap();
        out.write(b"a,b\n").unwrap();
        assert!(!target.exists());
        out.commit().unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"a,b\n");
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn dropping_leaves_nothing() {
        let dir = temp_dir("drop");
        let target = dir.join("out.csv");
        let mut out = AtomicOutput::create(&target).unwrap();
        out.write(b"partial").unwrap();
        drop(out);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_missing_directory_fails_early() {
        let target = std::env::temp_dir().join("tryggve-no-such-dir-xyz/out.csv");
        assert!(matches!(AtomicOutput::create(&target), Err(AnalysisError::Io { .. })));
    }
}
