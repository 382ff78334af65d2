//! Docker's `json-file` logging driver: `{"log": "text\n", "stream": "stderr", "time": "..."}`.
//!
//! Ported from `logframe/formats/docker.py` (the Polars-expression parser it replaced, removed on 2026-12-02). The runtime cuts a long line into pieces of 16 KiB: only the
//! last piece's `log` ends with a newline, so a piece whose `log` is a string without one is
//! [`Raw::open`](crate::record::Raw::open): its record goes on in the next line (the pipeline concatenates the pieces' logs
//! and keeps the first piece's time and stream). Decoding is the CloudWatch format's, without the
//! `kubernetes` object; bad lines are skipped by the same reasons.

use std::borrow::Cow;

use crate::formats::cloudwatch;
use crate::json::{skip_reason, Kind};
use crate::record::Decoded;

/// Decode one line (one piece of a record): its time, stream and log.
///
/// The piece is `open` when its `log` is a string not ending with `\n`. A piece that ends its record
/// has one trailing `\n`, then one `\r`, stripped from its log.
pub fn decode(line: &str) -> Decoded<'_> {
    let mut found = cloudwatch::Found::default();
    if cloudwatch::scan(line, false, &mut found).is_err() {
        return Err(skip_reason(line));
    }
    let is_string = found.log.is_some_and(|v| v.kind == Kind::String);
    let mut raw = found.raw();
    raw.open = is_string && !raw.log.as_deref().is_some_and(|log| log.ends_with('\n'));
    if !raw.open {
        raw.log = raw.log.map(strip_end);
    }
    Ok(raw)
}

/// `log` without one trailing `\n`, then without one trailing `\r`.
fn strip_end(log: Cow<'_, str>) -> Cow<'_, str> {
    let keep = |s: &str| {
        let s = s.strip_suffix('\n').unwrap_or(s);
        s.strip_suffix('\r').unwrap_or(s).len()
    };
    match log {
        Cow::Borrowed(s) => Cow::Borrowed(s.get(..keep(s)).unwrap_or(s)),
        Cow::Owned(mut s) => {
            s.truncate(keep(&s));
            Cow::Owned(s)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Raw, Reason};
    use proptest::prelude::*;

    fn ok(line: &str) -> Raw<'_> {
        decode(line).expect("a record")
    }

    #[test]
    fn pieces_and_newlines() {
        let raw = ok(
            r#"{"log":"ERROR:app.db:Connection fa","stream":"stderr","time":"2025-10-07T16:19:05.7716Z"}"#,
        );
        assert_eq!(raw.log.as_deref(), Some("ERROR:app.db:Connection fa"));
        assert_eq!(raw.stream.as_deref(), Some("stderr"));
        assert_eq!(raw.time.as_deref(), Some("2025-10-07T16:19:05.7716Z"));
        assert!(raw.open);
        assert!(
            matches!(raw.log, Some(Cow::Borrowed(_))),
            "borrowed without escapes"
        );
        let raw =
            ok(r#"{"log":"iled tenant=b\n","stream":"stderr","time":"2025-10-07T16:19:05.7717Z"}"#);
        assert_eq!(raw.log.as_deref(), Some("iled tenant=b"));
        assert!(!raw.open);
    }

    #[test]
    fn one_newline_then_one_carriage_return_are_stripped() {
        let log = |line: &str| ok(line).log.map(Cow::into_owned);
        assert_eq!(
            log(r#"{"log":"WARNING:app.cache:miss rate high\r\n"}"#).as_deref(),
            Some("WARNING:app.cache:miss rate high")
        );
        assert_eq!(log(r#"{"log":"a\n\n"}"#).as_deref(), Some("a\n"));
        assert_eq!(log(r#"{"log":"a\r\r\n"}"#).as_deref(), Some("a\r"));
        assert_eq!(log(r#"{"log":"\n"}"#).as_deref(), Some(""));
        assert!(
            ok(r#"{"log":"a\r"}"#).open,
            "no newline: the record goes on"
        );
        assert_eq!(
            log(r#"{"log":"a\r"}"#).as_deref(),
            Some("a\r"),
            "an open piece is kept whole"
        );
        assert_eq!(
            log(r#"{"log":"ready ✅ 環境=本番\n"}"#).as_deref(),
            Some("ready ✅ 環境=本番")
        );
    }

    #[test]
    fn other_types_and_bad_lines_close_the_record() {
        let raw = ok(r#"{"log": 1}"#);
        assert_eq!((raw.log.as_deref(), raw.open), (Some("1"), false));
        let raw = ok(r#"{"log": null}"#);
        assert_eq!((raw.log, raw.open), (None, false));
        let raw = ok("{}");
        assert_eq!((raw.log, raw.open), (None, false));
        let raw = ok(r#"{"log": {"a": "b\n"}}"#);
        assert_eq!(
            (raw.log.as_deref(), raw.open),
            (Some(r#"{"a":"b\n"}"#), false)
        );
        assert_eq!(decode("{not json"), Err(Reason::InvalidJson));
        assert_eq!(decode("[1]"), Err(Reason::NotAJsonObject));
        assert_eq!(decode("{{}"), Err(Reason::InvalidJson));
        assert_eq!(decode("null"), Err(Reason::NotAJsonObject));
    }

    #[test]
    fn kubernetes_is_not_read() {
        let raw = ok(r#"{"log":"x\n","kubernetes":{"pod_name":"p"}}"#);
        assert_eq!(raw.pod, None);
    }

    #[test]
    fn defects_of_the_old_code_are_fixed() {
        let raw = ok(r#"{"log":"x\n","time":"t","a":1e999}"#);
        assert_eq!(raw.log.as_deref(), Some("x"));
        let raw = ok(r#"{"log":"\ud800\n"}"#);
        assert_eq!((raw.log.as_deref(), raw.replaced), (Some("\u{fffd}"), true));
        let nines = "9".repeat(4301);
        let line = format!(r#"{{"log":"x\n","time":{nines}}}"#);
        assert_eq!(ok(&line).time.as_deref(), Some(nines.as_str()));
    }

    proptest! {
        #[test]
        fn never_panics(text in any::<String>()) {
            let _ = decode(&text);
        }

        #[test]
        fn serialized_pieces_decode_back(log in any::<String>(), stream in "std(out|err)", time in any::<String>()) {
            let line = serde_json::json!({"log": log, "stream": stream, "time": time}).to_string();
            let raw = decode(&line).map(Raw::into_owned);
            let open = !log.ends_with('\n');
            let want = if open { log.clone() } else { strip_end(Cow::Borrowed(&log)).into_owned() };
            prop_assert_eq!(raw, Ok(Raw {
                time: Some(time.into()),
                stream: Some(stream.into()),
                log: Some(want.into()),
                open,
                ..Raw::default()
            }));
        }
    }
}
