//! logfmt lines: `ts=2025-10-07T16:19:05Z level=warn msg="slow query" tenant=a duration_ms=900`.
//!
//! Well-known keys fill the record ([`KEYS`]): the time from `ts`/`time`/`timestamp`/`t`/`@timestamp`,
//! the level from `level`/`lvl`/`severity`, the message from `msg`/`message`, and
//! `pod`/`host`/`hostname`/`instance`, `container`/`service`/`app`, `namespace`/`ns` and `stream`
//! where present; of several keys of one column, the first pair in the line wins (the others are
//! dropped). Every other pair is kept in the attrs, in order. A line with no `key=value` pair is
//! skipped ([`Reason::NotLogfmt`]). Pairs are read by [`crate::fields::parse_fields`].
//!
//! Ported from `logframe/formats/logfmt.py` (the Polars-expression parser it replaced, removed on 2026-12-02).

use crate::fields::parse_fields;
use crate::record::{Decoded, Raw, Reason};

/// Which keys fill which column of the record (the Python `KEYS`), in the order of [`Raw`]'s fields
/// that they fill: time, raw_level, log, pod, container, namespace, stream.
pub const KEYS: [(&str, &[&str]); 7] = [
    ("time", &["ts", "time", "timestamp", "t", "@timestamp"]),
    ("raw_level", &["level", "lvl", "severity"]),
    ("log", &["msg", "message"]),
    ("pod", &["pod", "host", "hostname", "instance"]),
    ("container", &["container", "service", "app"]),
    ("namespace", &["namespace", "ns"]),
    ("stream", &["stream"]),
];

/// The column (index into [`KEYS`]) a key fills, if it is a well-known one.
fn column(key: &str) -> Option<usize> {
    Some(match key {
        "ts" | "time" | "timestamp" | "t" | "@timestamp" => 0,
        "level" | "lvl" | "severity" => 1,
        "msg" | "message" => 2,
        "pod" | "host" | "hostname" | "instance" => 3,
        "container" | "service" | "app" => 4,
        "namespace" | "ns" => 5,
        "stream" => 6,
        _ => return None,
    })
}

/// Decode one logfmt line (see the module docs); values borrow from the line where they can.
///
/// ```
/// use _native::formats::logfmt::decode;
/// let raw = decode("ts=2025-10-07T16:00:00Z level=warn msg=\"slow query\" tenant=a");
/// # if raw.as_ref().is_ok_and(|r| r.time.is_some()) { // (needs the real `fields::parse_fields`)
/// let raw = raw.unwrap();
/// assert_eq!(raw.raw_level.as_deref(), Some("warn"));
/// assert_eq!(raw.log.as_deref(), Some("slow query"));
/// assert_eq!(raw.attrs.len(), 1);
/// # }
/// ```
pub fn decode(line: &str) -> Decoded<'_> {
    let mut pairs = Vec::new();
    parse_fields(line, &mut pairs);
    if pairs.is_empty() {
        return Err(Reason::NotLogfmt);
    }
    let mut raw = Raw::default();
    let mut filled = [false; 7];
    pairs.retain_mut(|(key, value)| {
        let Some(i) = column(key) else {
            return true;
        };
        if let Some(seen @ false) = filled.get_mut(i) {
            *seen = true;
            let value = value.take();
            match i {
                0 => raw.time = value,
                1 => raw.raw_level = value,
                2 => raw.log = value,
                3 => raw.pod = value,
                4 => raw.container = value,
                5 => raw.namespace = value,
                _ => raw.stream = value,
            }
        }
        false
    });
    raw.attrs = pairs;
    Ok(raw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn attrs<'a>(raw: &'a Raw<'_>) -> Vec<(&'a str, Option<&'a str>)> {
        raw.attrs
            .iter()
            .map(|(k, v)| (k.as_ref(), v.as_deref()))
            .collect()
    }

    #[test]
    fn keys_table_and_column_agree() {
        for (i, (_, keys)) in KEYS.iter().enumerate() {
            for key in keys.iter() {
                assert_eq!(column(key), Some(i), "{key}");
            }
        }
        assert_eq!(column("tenant"), None);
    }

    #[test]
    fn well_known_keys_fill_the_record() {
        let raw = decode(
            r#"ts=2025-10-07T16:00:00Z level=info msg="request done" service=api pod=api-1 path=/cases duration_ms=12"#,
        )
        .unwrap();
        assert_eq!(raw.time.as_deref(), Some("2025-10-07T16:00:00Z"));
        assert_eq!(raw.raw_level.as_deref(), Some("info"));
        assert_eq!(raw.log.as_deref(), Some("request done"));
        assert_eq!(raw.container.as_deref(), Some("api"));
        assert_eq!(raw.pod.as_deref(), Some("api-1"));
        assert_eq!(
            attrs(&raw),
            vec![("path", Some("/cases")), ("duration_ms", Some("12"))]
        );

        let raw =
            decode("time=2025-10-07T16:00:05+02:00 lvl=WARN msg=slow tenant=company-b 環境=本番")
                .unwrap();
        assert_eq!(raw.raw_level.as_deref(), Some("WARN"));
        assert_eq!(
            attrs(&raw),
            vec![("tenant", Some("company-b")), ("環境", Some("本番"))]
        );

        let raw = decode("host=n1 ns=prod stream=stderr app=web instance=i-1 namespace=x").unwrap();
        assert_eq!(
            (
                raw.pod.as_deref(),
                raw.namespace.as_deref(),
                raw.stream.as_deref(),
                raw.container.as_deref()
            ),
            (Some("n1"), Some("prod"), Some("stderr"), Some("web"))
        );
        assert!(raw.attrs.is_empty()); // `instance`, `namespace`: well-known keys, dropped after the first
    }

    #[test]
    fn the_first_pair_in_the_line_wins() {
        let raw = decode("time=a ts=b t=c message=m1 msg=m2 severity=s level=l k=v").unwrap();
        assert_eq!(raw.time.as_deref(), Some("a"));
        assert_eq!(raw.log.as_deref(), Some("m1"));
        assert_eq!(raw.raw_level.as_deref(), Some("s"));
        assert_eq!(attrs(&raw), vec![("k", Some("v"))]);
    }

    #[test]
    fn a_line_without_pairs_is_not_logfmt() {
        assert_eq!(decode("just some words"), Err(Reason::NotLogfmt));
        assert_eq!(decode("=x"), Err(Reason::NotLogfmt));
        let raw = decode("level=debug no message here").unwrap();
        assert_eq!(
            (raw.raw_level.as_deref(), raw.log.as_deref()),
            (Some("debug"), None)
        );
        assert!(raw.attrs.is_empty());
    }

    proptest! {
        #[test]
        fn never_panics(line in "\\PC*") {
            let _ = decode(&line);
        }

        #[test]
        fn generated_lines_decode_to_their_parts(
            ts in "[0-9TZ:.-]{1,20}",
            level in "[a-z]{1,8}",
            msg in "[a-z ]{0,12}",
            extra in proptest::collection::vec(("x[a-z_]{0,6}", "[a-z0-9/%]{0,6}"), 0..4),
        ) {
            let mut line = format!("ts={ts} level={level} msg=\"{msg}\"");
            for (k, v) in &extra {
                line.push_str(&format!(" {k}={v}"));
            }
            let raw = decode(&line).unwrap();
            prop_assert_eq!(raw.time.as_deref(), Some(ts.as_str()));
            prop_assert_eq!(raw.raw_level.as_deref(), Some(level.as_str()));
            prop_assert_eq!(raw.log.as_deref(), Some(msg.as_str()));
            let want: Vec<(&str, Option<&str>)> = extra.iter().map(|(k, v)| (k.as_str(), Some(v.as_str()))).collect();
            prop_assert_eq!(attrs(&raw), want);
        }
    }
}
