//! A pass over every source: one reader thread cuts chunks, worker threads decode them in parallel,
//! and the consumer gets the results back in input order (sources in order, chunks in order).
//!
//! At most `tickets` chunks are in flight (read, being decoded, or decoded but not yet consumed), so
//! memory is bounded whatever the input size. Dropping the pipeline stops its threads.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Instant;

use arrow_array::RecordBatch;

use crossbeam_channel::{bounded, Receiver, RecvTimeoutError, Sender};

use crate::decode::{decode_chunk, Plan};
use crate::formats::Format;
use crate::reader::{open, Chunker, Compression, Input, Piece};
use crate::record::Reason;
use crate::report::Counts;

/// One source of a pass.
pub struct SourceSpec {
    pub name: String,
    pub input: Input,
    pub format: Format,
}

/// Sizes of a pass.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub chunk_size: usize,
    /// Stop after about this many (decompressed) bytes in all (a preview).
    pub max_bytes: Option<u64>,
    pub threads: usize,
}

/// What the consumer gets, in input order.
pub enum Event {
    /// The records of one chunk (possibly none pass the filter) and its line accounting.
    Batch {
        source: usize,
        batch: Option<RecordBatch>,
        counts: Counts,
        read: u64,
    },
    /// A source ended: fully read, or damaged / unreadable after `bytes` decompressed bytes.
    End {
        source: usize,
        compression: Compression,
        error: Option<String>,
        bytes: u64,
    },
    /// A bug in the decoder (a panic), caught: the pass fails with this message.
    Failed(String),
}

enum Job {
    Lines {
        source: usize,
        first_line: u64,
        data: Vec<u8>,
        newlines: Vec<usize>,
        read: u64,
    },
    TooLong {
        source: usize,
        line: u64,
        read: u64,
    },
    End {
        source: usize,
        compression: Compression,
        error: Option<String>,
        bytes: u64,
    },
    Failed(String),
}

/// What waiting for the next event gave.
pub enum Next {
    Event(Event),
    /// The deadline passed first.
    NotYet,
    /// The pass is over.
    Over,
}

/// A running pass.
pub struct Pipeline {
    results: Option<Receiver<(u64, Event)>>,
    tickets: Option<Sender<()>>,
    pending: BTreeMap<u64, Event>,
    next: u64,
    threads: Vec<JoinHandle<()>>,
}

/// The message of a caught panic.
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}

fn read_sources(
    sources: Vec<SourceSpec>,
    options: Options,
    max_line: usize,
    tickets: Receiver<()>,
    jobs: Sender<(u64, Job)>,
    spare: Receiver<Vec<u8>>,
) {
    let mut seq = 0u64;
    let mut total = 0u64;
    let mut send = |job: Job| -> bool {
        if tickets.recv().is_err() {
            return false;
        }
        let ok = jobs.send((seq, job)).is_ok();
        seq += 1;
        ok
    };
    for (index, spec) in sources.into_iter().enumerate() {
        let (stream, compression, raw) = match open(spec.input, options.chunk_size) {
            Ok(opened) => opened,
            Err(e) => {
                let error = Some(format!("cannot read {}: {e}", spec.name));
                if !send(Job::End {
                    source: index,
                    compression: Compression::None,
                    error,
                    bytes: 0,
                }) {
                    return;
                }
                continue;
            }
        };
        let mut chunker =
            Chunker::new(stream, spec.format, options.chunk_size, max_line).recycle(spare.clone());
        if compression == Compression::None {
            chunker = chunker.read_directly(); // see `open`: the stream is the file's `BufReader`
        }
        let mut line = 1u64;
        let mut reported = 0u64;
        let mut error = None;
        let mut stop = false;
        loop {
            let piece = match chunker.next_piece() {
                Ok(Some(piece)) => piece,
                Ok(None) => break,
                Err(e) => {
                    error = Some(format!(
                        "{} stream of {} is damaged: {e}",
                        compression.name(),
                        spec.name
                    ));
                    break;
                }
            };
            let now = raw.load(Ordering::Relaxed);
            let read = now - reported;
            reported = now;
            let count = piece.line_count();
            let job = match piece {
                Piece::Lines { data, newlines } => Job::Lines {
                    source: index,
                    first_line: line,
                    data,
                    newlines,
                    read,
                },
                Piece::TooLong => Job::TooLong {
                    source: index,
                    line,
                    read,
                },
            };
            line += count;
            if !send(job) {
                return;
            }
            if options
                .max_bytes
                .is_some_and(|max| total + chunker.consumed >= max)
            {
                stop = true;
                break;
            }
        }
        total += chunker.consumed;
        let end = Job::End {
            source: index,
            compression,
            error,
            bytes: chunker.consumed,
        };
        if !send(end) || stop {
            return;
        }
    }
}

fn work(plan: &Plan, formats: &[(String, Format)], job: Job, spare: &Sender<Vec<u8>>) -> Event {
    match job {
        Job::Lines {
            source,
            first_line,
            data,
            newlines,
            read,
        } => {
            let (name, format) = &formats[source];
            let decoded = catch_unwind(AssertUnwindSafe(|| {
                decode_chunk(plan, format, name, &data, &newlines, first_line)
            }));
            let _ = spare.try_send(data); // the reader reuses it (dropped if the pool is full)
            match decoded {
                Ok(Ok((batch, counts))) => {
                    let batch = (batch.num_rows() > 0).then_some(batch);
                    Event::Batch {
                        source,
                        batch,
                        counts,
                        read,
                    }
                }
                Ok(Err(e)) => Event::Failed(format!(
                    "building the records of {name} from line {first_line}: {e}"
                )),
                Err(panic) => Event::Failed(format!(
                    "internal error decoding {name} from line {first_line} (please report it): {}",
                    panic_text(&*panic)
                )),
            }
        }
        Job::TooLong { source, line, read } => {
            let mut counts = Counts {
                lines: 1,
                ..Counts::default()
            };
            counts.skip(Reason::LineTooLong, line, "");
            Event::Batch {
                source,
                batch: None,
                counts,
                read,
            }
        }
        Job::End {
            source,
            compression,
            error,
            bytes,
        } => Event::End {
            source,
            compression,
            error,
            bytes,
        },
        Job::Failed(message) => Event::Failed(message),
    }
}

impl Pipeline {
    /// Start a pass over `sources` (reading and decoding begin at once, in the background).
    pub fn start(sources: Vec<SourceSpec>, plan: Plan, options: Options) -> Pipeline {
        let threads = options.threads.max(1);
        let in_flight = threads + 2;
        let (ticket_tx, ticket_rx) = bounded::<()>(in_flight);
        for _ in 0..in_flight {
            let _ = ticket_tx.send(());
        }
        let (job_tx, job_rx) = bounded::<(u64, Job)>(in_flight);
        let (result_tx, result_rx) = bounded::<(u64, Event)>(in_flight);
        let (spare_tx, spare_rx) = bounded::<Vec<u8>>(in_flight);
        let formats: Arc<Vec<(String, Format)>> = Arc::new(
            sources
                .iter()
                .map(|s| (s.name.clone(), s.format.clone()))
                .collect(),
        );
        let plan = Arc::new(plan);
        let mut handles = Vec::new();
        let reader_options = options;
        let max_line = plan.max_line; // one cap: the reader drops what the workers would skip
        handles.push(std::thread::spawn(move || {
            let failed = job_tx.clone();
            let read = catch_unwind(AssertUnwindSafe(|| {
                read_sources(
                    sources,
                    reader_options,
                    max_line,
                    ticket_rx,
                    job_tx,
                    spare_rx,
                )
            }));
            if let Err(panic) = read {
                let message = format!(
                    "internal error reading the sources (please report it): {}",
                    panic_text(&*panic)
                );
                let _ = failed.send((u64::MAX, Job::Failed(message)));
            }
        }));
        for _ in 0..threads {
            let (jobs, results, spare) = (job_rx.clone(), result_tx.clone(), spare_tx.clone());
            let (plan, formats) = (plan.clone(), formats.clone());
            handles.push(std::thread::spawn(move || {
                while let Ok((seq, job)) = jobs.recv() {
                    if results
                        .send((seq, work(&plan, &formats, job, &spare)))
                        .is_err()
                    {
                        return;
                    }
                }
            }));
        }
        Pipeline {
            results: Some(result_rx),
            tickets: Some(ticket_tx),
            pending: BTreeMap::new(),
            next: 0,
            threads: handles,
        }
    }

    /// The next event in input order; None when the pass is over.
    pub fn next_event(&mut self) -> Option<Event> {
        match self.next_event_until(None) {
            Next::Event(event) => Some(event),
            Next::Over | Next::NotYet => None,
        }
    }

    /// The next event in input order if it comes before `deadline` (None: wait for it).
    pub fn next_event_until(&mut self, deadline: Option<Instant>) -> Next {
        loop {
            if let Some(event) = self.pending.remove(&self.next) {
                self.next += 1;
                if let Some(tickets) = &self.tickets {
                    let _ = tickets.send(());
                }
                return Next::Event(event);
            }
            let Some(results) = self.results.as_ref() else {
                return Next::Over;
            };
            let received = match deadline {
                None => results.recv().map_err(|_| RecvTimeoutError::Disconnected),
                Some(deadline) => results.recv_deadline(deadline),
            };
            let (seq, event) = match received {
                Ok(received) => received,
                Err(RecvTimeoutError::Timeout) => return Next::NotYet,
                Err(RecvTimeoutError::Disconnected) => return Next::Over,
            };
            if matches!(event, Event::Failed(_)) {
                return Next::Event(event); // the pass is over: no order to keep
            }
            self.pending.insert(seq, event);
        }
    }
}

impl Drop for Pipeline {
    fn drop(&mut self) {
        // Closing the channels ends the reader (no more tickets) and the workers (no one to send to).
        self.results.take();
        self.tickets.take();
        self.pending.clear();
        for handle in self.threads.drain(..) {
            let _ = handle.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::Columns;
    use crate::filter::Filter;
    use crate::formats::Kind;

    /// A pass over `data` (logfmt) building only the `line` column.
    fn start(data: &'static [u8], chunk_size: usize, threads: usize) -> Pipeline {
        let format = Format::new(Kind::Logfmt, &[], 2025).unwrap();
        let spec = SourceSpec {
            name: "mem".into(),
            input: Input::Reader(Box::new(data)),
            format,
        };
        let plan = Plan::new(
            Columns::from_names(&["line"]).unwrap(),
            Filter::default(),
            1 << 20,
        );
        let options = Options {
            chunk_size,
            max_bytes: None,
            threads,
        };
        Pipeline::start(vec![spec], plan, options)
    }

    fn run(data: &'static [u8], chunk_size: usize, threads: usize) -> (u64, Vec<i64>) {
        let mut pipeline = start(data, chunk_size, threads);
        let (mut lines, mut numbers) = (0, Vec::new());
        while let Some(event) = pipeline.next_event() {
            if let Event::Batch { batch, counts, .. } = event {
                lines += counts.lines;
                if let Some(batch) = batch {
                    let column = batch
                        .column(0)
                        .as_any()
                        .downcast_ref::<arrow_array::Int64Array>()
                        .unwrap();
                    numbers.extend(column.values().iter().copied());
                }
            }
        }
        (lines, numbers)
    }

    #[test]
    fn every_line_is_counted_once_whatever_the_chunking() {
        let data = b"a=1\nb=2\n\nc=3\nd=4\ne=5\n";
        for chunk in [1, 3, 7, 1000] {
            for threads in [1, 2, 4] {
                let (lines, _) = run(data, chunk, threads);
                assert_eq!(lines, 6, "chunk {chunk}, threads {threads}");
            }
        }
    }

    #[test]
    fn dropping_a_pass_midway_stops_its_threads() {
        let data: &'static [u8] = Box::leak(b"a=1\n".repeat(100_000).into_boxed_slice());
        let mut pipeline = start(data, 64, 2);
        assert!(pipeline.next_event().is_some());
        drop(pipeline); // joins its threads: the test would hang if they did not stop
    }
}
