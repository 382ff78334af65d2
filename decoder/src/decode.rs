//! One chunk of a source's lines to one record batch: split, strip, account, merge, decode, parse,
//! filter, build. Chunks are independent (the reader cuts them where no record spans the cut), so
//! workers decode them in parallel.

use std::borrow::Cow;

use arrow_array::RecordBatch;

use crate::batch::{BatchBuilder, Columns, Row};
use crate::embedded;
use crate::filter::Filter;
use crate::formats::{Format, Merge, STRIP_ALL};
use crate::message::{parse_message, Message};
use crate::record::{Raw, Reason, Want};
use crate::report::Counts;
use crate::timestamps::{parse_timestamp, TimeError};
use crate::vocabulary::level_of;

/// What every chunk of a pass shares.
#[derive(Debug, Clone)]
pub struct Plan {
    pub columns: Columns,
    pub want: Want,
    pub filter: Filter,
    /// A line longer than this (bytes) is skipped as `line_too_long`.
    pub max_line: usize,
    /// Count null timestamps and levels (a report pass).
    pub count_nulls: bool,
}

impl Plan {
    pub fn new(columns: Columns, filter: Filter, max_line: usize) -> Plan {
        let has = |name| columns.has(name);
        let want = Want {
            timestamp: has("timestamp"),
            level: has("level"),
            component: has("component"),
            message: has("message"),
            namespace: has("namespace"),
            pod: has("pod"),
            container: has("container"),
            stream: has("stream"),
            fields: has("fields"),
        };
        Plan {
            columns,
            want,
            filter,
            max_line,
            count_nulls: false,
        }
    }
}

/// The byte ranges of the lines of `data`, whose newlines are at `newlines` (the last line may lack
/// its newline; a trailing newline ends the last line rather than starting an empty one).
fn lines<'d>(
    data: &'d [u8],
    newlines: &'d [usize],
) -> impl Iterator<Item = std::ops::Range<usize>> + 'd {
    let mut start = 0;
    let last = newlines.last().map_or(0, |&i| i + 1);
    newlines
        .iter()
        .map(move |&end| {
            let range = start..end;
            start = end + 1;
            range
        })
        .chain((last < data.len()).then_some(last..data.len()))
}

/// `text` without the `strip` characters at either end. Every strip set is whitespace, control
/// characters and the BOM, so a line that starts and ends with a printable ASCII byte (almost every
/// line) is returned as it is, without decoding characters.
#[inline]
fn trimmed<'t>(text: &'t str, strip: &[char]) -> &'t str {
    let printable = |b: Option<&u8>| b.is_some_and(|&b| (0x21..0x7f).contains(&b));
    let bytes = text.as_bytes();
    if printable(bytes.first()) && printable(bytes.last()) {
        text
    } else {
        text.trim_matches(strip)
    }
}

/// Decode the lines of one chunk, numbered from `first_line`: its bytes and the offsets of their
/// newlines, which the reader found (see [`crate::reader::Piece`]).
pub fn decode_chunk(
    plan: &Plan,
    format: &Format,
    source: &str,
    data: &[u8],
    newlines: &[usize],
    first_line: u64,
) -> Result<(RecordBatch, Counts), String> {
    let mut out = Sink::new(plan, format, source);
    let reads = out.reads;
    let strip = format.strip();
    let merge = format.merge();
    let mut group = String::new(); // Merge::Lines: the record's lines joined by '\n'
    let mut group_line = 0u64;
    let mut group_lines = 0u64;
    let mut piece: Option<(Raw<'static>, u64)> = None; // Merge::Pieces: the open record and its line
                                                       // One validation of the whole chunk; only a chunk with invalid UTF-8 is repaired line by line.
    let valid = simdutf8::basic::from_utf8(data).ok();
    for (line, range) in (first_line..).zip(lines(data, newlines)) {
        out.counts.lines += 1;
        if range.len() > plan.max_line {
            out.counts.skip(Reason::LineTooLong, line, "");
            continue;
        }
        let decoded: Cow<str> = match valid.and_then(|text| text.get(range.clone())) {
            Some(text) => Cow::Borrowed(text),
            None => String::from_utf8_lossy(&data[range]),
        };
        if matches!(decoded, Cow::Owned(_)) {
            out.counts.invalid_utf8 += 1;
        }
        let text = trimmed(&decoded, strip);
        let blank = if std::ptr::eq(strip, STRIP_ALL) {
            text.is_empty()
        } else {
            text.trim().is_empty()
        };
        if blank {
            out.counts.skip(Reason::Blank, line, text);
            continue;
        }
        match merge {
            Merge::None => {
                let decoded = format.decode(text, &reads);
                out.take(decoded, line, text);
            }
            Merge::Lines => {
                if group_lines > 0 && format.continues(text) {
                    group.push('\n');
                    group.push_str(text);
                    group_lines += 1;
                    out.counts.merged += 1;
                    continue;
                }
                if group_lines > 0 {
                    let decoded = format.decode(&group, &reads);
                    out.take(decoded, group_line, &group);
                }
                group.clear();
                group.push_str(text);
                group_line = line;
                group_lines = 1;
            }
            Merge::Pieces => match format.decode(text, &reads) {
                Ok(raw) => {
                    if let Some((mut open, at)) = piece.take() {
                        let log = open.log.get_or_insert(Cow::Borrowed("")).to_mut();
                        log.push_str(raw.log.as_deref().unwrap_or(""));
                        out.counts.merged += 1;
                        if raw.open {
                            piece = Some((open, at));
                        } else {
                            open.open = false;
                            out.take(Ok(open), at, "");
                        }
                    } else if raw.open {
                        piece = Some((raw.into_owned(), line));
                    } else {
                        out.take(Ok(raw), line, text);
                    }
                }
                Err(reason) => {
                    if let Some((open, at)) = piece.take() {
                        out.take(Ok(open), at, "");
                    }
                    out.take(Err(reason), line, text);
                }
            },
        }
    }
    if group_lines > 0 {
        let decoded = format.decode(&group, &reads);
        out.take(decoded, group_line, &group);
    }
    if let Some((open, at)) = piece.take() {
        out.take(Ok(open), at, "");
    }
    let batch = out.builder.finish().map_err(|e| e.to_string())?;
    Ok((batch, out.counts))
}

struct Sink<'p> {
    plan: &'p Plan,
    format: &'p Format,
    builder: BatchBuilder,
    counts: Counts,
    /// What [`Sink::take`] reads of a record: the wanted columns, and what the filter and a report
    /// pass read besides (the time, the level, the place). Formats need turn nothing else into text.
    reads: Want,
    /// What the message is parsed for, with or without its level (a format's own level word wins):
    /// worked out once a chunk rather than once a record.
    with_level: Want,
    without_level: Want,
}

impl<'p> Sink<'p> {
    fn new(plan: &'p Plan, format: &'p Format, source: &str) -> Sink<'p> {
        let (want, filter) = (&plan.want, &plan.filter);
        let time = want.timestamp || filter.on_time() || plan.count_nulls;
        let level = want.level || filter.on_level() || plan.count_nulls;
        Sink {
            plan,
            format,
            builder: BatchBuilder::new(plan.columns, source),
            counts: Counts::default(),
            reads: Want {
                timestamp: time,
                level,
                namespace: want.namespace || filter.namespace.reads(),
                pod: want.pod || filter.pod.reads(),
                container: want.container || filter.container.reads(),
                ..*want
            },
            with_level: Want { level, ..*want },
            without_level: Want {
                level: false,
                ..*want
            },
        }
    }

    /// Account for one decoded record (or skipped line) and build its row if it passes the filter.
    fn take(&mut self, mut decoded: Result<Raw<'_>, Reason>, line: u64, text: &str) {
        let raw = match &mut decoded {
            Ok(raw) => raw, // borrowed, not moved: a record is 200 bytes
            Err(reason) => {
                self.counts.skip(*reason, line, text);
                return;
            }
        };
        self.counts.records += 1;
        if raw.replaced {
            self.counts.replaced_surrogates += 1;
        }
        let plan = self.plan;
        if self.format.embedded_json() && raw.log.as_deref().is_some_and(|l| l.starts_with('{')) {
            *raw = embedded::unwrap(std::mem::take(raw));
        }
        let (namespace, pod, container) = (
            raw.namespace.as_deref(),
            raw.pod.as_deref(),
            raw.container.as_deref(),
        );
        if !plan.filter.admits_place(namespace, pod, container) && !plan.count_nulls {
            return;
        }
        let timestamp = if self.reads.timestamp {
            match raw.time.as_deref().map(parse_timestamp) {
                Some(Ok(ns)) => Some(ns),
                Some(Err(TimeError::OutOfRange)) => {
                    self.counts.timestamp_out_of_range += 1;
                    None
                }
                _ => None,
            }
        } else {
            None
        };
        if plan.count_nulls && timestamp.is_none() {
            self.counts.null_timestamp += 1;
        }
        let explicit = raw.raw_level.as_deref().and_then(|w| level_of(w.trim()));
        let want = if explicit.is_none() {
            &self.with_level
        } else {
            &self.without_level
        };
        let parsed = match raw.log.as_deref() {
            Some(log) if want.parses_message() => parse_message(log, want),
            _ => Message::default(),
        };
        let level = explicit.or(parsed.level);
        if plan.count_nulls && level.is_none() {
            self.counts.no_level += 1;
        }
        if !(plan.filter.admits_place(namespace, pod, container)
            && plan.filter.admits_time(timestamp)
            && plan.filter.admits_level(level))
        {
            return;
        }
        self.builder.push(&Row {
            timestamp,
            level,
            component: parsed.component.as_deref(),
            message: if raw.log.is_some() {
                parsed.message.as_deref()
            } else {
                None
            },
            namespace,
            pod,
            container,
            stream: raw.stream.as_deref(),
            fields: &raw.attrs,
            more_fields: &parsed.fields,
            line,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::STRIP_EOL;
    use proptest::prelude::*;

    proptest! {
        /// The lines by the reader's newlines are those of splitting the bytes at each newline, but
        /// for the empty line after a trailing one.
        #[test]
        fn lines_by_newline_offsets_split_at_every_newline(data in proptest::collection::vec(prop_oneof![Just(b'\n'), any::<u8>()], 0..60)) {
            let newlines = crate::reader::newlines(&data, 0);
            let got: Vec<&[u8]> = lines(&data, &newlines).map(|r| &data[r]).collect();
            let mut expected: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
            if data.is_empty() || data.ends_with(b"\n") {
                expected.pop();
            }
            prop_assert_eq!(got, expected);
        }
    }

    #[test]
    fn the_trim_shortcut_gives_what_trim_matches_gives() {
        // The shortcut holds only while no strip set has a printable ASCII character.
        for set in [STRIP_ALL, STRIP_EOL] {
            assert!(set.iter().all(|c| !('!'..='~').contains(c)));
            for text in [
                "{}",
                " {} ",
                "\u{feff}{\"a\":1}\r",
                "\t\t",
                "",
                "é{}é",
                "a",
                "\r\n",
                "x \u{0b}",
            ] {
                assert_eq!(trimmed(text, set), text.trim_matches(set), "{text:?}");
            }
        }
    }
}

#[cfg(test)]
mod narrow_passes {
    //! A pass that builds a few columns turns only what it reads into text: it must give exactly the
    //! rows, columns and counts of a pass building every column.
    use super::*;
    use crate::batch::COLUMNS;
    use crate::filter::Allowed;
    use crate::formats::Kind;
    use std::collections::HashSet;

    const LINES: &[&str] = &[
        r#"{"time": "2025-10-07T16:19:05.771609Z", "stream": "stderr", "log": "ERROR:app.db:Connection failed tenant=b", "kubernetes": {"pod_name": "backend-5", "namespace_name": "pax-dev", "container_name": "backend"}}"#,
        r#"{"time": "2025-10-07T16:19:06Z", "stream": "std\ud800out", "log": "INFO:a:x", "kubernetes": {"pod_name": "p\udc00", "namespace_name": "n\u00e9", "container_name": "c\ud800"}}"#,
        r#"{"stream": "stdout", "log": "{\"level\": \"warn\", \"msg\": \"inner\", \"time\": \"2025-10-07T16:20:00Z\", \"pod\": \"inner-pod\", \"namespace\": \"inner-ns\", \"container\": \"backend\", \"stream\": \"s\"}"}"#,
        r#"{"log": "\u007b\"msg\": \"escaped brace\", \"time\": \"2025-10-07T16:21:00Z\", \"pod\": \"backend-5\"}"}"#,
        r#"{"time": 1759852800, "log": {"msg": "object log", "container": "backend"}, "kubernetes": "backend"}"#,
        r#"{"time": "9999-99-99", "log": 12345, "kubernetes": {"pod_name": 7, "container_name": ["a"]}}"#,
        r#"{"time": "+999999-01-01T00:00:00Z", "log": "[WARN] out of range"}"#,
        r#"{"log": "no time, no level", "kubernetes": {"container_name": "backend"}}"#,
        r#"{"log": null, "time": null, "stream": "\ud800", "kubernetes": {"container_name": null}}"#,
        "",
        "{]",
        r#"{"log": "cut"#,
        "[1, 2]",
        r#"{"log": "a", "log": "b", "kubernetes": {"container_name": "backend", "container_name": "x"}}"#,
    ];

    fn pass(columns: &[&str], filter: &Filter, count_nulls: bool) -> (RecordBatch, Counts) {
        let columns = Columns::from_names(columns).expect("known columns");
        let mut plan = Plan::new(columns, filter.clone(), 1 << 20);
        plan.count_nulls = count_nulls;
        let format = Format::new(Kind::CloudWatch, &[], 2025).expect("a format");
        let data = LINES.join("\n");
        let newlines = crate::reader::newlines(data.as_bytes(), 0);
        decode_chunk(&plan, &format, "s", data.as_bytes(), &newlines, 1).expect("a batch")
    }

    fn filters() -> Vec<Filter> {
        let set = |values: &[&str], null| Allowed {
            values: Some(values.iter().map(|v| v.to_string()).collect::<HashSet<_>>()),
            null,
        };
        vec![
            Filter::default(),
            Filter {
                container: set(&["backend"], false),
                ..Filter::default()
            },
            Filter {
                namespace: set(&["inner-ns", "pax-dev"], true),
                pod: set(&["inner-pod", "backend-5", "p\u{fffd}"], false),
                ..Filter::default()
            },
            Filter {
                levels: Some([false, false, true, true, true, true]),
                min_time: Some(0),
                ..Filter::default()
            },
        ]
    }

    #[test]
    fn every_narrow_pass_gives_the_columns_of_the_full_pass() {
        let all: Vec<&str> = COLUMNS.to_vec();
        let narrow: &[&[&str]] = &[
            &["level", "container", "timestamp"],
            &["timestamp"],
            &["level"],
            &["message"],
            &["line"],
            &["stream", "pod"],
            &["namespace", "fields"],
            &[],
        ];
        for filter in filters() {
            for count_nulls in [false, true] {
                let (full, full_counts) = pass(&all, &filter, count_nulls);
                for columns in narrow {
                    let (batch, counts) = pass(columns, &filter, count_nulls);
                    // Times out of range are counted by the passes that read the time (as before).
                    let mut expected = full_counts.clone();
                    if !(columns.contains(&"timestamp") || filter.on_time() || count_nulls) {
                        expected.timestamp_out_of_range = 0;
                    }
                    assert_eq!(counts, expected, "{columns:?} {filter:?} {count_nulls}");
                    assert_eq!(batch.num_rows(), full.num_rows(), "{columns:?} {filter:?}");
                    for name in columns.iter() {
                        assert_eq!(
                            batch.column_by_name(name),
                            full.column_by_name(name),
                            "{name} of {columns:?} with {filter:?}"
                        );
                    }
                }
            }
        }
        let (_, counts) = pass(&["line"], &Filter::default(), false);
        assert_eq!(
            counts.replaced_surrogates, 2,
            "lone surrogates in values not read"
        );
    }
}
