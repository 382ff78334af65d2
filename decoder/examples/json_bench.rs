//! Measures the JSON parsers considered for the CloudWatch decoder, and checks them against the
//! correctness bars (see the `json` module docs). Rerun with:
//!
//! ```text
//! cd decoder && cargo run --release --features json-bench --example json_bench -- FILE.jsonl
//! ```
//!
//! `FILE.jsonl` is, for example, `python -m bench.generate 200000 /tmp/logs.jsonl` (CloudWatch
//! lines, ~1% malformed). Each contender decodes every line into the same `Raw` record (time,
//! stream, log, namespace, pod, container; values of other JSON types as JSON text; strings
//! unescaped by the crate's own `json::unescape`, so lone surrogates never fail a contender);
//! lines it rejects are labelled by `json::skip_reason`. Timing is single-threaded: the best of
//! several passes over the lines held in memory.

use std::borrow::Cow;
use std::hint::black_box;
use std::process::Command;
use std::time::Instant;

use _native::embedded;
use _native::formats::jsonlines::JsonLines;
use _native::formats::{cloudwatch, docker, STRIP_ALL};
use _native::json::{compact, skip_reason, unescape, Scanner, MAX_DEPTH};
use _native::record::{Raw, Reason, Want};

type Owned = Result<Raw<'static>, Reason>;

/// A decoder under test: whether it made a record of the line.
type Check<'f> = &'f dyn Fn(&str) -> bool;

/// The generic JSON format with its default paths.
static GENERIC: std::sync::LazyLock<JsonLines> = std::sync::LazyLock::new(JsonLines::default);

/// A raw JSON value's text as the decoder gives it (shared by the serde-style contenders).
fn raw_text<'a>(raw: &'a str, replaced: &mut bool) -> Option<Cow<'a, str>> {
    match raw.as_bytes().first() {
        Some(b'n') => None,
        Some(b'"') => {
            let inner = raw.get(1..raw.len().saturating_sub(1)).unwrap_or("");
            Some(unescape(inner, inner.contains('\\'), replaced))
        }
        Some(b'{' | b'[') => Some(Cow::Owned(compact(raw, replaced))),
        _ => Some(Cow::Borrowed(raw)),
    }
}

/// The contender for this crate: `formats::cloudwatch::decode` (the hand-written scanner).
fn own(line: &str) -> Result<Raw<'_>, Reason> {
    cloudwatch::decode(line)
}

mod sj {
    use super::*;
    use serde::Deserialize;
    use serde_json::value::RawValue;

    #[derive(Deserialize)]
    struct Line<'a> {
        #[serde(borrow)]
        time: Option<&'a RawValue>,
        #[serde(borrow)]
        stream: Option<&'a RawValue>,
        #[serde(borrow)]
        log: Option<&'a RawValue>,
        #[serde(borrow)]
        kubernetes: Option<&'a RawValue>,
    }

    #[derive(Deserialize)]
    struct Kube<'a> {
        #[serde(borrow)]
        namespace_name: Option<&'a RawValue>,
        #[serde(borrow)]
        pod_name: Option<&'a RawValue>,
        #[serde(borrow)]
        container_name: Option<&'a RawValue>,
    }

    /// serde_json: a borrowed struct of `&RawValue` (other keys skipped with `IgnoredAny`).
    pub fn decode(line: &str) -> Result<Raw<'_>, Reason> {
        let parsed: Line<'_> = serde_json::from_str(line).map_err(|_| skip_reason(line))?;
        let kube: Option<Kube<'_>> = match parsed.kubernetes {
            Some(k) if k.get().starts_with('{') => {
                Some(serde_json::from_str(k.get()).map_err(|_| skip_reason(line))?)
            }
            _ => None,
        };
        let mut replaced = false;
        fn text<'a>(v: Option<&'a RawValue>, replaced: &mut bool) -> Option<Cow<'a, str>> {
            v.and_then(|v| raw_text(v.get(), replaced))
        }
        let r = &mut replaced;
        let mut raw = Raw {
            time: text(parsed.time, r),
            stream: text(parsed.stream, r),
            log: text(parsed.log, r),
            ..Raw::default()
        };
        if let Some(k) = kube {
            raw.namespace = text(k.namespace_name, r);
            raw.pod = text(k.pod_name, r);
            raw.container = text(k.container_name, r);
        }
        raw.replaced = replaced;
        Ok(raw)
    }

    pub fn eof(line: &str) -> Option<bool> {
        serde_json::from_str::<serde::de::IgnoredAny>(line)
            .err()
            .map(|e| e.is_eof())
    }
}

mod sonic {
    use super::*;
    use serde::Deserialize;
    use sonic_rs::LazyValue;

    #[derive(Deserialize)]
    struct Line<'a> {
        #[serde(borrow)]
        time: Option<LazyValue<'a>>,
        #[serde(borrow)]
        stream: Option<LazyValue<'a>>,
        #[serde(borrow)]
        log: Option<LazyValue<'a>>,
        #[serde(borrow)]
        kubernetes: Option<LazyValue<'a>>,
    }

    #[derive(Deserialize)]
    struct Kube<'a> {
        #[serde(borrow)]
        namespace_name: Option<LazyValue<'a>>,
        #[serde(borrow)]
        pod_name: Option<LazyValue<'a>>,
        #[serde(borrow)]
        container_name: Option<LazyValue<'a>>,
    }

    fn lazy_text<'a>(v: &LazyValue<'a>, replaced: &mut bool) -> Option<Cow<'a, str>> {
        match v.as_raw_cow() {
            Cow::Borrowed(s) => raw_text(s, replaced),
            Cow::Owned(s) => raw_text(&s, replaced).map(|t| Cow::Owned(t.into_owned())),
        }
    }

    /// sonic-rs: a borrowed struct of `LazyValue` through its serde deserializer.
    pub fn decode(line: &str) -> Result<Raw<'_>, Reason> {
        let parsed: Line = sonic_rs::from_str(line).map_err(|_| skip_reason(line))?;
        let mut replaced = false;
        let mut raw = Raw::default();
        if let Some(k) = parsed
            .kubernetes
            .as_ref()
            .filter(|k| k.as_raw_str().starts_with('{'))
        {
            let raw_k = k.as_raw_cow();
            let kube: Kube = sonic_rs::from_str(&raw_k).map_err(|_| skip_reason(line))?;
            let mut text = |v: Option<LazyValue<'_>>| {
                v.and_then(|v| lazy_text(&v, &mut replaced).map(|t| Cow::Owned(t.into_owned())))
            };
            raw.namespace = text(kube.namespace_name);
            raw.pod = text(kube.pod_name);
            raw.container = text(kube.container_name);
        }
        let mut text = |v: Option<LazyValue<'_>>| {
            v.and_then(|v| lazy_text(&v, &mut replaced).map(|t| Cow::Owned(t.into_owned())))
        };
        raw.time = text(parsed.time);
        raw.stream = text(parsed.stream);
        raw.log = text(parsed.log);
        raw.replaced = replaced;
        Ok(raw)
    }

    /// sonic-rs: its lazy object iterator (checked), nested for `kubernetes`.
    pub fn decode_iter(line: &str) -> Result<Raw<'_>, Reason> {
        let mut replaced = false;
        let mut raw = Raw::default();
        for item in sonic_rs::to_object_iter(line) {
            let (key, value) = item.map_err(|_| skip_reason(line))?;
            let slot = match &*key {
                "time" => &mut raw.time,
                "stream" => &mut raw.stream,
                "log" => &mut raw.log,
                "kubernetes" if value.as_raw_str().starts_with('{') => {
                    let text = value.as_raw_str();
                    for item in sonic_rs::to_object_iter(text) {
                        let (key, value) = item.map_err(|_| skip_reason(line))?;
                        let slot = match &*key {
                            "namespace_name" => &mut raw.namespace,
                            "pod_name" => &mut raw.pod,
                            "container_name" => &mut raw.container,
                            _ => continue,
                        };
                        if slot.is_none() {
                            *slot = lazy_text(&value, &mut replaced)
                                .map(|t| Cow::Owned(t.into_owned()));
                        }
                    }
                    continue;
                }
                _ => continue,
            };
            if slot.is_none() {
                *slot = lazy_text(&value, &mut replaced).map(|t| Cow::Owned(t.into_owned()));
            }
        }
        raw.replaced = replaced;
        Ok(raw)
    }

    pub fn eof(line: &str) -> Option<bool> {
        sonic_rs::from_str::<serde::de::IgnoredAny>(line)
            .err()
            .map(|e| e.is_eof())
    }
}

mod simd {
    use super::*;
    use simd_json::prelude::*;
    use simd_json::BorrowedValue;

    fn text(v: &BorrowedValue<'_>) -> Option<Cow<'static, str>> {
        match v {
            BorrowedValue::Static(simd_json::StaticNode::Null) => None,
            BorrowedValue::String(s) => Some(Cow::Owned(s.to_string())),
            BorrowedValue::Static(_) => Some(Cow::Owned(v.encode())),
            _ => Some(Cow::Owned(v.encode())),
        }
    }

    /// simd-json: its borrowed DOM (the line copied into a mutable buffer, as it requires).
    pub fn decode(line: &str, buf: &mut Vec<u8>) -> Result<Raw<'static>, Reason> {
        buf.clear();
        buf.extend_from_slice(line.as_bytes());
        let value = simd_json::to_borrowed_value(buf).map_err(|_| skip_reason(line))?;
        let Some(object) = value.as_object() else {
            return Err(Reason::NotAJsonObject);
        };
        let mut raw = Raw {
            time: object.get("time").and_then(text),
            stream: object.get("stream").and_then(text),
            log: object.get("log").and_then(text),
            ..Raw::default()
        };
        if let Some(kube) = object.get("kubernetes").and_then(|k| k.as_object()) {
            raw.namespace = kube.get("namespace_name").and_then(text);
            raw.pod = kube.get("pod_name").and_then(text);
            raw.container = kube.get("container_name").and_then(text);
        }
        Ok(raw)
    }

    pub fn eof(line: &str) -> Option<bool> {
        let mut buf = line.as_bytes().to_vec();
        simd_json::to_borrowed_value(&mut buf).err().map(|e| {
            matches!(
                e.error(),
                simd_json::ErrorType::Eof | simd_json::ErrorType::UnterminatedString
            )
        })
    }
}

/// The contenders by name.
const CONTENDERS: [&str; 5] = [
    "own-scanner",
    "serde_json",
    "sonic-rs-serde",
    "sonic-rs-iter",
    "simd-json",
];

fn run(name: &str, line: &str, buf: &mut Vec<u8>) -> Owned {
    match name {
        "own-scanner" => own(line).map(Raw::into_owned),
        "serde_json" => sj::decode(line).map(Raw::into_owned),
        "sonic-rs-serde" => sonic::decode(line).map(Raw::into_owned),
        "sonic-rs-iter" => sonic::decode_iter(line).map(Raw::into_owned),
        _ => simd::decode(line, buf),
    }
}

/// Decode `line` with contender `name`, keeping the result borrowed; whether it was a record.
#[inline(never)]
fn run_borrowed(name: &str, line: &str, buf: &mut Vec<u8>) -> bool {
    match name {
        "own-scanner" => black_box(own(line)).is_ok(),
        "own-json" => black_box(GENERIC.decode(line, &Want::ALL)).is_ok(),
        "serde_json" => black_box(sj::decode(line)).is_ok(),
        "sonic-rs-serde" => black_box(sonic::decode(line)).is_ok(),
        "sonic-rs-iter" => black_box(sonic::decode_iter(line)).is_ok(),
        _ => black_box(simd::decode(line, buf)).is_ok(),
    }
}

/// The correctness bars: (name, line, what a correct decoder gives).
fn bars() -> Vec<(&'static str, String, Owned)> {
    let log = |s: &str| {
        Ok(Raw {
            log: Some(Cow::Owned(s.to_string())),
            ..Raw::default()
        })
    };
    let nines = "9".repeat(4301);
    let deep = 100_000;
    vec![
        (
            "valid line kept",
            r#"{"log":"x","kubernetes":{"pod_name":"p"}}"#.to_string(),
            Ok(Raw {
                log: Some("x".into()),
                pod: Some("p".into()),
                ..Raw::default()
            }),
        ),
        (
            "trailing garbage rejected",
            r#"{"log":"x"}x"#.to_string(),
            Err(Reason::InvalidJson),
        ),
        (
            "trailing comma rejected",
            r#"{"log":"x",}"#.to_string(),
            Err(Reason::InvalidJson),
        ),
        (
            "invalid inside unused key rejected",
            r#"{"log":"x","a":{"b":[1,,2]}}"#.to_string(),
            Err(Reason::InvalidJson),
        ),
        (
            "bad escape in unused key rejected",
            r#"{"log":"x","a":"\q"}"#.to_string(),
            Err(Reason::InvalidJson),
        ),
        (
            "control character rejected",
            "{\"log\":\"x\",\"a\":\"a\tb\"}".to_string(),
            Err(Reason::InvalidJson),
        ),
        (
            "1e999 in unused key kept",
            r#"{"log":"x","a":1e999}"#.to_string(),
            log("x"),
        ),
        (
            "1e999 as log kept as text",
            r#"{"log":1e999}"#.to_string(),
            log("1e999"),
        ),
        (
            "4301-digit time kept as text",
            format!(r#"{{"log":"x","time":{nines}}}"#),
            Ok(Raw {
                log: Some("x".into()),
                time: Some(nines.clone().into()),
                ..Raw::default()
            }),
        ),
        (
            "4301-digit number in unused key kept",
            format!(r#"{{"log":"x","n":{nines}}}"#),
            log("x"),
        ),
        (
            "lone surrogate in log replaced",
            r#"{"log":"\ud800x"}"#.to_string(),
            Ok(Raw {
                log: Some("\u{fffd}x".into()),
                replaced: true,
                ..Raw::default()
            }),
        ),
        (
            "lone surrogate in unused key's value kept",
            r#"{"log":"x","a":"\udc00"}"#.to_string(),
            log("x"),
        ),
        (
            "lone surrogate in a key kept",
            r#"{"\ud800":1,"log":"x"}"#.to_string(),
            log("x"),
        ),
        (
            "duplicate key: first wins (Polars)",
            r#"{"log":"a","log":"b"}"#.to_string(),
            log("a"),
        ),
        (
            "wrong types as JSON text",
            r#"{"log":{"nested": 1},"kubernetes":"backend"}"#.to_string(),
            log(r#"{"nested":1}"#),
        ),
        (
            "deep nesting (100k) rejected",
            format!(
                r#"{{"log":"x","a":{}{}}}"#,
                "[".repeat(deep),
                "]".repeat(deep)
            ),
            Err(Reason::InvalidJson),
        ),
        (
            "deep truncated nesting rejected",
            format!(r#"{{"log":"x","a":{}"#, "[".repeat(deep)),
            Err(Reason::InvalidJson),
        ),
        (
            "nesting 1023 accepted (Polars' limit)",
            format!(
                r#"{{"log":"x","a":{}{}}}"#,
                "[".repeat(MAX_DEPTH - 1),
                "]".repeat(MAX_DEPTH - 1)
            ),
            log("x"),
        ),
    ]
}

/// Lines whose truncated/invalid label Python gave (`true`: truncated), to see which crates' own
/// errors could tell them apart without `skip_reason`.
const EOF_CASES: [(&str, bool); 6] = [
    (r#"{"log":"cut"#, true),
    (r#"{"a":1"#, true),
    (r#"{"a":"#, true),
    (r#"{"a":tru"#, false),
    (r#"{"a":"\u00e9"#, false),
    (r#"{"a":1."#, false),
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--bar") {
        // One bar in a child process: a stack overflow aborts the child, not the benchmark.
        let name = args.get(2).cloned().unwrap_or_default();
        let index: usize = args.get(3).and_then(|i| i.parse().ok()).unwrap_or(0);
        let Some((_, line, want)) = bars().into_iter().nth(index) else {
            return;
        };
        let got = std::panic::catch_unwind(|| run(&name, &line, &mut Vec::new()));
        match got {
            Ok(got) if got == want => println!("pass"),
            Ok(got) => println!("FAIL: {}", describe(&got)),
            Err(_) => println!("FAIL: panic"),
        }
        return;
    }
    let path = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "/tmp/hB_logs.jsonl".to_string());
    let data = std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
    let text = String::from_utf8_lossy(&data);
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.trim_matches(STRIP_ALL))
        .filter(|l| !l.is_empty())
        .collect();
    let bytes: usize = lines.iter().map(|l| l.len()).sum();
    println!(
        "{path}: {} lines, {:.1} MB",
        lines.len(),
        bytes as f64 / 1e6
    );

    let only = args.get(2).cloned();
    if let Some(only) = &only {
        // `json_bench FILE NAME`: only time one contender (for profiling).
        let mut buf = Vec::new();
        for _ in 0..20 {
            for line in &lines {
                black_box(run_borrowed(only, line, &mut buf));
            }
        }
        return;
    }

    // Agreement with the chosen decoder, line by line.
    let mut buf = Vec::new();
    for name in CONTENDERS {
        let differ = lines
            .iter()
            .filter(|l| run(name, l, &mut buf) != own(l).map(Raw::into_owned))
            .count();
        let rejected = lines
            .iter()
            .filter(|l| run(name, l, &mut buf).is_err())
            .count();
        println!("{name:>15}: rejects {rejected} lines, differs from own-scanner on {differ}");
    }

    println!("\nsingle-threaded decode() over the lines in memory (best of 9 passes, contenders interleaved):");
    let mut best = [f64::INFINITY; CONTENDERS.len()];
    for _ in 0..9 {
        for (slot, name) in best.iter_mut().zip(CONTENDERS) {
            let start = Instant::now();
            let mut kept = 0usize;
            for line in &lines {
                kept += usize::from(run_borrowed(name, line, &mut buf));
            }
            black_box(kept);
            *slot = slot.min(start.elapsed().as_secs_f64());
        }
    }
    for (time, name) in best.iter().zip(CONTENDERS) {
        println!(
            "{name:>15}: {:7.0} MB/s  ({:.0} ns/line)",
            bytes as f64 / 1e6 / time,
            time * 1e9 / lines.len() as f64
        );
    }

    // For reference, the crate's other JSON paths over the same lines.
    let generic = &*GENERIC;
    let others: [(&str, Check<'_>); 4] = [
        ("(validate only)", &|line| {
            Scanner::new(line).value(0, MAX_DEPTH).is_ok()
        }),
        ("(docker)", &|line| black_box(docker::decode(line)).is_ok()),
        ("(json, fields)", &|line| {
            black_box(generic.decode(line, &Want::ALL)).is_ok()
        }),
        ("(cw + embedded)", &|line| {
            black_box(cloudwatch::decode(line).map(embedded::unwrap)).is_ok()
        }),
    ];
    for (name, f) in others {
        let mut best = f64::INFINITY;
        for _ in 0..5 {
            let start = Instant::now();
            let kept = lines.iter().filter(|l| f(l)).count();
            black_box(kept);
            best = best.min(start.elapsed().as_secs_f64());
        }
        println!("{name:>15}: {:7.0} MB/s", bytes as f64 / 1e6 / best);
    }

    println!("\ncorrectness bars (each in a child process):");
    let exe = std::env::current_exe().unwrap_or_default();
    print!("{:<44}", "");
    for name in CONTENDERS {
        print!("{name:>16}");
    }
    println!();
    for (index, (bar, _, _)) in bars().iter().enumerate() {
        print!("{bar:<44}");
        for name in CONTENDERS {
            let out = Command::new(&exe)
                .args(["--bar", name, &index.to_string()])
                .output();
            let verdict = match out {
                Ok(o) if o.status.success() => {
                    String::from_utf8_lossy(&o.stdout).trim().to_string()
                }
                Ok(o) => format!(
                    "CRASH({})",
                    o.status
                        .code()
                        .map_or("signal".to_string(), |c| c.to_string())
                ),
                Err(e) => format!("error {e}"),
            };
            let short = if verdict == "pass" {
                "pass".to_string()
            } else {
                verdict.chars().take(15).collect()
            };
            print!("{short:>16}");
        }
        println!();
    }
    println!(
        "\nown errors tell truncated from invalid as Python did? (crate error category vs Python)"
    );
    for (line, truncated) in EOF_CASES {
        let own = skip_reason(line) == Reason::TruncatedJson;
        println!(
            "  {line:<16} python={:<9} own={:<9} serde_json={:<9} sonic-rs={:<9} simd-json={:<9}",
            label(Some(truncated)),
            label(Some(own)),
            label(sj::eof(line)),
            label(sonic::eof(line)),
            label(simd::eof(line)),
        );
    }
}

fn label(eof: Option<bool>) -> &'static str {
    match eof {
        Some(true) => "truncated",
        Some(false) => "invalid",
        None => "accepted",
    }
}

fn describe(got: &Owned) -> String {
    match got {
        Ok(raw) => format!(
            "ok log={:?}",
            raw.log
                .as_deref()
                .map(|l| l.chars().take(10).collect::<String>())
        ),
        Err(reason) => reason.as_str().to_string(),
    }
}
