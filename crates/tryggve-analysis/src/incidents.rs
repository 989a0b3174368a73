//! Streaming, parallel reader of the incident file (SPEC §2.2):
//! `id,occurred_at,category,lon,lat`, UTF-8, LF line endings, no quoting.
//!
//! Owns splitting the file into records, validating every field, and
//! turning the first bad record into an error with its line and field.
//! What is done with a record is up to an [`IncidentSink`]: each worker
//! thread owns one sink and the caller merges them afterwards.
//!
//! The main thread reads the file in 1 MiB chunks cut at line ends and
//! hands them to one worker per core over a bounded channel, so memory
//! stays at a few MiB whatever the file size. Errors are deterministic:
//! the reported one is always the first bad line of the file, however the
//! chunks were shared out.
//!
//! Ids are checked to be non-empty but not to be unique: that would take
//! memory in proportion to the file, and nothing here depends on it.

use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, mpsc};

use crate::areas::Position;
use crate::error::{AnalysisError, CsvProblem, Field};
use crate::fields::{DateCache, parse_decimal};
use crate::isoweek::{Date, IsoWeek};

/// The required header line.
pub const HEADER: &str = "id,occurred_at,category,lon,lat";
const CHUNK: usize = 1 << 20;
/// No record is anywhere near this long; a longer "line" means the input
/// is not an incident file, and reading on would only fill memory.
const MAX_LINE: usize = 16 << 20;
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One validated record, borrowing its text from the read buffer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Incident<'a> {
    pub id: &'a str,
    pub occurred_at: &'a str,
    /// The calendar date as written (the first ten characters).
    pub date: Date,
    pub week: IsoWeek,
    pub category: &'a str,
    /// `None` when lon or lat is empty ("unlocated").
    pub position: Option<Position>,
}

/// A problem with one field, before the reader knows the line number.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub field: Field,
    pub problem: CsvProblem,
}

/// Receives the records one worker thread parses.
pub trait IncidentSink: Send {
    /// Takes one record; an error stops the scan and is reported at the
    /// record's line.
    fn accept(&mut self, incident: &Incident<'_>) -> Result<(), FieldError>;
}

/// Reads the incident file at `path` with one sink per worker thread and
/// returns the sinks. The number of workers follows the available cores.
pub fn scan_incidents<S, F>(path: &Path, make_sink: F) -> Result<Vec<S>, AnalysisError>
where
    S: IncidentSink,
    F: Fn() -> S + Sync,
{
    let file = std::fs::File::open(path).map_err(|e| AnalysisError::io(path, e))?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    scan_reader(path, file, threads, make_sink)
}

/// Like [`scan_incidents`] for any byte source; `name` only names the
/// input in errors.
pub fn scan_reader<R, S, F>(name: &Path, mut input: R, threads: usize, make_sink: F) -> Result<Vec<S>, AnalysisError>
where
    R: Read,
    S: IncidentSink,
    F: Fn() -> S + Sync,
{
    let threads = threads.max(1);
    let first_error = FirstError::default();
    let (chunk_tx, chunk_rx) = mpsc::sync_channel::<Chunk>(threads * 2);
    let chunk_rx = Mutex::new(chunk_rx);
    let (spare_tx, spare_rx) = mpsc::channel::<Vec<u8>>();

    let (read_result, workers) = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (chunk_rx, spare_tx, first_error) = (&chunk_rx, spare_tx.clone(), &first_error);
                let mut sink = make_sink();
                scope.spawn(move || {
                    let mut cache = DateCache::default();
                    let mut lines = Vec::new();
                    loop {
                        // A poisoned lock still hands out chunks, so the
                        // reader never blocks on a channel nobody drains.
                        let next = chunk_rx.lock().unwrap_or_else(|p| p.into_inner()).recv();
                        let Ok(chunk) = next else { break };
                        if !first_error.is_before(chunk.seq) {
                            match parse_chunk(&chunk, &mut sink, &mut cache) {
                                Ok(n) => lines.push((chunk.seq, n)),
                                Err((line, err)) => first_error.record(chunk.seq, line, err),
                            }
                        }
                        let _ = spare_tx.send(chunk.buf);
                    }
                    (sink, lines)
                })
            })
            .collect();
        drop(spare_tx);
        let read_result = read_chunks(name, &mut input, &chunk_tx, &spare_rx, &first_error);
        drop(chunk_tx);
        let workers: Vec<_> =
            handles.into_iter().map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))).collect();
        (read_result, workers)
    });
    read_result?;

    if let Some((seq, line, err)) = first_error.take() {
        // Lines before the bad chunk: the header plus every earlier chunk
        // (all of which were parsed, so their counts are known).
        let before: u64 = workers.iter().flat_map(|(_, lines)| lines).filter(|(s, _)| *s < seq).map(|(_, n)| *n).sum();
        return Err(AnalysisError::Csv {
            path: name.to_path_buf(),
            line: 1 + before + line,
            field: err.field,
            problem: err.problem,
        });
    }
    Ok(workers.into_iter().map(|(sink, _)| sink).collect())
}

/// Complete lines from the file; `buf[start..]` holds records.
struct Chunk {
    seq: u64,
    buf: Vec<u8>,
    start: usize,
}

/// A located problem: the line within its chunk (1-based) and what is
/// wrong. `field` is `None` for whole-line problems.
#[derive(Debug)]
struct LineError {
    field: Option<Field>,
    problem: CsvProblem,
}

/// The first (lowest chunk, then line) error any thread found.
#[derive(Default)]
struct FirstError {
    /// 1 + `seq` of the chunk holding the first error so far, 0 if none:
    /// later chunks cannot hold an earlier error and are skipped.
    seq: AtomicU64,
    found: Mutex<Option<(u64, u64, LineError)>>,
}

impl FirstError {
    fn is_before(&self, seq: u64) -> bool {
        let first = self.seq.load(Ordering::Relaxed);
        first != 0 && first - 1 < seq
    }

    fn record(&self, seq: u64, line: u64, err: LineError) {
        let mut found = self.found.lock().unwrap_or_else(|p| p.into_inner());
        if found.as_ref().is_none_or(|(s, l, _)| (seq, line) < (*s, *l)) {
            *found = Some((seq, line, err));
            // Stored as seq + 1 so that 0 means "no error yet".
            self.seq.store(seq + 1, Ordering::Relaxed);
        }
    }

    fn any(&self) -> bool {
        self.seq.load(Ordering::Relaxed) != 0
    }

    fn take(&self) -> Option<(u64, u64, LineError)> {
        self.found.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

/// The main thread's part: read, check the header, cut chunks at line
/// ends, and send them until the end of the input or the first error.
fn read_chunks(
    name: &Path,
    input: &mut dyn Read,
    chunk_tx: &mpsc::SyncSender<Chunk>,
    spare_rx: &mpsc::Receiver<Vec<u8>>,
    first_error: &FirstError,
) -> Result<(), AnalysisError> {
    let io_err = |e| AnalysisError::io(name, e);
    let header_err = |problem| AnalysisError::Csv { path: name.to_path_buf(), line: 1, field: None, problem };
    let mut carry: Vec<u8> = Vec::new();
    let mut eof = false;
    let mut seq = 0u64;
    let mut too_long = false;
    while !eof && !too_long && !first_error.any() {
        let mut buf = spare_rx.try_recv().unwrap_or_else(|_| Vec::with_capacity(CHUNK + 64 * 1024));
        buf.clear();
        buf.append(&mut carry);
        // Fill to at least CHUNK bytes and one complete line. The carried
        // part holds no LF, so `complete` (the end of the last complete
        // line) starts at 0.
        let mut complete = 0;
        loop {
            let old = buf.len();
            let want = (old + 64 * 1024).max(CHUNK);
            buf.resize(want, 0);
            let n = read_retrying(input, &mut buf[old..]).map_err(io_err)?;
            buf.truncate(old + n);
            if n == 0 {
                eof = true;
                break;
            }
            if let Some(k) = memchr::memrchr(b'\n', &buf[old..]) {
                complete = old + k + 1;
            }
            if buf.len() >= CHUNK && complete > 0 {
                break;
            }
            if buf.len() - complete > MAX_LINE {
                too_long = true;
                break;
            }
        }
        carry.extend_from_slice(&buf[complete..]);
        buf.truncate(complete);

        let mut start = 0;
        if seq == 0 {
            // The header: the first line, or the whole input if it has no LF.
            let src = if complete > 0 { &buf[..] } else { &carry[..] };
            let text = src.strip_prefix(BOM).unwrap_or(src);
            let head = text.split(|&b| b == b'\n').next().unwrap_or_default();
            if text.is_empty() {
                return Err(header_err(CsvProblem::Empty));
            }
            if head != HEADER.as_bytes() {
                return Err(header_err(if head.strip_suffix(b"\r") == Some(HEADER.as_bytes()) {
                    CsvProblem::CrLf
                } else {
                    let shown = &head[..head.len().min(200)];
                    CsvProblem::WrongHeader { found: String::from_utf8_lossy(shown).into_owned() }
                }));
            }
            if complete == 0 {
                return Err(header_err(CsvProblem::Truncated));
            }
            start = (src.len() - text.len()) + HEADER.len() + 1;
        }
        if complete > 0 {
            let chunk = Chunk { seq, buf, start };
            if chunk_tx.send(chunk).is_err() {
                break;
            }
        }
        seq += 1;
    }
    // A last line without LF, or a line too long to be a record: reported
    // as line 1 of one more chunk, after every chunk sent (so an earlier
    // bad line still wins).
    let problem = if too_long {
        Some(CsvProblem::LineTooLong { limit: MAX_LINE })
    } else if eof && !carry.is_empty() {
        Some(CsvProblem::Truncated)
    } else {
        None
    };
    if let Some(problem) = problem {
        let err = LineError { field: None, problem };
        first_error.record(seq, 1, err);
    }
    Ok(())
}

fn read_retrying(input: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match input.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

/// Parses every line of a chunk into the sink. Returns the number of lines,
/// or the 1-based line within the chunk and the problem.
fn parse_chunk<S: IncidentSink>(chunk: &Chunk, sink: &mut S, cache: &mut DateCache) -> Result<u64, (u64, LineError)> {
    let bytes = &chunk.buf[chunk.start..];
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let bad = e.valid_up_to();
            let line_start = memchr::memrchr(b'\n', &bytes[..bad]).map_or(0, |k| k + 1);
            let line = memchr::memchr_iter(b'\n', &bytes[..bad]).count() as u64 + 1;
            let commas = memchr::memchr_iter(b',', &bytes[line_start..bad]).count();
            let field = [Field::Id, Field::OccurredAt, Field::Category, Field::Lon, Field::Lat].get(commas).copied();
            let problem = CsvProblem::InvalidUtf8;
            return Err((line, LineError { field, problem }));
        }
    };
    let mut line_no = 0u64;
    let mut line_start = 0usize;
    // Positions of the four commas of the current line.
    let mut commas = [0usize; 4];
    let mut n_commas = 0usize;
    for pos in memchr::memchr2_iter(b',', b'\n', bytes) {
        if bytes[pos] == b',' {
            if n_commas < 4 {
                commas[n_commas] = pos;
            }
            n_commas += 1;
            continue;
        }
        line_no += 1;
        if n_commas != 4 || bytes[pos.saturating_sub(1)] == b'\r' {
            let problem = if bytes[pos.saturating_sub(1)] == b'\r' {
                CsvProblem::CrLf
            } else {
                CsvProblem::FieldCount { found: n_commas + 1 }
            };
            return Err((line_no, LineError { field: None, problem }));
        }
        let fields = [
            &text[line_start..commas[0]],
            &text[commas[0] + 1..commas[1]],
            &text[commas[1] + 1..commas[2]],
            &text[commas[2] + 1..commas[3]],
            &text[commas[3] + 1..pos],
        ];
        let located = |err: FieldError| (line_no, LineError { field: Some(err.field), problem: err.problem });
        let incident = parse_record(fields, cache).map_err(located)?;
        sink.accept(&incident).map_err(located)?;
        line_start = pos + 1;
        n_commas = 0;
    }
    Ok(line_no)
}

/// Validates the five fields of one record.
#[inline]
fn parse_record<'a>(f: [&'a str; 5], cache: &mut DateCache) -> Result<Incident<'a>, FieldError> {
    let [id, occurred_at, category, lon, lat] = f;
    let fail = |field, problem| FieldError { field, problem };
    check_text(id).map_err(|p| fail(Field::Id, p))?;
    let (date, week) = cache.parse_timestamp(occurred_at.as_bytes()).map_err(|p| fail(Field::OccurredAt, p))?;
    check_text(category).map_err(|p| fail(Field::Category, p))?;
    let lon = coordinate(lon, 180.0).map_err(|p| fail(Field::Lon, p))?;
    let lat = coordinate(lat, 90.0).map_err(|p| fail(Field::Lat, p))?;
    let position = match (lon, lat) {
        (Some(lon), Some(lat)) => Some((lon, lat)),
        // SPEC §2.2: either field empty → unlocated.
        _ => None,
    };
    Ok(Incident { id, occurred_at, date, week, category, position })
}

/// Non-empty, and none of the characters SPEC §2.2 excludes (`,` and LF
/// cannot occur here: they delimit fields and lines).
#[inline]
fn check_text(s: &str) -> Result<(), CsvProblem> {
    if s.is_empty() {
        return Err(CsvProblem::EmptyValue);
    }
    if let Some(c) = s.bytes().find(|&b| b == b'"' || b == b'\r') {
        return Err(CsvProblem::ForbiddenChar(char::from(c), s.to_owned()));
    }
    Ok(())
}

/// An optional coordinate in [-limit, limit] degrees; empty → `None`.
#[inline]
fn coordinate(s: &str, limit: f64) -> Result<Option<f64>, CsvProblem> {
    if s.is_empty() {
        return Ok(None);
    }
    let v = parse_decimal(s.as_bytes())?;
    if !(-limit..=limit).contains(&v) {
        return Err(CsvProblem::OutOfRange { value: v, min: -limit, max: limit });
    }
    Ok(Some(v))
}
