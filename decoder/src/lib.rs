//! logframe's native decoder: log bytes of every format to Arrow record batches.
//!
//! The modules below are plain Rust, one concern each; this file is the PyO3 glue that Python calls:
//! [`Scanner`] (one pass over the sources, yielding Arrow batches and a report), [`Batch`] (a record
//! batch handed to Polars zero-copy through the Arrow PyCapsule interface) and a few functions.

pub mod batch;
pub mod decode;
pub mod embedded;
pub mod fields;
pub mod filter;
pub mod formats;
pub mod json;
pub mod message;
pub mod pipeline;
pub mod reader;
pub mod record;
pub mod report;
pub mod timestamps;
pub mod vocabulary;

use std::collections::HashSet;
use std::ffi::CString;
use std::io::Read;

use std::time::{Duration, Instant};

use arrow_array::ffi_stream::FFI_ArrowArrayStream;
use arrow_array::{RecordBatch, RecordBatchIterator};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyCapsule, PyDict, PyList, PyString};

use crate::batch::Columns;
use crate::decode::Plan;
use crate::filter::{Allowed, Filter};
use crate::formats::{Format, Kind};
use crate::pipeline::{Event, Next, Options, Pipeline, SourceSpec};
use crate::reader::{Compression, Input};
use crate::record::{Reason, Want};
use crate::report::Counts;

/// A `LogframeError` (Python) with `message`.
fn logframe_error(py: Python<'_>, kind: &str, message: String) -> PyErr {
    match py
        .import("logframe.errors")
        .and_then(|m| m.getattr(kind))
        .and_then(|cls| cls.call1((message.clone(),)))
    {
        Ok(error) => PyErr::from_value(error),
        Err(_) => PyValueError::new_err(message),
    }
}

/// Run `f`, turning a panic (a bug) into a `LogframeError` naming `what`: no panic reaches Python.
fn guarded<T>(py: Python<'_>, what: &str, f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let text = pipeline::panic_text(&*panic);
        Err(logframe_error(
            py,
            "LogframeError",
            format!("internal error in {what} (please report it): {text}"),
        ))
    })
}

/// A Python binary file object (`.read(n)`), read from the reader thread.
struct PyReader(Py<PyAny>);

impl Read for PyReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        Python::attach(|py| {
            let data = self
                .0
                .call_method1(py, "read", (buf.len(),))
                .map_err(std::io::Error::other)?;
            let bytes = data
                .bind(py)
                .cast::<PyBytes>()
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            let bytes = bytes.as_bytes();
            let n = bytes.len().min(buf.len());
            buf[..n].copy_from_slice(&bytes[..n]);
            Ok(n)
        })
    }
}

fn input(obj: &Bound<'_, PyAny>) -> Input {
    match obj.cast::<PyString>() {
        Ok(path) => Input::Path(path.to_string().into()),
        Err(_) => Input::Reader(Box::new(PyReader(obj.clone().unbind()))),
    }
}

fn format(py: Python<'_>, name: &str, mapping: &[(String, String)], year: i32) -> PyResult<Format> {
    let kind = Kind::from_name(name).ok_or_else(|| {
        let accepted: Vec<_> = Kind::ALL
            .iter()
            .map(|k| format!("'{}'", k.name()))
            .collect();
        logframe_error(
            py,
            "FormatError",
            format!(
                "unknown format '{name}'; accepted: 'auto', {}",
                accepted.join(", ")
            ),
        )
    })?;
    Format::new(kind, mapping, year).map_err(|e| logframe_error(py, "FormatError", e))
}

/// Record batches of consecutive chunks, in order, handed to Polars as one frame of several chunks
/// through the Arrow PyCapsule stream interface (zero-copy).
#[pyclass(frozen, module = "logframe._native")]
struct Batch {
    batches: Vec<RecordBatch>,
}

#[pymethods]
impl Batch {
    #[getter]
    fn num_rows(&self) -> usize {
        self.batches.iter().map(RecordBatch::num_rows).sum()
    }

    #[pyo3(signature = (requested_schema = None))]
    fn __arrow_c_stream__<'py>(
        &self,
        py: Python<'py>,
        requested_schema: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyCapsule>> {
        let _ = requested_schema; // the producer's schema is the one to use
        let Some(first) = self.batches.first() else {
            return Err(PyValueError::new_err("an empty group of batches"));
        };
        let reader =
            RecordBatchIterator::new(self.batches.clone().into_iter().map(Ok), first.schema());
        let stream = FFI_ArrowArrayStream::new(Box::new(reader));
        PyCapsule::new(
            py,
            stream,
            Some(CString::new("arrow_array_stream").unwrap_or_default()),
        )
    }
}

/// How many decoded chunks one [`Batch`] gathers. Polars pays a fixed cost a frame, to import it and
/// run the query's operators on it: a streaming group-by over the 1,017 frames of a 1M-line file's
/// three `stats()` columns took 0.05-0.10 s, over the same rows in frames of 16 chunks 0.02-0.03 s.
/// Bigger chunks would do the same but hold more raw bytes in flight. A group ends at whichever
/// limit comes first (16k rows cost about 1 MB of peak RSS in `stats()`, 64k rows 2 MB).
const GROUP_ROWS: usize = 16 << 10;
const GROUP_BYTES: usize = 1 << 20;
/// ... or when the next chunk is not decoded within this time (a slow or live source).
const GROUP_WAIT: Duration = Duration::from_millis(20);

struct SourceState {
    name: String,
    format: &'static str,
    counts: Counts,
    compression: Compression,
    error: Option<String>,
    bytes: u64,
    ended: bool,
}

/// One pass over the sources: iterate it for `(batch or None, bytes read)`, then ask its `report()`.
#[pyclass(module = "logframe._native")]
struct Scanner {
    pipeline: Option<Pipeline>,
    sources: Vec<SourceState>,
    /// A failure that came after rows already gathered into a group: raised on the next call, once
    /// those rows are handed on.
    pending_error: Option<String>,
}

fn allowed(spec: Option<(Vec<String>, bool)>) -> Allowed {
    match spec {
        None => Allowed::default(),
        Some((values, null)) => Allowed {
            values: Some(values.into_iter().collect::<HashSet<_>>()),
            null,
        },
    }
}

#[pymethods]
impl Scanner {
    /// `sources`: `(name, path or binary file object, format name)`; `filter` keys: `levels`
    /// (allowed level names, `None` meaning no level), `namespace`/`pod`/`container` (`(values,
    /// null passes)`), `min_time` (ns, inclusive), `max_time` (ns, exclusive).
    #[new]
    #[pyo3(signature = (sources, columns, *, mapping=Vec::new(), filter=None, chunk_size=1<<20, max_line=16<<20, max_bytes=None, threads=2, year=1970, count_nulls=false))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        sources: Vec<(String, Bound<'_, PyAny>, String)>,
        columns: Vec<String>,
        mapping: Vec<(String, String)>,
        filter: Option<Bound<'_, PyDict>>,
        chunk_size: usize,
        max_line: usize,
        max_bytes: Option<u64>,
        threads: usize,
        year: i32,
        count_nulls: bool,
    ) -> PyResult<Scanner> {
        let columns =
            Columns::from_names(&columns).map_err(|e| logframe_error(py, "QueryError", e))?;
        let mut pushed = Filter::default();
        if let Some(filter) = filter {
            if let Some(levels) = filter.get_item("levels")? {
                let names: Vec<Option<String>> = levels.extract()?;
                let mut allowed = [false; 6];
                for name in names {
                    match name.as_deref().map(vocabulary::level_of) {
                        None => allowed[5] = true,
                        Some(Some(level)) => allowed[level as usize] = true,
                        Some(None) => {}
                    }
                }
                pushed.levels = Some(allowed);
            }
            for (key, slot) in [
                ("namespace", &mut pushed.namespace),
                ("pod", &mut pushed.pod),
                ("container", &mut pushed.container),
            ] {
                if let Some(spec) = filter.get_item(key)? {
                    *slot = allowed(spec.extract()?);
                }
            }
            pushed.min_time = filter
                .get_item("min_time")?
                .map(|v| v.extract())
                .transpose()?;
            pushed.max_time = filter
                .get_item("max_time")?
                .map(|v| v.extract())
                .transpose()?;
        }
        let mut specs = Vec::new();
        let mut states = Vec::new();
        for (name, obj, format_name) in sources {
            let format = format(py, &format_name, &mapping, year)?;
            states.push(SourceState {
                name: name.clone(),
                format: format.kind.name(),
                counts: Counts::default(),
                compression: Compression::None,
                error: None,
                bytes: 0,
                ended: false,
            });
            specs.push(SourceSpec {
                name,
                input: input(&obj),
                format,
            });
        }
        let mut plan = Plan::new(columns, pushed, max_line);
        plan.count_nulls = count_nulls;
        let options = Options {
            chunk_size,
            max_bytes,
            threads,
        };
        Ok(Scanner {
            pipeline: Some(Pipeline::start(specs, plan, options)),
            sources: states,
            pending_error: None,
        })
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&mut self, py: Python<'_>) -> PyResult<Option<(Option<Batch>, u64)>> {
        let mut batches: Vec<RecordBatch> = Vec::new();
        let (mut rows, mut bytes, mut read) = (0usize, 0usize, 0u64);
        let mut deadline = None;
        if let Some(message) = self.pending_error.take() {
            return Err(logframe_error(py, "LogframeError", message));
        }
        while let Some(pipeline) = self.pipeline.as_mut() {
            let next = py.detach(|| pipeline.next_event_until(deadline));
            match next {
                Next::NotYet => break,
                Next::Over => {
                    self.pipeline = None;
                    break;
                }
                Next::Event(Event::Batch {
                    source,
                    batch,
                    counts,
                    read: more,
                }) => {
                    if let Some(state) = self.sources.get_mut(source) {
                        state.counts.add(counts);
                    }
                    read += more;
                    deadline.get_or_insert_with(|| Instant::now() + GROUP_WAIT);
                    if let Some(batch) = batch {
                        rows += batch.num_rows();
                        bytes += batch.get_array_memory_size();
                        batches.push(batch);
                    }
                    if rows >= GROUP_ROWS || bytes >= GROUP_BYTES {
                        break;
                    }
                }
                Next::Event(Event::End {
                    source,
                    compression,
                    error,
                    bytes,
                }) => {
                    if let Some(state) = self.sources.get_mut(source) {
                        state.compression = compression;
                        state.error = error;
                        state.bytes = bytes;
                        state.ended = true;
                    }
                }
                Next::Event(Event::Failed(message)) => {
                    self.pipeline = None;
                    if batches.is_empty() {
                        return Err(logframe_error(py, "LogframeError", message));
                    }
                    self.pending_error = Some(message);
                    break;
                }
            }
        }
        if batches.is_empty() && deadline.is_none() && self.pipeline.is_none() {
            return Ok(None); // the pass is over and nothing is left to hand on
        }
        let batch = (!batches.is_empty()).then_some(Batch { batches });
        Ok(Some((batch, read)))
    }

    /// Stop reading (the threads end); the report then covers what was read.
    fn close(&mut self, py: Python<'_>) {
        // Joining the threads without the GIL: a reader inside a Python file object's `read` may be
        // waiting for it.
        let pipeline = self.pipeline.take();
        py.detach(move || drop(pipeline));
    }

    /// Per source: line accounting of what this pass read.
    fn report<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let out = PyList::empty(py);
        for state in &self.sources {
            let c = &state.counts;
            let d = PyDict::new(py);
            d.set_item("source", &state.name)?;
            d.set_item("format", state.format)?;
            d.set_item("compression", state.compression.name())?;
            d.set_item("complete", state.ended && state.error.is_none())?;
            d.set_item("error", &state.error)?;
            d.set_item("bytes", state.bytes)?;
            d.set_item("lines", c.lines)?;
            d.set_item("records", c.records)?;
            d.set_item("merged", c.merged)?;
            d.set_item("invalid_utf8", c.invalid_utf8)?;
            d.set_item("replaced_surrogates", c.replaced_surrogates)?;
            d.set_item("null_timestamp", c.null_timestamp)?;
            d.set_item("timestamp_out_of_range", c.timestamp_out_of_range)?;
            d.set_item("no_level", c.no_level)?;
            let skipped = PyDict::new(py);
            for reason in Reason::ALL {
                let n = c.skipped[reason as usize];
                if n > 0 {
                    skipped.set_item(reason.as_str(), n)?;
                }
            }
            d.set_item("skipped", skipped)?;
            let examples = PyList::empty(py);
            for e in &c.examples {
                examples.append((e.reason.as_str(), e.line, &e.text))?;
            }
            d.set_item("examples", examples)?;
            out.append(d)?;
        }
        Ok(out)
    }
}

/// The first `n` non-blank stripped lines among the first `max_bytes` (decompressed) of a source.
#[pyfunction]
fn sample(
    py: Python<'_>,
    source: Bound<'_, PyAny>,
    n: usize,
    max_bytes: usize,
) -> PyResult<Vec<String>> {
    let input = input(&source);
    py.detach(|| reader::sample(input, n, max_bytes))
        .map_err(|e| PyValueError::new_err(e.to_string()))
}

/// `(format name, why)` for a sample of a source's lines; `FormatError` if none fits.
#[pyfunction]
fn detect(py: Python<'_>, lines: Vec<String>, source: &str) -> PyResult<(String, String)> {
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    guarded(py, "format detection", || {
        formats::detect::detect(&lines, source)
            .map(|(kind, why)| (kind.name().to_string(), why))
            .map_err(|e| logframe_error(py, "FormatError", e))
    })
}

/// Check a field mapping of the generic JSON format (`FormatError` naming the accepted keys).
#[pyfunction]
fn check_mapping(py: Python<'_>, mapping: Vec<(String, String)>) -> PyResult<()> {
    format(py, "json", &mapping, 1970).map(|_| ())
}

/// Nanoseconds since the epoch of a time as logs write it; None if it cannot be read.
#[pyfunction]
fn parse_timestamp(py: Python<'_>, text: &str) -> PyResult<Option<i64>> {
    guarded(py, "reading a time", || {
        Ok(timestamps::parse_timestamp(text).ok())
    })
}

/// `(level, component, message, [(key, value)])` of an application message.
#[pyfunction]
#[allow(clippy::type_complexity)]
fn parse_message(
    text: &str,
) -> (
    Option<&'static str>,
    Option<String>,
    Option<String>,
    Vec<(String, Option<String>)>,
) {
    let m = message::parse_message(text, &Want::ALL);
    (
        m.level.map(vocabulary::Level::as_str),
        m.component.map(|c| c.into_owned()),
        m.message.map(|c| c.into_owned()),
        m.fields
            .into_iter()
            .map(|(k, v)| (k.into_owned(), v.map(|v| v.into_owned())))
            .collect(),
    )
}

/// The level names and their spellings (checked against `logframe.schema` by a test).
#[pyfunction]
fn level_spellings() -> Vec<(&'static str, &'static str)> {
    vocabulary::SPELLINGS
        .iter()
        .map(|(s, l)| (*s, l.as_str()))
        .collect()
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Scanner>()?;
    m.add_class::<Batch>()?;
    m.add_function(wrap_pyfunction!(sample, m)?)?;
    m.add_function(wrap_pyfunction!(detect, m)?)?;
    m.add_function(wrap_pyfunction!(check_mapping, m)?)?;
    m.add_function(wrap_pyfunction!(parse_timestamp, m)?)?;
    m.add_function(wrap_pyfunction!(parse_message, m)?)?;
    m.add_function(wrap_pyfunction!(level_spellings, m)?)?;
    m.add(
        "FORMATS",
        Kind::ALL.iter().map(|k| k.name()).collect::<Vec<_>>(),
    )?;
    Ok(())
}
