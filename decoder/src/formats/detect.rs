//! Which format a source is in, from a sample of its first non-blank lines.
//!
//! Cheap shape tests on each sampled line; the format fitting the most lines wins if it fits at least
//! [`MIN_SHARE`] of them. Ported from `logframe/formats/__init__.py` (the Polars-expression parser it replaced, removed on 2026-12-02) (`detect`, `_json_kind`), whose
//! explanations (`why`) and error text are kept word for word.

use std::sync::LazyLock;

use regex::Regex;

use super::{cri, python, text, Kind};

/// The least share of sampled lines a format must fit to be chosen (messy files are common).
pub const MIN_SHARE: f64 = 0.2;

/// The share of JSON-object lines from which a sample is JSON without trying the text shapes.
const JSON_SHARE: f64 = 0.8;

/// Pick a source's format from a sample of its non-blank lines: `(format, why)`, or an error naming
/// the formats tried and what was seen.
///
/// ```
/// use _native::formats::{detect::detect, Kind};
/// assert_eq!(
///     detect(&[r#"{"log": "x"}"#, r#"{"log": "y"}"#], "a.log"),
///     Ok((Kind::CloudWatch, "2 of 2 sampled lines are JSON objects, 2 with a log or kubernetes key".to_string()))
/// );
/// assert_eq!(
///     detect(&["ts=1 level=info msg=ok", "ts=2 level=warn msg=slow"], "b.log"),
///     Ok((Kind::Logfmt, "2 of 2 sampled lines are key=value pairs from the first word".to_string()))
/// );
/// assert!(detect(&["just", "plain words"], "c.log").unwrap_err().starts_with("cannot tell the format of 'c.log'"));
/// ```
pub fn detect(sample: &[&str], source: &str) -> Result<(Kind, String), String> {
    let n = sample.len();
    if n == 0 {
        return Ok((
            Kind::CloudWatch,
            "no lines to sample (empty source)".to_string(),
        ));
    }
    let shaped: Vec<bool> = sample
        .iter()
        .map(|line| line.starts_with('{') && line.ends_with('}'))
        .collect();
    let objects = count(&shaped, |&s| s);
    let least = MIN_SHARE * n as f64;
    if objects as f64 >= JSON_SHARE * n as f64 {
        return Ok(json_kind(sample, &shaped, objects));
    }
    let pairs = sample
        .iter()
        .zip(&shaped)
        .filter(|(line, &shaped)| {
            let first_word = line.split(' ').next().unwrap_or_default();
            !shaped && first_word.contains('=') && line.bytes().filter(|&b| b == b'=').count() >= 2
        })
        .count();
    let records = count(sample, |line| python::is_record(line));
    // "<time> LEVEL name msg" is also plain text with a level: only the default LEVEL:name: shape or a
    // traceback in the sample says Python for sure.
    let python_default = count(sample, |line| python::is_default(line));
    let traceback = sample
        .iter()
        .any(|line| line.contains("Traceback (most recent call last):"));
    let timed = count(sample, |line| text::shape(line).is_some());
    let cri = count(sample, |line| cri::is_cri(line));
    let fits = |k: usize| k as f64 >= least;
    if cri > objects.max(pairs) && fits(cri) {
        return Ok((
            Kind::Cri,
            format!("{cri} of {n} sampled lines are container runtime (CRI) lines"),
        ));
    }
    if records > objects.max(pairs) && fits(records) && (traceback || fits(python_default)) {
        let evidence = if traceback {
            "a traceback".to_string()
        } else {
            format!("{python_default} in LEVEL:name:message form")
        };
        return Ok((
            Kind::Python,
            format!(
                "{records} of {n} sampled lines start like Python logging records, with {evidence}"
            ),
        ));
    }
    if timed > objects.max(pairs).max(cri) && fits(timed) {
        return Ok((
            Kind::Text,
            format!("{timed} of {n} sampled lines start with a time"),
        ));
    }
    if objects >= pairs && fits(objects) {
        return Ok(json_kind(sample, &shaped, objects));
    }
    if pairs > objects && fits(pairs) {
        return Ok((
            Kind::Logfmt,
            format!("{pairs} of {n} sampled lines are key=value pairs from the first word"),
        ));
    }
    let names: Vec<String> = Kind::ALL
        .iter()
        .map(|k| format!("'{}'", k.name()))
        .collect();
    Err(format!(
        "cannot tell the format of {}: of {n} sampled lines, {objects} are JSON objects (cloudwatch, docker, json), \
         {pairs} are key=value pairs from the first word (logfmt), {records} start like Python records (python), \
         {cri} are CRI lines (cri) and {timed} start with a time (text); pass format= one of {}",
        py_repr(source),
        names.join(", ")
    ))
}

fn count<T>(items: &[T], f: impl Fn(&T) -> bool) -> usize {
    items.iter().filter(|item| f(item)).count()
}

/// Which JSON format: Docker when most sampled objects have a `log` ending in a newline and no
/// `kubernetes` key; CloudWatch when most have a `log` or `kubernetes` key; else generic JSON.
fn json_kind(sample: &[&str], shaped: &[bool], objects: usize) -> (Kind, String) {
    let n = sample.len();
    let (mut docker, mut keyed) = (0, 0);
    for (line, &shaped) in sample.iter().zip(shaped) {
        let kube = line.contains("\"kubernetes\"");
        let log = line.contains("\"log\"");
        docker += usize::from(shaped && log && !kube && line.contains("\\n\""));
        keyed += usize::from(shaped && (log || kube));
    }
    if docker * 2 >= objects && docker > 0 {
        return (Kind::Docker, format!("{objects} of {n} sampled lines are JSON objects, {docker} Docker json-file records"));
    }
    let why = format!(
        "{objects} of {n} sampled lines are JSON objects, {keyed} with a log or kubernetes key"
    );
    (
        if keyed * 2 >= objects {
            Kind::CloudWatch
        } else {
            Kind::Json
        },
        why,
    )
}

static UNPRINTABLE: LazyLock<Regex> =
    LazyLock::new(|| super::traces::compile(r"^[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$"));

/// Python's `repr` of a string (`'a.log'`, `"it's"`, `'tab\there'`), as the error text quotes the source.
pub fn py_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c < ' ' || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_ascii() => out.push(c),
            c if !UNPRINTABLE.is_match(c.encode_utf8(&mut [0; 4])) => out.push(c),
            c if (c as u32) <= 0xff => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn kind(sample: &[&str]) -> Result<Kind, String> {
        detect(sample, "x.log").map(|(k, _)| k)
    }

    const PYTHON_LOG: [&str; 8] = [
        "2025-10-07 16:19:05,771 INFO app.main Started worker pid=7",
        "2025-10-07 16:19:06,002 ERROR app.db Query failed tenant=company-b",
        "Traceback (most recent call last):",
        "  File \"/app/db.py\", line 42, in run",
        "    cursor.execute(query)",
        "psycopg2.OperationalError: connection refused",
        "2025-10-07 16:19:07,500 - app.jobs - WARNING - queue backlog depth=120",
        "ERROR:app.auth:token expired user=bob",
    ];

    #[test]
    fn formats_and_their_reasons() {
        assert_eq!(
            detect(&[], "e"),
            Ok((Kind::CloudWatch, "no lines to sample (empty source)".into()))
        );
        let k8s = [
            r#"{"log":"ERROR:db:x tenant=a\n","kubernetes":{}}"#,
            "garbage",
            r#"{"log":"INFO:db:y"}"#,
        ];
        assert_eq!(
            detect(&k8s, "k8s.jsonl"),
            Ok((
                Kind::CloudWatch,
                "2 of 3 sampled lines are JSON objects, 2 with a log or kubernetes key".into()
            ))
        );
        let docker = [
            r#"{"log":"x\n","stream":"stdout","time":"t"}"#,
            r#"{"log":"y\n"}"#,
        ];
        assert_eq!(
            detect(&docker, "d"),
            Ok((
                Kind::Docker,
                "2 of 2 sampled lines are JSON objects, 2 Docker json-file records".into()
            ))
        );
        assert_eq!(
            kind(&[r#"{"msg": "x"}"#, r#"{"msg": "y"}"#]),
            Ok(Kind::Json)
        );
        let logfmt = [
            r#"ts=2025-10-07T16:00:00Z level=info msg="request done" service=api"#,
            "time=2025-10-07T16:00:05+02:00 lvl=WARN msg=slow tenant=company-b",
            r#"ts=1759852810 severity=error msg="db down: connection refused" retry=3"#,
            "level=debug no message here",
        ];
        assert_eq!(
            detect(&logfmt, "svc.log"),
            Ok((
                Kind::Logfmt,
                "3 of 4 sampled lines are key=value pairs from the first word".into()
            ))
        );
        assert_eq!(
            detect(&PYTHON_LOG, "p"),
            Ok((
                Kind::Python,
                "4 of 8 sampled lines start like Python logging records, with a traceback".into()
            ))
        );
        assert_eq!(
            detect(&["ERROR:a:x", "INFO:b:y", "hello"], "p"),
            Ok((Kind::Python, "2 of 3 sampled lines start like Python logging records, with 2 in LEVEL:name:message form".into()))
        );
        let text: Vec<String> = (0..5)
            .map(|i| format!("2025-10-07T16:19:0{i}Z INFO request done path=/x status=200 ms={i}"))
            .collect();
        let text: Vec<&str> = text.iter().map(String::as_str).collect();
        assert_eq!(
            detect(&text, "t"),
            Ok((Kind::Text, "5 of 5 sampled lines start with a time".into()))
        );
        let cri = [
            "2025-10-07T16:19:05.771609123Z stderr P ERROR:app.db:Connection fa",
            "not a cri line",
        ];
        assert_eq!(
            detect(&cri, "c"),
            Ok((
                Kind::Cri,
                "1 of 2 sampled lines are container runtime (CRI) lines".into()
            ))
        );
    }

    #[test]
    fn the_error_names_what_was_seen() {
        assert_eq!(
            detect(&["just", "plain words", "nothing structured here"], "it's.log"),
            Err("cannot tell the format of \"it's.log\": of 3 sampled lines, 0 are JSON objects (cloudwatch, docker, \
                 json), 0 are key=value pairs from the first word (logfmt), 0 start like Python records (python), 0 \
                 are CRI lines (cri) and 0 start with a time (text); pass format= one of 'cloudwatch', 'cri', \
                 'docker', 'json', 'logfmt', 'python', 'text'"
                .to_string())
        );
    }

    #[test]
    fn python_repr() {
        assert_eq!(py_repr("a.log"), "'a.log'");
        assert_eq!(py_repr("it's"), "\"it's\"");
        assert_eq!(py_repr("'\""), "'\\'\"'");
        assert_eq!(
            py_repr("a\\b\tc\n\r\u{1}\u{7f}"),
            "'a\\\\b\\tc\\n\\r\\x01\\x7f'"
        );
        assert_eq!(
            py_repr("日本/é\u{a0}\u{200b}\u{e000}\u{10ffff}"),
            "'日本/é\\xa0\\u200b\\ue000\\U0010ffff'"
        );
    }

    proptest! {
        #[test]
        fn never_panics(sample in proptest::collection::vec("\\PC*", 0..8), source in "\\PC*") {
            let lines: Vec<&str> = sample.iter().map(String::as_str).collect();
            let _ = detect(&lines, &source);
        }
    }
}
