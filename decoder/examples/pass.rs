//! Time one pass of the decoder over a file, without Python: `cargo run --release --example pass --
//! FILE [FORMAT] [THREADS] [CHUNK_KIB] [COLUMNS]` (columns comma-separated, default
//! `level,container,timestamp`: what `stats()` reads).

use std::time::Instant;

use _native::batch::Columns;
use _native::decode::Plan;
use _native::filter::Filter;
use _native::formats::{Format, Kind};
use _native::pipeline::{Event, Options, Pipeline, SourceSpec};
use _native::reader::Input;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "bench/data/logs_1m.jsonl".into());
    let kind =
        Kind::from_name(args.get(2).map_or("cloudwatch", String::as_str)).expect("a format name");
    let threads: usize = args.get(3).and_then(|t| t.parse().ok()).unwrap_or(2);
    let chunk: usize = args.get(4).and_then(|c| c.parse().ok()).unwrap_or(256);
    let names = args
        .get(5)
        .cloned()
        .unwrap_or_else(|| "level,container,timestamp".into());
    let names: Vec<&str> = names.split(',').filter(|n| !n.is_empty()).collect();
    let columns = Columns::from_names(&names).expect("known columns");
    let format = Format::new(kind, &[], 2025).expect("a format");
    let spec = SourceSpec {
        name: path.clone(),
        input: Input::Path(path.into()),
        format,
    };
    let plan = Plan::new(columns, Filter::default(), 16 << 20);
    let options = Options {
        chunk_size: chunk << 10,
        max_bytes: None,
        threads,
    };
    let start = Instant::now();
    let mut pipeline = Pipeline::start(vec![spec], plan, options);
    let (mut rows, mut lines) = (0, 0);
    while let Some(event) = pipeline.next_event() {
        if let Event::Batch { batch, counts, .. } = event {
            rows += batch.map_or(0, |b| b.num_rows());
            lines += counts.lines;
        }
    }
    println!(
        "{lines} lines, {rows} rows in {:.3} s ({threads} threads, {chunk} KiB chunks)",
        start.elapsed().as_secs_f64()
    );
}
