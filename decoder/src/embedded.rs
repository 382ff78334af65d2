//! JSON inside the message: structured application logging shipped through a container runtime.
//!
//! Ported from `logframe/formats/embedded.py` (the Polars-expression parser it replaced, removed on 2026-12-02). When the `log` a CloudWatch, Docker, CRI or text record
//! carries is itself a JSON object (`{"level": "error", "msg": "db down", "tenant": "a"}`), it is
//! decoded as a generic JSON line ([`JsonLines`] with the default paths): its message and level are
//! used and its other keys become attrs, after the format's own. The outer record's time, pod,
//! container, namespace and stream win; the inner object fills them only where the outer record has
//! none. A `log` that only looks like an object (`{not json}`) is left as it is. The object must start
//! the message (leading whitespace is not looked past); trailing whitespace is stripped.

use std::borrow::Cow;
use std::sync::LazyLock;

use crate::formats::jsonlines::JsonLines;
use crate::record::{Raw, Want};

/// The generic JSON format with its default paths, which reads the inner object.
static INNER: LazyLock<JsonLines> = LazyLock::new(JsonLines::default);

/// `raw` rewritten from its `log` when that is a JSON object; unchanged otherwise.
///
/// The inner object's message and level win over the outer log and level (an object without a
/// message keeps its JSON text as the log); the outer time, stream, namespace, pod and container win;
/// the inner attrs (nested keys dotted) follow the outer ones. Strings borrow from the outer log when
/// it is borrowed.
pub fn unwrap(raw: Raw<'_>) -> Raw<'_> {
    let Some(log) = raw.log.as_deref() else {
        return raw;
    };
    if !log.starts_with('{') || !log.trim_end().ends_with('}') {
        return raw;
    }
    let inner = match &raw.log {
        Some(Cow::Borrowed(log)) => INNER.decode(log.trim_end(), &Want::ALL).ok(),
        Some(Cow::Owned(log)) => INNER
            .decode(log.trim_end(), &Want::ALL)
            .ok()
            .map(Raw::into_owned),
        None => None,
    };
    let Some(inner) = inner else {
        return raw;
    };
    let mut out = raw;
    out.time = out.time.or(inner.time);
    out.stream = out.stream.or(inner.stream);
    out.namespace = out.namespace.or(inner.namespace);
    out.pod = out.pod.or(inner.pod);
    out.container = out.container.or(inner.container);
    out.log = inner.log.or(out.log);
    out.raw_level = inner.raw_level.or(out.raw_level);
    out.attrs.extend(inner.attrs);
    out.replaced |= inner.replaced;
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::formats::{cloudwatch, docker};
    use proptest::prelude::*;

    fn with_log(log: &str) -> Raw<'_> {
        Raw {
            log: Some(Cow::Borrowed(log)),
            ..Raw::default()
        }
    }

    fn pairs(raw: &Raw<'_>) -> Vec<(String, Option<String>)> {
        raw.attrs
            .iter()
            .map(|(k, v)| (k.to_string(), v.as_ref().map(|v| v.to_string())))
            .collect()
    }

    #[test]
    fn python_docstring() {
        let raw = unwrap(with_log(
            r#"{"level": "error", "msg": "db down", "tenant": "a"}"#,
        ));
        assert_eq!(
            (raw.log.as_deref(), raw.raw_level.as_deref()),
            (Some("db down"), Some("error"))
        );
        assert_eq!(
            pairs(&raw),
            vec![("tenant".to_string(), Some("a".to_string()))]
        );
        assert!(matches!(raw.log, Some(Cow::Borrowed(_))));
        assert_eq!(unwrap(with_log("plain")), with_log("plain"));
    }

    #[test]
    fn outer_metadata_wins_and_inner_fields_follow_the_outer_ones() {
        let line = r#"{"time":"2025-10-07T16:19:05Z","log":"{\"level\":\"error\",\"msg\":\"payment declined\",\"tenant\":\"company.a\",\"order\":{\"id\":7},\"pod\":\"inner\",\"namespace\":\"ns\",\"time\":\"t2\"}","kubernetes":{"pod_name":"pay-1","container_name":"payments"}}"#;
        let mut raw = cloudwatch::decode(line).expect("a record");
        raw.attrs
            .push((Cow::Borrowed("outer"), Some(Cow::Borrowed("1"))));
        let raw = unwrap(raw);
        assert_eq!(
            (raw.log.as_deref(), raw.raw_level.as_deref()),
            (Some("payment declined"), Some("error"))
        );
        assert_eq!(
            (raw.pod.as_deref(), raw.container.as_deref()),
            (Some("pay-1"), Some("payments"))
        );
        assert_eq!(
            (raw.time.as_deref(), raw.namespace.as_deref()),
            (Some("2025-10-07T16:19:05Z"), Some("ns"))
        );
        let fields: Vec<(String, Option<String>)> =
            [("outer", "1"), ("tenant", "company.a"), ("order.id", "7")]
                .iter()
                .map(|(k, v)| (k.to_string(), Some(v.to_string())))
                .collect();
        assert_eq!(pairs(&raw), fields);
    }

    #[test]
    fn docker_log_with_json() {
        let line = r#"{"log":"{\"level\": \"error\", \"msg\": \"payment declined\"}\n","stream":"stderr","time":"t"}"#;
        let raw = unwrap(docker::decode(line).expect("a record"));
        assert_eq!(
            (raw.log.as_deref(), raw.raw_level.as_deref()),
            (Some("payment declined"), Some("error"))
        );
        assert_eq!(raw.stream.as_deref(), Some("stderr"));
    }

    #[test]
    fn only_objects_starting_the_message_are_unwrapped() {
        for log in [
            "{not json} tenant=a",
            "{not json}",
            " {\"msg\": \"x\"}",
            "{\"msg\": \"x\"} tail",
            "{\"msg\": \"x\"",
            "[1]",
            "{",
            "",
        ] {
            assert_eq!(unwrap(with_log(log)), with_log(log), "{log:?}");
        }
        let raw = unwrap(with_log("{\"msg\": \"ok\", \"n\": 1}\n \t"));
        assert_eq!(raw.log.as_deref(), Some("ok"));
        assert_eq!(pairs(&raw), vec![("n".to_string(), Some("1".to_string()))]);
        assert_eq!(unwrap(Raw::default()), Raw::default());
    }

    #[test]
    fn an_object_without_a_message_keeps_its_text() {
        let raw = unwrap(with_log(r#"{"level":"warn","n":null}"#));
        assert_eq!(
            (raw.log.as_deref(), raw.raw_level.as_deref()),
            (Some(r#"{"level":"warn","n":null}"#), Some("warn"))
        );
        assert!(raw.attrs.is_empty());
        for _ in 0..2 {
            assert_eq!(unwrap(with_log("{}")), with_log("{}"));
        }
        let raw = unwrap(with_log(r#"{"msg":{"a":1}}"#));
        assert_eq!(raw.log.as_deref(), Some(r#"{"msg":{"a":1}}"#));
        assert_eq!(
            pairs(&raw),
            vec![("msg.a".to_string(), Some("1".to_string()))]
        );
    }

    #[test]
    fn an_owned_log_gives_owned_strings() {
        let raw = Raw {
            log: Some(Cow::Owned(r#"{"msg":"\ud800 x","k":"v"}"#.to_string())),
            ..Raw::default()
        };
        let raw = unwrap(raw);
        assert_eq!(raw.log.as_deref(), Some("\u{fffd} x"));
        assert!(raw.replaced);
        assert_eq!(pairs(&raw), vec![("k".to_string(), Some("v".to_string()))]);
    }

    proptest! {
        #[test]
        fn never_panics(text in any::<String>()) {
            let _ = unwrap(with_log(&text));
            let _ = unwrap(with_log(&format!("{{{text}}}")));
        }
    }
}
