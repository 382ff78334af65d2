//! Decodes a file of test lines with every JSON format and writes the records as JSON, for comparing
//! with another implementation (the parity check against the old Python decoders):
//!
//! ```text
//! cargo run --example json_cases -- CASES.jsonl OUT.jsonl
//! ```
//!
//! `CASES.jsonl` holds one JSON string (a log line) a line. Each output line has, per format
//! (`cloudwatch`, `docker`, `json`, `json_mapped` with the mapping `timestamp=@t,
//! message=event.text, level=event.sev`, and `embedded`: CloudWatch then `embedded::unwrap`), either
//! `{"reason": ...}` or the record's columns; and `skip_reason`, what `json::skip_reason` says of the
//! line.

use std::io::{BufRead, BufReader, BufWriter, Write};

use _native::embedded;
use _native::formats::jsonlines::JsonLines;
use _native::formats::{cloudwatch, docker};
use _native::json::skip_reason;
use _native::record::{Decoded, Raw, Want};
use serde_json::{json, Value};

fn record(decoded: Decoded<'_>) -> Value {
    match decoded {
        Err(reason) => json!({"reason": reason.as_str()}),
        Ok(raw) => raw_json(&raw),
    }
}

fn raw_json(raw: &Raw<'_>) -> Value {
    let attrs: Vec<Value> = raw.attrs.iter().map(|(k, v)| json!([k, v])).collect();
    json!({
        "time": raw.time, "stream": raw.stream, "log": raw.log, "namespace": raw.namespace,
        "pod": raw.pod, "container": raw.container, "raw_level": raw.raw_level, "attrs": attrs,
        "open": raw.open, "replaced": raw.replaced,
    })
}

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(input), Some(output)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: json_cases CASES.jsonl OUT.jsonl");
        std::process::exit(2);
    };
    let mapping: Vec<(String, String)> = [
        ("timestamp", "@t"),
        ("message", "event.text"),
        ("level", "event.sev"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let json_default = JsonLines::default();
    let json_mapped = JsonLines::new(&mapping).map_err(std::io::Error::other)?;
    let mut out = BufWriter::new(std::fs::File::create(output)?);
    for line in BufReader::new(std::fs::File::open(input)?).lines() {
        let text: String = serde_json::from_str(&line?)?;
        let result = json!({
            "text": text,
            "skip_reason": skip_reason(&text).as_str(),
            "cloudwatch": record(cloudwatch::decode(&text)),
            "docker": record(docker::decode(&text)),
            "json": record(json_default.decode(&text, &Want::ALL)),
            "json_mapped": record(json_mapped.decode(&text, &Want::ALL)),
            "embedded": record(cloudwatch::decode(&text).map(embedded::unwrap)),
        });
        writeln!(out, "{result}")?;
    }
    out.flush()
}
