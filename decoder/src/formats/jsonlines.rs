//! Generic JSON lines: any object a line, with a field mapping into the schema.
//!
//! Ported from `logframe/formats/jsonlines.py` (the Polars-expression parser it replaced, removed on 2026-12-02). Nested objects are flattened to dotted keys
//! (`source.entity`); each schema field takes the value of the first of its paths ([`DEFAULTS`], or
//! the one path `mapping` gives) that is present and not null, and every path present is consumed.
//! Every other value is kept in [`Raw::attrs`] as text, in document order: strings unescaped, other
//! types as compact JSON text (`[1,"a"]`, `12345`, `true`), nulls dropped, the first of duplicate keys
//! winning. A record depends on its own line only. Lines that are not JSON objects are skipped by
//! [`skip_reason`], as in CloudWatch.

use std::borrow::Cow;

use crate::json::{skip_reason, Fail, Kind, Scanner, Value, MAX_DEPTH};
use crate::record::{Decoded, Field, Raw, Want};

/// Schema field -> JSON paths tried in order (dotted for nested objects), in the Python's order.
pub const DEFAULTS: [(&str, &[&str]); 7] = [
    (
        "timestamp",
        &["timestamp", "@timestamp", "time", "ts", "datetime", "date"],
    ),
    ("message", &["message", "msg", "log", "text"]),
    (
        "level",
        &["level", "severity", "lvl", "levelname", "log.level"],
    ),
    ("pod", &["pod", "host", "hostname", "kubernetes.pod_name"]),
    (
        "container",
        &["container", "service", "app", "kubernetes.container_name"],
    ),
    ("namespace", &["namespace", "kubernetes.namespace_name"]),
    ("stream", &["stream"]),
];

/// One path of a schema field.
#[derive(Debug, Clone)]
struct Path {
    text: String,
    /// The field's index in [`DEFAULTS`].
    field: usize,
    /// Its place among the field's paths (0 is tried first).
    rank: usize,
}

/// Any JSON object a line, mapped into the schema by name (see the module docs).
#[derive(Debug, Clone)]
pub struct JsonLines {
    paths: Vec<Path>,
    /// Indices into `paths` by the path's length in bytes (most keys are ruled out by it).
    by_len: Vec<Vec<usize>>,
}

impl Default for JsonLines {
    /// The format with the default paths.
    fn default() -> Self {
        JsonLines::with(&[])
    }
}

impl JsonLines {
    /// The format with `mapping` (schema field -> dotted JSON path) over the defaults: a mapped field
    /// has exactly that path. A key of `mapping` that is not a schema field is an error naming the
    /// accepted ones (`unknown mapping keys ['when']; accepted: timestamp, message, ...`).
    pub fn new(mapping: &[(String, String)]) -> Result<Self, String> {
        let mut unknown: Vec<&str> = mapping
            .iter()
            .map(|(k, _)| k.as_str())
            .filter(|k| !DEFAULTS.iter().any(|(field, _)| field == k))
            .collect();
        if !unknown.is_empty() {
            unknown.sort_unstable();
            unknown.dedup();
            let names: Vec<String> = unknown.iter().map(|k| super::detect::py_repr(k)).collect();
            let accepted: Vec<&str> = DEFAULTS.iter().map(|(field, _)| *field).collect();
            return Err(format!(
                "unknown mapping keys [{}]; accepted: {}",
                names.join(", "),
                accepted.join(", ")
            ));
        }
        Ok(JsonLines::with(mapping))
    }

    fn with(mapping: &[(String, String)]) -> Self {
        let mut paths = Vec::new();
        for (field, (name, defaults)) in DEFAULTS.iter().enumerate() {
            // As a Python dict: the last of repeated mapping keys wins.
            match mapping.iter().rev().find(|(k, _)| k == name) {
                Some((_, path)) => paths.push(Path {
                    text: path.clone(),
                    field,
                    rank: 0,
                }),
                None => paths.extend(defaults.iter().enumerate().map(|(rank, p)| Path {
                    text: (*p).to_string(),
                    field,
                    rank,
                })),
            }
        }
        let mut by_len: Vec<Vec<usize>> = Vec::new();
        for (i, path) in paths.iter().enumerate() {
            let len = path.text.len();
            if by_len.len() <= len {
                by_len.resize(len + 1, Vec::new());
            }
            if let Some(slot) = by_len.get_mut(len) {
                slot.push(i);
            }
        }
        JsonLines { paths, by_len }
    }

    /// Decode one line; `attrs` are only built when `want.fields`.
    pub fn decode<'a>(&self, line: &'a str, want: &Want) -> Decoded<'a> {
        self.scan(line, want.fields).map_err(|_| skip_reason(line))
    }

    /// Scan the whole line (validating all of it), mapping its flattened keys.
    fn scan<'a>(&self, line: &'a str, fields: bool) -> Result<Raw<'a>, Fail> {
        let mut scanner = Scanner::new(line);
        let mut mapped = Mapped::default();
        let mut attrs: Vec<(Cow<'a, str>, Value<'a>)> = Vec::new();
        let mut replaced = false;
        // The dotted prefix of the nested object being read, and its lengths to go back to.
        let mut prefix = String::new();
        let mut marks: Vec<usize> = Vec::new();
        scanner.ws();
        scanner.expect(b'{')?;
        let mut more = scanner.open_members();
        while more {
            let key = scanner.key()?;
            scanner.colon()?;
            // A key's lone surrogates count as replaced when the key can be seen (in attrs).
            let mut key_replaced = false;
            let name = key.name(&mut key_replaced);
            replaced |= key_replaced && fields;
            if scanner.eat(b'{') {
                if marks.len() + 2 > MAX_DEPTH {
                    return Err(Fail::Invalid);
                }
                marks.push(prefix.len());
                prefix.push_str(&name);
                prefix.push('.');
                if scanner.open_members() {
                    continue;
                }
                prefix.truncate(marks.pop().unwrap_or(0)); // an empty object: nothing to keep
            } else {
                let value = scanner.value(marks.len() + 1, MAX_DEPTH)?;
                if !self.map(&mut mapped, &prefix, &name, value) && fields {
                    let key = if prefix.is_empty() {
                        name
                    } else {
                        Cow::Owned(format!("{prefix}{name}"))
                    };
                    attrs.push((key, value));
                }
            }
            // After a value: the next member, or the close of objects.
            loop {
                if scanner.next_member()? {
                    break;
                }
                match marks.pop() {
                    Some(len) => prefix.truncate(len),
                    None => {
                        more = false;
                        break;
                    }
                }
            }
        }
        scanner.ws();
        scanner.fail_unless_end()?;

        let mut text =
            |slot: Option<(usize, Value<'a>)>| slot.and_then(|(_, v)| v.text(&mut replaced));
        let [time, log, raw_level, pod, container, namespace, stream] = mapped.best;
        let mut raw = Raw {
            time: text(time),
            log: text(log),
            raw_level: text(raw_level),
            pod: text(pod),
            container: text(container),
            namespace: text(namespace),
            stream: text(stream),
            ..Raw::default()
        };
        raw.attrs = fields_of(attrs, &mut replaced);
        raw.replaced = replaced;
        Ok(raw)
    }

    /// Give `value` (of key `prefix` + `name`) to the schema fields having it as a path; whether any
    /// has (a path present is consumed even when it is null or another path wins).
    fn map<'a>(&self, mapped: &mut Mapped<'a>, prefix: &str, name: &str, value: Value<'a>) -> bool {
        let Some(candidates) = self.by_len.get(prefix.len() + name.len()) else {
            return false;
        };
        let first = prefix.as_bytes().first().or(name.as_bytes().first());
        let mut matched = false;
        for &i in candidates {
            let Some(path) = self.paths.get(i) else {
                continue;
            };
            let text = path.text.as_bytes();
            let (head, tail) = text.split_at(prefix.len().min(text.len()));
            if text.first() != first
                || !same(head, prefix.as_bytes())
                || !same(tail, name.as_bytes())
            {
                continue;
            }
            matched = true;
            let bit = 1u64.checked_shl(i as u32).unwrap_or(0);
            if mapped.seen & bit != 0 {
                continue; // a repeated key: the first wins
            }
            mapped.seen |= bit;
            if value.kind == Kind::Null {
                continue;
            }
            if let Some(slot) = mapped.best.get_mut(path.field) {
                if !matches!(slot, Some((rank, _)) if *rank <= path.rank) {
                    *slot = Some((path.rank, value));
                }
            }
        }
        matched
    }
}

/// Whether two short byte strings are equal (an inline loop: for the few bytes of a key, a call to
/// `memcmp` measured slower).
#[inline]
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// The values found for the schema fields so far.
#[derive(Default)]
struct Mapped<'a> {
    /// Per schema field: the best path found (its rank) and its value.
    best: [Option<(usize, Value<'a>)>; 7],
    /// The paths already seen (bit `i`: path `i`).
    seen: u64,
}

/// The attrs as fields: the first of repeated keys wins, nulls are dropped, values as text.
fn fields_of<'a>(attrs: Vec<(Cow<'a, str>, Value<'a>)>, replaced: &mut bool) -> Vec<Field<'a>> {
    let repeated = repeated_keys(&attrs);
    attrs
        .into_iter()
        .zip(repeated)
        .filter(|((_, value), repeated)| !repeated && value.kind != Kind::Null)
        .map(|((key, value), _)| {
            let text = value.text(replaced);
            (key, text)
        })
        .collect()
}

/// For each attr, whether an earlier one has the same key.
fn repeated_keys(attrs: &[(Cow<'_, str>, Value<'_>)]) -> Vec<bool> {
    let mut repeated = vec![false; attrs.len()];
    if attrs.len() <= 32 {
        for (i, (key, _)) in attrs.iter().enumerate() {
            let earlier = attrs
                .iter()
                .take(i)
                .any(|(k, _)| same(k.as_bytes(), key.as_bytes()));
            if let Some(r) = repeated.get_mut(i) {
                *r = earlier;
            }
        }
    } else {
        let mut order: Vec<usize> = (0..attrs.len()).collect();
        let key = |i: usize| attrs.get(i).map_or("", |(k, _)| k.as_ref());
        order.sort_by(|&a, &b| key(a).cmp(key(b)).then(a.cmp(&b)));
        for pair in order.windows(2) {
            if let [a, b] = *pair {
                if key(a) == key(b) {
                    if let Some(r) = repeated.get_mut(b) {
                        *r = true;
                    }
                }
            }
        }
    }
    repeated
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Reason;
    use proptest::prelude::*;

    const NO_FIELDS: Want = Want {
        fields: false,
        ..Want::ALL
    };

    fn ok<'a>(format: &JsonLines, line: &'a str) -> Raw<'a> {
        format.decode(line, &Want::ALL).expect("a record")
    }

    fn pairs(raw: &Raw<'_>) -> Vec<(String, String)> {
        raw.attrs
            .iter()
            .map(|(k, v)| (k.to_string(), v.as_deref().unwrap_or("<null>").to_string()))
            .collect()
    }

    fn p(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_log_service_brief_record() {
        let line = r#"{"message": "job done", "level": "info", "timestamp": "Date Thu Nov 14 2024 17:01:04 GMT+0200 (Israel Standard Time)", "source": {"type": "workflow", "entity": "wf-7"}}"#;
        let raw = ok(&JsonLines::default(), line);
        assert_eq!(
            (raw.raw_level.as_deref(), raw.log.as_deref()),
            (Some("info"), Some("job done"))
        );
        assert_eq!(
            raw.time.as_deref(),
            Some("Date Thu Nov 14 2024 17:01:04 GMT+0200 (Israel Standard Time)")
        );
        assert_eq!(
            pairs(&raw),
            p(&[("source.type", "workflow"), ("source.entity", "wf-7")])
        );
        assert!(matches!(raw.log, Some(Cow::Borrowed(_))));
        let raw = JsonLines::default()
            .decode(line, &NO_FIELDS)
            .expect("a record");
        assert!(raw.attrs.is_empty());
        assert_eq!(raw.log.as_deref(), Some("job done"));
    }

    #[test]
    fn mapping_with_dotted_paths() {
        let mapping: Vec<(String, String)> = [
            ("timestamp", "@t"),
            ("message", "event.text"),
            ("level", "event.sev"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let format = JsonLines::new(&mapping).expect("valid mapping");
        let raw = ok(
            &format,
            r#"{"@t": "2025-10-07T16:00:00Z", "event": {"text": "disk full", "sev": "ERROR"}, "host": "n1", "tags": ["a", "b"]}"#,
        );
        assert_eq!(raw.log.as_deref(), Some("disk full"));
        assert_eq!(raw.raw_level.as_deref(), Some("ERROR"));
        assert_eq!(raw.pod.as_deref(), Some("n1"));
        assert_eq!(raw.time.as_deref(), Some("2025-10-07T16:00:00Z"));
        assert_eq!(pairs(&raw), p(&[("tags", r#"["a","b"]"#)]));
        let raw = ok(
            &format,
            r#"{"@t": 1759852860, "event": {"text": "recovered", "sev": "info"}}"#,
        );
        assert_eq!((raw.time.as_deref(), raw.pod), (Some("1759852860"), None));
        assert_eq!(
            format.decode("not json", &Want::ALL),
            Err(Reason::InvalidJson)
        );
        assert_eq!(
            format.decode(
                r#"{"@t": "2025-10-07T16:01:00Z", "event": {"text": "cut"#,
                &Want::ALL
            ),
            Err(Reason::TruncatedJson)
        );
        // A mapped field has only its path: `message` no longer reads `msg`, which stays an attr.
        let raw = ok(&format, r#"{"msg": "m", "message": "n"}"#);
        assert_eq!(
            (raw.log.as_deref(), pairs(&raw)),
            (None, p(&[("msg", "m"), ("message", "n")]))
        );
    }

    #[test]
    fn unknown_mapping_keys_are_an_error() {
        let mapping = vec![
            ("when".to_string(), "ts".to_string()),
            ("level".to_string(), "lvl".to_string()),
        ];
        assert_eq!(
            JsonLines::new(&mapping).err().as_deref(),
            Some("unknown mapping keys ['when']; accepted: timestamp, message, level, pod, container, namespace, stream")
        );
        let mapping = vec![
            ("z".to_string(), String::new()),
            ("it's".to_string(), String::new()),
            ("z".to_string(), String::new()),
        ];
        assert_eq!(
            JsonLines::new(&mapping).err().as_deref(),
            Some(
                r#"unknown mapping keys ["it's", 'z']; accepted: timestamp, message, level, pod, container, namespace, stream"#
            )
        );
    }

    #[test]
    fn first_present_non_null_path_wins_and_all_present_are_consumed() {
        let format = JsonLines::default();
        let raw = ok(&format, r#"{"message":"a","msg":"b","text":"c"}"#);
        assert_eq!((raw.log.as_deref(), raw.attrs.len()), (Some("a"), 0));
        let raw = ok(&format, r#"{"msg":"b","message":"a"}"#);
        assert_eq!(raw.log.as_deref(), Some("a"));
        let raw = ok(&format, r#"{"message":null,"msg":"b"}"#);
        assert_eq!((raw.log.as_deref(), raw.attrs.len()), (Some("b"), 0));
        let raw = ok(&format, r#"{"ts":1,"time":2}"#);
        assert_eq!(raw.time.as_deref(), Some("2"));
        let raw = ok(&format, r#"{"kubernetes":{"pod_name":"p"},"pod":null}"#);
        assert_eq!(raw.pod.as_deref(), Some("p"));
        let raw = ok(&format, r#"{"host":"h","pod":"p"}"#);
        assert_eq!(raw.pod.as_deref(), Some("p"));
        let raw = ok(&format, r#"{"log":{"level":"x","m":2}}"#);
        assert_eq!(
            (raw.raw_level.as_deref(), raw.log.as_deref()),
            (Some("x"), None)
        );
        assert_eq!(pairs(&raw), p(&[("log.m", "2")]));
        let raw = ok(&format, r#"{"message":{"a":1}}"#);
        assert_eq!(
            (raw.log.as_deref(), pairs(&raw)),
            (None, p(&[("message.a", "1")]))
        );
        let raw = ok(&format, r#"{"level":[1],"message":5,"timestamp":true}"#);
        assert_eq!(
            (
                raw.raw_level.as_deref(),
                raw.log.as_deref(),
                raw.time.as_deref()
            ),
            (Some("[1]"), Some("5"), Some("true"))
        );
    }

    #[test]
    fn values_nested_and_typed() {
        let format = JsonLines::default();
        let raw = ok(
            &format,
            r#"{"n":1e5,"f":1.0,"b":true,"z":null,"l":[1, "a\u00e9", {"x" : 1}],"e":[],"o":{"x":null},"a":{},"k":"\u0001\"\\\/\n"}"#,
        );
        assert_eq!(
            pairs(&raw),
            p(&[
                ("n", "1e5"),
                ("f", "1.0"),
                ("b", "true"),
                ("l", r#"[1,"aé",{"x":1}]"#),
                ("e", "[]"),
                ("k", "\u{1}\"\\/\n")
            ])
        );
        let raw = ok(&format, r#"{"a":{"b":{"c":{"d":"deep"}}},"c":1}"#);
        assert_eq!(pairs(&raw), p(&[("a.b.c.d", "deep"), ("c", "1")]));
        let raw = ok(&format, r#"{"":1,"x":{"":2},"\u00e9":3}"#);
        assert_eq!(pairs(&raw), p(&[("", "1"), ("x.", "2"), ("é", "3")]));
    }

    #[test]
    fn repeated_keys_first_wins() {
        let format = JsonLines::default();
        assert_eq!(pairs(&ok(&format, r#"{"a":1,"a":2}"#)), p(&[("a", "1")]));
        assert_eq!(pairs(&ok(&format, r#"{"a":null,"a":2}"#)), p(&[]));
        assert_eq!(
            pairs(&ok(&format, r#"{"a.b":1,"a":{"b":2}}"#)),
            p(&[("a.b", "1")])
        );
        assert_eq!(
            pairs(&ok(&format, r#"{"a":{"b":1},"a":{"c":2}}"#)),
            p(&[("a.b", "1"), ("a.c", "2")])
        );
        assert_eq!(ok(&format, r#"{"msg":null,"msg":"x"}"#).log, None);
        let many: Vec<String> = (0..40).map(|i| format!(r#""k{}":{i}"#, i % 20)).collect();
        let line = format!("{{{}}}", many.join(","));
        let raw = ok(&format, &line);
        let want: Vec<(String, String)> =
            (0..20).map(|i| (format!("k{i}"), i.to_string())).collect();
        assert_eq!(pairs(&raw), want);
    }

    /// Defect of the old code: columns were typed across a batch, so `{"message":"m"}` followed by a
    /// line with `tags` gave the first record a `tags="null"` attr. Here a record depends on its line.
    #[test]
    fn a_record_depends_on_its_own_line_only() {
        let format = JsonLines::default();
        let first = ok(&format, r#"{"message":"m"}"#);
        let second = ok(&format, r#"{"message":"n","tags":[1]}"#);
        assert_eq!((first.log.as_deref(), pairs(&first)), (Some("m"), p(&[])));
        assert_eq!(
            (second.log.as_deref(), pairs(&second)),
            (Some("n"), p(&[("tags", "[1]")]))
        );
        let a = ok(&format, r#"{"msg":"a","n":{"x":1}}"#);
        let b = ok(&format, r#"{"msg":"b","n":3}"#);
        let c = ok(&format, r#"{"msg":"c","n":[1]}"#);
        assert_eq!(
            [pairs(&a), pairs(&b), pairs(&c)],
            [p(&[("n.x", "1")]), p(&[("n", "3")]), p(&[("n", "[1]")])]
        );
    }

    #[test]
    fn defects_of_the_old_code_are_fixed() {
        let format = JsonLines::default();
        let raw = ok(&format, r#"{"msg":"x","n":1e999}"#);
        assert_eq!(
            (raw.log.as_deref(), pairs(&raw)),
            (Some("x"), p(&[("n", "1e999")]))
        );
        let raw = ok(&format, r#"{"msg":"\ud800","\udc00":"k"}"#);
        assert_eq!(
            (raw.log.as_deref(), pairs(&raw), raw.replaced),
            (Some("\u{fffd}"), p(&[("\u{fffd}", "k")]), true)
        );
        let nines = "9".repeat(4301);
        let line = format!(r#"{{"msg":"x","time":{nines}}}"#);
        assert_eq!(ok(&format, &line).time.as_deref(), Some(nines.as_str()));
        for _ in 0..2 {
            assert_eq!(ok(&format, "{}"), Raw::default());
        }
    }

    #[test]
    fn deep_nesting_is_invalid() {
        let format = JsonLines::default();
        let objects = |d: usize| format!("{}1{}", r#"{"a":"#.repeat(d), "}".repeat(d));
        let line = objects(MAX_DEPTH);
        let raw = ok(&format, &line);
        assert_eq!(
            pairs(&raw).first().map(|(k, _)| k.len()),
            Some(2 * MAX_DEPTH - 1)
        );
        assert_eq!(
            format.decode(&objects(MAX_DEPTH + 1), &Want::ALL),
            Err(Reason::InvalidJson)
        );
        assert_eq!(
            format.decode(&objects(100_000), &Want::ALL),
            Err(Reason::InvalidJson)
        );
        let arrays = |d: usize| format!(r#"{{"a":{{"b":{}{}}}}}"#, "[".repeat(d), "]".repeat(d));
        assert!(format.decode(&arrays(MAX_DEPTH - 2), &Want::ALL).is_ok());
        assert_eq!(
            format.decode(&arrays(MAX_DEPTH - 1), &Want::ALL),
            Err(Reason::InvalidJson)
        );
    }

    proptest! {
        #[test]
        fn never_panics(text in any::<String>()) {
            let _ = JsonLines::default().decode(&text, &Want::ALL);
        }

        #[test]
        fn never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = JsonLines::default().decode(&String::from_utf8_lossy(&bytes), &Want::ALL);
        }

        #[test]
        fn never_panics_on_jsonish_lines(text in r#"\{("(msg|a|log|level|b)"|[\[\]{}:, "\\u0-9a-fnrtel.+\-]){0,30}\}?"#) {
            let _ = JsonLines::default().decode(&text, &Want::ALL);
        }

        #[test]
        fn serialized_objects_decode_back(
            message in proptest::option::of(any::<String>()),
            level in proptest::option::of("[a-zA-Z]{1,8}"),
            ts in proptest::option::of(any::<String>()),
            host in proptest::option::of(any::<String>()),
            extra in proptest::collection::btree_map("x[a-z]{1,5}", any::<String>(), 0..5),
            nested in proptest::collection::btree_map("[a-z]{1,5}", any::<i32>(), 0..4),
        ) {
            let mut object = serde_json::Map::new();
            if let Some(m) = &message { object.insert("msg".into(), m.clone().into()); }
            if let Some(l) = &level { object.insert("severity".into(), l.clone().into()); }
            if let Some(t) = &ts { object.insert("ts".into(), t.clone().into()); }
            if let Some(h) = &host { object.insert("host".into(), h.clone().into()); }
            for (k, v) in &extra { object.insert(k.clone(), v.clone().into()); }
            let inner: serde_json::Map<String, serde_json::Value> = nested.iter().map(|(k, v)| (k.clone(), (*v).into())).collect();
            if !inner.is_empty() { object.insert("y".into(), inner.into()); }
            let line = serde_json::Value::Object(object.clone()).to_string();
            let raw = JsonLines::default().decode(&line, &Want::ALL).map(Raw::into_owned);
            let raw = raw.map_err(|r| TestCaseError::fail(format!("{line}: {r:?}")))?;
            prop_assert_eq!(raw.log.as_deref(), message.as_deref());
            prop_assert_eq!(raw.raw_level.as_deref(), level.as_deref());
            prop_assert_eq!(raw.time.as_deref(), ts.as_deref());
            prop_assert_eq!(raw.pod.as_deref(), host.as_deref());
            // serde_json's map is sorted, so is the document: attrs follow it.
            let mut want = Vec::new();
            for (k, v) in &object {
                match v {
                    serde_json::Value::String(s) if k.starts_with('x') => want.push((k.clone(), s.clone())),
                    serde_json::Value::Object(o) => {
                        for (ik, iv) in o { want.push((format!("{k}.{ik}"), iv.to_string())); }
                    }
                    _ => {}
                }
            }
            prop_assert_eq!(pairs(&raw), want);
        }
    }
}
