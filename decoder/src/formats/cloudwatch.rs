//! CloudWatch / Kubernetes JSON lines (the Fluent Bit / Fluentd shape), one JSON object a line:
//!
//! ```text
//! {"time": "2025-10-07T16:19:05.771609Z", "stream": "stderr",
//!  "log": "INFO:app.main:Resolved tenant: company_a",
//!  "kubernetes": {"pod_name": "backend-5", "namespace_name": "pax-dev", "container_name": "backend"}}
//! ```
//!
//! Ported from `logframe/formats/cloudwatch.py` (the Polars-expression parser it replaced, removed on 2026-12-02). The keys `time`, `stream`, `log` and
//! `kubernetes.{namespace_name, pod_name, container_name}` are read; every other key is validated and
//! skipped. A value of an unexpected JSON type is kept as its compact JSON text (`{"nested":1}`,
//! `12345`); a nested key that cannot exist (`"kubernetes": "backend"`) is null; the first of
//! duplicate keys wins (as Polars did). A line that is not a JSON object is skipped by
//! [`skip_reason`].

use std::borrow::Cow;

use crate::json::{skip_reason, Fail, Key, Kind, Scanner, Value, MAX_DEPTH};
use crate::record::{Decoded, Raw, Want};

/// Decode one line: its time, stream, log and Kubernetes metadata.
pub fn decode(line: &str) -> Decoded<'_> {
    decode_for(line, &Want::ALL)
}

/// [`decode`], turning into text only the values a pass reads (`want`): the others are `None`.
/// The line is validated and accounted for all the same.
pub fn decode_for<'a>(line: &'a str, want: &Want) -> Decoded<'a> {
    let mut found = Found::default();
    match scan(line, true, &mut found) {
        Ok(()) => Ok(found.raw_for(want)),
        Err(_) => Err(skip_reason(line)),
    }
}

/// The values a CloudWatch (or Docker) line gave for the keys read, not yet turned into text.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Found<'a> {
    pub time: Option<Value<'a>>,
    pub stream: Option<Value<'a>>,
    pub log: Option<Value<'a>>,
    pub namespace: Option<Value<'a>>,
    pub pod: Option<Value<'a>>,
    pub container: Option<Value<'a>>,
}

impl<'a> Found<'a> {
    /// The record: each value as text (see [`Value::text`]).
    pub fn raw(&self) -> Raw<'a> {
        self.raw_for(&Want::ALL)
    }

    /// The record with only the values `want` reads as text (the others `None`).
    ///
    /// The log is also made text when it may be a JSON object, which [`crate::embedded`] unwraps
    /// into the time and the Kubernetes metadata. `replaced` is the same as [`Found::raw`]'s:
    /// a value left out that has escapes is unescaped all the same (rarely), to learn whether a
    /// lone surrogate was replaced.
    pub fn raw_for(&self, want: &Want) -> Raw<'a> {
        let mut replaced = false;
        let log = want.parses_message() || self.log.is_some_and(|v| may_be_object(&v));
        Raw {
            time: text_if(self.time, want.timestamp, &mut replaced),
            stream: text_if(self.stream, want.stream, &mut replaced),
            log: text_if(self.log, log, &mut replaced),
            namespace: text_if(self.namespace, want.namespace, &mut replaced),
            pod: text_if(self.pod, want.pod, &mut replaced),
            container: text_if(self.container, want.container, &mut replaced),
            replaced,
            ..Raw::default()
        }
    }
}

/// The text of `value` if it is `read`; else `None`, but an unread value with escapes is unescaped
/// all the same to set `replaced` (see [`Found::raw_for`]).
#[inline(always)]
fn text_if<'a>(value: Option<Value<'a>>, read: bool, replaced: &mut bool) -> Option<Cow<'a, str>> {
    match value {
        Some(v) if read => v.text(replaced),
        Some(v) if v.escaped => {
            let _ = v.text(replaced);
            None
        }
        _ => None,
    }
}

/// Whether the text of `value` may start with `{` (an object, or a string starting with `{` or an
/// escape), so that [`crate::embedded::unwrap`] may read it.
fn may_be_object(value: &Value<'_>) -> bool {
    match value.kind {
        Kind::Object => true,
        Kind::String => matches!(value.text.as_bytes().first(), Some(b'{' | b'\\')),
        _ => false,
    }
}

/// The top-level keys read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Top {
    Time,
    Stream,
    Log,
    Kubernetes,
    Other,
}

/// The keys read, quotes included, for [`Scanner::eat_literal`].
const TIME: &[u8; 6] = b"\"time\"";
const STREAM: &[u8; 8] = b"\"stream\"";
const LOG: &[u8; 5] = b"\"log\"";
const KUBERNETES: &[u8; 12] = b"\"kubernetes\"";
const NAMESPACE_NAME: &[u8; 16] = b"\"namespace_name\"";
const POD_NAME: &[u8; 10] = b"\"pod_name\"";
const CONTAINER_NAME: &[u8; 16] = b"\"container_name\"";

/// The top-level key at the scanner's position, which ends after it.
///
/// The keys read are almost always written plainly: one is taken by comparing it whole (after a
/// look at its first letter), any other key by the general [`Scanner::key`] and [`top`].
#[inline(always)]
fn top_key(scanner: &mut Scanner<'_>, kubernetes: bool) -> Result<Top, Fail> {
    let known = match scanner.peek_at(1) {
        Some(b't') if scanner.eat_literal(TIME) => Some(Top::Time),
        Some(b's') if scanner.eat_literal(STREAM) => Some(Top::Stream),
        Some(b'l') if scanner.eat_literal(LOG) => Some(Top::Log),
        Some(b'k') if kubernetes && scanner.eat_literal(KUBERNETES) => Some(Top::Kubernetes),
        _ => None,
    };
    match known {
        Some(top) => Ok(top),
        None => Ok(top(&scanner.key()?, kubernetes)),
    }
}

/// Which member of the `kubernetes` object a key names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Namespace,
    Pod,
    Container,
    Other,
}

fn place(key: &Key<'_>) -> Place {
    let name = |key: &str| match key {
        "namespace_name" => Place::Namespace,
        "pod_name" => Place::Pod,
        "container_name" => Place::Container,
        _ => Place::Other,
    };
    if key.escaped {
        name(&key.name(&mut false))
    } else {
        name(key.text)
    }
}

/// A key of the `kubernetes` object, as [`top_key`] takes a top-level one.
#[inline(always)]
fn place_key(scanner: &mut Scanner<'_>) -> Result<Place, Fail> {
    let known = match scanner.peek_at(1) {
        Some(b'n') if scanner.eat_literal(NAMESPACE_NAME) => Some(Place::Namespace),
        Some(b'p') if scanner.eat_literal(POD_NAME) => Some(Place::Pod),
        Some(b'c') if scanner.eat_literal(CONTAINER_NAME) => Some(Place::Container),
        _ => None,
    };
    match known {
        Some(place) => Ok(place),
        None => Ok(place(&scanner.key()?)),
    }
}

fn top(key: &Key<'_>, kubernetes: bool) -> Top {
    let name = |key: &str| match key {
        "time" => Top::Time,
        "stream" => Top::Stream,
        "log" => Top::Log,
        "kubernetes" if kubernetes => Top::Kubernetes,
        _ => Top::Other,
    };
    if key.escaped {
        name(&key.name(&mut false))
    } else {
        name(key.text)
    }
}

/// Scan a whole line (validating all of it), keeping the values of the keys read in `found` (a
/// fresh one; filled in place, as it is 144 bytes); `kubernetes` says whether the `kubernetes`
/// object is read (CloudWatch) or skipped (Docker).
pub(crate) fn scan<'a>(line: &'a str, kubernetes: bool, found: &mut Found<'a>) -> Result<(), Fail> {
    let mut scanner = Scanner::new(line);
    let mut kube_seen = false;
    scanner.ws();
    scanner.expect(b'{')?;
    if scanner.open_members() {
        loop {
            let top = top_key(&mut scanner, kubernetes)?;
            scanner.colon()?;
            let slot = match top {
                Top::Time => &mut found.time,
                Top::Stream => &mut found.stream,
                Top::Log => &mut found.log,
                Top::Kubernetes if !kube_seen => {
                    kube_seen = true;
                    if scanner.eat(b'{') {
                        scan_kubernetes(&mut scanner, found)?;
                    } else {
                        scanner.skip(1, MAX_DEPTH)?;
                    }
                    if scanner.next_member()? {
                        continue;
                    }
                    break;
                }
                Top::Kubernetes | Top::Other => {
                    scanner.skip(1, MAX_DEPTH)?;
                    if scanner.next_member()? {
                        continue;
                    }
                    break;
                }
            };
            let value = scanner.value(1, MAX_DEPTH)?;
            if slot.is_none() {
                *slot = Some(value);
            }
            if !scanner.next_member()? {
                break;
            }
        }
    }
    scanner.ws();
    scanner.fail_unless_end()
}

/// The members of the `kubernetes` object, whose `{` was just consumed.
fn scan_kubernetes<'a>(scanner: &mut Scanner<'a>, found: &mut Found<'a>) -> Result<(), Fail> {
    if !scanner.open_members() {
        return Ok(());
    }
    loop {
        let place = place_key(scanner)?;
        scanner.colon()?;
        let slot = match place {
            Place::Namespace => Some(&mut found.namespace),
            Place::Pod => Some(&mut found.pod),
            Place::Container => Some(&mut found.container),
            Place::Other => None,
        };
        match slot {
            Some(slot) => {
                let value = scanner.value(2, MAX_DEPTH)?;
                if slot.is_none() {
                    *slot = Some(value);
                }
            }
            None => scanner.skip(2, MAX_DEPTH)?,
        }
        if !scanner.next_member()? {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Reason;
    use proptest::prelude::*;
    use std::borrow::Cow;

    fn ok(line: &str) -> Raw<'_> {
        decode(line).expect("a record")
    }

    fn s(value: &str) -> Option<Cow<'_, str>> {
        Some(Cow::Borrowed(value))
    }

    #[test]
    fn reads_the_cloudwatch_shape() {
        let line = r#"{"time": "2025-10-07T16:19:05.771609Z", "stream": "stderr", "log": "INFO:app.main:Resolved tenant: company_a", "kubernetes": {"pod_name": "backend-5", "namespace_name": "pax-dev", "container_name": "backend"}}"#;
        let raw = ok(line);
        assert_eq!(raw.time, s("2025-10-07T16:19:05.771609Z"));
        assert_eq!(raw.stream, s("stderr"));
        assert_eq!(raw.log, s("INFO:app.main:Resolved tenant: company_a"));
        assert_eq!(
            (raw.pod, raw.namespace, raw.container),
            (s("backend-5"), s("pax-dev"), s("backend"))
        );
        assert!(raw.attrs.is_empty() && !raw.open && !raw.replaced);
        let raw = ok(line);
        assert!(
            matches!(raw.log, Some(Cow::Borrowed(_))),
            "borrowed without escapes"
        );
    }

    #[test]
    fn python_docstring_and_messy_lines() {
        let raw = ok(r#"{"log": "hi", "kubernetes": {"pod_name": "p"}}"#);
        assert_eq!((raw.log, raw.pod), (s("hi"), s("p")));
        assert_eq!(decode("{{}"), Err(Reason::InvalidJson));
        assert_eq!(decode("null"), Err(Reason::NotAJsonObject));
        assert_eq!(decode(r#""""#), Err(Reason::NotAJsonObject));
        assert_eq!(decode("[1, 2, 3]"), Err(Reason::NotAJsonObject));
        assert_eq!(decode("{]"), Err(Reason::InvalidJson));
        assert_eq!(decode("plain text"), Err(Reason::InvalidJson));
        assert_eq!(
            decode(r#"{"time": "2025-10-07T16:46:00Z", "log": "ERROR:app.db:Connection fa"#),
            Err(Reason::TruncatedJson)
        );
        assert_eq!(
            decode(r#"{"log": "ERROR:a:missing", "time": }"#),
            Err(Reason::InvalidJson)
        );
        assert_eq!(decode(r#"{"log":"x",}"#), Err(Reason::InvalidJson));
        assert_eq!(decode(r#"{"log":"a"}x}"#), Err(Reason::InvalidJson));
        assert_eq!(decode(r#"{"log":"a"}{}"#), Err(Reason::InvalidJson));
        assert_eq!(decode("{\"log\":\"a\tb\"}"), Err(Reason::InvalidJson));
        assert_eq!(decode(r#"{"log":NaN}"#), Err(Reason::InvalidJson));
        assert_eq!(
            ok(r#"{ "log": "INFO:a:space after brace", "time": "t"}"#).log,
            s("INFO:a:space after brace")
        );
        assert_eq!(
            ok(r#"{"log":"value with : } inside"}"#).log,
            s("value with : } inside")
        );
        assert_eq!(ok("{}"), Raw::default());
    }

    #[test]
    fn missing_and_null_fields_keep_the_record() {
        let raw = ok(r#"{"time": "2025-10-07T16:00:00Z", "log": "ERROR:a:x", "kubernetes": null}"#);
        assert_eq!((raw.log, raw.pod), (s("ERROR:a:x"), None));
        let raw = ok(r#"{"time": null, "stream": "stderr", "kubernetes": {"pod_name": "p"}}"#);
        assert_eq!(
            (raw.time, raw.pod, raw.container, raw.log),
            (None, s("p"), None, None)
        );
        let raw = ok(r#"{"kubernetes": {"pod_name": null}}"#);
        assert_eq!(raw.pod, None);
    }

    #[test]
    fn unexpected_json_types_are_kept_as_json_text() {
        let raw = ok(r#"{"time": 1759852800, "log": {"nested": 1}, "kubernetes": "backend"}"#);
        assert_eq!(
            (raw.time, raw.log, raw.pod),
            (s("1759852800"), s(r#"{"nested":1}"#), None)
        );
        let raw =
            ok(r#"{"time": "2025-10-07T16:00:00Z", "log": 12345, "kubernetes": {"pod_name": 7}}"#);
        assert_eq!((raw.log, raw.pod), (s("12345"), s("7")));
        assert_eq!(ok(r#"{"log":[1, 2]}"#).log, s("[1,2]"));
        assert_eq!(ok(r#"{"log":true}"#).log, s("true"));
        assert_eq!(
            ok(r#"{"log":{"a" : [1, {"b":null}]}}"#).log,
            s(r#"{"a":[1,{"b":null}]}"#)
        );
        assert_eq!(
            ok(r#"{"kubernetes":{"pod_name":{"x":1}}}"#).pod,
            s(r#"{"x":1}"#)
        );
        assert_eq!(ok(r#"{"log":"x","kubernetes":[1]}"#).pod, None);
    }

    #[test]
    fn escapes_and_duplicates() {
        assert_eq!(ok(r#"{"log":"a\/b\b"}"#).log.as_deref(), Some("a/b\u{8}"));
        assert_eq!(ok(r#"{"log":"é\u00e9\n"}"#).log.as_deref(), Some("éé\n"));
        assert_eq!(ok(r#"{"log":"\ud83d\ude00"}"#).log.as_deref(), Some("😀"));
        assert_eq!(ok(r#"{"\u006cog":"x"}"#).log, s("x"));
        assert_eq!(ok(r#"{"log":"a","log":"b"}"#).log, s("a"));
        assert_eq!(ok(r#"{"log":null,"log":"b"}"#).log, None);
        let raw = ok(
            r#"{ "log" : "x" , "kubernetes" : { "pod_name" : "p" , "pod_name":"q"} , "kubernetes": {"container_name": "c"}}"#,
        );
        assert_eq!((raw.pod, raw.container), (s("p"), None));
        assert_eq!(ok(r#"{"kubernetes":{"pod\u005fname":"p"}}"#).pod, s("p"));
    }

    /// Defect of the old code: a lone surrogate became NUL (high) or dropped the record (low).
    #[test]
    fn lone_surrogates_become_replacement_characters() {
        let raw = ok(r#"{"log":"\ud800x"}"#);
        assert_eq!(raw.log.as_deref(), Some("\u{fffd}x"));
        assert!(raw.replaced);
        let raw = ok(r#"{"log":"ok","time":"\udc00"}"#);
        assert_eq!(raw.time.as_deref(), Some("\u{fffd}"));
        assert!(raw.replaced);
        let raw = ok(r#"{"\ud800":"key","log":"ok"}"#);
        assert_eq!(raw.log, s("ok"));
        assert!(!raw.replaced, "an unused key's text is never made");
        assert!(!ok(r#"{"log":"\ud83d\ude00"}"#).replaced);
    }

    /// Defect of the old code: a number out of f64 range in any key dropped the record.
    #[test]
    fn huge_numbers_keep_the_record() {
        let raw = ok(r#"{"log":"x","a":1e999}"#);
        assert_eq!(raw.log, s("x"));
        assert_eq!(ok(r#"{"log":1E400}"#).log, s("1E400"));
        let nines = "9".repeat(4301);
        let line = format!(r#"{{"log":"x","time":{nines}}}"#);
        let raw = ok(&line);
        assert_eq!(
            (raw.log, raw.time.as_deref()),
            (s("x"), Some(nines.as_str()))
        );
        assert_eq!(
            ok(&format!(r#"{{"log":"x","n":-{nines}.5e-{nines}}}"#)).log,
            s("x")
        );
    }

    #[test]
    fn deep_nesting_is_invalid() {
        let deep = |d: usize| format!(r#"{{"log":"x","a":{}{}}}"#, "[".repeat(d), "]".repeat(d));
        assert_eq!(ok(&deep(MAX_DEPTH - 1)).log, s("x"));
        assert_eq!(decode(&deep(MAX_DEPTH)), Err(Reason::InvalidJson));
        assert_eq!(decode(&deep(1_000_000)), Err(Reason::InvalidJson));
        let kube = |d: usize| {
            format!(
                r#"{{"kubernetes":{{"pod_name":{}1{}}}}}"#,
                "[".repeat(d),
                "]".repeat(d)
            )
        };
        assert_eq!(
            ok(&kube(MAX_DEPTH - 2)).pod.map(|p| p.len()),
            Some(2 * (MAX_DEPTH - 2) + 1)
        );
        assert_eq!(decode(&kube(MAX_DEPTH - 1)), Err(Reason::InvalidJson));
    }

    /// Defect of the old code: `{"log":"{}"}` twice in a batch failed it (here each line stands alone).
    #[test]
    fn empty_object_log() {
        for _ in 0..2 {
            assert_eq!(ok(r#"{"log":"{}"}"#).log, s("{}"));
        }
    }

    proptest! {
        #[test]
        fn never_panics(text in any::<String>()) {
            let _ = decode(&text);
        }

        #[test]
        fn never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = decode(&String::from_utf8_lossy(&bytes));
        }

        #[test]
        fn never_panics_on_jsonish_lines(text in r#"\{("(log|time|kubernetes|pod_name|a)"|[\[\]{}:, "\\u0-9a-fnrtel.+\-]){0,30}\}?"#) {
            let _ = decode(&text);
        }

        /// A key read by comparing it whole is the key the general scan reads, and ends where it
        /// ends; anything else (a near miss, an escape, a cut key) is left to the general scan.
        #[test]
        fn the_key_shortcut_gives_what_the_general_key_scan_gives(
            key in r#""(time|stream|log|kubernetes|namespace_name|pod_name|container_name|tim|times|lo|kube|pod_nam|\u0074ime|t\u0069me|[a-z_]{0,3}|\")"?"#,
            tail in r#"(: "x"|:|"|\|)[ a-z",:]{0,3}"#,
            kubernetes in any::<bool>(),
        ) {
            let text = format!("{key}{tail}");
            let general = |scanner: &mut Scanner<'_>| scanner.key().map(|k| (top(&k, kubernetes), place(&k)));
            let mut expected = Scanner::new(&text);
            let want = general(&mut expected);
            let mut scanner = Scanner::new(&text);
            let got = top_key(&mut scanner, kubernetes);
            prop_assert_eq!(got, want.map(|(t, _)| t));
            if got.is_ok() {
                prop_assert_eq!(scanner.offset(), expected.offset());
            }
            let mut scanner = Scanner::new(&text);
            let got = place_key(&mut scanner);
            prop_assert_eq!(got, want.map(|(_, p)| p));
            if got.is_ok() {
                prop_assert_eq!(scanner.offset(), expected.offset());
            }
        }

        /// The values a pass reads are those of the whole record, and surrogates are counted the same.
        #[test]
        fn a_narrow_decode_gives_what_the_whole_decode_gives(
            values in proptest::collection::vec(r#""([a-z{} ]|\\u[0-9a-d][0-9a-f]{3}|\\u007b|\\n){0,6}"|null|7|\{"a":\[1, "\\ud800"\]\}"#, 6),
            reads in proptest::collection::vec(any::<bool>(), 9),
        ) {
            let line = format!(
                r#"{{"time": {}, "stream": {}, "log": {}, "kubernetes": {{"namespace_name": {}, "pod_name": {}, "container_name": {}}}}}"#,
                values[0], values[1], values[2], values[3], values[4], values[5]
            );
            let want = Want {
                timestamp: reads[0],
                level: reads[1],
                component: reads[2],
                message: reads[3],
                namespace: reads[4],
                pod: reads[5],
                container: reads[6],
                stream: reads[7],
                fields: reads[8],
            };
            let whole = decode(&line).expect("a record");
            let narrow = decode_for(&line, &want).expect("a record");
            fn read<'a>(wanted: bool, value: &Option<Cow<'a, str>>) -> Option<Cow<'a, str>> {
                if wanted { value.clone() } else { None }
            }
            prop_assert_eq!(&narrow.time, &read(want.timestamp, &whole.time));
            prop_assert_eq!(&narrow.stream, &read(want.stream, &whole.stream));
            prop_assert_eq!(&narrow.namespace, &read(want.namespace, &whole.namespace));
            prop_assert_eq!(&narrow.pod, &read(want.pod, &whole.pod));
            prop_assert_eq!(&narrow.container, &read(want.container, &whole.container));
            // The log is read for the message, or to unwrap an object: then it must be there (it
            // may be there besides, when it only might be an object).
            let object = whole.log.as_deref().is_some_and(|l| l.starts_with('{'));
            if want.parses_message() || object {
                prop_assert_eq!(&narrow.log, &whole.log);
            } else {
                prop_assert!(narrow.log.is_none() || narrow.log == whole.log);
            }
            prop_assert_eq!(narrow.replaced, whole.replaced);
        }

        #[test]
        fn serialized_records_decode_back(
            time in proptest::option::of(any::<String>()),
            stream in proptest::option::of("[a-z]{0,8}"),
            log in proptest::option::of(any::<String>()),
            pod in proptest::option::of(any::<String>()),
            namespace in proptest::option::of(any::<String>()),
            container in proptest::option::of(any::<String>()),
            extra in proptest::collection::vec(("[a-z_]{1,6}", any::<i64>()), 0..4),
            pretty in any::<bool>(),
        ) {
            let mut kube = serde_json::Map::new();
            kube.insert("pod_name".into(), pod.clone().into());
            kube.insert("namespace_name".into(), namespace.clone().into());
            kube.insert("container_name".into(), container.clone().into());
            let mut object = serde_json::Map::new();
            for (k, v) in &extra {
                object.insert(format!("x{k}"), (*v).into());
            }
            object.insert("time".into(), time.clone().into());
            object.insert("stream".into(), stream.clone().into());
            object.insert("log".into(), log.clone().into());
            object.insert("kubernetes".into(), kube.into());
            let value = serde_json::Value::Object(object);
            let line = if pretty {
                serde_json::to_string_pretty(&value).unwrap_or_default().replace('\n', " ")
            } else {
                serde_json::to_string(&value).unwrap_or_default()
            };
            let raw = decode(&line).map(Raw::into_owned);
            let own = |v: &Option<String>| v.clone().map(Cow::Owned);
            prop_assert_eq!(raw, Ok(Raw {
                time: own(&time),
                stream: own(&stream),
                log: own(&log),
                namespace: own(&namespace),
                pod: own(&pod),
                container: own(&container),
                ..Raw::default()
            }));
        }
    }
}
