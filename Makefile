# The two commands of the README: `make demo` and `make test`. Each sets itself up on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-dev
CORE := $(VENV)/.installed-core
NATIVE := $(VENV)/.built-native
RUST_SOURCES := $(shell find decoder/src -name '*.rs') decoder/Cargo.toml decoder/Cargo.lock
DEMO_OUT := out

.PHONY: demo test lint types rust unit setup native bench bench-data bench-patterns bench-formats bench-load bench-merge bench-notebook docs clean
BENCH_DATA := bench/data/logs_100k.jsonl bench/data/logs_1m.jsonl

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# The package alone (what `make demo` needs); `pip install -e .` builds the Rust extension with maturin.
$(CORE): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $(CORE) $(NATIVE)

# Everything `make test` needs: the extras and the development tools.
$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e ".[dev,aws,service,bench]"
	touch $(STAMP) $(CORE) $(NATIVE)

# Rebuild the extension when the crate changes.
$(NATIVE): $(RUST_SOURCES) | $(CORE)
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(NATIVE)

setup: $(STAMP) $(NATIVE)
native: $(NATIVE)

## Set up (the package only), then run the main job on sample_logs.txt: stats, the parse report, filtered CSV and Parquet.
demo: $(CORE) $(NATIVE)
	$(VENV)/bin/logframe stats sample_logs.txt
	$(VENV)/bin/logframe report sample_logs.txt
	mkdir -p $(DEMO_OUT)
	$(VENV)/bin/logframe query sample_logs.txt --where "level>='ERROR' & tenant='company-b'" --format csv -o $(DEMO_OUT)/company-b-errors.csv
	$(VENV)/bin/logframe query sample_logs.txt --where "level>='ERROR' & tenant='company-b'" --format parquet -o $(DEMO_OUT)/company-b-errors.parquet
	$(VENV)/bin/logframe query sample_logs.txt --where "level='CRITICAL'"

## Set up, then lint, type-check, run the Rust checks and tests, every Python test and doctest, and each
## optional extra's tests in a fresh venv holding only that extra.
test: $(STAMP) $(NATIVE) lint types rust unit test-extras

## The crate: formatting, clippy with warnings as errors, unit and property tests.
rust:
	cd decoder && cargo fmt --check
	cd decoder && cargo clippy --all-targets --locked -- -D warnings
	cd decoder && cargo test --locked

lint: $(STAMP)
	$(VENV)/bin/ruff check logframe tests bench docs
	$(VENV)/bin/ruff format --check logframe tests bench docs

types: $(STAMP)
	$(VENV)/bin/mypy

unit: $(STAMP) $(NATIVE)
	$(PY) -m pytest

## Template mining on the 16 labelled Loghub sets (../shared): GA, FGA, PA of logframe, drain3 and a
## Brain-style baseline, leave-one-dataset-out, and patterns() on 1M / 10M records -> bench/patterns.md.
bench-patterns: bench/data/logs_1m.jsonl | $(STAMP)
	POLARS_MAX_THREADS=1 $(PY) -m bench.patterns --loo --speed bench/data/logs_1m.jsonl | tee bench/patterns.md

## Peak RSS and time of stats() on every input format, 100k and 1M lines (files written once).
bench-formats: $(STAMP)
	$(PY) -m bench.formats --lines 100000 1000000 | tee bench/formats.md

## Sustained ingestion of the service on loopback (records/s, p50/p99 latency) by batch size.
bench-load: $(STAMP)
	$(PY) -m bench.load | tee bench/load.md

## Several sources merged by time in `logframe query`: merge, sort and file order (time, peak RSS).
bench-merge: $(STAMP)
	$(PY) -m bench.merge | tee bench/merge.md

## The notebook session of issue 14 on a 2M-line export: raw JSON, writing the cache, from the cache (fresh process each).
bench-notebook: bench/data/logs_2m.jsonl | $(STAMP)
	$(PY) -m bench.notebook --repeat 3 bench/data/logs_2m.jsonl | tee bench/notebook.md

bench/data/logs_2m.jsonl: bench/generate.py | $(STAMP)
	$(PY) -m bench.generate 2000000 $@

## The chart images of the README, drawn from sample_logs.txt.
docs: $(STAMP)
	$(PY) docs/charts.py

## Generated inputs for the benchmarks (not committed): 100k, 1M and 10M lines.
bench-data: $(BENCH_DATA) bench/data/logs_10m.jsonl

bench/data/logs_100k.jsonl: bench/generate.py | $(STAMP)
	$(PY) -m bench.generate 100000 $@
bench/data/logs_1m.jsonl: bench/generate.py | $(STAMP)
	$(PY) -m bench.generate 1000000 $@
bench/data/logs_10m.jsonl: bench/generate.py | $(STAMP)
	$(PY) -m bench.generate 10000000 $@

## logframe against DuckDB, Polars, pandas and plain Python, same files, same run -> bench/results.md (not part of `make test`).
## 100k, 1M and 10M lines; the 10M file is run once per cell (`--repeat-large 1`: minutes a run), the others 3 times.
bench: $(BENCH_DATA) bench/data/logs_10m.jsonl | $(STAMP)
	$(PY) -m bench.run --repeat-large 1 $(BENCH_DATA) bench/data/logs_10m.jsonl

clean:
	rm -rf $(VENV) .venv-extra-* $(DEMO_OUT) .pytest_cache .mypy_cache .ruff_cache decoder/target logframe/_native*.so

## Each install on its own (issue 13, item 1): a fresh venv per extra (.venv-extra-NAME) holding only it,
## pytest and hypothesis, running the tests marked with its name; a test there may not skip (LOGFRAME_EXTRA).
EXTRA_INSTALL_core := -e .
EXTRA_INSTALL_service := -e '.[service]'
EXTRA_INSTALL_aws := -e '.[aws]'
EXTRA_TESTS_core := tests/test_extras.py
EXTRA_TESTS_service := tests/test_extras.py tests/test_service.py
EXTRA_TESTS_aws := tests/test_extras.py

define test_extra
	rm -rf .venv-extra-$(1)
	$(PYTHON) -m venv .venv-extra-$(1)
	.venv-extra-$(1)/bin/python -m pip install --quiet --upgrade pip
	.venv-extra-$(1)/bin/python -m pip install --quiet pytest hypothesis $(EXTRA_INSTALL_$(1))
	LOGFRAME_EXTRA=$(1) .venv-extra-$(1)/bin/python -m pytest -p no:cacheprovider -o addopts="" --strict-markers -ra \
		-m $(1) $(EXTRA_TESTS_$(1))
endef

.PHONY: test-extras test-extra-core test-extra-service test-extra-aws
test-extras: test-extra-core test-extra-service test-extra-aws
test-extra-core:
	$(call test_extra,core)
test-extra-service:
	$(call test_extra,service)
test-extra-aws:
	$(call test_extra,aws)
