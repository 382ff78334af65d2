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

/// The byte ranges of the lines of `data` (the last may lack its newline; a trailing newline ends
/// the last line rather than starting an empty one).
fn lines(data: &[u8]) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut start = 0;
    memchr::memchr_iter(b'\n', data)
        .map(move |end| {
            let range = start..end;
            start = end + 1;
            range
        })
        .chain(
            std::iter::once_with(move || data.len()).filter_map(move |len| {
                let last = data.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
                (last < len).then_some(last..len)
            }),
        )
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

/// Decode the lines of one chunk, numbered from `first_line`.
pub fn decode_chunk(
    plan: &Plan,
    format: &Format,
    source: &str,
    data: &[u8],
    first_line: u64,
) -> Result<(RecordBatch, Counts), String> {
    let mut out = Sink {
        plan,
        format,
        builder: BatchBuilder::new(plan.columns, source),
        counts: Counts::default(),
    };
    let strip = format.strip();
    let merge = format.merge();
    let mut group = String::new(); // Merge::Lines: the record's lines joined by '\n'
    let mut group_line = 0u64;
    let mut group_lines = 0u64;
    let mut piece: Option<(Raw<'static>, u64)> = None; // Merge::Pieces: the open record and its line
                                                       // One validation of the whole chunk; only a chunk with invalid UTF-8 is repaired line by line.
    let valid = simdutf8::basic::from_utf8(data).ok();
    for (line, range) in (first_line..).zip(lines(data)) {
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
                let decoded = format.decode(text, &plan.want);
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
                    let decoded = format.decode(&group, &plan.want);
                    out.take(decoded, group_line, &group);
                }
                group.clear();
                group.push_str(text);
                group_line = line;
                group_lines = 1;
            }
            Merge::Pieces => match format.decode(text, &plan.want) {
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
        let decoded = format.decode(&group, &plan.want);
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
}

impl Sink<'_> {
    /// Account for one decoded record (or skipped line) and build its row if it passes the filter.
    fn take(&mut self, decoded: Result<Raw<'_>, Reason>, line: u64, text: &str) {
        let raw = match decoded {
            Ok(raw) => raw,
            Err(reason) => {
                self.counts.skip(reason, line, text);
                return;
            }
        };
        self.counts.records += 1;
        if raw.replaced {
            self.counts.replaced_surrogates += 1;
        }
        let plan = self.plan;
        let raw = if self.format.embedded_json()
            && raw.log.as_deref().is_some_and(|l| l.starts_with('{'))
        {
            embedded::unwrap(raw)
        } else {
            raw
        };
        let (namespace, pod, container) = (
            raw.namespace.as_deref(),
            raw.pod.as_deref(),
            raw.container.as_deref(),
        );
        if !plan.filter.admits_place(namespace, pod, container) && !plan.count_nulls {
            return;
        }
        let timestamp = if plan.want.timestamp || plan.filter.on_time() || plan.count_nulls {
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
        let need_level = plan.want.level || plan.filter.on_level() || plan.count_nulls;
        let want = Want {
            level: need_level && explicit.is_none(),
            ..plan.want
        };
        let parsed = match raw.log.as_deref() {
            Some(log) if want.parses_message() => parse_message(log, &want),
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
